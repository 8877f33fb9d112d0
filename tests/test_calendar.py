"""The working calendar (SPEC §2): the verified table day by day, explanations, overrides, range,
and working-day arithmetic checked against hand-counted examples."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from chiso766 import CalendarError, DayKind, WorkingCalendar

# ---------------------------------------------------------------------------------------------
# SPEC §2's table, copied as text from the SPEC (not read from the package's data file).
# Notation as in the SPEC: "20, 23, 24/1" are days 20, 23 and 24 of January.

SPEC_DAYS_OFF = {
    2023: "2/1; 20, 23, 24, 25, 26/1; 1, 2, 3/5; 1/9, 4/9",
    2024: "1/1; 8, 9, 12, 13, 14/2; 18/4; 29, 30/4; 1/5; 2, 3/9",
    2025: "1/1; 27, 28, 29, 30, 31/1; 7/4; 30/4; 1, 2/5; 1, 2/9",
    2026: "1, 2/1; 16, 17, 18, 19, 20/2; 27/4; 30/4; 1/5; 31/8; 1, 2/9; 24/11",
}
SPEC_WORKING_SATURDAYS = {2023: "", 2024: "4/5", 2025: "26/4", 2026: "10/1; 22/8"}


def spec_days(year: int, text: str) -> list[date]:
    """Read the SPEC's "d, d/m; d/m" notation: a day without a month takes the next month given."""
    out: list[date] = []
    for group in filter(None, (g.strip() for g in text.split(";"))):
        pending: list[int] = []
        for item in (i.strip() for i in group.split(",")):
            if "/" in item:
                day, month = (int(x) for x in item.split("/"))
                out.extend(date(year, month, d) for d in [*pending, day])
                pending = []
            else:
                pending.append(int(item))
        assert not pending, f"dangling days in {group!r}"
    return sorted(out)


DAYS_OFF = {y: spec_days(y, t) for y, t in SPEC_DAYS_OFF.items()}
WORKING_SATURDAYS = {y: spec_days(y, t) for y, t in SPEC_WORKING_SATURDAYS.items()}


def expected_working(d: date) -> bool:
    """SPEC §2: a working day iff (Monday–Friday and not a weekday off) or a working Saturday."""
    return (d.weekday() < 5 and d not in DAYS_OFF[d.year]) or d in WORKING_SATURDAYS[d.year]


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.vietnam()


def test_transcription_of_the_spec_table() -> None:
    # Counted on the SPEC text: 11, 12, 12 and 14 weekdays off; 0, 1, 1 and 2 working Saturdays.
    assert [len(DAYS_OFF[y]) for y in (2023, 2024, 2025, 2026)] == [11, 12, 12, 14]
    assert [len(WORKING_SATURDAYS[y]) for y in (2023, 2024, 2025, 2026)] == [0, 1, 1, 2]
    assert all(d.weekday() < 5 for days in DAYS_OFF.values() for d in days)
    assert all(d.weekday() == 5 for days in WORKING_SATURDAYS.values() for d in days)
    assert DAYS_OFF[2023][-2:] == [date(2023, 9, 1), date(2023, 9, 4)]


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_every_day_of_verified_year_matches_spec_table(cal: WorkingCalendar, year: int) -> None:
    wrong = []
    d = date(year, 1, 1)
    while d.year == year:
        want = expected_working(d)
        if cal.is_working_day(d) is not want or cal.explain(d).is_working_day is not want:
            wrong.append((d, want))
        d += timedelta(days=1)
    assert wrong == []


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_days_off_and_working_weekend_days_list_exactly_the_table(
    cal: WorkingCalendar, year: int
) -> None:
    assert [i.date for i in cal.days_off(year)] == DAYS_OFF[year]
    assert [i.date for i in cal.working_weekend_days(year)] == WORKING_SATURDAYS[year]
    assert all(not i.is_working_day for i in cal.days_off(year))
    assert all(i.is_working_day for i in cal.working_weekend_days(year))


def test_2026_corrections_over_holidays_package(cal: WorkingCalendar) -> None:
    # 2/1/2026 is a Friday off (swapped for Saturday 10/1/2026, a working day).
    assert date(2026, 1, 2).weekday() == 4
    assert cal.is_working_day(date(2026, 1, 2)) is False
    assert date(2026, 1, 10).weekday() == 5
    assert cal.is_working_day(date(2026, 1, 10)) is True
    assert [i.date for i in cal.days_off(2026)] == DAYS_OFF[2026]
    assert [i.date for i in cal.working_weekend_days(2026)] == [date(2026, 1, 10),
                                                                date(2026, 8, 22)]


