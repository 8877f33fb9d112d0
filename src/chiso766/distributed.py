"""Scoring at scale on a cluster: Decision 766 scorecards from records split across workers.

Optional extra (``pip install 'chiso766[dask]'``). Dask is imported inside the functions that
need it, never when this module is imported, so :func:`tally_partition` and
:func:`merge_tallies` also serve other engines (Spark's ``mapPartitions`` and ``reduce``).

The pattern is map-reduce over :class:`~chiso766.tally.Tally`: the small lookups (procedures,
the dossiers someone complained about, period, evaluation moment, calendar) are built once into
a :class:`~chiso766.criteria.base.Context` and shipped to every worker; each worker counts its
share of the records into a tally; the tallies merge (associative, commutative) and
:func:`~chiso766.scoring.score_tally` scores the merged tally. Any split, merged in any order,
gives the scorecard of the whole.

* :func:`tally_partition` — one partition's records into a tally (pure).
* :func:`merge_tallies` — tallies into one, also when each carries its own unpickled copy of
  the context.
* :func:`score_bag` — a ``dask.bag.Bag`` of records to a scorecard.
* :func:`score_files` — several dossier files (the parts of one export) and a folder of lookups
  to a scorecard, one file per task.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .calendar import WorkingCalendar
from .criteria.base import Context, Note
from .deadlines import DeadlinePolicy
from .errors import InputError, PolicyError
from .io.dataset import NO_AUTHORITIES, NO_UNITS, Dataset, kind_files, read_reference
from .io.readers import (
    ReadReport,
    Rejection,
    ReportBuilder,
    StrPath,
    SupplementRow,
    detect_format,
    iter_records,
)
from .io.rowpath import SupplementIndex
from .periods import Period
from .policy import CountingPolicy
from .records import (
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
from .rules import QD766, RuleSet
from .scoring import Scorecard, score_tally
from .streaming import count_dossier_csv
from .tally import Tally, build_context

if TYPE_CHECKING:
    from dask.bag import Bag

__all__ = ["merge_tallies", "score_bag", "score_files", "tally_partition"]

_INSTALL = "pip install 'chiso766[dask]'"


def _require_dask() -> Any:
    """The ``dask`` package (with ``dask.bag`` loaded), or an ImportError saying how to get it."""
    try:
        import dask
        import dask.bag
    except ImportError as exc:
        raise ImportError(f"chiso766.distributed needs dask: {_INSTALL}") from exc
    return dask


# ---------------------------------------------------------------------------------------------
# tallies


def tally_partition(records: Iterable[Any], context: Context) -> Tally:
    """A tally of one partition's records, counted with the shared ``context``.

    ``records`` are :class:`~chiso766.records.Dossier`, :class:`~chiso766.records.Petition`,
    :class:`~chiso766.records.Announcement`, :class:`~chiso766.records.Commune` or
    :class:`~chiso766.records.Authority` records in any mix (anything else raises
    :class:`~chiso766.errors.RecordError`). Pure: no dask needed, usable as the body of Spark's
    ``mapPartitions``. The tally returned holds only the per-unit counts (no per-shape cache), so
    it is small to ship back.
    """
    tally = Tally(context).update(records)
    return Tally.empty(context).merge(tally)


def merge_tallies(tallies: Iterable[Tally], *, context: Context | None = None) -> Tally:
    """Merge tallies into one new tally counted with ``context`` (default: the first tally's),
    as a balanced tree of :meth:`Tally.merge`; the inputs are left as they were. Tallies from
    other processes carry copies of the context, which compare equal (calendars compare by
    their configuration). With no tallies, the result is ``Tally.empty(context)``; tallies
    built with a different context raise :class:`~chiso766.errors.PolicyError`.
    """
    if isinstance(tallies, Tally | str | bytes) or not isinstance(tallies, Iterable):
        raise PolicyError("must be an iterable of tallies (e.g. [a, b])", record="merge_tallies",
                          field="tallies", value=tallies)
    items = list(tallies)
    for t in items:
        if not isinstance(t, Tally):
            raise PolicyError("must be Tally objects", record="merge_tallies", field="tallies",
                              value=t)
    if context is None:
        if not items:
            raise PolicyError("no tallies to merge: pass context= for the empty tally",
                              record="merge_tallies", field="context", value=None)
        context = items[0].context
    elif not isinstance(context, Context):
        raise PolicyError("must be a Context (see build_context)", record="merge_tallies",
                          field="context", value=context)
    level = [Tally.empty(context).merge(t) for t in items[:1]] + items[1:]
    if not level:
        return Tally.empty(context)
    while len(level) > 1:
        merged = [level[i].merge(level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            merged.append(level[-1])
        level = merged
    result = level[0]
    if result.context is not context:
        result = Tally.empty(context).merge(result)  # raises for a different context
    return result


def _tally_list(records: Iterable[Any], context: Context) -> list[Tally]:
    """A bag partition's records to a partition holding their one tally."""
    return [tally_partition(records, context)]


def _only(partition: Sequence[Tally]) -> Tally:
    """The one tally of a partition made by :func:`_tally_list`."""
    (tally,) = partition
    return tally


def _compute(dask: Any, client: Any, *collections: Any) -> tuple[Any, ...]:
    """Compute on ``client`` when given, else on dask's current default scheduler."""
    if client is not None:
        return tuple(dask.compute(*collections, scheduler=client))
    return tuple(dask.compute(*collections))


def _shared(dask: Any, client: Any, value: Any, what: str) -> Any:
    """``value`` as one node of the task graph: with a client, already copied to every worker
    (so the tasks that need it are spread by load, not kept where it is); else sent to each
    worker that needs it."""
    if client is not None:
        return client.scatter(value, broadcast=True, hash=False)
    return dask.delayed(value, name=f"chiso766-{what}-{uuid.uuid4().hex}", traverse=False)


# ---------------------------------------------------------------------------------------------
# a bag of records


def score_bag(
    bag: Bag,
    *,
    context: Context,
    units: Iterable[Unit] = (),
    rules: RuleSet = QD766,
    notes: Iterable[str | Note] = (),
    input_report: ReadReport | None = None,
    client: Any = None,
) -> Scorecard:
    """Score a ``dask.bag.Bag`` of records under Decision 766, partition by partition.

    Each partition's records (dossiers, petitions, announcements, communes, authorities) are
    counted into a tally with ``context`` (see :func:`~chiso766.tally.build_context`: it holds
    the procedures and the complained-about dossiers from petitions and ratings, which the bag
    does not need to hold); the tallies are merged in a tree (:func:`merge_tallies`) and scored
    by :func:`~chiso766.scoring.score_tally` with ``units``, ``rules``, ``notes`` and
    ``input_report``. Runs on ``client`` (a ``distributed.Client``) when given, else on dask's
    current default scheduler. The scorecard equals the one of the same records in one process.

    Raises :class:`ImportError` without dask, :class:`~chiso766.errors.PolicyError` for a bag
    or context of the wrong type.
    """
    dask = _require_dask()
    if not isinstance(bag, dask.bag.Bag):
        raise PolicyError("must be a dask.bag.Bag of records", record="score_bag", field="bag",
                          value=bag)
    if not isinstance(context, Context):
        raise PolicyError("must be a Context (see build_context)", record="score_bag",
                          field="context", value=context)
    tallies = bag.map_partitions(_tally_list, _shared(dask, client, context, "context"))
    total = tallies.reduction(_only, merge_tallies)
    (merged,) = _compute(dask, client, total)
    tally = merge_tallies([merged], context=context)
    return score_tally(tally, units=units, rules=rules, notes=notes, input_report=input_report)


# ---------------------------------------------------------------------------------------------
# dossier files and a folder of lookups


@attrs.frozen
class _Lookups:
    """The small files, read once on the client."""

    units: tuple[Unit, ...]
    unit_ids: frozenset[str] | None  #: None: no units file, no check
    procedures: Mapping[str, Procedure]
    check_procedures: bool  #: a procedures file exists: dossiers must name one of its codes
    authorities: tuple[Authority, ...]
    communes: tuple[Commune, ...]
    supplements: Mapping[str, tuple[SupplementRow, ...]]  #: by dossier id
    supplements_file: str | None
    petitions: tuple[Petition, ...]
    ratings: tuple[Rating, ...]
    announcements: tuple[Announcement, ...]
    postings: tuple[Posting, ...]
    before: ReadReport  #: the files read before the dossiers in read_folder
    after: ReadReport  #: petitions, ratings, announcements, postings
    notes: tuple[str, ...]


@attrs.frozen
class _Shared:
    """What every file task needs, shipped once per worker."""

    context: Context
    unit_ids: frozenset[str] | None
    check_procedures: bool
    supplements: Mapping[str, Sequence[SupplementRequest]]
    strict: bool


@attrs.frozen
class _FileResult:
    """One dossier file's tally, read report, and which of its accepted dossiers have supplement
    rows (to reject, on the client, supplement rows whose dossier is in no file)."""

    tally: Tally
    report: ReadReport
    with_supplements: frozenset[str]


def _tally_file(path: str, shared: _Shared) -> _FileResult:
    """Read one dossier file into a tally (runs on a worker): a CSV file as
    :func:`~chiso766.streaming.score_folder` reads one (the columnar engine with polars, else
    the row path), another format record by record."""
    builder = ReportBuilder()
    context = shared.context
    tally = Tally(context)
    wanted = shared.supplements
    procedures = context.procedures if shared.check_procedures else None
    if Path(path).suffix.lower() == ".csv":
        # Built here, in the worker's process: the index keys requests by the ids' hashes,
        # which differ from one process to another.
        index = SupplementIndex.of(wanted)
        count_dossier_csv(Path(path), tally, builder, strict=shared.strict,
                          procedures=procedures, unit_ids=shared.unit_ids, supplements=index)
        taken = frozenset(ident for ident in wanted if index.taken(ident))
        return _FileResult(Tally.empty(context).merge(tally), builder.build(), taken)
    found: set[str] = set()

    def accepted() -> Iterator[Dossier]:
        for dossier in iter_records(path, "dossiers", report_builder=builder,
                                    strict=shared.strict, procedures=procedures,
                                    unit_ids=shared.unit_ids, supplements=wanted):
            if dossier.id in wanted:
                found.add(dossier.id)
            yield dossier

    tally.update(accepted())  # many dossiers at a time (Tally.update), in flat memory
    return _FileResult(Tally.empty(context).merge(tally), builder.build(), frozenset(found))


def _dossier_paths(dossier_files: Iterable[StrPath]) -> list[Path]:
    """The dossier files, checked on the client before any task starts: existing, of a known
    format, one name each (the report counts rows per file name)."""
    if isinstance(dossier_files, (str, bytes, os.PathLike)) or \
            not isinstance(dossier_files, Iterable):
        raise PolicyError("must be a list of dossier files (e.g. [\"dossiers-000.csv\", …])",
                          record="score_files", field="dossier_files", value=dossier_files)
    paths: list[Path] = []
    names: dict[str, Path] = {}
    for item in dossier_files:
        if not isinstance(item, (str, os.PathLike)):
            raise PolicyError("must be file paths", record="score_files", field="dossier_files",
                              value=item)
        path = Path(item)
        detect_format(path)
        if not path.is_file():
            raise InputError("no such file", file=os.fspath(path))
        if path.name in names:
            raise InputError(f"two dossier files named {path.name} ({names[path.name]}, {path}):"
                             " the report counts rows per file name, rename one",
                             file=os.fspath(path))
        names[path.name] = path
        paths.append(path)
    if not paths:
        raise PolicyError("no dossier files given", record="score_files",
                          field="dossier_files", value=[])
    return paths


def _fold_notes(notes: Iterable[str]) -> tuple[str, ...]:
    """Dataset notes minus the no-units / no-authorities fallbacks the scorecard states itself
    (as :func:`~chiso766.scoring.score_766` does)."""
    return tuple(n for n in notes if isinstance(n, str)
                 and NO_UNITS not in n and NO_AUTHORITIES not in n)


def _lookups_from_dataset(data: Dataset) -> _Lookups:
    """The lookups of a dataset built without dossiers (its report is the lookups' report)."""
    if data.dossiers:
        raise PolicyError("a lookups dataset must not hold dossiers (they are the dossier "
                          "files); pass its folder instead", record="score_files",
                          field="lookups", value=f"Dataset with {len(data.dossiers)} dossiers")
    return _Lookups(
        units=data.units, unit_ids=frozenset(u.id for u in data.units) if data.units else None,
        procedures=data.procedures, check_procedures=bool(data.procedures),
        authorities=data.authorities, communes=data.communes, supplements={},
        supplements_file=None, petitions=data.petitions, ratings=data.ratings,
        announcements=data.announcements, postings=data.postings, before=data.report,
        after=ReadReport(), notes=_fold_notes(data.notes),
    )


def _lookups_from_folder(path: StrPath, dossier_paths: Sequence[Path], strict: bool) -> _Lookups:
    """Read the small files of a folder as :func:`~chiso766.io.dataset.read_folder` does (same
    order, same checks, same notes), all but the dossiers."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"no such folder: {folder}", file=os.fspath(folder))
    files, others = kind_files(folder)
    given = {p.resolve() for p in dossier_paths}
    others = [name for name in others if (folder / name).resolve() not in given]
    before = ReportBuilder()
    if others:
        before.note(f"ignored files that are not record files: {', '.join(others)}")
    own = files.pop("dossiers", None)
    if own is not None and own.resolve() not in given:
        before.note(f"{own.name}: not read, the dossiers are the files given to score_files")

    def read(kind: str, builder: ReportBuilder, **checks: Any) -> list[Any]:
        if kind not in files:
            return []
        return list(iter_records(files[kind], kind, report_builder=builder, strict=strict,
                                 **checks))

    ref = read_reference(files, functools.partial(read, builder=before), before.note)
    units, procedures, authorities, communes = (ref.units, ref.procedures, ref.authorities,
                                                ref.communes)
    checks = ref.checks
    unit_ids = None if checks["unit_ids"] is None else frozenset(checks["unit_ids"])
    grouped: dict[str, list[SupplementRow]] = {}
    for row in read("supplements", before):
        grouped.setdefault(row.dossier_id, []).append(row)
    after = ReportBuilder()
    petitions: list[Petition] = read("petitions", after, **checks)
    ratings: list[Rating] = read("ratings", after, **checks)
    announcements: list[Announcement] = read("announcements", after, **checks)
    postings: list[Posting] = read("postings", after, **checks)
    return _Lookups(
        units=tuple(units), unit_ids=unit_ids, procedures=procedures,
        check_procedures="procedures" in files, authorities=tuple(authorities),
        communes=tuple(communes), supplements={k: tuple(v) for k, v in grouped.items()},
        supplements_file=files["supplements"].name if "supplements" in files else None,
        petitions=tuple(petitions), ratings=tuple(ratings), announcements=tuple(announcements),
        postings=tuple(postings), before=before.build(), after=after.build(), notes=(),
    )


def _add_report(builder: ReportBuilder, report: ReadReport) -> None:
    """Add a finished report's files, rejections and notes to ``builder``, in order."""
    for name, count in report.files.items():
        builder.add_read(name, count.read)
    for rejection in report.rejections:
        builder.reject(rejection)
    for note in report.notes:
        builder.note(note)


def _reject_orphan_supplements(builder: ReportBuilder, lookups: _Lookups,
                               results: Sequence[_FileResult], names: Sequence[str],
                               strict: bool) -> None:
    """docs/inputs.md, as read_folder: a supplement row whose dossier was accepted in no file is
    rejected, naming the dossier file that rejected the dossier, if one did."""
    if not lookups.supplements or lookups.supplements_file is None:
        return
    accepted: set[str] = set()
    for result in results:
        accepted |= result.with_supplements
    rejected_at = {r.record_id: (r.file, r.line) for result in results
                   for r in result.report.rejections if r.record_id is not None}
    sup_file = lookups.supplements_file
    for dossier_id, rows in lookups.supplements.items():
        if dossier_id in accepted:
            continue
        where = rejected_at.get(dossier_id)
        reason = (f"its dossier '{dossier_id}' ({where[0]} line {where[1]}) was rejected"
                  if where is not None else f"no dossier '{dossier_id}' in {', '.join(names)}")
        for row in rows:
            builder.reject(Rejection(sup_file, row.line, "dossier_id", dossier_id, reason,
                                     dossier_id, None))
            if strict:
                raise InputError(reason, file=sup_file, line=row.line, record=dossier_id,
                                 field="dossier_id", value=dossier_id)


def score_files(
    dossier_files: Iterable[StrPath],
    *,
    lookups: StrPath | Dataset,
    period: Period,
    as_of: datetime | date | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    rules: RuleSet = QD766,
    keep_ids: bool = False,
    reported_received: Mapping[str, int] | None = None,
    last_year_totals: Mapping[str, int] | None = None,
    strict: bool = False,
    client: Any = None,
    counting: CountingPolicy | None = None,
) -> Scorecard:
    """Score the dossiers of several files (the parts of one export) under Decision 766, one
    file per dask task.

    ``dossier_files`` are CSV, JSON Lines or JSON dossier files (e.g. ``dossiers-000.csv``,
    ``dossiers-001.csv``…), each with its own header. ``lookups`` is a folder holding the other
    files (units, procedures, authorities, communes, supplements, petitions, ratings,
    announcements, postings), read once on the client exactly as
    :func:`~chiso766.io.dataset.read_folder` reads them (a dossiers file in that folder is not
    read unless it is one of ``dossier_files``), or a :class:`~chiso766.io.dataset.Dataset`
    without dossiers (it has no supplements file). The context is built once
    (:func:`~chiso766.tally.build_context`, with ``period``, ``as_of``, ``calendar``, ``policy``,
    ``keep_ids``, ``reported_received``, ``last_year_totals`` and ``counting`` as in
    :func:`~chiso766.scoring.score_766`) and sent with the supplement requests to the workers;
    each task reads one file into a tally: a CSV file as
    :func:`~chiso766.streaming.score_folder` reads its dossiers file (the columnar engine when
    polars is installed, else the row path; :func:`~chiso766.streaming.count_dossier_csv`), a
    JSON Lines or JSON file with :func:`~chiso766.io.readers.iter_records`.

    The scorecard's input report adds up every file's rows (``read == accepted + rejected``),
    lookups first, with every rejection; a supplement row whose dossier is in no file is
    rejected as read_folder does. One difference with one big file: duplicate dossier ids are
    rejected within a file, not across files. Runs on ``client`` when given, else on dask's
    current default scheduler.

    Raises :class:`ImportError` without dask; :class:`~chiso766.errors.InputError` for a missing
    file or folder, an unreadable file, two dossier files with one name, or (``strict=True``)
    the first rejected row; :class:`~chiso766.errors.PolicyError` for unusable arguments.
    """
    dask = _require_dask()
    paths = _dossier_paths(dossier_files)
    if isinstance(lookups, Dataset):
        look = _lookups_from_dataset(lookups)
    elif isinstance(lookups, (str, os.PathLike)):
        look = _lookups_from_folder(lookups, paths, strict)
    else:
        raise PolicyError("must be a folder or a Dataset", record="score_files",
                          field="lookups", value=lookups)
    context = build_context(
        period=period, as_of=as_of, procedures=look.procedures, petitions=look.petitions,
        ratings=look.ratings, authorities_given=bool(look.authorities), calendar=calendar,
        policy=policy, keep_ids=keep_ids, reported_received=reported_received,
        last_year_totals=last_year_totals, counting=counting,
    )
    requests = {k: tuple(row.request for row in rows) for k, rows in look.supplements.items()}
    shared = _shared(dask, client, _Shared(context, look.unit_ids, look.check_procedures,
                                           requests, strict), "lookups")
    task = dask.delayed(_tally_file, pure=False)
    results: tuple[_FileResult, ...] = _compute(
        dask, client, *(task(os.fspath(p), shared) for p in paths))
    local = Tally(context).update(look.authorities).update(look.communes)
    local.update(look.announcements).update(look.petitions)
    tally = merge_tallies([local, *(r.tally for r in results)], context=context)
    builder = ReportBuilder()
    _add_report(builder, look.before)
    for result in results:
        _add_report(builder, result.report)
    _reject_orphan_supplements(builder, look, results, [p.name for p in paths], strict)
    _add_report(builder, look.after)
    return score_tally(tally, units=look.units, rules=rules, notes=look.notes,
                       input_report=builder.build())
