"""Decision 766 scorecards: from counts to points, groups, total and band (docs/rules.md "The
criteria" and "Rounding").

* :func:`score_766` — everything, from a dataset: every unit of the tree, rolled up.
* :func:`score_tally` — from a (merged) :class:`~chiso766.tally.Tally`.
* :func:`score_counts` — from numerator/denominator pairs keyed by criterion code.

Units roll up: a unit's counts pool its own and all its descendants'; ratios come from the
pooled counts, never from averaging children's scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast, overload

import attrs

from . import renderers
from .calendar import WorkingCalendar
from .criteria import COUNTERS
from .criteria.base import Acc, Count, Note, calendar_notes
from .criteria.digitization import formality_count
from .deadlines import DeadlinePolicy
from .errors import PolicyError
from .folder_walk import tally_folder
from .io.dataset import Dataset
from .periods import Period
from .policy import CountingPolicy
from .records import Unit, UnitLevel
from .rounding import half_up, percent, portal_float_card
from .rules import QD766, Band, Conversion, Criterion, RuleSet, ZeroRule, canonical_code
from .tally import Tally, build_context

__all__ = [
    "CriterionResult",
    "GroupResult",
    "NextBandStep",
    "PartResult",
    "Scorecard",
    "UnitScorecard",
    "score_766",
    "score_counts",
    "score_tally",
]

_ZERO = Decimal("0.00")


@attrs.define(frozen=True, slots=True)
class CriterionResult:
    """One criterion's result for one unit, with everything needed to explain it."""

    criterion: Criterion
    numerator: int | Fraction
    denominator: int | Fraction
    ratio: Fraction | None
    exact: Fraction | None  #: exact points (None: no score)
    points: Decimal | None  #: as published (rounded half-up to 2 decimals)
    notes: tuple[Note, ...]
    numerator_ids: tuple[str, ...] | None = None
    denominator_ids: tuple[str, ...] | None = None
    count: Count | None = None
    #: False: no counts are published for this criterion (4.6 under the default
    #: ``certified_copy="portal"``, docs/rules.md "4.6"): ``numerator`` and ``denominator`` are
    #: 0 for the arithmetic, and :attr:`shown_numerator` / :attr:`shown_denominator` are None
    counted: bool = True

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def shown_numerator(self) -> int | Fraction | None:
        """The numerator as the reports show it: None when the criterion has no counts."""
        return self.numerator if self.counted else None

    @property
    def shown_denominator(self) -> int | Fraction | None:
        """The denominator as the reports show it: None when the criterion has no counts."""
        return self.denominator if self.counted else None

    def __repr__(self) -> str:
        return (f"CriterionResult(code={self.code!r}, numerator={self.shown_numerator!r}, "
                f"denominator={self.shown_denominator!r}, points={self.points!r})")

    @property
    def max_points(self) -> Decimal:
        return half_up(self.criterion.max_points)

    @property
    def percent(self) -> Decimal | None:
        if self.criterion.conversion is Conversion.ANALYSIS and self.code == \
                "AVERAGE_PROCESSING_TIME":
            return None
        return percent(self.ratio)


@attrs.define(frozen=True, slots=True)
class PartResult:
    code: str
    name_vi: str
    name_en: str
    points: Decimal
    max_points: Decimal
    criteria: tuple[str, ...]


@attrs.define(frozen=True, slots=True)
class GroupResult:
    code: str
    number: int
    name_vi: str
    name_en: str
    points: Decimal
    max_points: Decimal
    criteria: tuple[str, ...]
    parts: tuple[PartResult, ...] = ()

    def __repr__(self) -> str:
        return f"GroupResult(code={self.code!r}, points={self.points!r}, max={self.max_points!r})"


@attrs.define(frozen=True, slots=True)
class NextBandStep:
    """What one criterion alone would take to reach the next band (see ``to_next_band``)."""

    code: str
    more: int | None  #: how many more records of the numerator's kind; None: no amount can
    new_total: Decimal | None
    message: str


