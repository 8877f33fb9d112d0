"""The columnar engine's reader: a dossiers CSV file read a batch of whole lines at a time with
polars into typed columns, the rows it can vouch for handed to a counter (the streaming score
gives :class:`chiso766.frame_counts.FrameCounts`, the columnar form of the counting rules); the
supplement requests and ratings read the same way (:func:`read_supplement_columns`,
:func:`complained_from_rating_columns`). It decides nothing about how a dossier counts.

Used by :func:`chiso766.streaming.score_folder` when polars is installed (the ``fast`` extra);
without it the row path (:mod:`chiso766.io.rowpath`) reads every row into a record. Both
accept and reject the same rows with the same messages and give the same counts — the test
suite checks it on generated files, cut into batches of a few lines as well as of megabytes.

What the reader does with a batch (:data:`BATCH_BYTES` of whole lines):

* every cell is read as text (polars, one row a line; the lines with a quote are split by
  the csv module, as the row path splits them: a quoted cell that goes on past its line, an
  odd line break or a byte that is not UTF-8 sends the rest of the file to the row path, a
  blank or ragged line sends its batch; the header is resolved by the record reader, national
  aliases included (:mod:`chiso766.io.columns`));
* the cells are parsed with the spellings the record reader accepts: moments in the shapes
  ``dd/MM/yyyy HH:mm[:ss]`` and ``yyyy-MM-dd[ T]HH:mm[:ss]`` (each shape met in a sample of
  the column's cells), words and flags by the exact spellings of the general converters
  (:mod:`chiso766.io.values`), unit and procedure cells that name a known unit or procedure;
  cells padded with white space are stripped first, as the record reader strips them, in a
  batch with a quoted cell padded so and in every batch once a batch has left many padded
  rows to the row path (:data:`_PADDED_ROWS`);
* ids are claimed in line order, a batch at a time (:class:`_BatchClaims`, which the rows the
  row path reads claim in too: the first of two equal ids wins, later ones are rejected — a
  hash seen before is settled exactly by the row path's second pass), and the supplement
  requests of the batch's dossiers are found by one join on the requests read with polars
  (else in the index, a dossier at a time);
* the rows it can vouch for go to the counter as typed columns with their requests; every
  other row — an odd cell, a moment before the receipt, requests out of order, a padded
  cell in a batch not stripped, an id whose fingerprint was seen before, a 2.2 span the counter's
  calendar table does not cover… — goes with its line number to the row path, which builds
  its record (or names the bad cell) for the tally, so that accepted + rejected = read with
  the same messages.

polars is imported when a file is counted, never at import time.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from ..errors import InputError
from ..records import AFTER_RECEIPT, Channel, Dossier
from . import values as v
from .readers import (
    RECORD_KINDS,
    RecordReader,
    ReportBuilder,
    csv_header,
    decode_block,
    decoded_blocks,
    fast_table,
    nul_bytes,
)
from .rowpath import (
    Claims,
    DossierCounter,
    FileLayout,
    Held,
    MomentCells,
    RatingRule,
    RowPath,
    SupplementIndex,
    Ticker,
    complained_from_ratings,
    expected_rows,
    in_line_order,
    rating_rows,
    read_supplement_index,
    row_items,
    settle_held,
    supplement_rows,
    tally_dossier_csv,
    to_us,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["BATCH_BYTES", "EngineCounter", "complained_from_rating_columns",
           "read_supplement_columns", "tally_dossier_columns"]

#: Bytes of whole lines read per batch (about 35 000 rows of a national export). Tests make it
#: small to force many batches.
BATCH_BYTES = 8 << 20
#: Bytes that make a batch not "one row a line" for the CSV reader: the line breaks of
#: str.splitlines other than "\n", and the unit separator the engine joins flag cells with. (A
#: quote does not: the lines with one are split by the csv module, :func:`_quoted_rows`.)
_AWKWARD = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
#: Supplement requests up to which a batch finds its dossiers' requests by a join on a frame
#: of them (past it, in the index a dossier at a time: the frame and the join's table, built
#: for every batch, would cost more than they save).
_JOIN_REQUESTS = 500_000

_FLAG_FIELDS = ("channel", "synced_to_portal", "has_electronic_result", "paid_online",
                "has_fee_data", "components_digitized", "reuses_digitized_data",
                "uses_personal_data_store", "uses_population_data")
_MOMENT_FIELDS = ("received_at", "submitted_at", "due_at", "finished_at", "returned_at",
                  "stopped_at", "new_due_at")
_PICKED = ("id", "procedure_code", "unit_id", *_MOMENT_FIELDS, "result_code", "result_file",
           *_FLAG_FIELDS)
#: Distinct flag cells (and unread cells) whose meaning is remembered (memory).
_FLAG_MEMO_LIMIT = 50_000
#: Longest cell kept in those memos (a long junk cell is decided each time it is seen: memory).
_MEMO_CELL = 64
#: The row path's microseconds (from 0001-01-01) of polars' epoch.
_EPOCH_US = to_us(datetime(1970, 1, 1))
#: The moment shapes the row path reads as they are (:class:`~.rowpath.MomentCells`): each
#: cell must match the pattern, the digits in the ranges the general parser accepts (years
#: 1900–2199), and be a real date for polars to parse.
_HM = r"([01]\d|2[0-3]):[0-5]\d"
_YEAR = r"(19|20|21)\d\d"
_SHAPES = (
    (rf"^\d\d/\d\d/{_YEAR} {_HM}:[0-5]\d$", "%d/%m/%Y %H:%M:%S"),
    (rf"^\d\d/\d\d/{_YEAR} {_HM}$", "%d/%m/%Y %H:%M"),
    (rf"^{_YEAR}-\d\d-\d\d {_HM}:[0-5]\d$", "%Y-%m-%d %H:%M:%S"),
    (rf"^{_YEAR}-\d\d-\d\dT{_HM}:[0-5]\d$", "%Y-%m-%dT%H:%M:%S"),
    (rf"^{_YEAR}-\d\d-\d\d {_HM}$", "%Y-%m-%d %H:%M"),
    (rf"^{_YEAR}-\d\d-\d\dT{_HM}$", "%Y-%m-%dT%H:%M"),
)


def cell_ok(conv: Any, cell: str) -> bool:
    """Whether the general path takes this cell (an empty one is "not given")."""
    item = cell.strip()
    if not item:
        return True
    try:
        conv(item)
    except v.CellError:
        return False
    return True


def unread_checks(kind: Any, cols: list[int], absent: int) -> list[tuple[int, Any]]:
    """The columns of this file the count does not read (a dossier's ``NopQuaDVCQG``,
    ``ThoiGianGiaiQuyet``) but the general path converts, so rejects when a cell is bad: each
    one's column and converter (text columns never fail, and are left out)."""
    return [(cols[n], fs.conv) for n, fs in enumerate(kind.fields)
            if fs.name not in _PICKED and cols[n] < absent and fs.conv is not v.text]


#: What the engine knows of the word and flag columns (:func:`_flag_tables`).
FlagParts = tuple[tuple[dict[Any, Any], ...], bool, tuple[Any, ...]]


