"""Statutory time limits of procedures (thời hạn giải quyết) and the parser for the national
procedure database's wording.

docs/rules.md "Due dates" and docs/inputs.md: a limit is a number of working days, calendar days,
months or working hours, or
"trong ngày" (same day, with a cut-off hour).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date, time
from fractions import Fraction
from typing import Any

import attrs

from .errors import RecordError, StrictLookup

__all__ = ["HOURS_PER_WORKING_DAY", "LimitKind", "TimeLimit"]

#: Office hours 07:30–11:30 and 13:00–17:00 make 8 working hours a day (docs/rules.md "Due dates").
#: A fractional
#: number of working days is converted with this figure ("0,5 ngày làm việc" = 4 working hours).
HOURS_PER_WORKING_DAY = 8


class LimitKind(StrictLookup, enum.Enum):
    """How a time limit is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"
    MONTHS = "months"


def _check_amount(instance: TimeLimit, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, Fraction):
        raise RecordError(
            "a time limit's amount must be a number", record="TimeLimit", field="amount",
            value=value,
        )
    if value < 0:
        raise RecordError(
            "a time limit cannot be negative", record="TimeLimit", field="amount", value=value
        )
    if value > 100_000:
        raise RecordError(
            "a time limit of more than 100000 units is not plausible",
            record="TimeLimit",
            field="amount",
            value=value,
        )
    in_days = instance.kind in (LimitKind.WORKING_DAYS, LimitKind.CALENDAR_DAYS, LimitKind.MONTHS)
    if in_days and value.denominator != 1:
        raise RecordError(
            "a limit in days or months must be a whole number (a fraction of a working day is "
            "working hours)",
            record="TimeLimit",
            field="amount",
            value=value,
        )


def _check_kind(instance: TimeLimit, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, LimitKind):
        raise RecordError(
            f"a time limit's kind must be one of {', '.join(k.name for k in LimitKind)}",
            record="TimeLimit", field="kind", value=value,
        )


def _check_cutoff(instance: TimeLimit, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, time) and value.tzinfo is None):
        raise RecordError(
            "the cut-off must be a naive datetime.time (local time) or None",
            record="TimeLimit", field="cutoff", value=value,
        )


