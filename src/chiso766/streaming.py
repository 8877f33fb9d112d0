"""Score a folder of exports without holding its dossiers: the streaming form of
``score_766(read_folder(folder), …)``, in flat memory.

The small files — units, procedures, authorities, communes, petitions, announcements, postings —
are read into records as :func:`~chiso766.io.read_folder` reads them; the supplement requests
into a compact index; the ratings only for the dossiers someone disliked (criterion 5.4). With
those the scoring context is built, and the dossiers file is folded into a
:class:`~chiso766.tally.Tally` by the columnar engine (:mod:`chiso766.io.columnar`, a batch of
many thousand rows at a time with polars, counted by the columnar form of the rules in
:mod:`chiso766.population`, when polars is installed; the supplement requests and ratings
too) or else row by row by the row path
(:mod:`chiso766.io.rowpath`); a JSON Lines or JSON
dossiers file goes record by record through :func:`~chiso766.io.iter_records`. Every row is
accepted or rejected exactly as :func:`~chiso766.io.read_folder` would, and the scorecard —
input report included — is the same, byte for byte once written.

:func:`stream_dossiers` walks a folder the same way but hands out the dossiers as records, one
at a time, with read_folder's report once they are read (``chiso766 audit``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from .calendar import WorkingCalendar
from .deadlines import DeadlinePolicy
from .errors import InputError, PolicyError
from .folder_walk import (
    NO_HINT_YEAR,
    Observe,
    Observer,
    Progress,
    UndatedRatings,
    Walk,
    checked_observer,
    count_dossier_csv,
    ratings_again,
    tally_folder,
)
from .io.dataset import (
    Dataset,
    Reference,
    check_progress,
    fallback_notes,
    record_files,
)
from .io.readers import ReadReport, receipt_year_hint
from .periods import Period
from .policy import CountingPolicy
from .records import (
    Authority,
    Commune,
    Dossier,
    Petition,
    Posting,
    Procedure,
    Rating,
    Unit,
)
from .rules import QD766, RuleSet
from .scoring import Scorecard, notes_of_dataset, score_tally

__all__ = ["DossierStream", "count_dossier_csv", "score_folder", "stream_dossiers",
           "stream_score"]


class FolderRest(NamedTuple):
    """What :func:`observed_score` read of a folder besides the dossiers: ``read_folder``'s
    units, petitions, postings, notes and input report, and its ratings (read again from
    their file when iterated)."""

    units: tuple[Unit, ...]
    petitions: tuple[Petition, ...]
    postings: tuple[Posting, ...]
    ratings: Callable[[], Iterable[Rating]]
    notes: tuple[str, ...]
    report: ReadReport



def score_folder(
    path: str | os.PathLike[str],
    *,
    period: Period | None,
    as_of: datetime | date | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    rules: RuleSet = QD766,
    strict: bool = False,
    reported_received: Mapping[str, int] | None = None,
    last_year_totals: Mapping[str, int] | None = None,
    progress: Progress | None = None,
    counting: CountingPolicy | None = None,
) -> Scorecard:
    """Score every unit of the exports in ``path`` for ``period`` under Decision 766, streaming
    the dossiers (docs/rules.md; ``counting``: the Decision 766 counting policies).

    Same arguments and same result as ``score_766(read_folder(path, strict=strict), …)`` —
    the scorecard's ``input_report`` lists every rejected row — but memory does not grow with
    the number of dossiers. Record ids are not kept (explanations down to the dossier need
    :func:`~chiso766.score_766` with ``keep_ids=True``). ``progress(kind, rows)`` is called
    every 50,000 rows of the dossiers file and when each file is done.

    ``period=None``: the calendar year of the latest receipt among the accepted dossiers, as
    ``chiso766 score`` without ``--period`` chooses it (:class:`~chiso766.errors.InputError`
    when no dossier is accepted). That year is guessed from the end of the dossiers file and
    checked once the file is counted; when the guess was wrong the file is counted again for
    the right year, so the result is always the named period's.
    """
    card, latest = stream_score(path, period=period, as_of=as_of, calendar=calendar,
                                policy=policy, rules=rules, strict=strict,
                                reported_received=reported_received,
                                last_year_totals=last_year_totals, progress=progress,
                                counting=counting)
    if latest is None and period is None:
        raise InputError("no dossier accepted: the default period (the year of the latest "
                         "receipt) cannot be chosen; name a period",
                         file=os.fspath(path), field="period")
    return card


def stream_score(
    path: str | os.PathLike[str],
    *,
    period: Period | None,
    as_of: datetime | date | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    rules: RuleSet = QD766,
    strict: bool = False,
    reported_received: Mapping[str, int] | None = None,
    last_year_totals: Mapping[str, int] | None = None,
    progress: Progress | None = None,
    counting: CountingPolicy | None = None,
) -> tuple[Scorecard, datetime | None]:
    """:func:`score_folder`, and the latest receipt of the accepted dossiers (``None``: none
    accepted; with ``period=None`` the scorecard is then a guessed year's, which a caller
    reports as it sees fit, as the CLI does: the input first, then "no dossiers")."""
    if period is not None and not isinstance(period, Period):
        raise PolicyError("must be a Period (e.g. Period.quarter(2025, 2))", record="score",
                          field="period", value=period)
    check_progress(progress, "score")
    folder, files, _ = record_files(path)
    if not _streamable(files):
        # The streaming readers of these two files read CSV only: the record path reads every
        # format, to the same scorecard (memory then grows with the dossiers).
        from .io.dataset import read_folder
        from .scoring import score_766

        dataset = read_folder(folder, strict=strict, progress=progress)
        latest = max((d.receipt for d in dataset.dossiers), default=None)
        year = period if period is not None else Period.year(
            latest.year if latest is not None else NO_HINT_YEAR)
        return score_766(dataset, period=year, as_of=as_of, calendar=calendar, policy=policy,
                         rules=rules, reported_received=reported_received,
                         last_year_totals=last_year_totals, counting=counting), latest
    card, latest, _ = _guessing(
        folder, files, period, lambda chosen: _score_folder(
            folder, period=chosen, as_of=as_of, calendar=calendar, policy=policy, rules=rules,
            strict=strict, reported_received=reported_received,
            last_year_totals=last_year_totals, progress=progress, counting=counting))
    return card, latest


_Pass = tuple[Scorecard, "datetime | None", "tuple[Observer, FolderRest] | None"]


def _guessing(folder: Path, files: Mapping[str, Path], period: Period | None,
              run: Callable[[Period], _Pass]) -> _Pass:
    """``run`` for ``period``; without one, for the year of the latest accepted receipt:
    guessed from the end of the dossiers file, run again for the right year when the guess
    was wrong."""
    chosen = period if period is not None else _guessed_period(files["dossiers"])
    done = run(chosen)
    latest = done[1]
    if period is None and latest is not None and Period.year(latest.year) != chosen:
        done = run(Period.year(latest.year))
    return done


def observed_score(
    path: str | os.PathLike[str],
    *,
    period: Period | None,
    observe: Observe,
    as_of: datetime | date | None = None,
    calendar: WorkingCalendar | None = None,
    policy: DeadlinePolicy | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    counting: CountingPolicy | None = None,
) -> tuple[Scorecard, datetime | None, Observer, FolderRest] | None:
    """:func:`stream_score`, showing every accepted dossier to the observer ``observe`` makes
    for the pass (made again when the default period's guess is counted again); with it what
    else the pass read (:class:`FolderRest`). ``None``, having read nothing, when the folder's
    supplements or ratings file is not CSV (:func:`stream_score` then reads the records: the
    caller does what it would do with them)."""
    check_progress(progress, "score")
    if not callable(observe):
        raise PolicyError("must be a callable (context, undated ids) -> Observer",
                          record="observed_score", field="observe", value=observe)
    folder, files, _ = record_files(path)
    if not _streamable(files):
        return None
    card, latest, seen = _guessing(
        folder, files, period, lambda chosen: _score_folder(
            folder, period=chosen, as_of=as_of, calendar=calendar, policy=policy, rules=QD766,
            strict=strict, reported_received=None, last_year_totals=None, progress=progress,
            counting=counting, observe=observe))
    assert seen is not None
    return card, latest, seen[0], seen[1]


def _streamable(files: Mapping[str, Path]) -> bool:
    """Whether the streaming readers read this folder: they read the supplements and ratings
    files in CSV only (the record path reads every format, to the same result, with memory
    growing with the dossiers)."""
    return all(files[k].suffix.lower() == ".csv" for k in ("supplements", "ratings")
               if k in files)


class DossierStream:
    """The accepted dossiers of a folder, one at a time, in file order: what
    ``read_folder(path, strict=strict).dossiers`` holds, without holding them (for the
    due-date audit of millions of dossiers, ``chiso766 audit``); memory grows only with the
    ids read so far, which the duplicate-id check keeps — a 4-byte fingerprint each for a CSV
    dossiers file (:class:`~chiso766.io.rowpath.DossierRows`: a row held by a fingerprint
    collision, about one in a billion, is settled at the end and handed out after the others).

    The other files are read on creation, as :func:`~chiso766.io.read_folder` reads them:
    ``units``, ``procedures`` (by code), ``authorities``, ``communes`` and ``petitions`` are
    kept; the supplement requests are attached to their dossiers; ``undated_rated`` holds the
    ids of the dossiers an accepted rating without a date names. The stream can be iterated
    once (``stream.dossiers`` is the stream itself); then :attr:`report` is read_folder's
    input report (every row of every file accepted or rejected, the same rejections and
    notes), and ``ratings`` and ``postings`` give read_folder's records of those files (the
    ratings read again from their file as they are iterated). So a stream stands in for a
    :class:`~chiso766.io.Dataset` where the dossiers are read once, in order, before the
    ratings: ``hcm104.score(stream, …, scorecard=…)``. A supplements or ratings file that is not CSV
    makes it read the folder with read_folder (the same dossiers and report; memory grows).
    With ``strict``, the first rejected row raises :class:`~chiso766.errors.InputError`; the
    files are read in the order above (the small files before the dossiers), so it may name
    another row than read_folder's first.
    """

    def __init__(self, path: str | os.PathLike[str], *, strict: bool = False,
                 progress: Progress | None = None) -> None:
        check_progress(progress, "stream_dossiers")
        folder, files, _ = record_files(path)
        self.folder = folder
        self._report: ReadReport | None = None
        self._started = False
        self._walk: Walk | None = None
        self._held: tuple[Dossier, ...] = ()
        self.notes = fallback_notes("units" in files, "authorities" in files, "file")
        self._ratings: Callable[[], Iterable[Rating]]
        self._postings: Callable[[], Iterable[Posting]]
        if _streamable(files):
            # The ratings are read for their rejections and for the dossiers an undated
            # rating names (HCM 104 keeps only those of its resolved ids).
            walk = self._walk = Walk(folder, bool(strict), progress, UndatedRatings())
            self.undated_rated: frozenset[str] = frozenset(walk.picked)
            walk.picked.clear()
            ref: Reference | Dataset = walk.ref
            self.petitions = tuple(walk.petitions)
            self._ratings = ratings_again(files, walk.ref.checks)
            self._postings = lambda: walk.postings
        else:
            from .io.dataset import read_folder

            dataset = read_folder(folder, strict=strict, progress=progress)
            ref = dataset
            self.petitions = dataset.petitions
            self._held, self._report = dataset.dossiers, dataset.report
            self.undated_rated = frozenset(r.dossier_id for r in dataset.ratings
                                           if r.rated_at is None and r.dossier_id is not None)
            self._ratings, self._postings = lambda: dataset.ratings, lambda: dataset.postings
        self.units: tuple[Unit, ...] = tuple(ref.units)
        self.procedures: Mapping[str, Procedure] = dict(ref.procedures)
        self.authorities: tuple[Authority, ...] = tuple(ref.authorities)
        self.communes: tuple[Commune, ...] = tuple(ref.communes)

    def __iter__(self) -> Iterator[Dossier]:
        if self._started:
            raise InputError("a dossier stream is read once: open the folder again",
                             file=os.fspath(self.folder), field="dossiers")
        self._started = True
        return self._dossiers()

    def observe(self, observer: Observer) -> None:
        """Read the dossiers — instead of iterating them — showing each accepted one, once, to
        ``observer`` (:class:`Observer`): as a record, or, with polars and a CSV dossiers
        file, the rows the columnar engine vouches for in frames (its columns with the
        supplement aggregates; ``observer.frame`` may name rows to be shown as records too).
        Then :attr:`report` is read_folder's, as after iterating. What ``chiso766 audit``
        reads a folder with: the flagged dossiers are picked in columns and only they become
        records."""
        checked_observer(observer, "DossierStream.observe")
        if self._started:
            raise InputError("a dossier stream is read once: open the folder again",
                             file=os.fspath(self.folder), field="dossiers")
        self._started = True
        if self._walk is None:
            for d in self._held:
                observer.dossier(d)
            self._held = ()
            return
        self._walk.show(observer)
        self._report, _ = self._walk.finish()

    def _dossiers(self) -> Iterator[Dossier]:
        if self._walk is None:
            yield from self._held
            self._held = ()
            return
        yield from self._walk.records()
        self._report, _ = self._walk.finish()
        self._walk = None

    #: Read once, in order (:func:`~chiso766.hcm104.score` asks before it starts).
    read_once = True

    @property
    def dossiers(self) -> DossierStream:
        """The stream itself (as ``Dataset.dossiers`` holds them)."""
        return self

    @property
    def report(self) -> ReadReport:
        """The input report, complete once every dossier has been read."""
        if self._report is None:
            raise self._not_yet("report", "the input report is complete")
        return self._report

    @property
    def ratings(self) -> Iterable[Rating]:
        """read_folder's ratings, read from their file as they are iterated, which can be
        once every dossier has been read."""
        return _ReadAfter(lambda: self._after("ratings", self._ratings))

    @property
    def postings(self) -> Iterable[Posting]:
        """read_folder's postings, once every dossier has been read."""
        return _ReadAfter(lambda: self._after("postings", self._postings))

    def _after(self, what: str, records: Callable[[], Iterable[Any]]) -> Iterable[Any]:
        if self._report is None:
            raise self._not_yet(what, f"the {what} are read")
        return records()

    def _not_yet(self, what: str, done: str) -> InputError:
        return InputError(f"{done} once every dossier has been read: iterate the stream to "
                          "its end first", file=os.fspath(self.folder), field=what)


