"""Invariants of due dates (SPEC §3), verdicts (SPEC §4) and the audit, stated in words."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from fractions import Fraction

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chiso766 import (
    CountingPolicy,
    DeadlinePolicy,
    Dossier,
    LimitKind,
    SupplementRequest,
    TimeLimit,
    Timeliness,
    WorkingCalendar,
    audit,
    classify,
    due_at,
)
from chiso766.deadlines import office_hours_between
from tests.budget import examples
from tests.strategies import (
    aware_datetimes,
    deadline_policies,
    dossiers,
    local_datetimes,
    moments_after,
    same_day_limits,
    time_limits,
    working_day_limits,
)

CAL = WorkingCalendar.vietnam()
FAST = settings(max_examples=examples(200), deadline=None)
SLOW = settings(max_examples=examples(60), deadline=None)
LIMIT = TimeLimit.working_days(10)
ICT = timezone(timedelta(hours=7))  # Vietnam time, SPEC §3
#: Dossiers whose dates spread over about a month, so verdicts of every kind come up.
DOSSIERS = dossiers(min_year=2020, max_year=2027, max_days=30)


def in_office_hours(moment: datetime, policy: DeadlinePolicy) -> bool:
    t = moment.time()
    return any(a <= t <= b for a, b in policy.office_hours)


@FAST
@given(aware_datetimes(), time_limits())
def test_aware_receipt_is_its_vietnam_wall_time(received: datetime, limit: TimeLimit) -> None:
    """An aware receipt moment counts as the same instant in Vietnam time (UTC+07:00)."""
    local = received.astimezone(ICT).replace(tzinfo=None)
    assert due_at(received, limit) == due_at(local, limit)


@FAST
@given(local_datetimes(), working_day_limits(), deadline_policies())
def test_working_day_due_is_a_working_day_at_close(received: datetime, limit: TimeLimit,
                                                   policy: DeadlinePolicy) -> None:
    """A working-day limit falls due at office close on a working day."""
    due = due_at(received, limit, policy=policy)
    assert CAL.is_working_day(due.date())
    assert due.time() == policy.office_close


@FAST
@given(local_datetimes(), st.integers(0, 90), deadline_policies())
def test_calendar_day_due_is_a_working_day(received: datetime, n: int,
                                           policy: DeadlinePolicy) -> None:
    """A calendar-day limit ends on a working day (a period ending on a rest day moves on),
    never earlier than n days after the receipt's date."""
    due = due_at(received, TimeLimit.calendar_days(n), policy=policy)
    assert CAL.is_working_day(due.date())
    assert due.date() >= received.date() + timedelta(days=n)


@FAST
@given(local_datetimes(), same_day_limits())
def test_same_day_due_is_today_or_the_next_working_day(received: datetime,
                                                       limit: TimeLimit) -> None:
    """"Trong ngày": the receipt's date if a working day before the cut-off, else the next
    working day."""
    due = due_at(received, limit)
    assert limit.cutoff is not None
    if CAL.is_working_day(received.date()) and received.time() <= limit.cutoff:
        assert due.date() == received.date()
    else:
        assert due.date() == CAL.next_working_day(received.date())
    assert due.time() == time(17, 0)


@FAST
@given(local_datetimes(), st.integers(1, 160), deadline_policies())
def test_working_hours_land_in_office_hours(received: datetime, half_hours: int,
                                            policy: DeadlinePolicy) -> None:
    """A positive working-hours limit falls due inside office hours on a working day, after
    the receipt."""
    due = due_at(received, TimeLimit.working_hours(half_hours / 2), policy=policy)
    assert CAL.is_working_day(due.date())
    assert in_office_hours(due, policy)
    assert due > received


@FAST
@given(local_datetimes(), st.integers(1, 80), st.integers(1, 80), deadline_policies())
def test_working_hours_add_up(received: datetime, h1: int, h2: int,
                              policy: DeadlinePolicy) -> None:
    """h1 hours, then h2 more from that moment, is h1 + h2 hours (h1, h2 > 0)."""
    first = due_at(received, TimeLimit.working_hours(h1), policy=policy)
    assert due_at(first, TimeLimit.working_hours(h2), policy=policy) == due_at(
        received, TimeLimit.working_hours(h1 + h2), policy=policy)


