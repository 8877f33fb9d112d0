"""The command line's progress line on stderr: phase, percentage, rows, rate.

It is fed only by the readers' small callback ``progress(kind, rows)`` (rows of one kind of
record so far), so it does not depend on how the files are read. The percentage is by bytes:
each record file's size is known up front, the bytes per row of a text file are estimated from
its first megabyte, and a file counts as wholly read once the next kind starts (or at
:meth:`ProgressLine.done`). Until then a file is shown at most 99 % read. Files whose rows
cannot be estimated that way (compressed formats: ``.xlsx``, ``.parquet``) count by their size
when done.

Clock reads here are for the display only; nothing scored depends on them.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .reports.fmt import number_text

__all__ = ["ProgressLine"]

_SAMPLE = 1 << 20
_MIN_RATE_SECONDS = 0.5
_TEXT = (".csv", ".jsonl", ".json")

_WORDS = {
    "vi": {"read": "đọc", "rows": "dòng", "done": "đọc xong", "in": "trong",
           "next": "đang tính điểm…"},
    "en": {"read": "reading", "rows": "rows", "done": "read", "in": "in",
           "next": "scoring…"},
}


def _count(n: float, lang: str) -> str:
    return number_text(round(n), lang, places=0, group=True)


def _dec(x: float, lang: str) -> str:
    return number_text(x, lang, places=1)


def _bytes_per_row(path: Path) -> float | None:
    """Average bytes per line of the file's first megabyte (header included)."""
    if path.suffix.lower() not in _TEXT:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SAMPLE)
    except OSError:
        return None
    lines = head.count(b"\n")
    if not head or lines == 0:
        return None
    return len(head) / lines


class ProgressLine:
    """``progress(kind, rows)`` for :func:`~chiso766.read_folder` and
    :func:`~chiso766.score_folder`, drawn on one line of ``stream``."""

    def __init__(self, folder: str | os.PathLike[str], lang: str = "vi", *,
                 stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lang = lang if lang in _WORDS else "vi"
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.sizes: dict[str, tuple[str, int, float | None]] = {}
        root = Path(folder)
        try:
            entries = sorted(root.iterdir()) if root.is_dir() else []
        except OSError:
            entries = []
        for entry in entries:
            kind = entry.name.split(".", 1)[0]
            if entry.is_file() and kind not in self.sizes:
                size = entry.stat().st_size
                self.sizes[kind] = (entry.name, size, _bytes_per_row(entry))
        self.total = sum(size for _, size, _ in self.sizes.values()) or 1
        self.done_bytes = 0
        self.done_rows = 0
        self.kind: str | None = None
        self.rows = 0
        self.started = clock()
        self.kind_started = self.started

    # -- the callback ----------------------------------------------------------------------

    def __call__(self, kind: str, rows: int) -> None:
        now = self.clock()
        if kind != self.kind:
            self._close_kind()
            self.kind, self.rows, self.kind_started = kind, 0, now
        self.rows = rows
        self._draw(now)

    def _close_kind(self) -> None:
        if self.kind is not None:
            self.done_bytes += self.sizes.get(self.kind, ("", 0, None))[1]
            self.done_rows += self.rows
            self.kind, self.rows = None, 0

    def fraction(self) -> float:
        """The share of the folder's bytes read so far (0–1)."""
        read = float(self.done_bytes)
        if self.kind is not None and self.kind in self.sizes:
            _, size, per_row = self.sizes[self.kind]
            if per_row is not None and size:
                read += min(self.rows * per_row, 0.99 * size)
        return min(read / self.total, 1.0)

    def _draw(self, now: float) -> None:
        w = _WORDS[self.lang]
        name = self.sizes.get(self.kind or "", (self.kind or "", 0, None))[0]
        fraction = self.fraction()
        text = (f"chiso766: {fraction * 100:3.0f}% {w['read']} {name}: "
                f"{_count(self.rows, self.lang)} {w['rows']}")
        elapsed = now - self.started
        if elapsed >= _MIN_RATE_SECONDS:  # a rate over a few milliseconds means nothing
            rows = (self.done_rows + self.rows) / elapsed
            mb = fraction * self.total / elapsed / 1e6
            text += (f" · {_count(rows, self.lang)} {w['rows']}/s · "
                     f"{_dec(mb, self.lang)} MB/s")
        self.stream.write("\r" + text.ljust(78))
        self.stream.flush()

    def done(self, next_phase: bool = True, rows: int | None = None) -> None:
        """Every file read: 100 %, the rows (``rows``: the read report's count, when known) and
        the time, then what comes next; ends the line."""
        self._close_kind()
        w = _WORDS[self.lang]
        seconds = max(self.clock() - self.started, 0.0)
        total = self.done_rows if rows is None else rows
        text = (f"chiso766: 100% {w['done']} {_count(total, self.lang)} {w['rows']} "
                f"{w['in']} {_dec(seconds, self.lang)} s")
        if next_phase:
            text += f"; {w['next']}"
        self.stream.write("\r" + text.ljust(78) + "\n")
        self.stream.flush()