@attrs.define(frozen=True, slots=True)
class UnitScorecard:
    """One unit's Decision 766 scorecard."""

    unit_id: str
    name: str
    level: UnitLevel | None
    parent_id: str | None
    rules: RuleSet
    criteria: Mapping[str, CriterionResult]
    groups: Mapping[str, GroupResult]
    total: Decimal
    band: Band
    notes: tuple[Note, ...] = ()

    @property
    def max_total(self) -> Decimal:
        return half_up(self.rules.max_total)

    def __repr__(self) -> str:
        # Short: the criteria, their counts and notes are in ``criteria`` (and ``rows()``).
        return (f"UnitScorecard(unit_id={self.unit_id!r}, name={self.name!r}, "
                f"total={self.total!r}, band={self.band.value})")

    def points(self, code: str) -> Decimal | None:
        """Rounded points of a group, a part (ONLINE_SERVICES, ONLINE_PAYMENT) or a criterion."""
        if not isinstance(code, str):
            raise PolicyError("must be a group, part or criterion code (str)",
                              record=f"Scorecard {self.unit_id}", field="code", value=code)
        if code in self.groups:
            return self.groups[code].points
        for g in self.groups.values():
            for p in g.parts:
                if p.code == code:
                    return p.points
        if canonical_code(code) in self.criteria:
            return self.criteria[canonical_code(code)].points
        if code == "TOTAL":
            return self.total
        raise PolicyError("not a group, part or criterion code of this scorecard",
                          record=f"Scorecard {self.unit_id}", field="code", value=code)

    def explain(self, code: str, lang: str = "vi") -> str:
        """Why ``code`` has the points it has, in Vietnamese (default) or English."""
        return cast(str, renderers.call("unit.explain", self, code, lang))

    def to_next_band(self) -> list[NextBandStep]:
        """Per scored criterion: how many more records of the numerator's kind (taken from the
        denominator: e.g. late dossiers handled on time instead) would, on their own, lift the
        total to the next band — or that no amount can."""
        return cast("list[NextBandStep]", renderers.call("unit.to_next_band", self))

    def to_dict(self, lang: str = "vi", include_ids: bool = False) -> dict[str, Any]:
        return cast("dict[str, Any]", renderers.call("unit.to_dict", self, lang=lang,
                                                     include_ids=include_ids))

    def _repr_html_(self) -> str:
        return cast(str, renderers.call("unit.html", self))

    def rows(self, lang: str = "vi") -> list[dict[str, Any]]:
        """One plain row per criterion: ``unit_id, unit_name, group, part, code, number, name,
        numerator, denominator, ratio`` (0–1), ``days`` (2.2's mean working days), ``points,
        max, note``."""
        return cast("list[dict[str, Any]]", renderers.call("criteria.rows", [self], lang))

    def criteria_frame(self, lang: str = "vi", backend: str = "pandas") -> Any:
        """The criteria as a DataFrame (one row per criterion, the columns of :meth:`rows`);
        ``backend`` is ``"pandas"`` (the ``pandas`` extra) or ``"polars"``."""
        return renderers.call("frame", self.rows(lang), backend)

    def to_frame(self, lang: str = "vi", backend: str = "pandas") -> Any:
        """A unit's frame is its criteria: the same as :meth:`criteria_frame`."""
        return self.criteria_frame(lang, backend)