def _to_fraction(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # rejected by the validator with a clear message
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return value
        return Fraction(str(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip().replace(",", "."))
        except (ValueError, ZeroDivisionError):
            return value
    return value


@attrs.define(frozen=True, slots=True)
class TimeLimit:
    """A procedure's statutory time limit (thời hạn giải quyết TTHC).

    Build one with the constructors: :meth:`working_days`, :meth:`calendar_days`,
    :meth:`working_hours`, :meth:`same_day`, or :meth:`parse` for the database's text.
    """

    kind: LimitKind = attrs.field(validator=_check_kind)
    amount: Fraction = attrs.field(converter=_to_fraction, validator=_check_amount)
    cutoff: time | None = attrs.field(default=None, validator=_check_cutoff)

    @classmethod
    def working_days(cls, n: int | Fraction | float | str) -> TimeLimit:
        """``n`` working days; a fractional ``n`` is working hours (0.5 day = 4 h, docs/rules.md
        "Due dates")."""
        amount = _to_fraction(n)
        if isinstance(amount, Fraction) and amount.denominator != 1:
            return cls(LimitKind.WORKING_HOURS, amount * HOURS_PER_WORKING_DAY)
        return cls(LimitKind.WORKING_DAYS, amount)

    @classmethod
    def calendar_days(cls, n: int | Fraction | float | str) -> TimeLimit:
        """``n`` calendar days; a period ending on a day off ends on the next working day."""
        return cls(LimitKind.CALENDAR_DAYS, _to_fraction(n))

    @classmethod
    def months(cls, n: int | Fraction | float | str) -> TimeLimit:
        """``n`` months ("3 tháng", ``DonViTinh`` in months): the same day of the month ``n``
        months later, the last day of that month when it has no such day, then — a period
        ending on a day off — the next working day (Civil Code 2015 Art. 148; docs/inputs.md r2)."""
        return cls(LimitKind.MONTHS, _to_fraction(n))

    def months_after(self, start: date) -> date:
        """For a limit in months, the calendar date it ends on counted from ``start`` (before
        moving off a day off): ``31/1 + 1 month = 28/2`` (29/2 in a leap year)."""
        if self.kind is not LimitKind.MONTHS:
            raise RecordError("only a limit in months ends n months later", record="TimeLimit",
                              field="kind", value=self.kind)
        from dateutil.relativedelta import relativedelta

        end: date = start + relativedelta(months=int(self.amount))
        return end

    @classmethod
    def working_hours(cls, h: int | Fraction | float | str) -> TimeLimit:
        """``h`` hours of office time."""
        return cls(LimitKind.WORKING_HOURS, _to_fraction(h))

    @classmethod
    def same_day(cls, cutoff: time = time(15, 0)) -> TimeLimit:
        """"Trong ngày": received by the cut-off on a working day, due that day; else the next
        working day (Law on Civil Status 2014 Art. 5.3; Decree 23/2015/NĐ-CP on certification)."""
        if cutoff is None:
            raise RecordError(
                "the cut-off must be a datetime.time", record="TimeLimit", field="cutoff",
                value=cutoff,
            )
        return cls(LimitKind.SAME_DAY, Fraction(0), cutoff)

    @classmethod
    def parse(cls, text: Any, unit: Any = None) -> TimeLimit:
        """Read a limit as the national procedure database writes it.

        ``"15 ngày làm việc"`` → 15 working days; ``"30 ngày"`` → 30 calendar days;
        ``"4 giờ làm việc"``/``"4 giờ"`` → 4 working hours; ``"0,5 ngày làm việc"`` → 4 working
        hours; ``"trong ngày"`` → same day; and the English forms (``"15 working days"``,
        ``"30 days"``, ``"4 hours"``, ``"same day"``); ``"3 tháng"``/``"3 months"`` → 3 months.
        With ``unit`` (the ``DonViTinh`` column), ``text`` is just the number. Anything else
        raises :class:`RecordError`.
        """
        if isinstance(text, TimeLimit):
            return text
        if isinstance(text, bool) or not isinstance(text, (str, int, float, Fraction)):
            raise RecordError(
                "a time limit must be text such as '15 ngày làm việc'",
                record="TimeLimit",
                field="time_limit",
                value=text,
            )
        raw = text if isinstance(text, str) else str(text)
        if unit is not None and str(unit).strip():
            raw = f"{raw} {unit}"
        norm = _fold(raw)
        if norm in _SAME_DAY_WORDS:
            return cls.same_day()
        match = _LIMIT_RE.fullmatch(norm)
        if match is None:
            raise RecordError(
                "not a time limit the library can read (expected e.g. '15 ngày làm việc', "
                "'30 ngày', '4 giờ làm việc', 'trong ngày')",
                record="TimeLimit",
                field="time_limit",
                value=text,
            )
        amount = Fraction(match["n"].replace(",", "."))
        word = match["unit"]
        try:
            if word in _HOUR_WORDS:
                return cls.working_hours(amount)
            if word in _WORKING_DAY_WORDS:
                return cls.working_days(amount)
            if word in _MONTH_WORDS:
                if amount.denominator != 1:
                    raise RecordError("a limit in months must be a whole number")
                return cls.months(amount)
            if amount.denominator != 1:
                raise RecordError("a fraction of a calendar day is not a time limit the law uses")
            return cls.calendar_days(amount)
        except RecordError as exc:  # name the text that was read, not the amount taken from it
            raise RecordError(exc.rule, record="TimeLimit", field="time_limit",
                              value=text) from None

    def __str__(self) -> str:
        n = self.amount
        shown = str(n.numerator) if n.denominator == 1 else str(float(n))
        if self.kind is LimitKind.WORKING_DAYS:
            return f"{shown} ngày làm việc"
        if self.kind is LimitKind.CALENDAR_DAYS:
            return f"{shown} ngày"
        if self.kind is LimitKind.WORKING_HOURS:
            return f"{shown} giờ làm việc"
        if self.kind is LimitKind.MONTHS:
            return f"{shown} tháng"
        cutoff = self.cutoff or time(15, 0)
        return f"trong ngày (trước {cutoff:%H:%M})"

    def to_text(self) -> str:
        """The form :meth:`parse` reads back (used by the writers)."""
        if self.kind is LimitKind.SAME_DAY:
            return "trong ngày"
        return str(self)


def _fold(text: str) -> str:
    """Lower-case, strip accents and đ, squeeze spaces."""
    text = text.strip().lower().replace("đ", "d")
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return " ".join(text.split())


_SAME_DAY_WORDS = {"trong ngay", "same day", "same-day", "within the day", "in the day"}
_HOUR_WORDS = {"gio", "gio lam viec", "working hours", "working hour", "hours", "hour", "h"}
_WORKING_DAY_WORDS = {"ngay lam viec", "working days", "working day", "business days"}
_MONTH_WORDS = {"thang", "months", "month"}
_CALENDAR_DAY_WORDS = {"ngay", "days", "day", "calendar days", "calendar day", "ngay (lich)"}
_LIMIT_RE = re.compile(
    r"(?P<n>\d{1,6}(?:[.,]\d{1,4})?)\s*(?P<unit>"
    + "|".join(
        re.escape(w)
        for w in sorted(
            _HOUR_WORDS | _WORKING_DAY_WORDS | _CALENDAR_DAY_WORDS | _MONTH_WORDS, key=len,
            reverse=True
        )
    )
    + r")"
)
