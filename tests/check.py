"""The whole check, as CI runs it (docs/development.md "The whole check").

    python tests/check.py python -m pytest   # the suite, and beside it the other three steps
    python tests/check.py --serial   # the four steps one after the other, the suite whole
    python tests/check.py --shards 1 python -m pytest   # the suite as one process

Four steps, each also runnable alone:

* ``python -m pytest`` — the suite;
* ``python -m mypy`` — ``mypy --strict`` over ``src/chiso766`` and ``tests``;
* ``python -m ruff check src tests``;
* ``python tests/mutation_check.py`` — the tests catch each mutation of the counting rules.

The machine has two cores: the suite runs as two processes side by side (``--shards``; each
runs half the tests, ``CHISO766_SHARD`` in tests/conftest.py), and the other three run one
after the other **beside** them, their output kept and printed, step by step, once the suite
has finished (the first shard's output is shown as it runs, the second's after it). Every
step runs even when another fails; the exit status is 0 only when all four passed, and the
last lines name each step with its status and time. Nothing here depends on the machine's
speed: the steps are the same either way, only the wall time differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

#: The suite, then the steps that run beside it (in this order, one after the other).
SUITE = ("pytest", [PY, "-m", "pytest"])
#: The suite runs as this many processes side by side, each with ``CHISO766_SHARD=K/N`` set
#: (tests/conftest.py keeps the K-th of every N tests): the machine has two cores, and one
#: process left the second idle once the steps beside it had finished.
SHARDS = 2
SHARD_VARIABLE = "CHISO766_SHARD"
#: pytest's exit status when it ran no test (a shard left empty by a narrow selection).
NO_TESTS = 5
BESIDE = (
    ("mypy --strict", [PY, "-m", "mypy"]),
    ("ruff", [PY, "-m", "ruff", "check", "src", "tests"]),
    ("mutation check", [PY, str(ROOT / "tests" / "mutation_check.py")]),
)


def _run_beside(log: Path) -> subprocess.Popen[bytes]:
    """Start the steps beside the suite in one shell-free child process: a small Python loop
    that runs each step with its output appended to ``log`` and writes each step's status and
    seconds as a last line ``@@ name status seconds``."""
    script = (
        "import subprocess, sys, time, json\n"
        "steps = json.loads(sys.argv[1])\n"
        "with open(sys.argv[2], 'ab') as out:\n"
        "    for name, argv in steps:\n"
        "        out.write(('\\n===== ' + name + ' =====\\n').encode()); out.flush()\n"
        "        t = time.monotonic()\n"
        "        rc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT).returncode\n"
        "        out.write(('@@ %s %d %.1f\\n' % (name.replace(' ', '_'), rc,"
        " time.monotonic() - t)).encode()); out.flush()\n"
    )
    return subprocess.Popen([PY, "-c", script, json.dumps(BESIDE), str(log)], cwd=ROOT)


def _run_suite(command: Sequence[str], shards: int, tmp: Path) -> int:
    """Run the suite as ``shards`` processes side by side, the first one's output shown as it
    runs and the others' printed after it, each under its own heading; the exit status is the
    first failing shard's (a shard that ran no test fails only when none ran one)."""
    if shards == 1:
        return subprocess.run(command, cwd=ROOT).returncode
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    for k in range(shards):
        env = {**os.environ, SHARD_VARIABLE: f"{k}/{shards}"}
        if k == 0:
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env))
            continue
        logs.append(Path(tmp) / f"shard-{k}.log")
        with logs[-1].open("wb") as out:
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                          stderr=subprocess.STDOUT))
    codes = [proc.wait() for proc in procs]
    for k, path in enumerate(logs, start=1):
        print(f"\n===== {SUITE[0]}, shard {k + 1} of {shards} =====", flush=True)
        sys.stdout.write(path.read_text(encoding="utf-8", errors="replace"))
        sys.stdout.flush()
    ran = [code for code in codes if code != NO_TESTS]
    if not ran:
        return NO_TESTS
    return next((code for code in ran if code != 0), 0)


def _statuses(text: str) -> dict[str, tuple[int, float]]:
    found: dict[str, tuple[int, float]] = {}
    for line in text.splitlines():
        if line.startswith("@@ "):
            _, name, rc, secs = line.split()
            found[name.replace("_", " ")] = (int(rc), float(secs))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serial", action="store_true",
                        help="run the four steps one after the other")
    parser.add_argument("--shards", type=int, default=SHARDS, metavar="N",
                        help=f"run the suite as N processes side by side (default {SHARDS}; "
                             "--serial runs one)")
    parser.add_argument("suite", nargs=argparse.REMAINDER,
                        help="the suite's command (default: python -m pytest)")
    args = parser.parse_args(argv)
    if args.shards < 1:
        parser.error(f"--shards {args.shards}: at least 1")
    suite = SUITE
    if args.suite:
        command = [PY if args.suite[0] in ("python", "python3") else args.suite[0],
                   *args.suite[1:]]
        suite = (SUITE[0], command)
    results: dict[str, tuple[int, float]] = {}
    start = time.monotonic()
    if args.serial:
        for name, command in (suite, *BESIDE):
            print(f"\n===== {name} =====", flush=True)
            t = time.monotonic()
            rc = subprocess.run(command, cwd=ROOT).returncode
            results[name] = (rc, time.monotonic() - t)
    else:
        with tempfile.TemporaryDirectory(prefix="chiso766-check-") as tmp:
            log = Path(tmp) / "beside.log"
            log.touch()
            beside = _run_beside(log)
            try:
                t = time.monotonic()
                rc = _run_suite(suite[1], args.shards, Path(tmp))
                results[suite[0]] = (rc, time.monotonic() - t)
            finally:
                beside.wait()
            text = log.read_text(encoding="utf-8", errors="replace")
            sys.stdout.write("".join(line + "\n" for line in text.splitlines()
                                     if not line.startswith("@@ ")))
            found = _statuses(text)
            for name, _ in BESIDE:
                # A step with no status line did not finish: its runner died (reported so).
                results[name] = found.get(name, (beside.returncode or 1, 0.0))
    print("\n===== the whole check =====")
    for name, (rc, secs) in results.items():
        print(f"{name:16} {'passed' if rc == 0 else f'FAILED (exit {rc})':18} {secs:6.1f} s")
    print(f"{'wall':16} {'':18} {time.monotonic() - start:6.1f} s")
    return 0 if all(rc == 0 for rc, _ in results.values()) else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