@attrs.define(frozen=True, slots=True)
class Scorecard:
    """Decision 766 scorecards of every unit of a dataset for one period.

    ``total``, ``band``, ``points``, ``explain`` and ``to_next_band`` answer for the single
    top-level unit (or the one picked with :meth:`unit`).
    """

    rules: RuleSet
    period: Period | None
    as_of: datetime | None
    units: Mapping[str, UnitScorecard]
    roots: tuple[str, ...]
    notes: tuple[Note, ...] = ()
    input: Any = None  #: the readers' ReadReport, when scored from files

    @property
    def ruleset(self) -> str:
        return self.rules.name

    def __repr__(self) -> str:
        # Short (it was 779,092 characters for the example province): what, when, how many,
        # and the top-level unit's result; the rest is one attribute away.
        period = self.period.label if self.period is not None else None
        as_of = self.as_of.isoformat(timespec="minutes") if self.as_of is not None else None
        head = (f"Scorecard(ruleset={self.rules.name!r}, period={period!r}, as_of={as_of!r}, "
                f"units={len(self.units)}")
        if len(self.roots) == 1:
            root = self.units[self.roots[0]]
            return f"{head}, root={root.unit_id!r}, total={root.total!r}, band={root.band.value})"
        return f"{head}, roots={len(self.roots)})"

    def unit(self, unit_id: str) -> UnitScorecard:
        try:
            return self.units[unit_id]
        except (KeyError, TypeError):
            raise PolicyError("no such unit in this scorecard", record="Scorecard",
                              field="unit_id", value=unit_id) from None

    @property
    def received(self) -> int | Fraction:
        """Dossiers received in the period, over the top-level units: criterion 3.3's
        denominator (0 when the rule set has no 3.3)."""
        return sum((u.criteria["ONLINE_DOSSIERS"].denominator
                    for u in (self.units[r] for r in self.roots)
                    if "ONLINE_DOSSIERS" in u.criteria), 0)

    @property
    def root(self) -> UnitScorecard:
        if len(self.roots) != 1:
            raise PolicyError(
                f"this scorecard has {len(self.roots)} top-level units; pick one with .unit(id)",
                record="Scorecard", field="roots", value=self.roots,
            )
        return self.units[self.roots[0]]

    @property
    def total(self) -> Decimal:
        return self.root.total

    @property
    def band(self) -> Band:
        return self.root.band

    def points(self, code: str) -> Decimal | None:
        return self.root.points(code)

    def explain(self, code: str, lang: str = "vi") -> str:
        return self.root.explain(code, lang)

    def to_next_band(self) -> list[NextBandStep]:
        return self.root.to_next_band()

    def to_dict(self, lang: str = "vi", include_ids: bool = False) -> dict[str, Any]:
        return cast("dict[str, Any]", renderers.call("scorecard.to_dict", self, lang=lang,
                                                     include_ids=include_ids))

    def _repr_html_(self) -> str:
        return cast(str, renderers.call("scorecard.html", self))

    def to_frame(self, lang: str = "vi", backend: str = "pandas") -> Any:
        """One row per unit (tree pre-order): ``unit_id, name, level, parent_id, total, band,
        band_label`` and each group's points in a column named by its code. ``backend`` is
        ``"pandas"`` (the ``pandas`` extra) or ``"polars"``; either is imported only here."""
        return renderers.call("frame", renderers.call("scorecard.rows", self, lang), backend)

    def criteria_frame(self, lang: str = "vi", backend: str = "pandas") -> Any:
        """One row per unit and criterion (see :meth:`UnitScorecard.rows`): the unit's id and
        name, the counts, the ratio as a 0–1 number, 2.2's mean working days in ``days``,
        the points and the maximum."""
        return renderers.call("frame", renderers.call("criteria.rows", self.units.values(),
                                                      lang), backend)


# ---------------------------------------------------------------------------------------------
# assembly: counts → results → groups → total


def _zero_note(criterion: Criterion) -> Note:
    if criterion.zero_rule is ZeroRule.FULL:
        return Note("không áp dụng (mẫu số bằng 0): đạt tối đa",
                    "not applicable (denominator 0): full points")
    if criterion.zero_rule is ZeroRule.ZERO:
        return Note("mẫu số bằng 0: 0 điểm", "denominator 0: 0 points")
    return Note("không có dữ liệu (mẫu số bằng 0): không tính điểm",
                "no data (denominator 0): no score")


def _criterion_result(criterion: Criterion, count: Count, extra: tuple[Note, ...]) -> \
        CriterionResult:
    ratio = count.effective_ratio
    notes = count.notes
    if count.no_data:
        exact = None
    else:
        exact = criterion.points_for_ratio(ratio)
        if ratio is None and criterion.scored and not notes:
            notes = notes + (_zero_note(criterion),)
    if criterion.uses_calendar:
        notes = notes + extra
    return CriterionResult(
        criterion=criterion, numerator=count.numerator, denominator=count.denominator,
        ratio=ratio, exact=exact, points=None if exact is None else half_up(exact),
        notes=notes, numerator_ids=count.numerator_ids, denominator_ids=count.denominator_ids,
        count=count, counted=count.counted,
    )


