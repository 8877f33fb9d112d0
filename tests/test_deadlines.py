"""Due dates (SPEC §3), on-time verdicts (SPEC §4) and the due-date audit, each against a
hand-computed example.

The ordinary week used throughout: Monday 3/3/2025 .. Friday 7/3/2025, then Monday 10/3/2025
(no holiday in March 2025). Office hours 07:30–11:30 and 13:00–17:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from chiso766 import (
    DeadlinePolicy,
    Dossier,
    MissingDataError,
    PolicyError,
    Procedure,
    RecordError,
    SupplementRequest,
    TimeLimit,
    Timeliness,
    WorkingCalendar,
    audit,
    classify,
    due_at,
    effective_end,
    statutory_due_at,
)
from chiso766.deadlines import (
    AWAITING_APPLICANT,
    HIDES_LATENESS,
    LATE_AGAINST_NEW_DUE,
    MISSING_RECORDED_DUE,
    NO_TIME_LIMIT,
    RECORDED_LATER_THAN_STATUTORY,
)

SAME_DAY_START = DeadlinePolicy(after_hours="same_day")
PAUSE = DeadlinePolicy(supplement_rule="pause")
BY_MOMENT = DeadlinePolicy(granularity="datetime")


def at(day: int, hh: int = 0, mm: int = 0, ss: int = 0, *, month: int = 3,
       year: int = 2025) -> datetime:
    return datetime(year, month, day, hh, mm, ss)


def dossier(**fields: object) -> Dossier:
    base: dict[str, object] = {"id": "D1", "procedure_code": "1.001234", "unit_id": "H44",
                               "received_at": at(3, 9)}
    base.update(fields)
    return Dossier(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# §3 rule 4: working hours


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        # SPEC example: Monday 10:30 + 4 h: 10:30–11:30 (1 h), 13:00–16:00 (3 h) → Monday 16:00
        (at(3, 10, 30), 4, at(3, 16)),
        # SPEC example: Monday 16:00 + 4 h: 16:00–17:00 (1 h), Tue 07:30–10:30 (3 h) → Tue 10:30
        (at(3, 16), 4, at(4, 10, 30)),
        # during lunch: moved to 13:00; 13:00 + 2 h → 15:00
        (at(3, 12), 2, at(3, 15)),
        # before opening: moved to 07:30; + 1 h → 08:30
        (at(3, 6), 1, at(3, 8, 30)),
        # after close: Tue 07:30 + 1 h → Tue 08:30
        (at(3, 18), 1, at(4, 8, 30)),
        # Saturday 1/3: Monday 07:30 + 4 h → 11:30 (the whole morning)
        (at(1, 9), 4, at(3, 11, 30)),
        # Monday 10:30 + 12 h: Mon 1 h + 4 h = 5 h; Tue 07:30–11:30 (9 h), 13:00 + 3 h → Tue 16:00
        (at(3, 10, 30), 12, at(4, 16)),
        # Monday 07:30 + 16 h: two whole days → Tuesday 17:00
        (at(3, 7, 30), 16, at(4, 17)),
        # Monday 07:30 + 8 h: one whole day → Monday 17:00 (not Tuesday 07:30)
        (at(3, 7, 30), 8, at(3, 17)),
        # Monday 11:15 + 0.5 h: 11:15–11:30 (¼ h), 13:00–13:15 (¼ h) → 13:15
        (at(3, 11, 15), 0.5, at(3, 13, 15)),
        # Monday 10:30 + 0 h → 10:30 (already in office hours)
        (at(3, 10, 30), 0, at(3, 10, 30)),
        # Friday 13/2/2026 16:00 + 4 h: 16:00–17:00 (1 h); 14/2–22/2 weekend and Tết;
        # Monday 23/2 07:30 + 3 h → 10:30
        (at(13, 16, month=2, year=2026), 4, at(23, 10, 30, month=2, year=2026)),
    ],
)
def test_working_hours(received: datetime, hours: float, expected: datetime) -> None:
    assert due_at(received, TimeLimit.working_hours(hours)) == expected


def test_half_working_day_is_four_hours() -> None:
    # "0,5 ngày làm việc" = 4 h: Monday 10:30 → Monday 16:00, as the SPEC's example
    assert due_at(at(3, 10, 30), TimeLimit.parse("0,5 ngày làm việc")) == at(3, 16)


def test_working_hours_with_other_office_hours() -> None:
    pol = DeadlinePolicy(office_hours=((time(8), time(12)), (time(13, 30), time(17, 30))))
    assert pol.hours_per_day == 8
    # Monday 11:00 + 4 h: 11:00–12:00 (1 h), 13:30–16:30 (3 h) → 16:30
    assert due_at(at(3, 11), TimeLimit.working_hours(4), policy=pol) == at(3, 16, 30)
    # Monday 17:00 + 1 h: 17:00–17:30 (½ h), Tue 08:00–08:30 (½ h) → Tue 08:30
    assert due_at(at(3, 17), TimeLimit.working_hours(1), policy=pol) == at(4, 8, 30)


# ---------------------------------------------------------------------------------------------
# §3 rules 1–2: working days


@pytest.mark.parametrize(
    ("received", "policy", "expected"),
    [
        # Monday 10:00, before close: start Monday (not counted); +5: Tue, Wed, Thu, Fri,
        # Mon 10/3 (5) → 10/3 17:00
        (at(3, 10), None, at(10, 17)),
        # exactly at close still counts as that day → 10/3
        (at(3, 17), None, at(10, 17)),
        # Monday 17:30, after close: start Tue 4/3; +5: 5, 6, 7, 10, 11/3 → 11/3 17:00
        (at(3, 17, 30), None, at(11, 17)),
        # ... with after_hours="same_day" the start stays Monday → 10/3
        (at(3, 17, 30), SAME_DAY_START, at(10, 17)),
        # Saturday 1/3 (day off): start Monday 3/3; +5 → 10/3
        (at(1, 9), None, at(10, 17)),
        # ... with after_hours="same_day": start Saturday; +5: 3, 4, 5, 6, 7/3 → Friday 7/3
        (at(1, 9), SAME_DAY_START, at(7, 17)),
        # a bare date is 00:00: start that day → 10/3
        (date(2025, 3, 3), None, at(10, 17)),
    ],
)
def test_working_days(received: datetime, policy: DeadlinePolicy | None,
                      expected: datetime) -> None:
    assert due_at(received, TimeLimit.working_days(5), policy=policy) == expected


def test_working_days_across_tet_2026() -> None:
    # Thursday 12/2/2026 09:00 + 3: 13/2 (1), 14–22/2 weekend and Tết, 23/2 (2), 24/2 (3)
    assert due_at(at(12, 9, month=2, year=2026), TimeLimit.working_days(3)) == at(
        24, 17, month=2, year=2026)
    # 31/12/2025 10:00 + 2: 1/1 off, 2/1 off, 3–4/1 weekend, 5/1 (1), 6/1 (2)
    assert due_at(datetime(2025, 12, 31, 10), TimeLimit.working_days(2)) == datetime(
        2026, 1, 6, 17)


def test_working_days_due_at_other_office_close() -> None:
    pol = DeadlinePolicy(office_hours=((time(8), time(12)), (time(13, 30), time(17, 30))))
    # Monday 17:15 is before this office's close (17:30): start Monday; +1 → Tue 4/3 17:30
    assert due_at(at(3, 17, 15), TimeLimit.working_days(1), policy=pol) == at(4, 17, 30)


# ---------------------------------------------------------------------------------------------
# §3 rule 3: calendar days


@pytest.mark.parametrize(
    ("received", "n", "policy", "expected"),
    [
        # Monday 3/3 + 30 days = 2/4/2025 (Wednesday, working) → 2/4 17:00
        (at(3, 9), 30, None, datetime(2025, 4, 2, 17)),
        # Monday 3/3 + 5 = Saturday 8/3 → next working day Monday 10/3
        (at(3, 9), 5, None, at(10, 17)),
        # Monday 21/4/2025 + 9 = 30/4 (off); 1/5, 2/5 off; 3–4/5 weekend → Monday 5/5
        (datetime(2025, 4, 21, 9), 9, None, datetime(2025, 5, 5, 17)),
        # Monday 18:00 (after close): start Tue 4/3; + 4 = Saturday 8/3 → Monday 10/3
        (at(3, 18), 4, None, at(10, 17)),
        # ... after_hours="same_day": start Mon 3/3; + 4 = Friday 7/3
        (at(3, 18), 4, SAME_DAY_START, at(7, 17)),
        # Saturday 1/3 (day off): start Mon 3/3; + 3 = Thursday 6/3
        (at(1, 9), 3, None, at(6, 17)),
        # ... after_hours="same_day": start Sat 1/3; + 3 = Tuesday 4/3
        (at(1, 9), 3, SAME_DAY_START, at(4, 17)),
    ],
)
def test_calendar_days(received: datetime, n: int, policy: DeadlinePolicy | None,
                       expected: datetime) -> None:
    assert due_at(received, TimeLimit.calendar_days(n), policy=policy) == expected


# ---------------------------------------------------------------------------------------------
# §3 rule 5: same day with the 15:00 cut-off


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # before 15:00 on a working day → that day at close
        (at(3, 14, 59), at(3, 17)),
        (at(3, 8), at(3, 17)),
        # at 15:00 exactly: not "after 15:00" → that day
        (at(3, 15), at(3, 17)),
        # after 15:00 → the next working day, Tuesday 4/3
        (at(3, 15, 0, 1), at(4, 17)),
        (at(3, 16, 30), at(4, 17)),
        # Friday 7/3 after 15:00 → Monday 10/3
        (at(7, 15, 30), at(10, 17)),
        # Saturday 1/3 (day off), even in the morning → Monday 3/3
        (at(1, 9), at(3, 17)),
        # Friday 13/2/2026 15:30 → after the weekend and Tết: Monday 23/2/2026
        (at(13, 15, 30, month=2, year=2026), at(23, 17, month=2, year=2026)),
    ],
)
def test_same_day(received: datetime, expected: datetime) -> None:
    assert due_at(received, TimeLimit.same_day()) == expected
    assert due_at(received, TimeLimit.parse("trong ngày")) == expected


def test_same_day_other_cutoff() -> None:
    limit = TimeLimit.same_day(time(11, 0))
    # 10:59 before the 11:00 cut-off → Monday; 11:30 after → Tuesday
    assert due_at(at(3, 10, 59), limit) == at(3, 17)
    assert due_at(at(3, 11, 30), limit) == at(4, 17)


# ---------------------------------------------------------------------------------------------
# §3 rule 6: supplements


def test_supplement_restart_counts_the_full_limit_again() -> None:
    sup = SupplementRequest(at(5, 10), at(10, 14))
    # Without the request: 3/3 + 5 working days → 10/3.
    assert due_at(at(3, 9), TimeLimit.working_days(5)) == at(10, 17)
    # "restart": papers back Monday 10/3 14:00 (before close) is the new receipt:
    # start 10/3; +5: 11, 12, 13, 14, 17/3 → 17/3 17:00
    assert due_at(at(3, 9), TimeLimit.working_days(5), supplements=[sup]) == at(17, 17)


def test_supplement_restart_after_close_starts_next_day() -> None:
    sup = SupplementRequest(at(5, 10), at(10, 18))
    # papers back 10/3 18:00, after close: start 11/3; +5: 12, 13, 14, 17, 18/3 → 18/3
    assert due_at(at(3, 9), TimeLimit.working_days(5), supplements=[sup]) == at(18, 17)


def test_supplement_restart_uses_the_last_answer() -> None:
    sups = [SupplementRequest(at(4, 10), at(5, 10)), SupplementRequest(at(6, 10), at(7, 9))]
    # last papers back Friday 7/3 09:00: start 7/3; +5: 10, 11, 12, 13, 14/3 → 14/3
    assert due_at(at(3, 9), TimeLimit.working_days(5), supplements=sups) == at(14, 17)


def test_supplement_restart_with_working_hours() -> None:
    sup = SupplementRequest(at(3, 10), at(4, 16))
    # 4 h from the papers' return Tuesday 16:00: 16:00–17:00 (1 h), Wed 07:30 + 3 h → 10:30
    assert due_at(at(3, 9), TimeLimit.working_hours(4), supplements=[sup]) == at(5, 10, 30)


def test_supplement_pause_moves_due_by_working_days_waited() -> None:
    sup = SupplementRequest(at(5, 10), at(10, 14))
    # due without the request: 10/3. Waited: working days in (5/3, 10/3]: 6, 7, 10/3 → 3.
    # 10/3 + 3: 11, 12, 13/3 → 13/3 17:00
    assert due_at(at(3, 9), TimeLimit.working_days(5), policy=PAUSE,
                  supplements=[sup]) == at(13, 17)


def test_supplement_pause_over_a_weekend_only_waits_nothing() -> None:
    sup = SupplementRequest(at(7, 16), at(8, 10))
    # (7/3, 8/3]: Saturday only → 0 working days waited → due stays 10/3
    assert due_at(at(3, 9), TimeLimit.working_days(5), policy=PAUSE,
                  supplements=[sup]) == at(10, 17)


def test_supplement_pause_two_requests_add_up() -> None:
    sups = [SupplementRequest(at(4, 9), at(5, 9)), SupplementRequest(at(6, 9), at(10, 9))]
    # waited (4/3, 5/3] = 1 and (6/3, 10/3] = 7, 10/3 → 2; 10/3 + 3: 11, 12, 13/3
    assert due_at(at(3, 9), TimeLimit.working_days(5), policy=PAUSE,
                  supplements=sups) == at(13, 17)


@pytest.mark.parametrize("rule", ["restart", "pause"])
def test_unanswered_supplement_raises_missing_data(rule: str) -> None:
    with pytest.raises(MissingDataError) as exc:
        due_at(at(3, 9), TimeLimit.working_days(5),
               policy=DeadlinePolicy(supplement_rule=rule),
               supplements=[SupplementRequest(at(5, 10))])
    assert exc.value.field == "supplements"


@pytest.mark.parametrize("junk", [None, 5, "abc", [1], [None]])
def test_supplements_must_be_supplement_requests(junk: object) -> None:
    with pytest.raises(RecordError):
        due_at(at(3, 9), TimeLimit.working_days(5), supplements=junk)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# §3: time zones


def test_aware_datetimes_are_converted_to_vietnam_time() -> None:
    # 03:30 UTC = 10:30 in Vietnam (UTC+07:00); + 4 h → 16:00 local (naive)
    assert due_at(datetime(2025, 3, 3, 3, 30, tzinfo=UTC), TimeLimit.working_hours(4)) == at(
        3, 16)
    # 10:30 UTC = 17:30 local, after close: start Tue 4/3; +5 → 11/3 (taken as a naive local
    # 10:30 it would be 10/3)
    assert due_at(datetime(2025, 3, 3, 10, 30, tzinfo=UTC), TimeLimit.working_days(5)) == at(
        11, 17)
    # Sunday 2/3 23:30 UTC = Monday 3/3 06:30 local: start Monday → 10/3
    assert due_at(datetime(2025, 3, 2, 23, 30, tzinfo=UTC), TimeLimit.working_days(5)) == at(
        10, 17)
    # 11:00 at UTC+09:00 = 09:00 local; same day before 15:00 → Monday
    nine = timezone(timedelta(hours=9))
    assert due_at(datetime(2025, 3, 3, 11, tzinfo=nine), TimeLimit.same_day()) == at(3, 17)


def test_due_at_argument_errors() -> None:
    with pytest.raises(MissingDataError):
        due_at(None, TimeLimit.working_days(5))  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        due_at(at(3, 9), "5 ngày làm việc")  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        due_at("2025-03-03", TimeLimit.working_days(5))  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        due_at(at(3, 9), TimeLimit.working_days(5), calendar="VN")  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        due_at(at(3, 9), TimeLimit.working_days(5), policy="restart")  # type: ignore[arg-type]


def test_due_at_uses_the_given_calendar() -> None:
    # With Tuesday 4/3/2025 declared a day off: start Mon; +5: 5, 6, 7, 10, 11/3 → 11/3
    cal = WorkingCalendar(extra_days_off=[date(2025, 3, 4)])
    assert due_at(at(3, 9), TimeLimit.working_days(5), cal) == at(11, 17)


# ---------------------------------------------------------------------------------------------
# DeadlinePolicy


def test_default_policy() -> None:
    pol = DeadlinePolicy()
    assert pol.office_hours == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    assert (pol.after_hours, pol.granularity, pol.supplement_rule) == (
        "next_working_day", "date", "restart")
    assert pol.office_open == time(7, 30) and pol.office_close == time(17, 0)
    # 4 h + 4 h
    assert pol.hours_per_day == 8


@pytest.mark.parametrize(
    "fields",
    [
        {"after_hours": "tomorrow"},
        {"granularity": "hour"},
        {"supplement_rule": "ignore"},
        {"office_hours": ()},
        {"office_hours": ((time(17), time(7, 30)),)},
        {"office_hours": ((time(13), time(17)), (time(7, 30), time(11, 30)))},
        {"office_hours": ((time(7, 30, tzinfo=UTC), time(17)),)},
        {"office_hours": "07:30-17:00"},
    ],
)
def test_policy_rejects_unknown_values(fields: dict[str, object]) -> None:
    with pytest.raises(PolicyError) as exc:
        DeadlinePolicy(**fields)  # type: ignore[arg-type]
    assert exc.value.field == next(iter(fields))


# ---------------------------------------------------------------------------------------------
# §4: classify


DUE = at(10, 17)  # recorded NgayHenTra: Monday 10/3/2025 17:00


@pytest.mark.parametrize(
    ("finished", "status", "late_days"),
    [
        # Friday 7/3 < due date 10/3 → EARLY
        (at(7, 10), Timeliness.EARLY, 0),
        # same date as the due date → ON_TIME
        (at(10, 16), Timeliness.ON_TIME, 0),
        # 20:00 on the due date is still the same date → ON_TIME (granularity "date")
        (at(10, 20), Timeliness.ON_TIME, 0),
        # Tuesday 11/3: (10/3, 11/3] = 1 working day late
        (at(11, 8), Timeliness.LATE, 1),
        # Friday 14/3: 11, 12, 13, 14 → 4 working days late
        (at(14, 9), Timeliness.LATE, 4),
        # Saturday 15/3: still 4 (the Saturday is not a working day)
        (at(15, 9), Timeliness.LATE, 4),
    ],
)
def test_classify_by_date(finished: datetime, status: Timeliness, late_days: int) -> None:
    v = classify(dossier(due_at=DUE, finished_at=finished))
    assert v.status is status
    assert v.late_working_days == late_days
    assert (v.due_at, v.due_source) == (DUE, "recorded")
    assert (v.end_at, v.end_source) == (finished, "finished_at")
    assert v.in_time is (status is not Timeliness.LATE)


def test_classify_by_datetime() -> None:
    # 17:30 on the due date is after 17:00 → LATE; (10/3, 10/3] = 0 working days
    v = classify(dossier(due_at=DUE, finished_at=at(10, 17, 30)), policy=BY_MOMENT)
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 0)
    # 16:59 on the due date → ON_TIME; the day before → EARLY
    assert classify(dossier(due_at=DUE, finished_at=at(10, 16, 59)),
                    policy=BY_MOMENT).status is Timeliness.ON_TIME
    assert classify(dossier(due_at=DUE, finished_at=at(7, 16)),
                    policy=BY_MOMENT).status is Timeliness.EARLY
    # exactly at the due moment → ON_TIME
    assert classify(dossier(due_at=DUE, finished_at=DUE),
                    policy=BY_MOMENT).status is Timeliness.ON_TIME


def test_classify_statutory_due_when_recorded_missing() -> None:
    # No NgayHenTra; 5 working days from Monday 3/3 09:00 → 10/3 17:00
    proc = Procedure("1.001234", time_limit=TimeLimit.working_days(5))
    v = classify(dossier(finished_at=at(11, 9)), proc)
    assert (v.due_at, v.due_source) == (at(10, 17), "statutory")
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 1)
    # the same from the time_limit argument, which wins over the procedure's
    v2 = classify(dossier(finished_at=at(11, 9)), proc, time_limit=TimeLimit.working_days(6))
    # 6 working days: 10/3 + 1 → 11/3 → finished 11/3 is ON_TIME
    assert (v2.due_at, v2.status) == (at(11, 17), Timeliness.ON_TIME)


def test_classify_recorded_due_wins_over_time_limit() -> None:
    # recorded 12/3 even though the limit gives 10/3: the verdict uses the recorded date
    v = classify(dossier(due_at=at(12, 17), finished_at=at(11, 9)),
                 time_limit=TimeLimit.working_days(5))
    assert (v.due_source, v.status) == ("recorded", Timeliness.EARLY)


def test_classify_statutory_due_ignores_supplements() -> None:
    # SPEC §4: the statutory due date is counted from the receipt alone (10/3), and the
    # applicant's time is subtracted from the end instead.
    # Request Wed 5/3 10:00, papers back Mon 10/3 10:00: 5 days of continuous time.
    # Finished Thu 13/3 16:00 − 5 days = Sat 8/3 16:00 < 10/3 → EARLY
    sup = SupplementRequest(at(5, 10), at(10, 10))
    v = classify(dossier(finished_at=at(13, 16), supplements=[sup]),
                 time_limit=TimeLimit.working_days(5))
    assert v.due_at == at(10, 17)
    assert v.applicant_time == timedelta(days=5)
    assert v.adjusted_end_at == at(8, 16)
    assert v.status is Timeliness.EARLY


@pytest.mark.parametrize(
    ("ends", "source", "status"),
    [
        # finished wins over returned (returned 12/3 would be late)
        ({"finished_at": at(7, 9), "returned_at": at(12, 9)}, "finished_at", Timeliness.EARLY),
        ({"returned_at": at(12, 9)}, "returned_at", Timeliness.LATE),
        # returned wins over stopped
        ({"returned_at": at(10, 9), "stopped_at": at(6, 9)}, "returned_at",
         Timeliness.ON_TIME),
        ({"stopped_at": at(6, 9)}, "stopped_at", Timeliness.EARLY),
        ({"finished_at": at(12, 9), "stopped_at": at(6, 9)}, "finished_at", Timeliness.LATE),
    ],
)
def test_classify_end_priority(ends: dict[str, datetime], source: str,
                               status: Timeliness) -> None:
    v = classify(dossier(due_at=DUE, **ends))
    assert (v.end_source, v.status) == (source, status)


def test_more_than_one_supplement_is_late_whatever_the_dates_under_always() -> None:
    """Policy multiple_supplements_late="always" (revision 1's reading, docs/rules.md)."""
    from chiso766 import CountingPolicy

    sups = [SupplementRequest(at(3, 10), at(3, 11)), SupplementRequest(at(4, 10), at(4, 11))]
    # finished Wednesday 5/3, five days before the due date, yet LATE
    v = classify(dossier(due_at=DUE, finished_at=at(5, 9), supplements=sups),
                 counting=CountingPolicy(multiple_supplements_late="always"))
    assert v.status is Timeliness.LATE
    assert v.supplement_count == 2
    # end 5/3 − 2 h is before the due date: no working day late
    assert v.late_working_days == 0
    assert any("2 lần" in r for r in v.reasons)


def test_one_answered_supplement_is_not_late_by_itself() -> None:
    sup = SupplementRequest(at(4, 10), at(4, 11))
    # finished 7/3 − 1 h → 7/3 < 10/3 → EARLY
    assert classify(dossier(due_at=DUE, finished_at=at(7, 9),
                            supplements=[sup])).status is Timeliness.EARLY


def test_one_unanswered_supplement_without_end_ends_at_the_request() -> None:
    # asked Thursday 6/3 10:00, never answered, no end: the request is the end → EARLY
    v = classify(dossier(due_at=DUE, supplements=[SupplementRequest(at(6, 10))]))
    assert (v.end_at, v.end_source) == (at(6, 10), "supplement_requested_at")
    assert v.status is Timeliness.EARLY
    # asked Wednesday 12/3 (after the due date): (10/3, 12/3] = 11, 12 → LATE by 2
    v = classify(dossier(due_at=DUE, supplements=[SupplementRequest(at(12, 10))]))
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 2)
    # even with an as_of long after, it is not pending
    v = classify(dossier(due_at=DUE, supplements=[SupplementRequest(at(6, 10))]),
                 as_of=at(31, 23))
    assert v.status is Timeliness.EARLY