def test_is_verified(cal: WorkingCalendar) -> None:
    assert cal.is_verified(2026) is True
    assert all(cal.is_verified(y) for y in (2023, 2024, 2025))
    assert cal.is_verified(2030) is False
    assert cal.is_verified(2022) is False
    with pytest.raises(CalendarError):
        cal.is_verified("2026")  # type: ignore[arg-type]


def test_vietnam_is_cached(cal: WorkingCalendar) -> None:
    assert WorkingCalendar.vietnam() is WorkingCalendar.vietnam()
    assert WorkingCalendar.vietnam() is cal


# ---------------------------------------------------------------------------------------------
# explain


def test_explain_weekend(cal: WorkingCalendar) -> None:
    info = cal.explain(date(2026, 1, 3))  # a Saturday
    assert (info.is_working_day, info.kind) == (False, DayKind.WEEKEND)
    assert "Thứ Bảy" in info.label
    info = cal.explain(date(2026, 1, 4))  # a Sunday
    assert (info.is_working_day, info.kind) == (False, DayKind.WEEKEND)
    assert "Chủ nhật" in info.label


def test_explain_holiday_names(cal: WorkingCalendar) -> None:
    info = cal.explain(date(2026, 4, 30))
    assert (info.is_working_day, info.kind) == (False, DayKind.HOLIDAY)
    assert "Chiến thắng" in info.label
    info = cal.explain(date(2026, 5, 1))
    assert "Lao động" in info.label
    info = cal.explain(date(2026, 2, 17))
    assert info.kind is DayKind.HOLIDAY and "Tết" in info.label
    assert "verified 2026" in info.source


def test_explain_swaps(cal: WorkingCalendar) -> None:
    # 2/1/2026: day off swapped with Saturday 10/1/2026.
    off = cal.explain(date(2026, 1, 2))
    assert (off.is_working_day, off.kind) == (False, DayKind.HOLIDAY)
    assert "hoán đổi" in off.label
    work = cal.explain(date(2026, 1, 10))
    assert (work.is_working_day, work.kind) == (True, DayKind.WORKING_WEEKEND)
    assert "bù" in work.label
    # 29/4/2024 off, made up on Saturday 4/5/2024.
    assert "hoán đổi" in cal.explain(date(2024, 4, 29)).label
    assert cal.explain(date(2024, 5, 4)).kind is DayKind.WORKING_WEEKEND


def test_explain_plain_working_day_and_text(cal: WorkingCalendar) -> None:
    info = cal.explain(date(2026, 1, 5))
    assert (info.is_working_day, info.kind) == (True, DayKind.WORKING_DAY)
    text = str(cal.explain(date(2026, 1, 2)))
    assert text.startswith("02/01/2026 (Thứ Sáu) — ngày nghỉ: ")
    # A datetime is answered for its date.
    assert cal.explain(datetime(2026, 1, 2, 9, 0)).date == date(2026, 1, 2)


def test_explain_unverified_year_says_so(cal: WorkingCalendar) -> None:
    info = cal.explain(date(2030, 4, 30))
    assert info.is_working_day is False and info.kind is DayKind.HOLIDAY
    assert "unverified" in info.source


# ---------------------------------------------------------------------------------------------
# overrides


def test_overrides_win_over_table_and_weekend() -> None:
    c = WorkingCalendar(
        extra_days_off={date(2026, 1, 10): "QĐ của UBND tỉnh", date(2026, 1, 7): "sự kiện"},
        extra_working_days=[date(2026, 1, 2), date(2026, 1, 11)],
    )
    # 10/1/2026 is a working Saturday in the table; the override makes it a day off.
    info = c.explain(date(2026, 1, 10))
    assert (info.is_working_day, info.kind) == (False, DayKind.OVERRIDE_DAY_OFF)
    assert info.label == "QĐ của UBND tỉnh"
    # 7/1/2026 is an ordinary Wednesday.
    assert c.is_working_day(date(2026, 1, 7)) is False
    # 2/1/2026 is a day off in the table; 11/1/2026 a Sunday: both made working days.
    assert c.explain(date(2026, 1, 2)).kind is DayKind.OVERRIDE_WORKING_DAY
    assert c.is_working_day(date(2026, 1, 2)) is True
    assert c.is_working_day(date(2026, 1, 11)) is True
    # Arithmetic follows: after Friday 9/1/2026 come Sat 10/1 (off), Sun 11/1 (working).
    assert c.next_working_day(date(2026, 1, 9)) == date(2026, 1, 11)
    # The shared calendar is untouched: after Friday 9/1/2026 comes working Saturday 10/1.
    assert WorkingCalendar.vietnam().next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)