def _flag_tables(kind: Any, cols: list[int], pos: Mapping[str, int], absent: int,
                 ) -> FlagParts:
    """Exact spelling → value for each word and flag column (from the general converters), the
    missing column (``None``) meaning not reported; whether has_electronic_result comes from
    MaKetQua + DuongDanTepTinKetQua; and each column's field, whose converter reads a spelling
    the table does not hold (:func:`_spelled`)."""
    ncols_marker = absent
    tables = []
    fields = []
    for name in _FLAG_FIELDS:
        fs = kind.fields[pos[name]]
        table = dict(fast_table(fs) or {})
        table[None] = fs.default  # no such column: not reported (channel: DIRECT)
        tables.append(table)
        fields.append(fs)
    derived = (cols[pos["has_electronic_result"]] == ncols_marker
               and cols[pos["result_code"]] != ncols_marker
               and cols[pos["result_file"]] != ncols_marker)
    return tuple(tables), derived, tuple(fields)


def _spelled(fs: Any, cell: str, table: Mapping[Any, Any]) -> Any:
    """A word or flag cell the exact table does not hold, read as the record reader reads it
    (stripped; empty: the table's empty cell; the field's converter, folding case and
    accents; a word meaning "not reported": the field's default); ``_MISSING`` when the
    converter refuses it (the row path names it)."""
    item = cell.strip()
    if not item:
        return table.get("", _MISSING)
    try:
        value = fs.conv(item)
    except v.CellError:
        return _MISSING
    return fs.default if value is v.ABSENT else value


class _Counts:
    """What the engine's reader has decided about the cells it has read: each unit and
    procedure cell (the id it names, ``None``: one the record reader would reject or must
    name), each combination of flag cells (their values, ``None``: not plain)."""

    def __init__(self, procedures: Mapping[str, Any] | None,
                 unit_ids: Container[str] | None) -> None:
        self.procedures = procedures
        self.unit_ids = unit_ids
        self.flags: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}
        #: The latest receipt (microseconds) of the rows counted so far, -1 before any.
        self.latest = -1

    def _unit(self, raw: str) -> str | None:
        return _named(raw, self.unit_ids)

    def _proc(self, raw: str) -> str | None:
        return _named(raw, self.procedures)

    def _flags(self, key: tuple[Any, ...], parts: FlagParts) -> tuple[Any, ...] | None:
        tables, derived, fields = parts
        values = []
        for cell, table, fs in zip(key, tables, fields, strict=False):
            value = table.get(cell, _MISSING)
            if value is _MISSING and cell is not None:
                value = _spelled(fs, cell, table)
                if value is not _MISSING and len(table) < _FLAG_MEMO_LIMIT \
                        and len(cell) <= _MEMO_CELL:
                    table[cell] = value
            if value is _MISSING:
                if len(self.flags) < _FLAG_MEMO_LIMIT and len(cell) <= _MEMO_CELL:
                    self.flags[key] = None
                return None
            values.append(value)
        channel, synced, eresult, paid, fee_data, digitized, reuses, personal, population = \
            values
        if derived:
            eresult = key[-1]
        flags = (channel is Channel.ONLINE, synced, eresult,
                 None if paid is None else int(paid), fee_data, digitized, reuses, personal,
                 population)
        if len(self.flags) < _FLAG_MEMO_LIMIT:
            self.flags[key] = flags
        return flags


_MISSING = object()


def _named(raw: str, known: Container[str] | None) -> str | None:
    """The id a unit or procedure cell names (stripped, no longer than an id, one of ``known``
    when given); ``None`` when the record reader would reject the row for it."""
    ident = raw.strip()
    if not ident or len(ident) > v.MAX_ID_LENGTH or (known is not None and ident not in known):
        return None
    return ident


#: What is shown the frames of dossiers a counter counts (:class:`FrameCounter`); it may name
#: (by ``key``) the dossiers of the frame it wants shown as records too.
Frames = Callable[["pl.DataFrame"], "Iterable[int] | None"]


class FrameCounter(Protocol):
    """What counts the rows the engine vouches for (:class:`chiso766.frame_counts.FrameCounts`,
    the columnar form of the counting rules), given to :func:`tally_dossier_columns` by the
    streaming score: this module reads and decides nothing about how a dossier counts."""

    #: Whether the dossiers frame carries ``staff`` (the staff member's code, null: none).
    wants_staff: bool

    def count(self, dossiers: pl.DataFrame, requests: pl.DataFrame,
              flag_values: Sequence[tuple[Any, ...]]) -> tuple[list[int], list[int]]:
        """Count ``dossiers``; the keys of those left to the record path, and of those shown
        that the frames' observer wants as records too."""
        ...

    def finish(self) -> None: ...


class _DeadlineSettings(Protocol):
    @property
    def granularity(self) -> str: ...


class _CountingContext(Protocol):
    @property
    def policy(self) -> _DeadlineSettings: ...

    @property
    def keep_ids(self) -> bool: ...


class EngineCounter(DossierCounter, Protocol):
    """What :func:`tally_dossier_columns` counts into (:class:`chiso766.tally.Tally`): the
    records it hands on, and the counting context whose verdict granularity and kept ids
    decide whether the engine suits the run (it compares dates and keeps no ids)."""

    @property
    def context(self) -> _CountingContext: ...


Counter = TypeVar("Counter", bound=EngineCounter)


def tally_dossier_columns(
    path: Path,
    tally: Counter,
    builder: ReportBuilder,
    *,
    strict: bool,
    procedures: Mapping[str, Any] | None,
    unit_ids: Container[str] | None,
    supplements: SupplementIndex,
    progress: Callable[[int], None] | None = None,
    counts: Callable[[Counter, Frames | None], FrameCounter],
    also: Callable[[Dossier], None] | None = None,
    frames: Frames | None = None,
) -> int:
    """Count every row of a dossiers CSV file into ``tally``: what
    :func:`~chiso766.io.rowpath.tally_dossier_csv` does (same rows accepted and rejected, same
    messages, same counts, the same latest receipt returned), a batch at a time. The rows the
    reader vouches for are handed, as typed columns, to ``counts(tally, frames)``
    (:class:`chiso766.frame_counts.FrameCounts`: the columnar form of the counting rules,
    which shows them to ``frames`` when given); the others become records that
    ``tally.add_dossier`` counts (and ``also`` is shown, when given): each accepted dossier
    reaches ``frames`` or ``also``, once — and ``also`` is shown besides, as records, the rows
    of a frame that ``frames`` names (by ``key``), counted once all the same.

    With ``strict`` (stop at the first bad row, in file order), date-time granularity or kept
    record ids, or a header the engine does not suit, the row path does the work.
    """
    ctx = tally.context
    latest = None
    if not (strict or ctx.policy.granularity != "date" or ctx.keep_ids):
        latest = _count_file(path, tally, builder, procedures, unit_ids, supplements, progress,
                             lambda: counts(tally, frames), also)
    if latest is None:
        latest = tally_dossier_csv(path, tally, builder, strict=strict, procedures=procedures,
                                   unit_ids=unit_ids, supplements=supplements,
                                   progress=progress, also=also)
    return latest


