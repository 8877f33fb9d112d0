"""A folder of input files read into one :class:`Dataset` (docs/inputs.md).

A folder holds one file per record kind, ``<kind>.csv``, ``<kind>.jsonl`` or ``<kind>.json``.
Lookups are read before the records that use them (units, procedures, authorities, communes,
supplements, then dossiers…, :data:`~chiso766.io.columns.KINDS`), so that a dossier naming an
unknown unit or procedure can be rejected and each dossier gets its supplement requests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import InputError, PolicyError, RecordError
from ..records import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    OnlineLevel,
    Petition,
    Posting,
    Procedure,
    Rating,
    Unit,
)
from .columns import KINDS
from .readers import (
    FORMATS,
    FileObject,
    Format,
    ReadReport,
    Rejection,
    ReportBuilder,
    StrPath,
    SupplementRow,
    check_csv_file,
    check_file,
    database_codes,
    iter_records,
    iter_rows,
)

__all__ = ["Dataset", "read_database", "read_files", "read_folder", "read_tables"]

_KINDS_SHOWN = ("units", "procedures", "authorities", "communes", "dossiers", "petitions",
                "ratings", "announcements", "postings")

NO_UNITS = "every unit id on the dossiers is a top-level unit"
NO_AUTHORITIES = ("a unit's authority is the procedures seen on its dossiers, at the procedure's "
                  "own online level")


@attrs.frozen(eq=True)
class Dataset:
    """Everything read from one folder (or built in Python): the records and the read report.

    ``procedures`` is a dict keyed by procedure code; treat it as read-only. ``notes`` says which
    fallbacks of docs/inputs.md apply (no units file, no authorities file…); file-level notes
    (ignored columns, empty rows) are in ``report.notes``.

    A dataset :func:`read_folder` made of a folder of CSV files holds its records unread until
    one of its fields (other than ``folder`` and ``notes``) is first used; :func:`score_766
    <chiso766.score_766>` then counts the files with the columnar engine without making
    records (docs/inputs.md, "Reading a folder"). :meth:`load` reads them at once.
    """

    units: tuple[Unit, ...] = ()
    procedures: Mapping[str, Procedure] = attrs.field(factory=dict)
    authorities: tuple[Authority, ...] = ()
    communes: tuple[Commune, ...] = ()
    dossiers: tuple[Dossier, ...] = ()
    petitions: tuple[Petition, ...] = ()
    ratings: tuple[Rating, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    postings: tuple[Posting, ...] = ()
    report: ReadReport = attrs.field(factory=ReadReport)
    folder: str | None = None
    notes: tuple[str, ...] = ()
    #: The folder's records not read yet (:func:`read_folder`), else ``None``.
    _unread: UnreadFolder | None = attrs.field(default=None, init=False, eq=False, repr=False)

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            # Reached only for a field whose slot is not set: the records of a folder that
            # read_folder left unread. Reading them sets every slot.
            unread = object.__getattribute__(self, "_unread")
            if unread is None or name not in _READ_LATER:
                raise AttributeError(f"'Dataset' object has no attribute {name!r}")
            unread.read_into(self)
            return object.__getattribute__(self, name)

    @property
    def is_read(self) -> bool:
        """Whether the records are in memory (``False``: a folder :func:`read_folder` left
        unread until first used)."""
        return self._unread is None

    def load(self) -> Dataset:
        """Read the records now if :func:`read_folder` left them unread, and return the
        dataset. Raises :class:`~chiso766.errors.InputError` when the folder's files changed
        since ``read_folder`` looked at them, and any error reading them raises."""
        if self._unread is not None:
            self._unread.read_into(self)
        return self

    def __repr__(self) -> str:
        if self._unread is not None:
            return (f"Dataset(folder={self.folder!r}, records not read yet: read when first "
                    "used)")
        # Counts, not records: the example province's dataset printed 3.4 million characters.
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in _KINDS_SHOWN)
        folder = f", folder={self.folder!r}" if self.folder is not None else ""
        return f"Dataset({counts}{folder}, report={self.report!r})"

    @classmethod
    def from_records(
        cls,
        *,
        units: Iterable[Unit] = (),
        procedures: Iterable[Procedure] = (),
        authorities: Iterable[Authority] = (),
        communes: Iterable[Commune] = (),
        dossiers: Iterable[Dossier] = (),
        petitions: Iterable[Petition] = (),
        ratings: Iterable[Rating] = (),
        announcements: Iterable[Announcement] = (),
        postings: Iterable[Posting] = (),
        notes: Iterable[str] = (),
    ) -> Dataset:
        """A dataset from records built in Python.

        Raises :class:`~chiso766.errors.RecordError` for a record of the wrong type and for the
        duplicates a reader would reject (docs/inputs.md): dossier ids, procedure codes, unit ids,
        petition ids, commune unit ids, unit+procedure authorities, unit+period postings.
        """
        got = {
            "units": _typed(units, Unit, "units"),
            "procedures": _typed(procedures, Procedure, "procedures"),
            "authorities": _typed(authorities, Authority, "authorities"),
            "communes": _typed(communes, Commune, "communes"),
            "dossiers": _typed(dossiers, Dossier, "dossiers"),
            "petitions": _typed(petitions, Petition, "petitions"),
            "ratings": _typed(ratings, Rating, "ratings"),
            "announcements": _typed(announcements, Announcement, "announcements"),
            "postings": _typed(postings, Posting, "postings"),
        }
        for kind, key, label in _UNIQUE:
            seen: set[Any] = set()
            for record in got[kind]:
                value = key(record)
                if value in seen:
                    raise RecordError(f"duplicate {label}: each may appear once",
                                      record=f"Dataset.{kind}", field=label, value=value)
                seen.add(value)
        procs = {p.code: p for p in got["procedures"]}
        fallback = fallback_notes(bool(got["units"]), bool(got["authorities"]), "given")
        return cls(
            units=got["units"], procedures=procs, authorities=got["authorities"],
            communes=got["communes"], dossiers=got["dossiers"], petitions=got["petitions"],
            ratings=got["ratings"], announcements=got["announcements"],
            postings=got["postings"], notes=(*fallback, *notes),
        )

    @classmethod
    def from_frames(cls, frames: Mapping[str, Any], *, strict: bool = False,
                    labels: Mapping[str, str] | None = None) -> Dataset:
        """A dataset from tables held in memory, one per record kind (docs/inputs.md):
        ``Dataset.from_frames({"dossiers": df, "units": units_df})``. Same as
        :func:`read_tables`, which says what a table may be."""
        return read_tables(frames, strict=strict, labels=labels)

    def unit_ids(self) -> tuple[str, ...]:
        """The units' ids, or, without units (docs/inputs.md), the distinct unit ids of the dossiers
        in first-seen order."""
        if self.units:
            return tuple(u.id for u in self.units)
        return tuple(dict.fromkeys(d.unit_id for d in self.dossiers))

    def effective_authorities(self) -> tuple[Authority, ...]:
        """The authorities, or, without any (docs/inputs.md), one per distinct (unit, procedure)
        seen
        on the dossiers at the procedure's own online level (NONE for an unknown procedure)."""
        if self.authorities:
            return self.authorities
        pairs = dict.fromkeys((d.unit_id, d.procedure_code) for d in self.dossiers)
        out = []
        for unit_id, code in pairs:
            proc = self.procedures.get(code)
            out.append(Authority(unit_id, code,
                                 proc.online_level if proc is not None else OnlineLevel.NONE))
        return tuple(out)


