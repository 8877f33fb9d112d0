"""Invariants of working-day arithmetic (SPEC §2), stated in words on each test.

Where an oracle is needed it is a day-by-day walk over ``is_working_day`` — slow but obviously
right — checked against the calendar's index lookups on short spans.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import WorkingCalendar
from tests.budget import examples
from tests.strategies import dates

CAL = WorkingCalendar.vietnam()
FAST = settings(max_examples=examples(200), deadline=None)
SLOW = settings(max_examples=examples(50), deadline=None)
positive = st.integers(1, 400)
ONE = timedelta(days=1)


def walk_forward(d: date, n: int) -> date:
    """The n-th working day strictly after d, by stepping one day at a time."""
    while n:
        d += ONE
        n -= CAL.is_working_day(d)
    return d


@FAST
@given(dates(), positive)
def test_add_positive_is_a_working_day_strictly_after(d: date, n: int) -> None:
    """For n >= 1, add_working_days(d, n) is a working day strictly after d."""
    out = CAL.add_working_days(d, n)
    assert out > d
    assert CAL.is_working_day(out)


@FAST
@given(dates(), positive)
def test_between_inverts_add(d: date, n: int) -> None:
    """working_days_between(d, add_working_days(d, n)) == n for n >= 1 (SPEC §2)."""
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n


@FAST
@given(dates(), positive)
def test_add_negative_is_a_working_day_strictly_before(d: date, n: int) -> None:
    """For n >= 1, add_working_days(d, -n) is a working day strictly before d, and exactly n
    working days lie in (it, d) plus d itself if d is one."""
    out = CAL.add_working_days(d, -n)
    assert out < d and CAL.is_working_day(out)
    assert CAL.working_days_between(out, d) == n - 1 + CAL.is_working_day(d)


@FAST
@given(dates(), positive)
def test_backwards_undoes_forwards(d: date, n: int) -> None:
    """Going n forward then n back returns to d when d is a working day; from a day off it
    lands on the last working day before d."""
    back = CAL.add_working_days(CAL.add_working_days(d, n), -n)
    if CAL.is_working_day(d):
        assert back == d
        assert CAL.add_working_days(CAL.add_working_days(d, -n), n) == d
    else:
        assert back == CAL.add_working_days(d, -1)


@FAST
@given(dates())
def test_zero_is_the_day_or_the_next_working_day(d: date) -> None:
    """add_working_days(d, 0) is d when d is a working day, else the next working day."""
    out = CAL.add_working_days(d, 0)
    assert CAL.is_working_day(out)
    if CAL.is_working_day(d):
        assert out == d
    else:
        assert out == CAL.next_working_day(d)
        assert CAL.working_days_between(d, out) == 1


@FAST
@given(dates(), dates())
def test_between_is_antisymmetric(a: date, b: date) -> None:
    """working_days_between(a, b) == -working_days_between(b, a); zero on the same date."""
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    assert CAL.working_days_between(a, a) == 0


@FAST
@given(dates(), dates(), dates())
def test_between_is_additive(a: date, b: date, c: date) -> None:
    """Counts over (a, b] and (b, c] add up to (a, c], whatever the order of a, b, c."""
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == (
        CAL.working_days_between(a, c))


@FAST
@given(dates(), st.integers(0, 60))
def test_between_counts_working_days_in_half_open_interval(a: date, span: int) -> None:
    """working_days_between(a, b) counts the working days of (a, b], day by day."""
    b = a + timedelta(days=span)
    walked = sum(CAL.is_working_day(a + timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.working_days_between(a, b) == walked


@FAST
@given(dates(), st.integers(1, 30))
def test_add_matches_a_day_by_day_walk(d: date, n: int) -> None:
    """The index lookup agrees with stepping one day at a time, and next_working_day is n=1."""
    assert CAL.add_working_days(d, n) == walk_forward(d, n)
    assert CAL.next_working_day(d) == walk_forward(d, 1)


@FAST
@given(dates(), positive, positive)
def test_add_composes(d: date, m: int, n: int) -> None:
    """m working days then n more is m + n working days (from any d, for m, n >= 1)."""
    assert CAL.add_working_days(CAL.add_working_days(d, m), n) == CAL.add_working_days(d, m + n)


@FAST
@given(dates())
def test_explain_agrees_with_is_working_day(d: date) -> None:
    """explain() and is_working_day() never disagree."""
    assert CAL.explain(d).is_working_day is CAL.is_working_day(d)
    assert CAL.explain(d).date == d


@SLOW
@given(
    st.lists(dates(2024, 2027), max_size=6, unique=True),
    st.lists(dates(2024, 2027), max_size=6, unique=True),
    dates(2024, 2027),
)
def test_overrides_win_and_arithmetic_follows(off: list[date], work: list[date],
                                              probe: date) -> None:
    """Caller overrides decide their dates over every other layer; other dates are unchanged;
    the arithmetic of the overridden calendar agrees with its own is_working_day."""
    work = [d for d in work if d not in off]
    cal = WorkingCalendar(extra_days_off=off, extra_working_days=work)
    for d in off:
        assert cal.is_working_day(d) is False
    for d in work:
        assert cal.is_working_day(d) is True
    if probe not in off and probe not in work:
        assert cal.is_working_day(probe) is CAL.is_working_day(probe)
    b = probe + timedelta(days=40)
    walked = sum(cal.is_working_day(probe + timedelta(days=i)) for i in range(1, 41))
    assert cal.working_days_between(probe, b) == walked
