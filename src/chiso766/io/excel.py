"""Rows of an Excel workbook (``.xlsx``), for the record readers (docs/inputs.md).

The first worksheet is read, its first non-empty row being the header, exactly as a CSV export
of that sheet would be: each row comes out as ``(row number in the sheet, cell values)`` and goes
through the same parsers and record checks as a CSV row
(:func:`~chiso766.io.readers.iter_records`). Cells are read as Excel stores them (``openpyxl``,
read-only, cached formula results) and made plain by :func:`~chiso766.io.cells.plain`:

- an empty cell is ``""``, as in the sheet's CSV export (an empty flag cell is "no");
- a date cell whose number format shows no time (``dd/mm/yyyy``) and whose time is 00:00 is a
  date, so it means 00:00 or 17:00 by field as a date in a file does; any other date cell is a
  date and time, Vietnam local time;
- a number cell is an ``int`` when whole (``1`` → ``"1"`` as an id) and a ``float`` otherwise,
  which is refused where text is expected (a code typed as a number, ``1.000100`` shown as
  ``1.0001``, cannot be trusted: format such columns as Text);
- an error cell (``#N/A``, ``#DIV/0!``) rejects its row when it belongs to a field.

``openpyxl`` is the optional extra ``excel`` and is imported only here, when a workbook is read.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any

from ..errors import InputError
from .cells import BadCell

__all__ = ["xlsx_rows"]

_NOT_TIME = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _shows_time(number_format: str | None) -> bool:
    """Whether an Excel number format shows a time of day (hours or seconds)."""
    fmt = _NOT_TIME.sub("", number_format or "").lower()
    return "h" in fmt or "s" in fmt or "am/pm" in fmt


def _value(cell: Any) -> Any:
    value = cell.value
    if value is None:
        return ""
    kind = getattr(cell, "data_type", None)
    if kind == "e":
        return BadCell(str(value), f"an Excel error value ({value}): fix the cell or its formula")
    if (isinstance(value, datetime) and value.hour == value.minute == value.second == 0
            and not value.microsecond
            and not _shows_time(getattr(cell, "number_format", None))):
        return value.date()
    return value


def xlsx_rows(source: Any | IO[bytes], file: str,
              note: Callable[[str], None]) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, cells)`` of the first worksheet of ``source`` (a path or a binary file);
    the first item is the header. Raises :class:`~chiso766.errors.InputError` naming ``file``
    when openpyxl is missing or the workbook cannot be read."""
    try:
        import openpyxl
    except ImportError:
        raise InputError("reading .xlsx files needs openpyxl: pip install 'chiso766[excel]' "
                         "(or save the sheet as CSV UTF-8)", file=file) from None
    try:
        with warnings.catch_warnings():
            # "no default style", "extension not supported": nothing the reader acts on.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and its own errors
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                         file=file) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise InputError("the workbook has no worksheet", file=file)
        sheet = sheets[0]
        note(f"{file}: read the first sheet, '{sheet.title}' (row numbers are the sheet's)"
             + (f"; {len(sheets) - 1} other sheet(s) ignored" if len(sheets) > 1 else ""))
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        number = 0
        rows = sheet.iter_rows()
        while True:
            try:
                row = next(rows, None)
            except Exception as exc:
                raise InputError(f"the workbook cannot be read past row {number} "
                                 f"({type(exc).__name__}: {exc})", file=file) from None
            if row is None:
                break
            number += 1
            for cell in row:
                at = getattr(cell, "row", None)
                if at is not None:
                    number = at
                    break
            yield number, [_value(cell) for cell in row]
    finally:
        workbook.close()
