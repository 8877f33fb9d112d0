#!/usr/bin/env python3
"""Run every benchmark once and print a summary of the ratios.

    python benchmarks/run_all.py --tiny                 # 10k rows, a few seconds (CI smoke test)
    python benchmarks/run_all.py                        # 1M rows: docs/performance.md
    python benchmarks/run_all.py --shapes               # also the score entry on every shape
    python benchmarks/run_all.py --dossiers 2000000 --jsonl --keep

Beside the reader, what polars alone needs for the file (bench_polars_floor.py). Every entry
point (bench_entry.py: ``chiso766 score``, ``score_766(read_folder(...))``,
``chiso766 hcm104``, ``chiso766 audit``) is measured on the ``plain`` folder; ``--shapes`` adds
the ``score`` entry on every other preset of generate.py (``--shape-entry`` to choose others).

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
import bench_entry
import bench_polars_floor
import bench_reader
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
    ap.add_argument("--shapes", action="store_true",
                    help="also run the score entry on every shape preset of generate.py")
    ap.add_argument("--shape-entry", action="append", choices=[*bench_entry.ENTRIES, "all"],
                    help="with --shapes: the entries to run on the other shapes (repeatable; "
                         "default score)")
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    args = ap.parse_args(argv)
    shape_entries = (list(bench_entry.ENTRIES) if args.shape_entry and "all" in args.shape_entry
                     else list(dict.fromkeys(args.shape_entry or ["score"])))

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
    shapes = [s for s in generate.PRESETS if s != "plain"] if args.shapes else []
    try:
        cal = bench_calendar.run(calls, repeat, holidays_calls)
        print()
        folder = generate.ensure(dossiers, workdir)
        print()
        reader = bench_reader.run(folder, repeat, args.jsonl)
        print()
        print("polars alone (bench_polars_floor.py):")
        polars_floor = bench_polars_floor.run(folder, repeat)
        print()
        entries = bench_entry.run([("plain", folder)], bench_entry.ENTRIES, generate.PERIOD, 1,
                                  table=False)
        for shape in shapes:
            entries += bench_entry.run([(shape, generate.ensure(dossiers, workdir, shape=shape))],
                                       shape_entries, generate.PERIOD, 1, table=False)
    finally:
        if not args.keep:
            if temporary:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                for shape in ["plain", *shapes]:
                    shutil.rmtree(workdir / generate.folder_name(dossiers, shape),
                                  ignore_errors=True)
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
    if polars_floor is not None:
        print(f"  polars alone: import + lazy query "
              f"{(polars_floor['import'] + polars_floor['query']) / polars_floor['floor']:.2f}x "
              "the csv.reader floor")
    print()
    bench_entry.print_table(entries)
    return 0 if all(r["ok"] for r in entries) else 1


if __name__ == "__main__":
    sys.exit(main())
