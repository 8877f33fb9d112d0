#!/usr/bin/env python3
"""Every entry point end to end, side by side with a ``csv.reader`` pass over the same file.

    python benchmarks/bench_entry.py --dossiers 1000000                    # every entry, plain
    python benchmarks/bench_entry.py --dossiers 1000000 --shape all --entry score
    python benchmarks/bench_entry.py --folder /tmp/chiso766-bench/dossiers-1000000 --entry python

The entry points (issue 15), each run as a subprocess of this checkout's ``src/``
(``benchmarks/_checkout.py``), timed wall clock with its peak resident memory from ``os.wait4``
(the child's own ``ru_maxrss``):

- ``score``: ``chiso766 score FOLDER --period P --format json --output FILE``;
- ``python``: ``python -c`` running ``score_766(read_folder(FOLDER), period=Period.parse(P))``,
  what a notebook or an importing system calls;
- ``hcm104``: ``chiso766 hcm104 FOLDER --period P --format json --output FILE``;
- ``audit``: ``chiso766 audit FOLDER --format json --output FILE``.

The floor is a ``csv.reader`` pass over the folder's ``dossiers.csv`` in this process (best of
3), measured in the same run just before the entries; ratio = the entry's wall time over it.

``--shape`` generates (once, under ``--workdir``) the folder in one of generate.py's presets
(repeatable; ``all`` for every preset). A command must exit 0, or 1 when rows were rejected; the
number rejected must be the number of bad rows the generator wrote (``.generated`` in the
folder), else the row is marked WRONG and the script exits 1. Nothing about speed is asserted:
targets are printed as met, MISSED or "not judged at this size".

Targets (issue 15): with the engine (polars importable) ``score`` ≤ 1.0× the floor at 1M rows,
the other entries ≤ 1.5×, peak RSS ≤ 600 MB at 10M rows; the record path (no polars) ≤ 8× the
floor and ≤ 250 MB at 10M rows. ``--record-path`` measures the record path on a machine that
has polars: each command runs with polars hidden from its interpreter (``import polars``
fails there, as without the ``fast`` extra), and the record path's targets are judged.

    python benchmarks/bench_entry.py --dossiers 1000000 --entry score --record-path
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)
import generate

#: ``python -c`` for the ``python`` entry: argv is FOLDER PERIOD OUTPUT; it writes the read
#: report's counts as the CLI's JSON does (``{"input": {...}}``), and whether polars was loaded
#: (the engine's dependency: loaded when the engine counted), and exits 0.
PYTHON_ENTRY = """\
import json, sys
from chiso766 import Period, read_folder, score_766
data = read_folder(sys.argv[1])
card = score_766(data, period=Period.parse(sys.argv[2]))
r = card.input  # the scorecard's read report: data.report would read the records
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump({"input": {"read": r.read, "accepted": r.accepted, "rejected": r.rejected},
               "units": len(card.units),
               "polars_loaded": sys.modules.get("polars") is not None}, f)
"""

#: Put before a command's code with ``--record-path``: ``import polars`` then fails in that
#: interpreter, so the library takes the record path, as on a machine without the ``fast`` extra.
HIDE_POLARS = "import sys; sys.modules['polars'] = None\n"
#: The command line's ``python -m chiso766`` as ``python -c`` code (after HIDE_POLARS).
CLI_CODE = """\
import runpy
runpy.run_module("chiso766", run_name="__main__", alter_sys=True)
"""

ENTRIES = ("score", "python", "hcm104", "audit")
#: Shown in the table and the summary lines.
LABELS = {
    "score": "chiso766 score --period --format json",
    "python": "score_766(read_folder(...)) via python -c",
    "hcm104": "chiso766 hcm104 --period --format json",
    "audit": "chiso766 audit --format json",
}
#: (ratio target, rows from which it is judged) with the engine and on the record path.
ENGINE_RATIO = {"score": 1.0, "python": 1.5, "hcm104": 1.5, "audit": 1.5}
ENGINE_RATIO_AT = 1_000_000
ENGINE_RSS_MB = 600
RECORD_RATIO = 8.0
RECORD_RSS_MB = 250
RSS_AT = 10_000_000


def engine() -> bool:
    """Whether the columnar engine's dependency is importable here (the children run the same
    interpreter): the targets differ with and without it."""
    return importlib.util.find_spec("polars") is not None


def command(record_path: bool = False) -> list[str]:
    # This checkout's code (benchmarks/_checkout.py puts its src/ on PYTHONPATH), never a
    # `chiso766` installed elsewhere on PATH.
    if record_path:
        return [sys.executable, "-c", HIDE_POLARS + CLI_CODE]
    return [sys.executable, "-m", "chiso766"]


def entry_argv(entry: str, folder: Path, period: str, out: Path,
               record_path: bool = False) -> list[str]:
    f, o = os.fspath(folder), os.fspath(out)
    cli = command(record_path)
    if entry == "score":
        return [*cli, "score", f, "--period", period, "--format", "json", "--output", o]
    if entry == "python":
        code = (HIDE_POLARS if record_path else "") + PYTHON_ENTRY
        return [sys.executable, "-c", code, f, period, o]
    if entry == "hcm104":
        return [*cli, "hcm104", f, "--period", period, "--format", "json", "--output", o]
    if entry == "audit":
        return [*cli, "audit", f, "--format", "json", "--output", o]
    raise ValueError(f"unknown entry {entry!r} (expected one of {', '.join(ENTRIES)})")


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


#: Runs the measured command and reports its own wall time and peak RSS: ``python -c LAUNCHER
#: RESULT ARGV...``. The command is forked from this small interpreter rather than from the
#: benchmark: Linux carries the peak RSS of the process image that execs into the new one
#: (with ``vfork``, the *parent's* peak), so a child spawned straight from the benchmark would
#: report at least the benchmark's own peak.
LAUNCHER = """\
import json, os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "maxrss": usage.ru_maxrss,
               "exit": os.waitstatus_to_exitcode(status)}, f)
