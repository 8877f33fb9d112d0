"""Tallies: the counts behind a Decision 766 scorecard, as a mergeable value.

A :class:`Tally` is fed records one at a time (dossiers, petitions, announcements, communes,
authorities) and keeps, per unit, only counts and small sets of procedure codes — never the
records. Tallies of any split of the records, built with the same :class:`Context`, merge into
the tally of the whole: ``merge`` is associative and commutative, and :meth:`Tally.empty` is its
neutral element. Streaming and distributed scoring are built on this.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from . import population
from .calendar import WorkingCalendar
from .criteria import digitization, online, progress, satisfaction, transparency
from .criteria.base import PROCEDURE_SETS, Acc, Context, Contribution, DossierShape
from .deadlines import DEFAULT_POLICY, DeadlinePolicy
from .errors import PolicyError, RecordError
from .periods import Period
from .policy import DEFAULT_COUNTING, CountingPolicy
from .population import Timing, disliked, dossier_shape
from .records import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    Petition,
    Procedure,
    Rating,
    to_local,
)

if TYPE_CHECKING:
    from .io.dataset import Dataset

__all__ = ["Tally", "Timing", "build_context", "dossier_shape"]


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
    counting: CountingPolicy | None = None,
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
    if counting is None:
        counting = DEFAULT_COUNTING
    elif not isinstance(counting, CountingPolicy):
        raise PolicyError("must be a CountingPolicy", record="score", field="counting",
                          value=counting)
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
        if r.dossier_id is not None and disliked(r.rating, r.rated_at, moment):
            complained.add(r.dossier_id)
    return Context(
        period=period, as_of=moment, calendar=cal, policy=pol, procedures=procs,
        authorities_given=authorities_given, complained=frozenset(complained),
        keep_ids=bool(keep_ids), reported_received=_counts(reported_received, "reported_received"),
        last_year_totals=_counts(last_year_totals, "last_year_totals"), counting=counting,
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


#: The per-procedure sets a dossier can put its procedure in, as bits: the unit's authority
#: (when there is no authorities file) and the procedure sets of the online and digitization
#: criteria, in the order of ``PROCEDURE_SETS`` — so ``bits >> 1`` are the ``Acc`` marks.
_MARKS = ("authority", *PROCEDURE_SETS)
_BIT = {name: 1 << i for i, name in enumerate(_MARKS)}
AUTHORITY_BIT = _BIT["authority"]

#: Fewer dossiers than this are counted one at a time by :meth:`Tally.add_dossiers`: below it
#: the columnar form's fixed cost (importing polars, building the frames) is more than it saves.
COLUMNAR_MIN_DOSSIERS = 50_000
#: Dossiers counted in one columnar pass: memory for the frames stays flat however many there are.
COLUMNAR_CHUNK = 100_000
#: Distinct (unit, shape) counts kept before they are folded into the accumulators: memory
#: stays flat however many shapes a large stream of records brings (each fold costs one
#: accumulator update per kept count).
FOLD_CELLS = 50_000


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_contribution(contrib: Any) -> bool:
    """Whether ``contrib`` has the form of a :data:`~chiso766.criteria.base.Contribution`."""
    if not (isinstance(contrib, tuple) and len(contrib) == 3
            and all(isinstance(part, tuple) for part in contrib)):
        return False
    nd_items, unreported, misc = contrib
    return (all(isinstance(item, tuple) and len(item) == 3 and isinstance(item[0], str)
                and _is_whole(item[1]) and _is_whole(item[2]) for item in nd_items)
            and all(isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                    and _is_whole(item[1]) for item in (*unreported, *misc)))


def count_shape(acc: Acc, shape: DossierShape, ident: str | None = None) -> None:
    """Count one dossier of this shape in every dossier criterion (docs/rules.md "The criteria",
    groups 1–5)."""
    transparency.add_dossier(acc, shape, ident)
    progress.add_dossier(acc, shape, ident)
    online.add_dossier(acc, shape, ident)
    digitization.add_dossier(acc, shape, ident)
    satisfaction.add_dossier(acc, shape, ident)


def shape_marks(shape: DossierShape) -> int:
    """The per-procedure sets (as :data:`_MARKS` bits) a dossier of this shape marks."""
    bits = 0
    for name in online.procedure_marks(shape) + digitization.procedure_marks(shape):
        bits |= _BIT[name]
    return bits


class Tally:
    """Per-unit counts for Decision 766, fed record by record and mergeable.

    Dossiers are kept as counts of :class:`~chiso766.criteria.base.DossierShape` per unit (plus
    per-procedure marks and the 2.2 sums) and folded into the per-unit accumulators when
    the counts are read; with ``keep_ids`` every dossier is counted at once, with its id. Memory
    depends on the number of units, procedures and distinct shapes, not on the number of
    records.
    """

    __slots__ = ("_accs", "_cells", "_contrib", "_kept", "_marks", "_times", "context")

    def __init__(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise PolicyError("must be a Context (see build_context)", record="Tally",
                              field="context", value=context)
        self.context = context
        self._accs: dict[str, Acc] = {}
        self._cells: dict[str, dict[tuple[Any, ...], int]] = {}
        self._marks: dict[str, dict[str, int]] = {}
        self._times: dict[str, dict[str, list[Any]]] = {}
        self._contrib: dict[tuple[Any, ...], tuple[Contribution, int]] = {}
        #: Distinct (unit, shape) counts kept since the last fold (:data:`FOLD_CELLS`).
        self._kept = 0

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

    @property
    def units(self) -> dict[str, Acc]:
        """Each unit's own counts (not rolled up), with every dossier fed so far folded in."""
        self._fold()
        return self._accs

    def _acc(self, unit_id: str) -> Acc:
        acc = self._accs.get(unit_id)
        if acc is None:
            acc = self._accs[unit_id] = Acc()
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
        """Count these records (as :meth:`add` counts each); the dossiers among them are
        counted :data:`COLUMNAR_CHUNK` at a time by :meth:`add_dossiers`, so that a long
        stream of records is counted in flat memory."""
        dossiers: list[Dossier] = []
        for record in _iterable(records, "records"):
            if isinstance(record, Dossier):
                dossiers.append(record)
                if len(dossiers) == COLUMNAR_CHUNK:
                    self.add_dossiers(dossiers)
                    dossiers = []
            else:
                self.add(record)
        self.add_dossiers(dossiers)
        return self

    def add_dossier(self, d: Dossier) -> None:
        if not isinstance(d, Dossier):
            raise RecordError("must be a Dossier", record="Tally", field="dossier", value=d)
        ctx = self.context
        if d.receipt > ctx.as_of:
            return  # not yet received at the evaluation moment
        shape, timing = dossier_shape(d, ctx)
        self._add_shape(d.unit_id, d.procedure_code, shape, timing,
                        d.id if ctx.keep_ids else None)

    def _add_shape(self, unit_id: str, procedure_code: str, shape: tuple[Any, ...],
                   timing: Timing | None = None, ident: str | None = None) -> None:
        """Count one dossier reduced to its shape by :func:`~chiso766.population.dossier_shape`."""
        if timing is not None:
            self._add_times(unit_id, procedure_code, timing[0], timing[1], 1)
        if ident is not None:
            self._mark(unit_id, procedure_code, shape)
            count_shape(self._acc(unit_id), DossierShape(*shape), ident)
            return
        self._count_shape(unit_id, procedure_code, shape, 1)

    def _count_shape(self, unit_id: str, procedure_code: str, shape: tuple[Any, ...],
                     n: int) -> None:
        """``n`` dossiers of one unit, procedure and shape: kept as a count, folded later."""
        self._mark(unit_id, procedure_code, shape)
        self._keep(unit_id, shape, n)

    def _keep(self, unit_id: str, shape: tuple[Any, ...], n: int) -> None:
        """``n`` dossiers of one unit and shape kept as a count (their procedures marked
        apart), folded later."""
        cells = self._cells.get(unit_id)
        if cells is None:
            cells = self._cells[unit_id] = {}
        kept = cells.get(shape)
        if kept is None:
            cells[shape] = n
            self._kept += 1
            if self._kept >= FOLD_CELLS:
                self._fold()
        else:
            cells[shape] = kept + n

    def _mark(self, unit_id: str, procedure_code: str, shape: tuple[Any, ...]) -> None:
        """The procedure sets a dossier of this shape puts its procedure in (and the unit's
        authority over it when there is no authorities file)."""
        bits = self._contribution(shape)[1]
        if not self.context.authorities_given:
            bits |= AUTHORITY_BIT
        if bits:
            self._or_marks(unit_id, procedure_code, bits)

    def _or_marks(self, unit_id: str, procedure_code: str, bits: int) -> None:
        codes = self._marks.get(unit_id)
        if codes is None:
            codes = self._marks[unit_id] = {}
        codes[procedure_code] = codes.get(procedure_code, 0) | bits

    def add_dossiers(self, dossiers: Iterable[Dossier]) -> None:
        """Count many dossiers: the same counts as :meth:`add_dossier` on each in turn.

        With polars installed (the ``fast`` extra), at least :data:`COLUMNAR_MIN_DOSSIERS` of
        them and no ids kept, the rules run over :data:`COLUMNAR_CHUNK` of them at a time in
        their columnar form (:func:`~chiso766.population.shape_columns` over
        :func:`~chiso766.population.dossier_frame`) and the dossiers are counted by (unit,
        procedure, shape); otherwise one at a time, by the scalar form.
        """
        batch = list(_iterable(dossiers, "dossiers"))
        for d in batch:
            if not isinstance(d, Dossier):
                raise RecordError("must be a Dossier", record="Tally", field="dossier",
                                  value=d)
        if (self.context.keep_ids or len(batch) < COLUMNAR_MIN_DOSSIERS
                or importlib.util.find_spec("polars") is None):
            for d in batch:
                self.add_dossier(d)
            return
        for at in range(0, len(batch), COLUMNAR_CHUNK):
            self._add_columnar(batch[at:at + COLUMNAR_CHUNK])

    def _add_columnar(self, batch: Sequence[Dossier]) -> None:
        import polars as pl

        ctx = self.context
        index: dict[tuple[Any, ...], int] = {}
        recorded = [index.setdefault(population.recorded_fields(d, ctx), len(index))
                    for d in batch]
        fields = list(index)
        shaped = population.shape_columns(population.dossier_frame(batch, ctx), ctx).with_columns(
            unit=pl.Series([d.unit_id for d in batch], dtype=pl.String),
            recorded=pl.Series(recorded, dtype=pl.Int64),
        ).filter(pl.col("counted"))
        # The calendar's table spans the years of these records (all within the calendar's),
        # so every 2.2 span has its working days.
        timed = pl.col("timed")
        # Counted by (unit, shape); each procedure marked once per unit with the union of its
        # dossiers' shapes' marks (as _count_shape does a dossier at a time).
        key = ["recorded", "received", "submitted", "verdict"]
        shapes = shaped.select(key).unique()
        auth = 0 if ctx.authorities_given else AUTHORITY_BIT
        bits = [self._contribution((received, submitted, verdict, *fields[rec]))[1] | auth
                for rec, received, submitted, verdict in shapes.iter_rows()]
        shaped = shaped.join(shapes.with_columns(bits=pl.Series(bits, dtype=pl.Int64)),
                             on=key, how="left")
        for unit, rec, received, submitted, verdict, n in shaped.group_by(
                ["unit", *key]).len().iter_rows():
            self._keep(unit, (received, submitted, verdict, *fields[rec]), n)
        for unit, code, mark in shaped.filter(pl.col("bits") != 0).select(
                "unit", "code", "bits").unique().iter_rows():
            self._or_marks(unit, code, mark)
        kind = pl.col("unit_kind")
        hours = population.WORKING_HOURS
        sums = shaped.filter(timed & (kind != population.OTHER_UNIT)).group_by(
            ["unit", "code"]).agg(pl.col("days").sum(), pl.col("value").sum(),
                                  pl.col("office_us").sum(), pl.len(), kind.first())
        for unit, code, days, value, office_us, k, unit_kind in sums.iter_rows():
            # Working hours: the sum of each dossier's Fraction(office_us, HOUR_US).
            self._add_times(unit, code, days, Fraction(office_us, population.HOUR_US)
                            if unit_kind == hours else value, k)
        months = shaped.filter(timed & (kind == population.OTHER_UNIT))
        if months.height:
            values = population.scalar_values(months, ctx,
                                              population.procedure_limits(ctx.procedures))
            for (unit, code, days), value in zip(months.select("unit", "code", "days")
                                                 .iter_rows(), values, strict=True):
                self._add_times(unit, code, days, value, 1)

    def _contribution(self, shape: tuple[Any, ...]) -> tuple[Contribution, int]:
        """What one dossier of this shape adds to its unit's counts, and its procedure marks
        (worked out once per distinct shape)."""
        contrib = self._contrib.get(shape)
        if contrib is not None:
            return contrib
        typed = DossierShape(*shape)
        scratch = Acc()
        count_shape(scratch, typed)
        contrib = self._contrib[shape] = (scratch.contribution(), shape_marks(typed))
        return contrib

    def _add_times(self, unit_id: str, code: str, days: int, value: Fraction | int,
                   k: int) -> None:
        codes = self._times.get(unit_id)
        if codes is None:
            codes = self._times[unit_id] = {}
        triple = codes.get(code)
        if triple is None:
            codes[code] = [days, value, k]
        else:
            triple[0] += days
            triple[1] += value
            triple[2] += k

    def add_counted(self, unit_id: str, cells: Mapping[tuple[Any, ...], int],
                    marks: Mapping[str, int],
                    times: Mapping[str, tuple[int, Fraction | int, int]]) -> None:
        """Add counts made elsewhere for one unit: dossiers per shape, per-procedure mark bits
        and, per procedure, the 2.2 sums (working days, value in the procedure's unit,
        dossiers) — what the counters built on a tally hand it (the columnar engine's
        :class:`~chiso766.frame_counts.FrameCounts`, :class:`~chiso766.live.LiveTally`)."""
        mine = self._cells.setdefault(unit_id, {})
        for shape, n in cells.items():
            mine[shape] = mine.get(shape, 0) + n
        codes = self._marks.setdefault(unit_id, {})
        for code, bits in marks.items():
            codes[code] = codes.get(code, 0) | bits
        for code, (days, value, k) in times.items():
            if k:
                self._add_times(unit_id, code, days, value, k)

    def shape_contribution(self, shape: tuple[Any, ...]) -> Contribution:
        """What one dossier of this shape (the fields of :class:`DossierShape`) adds to its
        unit's counts, for readers that sum many shapes at once (:meth:`add_contribution`)."""
        if not isinstance(shape, tuple) or len(shape) != len(DossierShape._fields):
            raise RecordError(f"must be a tuple of the {len(DossierShape._fields)} fields of a "
                              "DossierShape", record="Tally", field="shape", value=shape)
        try:
            return self._contribution(shape)[0]
        except (TypeError, ValueError, KeyError, AttributeError, IndexError,
                ArithmeticError) as exc:
            raise RecordError(f"not a dossier shape the criteria can count ({exc})",
                              record="Tally", field="shape", value=shape) from None

    def add_contribution(self, unit_id: str, contrib: Contribution) -> None:
        """Add counts summed elsewhere over many dossiers of one unit, as a contribution
        (:meth:`shape_contribution` times each shape's count, added up); the procedure sets and
        2.2 sums of those dossiers go through :meth:`add_counted`."""
        if not isinstance(unit_id, str):
            raise RecordError("must be a unit id (text)", record="Tally", field="unit_id",
                              value=unit_id)
        if not _is_contribution(contrib):
            raise RecordError("must be a contribution: ((code, hits, total), …), ((field, "
                              "count), …), ((key, count), …) with whole numbers",
                              record="Tally", field="contrib", value=contrib)
        self._acc(unit_id).add_scaled(contrib, 1)

    def _fold(self) -> None:
        if not (self._cells or self._marks or self._times):
            return
        ctx = self.context
        for unit_id, cells in self._cells.items():
            acc = self._acc(unit_id)
            for shape, n in cells.items():
                acc.add_scaled(self._contribution(shape)[0], n)
        for unit_id, codes in self._marks.items():
            acc = self._acc(unit_id)
            for code, bits in codes.items():
                if bits & AUTHORITY_BIT:
                    proc = ctx.procedures.get(code)
                    acc.authorize(code, int(proc.online_level) if proc is not None else 0)
                if bits >> 1:
                    acc.add_marks(code, bits >> 1)
        for unit_id, timed in self._times.items():
            acc = self._acc(unit_id)
            for code, (days, value, k) in timed.items():
                progress.add_processing_time(acc, code, days, value, k)
        self._cells, self._marks, self._times = {}, {}, {}
        self._kept = 0

    def add_petition(self, p: Petition) -> None:
        if not isinstance(p, Petition):
            raise RecordError("must be a Petition", record="Tally", field="petition", value=p)
        if p.received_at > self.context.as_of:
            return  # not yet received: no unit entry either (a unit is known by what it did)
        satisfaction.add_petition(self._acc(p.unit_id), p, self.context)

    def add_announcement(self, a: Announcement) -> None:
        if not isinstance(a, Announcement):
            raise RecordError("must be an Announcement", record="Tally", field="announcement",
                              value=a)
        if a.decision_date > self.context.as_of.date():
            return  # not yet decided at the evaluation moment
        transparency.add_announcement(self._acc(a.unit_id), a, self.context)

    def add_commune(self, c: Commune) -> None:
        if not isinstance(c, Commune):
            raise RecordError("must be a Commune", record="Tally", field="commune", value=c)
        digitization.add_commune(self._acc(c.unit_id), c, self.context)

    def add_authority(self, a: Authority) -> None:
        if not isinstance(a, Authority):
            raise RecordError("must be an Authority", record="Tally", field="authority",
                              value=a)
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

    def __getstate__(self) -> dict[str, Any]:
        # Shipped between processes folded, without the per-shape cache (rebuilt on demand).
        return {"context": self.context, "units": self.units}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["context"])  # type: ignore[misc]
        self._accs = state["units"]

    def snapshot(self) -> dict[str, Any]:
        """An order-independent plain view of the counts (equal for equal tallies)."""
        return {u: acc.snapshot() for u, acc in sorted(self.units.items())}

    def __repr__(self) -> str:
        return f"Tally(period={self.context.period}, units={len(self.units)})"
