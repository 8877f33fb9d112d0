"""The due-date audit's two forms agree dossier by dossier.

:func:`chiso766.deadlines.audit` (scalar, over a record) decides whether a dossier is flagged:
no recorded due date (NgayHenTra), or one later than the statutory due date (docs/rules.md
"The due-date audit"). :func:`chiso766.population.audit_flagged` decides the same over a frame
of dossiers, so that a report's flagged list can be picked from the columnar engine's batches.
Hypothesis draws dossiers (0 to 3 supplement requests, answered or not; with and without a
recorded due date; only submitted; every kind of time limit or none) under both supplement
rules and both granularities: wherever the columnar form decides (it leaves a dossier with
requests under the ``"pause"`` rule undecided, null), it decides as the scalar form does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import DeadlinePolicy, Dossier, Period, Procedure, SupplementRequest, TimeLimit
from chiso766.calendar import WorkingCalendar
from chiso766.deadlines import audit, audit_findings
from chiso766.population import (
    audit_columns,
    audit_flagged,
    dossier_frame,
    procedure_limits,
)
from chiso766.tally import build_context
from tests.budget import examples
from tests.extras import need
from tests.strategies import dossiers, time_limits

CODES = ["1.001234", "2.000001", "1.012345"]
YEAR = 2025


def _columnar(batch: list[Dossier], procedures: list[Procedure], policy: DeadlinePolicy,
              ) -> list[bool | None]:
    need("polars", "fast")
    ctx = build_context(period=Period.year(YEAR), procedures=procedures, policy=policy)
    frame = dossier_frame(batch, ctx)
    return audit_flagged(frame, procedure_limits(ctx.procedures), WorkingCalendar.vietnam(),
                         policy).to_list()


def _audit_rows(batch: list[Dossier], procedures: list[Procedure], policy: DeadlinePolicy,
                ) -> list[dict[str, Any]]:
    need("polars", "fast")
    ctx = build_context(period=Period.year(YEAR), procedures=procedures, policy=policy)
    return audit_columns(dossier_frame(batch, ctx), procedure_limits(ctx.procedures),
                         WorkingCalendar.vietnam(), policy).to_dicts()


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Dossier], list[Procedure], DeadlinePolicy]:
    procedures = [Procedure(code, f"TTHC {code}", time_limit=draw(st.one_of(
        st.none(), time_limits()))) for code in CODES]
    policy = DeadlinePolicy(granularity=draw(st.sampled_from(["date", "datetime"])),
                            supplement_rule=draw(st.sampled_from(["restart", "pause"])))
    batch = draw(st.lists(dossiers(min_year=YEAR - 1, max_year=YEAR, max_supplements=3,
                                   max_days=150), min_size=1, max_size=40))
    return batch, procedures, policy


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@given(cases())
@settings(max_examples=examples(40), deadline=None)
def test_columnar_audit_equals_scalar_audit_per_dossier(
        case: tuple[list[Dossier], list[Procedure], DeadlinePolicy]) -> None:
    """For every dossier the columnar form decides, ``flagged`` is the scalar audit's; it
    leaves undecided exactly the dossiers with requests under the ``"pause"`` rule that have a
    recorded due date (the others it decides without the requests)."""
    batch, procedures, policy = case
    by_code = {p.code: p for p in procedures}
    for d, flagged in zip(batch, _columnar(batch, procedures, policy), strict=True):
        pending = (policy.supplement_rule == "pause" and bool(d.supplements)
                   and d.due_at is not None)
        assert (flagged is None) == pending, d
        if flagged is not None:
            assert flagged == audit(d, by_code.get(d.procedure_code), policy=policy).flagged, d


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@given(cases())
@settings(max_examples=examples(40), deadline=None)
def test_a_clean_dossier_in_columns_is_one_the_scalar_audit_flags_nothing(
        case: tuple[list[Dossier], list[Procedure], DeadlinePolicy]) -> None:
    """``clean`` is true exactly when the scalar audit raises no flag at all (no recorded
    date, no time limit, awaiting the applicant, later than the statutory date, late against
    the extended due date), and the statutory due date beside it is the scalar audit's to the
    microsecond; undecided (null) exactly where ``flagged`` is."""
    batch, procedures, policy = case
    by_code = {p.code: p for p in procedures}
    for d, row in zip(batch, _audit_rows(batch, procedures, policy), strict=True):
        assert (row["clean"] is None) == (row["flagged"] is None), d
        if row["clean"] is None:
            assert row["statutory_due_at"] is None, d
            continue
        result = audit(d, by_code.get(d.procedure_code), policy=policy)
        assert row["clean"] == (result.flags == ()), (d, result)
        if row["statutory_due_at"] is not None or row["clean"]:
            assert row["statutory_due_at"] == result.statutory_due_at, (d, result)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@given(cases())
@settings(max_examples=examples(40), deadline=None)
def test_a_settled_dossier_has_the_scalar_audit_findings_from_its_columns(
        case: tuple[list[Dossier], list[Procedure], DeadlinePolicy]) -> None:
    """Where the columnar form says ``settled`` (every dossier under ``"restart"``, one with no
    request under ``"pause"``), its statutory due date is the scalar audit's, with or without
    a recorded due date, and the audit's findings from the dossier's columns
    (:func:`~chiso766.deadlines.audit_findings`: what the engine's audit lists) are the scalar
    audit's result, field for field, messages included; unsettled exactly where the
    ``"pause"`` rule meets a request."""
    batch, procedures, policy = case
    by_code = {p.code: p for p in procedures}
    cal = WorkingCalendar.vietnam()
    for d, row in zip(batch, _audit_rows(batch, procedures, policy), strict=True):
        assert row["settled"] == (policy.supplement_rule == "restart" or not d.supplements), d
        if not row["settled"]:
            continue
        proc = by_code.get(d.procedure_code)
        result = audit(d, proc, policy=policy)
        assert row["statutory_due_at"] == result.statutory_due_at, (d, result)
        found = audit_findings(d.id, d.due_at, row["statutory_due_at"],
                               proc is not None and proc.time_limit is not None, d.ended_at,
                               d.new_due_at, cal, policy)
        assert found == result, d


def test_hand_case_restart_after_the_last_answer() -> None:
    """Decree 61/2018/NĐ-CP Art. 19.4, the restart rule: a 5-working-day procedure, received
    Mon 02/06/2025 09:00; the due date from the receipt is Mon 09/06 (3, 4, 5, 6, 9 June). Two
    requests, answered Tue 10/06 and Wed 11/06 10:00: the full limit counts again from the last
    answer, so the statutory due date is Wed 18/06 (12, 13, 16, 17, 18 June).

    - R, recorded 18/06: not later than the statutory date: not flagged (against the receipt
      alone, 18/06 > 09/06 would be);
    - S, recorded 19/06: one day later: flagged;
    - T, the second request unanswered: no statutory date yet (the clock is stopped): not
      flagged;
    - U, no recorded due date: flagged, whatever else."""
    five = TimeLimit.parse("5 ngày làm việc")
    proc = Procedure(CODES[0], "TTHC", time_limit=five)
    received = datetime(2025, 6, 2, 9, 0)
    answered = (SupplementRequest(datetime(2025, 6, 3, 9, 0), datetime(2025, 6, 10, 9, 0)),
                SupplementRequest(datetime(2025, 6, 10, 15, 0), datetime(2025, 6, 11, 10, 0)))
    open_one = (answered[0], SupplementRequest(datetime(2025, 6, 10, 15, 0)))

    def dossier(ident: str, due: datetime | None, sups: Any) -> Dossier:
        return Dossier(ident, CODES[0], "U", received_at=received, due_at=due, supplements=sups)

    batch = [dossier("R", datetime(2025, 6, 18, 17, 0), answered),
             dossier("S", datetime(2025, 6, 19, 17, 0), answered),
             dossier("T", datetime(2025, 6, 19, 17, 0), open_one),
             dossier("U", None, answered)]
    policy = DeadlinePolicy()
    assert _columnar(batch, [proc], policy) == [False, True, False, True]
    assert [audit(d, proc).flagged for d in batch] == [False, True, False, True]


def test_hand_case_the_end_against_the_extended_due_date() -> None:
    """docs/rules.md "The due-date audit": a dossier is late against its extended due date
    (NgayHenTraMoi) when it ended on a later date. A 5-working-day procedure received Mon
    02/06/2025 09:00 (statutory due Mon 09/06), recorded due 09/06, extended to Fri 13/06:

    - V, finished Fri 13/06 16:00: on the extended date's own day: clean;
    - W, finished Mon 16/06 08:00: a date after it: flagged late against the extended date
      (not ``flagged`` in the report's sense: its recorded date is not later than the
      statutory one);
    - X, no end yet: clean."""
    five = TimeLimit.parse("5 ngày làm việc")
    proc = Procedure(CODES[0], "TTHC", time_limit=five)

    def dossier(ident: str, end: datetime | None) -> Dossier:
        return Dossier(ident, CODES[0], "U", received_at=datetime(2025, 6, 2, 9, 0),
                       due_at=datetime(2025, 6, 9, 17, 0),
                       new_due_at=datetime(2025, 6, 13, 17, 0), finished_at=end)

    batch = [dossier("V", datetime(2025, 6, 13, 16, 0)), dossier("W", datetime(2025, 6, 16, 8)),
             dossier("X", None)]
    rows = _audit_rows(batch, [proc], DeadlinePolicy())
    assert [row["clean"] for row in rows] == [True, False, True]
    assert [row["flagged"] for row in rows] == [False, False, False]
    assert [row["statutory_due_at"] for row in rows] == [datetime(2025, 6, 9, 17, 0)] * 3
    assert [audit(d, proc).flags == () for d in batch] == [True, False, True]
