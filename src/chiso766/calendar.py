"""The working calendar of Vietnamese state agencies (lịch làm việc của cơ quan hành chính nhà
nước), docs/calendar.md.

Three layers, later layers winning:

1. ``holidays.VN`` — Labor Code 2019 Art. 112 public holidays, Art. 111.3 compensatory days and the
   swaps the package knows (its ``weekend_workdays``);
2. the packaged **verified table** (``data/calendar_vn.toml``), one official notice cited per
   year; for a year in the table it is complete and authoritative (it corrects, e.g., 2/1/2026,
   a day off, and 10/1/2026, a working Saturday, which ``holidays`` 0.108 lacks);
3. the caller's overrides (a provincial decision, a local event).

Working-day arithmetic is an index lookup: for each covered year the calendar keeps the running
count of working days and the list of working days, so :meth:`WorkingCalendar.add_working_days`
and :meth:`WorkingCalendar.working_days_between` cost two list look-ups, not a day-by-day walk.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

import attrs

from .errors import CalendarError, StrictLookup

__all__ = ["DayInfo", "DayKind", "WorkingCalendar"]

MIN_YEAR = 1900
MAX_YEAR = 2199
_WEEKDAY_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class DayKind(StrictLookup, enum.Enum):
    """Why a date is or is not a working day."""

    WORKING_DAY = "WORKING_DAY"  #: ngày làm việc bình thường
    WEEKEND = "WEEKEND"  #: thứ Bảy, Chủ nhật (Decree 45/2013 Art. 3: 40-hour week)
    HOLIDAY = "HOLIDAY"  #: ngày nghỉ lễ, Tết, nghỉ bù, ngày nghỉ hoán đổi
    WORKING_WEEKEND = "WORKING_WEEKEND"  #: ngày làm bù (a weekend day declared a working day)
    OVERRIDE_DAY_OFF = "OVERRIDE_DAY_OFF"  #: ngày nghỉ do người dùng bổ sung
    OVERRIDE_WORKING_DAY = "OVERRIDE_WORKING_DAY"  #: ngày làm việc do người dùng bổ sung


@attrs.define(frozen=True, slots=True)
class DayInfo:
    """The calendar's answer about one date: :meth:`WorkingCalendar.explain`."""

    date: date
    is_working_day: bool
    kind: DayKind
    label: str
    source: str

    def __str__(self) -> str:
        weekday = _WEEKDAY_VI[self.date.weekday()]
        state = "ngày làm việc" if self.is_working_day else "ngày nghỉ"
        detail = f": {self.label}" if self.label else ""
        return f"{self.date:%d/%m/%Y} ({weekday}) — {state}{detail} [{self.source}]"


