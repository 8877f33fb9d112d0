"""Typed cells from spreadsheets, DataFrames, Parquet and databases, made plain (docs/inputs.md).

CSV gives text; the other sources give typed values (a spreadsheet's dates and numbers, a
DataFrame's ``Timestamp`` and ``NaN``, a database's ``Decimal`` and ``NULL``). :func:`plain`
turns each into the value a JSON file would hold — text, ``int``, ``float``, ``bool`` or
``None`` — so that every source goes through the same cell parsers
(:mod:`chiso766.io.values`) and the same record checks as a CSV row, and a rule about a cell is
written once:

- a date becomes its ISO text (``2025-06-02``: a date, so 00:00 or 17:00 by field, as in a
  file); a date and time becomes ISO text with its offset if it has one; a moment without an
  offset is Vietnam local time, as in a file;
- a whole float (``1.0``, what pandas makes of an integer column with a gap) up to 2**53 becomes
  the integer ``1``, so an id ``1.0`` reads as ``"1"``; a float with a fraction stays a float and is
  refused where text is expected (``1.000100`` would come back as ``1.0001``, so a code typed
  into a number cell cannot be trusted);
- a ``Decimal`` (SQL ``NUMERIC``) keeps its digits: whole → ``int``, else its text;
- ``NaN``, ``NaT``, ``pd.NA`` and ``None`` become ``None``: **not reported** (as JSON ``null``).
  A spreadsheet's empty cell is not a null: the Excel reader gives ``""``, as the CSV export of
  the same sheet would;
- numpy scalars become the Python value they hold; ``bytes`` are decoded as UTF-8.

Anything else (a list, a struct) is passed on and refused by the parser of its field with the
reason.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["BadCell", "plain"]


@attrs.frozen
class BadCell:
    """A cell the source itself marks as unusable (an Excel ``#N/A``, undecodable bytes): the
    row is rejected with ``reason`` when the cell belongs to a field."""

    value: str
    reason: str


#: Above 2**53 a float no longer holds every whole number: it cannot be trusted to be the digits
#: that were typed, so it is left a float (refused as text).
_EXACT = 2**53


def plain(value: Any) -> Any:
    """The JSON-like value of one typed cell (see the module docstring)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) <= _EXACT:
            return int(value)
        return float(value)
    if isinstance(value, datetime):
        if value != value:  # pandas NaT is a datetime that differs from itself
            return None
        # pandas Timestamp and other subclasses: a plain datetime (isoformat of a Timestamp may
        # carry nanoseconds, which the parsers do not read).
        moment = datetime(value.year, value.month, value.day, value.hour, value.minute,
                          value.second, value.microsecond, value.tzinfo)
        return moment.isoformat()
    if isinstance(value, date):
        return date(value.year, value.month, value.day).isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None if value.is_nan() else str(value)
        if value == value.to_integral_value():
            return int(value)
        return str(value)
    # Subclasses (numpy.str_, an IntEnum…) as the plain type.
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return BadCell(repr(data[:60]), "the bytes are not UTF-8 text")
    name = kind.__name__
    if name in ("NAType", "NaTType"):  # pd.NA, pd.NaT
        return None
    item = getattr(value, "item", None)
    if item is not None and kind.__module__.split(".")[0] == "numpy":
        if name.startswith("datetime64"):
            return None if value != value else plain(value.astype("datetime64[us]").item())
        return plain(item())
    return value