#: The fields of a dataset read_folder leaves unread until one of them is used.
_READ_LATER = frozenset(f.name for f in attrs.fields(Dataset)) - {"folder", "notes", "_unread"}


def _fingerprint(folder: Path) -> tuple[tuple[str, ...], tuple[tuple[str, str, int, int], ...]]:
    """What a folder's reading depends on: its other files' names, and each record file's
    kind, name, size and modification time."""
    _, files, others = record_files(folder)
    stats = []
    for kind, path in sorted(files.items()):
        st = path.stat()
        stats.append((kind, path.name, st.st_size, st.st_mtime_ns))
    return tuple(others), tuple(stats)


@attrs.define(eq=False)
class UnreadFolder:
    """The records of a folder of CSV files that :func:`read_folder` checked but did not read
    yet (docs/inputs.md, "Reading a folder"): where they are, how to read them, and the files
    as they were when ``read_folder`` looked, so that records read later, or counted by the
    engine, are the ones ``read_folder`` was asked for."""

    folder: Path
    population_databases: Collection[str] | None
    seen: tuple[tuple[str, ...], tuple[tuple[str, str, int, int], ...]]

    def check(self) -> None:
        """Raise :class:`~chiso766.errors.InputError` when a file of the folder was added,
        removed or changed since ``read_folder``."""
        try:
            same = _fingerprint(self.folder) == self.seen
        except (InputError, OSError):
            same = False
        if not same:
            raise InputError("the folder's files changed since read_folder looked at them (or "
                             "the folder is gone): read_folder reads a folder of CSV files "
                             "when its records are first used; call read_folder again, or "
                             "dataset.load() while the files are there",
                             file=os.fspath(self.folder))

    def read_into(self, dataset: Dataset) -> None:
        """Read the records and set them on ``dataset`` (its fields were left unset)."""
        self.check()
        folder, files, others = record_files(self.folder)
        read = _read_now(folder, files, others, strict=False, progress=None,
                         population_databases=self.population_databases)
        for name in _READ_LATER:
            object.__setattr__(dataset, name, getattr(read, name))
        object.__setattr__(dataset, "_unread", None)


