"""Reading a CSV file a block of whole lines at a time, with numpy: what the block readers
(:mod:`.blockpath` for dossiers, :mod:`.blockfiles` for supplement requests and ratings) share.

A block (:data:`BLOCK_BYTES`, whole lines) whose lines are one row each — no quote, every
line with the header's number of delimiters — is never split into Python strings. numpy finds
the delimiters; each cell is then a (start, length) pair into the block's bytes, read eight
bytes at a time:

* moments in the national shape ``dd/MM/yyyy HH:mm:ss`` (docs/inputs.md) are checked and converted
to
  microseconds on the row path's scale with integer arithmetic on those words (digits, the
  separators, month, day of that month, years 1900–2199: exactly the cells the general parser
  reads to that value); any other cell goes through :class:`~.rowpath.MomentCells`;
* small code cells (unit, procedure, flags, rating) of up to 24 bytes are looked up by their
  bytes in small sorted tables, learnt from the general converters the first time a spelling is
  seen;
* record ids are hashed with Python's own ``hash`` (the bytes of an ASCII id hash as its text),
  so that the block readers, the row path and their shared tables agree.

A block that is not one row a line (a quote, a lone carriage return, an undecodable byte) sends
the rest of the file to the row path; a blank or ragged line sends its block only. A reader's
``row`` takes those rows as :func:`~.rowpath._row_items` yields them.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from .readers import _csv_header, _decode_block, _decoded_blocks, _Reader, nul_bytes
from .rowpath import DAY_US, _FileLayout, _in_line_order, _row_items, _Ticker

Ints = npt.NDArray[np.int64]
Words = npt.NDArray[np.uint64]
Bools = npt.NDArray[np.bool_]

#: Bytes read per block (about 4 500 rows of a national export): small enough that a block's
#: working arrays stay a few MB (memory at 10M rows), large enough to spread numpy's per-call cost.
BLOCK_BYTES = 1 << 20
#: A missing moment: later than any real one, so "happened by as_of" is False.
ABSENT = 1 << 62
#: Longest cell looked up by its bytes (three 8-byte words); longer ones go by text.
_WORDS = 3
#: Longest id the block readers take by its bytes; a longer one is read as text.
_ID_BYTES = 64
#: Bytes after a block's last line that reading a cell's words may touch.
_PAD = 8 * _WORDS + 8
#: Bytes that make a block not "one row a line" for the CSV reader: a quote, the line breaks of
#: str.splitlines other than "\n", NUL.
_AWKWARD = (b'"', b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x00")
_U64 = np.uint64
#: MASKS[k]: the low k bytes of a word.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=_U64)
_HIGH = _U64(0x8080_8080_8080_8080)
_MIX = (_U64(0x9E37_79B9_7F4A_7C15), _U64(0xC2B2_AE3D_27D4_EB4F), _U64(0x1656_67B1_9E37_79F9))
#: Whitespace that str.strip removes, in ASCII.
SPACE = np.zeros(256, dtype=np.bool_)
SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


class BlockReader(Protocol):
    """What :func:`read_blocks` hands a file to."""

    def count(self, block: Block, line: int) -> None:
        """Take a clean block whose first row is on ``line``."""

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        """Take one row outside a clean block, as :func:`~.rowpath._row_items` yields it."""

    def finish(self) -> None:
        """Called once the whole file was read (before the reader reports)."""


def read_blocks(path: Path, reader: _Reader, start: Callable[[_FileLayout], BlockReader | None],
                progress: Callable[[int], None] | None = None) -> bool:
    """Read a CSV file a block at a time into the :class:`BlockReader` that ``start`` makes
    from the file's header; ``False``, having read and reported nothing, when the header does
    not suit blocks (a repeated column, a delimiter of more than one character) or ``start``
    says so (``None``). The rejections of ``reader`` come out in line order."""
    bad: set[int] = set()
    tick = _Ticker(progress)
    suited = False  # until the header is known to suit: then the reader reports, once
    try:
        with path.open("rb") as f:
            first = f.read(BLOCK_BYTES)
            while b"\n" not in first and b"\r" not in first:  # at least the header line
                more = f.read(BLOCK_BYTES)
                if not more:
                    break
                first += more
            if first.startswith(codecs.BOM_UTF8):
                first = first[len(codecs.BOM_UTF8):]
            if b"\x00" in first:
                raise nul_bytes(reader.file)
            cr, lf = first.find(b"\r"), first.find(b"\n")
            if cr >= 0 and not 0 <= lf < cr and first[cr + 1:cr + 2] != b"\n":
                # Lines that end with a lone CR (old Mac OS; _LineEnds' rule): the row path
                # reads the file, without first reading it whole to find a LF.
                return False
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
            if not layout.single or len(layout.delimiter) != 1:
                return False  # the row path reads the file, and reports on it
            target = start(layout)
            if target is None:
                return False
            suited = True
            skip = 0
            for _ in range(layout.header_no):
                skip = first.index(b"\n", skip) + 1
            # One buffer for the whole file, refilled in place: a fresh megabyte per block
            # (and its copies) would leave the heap strewn with them (memory at 10M rows).
            held = len(first) - skip  # bytes of lines not yet handed over, at the front
            buf = bytearray(max(held, BLOCK_BYTES) + _PAD)
            buf[:held] = memoryview(first)[skip:]
            del first
            line = layout.header_no + 1
            while True:
                want = BLOCK_BYTES - held if held < BLOCK_BYTES else BLOCK_BYTES
                if len(buf) < held + want + _PAD:  # a line longer than a block: room for it
                    buf = _larger(buf, held, held + want + _PAD)
                end = held + f.readinto(memoryview(buf)[held:held + want])
                if end == held:
                    break
                if buf.find(b"\x00", held, end) >= 0:  # anywhere, as the row path refuses it
                    raise nul_bytes(reader.file)
                cut = buf.rfind(b"\n", 0, end) + 1
                if not cut:
                    held = end
                    continue
                if not _split(buf, cut, line, bad, tick, reader, layout, target):
                    # From here on, row by row.
                    raw, carry = bytes(buf[:cut]), bytes(buf[cut:end])
                    del buf
                    later = _decoded_blocks(f, reader.file, bad, line + raw.count(b"\n"),
                                            carry)
                    rest = itertools.chain(_decode_block(raw, line, bad),
                                           itertools.chain.from_iterable(later))
                    _rows(reader, layout, rest, line, bad, tick, target)
                    held = 0
                    break
                line += buf.count(b"\n", 0, cut)
                buf[:end - cut] = buf[cut:end]
                held = end - cut
            if held:  # the last line, with no line break after it
                _rows(reader, layout, iter(_decode_block(bytes(buf[:held]), line, bad)), line,
                      bad, tick, target)
            target.finish()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        if suited:
            reader.read += tick.read
            reader.close()
    rejections = reader.builder.rejections
    rejections[:] = _in_line_order(rejections, reader.file)
    return True


def _rows(reader: _Reader, layout: _FileLayout, lines: Iterator[str], line: int, bad: set[int],
          tick: _Ticker, target: BlockReader) -> None:
    for item in _row_items(reader, layout, lines, line - 1, bad, tick):
        target.row(*item)


def _larger(buf: bytearray, held: int, size: int) -> bytearray:
    """A new buffer of at least ``size`` bytes starting with the ``held`` of ``buf`` (a new
    one, not ``buf`` resized: numpy views of it may still be alive)."""
    larger = bytearray(max(size, 2 * len(buf)))
    larger[:held] = memoryview(buf)[:held]
    return larger


def _split(buf: bytearray, size: int, line: int, bad: set[int], tick: _Ticker, reader: _Reader,
           layout: _FileLayout, target: BlockReader) -> bool:
    """Hand the rows of ``buf[:size]`` (whole lines, the first is ``line``) to ``target``: as a
    :class:`Block` when every line is one row, else row by row; ``False`` when the rest of the
    file must be read row by row (a quote, a lone carriage return, a bad byte)."""
    if bad or any(buf.find(c, 0, size) >= 0 for c in _AWKWARD):
        return False
    data = buf
    if buf.find(b"\r", 0, size) >= 0:
        if buf.count(b"\r\n", 0, size) != buf.count(b"\r", 0, size):
            return False
        data = bytearray(buf[:size].replace(b"\r\n", b"\n"))
        size = len(data)
        data += bytes(_PAD)
    a = np.frombuffer(data, dtype=np.uint8, count=size)
    if a.max(initial=0) >= 0x80:
        try:
            text = str(memoryview(data)[:size], "utf-8")
        except UnicodeDecodeError:
            return False
        if "\x85" in text or "\u2028" in text or "\u2029" in text:
            return False
        del text
    ends = np.flatnonzero(a == 10)
    marks = np.flatnonzero(a == ord(layout.delimiter))
    n, per = len(ends), layout.ncols - 1
    # One row a line: each line has exactly the header's delimiters.
    if len(marks) != n * per or (n and per and not (
            (np.searchsorted(marks, ends) == np.arange(1, n + 1) * per).all())):
        _rows(reader, layout, iter(_decode_block(bytes(data[:size]), line, bad)), line, bad,
              tick, target)
        return True
    starts = np.empty((n, per + 1), dtype=np.int64)
    stops = np.empty((n, per + 1), dtype=np.int64)
    starts[0, 0] = 0
    starts[1:, 0] = ends[:-1] + 1
    grid = marks.reshape(n, per)
    starts[:, 1:] = grid + 1
    stops[:, :-1] = grid
    stops[:, -1] = ends
    del grid, marks  # not needed while the block is counted
    if n and int((stops - starts).max()) > csv.field_size_limit():
        # A cell the csv module refuses ("field larger than field limit"): this block row by
        # row, so that its row is rejected exactly as the row path and read_folder reject it.
        _rows(reader, layout, iter(_decode_block(bytes(data[:size]), line, bad)), line, bad,
              tick, target)
        return True
    tick.add(n)
    target.count(Block(data, starts, stops, layout.delimiter), line)
    return True


def text_of(ident: bytes | str) -> str:
    """An id as text: the block path holds plain ASCII ids as bytes, the others as text."""
    return ident if isinstance(ident, str) else ident.decode("ascii")


class Block:
    """One block's bytes and where each cell of each row starts and ends. ``raw`` may go on
    past the block's last line (the reading buffer); word reads look up to :data:`_PAD` bytes
    past a cell's end, so a shorter ``raw`` is copied with that many zeros after it."""

    def __init__(self, raw: bytes | bytearray, starts: Ints, ends: Ints,
                 delimiter: str) -> None:
        if len(raw) < (int(ends[-1, -1]) if len(ends) else 0) + _PAD:
            raw = bytes(raw) + bytes(_PAD)  # so every word read stays inside the buffer
        self.raw = raw
        self.delimiter = delimiter
        self.starts = starts
        self.ends = ends
        self.n = len(starts)
        self.bytes = np.frombuffer(raw, dtype=np.uint8)
        # Every 8 bytes from every offset, unaligned: words[i] holds bytes i..i+7.
        self.words: Words = np.ndarray((len(raw) - 7,), dtype="<u8", buffer=raw,
                                       strides=(1,))

    def cell(self, column: int) -> tuple[Ints, Ints]:
        """Start offsets and lengths of a column's cells."""
        s = self.starts[:, column]
        return s, self.ends[:, column] - s

    def text(self, start: int, length: int) -> str:
        return self.raw[start:start + length].decode("utf-8")

    def row(self, i: int) -> list[str]:
        """Row ``i`` as the CSV reader gives it (a clean block has no quotes)."""
        return self.raw[self.starts[i, 0]:self.ends[i, -1]].decode("utf-8").split(self.delimiter)


