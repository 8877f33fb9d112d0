"""The streaming row path: a dossiers file read a row at a time into records, in flat memory.

Without polars (the ``fast`` extra), :func:`~chiso766.streaming.score_folder` reads the dossiers
file here: each row becomes a validated :class:`~chiso766.records.Dossier` — by the reader of
plain rows (:class:`~chiso766.io.readers.PlainRows`, a few hundred rows at once, column by
column) for a plain row, by the general reader (which names the bad cell) otherwise, the
same records and rejections as :func:`~chiso766.io.readers.iter_records` — and is handed to
:meth:`~chiso766.tally.Tally.add_dossier`, which counts it by the rules in their one home
(:mod:`chiso766.population`, :mod:`chiso766.deadlines`). Nothing here decides how a dossier
counts. The columnar engine (:mod:`chiso766.io.columnar`) hands the rows it cannot vouch for to
the same path.

The small files are read here too: a supplements file into a :class:`SupplementIndex`, a
ratings file into the set of dossiers its rule picks (5.4's dislikes), with the moments of
plain cells read by :class:`MomentCells` (microseconds since 0001-01-01: day ordinal ×
86 400 000 000 + time of day, from a cache of date parts filled by the general parser,
:func:`~chiso766.io.values.parse_moment`, so that a cached part means exactly what the
parser says).

Memory stays flat: no record is kept. Duplicate dossier ids are caught with
:class:`IdClaims`, a table of 32-bit fingerprints (4 bytes a slot); a row whose fingerprint was
seen before is held aside and settled exactly at the end by a second pass over the file's ids
(only when there is such a row). Supplement requests are held in :class:`SupplementIndex`,
parallel arrays keyed by the dossier id's 64-bit hash checked with its CRC-32 (a false match
needs both 96 bits to agree), the moments as 32-bit seconds and the line numbers as steps
(about 25 bytes a request).
"""

from __future__ import annotations

import bisect
import csv
import itertools
import zlib
from array import array
from collections.abc import Callable, Container, Generator, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..errors import InputError, PolicyError
from ..records import Dossier, RatingValue, SupplementRequest
from . import values as v
from .readers import (
    BLANK,
    PLAIN_BATCH,
    RECORD_KINDS,
    PlainRows,
    RecordReader,
    Rejection,
    ReportBuilder,
    SupplementRow,
    batches,
    csv_header,
    decoded_blocks,
    fast_table,
    numbered_rows,
    plain_reader,
    slow_csv_row,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DossierCounter", "DossierRows", "IdClaims", "MomentCells", "RatingRule",
           "SupplementIndex", "complained_from_ratings", "read_supplement_index",
           "tally_dossier_csv"]

DAY_US = 86_400_000_000
#: "The plain reader was not asked yet" (its answer may be ``None``).
UNREAD: Any = object()
_EPOCH = datetime(1, 1, 1)  # ordinal 1: ordinal o starts at o * DAY_US
_PROGRESS_EVERY = 50_000


def to_us(moment: datetime) -> int:
    """A naive local datetime as microseconds on the row path's scale."""
    return (moment.toordinal() * 86_400 + moment.hour * 3600 + moment.minute * 60
            + moment.second) * 1_000_000 + moment.microsecond


def from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us - DAY_US)


#: Supplement moments are kept as whole seconds from 2000-01-01 in 32 bits (1932-2068: the
#: moments of a national export, docs/inputs.md, have no fraction of a second); any other moment is
#: kept exactly, aside.
SECONDS_BASE = to_us(datetime(2000, 1, 1))
NOT_SUPPLIED = -(1 << 31)
ASIDE = NOT_SUPPLIED + 1


class MomentCells:
    """Cell text → microseconds, for the ``dd/MM/yyyy HH:mm:ss`` and ``yyyy-MM-dd HH:mm:ss``
    shapes (and ``…HH:mm``), from a cache of date parts and complete tables of times of day.

    A date part enters the cache only after the general parser read the whole cell to a naive
    local time with no fraction of a second and the cell is exactly the canonical spelling of
    that value; every ``HH:MM`` and ``:SS`` (or nothing) is a time the parser reads after such a
    date part, so any cached date part followed by a time from the tables spells one moment and
    means what the parser would say.
    """

    __slots__ = ("days", "minutes", "seconds")

    def __init__(self) -> None:
        self.days: dict[str, int] = {}
        # The time of day in two small tables ("HH:MM" and ":SS" or nothing), filled up front:
        # small enough to stay in the CPU caches, and complete, so no rare second misses. Both
        # "HH:MM:SS" and "HH:MM" after a date part are shapes the parser reads, with these values.
        self.minutes = {f"{h:02d}:{m:02d}": (h * 3600 + m * 60) * 1_000_000
                        for h in range(24) for m in range(60)}
        self.seconds = {f":{s:02d}": s * 1_000_000 for s in range(60)}
        self.seconds[""] = 0

    def __call__(self, text: str) -> int | None:
        """The moment, or ``None`` when the cell is not a plain full moment."""
        day = self.days.get(text[:11])
        if day is not None:
            hm = self.minutes.get(text[11:16])
            if hm is not None:
                sec = self.seconds.get(text[16:])
                if sec is not None:
                    return day + hm + sec
        return self.learn(text)

    def learn(self, text: str) -> int | None:
        try:
            value = v.parse_moment(text)
        except ValueError:
            return None
        if type(value) is not datetime or value.tzinfo is not None or value.microsecond:
            return None
        n = len(text)
        if text[2:3] == "/":
            canonical = f"{value:%d/%m/%Y %H:%M:%S}" if n == 19 else f"{value:%d/%m/%Y %H:%M}"
        elif text[4:5] == "-" and n in (16, 19):
            spec = "%Y-%m-%d" + text[10] + ("%H:%M:%S" if n == 19 else "%H:%M")
            canonical = value.strftime(spec)
        else:
            return None
        if canonical != text or len(self.days) > 100_000:
            return None
        self.days[text[:11]] = value.toordinal() * DAY_US
        return to_us(value)


