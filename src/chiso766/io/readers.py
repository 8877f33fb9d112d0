"""Streaming readers: one record at a time from a CSV, JSON Lines, JSON, Excel or Parquet file,
or from any rows (docs/inputs.md).

:func:`iter_records` is the entry point for a file; :func:`iter_rows` for rows from anywhere else
(DataFrames, databases: :mod:`.frames`, :mod:`.sql`). Excel and Parquet files are rows too
(:mod:`.excel`, :mod:`.parquet`): every source that is not CSV or JSON text is turned into
``(row number, cells)`` rows, typed cells made plain (:mod:`.cells`), and those rows go through
the same header resolution, cell parsers and record checks as a CSV row, so a rule about a row
is written once. It yields the records of one file as it reads them
and keeps nothing but what checking needs (the ids seen so far, to reject duplicates), so a caller
that folds records into tallies can read millions of dossiers in constant memory.
:func:`~chiso766.io.dataset.read_folder` is built on it.

Every data row ends up either yielded (accepted) or described by a :class:`Rejection` (file,
line, field, raw value, reason) in a :class:`ReportBuilder`, so ``read == accepted + rejected``
(docs/inputs.md: bad input is rejected or flagged, never guessed, never dropped). Only a file that
cannot
be read at all (no such file, not UTF-8 text, a header without a column the records need, a JSON
file that is not an array of objects) raises :class:`~chiso766.errors.InputError`; with
``strict=True`` the first rejected row raises it too, with the same details.

CSV rows take a compiled fast path: the header is resolved once into a small function that pulls
each needed cell by position and converts it inline (dict lookups for words, position-based date
parsing). Any exception there, or any unusual row, sends the row through the general path, which
converts cell by cell and says exactly which cell was wrong. The two paths give the same result
for every row the fast path accepts, because the fast lookup tables are built by running the
general converters.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import os
import stat
import sys
from collections.abc import (
    Callable,
    Collection,
    Container,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from operator import attrgetter, getitem, itemgetter
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeVar, overload

import attrs

from ..errors import InputError, PolicyError, RecordError
from ..records import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    Petition,
    Posting,
    Procedure,
    Rating,
    SupplementRequest,
    Unit,
)
from ..timelimits import TimeLimit
from . import national
from . import values as v
from .cells import BadCell, plain
from .columns import FIELDS, KINDS, fold_name

__all__ = [
    "FORMATS",
    "FileCount",
    "ReadReport",
    "RecordStream",
    "Rejection",
    "ReportBuilder",
    "SupplementRow",
    "detect_format",
    "iter_records",
    "iter_rows",
    "receipt_year_hint",
]

StrPath = str | os.PathLike[str]
Kind = Literal["units", "procedures", "authorities", "communes", "supplements", "dossiers",
               "petitions", "ratings", "announcements", "postings"]
Format = Literal["csv", "jsonl", "json", "xlsx", "parquet"]
#: A file given as an open file object instead of a path (binary, or text for CSV and JSON).
FileObject = IO[bytes] | IO[str]
T = TypeVar("T")
#: What :func:`iter_records` returns: a generator, so a caller may ``close()`` it early.
RecordStream = Generator[T, None, None]

#: File name suffix → format.
FORMATS: Final[Mapping[str, Format]] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                                        ".json": "json", ".xlsx": "xlsx", ".xlsm": "xlsx",
                                        ".parquet": "parquet"}

_BLOCK = 1 << 20
_SHOW_LIMIT = 200


# ---------------------------------------------------------------------------------------------
# the report


def _clip(text: str) -> str:
    return text if len(text) <= _SHOW_LIMIT else text[:_SHOW_LIMIT - 1] + "…"


@attrs.frozen
class Rejection:
    """One input row that did not become a record (docs/inputs.md).

    ``line`` is the 1-based physical line of a CSV file (the header is line 1; a row spanning
    several lines is named by its first), the 1-based line of a JSON Lines file, the 1-based
    position of the element in a JSON array, the row number of an Excel sheet (the first sheet:
    the read report's notes name it), or the 1-based data row of a Parquet file, a table or a
    query result (``file`` is then the kind, or the label given). ``field`` is the record's
    English field name (``None`` when the whole row is unreadable), ``column`` the column or key
    as the file spells it, ``value`` the raw text of the cell.
    """

    file: str
    line: int
    field: str | None
    value: str
    reason: str
    record_id: str | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in reports: file, line, field, value, reason, record_id, column."""
        return {"file": self.file, "line": self.line, "field": self.field, "value": self.value,
                "reason": self.reason, "record_id": self.record_id, "column": self.column}


@attrs.frozen
class FileCount:
    """Rows read, accepted and rejected in one file (``read == accepted + rejected``)."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"read": self.read, "accepted": self.accepted, "rejected": self.rejected}


@attrs.frozen
class ReadReport:
    """What reading the input did: counts (always ``read == accepted + rejected``), every
    rejection, per-file counts keyed by file name, and notes about the files (ignored columns,
    skipped empty rows…)."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejections: tuple[Rejection, ...] = ()
    files: Mapping[str, FileCount] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # The rejections can be millions of rows: counts only (they are in ``rejections``).
        return (f"ReadReport(read={self.read}, accepted={self.accepted}, "
                f"rejected={self.rejected}, files={len(self.files)})")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: counts, ``files``, ``rejected`` (the rejections) and ``notes``."""
        return {
            "read": self.read, "accepted": self.accepted, "rejected": self.rejected,
            "files": {name: count.to_dict() for name, count in self.files.items()},
            "rejections": [r.to_dict() for r in self.rejections],
            "notes": list(self.notes),
        }


class ReportBuilder:
    """Collects counts, rejections and notes while files are read; :meth:`build` freezes them.

    Pass one builder to several :func:`iter_records` calls to get one report for all of them.
    A file's ``read`` count is added when its iterator finishes or is closed.
    """

    def __init__(self) -> None:
        self._read: dict[str, int] = {}
        self._rejected: dict[str, int] = {}
        self.rejections: list[Rejection] = []
        self.notes: list[str] = []

    def add_read(self, file: str, rows: int) -> None:
        """Count ``rows`` data rows read from ``file`` (registers the file even for 0)."""
        if not isinstance(file, str):
            raise PolicyError("must be a file name (text)", record="ReportBuilder",
                              field="file", value=file)
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise PolicyError("must be a whole number of rows, 0 or more",
                              record="ReportBuilder", field="rows", value=rows)
        self._read[file] = self._read.get(file, 0) + rows
        self._rejected.setdefault(file, 0)

    def reject(self, rejection: Rejection) -> None:
        """Record a rejected row (a row already counted as read, or about to be)."""
        if not isinstance(rejection, Rejection):
            raise PolicyError("must be a Rejection", record="ReportBuilder", field="rejection",
                              value=rejection)
        self.rejections.append(rejection)
        self._rejected[rejection.file] = self._rejected.get(rejection.file, 0) + 1

    def note(self, text: str) -> None:
        """Add a note to the report (once: a note already there is not repeated)."""
        if not isinstance(text, str):
            raise PolicyError("must be text", record="ReportBuilder", field="note", value=text)
        if text not in self.notes:
            self.notes.append(text)

    def add_all(self, other: ReportBuilder) -> None:
        """Add what ``other`` collected (its files' read counts, rejections and notes) after
        what this builder holds: the report of several readings, in their order."""
        if not isinstance(other, ReportBuilder):
            raise PolicyError("must be a ReportBuilder", record="ReportBuilder", field="other",
                              value=other)
        for name, rows in other._read.items():
            self.add_read(name, rows)
        for rejection in other.rejections:
            self.reject(rejection)
        for note in other.notes:
            self.note(note)

    def build(self) -> ReadReport:
        files = {
            name: FileCount(read, read - self._rejected.get(name, 0),
                            self._rejected.get(name, 0))
            for name, read in self._read.items()
        }
        read = sum(c.read for c in files.values())
        rejected = sum(c.rejected for c in files.values())
        return ReadReport(read, read - rejected, rejected, tuple(self.rejections), files,
                          tuple(self.notes))


# ---------------------------------------------------------------------------------------------
# what each kind of file holds


@attrs.frozen
class SupplementRow:
    """A row of the supplements file: the request and the dossier it belongs to (docs/inputs.md).

    The supplements file is read before the dossiers so that each dossier can be built with its
    requests; ``line`` lets a request whose dossier never appears be rejected afterwards.
    """

    dossier_id: str
    request: SupplementRequest
    line: int = 0


def _supplement_row(dossier_id: Any = None, requested_at: Any = None, supplied_at: Any = None,
                    line: int = 0) -> SupplementRow:
    if not isinstance(dossier_id, str) or not dossier_id.strip():
        raise RecordError("must be a non-empty string", record="SupplementRequest",
                          field="dossier_id", value=dossier_id)
    return SupplementRow(dossier_id, SupplementRequest(requested_at, supplied_at), line)


@attrs.frozen
class _Field:
    name: str
    conv: v.Converter
    default: Any
    is_flag: bool
    passed: bool  # False for helper columns that only feed another field
    required: bool  # the record has no default: passed as None when absent, and refused there
    #: A code many rows repeat (the unit, procedure or staff member a row names): each
    #: distinct value is kept once (``sys.intern``), not once a row.
    shared: bool = False


@attrs.frozen
class _Kind:
    name: str
    make: Callable[..., Any]
    fields: tuple[_Field, ...]
    aliases: Mapping[str, str]  # folded column name → field
    required: tuple[tuple[str, ...], ...]  # each: at least one of these columns must exist
    key: tuple[str, ...]  # duplicate rows (same key) are rejected; () for none
    key_label: str
    id_fields: tuple[str, ...]
    unit_ref: str | None  # checked against the units file when there is one
    procedure_ref: str | None  # checked against the procedures file when there is one
    fast: bool  # the CSV fast path applies
    line_arg: bool  # make() takes the line number

    def spelled(self, field: str) -> str:
        names = FIELDS[self.name][field]
        return field if len(names) == 1 else f"{field} ({'/'.join(names[1:])})"


_TEXT = v.text
_ID = v.ident  # ids and the columns naming a record: at most v.MAX_ID_LENGTH characters
_CONVERTERS: dict[str, dict[str, v.Converter]] = {
    "units": {"id": _ID, "name": _TEXT, "level": v.unit_level, "parent_id": _ID},
    "procedures": {
        "code": _ID, "name": _TEXT, "time_limit": _TEXT, "time_limit_unit": _TEXT,
        "online_level": v.online_level, "has_fee": v.flag, "requires_paper_result": v.flag,
        "for_individuals": v.flag, "published": v.flag, "complete_elements": v.flag,
    },
    "authorities": {"unit_id": _ID, "procedure_code": _ID, "online_level": v.online_level},
    "communes": {"unit_id": _ID, "offers_electronic_certified_copy": v.flag},
    "supplements": {"dossier_id": _ID, "requested_at": v.moment, "supplied_at": v.moment},
    "dossiers": {
        "id": _ID, "procedure_code": _ID, "unit_id": _ID, "staff_id": _TEXT,
        "channel": v.channel, "submitted_at": v.moment, "received_at": v.moment,
        "due_at": v.moment, "finished_at": v.moment, "returned_at": v.moment,
        "stopped_at": v.moment, "new_due_at": v.moment, "synced_to_portal": v.flag,
        "submitted_via_portal": v.flag, "has_fee_data": v.flag, "paid_online": v.paid_online,
        "has_electronic_result": v.flag, "result_code": _TEXT, "result_file": _TEXT,
        "components_digitized": v.flag, "reuses_digitized_data": v.flag,
        "uses_personal_data_store": v.flag, "uses_population_data": v.flag,
        "processing_time": v.amount,
    },
    "petitions": {
        "id": _ID, "unit_id": _ID, "dossier_id": _ID, "classification": v.petition_class,
        "received_at": v.moment, "transferred_at": v.moment, "refused_at": v.moment,
        "supplement_requested_at": v.moment, "ready_at": v.moment, "published_at": v.moment,
        "likes": v.count, "dislikes": v.count, "followed_by_complaint": v.flag,
        "sent_at": v.moment, "awaiting_since": v.moment,
    },
    "ratings": {"dossier_id": _ID, "unit_id": _ID, "staff_id": _TEXT, "rated_at": v.moment,
                "rating": v.rating_value},
    "announcements": {
        "procedure_code": _ID, "unit_id": _ID, "decision_no": _TEXT,
        "decision_date": v.moment, "kind": v.announcement_kind,
        "legal_basis_effective_date": v.moment, "published_at": v.moment,
        "authority_level": v.unit_level,
    },
    "postings": {"unit_id": _ID, "period": _TEXT, "complete": v.flag},
}
_MAKERS: dict[str, Callable[..., Any]] = {
    "units": Unit, "procedures": Procedure, "authorities": Authority, "communes": Commune,
    "supplements": _supplement_row, "dossiers": Dossier, "petitions": Petition, "ratings": Rating,
    "announcements": Announcement, "postings": Posting,
}
_HELPERS = {"result_code", "result_file", "time_limit_unit"}


def _kind(name: str, *, required: tuple[tuple[str, ...], ...], key: tuple[str, ...] = (),
          key_label: str = "", id_fields: tuple[str, ...] = (), unit_ref: str | None = None,
          procedure_ref: str | None = None, fast: bool = True) -> _Kind:
    make = _MAKERS[name]
    defaults = ({a.name: a.default for a in attrs.fields(make)}
                if isinstance(make, type) and attrs.has(make) else {})
    fields = []
    aliases: dict[str, str] = {}
    # A field in columns.FIELDS without a converter here is read as an unknown column.
    for field, names in FIELDS[name].items():
        conv = _CONVERTERS[name].get(field)
        if conv is None:
            continue
        default = defaults.get(field)
        no_default = default is attrs.NOTHING
        if no_default:
            default = None
        fields.append(_Field(field, conv, default, conv is v.flag, field not in _HELPERS,
                             no_default, field in _SHARED))
        for alias in names:
            aliases.setdefault(fold_name(alias), field)
    return _Kind(name, make, tuple(fields), aliases, required, key, key_label, id_fields,
                 unit_ref, procedure_ref, fast, name == "supplements")


#: The fields whose values many rows repeat (see ``_Field.shared``): at 1M dossiers, one copy
#: of each unit, procedure and staff code instead of three new strings a row (~170 bytes).
_SHARED = frozenset({"unit_id", "procedure_code", "staff_id"})


RECORD_KINDS: dict[str, _Kind] = {
    "units": _kind("units", required=(("id",),), key=("id",), key_label="unit id",
                   id_fields=("id",)),
    "procedures": _kind("procedures", required=(("code",),), key=("code",),
                        key_label="procedure code", id_fields=("code",), fast=False),
    "authorities": _kind("authorities", required=(("unit_id",), ("procedure_code",)),
                         key=("unit_id", "procedure_code"), key_label="unit and procedure",
                         id_fields=("unit_id", "procedure_code"), unit_ref="unit_id",
                         procedure_ref="procedure_code"),
    "communes": _kind("communes", required=(("unit_id",), ("offers_electronic_certified_copy",)),
                      key=("unit_id",), key_label="commune unit id", id_fields=("unit_id",),
                      unit_ref="unit_id"),
    "supplements": _kind("supplements", required=(("dossier_id",), ("requested_at",)),
                         id_fields=("dossier_id",)),
    "dossiers": _kind("dossiers", required=(("id",), ("procedure_code",), ("unit_id",),
                                            ("received_at", "submitted_at")),
                      key=("id",), key_label="dossier id", id_fields=("id",),
                      unit_ref="unit_id", procedure_ref="procedure_code"),
    "petitions": _kind("petitions", required=(("id",), ("unit_id",), ("received_at",)),
                       key=("id",), key_label="petition id", id_fields=("id",),
                       unit_ref="unit_id"),
    "ratings": _kind("ratings", required=(("unit_id",), ("rating",)),
                     id_fields=("dossier_id", "unit_id"), unit_ref="unit_id"),
    "announcements": _kind("announcements",
                           required=(("procedure_code",), ("unit_id",), ("decision_date",)),
                           id_fields=("decision_no", "procedure_code"), unit_ref="unit_id"),
    "postings": _kind("postings", required=(("unit_id",), ("period",), ("complete",)),
                      key=("unit_id", "period"), key_label="unit and period",
                      id_fields=("unit_id", "period"), unit_ref="unit_id"),
}
assert tuple(RECORD_KINDS) == KINDS


def database_codes(value: Any) -> frozenset[str]:
    """The ``population_databases`` argument checked: the MaCSDL codes, stripped."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection) or not all(
            isinstance(c, str) and c.strip() for c in value):
        raise PolicyError("must be a collection of MaCSDL codes (non-empty strings)",
                          field="population_databases", value=value)
    return frozenset(c.strip() for c in value)


def detect_format(path: StrPath) -> Format:
    """``csv``, ``jsonl``, ``json``, ``xlsx`` or ``parquet`` from the file name; InputError for
    anything else."""
    if not isinstance(path, str | os.PathLike):
        raise PolicyError("must be a file name or path", record="detect_format", field="path",
                          value=path)
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError("cannot tell the format from the file name (expected .csv, .jsonl, "
                         ".ndjson, .json, .xlsx or .parquet)", file=os.fspath(path))
    return fmt


# ---------------------------------------------------------------------------------------------
# building one record


class _Blank:
    """A row with no value at all (a spreadsheet's empty line): skipped, counted in a note."""


BLANK: Final = _Blank()
_UNSET: Final[Any] = object()
Cells = dict[str, list[tuple[str, Any]]]  # field → [(column as spelled, raw value)]


def _raw_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return _clip(raw)
    return _clip(json.dumps(raw, ensure_ascii=False, default=str))


def _time_limit(text: str, unit: str | None) -> TimeLimit:
    """docs/inputs.md: the database's text, or a number with its DonViTinh unit."""
    if unit:
        try:
            return TimeLimit.parse(text, unit)
        except RecordError as first:
            # The text may carry its own unit ("15 ngày làm việc") next to a DonViTinh column.
            try:
                return TimeLimit.parse(text)
            except RecordError:
                raise v.CellError(first.rule) from None
    try:
        return TimeLimit.parse(text)
    except RecordError as exc:
        raise v.CellError(exc.rule) from None


class RecordReader:
    """State for reading one file: where rejections go, what to check, the ids seen so far."""

    def __init__(self, kind: _Kind, file: str, builder: ReportBuilder, strict: bool,
                 procedures: Container[str] | None, unit_ids: Container[str] | None,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None) -> None:
        if not isinstance(builder, ReportBuilder):
            raise PolicyError("must be a ReportBuilder or None", field="report_builder",
                              value=builder)
        for name, given in (("procedures", procedures), ("unit_ids", unit_ids)):
            if given is not None and (isinstance(given, str | bytes)
                                      or not isinstance(given, Container)):
                raise PolicyError("must be a collection of codes (a set, a mapping) or None",
                                  field=name, value=given)
        if supplements is not None and not isinstance(supplements, Mapping):
            raise PolicyError("must be a mapping of dossier id to its requests or None",
                              field="supplements", value=supplements)
        self.kind = kind
        self.file = file
        self.builder = builder
        self.strict = strict
        self.procedures = procedures if kind.procedure_ref else None
        self.unit_ids = unit_ids if kind.unit_ref else None
        self.supplements = supplements if kind.name == "dossiers" else None
        self.population_databases: Collection[str] = national.POPULATION_DATABASES
        self.seen: dict[Any, int] = {}
        self.columns: dict[str, str] = {}  # field → column as spelled, for rejections
        self.read = 0
        self.blank = 0
        self.unknown: dict[str, None] = {}
        self.procedure_of = attrgetter(kind.procedure_ref or "")
        self.unit_of = attrgetter(kind.unit_ref or "")
        self.key_of = attrgetter(*kind.key) if kind.key else None

    # -- rejections ---------------------------------------------------------------------------

    def reject(self, line: int, field: str | None, value: str, reason: str,
               record_id: str | None = None, column: str | None = None) -> None:
        rejection = Rejection(self.file, line, field, value, reason, record_id,
                              column if column is not None else self.columns.get(field or ""))
        self.builder.reject(rejection)
        if self.strict:
            raise InputError(reason, file=self.file, line=line, record=record_id, field=field,
                             value=value)

    def record_id(self, cells: Cells) -> str | None:
        parts = []
        for field in self.kind.id_fields:
            for _, raw in cells.get(field, ()):
                text = raw.strip() if isinstance(raw, str) else "" if raw is None else str(raw)
                if text:
                    # An id too long to be one (v.MAX_ID_LENGTH) is shown cut, as values are.
                    parts.append(text if len(text) <= v.MAX_ID_LENGTH else _clip(text))
                    break
        return "/".join(parts) or None

    # -- checks after the record is built -----------------------------------------------------

    def accept(self, record: Any, line: int) -> bool:
        """Duplicate and reference checks (docs/inputs.md); False when the record is rejected.

        The key is claimed first, so a row rejected for naming an unknown unit still makes a
        later row with the same id a duplicate, as a row rejected for a bad cell does.
        """
        if self.key_of is not None:
            key = self.key_of(record)
            first = self.seen.setdefault(key, line)
            if first != line:
                shown = key if isinstance(key, str) else "/".join(key)
                self.reject(line, self.kind.key[0], shown,
                            f"duplicate {self.kind.key_label} '{shown}': first seen on line "
                            f"{first}", self._id_of(record))
                return False
        if self.procedures is not None:
            code = self.procedure_of(record)
            if code not in self.procedures:
                self.reject(line, self.kind.procedure_ref, code,
                            f"unknown procedure code '{code}': not in the procedures file",
                            self._id_of(record))
                return False
        if self.unit_ids is not None:
            unit = self.unit_of(record)
            if unit not in self.unit_ids:
                self.reject(line, self.kind.unit_ref, unit,
                            f"unknown unit id '{unit}': not in the units file",
                            self._id_of(record))
                return False
        return True

    def _id_of(self, record: Any) -> str | None:
        parts = [getattr(record, f) for f in self.kind.id_fields]
        return "/".join(str(p) for p in parts if p) or None

    def _remember(self, cells: Cells, line: int) -> None:
        """A rejected row still claims its key, so a later row with the same key is flagged
        as a duplicate rather than silently winning."""
        if not self.kind.key:
            return
        parts = []
        for field in self.kind.key:
            entries = cells.get(field)
            raw = entries[0][1] if entries else None
            if not isinstance(raw, str) or not raw.strip():
                return
            if len(raw) > v.MAX_ID_LENGTH and len(raw.strip()) > v.MAX_ID_LENGTH:
                return  # never an id: every row with it is rejected for its length
            parts.append(raw.strip())
        self.seen.setdefault(parts[0] if len(parts) == 1 else tuple(parts), line)

    # -- the general path ---------------------------------------------------------------------

    def build(self, cells: Cells, line: int) -> Any:
        """Convert cell by cell and build the record; None when the row was rejected."""
        kind = self.kind
        kw: dict[str, Any] = {}
        raws: dict[str, tuple[str | None, Any]] = {}
        for fs in kind.fields:
            entries = cells.get(fs.name)
            if entries is None:
                if fs.required:
                    kw[fs.name] = None  # so the record says what is missing
                continue
            value = _UNSET
            null = False
            for column, raw in entries:
                if raw is None:
                    null = True
                    continue
                if isinstance(raw, str):
                    item: Any = raw.strip()
                    if not item:
                        continue
                else:
                    item = raw
                try:
                    converted = fs.conv(item)
                except v.CellError as exc:
                    self._remember(cells, line)
                    self.reject(line, fs.name, _raw_text(raw), exc.reason, self.record_id(cells),
                                column)
                    return None
                if converted is v.ABSENT:
                    null = True
                elif value is _UNSET:
                    if fs.shared and type(converted) is str:
                        converted = sys.intern(converted)
                    value = converted
                    raws[fs.name] = (column, raw)
                elif converted != value:
                    first_column, first_raw = raws[fs.name]
                    self._remember(cells, line)
                    self.reject(line, fs.name, _raw_text(raw),
                                f"columns {first_column} ({_raw_text(first_raw)!r}) and {column} "
                                f"({_raw_text(raw)!r}) disagree", self.record_id(cells), column)
                    return None
            if value is _UNSET:
                # docs/inputs.md: a flag column that exists but is empty means False; an explicit
                # null/"n/a" means not reported, as if the column were missing.
                value = False if fs.is_flag and not null else fs.default
            kw[fs.name] = value
        where: tuple[str | None, Any]
        try:
            self._finish(kw, cells, line)
        except v.CellError as exc:
            where = raws.get("time_limit", (None, ""))
            self._remember(cells, line)
            self.reject(line, "time_limit", _raw_text(where[1]), exc.reason,
                        self.record_id(cells), where[0])
            return None
        try:
            return kind.make(**kw)
        except RecordError as exc:
            field = exc.field
            if field is not None and field in raws:
                where = raws[field]
                shown = _raw_text(where[1])
            else:
                where = (None, None)
                shown = "" if exc.value is None else _raw_text(
                    exc.value.isoformat() if hasattr(exc.value, "isoformat") else exc.value)
            reason = exc.rule
            if field == "supplements":
                reason += " (a row of the supplements file for this dossier)"
            self._remember(cells, line)
            self.reject(line, field, shown, reason, self.record_id(cells), where[0])
            return None
        except (TypeError, ValueError, OverflowError) as exc:
            self._remember(cells, line)
            self.reject(line, None, "", f"could not build the record: {exc}",
                        self.record_id(cells))
            return None

    def _finish(self, kw: dict[str, Any], cells: Cells, line: int) -> None:
        name = self.kind.name
        if name == "dossiers":
            code = kw.pop("result_code", None)
            path = kw.pop("result_file", None)
            # docs/glossary.md: the result is electronic when both MaKetQua and
            # DuongDanTepTinKetQua are
            # filled; an explicit has_electronic_result column wins.
            if ("has_electronic_result" not in cells and "result_code" in cells
                    and "result_file" in cells):
                kw["has_electronic_result"] = bool(code and path)
            if self.supplements is not None:
                kw["supplements"] = self.supplements.get(kw.get("id") or "", ())
        elif name == "procedures":
            text = kw.pop("time_limit", None)
            unit = kw.pop("time_limit_unit", None)
            if text is not None:
                kw["time_limit"] = _time_limit(text, unit)
        elif self.kind.line_arg:
            kw["line"] = line

    # -- bookkeeping --------------------------------------------------------------------------

    def close(self) -> None:
        self.builder.add_read(self.file, self.read)
        if self.blank:
            self.builder.note(f"{self.file}: {self.blank} empty row(s) skipped")
        if self.unknown:
            self.builder.note(f"{self.file}: ignored unknown column(s) "
                              f"{', '.join(self.unknown)}")


# ---------------------------------------------------------------------------------------------
# files given as paths or as file objects


class _EncodedText:
    """A text file object read as UTF-8 bytes (the readers work on bytes)."""

    def __init__(self, f: IO[str]) -> None:
        self.f = f

    def read(self, size: int = -1) -> bytes:
        return self.f.read(size).encode("utf-8")

    def readline(self) -> bytes:
        return self.f.readline().encode("utf-8")

    def __iter__(self) -> Iterator[bytes]:
        return (line.encode("utf-8") for line in self.f)


@contextlib.contextmanager
def _binary(source: Path | FileObject) -> Iterator[Any]:
    """A binary stream of ``source``: the file opened (and closed) for a path, the object itself
    (left open: it belongs to the caller) for a binary file object, UTF-8 bytes of a text one."""
    if isinstance(source, Path):
        with source.open("rb") as f:
            yield f
    elif isinstance(source.read(0), str):
        yield _EncodedText(source)  # type: ignore[arg-type]
    else:
        yield source


class _LineEnds:
    """The bytes of a CSV file whose lines end with a lone CR (old Mac OS exports), with those
    line ends read as LF; any other file is passed through unchanged.

    The first line end decides: when it is a lone ``\r``, every ``\r\n`` and every other
    ``\r`` is a line end, so lines are numbered as the file shows them. (A CR inside a quoted
    cell of such a file becomes a LF, which is what the cell meant.)
    """

    def __init__(self, head: bytes, f: Any) -> None:
        self.head = head
        self.f = f

    @staticmethod
    def wrap(f: Any) -> Any:
        head = f.read(_BLOCK)
        cr, lf = head.find(b"\r"), head.find(b"\n")
        if cr < 0 or (0 <= lf < cr) or head[cr + 1:cr + 2] == b"\n":
            return _Prefixed(head, f)
        return _LineEnds(head, f)

    def read(self, size: int = -1) -> bytes:
        if self.head:
            block, self.head = self.head, b""
        else:
            block = self.f.read(size)
        if block.endswith(b"\r"):  # a CR LF pair split between two reads
            block += self.f.read(1)
        return block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


class _Prefixed:
    """A binary stream with its first bytes, already read, put back in front."""

    def __init__(self, head: bytes, f: Any) -> None:
        self.head = head
        self.f = f

    def read(self, size: int = -1) -> bytes:
        if self.head:
            block, self.head = self.head, b""
            return block
        data: bytes = self.f.read(size)
        return data


# ---------------------------------------------------------------------------------------------
# CSV


def _split_exact(text: str) -> list[str]:
    """Lines ending at '\\n' only (str.splitlines also splits at '\\r', '\\x1c', U+2028…)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def decode_block(block: bytes, first_line: int, bad: set[int]) -> list[str]:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        lines = []
        for offset, piece in enumerate(_split_exact_bytes(block)):
            try:
                lines.append(piece.decode("utf-8"))
            except UnicodeDecodeError:
                bad.add(first_line + offset)
                lines.append(piece.decode("utf-8", "replace"))
        return lines
    lines = text.splitlines(keepends=True)
    if len(lines) != block.count(b"\n") + (not block.endswith(b"\n")):
        lines = _split_exact(text)
    return lines


def _split_exact_bytes(block: bytes) -> list[bytes]:
    parts = block.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def decoded_blocks(f: IO[bytes], file: str, bad: set[int], line: int = 1,
                    carry: bytes = b"") -> Iterator[list[str]]:
    """The file's physical lines, a block at a time, decoded as UTF-8 (a BOM is dropped).

    Undecodable lines are decoded with replacement characters and their numbers put in ``bad``
    so the row they belong to can be rejected, instead of failing the whole file. ``line`` and
    ``carry`` continue a file read up to here: the number of the next line and the bytes of it
    already read. A file whose lines end with a lone CR is read as if they ended with LF
    (:class:`_LineEnds`).
    """
    if line == 1 and not carry:
        f = _LineEnds.wrap(f)
    block = f.read(_BLOCK)
    if line == 1 and not carry and block.startswith(codecs.BOM_UTF8):
        block = block[len(codecs.BOM_UTF8):]
    while block:
        if b"\x00" in block:  # anywhere in the file, not only in its first block
            raise nul_bytes(file)
        if carry:
            block = carry + block
        cut = block.rfind(b"\n") + 1
        carry = block[cut:]
        if cut:
            block = block[:cut]
            yield decode_block(block, line, bad)
            line += block.count(b"\n")
        block = f.read(_BLOCK)
    if carry:
        yield decode_block(carry, line, bad)


def nul_bytes(file: str) -> InputError:
    """The error for a text file (CSV, JSON Lines) with a NUL byte anywhere: UTF-16 or a binary
    file saved under a text name, refused as a whole (docs/inputs.md, Formats) on every reading
    path, wherever in the file the NUL is."""
    return InputError("not a UTF-8 text file (it contains NUL bytes: binary, or UTF-16?)",
                      file=file)


def csv_header(reader: RecordReader, lines: Iterator[str], bad: set[int],
                ) -> tuple[int, str, _Plan, int] | None:
    """Read up to the header (the first non-blank line) and resolve it: ``(header line number,
    delimiter, plan, number of columns)``, or ``None`` (noted) for an empty file."""
    header_no = 0
    header = ""
    for header in lines:
        header_no += 1
        if header.strip():
            break
    if not header.strip():
        reader.builder.note(f"{reader.file}: empty file")
        return None
    if header_no in bad:
        raise InputError("the header line is not UTF-8 text (save the file as UTF-8)",
                         file=reader.file, line=header_no)
    delimiter = max((",", ";", "\t"), key=header.count)
    try:
        names = next(csv.reader([header], delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"the header line cannot be read as CSV ({exc})", file=reader.file,
                         line=header_no) from None
    return header_no, delimiter, _plan(reader, names), len(names)


def check_csv_file(path: Path, kind: str) -> None:
    """Raise, without reading its rows, every error reading the CSV file ``path`` of ``kind``
    with ``strict=False`` would raise (docs/inputs.md, Formats), in the order reading meets
    them: a file that cannot be opened, a NUL byte in its first block, a header that is not
    UTF-8 or not CSV, a required column missing, a NUL byte anywhere after the header."""
    reader = RecordReader(RECORD_KINDS[kind], path.name, ReportBuilder(), False, None, None, None)
    bad: set[int] = set()
    try:
        with path.open("rb") as f:
            lines = itertools.chain.from_iterable(decoded_blocks(f, reader.file, bad))
            csv_header(reader, lines, bad)
            f.seek(0)
            while block := f.read(_BLOCK):
                if b"\x00" in block:
                    raise nul_bytes(reader.file)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None


#: Bytes read from the end of a dossiers file by :func:`receipt_year_hint`.
_HINT_BYTES = 1 << 16


def receipt_year_hint(path: Path) -> int | None:
    """The year of the latest receipt (NgayTiepNhan, else NgayNopHoSo) among the last lines of
    a dossiers CSV file, read as they are, without checking the rows: only a hint (exports are
    mostly in receipt order), ``None`` when there is none to read (not CSV, no such column, no
    readable moment there)."""
    if path.suffix.lower() != ".csv":
        return None
    reader = RecordReader(RECORD_KINDS["dossiers"], path.name, ReportBuilder(), False, None,
                          None, None)
    try:
        with path.open("rb") as f:
            head_lines = itertools.chain.from_iterable(decoded_blocks(f, reader.file, set()))
            head = csv_header(reader, head_lines, set())
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _HINT_BYTES))
            tail = f.read().decode("utf-8", errors="replace").splitlines()[1:]
    except (OSError, InputError, csv.Error):
        return None
    if head is None:
        return None
    _, delimiter, plan, _ = head
    columns = [found[0][0] for name in ("received_at", "submitted_at")
               if (found := plan.columns.get(name))]
    years = []
    for row in csv.reader(tail, delimiter=delimiter):
        for column in columns:
            if column < len(row) and row[column].strip():
                with contextlib.suppress(ValueError):
                    years.append(v.parse_moment(row[column].strip()).year)
                break
    return max(years, default=None)


def _iter_csv(reader: RecordReader, path: Path | FileObject) -> RecordStream[Any]:
    bad: set[int] = set()
    read = 0
    try:
        with _binary(path) as f:
            lines = itertools.chain.from_iterable(decoded_blocks(f, reader.file, bad))
            head = csv_header(reader, lines, bad)
            if head is None:
                return
            header_no, delimiter, plan, ncols = head
            plain_rows = plain_reader(reader, plan.columns)
            items = numbered_rows(csv.reader(lines, delimiter=delimiter), header_no)
            # The checks of RecordReader.accept, inlined for the common case of a record that passes
            # them; any failure goes to accept(), which names it.
            key_of, claim = reader.key_of, reader.seen.setdefault
            procedures, procedure_of = reader.procedures, reader.procedure_of
            unit_ids, unit_of = reader.unit_ids, reader.unit_of
            for batch in batches(items, PLAIN_BATCH):
                # The plain rows of the batch read at once (never on a file with an undecodable
                # line: the general path rejects that line); None for the others.
                # Reversed and popped, so a record handed on is held by nothing here.
                plain = (plain_rows.csv_rows(
                    [row for _, _, row in batch if type(row) is list and len(row) == ncols],
                    [start for start, _, row in batch
                     if type(row) is list and len(row) == ncols])
                    if plain_rows is not None and not bad else [])
                plain.reverse()
                for start, last, row in batch:
                    if type(row) is not list:  # a csv.Error
                        read += 1
                        reader.reject(start, None, "", f"unreadable CSV row: {row}")
                        continue
                    record = plain.pop() if plain and len(row) == ncols else None
                    if not row:
                        continue
                    read += 1
                    if record is None:
                        record = slow_csv_row(reader, plan, row, ncols, start, last, bad,
                                               delimiter)
                        if record is None:
                            continue
                        if record is BLANK:
                            read -= 1
                            reader.blank += 1
                            continue
                    if (((key_of is None or claim(key_of(record), start) == start)
                            and (procedures is None or procedure_of(record) in procedures)
                            and (unit_ids is None or unit_of(record) in unit_ids))
                            or reader.accept(record, start)):
                        yield record
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        reader.read += read
        reader.close()


def numbered_rows(rows: Any, header_no: int) -> Iterator[tuple[int, int, list[str] | csv.Error]]:
    """A ``csv.reader``'s rows (its first line is line ``header_no + 1``) as ``(first line,
    last line, row)``, a row over several lines named by its first; an unreadable row as its
    ``csv.Error`` in place of the row, and reading goes on."""
    last = header_no
    while True:
        try:
            for row in rows:
                start = last + 1
                last = header_no + rows.line_num
                yield start, last, row
            return
        except csv.Error as exc:
            start = last + 1
            last = header_no + rows.line_num
            yield start, last, exc


#: Rows read at once by :meth:`PlainRows.csv_rows` (a few hundred: the cost of a batch is paid
#: once for them, and the rows of one batch stay small in memory).
PLAIN_BATCH = 256


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter). When taking an item raises,
    the items taken before it come first, as a batch, and then the error: a reader that stops
    at a bad row (strict mode) still handles every row before it, in order."""
    batch: list[T] = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