def _count_file(path: Path, tally: DossierCounter, builder: ReportBuilder,
                procedures: Mapping[str, Any] | None, unit_ids: Container[str] | None,
                supplements: SupplementIndex, progress: Callable[[int], None] | None,
                counts: Callable[[], FrameCounter],
                also: Callable[[Dossier], None] | None = None) -> int | None:
    """Count the file and give the latest receipt of its accepted rows (microseconds, -1:
    none); ``None``, having read and reported nothing, when its header does not suit the
    engine (a repeated column; no id, unit or procedure column; lines ending with a lone
    CR)."""
    kind = RECORD_KINDS["dossiers"]
    reader = RecordReader(kind, path.name, builder, False, procedures, unit_ids, supplements)
    pos = {fs.name: n for n, fs in enumerate(kind.fields)}
    runs: list[tuple[_Counts, RowPath]] = []

    def start(layout: FileLayout, bad: set[int], tick: Ticker) -> _Engine | None:
        at = dict(zip((fs.name for fs in kind.fields), layout.index, strict=True))
        if any(at[name] >= layout.ncols for name in ("id", "unit_id", "procedure_code")):
            return None
        claims = _BatchClaims()
        adapter = reader.seen = _StrClaims(claims)
        counter = _Counts(procedures, unit_ids)
        add: Callable[[Dossier], None] = tally.add_dossier
        if also is not None:
            def add_and_show(record: Dossier, count: Callable[[Dossier], None] = add,
                             show: Callable[[Dossier], None] = also) -> None:
                count(record)
                show(record)
            add = add_and_show
        run = RowPath(reader, adapter, add, supplements)
        runs.append((counter, run))
        return _Engine(path, counter, counts(), run, layout, at, claims, pos, reader, bad,
                       tick, also)

    if not _read_batches(path, reader, start, progress):
        return None
    return max(runs[0][0].latest, runs[0][1].latest) if runs else -1


def read_supplement_columns(path: Path, builder: ReportBuilder, strict: bool,
                            moments: MomentCells) -> SupplementIndex:
    """:func:`~.rowpath.read_supplement_index` (docs/inputs.md), a batch at a time with polars:
    the same index (requests in file order, each with its line), the same rejections. With
    ``strict`` (stop at the first bad row) or a header batches do not suit, the row path reads
    the file."""
    if strict:
        return read_supplement_index(path, builder, strict, moments)
    kind = RECORD_KINDS["supplements"]
    reader = RecordReader(kind, path.name, builder, False, None, None, None)
    index = _ColumnIndex(expected_rows(path))

    def start(layout: FileLayout, bad: set[int], tick: Ticker) -> _Batches | None:
        at = dict(zip((fs.name for fs in kind.fields), layout.index, strict=True))
        if at["dossier_id"] >= layout.ncols or at["requested_at"] >= layout.ncols:
            return None
        return _SupplementBatches(reader, layout, bad, tick, at, moments, index)

    if not _read_batches(path, reader, start):
        return read_supplement_index(path, builder, strict, moments)
    return index


def complained_from_rating_columns(path: Path, builder: ReportBuilder, strict: bool,
                                   unit_ids: Container[str] | None, rule: RatingRule,
                                   moments: MomentCells, into: set[str]) -> None:
    """:func:`~.rowpath.complained_from_ratings`, a batch at a time with polars: the dossiers
    of the ratings ``rule`` picks (criterion 5.4's dislikes, in their columnar form) added to
    ``into``, every row accepted or rejected as by :func:`~chiso766.io.iter_records`."""
    if strict:
        complained_from_ratings(path, builder, strict, unit_ids, rule, moments, into)
        return
    kind = RECORD_KINDS["ratings"]
    reader = RecordReader(kind, path.name, builder, False, None, unit_ids, None)

    def start(layout: FileLayout, bad: set[int], tick: Ticker) -> _Batches | None:
        at = dict(zip((fs.name for fs in kind.fields), layout.index, strict=True))
        if at["unit_id"] >= layout.ncols or at["rating"] >= layout.ncols:
            return None
        return _RatingBatches(reader, layout, bad, tick, at, unit_ids, rule, moments,
                              into)

    if not _read_batches(path, reader, start):
        complained_from_ratings(path, builder, strict, unit_ids, rule, moments, into)


def _read_batches(path: Path, reader: RecordReader,
                  start: Callable[[FileLayout, set[int], Ticker], _Batches | None],
                  progress: Callable[[int], None] | None = None) -> bool:
    """Read a CSV file a batch of whole lines at a time into the :class:`_Batches` that
    ``start`` makes from the file's header; ``False``, having read and reported nothing, when
    the header does not suit batches (a repeated column, a delimiter of more than one
    character, lines ending with a lone CR) or ``start`` says so (``None``). The rejections of
    ``reader`` come out in line order."""
    bad: set[int] = set()
    tick = Ticker(progress)
    suited = False
    try:
        with path.open("rb") as f:
            first = f.read(BATCH_BYTES)
            # At least the header line, and its line break whole (a read may end between the
            # CR and the LF of a CRLF, which is not a lone CR).
            while b"\n" not in first and (b"\r" not in first or first.endswith(b"\r")):
                more = f.read(BATCH_BYTES)
                if not more:
                    break
                first += more
            if first.startswith(codecs.BOM_UTF8):
                first = first[len(codecs.BOM_UTF8):]
            if b"\x00" in first:
                raise nul_bytes(reader.file)
            cr, lf = first.find(b"\r"), first.find(b"\n")
            if cr >= 0 and not 0 <= lf < cr and first[cr + 1:cr + 2] != b"\n":
                return False  # lines that end with a lone CR: the row path's _LineEnds
            cut = first.rfind(b"\n") + 1
            if not cut:
                return False
            head = csv_header(reader, _lines_from_start(first[:cut], bad), bad)
            if head is None:
                suited = True
                return True
            layout = FileLayout(reader, head)
            if not layout.single or len(layout.delimiter) != 1:
                return False
            target = start(layout, bad, tick)
            if target is None:
                return False
            suited = True
            skip = 0
            for _ in range(layout.header_no):
                skip = first.index(b"\n", skip) + 1
            pending = first[skip:]
            del first
            line = layout.header_no + 1
            eof = False
            while True:
                while not eof and (len(pending) < BATCH_BYTES or b"\n" not in pending):
                    more = f.read(BATCH_BYTES)
                    if more:
                        pending += more
                    else:
                        eof = True
                cut = pending.rfind(b"\n", 0, BATCH_BYTES) + 1 or pending.find(b"\n") + 1
                if not cut:
                    break  # the end of the file (a last line with no line break: below)
                chunk, pending = pending[:cut], pending[cut:]
                if b"\x00" in chunk:
                    raise nul_bytes(reader.file)
                lines = chunk.count(b"\n")
                if not target.batch(chunk, line, lines):
                    # From here on, row by row (a quote may open a cell over several lines).
                    later = decoded_blocks(f, reader.file, bad, line + lines, pending)
                    rest = itertools.chain(decode_block(chunk, line, bad),
                                           itertools.chain.from_iterable(later))
                    target.rows(rest, line)
                    pending = b""
                    break
                line += lines
            if pending:
                if b"\x00" in pending:
                    raise nul_bytes(reader.file)
                target.rows(iter(decode_block(pending, line, bad)), line)
            target.finish()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        if suited:
            reader.read += tick.read
            reader.close()
    rejections = reader.builder.rejections
    rejections[:] = in_line_order(rejections, reader.file)
    return True


