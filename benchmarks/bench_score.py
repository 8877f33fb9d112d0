#!/usr/bin/env python3
"""End to end: ``chiso766 score FOLDER --period 2025 --format json`` vs a ``csv.reader`` pass.

    python benchmarks/bench_score.py --dossiers 1000000
    python benchmarks/bench_score.py --folder /tmp/chiso766-bench/dossiers-1000000 --repeat 1

Runs the command as a subprocess (``python -m chiso766`` from this checkout's ``src/``), output
to a file, and times it wall clock; its peak resident memory comes from
``os.wait4`` (the child's own ``ru_maxrss``, so several runs in one process do not mix). The
floor is a ``csv.reader`` pass over the same ``dossiers.csv`` in this process (best of 3), as in
bench_reader.py; a pass over every CSV file of the folder is printed too, for information.

Targets (scale issue): ≤ 2.5× the floor at 1M rows, ≤ 200 MB peak at 10M rows. Nothing is
asserted: the figures are printed as measured. Exit status of the command must be 0 (every row
accepted); anything else is reported as an error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import generate

TARGET_RATIO = 2.5
TARGET_RSS_MB = 200


def command() -> list[str]:
    # This checkout's code (benchmarks/_checkout.py puts its src/ on PYTHONPATH), never a
    # `chiso766` installed elsewhere on PATH.
    return [sys.executable, "-m", "chiso766"]


def csv_pass(paths: Sequence[Path]) -> int:
    n = 0
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            for _row in csv.reader(f):
                n += 1
    return n


def floor(paths: Sequence[Path], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        csv_pass(paths)
        times.append(time.perf_counter() - t0)
    return min(times)


def score_once(folder: Path, period: str) -> tuple[float, int, dict[str, Any]]:
    """(wall seconds, peak RSS in bytes, the report's input counts)."""
    with tempfile.TemporaryDirectory(prefix="chiso766-score-") as tmp:
        out = Path(tmp) / "score.json"
        cmd = [*command(), "score", os.fspath(folder), "--period", period, "--format", "json",
               "--output", os.fspath(out)]
        with open(Path(tmp) / "stderr.txt", "w+b") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {message[-2000:]}")
        counts = json.loads(out.read_text(encoding="utf-8"))["input"]
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return seconds, rss, counts


def _verdict(ok: bool, judged: bool) -> str:
    if not judged:
        return "not judged at this size"
    return "met" if ok else "MISSED"


def run(folder: Path, period: str = generate.PERIOD, repeat: int = 1,
        out: Any = sys.stdout) -> dict[str, float]:
    dossiers = folder / "dossiers.csv"
    all_csv = sorted(folder.glob("*.csv"))
    rows = csv_pass([dossiers]) - 1
    print(f"score: {' '.join(command())} score {folder} --period {period} --format json "
          f"({rows:,} dossier rows; best of {repeat})", file=out)
    t_floor = floor([dossiers])
    t_all = floor(all_csv)
    best_s, peak = float("inf"), 0
    counts: dict[str, Any] = {}
    for _ in range(repeat):
        seconds, rss, counts = score_once(folder, period)
        best_s = min(best_s, seconds)
        peak = max(peak, rss)
    mb = peak / 2**20
    print(f"  {'csv.reader pass over dossiers.csv (floor)':<44} {t_floor:9.3f} s", file=out)
    print(f"  {'csv.reader pass over all files':<44} {t_all:9.3f} s", file=out)
    print(f"  {'chiso766 score (subprocess, wall)':<44} {best_s:9.3f} s  "
          f"{rows / best_s:,.0f} dossiers/s; input read {counts.get('read', 0):,}, "
          f"rejected {counts.get('rejected', 0):,}", file=out)
    ratio = best_s / t_floor
    verdict = _verdict(ratio <= TARGET_RATIO, rows >= 1_000_000)
    print(f"  score ratio: {ratio:.2f}x the csv.reader floor ({best_s / t_all:.2f}x all files); "
          f"target ≤ {TARGET_RATIO:g}x at 1M rows: {verdict}", file=out)
    # Below the target's size a miss is already a miss; a pass proves nothing yet.
    verdict = _verdict(mb <= TARGET_RSS_MB, rows >= 10_000_000 or mb > TARGET_RSS_MB)
    print(f"  peak RSS of the score process: {mb:,.0f} MB ({peak / rows:,.0f} bytes per dossier "
          f"row); target ≤ {TARGET_RSS_MB} MB at 10M rows: {verdict}", file=out)
    return {"rows": rows, "floor_s": t_floor, "floor_all_s": t_all, "score_s": best_s,
            "ratio": ratio, "peak_rss_mb": mb}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--folder", type=Path, help="a folder made by generate.py")
    where.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=1_000_000,
                       help="generate (once, under --workdir) a folder of this many dossiers")
    ap.add_argument("--workdir", type=Path, default=generate.WORKDIR)
    ap.add_argument("--period", default=generate.PERIOD)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many score runs")
    args = ap.parse_args(argv)
    folder = args.folder or generate.ensure(args.dossiers, args.workdir)
    run(folder, args.period, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
