"""``streaming.stream_dossiers``, and ``chiso766 audit`` and ``hcm104`` on it (docs/scale.md,
"The due-date audit"): a folder's dossiers one at a time, none held, with read_folder's
report."""

from __future__ import annotations

import csv
import gc
import json
import shutil
import weakref
from pathlib import Path

import pytest

from chiso766 import Period, folder_walk, hcm104, score_766, streaming
from chiso766.cli import main
from chiso766.deadlines import audit
from chiso766.errors import InputError, PolicyError
from chiso766.io import read_folder
from chiso766.reports.hcm104_report import render_json
from chiso766.streaming import stream_dossiers
from tests.extras import need
from tests.property.test_dossier_stream import _same_as_read_folder

Q2 = Period.quarter(2025, 2)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("name", ["province", "messy", "province-national"])
def test_examples_stream_as_read_folder_reads_them(name: str) -> None:
    # province-national: nested national JSON dossiers, every other kind of file beside them.
    _same_as_read_folder(EXAMPLES / name)


def test_ratings_not_in_csv_are_read_with_read_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming readers of supplements and ratings read CSV: a JSON Lines ratings file
    makes the stream hold read_folder's dossiers, with the same result."""
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

    monkeypatch.setattr(streaming, "Walk", no_walk)
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