@FAST
@given(
    local_datetimes(),
    st.sampled_from([LimitKind.WORKING_DAYS, LimitKind.CALENDAR_DAYS, LimitKind.WORKING_HOURS]),
    st.integers(0, 120),
    st.integers(0, 120),
    deadline_policies(),
)
def test_due_at_is_monotone_in_the_limit(received: datetime, kind: LimitKind, a: int, b: int,
                                         policy: DeadlinePolicy) -> None:
    """More working days, calendar days or working hours never give an earlier due moment."""
    lo, hi = sorted((a, b))
    make = {LimitKind.WORKING_DAYS: TimeLimit.working_days,
            LimitKind.CALENDAR_DAYS: TimeLimit.calendar_days,
            LimitKind.WORKING_HOURS: TimeLimit.working_hours}[kind]
    assert due_at(received, make(lo), policy=policy) <= due_at(received, make(hi),
                                                               policy=policy)


@FAST
@given(local_datetimes(), time_limits())
def test_due_is_not_before_the_receipt_with_default_policy(received: datetime,
                                                           limit: TimeLimit) -> None:
    """With the default policy no limit falls due before the dossier was received."""
    assert due_at(received, limit) >= received


@FAST
@given(local_datetimes(2000, 2050), working_day_limits(), st.data())
def test_restart_never_earlier_than_without_supplement(received: datetime, limit: TimeLimit,
                                                       data: st.DataObject) -> None:
    """Restarting the limit from the papers' return, or pausing for the days waited, never
    gives an earlier due date than ignoring the supplement."""
    asked = data.draw(moments_after(received, 30))
    back = data.draw(moments_after(asked, 30))
    sup = [SupplementRequest(asked, back)]
    plain = due_at(received, limit)
    assert due_at(received, limit, supplements=sup) >= plain
    assert due_at(received, limit, policy=DeadlinePolicy(supplement_rule="pause"),
                  supplements=sup) >= plain


# ---------------------------------------------------------------------------------------------
# verdicts


@SLOW
@given(
    st.lists(DOSSIERS, min_size=1, max_size=6),
    st.integers(0, 400),
    deadline_policies(office_hours=False),
    st.data(),
)
def test_classifying_one_does_not_depend_on_the_others(
    batch: list[Dossier], offset_days: int, policy: DeadlinePolicy, data: st.DataObject
) -> None:
    """Verdicts of a list, classified in order with one shared calendar, equal each dossier
    classified alone with a fresh calendar, and do not depend on the list's order."""
    as_of = datetime(2020, 1, 1) + timedelta(days=offset_days * 7)  # 2020 .. 2027
    shared = WorkingCalendar.vietnam()
    in_list = [classify(d, time_limit=LIMIT, as_of=as_of, policy=policy, calendar=shared)
               for d in batch]
    order = data.draw(st.permutations(range(len(batch))))
    shuffled = {i: classify(batch[i], time_limit=LIMIT, as_of=as_of, policy=policy,
                            calendar=shared) for i in order}
    for i, d in enumerate(batch):
        alone = classify(d, time_limit=LIMIT, as_of=as_of, policy=policy,
                         calendar=WorkingCalendar())
        assert in_list[i] == alone == shuffled[i]


def around_receipt(d: Dossier) -> st.SearchStrategy[datetime]:
    """Evaluation moments from a few days before the receipt to well after the due date."""
    return moments_after(d.receipt - timedelta(days=3), 60)


@FAST
@given(DOSSIERS, deadline_policies(office_hours=False), st.data())
def test_verdict_is_consistent(d: Dossier, policy: DeadlinePolicy, data: st.DataObject) -> None:
    """late_working_days > 0 only for a late verdict; in-time verdicts have none; EARLY means
    an end date strictly before the due date; more than one supplement is never in time for a
    dossier not finished or returned by the evaluation moment (policy
    multiple_supplements_late="unfinished_only"), and never in time at all under "always",
    where the verdict is otherwise the default's; a verdict is pending exactly when it was
    ended by the evaluation moment."""
    as_of = data.draw(around_receipt(d))
    v = classify(d, time_limit=LIMIT, as_of=as_of, policy=policy)
    always = classify(d, time_limit=LIMIT, as_of=as_of, policy=policy,
                      counting=CountingPolicy(multiple_supplements_late="always"))
    result = any(m is not None and m <= as_of for m in (d.finished_at, d.returned_at))
    if always.supplement_count > 1:
        assert not always.status.in_time
    else:
        assert always == v
    if v.late_working_days > 0:
        assert v.status in (Timeliness.LATE, Timeliness.PENDING_LATE)
    if v.status.in_time:
        assert v.late_working_days == 0
        assert v.adjusted_end_at.date() <= v.due_at.date()
    if v.status is Timeliness.EARLY:
        assert v.adjusted_end_at.date() < v.due_at.date()
    if v.supplement_count > 1 and not result:
        assert not v.status.in_time
    assert v.status.pending is (v.end_source == "as_of")
    assert v.adjusted_end_at == v.end_at - v.applicant_time
    assert v.late_working_days == (
        max(0, CAL.working_days_between(v.due_at.date(), v.adjusted_end_at.date()))
        if not v.status.in_time else 0)


