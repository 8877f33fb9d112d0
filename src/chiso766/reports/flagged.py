"""The flagged dossiers a report for a period lists: the due-date audit
(:func:`chiso766.deadlines.audit`) of the period's dossiers only.

The period's dossiers are criterion 2.1's population (docs/rules.md, "Populations"): received
in the period, plus those received earlier that had not ended before it started (carried
over), and received by the evaluation moment. A dossier that ended before the period, or was
received after it, belongs to another period's report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from ..periods import Period

if TYPE_CHECKING:
    import polars as pl

    from ..records import Dossier

__all__ = ["FlaggedDossiers", "ListedDossier", "flagged_dossiers", "in_period",
           "in_population", "in_population_columns", "placement"]


class ListedDossier(NamedTuple):
    """A dossier an audit lists, as the columnar engine's frame gives it: what the audit's
    reports show of the dossier itself (:class:`FlaggedDossiers` with ``every=True`` hands
    these, instead of records, for the rows whose audit it decides in columns)."""

    id: str
    unit_id: str
    procedure_code: str
    receipt: datetime


def in_period(dossier: Any, period: Period) -> bool:
    """Whether ``dossier`` was received in ``period`` (its receipt on a date of the period)."""
    receipt: datetime = dossier.receipt
    return period.start_moment <= receipt and receipt.date() <= period.end


def placement(dossier: Any, period: Period) -> str:
    """Where ``dossier`` was received against ``period``: ``"in"`` (in it), ``"before"``
    (earlier: carried over when still open) or ``"after"``."""
    if in_period(dossier, period):
        return "in"
    return "before" if dossier.receipt < period.start_moment else "after"


def in_population(dossier: Any, period: Period, as_of: datetime) -> bool:
    """Whether ``dossier`` is one of the period's dossiers a report lists at ``as_of``:
    received by then, and in the period's population P
    (:func:`chiso766.population.in_period_population`: received in the period, or received
    before it and not ended before it started; never a dossier only submitted)."""
    from ..population import in_period_population

    received: datetime | None = dossier.received_at
    return received is not None and received <= as_of \
        and in_period_population(dossier, period, as_of)


def in_population_columns(period: Period, as_of: datetime) -> pl.Expr:
    """:func:`in_population` over a frame of dossiers (the moment columns and the supplement
    aggregates of :func:`chiso766.population.supplement_aggregates`): the columnar form, for
    the engine's batches (:class:`FlaggedDossiers`), on
    :func:`chiso766.population.period_population`."""
    import polars as pl

    from ..population import period_population

    return ((pl.col("received_at") <= as_of) & period_population(period, as_of)).fill_null(False)


def flagged_dossiers(
    dataset: Any,
    period: Period | None = None,
    as_of: datetime | None = None,
    units: Iterable[str] | None = None,
) -> list[tuple[Any, Any]]:
    """``(dossier, audit result)`` pairs of the flagged dossiers of ``dataset`` — those whose
    recorded due date is later than the statutory one, or missing — sorted by unit and id.
    With ``period`` (and ``as_of``, default the end of the period), only the period's
    population (:func:`in_population`); with ``units``, only those units' own dossiers."""
    from ..deadlines import audit

    keep = None if units is None else set(units)
    moment = as_of
    if period is not None and moment is None:
        moment = datetime.combine(period.end, datetime.max.time()).replace(microsecond=0)
    rows = []
    for d in dataset.dossiers:
        if keep is not None and d.unit_id not in keep:
            continue
        if period is not None and moment is not None and not in_population(d, period, moment):
            continue
        result = audit(d, dataset.procedures.get(d.procedure_code))
        if result.flagged:
            rows.append((d, result))
    rows.sort(key=lambda pair: (pair[0].unit_id, pair[0].id))
    return rows