def test_applicant_time_is_subtracted_from_the_end() -> None:
    # asked Wed 5/3 10:00, back Mon 10/3 10:00 → 5 days (continuous time, weekend included)
    sup = SupplementRequest(at(5, 10), at(10, 10))
    # finished Sat 15/3 10:00 − 5 days = Mon 10/3 10:00 = the due date → ON_TIME
    v = classify(dossier(due_at=DUE, finished_at=at(15, 10), supplements=[sup]))
    assert v.adjusted_end_at == at(10, 10)
    assert v.status is Timeliness.ON_TIME
    # finished Mon 17/3 09:00 − 5 days = Wed 12/3 09:00: (10/3, 12/3] = 2 working days late
    v = classify(dossier(due_at=DUE, finished_at=at(17, 9), supplements=[sup]))
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 2)


def test_pending_in_time_and_late() -> None:
    d = dossier(due_at=DUE)
    # not ended at Friday 7/3 23:59:59 → that moment is the end: before 10/3 → PENDING_IN_TIME
    v = classify(d, as_of=at(7, 23, 59, 59))
    assert (v.status, v.end_source, v.end_at) == (Timeliness.PENDING_IN_TIME, "as_of",
                                                   at(7, 23, 59, 59))
    # on the due date itself: not after it → PENDING_IN_TIME
    assert classify(d, as_of=at(10, 23)).status is Timeliness.PENDING_IN_TIME
    # Wednesday 12/3: (10/3, 12/3] = 2 working days → PENDING_LATE
    v = classify(d, as_of=at(12, 9))
    assert (v.status, v.late_working_days) == (Timeliness.PENDING_LATE, 2)
    assert v.in_time is False


