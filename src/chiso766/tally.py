"""Tallies: the counts behind a Decision 766 scorecard, as a mergeable value.

A :class:`Tally` is fed records one at a time (dossiers, petitions, announcements, communes,
authorities) and keeps, per unit, only counts and small sets of procedure codes — never the
records. Tallies of any split of the records, built with the same :class:`Context`, merge into
the tally of the whole: ``merge`` is associative and commutative, and :meth:`Tally.empty` is its
neutral element. Streaming and distributed scoring are built on this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .calendar import WorkingCalendar
from .criteria import digitization, online, progress, satisfaction, transparency
from .criteria.base import Acc, Context
from .deadlines import DEFAULT_POLICY, DeadlinePolicy, effective_end
from .errors import PolicyError, RecordError
from .periods import Period
from .records import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    Petition,
    Procedure,
    Rating,
    RatingValue,
    to_local,
)

if TYPE_CHECKING:
    from .io.dataset import Dataset

__all__ = ["Tally", "build_context"]


def build_context(
    *,
    period: Period,
    as_of: datetime | date | None = None,
    procedures: Mapping[str, Procedure] | Iterable[Procedure] = (),
    petitions: Iterable[Petition] = (),
    ratings: Iterable[Rating] = (),
    authorities_given: bool = False,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    keep_ids: bool = False,
    reported_received: Mapping[str, int] | None = None,
    last_year_totals: Mapping[str, int] | None = None,
) -> Context:
    """The shared lookups every partition is counted with.

    ``as_of`` defaults to the end of the period; a current period is scored at the given moment
    (the index is "real time"). The set of dossiers someone complained about (a petition naming
    the dossier, or a dislike) is taken from ``petitions`` and ``ratings`` up to ``as_of``.
    """
    if not isinstance(period, Period):
        raise PolicyError("must be a Period (e.g. Period.quarter(2025, 2))", record="score",
                          field="period", value=period)
    moment = period.end_moment if as_of is None else to_local(
        as_of, completion=True, label="score", field="as_of")
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    if not isinstance(cal, WorkingCalendar):
        raise PolicyError("must be a WorkingCalendar", record="score", field="calendar",
                          value=calendar)
    pol = policy if policy is not None else DEFAULT_POLICY
    if not isinstance(pol, DeadlinePolicy):
        raise PolicyError("must be a DeadlinePolicy", record="score", field="policy",
                          value=policy)
    procs: dict[str, Procedure] = {}
    if isinstance(procedures, Mapping):
        for code, p in procedures.items():
            if not isinstance(p, Procedure) or code != p.code:
                raise RecordError("must map each procedure code to its Procedure record",
                                  record="score", field="procedures", value=(code, p))
            procs[code] = p
    else:
        for p in _iterable(procedures, "procedures"):
            if not isinstance(p, Procedure):
                raise RecordError("must be Procedure records", record="score",
                                  field="procedures", value=p)
            procs[p.code] = p
    complained: set[str] = set()
    for pet in _iterable(petitions, "petitions"):
        if not isinstance(pet, Petition):
            raise RecordError("must be Petition records", record="score", field="petitions",
                              value=pet)
        if pet.dossier_id is not None and pet.received_at <= moment:
            complained.add(pet.dossier_id)
    for r in _iterable(ratings, "ratings"):
        if not isinstance(r, Rating):
            raise RecordError("must be Rating records", record="score", field="ratings",
                              value=r)
        if r.rating is RatingValue.BAD and r.dossier_id is not None and (
            r.rated_at is None or r.rated_at <= moment
        ):
            complained.add(r.dossier_id)
    return Context(
        period=period, as_of=moment, calendar=cal, policy=pol, procedures=procs,
        authorities_given=authorities_given, complained=frozenset(complained),
        keep_ids=bool(keep_ids), reported_received=_counts(reported_received, "reported_received"),
        last_year_totals=_counts(last_year_totals, "last_year_totals"),
    )


def _iterable(value: Any, field: str) -> Iterable[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise RecordError("must be an iterable of records", record="score", field=field,
                          value=value)
    return value


def _counts(value: Mapping[str, int] | None, field: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PolicyError("must be a mapping of unit id to a count", record="score", field=field,
                          value=value)
    out: dict[str, int] = {}
    for k, v in value.items():
        if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise PolicyError("must map unit ids to whole numbers ≥ 0", record="score",
                              field=field, value=(k, v))
        out[k] = v
    return out


class Tally:
    """Per-unit counts for Decision 766, fed record by record and mergeable."""

    __slots__ = ("context", "units")

    def __init__(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise PolicyError("must be a Context (see build_context)", record="Tally",
                              field="context", value=context)
        self.context = context
        self.units: dict[str, Acc] = {}

    @classmethod
    def empty(cls, context: Context) -> Tally:
        """The neutral element of :meth:`merge`."""
        return cls(context)

    @classmethod
    def from_dataset(cls, dataset: Dataset, context: Context) -> Tally:
        tally = cls(context)
        tally.update(dataset.authorities)
        tally.update(dataset.communes)
        tally.update(dataset.announcements)
        tally.update(dataset.dossiers)
        tally.update(dataset.petitions)
        return tally

    def _acc(self, unit_id: str) -> Acc:
        acc = self.units.get(unit_id)
        if acc is None:
            acc = self.units[unit_id] = Acc()
        return acc

    # -- feeding ---------------------------------------------------------------------------------

    def add(self, record: Any) -> None:
        """Count one record of any kind the index uses (ratings and procedures are lookups of
        the context, units the tree of the scoring step)."""
        if isinstance(record, Dossier):
            self.add_dossier(record)
        elif isinstance(record, Petition):
            self.add_petition(record)
        elif isinstance(record, Announcement):
            self.add_announcement(record)
        elif isinstance(record, Commune):
            self.add_commune(record)
        elif isinstance(record, Authority):
            self.add_authority(record)
        else:
            raise RecordError("a tally counts Dossier, Petition, Announcement, Commune or "
                              "Authority records", record="Tally", field="record", value=record)

    def update(self, records: Iterable[Any]) -> Tally:
        for record in _iterable(records, "records"):
            self.add(record)
        return self

    def add_dossier(self, d: Dossier) -> None:
        ctx = self.context
        receipt = d.receipt
        if receipt > ctx.as_of:
            return  # not yet received at the evaluation moment
        acc = self._acc(d.unit_id)
        proc = ctx.procedures.get(d.procedure_code)
        if not ctx.authorities_given:
            # SPEC §1.1: without an authorities file a unit's authority is the procedures seen on
            # its dossiers, at the procedure's own online level.
            acc.authorize(d.procedure_code, int(proc.online_level) if proc is not None else 0)
        period = ctx.period
        start = period.start_moment
        received = start <= receipt and receipt.date() <= period.end
        end, _ = effective_end(d, ctx.as_of)
        in_population = received or (receipt < start and (end is None or end >= start))
        result = d.finished_at if d.finished_at is not None else d.returned_at
        resolved = result is not None and result <= ctx.as_of and period.contains(result)
        transparency.add_dossier(acc, d, received, ctx)
        in_time = progress.add_dossier(acc, d, proc, in_population, resolved, ctx)
        online.add_dossier(acc, d, proc, received, ctx)
        digitization.add_dossier(acc, d, proc, received, resolved, ctx)
        satisfaction.add_dossier(acc, d, in_time, ctx)

    def add_petition(self, p: Petition) -> None:
        satisfaction.add_petition(self._acc(p.unit_id), p, self.context)

    def add_announcement(self, a: Announcement) -> None:
        transparency.add_announcement(self._acc(a.unit_id), a, self.context)

    def add_commune(self, c: Commune) -> None:
        digitization.add_commune(self._acc(c.unit_id), c, self.context)

    def add_authority(self, a: Authority) -> None:
        if self.context.authorities_given:
            self._acc(a.unit_id).authorize(a.procedure_code, int(a.online_level))

    # -- merging ---------------------------------------------------------------------------------

    def merge(self, other: Tally) -> Tally:
        """A new tally counting the records of both (associative, commutative)."""
        if not isinstance(other, Tally):
            raise PolicyError("can only merge a Tally", record="Tally", field="other",
                              value=other)
        if other.context is not self.context and other.context != self.context:
            raise PolicyError("tallies built with different contexts cannot be merged",
                              record="Tally", field="context", value=other.context.period)
        merged = Tally(self.context)
        for source in (self, other):
            for unit_id, acc in source.units.items():
                merged._acc(unit_id).merge_from(acc)
        return merged

    __add__ = merge

    def snapshot(self) -> dict[str, Any]:
        """An order-independent plain view of the counts (equal for equal tallies)."""
        return {u: acc.snapshot() for u, acc in sorted(self.units.items())}

    def __repr__(self) -> str:
        return f"Tally(period={self.context.period}, units={len(self.units)})"
