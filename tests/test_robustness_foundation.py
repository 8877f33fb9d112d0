"""Junk in, library errors out: every public function and constructor of the foundation modules
(calendar, time limits, deadlines, records, periods) either works or raises a
:class:`Chiso766Error` subclass with a message — never a bare TypeError, AttributeError or
OverflowError from inside."""

from __future__ import annotations

import enum
import importlib
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, cast

import attrs
import pytest

from chiso766 import (
    Announcement,
    Authority,
    Chiso766Error,
    Commune,
    DeadlinePolicy,
    Dossier,
    LimitKind,
    Period,
    Petition,
    Posting,
    Procedure,
    Rating,
    RecordError,
    SupplementRequest,
    TimeLimit,
    Unit,
    WorkingCalendar,
    audit,
    classify,
    due_at,
    effective_end,
    statutory_due_at,
)
from chiso766.records import to_local


class Opaque:
    """An object with no useful behaviour at all."""


JUNK: list[Any] = [
    None,
    "",
    "abc",
    float("nan"),
    float("inf"),
    float("-inf"),
    10**30,
    -(10**30),
    -1,
    0,
    True,
    False,
    object(),
    Opaque(),
    [],
    {},
    (),
    b"2025",
    1.5,
    datetime(2025, 3, 3, 10, 30),
    datetime(2025, 3, 3, 3, 30, tzinfo=UTC),
    date(1900, 1, 1),
    date(2100, 1, 1),
    date(1, 1, 1),
    date(9999, 12, 31),
    datetime(1, 1, 1),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))),
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
    time(10, 0),
    timedelta(days=1),
]

CAL = WorkingCalendar.vietnam()
LIMIT = TimeLimit.working_days(5)
RECEIVED = datetime(2025, 3, 3, 9, 0)
DOSSIER = Dossier("HS-1", "1.001234", "H44", received_at=RECEIVED)
DUE_DOSSIER = Dossier("HS-2", "1.001234", "H44", received_at=RECEIVED,
                      due_at=datetime(2025, 3, 10, 17), finished_at=datetime(2025, 3, 7, 9))


def leaks(call: Callable[[Any], object]) -> list[str]:
    """Feed every junk value to ``call``; describe each exception that is not the library's."""
    found = []
    for junk in JUNK:
        try:
            call(junk)
        except Chiso766Error as exc:
            if not str(exc).strip():
                found.append(f"{junk!r}: {type(exc).__name__} without a message")
        except Exception as exc:
            found.append(f"{junk!r}: {type(exc).__name__}: {exc}")
    return found


def record_field_calls(cls: type, base: dict[str, Any]) -> dict[str, Callable[[Any], object]]:
    def with_field(name: str) -> Callable[[Any], object]:
        return lambda junk: cls(**{**base, name: junk})

    return {f"{cls.__name__}.{f.name}": with_field(f.name) for f in attrs.fields(cls)}


def _period_methods(junk: Any) -> None:
    p = Period.between(junk, junk)
    # only reached when junk is a date: use every method
    p.previous()
    _ = (p.label, p.start_moment, p.end_moment, p.days, str(p))
    p.share_of_year()
    p.contains(junk)


