"""How numbers are shown to people — the one formatter of every report, note and command-line
message that shows a number in words (the JSON, CSV and xlsx reports carry numbers as numbers).

Vietnamese (``lang="vi"``, the default) writes the decimal mark as a comma and groups thousands
with a full stop, as Vietnamese administrative documents do: ``1.234.567,89``. English
(``lang="en"``) writes ``1,234,567.89``. Grouping is used for large counts in running text
(progress lines); the report tables show counts ungrouped, so that they read as in the portal.
No value is shown as ``"—"``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from ..errors import PolicyError

__all__ = ["count", "cut", "decimal_mark", "fmt", "note_text", "number_text", "percent_text"]

_MARKS = {"vi": (",", "."), "en": (".", ",")}


def _marks(lang: str) -> tuple[str, str]:
    return _MARKS["en" if lang == "en" else "vi"]


#: The most decimal places :func:`number_text` writes.
_MAX_PLACES = 20


def number_text(value: Decimal | Fraction | int | float | None, lang: str = "vi",
                places: int | None = 2, group: bool = False) -> str:
    """``value`` in the reader's language: ``Decimal("15.675")`` → ``"15,68"`` (vi, rounded
    half-up) or ``"15.68"`` (en); ``places=None`` keeps an int or a whole value whole and
    writes other values with 2 decimals; ``group=True`` groups thousands (``"184.513"`` vi,
    ``"184,513"`` en); ``None`` → ``"—"``."""
    if value is None:
        return "—"
    if places is not None and (not isinstance(places, int) or isinstance(places, bool)
                               or not 0 <= places <= _MAX_PLACES):
        raise PolicyError(f"must be None or a whole number from 0 to {_MAX_PLACES}",
                          record="number_text", field="places", value=places)
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, Fraction):
        dec = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, float):
        dec = Decimal(repr(value))
    elif isinstance(value, Decimal | int):
        dec = Decimal(value)
    else:
        raise PolicyError("must be a number (int, Fraction, Decimal or float) or None",
                          record="number_text", field="value", value=value)
    if not dec.is_finite():
        raise PolicyError("must be a finite number", record="number_text", field="value",
                          value=value)
    if places is None:
        places = 0 if dec == dec.to_integral_value() else 2
    with localcontext() as context:  # room for every digit of a large value
        context.prec = max(context.prec, dec.adjusted() + places + 2)
        dec = dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if dec < 0 else ""
    whole, _, frac = f"{abs(dec):f}".partition(".")
    point, sep = _marks(lang)
    if group:
        whole = f"{int(whole):,}".replace(",", sep)
    return sign + whole + (point + frac if frac else "")


def fmt(value: Decimal | Fraction | int | None, lang: str, places: int = 2) -> str:
    """``Decimal("15.68")`` → ``"15,68"`` (vi) or ``"15.68"`` (en); ``None`` → ``"—"``."""
    return number_text(value, lang, places)


def percent_text(value: Decimal | Fraction | int | None, lang: str) -> str:
    """A percentage (already × 100) with 2 decimals: ``"90,75%"`` (vi), ``"90.75%"`` (en)."""
    return "—" if value is None else number_text(value, lang) + "%"


def count(value: int | Fraction | None, lang: str) -> str:
    """A count as a whole number; a fractional one (1.4's fallback denominator) with decimals;
    ``None`` (no counts published, 4.6 by default) → ``"—"``."""
    if value is None:
        return "—"
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    return fmt(value, lang)


def decimal_mark(text: str, lang: str) -> str:
    """A number already written in the English way (``"4.81"``, no grouping) in the reader's
    language: ``"4,81"`` (vi)."""
    return text.replace(".", ",") if lang != "en" else text


# A decimal number written with a full stop, in the Vietnamese text of a note, where it is a
# quantity: before a percent sign or a number of days. Criterion numbers ("1.4") and unit ids
# ("000.00.15.H99") are not quantities and are left alone.
_VI_DECIMAL = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?=%| ngày)")


def note_text(note: Any, lang: str) -> str:
    """The text of a note in the reader's language; in Vietnamese the quantities some rules
    write with a full stop (``"bình quân 4.81 ngày"``, ``"(95.06%)"``) get the decimal comma."""
    text: str = note.text(lang)
    if lang == "en":
        return text
    return _VI_DECIMAL.sub(r"\1,\2", text)


def cut(text: str, width: int) -> str:
    """Shorten ``text`` to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"