def assemble(
    rules: RuleSet,
    counts: Mapping[str, Count],
    *,
    unit_id: str,
    name: str = "",
    level: UnitLevel | None = None,
    parent_id: str | None = None,
    calendar_notes: tuple[Note, ...] = (),
    notes: tuple[Note, ...] = (),
) -> UnitScorecard:
    """Turn one unit's counts into its scorecard with the portal's rounding (docs/rules.md
    "Rounding")."""
    results: dict[str, CriterionResult] = {}
    for c in rules.criteria:
        count = counts.get(c.code, Count(0, 0))
        results[c.code] = _criterion_result(c, count, calendar_notes)
    groups: dict[str, GroupResult] = {}
    total = _ZERO
    for g in rules.groups:
        members = rules.criteria_of(g.code)
        parts: list[PartResult] = []
        if g.parts:
            points = _ZERO
            for part in g.parts:
                part_members = rules.criteria_of(g.code, part.code)
                if part.rounding == "portal_float":
                    part_points = _portal_card(part_members, results)
                else:
                    part_points = _sum_rounded(part_members, results)
                parts.append(PartResult(part.code, part.name_vi, part.name_en, part_points,
                                        half_up(part.max_points),
                                        tuple(c.code for c in part_members)))
                points += part_points
        else:
            points = _sum_rounded(members, results)
        groups[g.code] = GroupResult(g.code, g.number, g.name_vi, g.name_en, points,
                                     half_up(g.max_points), tuple(c.code for c in members),
                                     tuple(parts))
        total += points
    return UnitScorecard(unit_id=unit_id, name=name, level=level, parent_id=parent_id,
                         rules=rules, criteria=results, groups=groups, total=total,
                         band=rules.band(Fraction(str(total))), notes=notes)


def _sum_rounded(members: Sequence[Criterion], results: Mapping[str, CriterionResult]) -> Decimal:
    """TRANSPARENCY, PROGRESS, DIGITIZATION, SATISFACTION, online services: the sum of the
    criteria's rounded points; a null criterion adds nothing."""
    total = _ZERO
    for c in members:
        p = results[c.code].points
        if p is not None:
            total += p
    return total


def _portal_card(members: Sequence[Criterion], results: dict[str, CriterionResult]) -> Decimal:
    """The online-payment card (docs/rules.md "Rounding"): each ratio rounded to a 2-decimal
    percentage, each
    term ``coefficient × p / 100`` in IEEE double, rounded on its binary value, capped; the
    criteria show these terms as their points."""
    card = _ZERO
    for c in members:
        r = results[c.code]
        if not c.scored:
            continue
        if r.ratio is None:
            term = r.points  # d = 0 or no data: the criterion's own rule
        else:
            _, (term,) = portal_float_card([(r.ratio, c.coefficient, c.max_points)])
            results[c.code] = attrs.evolve(r, points=term)
        if term is not None:
            card += term
    return card


# ---------------------------------------------------------------------------------------------
# the unit tree


@attrs.define(frozen=True, slots=True)
class _Tree:
    order: tuple[str, ...]  #: pre-order, roots and children sorted by id
    children: Mapping[str, tuple[str, ...]]
    roots: tuple[str, ...]
    units: Mapping[str, Unit]
    notes: tuple[Note, ...]