def test_override_wins_over_holidays_package_layer() -> None:
    # 1/1/2030 (unverified year) is Tết Dương lịch in `holidays`.
    c = WorkingCalendar(extra_working_days={date(2030, 1, 1): "trực"})
    assert c.is_working_day(date(2030, 1, 1)) is True
    assert WorkingCalendar.vietnam().is_working_day(date(2030, 1, 1)) is False


def test_with_overrides_is_a_new_calendar_and_later_layers_win(cal: WorkingCalendar) -> None:
    c1 = cal.with_overrides(days_off=[date(2026, 3, 4)])
    assert c1 is not cal
    assert c1.is_working_day(date(2026, 3, 4)) is False
    assert cal.is_working_day(date(2026, 3, 4)) is True
    # A later with_overrides turns the same date back into a working day.
    c2 = c1.with_overrides(working_days={date(2026, 3, 4): "làm bù"})
    assert c2.is_working_day(date(2026, 3, 4)) is True
    assert c2.explain(date(2026, 3, 4)).label == "làm bù"
    assert c1.is_working_day(date(2026, 3, 4)) is False
    # The verified table survives with_overrides.
    assert c2.is_working_day(date(2026, 1, 2)) is False
    assert c2.is_verified(2026)


def test_override_both_ways_is_refused() -> None:
    with pytest.raises(CalendarError) as exc:
        WorkingCalendar([date(2026, 3, 4)], [date(2026, 3, 4)])
    assert exc.value.field == "extra_days_off"


def test_override_junk_is_refused() -> None:
    with pytest.raises(CalendarError):
        WorkingCalendar(extra_days_off="2026-03-04")  # type: ignore[arg-type]
    with pytest.raises(CalendarError):
        WorkingCalendar(extra_days_off=["2026-03-04"])  # type: ignore[list-item]


def test_override_days_off_listed_by_days_off() -> None:
    c = WorkingCalendar(extra_days_off={date(2026, 3, 4): "x"})
    assert date(2026, 3, 4) in [i.date for i in c.days_off(2026)]
    assert len(c.days_off(2026)) == len(DAYS_OFF[2026]) + 1


