#!/usr/bin/env python3
"""Reading dossier rows into records vs a plain ``csv.reader`` pass over the same file.

    python benchmarks/bench_reader.py --dossiers 1000000          # generate (once) and measure
    python benchmarks/bench_reader.py --folder /tmp/chiso766-bench/dossiers-1000000

Measured in one process, best of ``--repeat`` runs each:

- **floor**: ``for row in csv.reader(f)`` over ``dossiers.csv`` (UTF-8, ``newline=""``), rows
  counted and nothing else;
- **iter_records**: ``iter_records(path, "dossiers")``: every row parsed, converted and built
  into a validated :class:`~chiso766.Dossier` (duplicate ids checked), records counted and
  dropped;
- **iter_records + lookups**: the same with what ``read_folder`` passes: the known procedure
  codes, the units' ids and the supplement requests by dossier (built before timing);
- with ``--jsonl``: the file converted once to JSON Lines (empty cells as ``null``), then a plain
  ``json.loads`` pass (floor) vs ``iter_records`` on it.

Prints both times and the ratio reader / floor. Target (foundation issue): ≤ 4× at 1M rows.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import generate

from chiso766.io import ReportBuilder, iter_records

TARGET_RATIO = 4.0


def csv_floor(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8", newline="") as f:
        for _row in csv.reader(f):
            n += 1
    return n - 1  # the header


def jsonl_floor(path: Path) -> int:
    n = 0
    loads = json.loads
    with path.open("rb") as f:
        for line in f:
            loads(line)
            n += 1
    return n


def read_records(path: Path, **lookups: Any) -> int:
    builder = ReportBuilder()
    n = 0
    for _record in iter_records(path, "dossiers", report_builder=builder, **lookups):
        n += 1
    report = builder.build()
    if report.rejected:
        first = report.rejections[0]
        raise SystemExit(f"{report.rejected} rejected rows in {path} (first: line {first.line} "
                         f"[{first.field}] {first.value!r}: {first.reason})")
    return n


def best(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    times = []
    n = 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        n = fn()
        times.append(time.perf_counter() - t0)
    return min(times), n


def lookups_for(folder: Path) -> dict[str, Any]:
    """What read_folder hands to the dossier reader, built from the folder's other files."""
    units = {u.id for u in iter_records(folder / "units.csv", "units")}
    procedures = {p.code for p in iter_records(folder / "procedures.csv", "procedures")}
    grouped: dict[str, list[Any]] = {}
    sup = folder / "supplements.csv"
    if sup.is_file():
        for row in iter_records(sup, "supplements"):
            grouped.setdefault(row.dossier_id, []).append(row.request)
    return {"procedures": procedures, "unit_ids": units,
            "supplements": {k: tuple(v) for k, v in grouped.items()}}


def to_jsonl(src: Path, dst: Path) -> None:
    with (src.open(encoding="utf-8", newline="") as f,
          dst.open("w", encoding="utf-8") as out):
        rows = csv.reader(f)
        header = next(rows)
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for row in rows:
            out.write(dumps({k: (v if v else None) for k, v in zip(header, row, strict=True)}))
            out.write("\n")


def run(folder: Path, repeat: int = 3, jsonl: bool = False,
        out: Any = sys.stdout) -> dict[str, float]:
    path = folder / "dossiers.csv"
    size = path.stat().st_size
    print(f"reader: {path} ({size / 1e6:,.1f} MB), best of {repeat}", file=out)
    t_floor, rows = best(lambda: csv_floor(path), repeat)
    t_read, n = best(lambda: read_records(path), repeat)
    assert n == rows, (n, rows)
    lookups = lookups_for(folder)
    t_look, n = best(lambda: read_records(path, **lookups), repeat)
    assert n == rows, (n, rows)

    def show(name: str, seconds: float) -> None:
        print(f"  {name:<40} {rows:>10,} rows {seconds:8.3f} s {rows / seconds:>12,.0f} rows/s "
              f"{seconds / t_floor:6.2f}x", file=out)

    show("csv.reader pass (floor)", t_floor)
    show('iter_records(path, "dossiers")', t_read)
    show("iter_records + read_folder's lookups", t_look)
    ratio = t_read / t_floor
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"  reader ratio: {ratio:.2f}x the csv.reader floor (with lookups "
          f"{t_look / t_floor:.2f}x); target ≤ {TARGET_RATIO:g}x: {verdict}", file=out)
    result = {"rows": rows, "floor_s": t_floor, "reader_s": t_read, "lookups_s": t_look,
              "ratio": ratio, "lookups_ratio": t_look / t_floor}
    if jsonl:
        jpath = folder.parent / f"{folder.name}-dossiers.jsonl"
        if not jpath.is_file() or jpath.stat().st_mtime < path.stat().st_mtime:
            to_jsonl(path, jpath)
        try:
            j_floor, jrows = best(lambda: jsonl_floor(jpath), repeat)
            j_read, n = best(lambda: read_records(jpath), repeat)
            assert n == jrows == rows, (n, jrows, rows)
        finally:
            jpath.unlink()
        print(f"  {'json.loads pass over JSONL (floor)':<40} {rows:>10,} rows {j_floor:8.3f} s "
              f"{rows / j_floor:>12,.0f} rows/s", file=out)
        print(f"  {'iter_records(JSONL)':<40} {rows:>10,} rows {j_read:8.3f} s "
              f"{rows / j_read:>12,.0f} rows/s", file=out)
        print(f"  JSONL reader ratio: {j_read / j_floor:.2f}x the json.loads floor "
              f"({j_read / t_floor:.2f}x the CSV floor)", file=out)
        result.update(jsonl_floor_s=j_floor, jsonl_reader_s=j_read,
                      jsonl_ratio=j_read / j_floor)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--folder", type=Path, help="a folder made by generate.py")
    where.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=1_000_000,
                       help="generate (once, under --workdir) a folder of this many dossiers")
    ap.add_argument("--workdir", type=Path, default=generate.WORKDIR)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jsonl", action="store_true", help="also measure JSON Lines")
    args = ap.parse_args(argv)
    folder = args.folder or generate.ensure(args.dossiers, args.workdir)
    run(folder, args.repeat, args.jsonl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