def unit_tree(units: Iterable[Unit], seen_ids: Iterable[str]) -> _Tree:
    by_id: dict[str, Unit] = {}
    if isinstance(units, (str, bytes)) or not isinstance(units, Iterable):
        raise PolicyError("must be an iterable of Unit records", record="score", field="units",
                          value=units)
    for u in units:
        if not isinstance(u, Unit):
            raise PolicyError("must be Unit records", record="score", field="units", value=u)
        by_id[u.id] = u
    notes: list[Note] = []
    if not by_id:
        notes.append(Note("không có danh mục đơn vị: mỗi mã đơn vị trên hồ sơ là một đơn vị "
                          "cấp cao nhất",
                          "no units file: every unit id on the records is a top-level unit"))
    extra = sorted(set(seen_ids) - set(by_id))
    if by_id and extra:
        notes.append(Note(f"{len(extra)} mã đơn vị không có trong danh mục, coi là cấp cao nhất: "
                          + ", ".join(extra[:5]),
                          f"{len(extra)} unit ids not in the units file, taken as top-level: "
                          + ", ".join(extra[:5])))
    for uid in extra:
        by_id[uid] = Unit(uid)
    parent: dict[str, str | None] = {}
    for uid, u in by_id.items():
        p = u.parent_id
        if p is not None and p not in by_id:
            notes.append(Note(f"đơn vị {uid}: không tìm thấy đơn vị cha {p}",
                              f"unit {uid}: parent {p} not found, taken as top-level"))
            p = None
        parent[uid] = p
    # Parent cycles (docs/rules.md "units fallback"): each cycle is found once, in one pass
    # over the units (every unit is visited once: linear in the number of units); the smallest
    # id of the cycle becomes top-level, with a note naming the cycle's units in parent order.
    # A unit that only hangs below a cycle keeps its parent.
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for start in sorted(by_id):
        if start in state:
            continue
        path: list[str] = []
        walk: str | None = start
        while walk is not None and walk not in state:
            state[walk] = 1
            path.append(walk)
            walk = parent[walk]
        if walk is not None and state[walk] == 1:  # the walk came back onto its own path
            cycle = path[path.index(walk):]
            cut_at = min(cycle)
            at = cycle.index(cut_at)
            shown = " → ".join([*cycle[at:], *cycle[:at], cut_at])
            notes.append(Note(f"đơn vị {cut_at}: vòng lặp đơn vị cha ({shown}), coi {cut_at} là "
                              "cấp cao nhất",
                              f"unit {cut_at}: parent cycle ({shown}), {cut_at} taken as "
                              "top-level"))
            parent[cut_at] = None
        for v in path:
            state[v] = 2
    children: dict[str, list[str]] = {uid: [] for uid in by_id}
    roots: list[str] = []
    for uid in sorted(by_id):
        p = parent[uid]
        if p is None:
            roots.append(uid)
        else:
            children[p].append(uid)
    order: list[str] = []
    stack = list(reversed(roots))
    while stack:
        uid = stack.pop()
        order.append(uid)
        stack.extend(reversed(children[uid]))
    return _Tree(tuple(order), {k: tuple(v) for k, v in children.items()}, tuple(roots),
                 by_id, tuple(notes))


#: Criteria computed once for the top-level unit (province or ministry) and shown unchanged on
#: every unit below it: "Chỉ thống kê theo cấp Tỉnh, Bộ Ngành, không tính cấp con" (docs/rules.md
#: "The criteria"
#: 1.1–1.3; docs/rules.md "Roll-up").
TOP_LEVEL_ONLY = ("PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL")


