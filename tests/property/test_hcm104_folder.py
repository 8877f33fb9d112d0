"""HCM 104 in one pass over a folder (``hcm104.score_folder_with_766``) gives what the records
give: ``hcm104.score(read_folder(folder), …)`` and ``score_766(read_folder(folder), …)``, byte
for byte once written, by staff member too.

The folders are test_streaming's drawn exports (odd and bad cells, duplicate and padded ids,
unknown units and codes, supplement requests unsorted, orphaned or unanswered, ratings with and
without a date) with a staff column added (padded, blank, repeated codes); the ratings name no
staff member, so a rating's staff member is its dossier's. They are counted by the row path
(every dossier a record) and by the columnar engine in batches of a few lines (most dossiers in
frames, the odd ones handed to the row path), so both ways of showing a dossier to HCM 104's
marks are compared with the records, each dossier shown once.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import Period, hcm104
from chiso766.io import read_folder
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.scoring import score_766
from tests.budget import examples
from tests.extras import need
from tests.test_streaming import DOSSIER_HEADER, _counting_with, _write, folders

STAFF = ["CB1", "CB2", " CB1 ", "", "CB3", "\u00a0CB2"]
ROOT = Path(__file__).resolve().parents[2]


def _with_staff(data: dict[str, list[list[str]]], rnd: random.Random) -> None:
    """A ``MaCanBo`` column after the others (blank lines stay blank)."""
    rows = data["dossiers"]
    rows[0] = [*rows[0], "MaCanBo"]
    for i in range(1, len(rows)):
        if rows[i]:
            rows[i] = [*rows[i], rnd.choice(STAFF)]


def _texts(folder: Path, period: Period, as_of: datetime | None, policy: hcm104.Hcm104Policy,
           one_pass: bool) -> tuple[str, str]:
    if one_pass:
        got = hcm104.score_folder_with_766(folder, period=period, as_of=as_of, policy=policy,
                                           by_staff=True)
        report, card = got.report, got.scorecard
    else:
        dataset = read_folder(folder).load()
        card = score_766(dataset, period=period, as_of=as_of)
        report = hcm104.score(dataset, period=period, as_of=as_of, policy=policy,
                              scorecard=card, by_staff=True)
    staff = {uid: [r.to_dict() for r in report.staff_of(uid)] for uid in report.units}
    return (json.dumps([report.to_dict(), staff], sort_keys=True, ensure_ascii=False,
                       default=str),
            dumps(scorecard_to_dict(card)))


@pytest.mark.parametrize("path", ["rows", "engine"])
@given(data=folders(odd_lines=True), seed=st.integers(0, 2**16),
       quarter=st.integers(1, 4), as_of=st.sampled_from([None, datetime(2025, 6, 20, 9)]),
       b_population=st.sampled_from(["resolved", "supplemented"]),
       batch=st.sampled_from([200, 600, 1 << 20]))
@settings(max_examples=examples(40), deadline=None)
def test_one_pass_gives_what_the_records_give(
        path: str, data: dict[str, list[list[str]]], seed: int, quarter: int,
        as_of: datetime | None, b_population: str, batch: int) -> None:
    # Invariant: whichever way each dossier reaches HCM 104's marks (a record, or a row of an
    # engine frame), the report and the scorecard are the records' own.
    _with_staff(data, random.Random(seed))
    period = Period.quarter(2025, quarter)
    policy = hcm104.Hcm104Policy(b_population=b_population)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, data)
        expected = _texts(folder, period, as_of, policy, one_pass=False)
        with _counting_with(path, batch):
            got = _texts(folder, period, as_of, policy, one_pass=True)
    assert got == expected


@pytest.mark.parametrize("name", ["province", "messy"])
@pytest.mark.parametrize("period", ["2025-Q2", None])
def test_the_example_folders_in_one_pass(name: str, period: str | None) -> None:
    # The bundled provinces (thousands of dossiers, staff codes, undated ratings, rejected
    # rows): the same report and scorecard; without a period, the year of the latest receipt.
    folder = ROOT / "examples" / name
    dataset = read_folder(folder)
    chosen = Period.parse(period) if period else Period.year(
        max(d.receipt for d in dataset.dossiers).year)
    card = score_766(dataset, period=chosen)
    report = hcm104.score(dataset, period=chosen, scorecard=card, by_staff=True)
    got = hcm104.score_folder_with_766(folder, period=period, by_staff=True)
    assert got.report.period == chosen
    assert got.report.to_dict() == report.to_dict()
    assert [r.to_dict() for u in report.units for r in got.report.staff_of(u)] == \
        [r.to_dict() for u in report.units for r in report.staff_of(u)]
    assert dumps(scorecard_to_dict(got.scorecard)) == dumps(scorecard_to_dict(card))
    receipts = [d.receipt for d in dataset.dossiers]
    assert (got.first_receipt, got.latest_receipt) == (min(receipts), max(receipts))
    assert hcm104.score_folder(folder, period=period, by_staff=True).to_dict() == \
        report.to_dict()


def _watch_marks(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The ids of the dossiers HCM 104's marks are shown from now on: in engine frames, and
    as records."""
    in_frames: list[str] = []
    as_records: list[str] = []
    real_frame, real_dossier = hcm104._Marks.frame, hcm104._Marks.dossier

    def frame(self: Any, frame: Any) -> None:
        in_frames.extend(frame["ident"].to_list())
        real_frame(self, frame)

    def dossier(self: Any, d: Any) -> None:
        as_records.append(d.id)
        real_dossier(self, d)

    monkeypatch.setattr(hcm104._Marks, "frame", frame)
    monkeypatch.setattr(hcm104._Marks, "dossier", dossier)
    return in_frames, as_records


