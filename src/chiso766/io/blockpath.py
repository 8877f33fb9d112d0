"""The block path: a dossiers CSV file counted many thousand rows at a time, with numpy.

Used by :func:`chiso766.streaming.score_folder` when numpy is installed (the ``fast`` extra);
without it the row path (:mod:`chiso766.io.rowpath`) does the same work a row at a time. Both
accept and reject the same rows with the same messages and give the same counts — the test
suite checks it on generated files, cut into blocks of a few bytes as well as of megabytes.

A block (:data:`_BLOCK_BYTES`, whole lines) whose lines are one row each — no quote, every
line with the header's number of delimiters — is never split into Python strings. numpy finds
the delimiters; each cell is then a (start, length) pair into the block's bytes, read eight
bytes at a time:

* moments in the national shape ``dd/MM/yyyy HH:mm:ss`` are checked and converted to
  microseconds on the row path's scale with integer arithmetic on those words (digits, the
  separators, month, day of that month, years 1900–2199: exactly the cells the general parser
  reads to that value); any other cell goes through :class:`~.rowpath.MomentCells`;
* unit, procedure and flag cells of up to 24 bytes are looked up by their bytes in small sorted
  tables, learnt from the general converters the first time a spelling is seen;
* dossier ids are hashed with Python's own ``hash`` (the bytes of an ASCII id hash as its
  text), so that the duplicate check (:class:`~.rowpath.IdClaims`, claimed a block at a time in
  line order), the supplement index and the row path all agree.

SPEC §4 (criterion 2.1 and the population of a period) is then applied to whole columns. A
row the block path does not take — an odd cell, a moment before the receipt, a whitespace-
padded id, a fingerprint seen before… — goes with its line number to the row path, which hands
it on to the general reader if need be. Dossiers with supplement requests and dossiers without
a recorded due date are decided a row at a time here, as the row path would (the request chain;
the statutory due date from the procedure's time limit).

A block that is not one row a line (a quote, a lone carriage return, an undecodable byte) sends
the rest of the file to the row path; a blank or ragged line sends its block only.
"""

from __future__ import annotations

import codecs
import itertools
import zlib
from collections.abc import Callable, Container, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..criteria.base import DossierShape, Verdict
from ..deadlines import _due_from
from ..errors import InputError
from ..tally import Tally, shape_marks
from .readers import _KINDS, ReportBuilder, _csv_header, _decode_block, _decoded_blocks, _Reader
from .rowpath import (
    _FLAG_FIELDS,
    _MOMENT_FIELDS,
    DAY_US,
    IdClaims,
    SupplementIndex,
    _Claims,
    _expected_rows,
    _FileLayout,
    _flag_tables,
    _in_line_order,
    _row_items,
    _RowCounter,
    _Rows,
    _settle,
    _Ticker,
    from_us,
    tally_dossier_csv,
)

__all__ = ["tally_dossier_blocks"]

Ints = npt.NDArray[np.int64]
Words = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]