@pytest.fixture
def no_read_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """``read_folder`` fails the test: the command must not read the whole folder."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the command read the whole folder")

    monkeypatch.setattr("chiso766.io.read_folder", refuse)
    monkeypatch.setattr("chiso766.io.dataset.read_folder", refuse)


def test_audit_reads_the_folder_one_dossier_at_a_time(no_read_folder: None,
                                                      capsys: pytest.CaptureFixture[str],
                                                      ) -> None:
    """``chiso766 audit`` does not read the folder into memory, and reports what auditing each
    of read_folder's dossiers gives: the same flagged dossiers, counts and rejections."""
    folder = EXAMPLES / "messy"
    whole = read_folder(folder)
    flagged = sorted((d.unit_id, d.id) for d in whole.dossiers
                     if audit(d, whole.procedures.get(d.procedure_code)).flagged)
    assert flagged and whole.report.rejected

    status = main(["audit", str(folder), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 1  # rows were rejected
    assert [(r["unit_id"], r["dossier_id"]) for r in out["dossiers"]] == flagged
    assert out["flagged"] == len(flagged)
    assert out["checked"] == len(whole.dossiers)
    assert out["input"] == {"read": whole.report.read, "accepted": whole.report.accepted,
                            "rejected": whole.report.rejected}
    assert out["rejected"] == [r.to_dict() for r in whole.report.rejections]


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_audit_sorted_in_runs_written_out_reports_the_same_bytes(
        fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With every dossier (``--all``) in runs of two written to temporary files, the report is
    the one sorted in memory, byte for byte."""
    args = ["audit", str(EXAMPLES / "messy"), "--format", fmt, "--all", "--lang", "en"]
    main(args)
    in_memory = capsys.readouterr().out
    monkeypatch.setattr("chiso766.spill.RUN_ITEMS", 2)
    main(args)
    assert capsys.readouterr().out == in_memory
    assert in_memory.count("\n") > 10


def test_ratings_and_postings_come_after_the_dossiers() -> None:
    folder = EXAMPLES / "province"
    whole = read_folder(folder)
    stream = stream_dossiers(folder)
    for late in (stream.ratings, stream.postings):
        with pytest.raises(InputError, match="once every dossier has been read"):
            list(late)
    assert list(stream.dossiers) == list(whole.dossiers)
    assert tuple(stream.ratings) == whole.ratings and whole.ratings
    assert tuple(stream.postings) == whole.postings and whole.postings
    assert stream.notes == whole.notes


def test_hcm104_refuses_a_stream_without_a_scorecard() -> None:
    """Part D would need the dossiers a second time (score_766): refused before the stream is
    read, so it can still be used."""
    stream = stream_dossiers(EXAMPLES / "province")
    with pytest.raises(PolicyError, match="read once"):
        hcm104.score(stream, period=Q2)
    assert sum(1 for _ in stream) == len(read_folder(EXAMPLES / "province").dossiers)


def test_hcm104_command_streams_the_records(no_read_folder: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``chiso766 hcm104 --period`` (with polars: the 766 scorecard from the engine) reads the
    records one chunk at a time, never the whole folder, to the report of hcm104.score on
    read_folder's dataset."""
    need("polars", "fast")
    folder = EXAMPLES / "messy"
    whole = read_folder(folder)
    expected = render_json(hcm104.score(whole, period=Q2,
                                        scorecard=score_766(whole, period=Q2)), lang="en")

    status = main(["hcm104", str(folder), "--period", "2025-Q2", "--format", "json",
                   "--lang", "en"])
    assert status == 1  # rows were rejected
    assert capsys.readouterr().out == expected


def test_html_report_streams_the_records_for_its_flagged_dossiers(
        no_read_folder: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``chiso766 score --period … --format html`` (with polars: the scorecard from the engine)
    reads the records once for the flagged dossiers it lists, never the whole folder, to the
    page rendered from read_folder's dataset."""
    need("polars", "fast")
    from chiso766.reports.flagged import flagged_dossiers
    from chiso766.reports.html import render_html

    folder = EXAMPLES / "messy"
    whole = read_folder(folder)
    card = score_766(whole, period=Period.year(2025))
    flagged = flagged_dossiers(whole, card.period, card.as_of)
    assert flagged
    expected = render_html(card, lang="en", units=list(card.units), audits=flagged)

    status = main(["score", str(folder), "--period", "2025", "--format", "html",
                   "--lang", "en"])
    assert status == 1  # rows were rejected
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize("name", ["messy", "province"])
def test_without_a_period_hcm104_and_the_html_report_stream_too(
        name: str, no_read_folder: None, capsys: pytest.CaptureFixture[str]) -> None:
    """With no ``--period``, ``chiso766 hcm104`` and ``score --format html`` (polars installed)
    take the year of the latest receipt among the accepted dossiers, as from read_folder's
    records, and still read the records as a stream: the report is that year's from
    read_folder's dataset."""
    need("polars", "fast")
    from chiso766.reports.flagged import flagged_dossiers
    from chiso766.reports.html import render_html

    folder = EXAMPLES / name
    whole = read_folder(folder)
    year = Period.year(max(d.receipt for d in whole.dossiers).year)
    card = score_766(whole, period=year)
    expected_hcm = render_json(hcm104.score(whole, period=year, scorecard=card), lang="en")
    expected_html = render_html(card, lang="en", units=list(card.units),
                                audits=flagged_dossiers(whole, card.period, card.as_of))
    status = 1 if whole.report.rejected else 0

    assert main(["hcm104", str(folder), "--format", "json", "--lang", "en"]) == status
    assert capsys.readouterr().out == expected_hcm
    assert main(["score", str(folder), "--format", "html", "--lang", "en"]) == status
    assert capsys.readouterr().out == expected_html


def test_a_stream_reports_its_progress_as_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress line moves while the dossiers are read (every ``PROGRESS_EVERY``, here 2),
    not only at the end: ``chiso766 audit`` on millions of rows shows it."""
    monkeypatch.setattr(folder_walk, "PROGRESS_EVERY", 2)
    calls: list[tuple[str, int]] = []
    stream = stream_dossiers(EXAMPLES / "messy",
                             progress=lambda kind, rows: calls.append((kind, rows)))
    reported: list[list[tuple[str, int]]] = []  # the dossier reports when each was handed out
    for _ in stream:
        reported.append([c for c in calls if c[0] == "dossiers"])
    assert len(reported) > 4
    assert reported[0] == [] and reported[1] == [("dossiers", 2)]
    during = [c for c in calls if c[0] == "dossiers"][:-1]
    assert during == [("dossiers", k) for k in range(2, len(reported) + 1, 2)]
    assert calls[-1] == ("dossiers", stream.report.files["dossiers.csv"].read)


def test_a_fingerprint_collision_is_settled_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream's duplicate-id check keeps 4-byte fingerprints (``io.rowpath.IdClaims``): an
    id whose fingerprint another id already has is held and settled by a second pass over the
    file — not a duplicate, so it is handed out after the others, and the report is
    read_folder's (no rejection invented)."""
    from chiso766.io import rowpath

    folder = EXAMPLES / "province"
    whole = read_folder(folder)
    victim = whole.dossiers[2].id
    real_claim = rowpath.IdClaims.claim

    def colliding(self: rowpath.IdClaims, h: int) -> bool:
        fresh = real_claim(self, h)
        return fresh and h != hash(victim)  # the victim's id looks seen before

    monkeypatch.setattr(rowpath.IdClaims, "claim", colliding)
    stream = stream_dossiers(folder)
    got = list(stream)
    assert got[-1].id == victim
    assert got[:-1] == [d for d in whole.dossiers if d.id != victim]
    assert stream.report == whole.report


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_audit_json_is_written_a_dossier_at_a_time_as_json_dumps_writes_it(
        count: int) -> None:
    """``chiso766 audit --format json`` writes its report in pieces (memory at 10M rows): the
    pieces joined are ``json.dumps(payload, ensure_ascii=False, indent=2)``, no dossier too."""
    from chiso766 import cli

    stream = stream_dossiers(EXAMPLES / "messy")
    procedures = stream.procedures
    rows = [cli._Audited.of(d, audit(d, procedures.get(d.procedure_code)))
            for d in stream][:count]
    report = stream.report
    payload = {
        "dossiers": [cli._audit_dict(row, row.result) for row in rows],
        "flagged": sum(1 for row in rows if row.result.flagged),
        "checked": 7,
        "input": {"read": report.read, "accepted": report.accepted,
                  "rejected": report.rejected},
        "rejected": [r.to_dict() for r in report.rejections],
    }
    expected = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    flagged = sum(1 for row in rows if row.result.flagged)
    items = (cli._audit_json_item(row) for row in rows)
    assert "".join(cli._audit_json(items, flagged, 7, report)) == expected


def test_the_audit_csv_is_written_ten_thousand_rows_at_a_time() -> None:
    """Past 10,000 rows the CSV comes in pieces; joined, they are one writer's text."""
    import io

    from chiso766 import cli
    from chiso766.reports.text import CsvWriter

    stream = stream_dossiers(EXAMPLES / "province")
    procedures = stream.procedures
    few = [cli._Audited.of(d, audit(d, procedures.get(d.procedure_code))) for d in stream]
    rows = (few * (25_000 // len(few) + 1))[:25_000]
    line = cli._AuditCsvLine("en")
    pieces = list(cli._audit_csv(line(row) for row in rows))
    assert len(pieces) == 3
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(["dossier_id", "unit_id", "procedure_code", "received_at", "recorded_due_at",
                "statutory_due_at", "extra_working_days", "ended_at", "flags", "message"])
    for row in rows:
        r = row.result
        a = cli._audit_dict(row, r)
        w.writerow([a["dossier_id"], a["unit_id"], a["procedure_code"], a["received_at"],
                    a["recorded_due_at"], a["statutory_due_at"], a["extra_working_days"],
                    a["ended_at"], " ".join(a["flags"]), "; ".join(r.texts("en"))])
    assert "".join(pieces) == buf.getvalue()


def test_undated_ratings_count_on_a_stream_as_on_read_folder(tmp_path: Path) -> None:
    """An undated rating counts for part C when its dossier was resolved in the period; a
    stream says which dossiers an undated rating names (``undated_rated``) so that HCM 104
    keeps only those resolved ids: the report is read_folder's, the undated rating of a
    resolved dossier counted, the other left out."""
    need("polars", "fast")
    folder = tmp_path / "f"
    shutil.copytree(EXAMPLES / "province", folder)
    whole = read_folder(folder)
    card = score_766(whole, period=Q2)
    before = hcm104.score(whole, period=Q2, scorecard=card)
    resolved = [d for d in whole.dossiers
                if d.finished_at is not None and Q2.contains(d.finished_at)]
    unresolved = [d for d in whole.dossiers if d.unit_id == resolved[0].unit_id
                  and d.finished_at is None and d.returned_at is None and d.stopped_at is None]
    assert resolved and unresolved
    with (folder / "ratings.csv").open("a", encoding="utf-8", newline="") as fh:
        for d in (resolved[0], unresolved[0]):
            fh.write(f"{d.id},{d.unit_id},,,tốt\n")
    whole = read_folder(folder)
    stream = stream_dossiers(folder)
    assert stream.undated_rated == {resolved[0].id, unresolved[0].id}
    from_stream = hcm104.score(stream, period=Q2, scorecard=card)
    from_records = hcm104.score(whole, period=Q2, scorecard=card)
    assert render_json(from_stream, lang="en") == render_json(from_records, lang="en")
    unit = resolved[0].unit_id
    c, was = (r.unit(unit).part("C").details for r in (from_stream, before))
    assert (c["good"], c["undated_left_out"]) == (was["good"] + 1, was["undated_left_out"] + 1)


@pytest.mark.parametrize("name", ["province", "messy"])
def test_audit_all_lists_from_columns_what_the_records_give(
        name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``chiso766 audit --all`` with the engine (the dossiers the audit says nothing about
    listed from their columns, in batches of 4 KiB here) reports the same bytes as the row
    path, where every dossier is a record audited by the scalar audit."""
    need("polars", "fast")
    from chiso766.io import columnar, rowpath

    args = ["audit", str(EXAMPLES / name), "--format", "json", "--all", "--lang", "en"]
    monkeypatch.setattr(columnar, "BATCH_BYTES", 4096)
    engine = (main(args), capsys.readouterr().out)
    monkeypatch.setattr(folder_walk, "_file_readers", lambda: folder_walk._FileReaders(
        rowpath.read_supplement_index, rowpath.complained_from_ratings,
        rowpath.tally_dossier_csv))
    rows = (main(args), capsys.readouterr().out)
    assert engine == rows
    assert json.loads(rows[1])["checked"] == len(read_folder(EXAMPLES / name).dossiers)
