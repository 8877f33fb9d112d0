"""``read_folder`` of a folder of CSV files leaves its records unread until first used, and
``score_766`` then counts the files with the engine (docs/inputs.md, "Reading a folder").

What a user must not be able to tell, except by the time and memory it takes:

* the scorecard of ``score_766(read_folder(f))`` is byte for byte the one of the records
  (``read_folder(f).load()``), input report included, on the bundled folders and on a folder
  the engine reads in many batches; so is the report of ``hcm104.score(read_folder(f))``,
  staff included, its D from a given scorecard when one is given;
* every error reading the files would raise is raised by ``read_folder`` itself (a missing
  column, a header that is not UTF-8 or not CSV, a NUL byte deep in a file), with the same
  message as when the records are read at once;
* the records read later are the ones ``read_folder`` was asked for: a file changed, added or
  removed in between is an error, never other numbers;
* a dataset used like any other (fields, ``unit_ids()``, ``==``, pickle, ``attrs.evolve``)
  gives the records, and printing it does not read them.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from datetime import datetime
from pathlib import Path

import attrs
import pytest

from chiso766 import Period, hcm104, read_folder, score_766
from chiso766.errors import InputError, PolicyError
from chiso766.io.dataset import Dataset
from chiso766.policy import CountingPolicy
from chiso766.reports.json_report import dumps, scorecard_to_dict
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
Q2 = Period.quarter(2025, 2)


def _eager(folder: Path) -> Dataset:
    """The records read at once, the way ``read_folder`` read before (a progress callback
    makes it read them while it runs)."""
    return read_folder(folder, progress=lambda kind, rows: None)


def _json(dataset: Dataset, **kwargs: object) -> str:
    return dumps(scorecard_to_dict(score_766(dataset, **kwargs)))  # type: ignore[arg-type]


def _copy(tmp_path: Path, name: str = "province") -> Path:
    folder = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, folder)
    return folder


@pytest.mark.parametrize("name", ["province", "messy", "portal-office"])
@pytest.mark.parametrize("as_of", [None, datetime(2025, 5, 20, 15)])
def test_unread_scores_as_the_records(name: str, as_of: datetime | None) -> None:
    folder = ROOT / "examples" / name
    unread = read_folder(folder)
    assert not unread.is_read
    got = _json(unread, period=Q2, as_of=as_of)
    assert not unread.is_read  # counted from the files: no records made
    loaded = read_folder(folder).load()
    assert loaded.is_read
    assert got == _json(loaded, period=Q2, as_of=as_of)
    assert got == _json(_eager(folder), period=Q2, as_of=as_of)


def test_unread_in_many_engine_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    need("polars", "fast")
    from chiso766 import frame_counts
    from chiso766.io import columnar

    batches: list[int] = []
    add = frame_counts.FrameCounts._add

    def spy(self: frame_counts.FrameCounts, rows: object, flag_values: object) -> None:
        batches.append(1)
        add(self, rows, flag_values)  # type: ignore[arg-type]

    monkeypatch.setattr(columnar, "BATCH_BYTES", 16 << 10)
    monkeypatch.setattr(frame_counts.FrameCounts, "_add", spy)
    got = _json(read_folder(PROVINCE), period=Period.year(2025))
    assert len(batches) > 5  # the engine counted the dossiers file in many batches
    batches.clear()
    assert got == _json(read_folder(PROVINCE).load(), period=Period.year(2025))
    assert not batches  # the records were counted without the engine's batches


def test_keep_ids_reads_the_records() -> None:
    unread = read_folder(PROVINCE)
    card = score_766(unread, period=Q2, keep_ids=True)
    assert unread.is_read
    assert card == score_766(_eager(PROVINCE), period=Q2, keep_ids=True)
    assert any(c.count is not None and c.count.numerator_ids
               for u in card.units.values() for c in u.criteria.values())


def test_a_field_reads_the_records_and_printing_does_not() -> None:
    unread = read_folder(PROVINCE)
    shown = repr(unread)
    assert "not read yet" in shown and not unread.is_read
    assert unread.notes == _eager(PROVINCE).notes  # known without reading
    assert unread.folder == os.fspath(PROVINCE)
    assert not unread.is_read
    assert len(unread.dossiers) == len(_eager(PROVINCE).dossiers) > 0
    assert unread.is_read
    assert "dossiers=" in repr(unread)


def test_used_as_any_dataset() -> None:
    eager = _eager(PROVINCE)
    assert read_folder(PROVINCE) == eager
    assert read_folder(PROVINCE).unit_ids() == eager.unit_ids()
    assert pickle.loads(pickle.dumps(read_folder(PROVINCE))) == eager
    evolved = attrs.evolve(read_folder(PROVINCE), notes=("x",))
    assert evolved.dossiers == eager.dossiers and evolved.notes == ("x",)
    assert read_folder(PROVINCE).report == eager.report
    assert read_folder(PROVINCE).load().load() is not None


def test_read_at_once_when_asked_or_not_all_csv(tmp_path: Path) -> None:
    assert read_folder(PROVINCE, strict=False, progress=lambda k, n: None).is_read
    assert _eager(PROVINCE).is_read
    folder = _copy(tmp_path)
    # strict: the first rejected row raises from read_folder, so the rows are read there
    with pytest.raises(InputError):
        read_folder(ROOT / "examples" / "messy", strict=True)
    assert read_folder(folder, strict=True).is_read
    petitions = folder / "petitions.csv"
    petitions.rename(folder / "petitions.CSV")
    assert not read_folder(folder).is_read  # a .CSV is a CSV
    (folder / "petitions.CSV").unlink()
    (folder / "petitions.jsonl").write_text("", encoding="utf-8")
    assert read_folder(folder).is_read  # the engine reads CSV only


def _refusal(folder: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_folder(folder)
    with pytest.raises(InputError) as eager:
        _eager(folder)
    assert str(caught.value) == str(eager.value)
    return str(caught.value)


def test_errors_raised_by_read_folder(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    dossiers = folder / "dossiers.csv"
    text = dossiers.read_bytes()
    header, rest = text.split(b"\n", 1)
    # a required column missing
    dossiers.write_bytes(header.replace(b"MaHoSo", b"Ma", 1) + b"\n" + rest)
    assert "column" in _refusal(folder)
    # a header that is not UTF-8
    dossiers.write_bytes(b"\xff" + text)
    assert "UTF-8" in _refusal(folder)
    # a header that is not CSV
    dossiers.write_bytes(b'"MaHoSo,"x"y' + b"\n" + rest)
    _refusal(folder)
    # a NUL byte past the first MiB of another file: read_folder reads every byte for it
    ratings = folder / "ratings.csv"
    dossiers.write_bytes(text)
    lines = ratings.read_bytes().split(b"\n", 1)
    ratings.write_bytes(lines[0] + b"\n" + lines[1] * (1 + (2 << 20) // len(lines[1]))
                        + b"\x00\n")
    assert "NUL" in _refusal(folder)
    # a bad population_databases, as when the files are read
    ratings.write_bytes(b"\n".join(lines))
    with pytest.raises(PolicyError) as caught:
        read_folder(folder, population_databases=[""])
    with pytest.raises(PolicyError) as eager:
        read_folder(folder, population_databases=[""], progress=lambda k, n: None)
    assert str(caught.value) == str(eager.value)


@pytest.mark.parametrize("change", ["edited", "added", "removed", "folder gone"])
def test_files_changed_since_read_folder(tmp_path: Path, change: str) -> None:
    folder = _copy(tmp_path)
    unread = read_folder(folder)
    if change == "edited":
        with (folder / "dossiers.csv").open("a", encoding="utf-8") as f:
            f.write("\n")
    elif change == "added":
        shutil.copy(folder / "units.csv", folder / "notes.txt")
    elif change == "removed":
        (folder / "announcements.csv").unlink()
    else:
        shutil.rmtree(folder)
    for use in (lambda: score_766(unread, period=Q2), lambda: hcm104.score(unread, period=Q2),
                lambda: unread.dossiers, unread.load):
        with pytest.raises(InputError, match="changed since read_folder"):
            use()
    assert not unread.is_read


def _hcm(report: hcm104.Hcm104Report, staff: bool) -> str:
    units = {u: [r.to_dict() for r in report.staff_of(u)] for u in report.units} if staff else {}
    return json.dumps([report.to_dict(), units], sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("name", ["province", "messy"])
@pytest.mark.parametrize("how", ["plain", "by_staff", "as_of", "d_values"])
def test_hcm104_on_unread_scores_as_the_records(name: str, how: str) -> None:
    folder = ROOT / "examples" / name
    choices: dict[str, dict[str, object]] = {
        "plain": {}, "by_staff": {"by_staff": True}, "as_of": {"as_of": datetime(2025, 5, 3, 10)},
        "d_values": {"d_values": {_eager(folder).unit_ids()[0]: 7}}}
    kwargs = choices[how]
    unread = read_folder(folder)
    got = hcm104.score(unread, period=Q2, **kwargs)  # type: ignore[arg-type]
    assert not unread.is_read
    want = hcm104.score(read_folder(folder).load(), period=Q2, **kwargs)  # type: ignore[arg-type]
    assert _hcm(got, how == "by_staff") == _hcm(want, how == "by_staff")


def test_hcm104_on_unread_takes_d_from_the_scorecard_given() -> None:
    # A scorecard counted under another petition policy: its group 5, not the pass's own, is D.
    other = score_766(read_folder(PROVINCE), period=Q2,
                      counting=CountingPolicy(petition_population="first_received"))
    got = hcm104.score(read_folder(PROVINCE), period=Q2, scorecard=other)
    want = hcm104.score(_eager(PROVINCE), period=Q2, scorecard=other)
    assert _hcm(got, False) == _hcm(want, False)
    assert _hcm(got, False) != _hcm(hcm104.score(read_folder(PROVINCE), period=Q2), False)
