"""How numbers are shown to people: two decimals, a comma in Vietnamese, "—" for no value."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["count", "cut", "fmt"]


def fmt(value: Decimal | Fraction | int | None, lang: str, places: int = 2) -> str:
    """``Decimal("15.68")`` → ``"15,68"`` (vi) or ``"15.68"`` (en); ``None`` → ``"—"``."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{Decimal(value):.{places}f}"
    return text.replace(".", ",") if lang == "vi" else text


def count(value: int | Fraction, lang: str) -> str:
    """A count as a whole number; a fractional one (1.4's fallback denominator) with decimals."""
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    return fmt(value, lang)


def cut(text: str, width: int) -> str:
    """Shorten ``text`` to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"
