"""The block path for dossiers: a dossiers CSV file counted many thousand rows at a time, with
numpy.

Used by :func:`chiso766.streaming.score_folder` when numpy is installed (the ``fast`` extra);
without it the row path (:mod:`chiso766.io.rowpath`) does the same work a row at a time. Both
accept and reject the same rows with the same messages and give the same counts — the test
suite checks it on generated files, cut into blocks of a few bytes as well as of megabytes.

The file is read by :func:`~.blocks.read_blocks` (clean blocks of whole lines, cells as byte
offsets, national moments and code cells decoded a column at a time). Ids are claimed in line
order a block at a time in the duplicate check (:class:`~.rowpath.IdClaims`) that the row path
shares. docs/rules.md "Was a dossier handled on time?" (criterion 2.1 and the population of a
period) is then applied to whole
columns. A row the block path does not take — an odd cell, a moment before the receipt, a
whitespace-padded id, a fingerprint seen before… — goes with its line number to the row path,
which hands it on to the general reader if need be. Dossiers with supplement requests and
dossiers without a recorded due date are decided a row at a time here, as the row path would
(the request chain; the statutory due date from the procedure's time limit).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Container, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..criteria.base import DossierShape, Verdict
from ..deadlines import _due_from
from ..tally import Tally, shape_marks
from .blockfiles import Chains
from .blocks import (
    ABSENT,
    SPACE,
    Block,
    Bools,
    Coder,
    Ints,
    Lookup,
    block_ids,
    block_moments,
    read_blocks,
    text_of,
)
from .readers import _KINDS, ReportBuilder, _Reader
from .rowpath import (
    _FLAG_FIELDS,
    _MOMENT_FIELDS,
    DAY_US,
    Held,
    IdClaims,
    SupplementIndex,
    _Claims,
    _expected_rows,
    _FileLayout,
    _flag_tables,
    _RowCounter,
    _Rows,
    _settle,
    cell_ok,
    from_us,
    tally_dossier_csv,
    unread_checks,
)

__all__ = ["tally_dossier_blocks"]

#: Distinct (unit, shape) pairs — or (unit, procedure, marks) — kept before they are handed to
#: the tally (memory: 16 bytes each, twice over while compacting).
_PAIRS_LIMIT = 60_000
#: Rows left when probing goes on one row at a time (a numpy step costs as much as ~30 rows).
_FEW = 64
_VERDICTS = (Verdict.OUT, Verdict.IN_TIME, Verdict.LATE, Verdict.PENDING_IN_TIME,
             Verdict.PENDING_LATE, Verdict.UNCLASSIFIED)


def tally_dossier_blocks(
    path: Path,
    tally: Tally,
    builder: ReportBuilder,
    *,
    strict: bool,
    procedures: Mapping[str, Any] | None,
    unit_ids: Container[str] | None,
    supplements: SupplementIndex,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Count every row of a dossiers CSV file into ``tally``: what
    :func:`~chiso766.io.rowpath.tally_dossier_csv` does (same rows accepted and rejected, same
    messages, same counts), a block at a time.

    With ``strict`` (stop at the first bad row, in file order), date-time granularity or kept
    record ids, or a header the block path does not suit, the row path does the work.
    """
    ctx = tally.context
    if strict or ctx.policy.granularity != "date" or ctx.keep_ids or not _count_blocks(
            path, tally, builder, procedures, unit_ids, supplements, progress):
        tally_dossier_csv(path, tally, builder, strict=strict, procedures=procedures,
                          unit_ids=unit_ids, supplements=supplements, progress=progress)


def _count_blocks(path: Path, tally: Tally, builder: ReportBuilder,
                  procedures: Mapping[str, Any] | None, unit_ids: Container[str] | None,
                  supplements: SupplementIndex, progress: Callable[[int], None] | None) -> bool:
    """Count the file; ``False``, having read and counted nothing, when its header does not suit
    the block path (a repeated column; no id, unit or procedure column)."""
    kind = _KINDS["dossiers"]
    reader = _Reader(kind, path.name, builder, False, procedures, unit_ids, supplements)
    pos = {fs.name: n for n, fs in enumerate(kind.fields)}

    def start(layout: _FileLayout) -> _BlockCounter | None:
        at = dict(zip((fs.name for fs in kind.fields), layout.index, strict=True))
        if any(at[name] >= layout.ncols for name in ("id", "unit_id", "procedure_code")):
            return None
        claims = IdClaims(_expected_rows(path))
        adapter = reader.seen = _Claims(claims.claim)
        counter = _RowCounter(tally, procedures, unit_ids, supplements)
        run = _Rows(reader, counter, adapter, True, pos)
        return _BlockCounter(path, counter, run, layout, at, claims, pos)

    return read_blocks(path, reader, start, progress)