@FAST
@given(DOSSIERS, deadline_policies(office_hours=False), st.booleans(), st.data())
def test_counting_verdict_is_the_explained_one_without_its_sentences(
        d: Dossier, policy: DeadlinePolicy, always: bool, data: st.DataObject) -> None:
    """What counting asks for (``explain=False``) is the explained verdict field for field,
    with no sentences; the explained one has at least the due date's and the end's."""
    as_of = data.draw(around_receipt(d))
    counting = CountingPolicy(multiple_supplements_late="always" if always else
                              "unfinished_only")
    explained = classify(d, time_limit=LIMIT, as_of=as_of, policy=policy, counting=counting)
    bare = classify(d, time_limit=LIMIT, as_of=as_of, policy=policy, counting=counting,
                    explain=False)
    assert bare.reasons == ()
    assert attrs.evolve(explained, reasons=()) == bare
    assert len(explained.reasons) >= 2
    assert f"{explained.due_at:%d/%m/%Y %H:%M}" in explained.reasons[int(not d.received_at)]


@FAST
@given(DOSSIERS, st.data())
def test_datetime_granularity_is_stricter_than_date(d: Dossier, data: st.DataObject) -> None:
    """Comparing moments can only turn an in-time verdict late, never the other way round."""
    as_of = data.draw(around_receipt(d))
    by_date = classify(d, time_limit=LIMIT, as_of=as_of)
    by_moment = classify(d, time_limit=LIMIT, as_of=as_of,
                         policy=DeadlinePolicy(granularity="datetime"))
    if by_moment.status.in_time:
        assert by_date.status.in_time
    assert by_date.due_at == by_moment.due_at


@FAST
@given(dossiers(min_year=2020, max_year=2027, max_days=30, ended=True))
def test_ended_dossier_needs_no_as_of_and_events_after_as_of_do_not_count(d: Dossier) -> None:
    """An ended dossier is classified without as_of; evaluated the moment before its receipt
    it is still pending (nothing had happened yet)."""
    v = classify(d, time_limit=LIMIT)
    assert not v.status.pending
    early = classify(d, time_limit=LIMIT, as_of=d.receipt - timedelta(seconds=1))
    assert early.status.pending
    assert early.supplement_count == 0


@FAST
@given(dossiers(min_year=2020, max_year=2027, max_days=30, with_due=True), deadline_policies(
    office_hours=False))
def test_audit_flags_exactly_later_recorded_dates(d: Dossier, policy: DeadlinePolicy) -> None:
    """The audit flags a recorded due date exactly when it is later than the statutory one."""
    assume(all(s.supplied_at is not None for s in d.supplements))
    a = audit(d, time_limit=LIMIT, policy=policy)
    assert a.statutory_due_at is not None and d.due_at is not None
    if policy.granularity == "date":
        later = d.due_at.date() > a.statutory_due_at.date()
    else:
        later = d.due_at > a.statutory_due_at
    assert a.flagged is later
    assert (a.extra_working_days > 0) <= later


_WINDOWS = st.sampled_from([
    DeadlinePolicy(),
    DeadlinePolicy(office_hours=((time(8, 0, 0, 500), time(12, 0, 30)),
                                 (time(13, 0), time(17, 0, 0, 1)))),
    DeadlinePolicy(office_hours=((time(7, 0, 7), time(16, 59, 59)),)),
])


@FAST
@given(st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31)),
       st.integers(-3_600_000_000, 9 * 86_400_000_000), _WINDOWS)
def test_office_hours_are_the_office_time_of_each_day_added_up(
        start: datetime, span_us: int, policy: DeadlinePolicy) -> None:
    """office_hours_between is, day by day from the start's date to the end's, the time of
    [start, end] inside the policy's windows on each working day, in hours (0 for an end not
    after the start), exactly; a whole working day counts hours_per_day."""
    end = start + timedelta(microseconds=span_us)
    expected = timedelta(0)
    day = start.date()
    while day <= end.date():
        if CAL.is_working_day(day):
            for a, b in policy.office_hours:
                lo = max(start, datetime.combine(day, a))
                hi = min(end, datetime.combine(day, b))
                if hi > lo:
                    expected += hi - lo
        day += timedelta(days=1)
    got = office_hours_between(start, end, CAL, policy)
    whole_us = expected // timedelta(microseconds=1)
    assert got == Fraction(whole_us, 3_600_000_000)