def _quoted_rows(chunk: bytes, delimiter: str, ncols: int,
                 ) -> tuple[bytes, list[int], list[list[str]]] | Literal[False] | None:
    """A batch of whole lines (``chunk``, decodable, every line break a ``\\n``) some of which
    have a quote: the lines with none (as they are), the positions of those with one and their
    cells as the row path's csv module splits each (the rows of those lines: the same cells).
    ``False`` when a quoted cell goes on past its line (the rest of the file is then read row
    by row: a line no longer starts a row); ``None`` when a quoted line is not a plain row (a
    cell the csv module refuses, more or fewer cells than the header): the row path reads the
    batch."""
    plain: list[bytes] = []
    at: list[int] = []
    rows: list[list[str]] = []
    start = 0  # where the plain lines not yet kept begin
    number = 0  # the position in the batch of the line that begins at ``start``
    quote = chunk.find(b'"')
    while quote >= 0:
        begin = chunk.rfind(b"\n", 0, quote) + 1
        end = chunk.index(b"\n", quote) + 1
        number += chunk.count(b"\n", start, begin)
        plain.append(chunk[start:begin])
        # A second line after it: were the row's cells to go on past the line, the csv
        # module would read that line too (line_num 2).
        cells = csv.reader((chunk[begin:end].decode("utf-8"), "\n"), delimiter=delimiter)
        try:
            row = next(cells)
        except csv.Error:
            return None
        if cells.line_num != 1:
            return False
        if len(row) != ncols:
            return None
        at.append(number)
        rows.append(row)
        number += 1
        start = end
        quote = chunk.find(b'"', end)
    plain.append(chunk[start:])
    return b"".join(plain), at, rows


def _lines_from_start(block: bytes, bad: set[int]) -> Iterator[str]:
    """The lines of ``block`` (a file's first bytes, whole lines) decoded one at a time, as
    :func:`~.readers.decode_block` decodes them: the header is found without decoding a whole
    batch of rows first."""
    start, number = 0, 1
    while start < len(block):
        end = block.find(b"\n", start) + 1 or len(block)
        yield from decode_block(block[start:end], number, bad)
        start, number = end, number + 1


#: Ids claimed one at a time kept as text before they are hashed into a run (memory: about
#: 100 MB of text at most; after that, each one is hashed to search the runs).
LOOSE_IDS = 1_000_000


class _BatchClaims:
    """The engine's duplicate check: which ids were claimed, as sorted runs of their 64-bit
    polars hashes (8 bytes an id), checked and extended a batch at a time
    (:meth:`claim_batch`) or an id at a time for the rows the row path reads (:meth:`claim`;
    those ids are kept as text until the next batch or :data:`LOOSE_IDS` of them).
    Like :class:`~.rowpath.IdClaims`, "new" is exact and "seen" may be a hash collision, which
    the caller settles exactly (:func:`~.rowpath.settle_held` re-reads the ids): every claim of a
    file goes through one of these, so that equal ids always have equal hashes."""

    def __init__(self) -> None:
        self.runs: list[pl.Series] = []
        #: The ids claimed one at a time since the last batch, as they are (hashed when the
        #: next batch is claimed): a file read row by row hashes an id only to search the runs.
        self.loose: set[str] = set()

    @staticmethod
    def hashes(idents: pl.Series) -> pl.Series:
        return idents.hash(seed=0)

    def _seen(self, hashes: pl.Series) -> pl.Series:
        import polars as pl

        seen = hashes.is_in(self._loose_hashes().implode()) if self.loose \
            else pl.repeat(False, len(hashes), eager=True)
        if not self.runs:
            return seen
        # Looked up in sorted order (binary searches that walk the runs forward), then put back.
        order = hashes.arg_sort()
        ordered = hashes.gather(order)
        found = pl.repeat(False, len(hashes), eager=True)
        for run in self.runs:
            at = run.search_sorted(ordered).clip(upper_bound=len(run) - 1)
            found = found | (run.gather(at) == ordered)
        return seen | found.gather(order.arg_sort())

    def claim_batch(self, hashes: pl.Series, nameless: pl.Series) -> pl.Series:
        """Claim the hashes of a batch's ids in line order (rows ``nameless`` claim nothing):
        whether each row claimed its id (the first of equal hashes, if not seen before)."""
        import polars as pl

        claimed = (~nameless & pl.DataFrame({"h": hashes, "n": nameless}).select(
            pl.col("h").is_first_distinct().over("n"))["h"]
            & ~self._seen(hashes)).alias("claimed")
        self._add(hashes.filter(claimed))
        return claimed

    def claim(self, ident: str) -> bool:
        """Claim one id; ``False`` when it was claimed one at a time before, or its hash in a
        batch."""
        import polars as pl

        if ident in self.loose:
            return False
        if self.runs and self._in_runs(self.hashes(pl.Series([ident], dtype=pl.String)).item()):
            return False
        self.loose.add(ident)
        if len(self.loose) >= LOOSE_IDS:
            self._add(pl.Series([], dtype=pl.UInt64))  # the loose ids hashed into a run
        return True

    def _loose_hashes(self) -> pl.Series:
        import polars as pl

        return self.hashes(pl.Series(list(self.loose), dtype=pl.String))

    def _in_runs(self, h: int) -> bool:
        """Whether one hash is in a run: a binary search of each."""
        for run in self.runs:
            at = run.search_sorted(h)  # a scalar in, a position out
            if at < len(run) and run[at] == h:
                return True
        return False

    def _add(self, hashes: pl.Series) -> None:
        import polars as pl

        if self.loose:
            hashes = pl.concat([hashes, self._loose_hashes()])
            self.loose = set()
        if not len(hashes):
            return
        runs = self.runs
        runs.append(hashes.sort())
        # Runs merged while the last is as long as the one before (a binary counter): a
        # logarithmic number of runs, each hash sorted a logarithmic number of times.
        while len(runs) > 1 and len(runs[-1]) >= len(runs[-2]):
            last = runs.pop()
            runs[-1] = pl.concat([runs[-1], last]).sort()


class _StrClaims(Claims):
    """The general reader's duplicate check routed to :class:`_BatchClaims` (see
    :class:`~.rowpath.Claims`)."""

    def __init__(self, claims: _BatchClaims) -> None:
        super().__init__(lambda h: None)
        self.claims = claims

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if not self.skip and isinstance(key, str):
            self.claims.claim(key)
        return default


def _moment(column: pl.Expr, shapes: Sequence[tuple[str, str]],
            ) -> tuple[pl.Expr, pl.Expr]:
    """A moment column's cells as ``pl.Datetime("us")`` (null: empty) and whether each is a
    cell the engine vouches for (empty, or in one of ``shapes`` and a real moment)."""
    import polars as pl

    if not shapes:
        return pl.lit(None, dtype=pl.Datetime("us")), column == ""
    read = [pl.when(column.str.contains(pattern)).then(
                column.str.strptime(pl.Datetime("us"), fmt, strict=False))
            for pattern, fmt in shapes]
    value = read[0] if len(read) == 1 else pl.coalesce(read)
    return value, (column == "") | value.is_not_null()


#: Rows of a batch left to the row path with a padded cell that make the engine strip every
#: cell of the file's later batches (a cell padded with white space reads as the cell stripped).
_PADDED_ROWS = 64
#: Non-empty cells of a moment column whose shapes are looked at (:func:`_shapes_of`).
_SHAPE_SAMPLE = 256


