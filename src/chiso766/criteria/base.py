"""What every criterion module shares: the scoring context, the per-unit accumulator the records
are counted into, and the count a criterion produces.

The accumulator is a mergeable value: each field merges by a rule that is associative and
commutative (counts add, procedure sets unite, on-time flags AND, online levels take the max), so
counting records in any split and merging equals counting them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from datetime import datetime
from fractions import Fraction
from typing import Any, NamedTuple

import attrs

from ..calendar import WorkingCalendar
from ..deadlines import DeadlinePolicy
from ..periods import Period
from ..policy import DEFAULT_COUNTING, CountingPolicy
from ..records import Procedure

__all__ = [
    "IN_TIME",
    "PENDING",
    "PROCEDURE_SETS",
    "Acc",
    "Context",
    "Count",
    "DossierShape",
    "Note",
    "ProcedureMean",
    "Verdict",
    "authority_with",
    "calendar_notes",
    "flag_notes",
]


class Verdict:
    """Where a dossier stands for criterion 2.1, as a small int (a :class:`DossierShape` field):
    outside the period's population, without a due date (left out), or its docs/rules.md "Was a
    dossier handled on time?" status."""

    OUT = 0
    UNCLASSIFIED = 1
    IN_TIME = 2  #: EARLY or ON_TIME
    LATE = 3
    PENDING_IN_TIME = 4
    PENDING_LATE = 5


IN_TIME = frozenset({Verdict.IN_TIME, Verdict.PENDING_IN_TIME})
PENDING = frozenset({Verdict.PENDING_IN_TIME, Verdict.PENDING_LATE})


class DossierShape(NamedTuple):
    """Everything the dossier criteria count about one dossier, without its ids or dates.

    Two dossiers with the same shape count the same way in every criterion, so a tally keeps,
    per unit, how many dossiers had each shape (a few thousand distinct shapes, whatever the
    number of dossiers), and the criteria functions run once per distinct shape. The readers'
    row path builds these tuples straight from the cells; :meth:`Tally.add_dossier` builds them
    from :class:`~chiso766.records.Dossier` records. Flags are ``None`` when not reported.
    """

    received: bool  #: ``received_at`` (NgayTiepNhan) in the period (1.4, 3.3, 3.4, 3.6)
    #: received in the period by ``received_at``, or by ``submitted_at`` when it has none: the
    #: population of 3.2 and 3.5 only (docs/rules.md "Populations")
    submitted: bool
    verdict: int  #: a :class:`Verdict` value
    complained: bool  #: petitioned about or disliked (criterion 5.4)
    paper: bool | None  #: the procedure requires a paper result
    fee: bool | None  #: the procedure charges a fee
    online: bool  #: channel ONLINE
    synced: bool | None
    electronic_result: bool | None
    paid: int | None  #: DuocThanhToanTrucTuyen (0 not paid online)
    fee_data: bool | None
    digitized: bool | None
    reuses: bool | None
    personal_store: bool | None
    population: bool | None


@attrs.define(frozen=True, slots=True)
class Note:
    """A remark on a criterion, in Vietnamese and English."""

    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@attrs.define(frozen=True, slots=True)
class Context:
    """Everything a record needs to be counted, shared by every partition of a dataset.

    The lookups (procedures, whether an authorities file exists, the dossiers someone complained
    about) are small and are "broadcast" to every partition, as in any map-reduce join; the
    records themselves (dossiers, petitions, announcements, communes, authorities) can be split
    any way.
    """

    period: Period
    as_of: datetime
    calendar: WorkingCalendar
    policy: DeadlinePolicy
    procedures: Mapping[str, Procedure]
    authorities_given: bool
    complained: AbstractSet[str]  #: a frozenset
    keep_ids: bool = False
    reported_received: Mapping[str, int] = attrs.field(factory=dict)
    last_year_totals: Mapping[str, int] = attrs.field(factory=dict)
    counting: CountingPolicy = DEFAULT_COUNTING


@attrs.define(frozen=True, slots=True)
class ProcedureMean:
    """Criterion 2.2 for one procedure: ``total`` processing time in ``unit`` (working_days,
    calendar_days, working_hours or months: the unit of its time limit) over ``dossiers``."""

    code: str
    unit: str
    total: Fraction
    dossiers: int

    @property
    def mean(self) -> Fraction:
        return self.total / self.dossiers