def test_as_of_as_date_and_aware() -> None:
    d = dossier(due_at=DUE)
    assert classify(d, as_of=date(2025, 3, 10)).status is Timeliness.PENDING_IN_TIME
    assert classify(d, as_of=date(2025, 3, 11)).status is Timeliness.PENDING_LATE
    # 10/3 20:00 UTC = 11/3 03:00 in Vietnam → after the due date
    aware = datetime(2025, 3, 10, 20, tzinfo=UTC)
    assert classify(d, as_of=aware).status is Timeliness.PENDING_LATE
    # 10/3 16:00 UTC = 10/3 23:00 in Vietnam → still the due date
    assert classify(d, as_of=datetime(2025, 3, 10, 16, tzinfo=UTC)).status is (
        Timeliness.PENDING_IN_TIME)


def test_events_after_as_of_are_ignored() -> None:
    # finished 12/3 (late) but evaluated at 10/3 12:00: not yet finished → PENDING_IN_TIME
    d = dossier(due_at=DUE, finished_at=at(12, 9))
    assert classify(d).status is Timeliness.LATE
    assert classify(d, as_of=at(10, 12)).status is Timeliness.PENDING_IN_TIME
    # a second supplement asked after as_of does not count yet
    sups = [SupplementRequest(at(4, 10), at(5, 10)), SupplementRequest(at(11, 10), at(12, 10))]
    d = dossier(due_at=DUE, finished_at=at(13, 9), supplements=sups)
    assert classify(d).status is Timeliness.LATE
    v = classify(d, as_of=at(10, 12))
    # one request so far, answered in 1 day: 10/3 12:00 − 1 day = 9/3 → PENDING_IN_TIME
    assert (v.status, v.supplement_count) == (Timeliness.PENDING_IN_TIME, 1)
    assert v.adjusted_end_at == at(9, 12)