@attrs.frozen
class _Plan:
    columns: dict[str, list[tuple[Any, str]]]  # field → [(index, column as spelled)]


def _plan(reader: RecordReader, names: list[str]) -> _Plan:
    """Resolve the header once (docs/inputs.md: English or national names, folded)."""
    kind = reader.kind
    columns: dict[str, list[tuple[Any, str]]] = {}
    for index, name in enumerate(names):
        field = kind.aliases.get(fold_name(name))
        if field is None:
            reader.unknown[name.strip() or f"(unnamed column {index + 1})"] = None
            continue
        columns.setdefault(field, []).append((index, name.strip()))
    for options in kind.required:
        if not any(option in columns for option in options):
            wanted = " or ".join(kind.spelled(o) for o in options)
            raise InputError(f"no {wanted} column: the {kind.name} file cannot be read without "
                             "it", file=reader.file, line=1, field=options[0])
    for field, found in columns.items():
        reader.columns[field] = found[0][1]
        if len(found) > 1:
            reader.builder.note(
                f"{reader.file}: columns {', '.join(n for _, n in found)} all give {field}; "
                "the first non-empty one is used and rows where they disagree are rejected")
    if kind.name == "dossiers" and "has_electronic_result" not in columns:
        has_code, has_file = "result_code" in columns, "result_file" in columns
        if has_code != has_file:
            reader.builder.note(
                f"{reader.file}: has_electronic_result needs both MaKetQua and "
                "DuongDanTepTinKetQua; with only one of them it is left as not reported")
    return _Plan(columns)