class Coder:
    """Cells → small codes by their bytes, learnt once per spelling: ``learn(text)`` gives the
    code (``None``: the row is not for the block path, code -1)."""

    def __init__(self, learn: Callable[[str], int | None]) -> None:
        self.learn = learn
        self.known: dict[tuple[int, ...], int] = {}
        self.keys: Words = np.zeros(0, dtype=_U64)
        self.reps: Words = np.zeros((0, _WORDS + 1), dtype=_U64)
        self.codes: Ints = np.zeros(0, dtype=np.int64)
        self.short = Lookup(self._learn_word)  # cells of up to 8 bytes, by their one word

    def code(self, block: Block, s: Ints, length: Ints) -> Ints:
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

    def _short_codes(self, block: Block, s: Ints, length: Ints) -> Ints:
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


def _midnights() -> Ints:
    """Microseconds (the row path's scale) at the start of each civil day of 1900-2199, at
    ``((year - 1900) * 13 + month) * 32 + day``; -1 where no such day (31/02, month 0…)."""
    days = np.arange(np.datetime64("1900-01-01"), np.datetime64("2200-01-01"))
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = days.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (days - month_start).astype(np.int64) + 1
    table = np.full(300 * 13 * 32, -1, dtype=np.int64)
    # datetime64 days are proleptic Gregorian, as date.toordinal; 1900-01-01 is ordinal 693 596.
    table[((year - 1900) * 13 + month) * 32 + day] = (np.arange(len(days)) + 693_596) * DAY_US
    return table


