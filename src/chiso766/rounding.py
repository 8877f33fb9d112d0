"""Rounding exactly as the national portal publishes (docs/rules.md "Rounding").

Everything is computed with exact fractions; rounding happens only here, at presentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = ["half_up", "json_number", "percent", "portal_float_card", "to_decimal"]

_CENT = Decimal("0.01")


def half_up(value: Fraction | int, places: int = 2) -> Decimal:
    """Round an exact value half-up to ``places`` decimals (``1/32 × 4 = 0.125 → 0.13``)."""
    frac = Fraction(value)
    scale = 10**places
    scaled = frac * scale
    # floor(x + 1/2) for x >= 0, and its mirror for x < 0: half away from zero.
    if scaled >= 0:
        whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    else:
        whole = -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def percent(ratio: Fraction | None) -> Decimal | None:
    """A ratio shown as a percentage rounded half-up to 2 decimals (docs/rules.md "Rounding")."""
    return None if ratio is None else half_up(ratio * 100)


def to_decimal(value: Fraction | None) -> Decimal | None:
    return None if value is None else half_up(value)


def _binary_half_up(x: float) -> Decimal:
    """Round a float half-up on its exact binary value, as JavaScript's ``toFixed(2)`` does:
    ``5.925`` is stored as ``5.92499…`` and becomes ``5.92``."""
    return Decimal(x).quantize(_CENT, rounding=ROUND_HALF_UP)


def portal_float_card(
    terms: Sequence[tuple[Fraction | None, Fraction, Fraction]],
) -> tuple[Decimal, list[Decimal]]:
    """The online-payment card's pipeline (docs/rules.md "Rounding"), for ``(ratio, coefficient,
    cap)`` terms.

    Each ratio is first rounded half-up to a 2-decimal percentage (no data gives 0); the term
    ``coefficient × p / 100`` is computed in IEEE double in that operation order and rounded
    half-up on its exact binary value; then capped at ``cap``. The card is the sum of the terms.
    For 766 the terms are 3.6 (6, cap 6), 3.4 (2.5 = 2/0.8, cap 2) and 3.5 (2.5, cap 2).
    """
    rounded: list[Decimal] = []
    for ratio, coefficient, cap in terms:
        pct = Decimal(0) if ratio is None else half_up(ratio * 100)
        value = float(coefficient) * float(pct) / 100
        term = _binary_half_up(value)
        cap_dec = half_up(cap)
        rounded.append(min(term, cap_dec))
    return sum(rounded, Decimal("0.00")), rounded


def json_number(value: Decimal | Fraction | int | None) -> float | int | None:
    """A JSON number: ints stay ints, Decimals become the float with the same digits."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        return float(value)
    return float(value)
