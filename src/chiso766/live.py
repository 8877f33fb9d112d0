"""Live Decision 766 scores for a one-stop system: feed records as they change, ask at any moment.

A :class:`LiveTally` is fed dossiers (and petitions, dislikes, announcements, communes,
authorities) one at a time, as the one-stop system creates and updates them, and answers
:meth:`LiveTally.scorecard` at any evaluation moment ``as_of`` without re-reading history. The
answer equals :func:`~chiso766.scoring.score_766` on the records fed so far, with the same
``as_of``, whenever nothing fed is dated after ``as_of``.

What it keeps
-------------

* **Closed dossiers** (``finished_at``, ``returned_at`` or ``stopped_at`` set): their verdict no
  longer depends on ``as_of`` once every event of the dossier has happened, so each is reduced at
  once to what the criteria count (its :class:`~chiso766.criteria.base.DossierShape`, its
  per-procedure marks and its 2.2 processing time) and added to per-unit counts, as a
  :class:`~chiso766.tally.Tally` keeps them. The record itself is dropped; what stays per closed
  dossier is its id and a reference to a shared ``(unit, procedure, shape, timing, marks)`` entry.
  That entry makes feeding the same dossier again exact — an identical copy changes nothing, a
  corrected one (a flag set after the dossier ended, e.g. synced to the national portal) replaces
  the old counts — and lets a complaint that arrives after the dossier closed still turn its 5.4
  "satisfied" into "not satisfied".
* **Open dossiers** (still in progress): kept whole, by id, and classified again at each query
  (their verdict, ``PENDING_IN_TIME`` or ``PENDING_LATE``, moves with ``as_of``). Feeding the
  same id again replaces the open version (a status update); once it ends it moves to the closed
  counts.
* **Petitions**: kept whole, by id, and counted at each query: an open petition's verdict moves
  with ``as_of``, and a closed one's 5.3 verdict still changes with its likes, dislikes and
  ``followed_by_complaint``, which arrive after it ends. They are few next to dossiers.
* **Complaints about dossiers** (criterion 5.4): for each dossier id, how many fed petitions name
  it, and whether a dislike (a ``BAD`` :class:`~chiso766.records.Rating`) names it. Other ratings
  are not used by Decision 766 and are ignored.
* **Announcements** (by unit, procedure, decision number and date), **communes** (by unit) and
  **authorities** (by unit and procedure): small reference tables, kept by key (feeding the same
  key again replaces the record) and counted at each query.

Memory is therefore: per unit, a count per distinct dossier shape (as a Tally); one small entry
per closed dossier id; the open dossiers and the petitions; the complained-about dossier ids; the
reference tables. A LiveTally serves one period: start a new one for the next period.

Limits
------

* A live tally cannot go back in time: :meth:`LiveTally.scorecard` raises
  :class:`~chiso766.errors.PolicyError` when a record fed so far has an event (a receipt, an end,
  a supplement request or answer, a petition step, a dated dislike, an announcement's decision or
  publication) after ``as_of`` — its counts already include it. Rescore from the records with
  :func:`~chiso766.scoring.score_766` for an earlier moment. Due dates are not events.
* Procedures, the calendar, the deadline and counting policies and whether an authorities file
  exists are fixed when the live tally is built (closed dossiers were counted with them).
* Record ids are not kept in the numerators and denominators (``keep_ids``): that needs every
  record; rescore from the records to explain a score.

No clock is read: ``as_of`` is always given (or the end of the period).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, NamedTuple

import attrs

from .calendar import WorkingCalendar
from .criteria.base import Context, DossierShape, Note
from .deadlines import DeadlinePolicy
from .errors import PolicyError, RecordError
from .periods import Period
from .policy import CountingPolicy
from .population import disliked
from .records import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    Petition,
    Procedure,
    Rating,
    Unit,
    to_local,
)
from .rules import QD766, RuleSet
from .scoring import Scorecard, score_tally
from .tally import AUTHORITY_BIT, Tally, Timing, build_context, dossier_shape, shape_marks

__all__ = ["LiveTally"]

_MIDNIGHT = time(0, 0)


class _Closed(NamedTuple):
    """What one closed dossier adds to the counts (shared by every dossier that adds the same)."""

    unit_id: str
    procedure_code: str
    shape: DossierShape
    timing: Timing | None  #: the 2.2 processing time, when it counts for 2.2
    bits: int  #: the per-procedure marks (see :func:`~chiso766.tally.shape_marks`)


def _dossier_events(d: Dossier) -> datetime:
    """The last thing that happened to ``d`` (due dates are not events)."""
    latest = d.receipt
    for moment in (d.submitted_at, d.received_at, d.finished_at, d.returned_at, d.stopped_at):
        if moment is not None and moment > latest:
            latest = moment
    for sup in d.supplements:
        for moment in (sup.requested_at, sup.supplied_at):
            if moment is not None and moment > latest:
                latest = moment
    return latest


def _petition_events(p: Petition) -> datetime:
    latest = p.received_at
    for moment in (p.transferred_at, p.refused_at, p.supplement_requested_at, p.ready_at,
                   p.published_at):
        if moment is not None and moment > latest:
            latest = moment
    return latest


def _announcement_events(a: Announcement) -> datetime:
    day = a.decision_date
    if a.published_at is not None and a.published_at > day:
        day = a.published_at
    # A date is seen from its first instant: scored at as_of, the day counts when ≤ as_of's date.
    return datetime.combine(day, _MIDNIGHT)


class LiveTally:
    """Decision 766 counts kept live for one period, fed record by record (see the module doc).

    Build it with the lookups :func:`~chiso766.tally.build_context` takes, minus ``as_of`` (which
    is given at each query) and the petitions and ratings (which are fed like the other records)::

        live = LiveTally(period=Period.quarter(2025, 2), procedures=procedures)
        live.add(dossier)                  # received: open
        live.add(attrs.evolve(dossier, finished_at=...))   # finished: counted, record dropped
        card = live.scorecard(datetime(2025, 5, 15, 12), units=units)

    ``authorities_given`` says whether :class:`~chiso766.records.Authority` records will be fed
    (as :func:`~chiso766.scoring.score_766` does with ``bool(dataset.authorities)``); without
    them a unit's authority is the procedures seen on its dossiers.
    """

    __slots__ = ("_announcements", "_authorities", "_cells", "_closed", "_communes",
                 "_context", "_disliked", "_kinds", "_latest", "_marks", "_open",
                 "_petitions", "_refs", "_times")

    def __init__(
        self,
        *,
        period: Period,
        procedures: Mapping[str, Procedure] | Iterable[Procedure] = (),
        authorities_given: bool = False,
        calendar: WorkingCalendar | None = None,
        policy: DeadlinePolicy | None = None,
        reported_received: Mapping[str, int] | None = None,
        last_year_totals: Mapping[str, int] | None = None,
        counting: CountingPolicy | None = None,
    ) -> None:
        #: The lookups (as_of: the end of the period; complained: none). Each query evolves it.
        self._context: Context = build_context(
            period=period, procedures=procedures, authorities_given=authorities_given,
            calendar=calendar, policy=policy, reported_received=reported_received,
            last_year_totals=last_year_totals, counting=counting,
        )
        # closed dossiers: id → entry, and the per-unit counts of the entries
        self._closed: dict[str, _Closed] = {}
        self._kinds: dict[_Closed, _Closed] = {}
        # (keys are DossierShape tuples, typed as Tally.add_counted takes them)
        self._cells: dict[str, dict[tuple[Any, ...], int]] = {}
        self._marks: dict[str, dict[str, dict[int, int]]] = {}
        self._times: dict[str, dict[str, list[Any]]] = {}
        # kept whole, recounted at each query
        self._open: dict[str, Dossier] = {}
        self._petitions: dict[str, Petition] = {}
        self._announcements: dict[tuple[str, str, str, date], Announcement] = {}
        self._communes: dict[str, Commune] = {}
        self._authorities: dict[tuple[str, str], Authority] = {}
        # complaints about dossiers (5.4): petitions naming each id, and ids disliked
        self._refs: dict[str, int] = {}
        self._disliked: set[str] = set()
        self._latest: datetime | None = None

    # -- reading ---------------------------------------------------------------------------------

    @property
    def context(self) -> Context:
        """The lookups every query uses, with ``as_of`` at the end of the period and no
        complaints (a query replaces both)."""
        return self._context

    @property
    def period(self) -> Period:
        return self._context.period

    @property
    def latest_event(self) -> datetime | None:
        """The latest event of anything fed so far: the earliest moment a query may ask for."""
        return self._latest

    @property
    def open_dossiers(self) -> int:
        """How many dossiers are in progress (kept whole)."""
        return len(self._open)

    @property
    def closed_dossiers(self) -> int:
        """How many dossiers have ended (kept as counts and one entry per id)."""
        return len(self._closed)

    def __repr__(self) -> str:
        return (f"LiveTally(period={self.period}, open={len(self._open)}, "
                f"closed={len(self._closed)}, petitions={len(self._petitions)})")

    # -- feeding ---------------------------------------------------------------------------------

    def add(self, record: Any) -> None:
        """Feed one record, new or an update of one fed before (same id, or same key)."""
        if isinstance(record, Dossier):
            self.add_dossier(record)
        elif isinstance(record, Petition):
            self.add_petition(record)
        elif isinstance(record, Rating):
            self.add_rating(record)
        elif isinstance(record, Announcement):
            self.add_announcement(record)
        elif isinstance(record, Commune):
            self.add_commune(record)
        elif isinstance(record, Authority):
            self.add_authority(record)
        else:
            raise RecordError("a live tally is fed Dossier, Petition, Rating, Announcement, "
                              "Commune or Authority records (procedures are given when it is "
                              "built, units when it is scored)", record="LiveTally",
                              field="record", value=record)

    def update(self, records: Iterable[Any]) -> LiveTally:
        """Feed records in order (a later one with the same id replaces an earlier one)."""
        if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
            raise RecordError("must be an iterable of records", record="LiveTally",
                              field="records", value=records)
        for record in records:
            self.add(record)
        return self

    def add_dossier(self, d: Dossier) -> None:
        """A new dossier, or a new version of one fed before (same id): it replaces the old
        version, open or closed. An ended dossier is counted now and its record dropped."""
        if not isinstance(d, Dossier):
            raise RecordError("must be a Dossier", record="LiveTally", field="dossier", value=d)
        last = _dossier_events(d)
        old = self._closed.pop(d.id, None)
        if old is not None:
            self._count(old, -1)
        self._open.pop(d.id, None)
        self._see(last)
        if d.ended_at is None:
            self._open[d.id] = d
            return
        # Every event of d has happened by `last`: its shape at `last` is its shape at any
        # later moment, but for the complaints, which are tracked apart.
        shape, timing = dossier_shape(d, attrs.evolve(self._context, as_of=last))
        if self._complained(d.id):
            shape = shape._replace(complained=True)
        bits = shape_marks(shape)
        if not self._context.authorities_given:
            bits |= AUTHORITY_BIT
        entry = _Closed(d.unit_id, d.procedure_code, shape, timing, bits)
        entry = self._kinds.setdefault(entry, entry)
        self._closed[d.id] = entry
        self._count(entry, 1)

    def add_petition(self, p: Petition) -> None:
        """A petition (PAKN), new or a new version of one fed before (same id). A petition naming
        a dossier is a complaint about it (5.4)."""
        if not isinstance(p, Petition):
            raise RecordError("must be a Petition", record="LiveTally", field="petition",
                              value=p)
        self._see(_petition_events(p))
        old = self._petitions.get(p.id)
        self._petitions[p.id] = p
        before = None if old is None else old.dossier_id
        if before == p.dossier_id:
            return
        if before is not None:
            n = self._refs[before] - 1
            if n:
                self._refs[before] = n
            else:
                del self._refs[before]
            self._recheck(before)
        if p.dossier_id is not None:
            self._refs[p.dossier_id] = self._refs.get(p.dossier_id, 0) + 1
            self._recheck(p.dossier_id)

    def add_rating(self, r: Rating) -> None:
        """A rating: a dislike naming a dossier is a complaint about it (5.4,
        :func:`~chiso766.population.disliked`); other ratings do not enter Decision 766 and are
        ignored. Every moment this tally is asked about is at or after every rating fed
        (:meth:`tally` refuses an earlier one), so a rating is judged at its own moment: a
        dislike then is one at every later moment."""
        if not isinstance(r, Rating):
            raise RecordError("must be a Rating", record="LiveTally", field="rating", value=r)
        if r.dossier_id is None or not disliked(r.rating, r.rated_at,
                                                r.rated_at or datetime.max):
            return
        if r.rated_at is not None:
            self._see(r.rated_at)
        self._disliked.add(r.dossier_id)
        self._recheck(r.dossier_id)

    def add_announcement(self, a: Announcement) -> None:
        """An announcement decision; one with the same unit, procedure, decision number and
        decision date replaces it (e.g. once it is published)."""
        if not isinstance(a, Announcement):
            raise RecordError("must be an Announcement", record="LiveTally",
                              field="announcement", value=a)
        self._see(_announcement_events(a))
        self._announcements[(a.unit_id, a.procedure_code, a.decision_no, a.decision_date)] = a

    def add_commune(self, c: Commune) -> None:
        """A commune under a unit (4.6); one with the same unit id replaces it."""
        if not isinstance(c, Commune):
            raise RecordError("must be a Commune", record="LiveTally", field="commune", value=c)
        self._communes[c.unit_id] = c

    def add_authority(self, a: Authority) -> None:
        """A procedure within a unit's authority; one with the same unit and procedure replaces
        it. Needs ``authorities_given=True``."""
        if not isinstance(a, Authority):
            raise RecordError("must be an Authority", record="LiveTally", field="authority",
                              value=a)
        if not self._context.authorities_given:
            raise PolicyError("this live tally was built with authorities_given=False: the "
                              "units' authority is the procedures seen on their dossiers; build "
                              "it with authorities_given=True to feed Authority records",
                              record="LiveTally", field="authority", value=a)
        self._authorities[(a.unit_id, a.procedure_code)] = a

    # -- querying --------------------------------------------------------------------------------

    def tally(self, as_of: datetime | date | None = None) -> Tally:
        """The :class:`~chiso766.tally.Tally` of everything fed, evaluated at ``as_of`` (default:
        the end of the period; a bare date means 17:00 that day): the same counts as a Tally fed
        the records themselves with :func:`~chiso766.tally.build_context` at ``as_of``.

        Raises :class:`~chiso766.errors.PolicyError` when something fed happened after ``as_of``.
        """
        base = self._context
        if as_of is None:
            moment: datetime = base.period.end_moment
        else:
            moment = to_local(as_of, completion=True, label="LiveTally", field="as_of")
        if self._latest is not None and self._latest > moment:
            raise PolicyError(
                f"a live tally cannot go back in time: the records fed so far have events up to "
                f"{self._latest.isoformat()}, after as_of {moment.isoformat()}, and are already "
                "counted with them; rescore from the records (score_766 with as_of) for an "
                "earlier moment", record="LiveTally", field="as_of", value=as_of)
        complained = frozenset(self._refs).union(self._disliked)
        ctx = attrs.evolve(base, as_of=moment, complained=complained)
        tally = Tally(ctx)
        for unit_id, cells in self._cells.items():
            marks: dict[str, int] = {}
            for code, by_bits in self._marks.get(unit_id, {}).items():
                bits = 0
                for b in by_bits:
                    bits |= b
                marks[code] = bits
            times = self._times.get(unit_id, {})
            tally.add_counted(unit_id, cells, marks,
                              {code: (t[0], t[1], t[2]) for code, t in times.items()})
        for d in self._open.values():
            tally.add_dossier(d)
        tally.update(self._authorities.values())
        tally.update(self._communes.values())
        tally.update(self._announcements.values())
        tally.update(self._petitions.values())
        return tally

    def scorecard(
        self,
        as_of: datetime | date | None = None,
        *,
        units: Iterable[Unit] = (),
        rules: RuleSet = QD766,
        notes: Iterable[str | Note] = (),
    ) -> Scorecard:
        """Every unit's Decision 766 scorecard at ``as_of`` (default: the end of the period):
        :func:`~chiso766.scoring.score_tally` of :meth:`tally`. Equals
        :func:`~chiso766.scoring.score_766` of the records fed so far at the same ``as_of``.

        Raises :class:`~chiso766.errors.PolicyError` when something fed happened after ``as_of``.
        """
        return score_tally(self.tally(as_of), units=units, rules=rules, notes=notes)

    # -- internals -------------------------------------------------------------------------------

    def _see(self, moment: datetime) -> None:
        if self._latest is None or moment > self._latest:
            self._latest = moment

    def _complained(self, dossier_id: str) -> bool:
        return dossier_id in self._refs or dossier_id in self._disliked

    def _recheck(self, dossier_id: str) -> None:
        """A complaint about ``dossier_id`` came or went: a closed dossier's counts follow (an
        open one is classified at each query with the complaints of the moment)."""
        entry = self._closed.get(dossier_id)
        if entry is None:
            return
        complained = self._complained(dossier_id)
        if entry.shape.complained == complained:
            return
        self._count(entry, -1)
        new = entry._replace(shape=entry.shape._replace(complained=complained))
        new = self._kinds.setdefault(new, new)
        self._closed[dossier_id] = new
        self._count(new, 1)

    def _count(self, entry: _Closed, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) one closed dossier's counts."""
        unit = entry.unit_id
        cells = self._cells.setdefault(unit, {})
        n = cells.get(entry.shape, 0) + sign
        if n:
            cells[entry.shape] = n
        else:
            del cells[entry.shape]
            if not cells:
                del self._cells[unit]
        if entry.bits:
            codes = self._marks.setdefault(unit, {})
            by_bits = codes.setdefault(entry.procedure_code, {})
            n = by_bits.get(entry.bits, 0) + sign
            if n:
                by_bits[entry.bits] = n
            else:
                del by_bits[entry.bits]
                if not by_bits:
                    del codes[entry.procedure_code]
                    if not codes:
                        del self._marks[unit]
        if entry.timing is not None:
            timed = self._times.setdefault(unit, {})
            triple: list[Any] = timed.setdefault(entry.procedure_code, [0, 0, 0])
            triple[0] += sign * entry.timing[0]
            triple[1] += sign * entry.timing[1]
            triple[2] += sign
            if not triple[2]:
                del timed[entry.procedure_code]
                if not timed:
                    del self._times[unit]
