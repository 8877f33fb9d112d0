"""Rewrite the golden scorecard ``province_2025Q2.json``: the JSON output of

    chiso766 score examples/province --period 2025-Q2 --format json

Run it from anywhere (``python tests/golden/regenerate.py``) after a change that is meant to
change the scores — then review ``git diff tests/golden`` line by line before committing: every
changed number is a changed score.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("province_2025Q2.json")
ARGS = ("score", str(ROOT / "examples" / "province"), "--period", "2025-Q2", "--format", "json")
COMMAND = "chiso766 score examples/province --period 2025-Q2 --format json"


def render() -> tuple[int, str, str]:
    """Run the command in-process: (exit status, stdout, stderr)."""
    from chiso766.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(ARGS))
    return status, out.getvalue(), err.getvalue()


def regenerate() -> int:
    status, text, err = render()
    if status != 0:
        print(f"{COMMAND} exited {status}: {err.strip()}", file=sys.stderr)
        return 1
    GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(text.splitlines())} lines); review the diff")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
