"""Time limits (SPEC §3) and the parser for the national procedure database's wording (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, time
from fractions import Fraction
from typing import Any, cast

import pytest

from chiso766 import LimitKind, RecordError, TimeLimit

WD, CD, WH, SD = (LimitKind.WORKING_DAYS, LimitKind.CALENDAR_DAYS, LimitKind.WORKING_HOURS,
                  LimitKind.SAME_DAY)


@pytest.mark.parametrize(
    ("text", "kind", "amount"),
    [
        ("15 ngày làm việc", WD, 15),
        ("30 ngày", CD, 30),
        ("4 giờ làm việc", WH, 4),
        ("4 giờ", WH, 4),
        # "0,5 ngày làm việc" is half of an 8-hour working day: 4 working hours
        ("0,5 ngày làm việc", WH, 4),
        # 1.5 working days = 1.5 × 8 = 12 working hours
        ("1,5 ngày làm việc", WH, 12),
        ("0.5 ngày làm việc", WH, 4),
        ("0,5 giờ", WH, Fraction(1, 2)),
        # case, accents and spacing do not matter
        ("  15   NGÀY LÀM VIỆC ", WD, 15),
        ("15 ngay lam viec", WD, 15),
        ("15ngày làm việc", WD, 15),
        ("03 ngày làm việc", WD, 3),
        ("0 ngày làm việc", WD, 0),
        # English forms
        ("15 working days", WD, 15),
        ("1 working day", WD, 1),
        ("10 business days", WD, 10),
        ("30 days", CD, 30),
        ("30 calendar days", CD, 30),
        ("4 hours", WH, 4),
        ("4 working hours", WH, 4),
        ("0.5 working days", WH, 4),
    ],
)
def test_parse_wordings(text: str, kind: LimitKind, amount: int | Fraction) -> None:
    limit = TimeLimit.parse(text)
    assert limit.kind is kind
    assert limit.amount == amount


@pytest.mark.parametrize("text", ["trong ngày", "Trong ngày", "TRONG NGAY", "same day",
                                  "Same-day"])
def test_parse_same_day(text: str) -> None:
    limit = TimeLimit.parse(text)
    assert limit.kind is SD
    assert limit.cutoff == time(15, 0)
    assert limit == TimeLimit.same_day()


@pytest.mark.parametrize(
    ("number", "unit", "kind", "amount"),
    [
        (15, "ngày làm việc", WD, 15),
        ("15", "Ngày làm việc", WD, 15),
        ("30", "Ngày", CD, 30),
        (30, "ngày", CD, 30),
        (4, "giờ", WH, 4),
        ("4", "Giờ làm việc", WH, 4),
        # "0,5" with DonViTinh "ngày làm việc": 0.5 × 8 = 4 working hours
        ("0,5", "Ngày làm việc", WH, 4),
        (0.5, "ngày làm việc", WH, 4),
        (15, "working days", WD, 15),
        (15.0, "ngày làm việc", WD, 15),
    ],
)
def test_parse_number_with_don_vi_tinh(
    number: object, unit: str, kind: LimitKind, amount: int
) -> None:
    limit = TimeLimit.parse(number, unit)
    assert (limit.kind, limit.amount) == (kind, Fraction(amount))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "15",
        "ngày làm việc",
        "15 tuần",
        "2,5 tháng",  # months are whole (SPEC §8 r2)
        "-5 ngày",
        "-5 ngày làm việc",
        # a fraction of a calendar day is not a limit the law uses
        "1,5 ngày",
        "0,5 ngày",
        "1/2 ngày làm việc",
        "15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        "Không quá 15 ngày",
        "15 - 20 ngày",
        "15 ngày làm việc; 30 ngày",
        # more than the plausible 100 000 units
        "999999 ngày",
        "nan ngày",
        "inf giờ",
    ],
)
def test_parse_rejects_anything_else(text: str) -> None:
    with pytest.raises(RecordError) as exc:
        TimeLimit.parse(text)
    assert repr(text) in str(exc.value)
    assert (exc.value.record, exc.value.field, exc.value.value) == ("TimeLimit", "time_limit",
                                                                    text)


@pytest.mark.parametrize(("number", "unit"), [(15, None), ("15", ""), (15, "tuần"),
                                              ("1,5", "tháng"), ("abc", "ngày")])
def test_parse_number_and_bad_unit_rejected(number: object, unit: object) -> None:
    with pytest.raises(RecordError):
        TimeLimit.parse(number, unit)


@pytest.mark.parametrize("value", [None, True, [], {}, object(), b"15 ngay"])
def test_parse_non_text_rejected(value: object) -> None:
    with pytest.raises(RecordError) as exc:
        TimeLimit.parse(value)
    assert exc.value.field == "time_limit"


def test_parse_passes_a_time_limit_through() -> None:
    limit = TimeLimit.working_days(5)
    assert TimeLimit.parse(limit) is limit


# ---------------------------------------------------------------------------------------------
# constructors


def test_constructors() -> None:
    assert (TimeLimit.working_days(15).kind, TimeLimit.working_days(15).amount) == (
        WD, Fraction(15))
    assert (TimeLimit.calendar_days(30).kind, TimeLimit.calendar_days(30).amount) == (
        CD, Fraction(30))
    assert (TimeLimit.working_hours(4).kind, TimeLimit.working_hours(4).amount) == (
        WH, Fraction(4))
    same = TimeLimit.same_day()
    assert (same.kind, same.cutoff) == (SD, time(15, 0))
    assert TimeLimit.same_day(time(11, 0)).cutoff == time(11, 0)
    assert isinstance(TimeLimit.working_days(15).amount, Fraction)


@pytest.mark.parametrize(
    ("value", "hours"),
    # a fractional number of working days is working hours at 8 hours a day
    [(Fraction(1, 2), 4), (0.5, 4), ("0,5", 4), ("0.25", 2), (1.5, 12), (Fraction(3, 8), 3)],
)
def test_fractional_working_days_are_working_hours(value: object, hours: int) -> None:
    limit = TimeLimit.working_days(value)  # type: ignore[arg-type]
    assert limit.kind is WH
    assert limit.amount == hours


def test_whole_numbers_given_as_text_or_float() -> None:
    assert TimeLimit.working_days("15") == TimeLimit.working_days(15)
    assert TimeLimit.working_days(15.0) == TimeLimit.working_days(15)
    assert TimeLimit.calendar_days("30") == TimeLimit.calendar_days(30)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimeLimit.working_days(-1),
        lambda: TimeLimit.calendar_days(-30),
        lambda: TimeLimit.working_hours(-4),
        lambda: TimeLimit.working_days(-0.5),
        lambda: TimeLimit.working_days("-3"),
        lambda: TimeLimit(LimitKind.WORKING_DAYS, -2),
    ],
)
def test_negative_limits_raise(make: Callable[[], object]) -> None:
    with pytest.raises(RecordError) as exc:
        make()
    assert exc.value.field == "amount"
    assert "negative" in str(exc.value)
    assert exc.value.value is not None
    assert exc.value.value < 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimeLimit.calendar_days(1.5),
        lambda: TimeLimit.calendar_days(Fraction(1, 2)),
        lambda: TimeLimit(LimitKind.WORKING_DAYS, Fraction(1, 2)),
        lambda: TimeLimit.working_days(10**30),
        lambda: TimeLimit.working_hours(100_001),
        lambda: TimeLimit.working_days(float("nan")),
        lambda: TimeLimit.working_days(float("inf")),
        lambda: TimeLimit.working_days(True),
        lambda: TimeLimit.working_days(cast(Any, None)),
        lambda: TimeLimit.working_days("abc"),
        lambda: TimeLimit.working_hours(cast(Any, [])),
        lambda: TimeLimit(cast(Any, "working_days"), 5),
        lambda: TimeLimit(cast(Any, None), 5),
        lambda: TimeLimit.same_day(cast(Any, "15:00")),
        lambda: TimeLimit.same_day(cast(Any, None)),
        lambda: TimeLimit.same_day(time(15, 0, tzinfo=UTC)),
        lambda: TimeLimit(LimitKind.SAME_DAY, 0, cast(Any, "15:00")),
    ],
)
def test_invalid_limits_raise_record_error(make: Callable[[], object]) -> None:
    with pytest.raises(RecordError) as exc:
        make()
    assert exc.value.record == "TimeLimit"
    assert exc.value.field in {"amount", "kind", "cutoff"}


def test_limits_are_frozen_and_hashable() -> None:
    limit = TimeLimit.working_days(5)
    with pytest.raises(AttributeError):
        limit.amount = Fraction(6)  # type: ignore[misc]
    assert len({TimeLimit.working_days(5), TimeLimit.parse("5 ngày làm việc")}) == 1


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (TimeLimit.working_days(15), "15 ngày làm việc"),
        (TimeLimit.calendar_days(30), "30 ngày"),
        (TimeLimit.working_hours(4), "4 giờ làm việc"),
        (TimeLimit.working_hours(Fraction(1, 2)), "0.5 giờ làm việc"),
        (TimeLimit.same_day(), "trong ngày"),
    ],
)
def test_to_text_round_trips(limit: TimeLimit, text: str) -> None:
    assert limit.to_text() == text
    assert TimeLimit.parse(text) == limit
