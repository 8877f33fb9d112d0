"""Due dates (ngày hẹn trả), on-time verdicts and the due-date audit: docs/rules.md "Due dates" and
"Was a dossier handled on time?".

* :func:`due_at` — the statutory due moment from a receipt moment and a :class:`TimeLimit`.
* :func:`classify` — the national portal's criterion-2.1 verdict for one dossier.
* :func:`audit` — whether a recorded due date hides lateness against the statutory one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from .calendar import WorkingCalendar
from .errors import MissingDataError, PolicyError, RecordError
from .policy import CountingPolicy
from .records import Dossier, Procedure, SupplementRequest, Timeliness, to_local
from .timelimits import LimitKind, TimeLimit

if TYPE_CHECKING:
    from collections.abc import Callable

    import polars as pl

__all__ = [
    "AuditResult",
    "DeadlinePolicy",
    "ProcessingTime",
    "Verdict",
    "audit",
    "classify",
    "due_at",
    "effective_end",
    "office_hours_between",
    "processing_time",
    "statutory_due_at",
]

_AFTER_HOURS = ("next_working_day", "same_day")
_GRANULARITY = ("date", "datetime")
_SUPPLEMENT_RULES = ("restart", "pause")


def _one_of(options: tuple[str, ...]) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in options:
            raise PolicyError(f"must be one of {', '.join(options)}", record="DeadlinePolicy",
                              field=attribute.name, value=value)
    return check


def _check_office_hours(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    ok = isinstance(value, tuple) and len(value) >= 1
    if ok:
        prev: time | None = None
        for pair in value:
            if not (isinstance(pair, tuple) and len(pair) == 2
                    and all(isinstance(t, time) and t.tzinfo is None for t in pair)
                    and pair[0] < pair[1] and (prev is None or prev <= pair[0])):
                ok = False
                break
            prev = pair[1]
    if not ok:
        raise PolicyError("must be a tuple of increasing (open, close) datetime.time pairs",
                          record="DeadlinePolicy", field="office_hours", value=value)


@attrs.define(frozen=True, slots=True)
class DeadlinePolicy:
    """The conventions due dates and verdicts are computed with (docs/rules.md "Due dates" and
    "Was a dossier handled on time?").

    * ``office_hours`` — default 07:30–11:30 and 13:00–17:00 (8 hours a day).
    * ``after_hours`` — a dossier received after office close or on a day off starts counting
      from the next working day (``"next_working_day"``, the one-stop systems' convention) or
      from its calendar date (``"same_day"``).
    * ``granularity`` — verdicts compare dates (``"date"``, the portal's rule) or moments
      (``"datetime"``).
    * ``supplement_rule`` — for statutory due dates: ``"restart"`` the full limit from the moment
      the requested papers arrive (Decree 61/2018/NĐ-CP Art. 19.4, "thời hạn giải quyết được tính
      lại từ đầu sau khi nhận đủ hồ sơ"), or ``"pause"`` the clock while the applicant is asked.
    """

    office_hours: tuple[tuple[time, time], ...] = attrs.field(
        default=((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
        validator=_check_office_hours,
    )
    after_hours: str = attrs.field(default="next_working_day", validator=_one_of(_AFTER_HOURS))
    granularity: str = attrs.field(default="date", validator=_one_of(_GRANULARITY))
    supplement_rule: str = attrs.field(default="restart", validator=_one_of(_SUPPLEMENT_RULES))

    @property
    def office_open(self) -> time:
        return self.office_hours[0][0]

    @property
    def office_close(self) -> time:
        return self.office_hours[-1][1]

    @property
    def hours_per_day(self) -> Fraction:
        return sum((_span(a, b) for a, b in self.office_hours), Fraction(0)) / 3600


DEFAULT_POLICY = DeadlinePolicy()


def _span(a: time, b: time) -> Fraction:
    return Fraction((b.hour - a.hour) * 3600 + (b.minute - a.minute) * 60 + (b.second - a.second))


def _seconds_of_day(t: time) -> Fraction:
    return Fraction(t.hour * 3600 + t.minute * 60 + t.second) + Fraction(t.microsecond, 10**6)


def _at(d: date, seconds: Fraction) -> datetime:
    whole = int(seconds)
    micro = round((seconds - whole) * 10**6)
    return datetime.combine(d, time(0)) + timedelta(seconds=whole, microseconds=micro)


def _moment(value: Any, field: str) -> datetime:
    if value is None:
        raise MissingDataError("a moment is required", record="due_at", field=field, value=None)
    local: datetime = to_local(value, label="due_at", field=field)
    return local


def _start_day(received: datetime, cal: WorkingCalendar, pol: DeadlinePolicy) -> date:
    """docs/rules.md "Due dates" rule 1. Not a clause of the decrees: the one-stop systems'
    convention that a dossier
    received after office close, or on a day off (online dossiers arrive at any hour), is taken
    in on the next working day."""
    d = received.date()
    if cal.is_working_day(d) and received.time() <= pol.office_close:
        return d
    if pol.after_hours == "same_day":
        return d
    return cal.next_working_day(d)


def due_from_receipt(received: datetime, limit: TimeLimit, cal: WorkingCalendar,
                     pol: DeadlinePolicy) -> datetime:
    """The statutory due moment of a receipt under ``limit`` (docs/rules.md "Due dates"), its
    arguments already checked: :func:`due_at`'s rule core, which
    :mod:`~chiso766.population` counts with (not in ``__all__``)."""
    kind = limit.kind
    close = pol.office_close
    if kind is LimitKind.WORKING_DAYS:
        # Civil Code 2015 Art. 147.2–3: the day of the event is not counted.
        start = _start_day(received, cal, pol)
        return datetime.combine(cal.add_working_days(start, int(limit.amount)), close)
    if kind is LimitKind.CALENDAR_DAYS:
        # Civil Code 2015 Art. 148: a period ending on a day off ends on the next working day.
        start = _start_day(received, cal, pol)
        end = start + timedelta(days=int(limit.amount))
        return datetime.combine(cal.add_working_days(end, 0), close)
    if kind is LimitKind.MONTHS:
        # Civil Code 2015 Art. 148: the same day of the last month (its last day when it has
        # none); a period ending on a day off ends on the next working day.
        start = _start_day(received, cal, pol)
        return datetime.combine(cal.add_working_days(limit.months_after(start), 0), close)
    if kind is LimitKind.SAME_DAY:
        cutoff = limit.cutoff or time(15, 0)
        d = received.date()
        if cal.is_working_day(d) and received.time() <= cutoff:
            return datetime.combine(d, close)
        return datetime.combine(cal.next_working_day(d), close)
    return _add_working_hours(received, limit.amount, cal, pol)


def due_from_receipt_columns(starts: pl.DataFrame, limit_of: Callable[[str], TimeLimit | None],
                             table: pl.DataFrame, cal: WorkingCalendar,
                             pol: DeadlinePolicy) -> pl.Series:
    """:func:`due_from_receipt` over a frame (columns ``start``: ``pl.Datetime("us")``, and
    ``code``, a procedure whose limit is ``limit_of(code)``; null where it has none): its
    columnar form, the working-day, calendar-day, working-hour and same-day limits as
    expressions over ``table`` (the calendar as :func:`chiso766.population.calendar_table`
    gives it: ``date``, ``working_index`` — the working days up to that date —, ``working``).
    A limit in months, hours that are not a whole number of microseconds, or a row whose
    dates fall outside the table, is computed by :func:`due_from_receipt` itself, once per
    distinct (start, procedure)."""
    import polars as pl

    codes = starts["code"].unique().to_list()
    limits = {code: limit_of(code) for code in codes}
    kinds = pl.DataFrame(
        {"code": codes,
         "_kind": [None if lim is None else lim.kind.value for lim in limits.values()],
         "_n": [int(lim.amount) if lim is not None and lim.kind in _DAY_KINDS else None
                for lim in limits.values()],
         "_h": [_whole_us(lim.amount * 3600) if lim is not None
                and lim.kind is LimitKind.WORKING_HOURS else None for lim in limits.values()],
         "_cut": [time_of_day_us(lim.cutoff or time(15, 0)) if lim is not None
                  and lim.kind is LimitKind.SAME_DAY else None for lim in limits.values()]},
        schema={"code": pl.String, "_kind": pl.String, "_n": pl.Int64, "_h": pl.Int64,
                "_cut": pl.Int64})
    days = table.select(pl.col("date").alias("_d"), pl.col("working_index").alias("_i"),
                        pl.col("working").alias("_w"))
    workdays = table.filter(pl.col("working") == 1).select(
        pl.col("working_index").alias("_k"), pl.col("date").alias("_day"))
    close = pol.office_close
    frame = starts.select("start", "code").with_row_index("_row").join(
        kinds, on="code", how="left").with_columns(_d=pl.col("start").dt.date())
    frame = frame.join(days, on="_d", how="left")
    # _start_day: the receipt's own day when it is a working day and the receipt is by office
    # close (or the policy counts from the calendar date), else the next working day: its
    # working index, and whether it is a working day.
    own_day = ((pl.col("_w") == 1) & (pl.col("start").dt.time() <= close)) \
        if pol.after_hours != "same_day" else pl.lit(True)
    frame = frame.with_columns(
        _si=pl.when(own_day).then(pl.col("_i")).otherwise(pl.col("_i") + 1),
        _sw=pl.when(own_day).then(pl.col("_w")).otherwise(1),
        _sd=pl.when(own_day).then(pl.col("_d")),
    )
    working = LimitKind.WORKING_DAYS.value
    # Working days: the n-th working day after the start day (n = 0: the start day if it is a
    # working day, else the next one), as WorkingCalendar.add_working_days counts.
    frame = frame.with_columns(_k=pl.when(pl.col("_kind") == working).then(
        pl.when(pl.col("_n") > 0).then(pl.col("_si") + pl.col("_n"))
        .otherwise(pl.col("_si") + 1 - pl.col("_sw"))))
    # Calendar days: the start day + n, moved to the next working day if it is a day off. The
    # start day itself is needed here: the receipt's day, or the working day of index _si.
    frame = frame.join(workdays.rename({"_k": "_si", "_day": "_next"}), on="_si", how="left")
    frame = frame.with_columns(_e=pl.when(pl.col("_kind") == LimitKind.CALENDAR_DAYS.value).then(
        pl.coalesce("_sd", "_next") + pl.duration(days=pl.col("_n"))))
    frame = frame.join(days.rename({"_d": "_e", "_i": "_ei", "_w": "_ew"}), on="_e", how="left")
    frame = frame.with_columns(_k=pl.coalesce("_k", pl.col("_ei") + 1 - pl.col("_ew")))
    # The same day: by the cut-off on a working day, that day at office close; else the next
    # working day's close.
    tod = (pl.col("start") - pl.col("start").dt.truncate("1d")).dt.total_microseconds()
    same_day = pl.col("_kind") == LimitKind.SAME_DAY.value
    frame = frame.with_columns(_k=pl.when(same_day).then(
        pl.when((pl.col("_w") == 1) & (tod <= pl.col("_cut"))).then(pl.col("_i"))
        .otherwise(pl.col("_i") + 1)).otherwise(pl.col("_k")))
    # Working hours: office time consumed from the receipt (its own time of day); the other
    # limits end at office close. Computed only on the rows whose limit is in working hours
    # (a large expression: evaluated over every row it cost more than the rest together).
    hours = pl.col("_kind") == LimitKind.WORKING_HOURS.value
    frame = frame.with_columns(_tod=pl.lit(time_of_day_us(close), dtype=pl.Int64))
    if LimitKind.WORKING_HOURS.value in kinds["_kind"].to_list():
        timed = frame.filter(hours).with_columns(_tod0=tod)
        for stage in _working_hours_stages(pol):
            timed = timed.with_columns(**stage)
        frame = frame.join(timed.select("_row", _hours_k="_k", _hours_tod="_tod"), on="_row",
                           how="left", maintain_order="left").with_columns(
            _k=pl.when(hours).then("_hours_k").otherwise("_k"),
            _tod=pl.when(hours).then("_hours_tod").otherwise("_tod"),
        ).drop("_hours_k", "_hours_tod")
    frame = frame.join(workdays, on="_k", how="left").sort("_row")
    due = pl.col("_day").cast(pl.Datetime("us")) + pl.duration(microseconds=pl.col("_tod"))
    frame = frame.with_columns(_due=due)
    rest = frame.filter(pl.col("_kind").is_not_null() & pl.col("_due").is_null())
    if rest.height:
        found: dict[tuple[datetime, str], datetime] = {}
        for moment, code in rest.select("start", "code").unique().iter_rows():
            limit = limits[code]
            assert limit is not None
            found[moment, code] = due_from_receipt(moment, limit, cal, pol)
        table_rest = pl.DataFrame(
            {"start": [k[0] for k in found], "code": [k[1] for k in found],
             "_scalar": list(found.values())},
            schema={"start": pl.Datetime("us"), "code": pl.String, "_scalar": pl.Datetime("us")})
        frame = frame.join(table_rest, on=["start", "code"], how="left").sort("_row").with_columns(
            _due=pl.coalesce("_due", "_scalar"))
    return frame["_due"]


#: The limits :func:`due_from_receipt_columns` counts in whole days.
_DAY_KINDS = (LimitKind.WORKING_DAYS, LimitKind.CALENDAR_DAYS)


def _whole_us(seconds: Fraction) -> int | None:
    """``seconds`` in microseconds, when that is a whole number (else the scalar code)."""
    us = seconds * 10**6
    return int(us) if us.denominator == 1 else None


def _working_hours_stages(pol: DeadlinePolicy) -> list[dict[str, pl.Expr]]:
    """:func:`_add_working_hours` over columns (``_i``, ``_w``: the receipt day's working index
    and flag; ``_h``: the hours in microseconds; ``_tod0``: the receipt's time of day in
    microseconds), as stages of columns to add in order (``frame.with_columns(**stage)``): the
    last gives ``_k``, the working index of the due day, and ``_tod``, the due time of day.
    In stages because one expression repeats its parts: polars took milliseconds a batch to
    plan it, whatever the rows."""
    import polars as pl

    windows = [(time_of_day_us(a), time_of_day_us(b)) for a, b in pol.office_hours]
    opening, close = windows[0][0], windows[-1][1]
    day_len = sum(b - a for a, b in windows)
    hours, now = pl.col("_h"), pl.col("_wh_now")
    # Moved into office hours: a day off, or at or after office close, starts at the next
    # working day's opening.
    moved = (pl.col("_w") != 1) | (pl.col("_tod0") >= close)
    stages: list[dict[str, pl.Expr]] = [{
        "_wh_first": pl.when(moved).then(pl.col("_i") + 1).otherwise(pl.col("_i")),
        "_wh_now": pl.when(moved).then(opening).otherwise(pl.col("_tod0")),
    }]
    # Each window: where the day's time begins in it and how much of it is left.
    stages.append({name: expr for i, (a, b) in enumerate(windows) for name, expr in (
        (f"_wh_begin{i}", pl.max_horizontal(now, pl.lit(a, dtype=pl.Int64))),
        (f"_wh_free{i}", (b - pl.max_horizontal(now, pl.lit(a, dtype=pl.Int64)))
         .clip(lower_bound=0)))})
    # The time left before each window, and after the first (possibly partial) day.
    free = [pl.col(f"_wh_free{i}") for i in range(len(windows))]
    before: list[pl.Expr] = [pl.lit(0, dtype=pl.Int64)]
    for column in free:
        before.append(before[-1] + column)
    stages.append({**{f"_wh_before{i}": before[i] for i in range(len(windows))},
                   "_wh_rest": hours - before[-1]})
    # The first day: the first window where what is left fits; whole days in between, by the
    # calendar index; the rest lands in the last day.
    in_first: Any = None
    for i, (_, b) in enumerate(windows):
        left = hours - pl.col(f"_wh_before{i}")
        fits = (now < b) & (left <= pl.col(f"_wh_free{i}"))
        step = pl.col(f"_wh_begin{i}") + left
        in_first = pl.when(fits).then(step) if in_first is None \
            else in_first.when(fits).then(step)
    rest = pl.col("_wh_rest")
    stages.append({"_wh_in_first": in_first.otherwise(None),
                   "_wh_full": (rest + day_len - 1) // day_len - 1})
    full = pl.col("_wh_full")
    last = rest - full * day_len
    done = 0
    in_last: Any = None
    for a, b in windows:
        fits = last <= done + (b - a)
        step = a + last - done
        in_last = pl.when(fits).then(step) if in_last is None else in_last.when(fits).then(step)
        done += b - a
    first_tod, first = pl.col("_wh_in_first"), pl.col("_wh_first")
    stages.append({"_k": pl.when(first_tod.is_not_null()).then(first).otherwise(first + full + 1),
                   "_tod": pl.coalesce(first_tod, in_last.otherwise(None))})
    return stages


def _add_working_hours(received: datetime, hours: Fraction, cal: WorkingCalendar,
                       pol: DeadlinePolicy) -> datetime:
    """Move ``received`` into office hours, then consume ``hours`` of office time."""
    d = received.date()
    now = _seconds_of_day(received.time())
    windows = [(_seconds_of_day(a), _seconds_of_day(b)) for a, b in pol.office_hours]
    if not cal.is_working_day(d) or now >= windows[-1][1]:
        d = cal.next_working_day(d)
        now = windows[0][0]
    remaining = hours * 3600
    # First (possibly partial) day.
    for a, b in windows:
        if now >= b:
            continue
        begin = max(now, a)
        available = b - begin
        if remaining <= available:
            return _at(d, begin + remaining)
        remaining -= available
    day_len = pol.hours_per_day * 3600
    # Whole days in between, by the calendar index; the remainder lands in the last day.
    full = -(-remaining // day_len) - 1
    remaining -= full * day_len
    d = cal.add_working_days(d, int(full) + 1)
    for a, b in windows:
        if remaining <= b - a:
            return _at(d, a + remaining)
        remaining -= b - a
    raise AssertionError("unreachable: the remainder fits in one working day")  # pragma: no cover


def due_at(
    received_at: datetime | date,
    limit: TimeLimit,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    *,
    supplements: Sequence[SupplementRequest] = (),
) -> datetime:
    """The statutory due moment of a dossier received at ``received_at`` (docs/rules.md "Due
    dates").

    Working days: the ``n``-th working day after the start day, at office close (the start day
    itself is not counted, Civil Code 2015 Art. 147). Calendar days: start day + ``n``, moved to
    the next working day if that is a day off (Art. 148). Working hours: office time consumed
    from the receipt moment. Same day: the 15:00 cut-off (Law on Civil Status 2014 Art. 5.3;
    Decree 23/2015/NĐ-CP).

    With ``supplements`` the policy's ``supplement_rule`` applies: ``"restart"`` counts the full
    limit again from the last answered request's ``supplied_at`` (Decree 61/2018/NĐ-CP
    Art. 19.4); ``"pause"`` moves the due date later by the working days each request waited.
    A request still unanswered stops the clock: :class:`MissingDataError`.
    """
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    pol = policy if policy is not None else DEFAULT_POLICY
    if not isinstance(limit, TimeLimit):
        raise RecordError("must be a TimeLimit", record="due_at", field="limit", value=limit)
    if not isinstance(cal, WorkingCalendar):
        raise PolicyError("must be a WorkingCalendar", record="due_at", field="calendar",
                          value=calendar)
    if not isinstance(pol, DeadlinePolicy):
        raise PolicyError("must be a DeadlinePolicy", record="due_at", field="policy",
                          value=policy)
    received = _moment(received_at, "received_at")
    if isinstance(supplements, (str, bytes)) or not isinstance(supplements, Iterable):
        raise RecordError("must be a sequence of SupplementRequest", record="due_at",
                          field="supplements", value=supplements)
    sups = list(supplements)
    for sup in sups:
        if not isinstance(sup, SupplementRequest):
            raise RecordError("must be SupplementRequest records", record="due_at",
                              field="supplements", value=sup)
    if any(s.supplied_at is None for s in sups):
        raise MissingDataError(
            "the applicant has not brought the requested papers: the clock is stopped until "
            "they do (Decree 61/2018/NĐ-CP Art. 19.4)",
            record="due_at", field="supplements", value=len(sups),
        )
    if sups and pol.supplement_rule == "restart":
        last = max(s.supplied_at for s in sups if s.supplied_at is not None)
        return due_from_receipt(max(last, received), limit, cal, pol)
    due = due_from_receipt(received, limit, cal, pol)
    for sup in sups:
        assert sup.supplied_at is not None
        waited = cal.working_days_between(sup.requested_at.date(), sup.supplied_at.date())
        if waited:
            due = datetime.combine(cal.add_working_days(due.date(), waited), due.time())
    return due


# ---------------------------------------------------------------------------------------------
# verdicts


@attrs.define(frozen=True, slots=True)
class Verdict:
    """The on-time verdict for one dossier (docs/rules.md "Was a dossier handled on time?"), with
    what it was computed from."""

    dossier_id: str
    status: Timeliness
    due_at: datetime
    due_source: str  #: "recorded" (NgayHenTra) or "statutory" (from the time limit)
    end_at: datetime  #: end of processing used (the evaluation moment for pending dossiers)
    end_source: str  #: finished_at, returned_at, stopped_at, supplement_requested_at or as_of
    adjusted_end_at: datetime  #: end minus the time the applicant took to supplement
    applicant_time: timedelta
    supplement_count: int
    late_working_days: int
    new_due_at: datetime | None
    late_against_new_due: bool | None
    reasons: tuple[str, ...]
    #: ``False`` for a dossier with no ``received_at`` (NgayTiepNhan), only ``submitted_at``:
    #: it is in no period's population and criterion 2.1 does not count it, whatever its status
    #: (docs/rules.md "Populations"); the status is computed from the submission for audits.
    received: bool = True

    @property
    def in_time(self) -> bool:
        return self.status.in_time

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.status.value} — " + "; ".join(self.reasons)


def effective_end(
    dossier: Dossier, as_of: datetime | date | None = None
) -> tuple[datetime | None, str]:
    """End of processing as criterion 2.1 sees it at ``as_of`` (docs/rules.md "Was a dossier
    handled on time?"): the first of finished >
    returned > stopped that happened by ``as_of``; else, with exactly one supplement request the
    applicant has not answered, the request moment; else ``None`` (still in progress)."""
    dossier = _check_dossier(dossier, "effective_end")
    moment = None if as_of is None else to_local(as_of, completion=True, label="effective_end",
                                                 field="as_of")
    return end_of_processing(dossier, moment)


def end_of_processing(dossier: Dossier, as_of: datetime | None,
                      ) -> tuple[datetime | None, str]:
    """:func:`effective_end`'s rule, its arguments already checked (``as_of`` local time);
    :mod:`~chiso766.population` counts with it (not in ``__all__``)."""
    for name in ("finished_at", "returned_at", "stopped_at"):
        value = getattr(dossier, name)
        if value is not None and (as_of is None or value <= as_of):
            return value, name
    asked = [s for s in dossier.supplements if as_of is None or s.requested_at <= as_of]
    if len(asked) == 1:
        sup = asked[0]
        if sup.supplied_at is None or (as_of is not None and sup.supplied_at > as_of):
            return sup.requested_at, "supplement_requested_at"
    return None, ""


def _limit_of(procedure: Procedure | None, time_limit: TimeLimit | None) -> TimeLimit | None:
    if time_limit is not None:
        if not isinstance(time_limit, TimeLimit):
            raise RecordError("must be a TimeLimit", record="classify", field="time_limit",
                              value=time_limit)
        return time_limit
    if procedure is not None:
        if not isinstance(procedure, Procedure):
            raise RecordError("must be a Procedure", record="classify", field="procedure",
                              value=procedure)
        return procedure.time_limit
    return None


def _check_dossier(dossier: Any, where: str) -> Dossier:
    if not isinstance(dossier, Dossier):
        raise RecordError("must be a Dossier", record=where, field="dossier", value=dossier)
    return dossier


def classify(
    dossier: Dossier,
    procedure: Procedure | None = None,
    *,
    time_limit: TimeLimit | None = None,
    calendar: WorkingCalendar | None = None,
    as_of: datetime | date | None = None,
    policy: DeadlinePolicy | None = None,
    counting: CountingPolicy | None = None,
    explain: bool = True,
) -> Verdict:
    """Was ``dossier`` handled on time? The national portal's rule for criterion 2.1
    (docs/rules.md "Was a dossier handled on time?").

    * Due date: the recorded ``due_at`` (NgayHenTra); if missing, :func:`due_at` from the
      receipt with the procedure's time limit (no supplement adjustment here).
    * End: finished > returned > stopped; with exactly one unanswered supplement request and no
      end, the request moment. Events after ``as_of`` have not happened yet.
    * More than one supplement request: with ``counting.multiple_supplements_late`` at its
      default ``"unfinished_only"`` (the portal's description), late whatever the dates only
      when the dossier has no finished or returned moment by ``as_of``; a finished or returned
      one is judged on its dates. ``"always"``: always late (Decree 61/2018/NĐ-CP Art. 15:
      guidance is given "một lần đầy đủ").
    * The applicant's time (``supplied_at - requested_at``) is subtracted from the end.
    * A dossier with no ``received_at`` (only ``submitted_at``) is judged from its submission,
      but ``Verdict.received`` is ``False`` and a reason says so: it belongs to no period's
      population and 2.1 does not count it (docs/rules.md "Populations").
    * Not ended at ``as_of``: ``PENDING_IN_TIME`` or ``PENDING_LATE`` against ``as_of``.
    * Compared by date (policy ``granularity``): EARLY before, ON_TIME the same date, LATE after.

    ``as_of`` is required only for a dossier still in progress: no clock is read. The verdict's
    ``reasons`` (Vietnamese sentences, for audits and explanations) are written from its fields
    after the rule has decided; ``explain=False`` leaves them out (``()``), which is what
    counting asks for: the same verdict, without formatting a sentence per dossier.
    """
    d = _check_dossier(dossier, "classify")
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    pol = policy if policy is not None else DEFAULT_POLICY
    if not isinstance(pol, DeadlinePolicy):
        raise PolicyError("must be a DeadlinePolicy", record="classify", field="policy",
                          value=policy)
    if not isinstance(cal, WorkingCalendar):
        raise PolicyError("must be a WorkingCalendar", record="classify", field="calendar",
                          value=calendar)
    always = _multiple_supplements_always(counting)
    moment = None if as_of is None else to_local(as_of, completion=True, label="classify",
                                                 field="as_of")
    limit = _limit_of(procedure, time_limit) if d.due_at is None else None
    status, due, due_source, end, end_source, adjusted, applicant, asked = judge(
        d, limit, cal, pol, moment, always)
    late_days = late_working_days(status, due, adjusted, cal)

    late_new: bool | None = None
    if d.new_due_at is not None:
        late_new = adjusted.date() > d.new_due_at.date() if pol.granularity == "date" \
            else adjusted > d.new_due_at
    verdict = Verdict(
        dossier_id=d.id, status=status, due_at=due, due_source=due_source, end_at=end,
        end_source=end_source, adjusted_end_at=adjusted, applicant_time=applicant,
        supplement_count=asked, late_working_days=late_days, new_due_at=d.new_due_at,
        late_against_new_due=late_new, reasons=(),
        received=d.received_at is not None,
    )
    if not explain:
        return verdict
    limit_text = str(_limit_of(procedure, time_limit)) if due_source == "statutory" else ""
    return attrs.evolve(verdict, reasons=_reasons(verdict, limit_text, always))


def judge(d: Dossier, limit: TimeLimit | None, cal: WorkingCalendar, pol: DeadlinePolicy,
          moment: datetime | None, always: bool,
          ) -> tuple[Timeliness, datetime, str, datetime, str, datetime, timedelta, int]:
    """The rule of :func:`classify` (docs/rules.md "Was a dossier handled on time?"), its
    arguments already checked: ``limit`` the procedure's time limit (used only with no recorded
    due date), ``moment`` the evaluation moment as local time, ``always`` the policy
    ``multiple_supplements_late == "always"``. Gives the status, the due date and its source,
    the end and its source, the adjusted end, the applicant's time and the requests made by
    ``moment``; :func:`~chiso766.population.dossier_shape` counts with it directly (not in
    ``__all__``: no checks, no reasons)."""
    if d.due_at is not None:
        due = d.due_at
        due_source = "recorded"
    else:
        if limit is None:
            raise MissingDataError(
                "no recorded due date (NgayHenTra) and no time limit to compute one",
                record=f"Dossier {d.id!r}", field="due_at", value=None,
            )
        due = due_from_receipt(d.receipt, limit, cal, pol)
        due_source = "statutory"

    asked = (sum(1 for s in d.supplements if moment is None or s.requested_at <= moment)
             if d.supplements else 0)
    applicant = applicant_time(d, moment)  # an answer comes after its request

    end, end_source = end_of_processing(d, moment)
    pending = end is None
    if end is None:
        if moment is None:
            raise MissingDataError(
                "the dossier is still being processed: give as_of (the evaluation moment)",
                record=f"Dossier {d.id!r}", field="as_of", value=None,
            )
        end, end_source = moment, "as_of"
    adjusted = end - applicant

    if pol.granularity == "date":
        late = adjusted.date() > due.date()
    else:
        late = adjusted > due
    if asked > 1 and (always or not _has_result(d, moment)):
        late = True

    if pending:
        status = Timeliness.PENDING_LATE if late else Timeliness.PENDING_IN_TIME
    elif late:
        status = Timeliness.LATE
    elif adjusted.date() < due.date():
        status = Timeliness.EARLY
    else:
        status = Timeliness.ON_TIME
    return status, due, due_source, end, end_source, adjusted, applicant, asked


def late_working_days(status: Timeliness, due: datetime, adjusted: datetime,
                      cal: WorkingCalendar) -> int:
    """How many working days late a verdict of :func:`judge` is (``Verdict.late_working_days``;
    docs/rules.md "Was a dossier handled on time?"): from the due date to the end less the
    applicant's time, for ``LATE`` or ``PENDING_LATE``; 0 otherwise. What HCM 104's part A
    reads besides the status (:mod:`chiso766.hcm104`), without the verdict object."""
    if status is Timeliness.LATE or status is Timeliness.PENDING_LATE:
        return max(0, cal.working_days_between(due.date(), adjusted.date()))
    return 0


def _reasons(v: Verdict, limit_text: str, always: bool) -> tuple[str, ...]:
    """The sentences that explain ``v``, written from its fields (the rule decided in
    :func:`classify`): receipt, due date, end, the applicant's time, more than one request,
    working days late, a new due date."""
    reasons: list[str] = []
    if not v.received:
        reasons.append("chưa được tiếp nhận (không có NgayTiepNhan): không thuộc tổng số hồ sơ "
                       "của chỉ số 2.1; tính từ ngày nộp (NgayNopHoSo)")
    if v.due_source == "recorded":
        reasons.append(f"hạn trả ghi nhận (NgayHenTra) {v.due_at:%d/%m/%Y %H:%M}")
    else:
        reasons.append(f"không có NgayHenTra; hạn tính theo thời hạn {limit_text}: "
                       f"{v.due_at:%d/%m/%Y %H:%M}")
    if v.end_source == "as_of":
        reasons.append(f"chưa kết thúc xử lý tại thời điểm đánh giá {v.end_at:%d/%m/%Y %H:%M}")
    else:
        reasons.append(f"kết thúc xử lý ({v.end_source}) {v.end_at:%d/%m/%Y %H:%M}")
    if v.applicant_time:
        reasons.append(f"trừ thời gian công dân bổ sung hồ sơ {_duration(v.applicant_time)}")
    if v.supplement_count > 1:
        # Finished or returned by the evaluation moment: the end is one of them (effective_end
        # takes them before a stop).
        if always or v.end_source not in ("finished_at", "returned_at"):
            reasons.append(f"yêu cầu bổ sung {v.supplement_count} lần (quá 1 lần): tính là quá "
                           "hạn")
        else:
            reasons.append(f"yêu cầu bổ sung {v.supplement_count} lần; đã có kết quả: xét theo "
                           "ngày (multiple_supplements_late='unfinished_only')")
    if v.late_working_days:
        reasons.append(f"trễ {v.late_working_days} ngày làm việc")
    if v.new_due_at is not None:
        reasons.append(
            f"có văn bản xin lỗi hẹn lại ngày {v.new_due_at:%d/%m/%Y} (không làm hồ sơ trễ thành "
            "đúng hạn, NĐ 61/2018 Điều 19.9)"
            + ("; trễ cả so với ngày hẹn lại" if v.late_against_new_due else "")
        )
    return tuple(reasons)


def _multiple_supplements_always(counting: Any) -> bool:
    """Policy ``multiple_supplements_late`` of a :class:`CountingPolicy` (``None``: default)."""
    if counting is None:
        return False
    if not isinstance(counting, CountingPolicy):
        raise PolicyError("must be a CountingPolicy", record="classify", field="counting",
                          value=counting)
    return counting.multiple_supplements_late == "always"


def _has_result(d: Dossier, moment: datetime | None) -> bool:
    """Finished or returned by ``moment`` (the "more than one request" rule's exception)."""
    return any(m is not None and (moment is None or m <= moment)
               for m in (d.finished_at, d.returned_at))


# ---------------------------------------------------------------------------------------------
# processing time (criterion 2.2)

#: The unit 2.2 expresses a procedure's mean in, by the kind of its time limit
#: (docs/rules.md "2.2"): a same-day limit is measured in working hours; no limit, working days.
PROCESSING_UNITS = {
    LimitKind.WORKING_DAYS: "working_days",
    LimitKind.CALENDAR_DAYS: "calendar_days",
    LimitKind.WORKING_HOURS: "working_hours",
    LimitKind.SAME_DAY: "working_hours",
    LimitKind.MONTHS: "months",
}


def processing_unit(limit: TimeLimit | None) -> str:
    """The unit criterion 2.2 measures a procedure with this time limit in."""
    return "working_days" if limit is None else PROCESSING_UNITS[limit.kind]


@attrs.define(frozen=True, slots=True)
class ProcessingTime:
    """One dossier's processing time for criterion 2.2: end (finished, else returned) − receipt
    − the applicant's supplement time, in working days and in its procedure's own unit."""

    dossier_id: str
    working_days: int  #: working days from the receipt date to the adjusted end's date
    value: Fraction  #: in ``unit``
    unit: str  #: working_days, calendar_days, working_hours or months


#: Microseconds in an hour: office time is counted in whole microseconds, and a value in
#: working hours is ``Fraction(office_us, HOUR_US)``.
HOUR_US = 3_600_000_000
_DAY_US = 24 * HOUR_US


def office_hours_between(start: datetime, end: datetime, calendar: WorkingCalendar | None = None,
                         policy: DeadlinePolicy | None = None) -> Fraction:
    """Office hours (policy ``office_hours`` on working days) between two moments; 0 when
    ``end`` is not after ``start``. O(1) after the calendar's yearly index; counted in whole
    microseconds (exact: a moment has no finer part), a Fraction only at the end."""
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    pol = policy if policy is not None else DEFAULT_POLICY
    if end <= start:
        return Fraction(0)
    windows = [(time_of_day_us(a), time_of_day_us(b)) for a, b in pol.office_hours]

    def within(d: date, t0: int, t1: int) -> int:
        if not cal.is_working_day(d):
            return 0
        total = 0
        for a, b in windows:
            span = min(b, t1) - max(a, t0)
            if span > 0:
                total += span
        return total

    day0, day1 = start.date(), end.date()
    t0, t1 = time_of_day_us(start.time()), time_of_day_us(end.time())
    if day0 == day1:
        return Fraction(within(day0, t0, t1), HOUR_US)
    between = cal.working_days_between(day0, day1) - (1 if cal.is_working_day(day1) else 0)
    office_us = within(day0, t0, _DAY_US) + within(day1, 0, t1)
    # A whole working day: every window, to the microsecond (as within counts a part day).
    day_us = sum(b - a for a, b in windows)
    return Fraction(office_us + between * day_us, HOUR_US)


def time_of_day_us(t: time) -> int:
    """Microseconds from midnight to ``t`` (office hours and times of day in whole
    microseconds: exact integers)."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _months_between(a: date, b: date) -> Fraction:
    """Whole months from ``a`` (as :meth:`TimeLimit.months_after` counts them) plus the rest as
    a fraction of the next month's length; 0 when ``b`` is not after ``a``."""
    if b <= a:
        return Fraction(0)
    from dateutil.relativedelta import relativedelta

    m = (b.year - a.year) * 12 + b.month - a.month
    while m > 0 and a + relativedelta(months=m) > b:
        m -= 1
    here = a + relativedelta(months=m)
    after = a + relativedelta(months=m + 1)
    return m + Fraction((b - here).days, (after - here).days)


def measure_processing(receipt: datetime, end: datetime, limit: TimeLimit | None,
                       calendar: WorkingCalendar, policy: DeadlinePolicy,
                       ) -> tuple[int, Fraction | int]:
    """Working days and the value in the procedure's unit from ``receipt`` to ``end`` (the end
    already adjusted for the applicant's time; never negative). A value in days is an ``int``
    (sums of millions of them stay integer arithmetic), in hours or months a ``Fraction``."""
    end = max(end, receipt)
    days = max(0, calendar.working_days_between(receipt.date(), end.date()))
    unit = processing_unit(limit)
    if unit == "working_days":
        return days, days
    if unit == "calendar_days":
        return days, (end.date() - receipt.date()).days
    if unit == "months":
        return days, _months_between(receipt.date(), end.date())
    return days, office_hours_between(receipt, end, calendar, policy)


def processing_time(
    dossier: Dossier,
    procedure: Procedure | None = None,
    *,
    time_limit: TimeLimit | None = None,
    calendar: WorkingCalendar | None = None,
    as_of: datetime | date | None = None,
    policy: DeadlinePolicy | None = None,
) -> ProcessingTime | None:
    """Criterion 2.2's processing time of ``dossier`` (docs/rules.md "2.2"): from the receipt
    (``received_at``) to the result (``finished_at``, else ``returned_at``, by ``as_of``) minus
    the applicant's supplement time (requests answered by ``as_of``), in working days and in the
    unit of the procedure's time limit. ``None`` for a dossier with no ``received_at``, or not
    finished or returned by ``as_of`` (a stopped dossier has no processing time)."""
    d = _check_dossier(dossier, "processing_time")
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    pol = policy if policy is not None else DEFAULT_POLICY
    moment = None if as_of is None else to_local(as_of, completion=True,
                                                 label="processing_time", field="as_of")
    limit = _limit_of(procedure, time_limit)
    if d.received_at is None:
        return None
    result = next((m for m in (d.finished_at, d.returned_at)
                   if m is not None and (moment is None or m <= moment)), None)
    if result is None:
        return None
    applicant = applicant_time(d, moment)
    days, value = measure_processing(d.received_at, result - applicant, limit, cal, pol)
    return ProcessingTime(d.id, days, Fraction(value), processing_unit(limit))


def applicant_time(d: Dossier, moment: datetime | None) -> timedelta:
    """The time the applicant took over the supplement requests answered by ``moment``."""
    total = timedelta(0)
    for sup in d.supplements:
        if sup.supplied_at is not None and (moment is None or sup.supplied_at <= moment):
            total += sup.supplied_at - sup.requested_at
    return total


def _duration(td: timedelta) -> str:
    days, rest = td.days, td.seconds
    hours = rest // 3600
    minutes = rest % 3600 // 60
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if minutes or not parts:
        parts.append(f"{minutes} phút")
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# audit

#: Audit flags.
MISSING_RECORDED_DUE = "MISSING_RECORDED_DUE"
RECORDED_LATER_THAN_STATUTORY = "RECORDED_LATER_THAN_STATUTORY"
NO_TIME_LIMIT = "NO_TIME_LIMIT"
AWAITING_APPLICANT = "AWAITING_APPLICANT"
HIDES_LATENESS = "HIDES_LATENESS"
LATE_AGAINST_NEW_DUE = "LATE_AGAINST_NEW_DUE"


def statutory_due_at(
    dossier: Dossier,
    limit: TimeLimit | None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
) -> datetime | None:
    """The due moment the law gives ``dossier`` (docs/rules.md "Due dates" with the policy's
    supplement rule), or
    ``None`` when there is no limit or the applicant still owes papers."""
    dossier = _check_dossier(dossier, "statutory_due_at")
    if limit is None:
        return None
    if any(s.supplied_at is None for s in dossier.supplements):
        return None
    return due_at(dossier.receipt, limit, calendar, policy, supplements=dossier.supplements)


@attrs.define(frozen=True, slots=True)
class AuditResult:
    """What :func:`audit` found about one dossier's recorded due date."""

    dossier_id: str
    recorded_due_at: datetime | None
    statutory_due_at: datetime | None
    extra_working_days: int  #: how many working days the recorded date is later (0 if not)
    flags: tuple[str, ...]
    messages: tuple[str, ...]  #: in Vietnamese, one for each flag
    end_at: datetime | None
    #: the same messages in English (empty when the result was built without them)
    messages_en: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """A recorded due date later than the statutory one, or none recorded."""
        return MISSING_RECORDED_DUE in self.flags or RECORDED_LATER_THAN_STATUTORY in self.flags

    def texts(self, lang: str = "vi") -> tuple[str, ...]:
        """The messages in ``lang``: English for ``"en"`` (when the result has them), else
        Vietnamese. Values (dates, day counts) are the same in both."""
        if lang == "en" and len(self.messages_en) == len(self.messages):
            return self.messages_en
        return self.messages

    def __str__(self) -> str:
        return f"{self.dossier_id}: " + "; ".join(self.messages or ("không có bất thường",))


#: The audit's messages, one for each flag: (Vietnamese, English), formatted with the same values.
_AUDIT_TEXT: dict[str, tuple[str, str]] = {
    MISSING_RECORDED_DUE: ("không ghi nhận ngày hẹn trả (NgayHenTra)",
                           "no due date recorded (NgayHenTra)"),
    NO_TIME_LIMIT: ("không có thời hạn giải quyết để tính hạn theo quy định",
                    "no time limit to compute the statutory due date from"),
    AWAITING_APPLICANT: ("đang chờ công dân bổ sung hồ sơ: thời hạn chưa tính lại",
                         "waiting for the applicant's supplement: the due date is not "
                         "recomputed yet"),
    RECORDED_LATER_THAN_STATUTORY: (
        "hạn ghi nhận {recorded:%d/%m/%Y} muộn hơn hạn theo quy định {statutory:%d/%m/%Y} "
        "({extra} ngày làm việc)",
        "recorded due date {recorded:%d/%m/%Y} is later than the statutory "
        "{statutory:%d/%m/%Y} ({extra} working days)"),
    HIDES_LATENESS: ("kết thúc {end:%d/%m/%Y}: trễ so với quy định nhưng đúng hạn theo ngày "
                     "ghi nhận",
                     "ended {end:%d/%m/%Y}: late against the statutory due date but on time "
                     "against the recorded one"),
    LATE_AGAINST_NEW_DUE: ("trễ cả so với ngày hẹn lại {new_due:%d/%m/%Y}",
                           "late even against the new due date {new_due:%d/%m/%Y}"),
}


def audit(
    dossier: Dossier,
    procedure: Procedure | None = None,
    *,
    time_limit: TimeLimit | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
) -> AuditResult:
    """Compare the recorded due date (NgayHenTra) with the statutory one (docs/rules.md "Was a
    dossier handled on time?" "Audit").

    Flags ``RECORDED_LATER_THAN_STATUTORY`` (and ``HIDES_LATENESS`` when the dossier ended after
    the statutory date but not after the recorded one: a late dossier that looks on time) and
    ``MISSING_RECORDED_DUE``. The statutory date uses the policy's supplement rule, by default
    ``"restart"`` (Decree 61/2018/NĐ-CP Art. 19.4).
    """
    d = _check_dossier(dossier, "audit")
    pol = policy if policy is not None else DEFAULT_POLICY
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    limit = _limit_of(procedure, time_limit)
    return audit_findings(d.id, d.due_at, statutory_due_at(d, limit, cal, pol),
                          limit is not None, d.ended_at, d.new_due_at, cal, pol)


def audit_findings(dossier_id: str, recorded: datetime | None, statutory: datetime | None,
                   has_limit: bool, end: datetime | None, new_due: datetime | None,
                   cal: WorkingCalendar, pol: DeadlinePolicy) -> AuditResult:
    """The rule of :func:`audit` once the statutory due date is known (docs/rules.md "The
    due-date audit"): its flags, the working days the recorded date is later and the messages,
    from the dossier's recorded due date (NgayHenTra), statutory due date
    (:func:`statutory_due_at`), whether its procedure has a time limit, its end of processing
    (:attr:`Dossier.ended_at <chiso766.records.Dossier.ended_at>`) and extended due date
    (NgayHenTraMoi). The engine's audit lists the dossiers whose statutory due date its
    columnar form settles (:func:`~chiso766.population.audit_columns`) with it too (not in
    ``__all__``: its arguments are not checked)."""
    flags: list[str] = []
    values: dict[str, Any] = {}
    extra = 0
    if recorded is None:
        flags.append(MISSING_RECORDED_DUE)
    if not has_limit:
        flags.append(NO_TIME_LIMIT)
    elif statutory is None:
        flags.append(AWAITING_APPLICANT)
    if recorded is not None and statutory is not None:
        later = (recorded.date() > statutory.date()) if pol.granularity == "date" \
            else recorded > statutory
        if later:
            extra = max(0, cal.working_days_between(statutory.date(), recorded.date()))
            flags.append(RECORDED_LATER_THAN_STATUTORY)
            values.update(recorded=recorded, statutory=statutory, extra=extra)
            if end is not None and end.date() > statutory.date() and end.date() <= recorded.date():
                flags.append(HIDES_LATENESS)
                values["end"] = end
    if new_due is not None and end is not None and end.date() > new_due.date():
        flags.append(LATE_AGAINST_NEW_DUE)
        values["new_due"] = new_due
    messages = tuple(_AUDIT_TEXT[f][0].format(**values) for f in flags)
    messages_en = tuple(_AUDIT_TEXT[f][1].format(**values) for f in flags)
    return AuditResult(
        dossier_id=dossier_id, recorded_due_at=recorded, statutory_due_at=statutory,
        extra_working_days=extra, flags=tuple(flags), messages=messages, end_at=end,
        messages_en=messages_en,
    )