class FlaggedDossiers:
    """:func:`flagged_dossiers` of a folder, gathered during the streaming score's one pass
    (an observer of :func:`chiso766.streaming.observed_score`): the records the pass shows are
    audited as :func:`flagged_dossiers` audits them; of the frames of the rows the columnar
    engine counts, the ones the columnar forms (:func:`in_population_columns`,
    :func:`chiso766.population.audit_columns`) flag are listed from their columns as a
    :class:`ListedDossier` with the audit's findings
    (:func:`chiso766.deadlines.audit_findings`, the scalar audit's rule once the statutory due
    date is known) where the columnar form settles that date (``settled``), and the flagged or
    undecided others are asked for as records and audited by the scalar audit: every dossier
    listed has the result the scalar audit gives its record. :meth:`rows` gives the pairs,
    sorted by unit and id (or each flagged pair goes to ``add``, when given);
    :attr:`first_receipt` and :attr:`latest_receipt` span the receipts seen (for a report's
    empty-period warning). With no ``period`` (or ``as_of``), every
    dossier is audited, as :func:`flagged_dossiers` does without one (``chiso766 audit``).

    With ``every``, every dossier audited goes to ``add``, flagged or not (``chiso766 audit
    --all``): every settled one of a frame from its columns, the others as records audited
    by the scalar audit."""

    def __init__(self, procedures: Mapping[str, Any], period: Period | None,
                 as_of: datetime | None, units: Iterable[str] | None = None, *,
                 add: Callable[[Any, Any], None] | None = None, every: bool = False) -> None:
        from ..calendar import WorkingCalendar
        from ..deadlines import DEFAULT_POLICY, audit
        from ..errors import PolicyError
        from ..population import procedure_limits

        def refuse(field: str, value: Any, what: str) -> None:
            raise PolicyError(f"must be {what}", record="FlaggedDossiers", field=field,
                              value=value)

        if not isinstance(procedures, Mapping):
            refuse("procedures", procedures, "a mapping of procedure code to Procedure")
        if period is not None and not isinstance(period, Period):
            refuse("period", period, "a Period or None")
        if as_of is not None and not isinstance(as_of, datetime):
            refuse("as_of", as_of, "a datetime or None")
        if units is not None and (isinstance(units, (str, bytes))
                                  or not isinstance(units, Iterable)):
            refuse("units", units, "unit ids (an iterable of text) or None")
        if add is not None and not callable(add):
            refuse("add", add, "a callable (dossier, result) or None")
        if not isinstance(every, bool):
            refuse("every", every, "True or False")

        self.procedures = procedures
        self.period, self.as_of = period, as_of
        self.keep = None if units is None else frozenset(units)
        if self.keep is not None and not all(isinstance(u, str) for u in self.keep):
            refuse("units", units, "unit ids (an iterable of text) or None")
        self.limit_of = procedure_limits(procedures)
        # flagged_dossiers audits with the default calendar and policy: so does the frame.
        self.calendar, self.policy = WorkingCalendar.vietnam(), DEFAULT_POLICY
        self.audit = audit
        self.every = every
        self.pairs: list[tuple[Any, Any]] = []
        self.add = self._keep if add is None else add
        self.first_receipt: datetime | None = None
        self.latest_receipt: datetime | None = None

    def dossier(self, dossier: Dossier) -> None:
        self._span(dossier.receipt, dossier.receipt)
        if self.keep is not None and dossier.unit_id not in self.keep:
            return
        if (self.period is not None and self.as_of is not None
                and not in_population(dossier, self.period, self.as_of)):
            return
        result = self.audit(dossier, self.procedures.get(dossier.procedure_code))
        if result.flagged or self.every:
            self.add(dossier, result)

    def _keep(self, dossier: Any, result: Any) -> None:
        self.pairs.append((dossier, result))

    def frame(self, dossiers: pl.DataFrame) -> list[int]:
        import polars as pl

        from ..population import audit_columns

        receipt = pl.coalesce("received_at", "submitted_at")
        first, latest = dossiers.select(receipt.min().alias("first"),
                                        receipt.max().alias("latest")).row(0)
        if first is not None:
            self._span(first, latest)
        listed = pl.lit(True) if self.period is None or self.as_of is None \
            else in_population_columns(self.period, self.as_of)
        if self.keep is not None:
            listed = listed & pl.col("unit").is_in(sorted(self.keep))
        candidates = dossiers.filter(listed)
        audited = audit_columns(candidates, self.limit_of, self.calendar, self.policy)
        # Listed from the columns: the dossiers whose statutory due date the columnar form
        # settles (the audit's findings follow from it), the flagged ones (with ``every``, all);
        # the flagged or undecided others are asked for as records, for the scalar audit.
        listed_here = audited["settled"]
        wanted = audited["flagged"].fill_null(True)
        if not self.every:
            listed_here = listed_here & wanted
        marked = candidates.with_columns(here=listed_here, wanted=wanted,
                                         statutory=audited["statutory_due_at"])
        self._list(marked.filter("here"))
        asked = marked.filter(~pl.col("here"))
        if not self.every:
            asked = asked.filter("wanted")
        return asked["key"].to_list()

    def _list(self, settled: pl.DataFrame) -> None:
        """Hand ``add`` each dossier of ``settled`` with the audit's findings from its columns
        (:func:`~chiso766.deadlines.audit_findings`, as the scalar audit finds them)."""
        import polars as pl

        from ..deadlines import audit_findings

        add, limit_of, cal, pol = self.add, self.limit_of, self.calendar, self.policy
        has_limit: dict[str, bool] = {}
        for ident, unit, code, receipt, recorded, statutory, end, new_due in settled.select(
                "ident", "unit", "code", pl.coalesce("received_at", "submitted_at"),
                "due_at", "statutory", pl.coalesce("finished_at", "returned_at", "stopped_at"),
                "new_due_at").iter_rows():
            limited = has_limit.get(code)
            if limited is None:
                limited = has_limit[code] = limit_of(code) is not None
            add(ListedDossier(ident, unit, code, receipt),
                audit_findings(ident, recorded, statutory, limited, end, new_due, cal, pol))

    def rows(self) -> list[tuple[Any, Any]]:
        """The flagged (dossier, audit result) pairs, sorted by unit and id."""
        return sorted(self.pairs, key=lambda pair: (pair[0].unit_id, pair[0].id))

    def _span(self, first: datetime, latest: datetime) -> None:
        if self.first_receipt is None or first < self.first_receipt:
            self.first_receipt = first
        if self.latest_receipt is None or latest > self.latest_receipt:
            self.latest_receipt = latest
