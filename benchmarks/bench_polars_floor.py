#!/usr/bin/env python3
"""What polars alone needs for a dossiers file, beside the ``csv.reader`` floor: how far below
the floor a whole-file engine could go on this machine.

    python benchmarks/bench_polars_floor.py --folder /tmp/chiso766-bench/dossiers-1000000
    python benchmarks/bench_polars_floor.py --dossiers 1000000

Measured in one process, best of ``--repeat`` each (the floor first, as every other script):

- the floor: a ``csv.reader`` pass over ``dossiers.csv``;
- ``import polars`` (once: a second import costs nothing);
- ``read_csv``: the whole file read eagerly by polars, every cell as text;
- the lazy query: ``scan_csv`` with every cell as text, the moment columns parsed
  (``dd/MM/yyyy HH:mm:ss`` or ISO, as the file's first row spells them), each id hashed and
  whether it is the first of its value, then one ``group_by`` on (unit, procedure) with the
  number of rows, the latest receipt and the first ids — a fraction of what the engine does
  with a row (no checks, no supplement requests, no rules), so its time is a floor for any
  engine that reads the file as one lazy query.

The columns are found by the names the readers accept (``chiso766.io.columns``). Nothing is
asserted: ratios are printed. Without polars the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import generate

from chiso766.io.columns import FIELDS, fold_name

MOMENTS = ("received_at", "submitted_at", "due_at", "finished_at", "returned_at",
           "stopped_at", "new_due_at")


def columns_of(path: Path) -> dict[str, str]:
    """Field → the file's column name, for the dossier fields the query reads."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    by_folded = {fold_name(name): name for name in header}
    out: dict[str, str] = {}
    for field, names in FIELDS["dossiers"].items():
        for name in names:
            if fold_name(name) in by_folded:
                out[field] = by_folded[fold_name(name)]
                break
    return out


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def floor_pass(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        for _ in csv.reader(f):
            pass


def run(folder: Path, repeat: int) -> dict[str, float] | None:
    path = folder / "dossiers.csv"
    floor = best(lambda: floor_pass(path), repeat)
    print(f"  csv.reader pass over {path.name} (floor){floor:>22.3f} s")
    if importlib.util.find_spec("polars") is None:
        print("  polars is not installed (extra `fast`): nothing more to measure")
        return None
    t = time.perf_counter()
    import polars as pl

    imported = time.perf_counter() - t
    cols = columns_of(path)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        first = dict(zip(header, next(reader, []), strict=False))

    def moment(field: str) -> pl.Expr:
        name = cols[field]
        fmt = "%Y-%m-%d %H:%M:%S" if first.get(name, "")[4:5] == "-" else "%d/%m/%Y %H:%M:%S"
        return pl.col(name).str.replace("T", " ").str.strptime(pl.Datetime("us"), fmt,
                                                                strict=False)

    def eager() -> None:
        pl.read_csv(path, infer_schema=False, quote_char=None)

    def lazy() -> None:
        ident = pl.col(cols["id"])
        receipt = cols.get("received_at") or cols["submitted_at"]
        (pl.scan_csv(path, infer_schema=False, quote_char=None)
         .with_columns([moment(f).alias(cols[f]) for f in MOMENTS if f in cols])
         .with_columns(h=ident.hash(), first=ident.is_first_distinct())
         .group_by(cols["unit_id"], cols["procedure_code"])
         .agg(pl.len(), pl.col(receipt).max(), pl.col("first").sum(), pl.col("h").min())
         .collect())

    read = best(eager, repeat)
    query = best(lazy, repeat)
    print(f"  import polars{imported:>42.3f} s  ({imported / floor:.2f}x the floor)")
    print(f"  polars read_csv, every cell as text{read:>20.3f} s  ({read / floor:.2f}x)")
    print(f"  polars lazy query (parse, hash, group){query:>17.3f} s  ({query / floor:.2f}x)")
    print(f"  import + lazy query{imported + query:>36.3f} s  "
          f"({(imported + query) / floor:.2f}x the floor)")
    return {"floor": floor, "import": imported, "read_csv": read, "query": query}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--folder", type=Path, help="a folder with a dossiers.csv")
    where.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=None,
                       help="generate a folder of this many dossiers (default 1M)")
    ap.add_argument("--workdir", type=Path, default=generate.WORKDIR)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    folder = args.folder or generate.ensure(args.dossiers or 1_000_000, args.workdir)
    print(f"polars alone on {folder}/dossiers.csv, best of {args.repeat}:")
    run(folder, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