class _ReadAfter(Iterable[Any]):
    """Records of a :class:`DossierStream` that can be asked for at any time and read once
    the dossiers have been (``hcm104.score`` asks for the ratings before the dossiers)."""

    def __init__(self, records: Callable[[], Iterable[Any]]) -> None:
        self._records = records

    def __iter__(self) -> Iterator[Any]:
        return iter(self._records())


def stream_dossiers(path: str | os.PathLike[str], *, strict: bool = False,
                    progress: Progress | None = None) -> DossierStream:
    """The accepted dossiers of a folder one at a time, with read_folder's report once they
    are read (:class:`DossierStream`)."""
    return DossierStream(path, strict=strict, progress=progress)


def _guessed_period(dossiers: Path) -> Period:
    """A guess at the default period (the year of the latest receipt among the accepted
    dossiers) from the last lines of the dossiers file: :func:`stream_score` checks it."""
    year = receipt_year_hint(dossiers)
    return Period.year(year if year is not None else NO_HINT_YEAR)



def _score_folder(
    folder: Path,
    *,
    period: Period,
    as_of: datetime | date | None,
    calendar: WorkingCalendar | None,
    policy: DeadlinePolicy | None,
    rules: RuleSet,
    strict: bool,
    reported_received: Mapping[str, int] | None,
    last_year_totals: Mapping[str, int] | None,
    progress: Progress | None,
    counting: CountingPolicy | None,
    observe: Observe | None = None,
) -> _Pass:
    done = tally_folder(folder, period=period, as_of=as_of, calendar=calendar, policy=policy,
                        strict=strict, reported_received=reported_received,
                        last_year_totals=last_year_totals, progress=progress,
                        counting=counting, observe=observe)
    walk, ref = done.walk, done.walk.ref
    card = score_tally(done.tally, units=ref.units, rules=rules,
                       notes=notes_of_dataset(SimpleNamespace(notes=done.notes)),
                       input_report=done.report)
    if done.observer is None:
        return card, done.latest, None
    rest = FolderRest(tuple(ref.units), tuple(walk.petitions), tuple(walk.postings),
                      ratings_again(walk.files, ref.checks), done.notes, done.report)
    return card, done.latest, (done.observer, rest)
