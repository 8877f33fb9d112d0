#!/usr/bin/env python3
"""End to end: ``chiso766 score FOLDER --period 2025 --format json`` vs a ``csv.reader`` pass.

    python benchmarks/bench_score.py --dossiers 1000000
    python benchmarks/bench_score.py --dossiers 1000000 --shape odd10
    python benchmarks/bench_score.py --folder /tmp/chiso766-bench/dossiers-1000000 --repeat 1

The ``score`` entry of bench_entry.py (which measures the other entry points too): the command
runs as a subprocess (``python -m chiso766`` from this checkout's ``src/``), output to a file,
timed wall clock, with its own peak resident memory (``ru_maxrss`` from ``os.wait4``, taken in
a small launcher process so that the benchmark's own memory does not count). The floor is a
``csv.reader`` pass over the same ``dossiers.csv`` in this process (best of 3); a pass over every
CSV file of the folder is printed too, for information.

Targets (issue 15): ≤ 1.0× the floor at 1M rows and ≤ 600 MB peak at 10M rows with the engine
(polars importable); ≤ 8× and ≤ 250 MB at 10M rows on the record path. Nothing is asserted: the
figures are printed as measured. The command must exit 0, or 1 with exactly the bad rows the
generator wrote rejected; anything else is reported as an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import bench_entry
import generate

command = bench_entry.command
csv_pass = bench_entry.csv_pass
floor = bench_entry.floor


def run(folder: Path, period: str = generate.PERIOD, repeat: int = 1,
        out: IO[str] = sys.stdout, shape: str | None = None) -> dict[str, Any]:
    """Measure the score command on ``folder``; the figures as a dict (``ratio``,
    ``peak_rss_mb``, …). Raises RuntimeError when the command failed or rejected rows it
    should not have."""
    t_all = floor(sorted(folder.glob("*.csv")))
    res = bench_entry.run([(shape or generate.folder_shape(folder), folder)], ["score"], period,
                          repeat, out, table=False)[0]
    if not res["ok"]:
        raise RuntimeError(res.get("error") or f"score rejected {res['rejected']:,} rows, the "
                           f"generator wrote {res['expected_rejected']:,} bad rows")
    print(f"  csv.reader pass over all files: {t_all:.3f} s ({res['seconds'] / t_all:.2f}x)",
          file=out)
    return {"rows": res["rows"], "floor_s": res["floor_s"], "floor_all_s": t_all,
            "score_s": res["seconds"], "ratio": res["ratio"], "peak_rss_mb": res["peak_rss_mb"]}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--folder", type=Path, help="a folder made by generate.py")
    where.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=1_000_000,
                       help="generate (once, under --workdir) a folder of this many dossiers")
    ap.add_argument("--shape", choices=list(generate.PRESETS), default="plain",
                    help="the generated folder's shape (generate.py --help; default plain)")
    ap.add_argument("--workdir", type=Path, default=generate.WORKDIR)
    ap.add_argument("--period", default=generate.PERIOD)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many score runs")
    args = ap.parse_args(argv)
    folder = args.folder or generate.ensure(args.dossiers, args.workdir, shape=args.shape)
    run(folder, args.period, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