def _typed(records: Iterable[Any], cls: type, kind: str) -> tuple[Any, ...]:
    out = tuple(records)
    for record in out:
        if not isinstance(record, cls):
            raise RecordError(f"must hold {cls.__name__} records", record=f"Dataset.{kind}",
                              field=kind, value=record)
    return out


_UNIQUE: tuple[tuple[str, Any, str], ...] = (
    ("dossiers", lambda r: r.id, "dossier id"),
    ("procedures", lambda r: r.code, "procedure code"),
    ("units", lambda r: r.id, "unit id"),
    ("petitions", lambda r: r.id, "petition id"),
    ("communes", lambda r: r.unit_id, "commune unit id"),
    ("authorities", lambda r: (r.unit_id, r.procedure_code), "unit and procedure"),
    ("postings", lambda r: (r.unit_id, r.period), "unit and period"),
)


def fallback_notes(has_units: bool, has_authorities: bool, how: str) -> tuple[str, ...]:
    notes = []
    if not has_units:
        notes.append(f"no units {how}: {NO_UNITS}")
    if not has_authorities:
        notes.append(f"no authorities {how}: {NO_AUTHORITIES}")
    return tuple(notes)


def kind_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """``kind → file`` for the folder, and the names of other files (ignored, but noted).

    docs/inputs.md (r2): a file named for a record kind (``dossiers.xlsx``, ``Units.csv``,
    ``dossiers.csv.gz``) is a record file: one the library cannot read is an error naming it,
    never skipped, since scoring without it would give other numbers. So is a record file name
    that is a folder, a broken or looping link, or not a regular file. Hidden files and other
    names are ignored (and noted by the caller).
    """
    found: dict[str, list[Path]] = {}
    others: list[str] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(f"cannot list the folder: {exc.strerror or exc}",
                         file=os.fspath(folder)) from None
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        kind = name.split(".", 1)[0].lower()
        if kind not in KINDS or "." not in name:
            if entry.is_file():
                others.append(name)
            continue
        suffix = name[len(kind):].lower()
        if suffix not in FORMATS:
            hint = ("the old binary Excel format: save it as .xlsx or CSV UTF-8"
                    if suffix == ".xls" else
                    f"expected {kind}{', '.join(sorted(FORMATS))}: convert it, or move it out "
                    "of the folder")
            raise InputError(f"a {kind} file in a format the library cannot read ({hint})",
                             file=os.fspath(entry))
        check_file(entry)
        found.setdefault(kind, []).append(entry)
    for kind, paths in found.items():
        if len(paths) > 1:
            raise InputError(f"two files for {kind} ({', '.join(p.name for p in paths)}): keep "
                             "one", file=os.fspath(folder))
    return {kind: paths[0] for kind, paths in found.items()}, others