def _valid(conv: Any, text: str) -> int | None:
    """A :class:`~.blocks.Coder` code for a cell the count does not read: 0 when valid."""
    return 0 if cell_ok(conv, text) else None


class _KeyCounts:
    """Counts by integer key, summed a block at a time and compacted now and then."""

    def __init__(self) -> None:
        self.parts: list[tuple[Ints, Ints]] = []
        self.size = 0

    def add(self, keys: Ints) -> None:
        if not len(keys):
            return
        keys, counts = np.unique(keys, return_counts=True)
        self.parts.append((keys, counts.astype(np.int64)))
        self.size += len(keys)

    def full(self) -> bool:
        """Past :data:`_PAIRS_LIMIT` distinct keys, even once compacted."""
        return self.size > 2 * _PAIRS_LIMIT and len(self.compact()[0]) > _PAIRS_LIMIT

    def compact(self) -> tuple[Ints, Ints]:
        if not self.parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys = np.concatenate([k for k, _ in self.parts])
        counts = np.concatenate([c for _, c in self.parts])
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        edge = np.ones(len(keys), dtype=np.bool_)
        edge[1:] = keys[1:] != keys[:-1]
        at = np.flatnonzero(edge)
        keys, counts = keys[at], np.add.reduceat(counts, at)
        self.parts = [(keys, counts)]
        self.size = len(keys)
        return keys, counts

    def clear(self) -> None:
        self.parts = []
        self.size = 0