def _shapes_of(cells: pl.Series) -> tuple[tuple[str, str], ...]:
    """The moment shapes of a column in a batch: those of its first :data:`_SHAPE_SAMPLE`
    non-empty cells, the most frequent first (a cell of another shape is not vouched for: the
    row path reads it). An export with some cells spelled otherwise (ISO among
    ``dd/MM/yyyy``) is read in all its shapes whatever its first cell is; a plain export
    parses one."""
    sample = cells.filter(cells != "").head(_SHAPE_SAMPLE).to_list()
    found: dict[tuple[str, str], int] = {}
    for cell in sample:
        for shape in _SHAPES:
            if re.match(shape[0], cell):
                found[shape] = found.get(shape, 0) + 1
                break
    return tuple(sorted(found, key=lambda shape: -found[shape]))


class _Batches:
    """What :func:`_read_batches` hands a file to: clean batches (one row a line, every line
    with the header's cells) to :meth:`_count` as a frame of their cells (text), every other row to
    :meth:`row` as the row path's reader yields it."""

    def __init__(self, reader: RecordReader, layout: FileLayout, bad: set[int],
                 tick: Ticker) -> None:
        self.reader = reader
        self.layout = layout
        self.ncols = layout.ncols
        self.delimiter = layout.delimiter
        self.bad = bad
        self.tick = tick
        #: Whether the cells of the batch being counted are stripped before they are decided
        #: (:attr:`padded`, or a quoted cell of the batch has white space at an end).
        self.strip = False
        #: Whether the file's cells are padded with white space: many rows of a batch were
        #: left to the row path with a padded cell (every later batch is then stripped).
        self.padded = False

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        raise NotImplementedError

    def _count(self, frame: pl.DataFrame, line: int) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def rows(self, lines: Any, line: int) -> None:
        """Lines (text) whose first is ``line``, row by row as the row path reads them."""
        for item in row_items(self.reader, self.layout, lines, line - 1, self.bad, self.tick):
            self.row(*item)

    def batch(self, chunk: bytes, line: int, n: int) -> bool:
        """Count a batch of ``n`` whole lines whose first is ``line``; ``False``, having taken
        nothing, when the rest of the file must be read row by row."""
        if any(c in chunk for c in _AWKWARD):
            return False
        if b"\r" in chunk:
            if chunk.count(b"\r\n") != chunk.count(b"\r"):
                return False
            chunk = chunk.replace(b"\r\n", b"\n")
        if not chunk.isascii():
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                return False
            if "\x85" in text or "\u2028" in text or "\u2029" in text:
                return False
            del text
        self.strip = self.padded
        if b'"' in chunk:
            quoted = _quoted_rows(chunk, self.delimiter, self.ncols)
            if quoted is False:
                return False  # a quoted cell over several lines: the rest row by row
            frame = None if quoted is None else self._with_quoted(*quoted)
            self.strip = self.strip or (quoted is not None and any(
                cell != cell.strip() for row in quoted[2] for cell in row))
        else:
            frame = self._plain(chunk, n)
        if frame is None:
            self.rows(iter(decode_block(chunk, line, self.bad)), line)
            return True
        self.tick.add(n)
        self._count(frame, line)
        return True

    def _plain(self, chunk: bytes, n: int) -> pl.DataFrame | None:
        """The cells of ``n`` whole lines with no quote (:meth:`_cells`); ``None`` (the row
        path reads them) for blank lines, a line with more or fewer cells than the header, a
        U+FEFF that polars would take for a byte order mark, a cell the csv module refuses.
        With two columns or more a blank line is a line with too few delimiters, so the count
        finds it (or, when another line has too many, polars refuses that line): the search
        for a blank line, 40 % of the batch's byte checks, is needed for one column only."""
        if (chunk.startswith(codecs.BOM_UTF8)
                or (self.ncols == 1 and (chunk.startswith(b"\n") or b"\n\n" in chunk))
                or chunk.count(self.delimiter.encode()) != n * (self.ncols - 1)):
            return None
        return self._cells(chunk, n)

    def _with_quoted(self, plain: bytes, at: list[int], rows: list[list[str]],
                     ) -> pl.DataFrame | None:
        """The cells of a batch whose lines ``at`` (positions in the batch) had a quote and
        were split by the csv module into ``rows``, the other lines being ``plain``; ``None``
        when the plain lines are not (:meth:`_plain`)."""
        import polars as pl

        n = plain.count(b"\n")
        names = [f"c{i}" for i in range(self.ncols)]
        quoted = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
        if not n:
            return quoted
        frame = self._plain(plain, n)
        if frame is None:
            return None
        # The plain lines' positions: every position not in ``at``, in order.
        taken = pl.Series("p", at, dtype=pl.Int64)
        places = pl.int_range(0, n + len(at), dtype=pl.Int64, eager=True)
        return pl.concat([
            frame.with_columns(p=places.filter(~places.is_in(taken.implode()))),
            quoted.with_columns(p=taken),
        ]).sort("p").drop("p")

    def _cells(self, chunk: bytes, n: int) -> pl.DataFrame | None:
        """The batch's cells as text, a column ``c0``, ``c1``… per column of the header, as
        the row path splits each line (no quoting: a quote sends the batch to the row path);
        ``None`` when a line does not have the header's number of cells (with the total right,
        some line has more) or a cell is longer than the csv module's limit (the row path
        rejects it)."""
        import polars as pl

        try:
            frame = pl.read_csv(
                io.BytesIO(chunk), has_header=False, separator=self.delimiter,
                quote_char=None, comment_prefix=None, null_values=None,
                empty_string_is_null=False,
                schema={f"c{i}": pl.String for i in range(self.ncols)})
        except (pl.exceptions.PolarsError, OSError):
            return None
        longest = frame.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
        if frame.height != n or (isinstance(longest, int) and longest > csv.field_size_limit()):
            return None
        return frame

    @staticmethod
    def _row(frame: pl.DataFrame, i: int) -> list[str]:
        """Row ``i`` of a batch as the row path's cells."""
        return list(frame.row(i))