#: Bytes read per block (about 4 500 rows of a national export): small enough that a block's
#: working arrays stay a few MB (memory at 10M rows), large enough to spread numpy's per-call cost.
_BLOCK_BYTES = 1 << 20
#: Distinct (unit, shape) pairs — or (unit, procedure, marks) — kept before they are handed to
#: the tally (memory: 16 bytes each, twice over while compacting).
_PAIRS_LIMIT = 100_000
#: A missing moment: later than any real one, so "happened by as_of" is False.
_ABSENT = 1 << 62
#: Longest cell looked up by its bytes (three 8-byte words); longer ones go by text.
_WORDS = 3
#: Bytes that make a block not "one row a line" for the CSV reader: a quote, the line breaks of
#: str.splitlines other than "\n", NUL.
_AWKWARD = (b'"', b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x00")
_VERDICTS = (Verdict.OUT, Verdict.IN_TIME, Verdict.LATE, Verdict.PENDING_IN_TIME,
             Verdict.PENDING_LATE, Verdict.UNCLASSIFIED)
_U64 = np.uint64
#: MASKS[k]: the low k bytes of a word.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=_U64)
_HIGH = _U64(0x8080_8080_8080_8080)
_MIX = (_U64(0x9E37_79B9_7F4A_7C15), _U64(0xC2B2_AE3D_27D4_EB4F), _U64(0x1656_67B1_9E37_79F9))
#: Whitespace that str.strip removes, in ASCII.
_SPACE = np.zeros(256, dtype=np.bool_)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
#: Days in each month (index 1-12) of a common year.
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


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
    claims = IdClaims(_expected_rows(path))
    adapter = reader.seen = _Claims(claims.claim)
    counter = _RowCounter(tally, procedures, unit_ids, supplements)
    pos = {fs.name: n for n, fs in enumerate(kind.fields)}
    run = _Rows(reader, counter, adapter, True, pos)
    bad: set[int] = set()
    tick = _Ticker(progress)
    held: list[tuple[int, str, Any, Any, int]] = []
    suited = False  # until the header is known to suit: then the reader reports, once
    try:
        with path.open("rb") as f:
            first = f.read(_BLOCK_BYTES)
            while b"\n" not in first:  # at least the header line
                more = f.read(_BLOCK_BYTES)
                if not more:
                    break
                first += more
            if first.startswith(codecs.BOM_UTF8):
                first = first[len(codecs.BOM_UTF8):]
            if b"\x00" in first:
                raise InputError("not a UTF-8 text file (it contains NUL bytes: binary, or "
                                 "UTF-16?)", file=reader.file)
            cut = first.rfind(b"\n") + 1
            if not cut:
                return False
            lines = iter(_decode_block(first[:cut], 1, bad))
            head = _csv_header(reader, lines, bad)
            if head is None:
                suited = True
                return True
            del lines  # the first block's text: the header is all that was wanted of it
            layout = _FileLayout(reader, head)
            at = dict(zip((fs.name for fs in kind.fields), layout.index, strict=True))
            if not layout.single or len(layout.delimiter) != 1 or any(
                    at[name] >= layout.ncols for name in ("id", "unit_id", "procedure_code")):
                return False  # the row path reads the file, and reports on it
            suited = True
            blocks = _BlockCounter(counter, run, layout, at, claims, held, pos)
            skip = 0
            for _ in range(layout.header_no):
                skip = first.index(b"\n", skip) + 1
            raw, carry = first[skip:cut], first[cut:]
            line = layout.header_no + 1
            while True:
                if raw:
                    if not blocks.block(raw, line, bad, tick):  # from here on, row by row
                        later = _decoded_blocks(f, reader.file, bad, line + raw.count(b"\n"),
                                                carry)
                        rest = itertools.chain(_decode_block(raw, line, bad),
                                               itertools.chain.from_iterable(later))
                        for item in _row_items(reader, layout, rest, line - 1, bad, tick):
                            blocks.row(*item)
                        carry = b""
                        break
                    line += raw.count(b"\n")
                chunk = f.read(_BLOCK_BYTES)
                if not chunk:
                    break
                chunk = carry + chunk
                cut = chunk.rfind(b"\n") + 1
                raw, carry = chunk[:cut], chunk[cut:]
            if carry:
                for item in _row_items(reader, layout, iter(_decode_block(carry, line, bad)),
                                       line - 1, bad, tick):
                    blocks.row(*item)
            if held:
                _settle(path, reader, held, run, pos)
            blocks.flush()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        if suited:
            reader.read += tick.read
            reader.close()
    builder.rejections[:] = _in_line_order(builder.rejections, path.name)
    return True


def _text(ident: bytes | str) -> str:
    """An id as text: the block path holds plain ASCII ids as bytes, the others as text."""
    return ident if isinstance(ident, str) else ident.decode("ascii")


class _Block:
    """One block's bytes and where each cell of each row starts and ends."""

    def __init__(self, raw: bytes, starts: Ints, ends: Ints) -> None:
        self.raw = raw
        self.starts = starts
        self.ends = ends
        self.n = len(starts)
        padded = raw + bytes(8 * _WORDS + 8)  # so every word read stays inside the buffer
        self.bytes = np.frombuffer(padded, dtype=np.uint8)
        # Every 8 bytes from every offset, unaligned: words[i] holds bytes i..i+7.
        self.words: Words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded,
                                       strides=(1,))

    def cell(self, column: int) -> tuple[Ints, Ints]:
        """Start offsets and lengths of a column's cells."""
        s = self.starts[:, column]
        return s, self.ends[:, column] - s

    def text(self, start: int, length: int) -> str:
        return self.raw[start:start + length].decode("utf-8")

    def row(self, i: int, delimiter: str) -> list[str]:
        return self.raw[self.starts[i, 0]:self.ends[i, -1]].decode("utf-8").split(delimiter)