class _BlockCounter:
    """Counts blocks of rows column by column into the row path's per-unit dictionaries."""

    def __init__(self, path: Path, counter: _RowCounter, run: _Rows, layout: _FileLayout,
                 at: Mapping[str, int], claims: IdClaims, pos: Mapping[str, int]) -> None:
        self.path = path
        self.pos = pos
        self.counter = counter
        self.run = run
        self.layout = layout
        self.ncols = layout.ncols
        self.at = at
        self.claims = claims
        # Rows whose id's fingerprint was seen before: settled exactly once the file is read.
        self.held = Held()
        self.id_at = at["id"]
        self.moment_at = [at[name] for name in _MOMENT_FIELDS]
        self.flag_at = [at[name] for name in _FLAG_FIELDS]
        self.flag_parts = _flag_tables(run.reader.kind, layout.index, pos, layout.ncols)
        self.derived = self.flag_parts[1]
        ctx = counter.ctx
        self.start = counter.start
        self.end = counter.end
        self.as_of = counter.as_of
        self.cum = np.asarray(counter.cum, dtype=np.int64)
        sups = counter.supplements
        self.chains = Chains(sups, counter.as_of) if len(sups) else None
        self.complained = (np.unique(np.fromiter(map(hash, counter.complained), np.int64))
                           if counter.complained else None)
        self.flag_lookup = Lookup(self._flag_id)
        self.bit_lookup = Lookup(self._bits)
        self.ctx = ctx
        self.states: list[Any] = []
        self.state_of: dict[str, int] = {}
        self.codes: list[str] = []
        self.proc_of: dict[str, int] = {}
        self.paper_fee: dict[tuple[Any, Any], int] = {}
        self.paper_fee_values: list[tuple[Any, Any]] = []
        self.units = Coder(self._unit)
        self.procs = Coder(self._proc)
        self.flag_words: list[list[str | None]] = []
        self.flag_coders = [Coder(self._spelling(k)) for k in range(len(self.flag_at))]
        # The cells the count does not read but the general path converts (NopQuaDVCQG…):
        # a bad one makes its row special, as the row path's check does.
        self.unread = [(column, Coder(functools.partial(_valid, conv)))
                       for column, conv in unread_checks(run.reader.kind, layout.index,
                                                         layout.ncols)]
        self.flag_ids: dict[int, int] = {}  # packed spellings -> index in flag_values, -1
        self.flag_values: list[tuple[Any, ...]] = []
        self.flag_index: dict[tuple[Any, ...], int] = {}
        self.shapes: dict[int, tuple[Any, ...]] = {}  # shape id -> DossierShape fields
        self.bits: dict[int, int] = {}  # shape id -> its procedure marks
        # The fold table (see _fold_shapes): a row per shape id, a column per code counted.
        self.fold_rows = Lookup(self._fold_row)
        self.fold_sids: list[int] = []  # the shape id of each row
        self.fold_columns: dict[tuple[int, str], int] = {}
        self.pending: tuple[list[int], list[int], list[int]] = ([], [], [])
        self.table = np.zeros((0, 0), dtype=np.int32)
        self.present: Bools = np.zeros((0, 0), dtype=np.bool_)
        self.pairs = _KeyCounts()  # unit << 32 | shape id -> dossiers
        self.marks = _KeyCounts()  # unit << 40 | procedure << 16 | marks
        self.days = _KeyCounts()  # unit << 40 | procedure << 16 | 2.2 working days -> dossiers
        self.calendar_days = _KeyCounts()  # the same, calendar days (calendar-day procedures)
        self.kinds = np.zeros(0, dtype=np.int64)  # per procedure index: how 2.2 measures it
        self.always = ctx.counting.multiple_supplements_late == "always"

    # -- rows that are not in a clean block ------------------------------------------------------

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        """One row as :func:`~chiso766.io.rowpath.tally_dossier_csv` takes it."""
        if index is None:
            self._one(line, row.id, row, None)
            return
        ident = row[self.id_at].strip()
        if not ident:
            self.run.rebuild(row, index, line, claimed=False)
            return
        self._one(line, ident, row, index)

    def _one(self, line: int, ident: str, row: Any, index: list[int] | None) -> None:
        h = hash(ident)
        if not self.claims.claim(h):
            self.held.add(line, h)
            return
        self.run.one(line, ident, row, index, h)

    # -- blocks ----------------------------------------------------------------------------------

    def finish(self) -> None:
        if self.held:
            _settle(self.path, self.run.reader, self.held, self.run, self.pos)
        self.flush()

    def count(self, block: Block, line: int) -> None:
        n = block.n
        ids, hashes, special, nameless = block_ids(block, self.id_at)
        claimed = self._claim(hashes, ~nameless)

        units = self.units.code(block, *block.cell(self.at["unit_id"]))
        procs = self.procs.code(block, *block.cell(self.at["procedure_code"]))
        special |= (units < 0) | (procs < 0)
        for column, coder in self.unread:
            special |= coder.code(block, *block.cell(column)) < 0
        fids = self._flags(block, special)

        moments = [block_moments(block, column, self.ncols, self.counter.moments, special)
                   for column in self.moment_at]
        received, submitted, due, finished, returned, stopped, new_due = moments
        receipt = np.where(received != ABSENT, received, submitted)
        # Not plain for the row path either: no receipt, or a moment before it.
        special |= receipt == ABSENT
        for m in (due, finished, returned, stopped, new_due):
            special |= m < receipt

        # Supplement requests (docs/rules.md "Was a dossier handled on time?": the applicant's time
        # is not the agency's; one
        # unanswered request ends the count; more than one is late), from the chain summaries.
        asked = np.zeros(n, dtype=np.int64)
        applicant = np.zeros(n, dtype=np.int64)
        open_ask = np.zeros(n, dtype=np.int64)
        chain = np.full(n, -1, dtype=np.int64)
        chains = self.chains
        if chains is not None:
            at = np.flatnonzero(~special & claimed & chains.maybe(hashes))
            crcs = np.fromiter(map(zlib.crc32, [ids[i] for i in at]), dtype=np.int64,
                               count=len(at))
            heads = chains.find(hashes[at], crcs)
            at, heads = at[heads >= 0], heads[heads >= 0]
            first_ask, ordered, asked[at], applicant[at], open_ask[at] = chains.walk(heads)
            chain[at] = heads
            special[at[~ordered | (first_ask < receipt[at])]] = True

        as_of, start, end = self.as_of, self.start, self.end
        ended = np.where(finished <= as_of, finished, np.where(
            returned <= as_of, returned, np.where(stopped <= as_of, stopped, ABSENT)))
        ended = np.where((ended == ABSENT) & (asked == 1) & (open_ask >= 0), open_ask, ended)
        result = np.where(finished <= as_of, finished, np.where(returned <= as_of, returned,
                                                                 ABSENT))
        # P and "received" need received_at; submitted_at stands in only for 3.2 and 3.5.
        has_receipt = received != ABSENT
        arrived = (start <= receipt) & (receipt < end)
        got = arrived & has_receipt
        in_population = got | (has_receipt & (receipt < start) & (ended >= start))
        pending = ended == ABSENT
        unfinished = result == ABSENT
        adjusted = np.where(pending, as_of, ended) - applicant
        late = (adjusted // DAY_US > due // DAY_US) | (
            (asked > 1) & (self.always | unfinished))
        verdict = np.where(in_population, np.where(pending, 3, 1) + late, 0)
        core = verdict | (arrived.astype(np.int64) << 4) | (got.astype(np.int64) << 5)
        counted = ~special & claimed & (receipt <= as_of)
        # No recorded due date: the statutory one, a row at a time.
        for i in np.flatnonzero(counted & in_population & (due == ABSENT)).tolist():
            value = self._statutory(int(receipt[i]), int(ended[i]), int(procs[i]),
                                    int(applicant[i]), int(asked[i]), bool(unfinished[i]))
            if value is None:
                special[i] = True
                counted[i] = False
            else:
                core[i] = (core[i] & 0b110000) | value

        # 2.2: received in the period, finished or returned by as_of; the applicant's time off.
        base, cum = self.counter.base, self.cum
        timed = got & ~unfinished
        done = np.maximum(np.where(timed, result - applicant, receipt), receipt)
        first = receipt // DAY_US - base
        last = done // DAY_US - base
        inside = (first >= 0) & (first < len(cum)) & (last >= 0) & (last < len(cum))
        days = np.maximum(0, cum[np.where(inside, last, 0)] - cum[np.where(inside, first, 0)])
        calendar_days = done // DAY_US - receipt // DAY_US
        out = counted & timed & (~inside | (calendar_days > 0xFFFF))
        special |= out
        counted &= ~out
        use = counted & timed
        kinds = self._limit_kinds(procs)
        by_hand = use & (kinds == 2)
        if by_hand.any():
            for i in np.flatnonzero(by_hand).tolist():
                code = self.codes[int(procs[i]) >> 4]
                value = self.counter.own_value(code, int(receipt[i]), int(done[i]),
                                               int(days[i]))
                times = self.states[int(units[i])][3]
                triple = times.get(code)
                if triple is None:
                    times[code] = [int(days[i]), value, 1]
                else:
                    triple[0] += int(days[i])
                    triple[1] += value
                    triple[2] += 1
            use &= ~by_hand

        complained = np.zeros(n, dtype=np.int64)
        if self.complained is not None:
            known = self.complained
            at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
            maybe = np.flatnonzero(counted & (known[at] == hashes))
            for i in maybe.tolist():
                ident = text_of(ids[i])
                complained[i] = ident in self.counter.complained
        if chains is not None:
            chains.mark_used(chain[~special & claimed & (chain >= 0)])
        shapes = core | (complained << 3) | ((procs & 15) << 6) | (fids << 10)
        self._add(units[counted], procs[counted], shapes[counted], use[counted],
                  days[counted], (kinds == 1)[counted], calendar_days[counted])

        run, index = self.run, self.layout.index
        for i in np.flatnonzero(special).tolist():
            row = block.row(i)
            if nameless[i]:
                run.rebuild(row, index, line + i, claimed=False)
                continue
            ident = text_of(ids[i])
            if claimed[i]:
                run.one(line + i, ident, row, index, int(hashes[i]))
        for i in np.flatnonzero(~claimed & ~nameless).tolist():
            self.held.add(line + i, int(hashes[i]))

    def _claim(self, hashes: Ints, wanted: Bools) -> Bools:
        """:meth:`IdClaims.claim` for the ``wanted`` rows in line order: ``True`` where new
        (the first of two equal ids, in line order, is the one claimed)."""
        claims = self.claims
        n = len(hashes)
        fresh = wanted.copy()
        fp = ((hashes >> 32) & 0xFFFF_FFFF).astype(np.uint32)
        fp[fp == 0] = 1
        if claims.count + n >= claims._full:
            claims._older.append((claims._table, claims._size))
            claims._new_table(max(claims._size * 2, (claims.count + n) * 5 // 4))
        for table, size in claims._older:
            slots = np.frombuffer(table, dtype=np.uint32)
            todo = np.flatnonzero(fresh)
            at = hashes[todo] % size
            while len(todo):
                found = slots[at]
                seen = found == fp[todo]
                fresh[todo[seen]] = False
                go = (found != 0) & ~seen
                todo, at = todo[go], (at[go] + 1) % size
        slots = np.frombuffer(claims._table, dtype=np.uint32)
        size = claims._size
        todo = np.flatnonzero(fresh)
        at = hashes[todo] % size
        while len(todo):
            if len(todo) <= _FEW:
                self._claim_each(todo, at, fp, fresh)
                break
            found = slots[at]
            seen = found == fp[todo]
            fresh[todo[seen]] = False
            empty = found == 0
            # Of the rows that reach one empty slot, the first in line order takes it; the
            # others look at it again (an equal id then finds itself there).
            _, first = np.unique(at[empty], return_index=True)
            take = np.flatnonzero(empty)[first]
            slots[at[take]] = fp[todo[take]]
            claims.count += len(take)
            keep = ~seen
            keep[take] = False
            step = keep & ~empty
            at = np.where(step, (at + 1) % size, at)
            todo, at = todo[keep], at[keep]
        return fresh

    def _claim_each(self, todo: Ints, at: Ints, fp: npt.NDArray[np.uint32],
                    fresh: Bools) -> None:
        """The last few rows of :meth:`_claim` one at a time, in line order, each from the slot
        it had reached: linear probing as :meth:`IdClaims.claim`, without a numpy step per
        slot for the few long probes at a full table."""
        claims = self.claims
        table, size = claims._table, claims._size
        for i, j in zip(todo.tolist(), at.tolist(), strict=True):
            mine = int(fp[i])
            while True:
                slot = table[j]
                if slot == mine:
                    fresh[i] = False
                    break
                if not slot:
                    table[j] = mine
                    claims.count += 1
                    break
                j += 1
                if j == size:
                    j = 0

    def _flags(self, block: Block, special: Bools) -> Ints:
        """Each row's flag values as an index into :attr:`flag_values` (-1: special)."""
        n = block.n
        packed = np.zeros(n, dtype=np.int64)
        for k, (column, coder) in enumerate(zip(self.flag_at, self.flag_coders, strict=True)):
            if column >= self.ncols:
                continue  # code 0: no such column (None)
            codes = coder.code(block, *block.cell(column))
            special |= codes < 0
            packed |= np.maximum(codes, 0) << (6 * k)
        if self.derived:
            has = []
            for name in ("result_code", "result_file"):
                s, length = block.cell(self.at[name])
                lead = SPACE[block.bytes[s]] & (length > 0)
                special |= lead  # a cell that may be only spaces: by text
                has.append(length > 0)
            packed |= (has[0] & has[1]).astype(np.int64) << 60
        fids = self.flag_lookup(packed)
        special |= fids < 0
        return np.maximum(fids, 0)

    def _flag_id(self, packed: int) -> int:
        fid = self.flag_ids.get(packed)
        if fid is None:
            key: tuple[Any, ...] = tuple(
                None if column >= self.ncols else self.flag_words[k][(packed >> (6 * k)) & 63]
                for k, column in enumerate(self.flag_at))
            if self.derived:
                key += (bool(packed >> 60),)
            memo = self.counter.flags
            flags = memo[key] if key in memo else self.counter._flags(key, self.flag_parts)
            if flags is None:
                fid = -1
            else:
                fid = self.flag_index.get(flags)
                if fid is None:
                    fid = self.flag_index[flags] = len(self.flag_values)
                    self.flag_values.append(flags)
            self.flag_ids[packed] = fid
        return fid

    def _spelling(self, k: int) -> Callable[[str], int | None]:
        self.flag_words.append([])
        words = self.flag_words[k]

        def learn(text: str) -> int | None:
            if text in words:
                return words.index(text)
            if len(words) >= 64 or len(text) > 64:  # a long cell: by the row path (memory)
                return None
            words.append(text)
            return len(words) - 1

        return learn

    def _statutory(self, receipt: int, ended: int, proc: int, applicant: int,
                   asked: int, unfinished: bool) -> int | None:
        """The verdict code of a dossier with no recorded due date: the procedure's time limit
        from the receipt (Decision 766 via docs/rules.md "Was a dossier handled on time?", as
        :func:`~chiso766.deadlines.classify`),
        UNCLASSIFIED without a time limit."""
        procedure = self.ctx.procedures.get(self.codes[proc >> 4])
        limit = procedure.time_limit if procedure is not None else None
        if limit is None:
            return 5
        due = _due_from(from_us(receipt), limit, self.ctx.calendar, self.ctx.policy)
        late_day = ((self.as_of if ended == ABSENT else ended) - applicant) // DAY_US
        late = late_day > due.toordinal() or (asked > 1 and (self.always or unfinished))
        return (4 if late else 3) if ended == ABSENT else (2 if late else 1)

    def _add(self, units: Ints, procs: Ints, shapes: Ints, timed: Bools, days: Ints,
             calendar: Bools, calendar_days: Ints) -> None:
        """Count a block's shapes, marks and 2.2 sums (working days per unit and procedure;
        calendar days too for procedures whose limit is in calendar days)."""
        self.pairs.add((units << 32) | shapes)
        bits = self.bit_lookup(shapes)
        some = bits != 0
        self.marks.add((units[some] << 40) | ((procs[some] >> 4) << 16) | bits[some])
        self.days.add((units[timed] << 40) | ((procs[timed] >> 4) << 16) | days[timed])
        cal = timed & calendar
        self.calendar_days.add((units[cal] << 40) | ((procs[cal] >> 4) << 16)
                               | calendar_days[cal])
        if self.pairs.full() or self.marks.full() or self.days.full() \
                or self.calendar_days.full():
            self.flush()

    def flush(self) -> None:
        """Hand the counts to the tally: dossiers by shape summed per unit here, procedure
        marks and day sums through the row path's per-unit dictionaries."""
        states, codes = self.states, self.codes
        self._fold_shapes(*self.pairs.compact())
        for key in self.marks.compact()[0].tolist():
            marks = states[key >> 40][2]
            code = codes[(key >> 16) & 0xFF_FFFF]
            marks[code] = marks.get(code, 0) | (key & 0xFFFF)
        for which, table in ((0, self.days), (1, self.calendar_days)):
            keys, counts = table.compact()
            for key, k in zip(keys.tolist(), counts.tolist(), strict=True):
                times = states[key >> 40][3]
                code = codes[(key >> 16) & 0xFF_FFFF]
                triple = times.get(code)
                if triple is None:
                    triple = times[code] = [0, 0, 0]
                amount = (key & 0xFFFF) * k
                if which == 0:
                    triple[0] += amount
                    triple[2] += k
                    if self.kinds[(key >> 16) & 0xFF_FFFF] == 0:
                        triple[1] += amount  # a working-day procedure: its own unit
                else:
                    triple[1] += amount
        self.pairs.clear()
        self.marks.clear()
        self.days.clear()
        self.calendar_days.clear()
        self.counter.flush()

    def _fold_shapes(self, keys: Ints, counts: Ints) -> None:
        """Add ``counts[i]`` dossiers of unit ``keys[i] >> 32`` and shape ``keys[i] & 0xFFFFFFFF``
        (keys sorted) to the tally: each distinct shape's contribution as a row of a table over
        the codes it counts, summed per unit a column at a time — what folding each (unit,
        shape) count into the unit's accumulator would add, and the same codes present."""
        if not len(keys):
            return
        tally = self.counter.tally
        sids, at = np.unique(keys & 0xFFFF_FFFF, return_inverse=True)
        rows = self.fold_rows(sids)  # each shape's row, made once per run
        if len(self.fold_sids) > len(self.table) or self.pending[0]:
            table = np.zeros((len(self.fold_sids), len(self.fold_columns)), dtype=np.int32)
            table[:len(self.table), :self.table.shape[1]] = self.table
            table[self.pending[0], self.pending[1]] = self.pending[2]
            present = np.zeros(table.shape, dtype=np.bool_)
            present[:len(self.present), :self.present.shape[1]] = self.present
            present[self.pending[0], self.pending[1]] = True
            self.table, self.present = table, present
            self.pending = ([], [], [])
        row_of, columns = rows[at], self.fold_columns
        units = keys >> 32
        starts = np.flatnonzero(np.concatenate(([True], units[1:] != units[:-1])))
        sums = np.empty((len(starts), len(columns)), dtype=np.int64)
        seen = np.empty((len(starts), len(columns)), dtype=np.bool_)
        for column in range(len(columns)):
            sums[:, column] = np.add.reduceat(self.table[row_of, column] * counts, starts)
            seen[:, column] = np.logical_or.reduceat(self.present[row_of, column], starts)
        names = list(columns)
        for unit, total, has in zip(units[starts].tolist(), sums.tolist(), seen.tolist(),
                                    strict=True):
            got = {name: value for name, value, yes in zip(names, total, has, strict=True)
                   if yes}
            nd: list[tuple[str, int, int]] = []
            unreported: list[tuple[str, int]] = []
            misc: list[tuple[str, int]] = []
            for (part, code), value in got.items():
                if part == 0:
                    nd.append((code, value, got[1, code]))
                elif part == 2:
                    unreported.append((code, value))
                elif part == 3:
                    misc.append((code, value))
            tally.add_contribution(self.states[unit][0],
                                   (tuple(nd), tuple(unreported), tuple(misc)))

    def _fold_row(self, sid: int) -> int:
        """A new shape's row of the fold table: its contribution over the codes it counts."""
        row = len(self.fold_sids)
        counted, blanks, bumps = self.counter.tally.shape_contribution(self.shapes[sid])
        parts = [((0, code), hits) for code, hits, _ in counted] + [
            ((1, code), total) for code, _, total in counted] + [
            ((2, code), k) for code, k in blanks] + [((3, key), k) for key, k in bumps]
        for name, value in parts:
            self.pending[0].append(row)
            self.pending[1].append(self.fold_columns.setdefault(name, len(self.fold_columns)))
            self.pending[2].append(value)
        self.fold_sids.append(sid)
        return row

    # -- learning cells --------------------------------------------------------------------------

    def _unit(self, raw: str) -> int | None:
        known = self.state_of.get(raw)
        if known is not None:
            return known
        state = self.counter.units.get(raw) or self.counter._unit(raw)
        if state is None or raw.strip() != raw:
            return None
        index = self.state_of[raw] = len(self.states)
        self.states.append(state)
        return index

    def _proc(self, raw: str) -> int | None:
        known = self.proc_of.get(raw)
        if known is not None:
            return known
        info = self.counter.procs.get(raw) or self.counter._proc(raw)
        if info is None or raw.strip() != raw:
            return None
        code, paper_fee = info
        pf = self.paper_fee.get(paper_fee)
        if pf is None:
            pf = self.paper_fee[paper_fee] = len(self.paper_fee_values)
            self.paper_fee_values.append(paper_fee)
        value = self.proc_of[raw] = len(self.codes) << 4 | pf
        self.codes.append(code)
        return value

    def _limit_kinds(self, procs: Ints) -> Ints:
        """Per row, how 2.2 measures its procedure (:meth:`_RowCounter.limit_kind`)."""
        if len(self.kinds) < len(self.codes):
            more = [self.counter.limit_kind(code)[0] for code in self.codes[len(self.kinds):]]
            self.kinds = np.concatenate((self.kinds, np.asarray(more, dtype=np.int64)))
        if not len(self.kinds):
            return np.zeros(len(procs), dtype=np.int64)
        kinds: Ints = self.kinds[np.minimum(np.maximum(procs, 0) >> 4, len(self.kinds) - 1)]
        return kinds

    def _bits(self, sid: int) -> int:
        bits = self.bits.get(sid)
        if bits is None:
            paper, fee = self.paper_fee_values[(sid >> 6) & 15]
            shape = ((sid >> 5) & 1 == 1, (sid >> 4) & 1 == 1, _VERDICTS[sid & 7],
                     (sid >> 3) & 1 == 1, paper, fee, *self.flag_values[sid >> 10])
            self.shapes[sid] = shape
            bits = self.bits[sid] = shape_marks(DossierShape(*shape)) | self.counter.auth
        return bits