def test_supplement_answered_after_as_of_is_unanswered_at_as_of() -> None:
    # asked 6/3 10:00, answered 12/3; at as_of 10/3 the applicant still owes the papers:
    # the request is the end → EARLY (not pending, no time subtracted)
    d = dossier(due_at=DUE, supplements=[SupplementRequest(at(6, 10), at(12, 9))])
    v = classify(d, as_of=at(10, 23))
    assert (v.status, v.end_source) == (Timeliness.EARLY, "supplement_requested_at")
    assert v.applicant_time == timedelta(0)


def test_new_due_at_does_not_make_a_late_dossier_on_time() -> None:
    # due 10/3, new appointment 14/3, finished 12/3: LATE against the law, not against 14/3
    v = classify(dossier(due_at=DUE, new_due_at=at(14, 17), finished_at=at(12, 9)))
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 2)
    assert v.new_due_at == at(14, 17)
    assert v.late_against_new_due is False
    # finished 17/3, later than the new date too → flagged
    v = classify(dossier(due_at=DUE, new_due_at=at(14, 17), finished_at=at(17, 9)))
    assert v.status is Timeliness.LATE
    assert v.late_against_new_due is True
    assert any("trễ cả so với ngày hẹn lại" in r for r in v.reasons)
    # without a new date there is nothing to compare
    assert classify(dossier(due_at=DUE, finished_at=at(12, 9))).late_against_new_due is None


