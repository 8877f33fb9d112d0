"""Dossiers read as columns, counted into a :class:`~chiso766.tally.Tally` by the columnar form
of the counting rules.

The columnar engine's reader (:mod:`chiso766.io.columnar`) reads a dossiers CSV file a batch of
rows at a time into typed columns and decides which rows it can vouch for; it decides nothing
about how a dossier counts. It hands those rows here (:meth:`FrameCounts.count`): the rules of
docs/rules.md "Populations" and "Was a dossier handled on time?" run over them in their columnar
form (:func:`~chiso766.population.shape_columns`, with
:func:`~chiso766.population.supplement_aggregates` and
:func:`~chiso766.population.statutory_due`), and the dossiers are counted by (unit, shape)
with each procedure's marks and the 2.2 sums per (unit, procedure), kept as small frames and
folded into the tally's accumulators in polars (:meth:`~chiso766.tally.Tally.shape_contribution`
times the count, summed per unit) — the same integers as :meth:`Tally.add_dossier
<chiso766.tally.Tally.add_dossier>` on each record. The streaming score (:mod:`chiso766.streaming`)
gives the reader this counter; a row whose 2.2 span the calendar table does not cover is handed
back, for the record path to count.

polars is an optional dependency (the ``fast`` extra): it is imported when a counter is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from . import population
from .criteria.base import DossierShape
from .tally import AUTHORITY_BIT, Tally, shape_marks

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FrameCounts", "FrameShow"]

#: Rows of kept counts (per unit and shape, per unit and procedure) past which they are handed
#: to the tally before the end of the file (memory).
PENDING_ROWS = 500_000
#: (unit, shape) counts folded into the tally's accumulators at a time (memory).
FOLD_ROWS = 20_000


class FrameCounts:
    """Counts frames of dossiers into ``tally`` (see the module's description); :meth:`finish`
    hands the last counts over."""

    def __init__(self, tally: Tally,
                 frames: Callable[[pl.DataFrame], Iterable[int] | None] | None = None) -> None:
        import polars as pl

        ctx = tally.context
        self.tally = tally
        # Shown every dossier counted here (HCM 104's parts A and B in the same pass): asks
        # the reader for the staff column (``wants_staff``), and statutory dues are computed
        # for every dossier.
        self.observer = frames
        self.wants_staff = frames is not None
        self.ctx = ctx
        self.auth = 0 if ctx.authorities_given else AUTHORITY_BIT
        self.bits: dict[tuple[Any, ...], int] = {}
        # Each procedure's (paper, fee) pair as a small index (shapes are grouped by it).
        self.pf_of: dict[str, int] = {}
        self.pf_index: dict[tuple[Any, Any], int] = {}
        self.pf_values: list[tuple[Any, Any]] = []
        # Shapes by number, and the counts of the batches since the last hand-over.
        self.sid_of: dict[tuple[Any, ...], int] = {}
        self.shapes: list[tuple[Any, ...]] = []
        self.sid_bits: list[int] = []
        self.pending: list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = []
        self.pending_rows = 0
        # Each shape's contribution as rows (sid, part, key, a, b), for shapes below
        # contrib_sids (:meth:`_fold`).
        self.contribs = pl.DataFrame(schema={"sid": pl.Int64, "part": pl.Int64,
                                             "key": pl.String, "a": pl.Int64, "b": pl.Int64})
        self.contrib_sids = 0
        self.limit_of = population.procedure_limits(ctx.procedures)
        self.kinds: dict[str, int] = {}
        complained = ctx.complained
        self.complained = pl.Series("complained", list(complained), dtype=pl.String) \
            if complained else None
        period, as_of = ctx.period, ctx.as_of
        # The working calendar as a table over the years a 2.2 span of the period can cover;
        # a span outside it is handed back to the record path.
        lo = max(min(period.start.year, as_of.year) - 2, 1900)
        hi = min(max(period.end.year, as_of.year) + 1, 2199)
        self.table = population.calendar_table(ctx, lo, hi)

    def count(self, dossiers: pl.DataFrame, requests: pl.DataFrame,
              flag_values: Sequence[tuple[Any, ...]]) -> tuple[list[int], list[int]]:
        """Count ``dossiers`` and give the ``key`` of each one left to the record path (its 2.2
        span outside the calendar table), counted here not at all, and of each one the
        observer (``frames``) wants shown as a record too.

        ``dossiers``: one row a dossier, the moment columns of
        :data:`~chiso766.population.MOMENT_COLUMNS` and ``new_due_at`` (``pl.Datetime("us")``),
        ``unit``, ``code`` (a procedure of the context or not), ``ident``, ``key`` (an ``Int64``
        unique in the frame) and ``fid``, the index in ``flag_values`` of the dossier's recorded
        flags (channel online, synced, electronic result, paid online, fee data, digitized,
        reused data, personal data store, population data: the fields of
        :class:`~chiso766.criteria.base.DossierShape` after the procedure's two), and ``staff``
        when :attr:`wants_staff`.
        ``requests``: the supplement requests by ``key`` (``requested_at``, ``supplied_at``).

        With ``frames`` (given on creation), the dossiers counted here — all but those handed
        back — are shown to it with the supplement aggregates and every dossier's statutory
        due (:func:`~chiso766.population.statutory_due` with ``every_dossier``): the counts
        read the same dues narrowed to the period's population. The observer may return the
        keys of the dossiers shown that it wants as records as well."""
        import polars as pl

        ctx = self.ctx
        aggregates = population.supplement_aggregates(requests, ctx.as_of)
        dossiers = dossiers.join(aggregates, on="key", how="left").sort("key").with_columns(
            asked=pl.col("asked").fill_null(0),
            applicant=pl.col("applicant").fill_null(timedelta(0)),
        )
        for code in dossiers["code"].unique().to_list():
            if code not in self.kinds:
                self.kinds[code] = population.unit_kind(self.limit_of(code))
        observer = self.observer
        dossiers = dossiers.with_columns(
            statutory_due=population.statutory_due(dossiers, ctx, self.limit_of,
                                                   every_dossier=observer is not None),
            unit_kind=pl.col("code").replace_strict(self.kinds, return_dtype=pl.Int64),
            complained=(pl.col("ident").is_in(pl.lit(self.complained).implode())
                        if self.complained is not None
                        else pl.lit(False)),
        )
        every = dossiers
        if observer is not None:
            dossiers = dossiers.with_columns(statutory_due=population.population_due(ctx))
        shaped = population.shape_columns(dossiers, ctx, self.table)
        outside = pl.col("counted") & pl.col("timed") & pl.col("days").is_null()
        left: list[int] = shaped.filter(outside)["key"].to_list()
        if left:
            shaped = shaped.filter(~outside)
        self._add(shaped.filter(pl.col("counted")), flag_values)
        wanted: list[int] = []
        if observer is not None:
            asked = observer(every.filter(~pl.col("key").is_in(left)) if left else every)
            wanted = [] if asked is None else list(asked)
        return left, wanted

    def finish(self) -> None:
        """Hand every count kept so far to the tally."""
        self._hand_over()

    # -- internals -------------------------------------------------------------------------

    def _add(self, counted: pl.DataFrame, flag_values: Sequence[tuple[Any, ...]]) -> None:
        """Count the batch's dossiers: by shape per unit, each procedure's marks (the union of
        its dossiers' shapes' marks) and the 2.2 sums per unit and procedure, kept as small
        frames until :meth:`_hand_over` gives them to the tally."""
        import polars as pl

        if not counted.height:
            return
        auth, bits_of, pf_of = self.auth, self.bits, self.pf_of
        for code in counted["code"].unique().to_list():
            if code not in pf_of:
                proc = self.ctx.procedures.get(code)
                pair = ((proc.requires_paper_result, proc.has_fee) if proc is not None
                        else (None, None))
                pf = self.pf_index.get(pair)
                if pf is None:
                    pf = self.pf_index[pair] = len(self.pf_values)
                    self.pf_values.append(pair)
                pf_of[code] = pf
        keyed = counted.with_columns(
            pf=pl.col("code").replace_strict(pf_of, return_dtype=pl.Int64))
        key = ["pf", "fid", "received", "submitted", "verdict", "complained"]
        # Each distinct shape gets a number once (its fields and procedure marks are kept).
        shapes = keyed.select(key).unique()
        sids: list[int] = []
        for row in shapes.iter_rows():
            sid = self.sid_of.get(row)
            if sid is None:
                pf, fid, received, submitted, verdict, complained = row
                shape = (received, submitted, verdict, complained, *self.pf_values[pf],
                         *flag_values[fid])
                bits = bits_of.get(shape)
                if bits is None:
                    bits = bits_of[shape] = shape_marks(DossierShape(*shape)) | auth
                sid = self.sid_of[row] = len(self.shapes)
                self.shapes.append(shape)
                self.sid_bits.append(bits)
            sids.append(sid)
        shapes = shapes.with_columns(
            sid=pl.Series(sids, dtype=pl.Int64),
            bits=pl.Series([self.sid_bits[sid] for sid in sids], dtype=pl.Int64))
        keyed = keyed.join(shapes, on=key, how="left")
        self.pending.append((
            keyed.group_by(["unit", "sid"]).agg(pl.len().cast(pl.Int64).alias("n")),
            keyed.filter(pl.col("bits") != 0).select("unit", "code", "bits").unique(),
            keyed.filter(pl.col("timed") & (pl.col("unit_kind") != population.OTHER_UNIT))
            .group_by(["unit", "code"]).agg(
                pl.col("days").sum(), pl.col("value").sum(), pl.col("office_us").sum(),
                pl.len().cast(pl.Int64).alias("k"), pl.col("unit_kind").first()),
        ))
        self.pending_rows += sum(frame.height for frame in self.pending[-1])
        other = counted.filter(pl.col("timed") & (pl.col("unit_kind") == population.OTHER_UNIT))
        if other.height:
            values = population.scalar_values(other, self.ctx, self.limit_of)
            for (unit, code, days), value in zip(
                    other.select("unit", "code", "days").iter_rows(), values, strict=True):
                self.tally.add_counted(unit, {}, {}, {code: (days, value, 1)})
        if self.pending_rows > PENDING_ROWS:
            self._compact()
            if self.pending_rows > PENDING_ROWS // 2:
                self._hand_over()

    def _compact(self) -> None:
        """Sum the kept counts of many batches into one frame each (each (unit, shape) and
        (unit, procedure) once): memory stays in proportion to the distinct keys, and the
        tally's accumulators are folded once at the end instead of after every few batches."""
        import polars as pl

        cells_parts, marks_parts, times_parts = zip(*self.pending, strict=True)
        cells = pl.concat(cells_parts).group_by(["unit", "sid"]).agg(pl.col("n").sum())
        marks = pl.concat(marks_parts).unique()
        times = pl.concat(times_parts).group_by(["unit", "code"]).agg(
            pl.col("days").sum(), pl.col("value").sum(), pl.col("office_us").sum(),
            pl.col("k").sum(), pl.col("unit_kind").first())
        self.pending = [(cells, marks, times)]
        self.pending_rows = cells.height + marks.height + times.height

    def _hand_over(self) -> None:
        """Give the counts kept since the last hand-over to the tally: the (unit, shape) counts
        folded into its accumulators, each (unit, procedure)'s marks and 2.2 sums once."""
        import polars as pl

        if self.pending:
            cells_parts, marks_parts, times_parts = zip(*self.pending, strict=True)
            self.pending = []
            self.pending_rows = 0
            self._fold(pl.concat(cells_parts).group_by(["unit", "sid"]).agg(
                pl.col("n").sum()))
            marks = pl.concat(marks_parts)
            if marks.height:
                width = max(self.sid_bits).bit_length()
                ors = marks.group_by(["unit", "code"]).agg(
                    *(((pl.col("bits") & (1 << b)) != 0).any().alias(f"b{b}")
                      for b in range(width))).select(
                    "unit", "code", pl.sum_horizontal(
                        pl.col(f"b{b}").cast(pl.Int64) * (1 << b) for b in range(width)))
                # Handed a unit at a time (each unit's procedures in the order met).
                marks_of: dict[str, dict[str, int]] = {}
                for unit, code, bits in ors.iter_rows():
                    codes = marks_of.get(unit)
                    if codes is None:
                        codes = marks_of[unit] = {}
                    codes[code] = bits
                for unit, codes in marks_of.items():
                    self.tally.add_counted(unit, {}, codes, {})
            hours = population.WORKING_HOURS
            times_of: dict[str, dict[str, tuple[int, Fraction | int, int]]] = {}
            for unit, code, days, value, office_us, k, kind in pl.concat(
                    times_parts).group_by(["unit", "code"]).agg(
                        pl.col("days").sum(), pl.col("value").sum(),
                        pl.col("office_us").sum(), pl.col("k").sum(),
                        pl.col("unit_kind").first()).iter_rows():
                timed = times_of.get(unit)
                if timed is None:
                    timed = times_of[unit] = {}
                # Working hours: the sum of each dossier's Fraction(office_us, HOUR_US).
                timed[code] = (days, Fraction(office_us, population.HOUR_US)
                               if kind == hours else value, k)
            for unit, timed in times_of.items():
                self.tally.add_counted(unit, {}, {}, timed)
        self.tally.units  # noqa: B018 - reading folds the handed counts into the accumulators

    def _fold(self, cells: pl.DataFrame) -> None:
        """Fold the counts per (unit, shape) into the tally's accumulators in polars: each
        shape's contribution (:meth:`Tally.shape_contribution
        <chiso766.tally.Tally.shape_contribution>`, one dossier's counts) kept as rows
        (shape, part, key, a, b), times the shape's count, summed per (unit, part, key) and
        added once per unit (:meth:`Tally.add_contribution
        <chiso766.tally.Tally.add_contribution>`) — the same integers as adding them shape by
        shape."""
        import polars as pl

        if not cells.height:
            return
        tally = self.tally
        sids: list[int] = []
        parts: list[int] = []
        keys: list[str] = []
        firsts: list[int] = []
        seconds: list[int] = []
        for sid in range(self.contrib_sids, len(self.shapes)):
            nd, unreported, misc = tally.shape_contribution(self.shapes[sid])
            for code, hits, total in nd:
                sids.append(sid)
                parts.append(0)
                keys.append(code)
                firsts.append(hits)
                seconds.append(total)
            for part, items in ((1, unreported), (2, misc)):
                for key, k in items:
                    sids.append(sid)
                    parts.append(part)
                    keys.append(key)
                    firsts.append(k)
                    seconds.append(0)
        self.contrib_sids = len(self.shapes)
        if sids:
            self.contribs = pl.concat([self.contribs, pl.DataFrame(
                {"sid": sids, "part": parts, "key": keys, "a": firsts, "b": seconds},
                schema=self.contribs.schema)])
        # A slice of the (unit, shape) counts at a time: the join has a row per (unit, shape,
        # key), which for all of them at once would be the largest frame of the run.
        sums = [cells.slice(at, FOLD_ROWS).join(self.contribs, on="sid", how="inner")
                .group_by(["unit", "part", "key"]).agg((pl.col("a") * pl.col("n")).sum(),
                                                       (pl.col("b") * pl.col("n")).sum())
                for at in range(0, cells.height, FOLD_ROWS)]
        summed = pl.concat(sums).group_by(["unit", "part", "key"]).agg(
            pl.col("a").sum(), pl.col("b").sum())
        per_unit: dict[str, tuple[list[tuple[str, int, int]], list[tuple[str, int]],
                                  list[tuple[str, int]]]] = {}
        for unit, part, key, a, b in summed.iter_rows():
            lists = per_unit.get(unit)
            if lists is None:
                lists = per_unit[unit] = ([], [], [])
            if part == 0:
                lists[0].append((key, a, b))
            elif part == 1:
                lists[1].append((key, a))
            else:
                lists[2].append((key, a))
        for unit, (nd_items, unreported_items, misc_items) in per_unit.items():
            tally.add_contribution(unit, (tuple(nd_items), tuple(unreported_items),
                                          tuple(misc_items)))


class FrameShow:
    """A counter that counts nothing: each frame of the dossiers the engine vouches for is
    shown to ``frames`` with the supplement aggregates
    (:func:`~chiso766.population.supplement_aggregates` at the context's evaluation moment)
    — a stream's reading of the dossiers for an observer (the due-date audit of every
    dossier, :meth:`chiso766.streaming.DossierStream.observe`). ``frames`` may return the
    keys of the dossiers it wants shown as records too."""

    wants_staff = False

    def __init__(self, tally: Tally,
                 frames: Callable[[pl.DataFrame], Iterable[int] | None] | None = None) -> None:
        self.as_of = tally.context.as_of
        self.frames = frames

    def count(self, dossiers: pl.DataFrame, requests: pl.DataFrame,
              flag_values: Sequence[tuple[Any, ...]]) -> tuple[list[int], list[int]]:
        """Show ``dossiers``; none is left to the record path."""
        if self.frames is None:
            return [], []
        aggregates = population.supplement_aggregates(requests, self.as_of)
        asked = self.frames(dossiers.join(aggregates, on="key", how="left").sort("key"))
        return [], [] if asked is None else list(asked)

    def finish(self) -> None:
        pass