class IdClaims:
    """Which ids were seen, in 4 bytes a slot: open-addressing tables of 32-bit fingerprints of
    the ids' 64-bit hashes. ``claim`` answers "new" exactly; "seen" may be a fingerprint
    collision, which the caller settles exactly (:func:`tally_dossier_csv` re-reads the ids)."""

    __slots__ = ("_full", "_older", "_size", "_table", "count")

    def __init__(self, expected: int) -> None:
        self._older: list[tuple[array[int], int]] = []
        self._new_table(max(1024, expected * 5 // 4))  # 80 % full as expected

    def _new_table(self, size: int) -> None:
        self._table = array("I", bytes(4 * size))
        self._size = size
        self._full = size * 9 // 10
        self.count = 0

    def claim(self, h: int) -> bool:
        """Record the id with hash ``h``; ``False`` when its fingerprint was already there."""
        fp = (h >> 32) & 0xFFFFFFFF or 1
        for table, size in self._older:
            # Fingerprints do not hold the slot, so a full table is kept as it is and a new,
            # larger one takes the new ids (rare: the first is sized from the file).
            i = h % size
            while True:
                slot = table[i]
                if slot == 0:
                    break
                if slot == fp:
                    return False
                i += 1
                if i == size:
                    i = 0
        table = self._table
        size = self._size
        i = h % size
        while True:
            slot = table[i]
            if slot == 0:
                table[i] = fp
                self.count += 1
                if self.count >= self._full:
                    self._older.append((table, size))
                    self._new_table(size * 2)
                return True
            if slot == fp:
                return False
            i += 1
            if i == size:
                i = 0


class SupplementIndex(Mapping[str, tuple[SupplementRequest, ...]]):
    """Supplement requests by dossier id, in parallel arrays (about 25 bytes a request).

    ``slots`` is an open-addressing table of request positions + 1 keyed by the id's hash; the
    requests of one dossier are chained through ``nxt`` in file order. Moments are seconds from
    :data:`SECONDS_BASE` (:data:`ASIDE`: the exact microseconds are in ``aside``, keyed by
    ``2 * position`` for the request and ``2 * position + 1`` for the answer). Lines are not
    kept one a request: from position ``line_from[i]`` on, a request's line is its position
    plus ``line_shift[i]`` (a step at each row not taken). Also a ``Mapping`` of id →
    ``SupplementRequest`` tuple, which is what the general reader attaches to a dossier.
    """

    def __init__(self, expected: int = 0) -> None:
        self.hashes = array("q")
        self.crcs = array("I")
        self.requested = array("i")
        self.supplied = array("i")  # NOT_SUPPLIED: no answer
        self.aside: dict[int, int] = {}
        self.line_from = array("q")
        self.line_shift = array("q")
        self.nxt = array("i")  # next request of the same dossier, -1 at the end
        self.used = bytearray()
        size = 1024
        while size < 2 * expected:  # sized from the file: no rehash, no second table at once
            size <<= 1
        self._slots = array("i", bytes(4 * size))
        self._size = size

    def add(self, dossier_id: str, requested: int, supplied: int | None, line: int) -> None:
        h = hash(dossier_id)
        crc = zlib.crc32(dossier_id.encode("utf-8", "surrogatepass"))
        k = len(self.hashes)
        self.hashes.append(h)
        self.crcs.append(crc)
        self.requested.append(self._seconds(requested, 2 * k))
        self.supplied.append(NOT_SUPPLIED if supplied is None
                             else self._seconds(supplied, 2 * k + 1))
        if not self.line_shift or self.line_shift[-1] != line - k:
            self.line_from.append(k)
            self.line_shift.append(line - k)
        self.nxt.append(-1)
        self.used.append(0)
        first = self._find(h, crc)
        if first < 0:
            self._insert(h, k)
        else:
            j = first
            while self.nxt[j] >= 0:
                j = self.nxt[j]
            self.nxt[j] = k

    def add_many(self, dossier_ids: Sequence[str], requested: Sequence[int],
                 supplied: Sequence[int | None], first_line: int) -> None:
        """:meth:`add` for requests on consecutive lines from ``first_line``, in one loop (the
        columnar engine's plain batches): the same arrays, chains and slots."""
        hashes, crcs, nxt, used = self.hashes, self.crcs, self.nxt, self.used
        req_out, sup_out = self.requested, self.supplied
        k = len(hashes)
        if not self.line_shift or self.line_shift[-1] != first_line - k:
            self.line_from.append(k)
            self.line_shift.append(first_line - k)
        base, aside, crc32 = SECONDS_BASE, ASIDE, zlib.crc32
        for dossier_id, req, sup in zip(dossier_ids, requested, supplied, strict=True):
            h = hash(dossier_id)
            crc = crc32(dossier_id.encode("utf-8", "surrogatepass"))
            hashes.append(h)
            crcs.append(crc)
            seconds, fraction = divmod(req - base, 1_000_000)
            req_out.append(seconds if not fraction and aside < seconds < 1 << 31
                           else self._seconds(req, 2 * k))
            if sup is None:
                sup_out.append(NOT_SUPPLIED)
            else:
                seconds, fraction = divmod(sup - base, 1_000_000)
                sup_out.append(seconds if not fraction and aside < seconds < 1 << 31
                               else self._seconds(sup, 2 * k + 1))
            nxt.append(-1)
            used.append(0)
            first = self._probe(h, crc, h % self._size)
            if first < 0:
                self._insert(h, k)
            else:
                j = first
                while nxt[j] >= 0:
                    j = nxt[j]
                nxt[j] = k
            k += 1

    def _seconds(self, us: int, key: int) -> int:
        seconds, fraction = divmod(us - SECONDS_BASE, 1_000_000)
        if fraction or not ASIDE < seconds < 1 << 31:
            self.aside[key] = us
            return ASIDE
        return seconds

    def requested_us(self, k: int) -> int:
        """When request ``k`` was made, in microseconds."""
        seconds = self.requested[k]
        return self.aside[2 * k] if seconds == ASIDE else SECONDS_BASE + seconds * 1_000_000

    def supplied_us(self, k: int) -> int:
        """When request ``k`` was answered, in microseconds (-1: not answered)."""
        seconds = self.supplied[k]
        if seconds == NOT_SUPPLIED:
            return -1
        return self.aside[2 * k + 1] if seconds == ASIDE else SECONDS_BASE + seconds * 1_000_000

    def line(self, k: int) -> int:
        """The line of request ``k`` in its file."""
        return k + self.line_shift[bisect.bisect_right(self.line_from, k) - 1]

    def _insert(self, h: int, k: int) -> None:
        if (len(self.hashes) + 1) * 2 > len(self._slots):
            self._rehash()
        slots, size = self._slots, self._size
        i = h % size
        while slots[i]:
            i = (i + 1) % size
        slots[i] = k + 1

    def _rehash(self) -> None:
        size = len(self._slots) * 2
        slots = array("i", bytes(4 * size))
        for k1 in self._slots:
            if k1:
                i = self.hashes[k1 - 1] % size
                while slots[i]:
                    i = (i + 1) % size
                slots[i] = k1
        self._slots, self._size = slots, size

    def _find(self, h: int, crc: int) -> int:
        """Position of the first request of the dossier, or -1."""
        return self._probe(h, crc, h % self._size)

    def _probe(self, h: int, crc: int, i: int) -> int:
        """:meth:`_find` from slot ``i`` on (the slots before it were not the dossier's)."""
        slots, size, hashes = self._slots, self._size, self.hashes
        while True:
            k1 = slots[i]
            if not k1:
                return -1
            if hashes[k1 - 1] == h and self.crcs[k1 - 1] == crc:
                return k1 - 1
            i = (i + 1) % size

    def may_have_requests(self, hashes: Sequence[int], wanted: Sequence[bool]) -> list[int]:
        """The positions ``i`` with ``wanted[i]`` whose dossier id (hash ``hashes[i]``) may
        have requests: its first slot is taken. A quick filter for a batch; :meth:`first`
        settles each one."""
        slots, size = self._slots, self._size
        return [i for i, (h, w) in enumerate(zip(hashes, wanted, strict=True))
                if w and slots[h % size]]

    def first(self, dossier_id: str, h: int) -> int:
        """Position of the first request of ``dossier_id`` (hash ``h``), or -1: one look-up in
        the slot table for the (usual) dossier without requests."""
        if not self._slots[h % self._size]:
            return -1
        return self._find(h, zlib.crc32(dossier_id.encode("utf-8", "surrogatepass")))

    def chain(self, k: int) -> list[int]:
        out = []
        while k >= 0:
            out.append(k)
            k = self.nxt[k]
        return out

    def requests(self, k: int) -> tuple[SupplementRequest, ...]:
        return tuple(SupplementRequest(from_us(self.requested_us(j)),
                                       None if (us := self.supplied_us(j)) < 0 else from_us(us))
                     for j in self.chain(k))

    # -- Mapping, for the general reader ---------------------------------------------------------

    def __getitem__(self, dossier_id: str) -> tuple[SupplementRequest, ...]:
        k = self.first(dossier_id, hash(dossier_id))
        if k < 0:
            raise KeyError(dossier_id)
        return self.requests(k)

    def get(self, dossier_id: str, default: Any = None) -> Any:
        """The requests of ``dossier_id``, or ``default``: without the ``KeyError`` that
        ``Mapping.get`` would raise and catch for every dossier without requests (the general
        reader asks for each dossier it reads)."""
        if not isinstance(dossier_id, str):
            return default
        k = self.first(dossier_id, hash(dossier_id))
        return default if k < 0 else self.requests(k)

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a SupplementIndex is looked up by id, not iterated")

    def __len__(self) -> int:
        return len(self.hashes)

    def mark_used(self, k: int) -> None:
        for j in self.chain(k):
            self.used[j] = 1

    def taken(self, dossier_id: str) -> bool:
        """Whether a dossier read with this index took the requests of ``dossier_id`` (a
        dossier takes all its requests or none)."""
        k = self.first(dossier_id, hash(dossier_id))
        return k >= 0 and bool(self.used[k])

    def __reduce__(self) -> Any:
        raise TypeError("a SupplementIndex keys its requests by the ids' hashes, which differ "
                        "from one process to another: build it (SupplementIndex.of) in the "
                        "process that reads with it")

    @classmethod
    def of(cls, requests: Mapping[str, Sequence[SupplementRequest]]) -> SupplementIndex:
        """The index of requests already read (each dossier's in file order): what the
        dossier readers of :mod:`chiso766.streaming` take; a request's "line" is its
        position (the file's lines are not known here). A
        :class:`~chiso766.errors.PolicyError` for anything but a mapping of dossier id to
        requests."""
        where = "SupplementIndex.of"
        if not isinstance(requests, Mapping):
            raise PolicyError("must be a mapping of dossier id to its supplement requests",
                              record=where, field="requests", value=requests)
        for dossier_id, taken in requests.items():
            if not isinstance(dossier_id, str) or isinstance(taken, (str, bytes)) \
                    or not isinstance(taken, Sequence) \
                    or not all(isinstance(r, SupplementRequest) for r in taken):
                raise PolicyError("must map each dossier id (text) to a sequence of "
                                  "SupplementRequest", record=where, field="requests",
                                  value=dossier_id)
        index = cls(sum(map(len, requests.values())))
        for dossier_id, taken in requests.items():
            for request in taken:
                supplied = request.supplied_at
                index.add(dossier_id, to_us(request.requested_at),
                          None if supplied is None else to_us(supplied), len(index))
        return index


# ---------------------------------------------------------------------------------------------
# plain rows of the small files


def _plain_rows(reader: RecordReader, path: Path, progress: Callable[[int], None] | None = None,
                ) -> Generator[tuple[int, Any, list[int] | None], None, None]:
    """Rows of a CSV file as ``(line, row, index)`` where ``index`` gives each field's column
    (``None`` when the row is not plain and was built by the general path: ``row`` is then the
    record). Rejections, blank rows and CSV errors are handled here, as ``_iter_csv`` does."""
    bad: set[int] = set()
    tick = Ticker(progress)
    try:
        with path.open("rb") as f:
            lines = itertools.chain.from_iterable(decoded_blocks(f, reader.file, bad))
            head = csv_header(reader, lines, bad)
            if head is None:
                return
            layout = FileLayout(reader, head)
            yield from row_items(reader, layout, lines, layout.header_no, bad, tick)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        reader.read += tick.read
        reader.close()


class Ticker:
    """Rows read so far, with the progress callback every :data:`_PROGRESS_EVERY` rows."""

    __slots__ = ("progress", "read")

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress = progress
        self.read = 0

    def add(self, rows: int) -> None:
        before = self.read
        self.read += rows
        if self.progress is not None and \
                self.read // _PROGRESS_EVERY != before // _PROGRESS_EVERY:
            self.progress(self.read - self.read % _PROGRESS_EVERY)


class FileLayout:
    """A CSV file's header resolved: delimiter, plan, column count, and each field's column."""

    def __init__(self, reader: RecordReader, head: tuple[int, str, Any, int]) -> None:
        self.header_no, self.delimiter, self.plan, self.ncols = head
        self.single = all(len(found) == 1 for found in self.plan.columns.values())
        self.index = [self.ncols] * len(reader.kind.fields)
        for n, fs in enumerate(reader.kind.fields):
            found = self.plan.columns.get(fs.name)
            if found:
                self.index[n] = found[0][0]


def row_items(reader: RecordReader, layout: FileLayout, lines: Iterator[str], base: int,
               bad: set[int], tick: Ticker) -> Iterator[tuple[int, Any, list[int] | None]]:
    """The rows of ``lines`` (whose first is line ``base + 1``) as :func:`_plain_rows` yields
    them."""
    ncols, delimiter, plan, index = layout.ncols, layout.delimiter, layout.plan, layout.index
    single = layout.single
    for start, last, row in numbered_rows(csv.reader(lines, delimiter=delimiter), base):
        if type(row) is not list:  # a csv.Error
            tick.add(1)
            reader.reject(start, None, "", f"unreadable CSV row: {row}")
            continue
        if not row:
            continue
        tick.add(1)
        if single and len(row) == ncols and not bad:
            yield start, row, index
            continue
        record = slow_csv_row(reader, plan, row, ncols, start, last, bad, delimiter)
        if record is BLANK:
            tick.read -= 1
            reader.blank += 1
        elif record is not None:
            yield start, record, None


def _rebuild(reader: RecordReader, row: list[str], index: list[int], line: int) -> Any:
    """The general path for a plain-looking row the row path could not take."""
    cells = {fs.name: [(reader.columns.get(fs.name, fs.name), row[i])]
             for fs, i in zip(reader.kind.fields, index, strict=True) if i < len(row)}
    if not any(cell.strip() for cell in row):
        return BLANK
    return reader.build(cells, line)


def read_supplement_index(path: Path, builder: ReportBuilder, strict: bool,
                          moments: MomentCells) -> SupplementIndex:
    """Read a supplements file (docs/inputs.md) into a :class:`SupplementIndex`."""
    reader = RecordReader(RECORD_KINDS["supplements"], path.name, builder, strict, None, None, None)
    index = SupplementIndex(expected_rows(path))
    take = supplement_rows(reader, moments, index.add)
    for item in _plain_rows(reader, path):
        take(*item)
    return index


def supplement_rows(reader: RecordReader, moments: MomentCells,
                    add: Callable[[str, int, int | None, int], None],
                    ) -> Callable[[int, Any, list[int] | None], None]:
    """What the row path does with one row of a supplements file, as :func:`_plain_rows`
    yields it: ``add(dossier_id, requested, supplied, line)`` for a request (microseconds;
    ``None``: not supplied), the reader's rejection otherwise."""
    pos = {fs.name: n for n, fs in enumerate(reader.kind.fields)}

    def take(line: int, row: Any, cols: list[int] | None) -> None:
        if cols is not None:
            ident = row[cols[pos["dossier_id"]]].strip()
            req_text = row[cols[pos["requested_at"]]] if cols[pos["requested_at"]] < len(row) \
                else ""
            sup_i = cols[pos["supplied_at"]]
            sup_text = row[sup_i] if sup_i < len(row) else ""
            req = moments(req_text) if req_text else None
            sup = moments(sup_text) if sup_text else None
            if ident and len(ident) <= v.MAX_ID_LENGTH and req is not None and (
                    not sup_text or (sup is not None and sup >= req)):
                add(ident, req, sup, line)
                return
            record = _rebuild(reader, row, cols, line)
            if record is None or record is BLANK:
                if record is BLANK:
                    reader.read -= 1
                    reader.blank += 1
                return
        else:
            record = row
        assert isinstance(record, SupplementRow)
        req_m = record.request.requested_at
        sup_m = record.request.supplied_at
        add(record.dossier_id, to_us(req_m), None if sup_m is None else to_us(sup_m), line)

    return take


class RatingRule(Protocol):
    """Which ratings' dossiers a reader of a ratings file picks, for a rating and in columns:
    5.4's dislikes at the evaluation moment (:class:`chiso766.population.DislikeRule`), or a
    dossier stream's undated ratings. The readers apply it and decide nothing themselves."""

    def __call__(self, rating: RatingValue | None, rated_at: datetime | None) -> bool: ...

    def columns(self) -> pl.Expr: ...


def complained_from_ratings(path: Path, builder: ReportBuilder, strict: bool,
                            unit_ids: Container[str] | None, rule: RatingRule,
                            moments: MomentCells, into: set[str]) -> None:
    """Read a ratings file (docs/inputs.md) for what the index needs of it: the dossiers of the
    ratings ``rule`` picks (criterion 5.4's dislikes), added to ``into``. Every row is
    accepted or rejected as by :func:`~chiso766.io.readers.iter_records`."""
    reader = RecordReader(RECORD_KINDS["ratings"], path.name, builder, strict, None, unit_ids, None)
    take = rating_rows(reader, unit_ids, rule, moments, into)
    for item in _plain_rows(reader, path):
        take(*item)


def rating_rows(reader: RecordReader, unit_ids: Container[str] | None, rule: RatingRule,
                moments: MomentCells, into: set[str],
                ) -> Callable[[int, Any, list[int] | None], None]:
    """What the row path does with one row of a ratings file, as :func:`_plain_rows` yields
    it: the rating's dossier added to ``into`` when ``rule`` picks it (criterion 5.4), the
    reader's rejection when the row is bad."""
    kind = reader.kind
    pos = {fs.name: n for n, fs in enumerate(kind.fields)}
    table = fast_table(kind.fields[pos["rating"]]) or {}

    def take(line: int, row: Any, cols: list[int] | None) -> None:
        if cols is not None:
            unit = row[cols[pos["unit_id"]]]
            rating = table.get(row[cols[pos["rating"]]])
            rated_i = cols[pos["rated_at"]]
            rated_text = row[rated_i] if rated_i < len(row) else ""
            rated = moments(rated_text) if rated_text else None
            ident_i = cols[pos["dossier_id"]]
            ident = row[ident_i].strip() if ident_i < len(row) else ""
            if (rating is not None and unit and unit.strip() is unit
                    and len(unit) <= v.MAX_ID_LENGTH and len(ident) <= v.MAX_ID_LENGTH
                    and (unit_ids is None or unit in unit_ids)
                    and (not rated_text or rated is not None)):
                if ident and rule(rating, None if rated is None else from_us(rated)):
                    into.add(ident)
                return
            record = _rebuild(reader, row, cols, line)
            if record is None or record is BLANK:
                if record is BLANK:
                    reader.read -= 1
                    reader.blank += 1
                return
            if not reader.accept(record, line):
                return
        else:
            record = row
            if not reader.accept(record, line):
                return
        if record.dossier_id is not None and rule(record.rating, record.rated_at):
            into.add(record.dossier_id)

    return take


# ---------------------------------------------------------------------------------------------
# dossiers


class Claims(dict[Any, int]):
    """The general reader's duplicate check, routed to :class:`IdClaims`: a row the general
    path rejects still claims its id (as ``RecordReader._remember`` does). Never reports a duplicate
    itself: the row path claims each id before a row is counted and settles collisions."""

    def __init__(self, claim: Callable[[int], object]) -> None:
        super().__init__()
        self.claim = claim
        self.skip = False

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if not self.skip and isinstance(key, str):
            self.claim(hash(key))
        return default


class _FirstLines(dict[Any, int]):
    """The second pass's record of the first line claiming each wanted id (by its hash)."""

    def __init__(self, wanted: Container[int]) -> None:
        super().__init__()
        self.wanted = wanted

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if hash(key) in self.wanted:
            return super().setdefault(key, default)
        return default


class DossierCounter(Protocol):
    """What the accepted dossiers are handed to (:class:`chiso766.tally.Tally`, which counts
    them by the rules): this module reads them and decides nothing about how they count."""

    def add_dossier(self, dossier: Dossier, /) -> None: ...


def tally_dossier_csv(
    path: Path,
    tally: DossierCounter,
    builder: ReportBuilder,
    *,
    strict: bool,
    procedures: Mapping[str, Any] | None,
    unit_ids: Container[str] | None,
    supplements: SupplementIndex,
    progress: Callable[[int], None] | None = None,
    also: Callable[[Dossier], None] | None = None,
    frames: object = None,
    counts: object = None,
) -> int:
    """Count every row of a dossiers CSV file into ``tally`` (docs/inputs.md checks; docs/rules.md
    counting); the latest receipt of the accepted rows, in microseconds (-1: none accepted).

    The same rows are accepted and rejected, with the same messages, as
    :func:`~chiso766.io.readers.iter_records` with ``procedures``, ``unit_ids`` and
    ``supplements``; the accepted ones are counted by ``tally.add_dossier`` (and shown to
    ``also``, when given; ``frames`` and ``counts`` are the engine's way of showing and
    counting them, unused here: every record goes to ``also``).
    """
    records = DossierRows(path, builder, strict=strict, procedures=procedures,
                          unit_ids=unit_ids, supplements=supplements, progress=progress)
    add = tally.add_dossier
    for record in records:
        add(record)
        if also is not None:
            also(record)
    return records.latest


class DossierRows:
    """The accepted dossiers of a dossiers CSV file, as records, one at a time, in memory that
    does not grow with them: what :func:`~chiso766.io.readers.iter_records` yields with
    ``procedures``, ``unit_ids`` and ``supplements`` (the same records, rejections and
    messages), but the duplicate-id check keeps 4-byte fingerprints (:class:`IdClaims`) instead
    of every id. A row whose fingerprint was seen before is held and settled exactly after the
    last row by a second pass over the file (a duplicate is rejected, naming the line that
    first had its id); so a row held by a mere fingerprint collision — about one in a billion
    rows — comes after the others instead of in file order. The rejections are put back in
    line order at the end. Iterated once; :attr:`latest` is the latest receipt of the records
    yielded (microseconds, -1: none)."""

    def __init__(self, path: Path, builder: ReportBuilder, *, strict: bool,
                 procedures: Mapping[str, Any] | None, unit_ids: Container[str] | None,
                 supplements: SupplementIndex,
                 progress: Callable[[int], None] | None = None) -> None:
        self.path = path
        self.builder = builder
        self.strict = strict
        self.progress = progress
        self.reader = RecordReader(RECORD_KINDS["dossiers"], path.name, builder, strict, procedures,
                              unit_ids, supplements)
        self.supplements = supplements
        self.latest = -1

    def __iter__(self) -> Iterator[Dossier]:
        path, reader, strict = self.path, self.reader, self.strict
        claims = IdClaims(expected_rows(path))
        adapter = reader.seen = Claims(claims.claim)
        pos = {fs.name: n for n, fs in enumerate(reader.kind.fields)}
        held = Held()
        out: list[Dossier] = []
        sups = self.supplements
        run = RowPath(reader, adapter, out.append, sups)
        claim = claims.claim
        id_at = -1
        procedures, unit_ids = reader.procedures, reader.unit_ids
        any_sups = len(sups) > 0
        latest: datetime | None = None  # of the records taken inline below
        try:
            for batch in batches(_plain_rows(reader, path, self.progress), PLAIN_BATCH):
                # The plain rows of the batch read at once, None for a row the plain reader
                # does not vouch for.
                # (Every plain row of a file has the same columns.)
                plain_rows = [row for _, row, cols in batch if cols is not None]
                # Reversed and popped, so a dossier handed on is held by nothing here.
                plain = run.plain_rows(
                    plain_rows, next(c for _, _, c in batch if c is not None)
                ) if plain_rows else []
                plain.reverse()
                for line, row, cols in batch:
                    if cols is None:  # built by the general path (an unusual row)
                        ident = row.id
                        record = None
                    else:
                        record = plain.pop()
                        if id_at < 0:
                            id_at = cols[pos["id"]]
                        ident = row[id_at].strip()
                        if not ident:
                            run.rebuild(row, cols, line, claimed=False, plain=record)
                            if out:
                                yield out.pop()
                            continue
                    h = hash(ident)
                    if not claim(h):
                        held.add(line, h)
                        continue
                    # The common case inline, as iter_records reads a row: the plain reader,
                    # then the reference checks of RecordReader.accept; anything else (a bad
                    # cell, an unknown unit or procedure) through RowPath, which names it.
                    if record is not None and (
                            procedures is None or record.procedure_code in procedures) and (
                            unit_ids is None or record.unit_id in unit_ids):
                        if any_sups:
                            k = sups.first(ident, h)
                            if k >= 0:
                                sups.mark_used(k)
                        if latest is None or record.receipt > latest:
                            latest = record.receipt
                        yield record
                        continue
                    run.one(line, row, cols, plain=record)
                    if out:
                        yield out.pop()
        except InputError:
            # Strict mode stops at the first bad row in file order: a held row before this
            # one may be a duplicate, named first (docs/inputs.md).
            if strict and held:
                settle_held(path, reader, held, run, pos)
            raise
        finally:
            self.latest = max(run.latest, -1 if latest is None else to_us(latest))
        if held:
            settle_held(path, reader, held, run, pos)
            self.latest = max(self.latest, run.latest)
            yield from out
        self.builder.rejections[:] = in_line_order(self.builder.rejections, path.name)


class RowPath:
    """The rows whose id is claimed (or that have none): each built by the general reader into
    a validated record (rejected there with its reason) and the accepted ones handed to ``add``
    — the tally, which counts them by the rules of docs/rules.md in their one home
    (:mod:`chiso766.population`). Nothing here decides how a dossier counts."""

    def __init__(self, reader: RecordReader, adapter: Claims, add: Callable[[Dossier], object],
                 supplements: SupplementIndex) -> None:
        self.reader = reader
        self.adapter = adapter
        self.add = add
        self.supplements = supplements
        #: The reader of this file's plain rows (read_folder's own), made at the first plain
        #: row; ``False`` when the header has none.
        self.plain_reader: PlainRows | Literal[False] | None = None
        #: The latest receipt (microseconds) of the records accepted so far, -1 before any:
        #: the default period of a run that names none (:func:`~chiso766.streaming.score_folder`).
        self.latest = -1

    def one(self, line: int, row: Any, cols: list[int] | None, *, plain: Any = UNREAD) -> None:
        """A row whose id was claimed: ``cols`` ``None`` when ``row`` is already the record;
        ``plain``: the plain reader's answer for the row, when already asked."""
        if cols is None:
            self.feed(row, line)
        else:
            self.rebuild(row, cols, line, claimed=True, plain=plain)

    def plain_rows(self, rows: Sequence[list[str]], cols: list[int]) -> list[Any]:
        """The plain reader's records of plain rows of this file (:meth:`PlainRows.csv_rows`:
        ``None`` for a row it does not vouch for)."""
        if not rows:
            return []
        reader = self.plain_reader
        if reader is None:
            reader = self.plain_reader = plain_reader(self.reader, {
                fs.name: [(i, self.reader.columns.get(fs.name, fs.name))]
                for fs, i in zip(self.reader.kind.fields, cols, strict=True) if i < len(rows[0])
            }) or False
        if reader is False:
            return [None] * len(rows)
        return reader.csv_rows(rows)

    def _build(self, row: list[str], cols: list[int], line: int, plain: Any = UNREAD) -> Any:
        """The row as a record, as iter_records reads it: the plain reader's (``plain``, when
        already asked), or else the general reader's, which names the bad cell (None:
        rejected)."""
        if plain is UNREAD:
            plain = self.plain_rows([row], cols)[0]
        if plain is not None:
            return plain
        return _rebuild(self.reader, row, cols, line)

    def record(self, row: list[str], cols: list[int], line: int, *,
               plain: Any = UNREAD) -> Dossier:
        """A row the columnar engine has vouched for (and counted), as a record: read as
        :meth:`rebuild` reads it, its id not claimed again."""
        self.adapter.skip = True
        try:
            record = self._build(row, cols, line, plain)
        finally:
            self.adapter.skip = False
        if not isinstance(record, Dossier):
            raise AssertionError(f"line {line}: a vouched row did not read as a record")
        return record

    def rebuild(self, row: list[str], cols: list[int], line: int, *, claimed: bool,
                plain: Any = UNREAD) -> None:
        self.adapter.skip = claimed
        try:
            record = self._build(row, cols, line, plain)
            if record is BLANK:
                self.reader.read -= 1
                self.reader.blank += 1
            elif record is not None:
                self.feed(record, line)
        finally:
            self.adapter.skip = False

    def feed(self, record: Any, line: int) -> None:
        skip, self.adapter.skip = self.adapter.skip, True
        try:
            if not self.reader.accept(record, line):
                return
        finally:
            self.adapter.skip = skip
        sups = self.supplements
        k = sups.first(record.id, hash(record.id)) if len(sups) else -1
        if k >= 0:
            sups.mark_used(k)
        self.latest = max(self.latest, to_us(record.receipt))
        self.add(record)


def expected_rows(path: Path) -> int:
    """Rows to size the id table for: the file size over the mean length of its first lines."""
    with path.open("rb") as f:
        head = f.read(1 << 20)
    lines = head.count(b"\n")
    if lines < 2:
        return 1024
    return max(1024, path.stat().st_size * lines // len(head) + 1)


def in_line_order(rejections: list[Rejection], file: str) -> list[Rejection]:
    """This file's rejections in line order (a held row is settled after the pass), the
    others where they were."""
    mine = sorted((r for r in rejections if r.file == file), key=lambda r: r.line)
    it = iter(mine)
    return [next(it) if r.file == file else r for r in rejections]


class Held:
    """Rows whose id's fingerprint was seen before, to be settled by :func:`settle_held`: only their
    line numbers (8 bytes a row) and the distinct hashes of their ids are kept, never the rows,
    so that a file of many copies of one id needs memory for its line numbers only (the rows
    are read again)."""

    __slots__ = ("hashes", "lines")

    def __init__(self) -> None:
        self.lines = array("q")
        self.hashes: set[int] = set()

    def add(self, line: int, h: int) -> None:
        self.lines.append(line)
        self.hashes.add(h)

    def __len__(self) -> int:
        return len(self.lines)


def settle_held(path: Path, reader: RecordReader, held: Held, run: RowPath,
                pos: Mapping[str, int]) -> None:
    """Decide the held rows exactly: a second pass finds the first line that claimed each of
    their ids; a row that is not that line is a duplicate (docs/inputs.md), the others are counted.
    The held rows are taken again from that pass, in line order, which ends at the last one."""
    lines = held.lines
    if any(lines[k] >= lines[k + 1] for k in range(len(lines) - 1)):
        lines = array("q", sorted(set(lines)))
    # The same records as the first pass (with their supplement requests); its own report.
    shadow = RecordReader(reader.kind, reader.file, ReportBuilder(), False, None, None,
                     reader.supplements)
    first = shadow.seen = _FirstLines(held.hashes)
    todo = iter(lines)
    wanted = next(todo, None)
    rows = _plain_rows(shadow, path)
    try:
        for line, row, cols in rows:
            if wanted is None:
                break
            ident = row.id if cols is None else row[cols[pos["id"]]].strip()
            if ident:
                first.setdefault(ident, line)
            if line != wanted:
                continue
            wanted = next(todo, None)
            _settle_one(reader, run, first, line, ident, row, cols)
    finally:
        rows.close()


def _settle_one(reader: RecordReader, run: RowPath, first: Mapping[str, int], line: int, ident: str,
                row: Any, cols: list[int] | None) -> None:
    if first.get(ident, line) == line:
        run.one(line, row, cols)
        return
    # A row the general path cannot build is rejected for that cell, as iter_records does
    # (its duplicate check comes after building); the others as duplicates.
    record = row
    if cols is not None:
        run.adapter.skip = True
        try:
            record = _rebuild(reader, row, cols, line)
        finally:
            run.adapter.skip = False
    if record is BLANK:
        reader.read -= 1
        reader.blank += 1
    elif record is not None:
        reader.reject(line, "id", ident,
                      f"duplicate dossier id '{ident}': first seen on line {first[ident]}",
                      ident)