class _Engine(_Batches):
    """Reads batches of rows with polars and hands the rows it vouches for to the counter
    (``counts``); the rows it cannot vouch for go to the row path (``run``), as they would if
    that path read the whole file."""

    def __init__(self, path: Path, counter: _Counts, counts: FrameCounter, run: RowPath,
                 layout: FileLayout, at: Mapping[str, int], claims: _BatchClaims,
                 pos: Mapping[str, int], reader: RecordReader, bad: set[int], tick: Ticker,
                 show: Callable[[Dossier], None] | None = None) -> None:
        super().__init__(reader, layout, bad, tick)
        self.path = path
        #: Shown, as records, the counted rows the frames' observer names (not counted again).
        self.show = show
        self.wanted: list[int] = []
        self.counter = counter
        self.counts = counts
        self.run = run
        self.at = at
        self.claims = claims
        self.pos = pos
        self.held = Held()
        self.supplements = run.supplements
        self.flag_parts = _flag_tables(reader.kind, layout.index, pos, layout.ncols)
        self.derived = self.flag_parts[1]
        self.unread = unread_checks(reader.kind, layout.index, layout.ncols)
        self.unread_ok: list[dict[str, bool]] = [{} for _ in self.unread]
        self.unit_of: dict[str, str | None] = {}
        self.code_of: dict[str, str | None] = {}
        self.staff_of: dict[str, str | None] = {}
        self.fid_of: dict[str, int] = {}
        self.flag_values: list[tuple[Any, ...]] = []
        self.flag_index: dict[tuple[Any, ...], int] = {}
        # The supplement requests as a frame (read with polars): looked up by a join a batch
        # at a time; else (read by the row path) one dossier at a time in the index.
        # Up to _JOIN_REQUESTS requests (memory, and a join's table built a batch at a time).
        sups = self.supplements
        self.requests = None
        if isinstance(sups, _ColumnIndex):
            if len(sups) <= _JOIN_REQUESTS:
                self.requests = sups.frame()
            sups.parts, sups.ids, sups.req, sups.sup = [], [], [], []

    # -- rows outside a clean batch ------------------------------------------------------------

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        """One row as :func:`~chiso766.io.rowpath.tally_dossier_csv` takes it."""
        if index is None:
            self._one(line, row.id, row, None)
            return
        ident = row[self.at["id"]].strip()
        if not ident:
            self.run.rebuild(row, index, line, claimed=False)
            return
        self._one(line, ident, row, index)

    def _one(self, line: int, ident: str, row: Any, index: list[int] | None) -> None:
        h = hash(ident)
        if not self.claims.claim(ident):
            self.held.add(line, h)
            return
        self.run.one(line, row, index)

    def finish(self) -> None:
        self.counts.finish()
        if self.held:
            settle_held(self.path, self.reader, self.held, self.run, self.pos)

    # -- batches -------------------------------------------------------------------------------

    def _count(self, frame: pl.DataFrame, line: int) -> None:
        import polars as pl

        # Decided on the cells stripped as the record reader strips every cell (polars'
        # white space is Python's, but for the separators \x1c-\x1f: _AWKWARD); the rows
        # left to the row path are handed as they are (``as_read``).
        as_read = frame
        if self.strip:
            frame = frame.with_columns(pl.all().str.strip_chars())
        counter = self.counter
        n = frame.height
        id_col = f"c{self.at['id']}"
        raw_ids = frame[id_col]
        idents = raw_ids.str.strip_chars()
        # -- ids claimed in line order (the first of two equal ids is the one claimed) -------
        sups = self.supplements
        any_sups = len(sups) > 0
        ident_list = idents.to_list()
        nameless = idents == ""
        id_hashes = _BatchClaims.hashes(idents)
        claimed_col = self.claims.claim_batch(id_hashes, nameless)
        claimed = claimed_col.to_list()
        requests = self.requests
        if requests is None and any_sups:
            hashes = list(map(hash, ident_list))
            # Rows whose id may have supplement requests (its hash's first slot is taken).
            maybe = sups.may_have_requests(hashes, claimed)
        else:
            hashes = None
            maybe = []
        special = (raw_ids != idents) | (idents.str.len_chars() > v.MAX_ID_LENGTH)

        # -- units and procedures, decided once per spelling ----------------------------------
        unit_raw = frame[f"c{self.at['unit_id']}"]
        code_raw = frame[f"c{self.at['procedure_code']}"]
        for raw in unit_raw.unique().to_list():
            if raw not in self.unit_of:
                self.unit_of[raw] = counter._unit(raw) if raw.strip() == raw else None
        for raw in code_raw.unique().to_list():
            if raw not in self.code_of:
                self.code_of[raw] = counter._proc(raw) if raw.strip() == raw else None
        units = unit_raw.replace_strict(self.unit_of, default=None, return_dtype=pl.String)
        codes = code_raw.replace_strict(self.code_of, default=None, return_dtype=pl.String)
        special = special | units.is_null() | codes.is_null()

        # -- cells the count does not read but the record reader converts -------------------
        for (column, conv), memo in zip(self.unread, self.unread_ok, strict=True):
            cells = frame[f"c{column}"]
            if len(memo) > 50_000:
                memo.clear()  # many distinct cells (a number column): memory stays flat
            for cell in cells.unique().to_list():
                if cell not in memo:
                    memo[cell] = cell_ok(conv, cell)
            special = special | ~cells.replace_strict(memo, default=False,
                                                      return_dtype=pl.Boolean)

        # -- words and flags: each distinct combination decided by the converters' tables --------
        fids = self._flags(frame)
        special = special | (fids < 0)

        # -- moments ---------------------------------------------------------------------------
        moments: dict[str, pl.Expr] = {}
        checks: list[pl.Expr] = []
        for name in _MOMENT_FIELDS:
            i = self.at[name]
            if i >= self.ncols:
                moments[name] = pl.lit(None, dtype=pl.Datetime("us"))
                continue
            value, ok = _moment(pl.col(f"c{i}"), _shapes_of(frame[f"c{i}"]))
            moments[name] = value
            checks.append(ok)
        typed = frame.select(
            *(value.alias(name) for name, value in moments.items()),
            pl.all_horizontal(checks).alias("ok") if checks else pl.lit(True).alias("ok"),
        )
        receipt = pl.coalesce("received_at", "submitted_at")
        before = [pl.col(name) < receipt for name in AFTER_RECEIPT]
        odd = typed.select(
            (~pl.col("ok") | receipt.is_null() | pl.any_horizontal(before).fill_null(False))
            .alias("odd"))["odd"]
        special = special | odd

        # -- supplement requests: each dossier's chain from the row path's index ------------
        special_list = special.to_list()
        keys: list[int] | pl.Series = []
        requested: list[int] | pl.Series = []
        supplied: list[int | None] | pl.Series = []
        chains: dict[int, int] | pl.DataFrame = {}
        if requests is not None and requests.height:
            # Each candidate's requests, joined by id (hash, then the id itself), in file order.
            got = pl.DataFrame({
                "key": pl.int_range(0, n, dtype=pl.Int64, eager=True), "h": id_hashes,
                "ident": idents,
                "receipt": typed.select(receipt.dt.epoch("us") + _EPOCH_US).to_series(),
            }).filter(claimed_col & ~special).join(requests, on="h", how="inner").filter(
                pl.col("ident") == pl.col("ident_right")).sort(["key", "k"]).with_columns(
                # unsorted or before receipt: the record path sorts, the row path's to read
                bad=(pl.col("requested") < pl.coalesce(
                    pl.col("requested").shift(1).over("key"), pl.col("receipt")))
                .any().over("key"))
            unordered = got.filter(pl.col("bad"))["key"]
            if len(unordered):
                special = special | pl.int_range(0, n, eager=True).is_in(unordered.implode())
                special_list = special.to_list()
                got = got.filter(~pl.col("bad"))
            keys = got["key"]
            requested = got["requested"] - _EPOCH_US
            supplied = got["supplied"] - _EPOCH_US
            chains = got.select("key", "k")
        elif maybe:
            assert hashes is not None
            chain_of: dict[int, int] = {}
            keys_l: list[int] = []
            requested_l: list[int] = []
            supplied_l: list[int | None] = []
            receipts = typed.select(receipt.alias("r"))["r"]
            for i in maybe:
                if special_list[i]:
                    continue
                k = sups.first(ident_list[i], hashes[i])
                if k < 0:
                    continue
                chain = sups.chain(k)
                previous = to_us(receipts[i])
                ordered = True
                for j in chain:
                    req = sups.requested_us(j)
                    if req < previous:
                        ordered = False  # unsorted or before receipt: the record path sorts
                        break
                    previous = req
                if not ordered:
                    special_list[i] = True
                    continue
                chain_of[i] = k
                for j in chain:
                    keys_l.append(i)
                    requested_l.append(sups.requested_us(j) - _EPOCH_US)
                    us = sups.supplied_us(j)
                    supplied_l.append(None if us < 0 else us - _EPOCH_US)
            keys, requested, supplied, chains = keys_l, requested_l, supplied_l, chain_of
            special = pl.Series(special_list)

        # -- the rows the engine vouches for, as the columnar form of the rules reads them ---
        keep = claimed_col & ~special & ~nameless
        dossiers = typed.drop("ok").with_columns(
            unit=units, code=codes, fid=fids, ident=idents,
            key=pl.int_range(0, n, dtype=pl.Int64),
            **({"staff": self._staff(frame)} if self.counts.wants_staff else {}),
        ).filter(keep)
        if dossiers.height:
            # Accepted, every one (a row left to the row path below is accepted there too).
            latest = dossiers.select(receipt.max()).item()
            counter.latest = max(counter.latest, to_us(latest))
            self._vouched(dossiers, keys, requested, supplied, chains, special_list)
            if self.wanted:
                self._show(as_read, line)

        # -- the other rows, in line order, to the row path -----------------------------------
        run, index = self.run, self.layout.index
        nameless_list = nameless.to_list()
        others = (pl.Series(special_list, dtype=pl.Boolean) | nameless).arg_true().to_list()
        if not self.strip and len(others) >= _PADDED_ROWS:
            left = as_read[others]
            padded = left.select(pl.any_horizontal(
                pl.all().str.len_bytes() != pl.all().str.strip_chars().str.len_bytes())).sum()
            self.padded = padded.item() >= _PADDED_ROWS
        handed = [i for i in others if nameless_list[i] or claimed[i]]
        rows = [self._row(as_read, i) for i in handed]
        for i, row, plain in zip(handed, rows, run.plain_rows(rows, index), strict=True):
            if nameless_list[i]:
                run.rebuild(row, index, line + i, claimed=False, plain=plain)
            else:
                run.one(line + i, row, index, plain=plain)
        held = self.held
        for i in (~claimed_col).arg_true().to_list():
            if not nameless_list[i]:
                held.add(line + i, hash(ident_list[i]))


    def _vouched(self, dossiers: pl.DataFrame, keys: list[int] | pl.Series,
                 requested: list[int] | pl.Series, supplied: list[int | None] | pl.Series,
                 chains: dict[int, int] | pl.DataFrame, special_list: list[bool]) -> None:
        """Hand the rows the engine vouches for to the counter, with their supplement requests;
        a row it leaves to the record path is marked in ``special_list``, and the requests of
        the others are marked taken."""
        import polars as pl

        sups = self.supplements
        moment = pl.Datetime("us")
        requests = pl.DataFrame(
            {"key": keys, "requested_at": requested, "supplied_at": supplied},
            schema={"key": pl.Int64, "requested_at": pl.Int64, "supplied_at": pl.Int64},
        ).with_columns(pl.col("requested_at").cast(moment), pl.col("supplied_at").cast(moment))
        left, self.wanted = self.counts.count(dossiers, requests, self.flag_values)
        for i in left:
            special_list[i] = True
        counted = dossiers.select("key")
        if left:
            counted = counted.filter(~pl.col("key").is_in(left))
        if isinstance(chains, dict):
            for i in counted["key"].to_list():
                k = chains.get(i, -1)
                if k >= 0:
                    sups.mark_used(k)
        elif chains.height:
            used = sups.used
            for k in chains.join(counted, on="key", how="semi")["k"].to_list():
                used[k] = 1

    def _show(self, frame: pl.DataFrame, line: int) -> None:
        """The counted rows of the batch (``frame``: its cells; its first row is ``line``) the
        frames' observer named, as records, to :attr:`show` (with their supplement requests,
        not counted again)."""
        show, run, index = self.show, self.run, self.layout.index
        if show is None:
            return
        wanted, self.wanted = sorted(self.wanted), []
        rows = [list(cells) for cells in frame[wanted].rows()]
        for i, row, plain in zip(wanted, rows, run.plain_rows(rows, index), strict=True):
            show(run.record(row, index, line + i, plain=plain))

    def _staff(self, frame: pl.DataFrame) -> pl.Series:
        """Each row's staff member as the record reader reads the cell (a text cell: stripped,
        blank is none), each distinct cell read once."""
        import polars as pl

        column = self.at["staff_id"]
        if column >= self.ncols:
            return pl.Series("staff", [None] * frame.height, dtype=pl.String)
        cells = frame[f"c{column}"]
        memo = self.staff_of
        if len(memo) > _FLAG_MEMO_LIMIT:
            memo.clear()  # many distinct staff codes: memory stays flat
        read: dict[str, str | None] = {}
        for cell in cells.unique().to_list():
            staff = memo.get(cell, "")
            if staff == "":
                staff = cell.strip() or None
                if len(cell) <= _MEMO_CELL:  # a long junk cell is read each time (memory)
                    memo[cell] = staff
            read[cell] = staff
        return cells.replace_strict(read, return_dtype=pl.String)

    def _flags(self, frame: pl.DataFrame) -> pl.Series:
        """Each row's flag values as an index into :attr:`flag_values` (-1: not plain)."""
        import polars as pl

        parts: list[pl.Expr] = []
        present: list[bool] = []
        for name in _FLAG_FIELDS:
            i = self.at[name]
            present.append(i < self.ncols)
            if i < self.ncols:
                parts.append(pl.col(f"c{i}"))
        if self.derived:
            code = pl.col(f"c{self.at['result_code']}").str.strip_chars() != ""
            path = pl.col(f"c{self.at['result_file']}").str.strip_chars() != ""
            parts.append(pl.when(code & path).then(pl.lit("1")).otherwise(pl.lit("0")))
        if not parts:
            keys = pl.Series([""] * frame.height)
        else:
            keys = frame.select(pl.concat_str(parts, separator="\x1f").alias("k"))["k"]
        for key in keys.unique().to_list():
            if key in self.fid_of:
                continue
            cells = iter(key.split("\x1f")) if parts else iter(())
            values: list[Any] = [next(cells) if here else None for here in present]
            if self.derived:
                values.append(next(cells) == "1")
            tup = tuple(values)
            memo = self.counter.flags
            flags = memo[tup] if tup in memo else self.counter._flags(tup, self.flag_parts)
            if flags is None:
                self.fid_of[key] = -1
                continue
            fid = self.flag_index.get(flags)
            if fid is None:
                fid = self.flag_index[flags] = len(self.flag_values)
                self.flag_values.append(flags)
            self.fid_of[key] = fid
        return keys.replace_strict(self.fid_of, return_dtype=pl.Int64)