def test_classify_missing_data() -> None:
    # no recorded due date and no limit
    with pytest.raises(MissingDataError) as exc:
        classify(dossier(finished_at=at(7, 9)))
    assert exc.value.field == "due_at" and "D1" in str(exc.value)
    with pytest.raises(MissingDataError):
        classify(dossier(finished_at=at(7, 9)), Procedure("1.001234"))
    # still open and no as_of
    with pytest.raises(MissingDataError) as exc:
        classify(dossier(due_at=DUE))
    assert exc.value.field == "as_of"


def test_classify_argument_errors() -> None:
    with pytest.raises(RecordError):
        classify("D1")  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        classify(dossier(), time_limit="5 ngày")  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        classify(dossier(), "1.001234")  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        classify(dossier(due_at=DUE, finished_at=at(5)), policy="date")  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        classify(dossier(due_at=DUE, finished_at=at(5)), calendar=1)  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        classify(dossier(due_at=DUE), as_of="2025-03-10")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# effective_end and statutory_due_at


def test_effective_end() -> None:
    d = dossier(finished_at=at(7, 9), returned_at=at(10, 9), stopped_at=at(5, 9))
    assert effective_end(d) == (at(7, 9), "finished_at")
    # before the finish, at 8/3: the stop of 5/3 is the only end that had happened
    assert effective_end(d, at(6, 12)) == (at(5, 9), "stopped_at")
    assert effective_end(d, at(4, 12)) == (None, "")
    # a date as_of means its office close (17:00)
    assert effective_end(d, date(2025, 3, 7)) == (at(7, 9), "finished_at")
    one = dossier(supplements=[SupplementRequest(at(6, 10))])
    assert effective_end(one) == (at(6, 10), "supplement_requested_at")
    with pytest.raises(RecordError):
        effective_end("D1")  # type: ignore[arg-type]


