"""``streaming.stream_dossiers`` and ``chiso766 audit`` on it (docs/scale.md, "The due-date
audit"): a folder's dossiers one at a time, none held, with read_folder's report."""

from __future__ import annotations

import gc
import json
import shutil
import weakref
from pathlib import Path

import pytest

from chiso766 import streaming
from chiso766.cli import main
from chiso766.deadlines import audit
from chiso766.errors import InputError
from chiso766.io import read_folder
from chiso766.streaming import stream_dossiers
from tests.property.test_dossier_stream import _same_as_read_folder

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("name", ["province", "messy", "province-national"])
def test_examples_stream_as_read_folder_reads_them(name: str) -> None:
    # province-national: nested national JSON dossiers, every other kind of file beside them.
    _same_as_read_folder(EXAMPLES / name)


def test_ratings_not_in_csv_are_read_with_read_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming readers of supplements and ratings read CSV: a JSON Lines ratings file
    makes the stream hold read_folder's dossiers, with the same result."""
    import csv

    folder = tmp_path / "f"
    shutil.copytree(EXAMPLES / "province", folder)
    ratings = folder / "ratings.csv"
    with ratings.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    ratings.unlink()
    (folder / "ratings.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    def no_walk(*args: object) -> None:
        raise AssertionError("the streaming readers read a JSON Lines ratings file")

    monkeypatch.setattr(streaming, "_Walk", no_walk)
    _same_as_read_folder(folder)


def test_the_report_comes_after_the_dossiers_and_the_stream_is_read_once() -> None:
    stream = stream_dossiers(EXAMPLES / "messy")
    with pytest.raises(InputError, match="every dossier has been read"):
        _ = stream.report
    first = list(stream)
    assert stream.report.read == stream.report.accepted + stream.report.rejected
    assert stream.report.rejected > 0 and len(first) > 0
    with pytest.raises(InputError, match="read once"):
        list(stream)


def test_missing_folder_and_missing_dossiers_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        stream_dossiers(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no dossiers file"):
        stream_dossiers(tmp_path)


def test_dossiers_already_read_are_not_held() -> None:
    """None held: once the caller lets go of a dossier, nothing in the stream keeps it,
    while the stream is read and after."""
    stream = stream_dossiers(EXAMPLES / "province")
    dossiers = iter(stream)
    first = next(dossiers)
    gone = weakref.ref(first)
    del first
    next(dossiers)
    gc.collect()
    assert gone() is None
    assert sum(1 for _ in dossiers) > 0
    assert stream.report.accepted > 2


def test_audit_reads_the_folder_one_dossier_at_a_time(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str],
                                                      ) -> None:
    """``chiso766 audit`` does not read the folder into memory, and reports what auditing each
    of read_folder's dossiers gives: the same flagged dossiers, counts and rejections."""
    folder = EXAMPLES / "messy"
    whole = read_folder(folder)
    flagged = sorted((d.unit_id, d.id) for d in whole.dossiers
                     if audit(d, whole.procedures.get(d.procedure_code)).flagged)
    assert flagged and whole.report.rejected

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("chiso766 audit read the whole folder")

    monkeypatch.setattr("chiso766.io.read_folder", refuse)
    monkeypatch.setattr("chiso766.io.dataset.read_folder", refuse)
    status = main(["audit", str(folder), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 1  # rows were rejected
    assert [(r["unit_id"], r["dossier_id"]) for r in out["dossiers"]] == flagged
    assert out["flagged"] == len(flagged)
    assert out["checked"] == len(whole.dossiers)
    assert out["input"] == {"read": whole.report.read, "accepted": whole.report.accepted,
                            "rejected": whole.report.rejected}
    assert out["rejected"] == [r.to_dict() for r in whole.report.rejections]