def slow_csv_row(reader: RecordReader, plan: _Plan, row: list[str], ncols: int, start: int,
                  end: int, bad: set[int], delimiter: str) -> Any:
    if bad and any(n in bad for n in range(start, end + 1)):
        reader.reject(start, None, _clip(delimiter.join(row)),
                      "the line is not UTF-8 text (save the file as UTF-8)")
        return None
    if len(row) != ncols and (len(row) < ncols or any(cell.strip() for cell in row[ncols:])):
        if not any(cell.strip() for cell in row):
            return BLANK
        reader.reject(start, None, _clip(delimiter.join(row)),
                      f"the row has {len(row)} cells but the header has {ncols}")
        return None
    cells: Cells = {field: [(name, row[index]) for index, name in found]
                    for field, found in plan.columns.items()}
    if not any(cell.strip() for cell in row):
        return BLANK
    return reader.build(cells, start)


def plain_reader(reader: RecordReader, columns: Mapping[str, list[tuple[Any, str]]],
                 json_mode: bool = False, numbers: bool = False) -> PlainRows | None:
    """The reader of plain rows for one header or key set (:class:`PlainRows`), or ``None``
    when the kind has none (procedures: several columns make one time limit) or a field has
    several columns (the general path chooses among them).

    ``json_mode``: the row is a JSON object read by key (``null`` is a cell, ``true``/``false``
    a flag); ``numbers``: cells made plain (:func:`~.cells.plain`), where a whole number may
    spell a word (a DataFrame's integer column).
    """
    kind = reader.kind
    if not kind.fast or any(len(found) > 1 for found in columns.values()):
        return None
    if kind.name == "dossiers" and reader.supplements is not None and not columns.get("id"):
        return None  # the supplements are found by the id
    return PlainRows(reader, columns, json_mode, numbers)


