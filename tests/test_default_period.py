"""``chiso766 score`` without ``--period`` (and ``score_folder(period=None)``) streams: the
default period — the calendar year of the latest receipt among the accepted dossiers, as the
records path chooses it — is guessed from the last lines of the dossiers file, checked once the
file is counted, and the file is counted again when the guess was wrong. The output is byte
for byte that of naming the year, on every streaming path; an input with no accepted dossier
still stops with the same messages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chiso766 import Period, cli, folder_walk, streaming
from chiso766.cli import main
from chiso766.errors import InputError
from chiso766.io import readers
from chiso766.io.rowpath import complained_from_ratings, read_supplement_index, tally_dossier_csv

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
NATIONAL = ROOT / "examples" / "province-national"


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[Period]:
    """The period of each count of the dossiers file by the streaming path, in order."""
    seen: list[Period] = []
    real = streaming._score_folder

    def spy(folder: Any, *, period: Period, **kwargs: Any) -> Any:
        seen.append(period)
        return real(folder, period=period, **kwargs)

    monkeypatch.setattr(streaming, "_score_folder", spy)
    return seen


@pytest.fixture
def reordered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example province with its dossiers file's 2024 rows moved to the end: the last
    lines (the last 2,000 bytes, for this small file) say 2024, while the latest receipt is in
    2025."""
    monkeypatch.setattr(readers, "_HINT_BYTES", 2000)
    folder = tmp_path / "province"
    shutil.copytree(PROVINCE, folder)
    head, *rows = (PROVINCE / "dossiers.csv").read_text(encoding="utf-8").splitlines()
    late = [r for r in rows if "/2024 " not in r.split(",")[6]]
    early = [r for r in rows if "/2024 " in r.split(",")[6]]
    assert late and early
    (folder / "dossiers.csv").write_text("\n".join([head, *late, *early]) + "\n",
                                         encoding="utf-8")
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(params=["engine", "rows"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The streaming path: the columnar engine (polars) or the row path (without it)."""
    if request.param == "engine":
        pytest.importorskip("polars")
    else:
        readers = folder_walk._FileReaders(read_supplement_index, complained_from_ratings,
                                         tally_dossier_csv)
        monkeypatch.setattr(folder_walk, "_file_readers", lambda: readers)
    yield request.param


def test_the_guess_from_the_last_lines_is_checked_and_mended(
        reordered: Path, path: str, passes: list[Period],
        capsys: pytest.CaptureFixture[str]) -> None:
    default = run(["score", str(reordered), "--format", "json"], capsys)
    assert passes == [Period.year(2024), Period.year(2025)]  # guessed 2024, counted again
    named = run(["score", str(reordered), "--period", "2025", "--format", "json"], capsys)
    assert default == named and default[0] == 0 and default[1]


def test_a_right_guess_counts_the_file_once(passes: list[Period],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    default = run(["score", str(PROVINCE), "--format", "table", "--lang", "en"], capsys)
    assert passes == [Period.year(2025)]
    named = run(["score", str(PROVINCE), "--period", "2025", "--lang", "en"], capsys)
    assert default == named


def test_the_default_period_is_the_records_one(reordered: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The same output as when the records are read and the year taken from them (what
    ``--ids`` or an HTML report still do), here forced."""
    streamed = run(["score", str(reordered), "--format", "csv"], capsys)
    monkeypatch.setattr(cli, "_streams", lambda args, period: False)
    records = run(["score", str(reordered), "--format", "csv"], capsys)
    assert streamed == records and streamed[1]


def test_a_json_dossiers_file_gives_no_hint_and_is_counted_for_the_year_it_holds(
        passes: list[Period], capsys: pytest.CaptureFixture[str]) -> None:
    default = run(["score", str(NATIONAL), "--format", "json"], capsys)
    year = passes[-1]
    assert passes[0] == Period.year(folder_walk.NO_HINT_YEAR) and len(passes) in (1, 2)
    named = run(["score", str(NATIONAL), "--period", year.label, "--format", "json"], capsys)
    assert default == named


def test_no_accepted_dossier_stops_with_the_records_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "dossiers.csv").write_text(
        "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan\nA,1.1,U,not a date\n", encoding="utf-8")
    status, out, err = run(["score", str(folder), "--lang", "en"], capsys)
    assert status == 2 and out == ""
    assert "no dossiers were accepted: give --period or check the input" in err
    with pytest.raises(InputError, match="no dossier accepted"):
        streaming.score_folder(folder, period=None)


def test_an_empty_dossiers_file_is_named(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "dossiers.csv").write_text("MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan\n",
                                         encoding="utf-8")
    status, out, err = run(["score", str(folder), "--lang", "en"], capsys)
    assert status == 2 and out == ""
    assert "dossiers.csv is empty: no dossier rows to score" in err


def test_score_folder_without_a_period(reordered: Path) -> None:
    default = streaming.score_folder(reordered, period=None)
    named = streaming.score_folder(reordered, period=Period.year(2025))
    assert default.period == Period.year(2025)
    assert default.to_dict() == named.to_dict()
