"""Reporting periods: month, quarter, year, custom ranges, and their text forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any, cast

import attrs
import pytest

from chiso766 import Period, PolicyError


@pytest.mark.parametrize(
    ("period", "start", "end", "kind", "days"),
    [
        # February 2024 has 29 days (2024 is a leap year), 2025 has 28
        (Period.month(2024, 2), date(2024, 2, 1), date(2024, 2, 29), "month", 29),
        (Period.month(2025, 2), date(2025, 2, 1), date(2025, 2, 28), "month", 28),
        (Period.month(2025, 12), date(2025, 12, 1), date(2025, 12, 31), "month", 31),
        # Q1 2025: 31 + 28 + 31 = 90 days; Q2: 30 + 31 + 30 = 91; Q4: 31 + 30 + 31 = 92
        (Period.quarter(2025, 1), date(2025, 1, 1), date(2025, 3, 31), "quarter", 90),
        (Period.quarter(2025, 2), date(2025, 4, 1), date(2025, 6, 30), "quarter", 91),
        (Period.quarter(2025, 4), date(2025, 10, 1), date(2025, 12, 31), "quarter", 92),
        (Period.year(2024), date(2024, 1, 1), date(2024, 12, 31), "year", 366),
        (Period.between(date(2025, 4, 1), date(2025, 5, 15)), date(2025, 4, 1),
         date(2025, 5, 15), "custom", 45),
        (Period.between(date(2025, 4, 1), date(2025, 4, 1)), date(2025, 4, 1),
         date(2025, 4, 1), "custom", 1),
    ],
)
def test_constructors(period: Period, start: date, end: date, kind: str, days: int) -> None:
    assert (period.start, period.end, period.kind, period.days) == (start, end, kind, days)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", Period.year(2025)),
        ("2025-Q2", Period.quarter(2025, 2)),
        ("2025Q2", Period.quarter(2025, 2)),
        ("2025-q4", Period.quarter(2025, 4)),
        ("2025-06", Period.month(2025, 6)),
        ("2025-6", Period.month(2025, 6)),
        (" 2025-06 ", Period.month(2025, 6)),
        ("2025-04-01..2025-05-15", Period.between(date(2025, 4, 1), date(2025, 5, 15))),
        ("2025-04-01/2025-05-15", Period.between(date(2025, 4, 1), date(2025, 5, 15))),
        ("2025-04-01 to 2025-05-15", Period.between(date(2025, 4, 1), date(2025, 5, 15))),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "abc", "25", "2025-Q5", "2025-Q0", "2025-13", "2025-00", "0999", "2200",
     "2025-02-30..2025-03-01", "2025-05-15..2025-04-01", "2025-04-01..", "Q2-2025"],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(PolicyError) as exc:
        Period.parse(text)
    assert str(exc.value)


def test_parse_passes_a_period_through() -> None:
    p = Period.year(2025)
    assert Period.parse(p) is p


@pytest.mark.parametrize(
    "make",
    [
        lambda: Period.month(2025, 13),
        lambda: Period.month(2025, 0),
        lambda: Period.month(2025, True),
        lambda: Period.month(cast(Any, "2025"), 1),
        lambda: Period.quarter(2025, 5),
        lambda: Period.quarter(2025, cast(Any, 1.0)),
        lambda: Period.year(1899),
        lambda: Period.year(2200),
        lambda: Period.between(date(2025, 5, 1), date(2025, 4, 30)),
        lambda: Period.between(datetime(2025, 4, 1), date(2025, 4, 30)),
        lambda: Period.between(cast(Any, "2025-04-01"), date(2025, 4, 30)),
        lambda: Period(date(2025, 4, 1), date(2025, 4, 30), "week"),
    ],
)
def test_invalid_periods(make: Callable[[], object]) -> None:
    with pytest.raises(PolicyError):
        make()


def test_moments_and_contains() -> None:
    q2 = Period.quarter(2025, 2)
    assert q2.start_moment == datetime(2025, 4, 1, 0, 0)
    assert q2.end_moment == datetime.combine(date(2025, 6, 30), time(23, 59, 59, 999999))
    assert q2.contains(date(2025, 4, 1)) and q2.contains(date(2025, 6, 30))
    assert not q2.contains(date(2025, 3, 31)) and not q2.contains(date(2025, 7, 1))
    assert q2.contains(datetime(2025, 6, 30, 23, 59))
    assert q2.contains(None) is False
    # 30/6/2025 18:00 UTC is 1/7/2025 01:00 in Vietnam: outside Q2
    assert q2.contains(datetime(2025, 6, 30, 18, 0, tzinfo=UTC)) is False
    # 31/3/2025 17:00 UTC is 1/4/2025 00:00 in Vietnam: inside Q2
    assert q2.contains(datetime(2025, 3, 31, 17, 0, tzinfo=UTC)) is True
    with pytest.raises(PolicyError):
        q2.contains("2025-04-01")  # type: ignore[arg-type]


def test_share_of_year() -> None:
    assert Period.month(2025, 6).share_of_year() == Fraction(1, 12)
    assert Period.quarter(2025, 2).share_of_year() == Fraction(1, 4)
    assert Period.year(2025).share_of_year() == 1
    # 45 days / 365
    assert Period.between(date(2025, 4, 1), date(2025, 5, 15)).share_of_year() == Fraction(
        45, 365)


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (Period.month(2025, 1), Period.month(2024, 12)),
        (Period.month(2025, 6), Period.month(2025, 5)),
        (Period.quarter(2025, 1), Period.quarter(2024, 4)),
        (Period.quarter(2025, 3), Period.quarter(2025, 2)),
        (Period.year(2025), Period.year(2024)),
        # 45 days before 1/4/2025: 15/2/2025 .. 31/3/2025
        (Period.between(date(2025, 4, 1), date(2025, 5, 15)),
         Period.between(date(2025, 2, 15), date(2025, 3, 31))),
    ],
)
def test_previous(period: Period, previous: Period) -> None:
    assert period.previous() == previous


def test_previous_at_the_edge_of_time() -> None:
    with pytest.raises(PolicyError):
        Period.year(1900).previous()
    with pytest.raises(PolicyError):
        Period.between(date(1, 1, 1), date(1, 1, 10)).previous()


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period.year(2025), "2025"),
        (Period.quarter(2025, 2), "2025-Q2"),
        (Period.month(2025, 6), "2025-06"),
        (Period.between(date(2025, 4, 1), date(2025, 5, 15)), "2025-04-01..2025-05-15"),
    ],
)
def test_label_round_trips(period: Period, label: str) -> None:
    assert period.label == label == str(period)
    assert Period.parse(label) == period


def test_period_is_frozen_and_hashable() -> None:
    p = Period.month(2025, 6)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.end = date(2025, 7, 1)  # type: ignore[misc]
    assert len({p, Period.parse("2025-06")}) == 1
