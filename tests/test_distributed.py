"""``chiso766.distributed`` (issue #5 item 4): scoring split across partitions, files and worker
processes gives byte-for-byte the JSON report of the single-process ``score_766``.

The tests that need dask skip, not fail, without it; the pure tally functions and the
"dask is missing" error are tested either way.
"""

from __future__ import annotations

import builtins
import functools
import pickle
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from chiso766 import Period, Tally, WorkingCalendar, build_context, read_folder, score_766
from chiso766.criteria.base import Context
from chiso766.distributed import merge_tallies, score_bag, score_files, tally_partition
from chiso766.errors import InputError, PolicyError
from chiso766.io import Dataset
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.scoring import Scorecard
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
MESSY = ROOT / "examples" / "messy"
Q2 = Period.quarter(2025, 2)
Q1 = Period.quarter(2025, 1)


def as_json(card: Scorecard) -> str:
    return dumps(scorecard_to_dict(card))


@functools.cache
def province() -> Dataset:
    return read_folder(PROVINCE)


@functools.cache
def province_json() -> str:
    """The reference: ``score_766(read_folder(examples/province))`` for 2025-Q2, one process."""
    return as_json(score_766(province(), period=Q2))


def province_context() -> Context:
    ds = province()
    return build_context(period=Q2, procedures=ds.procedures, petitions=ds.petitions,
                         ratings=ds.ratings, authorities_given=bool(ds.authorities))


def province_records() -> list[Any]:
    ds = province()
    return [*ds.authorities, *ds.communes, *ds.announcements, *ds.dossiers, *ds.petitions]