CALLS: dict[str, Callable[[Any], object]] = {
    # WorkingCalendar: constructor and every method
    "WorkingCalendar(extra_days_off)": lambda j: WorkingCalendar(j),
    "WorkingCalendar(extra_working_days)": lambda j: WorkingCalendar(None, j),
    "WorkingCalendar([junk])": lambda j: WorkingCalendar([j]),
    "WorkingCalendar({date: junk})": lambda j: WorkingCalendar({date(2026, 3, 4): j}),
    "WorkingCalendar(use_verified_table)": lambda j: WorkingCalendar(
        use_verified_table=j).is_working_day(date(2026, 1, 2)),
    "WorkingCalendar(use_holidays)": lambda j: WorkingCalendar(
        use_holidays=j).is_working_day(date(2030, 1, 1)),
    "with_overrides(days_off)": lambda j: CAL.with_overrides(j),
    "with_overrides(working_days)": lambda j: CAL.with_overrides(None, [j]),
    "is_working_day": lambda j: CAL.is_working_day(j),
    "explain": lambda j: str(CAL.explain(j)),
    "is_verified": lambda j: CAL.is_verified(j),
    "days_off": lambda j: CAL.days_off(j),
    "working_weekend_days": lambda j: CAL.working_weekend_days(j),
    "next_working_day": lambda j: CAL.next_working_day(j),
    "add_working_days(d)": lambda j: CAL.add_working_days(j, 3),
    "add_working_days(d, -n)": lambda j: CAL.add_working_days(j, -3),
    "add_working_days(n)": lambda j: CAL.add_working_days(date(2026, 1, 5), j),
    "working_days_between(a)": lambda j: CAL.working_days_between(j, date(2026, 1, 5)),
    "working_days_between(b)": lambda j: CAL.working_days_between(date(2026, 1, 5), j),
    # TimeLimit
    "TimeLimit(kind)": lambda j: TimeLimit(j, 5),
    "TimeLimit(amount)": lambda j: TimeLimit(LimitKind.WORKING_DAYS, j),
    "TimeLimit(cutoff) then due_at": lambda j: due_at(
        RECEIVED, TimeLimit(LimitKind.SAME_DAY, 0, j)),
    "TimeLimit.working_days": lambda j: TimeLimit.working_days(j),
    "TimeLimit.calendar_days": lambda j: TimeLimit.calendar_days(j),
    "TimeLimit.working_hours": lambda j: TimeLimit.working_hours(j),
    "TimeLimit.same_day": lambda j: due_at(RECEIVED, TimeLimit.same_day(j)),
    "TimeLimit.parse": lambda j: TimeLimit.parse(j),
    "TimeLimit.parse(unit)": lambda j: TimeLimit.parse(15, j),
    # DeadlinePolicy
    "DeadlinePolicy(office_hours)": lambda j: DeadlinePolicy(office_hours=j),
    "DeadlinePolicy(office_hours pair)": lambda j: DeadlinePolicy(office_hours=((j, j),)),
    "DeadlinePolicy(after_hours)": lambda j: DeadlinePolicy(after_hours=j),
    "DeadlinePolicy(granularity)": lambda j: DeadlinePolicy(granularity=j),
    "DeadlinePolicy(supplement_rule)": lambda j: DeadlinePolicy(supplement_rule=j),
    # due_at
    "due_at(received_at) working days": lambda j: due_at(j, LIMIT),
    "due_at(received_at) hours": lambda j: due_at(j, TimeLimit.working_hours(4)),
    "due_at(received_at) calendar days": lambda j: due_at(j, TimeLimit.calendar_days(30)),
    "due_at(received_at) same day": lambda j: due_at(j, TimeLimit.same_day()),
    "due_at(limit)": lambda j: due_at(RECEIVED, j),
    "due_at(calendar)": lambda j: due_at(RECEIVED, LIMIT, j),
    "due_at(policy)": lambda j: due_at(RECEIVED, LIMIT, None, j),
    "due_at(supplements)": lambda j: due_at(RECEIVED, LIMIT, supplements=j),
    "due_at([supplement])": lambda j: due_at(RECEIVED, LIMIT, supplements=[j]),
    # classify
    "classify(dossier)": lambda j: classify(j, time_limit=LIMIT, as_of=RECEIVED),
    "classify(procedure)": lambda j: classify(DOSSIER, j, as_of=RECEIVED),
    "classify(time_limit)": lambda j: classify(DOSSIER, time_limit=j, as_of=RECEIVED),
    "classify(calendar)": lambda j: classify(DOSSIER, time_limit=LIMIT, calendar=j,
                                             as_of=RECEIVED),
    "classify(as_of)": lambda j: classify(DOSSIER, time_limit=LIMIT, as_of=j),
    "classify(as_of) ended": lambda j: classify(DUE_DOSSIER, as_of=j),
    "classify(policy)": lambda j: classify(DUE_DOSSIER, policy=j),
    # audit, statutory_due_at, effective_end
    "audit(dossier)": lambda j: audit(j, time_limit=LIMIT),
    "audit(procedure)": lambda j: audit(DOSSIER, j),
    "audit(time_limit)": lambda j: audit(DOSSIER, time_limit=j),
    "audit(calendar)": lambda j: audit(DOSSIER, time_limit=LIMIT, calendar=j),
    "audit(policy)": lambda j: audit(DOSSIER, time_limit=LIMIT, policy=j),
    "statutory_due_at(dossier)": lambda j: statutory_due_at(j, LIMIT),
    "statutory_due_at(limit)": lambda j: statutory_due_at(DOSSIER, j),
    "statutory_due_at(calendar)": lambda j: statutory_due_at(DOSSIER, LIMIT, j),
    "statutory_due_at(policy)": lambda j: statutory_due_at(DOSSIER, LIMIT, None, j),
    "effective_end(dossier)": lambda j: effective_end(j),
    "effective_end(as_of)": lambda j: effective_end(DUE_DOSSIER, j),
    "to_local": lambda j: to_local(j),
    # Period
    "Period(start)": lambda j: Period(j, date(2025, 1, 1)),
    "Period(end)": lambda j: Period(date(2025, 1, 1), j),
    "Period(kind)": lambda j: Period(date(2025, 1, 1), date(2025, 2, 1), j),
    "Period.month(year)": lambda j: Period.month(j, 1),
    "Period.month(month)": lambda j: Period.month(2025, j),
    "Period.quarter(year)": lambda j: Period.quarter(j, 1),
    "Period.quarter(quarter)": lambda j: Period.quarter(2025, j),
    "Period.year": lambda j: Period.year(j),
    "Period.between(start)": lambda j: Period.between(j, date(2100, 1, 1)),
    "Period.between(end)": lambda j: Period.between(date(1900, 1, 1), j),
    "Period.parse": lambda j: Period.parse(j),
    "Period.contains": lambda j: Period.year(2025).contains(j),
    "Period methods": _period_methods,
    # records: each field of each record class
    **record_field_calls(Dossier, {"id": "HS-1", "procedure_code": "1.001234",
                                   "unit_id": "H44", "received_at": RECEIVED}),
    "Dossier.supplements[junk]": lambda j: Dossier("HS-1", "P", "U", received_at=RECEIVED,
                                                   supplements=cast(Any, [j])),
    **record_field_calls(SupplementRequest, {"requested_at": RECEIVED}),
    **record_field_calls(Unit, {"id": "H44"}),
    **record_field_calls(Procedure, {"code": "1.001234"}),
    **record_field_calls(Authority, {"unit_id": "H44", "procedure_code": "1.001234"}),
    **record_field_calls(Petition, {"id": "PA-1", "unit_id": "H44", "received_at": RECEIVED}),
    **record_field_calls(Rating, {"unit_id": "H44", "rating": "good"}),
    **record_field_calls(Announcement, {"procedure_code": "1.001234", "unit_id": "H44",
                                        "decision_date": date(2025, 1, 1)}),
    **record_field_calls(Commune, {"unit_id": "X1", "offers_electronic_certified_copy": True}),
    **record_field_calls(Posting, {"unit_id": "H44", "period": "2025-Q2", "complete": True}),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_junk_gives_library_errors_only(name: str) -> None:
    assert leaks(CALLS[name]) == []


def test_the_harness_catches_a_leak() -> None:
    # the check itself can fail: a bare TypeError is reported
    def leaky(junk: Any) -> None:
        raise TypeError("boom")

    assert len(leaks(leaky)) == len(JUNK)


def test_library_errors_are_value_errors_with_fields() -> None:
    # what callers can rely on when they catch: ValueError, and rule/record/field/value
    with pytest.raises(ValueError) as exc:
        Dossier("HS-1", "P", "U", received_at=RECEIVED, finished_at=datetime(2025, 3, 1))
    err = exc.value
    assert isinstance(err, Chiso766Error)
    assert (err.record, err.field, err.value) == ("Dossier 'HS-1'", "finished_at",
                                                  datetime(2025, 3, 1))
    assert err.rule and err.rule in str(err)


@pytest.mark.parametrize(
    "call",
    [
        # valid extremes work
        lambda: CAL.is_working_day(date(1900, 1, 1)),
        lambda: CAL.is_working_day(date(2199, 12, 31)),
        lambda: due_at(datetime(2100, 1, 4, 9), LIMIT),
        lambda: Dossier("HS-1", "P", "U", received_at=datetime(1900, 1, 1)),
        lambda: Dossier("HS-1", "P", "U", received_at=datetime(2199, 12, 31, 23, 59, 59)),
        lambda: classify(Dossier("HS-1", "P", "U", received_at=datetime(2100, 1, 4, 9)),
                         time_limit=LIMIT, as_of=datetime(2100, 2, 1)),
    ],
)
def test_extremes_inside_the_range_work(call: Callable[[], object]) -> None:
    call()


def _library_enums() -> list[type[enum.Enum]]:
    """Every public enumeration defined in the package (found by walking its modules)."""
    import chiso766

    found: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.walk_packages(chiso766.__path__, "chiso766."):
        if info.name.endswith("__main__"):
            continue  # runs the command line
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, enum.Enum)
                    and not name.startswith("_")
                    and value.__module__.startswith("chiso766")):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


