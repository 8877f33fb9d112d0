"""The statutory due date's two forms agree receipt by receipt.

:func:`chiso766.deadlines.due_from_receipt` (scalar) and
:func:`chiso766.deadlines.due_from_receipt_columns` (columnar: working-day and calendar-day
limits as expressions over the calendar's table, the other kinds and the dates past the table
by the scalar code) must give every receipt the same due moment (docs/rules.md "Due dates"),
under every policy switch (office hours, after-hours receipts) — receipts at any second of
the day, on working days, weekends and holidays (Tết), near the end of the table.
"""

from __future__ import annotations

from datetime import datetime, time

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import DeadlinePolicy, TimeLimit
from chiso766.calendar import WorkingCalendar
from chiso766.deadlines import due_from_receipt, due_from_receipt_columns
from chiso766.population import working_table
from tests.budget import examples
from tests.extras import need
from tests.strategies import deadline_policies, local_datetimes, time_limits

CODES = ["1.001234", "2.000001", "1.012345", "no-limit"]


def _columns(starts: list[datetime], codes: list[str], limits: dict[str, TimeLimit | None],
             policy: DeadlinePolicy, first: int, last: int) -> list[datetime | None]:
    need("polars", "fast")
    import polars as pl

    cal = WorkingCalendar.vietnam()
    frame = pl.DataFrame({"start": starts, "code": codes},
                         schema={"start": pl.Datetime("us"), "code": pl.String})
    return due_from_receipt_columns(frame, limits.get, working_table(cal, first, last), cal,
                                    policy).to_list()


@given(data=st.data(), policy=deadline_policies(),
       table=st.sampled_from([(2023, 2026), (2025, 2025), (2300, 2301)]))
@settings(max_examples=examples(80), deadline=None)
def test_columnar_due_dates_equal_the_scalar_ones(data: st.DataObject, policy: DeadlinePolicy,
                                                 table: tuple[int, int]) -> None:
    """Each receipt's due moment is ``due_from_receipt``'s, whatever the kind of limit and
    whether its dates fall inside the table (2025 alone: a receipt of late December moves
    past it, and one of 2024 starts before it; years the calendar does not cover: an empty
    table, every date by the scalar code)."""
    limits: dict[str, TimeLimit | None] = {code: data.draw(time_limits()) for code in CODES[:3]}
    limits["no-limit"] = None
    n = data.draw(st.integers(1, 30))
    starts = data.draw(st.lists(local_datetimes(2024, 2025), min_size=n, max_size=n))
    codes = data.draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n))
    got = _columns(starts, codes, limits, policy, *table)
    cal = WorkingCalendar.vietnam()
    for start, code, due in zip(starts, codes, got, strict=True):
        limit = limits[code]
        assert due == (None if limit is None else due_from_receipt(start, limit, cal, policy)), \
            (start, limit)


def test_hand_cases_around_tet_2025() -> None:
    """Tết 2025: Sat 25/01 to Sun 02/02 are days off; work resumes Mon 03/02.

    - 5 working days, received Fri 24/01 16:00 (a working day, by office close 17:00): the
      day itself is not counted (Civil Code Art. 147), so 03, 04, 05, 06, 07 February: Fri
      07/02 at 17:00.
    - The same, received at 17:00 exactly (office close: still that day's): Fri 07/02.
    - The same, received Fri 24/01 17:30 (after office close): taken in on the next working
      day, Mon 03/02, and counted from there: 04…10 February: Mon 10/02 17:00.
    - 7 calendar days, received Mon 20/01 09:00: 27/01, a day off (Art. 148): the next working
      day, Mon 03/02 17:00.
    - 10 working days, received Mon 23/12/2024 10:00, with the table of 2025 alone: the
      receipt is before the table, so the scalar code computes it, all the same: 24, 25, 26,
      27, 30, 31 December, 2, 3, 6, 7 January (01/01 is New Year's Day): Tue 07/01/2025."""
    five, seven = TimeLimit.parse("5 ngày làm việc"), TimeLimit.parse("7 ngày")
    ten = TimeLimit.parse("10 ngày làm việc")
    limits: dict[str, TimeLimit | None] = {"A": five, "B": seven, "C": ten}
    starts = [datetime(2025, 1, 24, 16, 0), datetime(2025, 1, 24, 17, 0),
              datetime(2025, 1, 24, 17, 30), datetime(2025, 1, 20, 9, 0),
              datetime(2024, 12, 23, 10, 0)]
    got = _columns(starts, ["A", "A", "A", "B", "C"], limits, DeadlinePolicy(), 2025, 2025)
    close = time(17, 0)
    assert got == [datetime.combine(datetime(2025, 2, 7), close),
                   datetime.combine(datetime(2025, 2, 7), close),
                   datetime.combine(datetime(2025, 2, 10), close),
                   datetime.combine(datetime(2025, 2, 3), close),
                   datetime.combine(datetime(2025, 1, 7), close)]


def test_hand_cases_in_working_hours_and_the_same_day() -> None:
    """Office hours 07:30–11:30 and 13:00–17:00 (8 hours a day); Mon 03/03/2025 and Tue 04/03
    are working days.

    - 4 working hours from Mon 07:30: the morning exactly, ending at its close: Mon 11:30 (not
      13:00, the next window's opening).
    - 12 working hours from Mon 07:30: Monday's 8 hours, then 4 more: Tue 11:30.
    - 4 working hours from Mon 16:00: one hour on Monday, three on Tuesday: Tue 10:30.
    - 2 working hours from Mon 12:00 (the lunch break): from 13:00: Mon 15:00.
    - The same day (cut-off 15:00), received Mon 15:00 exactly: Mon 17:00; at 15:01: the next
      working day, Tue 17:00."""
    four, twelve = TimeLimit.parse("4 giờ làm việc"), TimeLimit.parse("12 giờ làm việc")
    two, same = TimeLimit.parse("2 giờ làm việc"), TimeLimit.parse("trong ngày")
    limits: dict[str, TimeLimit | None] = {"4h": four, "12h": twelve, "2h": two, "day": same}
    monday = datetime(2025, 3, 3)
    starts = [monday.replace(hour=7, minute=30), monday.replace(hour=7, minute=30),
              monday.replace(hour=16), monday.replace(hour=12),
              monday.replace(hour=15), monday.replace(hour=15, minute=1)]
    got = _columns(starts, ["4h", "12h", "4h", "2h", "day", "day"], limits, DeadlinePolicy(),
                   2025, 2025)
    assert got == [datetime(2025, 3, 3, 11, 30), datetime(2025, 3, 4, 11, 30),
                   datetime(2025, 3, 4, 10, 30), datetime(2025, 3, 3, 15, 0),
                   datetime(2025, 3, 3, 17, 0), datetime(2025, 3, 4, 17, 0)]
