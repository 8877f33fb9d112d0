"""Rewrite the golden reports of the example province (issues: 766 scoring; HCMC index and
reports): ``province_2025Q2.json`` is the JSON output of

    chiso766 score examples/province --period 2025-Q2 --format json

and :data:`OTHERS` lists the HTML page and the HCMC index, written the same way.

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
_PROVINCE = str(ROOT / "examples" / "province")
#: golden file name → the command's arguments after ``chiso766``.
OTHERS: dict[str, tuple[str, ...]] = {
    "province_2025Q2.html": ("score", _PROVINCE, "--period", "2025-Q2", "--format", "html"),
    "province_2025Q2_hcm104.json": ("hcm104", _PROVINCE, "--period", "2025-Q2", "--format",
                                    "json"),
    "province_2025Q2_hcm104.html": ("hcm104", _PROVINCE, "--period", "2025-Q2", "--format",
                                    "html"),
}


def render(args: tuple[str, ...] = ARGS) -> tuple[int, str, str]:
    """Run the command in-process: (exit status, stdout, stderr)."""
    from chiso766.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def regenerate() -> int:
    status, text, err = render()
    if status != 0:
        print(f"{COMMAND} exited {status}: {err.strip()}", file=sys.stderr)
        return 1
    GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(text.splitlines())} lines); review the diff")
    for name, args in OTHERS.items():
        status, text, err = render(args)
        if status != 0:
            print(f"chiso766 {' '.join(args)} exited {status}: {err.strip()}", file=sys.stderr)
            return 1
        target = GOLDEN.with_name(name)
        target.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {target.relative_to(ROOT)}; review the diff")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