LIBRARY_ENUMS = _library_enums()


def test_every_public_enumeration_is_found() -> None:
    # The walk must see the enumerations a reader converts to (else the test below is empty).
    names = {cls.__name__ for cls in LIBRARY_ENUMS}
    assert {"Channel", "RatingValue", "LimitKind", "Band", "Satisfaction"} <= names


@pytest.mark.parametrize("cls", LIBRARY_ENUMS, ids=lambda cls: cls.__qualname__)
def test_an_enumeration_refuses_a_non_member_with_a_record_error(cls: type[enum.Enum]) -> None:
    """Looking up a value that is none of an enumeration's members is a RecordError naming the
    enumeration and the value, not Python's bare ValueError; each member's value still finds
    the member."""
    values = [member.value for member in cls]
    for member in cls:
        assert cls(member.value) is member
    for junk in [*JUNK, "not-a-member", 999]:
        if any(junk is value or (type(junk) is type(value) and junk == value)
               for value in values):
            continue
        try:
            cls(junk)
        except Chiso766Error as error:
            assert isinstance(error, RecordError)
            assert error.record == cls.__name__ and error.value is junk
            assert cls.__name__ in str(error)
        except ValueError as error:  # pragma: no cover - the defect this test guards
            pytest.fail(f"{cls.__qualname__}({junk!r}) leaked a bare ValueError: {error}")
        else:
            # An IntEnum finds its member by an equal int (True == 1, 1.0 == 1): Python's rule.
            assert any(junk == value for value in values), (cls, junk)