@attrs.define(frozen=True, slots=True)
class Count:
    """A criterion's count for one unit: numerator, denominator and, when the ratio is not
    simply ``n/d``, a factor (3.3's sync ratio) or the ratio itself (2.2's mean)."""

    numerator: int | Fraction
    denominator: int | Fraction
    ratio: Fraction | None = None
    ratio_given: bool = False
    factor: Fraction | None = None  #: multiplies n/d (3.3: the sync ratio of 1.4)
    notes: tuple[Note, ...] = ()
    no_data: bool = False
    numerator_ids: tuple[str, ...] | None = None
    denominator_ids: tuple[str, ...] | None = None
    #: 2.2 only: the mean per procedure, each in its time limit's unit
    by_procedure: tuple[ProcedureMean, ...] = ()
    #: False: the criterion publishes no counts (4.6 under ``certified_copy="portal"``,
    #: docs/rules.md "4.6"); ``numerator`` and ``denominator`` are then 0 for the arithmetic and
    #: every report shows them as null / "—" / an empty cell
    counted: bool = True

    @property
    def effective_ratio(self) -> Fraction | None:
        if self.no_data:
            return None
        if self.ratio_given:
            return self.ratio
        if self.denominator == 0:
            return None
        ratio = Fraction(self.numerator) / Fraction(self.denominator)
        return ratio if self.factor is None else ratio * self.factor


#: What one dossier shape adds to an accumulator: (code, hits, total) counts, unreported fields
#: and bumps (see :meth:`Acc.contribution`).
Contribution = tuple[tuple[tuple[str, int, int], ...], tuple[tuple[str, int], ...],
                     tuple[tuple[str, int], ...]]


#: The per-procedure sets the dossier criteria keep (3.2, 3.4, 3.5, 4.5a).
PROCEDURE_SETS = ("received", "online_dossier", "paid_reported", "paid", "fee_data_reported",
                  "fee_data", "population", "submitted")
_SET_BIT = {key: 1 << i for i, key in enumerate(PROCEDURE_SETS)}


class Acc:
    """One unit's own counts (not yet rolled up). Mutable while records are fed in."""

    __slots__ = ("authority", "flags", "ids", "marks", "misc", "nd", "sums", "unreported")

    def __init__(self) -> None:
        self.nd: dict[str, list[int]] = {}
        self.unreported: dict[str, int] = {}
        self.authority: dict[str, int] = {}
        # Per procedure code, which procedure sets it is in (bits over PROCEDURE_SETS): one small
        # dict per unit instead of a set per kind, read as sets through ``proc_set`` (one) or
        # ``procs`` (all).
        self.marks: dict[str, int] = {}
        self.flags: dict[str, dict[str, bool]] = {}
        self.sums: dict[str, list[Any]] = {}
        self.misc: dict[str, int] = {}
        self.ids: dict[str, tuple[list[str], list[str]]] = {}

    # -- feeding ------------------------------------------------------------------------------

    def count(self, code: str, hit: bool, ident: str | None = None) -> None:
        """One more record in ``code``'s denominator, and in its numerator when ``hit``."""
        pair = self.nd.get(code)
        if pair is None:
            pair = self.nd[code] = [0, 0]
        pair[1] += 1
        if hit:
            pair[0] += 1
        if ident is not None:
            lists = self.ids.get(code)
            if lists is None:
                lists = self.ids[code] = ([], [])
            lists[1].append(ident)
            if hit:
                lists[0].append(ident)

    def missing(self, code: str) -> None:
        """A record in ``code``'s denominator did not report a field the criterion needs."""
        self.unreported[code] = self.unreported.get(code, 0) + 1

    def add_proc(self, key: str, code: str) -> None:
        """Put ``code`` in the procedure set ``key`` (one of :data:`PROCEDURE_SETS`)."""
        self.add_marks(code, _SET_BIT[key])

    def add_marks(self, code: str, bits: int) -> None:
        """Put ``code`` in the procedure sets whose bits are set in ``bits``."""
        old = self.marks.get(code, 0)
        if old | bits != old:
            self.marks[code] = old | bits

    def proc_set(self, key: str) -> set[str]:
        """The procedure set ``key`` (one of :data:`PROCEDURE_SETS`); empty when none."""
        bit = _SET_BIT[key]
        return {code for code, bits in self.marks.items() if bits & bit}

    @property
    def procs(self) -> dict[str, set[str]]:
        """The procedure sets by kind (``"received"``, ``"online_dossier"``…), non-empty only."""
        out: dict[str, set[str]] = {}
        for code, bits in self.marks.items():
            for key, bit in _SET_BIT.items():
                if bits & bit:
                    out.setdefault(key, set()).add(code)
        return out

    def flag(self, key: str, code: str, ok: bool) -> None:
        """Per-procedure flag that stays True only if every record says so (e.g. announced on
        time: a procedure announced several times is late if any announcement was late)."""
        table = self.flags.get(key)
        if table is None:
            table = self.flags[key] = {}
        table[code] = table.get(code, True) and ok

    def add_sum(self, key: str, value: Any) -> None:
        pair = self.sums.get(key)
        if pair is None:
            pair = self.sums[key] = [0, 0]
        pair[0] += value
        pair[1] += 1

    def bump(self, key: str, by: int = 1) -> None:
        self.misc[key] = self.misc.get(key, 0) + by

    def authorize(self, code: str, level: int) -> None:
        if self.authority.get(code, -1) < level:
            self.authority[code] = level

    # -- merging ------------------------------------------------------------------------------

    def merge_from(self, other: Acc) -> None:
        for code, (n, d) in other.nd.items():
            pair = self.nd.setdefault(code, [0, 0])
            pair[0] += n
            pair[1] += d
        for code, k in other.unreported.items():
            self.unreported[code] = self.unreported.get(code, 0) + k
        for code, level in other.authority.items():
            self.authorize(code, level)
        for code, bits in other.marks.items():
            self.add_marks(code, bits)
        for key, table in other.flags.items():
            for code, ok in table.items():
                self.flag(key, code, ok)
        for key, (total, k) in other.sums.items():
            pair = self.sums.setdefault(key, [0, 0])
            pair[0] += total
            pair[1] += k
        for key, k in other.misc.items():
            self.bump(key, k)
        for code, (num, den) in other.ids.items():
            lists = self.ids.setdefault(code, ([], []))
            lists[0].extend(num)
            lists[1].extend(den)

    def contribution(self) -> Contribution:
        """These counts as a compact, immutable value for :meth:`add_scaled` (the contribution of
        one dossier shape, see :class:`DossierShape`): counts, unreported fields and bumps."""
        return (tuple((code, hits, total) for code, (hits, total) in self.nd.items()),
                tuple(self.unreported.items()), tuple(self.misc.items()))

    def add_scaled(self, contrib: Contribution, n: int) -> None:
        """Add ``n`` times a :meth:`contribution`."""
        nd_items, unreported, misc = contrib
        for code, hits, total in nd_items:
            pair = self.nd.get(code)
            if pair is None:
                pair = self.nd[code] = [0, 0]
            pair[0] += hits * n
            pair[1] += total * n
        for code, k in unreported:
            self.unreported[code] = self.unreported.get(code, 0) + k * n
        for key, k in misc:
            self.misc[key] = self.misc.get(key, 0) + k * n

    def copy(self) -> Acc:
        new = Acc()
        new.merge_from(self)
        return new

    def snapshot(self) -> dict[str, Any]:
        """A plain, order-independent view (for equality checks and debugging)."""
        return {
            "nd": {k: tuple(v) for k, v in sorted(self.nd.items())},
            "unreported": dict(sorted(self.unreported.items())),
            "authority": dict(sorted(self.authority.items())),
            "procs": {k: sorted(v) for k, v in sorted(self.procs.items())},
            "flags": {k: dict(sorted(v.items())) for k, v in sorted(self.flags.items())},
            "sums": {k: tuple(v) for k, v in sorted(self.sums.items())},
            "misc": dict(sorted(self.misc.items())),
            "ids": {k: (sorted(a), sorted(b)) for k, (a, b) in sorted(self.ids.items())},
        }

    # -- reading --------------------------------------------------------------------------------

    def pair(self, code: str) -> tuple[int, int]:
        n, d = self.nd.get(code, (0, 0))
        return n, d

    def id_lists(self, code: str) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        lists = self.ids.get(code)
        if lists is None:
            return None, None
        return tuple(sorted(lists[0])), tuple(sorted(lists[1]))