class _Span(Sequence[str]):
    """A unit's subtree: a slice of the pre-order, without copying it (a chain of n units would
    otherwise hold n²/2 ids)."""

    __slots__ = ("_order", "_start", "_stop")

    def __init__(self, order: tuple[str, ...], start: int, stop: int) -> None:
        self._order, self._start, self._stop = order, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return self._order[self._start:self._stop][index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._order[self._start + index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order[self._start:self._stop])


def _subtrees(tree: _Tree) -> dict[str, Sequence[str]]:
    """Each unit's subtree (itself first, then its descendants in pre-order): in a pre-order a
    subtree is one contiguous run, so its size, counted children before parents, gives it."""
    size: dict[str, int] = {}
    for uid in reversed(tree.order):
        size[uid] = 1 + sum(size[c] for c in tree.children[uid])
    return {uid: _Span(tree.order, i, i + size[uid]) for i, uid in enumerate(tree.order)}


def _top_levels(tree: _Tree) -> dict[str, str]:
    """Each unit's top-level ancestor (itself for a root)."""
    top: dict[str, str] = {}
    for root in tree.roots:
        stack = [root]
        while stack:
            uid = stack.pop()
            top[uid] = root
            stack.extend(tree.children[uid])
    return top


def _copied_down(count: Count, root: str) -> Count:
    note = Note(f"giá trị của đơn vị cấp cao nhất {root} (chỉ tính cho cấp tỉnh, bộ, ngành)",
                f"the top-level unit {root}'s value (computed for the province or ministry "
                "only)")
    return attrs.evolve(count, notes=(*count.notes, note))


def _commune_catalogue(tree: _Tree, tally: Tally) -> frozenset[str]:
    """4.5a's denominator for a commune: the commune-level procedures of the catalogue — every
    procedure some commune has authority over — the same for every commune (docs/rules.md "The
    criteria" 4.5a;
    docs/rules.md "4.5a")."""
    accs = tally.units
    return frozenset(code for uid, u in tree.units.items()
                     if u.level is UnitLevel.COMMUNE and uid in accs
                     for code in accs[uid].authority)


def score_tally(
    tally: Tally,
    *,
    units: Iterable[Unit] = (),
    rules: RuleSet = QD766,
    notes: Iterable[str | Note] = (),
    input_report: Any = None,
) -> Scorecard:
    """Score every unit of the tree from a tally (roll-up by pooling counts)."""
    if not isinstance(tally, Tally):
        raise PolicyError("must be a Tally", record="score_tally", field="tally", value=tally)
    if not isinstance(rules, RuleSet):
        raise PolicyError("must be a RuleSet", record="score_tally", field="rules", value=rules)
    ctx = tally.context
    tree = unit_tree(units, tally.units)
    pooled: dict[str, Acc] = {}
    for uid in reversed(tree.order):  # children before parents
        acc = tally.units[uid].copy() if uid in tally.units else Acc()
        for child in tree.children[uid]:
            acc.merge_from(pooled[child])
        pooled[uid] = acc
    subtree = _subtrees(tree)
    cal_notes = calendar_notes(ctx.calendar, ctx.period, ctx.as_of)
    top = _top_levels(tree)
    catalogue = _commune_catalogue(tree, tally) if ctx.authorities_given else None
    cards: dict[str, UnitScorecard] = {}
    unit_counts: dict[str, dict[str, Count]] = {}
    for uid in tree.order:  # parents before children: a root's counts exist when copied down
        counts: dict[str, Count] = {}
        root = top[uid]
        for code, fn in COUNTERS.items():
            if code in TOP_LEVEL_ONLY and root != uid:
                counts[code] = _copied_down(unit_counts[root][code], root)
            else:
                counts[code] = fn(pooled[uid], ctx, subtree[uid], counts)
        u = tree.units[uid]
        if catalogue is not None and u.level is UnitLevel.COMMUNE:
            counts["CITIZEN_DATA_CONNECTED_FORMALITY"] = formality_count(pooled[uid], ctx,
                                                                         catalogue)
        unit_counts[uid] = counts
        cards[uid] = assemble(rules, counts, unit_id=uid, name=u.name, level=u.level,
                              parent_id=u.parent_id if u.parent_id in tree.units else None,
                              calendar_notes=cal_notes)
    all_notes = tuple(n if isinstance(n, Note) else Note(n, n) for n in notes) + tree.notes
    if not ctx.authorities_given:
        all_notes += (Note("không có tệp thẩm quyền (authorities): thẩm quyền của đơn vị là các "
                           "TTHC có hồ sơ của đơn vị, ở mức độ DVCTT của chính TTHC",
                           "no authorities file: a unit's authority is the procedures seen on "
                           "its dossiers, at the procedure's own online level"),)
    card = Scorecard(rules=rules, period=ctx.period, as_of=ctx.as_of, units=cards,
                     roots=tree.roots, notes=all_notes + cal_notes, input=input_report)
    if card.roots and card.received == 0 and any(c.code == "ONLINE_DOSSIERS"
                                                 for c in rules.criteria):
        card = attrs.evolve(card, notes=(no_receipts_note(ctx.period.label),) + card.notes)
    return card


#: The start of the note a scorecard carries when no dossier was received in its period.
NO_RECEIPTS_EN = "no dossier was received in period"


def no_receipts_note(label: str) -> Note:
    """Said loudly in every report (and on the command line's stderr): a period with no dossier
    received in it — one beyond the data, or a wrong ``--period`` — still gets a score, from
    dossiers carried over and from the non-dossier criteria, which is not the period's score.
    Counted as criterion 3.3's denominator, the dossiers received in the period (docs/rules.md,
    "The criteria")."""
    return Note(f"không có hồ sơ nào được tiếp nhận trong kỳ {label}: điểm chỉ gồm hồ sơ tồn từ "
                "kỳ trước và các tiêu chí không tính theo hồ sơ — kiểm tra kỳ đánh giá và dữ "
                "liệu",
                f"{NO_RECEIPTS_EN} {label}: the score comes only from dossiers carried over "
                "and from the criteria not counted on dossiers — check the period and the data")


def notes_of_dataset(dataset: Any) -> tuple[str | Note, ...]:
    """The dataset's notes, minus the no-units / no-authorities fallbacks that the scorecard
    states itself (in both languages)."""
    from .io.dataset import NO_AUTHORITIES, NO_UNITS

    notes = getattr(dataset, "notes", ())
    if isinstance(notes, str) or not isinstance(notes, Iterable):
        return ()
    return tuple(n for n in notes if isinstance(n, (str, Note))
                 and not (isinstance(n, str) and (NO_UNITS in n or NO_AUTHORITIES in n)))


def score_766(
    dataset: Dataset,
    *,
    period: Period,
    as_of: datetime | date | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    rules: RuleSet = QD766,
    keep_ids: bool = False,
    reported_received: Mapping[str, int] | None = None,
    last_year_totals: Mapping[str, int] | None = None,
    counting: CountingPolicy | None = None,
) -> Scorecard:
    """Score every unit of ``dataset`` for ``period`` under Decision 766 (docs/rules.md "The
    criteria").

    ``as_of`` (default: the end of the period) is the evaluation moment: a current period is
    scored as it stands then. ``keep_ids`` keeps the record ids counted in each numerator and
    denominator (memory grows with the data; off by default). ``reported_received`` (per unit,
    the national reporting system's count of dossiers received) and ``last_year_totals`` feed
    criterion 1.4's denominator rules. ``counting`` picks the Decision 766 counting policies
    (:class:`~chiso766.policy.CountingPolicy`; docs/rules.md "Decision 766 counting").

    A dataset whose records :func:`~chiso766.read_folder` left unread (a folder of CSV files) is
    counted from its files by the columnar engine, to the same scorecard, without making its
    records; with ``keep_ids=True`` its records are read first.
    """
    unread = getattr(dataset, "_unread", None) if isinstance(dataset, Dataset) else None
    if unread is not None and keep_ids is False:
        # The arguments checked as below, before the files are read.
        build_context(period=period, as_of=as_of, calendar=calendar, policy=policy,
                      reported_received=reported_received, last_year_totals=last_year_totals,
                      counting=counting)
        unread.check()
        done = tally_folder(unread.folder, period=period, as_of=as_of, calendar=calendar,
                            policy=policy, strict=False, reported_received=reported_received,
                            last_year_totals=last_year_totals, progress=None,
                            counting=counting)
        return score_tally(done.tally, units=done.walk.ref.units, rules=rules,
                           notes=notes_of_dataset(dataset), input_report=done.report)
    for name in ("dossiers", "procedures", "petitions", "ratings", "units"):
        if not hasattr(dataset, name):
            raise PolicyError("must be a Dataset (see read_folder or Dataset.from_records)",
                              record="score_766", field="dataset", value=dataset)
    ctx = build_context(
        period=period, as_of=as_of, procedures=dataset.procedures,
        petitions=dataset.petitions, ratings=dataset.ratings,
        authorities_given=bool(dataset.authorities), calendar=calendar, policy=policy,
        keep_ids=keep_ids, reported_received=reported_received,
        last_year_totals=last_year_totals, counting=counting,
    )
    tally = Tally.from_dataset(dataset, ctx)
    return score_tally(tally, units=dataset.units, rules=rules,
                       notes=notes_of_dataset(dataset),
                       input_report=getattr(dataset, "report", None))


def _check_count(code: str, count: Count) -> None:
    """A Count given to :func:`score_counts` is checked like a pair (its ratio and factor too)."""
    n, d = count.numerator, count.denominator
    ok = n <= d or count.ratio_given
    for v in (count.ratio, count.factor):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, Fraction))
                              or v < 0):
            ok = False
    if ok and count.factor is not None and count.factor > 1:
        ok = False
    if not ok or not isinstance(count.notes, tuple) or \
            not all(isinstance(x, Note) for x in count.notes):
        raise PolicyError("not a valid count (numerator ≤ denominator, ratio and factor ≥ 0)",
                          record="score_counts", field=code, value=count)


