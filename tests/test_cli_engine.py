"""The commands that need both the records and the Decision 766 scorecard (``score --format
html``, ``hcm104``) count the scorecard with the columnar engine from the files, in the same
pass as what they need of the records, when polars is installed — with a period given or
without one (the year of the latest receipt, which the engine's count reports); ``reconcile``
streams it. The output is byte
for byte what counting the records gives, with or without rejected rows. With ``--ids`` (the
engine keeps no ids) the records count it; ``score`` without ``--period`` to a table, JSON or
CSV streams (tests/test_default_period.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chiso766 import cli, folder_walk, streaming
from chiso766.cli import main
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = str(ROOT / "examples" / "province")
MESSY = str(ROOT / "examples" / "messy")
PORTAL = str(ROOT / "examples" / "portal")
OFFICE = str(ROOT / "examples" / "portal-office")

COMMANDS = {
    "score --format html": ["score", PROVINCE, "--period", "2025-Q2", "--format", "html"],
    "score --format html, rejected rows": ["score", MESSY, "--period", "2025-Q2", "--format",
                                           "html"],
    "hcm104": ["hcm104", PROVINCE, "--period", "2025-Q2", "--format", "json"],
    "hcm104 --staff, rejected rows": ["hcm104", MESSY, "--period", "2025-Q2", "--staff"],
    "hcm104 --format html": ["hcm104", PROVINCE, "--period", "2025-Q2", "--format", "html"],
    "reconcile": ["reconcile", OFFICE, "--portal", PORTAL, "--period", "2026-08", "--format",
                  "json"],
    "score --format html, default period": ["score", MESSY, "--format", "html"],
    "hcm104, default period": ["hcm104", PROVINCE],
}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the engine (``streaming.stream_score``, under ``score_folder`` too, and
    ``streaming.observed_score``, under ``hcm104.score_folder_with_766``) was asked to count,
    in order."""
    need("polars", "fast")
    calls: list[str] = []

    def spy(real: Any) -> Any:
        def counting(folder: Any, **kwargs: Any) -> Any:
            calls.append(str(folder))
            return real(folder, **kwargs)
        return counting

    monkeypatch.setattr(streaming, "stream_score", spy(streaming.stream_score))
    monkeypatch.setattr(streaming, "observed_score", spy(streaming.observed_score))
    return calls


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_the_engine_counts_the_scorecard_and_the_output_is_the_records(
        argv: list[str], counted: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    engine = (main(argv), *capsys.readouterr())
    assert counted == [argv[1]]  # the scorecard came from the files, once
    monkeypatch.setattr(cli, "_engine_counts", lambda folder: False)
    monkeypatch.setattr(cli, "_one_pass", lambda folder: False)
    counted.clear()
    records = (main(argv), *capsys.readouterr())
    assert counted == []
    assert engine == records
    assert engine[1]  # something was written


RECORDS = {
    "score --ids": ["score", PROVINCE, "--period", "2025-Q2", "--format", "json", "--ids"],
    "reconcile --ids": ["reconcile", OFFICE, "--portal", PORTAL, "--period", "2026-08",
                        "--ids"],
}


@pytest.mark.parametrize("argv", RECORDS.values(), ids=RECORDS.keys())
def test_with_ids_the_records_count(
        argv: list[str], counted: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) in (0, 1)
    assert counted == []
    out = capsys.readouterr().out
    assert out
    if "--ids" in argv and "--format" in argv:
        assert '"numerator_ids"' in out


ONE_PASS = ["hcm104", "hcm104 --staff, rejected rows", "hcm104, default period",
            "score --format html", "score --format html, rejected rows",
            "score --format html, default period"]


@pytest.mark.parametrize("argv", [COMMANDS[name] for name in ONE_PASS], ids=ONE_PASS)
def test_without_the_engine_the_folder_is_read_once_too(
        argv: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Without polars the one pass (hcm104's two indices; a report's scorecard and flagged
    # dossiers) reads every dossier by the row path, in flat memory: the output is the
    # records' (the folder read whole), and the dossiers file is read once.
    from chiso766.io import rowpath

    monkeypatch.setattr(folder_walk, "_file_readers", lambda: folder_walk._FileReaders(
        rowpath.read_supplement_index, rowpath.complained_from_ratings,
        rowpath.tally_dossier_csv))
    reads: list[str] = []
    real = rowpath.DossierRows.__init__

    def counting(self: Any, path: Any, *args: Any, **kwargs: Any) -> None:
        reads.append(Path(path).name)
        real(self, path, *args, **kwargs)

    monkeypatch.setattr(rowpath.DossierRows, "__init__", counting)
    streamed = (main(argv), *capsys.readouterr())
    assert reads == ["dossiers.csv"]
    monkeypatch.setattr(cli, "_one_pass", lambda folder: False)
    monkeypatch.setattr(cli, "_engine_counts", lambda folder: False)
    whole = (main(argv), *capsys.readouterr())
    assert streamed == whole
    assert streamed[1]