def flag_notes(acc: Acc, code: str, denominator: int | Fraction, field: str) -> tuple[
        tuple[Note, ...], bool]:
    """Notes for records that did not report ``field``; ``no_data`` when none of them did.

    Missing data is never silently a zero: when no record in the denominator reported the field
    the criterion has no score; when some did not, they count as not meeting it and the note says
    how many.
    """
    missing = acc.unreported.get(code, 0)
    if not missing:
        return (), False
    if denominator and missing >= denominator:
        return (Note(f"không có dữ liệu: không bản ghi nào có trường {field}",
                     f"no data: no record reports {field}"),), True
    return (Note(f"{missing}/{denominator} bản ghi không có trường {field} (tính là không đạt)",
                 f"{missing} of {denominator} records do not report {field} (counted as not "
                 "meeting the criterion)"),), False


def authority_with(acc: Acc, ctx: Context, flag: str,
                   codes: Iterable[str] | None = None) -> tuple[set[str], int]:
    """The unit's authority procedures (or ``codes``) whose ``flag`` (``has_fee``,
    ``for_individuals``…) is True, and how many did not report it (or are unknown procedures)."""
    chosen: set[str] = set()
    missing = 0
    for code in acc.authority if codes is None else codes:
        proc = ctx.procedures.get(code)
        value = None if proc is None else getattr(proc, flag)
        if value is None:
            missing += 1
        elif value:
            chosen.add(code)
    return chosen, missing


def calendar_notes(calendar: WorkingCalendar, period: Period, as_of: datetime) -> tuple[
        Note, ...]:
    """A note when a year the evaluation touches is not in the verified calendar table."""
    years = range(period.start.year, max(period.end.year, as_of.year) + 1)
    missing = [y for y in years if not calendar.is_verified(y)]
    if not missing:
        return ()
    shown = ", ".join(str(y) for y in missing)
    return (Note(f"lịch làm việc năm {shown} chưa được kiểm chứng",
                 f"calendar year {shown} not verified"),)
