"""Who a dossier counts for, and whether it was handled on time: docs/rules.md "Populations" and
"Was a dossier handled on time?" as the counting applies them, each rule written twice side by
side — as a scalar function over one :class:`~chiso766.records.Dossier` and as polars
expressions over a table of dossiers — with the clause cited once, above both.

The scalar form, :func:`dossier_shape`, is what :meth:`Tally.add_dossier
<chiso766.tally.Tally.add_dossier>` counts every record with. The columnar form,
:func:`shape_columns`, is what the columnar engine (:mod:`chiso766.io.columnar`) counts clean
rows of a dossiers file with: a frame of typed dossier columns (:data:`MOMENT_COLUMNS` as
``pl.Datetime("us")``, plus the per-dossier supplement aggregates of
:func:`supplement_aggregates` and the due date of :func:`statutory_due`) becomes, per dossier,
the fields of :class:`~chiso766.criteria.base.DossierShape` the rules decide (``received``,
``submitted``, ``verdict``) and its 2.2 processing time (``timed``, ``days``, ``value``,
``office_us``). The
test suite draws dossiers and requires both forms to agree dossier by dossier
(``tests/property/test_population_forms.py``), and a mutation check changes the columnar rules
one at a time and requires the tests to notice (``tests/mutation_check.py -k population``).

Two rules are not written (wholly) as expressions; the columnar form calls the scalar code for
just the rows that need it:

* the statutory due date of a dossier with no recorded one (``NgayHenTra``, docs/rules.md
  "Due dates"): :func:`statutory_due` takes it from
  :func:`~chiso766.deadlines.due_from_receipt_columns` (beside the scalar
  :func:`~chiso766.deadlines.due_from_receipt`), whose working-day, calendar-day, working-hour
  and same-day limits are expressions over the calendar's table; limits in months go to the
  scalar code once per distinct (receipt, procedure);
* the 2.2 value of a procedure whose limit is in months (whole months as the limit counts them
  plus the rest of the next): :func:`scalar_values` calls
  :func:`~chiso766.deadlines.measure_processing` for those rows. Working days, calendar days
  and working hours (also same-day limits: office time, :func:`_office_us`) are columnar.

The working calendar is joined as a table (:func:`calendar_table`: date → the running count of
working days, from :meth:`WorkingCalendar.cumulative_index
<chiso766.calendar.WorkingCalendar.cumulative_index>`). Verdict reasons are never built here:
counting needs the verdict, not its explanation (:func:`~chiso766.deadlines.classify` gives
both).

polars is an optional dependency (the ``fast`` extra): it is imported inside the columnar
functions only.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from .calendar import MAX_YEAR, MIN_YEAR
from .criteria.base import Context, DossierShape, Verdict
from .deadlines import (
    HOUR_US,
    applicant_time,
    due_from_receipt_columns,
    end_of_processing,
    judge,
    measure_processing,
    processing_unit,
    time_of_day_us,
)
from .errors import MissingDataError
from .periods import Period
from .records import Channel, Dossier, Procedure, RatingValue, Timeliness
from .timelimits import TimeLimit

if TYPE_CHECKING:
    import polars as pl

    from .calendar import WorkingCalendar
    from .deadlines import DeadlinePolicy

__all__ = [
    "HOUR_US",
    "MOMENT_COLUMNS",
    "DislikeRule",
    "Timing",
    "audit_columns",
    "audit_flagged",
    "calendar_table",
    "disliked",
    "dossier_frame",
    "dossier_shape",
    "in_period_population",
    "period_population",
    "processing_end",
    "recorded_fields",
    "scalar_values",
    "shape_columns",
    "statutory_due",
    "supplement_aggregates",
    "verdict_columns",
    "working_table",
]

#: A dossier's 2.2 processing time: (working days, value in its procedure's unit: an ``int`` in
#: days, a ``Fraction`` in hours or months).
Timing = tuple[int, Fraction | int]

#: The moment columns of the dossier frame (``pl.Datetime("us")``, null when not given).
MOMENT_COLUMNS = ("received_at", "submitted_at", "due_at", "finished_at", "returned_at",
                  "stopped_at")

#: How 2.2 measures a procedure (column ``unit_kind``): its own unit is working days (also
#: with no limit), calendar days, working hours (also a same-day limit), or months
#: (:func:`scalar_values`).
WORKING_DAYS, CALENDAR_DAYS, WORKING_HOURS, OTHER_UNIT = 0, 1, 2, 3
_DAY_US = 24 * HOUR_US


def unit_kind(limit: TimeLimit | None) -> int:
    """The ``unit_kind`` of a procedure with this time limit (docs/rules.md "2.2")."""
    unit = processing_unit(limit)
    return {"working_days": WORKING_DAYS, "calendar_days": CALENDAR_DAYS,
            "working_hours": WORKING_HOURS}.get(unit, OTHER_UNIT)


# ---------------------------------------------------------------------------------------------
# the scalar form


def dossier_shape(d: Dossier, ctx: Context) -> tuple[DossierShape, Timing | None]:
    """What the criteria count about ``d`` at ``ctx.as_of``, and its 2.2 processing time when
    it counts for 2.2 (docs/rules.md "Populations"; the verdict: "Was a dossier handled on
    time?"):

    - received in the period: ``received_at`` on a date of the period (1.4, 3.3, 3.4, 3.6);
      ``submitted_at`` stands in for a missing ``received_at`` only for 3.2 and 3.5;
    - the period's population P (2.1, 4.1–4.5b, 5.4): received in the period, plus received
      earlier and not ended before it started — a dossier with no ``received_at`` is never in P;
    - 2.2: received in the period and finished or returned by ``as_of``.

    The columnar form of the same rules is :func:`shape_columns`.
    """
    period = ctx.period
    start = period.start_moment
    receipt = d.receipt
    received, in_population = _placed(d, period, ctx.as_of, start)
    submitted = start <= receipt and receipt.date() <= period.end
    proc = ctx.procedures.get(d.procedure_code)
    verdict = Verdict.OUT
    if in_population:
        # classify's rule without its checks (the context's values are checked) or its verdict
        # object: counting needs the status only.
        try:
            status = judge(d, proc.time_limit if proc is not None else None, ctx.calendar,
                           ctx.policy, ctx.as_of,
                           ctx.counting.multiple_supplements_late == "always")[0]
        except MissingDataError:
            verdict = Verdict.UNCLASSIFIED
        else:
            verdict = _VERDICTS[status]
    timing: Timing | None = None
    if received:
        # The result: finished, else returned — whichever had happened by the evaluation moment.
        as_of = ctx.as_of
        result = d.finished_at
        if result is None or result > as_of:
            result = d.returned_at
            if result is not None and result > as_of:
                result = None
        if result is not None:
            received_at = d.received_at  # received in the period: never None here
            assert received_at is not None
            timing = measure_processing(
                received_at, result - applicant_time(d, ctx.as_of),
                proc.time_limit if proc is not None else None, ctx.calendar, ctx.policy)
    return DossierShape(received, submitted, verdict, *_recorded(d, ctx, proc)), timing


def in_period_population(d: Dossier, period: Period, as_of: datetime) -> bool:
    """Whether ``d`` is in the period's population P at ``as_of`` (docs/rules.md
    "Populations"): received in the period, plus received earlier and not ended before the
    period started (carried over); never without ``received_at``. What :func:`dossier_shape`
    counts 2.1, 4.1–4.5b and 5.4 over; the reports' flagged dossiers of a period are these.
    Columnar form: :func:`period_population`."""
    return _placed(d, period, as_of, period.start_moment)[1]


def _placed(d: Dossier, period: Period, as_of: datetime, start: datetime,
            ) -> tuple[bool, bool]:
    """(received in the period, in the period's population P) — :func:`in_period_population`;
    ``start`` is the period's first moment."""
    received_at = d.received_at
    received = received_at is not None and start <= received_at \
        and received_at.date() <= period.end
    end, _ = end_of_processing(d, as_of)
    in_population = received or (received_at is not None and received_at < start
                                 and (end is None or end >= start))
    return received, in_population


def recorded_fields(d: Dossier, ctx: Context) -> tuple[Any, ...]:
    """The fields of ``d``'s :class:`~chiso766.criteria.base.DossierShape` that no rule of this
    module decides, in the shape's order after ``verdict``: what the dossier and its procedure
    report (complained about, paper result, fee, channel, flags), read as they are."""
    return _recorded(d, ctx, ctx.procedures.get(d.procedure_code))


def _recorded(d: Dossier, ctx: Context, proc: Procedure | None) -> tuple[Any, ...]:
    """:func:`recorded_fields`, ``proc`` being ``d``'s procedure (``None``: unknown)."""
    paid = d.paid_online
    return (
        d.id in ctx.complained,
        proc.requires_paper_result if proc is not None else None,
        proc.has_fee if proc is not None else None,
        d.channel is Channel.ONLINE, d.synced_to_portal, d.has_electronic_result,
        None if paid is None else int(paid), d.has_fee_data, d.components_digitized,
        d.reuses_digitized_data, d.uses_personal_data_store, d.uses_population_data,
    )


_VERDICTS = {
    Timeliness.EARLY: Verdict.IN_TIME, Timeliness.ON_TIME: Verdict.IN_TIME,
    Timeliness.LATE: Verdict.LATE, Timeliness.PENDING_IN_TIME: Verdict.PENDING_IN_TIME,
    Timeliness.PENDING_LATE: Verdict.PENDING_LATE,
}


# ---------------------------------------------------------------------------------------------
# 5.4's dislikes, in both forms


def disliked(rating: RatingValue | None, rated_at: datetime | None, as_of: datetime) -> bool:
    """Whether a rating of a dossier is a dislike made by ``as_of`` (docs/rules.md "5.4"): a
    "không tốt" rating (``BAD``) given by the evaluation moment — an undated one counts, a later
    one has not happened yet. A dossier with such a rating, or named by a petition received by
    ``as_of``, is complained about (``Context.complained``).

    The columnar form is :meth:`DislikeRule.columns`; the readers of a ratings file take the
    rule as a :class:`DislikeRule` and decide nothing themselves."""
    return rating is RatingValue.BAD and (rated_at is None or rated_at <= as_of)


@attrs.frozen
class DislikeRule:
    """:func:`disliked` at one evaluation moment, for the readers of a ratings file
    (:func:`~chiso766.io.rowpath.complained_from_ratings` and the engine's): called on one
    rating, or as polars expressions over a frame of them."""

    as_of: datetime

    def __call__(self, rating: RatingValue | None, rated_at: datetime | None) -> bool:
        return disliked(rating, rated_at, self.as_of)

    def columns(self) -> pl.Expr:
        """:func:`disliked` over a frame of ratings: column ``rating`` (the
        :class:`~chiso766.records.RatingValue`'s value, a string; null when unreadable) and
        ``rated_at`` (``pl.Datetime("us")``, null when undated)."""
        import polars as pl

        rated = pl.col("rated_at")
        return (pl.col("rating") == RatingValue.BAD.value) & (
            rated.is_null() | (rated <= self.as_of))


# ---------------------------------------------------------------------------------------------
# the columnar form


def supplement_aggregates(requests: pl.DataFrame, as_of: datetime, key: str = "key",
                          ) -> pl.DataFrame:
    """Per dossier (``key``), what the rules read of its supplement requests (columns
    ``requested_at``, ``supplied_at``: ``pl.Datetime("us")``, the answer null while
    unanswered), at the evaluation moment ``as_of`` (docs/rules.md "Was a dossier handled on
    time?", rule 3; the applicant's time also in "2.2"):

    - ``asked``: the requests made by ``as_of`` (a request made later has not happened yet);
    - ``applicant``: the applicant's time, ``supplied_at − requested_at`` summed over the
      requests answered by ``as_of`` (the scalar :func:`~chiso766.deadlines.applicant_time`);
    - ``open_at``: with exactly one request made by ``as_of`` and not answered by then, the
      moment it was made — the end of processing of a dossier with no other end (the scalar
      :func:`~chiso766.deadlines.effective_end`); null otherwise;
    - ``unanswered`` and ``last_supplied``: the requests never answered and the latest answer,
      whenever made (what the statutory due date of the audit reads: :func:`audit_flagged`).
    """
    import polars as pl

    req, sup = pl.col("requested_at"), pl.col("supplied_at")
    made = req <= as_of
    answered = made & sup.is_not_null() & (sup <= as_of)
    grouped = requests.group_by(key).agg(
        asked=made.sum().cast(pl.Int64),
        applicant=pl.when(answered).then(sup - req).otherwise(
            pl.duration(microseconds=0)).sum(),
        open_at=pl.when(made & ~answered).then(req).max(),
        unanswered=sup.is_null().sum().cast(pl.Int64),
        last_supplied=sup.max(),
    )
    return grouped.with_columns(
        open_at=pl.when(pl.col("asked") == 1).then(pl.col("open_at")))


def statutory_due(frame: pl.DataFrame, ctx: Context,
                  limit_of: Callable[[str], TimeLimit | None], *,
                  every_dossier: bool = False) -> pl.Series:
    """The due moment of each dossier of ``frame`` with no recorded one, computed from its
    receipt and its procedure's time limit without any supplement adjustment (docs/rules.md
    "Was a dossier handled on time?", rule 1; "Due dates"); null where a due date is
    recorded, where the procedure has no time limit (the dossier cannot be judged), or where
    the dossier is not in the period's population (never judged by 2.1; with
    ``every_dossier``, computed for those too, as :func:`verdict_columns` judges them).
    ``frame`` has the :data:`MOMENT_COLUMNS`, ``code`` (the procedure code) and the supplement
    aggregates; ``limit_of(code)`` gives a procedure's time limit.

    The due dates are :func:`~chiso766.deadlines.due_from_receipt_columns`' (the columnar
    form of :func:`~chiso766.deadlines.due_from_receipt`, beside it).
    """
    import polars as pl

    need = pl.col("due_at").is_null() & (pl.lit(True) if every_dossier else _in_population(ctx))
    return _dues_from(frame, need, pl.coalesce("received_at", "submitted_at"), limit_of,
                      ctx.calendar, ctx.policy).alias("statutory_due")


def _dues_from(frame: pl.DataFrame, need: pl.Expr, start: pl.Expr,
               limit_of: Callable[[str], TimeLimit | None], calendar: WorkingCalendar,
               policy: DeadlinePolicy) -> pl.Series:
    """For the rows of ``frame`` where ``need`` holds, the due date
    :func:`~chiso766.deadlines.due_from_receipt` gives from the moment ``start`` under the
    procedure's (``code``) limit — by its columnar form,
    :func:`~chiso766.deadlines.due_from_receipt_columns`, over the calendar's table of the
    starts' years and the next — and null where the procedure has no limit; null elsewhere."""
    import polars as pl

    rows = frame.with_row_index("_row").filter(need).select(
        "_row", start.alias("start"), pl.col("code"))
    if rows.height == 0:
        return pl.Series("due", [None] * frame.height, dtype=pl.Datetime("us"))
    first, last = rows.select(pl.col("start").min().dt.year().alias("first"),
                              pl.col("start").max().dt.year().alias("last")).row(0)
    table = working_table(calendar, first, last + 1)
    found = rows.with_columns(due=due_from_receipt_columns(rows, limit_of, table, calendar,
                                                           policy))
    out = pl.DataFrame({"_row": pl.int_range(0, frame.height, eager=True, dtype=pl.UInt32)})
    return out.join(found.select(pl.col("_row").cast(pl.UInt32), "due"), on="_row",
                    how="left").sort("_row")["due"]


def audit_columns(frame: pl.DataFrame, limit_of: Callable[[str], TimeLimit | None],
                  calendar: WorkingCalendar, policy: DeadlinePolicy) -> pl.DataFrame:
    """The due-date audit (docs/rules.md "The due-date audit") over a frame of dossiers, one
    row per dossier; scalar form: :func:`~chiso766.deadlines.audit`.

    - ``flagged`` (:attr:`AuditResult.flagged <chiso766.deadlines.AuditResult.flagged>`): no
      recorded due date (NgayHenTra), or one later than the statutory due date — from the
      receipt, or under the ``"restart"`` supplement rule from the last answer when every
      request was answered, Decree 61/2018/NĐ-CP Art. 19.4 — compared by date or by moment as
      the policy's granularity says;
    - ``clean``: the audit raises no flag at all — a recorded due date, a time limit, a
      statutory due date (no request left unanswered), the recorded date not later than it,
      and the end of processing (finished, else returned, else stopped:
      :attr:`Dossier.ended_at <chiso766.records.Dossier.ended_at>`) not on a date after the
      extended due date (NgayHenTraMoi);
    - ``statutory_due_at``: the audit's statutory due date
      (:func:`~chiso766.deadlines.statutory_due_at`) where ``settled`` and no request is
      unanswered (else null: none, or not found here);
    - ``settled``: whether ``statutory_due_at`` is the scalar audit's, so that its findings
      follow from the columns (:func:`~chiso766.deadlines.audit_findings`): under the
      ``"restart"`` rule always, under ``"pause"`` for a dossier with no request.

    ``flagged``, ``clean`` and ``statutory_due_at`` are null (undecided: the caller asks the
    scalar form) for a dossier with a recorded due date and supplement requests under the
    ``"pause"`` rule, whose due date moves by each request's own wait. ``frame`` has
    :data:`MOMENT_COLUMNS`, ``new_due_at``, ``code`` and the supplement aggregates (null for a
    dossier with no request); the due dates are :func:`~chiso766.deadlines.due_from_receipt`'s
    (its columnar form, :func:`~chiso766.deadlines.due_from_receipt_columns`)."""
    import polars as pl

    unanswered = pl.col("unanswered").fill_null(0)
    last = pl.col("last_supplied")
    receipt = pl.coalesce("received_at", "submitted_at")
    asked = last.is_not_null() | (unanswered > 0)
    restart = policy.supplement_rule == "restart"
    start = pl.when(asked & (last > receipt)).then(last).otherwise(receipt) if restart \
        else receipt
    recorded = pl.col("due_at")
    settled = pl.lit(True) if restart else ~asked
    statutory = pl.lit(_dues_from(frame, settled & (unanswered == 0), start, limit_of,
                                  calendar, policy))
    later = (recorded.dt.date() > statutory.dt.date()) if policy.granularity == "date" \
        else (recorded > statutory)
    flagged = recorded.is_null() | later.fill_null(False)
    end = pl.coalesce("finished_at", "returned_at", "stopped_at")
    new_due = pl.col("new_due_at")
    late_on_new = (new_due.is_not_null() & end.is_not_null()
                   & (end.dt.date() > new_due.dt.date())).fill_null(False)
    # ``later`` is null without a recorded or a statutory date (no time limit, a request
    # unanswered): not clean.
    clean = (~later & ~late_on_new).fill_null(False)
    if not restart:
        undecided = recorded.is_not_null() & asked
        flagged = pl.when(undecided).then(None).otherwise(flagged)
        clean = pl.when(undecided).then(None).otherwise(clean)
        statutory = pl.when(undecided).then(None).otherwise(statutory)
    return frame.select(flagged.alias("flagged"), clean.alias("clean"),
                        statutory.alias("statutory_due_at"), settled.alias("settled"))


def audit_flagged(frame: pl.DataFrame, limit_of: Callable[[str], TimeLimit | None],
                  calendar: WorkingCalendar, policy: DeadlinePolicy) -> pl.Series:
    """Whether the due-date audit flags each dossier of ``frame``: the ``flagged`` column of
    :func:`audit_columns` (null: undecided)."""
    return audit_columns(frame, limit_of, calendar, policy)["flagged"]


def calendar_table(ctx: Context, first_year: int, last_year: int) -> pl.DataFrame:
    """The context's working calendar as a table (:func:`working_table`)."""
    return working_table(ctx.calendar, first_year, last_year)


def working_table(calendar: WorkingCalendar, first_year: int, last_year: int) -> pl.DataFrame:
    """The working calendar as a table: ``date`` → ``working_index``, the number of working
    days from the start of the calendar's index to that date, so that
    ``working_days_between(a, b) == index(b) − index(a)`` (docs/calendar.md), and
    ``working`` (1 on a working day, else 0). Years are clamped to those the calendar
    covers."""
    import polars as pl

    first_year, last_year = max(first_year, MIN_YEAR), min(last_year, MAX_YEAR)
    if first_year > last_year:  # no year of the calendar's: an empty table
        return pl.DataFrame(schema={"date": pl.Date, "working_index": pl.Int64,
                                    "working": pl.Int64})
    base, cum = calendar.cumulative_index(first_year, last_year)
    first = date(first_year, 1, 1).toordinal()
    last = date(last_year, 12, 31).toordinal()
    index = [cum[o - base] for o in range(first, last + 1)]
    working = [int(calendar.is_working_day(date.fromordinal(first)))] + [
        b - a for a, b in itertools.pairwise(index)]
    return pl.DataFrame({
        "date": pl.date_range(date.fromordinal(first), date.fromordinal(last), eager=True),
        "working_index": pl.Series(index, dtype=pl.Int64),
        "working": pl.Series(working, dtype=pl.Int64),
    })


def _by_as_of(name: str, as_of: datetime) -> pl.Expr:
    """The moment ``name`` when it happened by ``as_of`` (docs/rules.md "The evaluation
    moment": anything dated after it has not happened yet), else null."""
    import polars as pl

    col = pl.col(name)
    return pl.when(col <= as_of).then(col)


def processing_end(as_of: datetime) -> pl.Expr:
    """docs/rules.md "Was a dossier handled on time?" rule 2 and 3 (the end of processing):
    the first of finished, returned, stopped that happened by ``as_of``; else, with exactly one
    request unanswered (``open_at``), the request moment; else null (still in progress).
    Scalar form: :func:`~chiso766.deadlines.effective_end`."""
    import polars as pl

    return pl.coalesce(_by_as_of("finished_at", as_of), _by_as_of("returned_at", as_of),
                       _by_as_of("stopped_at", as_of),
                       pl.when(pl.col("asked") == 1).then(pl.col("open_at")))


def _result(as_of: datetime) -> pl.Expr:
    """The result (2.2, and the exception of the more-than-one-request rule): finished, else
    returned, whichever had happened by ``as_of``."""
    import polars as pl

    return pl.coalesce(_by_as_of("finished_at", as_of), _by_as_of("returned_at", as_of))


def _received(ctx: Context) -> pl.Expr:
    """docs/rules.md "Populations", *received in the period*: ``received_at`` on a date of the
    period (``submitted_at`` never stands in)."""
    return _received_in(ctx.period)


def _received_in(period: Period) -> pl.Expr:
    import polars as pl

    rec = pl.col("received_at")
    return (rec.is_not_null() & (rec >= period.start_moment)
            & (rec.dt.date() <= period.end)).fill_null(False)


def _submitted(ctx: Context) -> pl.Expr:
    """docs/rules.md "Populations", the population of 3.2 and 3.5: ``received_at`` — or
    ``submitted_at`` when there is none — on a date of the period."""
    import polars as pl

    period = ctx.period
    receipt = pl.coalesce("received_at", "submitted_at")
    return (receipt.is_not_null() & (receipt >= period.start_moment)
            & (receipt.dt.date() <= period.end)).fill_null(False)


def _in_population(ctx: Context) -> pl.Expr:
    return period_population(ctx.period, ctx.as_of)


def period_population(period: Period, as_of: datetime) -> pl.Expr:
    """docs/rules.md "Populations", the period's population P at ``as_of``: received in the
    period, plus received earlier and not ended before the period started; never without
    ``received_at``. Over a frame with the moment columns and the supplement aggregates;
    scalar form: :func:`in_period_population`."""
    import polars as pl

    start = period.start_moment
    rec = pl.col("received_at")
    ended = processing_end(as_of)
    carried = rec.is_not_null() & (rec < start) & (ended.is_null() | (ended >= start))
    return (_received_in(period) | carried.fill_null(False)).fill_null(False)


def population_due(ctx: Context) -> pl.Expr:
    """The ``statutory_due`` column computed for every dossier (``every_dossier``) narrowed to
    the period's population: what :func:`statutory_due` gives without ``every_dossier``, for a
    counter that needs both (the streaming HCM 104 pass judges every resolved dossier)."""
    import polars as pl

    return pl.when(_in_population(ctx)).then(pl.col("statutory_due"))


def shape_columns(frame: pl.DataFrame, ctx: Context, table: pl.DataFrame | None = None,
                  ) -> pl.DataFrame:
    """The rules of docs/rules.md "Populations" and "Was a dossier handled on time?" over a
    frame of dossiers, one row each; :func:`dossier_shape` is the scalar form.

    ``frame`` has the :data:`MOMENT_COLUMNS`, the supplement aggregates ``asked`` (Int64),
    ``applicant`` (Duration) and ``open_at`` (:func:`supplement_aggregates`; 0, 0 and null
    for a dossier without requests), ``statutory_due`` (:func:`statutory_due`) and
    ``unit_kind`` (:func:`unit_kind` of its procedure's limit). Returned, in the frame's
    order:

    - ``counted``: received (or submitted) by ``as_of`` — a dossier received later is ignored
      (docs/rules.md "The evaluation moment");
    - ``received``, ``submitted``, ``verdict`` (a :class:`~chiso766.criteria.base.Verdict`
      value): the :class:`~chiso766.criteria.base.DossierShape` fields these rules decide;
    - ``timed``, ``days``, ``value``, ``office_us``: whether the dossier counts for 2.2, its
      working days, and its value in its procedure's unit — ``value`` for working and calendar
      days; ``office_us`` for working hours, the office time in microseconds (the value is
      ``Fraction(office_us, HOUR_US)``); neither for months (:data:`OTHER_UNIT`, which
      :func:`scalar_values` gives); ``days`` is null where a date falls outside ``table``
      (:func:`calendar_table`; default: the years of the frame).

    The comparison follows the policy's ``granularity`` (dates or moments); the
    more-than-one-request rule follows ``ctx.counting.multiple_supplements_late``.
    """
    import polars as pl

    as_of = ctx.as_of
    rec = pl.col("received_at")
    receipt = pl.coalesce("received_at", "submitted_at")
    ended = processing_end(as_of)
    result = _result(as_of)
    due, _, late = _judgement(ctx)
    verdict = (
        pl.when(~_in_population(ctx)).then(pl.lit(Verdict.OUT))
        .when(due.is_null()).then(pl.lit(Verdict.UNCLASSIFIED))
        .when(ended.is_null()).then(
            pl.when(late).then(pl.lit(Verdict.PENDING_LATE))
            .otherwise(pl.lit(Verdict.PENDING_IN_TIME)))
        .when(late).then(pl.lit(Verdict.LATE))
        .otherwise(pl.lit(Verdict.IN_TIME))
    ).cast(pl.Int64)
    # 2.2, "received and resolved": received in the period, finished or returned by as_of;
    # measured from the receipt to the result less the applicant's time (never before it).
    timed = _received(ctx) & result.is_not_null()
    done = pl.max_horizontal(result - pl.col("applicant"), rec)
    out = frame.with_row_index("_row").with_columns(
        counted=(receipt <= as_of).fill_null(False),
        received=_received(ctx),
        submitted=_submitted(ctx),
        verdict=verdict,
        timed=timed,
        _from=pl.when(timed).then(rec.dt.date()),
        _to=pl.when(timed).then(done.dt.date()),
        _done=pl.when(timed).then(done),
    )
    if table is None:
        years = out.select(pl.min("_from").dt.year().alias("lo"),
                           pl.max("_to").dt.year().alias("hi")).row(0)
        lo = years[0] if years[0] is not None else as_of.year
        hi = years[1] if years[1] is not None else as_of.year
        table = calendar_table(ctx, lo, hi)
    index = table.select("date", "working_index", "working")
    out = (out.join(index.rename({"date": "_from", "working_index": "_i", "working": "_w0"}),
                    on="_from", how="left")
           .join(index.rename({"date": "_to", "working_index": "_j", "working": "_w1"}),
                 on="_to", how="left")
           .sort("_row"))
    days = pl.when(pl.col("_i").is_not_null() & pl.col("_j").is_not_null()).then(
        pl.max_horizontal(pl.col("_j") - pl.col("_i"), pl.lit(0)))
    kind = pl.col("unit_kind")
    out = out.with_columns(
        days=pl.when(pl.col("timed")).then(days),
        value=pl.when(pl.col("timed") & (kind == WORKING_DAYS)).then(days)
        .when(pl.col("timed") & (kind == CALENDAR_DAYS)).then(
            (pl.col("_to") - pl.col("_from")).dt.total_days()),
    )
    # Office time only where it is the value (a large expression: over every row it cost as
    # much as the rest of these rules).
    hours = pl.col("timed") & (kind == WORKING_HOURS)
    office = out.filter(hours).select(
        "_row", "_w0", "_w1", "_i", "_j", _start=rec, _end=pl.col("_done"),
        _t0=_time_of_day_us(rec), _t1=_time_of_day_us(pl.col("_done")))
    office = office.select("_row", office_us=_office_us(ctx, pl.col("_start"), pl.col("_end"),
                                                        pl.col("_t0"), pl.col("_t1")))
    return out.join(office, on="_row", how="left", maintain_order="left").drop(
        "_row", "_from", "_to", "_done", "_i", "_j", "_w0", "_w1")


def _judgement(ctx: Context) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """docs/rules.md "Was a dossier handled on time?" rules 1–5 as expressions over the frame of
    :func:`shape_columns`: the due moment (null: cannot be judged), the end less the
    applicant's time, and whether the dossier is late. The scalar form is
    :func:`~chiso766.deadlines.classify`."""
    import polars as pl

    as_of = ctx.as_of
    always = ctx.counting.multiple_supplements_late == "always"
    ended, result = processing_end(as_of), _result(as_of)
    # Rule 1: the recorded due date, else the statutory one (null: cannot be judged).
    due = pl.coalesce("due_at", "statutory_due")
    # Rules 3 and 4: the applicant's time is subtracted from the end; not ended: as_of.
    adjusted = pl.coalesce(ended, pl.lit(as_of, dtype=pl.Datetime("us"))) - pl.col("applicant")
    # Rule 5: compared by date (policy granularity).
    if ctx.policy.granularity == "date":
        after_due = adjusted.dt.date() > due.dt.date()
    else:
        after_due = adjusted > due
    # Rule 3: more than one request and no result by as_of is late, whatever the dates
    # (policy "always": whether or not there is a result).
    too_many = (pl.col("asked") > 1) & (pl.lit(always) | result.is_null())
    return due, adjusted, after_due | too_many


#: ``end_kind`` of :func:`verdict_columns`: which moment ended processing.
END_FINISHED, END_RETURNED, END_STOPPED, END_REQUEST = 0, 1, 2, 3


def verdict_columns(frame: pl.DataFrame, ctx: Context, table: pl.DataFrame | None = None,
                    ) -> pl.DataFrame:
    """The verdict of docs/rules.md "Was a dossier handled on time?" for every dossier of
    ``frame`` (a frame of :func:`dossier_frame`, in any population: with ``every_dossier``'s
    statutory due dates), as :func:`~chiso766.deadlines.classify` gives it at ``ctx.as_of``.
    Returned in the frame's order, beside its columns:

    - ``ended``: the end of processing by ``as_of`` (null: still in progress) and ``end_kind``
      (:data:`END_FINISHED`, :data:`END_RETURNED`, :data:`END_STOPPED`, or
      :data:`END_REQUEST`: the one unanswered request);
    - ``judged``: whether it has a due date (classify raises ``MissingDataError`` otherwise);
    - ``late`` and ``late_days``: the verdict, and the working days from the due date to the
      end less the applicant's time when late (0 otherwise; ``Verdict.late_working_days``).
    """
    import polars as pl

    as_of = ctx.as_of
    due, adjusted, late = _judgement(ctx)
    out = frame.with_row_index("_row").with_columns(
        ended=processing_end(as_of),
        end_kind=pl.when(_by_as_of("finished_at", as_of).is_not_null()).then(END_FINISHED)
        .when(_by_as_of("returned_at", as_of).is_not_null()).then(END_RETURNED)
        .when(_by_as_of("stopped_at", as_of).is_not_null()).then(END_STOPPED)
        .when((pl.col("asked") == 1) & pl.col("open_at").is_not_null()).then(END_REQUEST),
        judged=due.is_not_null(),
        late=late.fill_null(False),
        _a=due.dt.date(),
        _b=adjusted.dt.date(),
    )
    if table is None:
        years = out.select(pl.min_horizontal(pl.col("_a").min(), pl.col("_b").min())
                           .dt.year().alias("lo"),
                           pl.max_horizontal(pl.col("_a").max(), pl.col("_b").max())
                           .dt.year().alias("hi")).row(0)
        table = calendar_table(ctx, years[0] if years[0] is not None else as_of.year,
                               years[1] if years[1] is not None else as_of.year)
    index = table.select("date", "working_index")
    out = (out.join(index.rename({"date": "_a", "working_index": "_i"}), on="_a", how="left")
           .join(index.rename({"date": "_b", "working_index": "_j"}), on="_b", how="left")
           .sort("_row"))
    return out.with_columns(
        late_days=pl.when(pl.col("late") & pl.col("judged")).then(
            pl.max_horizontal(pl.col("_j") - pl.col("_i"), pl.lit(0))).otherwise(0),
    ).drop("_row", "_a", "_b", "_i", "_j")


def _time_of_day_us(moment: pl.Expr) -> pl.Expr:
    import polars as pl

    return (moment.dt.hour().cast(pl.Int64) * HOUR_US
            + moment.dt.minute().cast(pl.Int64) * 60_000_000
            + moment.dt.second().cast(pl.Int64) * 1_000_000
            + moment.dt.microsecond().cast(pl.Int64))


def _office_us(ctx: Context, start: pl.Expr, end: pl.Expr, t0: pl.Expr, t1: pl.Expr,
               ) -> pl.Expr:
    """Office time between two moments in microseconds (docs/rules.md "2.2", working hours:
    the policy's office hours on working days; 0 when ``end`` is not after ``start``); the
    scalar form is :func:`~chiso766.deadlines.office_hours_between`. ``t0``, ``t1``: the
    moments' times of day in microseconds (:func:`_time_of_day_us`). Reads the calendar
    columns ``_i``, ``_j`` (working-day index of each date) and ``_w0``, ``_w1`` (working day
    or not) that :func:`shape_columns` joined."""
    import polars as pl

    windows = [(time_of_day_us(a), time_of_day_us(b)) for a, b in ctx.policy.office_hours]
    per_day = sum(b - a for a, b in windows)

    def within(working: pl.Expr, lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
        open_us = pl.sum_horizontal(
            (pl.min_horizontal(pl.lit(b), hi) - pl.max_horizontal(pl.lit(a), lo)).clip(
                lower_bound=0) for a, b in windows)
        return working * open_us

    w0, w1 = pl.col("_w0"), pl.col("_w1")
    between = pl.col("_j") - pl.col("_i") - w1
    return (pl.when(end <= start).then(pl.lit(0, dtype=pl.Int64))
            .when(start.dt.date() == end.dt.date()).then(within(w0, t0, t1))
            .otherwise(within(w0, t0, pl.lit(_DAY_US)) + within(w1, pl.lit(0), t1)
                       + between * per_day))


def scalar_values(rows: pl.DataFrame, ctx: Context,
                  limit_of: Callable[[str], TimeLimit | None]) -> list[Fraction | int]:
    """2.2's value of timed dossiers whose procedure's unit is months (docs/rules.md "2.2":
    whole months as the limit counts them plus the rest of the next), by the scalar
    :func:`~chiso766.deadlines.measure_processing`, one row at a time. ``rows`` has
    ``received_at``, ``finished_at``, ``returned_at``, ``applicant`` and ``code``."""
    as_of = ctx.as_of
    out: list[Fraction | int] = []
    for received_at, finished, returned, applicant, code in rows.select(
            "received_at", "finished_at", "returned_at", "applicant", "code").iter_rows():
        result = next(m for m in (finished, returned) if m is not None and m <= as_of)
        spent = applicant if applicant is not None else timedelta(0)
        out.append(measure_processing(received_at, result - spent, limit_of(code),
                                      ctx.calendar, ctx.policy)[1])
    return out


def procedure_limits(procedures: Mapping[str, Any]) -> Callable[[str], TimeLimit | None]:
    """``code -> TimeLimit | None`` over a context's procedures."""
    def limit_of(code: str) -> TimeLimit | None:
        proc = procedures.get(code)
        return proc.time_limit if proc is not None else None

    return limit_of


def dossier_frame(dossiers: Sequence[Dossier], ctx: Context, *,
                  every_dossier: bool = False) -> pl.DataFrame:
    """Records as :func:`shape_columns` (and :func:`verdict_columns`) read them: one row per
    dossier, in order — ``key`` (its position), ``code``, the :data:`MOMENT_COLUMNS` and
    ``new_due_at`` (as the engine's frames have them), the supplement aggregates at
    ``ctx.as_of`` (:func:`supplement_aggregates`), ``statutory_due`` (:func:`statutory_due`, for
    ``every_dossier`` or those of the period's population) and ``unit_kind``. The values are the
    records' own, read as they are: no rule is applied here."""
    import polars as pl

    moment = pl.Datetime("us")
    # A list per column (no tuple per dossier: millions of those would keep the collector busy).
    frame = pl.DataFrame(
        {"key": range(len(dossiers)), "code": [d.procedure_code for d in dossiers],
         **{name: list(map(operator.attrgetter(name), dossiers))
            for name in (*MOMENT_COLUMNS, "new_due_at")}},
        schema={"key": pl.Int64, "code": pl.String,
                **{name: moment for name in (*MOMENT_COLUMNS, "new_due_at")}})
    requests = [(k, s.requested_at, s.supplied_at)
                for k, d in enumerate(dossiers) if d.supplements for s in d.supplements]
    aggregates = supplement_aggregates(pl.DataFrame(
        requests, schema={"key": pl.Int64, "requested_at": moment, "supplied_at": moment},
        orient="row"), ctx.as_of)
    frame = frame.join(aggregates, on="key", how="left").sort("key").with_columns(
        asked=pl.col("asked").fill_null(0),
        applicant=pl.col("applicant").fill_null(timedelta(0)),
    )
    limit_of = procedure_limits(ctx.procedures)
    kinds = {code: unit_kind(limit_of(code)) for code in frame["code"].unique().to_list()}
    return frame.with_columns(
        statutory_due=statutory_due(frame, ctx, limit_of, every_dossier=every_dossier),
        unit_kind=pl.col("code").replace_strict(kinds, return_dtype=pl.Int64),
    )
