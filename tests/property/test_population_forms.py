"""The two forms of every counting rule of :mod:`chiso766.population` agree dossier by dossier.

docs/rules.md "Populations" and "Was a dossier handled on time?" are written once as a scalar
function over a :class:`~chiso766.records.Dossier` (:func:`~chiso766.population.dossier_shape`,
what :meth:`Tally.add_dossier` counts with) and once as polars expressions over a table of
dossiers (:func:`~chiso766.population.shape_columns`, what the columnar engine counts with).
Hypothesis draws batches of dossiers — 0 to 3 supplement requests, answered or not; with and
without a recorded due date; received before the period (carried over) or only submitted;
pending at ``as_of``; moments at any minute of the day; procedures with every kind of time limit
or none — and the two forms must give each dossier the same population fields, the same 2.1
verdict and the same 2.2 processing time (not only the same totals).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import CountingPolicy, DeadlinePolicy, Dossier, Period, Procedure
from chiso766.population import (
    HOUR_US,
    OTHER_UNIT,
    WORKING_HOURS,
    DislikeRule,
    disliked,
    dossier_frame,
    dossier_shape,
    procedure_limits,
    scalar_values,
    shape_columns,
)
from chiso766.records import RatingValue
from chiso766.tally import build_context
from tests.budget import examples
from tests.extras import need
from tests.strategies import dossiers, time_limits

CODES = ["1.001234", "2.000001", "1.012345"]
YEAR = 2025


def _frame(batch: list[Dossier], ctx: Any) -> Any:
    """The dossiers as the columnar form reads them (population.dossier_frame: typed moment
    columns, the supplement aggregates, the statutory due date and the procedure's 2.2 unit),
    through the columnar rules."""
    need("polars", "fast")
    return shape_columns(dossier_frame(batch, ctx), ctx)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Dossier], Any]:
    quarter = draw(st.integers(1, 4))
    period = Period.quarter(YEAR, quarter)
    as_of = draw(st.one_of(
        st.none(),
        st.datetimes(min_value=datetime.combine(period.start, time(0)),
                     max_value=datetime.combine(period.end, time(0)) + timedelta(days=45))))
    procedures = [Procedure(code, f"TTHC {code}", time_limit=draw(st.one_of(
        st.none(), time_limits()))) for code in CODES]
    ctx = build_context(
        period=period, as_of=as_of, procedures=procedures,
        counting=CountingPolicy(multiple_supplements_late=draw(
            st.sampled_from(["unfinished_only", "always"]))),
        policy=DeadlinePolicy(granularity=draw(st.sampled_from(["date", "datetime"]))),
    )
    batch = draw(st.lists(dossiers(min_year=YEAR - 1, max_year=YEAR, max_supplements=3,
                                   max_days=150), min_size=1, max_size=40))
    return batch, ctx


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@given(cases())
# Up to 40 dossiers an example: a frame costs polars' overhead once, whatever its rows.
@settings(max_examples=examples(60), deadline=None)
def test_columnar_form_equals_scalar_form_per_dossier(case: tuple[list[Dossier], Any]) -> None:
    """For every dossier: it is counted (received by ``as_of``) in both forms or in neither;
    when counted, ``received``, ``submitted`` and the 2.1 verdict are those of
    ``dossier_shape``, and its 2.2 processing time (working days, value in its procedure's
    unit) is the same — or absent in both."""
    batch, ctx = case
    out = _frame(batch, ctx)
    limit_of = procedure_limits(ctx.procedures)
    rows = out.to_dicts()
    others = [k for k, row in enumerate(rows) if row["timed"] and row["unit_kind"] == OTHER_UNIT]
    values = dict(zip(others, scalar_values(out[others], ctx, limit_of), strict=True)) \
        if others else {}
    for k, (d, row) in enumerate(zip(batch, rows, strict=True)):
        assert row["counted"] == (d.receipt <= ctx.as_of), d
        if not row["counted"]:
            continue
        shape, timing = dossier_shape(d, ctx)
        assert (row["received"], row["submitted"], row["verdict"]) == (
            shape.received, shape.submitted, shape.verdict), d
        if timing is None:
            assert not row["timed"], d
            continue
        assert row["timed"], d
        if k in values:
            value = values[k]
        elif row["unit_kind"] == WORKING_HOURS:
            value = Fraction(row["office_us"], HOUR_US)
        else:
            value = Fraction(row["value"])
        assert (row["days"], value) == timing, d


def test_hand_case_two_requests() -> None:
    """Two requests, the second unanswered, no end: late whatever the dates (docs/rules.md
    rule 3). Received 02/06/2025 09:00 with due date 09/06/2025 and as_of 03/06/2025 (before
    the due date) — by dates alone it would be PENDING_IN_TIME; two requests make it
    PENDING_LATE (Verdict 5) in both forms."""
    from chiso766 import SupplementRequest

    ctx = build_context(period=Period.quarter(YEAR, 2), as_of=datetime(2025, 6, 3, 12, 0))
    d = Dossier("A", CODES[0], "U", received_at=datetime(2025, 6, 2, 9, 0),
                due_at=datetime(2025, 6, 9, 17, 0),
                supplements=(SupplementRequest(datetime(2025, 6, 2, 10, 0),
                                               datetime(2025, 6, 2, 11, 0)),
                             SupplementRequest(datetime(2025, 6, 3, 9, 0))))
    out = _frame([d], ctx).to_dicts()[0]
    assert dossier_shape(d, ctx)[0].verdict == out["verdict"] == 5


def test_hand_cases_at_the_evaluation_moment() -> None:
    """Moments equal to ``as_of`` have happened (docs/rules.md "The evaluation moment"). Period
    2025-Q2, as_of = 20/06/2025 10:00; each dossier received 02/06/2025 09:00.

    - X, due 10/06, finished exactly at as_of: ended → LATE (Verdict 3), not PENDING_LATE;
      2.2: 02/06 → 20/06 is 14 working days (3–6, 9–13, 16–20 June).
    - Y, due 05/06, one request 03/06 09:00 answered exactly at as_of, no end: pending, and the
      applicant's 17 days 1 hour are subtracted from as_of → 03/06 09:00, before the due date
      → PENDING_IN_TIME (4).
    - Z, due 04/06, one request made exactly at as_of, unanswered, no end: the request moment
      ends it (20/06 after 04/06) → LATE (3).
    - W, due 04/06, one request made 25/06 (after as_of: not made yet), no end: pending at
      as_of, 20/06 after 04/06 → PENDING_LATE (5).
    """
    from chiso766 import SupplementRequest

    as_of = datetime(2025, 6, 20, 10, 0)
    ctx = build_context(period=Period.quarter(YEAR, 2), as_of=as_of)
    rec = datetime(2025, 6, 2, 9, 0)
    batch = [
        Dossier("X", CODES[0], "U", received_at=rec, due_at=datetime(2025, 6, 10, 17, 0),
                finished_at=as_of),
        Dossier("Y", CODES[0], "U", received_at=rec, due_at=datetime(2025, 6, 5, 17, 0),
                supplements=(SupplementRequest(datetime(2025, 6, 3, 9, 0), as_of),)),
        Dossier("Z", CODES[0], "U", received_at=rec, due_at=datetime(2025, 6, 4, 17, 0),
                supplements=(SupplementRequest(as_of),)),
        Dossier("W", CODES[0], "U", received_at=rec, due_at=datetime(2025, 6, 4, 17, 0),
                supplements=(SupplementRequest(datetime(2025, 6, 25, 9, 0)),)),
    ]
    rows = _frame(batch, ctx).to_dicts()
    assert [r["verdict"] for r in rows] == [3, 4, 3, 5]
    assert [dossier_shape(d, ctx)[0].verdict for d in batch] == [3, 4, 3, 5]
    assert (rows[0]["timed"], rows[0]["days"], rows[0]["value"]) == (True, 14, 14)
    assert dossier_shape(batch[0], ctx)[1] == (14, Fraction(14))


def test_hand_case_last_day_and_carried_over() -> None:
    """Period 2025-Q2 at its last instant. R: received 30/06/2025 16:00 (the period's last
    day), due 02/07, pending → received in the period, PENDING_IN_TIME (4). C: received
    28/03/2025, due 04/04, finished 03/04 → carried over into P (ended after the period began),
    not received in it; finished 03/04 ≤ 04/04 → IN_TIME (2). S: only submitted 02/04 → not
    received, not in P (OUT, 0), but in 3.2/3.5's population (submitted)."""
    ctx = build_context(period=Period.quarter(YEAR, 2))
    batch = [
        Dossier("R", CODES[0], "U", received_at=datetime(2025, 6, 30, 16, 0),
                due_at=datetime(2025, 7, 2, 17, 0)),
        Dossier("C", CODES[0], "U", received_at=datetime(2025, 3, 28, 9, 0),
                due_at=datetime(2025, 4, 4, 17, 0), finished_at=datetime(2025, 4, 3, 9, 0)),
        Dossier("S", CODES[0], "U", submitted_at=datetime(2025, 4, 2, 9, 0)),
    ]
    rows = _frame(batch, ctx).to_dicts()
    got = [(r["received"], r["submitted"], r["verdict"]) for r in rows]
    assert got == [(True, True, 4), (False, False, 2), (False, True, 0)]
    assert [tuple(dossier_shape(d, ctx)[0][:3]) for d in batch] == got


def test_hand_case_office_time_in_working_hours() -> None:
    """2.2 in working hours is the office time from receipt to result (docs/rules.md "2.2";
    office hours 07:30–11:30 and 13:00–17:00). Period 2025-Q2; Mon 02/06 and Tue 03/06/2025
    are working days.

    - H1, "4 giờ làm việc", received Mon 09:00, finished Mon 15:00: 09:00–11:30 (2.5 h) and
      13:00–15:00 (2 h) = 4.5 h = 9/2; 0 working days.
    - H2, the same limit, received Mon 16:00, finished Tue 09:00: 16:00–17:00 (1 h) and Tue
      07:30–09:00 (1.5 h) = 2.5 h = 5/2; 1 working day.
    - D, "5 ngày làm việc", received Mon 09:00, finished Wed 04/06 10:00: 2 working days, its
      value in days; no office time."""
    from chiso766 import TimeLimit

    procedures = [Procedure("H", time_limit=TimeLimit.parse("4 giờ làm việc")),
                  Procedure("D", time_limit=TimeLimit.parse("5 ngày làm việc"))]
    ctx = build_context(period=Period.quarter(YEAR, 2), procedures=procedures)
    monday = datetime(2025, 6, 2)
    batch = [
        Dossier("H1", "H", "U", received_at=monday.replace(hour=9),
                finished_at=monday.replace(hour=15)),
        Dossier("H2", "H", "U", received_at=monday.replace(hour=16),
                finished_at=datetime(2025, 6, 3, 9, 0)),
        Dossier("D", "D", "U", received_at=monday.replace(hour=9),
                finished_at=datetime(2025, 6, 4, 10, 0)),
    ]
    rows = _frame(batch, ctx).to_dicts()
    assert [(r["unit_kind"] == WORKING_HOURS, r["days"], r["office_us"]) for r in rows] == [
        (True, 0, 9 * HOUR_US // 2), (True, 1, 5 * HOUR_US // 2), (False, 2, None)]
    assert rows[2]["value"] == 2
    assert [dossier_shape(d, ctx)[1] for d in batch] == [
        (0, Fraction(9, 2)), (1, Fraction(5, 2)), (2, Fraction(2))]


def test_polars_is_imported_only_when_a_columnar_form_runs() -> None:
    """polars is an optional extra: importing the library, the rules module, the engine and
    the streaming scorer does not import it (a fresh interpreter, so other tests' imports do not
    count)."""
    import subprocess
    import sys

    code = ("import sys, chiso766, chiso766.population, chiso766.io.columnar, "
            "chiso766.streaming; print('polars' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


#: A rating's moment relative to ``as_of`` (microseconds): exactly at it and one either side
#: drawn as often as anywhere else.
_OFFSETS = st.one_of(st.sampled_from([0, 1, -1]),
                     st.integers(-3 * 86_400_000_000, 3 * 86_400_000_000))


@settings(max_examples=examples(60))
@given(
    drawn=st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(list(RatingValue))),
                             st.one_of(st.none(), _OFFSETS)), max_size=12),
    as_of=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 12, 31)),
)
def test_dislike_forms_agree_per_rating(drawn: list[tuple[RatingValue | None, int | None]],
                                        as_of: datetime) -> None:
    """5.4's dislike (docs/rules.md "5.4"): for every rating — any value or none, dated before,
    at or after ``as_of`` or undated — the columnar form says what the scalar one says."""
    need("polars", "fast")
    import polars as pl

    ratings = [(r, None if off is None else as_of + timedelta(microseconds=off))
               for r, off in drawn]
    rule = DislikeRule(as_of)
    frame = pl.DataFrame(
        {"rating": [None if r is None else r.value for r, _ in ratings],
         "rated_at": [at for _, at in ratings]},
        schema={"rating": pl.String, "rated_at": pl.Datetime("us")})
    columnar = frame.select(rule.columns().fill_null(False)).to_series().to_list()
    assert columnar == [rule(r, at) for r, at in ratings] == [
        disliked(r, at, as_of) for r, at in ratings]


def test_dislike_hand_cases() -> None:
    """A "không tốt" rating made exactly at ``as_of`` counts, one a microsecond later does not,
    an undated one does; a "bình thường" one never does."""
    as_of = datetime(2025, 6, 30, 17, 0)
    later = as_of + timedelta(microseconds=1)
    cases = [(RatingValue.BAD, as_of, True), (RatingValue.BAD, later, False),
             (RatingValue.BAD, None, True), (RatingValue.NORMAL, None, False),
             (RatingValue.GOOD, as_of, False), (None, None, False)]
    assert [disliked(r, at, as_of) for r, at, _ in cases] == [want for *_, want in cases]
    need("polars", "fast")
    import polars as pl

    frame = pl.DataFrame({"rating": [None if r is None else r.value for r, _, _ in cases],
                          "rated_at": [at for _, at, _ in cases]},
                         schema={"rating": pl.String, "rated_at": pl.Datetime("us")})
    columnar = frame.select(DislikeRule(as_of).columns().fill_null(False)).to_series()
    assert columnar.to_list() == [want for *_, want in cases]
