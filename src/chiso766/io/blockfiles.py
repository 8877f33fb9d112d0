"""The block path for the files read before the dossiers: supplement requests and ratings.

:func:`chiso766.streaming.score_folder` reads them with these when numpy is installed (the
``fast`` extra) and with the row path otherwise (:func:`~.rowpath.read_supplement_index`,
:func:`~.rowpath.complained_from_ratings`); both accept and reject the same rows with the same
messages and give the same index and the same disliked dossiers. Clean blocks are read by
:func:`~.blocks.read_blocks`; a row the block path does not take (an odd id, a moment in
another shape, an unknown unit or rating…) goes with its line number to the row path's
handling of one row (:func:`~.rowpath.supplement_rows`, :func:`~.rowpath.rating_rows`).

The supplement index is built a block at a time: its requests in file order, each dossier's
requests chained in that order (docs/rules.md "Was a dossier handled on time?" reads them so), its
open-addressing table filled from
the first request of each dossier many at a time — the same index the row path builds one
request at a time. :class:`Chains` then reads it for the dossiers' block path.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Container
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..records import RatingValue
from .blocks import ABSENT, Block, Bools, Coder, Ints, block_ids, block_moments, read_blocks
from .readers import _KINDS, ReportBuilder, _fast_table, _Reader
from .rowpath import (
    ASIDE,
    NOT_SUPPLIED,
    SECONDS_BASE,
    MomentCells,
    SupplementIndex,
    _expected_rows,
    _FileLayout,
    complained_from_ratings,
    rating_rows,
    read_supplement_index,
    supplement_rows,
    to_us,
)
from .values import MAX_ID_LENGTH

__all__ = ["Chains", "complained_from_rating_blocks", "read_supplement_blocks"]

Seconds = npt.NDArray[np.int32]
#: Ids left when a look-up goes on one id at a time (a numpy step costs as much as ~30 ids).
_FEW = 64


def read_supplement_blocks(path: Path, builder: ReportBuilder, strict: bool,
                           moments: MomentCells) -> SupplementIndex:
    """:func:`~.rowpath.read_supplement_index`, a block at a time (docs/inputs.md). With ``strict``
    (stop at the first bad row) or a header blocks do not suit, the row path reads the file."""
    if strict:
        return read_supplement_index(path, builder, strict, moments)
    reader = _Reader(_KINDS["supplements"], path.name, builder, False, None, None, None)
    made: list[_SupplementBlocks] = []

    def start(layout: _FileLayout) -> _SupplementBlocks | None:
        at = _columns(reader, layout)
        if at["dossier_id"] >= layout.ncols or at["requested_at"] >= layout.ncols:
            return None
        made.append(_SupplementBlocks(reader, layout, at, moments, _expected_rows(path)))
        return made[0]

    if not read_blocks(path, reader, start):
        return read_supplement_index(path, builder, strict, moments)
    return made[0].index if made else SupplementIndex()


def complained_from_rating_blocks(path: Path, builder: ReportBuilder, strict: bool,
                                  unit_ids: Container[str] | None, as_of: datetime,
                                  moments: MomentCells, into: set[str]) -> None:
    """:func:`~.rowpath.complained_from_ratings`, a block at a time: the dossiers disliked by
    ``as_of`` (criterion 5.4, Decision 766 Appendix I) added to ``into``, every row accepted or
    rejected as by :func:`~chiso766.io.iter_records`."""
    if strict:
        complained_from_ratings(path, builder, strict, unit_ids, as_of, moments, into)
        return
    reader = _Reader(_KINDS["ratings"], path.name, builder, False, None, unit_ids, None)

    def start(layout: _FileLayout) -> _RatingBlocks | None:
        at = _columns(reader, layout)
        if at["unit_id"] >= layout.ncols or at["rating"] >= layout.ncols:
            return None
        return _RatingBlocks(reader, layout, at, unit_ids, as_of, moments, into)

    if not read_blocks(path, reader, start):
        complained_from_ratings(path, builder, strict, unit_ids, as_of, moments, into)


def _columns(reader: _Reader, layout: _FileLayout) -> dict[str, int]:
    """Each field's column (``ncols``: the file has no such column)."""
    return dict(zip((fs.name for fs in reader.kind.fields), layout.index, strict=True))


