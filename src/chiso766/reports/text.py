"""Text from the input, made safe for the place it is shown in.

Unit names, dossier ids, rejected values and file names come from the offices' files and can
hold anything. Two places need care:

* a **spreadsheet** (CSV or xlsx) runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return as a formula (CSV injection, OWASP): :func:`cell_text` puts a single
  quote ``'`` in front of such text, as the OWASP guidance says, and leaves every other text
  unchanged; numbers are written as numbers and never go through it;
* a **terminal** runs escape sequences (``ESC[2J`` clears the screen) and a CR or LF starts a
  fake line: :func:`terminal_text` shows every control character escaped, as Python writes it in
  a string (``\\x1b``, ``\\n``, ``\\r``, ``\\t``), and so are the bidirectional-text controls
  that could make a line read differently from what it holds (``\\u202e``).

The HTML reports show text through :func:`terminal_text` and then :func:`html.escape` (a name
cannot reverse or hide what follows it on the page either); the JSON report holds the text as
it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TextIO

from ..errors import PolicyError

__all__ = ["DANGEROUS_STARTS", "XLSX_MAX_CHARS", "CsvWriter", "cell_text", "csv_cells",
           "terminal_text", "xlsx_text"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
#: Injection"): equals, plus, minus, at, tab and carriage return.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The most characters an Excel cell holds; longer text is cut with "…" (Excel refuses to open
#: a workbook with a longer cell).
XLSX_MAX_CHARS = 32_767

_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidirectional
# embeddings, overrides and isolates (the "Trojan Source" characters).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 (and so an xlsx file) cannot hold: the C0 controls but tab, LF and CR.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """``text`` for a CSV or Excel cell: prefixed with ``'`` when it starts with one of
    :data:`DANGEROUS_STARTS` (``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``, ``"-2+3"`` →
    ``"'-2+3"``), else unchanged. The text after the quote is the original, character for
    character."""
    if not isinstance(text, str):
        raise PolicyError("must be text", record="cell_text", field="text", value=text)
    if text.startswith(DANGEROUS_STARTS):
        return "'" + text
    return text


def csv_cells(values: Iterable[object]) -> list[str]:
    """A CSV row: text through :func:`cell_text`, ``None`` as an empty cell, numbers as they
    print (a negative number stays a number)."""
    return ["" if v is None else cell_text(v) if isinstance(v, str) else str(v) for v in values]


class CsvWriter:
    """Rows of a CSV report: ``\\n`` line ends, every cell through :func:`csv_cells`, and a
    cell holding a carriage return quoted (Python's writer quotes only the characters of its
    line end, so a lone CR would otherwise end the row early for the next reader)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._plain = csv.writer(out, lineterminator="\n")
        self._tmp = io.StringIO()
        self._crlf = csv.writer(self._tmp, lineterminator="\r\n")

    def writerow(self, values: Iterable[object]) -> None:
        cells = csv_cells(values)
        if not any("\r" in c for c in cells):
            self._plain.writerow(cells)
            return
        self._tmp.seek(0)
        self._tmp.truncate()
        self._crlf.writerow(cells)  # quotes every cell holding a CR or an LF
        self._out.write(self._tmp.getvalue()[:-2] + "\n")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    shown = _SHOWN.get(ch)
    if shown is not None:
        return shown
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: object) -> str:
    """``text`` for a terminal (the ``table`` format): every control character escaped as in a
    Python string literal — ``"\\x1b[2J"`` is shown as the six characters ``\\x1b[2J``, a line
    feed as ``\\n`` — and the bidirectional-text controls as ``\\u202e``; all other text,
    Vietnamese and emoji included, unchanged."""
    return _CONTROL.sub(_escape, str(text))


def xlsx_text(text: str) -> str:
    """``text`` for an Excel cell: the characters XML cannot hold escaped as
    :func:`terminal_text` does, cut to :data:`XLSX_MAX_CHARS`, then :func:`cell_text`."""
    if not isinstance(text, str):
        raise PolicyError("must be text", record="xlsx_text", field="text", value=text)
    text = _NOT_XML.sub(_escape, text)
    text = cell_text(text)
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - 1] + "…"
    return text