def record_files(path: Any) -> tuple[Path, dict[str, Path], list[str]]:
    """A folder of exports, its record files by kind and the names of its other files, checked
    as every reader of a whole folder checks them: :class:`~chiso766.errors.InputError` for a
    path that is not a folder path (``str`` or ``os.PathLike``), a missing folder, or a folder
    with no dossiers file."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise InputError("must be a folder path (str or os.PathLike)", field="path", value=path)
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"no such folder: {folder}", file=os.fspath(folder))
    files, others = kind_files(folder)
    if "dossiers" not in files:
        raise InputError(f"no dossiers file (dossiers.csv, .jsonl, .json, .xlsx or .parquet) "
                         f"in {folder}", file=os.fspath(folder))
    return folder, files, others


def read_folder(path: StrPath, *, strict: bool = False,
                progress: Callable[[str, int], None] | None = None,
                population_databases: Collection[str] | None = None) -> Dataset:
    """Read every record file of a folder (docs/inputs.md) into a :class:`Dataset`.

    One file per kind: ``units``, ``procedures``, ``authorities``, ``communes``, ``supplements``,
    ``dossiers`` (required), ``petitions``, ``ratings``, ``announcements``, ``postings``, each as
    ``.csv``, ``.jsonl``, ``.json``, ``.xlsx`` (first sheet; the extra ``excel``) or
    ``.parquet`` (the extra ``parquet``). Bad rows are rejected into ``dataset.report`` (never
    guessed, never dropped); a supplement whose dossier is missing or rejected is rejected too.
    With a units file, records naming another unit are rejected; with a procedures file,
    dossiers and authorities naming another procedure are rejected.

    A JSON or JSON Lines dossiers file may be the national sync format with its nested lists
    (:mod:`chiso766.io.national`); ``population_databases`` are the ``MaCSDL`` codes read as
    the national population database (default ``{"7"}``, docs/inputs.md).

    ``progress(kind, rows)`` is called every 50,000 rows of a file and when it is done (the
    command line uses it for its progress line on stderr).

    Raises :class:`~chiso766.errors.InputError` for a missing folder, no dossiers file, two
    files for one kind, a file named for a kind that cannot be read at all (a format the library
    does not read, ``.xlsx`` without openpyxl, a broken link, a folder); with ``strict=True``,
    also for the first rejected row.
    """
    folder, files, others = record_files(path)
    if not strict and progress is None and all(p.suffix.lower() == ".csv"
                                               for p in files.values()):
        return _unread(folder, files, population_databases)
    return _read_now(folder, files, others, strict=strict, progress=progress,
                     population_databases=population_databases)


def _unread(folder: Path, files: Mapping[str, Path],
            population_databases: Collection[str] | None) -> Dataset:
    """A dataset of a folder of CSV files whose records are read when first used: every error
    reading the files would raise is raised now (the files' names, kinds and headers, NUL
    bytes), so that a folder read_folder accepts is one its records can be read from."""
    if population_databases is not None:
        database_codes(population_databases)
    for kind in KINDS:
        if kind in files:
            check_csv_file(files[kind], kind)
    seen = _fingerprint(folder)
    dataset = object.__new__(Dataset)
    object.__setattr__(dataset, "folder", os.fspath(folder))
    object.__setattr__(dataset, "notes", fallback_notes("units" in files,
                                                         "authorities" in files, "file"))
    object.__setattr__(dataset, "_unread", UnreadFolder(folder, population_databases, seen))
    return dataset


def _read_now(folder: Path, files: Mapping[str, Path], others: list[str], *, strict: bool,
              progress: Callable[[str, int], None] | None,
              population_databases: Collection[str] | None) -> Dataset:
    """The records of every file of the folder, read now."""
    builder = ReportBuilder()
    if others:
        builder.note(f"ignored files that are not record files: {', '.join(others)}")

    def records(kind: str, **checks: Any) -> Iterator[Any]:
        return iter_records(files[kind], kind, report_builder=builder, strict=strict,
                            population_databases=population_databases, **checks)

    return _assemble({kind: path.name for kind, path in files.items()}, records, builder,
                     strict=strict, progress=progress, folder=os.fspath(folder), how="file")


def _check_kinds(kinds: Iterable[str], what: str) -> None:
    """Each of ``kinds`` (the keys of the mapping given as ``what``) a record kind."""
    if not isinstance(kinds, Mapping):
        raise PolicyError("must be a mapping of record kind to its source",
                          field=what, value=kinds)
    for kind in kinds:
        if kind not in KINDS:
            raise PolicyError(f"unknown record kind (expected one of {', '.join(KINDS)})",
                              field=what, value=kind)


def read_files(files: Mapping[str, StrPath | FileObject], *, strict: bool = False,
               formats: Mapping[str, Format] | None = None,
               progress: Callable[[str, int], None] | None = None) -> Dataset:
    """Read one file per record kind, each a path or an open file object, into a
    :class:`Dataset`, as :func:`read_folder` reads a folder: ``read_files({"dossiers":
    upload, "units": "units.xlsx"})``.

    A file object may be binary, or text for CSV and JSON; its format comes from ``formats``
    (kind → ``"csv"``, ``"jsonl"``, ``"json"``, ``"xlsx"``, ``"parquet"``) or from its ``name``.
    It is read from where it stands and left open. Rejections name the file's base name (or the
    kind, for a file object without a name).
    """
    _check_kinds(files, "files")
    if "dossiers" not in files:
        raise InputError("no dossiers file given", field="files")
    if formats is not None and not isinstance(formats, Mapping):
        raise PolicyError("must be a mapping of record kind to format or None", field="formats",
                          value=formats)
    formats = formats or {}
    builder = ReportBuilder()
    labels = {kind: _source_name(source, kind) for kind, source in files.items()}

    def records(kind: str, **checks: Any) -> Iterator[Any]:
        return iter_records(files[kind], kind, report_builder=builder, strict=strict,
                            format=formats.get(kind), **checks)

    return _assemble(labels, records, builder, strict=strict, progress=progress, folder=None,
                     how="file")


def _source_name(source: Any, kind: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else kind


def read_tables(tables: Mapping[str, Any], *, strict: bool = False,
                labels: Mapping[str, str] | None = None,
                progress: Callable[[str, int], None] | None = None) -> Dataset:
    """Read tables held in memory, one per record kind, into a :class:`Dataset` (docs/inputs.md).

    A table is a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or an iterable of
    mappings (``list[dict]``). Its columns are named as a file's (English or national names,
    case- and accent-insensitive) and every row is parsed, checked and accepted or rejected as a
    CSV row is (:mod:`chiso766.io.frames`): the "file" of a rejection is the kind (or
    ``labels[kind]``), its "line" the 1-based row number. ``None``/``NaN`` means "not
    reported". pandas, polars and pyarrow are not imported by the library: it uses the objects
    given.
    """
    from .frames import frame_rows

    _check_kinds(tables, "tables")
    if "dossiers" not in tables:
        raise InputError("no dossiers table given", field="tables")
    names = {kind: (labels or {}).get(kind, kind) for kind in tables}
    builder = ReportBuilder()

    def records(kind: str, **checks: Any) -> Iterator[Any]:
        return iter_rows(frame_rows(tables[kind], names[kind]), kind, file=names[kind],
                         report_builder=builder, strict=strict, **checks)

    return _assemble(names, records, builder, strict=strict, progress=progress, folder=None,
                     how="table")


def read_database(connection: Any, queries: Mapping[str, Any], *, strict: bool = False,
                  params: Mapping[str, Any] | None = None,
                  progress: Callable[[str, int], None] | None = None) -> Dataset:
    """Read each record kind from a query into a :class:`Dataset` (docs/inputs.md).

    ``connection`` is a SQLAlchemy ``Engine`` or ``Connection``, a database URL
    (``"postgresql+psycopg://user@host/motcua"``; needs the extra ``sql``) or a DB-API
    connection (``sqlite3.connect(...)``). ``queries`` maps a kind to a SELECT (text, or a
    SQLAlchemy selectable) whose result columns are named as a file's columns (``SELECT ma_ho_so
    AS "MaHoSo", …``); ``params`` are bound to every query (SQLAlchemy: ``:name``; DB-API: the
    driver's style). Rows are parsed, checked and accepted or rejected as CSV rows are; the
    "file" of a rejection is the kind, its "line" the 1-based row number of the result. ``NULL``
    means "not reported". A query that fails is an :class:`~chiso766.errors.InputError` naming
    its kind.
    """
    from .sql import connect, query_rows

    _check_kinds(queries, "queries")
    if "dossiers" not in queries:
        raise InputError("no dossiers query given", field="queries")
    conn, owned = connect(connection)
    builder = ReportBuilder()

    def records(kind: str, **checks: Any) -> Iterator[Any]:
        return iter_rows(query_rows(conn, queries[kind], kind, params), kind, file=kind,
                         report_builder=builder, strict=strict, **checks)

    try:
        return _assemble({kind: kind for kind in queries}, records, builder, strict=strict,
                         progress=progress, folder=None, how="query")
    finally:
        if owned:
            conn.dispose()


def check_progress(progress: Any, where: str) -> None:
    """Refuse a ``progress`` that is neither ``None`` nor callable before anything is read, as
    :class:`~chiso766.errors.PolicyError` naming the call (not a ``TypeError`` from its first
    call, 50,000 rows in)."""
    if progress is not None and not callable(progress):
        raise PolicyError("must be None or a callable progress(kind, rows)", record=where,
                          field="progress", value=progress)


def _assemble(labels: Mapping[str, str], records: Callable[..., Iterator[Any]],
              builder: ReportBuilder, *, strict: bool,
              progress: Callable[[str, int], None] | None, folder: str | None,
              how: str) -> Dataset:
    """Read the kinds of ``labels`` in the order of docs/inputs.md (lookups first) into a Dataset,
    whatever the source: ``records(kind, **checks)`` yields one kind's records and reports its
    rows to ``builder``; ``labels`` names each kind's file (or table) in rejections."""
    check_progress(progress, "read")
    files = labels

    def read(kind: str, **checks: Any) -> list[Any]:
        if kind not in files:
            return []
        records_of_kind = records(kind, **checks)
        if progress is None:
            return list(records_of_kind)
        out: list[Any] = []
        for record in records_of_kind:
            out.append(record)
            if len(out) % 50_000 == 0:
                progress(kind, len(out))
        progress(kind, len(out))
        return out

    ref = read_reference(files, read, builder.note)
    units, procedures, authorities, communes = (ref.units, ref.procedures, ref.authorities,
                                                ref.communes)
    checks = ref.checks
    rows: list[SupplementRow] = read("supplements")
    grouped: dict[str, list[SupplementRow]] = {}
    for row in rows:
        grouped.setdefault(row.dossier_id, []).append(row)
    requests = {k: tuple(r.request for r in group) for k, group in grouped.items()}
    dossiers: list[Dossier] = read("dossiers", supplements=requests, **checks)
    if grouped:
        _reject_orphan_supplements(builder, files, grouped, dossiers, strict)
    petitions: list[Petition] = read("petitions", **checks)
    ratings: list[Rating] = read("ratings", **checks)
    announcements: list[Announcement] = read("announcements", **checks)
    postings: list[Posting] = read("postings", **checks)
    return Dataset(
        units=tuple(units), procedures=procedures, authorities=tuple(authorities),
        communes=tuple(communes), dossiers=tuple(dossiers), petitions=tuple(petitions),
        ratings=tuple(ratings), announcements=tuple(announcements), postings=tuple(postings),
        report=builder.build(), folder=folder,
        notes=fallback_notes("units" in files, "authorities" in files, how),
    )


@attrs.frozen
class Reference:
    """The reference files every dossier is checked against (docs/inputs.md), read first."""

    units: list[Unit]
    procedures: dict[str, Procedure]
    authorities: list[Authority]
    communes: list[Commune]
    checks: dict[str, Any]  #: ``unit_ids`` and ``procedures`` for the readers of the rest


def _label(file: Path | str) -> str:
    return file.name if isinstance(file, Path) else file


def read_reference(files: Mapping[str, Path] | Mapping[str, str], read: Callable[..., list[Any]],
                   note: Callable[[str], None]) -> Reference:
    """Units, procedures, authorities and communes, in that order, as every folder reader
    (``read_folder``, the streaming score, the Dask one) reads them; ``read(kind, **checks)``
    reads one kind's file (``[]`` when absent). With a units file, records naming another unit
    are rejected, and parents outside it are noted; with a procedures file, authorities (and
    later the dossiers) naming another procedure are rejected."""
    units: list[Unit] = read("units")
    unit_ids = {u.id for u in units} if "units" in files else None
    if unit_ids is not None:
        orphans = sorted({u.parent_id for u in units
                          if u.parent_id is not None and u.parent_id not in unit_ids})
        if orphans:
            note(f"{_label(files['units'])}: parent_id not in the file (treated as no parent by "
                 f"the tree): {', '.join(orphans)}")
    procedures = {p.code: p for p in read("procedures")}
    checks: dict[str, Any] = {"unit_ids": unit_ids,
                              "procedures": procedures if "procedures" in files else None}
    authorities: list[Authority] = read("authorities", **checks)
    communes: list[Commune] = read("communes", **checks)
    return Reference(units, procedures, authorities, communes, checks)


def _reject_orphan_supplements(builder: ReportBuilder, files: Mapping[str, str],
                               grouped: Mapping[str, list[SupplementRow]],
                               dossiers: list[Dossier], strict: bool) -> None:
    """docs/inputs.md: a supplement request belongs to a dossier; without one it is rejected, and
    the
    counts move it from accepted to rejected so that read == accepted + rejected."""
    accepted = {d.id for d in dossiers}
    dossier_file = files["dossiers"]
    rejected_at = {r.record_id: r.line for r in builder.rejections
                   if r.file == dossier_file and r.record_id is not None}
    sup_file = files["supplements"]
    for dossier_id, group in grouped.items():
        if dossier_id in accepted:
            continue
        line = rejected_at.get(dossier_id)
        reason = (f"its dossier '{dossier_id}' ({dossier_file} line {line}) was rejected"
                  if line is not None else f"no dossier '{dossier_id}' in {dossier_file}")
        for row in group:
            rejection = Rejection(sup_file, row.line, "dossier_id", dossier_id, reason,
                                  dossier_id, None)
            builder.reject(rejection)
            if strict:
                raise InputError(reason, file=sup_file, line=row.line, record=dossier_id,
                                 field="dossier_id", value=dossier_id)