def test_statutory_due_at() -> None:
    limit = TimeLimit.working_days(5)
    assert statutory_due_at(dossier(), limit) == at(10, 17)
    assert statutory_due_at(dossier(), None) is None
    # the applicant still owes papers → no statutory date yet
    assert statutory_due_at(dossier(supplements=[SupplementRequest(at(5, 10))]), limit) is None
    # restart (default): back 10/3 14:00 → 17/3; pause: 10/3 + 3 → 13/3
    d = dossier(supplements=[SupplementRequest(at(5, 10), at(10, 14))])
    assert statutory_due_at(d, limit) == at(17, 17)
    assert statutory_due_at(d, limit, policy=PAUSE) == at(13, 17)
    # submitted_at is the receipt when received_at is missing: Tue 4/3 + 5 → 11/3
    d = Dossier("D2", "1.001234", "H44", submitted_at=at(4, 9))
    assert statutory_due_at(d, limit) == at(11, 17)
    with pytest.raises(RecordError):
        statutory_due_at(None, limit)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# audit

LIMIT = TimeLimit.working_days(5)  # from Monday 3/3 09:00: statutory due 10/3 17:00


def test_audit_correct_recorded_due_is_not_flagged() -> None:
    a = audit(dossier(due_at=at(10, 17), finished_at=at(10, 9)), time_limit=LIMIT)
    assert a.statutory_due_at == at(10, 17)
    assert a.recorded_due_at == at(10, 17)
    assert (a.flagged, a.flags, a.extra_working_days) == (False, (), 0)
    # an earlier recorded date is not flagged either
    assert audit(dossier(due_at=at(7, 17)), time_limit=LIMIT).flagged is False