# ---------------------------------------------------------------------------------------------
# arithmetic, hand-counted


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 31/12/2025 +2: 1/1 off, 2/1 off, 3-4/1 weekend, 5/1 (1), 6/1 (2)
        (date(2025, 12, 31), 2, date(2026, 1, 6)),
        # 9/1/2026 (Fri) +1: Saturday 10/1 is a working day (1)
        (date(2026, 1, 9), 1, date(2026, 1, 10)),
        # 9/1/2026 +2: 10/1 (1), 11/1 Sunday, 12/1 (2)
        (date(2026, 1, 9), 2, date(2026, 1, 12)),
        # 13/2/2026 (Fri) +1: 14-15/2 weekend, 16-20/2 Tết, 21-22/2 weekend, 23/2 (1)
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # 12/2/2026 +3: 13/2 (1), 14-22/2 weekend and Tết, 23/2 (2), 24/2 (3)
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        # From a day off: 17/2/2026 (Tết) +1: 18-20/2 Tết, 21-22/2 weekend, 23/2 (1)
        (date(2026, 2, 17), 1, date(2026, 2, 23)),
        # 24/4/2026 (Fri) +2: 25-26/4 weekend, 27/4 off (nghỉ bù Giỗ Tổ), 28/4 (1), 29/4 (2)
        (date(2026, 4, 24), 2, date(2026, 4, 29)),
        # 29/4/2026 +1: 30/4 off, 1/5 off, 2-3/5 weekend, 4/5 (1)
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        # 29/4/2025 (Tue) +1: 30/4, 1/5, 2/5 off, 3-4/5 weekend, 5/5 (1)
        (date(2025, 4, 29), 1, date(2025, 5, 5)),
        # 25/4/2025 (Fri) +1: Saturday 26/4/2025 is a working day (1)
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        # 26/4/2024 (Fri) +1: 27-28/4 weekend, 29/4, 30/4, 1/5 off, 2/5 (1)
        (date(2024, 4, 26), 1, date(2024, 5, 2)),
        # 3/5/2024 (Fri) +1: Saturday 4/5/2024 is a working day (1)
        (date(2024, 5, 3), 1, date(2024, 5, 4)),
        # n == 0 on a working day: the day itself
        (date(2026, 4, 28), 0, date(2026, 4, 28)),
        # n == 0 on Sunday 26/4/2026: 27/4 off, so the next working day is 28/4
        (date(2026, 4, 26), 0, date(2026, 4, 28)),
        # n == 0 on 16/2/2026 (Tết): 17-20/2 Tết, 21-22/2 weekend, 23/2
        (date(2026, 2, 16), 0, date(2026, 2, 23)),
        # -1 from 23/2/2026: 22-21/2 weekend, 20-16/2 Tết, 15-14/2 weekend, 13/2 (1)
        (date(2026, 2, 23), -1, date(2026, 2, 13)),
        # -1 from 18/2/2026 (a day off): strictly before: 17, 16/2 Tết, 15-14/2, 13/2 (1)
        (date(2026, 2, 18), -1, date(2026, 2, 13)),
        # -3 from 4/5/2026: 3-2/5 weekend, 1/5 and 30/4 off, 29/4 (1), 28/4 (2), 27/4 off,
        # 26-25/4 weekend, 24/4 (3)
        (date(2026, 5, 4), -3, date(2026, 4, 24)),
        # -2 from 6/1/2026: 5/1 (1), 4-3/1 weekend, 2/1 and 1/1 off, 31/12/2025 (2)
        (date(2026, 1, 6), -2, date(2025, 12, 31)),
    ],
)
def test_add_working_days_examples(
    cal: WorkingCalendar, start: date, n: int, expected: date
) -> None:
    assert cal.add_working_days(start, n) == expected


def test_next_working_day_examples(cal: WorkingCalendar) -> None:
    # After Friday 13/2/2026: weekend, Tết 16-20/2, weekend, Monday 23/2.
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    # After Monday 5/1/2026 (a working day): Tuesday 6/1.
    assert cal.next_working_day(date(2026, 1, 5)) == date(2026, 1, 6)
    # A datetime is taken for its date.
    assert cal.next_working_day(datetime(2026, 1, 5, 23, 0)) == date(2026, 1, 6)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # (13/2/2026, 23/2/2026]: 14-22/2 weekend and Tết, 23/2 → 1
        (date(2026, 2, 13), date(2026, 2, 23), 1),
        # (12/2, 24/2]: 13/2, 23/2, 24/2 → 3
        (date(2026, 2, 12), date(2026, 2, 24), 3),
        # (16/2, 20/2]: 17-20/2 all Tết → 0
        (date(2026, 2, 16), date(2026, 2, 20), 0),
        # (24/4/2026, 4/5/2026]: 28/4, 29/4, 4/5 → 3
        (date(2026, 4, 24), date(2026, 5, 4), 3),
        # (31/12/2025, 10/1/2026]: 5, 6, 7, 8, 9/1 and Saturday 10/1 → 6
        (date(2025, 12, 31), date(2026, 1, 10), 6),
        # the same date → 0
        (date(2026, 1, 2), date(2026, 1, 2), 0),
        (date(2026, 1, 5), date(2026, 1, 5), 0),
        # reversed: minus the count of (b, a]
        (date(2026, 2, 24), date(2026, 2, 12), -3),
        (date(2026, 5, 4), date(2026, 4, 24), -3),
        # a whole ordinary week (3/3/2025 Mon .. 10/3/2025 Mon]: Tue..Fri + Mon → 5
        (date(2025, 3, 3), date(2025, 3, 10), 5),
    ],
)
def test_working_days_between_examples(
    cal: WorkingCalendar, a: date, b: date, expected: int
) -> None:
    assert cal.working_days_between(a, b) == expected
    assert cal.working_days_between(b, a) == -expected