class _Coder:
    """Cells → small codes by their bytes, learnt once per spelling: ``learn(text)`` gives the
    code (``None``: the row is not for the block path, code -1)."""

    def __init__(self, learn: Callable[[str], int | None]) -> None:
        self.learn = learn
        self.known: dict[tuple[int, ...], int] = {}
        self.keys: Words = np.zeros(0, dtype=_U64)
        self.reps: Words = np.zeros((0, _WORDS + 1), dtype=_U64)
        self.codes: Ints = np.zeros(0, dtype=np.int64)
        self.short = _Lookup(self._learn_word)  # cells of up to 8 bytes, by their one word

    def code(self, block: _Block, s: Ints, length: Ints) -> Ints:
        if int(length.max(initial=0)) <= 8:
            # One word holds the cell, and (no cell has a NUL byte) says exactly which it is.
            return self._short_codes(block, s, length)
        n = block.n
        cells = np.empty((n, _WORDS + 1), dtype=_U64)
        cells[:, 0] = length
        for k in range(_WORDS):
            cells[:, k + 1] = block.words[s + 8 * k] & _MASKS[np.clip(length - 8 * k, 0, 8)]
        key = cells[:, 0] ^ (cells[:, 1] * _MIX[0]) ^ (cells[:, 2] * _MIX[1]) ^ (
            cells[:, 3] * _MIX[2])
        out = self._find(key, cells)
        missing = np.flatnonzero(out == -2)
        if len(missing):
            long = length[missing] > 8 * _WORDS
            for i in missing[long].tolist():
                found = self.learn(block.text(int(s[i]), int(length[i])))
                out[i] = -1 if found is None else found
            missing = missing[~long]
            _, first = np.unique(key[missing], return_index=True)
            for i in missing[first].tolist():
                found = self.learn(block.text(int(s[i]), int(length[i])))
                self.known[tuple(cells[i].tolist())] = -1 if found is None else found
            self._rebuild()
            out[missing] = self._find(key[missing], cells[missing])
            for i in np.flatnonzero(out == -2).tolist():  # two spellings, one key: by text
                found = self.learn(block.text(int(s[i]), int(length[i])))
                out[i] = -1 if found is None else found
        return out

    def _short_codes(self, block: _Block, s: Ints, length: Ints) -> Ints:
        words = block.words[s] & _MASKS[length]
        return self.short(words.view(np.int64))

    def _learn_word(self, word: int) -> int:
        text = (word & 0xFFFF_FFFF_FFFF_FFFF).to_bytes(8, "little").rstrip(b"\0")
        found = self.learn(text.decode("utf-8"))
        return -1 if found is None else found

    def _find(self, key: Words, cells: Words) -> Ints:
        if not len(self.keys):
            return np.full(len(key), -2, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        same = (self.keys[at] == key) & (self.reps[at] == cells).all(axis=1)
        return np.where(same, self.codes[at], -2)

    def _rebuild(self) -> None:
        reps = np.array(list(self.known), dtype=_U64).reshape(-1, _WORDS + 1)
        key = reps[:, 0] ^ (reps[:, 1] * _MIX[0]) ^ (reps[:, 2] * _MIX[1]) ^ (
            reps[:, 3] * _MIX[2])
        order = np.argsort(key, kind="stable")
        key = key[order]
        unique = np.ones(len(key), dtype=np.bool_)
        unique[1:] = key[1:] != key[:-1]  # a key two spellings share is left to the text
        unique[:-1] &= key[:-1] != key[1:]
        order = order[unique]
        self.keys = key[unique]
        self.reps = reps[order]
        self.codes = np.array(list(self.known.values()), dtype=np.int64)[order]


def _moments(block: _Block, s: Ints, length: Ints) -> tuple[Ints, Bools]:
    """Microseconds of cells in the shape ``dd/MM/yyyy HH:mm:ss`` (SPEC §8), :data:`_ABSENT`
    for empty cells, and which cells are neither (to be read by text)."""
    words = block.words
    plain = length == 19
    s19 = np.where(plain, s, 0)
    # Bytes 0-7 "dd/MM/yy", 8-10 "yy ", 11-18 "HH:mm:ss": XOR with the expected text leaves
    # digits 0-9 and zero separators; "+ 0x76" sets a byte's high bit when it is above 9
    # ("+ 0x7F" for a separator above 0), with no carry as every byte is below 0x80.
    a = words[s19] ^ _U64(0x3030_2F30_302F_3030)
    b = (words[s19 + 8] & _U64(0xFF_FFFF)) ^ _U64(0x20_3030)
    c = words[s19 + 11] ^ _U64(0x3030_3A30_303A_3030)
    bad = ((a | b | c) & _HIGH) | ((a + _U64(0x7676_7F76_767F_7676)) & _HIGH) | (
        (b + _U64(0x7F_7676)) & _HIGH) | ((c + _U64(0x7676_7F76_767F_7676)) & _HIGH)
    plain &= bad == 0

    def digit(word: Words, byte: int) -> Ints:
        return ((word >> _U64(8 * byte)) & _U64(0xFF)).astype(np.int64)

    day = digit(a, 0) * 10 + digit(a, 1)
    month = digit(a, 3) * 10 + digit(a, 4)
    year = digit(a, 6) * 1000 + digit(a, 7) * 100 + digit(b, 0) * 10 + digit(b, 1)
    hour = digit(c, 0) * 10 + digit(c, 1)
    minute = digit(c, 3) * 10 + digit(c, 4)
    second = digit(c, 6) * 10 + digit(c, 7)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _MONTH_DAYS[np.where(month_ok, month, 1)] + (leap & (month == 2))
    plain &= month_ok & (day >= 1) & (day <= last_day) & (year >= 1900) & (year <= 2199) & (
        hour <= 23) & (minute <= 59) & (second <= 59)
    # The proleptic Gregorian ordinal (date.toordinal) from the civil date.
    a14 = (14 - month) // 12
    y = year + 4800 - a14
    m = month + 12 * a14 - 3
    ordinal = day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 1_753_470
    us = (ordinal * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000
    us = np.where(plain, us, _ABSENT)
    return us, ~plain & (length != 0)


class _Lookup:
    """Integer keys → integer values in sorted arrays, each key's value learnt once from
    ``learn``."""

    def __init__(self, learn: Callable[[int], int]) -> None:
        self.learn = learn
        self.keys: Ints = np.zeros(0, dtype=np.int64)
        self.values: Ints = np.zeros(0, dtype=np.int64)

    def __call__(self, keys: Ints) -> Ints:
        out = self._find(keys)
        missing = out == -2
        if missing.any():
            new = np.unique(keys[missing])
            learnt = np.array([self.learn(key) for key in new.tolist()], dtype=np.int64)
            merged = np.concatenate([self.keys, new])
            order = np.argsort(merged, kind="stable")
            self.keys = merged[order]
            self.values = np.concatenate([self.values, learnt])[order]
            out[missing] = self._find(keys[missing])
        return out

    def _find(self, keys: Ints) -> Ints:
        if not len(self.keys):
            return np.full(len(keys), -2, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.values[at], -2)


class _Chains:
    """The supplement index's request chains, looked up and walked many dossiers at a time
    through views of its own arrays (no copy: the index is the large part of memory at scale).
    """

    def __init__(self, sups: SupplementIndex, as_of: int) -> None:
        self.sups = sups
        self.as_of = as_of
        self.slots = np.frombuffer(sups._slots, dtype=np.int32)
        self.mask = sups._mask
        self.hashes = np.frombuffer(sups.hashes, dtype=np.int64)
        self.crcs = np.frombuffer(sups.crcs, dtype=np.uint32)
        self.requested = np.frombuffer(sups.requested, dtype=np.int64)
        self.supplied = np.frombuffer(sups.supplied, dtype=np.int64)
        self.following = np.frombuffer(sups.nxt, dtype=np.int32)

    def maybe(self, hashes: Ints) -> Bools:
        """Rows whose id may have requests (its hash's first slot is taken)."""
        taken: Bools = self.slots[hashes & self.mask] != 0
        return taken

    def find(self, hashes: Ints, crcs: Ints) -> Ints:
        """:meth:`SupplementIndex.first` for many ids: each one's first request, or -1."""
        out = np.full(len(hashes), -1, dtype=np.int64)
        todo = np.arange(len(hashes))
        at = hashes & self.mask
        while len(todo):
            k1 = self.slots[at].astype(np.int64)
            k = np.maximum(k1 - 1, 0)
            hit = (k1 != 0) & (self.hashes[k] == hashes[todo]) & (self.crcs[k] == crcs[todo])
            out[todo[hit]] = k[hit]
            go = (k1 != 0) & ~hit
            todo, at = todo[go], (at[go] + 1) & self.mask
        return out

    def walk(self, heads: Ints) -> tuple[Ints, Bools, Ints, Ints, Ints]:
        """For dossiers with these first requests: the first request moment, whether the
        requests are in order, how many were made by ``as_of``, the applicant's time on the
        answered ones, and the last unanswered one (-1: none) — what the row path works out
        request by request (SPEC §4)."""
        m = len(heads)
        first = self.requested[heads]
        ordered = np.ones(m, dtype=np.bool_)
        asked = np.zeros(m, dtype=np.int64)
        applicant = np.zeros(m, dtype=np.int64)
        open_ask = np.full(m, -1, dtype=np.int64)
        previous = first.copy()
        live = np.arange(m)
        current = heads
        while len(live):  # one step along every chain at once
            req, sup = self.requested[current], self.supplied[current]
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
        """Mark every request of the dossiers with these first requests as used (SPEC §8: the
        others are orphans)."""
        flags = np.frombuffer(self.sups.used, dtype=np.uint8)
        current = heads
        while len(current):
            flags[current] = 1
            current = self.following[current].astype(np.int64)
            current = current[current >= 0]


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

    def __init__(self, counter: _RowCounter, run: _Rows, layout: _FileLayout,
                 at: Mapping[str, int], claims: IdClaims,
                 held: list[tuple[int, str, Any, Any, int]], pos: Mapping[str, int]) -> None:
        self.counter = counter
        self.run = run
        self.layout = layout
        self.ncols = layout.ncols
        self.delimiter = layout.delimiter
        self.at = at
        self.claims = claims
        self.held = held
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
        self.chains = _Chains(sups, counter.as_of) if len(sups) else None
        self.complained = (np.unique(np.fromiter(map(hash, counter.complained), np.int64))
                           if counter.complained else None)
        self.flag_lookup = _Lookup(self._flag_id)
        self.bit_lookup = _Lookup(self._bits)
        self.ctx = ctx
        self.states: list[Any] = []
        self.state_of: dict[str, int] = {}
        self.codes: list[str] = []
        self.proc_of: dict[str, int] = {}
        self.paper_fee: dict[tuple[Any, Any], int] = {}
        self.paper_fee_values: list[tuple[Any, Any]] = []
        self.units = _Coder(self._unit)
        self.procs = _Coder(self._proc)
        self.flag_words: list[list[str | None]] = []
        self.flag_coders = [_Coder(self._spelling(k)) for k in range(len(self.flag_at))]
        self.flag_ids: dict[int, int] = {}  # packed spellings -> index in flag_values, -1
        self.flag_values: list[tuple[Any, ...]] = []
        self.flag_index: dict[tuple[Any, ...], int] = {}
        self.shapes: dict[int, tuple[Any, ...]] = {}  # shape id -> DossierShape fields
        self.bits: dict[int, int] = {}  # shape id -> its procedure marks
        self.pairs = _KeyCounts()  # unit << 32 | shape id -> dossiers
        self.marks = _KeyCounts()  # unit << 40 | procedure << 16 | marks
        self.days = _KeyCounts()  # unit << 20 | 2.2 days -> dossiers

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
            self.held.append((line, ident, row, index, h))
            return
        self.run.one(line, ident, row, index, h)

    # -- blocks ----------------------------------------------------------------------------------

    def block(self, raw: bytes, line: int, bad: set[int], tick: _Ticker) -> bool:
        """Count the rows of ``raw`` (whole lines, the first is ``line``); ``False`` when the
        rest of the file must be read row by row (a quote, a lone carriage return, a bad
        byte)."""
        if bad or any(c in raw for c in _AWKWARD):
            return False
        if b"\r" in raw:
            if raw.count(b"\r\n") != raw.count(b"\r"):
                return False
            raw = raw.replace(b"\r\n", b"\n")
        if not raw.isascii():
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return False
            if "\x85" in text or "\u2028" in text or "\u2029" in text:
                return False
        a = np.frombuffer(raw, dtype=np.uint8)
        ends = np.flatnonzero(a == 10)
        marks = np.flatnonzero(a == ord(self.delimiter))
        n, per = len(ends), self.ncols - 1
        # One row a line: each line has exactly the header's delimiters.
        if len(marks) != n * per or (n and per and not (
                (np.searchsorted(marks, ends) == np.arange(1, n + 1) * per).all())):
            for item in _row_items(self.run.reader, self.layout,
                                   iter(_decode_block(raw, line, bad)), line - 1, bad, tick):
                self.row(*item)
            return True
        starts = np.empty((n, per + 1), dtype=np.int64)
        stops = np.empty((n, per + 1), dtype=np.int64)
        starts[0, 0] = 0
        starts[1:, 0] = ends[:-1] + 1
        grid = marks.reshape(n, per)
        starts[:, 1:] = grid + 1
        stops[:, :-1] = grid
        stops[:, -1] = ends
        tick.add(n)
        self.count(_Block(raw, starts, stops), line)
        return True

    def count(self, block: _Block, line: int) -> None:
        n = block.n
        special = np.zeros(n, dtype=np.bool_)
        raw = block.bytes

        # Ids: Python's hash of each id's bytes (its text's hash, for ASCII).
        s, length = block.cell(self.id_at)
        padded = (length == 0) | _SPACE[raw[s]] | _SPACE[raw[np.maximum(s + length - 1, 0)]]
        width = max(int(length.max()), 1)
        grid = raw[np.minimum(s[:, None] + np.arange(width), len(raw) - 1)]
        grid[np.arange(width) >= length[:, None]] = 0
        ids: list[Any] = grid.view(f"S{width}").ravel().tolist()
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=n)
        odd = np.flatnonzero(padded | (grid >= 0x80).any(axis=1))
        nameless = np.zeros(n, dtype=np.bool_)
        for i in odd.tolist():
            ident = block.text(int(s[i]), int(length[i])).strip()
            ids[i] = ident
            if ident:
                hashes[i] = hash(ident)
            else:
                nameless[i] = True
        special[odd] = True
        claimed = self._claim(hashes, ~nameless)

        units = self.units.code(block, *block.cell(self.at["unit_id"]))
        procs = self.procs.code(block, *block.cell(self.at["procedure_code"]))
        special |= (units < 0) | (procs < 0)
        fids = self._flags(block, special)

        moments = []
        for column in self.moment_at:
            if column >= self.ncols:
                moments.append(np.full(n, _ABSENT, dtype=np.int64))
                continue
            s, length = block.cell(column)
            us, other = _moments(block, s, length)
            for i in np.flatnonzero(other).tolist():
                value = self.counter.moments(block.text(int(s[i]), int(length[i])))
                if value is None:
                    special[i] = True
                else:
                    us[i] = value
            moments.append(us)
        received, submitted, due, finished, returned, stopped, new_due = moments
        receipt = np.where(received != _ABSENT, received, submitted)
        # Not plain for the row path either: no receipt, or a moment before it.
        special |= receipt == _ABSENT
        for m in (due, finished, returned, stopped, new_due):
            special |= m < receipt

        # Supplement requests (SPEC §4: the applicant's time is not the agency's; one
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
            returned <= as_of, returned, np.where(stopped <= as_of, stopped, _ABSENT)))
        ended = np.where((ended == _ABSENT) & (asked == 1) & (open_ask >= 0), open_ask, ended)
        result = np.where(finished <= as_of, finished, np.where(returned <= as_of, returned,
                                                                 _ABSENT))
        got = (start <= receipt) & (receipt < end)
        resolved = (start <= result) & (result < end)
        in_population = got | ((receipt < start) & (ended >= start))
        pending = ended == _ABSENT
        adjusted = np.where(pending, as_of, ended) - applicant
        late = (adjusted // DAY_US > due // DAY_US) | (asked > 1)
        verdict = np.where(in_population, np.where(pending, 3, 1) + late, 0)
        core = verdict | (resolved.astype(np.int64) << 4) | (got.astype(np.int64) << 5)
        counted = ~special & claimed & (receipt <= as_of)
        # No recorded due date: the statutory one, a row at a time.
        for i in np.flatnonzero(counted & in_population & (due == _ABSENT)).tolist():
            value = self._statutory(int(receipt[i]), int(ended[i]), int(procs[i]),
                                    int(applicant[i]), int(asked[i]))
            if value is None:
                special[i] = True
                counted[i] = False
            else:
                core[i] = (core[i] & 0b110000) | value

        base, cum = self.counter.base, self.cum
        first = receipt // DAY_US - base
        last = result // DAY_US - base
        inside = (first >= 0) & (first < len(cum)) & (last >= 0) & (last < len(cum))
        out = counted & resolved & ~inside
        special |= out
        counted &= ~out
        use = counted & resolved
        days = np.maximum(0, cum[np.where(use, last, 0)] - cum[np.where(use, first, 0)])

        complained = np.zeros(n, dtype=np.int64)
        if self.complained is not None:
            known = self.complained
            at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
            maybe = np.flatnonzero(counted & (known[at] == hashes))
            for i in maybe.tolist():
                ident = _text(ids[i])
                complained[i] = ident in self.counter.complained
        if chains is not None:
            chains.mark_used(chain[~special & claimed & (chain >= 0)])
        shapes = core | (complained << 3) | ((procs & 15) << 6) | (fids << 10)
        self._add(units[counted], procs[counted], shapes[counted], use[counted],
                  days[counted])

        run, index = self.run, self.layout.index
        for i in np.flatnonzero(special).tolist():
            row = block.row(i, self.delimiter)
            if nameless[i]:
                run.rebuild(row, index, line + i, claimed=False)
                continue
            ident = _text(ids[i])
            if claimed[i]:
                run.one(line + i, ident, row, index, int(hashes[i]))
        for i in np.flatnonzero(~claimed & ~nameless).tolist():
            ident = _text(ids[i])
            self.held.append((line + i, ident, block.row(i, self.delimiter), index,
                              int(hashes[i])))

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

    def _flags(self, block: _Block, special: Bools) -> Ints:
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
                lead = _SPACE[block.bytes[s]] & (length > 0)
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
            if len(words) >= 64:
                return None
            words.append(text)
            return len(words) - 1

        return learn

    def _statutory(self, receipt: int, ended: int, proc: int, applicant: int,
                   asked: int) -> int | None:
        """The verdict code of a dossier with no recorded due date: the procedure's time limit
        from the receipt (Decision 766 via SPEC §4, as :func:`~chiso766.deadlines.classify`),
        UNCLASSIFIED without a time limit."""
        procedure = self.ctx.procedures.get(self.codes[proc >> 4])
        limit = procedure.time_limit if procedure is not None else None
        if limit is None:
            return 5
        due = _due_from(from_us(receipt), limit, self.ctx.calendar, self.ctx.policy)
        late_day = ((self.as_of if ended == _ABSENT else ended) - applicant) // DAY_US
        late = late_day > due.toordinal() or asked > 1
        return (4 if late else 3) if ended == _ABSENT else (2 if late else 1)

    def _add(self, units: Ints, procs: Ints, shapes: Ints, resolved: Bools, days: Ints) -> None:
        """Count a block's shapes, marks and 2.2 day sums."""
        self.pairs.add((units << 32) | shapes)
        bits = self.bit_lookup(shapes)
        some = bits != 0
        self.marks.add((units[some] << 40) | ((procs[some] >> 4) << 16) | bits[some])
        self.days.add((units[resolved] << 20) | days[resolved])
        if self.pairs.full() or self.marks.full() or self.days.full():
            self.flush()

    def flush(self) -> None:
        """Hand the counts to the row path's per-unit dictionaries, and those to the tally."""
        states, shapes, codes = self.states, self.shapes, self.codes
        keys, counts = self.pairs.compact()
        for key, k in zip(keys.tolist(), counts.tolist(), strict=True):
            cells = states[key >> 32][1]
            shape = shapes[key & 0xFFFF_FFFF]
            cells[shape] = cells.get(shape, 0) + k
        for key in self.marks.compact()[0].tolist():
            marks = states[key >> 40][2]
            code = codes[(key >> 16) & 0xFF_FFFF]
            marks[code] = marks.get(code, 0) | (key & 0xFFFF)
        keys, counts = self.days.compact()
        for key, k in zip(keys.tolist(), counts.tolist(), strict=True):
            day_sum = states[key >> 20][3]
            day_sum[0] += (key & 0xF_FFFF) * k
            day_sum[1] += k
        self.pairs.clear()
        self.marks.clear()
        self.days.clear()
        self.counter.flush()

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

    def _bits(self, sid: int) -> int:
        bits = self.bits.get(sid)
        if bits is None:
            paper, fee = self.paper_fee_values[(sid >> 6) & 15]
            shape = ((sid >> 5) & 1 == 1, (sid >> 4) & 1 == 1, _VERDICTS[sid & 7],
                     (sid >> 3) & 1 == 1, paper, fee, *self.flag_values[sid >> 10])
            self.shapes[sid] = shape
            bits = self.bits[sid] = shape_marks(DossierShape(*shape)) | self.counter.auth
        return bits