_MIDNIGHTS = _midnights()


def _moments(block: Block, s: Ints, length: Ints) -> tuple[Ints, Bools]:
    """Microseconds of cells in the shape ``dd/MM/yyyy HH:mm:ss`` (docs/inputs.md), :data:`ABSENT`
    for empty cells, and which cells are neither (to be read by text)."""
    us = np.full(len(s), ABSENT, dtype=np.int64)
    at = np.flatnonzero(length == 19)  # only those: some columns are mostly empty
    if len(at):
        start = s[at]
        words = block.words
        # Bytes 0-7 "dd/MM/yy", 8-10 "yy ", 11-18 "HH:mm:ss": XOR with the expected text
        # leaves digits 0-9 and zero separators; "+ 0x76" sets a byte's high bit when it is
        # above 9 ("+ 0x7F" for a separator above 0), with no carry as every byte is below 0x80.
        a = words[start] ^ _U64(0x3030_2F30_302F_3030)
        b = (words[start + 8] & _U64(0xFF_FFFF)) ^ _U64(0x20_3030)
        c = words[start + 11] ^ _U64(0x3030_3A30_303A_3030)
        bad = ((a | b | c) & _HIGH) | ((a + _U64(0x7676_7F76_767F_7676)) & _HIGH) | (
            (b + _U64(0x7F_7676)) & _HIGH) | ((c + _U64(0x7676_7F76_767F_7676)) & _HIGH)
        # The digits, a byte each: as little-endian words (no copy on such a machine), byte k
        # of the cell is column k.
        d, e, t = (w.astype("<u8", copy=False).view(np.uint8).reshape(-1, 8).astype(np.int64)
                   for w in (a, b, c))
        day = d[:, 0] * 10 + d[:, 1]
        month = d[:, 3] * 10 + d[:, 4]
        year = d[:, 6] * 1000 + d[:, 7] * 100 + e[:, 0] * 10 + e[:, 1]
        seconds = (t[:, 0] * 10 + t[:, 1]) * 3600 + (t[:, 3] * 10 + t[:, 4]) * 60 + (
            t[:, 6] * 10 + t[:, 7])
        ok = (bad == 0) & (month <= 12) & (day <= 31) & (year >= 1900) & (year <= 2199) & (
            t[:, 0] * 10 + t[:, 1] <= 23) & (t[:, 3] <= 5) & (t[:, 6] <= 5)
        midnight = _MIDNIGHTS[np.where(ok, ((year - 1900) * 13 + month) * 32 + day, 0)]
        ok &= midnight >= 0  # a day that month has (leap years included)
        us[at[ok]] = midnight[ok] + seconds[ok] * 1_000_000
    return us, (us == ABSENT) & (length != 0)