def test_working_days_between_round_trip_examples(cal: WorkingCalendar) -> None:
    # SPEC §2: working_days_between(d, add_working_days(d, n)) == n for n >= 1, from working
    # days and days off alike.
    for d in (date(2026, 2, 12), date(2026, 2, 17), date(2026, 4, 26), date(2026, 1, 10)):
        for n in (1, 2, 5, 15, 30):
            assert cal.working_days_between(d, cal.add_working_days(d, n)) == n


def test_far_years_work() -> None:
    # A fresh calendar for each check, so that no index built by an earlier call helps.
    # 13/6/1900 is a Wednesday, 16/6/1900 a Saturday; no holiday falls in mid-June.
    assert WorkingCalendar().is_working_day(date(1900, 6, 13)) is True
    assert WorkingCalendar().is_working_day(date(1900, 6, 16)) is False
    # 15/6/1900 (Fri) -5: 14, 13, 12, 11/6 (4), 10-9/6 weekend, 8/6 (5)
    assert WorkingCalendar().add_working_days(date(1900, 6, 15), -5) == date(1900, 6, 8)
    # 5/1/1900 (Fri) -3: 4, 3, 2/1 — the answer is in the first year of the range
    assert WorkingCalendar().add_working_days(date(1900, 1, 5), -3) == date(1900, 1, 2)
    # 12/6/2199 is a Wednesday.
    assert WorkingCalendar().is_working_day(date(2199, 6, 12)) is True
    # 1/12/2199 is a Sunday; +5: 2, 3, 4, 5, 6/12 — inside the last year of the range
    assert WorkingCalendar().add_working_days(date(2199, 12, 1), 5) == date(2199, 12, 6)
    assert WorkingCalendar().next_working_day(date(2199, 12, 1)) == date(2199, 12, 2)
    # (1/12/2199, 9/12/2199]: 2, 3, 4, 5, 6/12 (Mon–Fri), 7-8/12 weekend, 9/12 (Mon) → 6
    assert WorkingCalendar().working_days_between(date(2199, 12, 1), date(2199, 12, 9)) == 6
    c = WorkingCalendar()
    assert c.is_verified(1900) is False and c.is_verified(2199) is False


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working_day(date(1899, 12, 31)),
        lambda c: c.is_working_day(date(2200, 1, 1)),
        lambda c: c.explain(date(1, 1, 1)),
        lambda c: c.days_off(1899),
        lambda c: c.working_weekend_days(2200),
        # 31/12/2199 has no working day after it inside the range
        lambda c: c.add_working_days(date(2199, 12, 31), 1),
        # nor 1/1/1900 one before it
        lambda c: c.add_working_days(date(1900, 1, 1), -1),
        lambda c: c.add_working_days(date(2026, 1, 1), 100_001),
        lambda c: c.working_days_between(date(1899, 1, 1), date(2000, 1, 1)),
        lambda c: c.working_days_between(date(2000, 1, 1), date(2200, 1, 1)),
        lambda c: c.add_working_days(date(2026, 1, 1), 1.5),
        lambda c: c.add_working_days(date(2026, 1, 1), True),
        lambda c: c.add_working_days("2026-01-01", 1),
    ],
)
def test_outside_range_or_wrong_type_raises_calendar_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarError) as exc:
        call(WorkingCalendar.vietnam())
    assert str(exc.value)


def test_arithmetic_is_an_index_lookup(cal: WorkingCalendar,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # SPEC §2: O(1)/O(log n) per call after a one-off index build, not a day-by-day walk.
    # Counted, not timed: once the years are indexed, 20 000 calls with limits up to 2 000
    # working days never ask what kind of day a date is (a walk would ask for every day).
    cal.add_working_days(date(2000, 1, 1), 3000)  # build the index once
    cal.working_days_between(date(2000, 1, 3), date(2009, 1, 1))
    asked: list[date] = []
    real = WorkingCalendar._status_fast

    def counting(self: WorkingCalendar, d: date) -> bool:
        asked.append(d)
        return real(self, d)

    monkeypatch.setattr(WorkingCalendar, "_status_fast", counting)
    d = date(2000, 1, 3)
    for i in range(20_000):
        cal.add_working_days(d + timedelta(days=i % 3000), 2000)
        cal.working_days_between(d, d + timedelta(days=i % 3000))
    assert asked == []
    # and the counter itself works: rebuilding the index asks once for each day it covers
    cal._cover(2000, 2012)
    covered = date(cal._hi, 12, 31) - date(cal._lo, 1, 1)
    assert len(asked) == covered.days + 1 > 4000