class _SupplementBlocks:
    """Adds the requests of a supplements file to a :class:`~.rowpath.SupplementIndex` a block
    at a time."""

    def __init__(self, reader: _Reader, layout: _FileLayout, at: dict[str, int],
                 moments: MomentCells, expected: int) -> None:
        self.layout = layout
        self.at = at
        self.moments = moments
        self.take = supplement_rows(reader, moments, self._one)
        self.index = SupplementIndex()
        # The requests the row path took, until they join the index in file order.
        self.ones: list[tuple[int, int, int, int, int]] = []
        # The index's columns are made once at the size the file foretells and cut to the
        # requests read at the end: arrays grown a block at a time would leave the heap
        # strewn with the sizes they outgrew (memory at 10M rows).
        self.n = 0
        self.heads = 0
        # Per first request of a dossier, the last one so far (while the file is read).
        self.tails = np.zeros(0, dtype=np.int32)
        self.size = 0
        self._resize(expected * 9 // 8 + 16)
        # The slot table at most two thirds full even if every request is a different
        # dossier's (the row path's is at most half full, in a power of two).
        self.index._slots = array("i", [0]) * (self.size * 3 // 2)
        self.index._size = len(self.index._slots)

    def _resize(self, size: int) -> None:
        index, n = self.index, self.n
        more = size - self.size  # the columns are self.size long, the first n in use
        for name, code in (("hashes", "q"), ("crcs", "I"), ("requested", "i"),
                           ("supplied", "i"), ("nxt", "i")):
            column = getattr(index, name)
            if self.size:
                column.extend(array(code, [0]) * more)
            else:  # made at its size: a copy would leave a hole of that size in the heap
                setattr(index, name, array(code, [0]) * size)
        index.used.extend(bytes(more))
        tails = np.full(size, -1, dtype=np.int32)
        if n:
            tails[:n] = self.tails[:n]
        self.tails = tails
        self.size = size

    def _one(self, ident: str, requested: int, supplied: int | None, line: int) -> None:
        self.ones.append((hash(ident), zlib.crc32(ident.encode("utf-8", "surrogatepass")),
                          requested, -1 if supplied is None else supplied, line))

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        self.take(line, row, index)
        if self.ones:
            self._append_ones(np.zeros((5, 0), dtype=np.int64))

    def count(self, block: Block, line: int) -> None:
        ncols = self.layout.ncols
        ids, hashes, special, _ = block_ids(block, self.at["dossier_id"])
        requested = block_moments(block, self.at["requested_at"], ncols, self.moments, special)
        supplied = block_moments(block, self.at["supplied_at"], ncols, self.moments, special)
        # What the row path takes as it is: an id, a request moment, no answer or a later one.
        plain = ~special & (requested != ABSENT) & (
            (supplied == ABSENT) | (supplied >= requested))
        at = np.flatnonzero(plain)
        crcs = np.fromiter(map(zlib.crc32, [ids[i] for i in at.tolist()]), dtype=np.int64,
                           count=len(at))
        supplied = supplied[at]
        columns = np.stack((hashes[at], crcs, requested[at],
                            np.where(supplied == ABSENT, -1, supplied), at + line))
        index = self.layout.index
        for i in np.flatnonzero(~plain).tolist():
            self.take(line + i, block.row(i), index)
        self._append_ones(columns)

    def _append_ones(self, columns: Ints) -> None:
        """Add these requests, and those the row path took meanwhile, in line order."""
        if self.ones:
            ones = np.array(self.ones, dtype=np.int64).T
            self.ones = []
            columns = np.concatenate((columns, ones), axis=1)
            columns = columns[:, np.argsort(columns[4])]
        if columns.shape[1]:
            self._append(*columns)

    def _append(self, hashes: Ints, crcs: Ints, requested: Ints, supplied: Ints,
                lines: Ints) -> None:
        """What :meth:`~.rowpath.SupplementIndex.add` does, for many requests at once."""
        k0, m = self.n, len(hashes)
        if k0 + m > self.size:
            self._resize(max(2 * self.size, k0 + m))
        index = self.index
        for column, values, dtype in ((index.hashes, hashes, np.int64),
                                      (index.crcs, crcs, np.uint32),
                                      (index.requested, self._seconds(requested, k0, 0),
                                       np.int32),
                                      (index.supplied, self._seconds(supplied, k0, 1),
                                       np.int32),
                                      (index.nxt, np.full(m, -1), np.int32)):
            np.frombuffer(column, dtype=dtype)[k0:k0 + m] = values
        # Where a line is not the previous one's plus one (a row not taken), a new step.
        shift = lines - np.arange(k0, k0 + m)
        step = np.ones(m, dtype=np.bool_)
        step[1:] = shift[1:] != shift[:-1]
        step[0] = not index.line_shift or index.line_shift[-1] != shift[0]
        at = np.flatnonzero(step)
        index.line_from.extend((k0 + at).tolist())
        index.line_shift.extend(shift[at].tolist())
        self.n += m
        # This block's requests by dossier, each dossier's in file order (a stable sort).
        order = np.lexsort((crcs, hashes))
        same = (hashes[order[1:]] == hashes[order[:-1]]) & (crcs[order[1:]] == crcs[order[:-1]])
        following = np.frombuffer(index.nxt, dtype=np.int32)
        following[k0 + order[:-1][same]] = k0 + order[1:][same]
        first = k0 + order[np.concatenate(([True], ~same))]
        last = k0 + order[np.concatenate((~same, [True]))]
        view = _SlotView(index)
        heads = view.find(hashes[first - k0], crcs[first - k0])
        old = heads >= 0
        tails = self.tails
        # A dossier seen in an earlier block: its chain goes on with this block's requests.
        following[tails[heads[old]]] = first[old]
        tails[heads[old]] = last[old]
        new = first[~old]
        tails[new] = last[~old]
        if (self.heads + len(new) + 1) * 3 > len(index._slots) * 2:
            self._grow(self.heads + len(new))
            view = _SlotView(index)
        view.insert(new)
        self.heads += len(new)

    def _seconds(self, us: Ints, k0: int, part: int) -> Ints:
        """:meth:`~.rowpath.SupplementIndex._seconds` for requests ``k0…`` (``part`` 0: when
        made, 1: when answered, -1 for no answer)."""
        since = us - SECONDS_BASE
        seconds = since // 1_000_000
        none = us < 0 if part else np.zeros(len(us), dtype=np.bool_)
        aside = ~none & ((since % 1_000_000 != 0) | (seconds <= ASIDE) | (seconds >= 1 << 31))
        for i in np.flatnonzero(aside).tolist():
            self.index.aside[2 * (k0 + i) + part] = int(us[i])
        return np.where(none, NOT_SUPPLIED, np.where(aside, ASIDE, seconds))

    def _grow(self, heads: int) -> None:
        """A larger slot table (the file held more dossiers than its first lines foretold)."""
        index = self.index
        size = len(index._slots)
        while size * 2 < 3 * (heads + 1):
            size *= 2
        taken = np.frombuffer(index._slots, dtype=np.int32)
        taken = taken[taken != 0].astype(np.int64) - 1
        index._slots = array("i", [0]) * size
        index._size = size
        _SlotView(index).insert(taken)

    def finish(self) -> None:
        index, n = self.index, self.n
        for column in (index.hashes, index.crcs, index.requested, index.supplied, index.nxt,
                       index.used):
            del column[n:]
        del self.tails


class _SlotView:
    """The slot table of a :class:`~.rowpath.SupplementIndex` and the columns it keys on, as
    numpy views (no copy): look-ups and insertions many requests at a time."""

    def __init__(self, index: SupplementIndex) -> None:
        self.index = index
        self.slots = np.frombuffer(index._slots, dtype=np.int32)
        self.size = index._size
        self.hashes = np.frombuffer(index.hashes, dtype=np.int64)
        self.crcs = np.frombuffer(index.crcs, dtype=np.uint32)

    def maybe(self, hashes: Ints) -> Bools:
        """Which of these ids may have requests (its hash's first slot is taken)."""
        taken: Bools = self.slots[hashes % self.size] != 0
        return taken

    def find(self, hashes: Ints, crcs: Ints) -> Ints:
        """:meth:`~.rowpath.SupplementIndex.first` for many ids: each one's first request,
        or -1."""
        out = np.full(len(hashes), -1, dtype=np.int64)
        todo = np.arange(len(hashes) if len(self.hashes) else 0)
        at = hashes[todo] % self.size
        while len(todo):
            if len(todo) <= _FEW:  # the last few long probes, one at a time
                index = self.index
                for i, j in zip(todo.tolist(), at.tolist(), strict=True):
                    out[i] = index._probe(int(hashes[i]), int(crcs[i]), j)
                break
            k1 = self.slots[at].astype(np.int64)
            k = np.maximum(k1 - 1, 0)
            hit = (k1 != 0) & (self.hashes[k] == hashes[todo]) & (self.crcs[k] == crcs[todo])
            out[todo[hit]] = k[hit]
            go = (k1 != 0) & ~hit
            todo, at = todo[go], (at[go] + 1) % self.size
        return out

    def insert(self, heads: Ints) -> None:
        """Put these first requests (of dossiers not yet in the table) in the slot table:
        linear probing, as :meth:`~.rowpath.SupplementIndex.add`; of the requests that reach
        one empty slot, one takes it and the others step on, which leaves each findable from
        its hash's slot."""
        slots, size = self.slots, self.size
        todo = heads.astype(np.int64)
        at = self.hashes[todo] % size
        while len(todo):
            empty = np.flatnonzero(slots[at] == 0)
            _, first = np.unique(at[empty], return_index=True)
            take = empty[first]
            slots[at[take]] = todo[take] + 1
            keep = np.ones(len(todo), dtype=np.bool_)
            keep[take] = False
            todo, at = todo[keep], (at[keep] + 1) % size


class Chains(_SlotView):
    """The supplement index's request chains, looked up and walked many dossiers at a time
    through views of its own arrays (no copy: the index is the large part of memory at scale).
    """

    def __init__(self, sups: SupplementIndex, as_of: int) -> None:
        super().__init__(sups)
        self.sups = sups
        self.as_of = as_of
        self.requested = np.frombuffer(sups.requested, dtype=np.int32)
        self.supplied = np.frombuffer(sups.supplied, dtype=np.int32)
        self.following = np.frombuffer(sups.nxt, dtype=np.int32)

    def _us(self, column: Seconds, at: Ints, part: int) -> Ints:
        """Requests ``at`` of a moment column (``part`` 0: requested, 1: supplied, -1 for no
        answer) in microseconds, as :meth:`~.rowpath.SupplementIndex.requested_us`."""
        seconds = column[at]
        us: Ints = SECONDS_BASE + seconds.astype(np.int64) * 1_000_000
        if part:
            us[seconds == NOT_SUPPLIED] = -1
        for i in np.flatnonzero(seconds == ASIDE).tolist():
            us[i] = self.sups.aside[2 * int(at[i]) + part]
        return us

    def walk(self, heads: Ints) -> tuple[Ints, Bools, Ints, Ints, Ints]:
        """For dossiers with these first requests: the first request moment, whether the
        requests are in order, how many were made by ``as_of``, the applicant's time on the
        answered ones, and the last unanswered one (-1: none) — what the row path works out
        request by request (docs/rules.md "Was a dossier handled on time?")."""
        m = len(heads)
        first = self._us(self.requested, heads, 0)
        ordered = np.ones(m, dtype=np.bool_)
        asked = np.zeros(m, dtype=np.int64)
        applicant = np.zeros(m, dtype=np.int64)
        open_ask = np.full(m, -1, dtype=np.int64)
        previous = first.copy()
        live = np.arange(m)
        current = heads
        while len(live):  # one step along every chain at once
            req = self._us(self.requested, current, 0)
            sup = self._us(self.supplied, current, 1)
            ordered[live] &= req >= previous[live]
            previous[live] = req
            made = req <= self.as_of
            answered = made & (sup >= 0) & (sup <= self.as_of)
            asked[live] += made
            applicant[live] += np.where(answered, sup - req, 0)
            unanswered = made & ~answered
            open_ask[live[unanswered]] = req[unanswered]
            after = self.following[current].astype(np.int64)
            more = after >= 0
            live, current = live[more], after[more]
        return first, ordered, asked, applicant, open_ask

    def mark_used(self, heads: Ints) -> None:
        """Mark every request of the dossiers with these first requests as used (docs/inputs.md: the
        others are orphans)."""
        flags = np.frombuffer(self.sups.used, dtype=np.uint8)
        current = heads
        while len(current):
            flags[current] = 1
            current = self.following[current].astype(np.int64)
            current = current[current >= 0]


class _RatingBlocks:
    """Reads the disliked dossiers (criterion 5.4) out of blocks of a ratings file."""

    def __init__(self, reader: _Reader, layout: _FileLayout, at: dict[str, int],
                 unit_ids: Container[str] | None, as_of: datetime, moments: MomentCells,
                 into: set[str]) -> None:
        self.layout = layout
        self.at = at
        self.unit_ids = unit_ids
        self.moments = moments
        self.into = into
        self.limit = to_us(as_of)
        self.take = rating_rows(reader, unit_ids, as_of, moments, into)
        table = _fast_table(reader.kind.fields[[fs.name for fs in reader.kind.fields]
                                               .index("rating")]) or {}
        # 1: a bad rating (rất không hài lòng…), 0: any other the row path reads as it is.
        self.ratings = Coder(lambda text: None if table.get(text) is None else int(
            table[text] is RatingValue.BAD))
        self.units = Coder(self._unit)

    def _unit(self, text: str) -> int | None:
        if not text or text.strip() != text or len(text) > MAX_ID_LENGTH or (
                self.unit_ids is not None and text not in self.unit_ids):
            return None
        return 0

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        self.take(line, row, index)

    def count(self, block: Block, line: int) -> None:
        at, ncols = self.at, self.layout.ncols
        special = np.zeros(block.n, dtype=np.bool_)
        rated = block_moments(block, at["rated_at"], ncols, self.moments, special)
        bad = self.ratings.code(block, *block.cell(at["rating"]))
        units = self.units.code(block, *block.cell(at["unit_id"]))
        special |= (bad < 0) | (units < 0)
        if at["dossier_id"] < ncols:
            start, length = block.cell(at["dossier_id"])
            special |= length > MAX_ID_LENGTH  # bytes: the row path counts the characters
            disliked = ~special & (bad == 1) & ((rated <= self.limit) | (rated == ABSENT))
            for i in np.flatnonzero(disliked).tolist():
                ident = block.text(int(start[i]), int(length[i])).strip()
                if ident:
                    self.into.add(ident)
        index = self.layout.index
        for i in np.flatnonzero(special).tolist():
            self.take(line + i, block.row(i), index)

    def finish(self) -> None:
        pass