def score_counts(
    counts: Mapping[str, Sequence[int | Fraction] | Count],
    *,
    rules: RuleSet = QD766,
    unit_id: str = "counts",
    name: str = "",
) -> Scorecard:
    """Score from numerator/denominator pairs keyed by criterion code — counts published by the
    portal or kept by another system — with the same rounding as :func:`score_766` (docs/api.md).
    A criterion missing from ``counts`` is 0/0 and gets its d = 0 rule."""
    if not isinstance(counts, Mapping):
        raise PolicyError("must be a mapping of criterion code to (numerator, denominator)",
                          record="score_counts", field="counts", value=counts)
    if not isinstance(rules, RuleSet):
        raise PolicyError("must be a RuleSet", record="score_counts", field="rules", value=rules)
    known = {c.code for c in rules.criteria}
    parsed: dict[str, Count] = {}
    given: dict[str, str] = {}
    for key, value in counts.items():
        # The portal's codes (PETITION_PROCESSING_ON_TIME, DOSSIER_RECEIVING_SATISFACTION) are
        # aliases of the library's (docs/rules.md "The criteria" r2).
        code = canonical_code(key) if isinstance(key, str) else key
        if not isinstance(code, str) or code not in known:
            raise PolicyError(f"not a criterion of rule set {rules.name!r}",
                              record="score_counts", field="code", value=key)
        if code in given:
            raise PolicyError(f"given twice, as {given[code]} and as {key}",
                              record="score_counts", field="code", value=code)
        given[code] = key
        if isinstance(value, Count):
            n, d = value.numerator, value.denominator
        elif isinstance(value, (str, bytes)) or not isinstance(value, Sequence) \
                or len(value) != 2:
            raise PolicyError("must be a (numerator, denominator) pair", record="score_counts",
                              field=code, value=value)
        else:
            n, d = value
        for part, v in (("numerator", n), ("denominator", d)):
            if isinstance(v, bool) or not isinstance(v, (int, Fraction)) or v < 0:
                raise PolicyError(f"the {part} must be a number ≥ 0", record="score_counts",
                                  field=code, value=value)
        if isinstance(value, Count):
            _check_count(code, value)
            parsed[code] = value
            continue
        if code == "AVERAGE_PROCESSING_TIME":
            # 2.2 is a mean (working days / dossiers), not a proportion: n > d is fine.
            parsed[code] = Count(n, d, ratio=Fraction(n) / d if d else None, ratio_given=True)
            continue
        if n > d:
            raise PolicyError("the numerator exceeds the denominator", record="score_counts",
                              field=code, value=value)
        parsed[code] = Count(n, d)
    # docs/rules.md "The criteria": 3.3 is multiplied by 1.4's ratio when 1.4 has one — from counts
    # as from records.
    sync, online = parsed.get("DOSSIER_SYNC"), parsed.get("ONLINE_DOSSIERS")
    if sync is not None and online is not None and online.factor is None:
        parsed["ONLINE_DOSSIERS"] = attrs.evolve(online, factor=sync.effective_ratio)
    card = assemble(rules, parsed, unit_id=unit_id, name=name)
    return Scorecard(rules=rules, period=None, as_of=None, units={unit_id: card},
                     roots=(unit_id,))