@functools.lru_cache(maxsize=1)
def _verified_table() -> dict[int, tuple[str, dict[date, str], dict[date, str]]]:
    """Year → (short reference of the official notice, weekdays off, working weekend days)."""
    text = resources.files("chiso766").joinpath("data/calendar_vn.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    table: dict[int, tuple[str, dict[date, str], dict[date, str]]] = {}
    for year, block in raw.items():
        off = {date.fromisoformat(d): name for d, name in block["days_off"]}
        work = {date.fromisoformat(d): name for d, name in block["working_days"]}
        table[int(year)] = (str(block["ref"]), off, work)
    return table


def _as_day_map(value: Mapping[date, str] | Iterable[date] | None, what: str) -> dict[date, str]:
    if value is None:
        return {}
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise CalendarError(f"{what} must be dates or a mapping of date to reason",
                            record="WorkingCalendar", field=what, value=value)
    else:
        items = ((d, "") for d in value)
    out: dict[date, str] = {}
    for d, why in items:
        if isinstance(d, datetime):
            d = d.date()
        if not isinstance(d, date):
            raise CalendarError("must contain dates", record="WorkingCalendar", field=what, value=d)
        out[d] = str(why) if why else ""
    return out


class WorkingCalendar:
    """Vietnamese state agencies' working days, with O(1) working-day arithmetic.

    >>> cal = WorkingCalendar.vietnam()
    >>> cal.is_working_day(date(2026, 1, 2)), cal.is_working_day(date(2026, 1, 10))
    (False, True)

    ``extra_days_off`` / ``extra_working_days``: caller overrides (dates, or a mapping of date to
    the reason, e.g. a provincial decision), winning over both other layers.
    """

    __slots__ = (
        "_base",
        "_cum",
        "_flags",
        "_hi",
        "_holiday_cache",
        "_lo",
        "_off",
        "_table",
        "_use_holidays",
        "_work",
        "_workdays",
    )

    def __init__(
        self,
        extra_days_off: Mapping[date, str] | Iterable[date] | None = None,
        extra_working_days: Mapping[date, str] | Iterable[date] | None = None,
        *,
        use_verified_table: bool = True,
        use_holidays: bool = True,
    ) -> None:
        self._off = _as_day_map(extra_days_off, "extra_days_off")
        self._work = _as_day_map(extra_working_days, "extra_working_days")
        both = set(self._off) & set(self._work)
        if both:
            first = min(both)
            raise CalendarError("a date cannot be both an extra day off and an extra working day",
                                record="WorkingCalendar", field="extra_days_off", value=first)
        self._table = _verified_table() if use_verified_table else {}
        self._use_holidays = use_holidays
        self._holiday_cache: dict[int, Any] = {}
        self._lo = 0
        self._hi = -1
        self._base = 0
        self._flags = bytearray()
        self._cum: list[int] = []
        self._workdays: list[date] = []

    @classmethod
    def vietnam(cls) -> WorkingCalendar:
        """The shared default calendar (holidays + verified table, no overrides). Cached."""
        return _default_calendar()

    def with_overrides(
        self,
        days_off: Mapping[date, str] | Iterable[date] | None = None,
        working_days: Mapping[date, str] | Iterable[date] | None = None,
    ) -> WorkingCalendar:
        """A new calendar with more caller overrides added to this one's."""
        off = dict(self._off)
        work = dict(self._work)
        for d, why in _as_day_map(days_off, "days_off").items():
            work.pop(d, None)
            off[d] = why
        for d, why in _as_day_map(working_days, "working_days").items():
            off.pop(d, None)
            work[d] = why
        return WorkingCalendar(
            off, work, use_verified_table=bool(self._table), use_holidays=self._use_holidays
        )

    # -- questions about one date ---------------------------------------------------------------

    def is_verified(self, year: int) -> bool:
        """Whether ``year`` is in the verified table (else only ``holidays`` answers for it)."""
        if isinstance(year, bool) or not isinstance(year, int):
            raise CalendarError("must be a year (int)", record="WorkingCalendar", field="year",
                                value=year)
        return year in self._table

    def explain(self, d: date) -> DayInfo:
        """Why ``d`` is or is not a working day: weekend, holiday name, swap, or override."""
        return self._status(_check_date(d))

    def is_working_day(self, d: date) -> bool:
        """Whether state agencies work on ``d``."""
        i = _check_date(d).toordinal() - self._base
        if i < 0 or i >= len(self._flags):
            self._cover(d.year, d.year)
            i = d.toordinal() - self._base
        return bool(self._flags[i])

    def days_off(self, year: int) -> list[DayInfo]:
        """Weekdays (Monday–Friday) that are days off in ``year``, with the reason."""
        return [info for info in self._year(year) if not info.is_working_day
                and info.date.weekday() < 5]

    def working_weekend_days(self, year: int) -> list[DayInfo]:
        """Saturdays and Sundays that are working days in ``year`` (ngày làm bù)."""
        return [info for info in self._year(year) if info.is_working_day
                and info.date.weekday() >= 5]

    # -- arithmetic -------------------------------------------------------------------------------

    def add_working_days(self, d: date, n: int) -> date:
        """For ``n >= 1`` the n-th working day strictly after ``d``; for ``n == 0`` ``d`` itself
        if it is a working day, else the next one; for ``n < 0`` the ``|n|``-th working day
        strictly before ``d`` (docs/calendar.md)."""
        if type(d) is not date:
            d = _check_date(d)
        if type(n) is not int:
            n = _check_int(n)
        for _ in range(3):
            i = d.toordinal() - self._base
            if 0 <= i < len(self._flags):
                rank = self._cum[i]
                if n > 0:
                    k = rank + n - 1
                elif n == 0:
                    if self._flags[i]:
                        return d
                    k = rank
                else:
                    k = rank - self._flags[i] + n
                if 0 <= k < len(self._workdays):
                    return self._workdays[k]
            self._cover_for(d, n)
        raise CalendarError(
            f"the result is outside the years {MIN_YEAR}–{MAX_YEAR} the working calendar covers",
            record="WorkingCalendar", field="n", value=n,
        )

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]`` when ``a <= b``; minus those in ``(b, a]`` when ``b < a``."""
        if type(a) is not date:
            a = _check_date(a)
        if type(b) is not date:
            b = _check_date(b)
        ia = a.toordinal() - self._base
        ib = b.toordinal() - self._base
        size = len(self._flags)
        if not (0 <= ia < size and 0 <= ib < size):
            self._cover(min(a.year, b.year), max(a.year, b.year))
            ia = a.toordinal() - self._base
            ib = b.toordinal() - self._base
        return self._cum[ib] - self._cum[ia]

    def cumulative_index(self, first_year: int, last_year: int) -> tuple[int, Sequence[int]]:
        """``(base, cum)``: for a day with ordinal ``o`` in the covered years, ``cum[o - base]``
        is the number of working days from the start of the index to it, so
        ``working_days_between(a, b) == cum[b - base] - cum[a - base]``. For callers that count
        millions of day spans by ordinal (the streaming row path) without building dates."""
        self._cover(first_year, last_year)
        return self._base, self._cum

    # -- the index ----------------------------------------------------------------------------

    def _cover_for(self, d: date, n: int) -> None:
        # Working days are at least ~60% of days, so n working days need at most ~2n/365+1 years.
        # Clamped to the supported years: a date late in MAX_YEAR (or early in MIN_YEAR) still
        # has answers inside the range; one that does not raises in add_working_days.
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise CalendarError(f"the working calendar covers the years {MIN_YEAR}–{MAX_YEAR}",
                                record="WorkingCalendar", field="d", value=d)
        span = abs(n) * 2 // 365 + 1
        if n >= 0:
            self._cover(d.year, min(d.year + span, MAX_YEAR))
        else:
            self._cover(max(d.year - span, MIN_YEAR), d.year)

    def _cover(self, lo: int, hi: int) -> None:
        if self._hi >= self._lo:
            lo, hi = min(lo, self._lo), max(hi, self._hi)
        if lo < MIN_YEAR or hi > MAX_YEAR:
            raise CalendarError(
                f"the working calendar covers the years {MIN_YEAR}–{MAX_YEAR}",
                record="WorkingCalendar", field="year", value=lo if lo < MIN_YEAR else hi,
            )
        start = date(lo, 1, 1)
        days = (date(hi, 12, 31) - start).days + 1
        flags = bytearray(days)
        cum = [0] * days
        workdays: list[date] = []
        count = 0
        one = timedelta(days=1)
        d = start
        for i in range(days):
            if self._status_fast(d):
                flags[i] = 1
                count += 1
                workdays.append(d)
            cum[i] = count
            d += one
        # Publish the new index only once it is complete.
        self._flags, self._cum, self._workdays = flags, cum, workdays
        self._base, self._lo, self._hi = start.toordinal(), lo, hi

    def _year(self, year: int) -> list[DayInfo]:
        if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarError(f"must be a year between {MIN_YEAR} and {MAX_YEAR}",
                                record="WorkingCalendar", field="year", value=year)
        d = date(year, 1, 1)
        out = []
        while d.year == year:
            out.append(self._status(d))
            d += timedelta(days=1)
        return out

    def _holidays_for(self, year: int) -> Any:
        cached = self._holiday_cache.get(year)
        if cached is None:
            # Imported on first need: the verified table answers for its years, and the package
            # costs ~10 MB of memory and 30 ms of start-up that a run on those years never uses.
            import holidays

            cached = holidays.country_holidays("VN", years=year, language="vi")
            self._holiday_cache[year] = cached
        return cached

    def _status_fast(self, d: date) -> bool:
        if d in self._work:
            return True
        if d in self._off:
            return False
        entry = self._table.get(d.year)
        if entry is not None:
            if d in entry[1]:
                return False
            if d in entry[2]:
                return True
            return d.weekday() < 5
        if not self._use_holidays:
            return d.weekday() < 5
        hol = self._holidays_for(d.year)
        if d in hol.weekend_workdays:
            return True
        if d in hol:
            return False
        return d.weekday() < 5

    def _status(self, d: date) -> DayInfo:
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise CalendarError(f"the working calendar covers the years {MIN_YEAR}–{MAX_YEAR}",
                                record="WorkingCalendar", field="date", value=d)
        weekend = d.weekday() >= 5
        if d in self._work:
            return DayInfo(d, True, DayKind.OVERRIDE_WORKING_DAY,
                           self._work[d] or "ngày làm việc bổ sung", "caller override")
        if d in self._off:
            return DayInfo(d, False, DayKind.OVERRIDE_DAY_OFF,
                           self._off[d] or "ngày nghỉ bổ sung", "caller override")
        entry = self._table.get(d.year)
        hol: Any = self._holidays_for(d.year) if self._use_holidays else {}
        if entry is not None:
            source = f"verified {d.year}: {entry[0]}"
            if d in entry[1]:
                return DayInfo(d, False, DayKind.HOLIDAY, entry[1][d], source)
            if d in entry[2]:
                return DayInfo(d, True, DayKind.WORKING_WEEKEND, entry[2][d], source)
        else:
            source = "holidays.VN (unverified year)" if self._use_holidays else "weekdays only"
            if self._use_holidays:
                if d in hol.weekend_workdays:
                    return DayInfo(d, True, DayKind.WORKING_WEEKEND, "ngày làm bù", source)
                if d in hol:
                    return DayInfo(d, False, DayKind.HOLIDAY, str(hol.get(d)), source)
        if weekend:
            label = _WEEKDAY_VI[d.weekday()]
            name = hol.get(d) if self._use_holidays else None
            if name:
                label = f"{label} (trùng {name})"
            return DayInfo(d, False, DayKind.WEEKEND, label, source)
        return DayInfo(d, True, DayKind.WORKING_DAY, "", source)

    def _key(self) -> tuple[Any, ...]:
        return (tuple(sorted(self._off.items())), tuple(sorted(self._work.items())),
                bool(self._table), self._use_holidays)

    def __eq__(self, other: object) -> bool:
        """Calendars are equal when they are configured alike (same overrides, same sources),
        so a copy sent to another process still counts the same days (merging tallies
        compares their contexts)."""
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return other is self or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"WorkingCalendar(extra_days_off={len(self._off)}, "
                f"extra_working_days={len(self._work)}, verified_years={sorted(self._table)})")


@functools.lru_cache(maxsize=1)
def _default_calendar() -> WorkingCalendar:
    return WorkingCalendar()


def _check_date(d: Any) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise CalendarError(f"the working calendar covers the years {MIN_YEAR}–{MAX_YEAR}",
                                record="WorkingCalendar", field="date", value=d)
        return d
    raise CalendarError("must be a datetime.date", record="WorkingCalendar", field="date", value=d)


def _check_int(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarError("must be a whole number of working days (int)",
                            record="WorkingCalendar", field="n", value=n)
    if abs(n) > 100_000:
        raise CalendarError("more than 100000 working days is out of range",
                            record="WorkingCalendar", field="n", value=n)
    return n