#: The kinds of cell :class:`PlainRows` converts, one step per field.
_STRIPPED, _MOMENT, _LOOKED_UP, _CONVERTED = "stripped", "moment", "looked up", "converted"


class PlainRows:
    """The reader of plain rows for one header (CSV rows by position) or one key set (JSON
    objects by key), made from the record kind's schema (:data:`RECORD_KINDS`): each field's
    converter, default and column, with no code of its own about a cell.

    CSV rows are read a batch at a time, column by column (:meth:`csv_rows`): text and ids
    stripped (an empty cell the field's default), moments parsed, spellings looked up in a
    table made by the field's own converter (:func:`fast_table`), other cells converted; a JSON
    object is read by key (:meth:`json_row`), where ``null`` is a cell and a number has no
    ``.strip``. Anything unusual (an unknown word, an odd date, a number where text is expected,
    an id too long, a record error) leaves the row to the general path, which names the cell;
    so this reader never decides a rejection, and gives the general path's answer whenever it
    answers. Helper columns are converted too, so a bad value there leaves the row to the
    general path as it fails there, even when it is not used.
    """

    __slots__ = (
        "_arrange",
        "_bools",
        "_cells",
        "_constants",
        "_defaults",
        "_derived_result",
        "_id_at",
        "_id_slots",
        "_keywords",
        "_make",
        "_moments",
        "_other",
        "_positions",
        "_shared",
        "_steps",
        "_supplements",
        "_tables",
        "_texts",
        "_with_line",
    )

    def __init__(self, reader: RecordReader, columns: Mapping[str, list[tuple[Any, str]]],
                 json_mode: bool, numbers: bool) -> None:
        kind = reader.kind
        texts: list[_Field] = []
        moments: list[_Field] = []
        looked_up: list[_Field] = []
        other: list[_Field] = []
        tables: list[dict[Any, Any]] = []
        bools: list[dict[Any, Any]] = []
        where: dict[str, Any] = {}
        for fs in kind.fields:
            found = columns.get(fs.name)
            if not found:
                continue
            where[fs.name] = found[0][0] if json_mode else int(found[0][0])
            if fs.conv is v.text or fs.conv is v.ident:
                texts.append(fs)
            elif fs.conv is v.moment:
                moments.append(fs)
            elif table := fast_table(fs, json_mode, numbers):
                looked_up.append(fs)
                tables.append(table)
                # true and false would find the keys 1 and 0: a boolean has its own table
                bools.append({b: value for b in (True, False)
                              if (value := _read_cell(fs, b)) is not v.ABSENT})
            else:
                other.append(fs)
        order = texts + moments + looked_up + other  # the converted values, in this order

        def pick(fields: list[_Field]) -> Callable[[Any], tuple[Any, ...]]:
            return _picker([where[fs.name] for fs in fields])

        self._texts = pick(texts)
        self._defaults = tuple(fs.default for fs in texts)
        self._id_slots = tuple(n for n, fs in enumerate(texts) if fs.conv is v.ident)
        self._moments = pick(moments)
        self._tables = pick(looked_up), tuple(tables)
        self._bools = tuple(bools) if numbers else None
        self._other = (pick(other), tuple(fs.conv for fs in other),
                       tuple(fs.default for fs in other)) if other else None
        at = {fs.name: n for n, fs in enumerate(order)}
        self._shared = tuple(n for n, fs in enumerate(order) if fs.shared)
        passed = {fs.name: at[fs.name] for fs in order if fs.passed}
        extra: list[str] = []
        self._derived_result: tuple[int, int] | None = None
        self._supplements: Callable[[str, Any], Any] | None = None
        if kind.name == "dossiers":
            if ("has_electronic_result" not in columns and "result_code" in at
                    and "result_file" in at):
                self._derived_result = at["result_code"], at["result_file"]
                extra.append("has_electronic_result")
            if reader.supplements is not None:
                self._supplements = reader.supplements.get
                extra.append("supplements")
        self._id_at = at.get("id", 0)
        self._with_line = kind.line_arg
        if kind.line_arg:
            extra.append("line")
        for n, name in enumerate(extra):
            passed[name] = len(order) + n
        # Positional arguments for an attrs record (keyword matching is a measurable share of
        # the cost of building a dossier), keywords otherwise.
        make = kind.make
        constants: list[Any] = []
        positions: list[int] = []
        self._keywords: tuple[str, ...] | None = None
        fields = attrs.fields(make) if isinstance(make, type) and attrs.has(make) else None
        if fields is not None and all(f.init and not f.kw_only
                                      and not hasattr(f.default, "factory") for f in fields):
            for f in fields:
                if f.name in passed:
                    positions.append(passed[f.name])
                else:
                    positions.append(len(order) + len(extra) + len(constants))
                    constants.append(None if f.default is attrs.NOTHING else f.default)
        else:
            self._keywords = tuple(passed)
            positions = list(passed.values())
        self._constants = constants
        self._arrange = _picker(positions)
        self._positions = positions
        self._make = make
        self._cells = _picker([where[fs.name] for fs in order])
        self._steps: tuple[tuple[str, Any, Any], ...] = tuple(
            (_STRIPPED, {"": fs.default}, (fs.conv is v.ident, fs.shared)) if fs in texts
            else (_MOMENT, None, None) if fs in moments
            else (_LOOKED_UP, tables[looked_up.index(fs)], None) if fs in looked_up
            else (_CONVERTED, fs.conv, fs.default) for fs in order)

    def csv_row(self, row: Sequence[str], line: int = 0) -> Any:
        """The record of one CSV row (its cells by position), or ``None`` (see
        :meth:`csv_rows`)."""
        return self.csv_rows((row,), (line,))[0]

    def csv_rows(self, rows: Sequence[Sequence[str]],
                 lines: Iterable[int] | None = None) -> list[Any]:
        """The records of CSV rows (cells by position; ``lines`` their lines, for a record that
        keeps its line), in order, ``None`` for each row this reader does not vouch for: the
        general path reads those and names what is wrong.

        Column by column: each field's cells are taken from every row at once, converted in
        one pass (a failing pass is redone cell by cell, and only the rows with a failing cell
        are left out), and each record is made from its row's values.
        """
        n = len(rows)
        if not n:
            return []
        try:
            columns = list(zip(*map(self._cells, rows), strict=True))
        except (IndexError, KeyError, ValueError):  # a short row
            if n == 1:
                return [None]
            at = list(lines) if lines is not None else [0] * n
            return [self.csv_row(row, line) for row, line in zip(rows, at, strict=True)]
        left_out: set[int] = set()
        values: list[Iterable[Any]] = []
        parse = v.parse_moment
        for (kind, a, b), cells in zip(self._steps, columns, strict=True):
            try:
                if kind is _STRIPPED:  # a: {"": default}; b: (an id, a shared code)
                    stripped = list(map(str.strip, cells))
                    if b[0] and max(map(len, stripped)) > v.MAX_ID_LENGTH:
                        raise v.CellError("an id longer than an id may be")
                    if b[1]:
                        stripped = list(map(sys.intern, stripped))  # one copy of each code
                    values.append(list(map(a.get, stripped, stripped)))  # "" → the default
                elif kind is _MOMENT:
                    values.append([parse(c) if c else None for c in cells])
                elif kind is _LOOKED_UP:  # a: spelling → value
                    values.append(list(map(a.__getitem__, cells)))
                else:  # a: the converter, b: the default
                    values.append([a(c) if c else b for c in cells])
            except Exception:
                values.append(self._cell_by_cell(kind, a, b, cells, left_out))
        if (derived := self._derived_result) is not None:
            values.append([bool(x and y) for x, y in zip(values[derived[0]],
                                                             values[derived[1]], strict=True)])
        if (supplements := self._supplements) is not None:
            values.append([supplements(x or "", ()) for x in values[self._id_at]])
        if self._with_line:
            values.append(list(lines) if lines is not None else [0] * n)
        values += [itertools.repeat(c, n) for c in self._constants]
        arranged = [values[p] for p in self._positions]
        make, keywords = self._make, self._keywords
        out: list[Any] = []
        for args in zip(*arranged, strict=False):  # the constants repeat without end
            try:
                out.append(make(*args) if keywords is None
                           else make(**dict(zip(keywords, args, strict=True))))
            except Exception:
                out.append(None)
        for i in left_out:
            out[i] = None
        return out

    @staticmethod
    def _cell_by_cell(kind: object, a: Any, b: Any, cells: Sequence[str],
                      left_out: set[int]) -> list[Any]:
        """A column whose pass failed, a cell at a time: a failing cell's row is left out."""
        out: list[Any] = []
        for i, c in enumerate(cells):
            try:
                if kind is _STRIPPED:
                    c = c.strip()
                    if b[0]:
                        v.ident(c)  # an id longer than an id may be raises
                    out.append(a.get(c, sys.intern(c) if b[1] else c))
                elif kind is _MOMENT:
                    out.append(v.parse_moment(c) if c else None)
                elif kind is _LOOKED_UP:
                    out.append(a[c])
                else:
                    out.append(a(c) if c else b)
            except Exception:
                out.append(None)
                left_out.add(i)
        return out

    def json_row(self, row: Any, line: int = 0) -> Any:
        """The record of a JSON object (by key), or of a row of plain cells (by position)."""
        values = [d if c is None else (c.strip() or d)  # a number has no .strip: it raises
                  for c, d in zip(self._texts(row), self._defaults, strict=True)]
        for n in self._id_slots:
            v.ident(values[n] or "")
        parse = v.parse_moment
        values += [None if c is None or c == "" else parse(c) for c in self._moments(row)]
        pick, tables = self._tables
        cells = pick(row)
        if self._bools is not None and bool in set(map(type, cells)):
            values += [b[c] if c.__class__ is bool else t[c]
                       for c, t, b in zip(cells, tables, self._bools, strict=True)]
        else:
            values += map(getitem, tables, cells)
        if (other := self._other) is not None:
            pick, convs, defaults = other
            values += [_json_other(f, c, d)
                       for c, f, d in zip(pick(row), convs, defaults, strict=True)]
        return self._finish(values, line)

    def _finish(self, values: list[Any], line: int) -> Any:
        for n in self._shared:
            if c := values[n]:
                values[n] = sys.intern(c)  # one copy of each code
        if (derived := self._derived_result) is not None:
            values.append(bool(values[derived[0]] and values[derived[1]]))
        if (supplements := self._supplements) is not None:
            values.append(supplements(values[self._id_at] or "", ()))
        if self._with_line:
            values.append(line)
        values += self._constants
        args = self._arrange(values)
        if self._keywords is None:
            return self._make(*args)
        return self._make(**dict(zip(self._keywords, args, strict=True)))