"""


class EntryError(RuntimeError):
    """A command that failed (exit status other than 0, or 1 with rejected rows)."""


def measure(argv: Sequence[str], out: Path) -> tuple[float, int, dict[str, Any]]:
    """Run ``argv`` (which writes JSON with an ``input`` object to ``out``): (wall seconds, peak
    RSS in bytes, the ``input`` counts plus ``exit``)."""
    result = out.with_name(out.name + ".launcher.json")
    with tempfile.TemporaryFile() as err:
        subprocess.run([sys.executable, "-c", LAUNCHER, os.fspath(result), *argv],
                       stdout=subprocess.DEVNULL, stderr=err, check=False)
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip()
    got = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    code = got["exit"]
    if code not in (0, 1) or not out.is_file():
        raise EntryError(f"{' '.join(argv[:3])} … exited {code}: {message[-2000:]}")
    written = json.loads(out.read_text(encoding="utf-8"))
    counts = dict(written["input"])
    counts["exit"] = code
    if "polars_loaded" in written:
        counts["polars_loaded"] = written["polars_loaded"]
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss = got["maxrss"] * (1 if sys.platform == "darwin" else 1024)
    return float(got["seconds"]), int(rss), counts


def run_entry(entry: str, folder: Path, period: str, repeat: int = 1,
              record_path: bool = False) -> tuple[float, int, dict[str, Any]]:
    """Best wall time and highest peak RSS of ``repeat`` runs of one entry point."""
    best, peak = float("inf"), 0
    counts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=f"chiso766-{entry}-") as tmp:
        out = Path(tmp) / "out.json"
        for _ in range(repeat):
            out.unlink(missing_ok=True)
            seconds, rss, counts = measure(entry_argv(entry, folder, period, out, record_path),
                                           out)
            best, peak = min(best, seconds), max(peak, rss)
    return best, peak, counts


def _verdict(ok: bool, judged: bool) -> str:
    if not judged:
        return "not judged at this size"
    return "met" if ok else "MISSED"


def targets(entry: str, with_engine: bool) -> tuple[float, int, int]:
    """(ratio target, rows it is judged from, RSS target in MB)."""
    if with_engine:
        return ENGINE_RATIO[entry], ENGINE_RATIO_AT, ENGINE_RSS_MB
    return RECORD_RATIO, RSS_AT, RECORD_RSS_MB


def run(folders: Sequence[tuple[str, Path]], entries: Sequence[str] = ENTRIES,
        period: str = generate.PERIOD, repeat: int = 1, out: IO[str] = sys.stdout,
        table: bool = True, record_path: bool = False) -> list[dict[str, Any]]:
    """Measure every entry on every ``(shape, folder)``; print one block per folder, then (with
    ``table``) the table of ratios. A row whose command failed or rejected the wrong number of
    rows has ``ok`` False (and ``error``). With ``record_path`` the commands run with polars
    hidden (:data:`HIDE_POLARS`)."""
    with_engine = engine() and not record_path
    mode = "engine (polars importable)" if with_engine else "record path (no polars)"
    results: list[dict[str, Any]] = []
    for shape, folder in folders:
        dossiers = folder / "dossiers.csv"
        rows = csv_pass([dossiers]) - 1
        expected = generate.expected_rejections(folder)
        t_floor = floor([dossiers])
        print(f"entries on {folder} (shape {shape}, {rows:,} dossier rows, "
              f"{dossiers.stat().st_size / 1e6:,.1f} MB; {mode}; best of {repeat}):", file=out)
        print(f"  {'csv.reader pass over dossiers.csv (floor)':<46} {t_floor:9.3f} s", file=out)
        for entry in entries:
            ratio_target, ratio_at, rss_target = targets(entry, with_engine)
            res: dict[str, Any] = {"shape": shape, "entry": entry, "rows": rows,
                                   "floor_s": t_floor, "expected_rejected": expected,
                                   "path": "engine" if with_engine else "record"}
            results.append(res)
            try:
                seconds, rss, counts = run_entry(entry, folder, period, repeat, record_path)
            except EntryError as exc:
                res.update(ok=False, error=str(exc))
                print(f"  {LABELS[entry]:<46} ERROR: {exc}", file=out)
                continue
            rejected = int(counts.get("rejected", 0))
            # Exit 1 means "rows were rejected" for the commands; python -c always exits 0.
            ok = (expected is None or rejected == expected) and (
                counts["exit"] == 0 or (entry != "python" and rejected > 0))
            mb = rss / 2**20
            ratio = seconds / t_floor
            res.update(ok=ok, seconds=seconds, ratio=ratio, peak_rss_mb=mb,
                       bytes_per_row=rss / rows, read=counts.get("read", 0), rejected=rejected,
                       polars_loaded=counts.get("polars_loaded"),
                       ratio_target=ratio_target, rss_target_mb=rss_target,
                       ratio_verdict=_verdict(ratio <= ratio_target, rows >= ratio_at),
                       rss_verdict=_verdict(mb <= rss_target, rows >= RSS_AT or mb > rss_target))
            wrong = "" if ok else (f"  WRONG: rejected {rejected:,}, the generator wrote "
                                   f"{expected:,} bad rows; exit {counts['exit']}")
            print(f"  {LABELS[entry]:<46} {seconds:9.3f} s  {rows / seconds:,.0f} dossiers/s; "
                  f"input read {res['read']:,}, rejected {rejected:,}{wrong}", file=out)
            print(f"  {entry} ratio: {ratio:.2f}x the csv.reader floor; target ≤ "
                  f"{ratio_target:g}x at {ratio_at:,} rows: {res['ratio_verdict']}", file=out)
            print(f"  peak RSS of the {entry} process: {mb:,.0f} MB ({rss / rows:,.0f} bytes "
                  f"per dossier row); target ≤ {rss_target} MB at {RSS_AT:,} rows: "
                  f"{res['rss_verdict']}", file=out)
        if table:
            print(file=out)
    if table:
        print_table(results, out)
    return results


def print_table(results: Sequence[dict[str, Any]], out: IO[str] = sys.stdout) -> None:
    """The ratios side by side: one line per (shape, entry)."""
    head = (f"{'shape':<13} {'entry':<7} {'rows':>10} {'floor s':>8} {'wall s':>8} "
            f"{'ratio':>7} {'target':>7} {'peak MB':>8} {'B/row':>7} {'rejected':>9}  verdict")
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in results:
        lead = f"{r['shape']:<13} {r['entry']:<7} {r['rows']:>10,} {r['floor_s']:>8.3f}"
        if "error" in r:
            print(f"{lead} ERROR (see above)", file=out)
            continue
        verdict = r["ratio_verdict"] if r["ok"] else "WRONG rejection count"
        if r["ok"] and r["rss_verdict"] == "MISSED":
            verdict += "; RSS MISSED"
        print(f"{lead} {r['seconds']:>8.3f} {r['ratio']:>6.2f}x {r['ratio_target']:>6g}x "
              f"{r['peak_rss_mb']:>8,.0f} {r['bytes_per_row']:>7,.0f} {r['rejected']:>9,}  "
              f"{verdict}", file=out)


def shape_names(chosen: Sequence[str] | None) -> list[str]:
    if not chosen:
        return ["plain"]
    if "all" in chosen:
        return list(generate.PRESETS)
    return list(dict.fromkeys(chosen))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="shapes: " + ", ".join(generate.PRESETS)
                                 + " (see generate.py --help)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--folder", type=Path, help="a folder (made by generate.py or not)")
    where.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=1_000_000,
                       help="generate (once, under --workdir) folders of this many dossiers")
    ap.add_argument("--shape", action="append", choices=[*generate.PRESETS, "all"],
                    help="generate this preset (repeatable; all: every preset; default plain)")
    ap.add_argument("--entry", action="append", choices=[*ENTRIES, "all"],
                    help="entry point to measure (repeatable; default all)")
    ap.add_argument("--workdir", type=Path, default=generate.WORKDIR)
    ap.add_argument("--period", default=generate.PERIOD)
    ap.add_argument("--repeat", type=int, default=1, help="best of this many runs per entry")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    ap.add_argument("--record-path", action="store_true",
                    help="run each command with polars hidden: the record path, as without "
                         "the fast extra (its targets are judged)")
    args = ap.parse_args(argv)
    entries = list(ENTRIES) if not args.entry or "all" in args.entry else list(
        dict.fromkeys(args.entry))
    if args.folder is not None:
        if args.shape:
            ap.error("--shape generates a folder: use --dossiers, not --folder")
        folders = [(generate.folder_shape(args.folder), args.folder)]
    else:
        folders = [(s, generate.ensure(args.dossiers, args.workdir, shape=s))
                   for s in shape_names(args.shape)]
    results = run(folders, entries, args.period, args.repeat, record_path=args.record_path)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
