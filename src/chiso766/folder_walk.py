"""Walking a folder of exports for a streaming score (layer 4, beside the tally): the small files
read as :func:`~chiso766.io.read_folder` reads them, the supplement requests into a compact
index, the dossiers file counted into a :class:`~chiso766.tally.Tally` by the columnar engine
(polars, the ``fast`` extra) or the row path, and read_folder's input report joined in its
order. :func:`tally_folder` is the whole walk for one period; :mod:`chiso766.streaming`
scores it (``score_folder``) and :func:`chiso766.scoring.score_766` uses it for a dataset
whose dossiers have not been read yet (:func:`~chiso766.io.read_folder`).
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import attrs

from .calendar import WorkingCalendar
from .criteria.base import Context
from .deadlines import DeadlinePolicy
from .errors import InputError, PolicyError
from .io.dataset import fallback_notes, kind_files, read_reference
from .io.readers import ReadReport, Rejection, ReportBuilder, iter_records
from .io.rowpath import (
    DossierRows,
    MomentCells,
    RatingRule,
    SupplementIndex,
    complained_from_ratings,
    from_us,
    read_supplement_index,
    tally_dossier_csv,
)
from .periods import Period
from .policy import CountingPolicy
from .population import DislikeRule
from .records import Announcement, Dossier, Petition, Posting, Procedure, Rating, RatingValue
from .tally import Tally, build_context

if TYPE_CHECKING:
    import polars as pl

class _FileReaders(NamedTuple):
    supplements: Callable[..., SupplementIndex]
    ratings: Callable[..., None]
    #: Returns the latest accepted receipt (microseconds, -1: none); ``counts=`` overrides the
    #: engine's counter (:class:`~chiso766.frame_counts.FrameShow`), unused by the row path.
    dossiers: Callable[..., int]


def _file_readers() -> _FileReaders:
    """The columnar engine when polars is installed (the ``fast`` extra), else the row path:
    the same counts and rejections either way."""
    if importlib.util.find_spec("polars") is None:
        return _FileReaders(read_supplement_index, complained_from_ratings, tally_dossier_csv)
    from .frame_counts import FrameCounts
    from .io.columnar import (
        complained_from_rating_columns,
        read_supplement_columns,
        tally_dossier_columns,
    )
    return _FileReaders(read_supplement_columns, complained_from_rating_columns,
                        functools.partial(tally_dossier_columns, counts=FrameCounts))


def count_dossier_csv(path: Path, tally: Tally, builder: ReportBuilder, *, strict: bool,
                      procedures: Mapping[str, Procedure] | None,
                      unit_ids: Container[str] | None, supplements: SupplementIndex) -> None:
    """Count a dossiers CSV file into ``tally`` as :func:`score_folder` counts its dossiers
    file: by the columnar engine when polars is installed, else record by record on the row
    path, in flat memory either way. Every row is read into ``builder`` (accepted, or
    rejected with its reason, as read_folder does: ``procedures`` and ``unit_ids`` check the
    codes when given) and each accepted dossier takes its requests from ``supplements``
    (:meth:`~chiso766.io.rowpath.SupplementIndex.taken` tells which were taken).
    :func:`chiso766.distributed.score_files` counts each CSV file of an export this way.

    Raises :class:`~chiso766.errors.PolicyError` for an argument of the wrong kind (before
    anything is read), :class:`~chiso766.errors.InputError` for a missing or unreadable file
    (and, with ``strict``, the first rejected row)."""
    where = "count_dossier_csv"
    if not isinstance(path, (str, os.PathLike)) or Path(path).suffix.lower() != ".csv":
        raise PolicyError("must be the path of a dossiers CSV file (.csv)", record=where,
                          field="path", value=path)
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=os.fspath(path))
    for name, value, kind, what in (
            ("tally", tally, Tally, "a Tally"), ("builder", builder, ReportBuilder,
                                                  "a ReportBuilder"),
            ("strict", strict, bool, "True or False"),
            ("supplements", supplements, SupplementIndex, "a SupplementIndex")):
        if not isinstance(value, kind):
            raise PolicyError(f"must be {what}", record=where, field=name, value=value)
    if procedures is not None and not isinstance(procedures, Mapping):
        raise PolicyError("must be None or a mapping of procedure code to Procedure",
                          record=where, field="procedures", value=procedures)
    if unit_ids is not None and (isinstance(unit_ids, (str, bytes))
                                 or not isinstance(unit_ids, Container)):
        raise PolicyError("must be None or a set of unit ids", record=where, field="unit_ids",
                          value=unit_ids)
    _file_readers().dossiers(path, tally, builder, strict=strict, procedures=procedures,
                             unit_ids=unit_ids, supplements=supplements)


class Observer(Protocol):
    """What else a streaming score counts of the accepted dossiers (HCM 104's parts A and B:
    :func:`chiso766.hcm104.score_folder`), shown each one once, in file order within each
    way: as a record (:meth:`dossier`), or, the rows the columnar engine vouches for, in
    frames (:meth:`frame`: the columns :meth:`~chiso766.frame_counts.FrameCounts.count`
    reads, with ``staff``, the supplement aggregates and every dossier's ``statutory_due``).
    :meth:`frame` may return the ``key`` of the rows it wants shown as records as well: each
    is then shown to :meth:`dossier` too (the due-date audit of a report's flagged dossiers,
    :class:`chiso766.reports.flagged.FlaggedDossiers`, picks its few in columns)."""

    def dossier(self, dossier: Dossier) -> None: ...

    def frame(self, dossiers: pl.DataFrame) -> Iterable[int] | None: ...


def checked_observer(observer: Any, where: str) -> Observer:
    """``observer`` when it has the :class:`Observer` methods, else :class:`PolicyError`."""
    if not (callable(getattr(observer, "dossier", None))
            and callable(getattr(observer, "frame", None))):
        raise PolicyError("must be an Observer: dossier(record) and frame(frame) methods",
                          record=where, field="observer", value=observer)
    return observer  # type: ignore[no-any-return]


#: ``observe(ctx, undated)``: the observer of a pass, given its scoring context and the ids of
#: the dossiers a rating without a date names.
Observe = Callable[[Context, frozenset[str]], Observer]

Progress = Callable[[str, int], None]
#: ``progress("dossiers", n)`` every this many dossiers handed out by a stream.
PROGRESS_EVERY = 50_000


#: Records read before they are shown to an observer, without the engine (:meth:`Walk.show`).
SHOW_CHUNK = 20_000

#: The year tried first when the end of the dossiers file gives no hint (JSON files): the
#: count then tells the right one, and the file is counted again for it.
NO_HINT_YEAR = 2025


def ratings_again(files: Mapping[str, Path], checks: Mapping[str, Any],
                   ) -> Callable[[], Iterator[Rating]]:
    """read_folder's ratings, read again from their file each time the result is called
    (their rejections are in the report already: the walk read the file)."""
    path = files.get("ratings")

    def ratings() -> Iterator[Rating]:
        if path is not None:
            yield from iter_records(path, "ratings", report_builder=ReportBuilder(), **checks)

    return ratings


class UndatedRatings:
    """Picks the ratings that carry no date (any value): a dossier stream's
    ``undated_rated``. Undated, such a rating counts for HCM 104's part C when its dossier
    was resolved in the period."""

    def __call__(self, rating: RatingValue | None, rated_at: datetime | None) -> bool:
        return rated_at is None

    def columns(self) -> pl.Expr:
        import polars as pl

        return pl.col("rated_at").is_null()


class Walk:
    """:func:`~chiso766.io.read_folder`'s reading of a folder in the order a stream needs it:
    on creation the reference files, the supplement requests (into a compact index), the
    petitions and the ratings (``picked``: the dossiers whose ratings ``rule`` picks — those
    disliked by the evaluation moment for criterion 5.4,
    :class:`~chiso766.population.DislikeRule`, or the undated ones for a stream);
    then the caller counts the dossiers file or takes its records (:meth:`records`); then
    :meth:`finish` rejects the requests no accepted dossier took, reads the announcements and
    the postings, and joins the report in read_folder's order, so it is read_folder's report
    (files, rejections, notes) although the files are read in another order."""

    def __init__(self, folder: Path, strict: bool, progress: Progress | None,
                 rule: RatingRule) -> None:
        self.files, others = kind_files(folder)
        self.strict, self.progress = strict, progress
        # One builder per step, joined by finish() in read_folder's order.
        self.head, self.sup_builder, self.dossier_builder, self.orphan_builder, self.tail = (
            ReportBuilder() for _ in range(5))
        if others:
            self.head.note(f"ignored files that are not record files: {', '.join(others)}")
        self.ref = read_reference(self.files, functools.partial(self.read, builder=self.head),
                                  self.head.note)
        moments = MomentCells()
        self.readers = _file_readers()
        files = self.files
        self.supplements = (self.readers.supplements(files["supplements"], self.sup_builder,
                                                     strict, moments)
                            if "supplements" in files else SupplementIndex())
        if progress is not None and "supplements" in files:
            progress("supplements", len(self.supplements))
        self.petitions: list[Petition] = self.read("petitions", self.tail, **self.ref.checks)
        self.picked: set[str] = set()
        if "ratings" in files:
            self.readers.ratings(files["ratings"], self.tail, strict,
                                 self.ref.checks["unit_ids"], rule, moments, self.picked)

    def read(self, kind: str, builder: ReportBuilder, **checks: Any) -> list[Any]:
        if kind not in self.files:
            return []
        out = list(iter_records(self.files[kind], kind, report_builder=builder,
                                strict=self.strict, **checks))
        if self.progress is not None:
            self.progress(kind, len(out))
        return out

    def records(self) -> Iterator[Dossier]:
        """The accepted dossiers of the dossiers file, one at a time, with their supplement
        requests; every row accepted or rejected as read_folder does."""
        supplements, checks, progress = self.supplements, self.ref.checks, self.progress
        path = self.files["dossiers"]
        records: Iterable[Dossier]
        if path.suffix.lower() == ".csv":
            # Read by the row path: the duplicate-id check in 4 bytes an id, not a set of them.
            records = DossierRows(path, self.dossier_builder, strict=self.strict,
                                  procedures=checks["procedures"], unit_ids=checks["unit_ids"],
                                  supplements=supplements)
        else:
            records = self._marked(iter_records(
                path, "dossiers", report_builder=self.dossier_builder, strict=self.strict,
                supplements=supplements, procedures=checks["procedures"],
                unit_ids=checks["unit_ids"]))
        for taken, record in enumerate(records, 1):
            if progress is not None and taken % PROGRESS_EVERY == 0:
                progress("dossiers", taken)  # as read_folder reports them
            yield record

    def show(self, observer: Observer) -> None:
        """The accepted dossiers shown to ``observer`` (:meth:`DossierStream.observe`): a CSV
        file read as the streaming score reads it (by the columnar engine when polars is
        installed: the rows it vouches for in frames, counted by nothing; else by the row
        path), another format record by record as :meth:`records` reads it."""
        path = self.files["dossiers"]
        if path.suffix.lower() != ".csv" or self.readers.dossiers is tally_dossier_csv:
            # Records, read a chunk at a time and then handed out: reading and working on one
            # dossier after the other measured ~10-20 % slower (the audit, 200,000 rows).
            records = self.records()
            while chunk := list(itertools.islice(records, SHOW_CHUNK)):
                for record in chunk:
                    observer.dossier(record)
            return
        from .frame_counts import FrameShow

        progress, checks = self.progress, self.ref.checks

        def rows_done(rows: int) -> None:
            if progress is not None:
                progress("dossiers", rows)

        nothing = _CountsNothing(build_context(period=Period.year(NO_HINT_YEAR),
                                               procedures=self.ref.procedures))
        self.readers.dossiers(path, nothing, self.dossier_builder, strict=self.strict,
                              procedures=checks["procedures"], unit_ids=checks["unit_ids"],
                              supplements=self.supplements,
                              progress=rows_done if progress is not None else None,
                              counts=FrameShow, also=observer.dossier, frames=observer.frame)

    def _marked(self, records: Iterable[Dossier]) -> Iterator[Dossier]:
        """``records``, each marking the supplement requests it took (the orphans are the
        others, :meth:`finish`); :class:`~chiso766.io.rowpath.DossierRows` marks its own."""
        supplements = self.supplements
        for record in records:
            k = supplements.first(record.id, hash(record.id)) if len(supplements) else -1
            if k >= 0:
                supplements.mark_used(k)
            yield record

    def finish(self) -> tuple[ReadReport, list[Announcement]]:
        """The input report, once the dossiers are read, and the announcements."""
        files, progress = self.files, self.progress
        if progress is not None:
            progress("dossiers", self.dossier_builder.build().read)
        if "supplements" in files:
            _reject_orphans(self.supplements, self.orphan_builder, files["supplements"],
                            files["dossiers"].name, self.dossier_builder, self.strict)
        announcements = self.read("announcements", self.tail, **self.ref.checks)
        self.postings: list[Posting] = self.read("postings", self.tail, **self.ref.checks)
        report = _joined(self.head, self.sup_builder, self.dossier_builder,
                         self.orphan_builder, self.tail)
        return report.build(), announcements


def _with_dislikes(ctx: Context, disliked: set[str]) -> Context:
    if not disliked:
        return ctx
    disliked.update(ctx.complained)
    complained = frozenset(disliked)
    disliked.clear()
    return attrs.evolve(ctx, complained=complained)


def _reject_orphans(index: SupplementIndex, builder: ReportBuilder, sup_path: Path,
                    dossier_file: str, dossier_builder: ReportBuilder, strict: bool) -> None:
    """docs/inputs.md: a supplement request whose dossier is missing or rejected is rejected, in the
    order ``read_folder`` lists them (by dossier, in order of first appearance)."""
    unused = [k for k in range(len(index)) if not index.used[k]]
    if not unused:
        return
    # Requests are kept in file order, so these lines ascend as the positions do.
    lines = {k: index.line(k) for k in unused}
    ids = _orphan_ids(sup_path, {line: k for k, line in lines.items()})
    sup_file = sup_path.name
    rejected_at = {r.record_id: r.line for r in dossier_builder.rejections
                   if r.file == dossier_file and r.record_id is not None}
    groups: dict[str, list[int]] = {}
    for k in unused:
        groups.setdefault(ids[k], []).append(k)
    for dossier_id, group in groups.items():
        line = rejected_at.get(dossier_id)
        reason = (f"its dossier '{dossier_id}' ({dossier_file} line {line}) was rejected"
                  if line is not None else f"no dossier '{dossier_id}' in {dossier_file}")
        for k in group:
            builder.reject(Rejection(sup_file, lines[k], "dossier_id", dossier_id, reason,
                                     dossier_id, None))
            if strict:
                raise InputError(reason, file=sup_file, line=lines[k], record=dossier_id,
                                 field="dossier_id", value=dossier_id)
        builder.add_read(sup_file, 0)


def _orphan_ids(path: Path, wanted: Mapping[int, int]) -> dict[int, str]:
    """The dossier ids of the unused requests, by request position: the index keeps hashes,
    not ids, so the supplements file is read again (only when some request is unused)."""
    ids: dict[int, str] = {}
    for record in iter_records(path, "supplements", report_builder=ReportBuilder()):
        k = wanted.get(record.line)
        if k is not None:
            ids[k] = record.dossier_id
    return ids


def _joined(head: ReportBuilder, sups: ReportBuilder, dossiers: ReportBuilder,
            orphans: ReportBuilder, tail: ReportBuilder) -> ReportBuilder:
    out = ReportBuilder()
    for part in (head, sups, dossiers, orphans, tail):
        out.add_all(part)
    return out


class _CountsNothing(Tally):
    """A tally that counts nothing, for a reading of the dossiers that only shows them to an
    observer (:meth:`Walk.show`: the records go to ``also``, the frames to ``frames``)."""

    __slots__ = ()

    def add_dossier(self, d: Dossier) -> None:
        pass


class FolderTally(NamedTuple):
    """A folder walked for one period (:func:`tally_folder`): the tally of its records, the
    latest receipt among the accepted dossiers (``None``: none), read_folder's input report,
    the walk (its reference files, petitions, postings), the pass's observer, if any, and
    read_folder's fallback notes."""

    tally: Tally
    latest: datetime | None
    report: ReadReport
    walk: Walk
    observer: Observer | None
    notes: tuple[str, ...]


def tally_folder(
    folder: Path,
    *,
    period: Period,
    as_of: datetime | date | None,
    calendar: WorkingCalendar | None,
    policy: DeadlinePolicy | None,
    strict: bool,
    reported_received: Mapping[str, int] | None,
    last_year_totals: Mapping[str, int] | None,
    progress: Progress | None,
    counting: CountingPolicy | None,
    observe: Observe | None = None,
) -> FolderTally:
    """Count every record of the exports in ``folder`` for ``period`` into a tally, streaming
    the dossiers (the context built as :func:`~chiso766.scoring.score_766` builds it; every
    row accepted or rejected as read_folder does), showing each accepted dossier to the
    observer ``observe`` makes, if any. The caller scores the tally."""
    walk = Walk(folder, strict, progress,
                 DislikeRule(build_context(period=period, as_of=as_of).as_of))
    ref, supplements = walk.ref, walk.supplements
    ctx = build_context(
        period=period, as_of=as_of, procedures=ref.procedures, petitions=walk.petitions,
        authorities_given=bool(ref.authorities), calendar=calendar, policy=policy,
        reported_received=reported_received, last_year_totals=last_year_totals,
        counting=counting,
    )
    ctx = _with_dislikes(ctx, walk.picked)
    tally = Tally(ctx)
    tally.update(ref.authorities)
    tally.update(ref.communes)
    observer: Observer | None = None
    extra: dict[str, Any] = {}
    if observe is not None:
        # The ids an undated rating names (its part C counts when the dossier was resolved).
        undated: set[str] = set()
        if "ratings" in walk.files:
            walk.readers.ratings(walk.files["ratings"], ReportBuilder(), strict,
                                 ref.checks["unit_ids"], UndatedRatings(), MomentCells(), undated)
        observer = checked_observer(observe(ctx, frozenset(undated)), "observed_score")
        extra = {"also": observer.dossier, "frames": observer.frame}
    dossiers = walk.files["dossiers"]
    if dossiers.suffix.lower() == ".csv":
        def rows_done(rows: int) -> None:
            if progress is not None:
                progress("dossiers", rows)

        latest_us = walk.readers.dossiers(dossiers, tally, walk.dossier_builder, strict=strict,
                                          procedures=ref.checks["procedures"],
                                          unit_ids=ref.checks["unit_ids"],
                                          supplements=supplements,
                                          progress=rows_done if progress is not None else None,
                                          **extra)
        latest = from_us(latest_us) if latest_us >= 0 else None
    else:
        latest = None
        for record in walk.records():
            if latest is None or record.receipt > latest:
                latest = record.receipt
            tally.add_dossier(record)
            if observer is not None:
                observer.dossier(record)
    report, announcements = walk.finish()
    tally.update(announcements)
    tally.update(walk.petitions)
    notes = fallback_notes("units" in walk.files, "authorities" in walk.files, "file")
    return FolderTally(tally, latest, report, walk, observer, tuple(notes))