def _moment_column(frame: pl.DataFrame, column: int, ncols: int) -> tuple[pl.Series, pl.Series]:
    """A moment column of a batch: values in the row path's microseconds (null: empty or
    absent) and whether each cell is one the engine vouches for (empty, absent, or a plain
    moment the row path's :class:`~.rowpath.MomentCells` reads to that value)."""
    import polars as pl

    if column >= ncols:
        return (pl.Series([None] * frame.height, dtype=pl.Int64),
                pl.Series([True] * frame.height, dtype=pl.Boolean))
    name = f"c{column}"
    value, ok = _moment(pl.col(name), _shapes_of(frame[name]))
    got = frame.select((value.dt.epoch("us") + _EPOCH_US).alias("v"), ok.alias("ok"))
    return got["v"], got["ok"]


class _ColumnIndex(SupplementIndex):
    """A :class:`~.rowpath.SupplementIndex` that also keeps its requests for a polars frame
    (:meth:`frame`), up to :data:`_JOIN_REQUESTS` of them (past it the engine looks requests
    up in the index, so the frame is dropped as soon as it would not be used): what
    :func:`read_supplement_columns` builds."""

    def __init__(self, expected: int = 0) -> None:
        super().__init__(expected)
        self.parts: list[pl.DataFrame] = []
        self.ids: list[str] = []
        self.req: list[int] = []
        self.sup: list[int | None] = []
        #: Whether the requests are still kept for the frame.
        self.framed = True

    def add(self, dossier_id: str, requested: int, supplied: int | None, line: int) -> None:
        super().add(dossier_id, requested, supplied, line)
        if self.framed:
            self.ids.append(dossier_id)
            self.req.append(requested)
            self.sup.append(supplied)
            self._kept()

    def add_many(self, dossier_ids: Sequence[str], requested: Sequence[int],
                 supplied: Sequence[int | None], first_line: int) -> None:
        super().add_many(dossier_ids, requested, supplied, first_line)
        if self.framed:
            self.ids.extend(dossier_ids)
            self.req.extend(requested)
            self.sup.extend(supplied)
            self._kept()

    def _kept(self) -> None:
        if len(self) > _JOIN_REQUESTS:
            self.framed = False
            self.parts, self.ids, self.req, self.sup = [], [], [], []
        elif len(self.ids) >= 100_000:
            self._flush()

    def _flush(self) -> None:
        import polars as pl

        if self.ids:
            self.parts.append(pl.DataFrame(
                {"ident": self.ids, "requested": self.req, "supplied": self.sup},
                schema={"ident": pl.String, "requested": pl.Int64, "supplied": pl.Int64}))
            self.ids, self.req, self.sup = [], [], []

    def frame(self) -> pl.DataFrame:
        """The requests: hash of the id (as :class:`_BatchClaims` hashes), id, position ``k``
        in the index, request and answer in the row path's microseconds (null: no answer).
        Only while :attr:`framed` (at most :data:`_JOIN_REQUESTS` requests)."""
        import polars as pl

        assert self.framed, "past _JOIN_REQUESTS requests are looked up in the index"
        self._flush()
        if self.parts:
            self.parts = [pl.concat(self.parts)]
        frame = self.parts[0] if self.parts else pl.DataFrame(
            schema={"ident": pl.String, "requested": pl.Int64, "supplied": pl.Int64})
        return frame.with_columns(
            h=_BatchClaims.hashes(frame["ident"]),
            k=pl.int_range(0, frame.height, dtype=pl.Int64))


