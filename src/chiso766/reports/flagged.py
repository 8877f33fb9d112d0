"""The flagged dossiers a report for a period lists: the due-date audit
(:func:`chiso766.deadlines.audit`) of the period's dossiers only.

The period's dossiers are criterion 2.1's population (docs/rules.md, "Populations"): received
in the period, plus those received earlier that had not ended before it started (carried
over), and received by the evaluation moment. A dossier that ended before the period, or was
received after it, belongs to another period's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..periods import Period

__all__ = ["flagged_dossiers", "in_period", "in_population", "placement"]


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
    """Whether ``dossier`` belongs to the period's population at ``as_of``: received in the
    period, or received before it and not ended before it started (carried over)."""
    from ..deadlines import effective_end

    receipt: datetime = dossier.receipt
    if receipt > as_of:
        return False
    if in_period(dossier, period):
        return True
    if receipt >= period.start_moment:
        return False  # received after the period
    end, _ = effective_end(dossier, as_of)
    return end is None or end >= period.start_moment


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