class Lookup:
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


def block_ids(block: Block, column: int) -> tuple[list[Any], Ints, Bools, Bools]:
    """A column of ids: each as its bytes (plain ASCII) or its stripped text (any other), its
    ``hash`` (the hash of its text either way), which rows are not plain ASCII without
    surrounding whitespace, and which have no id at all (empty once stripped)."""
    n = block.n
    raw = block.bytes
    s, length = block.cell(column)
    padded = (length == 0) | SPACE[raw[s]] | SPACE[raw[np.maximum(s + length - 1, 0)]]
    # The grid is as wide as the longest id up to _ID_BYTES: a longer id is read as text (one
    # long id would otherwise make every row of its block that wide: memory, issue 18).
    long = length > _ID_BYTES
    width = max(min(int(length.max(initial=0)), _ID_BYTES), 1)
    grid = raw[np.minimum(s[:, None] + np.arange(width), len(raw) - 1)]
    grid[np.arange(width) >= length[:, None]] = 0
    ids: list[Any] = grid.view(f"S{width}").ravel().tolist()
    hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=n)
    odd = padded | long | (grid >= 0x80).any(axis=1)
    nameless = np.zeros(n, dtype=np.bool_)
    for i in np.flatnonzero(odd).tolist():
        ident = block.text(int(s[i]), int(length[i])).strip()
        ids[i] = ident
        if ident:
            hashes[i] = hash(ident)
        else:
            nameless[i] = True
    return ids, hashes, odd, nameless


def block_moments(block: Block, column: int, ncols: int, moments: Callable[[str], int | None],
                  special: Bools) -> Ints:
    """A column of moments in microseconds (:data:`ABSENT` when empty or when the file has no
    such column); a cell neither national nor read by ``moments`` marks its row ``special``."""
    if column >= ncols:
        return np.full(block.n, ABSENT, dtype=np.int64)
    s, length = block.cell(column)
    us, other = _moments(block, s, length)
    for i in np.flatnonzero(other).tolist():
        value = moments(block.text(int(s[i]), int(length[i])))
        if value is None:
            special[i] = True
        else:
            us[i] = value
    return us
