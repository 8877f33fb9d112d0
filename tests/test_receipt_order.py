"""docs/inputs.md: no dossier ends, or falls due, before it is received — one rule, every path.

The rule is declared once (``chiso766.records.AFTER_RECEIPT``): the record refuses a dossier
with a later moment before its receipt, and the columnar engine leaves such a row to the record
(and its message) instead of counting it. The moments are listed here from docs/inputs.md, not
read from that declaration, so a moment dropped from it fails these tests: on each path the bad
row is refused — same line, same field, same message — and the scorecard is the one of the
good rows alone.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chiso766 import Period, score_766
from chiso766.io import read_folder
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.streaming import score_folder
from tests.test_rule_paths import engine_path, row_path

Q2 = Period.quarter(2025, 2)
#: field → its national column; each one later than the receipt in a well-formed dossier.
LATER = {"finished_at": "NgayKetThucXuLy", "returned_at": "NgayTra",
         "stopped_at": "NgayDungXuLy", "due_at": "NgayHenTra", "new_due_at": "NgayHenTraMoi"}
HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", *LATER.values()]
#: A good row: received 02/04 09:00, due 10/04, finished 09/04, nothing else.
GOOD = {"NgayTiepNhan": "02/04/2025 09:00:00", "NgayHenTra": "10/04/2025 17:00:00",
        "NgayKetThucXuLy": "09/04/2025 10:00:00"}
EARLIER = "01/04/2025 08:00:00"  # a day before the receipt
GOOD_ROWS = 40  # several of the engine's small batches before the bad row


def _folder(path: Path, field: str | None) -> Path:
    """``GOOD_ROWS`` good dossiers and, when ``field`` is given, one more (line
    ``GOOD_ROWS + 2``) whose ``field`` comes a day before its receipt."""
    path.mkdir()
    (path / "units.csv").write_text("id,name,level,parent_id\nT,Tỉnh,province,\n",
                                    encoding="utf-8")
    (path / "procedures.csv").write_text("code,name,time_limit\nP1,Thủ tục,5 ngày làm việc\n",
                                         encoding="utf-8")
    rows = [{"MaHoSo": f"HS{n}", "MaTTHC": "P1", "MaDonVi": "T", **GOOD}
            for n in range(GOOD_ROWS)]
    if field is not None:
        rows.append({"MaHoSo": "BAD", "MaTTHC": "P1", "MaDonVi": "T", **GOOD,
                     LATER[field]: EARLIER})
    with open(path / "dossiers.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _card_json(card: object) -> str:
    data = scorecard_to_dict(card)  # type: ignore[arg-type]
    for key in ("input", "rejected"):  # the bad row's rejection, compared apart
        data.pop(key, None)
    return dumps(data)


@pytest.mark.parametrize("field", list(LATER))
def test_a_moment_before_the_receipt_is_refused_on_every_path(
        field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "bad", field)
    clean = score_766(read_folder(_folder(tmp_path / "clean", None)), period=Q2)

    dataset = read_folder(folder)
    with row_path():
        by_rows = score_folder(folder, period=Q2)
    with engine_path(monkeypatch) as spied:
        by_engine = score_folder(folder, period=Q2)
    assert spied["batches"] > 1 and spied["rows"] == GOOD_ROWS  # the bad row: not counted

    (rejection,) = dataset.report.rejections
    assert (rejection.line, rejection.field, rejection.column, rejection.value) == (
        GOOD_ROWS + 2, field, LATER[field], EARLIER)
    assert rejection.reason.endswith("no dossier ends, or falls due, before it is received")
    assert len(dataset.dossiers) == GOOD_ROWS
    for card in (score_766(dataset, period=Q2), by_rows, by_engine):
        assert card.input is not None
        assert card.input.rejections == (rejection,)
        dossiers = card.input.files["dossiers.csv"]
        assert (dossiers.read, dossiers.accepted, dossiers.rejected) == (GOOD_ROWS + 1,
                                                                         GOOD_ROWS, 1)
        assert _card_json(card) == _card_json(clean)
