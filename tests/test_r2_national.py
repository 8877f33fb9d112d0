"""The national sync format as it is (SPEC §8 r2): nested ``TaiLieuNop[]``, ``DSKetNoiCSDL[]``,
``DanhSachPhiLePhi[]`` and ``DanhSachGiayToKetQua[]`` read into the dossier's flat fields;
``ThoiGianGiaiQuyet`` as the dossier's own processing time; ``DonViTinh`` in months; the petition
columns ``NgayGuiPAKN`` and ``NgayChoTiepNhan``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from chiso766 import Dossier, PolicyError, RecordError, ReportBuilder, TimeLimit, due_at
from chiso766.io import iter_records, read_folder
from chiso766.io.national import flatten


def base(ident: str, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"MaHoSo": ident, "MaTTHC": "1.000001", "MaDonVi": "U1",
                           "NgayTiepNhan": "20250402090000"}
    obj.update(extra)
    return obj


def read(tmp_path: Path, objs: list[Any], name: str = "dossiers.json",
         **kw: Any) -> tuple[list[Dossier], ReportBuilder]:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs),
                        encoding="utf-8")
    else:
        path.write_text(json.dumps(objs, ensure_ascii=False), encoding="utf-8")
    builder = ReportBuilder()
    return list(iter_records(path, "dossiers", report_builder=builder, **kw)), builder


COMPONENT = {"TenTepDinhKem": "to khai.pdf", "MaThanhPhanHoSo": "TP1",
             "DuongDanTaiTepTin": "https://example.invalid/a.pdf", "DuocSoHoa": "0",
             "DuocTaiSuDung": "0", "DuocLayTuKhoDMQG": "0"}


@pytest.mark.parametrize("name", ["dossiers.json", "dossiers.jsonl"])
def test_nested_lists_give_the_flat_fields(tmp_path: Path, name: str) -> None:
    objs = [
        # N1: a component file attached, re-used digitized data, taken from the data store
        # (which criterion 4.5b counts as population data, not the reader); fees 0 and 50000
        # → a non-zero fee; a result file with code and path → an electronic result
        base("N1", TaiLieuNop=[COMPONENT, {**COMPONENT, "DuocSoHoa": "1",
                                           "DuocLayTuKhoDMQG": "1"}],
             DanhSachPhiLePhi=[{"TenPhiLePhi": "Phí", "Gia": "0"},
                               {"TenPhiLePhi": "Lệ phí", "Gia": "50000"}],
             DanhSachGiayToKetQua=[{"TenGiayTo": "GP", "MaGiayToKetQua": "KQ1",
                                    "DuongDanTepTinKetQua": "https://example.invalid/kq.pdf"}]),
        # N2: a component without a file, nothing re-used; all fees 0; MaCSDL "7" (the default
        # population database code) in DSKetNoiCSDL; a result without its file
        base("N2", TaiLieuNop=[{**COMPONENT, "DuongDanTaiTepTin": ""}],
             DanhSachLePhi=[{"Gia": 0}], DSKetNoiCSDL=[{"MaCSDL": "7"}],
             DanhSachGiayToKetQua=[{"MaGiayToKetQua": "KQ2", "DuongDanTepTinKetQua": ""}]),
        # N3: the flat HoSoCoThanhPhanSoHoa = 1 or'ed with a list that says 0; VNeID flat
        base("N3", TaiLieuNop=[COMPONENT], HoSoCoThanhPhanSoHoa="1",
             TaiKhoanDuocXacThucVoiVNeID="1"),
        # N4: no lists: the flat fields as before (not reported → None)
        base("N4"),
    ]
    dossiers, builder = read(tmp_path, objs, name)
    assert builder.build().rejected == 0
    got = {d.id: (d.components_digitized, d.reuses_digitized_data, d.uses_personal_data_store,
                  d.uses_population_data, d.has_fee_data, d.has_electronic_result)
           for d in dossiers}
    assert got == {
        "N1": (True, True, True, None, True, True),
        "N2": (False, False, False, True, False, False),
        "N3": (True, True, False, True, None, None),
        "N4": (None, None, None, None, None, None),
    }
    assert builder.build().notes == ()  # the nested keys are not "unknown columns"


def test_population_database_codes_are_an_option(tmp_path: Path) -> None:
    objs = [base("C1", DSKetNoiCSDL=[{"MaCSDL": "DANCU"}]),
            base("C2", TaiLieuNop=[{**COMPONENT, "MaCSDL": "7"}])]
    dossiers, _ = read(tmp_path, objs)
    assert [d.uses_population_data for d in dossiers] == [False, True]
    dossiers, _ = read(tmp_path, objs, population_databases={"DANCU"})
    assert [d.uses_population_data for d in dossiers] == [True, False]
    with pytest.raises(PolicyError, match="MaCSDL"):
        read(tmp_path, objs, population_databases="DANCU")


def test_unreadable_nested_values_are_rejected(tmp_path: Path) -> None:
    objs = [base("B1", TaiLieuNop={"DuocSoHoa": "1"}),
            base("B2", DanhSachPhiLePhi=[{"Gia": "năm mươi nghìn"}]),
            base("B3", TaiLieuNop=[{**COMPONENT, "DuocSoHoa": "có lẽ"}]),
            base("B4", TaiLieuNop=["a.pdf"]),
            base("B1", TaiLieuNop=[COMPONENT])]  # B1 again: a duplicate of the rejected row
    dossiers, builder = read(tmp_path, objs)
    assert dossiers == []
    report = builder.build()
    assert (report.read, report.accepted, report.rejected) == (5, 0, 5)
    rows = [(r.line, r.record_id, r.field, r.column) for r in report.rejections]
    assert rows == [
        (1, "B1", "components_digitized", "TaiLieuNop"),
        (2, "B2", "has_fee_data", "DanhSachPhiLePhi[0].Gia"),
        (3, "B3", "reuses_digitized_data", "TaiLieuNop[0].DuocSoHoa"),
        (4, "B4", "components_digitized", "TaiLieuNop[0]"),
        (5, "B1", "id", None),
    ]
    assert "expected a list of objects" in report.rejections[0].reason
    assert "duplicate dossier id 'B1'" in report.rejections[4].reason


def test_flatten_leaves_flat_objects_alone() -> None:
    obj = base("F1", HoSoCoThanhPhanSoHoa="1")
    assert flatten(obj) == obj
    # a flat value that cannot be read is left for the reader to reject with its reason
    odd = base("F2", HoSoCoThanhPhanSoHoa="maybe", TaiLieuNop=[])
    assert flatten(odd)["HoSoCoThanhPhanSoHoa"] == "maybe"


def test_processing_time_is_never_the_limit(tmp_path: Path) -> None:
    dossiers, builder = read(tmp_path, [base("T1", ThoiGianGiaiQuyet="2,5"),
                                        base("T2", ThoiGianGiaiQuyet=4),
                                        base("T3", ThoiGianGiaiQuyet="-1")])
    assert [(d.id, d.processing_time) for d in dossiers] == [("T1", Fraction(5, 2)),
                                                              ("T2", Fraction(4))]
    (bad,) = builder.build().rejections
    assert (bad.record_id, bad.field, bad.column) == ("T3", "processing_time", "ThoiGianGiaiQuyet")
    # the procedures file's ThoiHanGiaiQuyet is the limit; ThoiGianGiaiQuyet is not read there
    procs = tmp_path / "procedures.csv"
    procs.write_text("MaTTHC,ThoiGianGiaiQuyet\n1.000001,15 ngày làm việc\n", encoding="utf-8")
    (proc,) = list(iter_records(procs, "procedures"))
    assert proc.time_limit is None
    with pytest.raises(RecordError, match="processing_time"):
        Dossier("X", "P", "U", received_at=datetime(2025, 4, 1), processing_time=-1)  # type: ignore[arg-type]


def test_months_limit() -> None:
    # DonViTinh in months: TimeLimit.months(n), the same day n months later, the last day of
    # the month when it has none, then the next working day
    assert TimeLimit.parse("1", "tháng") == TimeLimit.months(1)
    assert TimeLimit.parse("3 tháng") == TimeLimit.months(3)
    assert str(TimeLimit.months(3)) == "3 tháng"
    assert TimeLimit.parse(TimeLimit.months(2).to_text()) == TimeLimit.months(2)
    cases = [
        # Mon 2/6/2025 + 1 month = Wed 2/7/2025, a working day
        (datetime(2025, 6, 2, 9), 1, datetime(2025, 7, 2, 17)),
        # Mon 31/3/2025 + 2 months = 31/5, a Saturday → Mon 2/6
        (datetime(2025, 3, 31, 9), 2, datetime(2025, 6, 2, 17)),
        # Fri 31/10/2025 + 1 month: November has no 31st → 30/11, a Sunday → Mon 1/12
        (datetime(2025, 10, 31, 9), 1, datetime(2025, 12, 1, 17)),
        # Wed 31/1/2024 + 1 month → 29/2/2024 (leap year), a Thursday
        (datetime(2024, 1, 31, 9), 1, datetime(2024, 2, 29, 17)),
    ]
    for received, n, due in cases:
        assert due_at(received, TimeLimit.months(n)) == due, (received, n)
    assert TimeLimit.months(1).months_after(date(2025, 1, 31)) == date(2025, 2, 28)
    with pytest.raises(RecordError):
        TimeLimit.months(Fraction(3, 2))
    with pytest.raises(RecordError):
        TimeLimit.working_days(3).months_after(date(2025, 1, 1))


def test_months_in_a_procedures_file(tmp_path: Path) -> None:
    path = tmp_path / "procedures.csv"
    path.write_text("MaTTHC,ThoiHanGiaiQuyet,DonViTinh\n1.000001,2,tháng\n"
                    "1.000002,15,ngày làm việc\n", encoding="utf-8")
    procs = {p.code: p.time_limit for p in iter_records(path, "procedures")}
    assert procs == {"1.000001": TimeLimit.months(2), "1.000002": TimeLimit.working_days(15)}


def test_petition_send_date_columns(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "dossiers.csv").write_text("MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan\n", encoding="utf-8")
    (folder / "petitions.csv").write_text(
        "MaPAKN,MaDonVi,NgayGuiPAKN,NgayTiepNhan,NgayChoTiepNhan\n"
        "K1,U1,28/03/2025 08:00,02/04/2025 09:00,16/06/2025 10:00\n"
        "K2,U1,,02/04/2025 09:00,\n", encoding="utf-8")
    ds = read_folder(folder)
    k1, k2 = ds.petitions
    assert (k1.sent_at, k1.awaiting_since) == (datetime(2025, 3, 28, 8), datetime(2025, 6, 16, 10))
    # not given: no send date, and awaiting since the receipt
    assert (k2.sent_at, k2.awaiting_since) == (None, datetime(2025, 4, 2, 9))