class _SupplementBatches(_Batches):
    """Adds the requests of a supplements file to a :class:`~.rowpath.SupplementIndex` a batch
    at a time: a plain row (an id, a request moment, no answer or a later one) is added as it
    is, any other goes to the row path's handling of one row, in line order."""

    def __init__(self, reader: RecordReader, layout: FileLayout, bad: set[int], tick: Ticker,
                 at: Mapping[str, int], moments: MomentCells, index: SupplementIndex) -> None:
        super().__init__(reader, layout, bad, tick)
        self.at = at
        self.index = index
        self.take = supplement_rows(reader, moments, index.add)

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        self.take(line, row, index)

    def _count(self, frame: pl.DataFrame, line: int) -> None:
        import polars as pl

        at, ncols = self.at, self.ncols
        idents = frame[f"c{at['dossier_id']}"].str.strip_chars()
        requested, req_ok = _moment_column(frame, at["requested_at"], ncols)
        supplied, sup_ok = _moment_column(frame, at["supplied_at"], ncols)
        plain = pl.DataFrame({"i": idents, "r": requested, "ro": req_ok, "s": supplied,
                              "so": sup_ok}).select(
            (pl.col("i") != "") & (pl.col("i").str.len_chars() <= v.MAX_ID_LENGTH)
            & pl.col("ro") & pl.col("r").is_not_null() & pl.col("so")
            & (pl.col("s").is_null() | (pl.col("s") >= pl.col("r")))).to_series()
        # Runs of plain rows in one call each, the other rows one at a time, in line order.
        take, index = self.take, self.layout.index
        ids, reqs, sups = idents.to_list(), requested.to_list(), supplied.to_list()
        start = 0
        for i in [*(~plain).arg_true().to_list(), frame.height]:
            if i > start:
                self.index.add_many(ids[start:i], reqs[start:i], sups[start:i], line + start)
            if i < frame.height:
                take(line + i, self._row(frame, i), index)
            start = i + 1


class _RatingBatches(_Batches):
    """Reads the dossiers a rule picks (criterion 5.4's dislikes) out of batches of a ratings
    file."""

    def __init__(self, reader: RecordReader, layout: FileLayout, bad: set[int], tick: Ticker,
                 at: Mapping[str, int], unit_ids: Container[str] | None,
                 rule: RatingRule, moments: MomentCells, into: set[str]) -> None:
        super().__init__(reader, layout, bad, tick)
        self.at = at
        self.unit_ids = unit_ids
        self.into = into
        self.rule = rule
        self.take = rating_rows(reader, unit_ids, rule, moments, into)
        kind = reader.kind
        self.field = kind.fields[[fs.name for fs in kind.fields].index("rating")]
        self.table = fast_table(self.field) or {}
        self.value_of: dict[str, str | None] = {}  # rating spelling -> its value (None: odd)
        self.unit_ok: dict[str, bool] = {}

    def row(self, line: int, row: Any, index: list[int] | None) -> None:
        self.take(line, row, index)

    def _count(self, frame: pl.DataFrame, line: int) -> None:
        import polars as pl

        at, ncols = self.at, self.ncols
        ratings = frame[f"c{at['rating']}"]
        for cell in ratings.unique().to_list():
            if cell not in self.value_of:
                value = self.table.get(cell)
                if value is None and len(cell) <= _MEMO_CELL:
                    # Another spelling the converter reads (case, accents): as the record does.
                    value = _spelled(self.field, cell, self.table)
                    value = None if value is _MISSING else value
                self.value_of[cell] = None if value is None else value.value
        units = frame[f"c{at['unit_id']}"]
        unit_ids = self.unit_ids
        for cell in units.unique().to_list():
            if cell not in self.unit_ok:
                self.unit_ok[cell] = bool(cell) and cell.strip() == cell and len(
                    cell) <= v.MAX_ID_LENGTH and (unit_ids is None or cell in unit_ids)
        rated, rated_ok = _moment_column(frame, at["rated_at"], ncols)
        has_id = at["dossier_id"] < ncols
        idents = frame[f"c{at['dossier_id']}"].str.strip_chars() if has_id else pl.Series(
            [""] * frame.height, dtype=pl.String)
        table = pl.DataFrame({
            "rating": ratings.replace_strict(self.value_of, return_dtype=pl.String),
            "unit": units.replace_strict(self.unit_ok, return_dtype=pl.Boolean),
            "rated_at": (rated - _EPOCH_US).cast(pl.Datetime("us")), "ro": rated_ok,
            "i": idents})
        plain = table.select(
            pl.col("rating").is_not_null() & pl.col("unit") & pl.col("ro")
            & (pl.col("i").str.len_chars() <= v.MAX_ID_LENGTH)).to_series()
        picked = table.filter(plain & (pl.col("i") != "") & self.rule.columns())["i"]
        self.into.update(picked.to_list())
        index = self.layout.index
        for i in (~plain).arg_true().to_list():
            self.take(line + i, self._row(frame, i), index)