def test_audit_later_recorded_due_is_flagged() -> None:
    # recorded 12/3 vs statutory 10/3: (10/3, 12/3] = 2 working days later
    a = audit(dossier(due_at=at(12, 17)), time_limit=LIMIT)
    assert a.flagged is True
    assert a.flags == (RECORDED_LATER_THAN_STATUTORY,)
    assert a.extra_working_days == 2


def test_audit_hides_lateness_when_the_end_falls_between() -> None:
    # finished 11/3 or on 12/3 itself: after the statutory 10/3, not after the recorded 12/3
    for end in (at(11, 9), at(12, 16)):
        a = audit(dossier(due_at=at(12, 17), finished_at=end), time_limit=LIMIT)
        assert a.flags == (RECORDED_LATER_THAN_STATUTORY, HIDES_LATENESS)
    # classify trusts the recorded date and calls it EARLY: that is what the audit exposes
    assert classify(dossier(due_at=at(12, 17), finished_at=at(11, 9))).status is (
        Timeliness.EARLY)
    # finished on the statutory date or after the recorded one: nothing hidden
    for end in (at(10, 9), at(13, 9)):
        a = audit(dossier(due_at=at(12, 17), finished_at=end), time_limit=LIMIT)
        assert a.flags == (RECORDED_LATER_THAN_STATUTORY,)


