#!/usr/bin/env python3
"""Run every benchmark once and print a summary of the ratios.

    python benchmarks/run_all.py --tiny                 # 10k rows, a few seconds (CI smoke test)
    python benchmarks/run_all.py                        # 1M rows: docs/performance.md
    python benchmarks/run_all.py --dossiers 2000000 --jsonl --keep

Data is generated under ``--workdir`` (default ``/tmp/chiso766-bench``; ``--tiny`` uses a
temporary folder) and deleted at the end unless ``--keep``. Nothing is asserted: the exit status
is 0 whenever every benchmark ran (targets missed are printed as MISSED, not failures).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import bench_calendar
import bench_reader
import bench_score
import generate


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true",
                    help="10k dossiers, 20k calendar calls, one run each: a smoke test")
    ap.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=None,
                    help="dossier rows for the reader and score benchmarks (default 1M)")
    ap.add_argument("--calls", type=lambda s: int(s.replace("_", "")), default=None,
                    help="calendar calls (default 1M)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--jsonl", action="store_true", help="also measure the JSON Lines reader")
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    args = ap.parse_args(argv)

    if args.tiny:
        dossiers = args.dossiers or 10_000
        calls, holidays_calls, repeat = args.calls or 20_000, 5_000, 1
    else:
        dossiers = args.dossiers or 1_000_000
        calls, holidays_calls, repeat = args.calls or 1_000_000, None, 3
    temporary = args.workdir is None and args.tiny
    workdir = Path(tempfile.mkdtemp(prefix="chiso766-bench-")) if temporary else (
        args.workdir or generate.WORKDIR)
    import chiso766

    print(f"chiso766 {chiso766.__version__} from {Path(chiso766.__file__).parent}")
    t0 = time.perf_counter()
    try:
        cal = bench_calendar.run(calls, repeat, holidays_calls)
        print()
        folder = generate.ensure(dossiers, workdir)
        print()
        reader = bench_reader.run(folder, repeat, args.jsonl)
        print()
        score = bench_score.run(folder, generate.PERIOD, 1)
    finally:
        if not args.keep:
            if temporary:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                shutil.rmtree(workdir / f"dossiers-{dossiers}", ignore_errors=True)
    print()
    print(f"summary ({dossiers:,} dossiers, {calls:,} calendar calls, "
          f"{time.perf_counter() - t0:.1f} s):")
    print(f"  calendar add_working_days: {cal['add_calls_per_s']:,.0f} calls/s, ratio "
          f"{cal['add_ratio']:.1f}x holidays; working_days_between ratio "
          f"{cal['between_ratio']:.1f}x")
    line = f"  reader: ratio {reader['ratio']:.2f}x the csv.reader floor"
    if "jsonl_ratio" in reader:
        line += f"; JSONL ratio {reader['jsonl_ratio']:.2f}x the json.loads floor"
    print(line)
    print(f"  score end to end: ratio {score['ratio']:.2f}x the csv.reader floor, peak RSS "
          f"{score['peak_rss_mb']:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