def split_dossiers(folder: Path, target: Path, parts: int) -> list[Path]:
    """The folder's dossiers.csv as ``parts`` CSV files, each with the header (no row of the
    example spans two lines)."""
    header, *rows = (folder / "dossiers.csv").read_text(encoding="utf-8").splitlines(True)
    target.mkdir(parents=True, exist_ok=True)
    size = -(-len(rows) // parts)
    paths = []
    for i in range(parts):
        path = target / f"dossiers-{i:03d}.csv"
        path.write_text(header + "".join(rows[i * size:(i + 1) * size]), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def dask() -> Any:
    return need("dask", "dask")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A local cluster of two worker processes (one thread each)."""
    need("dask.bag", "dask")
    distributed = need("distributed", "dask")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster, set_as_default=False) as c:
        yield c


def task_stream(client: Any) -> Any:
    distributed = need("distributed", "dask")
    return distributed.get_task_stream(client)


def workers_that_ran(tasks: Any, prefix: str) -> int:
    """How many worker processes ran tasks whose key starts with ``prefix``."""
    return len({t["worker"] for t in tasks.data
                if str(t["key"]).lstrip("('").startswith(prefix)})


# ---------------------------------------------------------------------------------------------
# pure: no dask needed


def test_tally_partition_of_any_split_merges_into_the_whole() -> None:
    ctx = province_context()
    records = province_records()
    whole = Tally.from_dataset(province(), ctx)
    for parts in (1, 3, 8):
        chunks = [records[i::parts] for i in range(parts)]
        tallies = [tally_partition(chunk, ctx) for chunk in chunks]
        assert merge_tallies(tallies).snapshot() == whole.snapshot()
        assert merge_tallies(reversed(tallies)).snapshot() == whole.snapshot()
    assert merge_tallies([], context=ctx).snapshot() == Tally.empty(ctx).snapshot()


def test_merge_tallies_takes_unpickled_copies_of_the_context() -> None:
    ctx = province_context()
    dossiers = province().dossiers
    tallies = [pickle.loads(pickle.dumps(tally_partition(dossiers[i::2], ctx)))
               for i in range(2)]
    assert tallies[0].context is not tallies[1].context
    merged = merge_tallies(tallies, context=ctx)
    assert merged.context is ctx
    assert merged.snapshot() == Tally(ctx).update(dossiers).snapshot()
    # the inputs keep their own context
    assert tallies[0].context is not ctx


def test_merge_tallies_refuses_other_contexts() -> None:
    ctx = province_context()
    some = province().dossiers[:50]
    other_period = build_context(period=Q1, procedures=ctx.procedures)
    day_off = WorkingCalendar.vietnam().with_overrides(days_off=[Q2.start.replace(day=2)])
    other_calendar = build_context(period=Q2, procedures=ctx.procedures,
                                   authorities_given=True, calendar=day_off)
    mine = tally_partition(some, ctx)
    for other in (other_period, other_calendar):
        with pytest.raises(PolicyError, match="different contexts"):
            merge_tallies([mine, tally_partition(some, other)])
    with pytest.raises(PolicyError, match="pass context="):
        merge_tallies([])
    with pytest.raises(PolicyError, match="iterable of tallies"):
        merge_tallies(mine)  # type: ignore[arg-type]


def test_without_dask_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_dask(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "dask" or name.startswith("dask."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=r"pip install 'chiso766\[dask\]'"):
        score_files([PROVINCE / "dossiers.csv"], lookups=PROVINCE, period=Q2)
    with pytest.raises(ImportError, match=r"pip install 'chiso766\[dask\]'"):
        score_bag(object(), context=province_context())
    # the pure functions still work
    assert tally_partition([], province_context()).snapshot() == {}


# ---------------------------------------------------------------------------------------------
# worker processes: byte-identical to one process


def test_cluster_score_bag_is_byte_identical(client: Any) -> None:
    db: Any = need("dask.bag", "dask")
    assert len(client.scheduler_info()["workers"]) == 2
    ds = province()
    bag = db.from_sequence(province_records(), npartitions=9)
    with task_stream(client) as tasks:
        card = score_bag(bag, context=province_context(), units=ds.units,
                         input_report=ds.report, client=client)
    assert as_json(card) == province_json()
    assert workers_that_ran(tasks, "tally_list") == 2
    assert workers_that_ran(tasks, "merge_tallies") >= 1


def test_cluster_score_files_is_byte_identical(client: Any, tmp_path: Path) -> None:
    parts = split_dossiers(PROVINCE, tmp_path / "parts", 4)
    with task_stream(client) as tasks:
        card = score_files(parts, lookups=PROVINCE, period=Q2, client=client)
    assert as_json(card) == province_json()
    assert workers_that_ran(tasks, "_tally_file") == 2
    files = card.input.files
    assert [files[p.name].read for p in parts] == [1049, 1049, 1049, 1046]


def test_cluster_score_files_rejects_and_strict_raises(client: Any, tmp_path: Path) -> None:
    header, first, *rest = (PROVINCE / "dossiers.csv").read_text(encoding="utf-8") \
        .splitlines(True)
    cells = first.split(",")
    cells[6] = "31/02/2025 08:00:00"  # NgayTiepNhan: no such date
    bad = tmp_path / "dossiers-bad.csv"
    bad.write_text(header + ",".join(cells) + "".join(rest[:10]), encoding="utf-8")
    card = score_files([bad], lookups=PROVINCE, period=Q2, client=client)
    (rejection,) = [r for r in card.input.rejections if r.file == "dossiers-bad.csv"]
    assert (rejection.line, rejection.field) == (2, "received_at")
    assert card.input.files["dossiers-bad.csv"].accepted == 10
    # supplement rows whose dossier is not among these 10 are rejected, as read_folder does
    orphans = [r for r in card.input.rejections if r.file == "supplements.csv"]
    assert len(orphans) == card.input.files["supplements.csv"].rejected > 0
    assert all("no dossier" in r.reason or "was rejected" in r.reason for r in orphans)
    assert card.input.read == card.input.accepted + card.input.rejected
    with pytest.raises(InputError, match=r"dossiers-bad\.csv:2") as info:
        score_files([bad], lookups=PROVINCE, period=Q2, client=client, strict=True)
    assert info.value.field == "received_at"


# ---------------------------------------------------------------------------------------------
# one process, dask's local schedulers


def test_score_bag_with_the_synchronous_scheduler(dask: Any) -> None:
    db: Any = need("dask.bag", "dask")
    ds = province()
    with dask.config.set(scheduler="synchronous"):
        card = score_bag(db.from_sequence(province_records(), npartitions=4),
                         context=province_context(), units=ds.units, input_report=ds.report)
    assert as_json(card) == province_json()
    with pytest.raises(PolicyError, match=r"dask\.bag\.Bag"):
        score_bag(province_records(), context=province_context())


def test_score_files_three_csv_parts(dask: Any, tmp_path: Path) -> None:
    parts = split_dossiers(PROVINCE, tmp_path, 3)
    card = score_files(parts, lookups=PROVINCE, period=Q2)
    assert as_json(card) == province_json()
    report, whole = card.input, province().report
    assert (report.read, report.accepted, report.rejected) == \
        (whole.read, whole.accepted, whole.rejected)
    assert sum(report.files[p.name].read for p in parts) == whole.files["dossiers.csv"].read
    assert "dossiers.csv" not in report.files  # the lookups folder's own file is not read


def test_score_files_rejections_as_read_folder(dask: Any, tmp_path: Path) -> None:
    # messy: 6 bad dossier rows and 1 bad supplement row; add supplement rows whose dossier was
    # rejected or is missing, which read_folder rejects after the dossiers.
    folder = tmp_path / "messy"
    shutil.copytree(MESSY, folder)
    with (folder / "supplements.csv").open("a", encoding="utf-8") as f:
        f.write("000.00.01.H98-250303-0003,04/03/2025 09:00:00,\n")  # its dossier is rejected
        f.write("000.99.99.H98-250101-0001,02/01/2025 09:00:00,\n")  # no such dossier
    single = read_folder(folder)
    expected = score_766(single, period=Q1)
    card = score_files([folder / "dossiers.csv"], lookups=folder, period=Q1)
    assert as_json(card) == as_json(expected)
    assert card.input == single.report
    reasons = [r.reason for r in card.input.rejections if r.file == "supplements.csv"]
    assert any("was rejected" in r for r in reasons) and any("no dossier" in r for r in reasons)

    parts = split_dossiers(folder, tmp_path / "parts", 2)
    split = score_files(parts, lookups=folder, period=Q1).input
    assert (split.read, split.accepted, split.rejected) == \
        (single.report.read, single.report.accepted, single.report.rejected)
    assert sorted((r.field, r.value) for r in split.rejections) == \
        sorted((r.field, r.value) for r in single.report.rejections)


def test_score_files_arguments(dask: Any, tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="list of dossier files"):
        score_files(str(PROVINCE / "dossiers.csv"), lookups=PROVINCE, period=Q2)
    with pytest.raises(InputError, match="no such file"):
        score_files([tmp_path / "dossiers-000.csv"], lookups=PROVINCE, period=Q2)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    twins = [shutil.copy(PROVINCE / "dossiers.csv", tmp_path / d) for d in ("a", "b")]
    with pytest.raises(InputError, match=r"two dossier files named dossiers\.csv"):
        score_files(twins, lookups=PROVINCE, period=Q2)
    with pytest.raises(PolicyError, match="must not hold dossiers"):
        score_files([PROVINCE / "dossiers.csv"], lookups=province(), period=Q2)
    with pytest.raises(PolicyError, match="Period"):
        score_files([PROVINCE / "dossiers.csv"], lookups=PROVINCE, period="2025-Q2")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "rows"])
def test_score_files_reads_csv_parts_as_score_folder_does(
        dask: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: bool) -> None:
    """Each CSV part is counted as score_folder counts its dossiers file: by the columnar
    engine (here in batches of 2 KiB, many per part) when polars is installed, else by the
    row path; the same scorecard as score_766 on the whole folder either way."""
    from chiso766 import folder_walk, frame_counts
    from chiso766.io import columnar

    need("polars", "fast")
    counted: list[int] = []
    original = frame_counts.FrameCounts.count

    def spy(self: Any, dossiers: Any, *args: Any, **kwargs: Any) -> Any:
        counted.append(dossiers.height)
        return original(self, dossiers, *args, **kwargs)

    monkeypatch.setattr(frame_counts.FrameCounts, "count", spy)
    monkeypatch.setattr(columnar, "BATCH_BYTES", 2048)
    if not engine:
        from chiso766.io.rowpath import (
            complained_from_ratings,
            read_supplement_index,
            tally_dossier_csv,
        )
        monkeypatch.setattr(folder_walk, "_file_readers", lambda: folder_walk._FileReaders(
            read_supplement_index, complained_from_ratings, tally_dossier_csv))
    parts = split_dossiers(PROVINCE, tmp_path, 3)
    with dask.config.set(scheduler="synchronous"):  # the batch size set here holds
        card = score_files(parts, lookups=PROVINCE, period=Q2)
    assert as_json(card) == province_json()
    if engine:
        assert len(counted) > 3 * 2 and sum(counted) > 0  # batches of 2 KiB, in all parts
    else:
        assert counted == []


def test_a_supplement_index_of_requests_read_and_what_was_taken() -> None:
    """score_files' CSV tasks build the index from the requests the client read (in the
    worker: it keys them by the ids' hashes, so it refuses to be pickled)."""
    from chiso766.io.rowpath import SupplementIndex
    from chiso766.records import SupplementRequest

    asked = datetime(2025, 3, 4, 9, 0, 0, 123456)
    requests = {"A": (SupplementRequest(asked, asked.replace(day=6)),
                      SupplementRequest(asked.replace(day=7))),
                "B": (SupplementRequest(asked),)}
    index = SupplementIndex.of(requests)
    assert len(index) == 3
    assert index["A"] == requests["A"] and index["B"] == requests["B"]  # to the microsecond
    assert not index.taken("A")
    index.mark_used(index.first("A", hash("A")))
    assert index.taken("A") and not index.taken("B") and not index.taken("C")
    with pytest.raises(TypeError, match="process"):
        pickle.dumps(index)