def test_audit_missing_recorded_due_is_flagged() -> None:
    a = audit(dossier(), Procedure("1.001234", time_limit=LIMIT))
    assert a.flagged is True
    assert a.flags == (MISSING_RECORDED_DUE,)
    assert a.statutory_due_at == at(10, 17)


def test_audit_without_limit_or_awaiting_applicant() -> None:
    a = audit(dossier(due_at=at(12, 17)))
    assert a.flags == (NO_TIME_LIMIT,) and a.flagged is False
    a = audit(dossier(due_at=at(12, 17), supplements=[SupplementRequest(at(5, 10))]),
              time_limit=LIMIT)
    assert a.flags == (AWAITING_APPLICANT,) and a.statutory_due_at is None


def test_audit_restart_and_pause() -> None:
    # request 5/3, papers back 10/3 14:00; recorded due 17/3
    d = dossier(due_at=at(17, 17), supplements=[SupplementRequest(at(5, 10), at(10, 14))])
    # restart: statutory 17/3 → correct
    assert audit(d, time_limit=LIMIT).flagged is False
    # pause: statutory 13/3; (13/3, 17/3] = 14, 17/3 → 2 working days later
    a = audit(d, time_limit=LIMIT, policy=PAUSE)
    assert (a.statutory_due_at, a.flagged, a.extra_working_days) == (at(13, 17), True, 2)


def test_audit_late_against_new_due() -> None:
    d = dossier(due_at=at(10, 17), new_due_at=at(12, 17), finished_at=at(13, 9))
    a = audit(d, time_limit=LIMIT)
    assert LATE_AGAINST_NEW_DUE in a.flags
    assert a.flagged is False  # the recorded due date itself is right


def test_audit_argument_errors() -> None:
    with pytest.raises(RecordError):
        audit(None)  # type: ignore[arg-type]
    with pytest.raises(RecordError):
        audit(dossier(), time_limit=5)  # type: ignore[arg-type]
