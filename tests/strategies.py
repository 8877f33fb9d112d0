"""Shared Hypothesis strategies for chiso766's own types.

Every strategy takes keyword bounds so a test can narrow it (e.g. to the verified years 2023–2026)
without writing its own. Times are naive local Vietnam time with whole seconds, as the records
store them (SPEC §3).

    from tests.strategies import dossiers, time_limits
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from hypothesis import strategies as st

from chiso766 import (
    Channel,
    DeadlinePolicy,
    Dossier,
    LimitKind,
    OnlinePayment,
    SupplementRequest,
    TimeLimit,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "OFFICE_HOURS_VARIANTS",
    "aware_datetimes",
    "calendar_day_limits",
    "dates",
    "deadline_policies",
    "dossier_ids",
    "dossiers",
    "local_datetimes",
    "moments_after",
    "same_day_limits",
    "supplement_lists",
    "time_limits",
    "working_day_limits",
    "working_hour_limits",
]

FIRST_YEAR = 1990
LAST_YEAR = 2100

#: Office-hour policies worth exercising: the default, a longer day, one window, and a day whose
#: windows touch (no lunch break).
OFFICE_HOURS_VARIANTS: tuple[tuple[tuple[time, time], ...], ...] = (
    ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
    ((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))),
    ((time(8, 0), time(16, 0)),),
    ((time(7, 0), time(11, 0)), (time(11, 0), time(15, 0))),
)


def dates(min_year: int = FIRST_YEAR, max_year: int = LAST_YEAR) -> st.SearchStrategy[date]:
    """Dates from 1 January ``min_year`` to 31 December ``max_year``."""
    return st.dates(date(min_year, 1, 1), date(max_year, 12, 31))


def local_datetimes(
    min_year: int = FIRST_YEAR, max_year: int = LAST_YEAR
) -> st.SearchStrategy[datetime]:
    """Naive local datetimes with whole seconds."""
    return st.datetimes(datetime(min_year, 1, 1), datetime(max_year, 12, 31, 23, 59, 59)).map(
        lambda m: m.replace(microsecond=0)
    )


def aware_datetimes(
    min_year: int = FIRST_YEAR, max_year: int = LAST_YEAR
) -> st.SearchStrategy[datetime]:
    """Aware datetimes (whole seconds) in a fixed offset between UTC−12:00 and UTC+14:00."""
    offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
    return st.builds(lambda m, tz: m.replace(tzinfo=tz), local_datetimes(min_year, max_year),
                     offsets)


def moments_after(start: datetime, max_days: int = 120) -> st.SearchStrategy[datetime]:
    """Moments with whole seconds in ``[start, start + max_days days)``.

    Days and seconds are drawn apart so the days spread over the range (one draw of seconds
    would cluster near ``start``), and the moment itself stays reachable.
    """
    return st.one_of(
        st.just(start),
        st.builds(lambda d, s: start + timedelta(days=d, seconds=s),
                  st.integers(0, max(max_days - 1, 0)), st.integers(0, 86399)),
    )


def working_day_limits(max_n: int = 60) -> st.SearchStrategy[TimeLimit]:
    return st.integers(0, max_n).map(TimeLimit.working_days)


def calendar_day_limits(max_n: int = 90) -> st.SearchStrategy[TimeLimit]:
    return st.integers(0, max_n).map(TimeLimit.calendar_days)


def working_hour_limits(max_half_hours: int = 160) -> st.SearchStrategy[TimeLimit]:
    """Working hours in steps of half an hour (0 h to 80 h by default)."""
    return st.integers(0, max_half_hours).map(lambda k: TimeLimit.working_hours(k / 2))


def same_day_limits() -> st.SearchStrategy[TimeLimit]:
    cutoffs = st.sampled_from([time(15, 0), time(11, 0), time(16, 30), time(17, 0)])
    return st.one_of(st.just(TimeLimit.same_day()), cutoffs.map(TimeLimit.same_day))


def month_limits(max_n: int = 24) -> st.SearchStrategy[TimeLimit]:
    return st.integers(0, max_n).map(TimeLimit.months)


def time_limits(kinds: tuple[LimitKind, ...] = tuple(LimitKind)) -> st.SearchStrategy[TimeLimit]:
    """A limit of one of ``kinds`` (every kind by default)."""
    by_kind = {
        LimitKind.WORKING_DAYS: working_day_limits(),
        LimitKind.CALENDAR_DAYS: calendar_day_limits(),
        LimitKind.WORKING_HOURS: working_hour_limits(),
        LimitKind.SAME_DAY: same_day_limits(),
        LimitKind.MONTHS: month_limits(),
    }
    return st.one_of(*(by_kind[k] for k in kinds))


def deadline_policies(*, office_hours: bool = True) -> st.SearchStrategy[DeadlinePolicy]:
    """Every combination of the policy switches; with ``office_hours`` also other office days
    (:data:`OFFICE_HOURS_VARIANTS`), else the default 07:30–11:30, 13:00–17:00."""
    variants = OFFICE_HOURS_VARIANTS if office_hours else OFFICE_HOURS_VARIANTS[:1]
    hours = st.sampled_from(variants)
    return st.builds(
        DeadlinePolicy,
        office_hours=hours,
        after_hours=st.sampled_from(["next_working_day", "same_day"]),
        granularity=st.sampled_from(["date", "datetime"]),
        supplement_rule=st.sampled_from(["restart", "pause"]),
    )


@st.composite
def supplement_lists(
    draw: st.DrawFn,
    start: datetime,
    *,
    max_size: int = 3,
    max_days: int = 60,
    answered: bool | None = None,
) -> list[SupplementRequest]:
    """Requests asked at or after ``start``, in order, each answered at or after it was asked.

    ``answered=True`` answers all, ``False`` leaves the last unanswered, ``None`` lets Hypothesis
    choose (only the last request may be unanswered, as in real dossiers).
    """
    n = draw(st.integers(0, max_size))
    out: list[SupplementRequest] = []
    moment = start
    for i in range(n):
        asked = draw(moments_after(moment, max_days))
        last = i == n - 1
        leave_open = last and (answered is False or (answered is None and draw(st.booleans())))
        if leave_open:
            out.append(SupplementRequest(asked))
            break
        supplied = draw(moments_after(asked, max_days))
        out.append(SupplementRequest(asked, supplied))
        moment = supplied
    return out


def dossier_ids() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Z0-9]{1,4}-[0-9]{1,6}", fullmatch=True)


@st.composite
def dossiers(
    draw: st.DrawFn,
    *,
    min_year: int = FIRST_YEAR,
    max_year: int = LAST_YEAR - 1,
    ended: bool | None = None,
    with_due: bool | None = None,
    max_supplements: int = 2,
    max_days: int = 90,
    ids: st.SearchStrategy[str] | None = None,
) -> Dossier:
    """A valid :class:`Dossier` whose dates are consistent: due, ends and supplement requests are
    at or after the receipt, each supplement answered at or after it was asked.

    ``ended``: ``True`` always has an end (finished, returned or stopped), ``False`` never,
    ``None`` either. ``with_due``: the same for the recorded due date (NgayHenTra).
    """
    receipt = draw(local_datetimes(min_year, max_year))
    use_submitted_only = draw(st.integers(0, 9)) == 0
    after = moments_after(receipt, max_days)
    has_due = draw(st.booleans()) if with_due is None else with_due
    due = draw(after) if has_due else None
    ends: dict[str, datetime | None] = {"finished_at": None, "returned_at": None,
                                        "stopped_at": None}
    has_end = draw(st.booleans()) if ended is None else ended
    if has_end:
        names = draw(
            st.lists(st.sampled_from(sorted(ends)), min_size=1, max_size=3, unique=True)
        )
        for name in names:
            ends[name] = draw(after)
    sups = draw(supplement_lists(receipt, max_size=max_supplements, max_days=max_days // 3 or 1))
    new_due = draw(st.one_of(st.none(), after)) if due is not None else None
    return Dossier(
        id=draw(ids if ids is not None else dossier_ids()),
        procedure_code=draw(st.sampled_from(["1.001234", "2.000001", "1.012345"])),
        unit_id=draw(st.sampled_from(["H44", "H44.1", "H44.2.3"])),
        channel=draw(st.sampled_from(list(Channel))),
        submitted_at=receipt if use_submitted_only else draw(st.one_of(st.none(), st.just(
            receipt))),
        received_at=None if use_submitted_only else receipt,
        due_at=due,
        supplements=tuple(sups),
        new_due_at=new_due,
        paid_online=draw(st.one_of(st.none(), st.sampled_from(list(OnlinePayment)))),
        synced_to_portal=draw(st.one_of(st.none(), st.booleans())),
        finished_at=ends["finished_at"],
        returned_at=ends["returned_at"],
        stopped_at=ends["stopped_at"],
    )
