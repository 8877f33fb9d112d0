"""HCM 104's parts A and B read each resolved dossier's verdict; counted many at a time, the
verdicts come from the columnar form of the rules (``population.verdict_columns``). Both forms
must mark every dossier alike: resolved in the period or not, and if so on time, late by at
most 5 working days, later, or without a due date (A), and its supplement requests (B).

Hypothesis draws dossiers as the columnar-form test of ``population`` does (0–3 supplement
requests, answered or not, with and without a recorded due date, only submitted, pending,
every kind of time limit or none), periods, evaluation moments, both due-date granularities,
both counting policies for more than one request and both B populations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import CountingPolicy, DeadlinePolicy, Dossier, Period, Procedure, WorkingCalendar
from chiso766 import tally as tally_module
from chiso766.hcm104 import Hcm104Policy, _marks
from tests.budget import examples
from tests.extras import need
from tests.strategies import dossiers, time_limits

CODES = ["1.001234", "2.000001", "1.012345"]
YEAR = 2025


@dataclass(frozen=True)
class Case:
    """One drawn call of ``_marks``: the dossiers and every argument."""

    dossiers: list[Dossier]
    procedures: dict[str, Procedure]
    period: Period
    as_of: datetime
    deadline_policy: DeadlinePolicy
    policy: Hcm104Policy
    counting: CountingPolicy

    def marks(self) -> list[Any]:
        return _marks(self.dossiers, self.procedures, period=self.period, as_of=self.as_of,
                      calendar=WorkingCalendar.vietnam(), deadline_policy=self.deadline_policy,
                      policy=self.policy, counting=self.counting)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    period = Period.quarter(YEAR, draw(st.integers(1, 4)))
    as_of = draw(st.one_of(
        st.just(period.end_moment),
        st.datetimes(min_value=datetime.combine(period.start, time(0)),
                     max_value=datetime.combine(period.end, time(0)) + timedelta(days=45))))
    procedures = {code: Procedure(code, f"TTHC {code}", time_limit=draw(st.one_of(
        st.none(), time_limits()))) for code in CODES}
    return Case(
        dossiers=draw(st.lists(dossiers(min_year=YEAR - 1, max_year=YEAR, max_supplements=3,
                                        max_days=150), min_size=1, max_size=40)),
        procedures=procedures, period=period, as_of=as_of,
        deadline_policy=DeadlinePolicy(granularity=draw(st.sampled_from(["date", "datetime"]))),
        policy=Hcm104Policy(b_population=draw(st.sampled_from(["resolved", "supplemented"]))),
        counting=CountingPolicy(multiple_supplements_late=draw(
            st.sampled_from(["unfinished_only", "always"]))))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@given(case=cases())
@settings(max_examples=examples(60), deadline=None)
def test_columnar_marks_are_the_scalar_marks_per_dossier(case: Case) -> None:
    """For every dossier, the mark of the columnar form (forced, 7 dossiers a pass) is the
    scalar one: None (not received by as_of, or not resolved in the period) or the same A band
    and B count."""
    need("polars", "fast")
    batch = case.dossiers
    scalar = case.marks()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally_module, "COLUMNAR_MIN_DOSSIERS", 0)
        patch.setattr(tally_module, "COLUMNAR_CHUNK", 7)
        columnar = case.marks()
    assert len(columnar) == len(scalar) == len(batch)
    for d, one, other in zip(batch, scalar, columnar, strict=True):
        assert one == other, d


def test_hand_cases_on_both_forms() -> None:
    """Period 2025-Q2 at its end; procedure P with no time limit, every due date recorded
    (17:00). Working days after Thu 10/04/2025: Fri 11, Mon 14, Tue 15, Wed 16, Thu 17 (5),
    Fri 18 (6).

    - FIVE: due 10/04, finished 17/04 → late by 5 working days → "band";
    - SIX: due 10/04, finished 18/04 → late by 6 → "over";
    - LAST_DAY: due 10/06, finished 30/06 10:00, the period's last day → resolved, late by 14
      (11–13, 16–20, 23–27, 30 June) → "over";
    - AFTER: finished 01/07 → resolved after the period: no mark;
    - OPEN_REQUEST: one request 20/06, unanswered, no end → its processing ended at the
      request for 2.1, but nothing was resolved: no mark;
    - ON_TIME: due 10/04, finished 10/04 → "on_time", no request: B counts it (0 requests)
      when B's population is every resolved dossier, not when it is the supplemented ones.
    """
    need("polars", "fast")
    from chiso766 import SupplementRequest

    q2 = Period.quarter(YEAR, 2)

    def dossier(ident: str, due: datetime, **moments: Any) -> Dossier:
        return Dossier(ident, "P", "U", received_at=datetime(2025, 4, 1, 9, 0), due_at=due,
                       **moments)

    batch = [
        dossier("FIVE", datetime(2025, 4, 10, 17), finished_at=datetime(2025, 4, 17, 9)),
        dossier("SIX", datetime(2025, 4, 10, 17), finished_at=datetime(2025, 4, 18, 9)),
        dossier("LAST_DAY", datetime(2025, 6, 10, 17), finished_at=datetime(2025, 6, 30, 10)),
        dossier("AFTER", datetime(2025, 6, 10, 17), finished_at=datetime(2025, 7, 1, 10)),
        dossier("OPEN_REQUEST", datetime(2025, 6, 25, 17),
                supplements=(SupplementRequest(datetime(2025, 6, 20, 9)),)),
        dossier("ON_TIME", datetime(2025, 4, 10, 17), finished_at=datetime(2025, 4, 10, 9)),
    ]
    for population, on_time_b in (("resolved", 0), ("supplemented", None)):
        policy = Hcm104Policy(b_population=population)

        def marks_of(batch: list[Dossier], policy: Hcm104Policy = policy) -> list[Any]:
            return _marks(batch, {"P": Procedure("P", "P")}, period=q2, as_of=q2.end_moment,
                          calendar=WorkingCalendar.vietnam(), deadline_policy=None,
                          policy=policy, counting=None)

        expected = [("band", on_time_b), ("over", on_time_b), ("over", on_time_b), None, None,
                    ("on_time", on_time_b)]
        scalar = marks_of(batch)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tally_module, "COLUMNAR_MIN_DOSSIERS", 0)
            columnar = marks_of(batch)
        for marks in (scalar, columnar):
            assert [None if m is None else (m.a, m.b) for m in marks] == expected