def _picker(keys: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """The cells at ``keys`` (positions of a list, keys of a dict) as a tuple, in one call."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        only = keys[0]
        return lambda row: (row[only],)
    return lambda row: ()


def _json_other(conv: v.Converter, value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    result = conv(value)
    if result is v.ABSENT:
        raise ValueError(value)
    return result


def fast_table(fs: _Field, json_mode: bool = False,
                numbers: bool = False) -> dict[Any, Any] | None:
    """Exact spelling → value, computed by the general converter so both paths agree.

    For JSON, ``null`` is in the table too (a flag not reported, an enum's default) and a flag
    takes JSON ``true``/``false`` (which also match the numbers 1 and 0, as the converter does).
    With ``numbers`` (cells made plain, :func:`~.cells.plain`: a whole float is an ``int``), a
    number whose digits are a spelling (a channel ``2``, a payment ``1``: a DataFrame's integer
    column) is looked up as the converter reads it; the reader of plain rows then looks a boolean
    up in a table of its own, since ``True`` and ``False`` would find the keys 1 and 0. Not for
    a JSON file, whose ``2.0`` would find the key ``2`` (equal numbers are one key) where the
    converter refuses a float.
    """
    table: dict[Any, Any] = {}
    for spelling in v.spellings(fs.conv):
        if (value := _read_cell(fs, spelling)) is not v.ABSENT:
            table[spelling] = value
    if not table:
        return None
    table[""] = False if fs.is_flag else fs.default
    if json_mode:
        table[None] = fs.default
        if fs.is_flag:
            table[True], table[False] = True, False
    if numbers:
        for spelling in [k for k in table if isinstance(k, str) and k.isascii() and k.isdigit()]:
            number = int(spelling)
            if number not in table and (value := _read_cell(fs, number)) is not v.ABSENT:
                table[number] = value
    return table


def _read_cell(fs: _Field, cell: Any) -> Any:
    """``fs``'s converter on ``cell``; ``v.ABSENT`` when it refuses the cell."""
    try:
        return fs.conv(cell)
    except v.CellError:
        return v.ABSENT


# ---------------------------------------------------------------------------------------------
# JSON Lines and JSON arrays


def _object_cells(reader: RecordReader, obj: dict[str, Any], keys: dict[str, str | None]) -> Cells:
    cells: Cells = {}
    for key, raw in obj.items():
        field = keys.get(key, "")
        if field == "":
            field = reader.kind.aliases.get(fold_name(key))
            keys[key] = field
            if field is None:
                reader.unknown[key] = None
        if field is not None:
            cells.setdefault(field, []).append((key, raw))
    return cells


class _JsonRows:
    """Builds records from JSON objects, with one compiled fast path per distinct key set
    (objects of one file nearly always share theirs)."""

    _MAX_SHAPES = 64

    def __init__(self, reader: RecordReader) -> None:
        self.reader = reader
        self.keys: dict[str, str | None] = {}
        self.shapes: dict[tuple[str, ...], Callable[[Any, int], Any] | None] = {}
        self.nested = reader.kind.name == "dossiers"  # docs/inputs.md r2: national nested lists
        # Key sets known to hold no nested list (nothing to flatten), as many as ``shapes``.
        self.flat: set[tuple[str, ...]] = set()

    def _compile(self, shape: tuple[str, ...], obj: dict[str, Any],
                 ) -> Callable[[Any, int], Any] | None:
        fast = None
        if len(self.shapes) < self._MAX_SHAPES:
            columns: dict[str, list[tuple[Any, str]]] = {}
            for field, entries in _object_cells(self.reader, obj, self.keys).items():
                columns[field] = [(key, key) for key, _ in entries]
            rows = plain_reader(self.reader, columns, json_mode=True)
            fast = None if rows is None else rows.json_row
            self.shapes[shape] = fast
        return fast

    def build(self, obj: Any, line: int) -> Any:
        reader = self.reader
        if self.nested and type(obj) is dict and tuple(obj) not in self.flat:
            if not national.has_nested(obj) and len(self.flat) < self._MAX_SHAPES:
                self.flat.add(tuple(obj))
            try:
                obj = national.flatten(obj, reader.population_databases)
            except national.NestedError as exc:
                cells = _object_cells(reader, {k: x for k, x in obj.items()
                                               if fold_name(k) not in national.NESTED_KEYS},
                                      self.keys)
                reader._remember(cells, line)
                reader.reject(line, exc.field, _raw_text(exc.value), exc.reason,
                              reader.record_id(cells), exc.key)
                return None
        if type(obj) is dict:
            shape = tuple(obj)
            fast = self.shapes.get(shape, _UNSET)
            if fast is _UNSET:
                fast = self._compile(shape, obj)
            if fast is not None:
                try:
                    return fast(obj, line)
                except Exception:
                    pass
        elif not isinstance(obj, dict):
            reader.reject(line, None, _raw_text(obj), "expected a JSON object (one record)")
            return None
        if all(raw is None or (isinstance(raw, str) and not raw.strip())
               for raw in obj.values()):
            return BLANK
        return reader.build(_object_cells(reader, obj, self.keys), line)


def _iter_jsonl(reader: RecordReader, path: Path | FileObject) -> RecordStream[Any]:
    rows = _JsonRows(reader)
    read = 0
    try:
        with _binary(path) as f:
            head = f.read(4096)
            if b"\x00" in head:
                raise nul_bytes(reader.file)
            # The head, completed to the end of its last line, then the rest (no seek: a file
            # object need not be seekable).
            first = io.BytesIO(head + (f.readline() if head and not head.endswith(b"\n")
                                       else b""))
            for line, raw in enumerate(itertools.chain(first, f), 1):
                if line == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                if not raw.strip():
                    continue
                if b"\x00" in raw:  # anywhere in the file: refused as a whole, as a CSV file
                    raise nul_bytes(reader.file)
                read += 1
                try:
                    obj = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    reader.reject(line, None, _clip(raw.decode("utf-8", "replace").strip()),
                                  "the line is not UTF-8 text (save the file as UTF-8)")
                    continue
                except (ValueError, RecursionError) as exc:
                    # RecursionError: nesting deeper than the json module can follow.
                    reader.reject(line, None, _clip(raw.decode("utf-8").strip()),
                                  f"not valid JSON: {exc}")
                    continue
                record = rows.build(obj, line)
                if record is None:
                    continue
                if record is BLANK:
                    read -= 1
                    reader.blank += 1
                    continue
                if reader.accept(record, line):
                    yield record
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        reader.read += read
        reader.close()


#: Bytes of a JSON array file read at a time (tests make it small to split objects).
_JSON_BLOCK = 1 << 20


def _json_items(reader: RecordReader, path: Path | FileObject) -> Iterator[Any]:
    """The items of a JSON array file, in order: a file on disk is read a block at a time and
    decoded an item at a time (memory stays flat however long the array); anything unusual (not
    an array, a syntax error, bytes that are not UTF-8, a file object) is read whole, as
    :func:`_json_whole` reads it, so the answer and the error are the same either way — after
    the items already handed out, the whole reading goes on from the next one."""
    done = 0
    if isinstance(path, Path):
        try:
            with path.open("rb") as f:
                for item in _json_stream(f):
                    yield item
                    done += 1
            return
        except _NotPlain:
            pass
    with _binary(path) as f:
        data = f.read()
    yield from itertools.islice(_json_whole(reader, data), done, None)


class _NotPlain(Exception):
    """A JSON array file the block-by-block reading leaves to the whole reading."""


def _json_stream(f: Any) -> Iterator[Any]:
    """The items of the JSON array in the binary file ``f``, read :data:`_JSON_BLOCK` bytes at a
    time; :class:`_NotPlain` for anything the whole reading must answer. An item longer than a
    block is decoded again as each block comes (a national dossier is well under one)."""
    decode = codecs.getincrementaldecoder("utf-8")().decode
    raw_decode = json.JSONDecoder().raw_decode
    buf, pos, eof = "", 0, False

    def more() -> None:
        nonlocal buf, pos, eof
        block = f.read(_JSON_BLOCK)
        try:
            text = decode(block, final=not block)
        except UnicodeDecodeError:
            raise _NotPlain from None
        buf, pos, eof = buf[pos:] + text, 0, not block

    def skip_space() -> None:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\n\r":
                pos += 1
            if pos < len(buf) or eof:
                return
            more()

    more()
    if buf.startswith("\ufeff"):
        pos = 1
    skip_space()
    if pos >= len(buf) or buf[pos] != "[":
        raise _NotPlain  # empty, or not an array: the whole reading says which
    pos += 1
    skip_space()
    if pos < len(buf) and buf[pos] == "]":
        pos += 1
    else:
        while True:
            skip_space()
            try:
                item, end = raw_decode(buf, pos)
            except (ValueError, RecursionError):
                if eof:
                    raise _NotPlain from None
                more()  # the item may go on in the next block
                continue
            # An item counts once the "," or "]" after it is read: "15" or "1500." at a
            # block's end may be the start of 1500.0, so it is decoded again with more text.
            after = end
            while after < len(buf) and buf[after] in " \t\n\r":
                after += 1
            if after >= len(buf) or buf[after] not in ",]":
                if eof:
                    raise _NotPlain
                more()
                continue
            yield item
            pos = after + 1
            if buf[after] == "]":
                break
    skip_space()
    if pos < len(buf):
        raise _NotPlain  # something after the array


def _json_whole(reader: RecordReader, data: bytes) -> Iterator[Any]:
    """The items of a JSON array file read whole (the refusals name the problem)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                         file=reader.file) from None
    if not text.strip():
        reader.builder.note(f"{reader.file}: empty file")
        return
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {exc}", file=reader.file) from None
    del data, text
    if not isinstance(items, list):
        raise InputError("a .json file must hold an array of objects (use .jsonl for one "
                         "object per line)", file=reader.file)
    yield from items


def _iter_json(reader: RecordReader, path: Path | FileObject) -> RecordStream[Any]:
    read = 0
    try:
        rows = _JsonRows(reader)
        for line, obj in enumerate(_json_items(reader, path), 1):
            read += 1
            record = rows.build(obj, line)
            if record is None:
                continue
            if record is BLANK:
                read -= 1
                reader.blank += 1
                continue
            if reader.accept(record, line):
                yield record
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=reader.file) from None
    finally:
        reader.read += read
        reader.close()


# ---------------------------------------------------------------------------------------------
# typed rows: spreadsheets, Parquet, DataFrames, databases

#: One row of a table: its number and its cells (or a BadCell when the whole row is unusable).
TableRow = tuple[int, "Sequence[Any] | BadCell"]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _iter_table(reader: RecordReader, rows: Iterator[TableRow], missing: Any = None,
                ) -> RecordStream[Any]:
    """Records from rows whose first non-empty row is the header, as a CSV file's: the same
    column names, the same cell parsers (typed cells made plain first, :mod:`.cells`), the same
    checks and rejections. Every source other than CSV and JSON comes this way. A row shorter
    than the header is completed with ``missing`` (``None``: not reported; a spreadsheet, which
    leaves out empty cells at the end of a row, gives ``""``)."""
    read = 0
    try:
        names: list[str] | None = None
        for _, cells in rows:
            if isinstance(cells, BadCell):
                continue
            if any(not _empty(plain(c)) for c in cells):
                names = ["" if c is None else str(plain(c)) for c in cells]
                break
        if names is None:
            reader.builder.note(f"{reader.file}: empty file")
            return
        plan = _plan(reader, names)
        ncols = len(names)
        # Cells made plain are the values of a JSON object (text, numbers, booleans, None): the
        # reader of plain JSON objects reads a row by position, as a JSON Lines file's
        # object by key; anything it does not read plainly goes the general way below.
        plain_rows = plain_reader(reader, plan.columns, json_mode=True, numbers=True)
        fast = None if plain_rows is None else plain_rows.json_row
        for line, row in rows:
            read += 1
            if isinstance(row, BadCell):
                reader.reject(line, None, _clip(row.value), row.reason)
                continue
            values = [plain(c) for c in row]
            if len(values) > ncols and any(not _empty(c) for c in values[ncols:]):
                reader.reject(line, None, _clip(", ".join(_raw_text(c) for c in values)),
                              f"the row has {len(values)} cells but the header has {ncols}")
                continue
            if all(_empty(c) for c in values):
                read -= 1
                reader.blank += 1
                continue
            values.extend([missing] * (ncols - len(values)))
            has_bad = BadCell in map(type, values)
            if fast is not None and not has_bad:
                try:
                    record = fast(values, line)
                except Exception:
                    record = None
                if record is not None:
                    if reader.accept(record, line):
                        yield record
                    continue
            by_field: Cells = {field: [(name, values[index]) for index, name in found]
                               for field, found in plan.columns.items()}
            bad = None if not has_bad else next(
                ((field, column, cell) for field, entries in by_field.items()
                 for column, cell in entries if isinstance(cell, BadCell)), None)
            if bad is not None:
                reader._remember(by_field, line)
                reader.reject(line, bad[0], _clip(bad[2].value), bad[2].reason,
                              reader.record_id(by_field), bad[1])
                continue
            record = reader.build(by_field, line)
            if record is not None and reader.accept(record, line):
                yield record
    finally:
        close = getattr(rows, "close", None)
        if close is not None:  # a generator's files and connections are let go at once
            close()
        reader.read += read
        reader.close()


def iter_rows(
    rows: Iterable[TableRow],
    kind: str,
    *,
    file: str,
    report_builder: ReportBuilder | None = None,
    strict: bool = False,
    procedures: Container[str] | None = None,
    unit_ids: Container[str] | None = None,
    supplements: Mapping[str, Sequence[SupplementRequest]] | None = None,
) -> RecordStream[Any]:
    """Yield the records of ``rows`` (``(row number, cells)`` pairs, the first non-empty one being
    the header) as :func:`iter_records` yields a file's: same column names, cell parsers,
    checks and rejections, which name ``file`` and the row number.

    Cells may be text or typed values (dates, numbers, booleans, ``None`` for "not reported"),
    made plain as :mod:`chiso766.io.cells` says. This is the one way in for spreadsheets,
    Parquet, DataFrames and databases; use it for any other source of rows.
    """
    spec = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise PolicyError(f"unknown record kind (expected one of {', '.join(KINDS)})",
                          field="kind", value=kind)
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        raise PolicyError("must be an iterable of (row number, cells) pairs", field="rows",
                          value=rows)
    if not isinstance(file, str):
        raise PolicyError("must be the name rejections give the rows (text)", field="file",
                          value=file)
    builder = report_builder if report_builder is not None else ReportBuilder()
    reader = RecordReader(spec, file, builder, strict, procedures, unit_ids, supplements)
    return _iter_table(reader, _table_rows(rows))


def _table_rows(rows: Iterable[Any]) -> Iterator[TableRow]:
    """``rows`` as given to :func:`iter_rows`, each checked to be a ``(row number, cells)`` pair
    (cells: a sequence of values, or a :class:`~.cells.BadCell`)."""
    for item in rows:
        if (type(item) is tuple and len(item) == 2 and type(item[0]) is int
                and type(item[1]) is list):
            yield item  # what every reader of the library gives: checked at a glance
            continue
        if not (isinstance(item, tuple | list) and len(item) == 2
                and isinstance(item[0], int) and not isinstance(item[0], bool)
                and (isinstance(item[1], BadCell)
                     or (isinstance(item[1], Sequence)
                         and not isinstance(item[1], str | bytes)))):
            raise PolicyError("must be a (row number, cells) pair: a whole number and a list "
                              "of cells", field="rows", value=item)
        yield item[0], item[1]


def _seekable(source: Path | FileObject) -> Any:
    """A path, or a file object a zip or Parquet reader can seek in (a stream is read whole)."""
    if isinstance(source, Path) or (callable(getattr(source, "seekable", None))
                                    and source.seekable()):
        return source
    return io.BytesIO(source.read())  # type: ignore[arg-type]


def _iter_xlsx(reader: RecordReader, source: Path | FileObject) -> RecordStream[Any]:
    from .excel import xlsx_rows

    return _iter_table(reader, xlsx_rows(_seekable(source), reader.file, reader.builder.note),
                       "")


def _iter_parquet(reader: RecordReader, source: Path | FileObject) -> RecordStream[Any]:
    from .parquet import parquet_rows

    return _iter_table(reader, parquet_rows(_seekable(source), reader.file))


# ---------------------------------------------------------------------------------------------
# the entry point


@overload
def iter_records(path: StrPath | FileObject, kind: Literal["units"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Unit]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["procedures"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Procedure]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["authorities"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Authority]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["communes"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Commune]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["supplements"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...,
                 ) -> RecordStream[SupplementRow]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["dossiers"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Dossier]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["petitions"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Petition]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["ratings"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Rating]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["announcements"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...,
                 ) -> RecordStream[Announcement]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: Literal["postings"], *,
                 report_builder: ReportBuilder | None = ..., strict: bool = ...,
                 procedures: Container[str] | None = ..., unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Posting]: ...
@overload
def iter_records(path: StrPath | FileObject, kind: str, *,
                 report_builder: ReportBuilder | None = ...,
                 strict: bool = ..., procedures: Container[str] | None = ...,
                 unit_ids: Container[str] | None = ...,
                 supplements: Mapping[str, Sequence[SupplementRequest]] | None = ...,
                 format: Format | None = ...,
                 population_databases: Collection[str] | None = ...) -> RecordStream[Any]: ...


def iter_records(
    path: StrPath | FileObject,
    kind: str,
    *,
    report_builder: ReportBuilder | None = None,
    strict: bool = False,
    procedures: Container[str] | None = None,
    unit_ids: Container[str] | None = None,
    supplements: Mapping[str, Sequence[SupplementRequest]] | None = None,
    format: Format | None = None,
    population_databases: Collection[str] | None = None,
) -> RecordStream[Any]:
    """Yield the records of one file of ``kind`` (docs/inputs.md), one at a time.

    ``kind`` is one of :data:`~chiso766.io.columns.KINDS`; for ``"supplements"`` the items are
    :class:`SupplementRow` (a request and its dossier id). The format comes from the file name
    (``.csv``, ``.jsonl``/``.ndjson``, ``.json``, ``.xlsx``/``.xlsm``, ``.parquet``) unless
    ``format`` is given. ``path`` may also be an open file object: binary for every format, or
    text for CSV and JSON; its format comes from ``format`` or its ``name``, rejections name its
    base name (or ``kind``), and it is read from where it stands and left open. ``.xlsx`` needs
    the extra ``excel`` (openpyxl), ``.parquet`` the extra ``parquet`` (pyarrow) or polars.
    Column names are any of :data:`~chiso766.io.columns.FIELDS`, case- and accent-insensitive.

    Rows that cannot become records are added to ``report_builder`` as :class:`Rejection`
    (and its counts) instead of being yielded. Checks that need other files are made only when
    the caller passes what they need: ``procedures`` (the known procedure codes; dossiers and
    authorities with another code are rejected), ``unit_ids`` (the units file's ids; any record
    naming another unit is rejected), ``supplements`` (dossier id → its requests, attached to
    each dossier). Duplicate keys (dossier id, unit id, procedure code, petition id, commune,
    unit+procedure authority, unit+period posting) are rejected after the first, naming its line.

    Raises :class:`~chiso766.errors.InputError` at once for a missing file (or a broken link, a
    folder, a device) or an unknown format, and when iteration starts for a file that cannot be
    read at all (an ``.xlsx`` without openpyxl among them); with ``strict=True``, also on the
    first rejected row, which is the first bad row in file order. A JSON array is parsed whole
    (``json`` has no streaming parser); CSV and JSON Lines are read a block or a line at a time,
    Excel a row and Parquet a batch of rows at a time.
    A JSON or JSON Lines dossiers file may carry the national sync format's nested lists
    (``TaiLieuNop``, ``DanhSachPhiLePhi``…, :mod:`chiso766.io.national`); ``population_databases``
    are the ``MaCSDL`` codes read as the national population database (default
    :data:`~chiso766.io.national.POPULATION_DATABASES`).
    """
    spec = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise PolicyError(f"unknown record kind (expected one of {', '.join(KINDS)})",
                          field="kind", value=kind)
    if format is not None and not isinstance(format, str):
        raise PolicyError("unknown format (expected csv, jsonl, json, xlsx or parquet)",
                          field="format", value=format)
    source: Path | FileObject
    if isinstance(path, str | os.PathLike):
        source = Path(path)
        name = source.name
        fmt = format if format is not None else detect_format(source)
    elif callable(getattr(path, "read", None)):
        source = path
        named = getattr(path, "name", None)
        name = Path(named).name if isinstance(named, str) and named else kind
        if format is not None:
            fmt = format
        elif FORMATS.get(Path(name).suffix.lower()) is not None:
            fmt = FORMATS[Path(name).suffix.lower()]
        else:
            raise PolicyError("a file object without a file name: say its format (format='csv', "
                              "'jsonl', 'json', 'xlsx' or 'parquet')", field="format", value=None)
    else:
        raise PolicyError("expected a path or an open file", field="path", value=path)
    iterate = {"csv": _iter_csv, "jsonl": _iter_jsonl, "json": _iter_json, "xlsx": _iter_xlsx,
               "parquet": _iter_parquet}.get(fmt)
    if iterate is None:
        raise PolicyError("unknown format (expected csv, jsonl, json, xlsx or parquet)",
                          field="format", value=fmt)
    if isinstance(source, Path):
        check_file(source)
    builder = report_builder if report_builder is not None else ReportBuilder()
    reader = RecordReader(spec, name, builder, strict, procedures, unit_ids, supplements)
    if population_databases is not None:
        reader.population_databases = database_codes(population_databases)
    return iterate(reader, source)


def check_file(path: Path) -> None:
    """A path that is not a readable regular file is an error naming it (docs/inputs.md): missing, a
    broken or looping link, a folder, a device."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            raise InputError(f"a broken symbolic link ({exc.strerror or exc})",
                             file=os.fspath(path)) from None
        if isinstance(exc, FileNotFoundError):
            raise InputError("no such file", file=os.fspath(path)) from None
        raise InputError(f"cannot read the file: {exc.strerror or exc}",
                         file=os.fspath(path)) from None
    if stat.S_ISDIR(mode):
        raise InputError("a folder, not a file", file=os.fspath(path))
    if not stat.S_ISREG(mode):
        raise InputError("not a regular file (a device, a pipe or a socket)",
                         file=os.fspath(path))
