"""Reporting periods (kỳ đánh giá): month, quarter, year or a custom range of dates."""

from __future__ import annotations

import calendar as _stdcal
import re
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

import attrs

from .errors import PolicyError
from .records import VIETNAM_TZ

__all__ = ["Period"]

_END_OF_DAY = time(23, 59, 59, 999999)


@attrs.define(frozen=True, slots=True)
class Period:
    """A closed range of dates ``[start, end]`` with a kind (``month``, ``quarter``, ``year`` or
    ``custom``). Build it with :meth:`month`, :meth:`quarter`, :meth:`year`, :meth:`between` or
    :meth:`parse` (``"2025-Q2"``, ``"2025-06"``, ``"2025"``, ``"2025-04-01..2025-05-15"``)."""

    start: date
    end: date
    kind: str = "custom"

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, datetime) or not isinstance(value, date):
                raise PolicyError("must be a datetime.date", record="Period", field=name,
                                  value=value)
        if self.end < self.start:
            raise PolicyError(f"the period ends before it starts ({self.start})",
                              record="Period", field="end", value=self.end)
        if self.kind not in ("month", "quarter", "year", "custom"):
            raise PolicyError("must be month, quarter, year or custom", record="Period",
                              field="kind", value=self.kind)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise PolicyError("must be 1..12", record="Period", field="month", value=month)
        last = _stdcal.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        _check_year(year)
        if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
            raise PolicyError("must be 1..4", record="Period", field="quarter", value=quarter)
        first = 3 * quarter - 2
        last = _stdcal.monthrange(year, first + 2)[1]
        return cls(date(year, first, 1), date(year, first + 2, last), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        _check_year(year)
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, "custom")

    @classmethod
    def parse(cls, text: Any) -> Period:
        """``2025`` → year, ``2025-Q2`` → quarter, ``2025-06`` → month,
        ``2025-04-01..2025-05-15`` → custom range."""
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise PolicyError("must be text such as 2025, 2025-Q2, 2025-06 or "
                              "2025-04-01..2025-05-15", record="Period", field="period",
                              value=text)
        s = text.strip().upper()
        m = re.fullmatch(r"(\d{4})", s)
        if m:
            return cls.year(int(m[1]))
        m = re.fullmatch(r"(\d{4})-?Q([1-4])", s)
        if m:
            return cls.quarter(int(m[1]), int(m[2]))
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", s)
        if m:
            return cls.month(int(m[1]), int(m[2]))
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|TO)\s*(\d{4}-\d{2}-\d{2})", s)
        if m:
            try:
                return cls.between(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
            except ValueError:
                pass
        raise PolicyError("not a period (expected 2025, 2025-Q2, 2025-06 or "
                          "2025-04-01..2025-05-15)", record="Period", field="period", value=text)

    @property
    def start_moment(self) -> datetime:
        """00:00 on the first day."""
        return datetime.combine(self.start, time(0, 0))

    @property
    def end_moment(self) -> datetime:
        """The last instant of the last day (the default evaluation moment)."""
        return datetime.combine(self.end, _END_OF_DAY)

    def contains(self, moment: datetime | date | None) -> bool:
        """Whether a moment (or date) falls within the period."""
        if moment is None:
            return False
        if isinstance(moment, datetime):
            if moment.tzinfo is not None:
                try:
                    moment = moment.astimezone(VIETNAM_TZ)
                except (OverflowError, ValueError):
                    raise PolicyError("the moment cannot be converted to Vietnam time",
                                      record="Period", field="moment", value=moment) from None
            d = moment.date()
        elif isinstance(moment, date):
            d = moment
        else:
            raise PolicyError("must be a datetime, a date or None", record="Period",
                              field="moment", value=moment)
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def share_of_year(self) -> Fraction:
        """The fraction of a year the period stands for: 1/12 a month, 1/4 a quarter, 1 a year,
        days/365 otherwise (criterion 1.4's fallback denominator, docs/rules.md "The criteria")."""
        if self.kind == "month":
            return Fraction(1, 12)
        if self.kind == "quarter":
            return Fraction(1, 4)
        if self.kind == "year":
            return Fraction(1)
        return Fraction(self.days, 365)

    def previous(self) -> Period:
        """The period of the same kind just before this one (for comparisons)."""
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return Period.quarter(self.start.year - (q == 1), 4 if q == 1 else q - 1)
        if self.kind == "month":
            m = self.start.month
            return Period.month(self.start.year - (m == 1), 12 if m == 1 else m - 1)
        try:
            return Period.between(self.start - timedelta(days=self.days),
                                  self.start - timedelta(1))
        except OverflowError:
            raise PolicyError("no period before this one (before year 1)", record="Period",
                              field="start", value=self.start) from None

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.label


def _check_year(year: Any) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2199:
        raise PolicyError("must be a year between 1900 and 2199", record="Period", field="year",
                          value=year)