def test_each_dossier_reaches_the_marks_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine shows most dossiers in frames and hands the odd ones over as records: every
    # accepted dossier is marked once (a frame's rows handed back are not in the frame shown).
    need("polars", "fast")
    in_frames, as_records = _watch_marks(monkeypatch)
    folder = ROOT / "examples" / "messy"
    with _counting_with("engine", 512):
        hcm104.score_folder_with_766(folder, period="2025-Q2")
    accepted = sorted(d.id for d in read_folder(folder).dossiers)
    assert sorted(in_frames + as_records) == accepted
    assert in_frames and as_records  # both ways were taken


def _row(ident: str, code: str, submitted: str, received: str, finished: str,
         staff: str) -> list[str]:
    return [ident, code, "U2", "2", submitted, received, "", finished, "", "", "1", "0", "0",
            "KQ", "f.pdf", "1", "0", "0", "1", staff]


@pytest.mark.parametrize("batch", [100, 4096])
def test_the_dossiers_the_engine_treats_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              batch: int) -> None:
    # Two dossiers the engine does not settle like the others, resolved in 2025-Q2, each
    # with an undated rating: HS1 was only submitted (no NgayTiepNhan: outside every
    # population, yet resolved — A judges it by the statutory due from its submission: 5
    # working days after Wed 02/04, Mon 07/04 being Giỗ Tổ Hùng Vương, are 03, 04, 08, 09 and
    # 10/04, so due 10/04; finished Tue 15/04: late 3 working days (11, 14, 15/04), in the
    # band); HS2 (4 office hours from 10/04 08:00 — 08:00–11:30, then 13:00–13:30: due
    # 10/04 13:30 — finished 05/05: over 5 working days late), timed in working hours, has a
    # 2.2 span the engine's calendar table does not cover
    # (the table is cut to start in May here: a real one covers every span of the period),
    # so the engine hands it back to be read as a record — and it must not be marked twice.
    # The ratings name no staff member: by staff, each takes its dossier's, from any batch.
    pl = need("polars", "fast")
    from chiso766 import frame_counts

    header = [*DOSSIER_HEADER, "MaCanBo"]
    rows = [_row("HS1", "P1", "02/04/2025 08:00:00", "", "15/04/2025 10:00:00", "CB1"),
            _row("HS2", "P4", "", "10/04/2025 08:00:00", "05/05/2025 10:00:00", "CB2"),
            *(_row(f"HS{i}", "P1", "", f"0{i}/05/2025 08:00:00", f"0{i + 1}/05/2025 10:00:00",
                   "CB1") for i in range(3, 8))]  # HS3..HS7 finished the next day: on time
    ratings = [["HS1", "U2", "", "tốt"], ["HS2", "U2", "", "bình thường"]]
    _write(tmp_path, {"dossiers": [header, *rows], "supplements": [], "ratings": ratings})
    real_init = frame_counts.FrameCounts.__init__

    def cut_table(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self.table = self.table.filter(pl.col("date") >= date(2025, 5, 1))

    monkeypatch.setattr(frame_counts.FrameCounts, "__init__", cut_table)
    period = Period.quarter(2025, 2)
    policy = hcm104.Hcm104Policy()
    expected = _texts(tmp_path, period, None, policy, one_pass=False)
    in_frames, as_records = _watch_marks(monkeypatch)
    with _counting_with("engine", batch):  # a batch of each line, or one of them all
        got = _texts(tmp_path, period, None, policy, one_pass=True)
    assert got == expected
    assert as_records == ["HS2"] and "HS1" in in_frames and len(in_frames) == 6
    a = hcm104.score_folder(tmp_path, period=period).unit("U2").parts["A"]
    assert (a.details["resolved"], a.details["on_time"], a.details["late_within_5_working_days"],
            a.details["late_over_5_working_days"]) == (7, 5, 1, 1)  # HS1 in the band, HS2 over
    c = hcm104.score_folder(tmp_path, period=period).unit("U2").parts["C"]
    assert c.details["good"] == 1 and c.details["normal"] == 1  # both undated ratings counted


def test_bad_d_values_are_refused_before_any_file_is_read(tmp_path: Path) -> None:
    # A value out of 0..18 or a key that is not text is known without the files: refused
    # before the folder is read (here there is none to read); a key naming no unit is known
    # only once the units are read.
    from chiso766.errors import PolicyError

    missing = tmp_path / "nothing here"
    for bad in ({"U1": 19}, {1: 5}, [("U1", 5)]):
        with pytest.raises(PolicyError, match=r"d_values|part D"):
            hcm104.score_folder(missing, period="2025-Q2", d_values=bad)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="not a unit"):
        hcm104.score_folder(ROOT / "examples" / "messy", period="2025-Q2", d_values={"UX": 5})
