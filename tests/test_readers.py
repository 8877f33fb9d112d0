"""Readers (SPEC §8): formats, column names, cell values, rejections, junk input."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso766.errors import InputError, PolicyError, RecordError
from chiso766.io import (
    FIELDS,
    Dataset,
    ReadReport,
    Rejection,
    ReportBuilder,
    iter_records,
    read_folder,
    write_folder,
)
from chiso766.io.values import CellError, moment, parse_moment
from chiso766.records import (
    AnnouncementKind,
    Channel,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    PetitionClass,
    Procedure,
    RatingValue,
    SupplementRequest,
    Unit,
    UnitLevel,
)
from chiso766.timelimits import TimeLimit
from tests.budget import examples

DOSSIER_HEAD = "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan"


def put(folder: Path, name: str, text: str | bytes, *, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


def read_one(tmp_path: Path, kind: str, text: str, *, name: str | None = None,
             **kw: Any) -> tuple[list[Any], ReadReport]:
    path = put(tmp_path, name or f"{kind}.csv", text)
    builder = ReportBuilder()
    records = list(iter_records(path, kind, report_builder=builder, **kw))
    return records, builder.build()


def only(report: ReadReport) -> Rejection:
    assert len(report.rejections) == 1, report.rejections
    return report.rejections[0]


def assert_counts(report: ReadReport) -> None:
    assert report.read == report.accepted + report.rejected
    assert report.rejected == len(report.rejections)
    for count in report.files.values():
        assert count.read == count.accepted + count.rejected
    assert sum(c.read for c in report.files.values()) == report.read


# ---------------------------------------------------------------------------------------------
# formats and column names


def test_national_names_with_bom_and_semicolons(tmp_path: Path) -> None:
    text = lines(
        "MaHoSo;MaTTHC;MaDonVi;MaCanBoXuLy;KenhThucHien;NgayNopHoSo;NgayTiepNhan;NgayHenTra;"
        "NgayKetThucXuLy;NgayTra;DuocThanhToanTrucTuyen;HoSoCoThanhPhanSoHoa;DuocLayTuKhoDMQG;"
        "TaiKhoanDuocXacThucVoiVNeID",
        "HS1;1.000001;H44;cb7;2;03/04/2025 08:00;03/04/2025 08:15;10/04/2025;"
        "2025-04-09T10:00:00;2025-04-09 10:30;1;có;0;x",
    )
    put(tmp_path, "dossiers.csv", text, bom=True)
    ds = read_folder(tmp_path)
    (d,) = ds.dossiers
    assert d == Dossier(
        id="HS1", procedure_code="1.000001", unit_id="H44", staff_id="cb7",
        channel=Channel.ONLINE, submitted_at=datetime(2025, 4, 3, 8, 0),
        received_at=datetime(2025, 4, 3, 8, 15), due_at=datetime(2025, 4, 10, 17, 0),
        finished_at=datetime(2025, 4, 9, 10, 0), returned_at=datetime(2025, 4, 9, 10, 30),
        paid_online=OnlinePayment.NATIONAL_PORTAL, reuses_digitized_data=True,
        uses_personal_data_store=False, uses_population_data=True,
    )
    assert ds.report.read == ds.report.accepted == 1
    assert ds.folder == os.fspath(tmp_path)


def test_english_names(tmp_path: Path) -> None:
    text = lines("id,procedure_code,unit_id,received_at,finished_at",
                 "A,P,U,2025-04-03T08:00:00,2025-04-04T08:00:00")
    (d,), report = read_one(tmp_path, "dossiers", text)
    assert (d.id, d.finished_at) == ("A", datetime(2025, 4, 4, 8))
    assert report.rejected == 0


@pytest.mark.parametrize("name", ["NgayTiepNhan", "ngay_tiep_nhan", "Ngày Tiếp Nhận",
                                  "NGÀY TIẾP NHẬN", "received_at", "Received-At", " ngaytiepnhan "])
def test_headers_are_case_and_accent_insensitive(tmp_path: Path, name: str) -> None:
    text = lines(f"Mã Hồ Sơ,ma_tthc,MADONVI,{name}", "A,P,U,2025-04-03")
    (d,), _ = read_one(tmp_path, "dossiers", text)
    assert d.received_at == datetime(2025, 4, 3, 0, 0)


def test_tab_delimited(tmp_path: Path) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines("MaHoSo\tMaTTHC\tMaDonVi\tNgayTiepNhan",
                                                   "A\tP, Q\tU\t2025-04-03"))
    assert d.procedure_code == "P, Q"


def test_quoted_cells_and_physical_line_numbers(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD + ",MaCanBo",
                 'A,P,U,2025-04-03,"two', 'lines"',
                 "B,P,U,not a date,")
    records, report = read_one(tmp_path, "dossiers", text)
    assert records[0].staff_id == "two\nlines"
    rejection = only(report)
    assert rejection.line == 4  # the header is line 1; row A spans lines 2-3


def test_crlf_line_endings(tmp_path: Path) -> None:
    text = (DOSSIER_HEAD + "\r\nA,P,U,2025-04-03\r\nB,P,U,x\r\n")
    records, report = read_one(tmp_path, "dossiers", text)
    assert [d.id for d in records] == ["A"]
    assert only(report).line == 3


def test_jsonl_with_native_values(tmp_path: Path) -> None:
    text = lines(
        json.dumps({"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": 44, "NgayTiepNhan": "2025-04-03",
                    "KenhThucHien": 2, "DaDongBoDVCQG": True, "NopQuaDVCQG": 0,
                    "CoDuLieuPhiLePhi": None, "DuocThanhToanTrucTuyen": 2, "Extra": [1]}),
        "",
        json.dumps({"id": "B", "procedure_code": "P", "unit_id": "U", "submitted_at": 20250403,
                    "synced_to_portal": ""}),
    )
    (a, b), report = read_one(tmp_path, "dossiers", text, name="dossiers.jsonl")
    assert (a.unit_id, a.channel, a.synced_to_portal, a.submitted_via_portal) == (
        "44", Channel.ONLINE, True, False)
    assert a.has_fee_data is None  # null: not reported
    assert a.paid_online is OnlinePayment.OWN_GATEWAY
    assert b.submitted_at == datetime(2025, 4, 3)
    assert b.synced_to_portal is False  # present but empty
    assert b.submitted_via_portal is None  # absent
    assert report.notes == ("dossiers.jsonl: ignored unknown column(s) Extra",)


def test_json_array(tmp_path: Path) -> None:
    text = json.dumps([{"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "2025-04-03"},
                       {"MaHoSo": "B", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "bad"},
                       "not an object", {}])
    records, report = read_one(tmp_path, "dossiers", text, name="dossiers.json")
    assert [d.id for d in records] == ["A"]
    assert [(r.line, r.field) for r in report.rejections] == [(2, "received_at"), (3, None)]
    assert report.rejections[1].reason == "expected a JSON object (one record)"
    assert report.read == 3  # the empty object is a blank row, noted
    assert "dossiers.json: 1 empty row(s) skipped" in report.notes


def test_fast_and_general_paths_agree(tmp_path: Path) -> None:
    rows = [
        {"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "03/04/2025 08:15",
         "KenhThucHien": "Trực tuyến", "DaDongBoDVCQG": "Có", "NgayKetThucXuLy": "20250404",
         "DuocThanhToanTrucTuyen": " 1 ", "MaKetQua": "K", "DuongDanTepTinKetQua": "f"},
        {"MaHoSo": " B ", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "2025-04-03T08:15:00Z",
         "KenhThucHien": "", "DaDongBoDVCQG": "", "NgayKetThucXuLy": "",
         "DuocThanhToanTrucTuyen": "", "MaKetQua": "K", "DuongDanTepTinKetQua": " "},
    ]
    head = list(rows[0])
    csv_text = lines(",".join(head), *(",".join(r[k] for k in head) for r in rows))
    from_csv, _ = read_one(tmp_path / "c", "dossiers", csv_text)
    from_jsonl, _ = read_one(tmp_path / "j", "dossiers", lines(*map(json.dumps, rows)),
                             name="dossiers.jsonl")
    assert from_csv == from_jsonl
    assert from_csv[0].has_electronic_result is True
    assert from_csv[1].has_electronic_result is False
    assert from_csv[1].received_at == datetime(2025, 4, 3, 15, 15)
    assert from_csv[1].channel is Channel.DIRECT


_VALID: dict[str, list[Any]] = {
    "MaHoSo": ["A", " B ", "C"], "MaTTHC": ["P", "Q "], "MaDonVi": ["U", "V"],
    "NgayTiepNhan": ["2025-04-03", "03/04/2025 08:15", "2025-04-03T01:15:00Z", "20250403",
                     "20250403081500"],
    "NgayKetThucXuLy": ["", "2025-04-05", "05/04/2025 10:00", " 2025-04-06 "],
    "KenhThucHien": ["", "1", "2", " 3 ", "ONLINE", "Trực tuyến", "buu chinh"],
    "DaDongBoDVCQG": ["", "1", "0", "x", "Có", "không", "null", "TRUE"],
    "DuocThanhToanTrucTuyen": ["", "0", "1", "2", "NONE", "own gateway"],
    "MaKetQua": ["", "K1"], "DuongDanTepTinKetQua": ["", "f", " "],
}
_VALID_JSON: dict[str, list[Any]] = {
    "MaDonVi": [7], "NgayTiepNhan": [20250403], "KenhThucHien": [None, 2],
    "DaDongBoDVCQG": [True, False, None, 1, 0, 1.0], "DuocThanhToanTrucTuyen": [None, 1],
    "MaKetQua": [None, 5],
}
_JUNK: list[Any] = ["maybe", "bad", "2025-13-01", " ", "", "null", "2025-04-02", "٣", "0,5"]
_JUNK_JSON: list[Any] = [[1], {"a": 1}, 2.5, True, -1, None]


@st.composite
def _row(draw: Any, json_mode: bool) -> dict[str, Any]:
    row = {c: draw(st.sampled_from(good + (_VALID_JSON.get(c, []) if json_mode else [])))
           for c, good in _VALID.items()}
    if draw(st.booleans()):
        column = draw(st.sampled_from(sorted(_VALID)))
        row[column] = draw(st.sampled_from(_JUNK + (_JUNK_JSON if json_mode else [])))
    if json_mode and draw(st.booleans()):
        del row[draw(st.sampled_from(sorted(row)))]
    return row


def _read_both_ways(folder: Path, name: str, text: str,
                    kind: str = "dossiers") -> tuple[Any, Any]:
    from unittest import mock

    from chiso766.io import readers

    out = []
    for patch in (False, True):
        path = put(folder, name, text)
        builder = ReportBuilder()
        if patch:
            with mock.patch.object(readers, "plain_reader", lambda *a, **k: None):
                got = list(iter_records(path, kind, report_builder=builder))
        else:
            got = list(iter_records(path, kind, report_builder=builder))
        out.append((got, builder.build()))
    return out[0], out[1]


def test_two_columns_for_one_field(tmp_path: Path) -> None:
    text = lines("MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan,NgayDungXuLy,NgayTuChoi",
                 "A,P,U,2025-04-03,,2025-04-05",
                 "B,P,U,2025-04-03,2025-04-05,2025-04-05",
                 "C,P,U,2025-04-03,2025-04-05,2025-04-06")
    records, report = read_one(tmp_path, "dossiers", text)
    assert [d.stopped_at for d in records] == [datetime(2025, 4, 5, 17)] * 2
    rejection = only(report)
    assert (rejection.line, rejection.field, rejection.value) == (4, "stopped_at", "2025-04-06")
    assert "disagree" in rejection.reason
    assert any("NgayDungXuLy, NgayTuChoi all give stopped_at" in n for n in report.notes)


def test_unknown_columns_are_noted_once(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD + ",Ghi Chu,,Khac", "A,P,U,2025-04-03,x,y,z", "B,P,U,2025-04-03,,,")
    _, report = read_one(tmp_path, "dossiers", text)
    assert report.notes == (
        "dossiers.csv: ignored unknown column(s) Ghi Chu, (unnamed column 6), Khac",)


@pytest.mark.parametrize(("head", "column"), [
    ("MaTTHC,MaDonVi,NgayTiepNhan", "id (MaHoSo/dossier_id)"),
    ("MaHoSo,MaTTHC,MaDonVi,NgayHenTra", "received_at (NgayTiepNhan) or submitted_at"),
    ("MaHoSo,MaDonVi,NgayTiepNhan", "procedure_code (MaTTHC)"),
])
def test_missing_required_column_makes_the_file_unusable(tmp_path: Path, head: str,
                                                         column: str) -> None:
    path = put(tmp_path, "dossiers.csv", lines(head, "A,B,C"))
    with pytest.raises(InputError) as info:
        list(iter_records(path, "dossiers"))
    assert column in str(info.value)
    assert info.value.file == "dossiers.csv"


# ---------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-04-03", date(2025, 4, 3)),
    ("2025-04-03T08:15:00", datetime(2025, 4, 3, 8, 15)),
    ("2025-04-03 08:15", datetime(2025, 4, 3, 8, 15)),
    ("2025-04-03T08:15:00.250000", datetime(2025, 4, 3, 8, 15, 0, 250000)),
    ("2025-04-03T01:15:00Z", datetime(2025, 4, 3, 1, 15, tzinfo=UTC)),
    ("2025-04-03T08:15:00+07:00",
     datetime(2025, 4, 3, 8, 15, tzinfo=timezone(timedelta(hours=7)))),
    ("03/04/2025", date(2025, 4, 3)),
    ("03/04/2025 08:15", datetime(2025, 4, 3, 8, 15)),
    ("03/04/2025 08:15:30", datetime(2025, 4, 3, 8, 15, 30)),
    ("20250403081500", datetime(2025, 4, 3, 8, 15)),
    ("20250403", date(2025, 4, 3)),
])
def test_date_formats(text: str, expected: date) -> None:
    value = parse_moment(text)
    assert value == expected and type(value) is type(expected)
    assert parse_moment(text) == expected  # from the cache, the same answer


@pytest.mark.parametrize("text", ["2025-13-01", "32/01/2025", "2025/04/03", "03/04/25",
                                  "03-04-2025", "2025-04-03X08:15", "03/04/2025 8:15",
                                  "03/04/2025T08:15", "2025040", "202504030815", "tomorrow",
                                  "٢٠٢٥٠٤٠٣", "1899-12-31", "2200-01-01T00:00:00",
                                  "01/01/1899 08:00"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_moment(text)
    with pytest.raises(CellError):
        moment(text)


def test_year_out_of_range_reason() -> None:
    with pytest.raises(CellError, match="year must be between 1900 and 2199"):
        moment("1899-12-31")


def test_date_only_means_start_for_receipt_and_close_for_completion(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD + ",NgayKetThucXuLy,NgayHenTra",
                 "A,P,U,03/04/2025,04/04/2025,20250410")
    (d,), _ = read_one(tmp_path, "dossiers", text)
    assert d.received_at == datetime(2025, 4, 3, 0, 0)
    assert d.finished_at == datetime(2025, 4, 4, 17, 0)
    assert d.due_at == datetime(2025, 4, 10, 17, 0)


def test_aware_moments_become_vietnam_time(tmp_path: Path) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD, "A,P,U,2025-04-03T01:15:00Z"))
    assert d.received_at == datetime(2025, 4, 3, 8, 15)


def test_padded_cells_are_read(tmp_path: Path) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD + ",KenhThucHien",
                                                   " A , P ,U, 2025-04-03 08:00 , 3 "))
    assert (d.id, d.procedure_code, d.received_at, d.channel) == (
        "A", "P", datetime(2025, 4, 3, 8), Channel.POSTAL)


# ---------------------------------------------------------------------------------------------
# booleans and enums


@pytest.mark.parametrize(("cell", "expected"), [
    ("1", True), ("0", False), ("true", True), ("FALSE", False), ("có", True), ("Không", False),
    ("co", True), ("khong", False), ("x", True), ("X", True), ("", False), ("yes", True),
    ("No", False), ("null", None), ("N/A", None), ("  1 ", True),
])
def test_booleans(tmp_path: Path, cell: str, expected: bool | None) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD + ",DaDongBoDVCQG",
                                                   f"A,P,U,2025-04-03,{cell}"))
    assert d.synced_to_portal is expected
    assert d.uses_population_data is None  # no column: not reported


def test_bad_boolean_is_rejected(tmp_path: Path) -> None:
    _, report = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD + ",DaDongBoDVCQG",
                                                     "A,P,U,2025-04-03,maybe"))
    r = only(report)
    assert (r.file, r.line, r.field, r.value, r.column, r.record_id) == (
        "dossiers.csv", 2, "synced_to_portal", "maybe", "DaDongBoDVCQG", "A")
    assert r.reason.startswith("unknown yes/no value 'maybe'")


@pytest.mark.parametrize(("cell", "expected"), [
    ("1", Channel.DIRECT), ("2", Channel.ONLINE), ("3", Channel.POSTAL),
    ("ONLINE", Channel.ONLINE), ("postal", Channel.POSTAL), ("Trực tiếp", Channel.DIRECT),
    ("truc tuyen", Channel.ONLINE), ("Bưu chính công ích", Channel.POSTAL),
    ("", Channel.DIRECT),
])
def test_channel(tmp_path: Path, cell: str, expected: Channel) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD + ",KenhThucHien",
                                                   f"A,P,U,2025-04-03,{cell}"))
    assert d.channel is expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("0", OnlineLevel.NONE), ("1", OnlineLevel.PARTIAL), ("2", OnlineLevel.FULL),
    ("PARTIAL", OnlineLevel.PARTIAL), ("full", OnlineLevel.FULL), ("Một phần", OnlineLevel.PARTIAL),
    ("toàn trình", OnlineLevel.FULL), ("DVCTT toàn trình", OnlineLevel.FULL),
    ("Mức độ 3", OnlineLevel.PARTIAL), ("mức độ 4", OnlineLevel.FULL), ("3", OnlineLevel.PARTIAL),
    ("4", OnlineLevel.FULL), ("Mức độ 2", OnlineLevel.NONE), ("", OnlineLevel.NONE),
])
def test_online_level(tmp_path: Path, cell: str, expected: OnlineLevel) -> None:
    (p,), _ = read_one(tmp_path, "procedures", lines("MaTTHC,MucDoDVCTT", f"P,{cell}"))
    assert p.online_level is expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("0", OnlinePayment.NONE), ("1", OnlinePayment.NATIONAL_PORTAL),
    ("2", OnlinePayment.OWN_GATEWAY),
    ("NONE", OnlinePayment.NONE), ("own_gateway", OnlinePayment.OWN_GATEWAY), ("", None),
])
def test_paid_online(tmp_path: Path, cell: str, expected: OnlinePayment | None) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD + ",DuocThanhToanTrucTuyen",
                                                   f"A,P,U,2025-04-03,{cell}"))
    assert d.paid_online is expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("MINISTRY", UnitLevel.MINISTRY), ("Bộ", UnitLevel.MINISTRY), ("tỉnh", UnitLevel.PROVINCE),
    ("Sở/Ngành", UnitLevel.DEPARTMENT), ("sở", UnitLevel.DEPARTMENT),
    ("Huyện", UnitLevel.DISTRICT), ("xã", UnitLevel.COMMUNE), ("Cấp xã", UnitLevel.COMMUNE),
    ("district", UnitLevel.DISTRICT), ("", None),
])
def test_unit_level(tmp_path: Path, cell: str, expected: UnitLevel | None) -> None:
    (u,), _ = read_one(tmp_path, "units", lines("MaDonVi,TenDonVi,CapDonVi", f"U,Sở X,{cell}"))
    assert u.level is expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("tốt", RatingValue.GOOD), ("tot", RatingValue.GOOD), ("Good", RatingValue.GOOD),
    ("hài lòng", RatingValue.GOOD), ("bình thường", RatingValue.NORMAL),
    ("binh thuong", RatingValue.NORMAL), ("normal", RatingValue.NORMAL),
    ("không tốt", RatingValue.BAD), ("Không hài lòng", RatingValue.BAD), ("bad", RatingValue.BAD),
    ("dislike", RatingValue.BAD),
])
def test_rating_words(tmp_path: Path, cell: str, expected: RatingValue) -> None:
    (r,), _ = read_one(tmp_path, "ratings", lines("MaHoSo,MaDonVi,DanhGia", f"A,U,{cell}"))
    assert r.rating is expected


def test_rating_word_not_in_the_spec_is_rejected(tmp_path: Path) -> None:
    _, report = read_one(tmp_path, "ratings", lines("MaHoSo,MaDonVi,DanhGia", "A,U,rất hài lòng"))
    r = only(report)
    assert (r.field, r.value, r.line) == ("rating", "rất hài lòng", 2)
    assert r.reason.startswith("unknown rating 'rất hài lòng'")


@pytest.mark.parametrize(("cell", "expected"), [
    ("PROCEDURE_REGULATION", PetitionClass.PROCEDURE_REGULATION),
    ("Quy định hành chính", PetitionClass.PROCEDURE_REGULATION),
    ("hành vi", PetitionClass.STAFF_BEHAVIOUR), ("staff behavior", PetitionClass.STAFF_BEHAVIOUR),
    ("khác", PetitionClass.OTHER), ("", PetitionClass.OTHER),
])
def test_petition_class(tmp_path: Path, cell: str, expected: PetitionClass) -> None:
    text = lines("MaPAKN,MaDonVi,NgayTiepNhan,PhanLoai,LuotThich,LuotKhongThich",
                 f"K1,U,2025-04-03,{cell},3,")
    (p,), _ = read_one(tmp_path, "petitions", text)
    assert (p.classification, p.likes, p.dislikes) == (expected, 3, 0)


@pytest.mark.parametrize(("cell", "expected"), [
    ("NEW", AnnouncementKind.NEW), ("Ban hành mới", AnnouncementKind.NEW),
    ("Sửa đổi, bổ sung", AnnouncementKind.AMENDED), ("bãi bỏ", AnnouncementKind.ABOLISHED),
])
def test_announcement_kind(tmp_path: Path, cell: str, expected: AnnouncementKind) -> None:
    text = lines("MaTTHC,MaDonVi,SoQuyetDinh,NgayQuyetDinh,LoaiCongBo,CapCongBo",
                 f'P,U,12/QĐ-UBND,01/04/2025,"{cell}",tỉnh')
    (a,), _ = read_one(tmp_path, "announcements", text)
    assert (a.kind, a.decision_date, a.authority_level) == (expected, date(2025, 4, 1),
                                                           UnitLevel.PROVINCE)


def test_bad_count_is_rejected(tmp_path: Path) -> None:
    text = lines("MaPAKN,MaDonVi,NgayTiepNhan,LuotThich", "K1,U,2025-04-03,-2")
    _, report = read_one(tmp_path, "petitions", text)
    r = only(report)
    assert (r.field, r.value) == ("likes", "-2")
    assert "whole number" in r.reason


# ---------------------------------------------------------------------------------------------
# procedures: time limits


@pytest.mark.parametrize(("limit", "unit", "expected"), [
    ("15 ngày làm việc", None, TimeLimit.working_days(15)),
    ("0,5 ngày làm việc", None, TimeLimit.working_hours(4)),
    ("trong ngày", None, TimeLimit.same_day()),
    ("Trong ngày", None, TimeLimit.same_day()),
    ("30 ngày", None, TimeLimit.calendar_days(30)),
    ("4 giờ", None, TimeLimit.working_hours(4)),
    ("15 working days", None, TimeLimit.working_days(15)),
    ("10", "ngày làm việc", TimeLimit.working_days(10)),
    ("8", "Giờ", TimeLimit.working_hours(8)),
    ("15 ngày làm việc", "ngày làm việc", TimeLimit.working_days(15)),
    ("", "ngày", None),
])
def test_time_limits(tmp_path: Path, limit: str, unit: str | None,
                     expected: TimeLimit | None) -> None:
    head, row = "MaTTHC,TenTTHC,ThoiHanGiaiQuyet", f'P,Tên,"{limit}"'
    if unit is not None:
        head, row = head + ",DonViTinh", row + f",{unit}"
    (p,), report = read_one(tmp_path, "procedures", lines(head, row))
    assert p.time_limit == expected
    assert report.rejected == 0


def test_unreadable_time_limit_is_rejected(tmp_path: Path) -> None:
    _, report = read_one(tmp_path, "procedures",
                         lines("MaTTHC,ThoiHanGiaiQuyet", "P,theo quy định"))
    r = only(report)
    assert (r.field, r.value, r.column, r.record_id) == (
        "time_limit", "theo quy định", "ThoiHanGiaiQuyet", "P")
    assert "not a time limit" in r.reason


def test_procedure_flags(tmp_path: Path) -> None:
    text = lines("MaTTHC,CoPhiLePhi,DaCongKhai,DoiTuongCaNhan", "P,có,,1")
    (p,), _ = read_one(tmp_path, "procedures", text)
    assert (p.has_fee, p.published, p.for_individuals, p.requires_paper_result) == (
        True, False, True, None)


# ---------------------------------------------------------------------------------------------
# has_electronic_result


@pytest.mark.parametrize(("head", "cells", "expected"), [
    ("MaKetQua,DuongDanTepTinKetQua", "KQ1,/files/kq1.pdf", True),
    ("MaKetQua,DuongDanTepTinKetQua", "KQ1,", False),
    ("MaKetQua,DuongDanTepTinKetQua", ",/files/kq1.pdf", False),
    ("MaKetQua,DuongDanTepTinKetQua", ",", False),
    ("MaCanBo,MaTTHC2", "cb,x", None),
    ("MaKetQua,CoKetQuaDienTu", "KQ1,0", False),
    ("MaKetQua,DuongDanTepTinKetQua,CoKetQuaDienTu", ",,1", True),
])
def test_has_electronic_result(tmp_path: Path, head: str, cells: str,
                               expected: bool | None) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(f"{DOSSIER_HEAD},{head}",
                                                   f"A,P,U,2025-04-03,{cells}"))
    assert d.has_electronic_result is expected


def test_has_electronic_result_with_only_one_column_is_not_reported(tmp_path: Path) -> None:
    (d,), report = read_one(tmp_path, "dossiers", lines(f"{DOSSIER_HEAD},MaKetQua",
                                                        "A,P,U,2025-04-03,KQ1"))
    assert d.has_electronic_result is None
    assert any("needs both MaKetQua and DuongDanTepTinKetQua" in n for n in report.notes)


# ---------------------------------------------------------------------------------------------
# rejections


def test_record_rule_violations_are_rejected_with_their_field(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD + ",NgayKetThucXuLy,NgayHenTra",
                 "A,P,U,2025-04-03 08:00,2025-04-02 10:00,",
                 "B,P,U,2025-04-03 08:00,,2025-04-01",
                 ",P,U,2025-04-03,,",
                 "D,P,U,,,")
    records, report = read_one(tmp_path, "dossiers", text)
    assert records == []
    a, b, c, d = report.rejections
    assert (a.line, a.field, a.value, a.column, a.record_id) == (
        2, "finished_at", "2025-04-02 10:00", "NgayKetThucXuLy", "A")
    assert "finished_at 2025-04-02T10:00:00 is before received_at" in a.reason
    assert "no dossier ends, or falls due, before it is received" in a.reason
    assert (b.line, b.field, b.value) == (3, "due_at", "2025-04-01")
    assert (c.line, c.field, c.value, c.record_id) == (4, "id", "", None)
    assert c.reason == "must be a non-empty string"
    assert (d.line, d.field, d.reason) == (5, "received_at",
                                           "a dossier needs received_at or submitted_at")
    assert_counts(report)


def test_unknown_procedure_and_unit_and_duplicates(tmp_path: Path) -> None:
    put(tmp_path, "units.csv", lines("MaDonVi,TenDonVi,CapDonVi,MaDonViCha",
                                     "T,Tỉnh,tỉnh,", "H1,Huyện 1,huyện,T", "H1,again,huyện,T",
                                     "X1,Xã,xã,H9"))
    put(tmp_path, "procedures.csv", lines("MaTTHC,ThoiHanGiaiQuyet", "P1,15 ngày làm việc"))
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P1,H1,2025-04-03", "B,P2,H1,2025-04-03",
                                        "C,P1,H2,2025-04-03", "A,P1,H1,2025-04-04"))
    ds = read_folder(tmp_path)
    assert [d.id for d in ds.dossiers] == ["A"]
    units, p2, h2, dup = ds.report.rejections
    assert (units.file, units.line, units.field, units.value) == ("units.csv", 4, "id", "H1")
    assert units.reason == "duplicate unit id 'H1': first seen on line 3"
    assert (p2.file, p2.line, p2.field, p2.value, p2.record_id) == (
        "dossiers.csv", 3, "procedure_code", "P2", "B")
    assert p2.reason == "unknown procedure code 'P2': not in the procedures file"
    assert (h2.line, h2.field, h2.value) == (4, "unit_id", "H2")
    assert h2.reason == "unknown unit id 'H2': not in the units file"
    assert (dup.line, dup.field, dup.value) == (5, "id", "A")
    assert dup.reason == "duplicate dossier id 'A': first seen on line 2"
    assert "units.csv: parent_id not in the file (treated as no parent by the tree): H9" in (
        ds.report.notes)
    assert ds.unit_ids() == ("T", "H1", "X1")
    assert ds.notes == ("no authorities file: a unit's authority is the procedures seen on its "
                        "dossiers, at the procedure's own online level",)
    assert_counts(ds.report)
    assert ds.report.files["dossiers.csv"].to_dict() == {"read": 4, "accepted": 1, "rejected": 3}


def test_a_rejected_first_row_still_makes_the_second_a_duplicate(tmp_path: Path) -> None:
    _, report = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD, "A,P,U,bad", "A,P,U,2025-04-03"))
    assert [(r.line, r.field) for r in report.rejections] == [(2, "received_at"), (3, "id")]
    assert report.rejections[1].reason == "duplicate dossier id 'A': first seen on line 2"


def test_supplements_attach_and_orphans_are_rejected(tmp_path: Path) -> None:
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P,U,2025-04-03 08:00",
                                        "B,P,U,2025-04-03 08:00", "C,P,U,bad"))
    put(tmp_path, "supplements.csv", lines(
        "MaHoSo,NgayYeuCauBoSung,NgayCongDanBoSung",
        "A,2025-04-05 09:00,2025-04-06 09:00",
        "A,2025-04-04 09:00,2025-04-04 15:00",
        "B,2025-04-02 09:00,",          # asked before the dossier was received
        "Z,2025-04-04 09:00,",          # no such dossier
        "C,2025-04-04 09:00,",          # its dossier is rejected
        "A,2025-04-05 09:00,2025-04-04 09:00",  # answered before asked
    ))
    ds = read_folder(tmp_path)
    (a,) = ds.dossiers
    assert a.supplements == (
        SupplementRequest(datetime(2025, 4, 4, 9), datetime(2025, 4, 4, 15)),
        SupplementRequest(datetime(2025, 4, 5, 9), datetime(2025, 4, 6, 9)),
    )
    by_place = {(r.file, r.line): r for r in ds.report.rejections}
    answered = by_place[("supplements.csv", 7)]
    assert (answered.field, answered.value) == ("supplied_at", "2025-04-04 09:00")
    assert "a supplement cannot be answered before it was asked" in answered.reason
    b = by_place[("dossiers.csv", 3)]
    assert (b.field, b.record_id) == ("supplements", "B")
    assert "no supplement is asked before the dossier is received" in b.reason
    assert by_place[("supplements.csv", 5)].reason == "no dossier 'Z' in dossiers.csv"
    assert by_place[("supplements.csv", 6)].reason == (
        "its dossier 'C' (dossiers.csv line 4) was rejected")
    assert by_place[("supplements.csv", 4)].reason == (
        "its dossier 'B' (dossiers.csv line 3) was rejected")
    assert ds.report.files["supplements.csv"].to_dict() == {"read": 6, "accepted": 2,
                                                           "rejected": 4}
    assert_counts(ds.report)


def test_strict_mode_raises_on_the_first_bad_row(tmp_path: Path) -> None:
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD + ",NgayKetThucXuLy",
                                        "A,P,U,2025-04-03,", "B,P,U,2025-04-03,yesterday",
                                        "C,P,U,bad,"))
    with pytest.raises(InputError) as info:
        read_folder(tmp_path, strict=True)
    err = info.value
    assert (err.file, err.line, err.field, err.value) == ("dossiers.csv", 3, "finished_at",
                                                          "yesterday")
    assert "dossiers.csv:3" in str(err)
    assert read_folder(tmp_path).report.rejected == 2


def test_strict_mode_also_raises_for_an_orphan_supplement(tmp_path: Path) -> None:
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P,U,2025-04-03"))
    put(tmp_path, "supplements.csv", lines("MaHoSo,NgayYeuCauBoSung", "Z,2025-04-04"))
    with pytest.raises(InputError, match="no dossier 'Z'"):
        read_folder(tmp_path, strict=True)


def test_other_kinds_check_units(tmp_path: Path) -> None:
    put(tmp_path, "units.csv", lines("id,name", "U,Unit"))
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P,U,2025-04-03"))
    put(tmp_path, "ratings.jsonl", lines(json.dumps({"MaHoSo": "A", "MaDonVi": "U", "DanhGia": 1}),
                                         json.dumps({"MaHoSo": "A", "MaDonVi": "V",
                                                     "DanhGia": "tốt"})))
    put(tmp_path, "communes.csv", lines("MaDonVi,ChungThucBanSaoDienTu", "U,1", "U,0", "V,1"))
    put(tmp_path, "postings.csv", lines("unit_id,period,complete", "U,2025-Q2,1", "U,2025-Q2,0"))
    ds = read_folder(tmp_path)
    got = sorted((r.file, r.line, r.field) for r in ds.report.rejections)
    assert got == [("communes.csv", 3, "unit_id"), ("communes.csv", 4, "unit_id"),
                   ("postings.csv", 3, "unit_id"), ("ratings.jsonl", 1, "rating"),
                   ("ratings.jsonl", 2, "unit_id")]
    assert [c.offers_electronic_certified_copy for c in ds.communes] == [True]
    assert_counts(ds.report)


def test_report_to_dict_is_json(tmp_path: Path) -> None:
    _, report = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD, "A,P,U,bad"))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["read"] == 1 and data["rejected"] == 1 and data["accepted"] == 0
    assert data["rejections"][0] == {"file": "dossiers.csv", "line": 2, "field": "received_at",
                                     "value": "bad", "reason": report.rejections[0].reason,
                                     "record_id": "A", "column": "NgayTiepNhan"}
    assert data["files"] == {"dossiers.csv": {"read": 1, "accepted": 0, "rejected": 1}}


# ---------------------------------------------------------------------------------------------
# junk


def test_binary_garbage_is_an_input_error(tmp_path: Path) -> None:
    path = put(tmp_path, "dossiers.csv", bytes(range(256)) * 20)
    with pytest.raises(InputError, match="NUL"):
        list(iter_records(path, "dossiers"))
    path = put(tmp_path, "more.csv", b"\xff\xfe\x80abc,def\n\x81\x82,\x83\n")
    with pytest.raises(InputError, match="not UTF-8"):
        list(iter_records(path, "dossiers"))


def test_utf16_is_an_input_error(tmp_path: Path) -> None:
    path = put(tmp_path, "dossiers.csv", (DOSSIER_HEAD + "\n").encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        list(iter_records(path, "dossiers"))


def test_a_line_that_is_not_utf8_is_rejected_alone(tmp_path: Path) -> None:
    data = (lines(DOSSIER_HEAD, "A,P,U,2025-04-03").encode() + b"B,P,Caf\xe9,2025-04-03\n"
            + b"C,P,U,2025-04-03\n")
    path = put(tmp_path, "raw.csv", data)
    builder = ReportBuilder()
    got = list(iter_records(path, "dossiers", report_builder=builder))
    assert [d.id for d in got] == ["A", "C"]
    r = only(builder.build())
    assert (r.line, r.field) == (3, None)
    assert "not UTF-8" in r.reason


def test_a_cell_too_large_for_csv_is_rejected_alone(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD, "A,P,U,2025-04-03", "B,P," + "x" * 200_000 + ",2025-04-03",
                 "C,P,U,2025-04-03")
    records, report = read_one(tmp_path, "dossiers", text)
    assert [d.id for d in records] == ["A", "C"]
    r = only(report)
    assert (r.line, r.field) == (3, None)
    assert r.reason.startswith("unreadable CSV row: field larger than field limit")


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    records, report = read_one(tmp_path, "dossiers", "")
    assert records == [] and report.notes == ("dossiers.csv: empty file",)
    assert report.files["dossiers.csv"].read == 0
    records, report = read_one(tmp_path, "dossiers", DOSSIER_HEAD + "\n")
    assert records == [] and report.read == 0 and report.notes == ()
    for name in ("dossiers.jsonl", "dossiers.json"):
        records, report = read_one(tmp_path, "dossiers", "  \n", name=name)
        assert records == [] and report.read == 0


def test_ragged_rows(tmp_path: Path) -> None:
    text = lines(DOSSIER_HEAD, "A,P,U", "B,P,U,2025-04-03,extra", "C,P,U,2025-04-03,,",
                 "D,P,U,2025-04-03", ",,,,,", "")
    records, report = read_one(tmp_path, "dossiers", text)
    assert [d.id for d in records] == ["C", "D"]
    short, long = report.rejections
    assert (short.line, short.field, short.value) == (2, None, "A,P,U")
    assert short.reason == "the row has 3 cells but the header has 4"
    assert (long.line, long.reason) == (3, "the row has 5 cells but the header has 4")
    assert report.notes == ("dossiers.csv: 1 empty row(s) skipped",)
    assert_counts(report)


def test_unreadable_json(tmp_path: Path) -> None:
    records, report = read_one(tmp_path, "dossiers", lines(
        '{"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "2025-04-03"}',
        '{"MaHoSo": "B", ', "[1, 2]", '"text"', '{"MaHoSo": {"x": 1}}'), name="dossiers.jsonl")
    assert [d.id for d in records] == ["A"]
    assert [(r.line, r.field) for r in report.rejections] == [(2, None), (3, None), (4, None),
                                                             (5, "id")]
    assert report.rejections[0].reason.startswith("not valid JSON")
    assert report.rejections[3].reason.startswith("expected text")
    _, report = read_one(tmp_path, "dossiers", "[" * 100_000 + "\n", name="deep.jsonl")
    assert only(report).reason.startswith("not valid JSON")
    for text, match in (("{not json", "not valid JSON"), ('{"a": 1}', "array of objects"),
                        ("[" * 100_000, "not valid JSON")):
        path = put(tmp_path, "x.json", text)
        with pytest.raises(InputError, match=match):
            list(iter_records(path, "dossiers"))


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=7), max_size=8),
       st.sampled_from([",", ";"]))
def test_junk_cells_never_crash(tmp_path: Path, rows: list[list[str]], sep: str) -> None:
    head = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "KenhThucHien", "DaDongBoDVCQG"]
    text = sep.join(head) + "\n" + "".join(
        sep.join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)
    path = put(tmp_path, "dossiers.csv", text)
    builder = ReportBuilder()
    try:
        list(iter_records(path, "dossiers", report_builder=builder))
    except InputError:
        return
    assert_counts(builder.build())


# ---------------------------------------------------------------------------------------------
# folders, streaming, datasets, writing


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        read_folder(tmp_path / "missing")
    put(tmp_path, "units.csv", "id\nU\n")
    with pytest.raises(InputError, match="no dossiers file") as info:
        read_folder(tmp_path)
    assert os.fspath(tmp_path) in str(info.value)
    put(tmp_path, "dossiers.csv", DOSSIER_HEAD + "\n")
    put(tmp_path, "Dossiers.jsonl", "")
    with pytest.raises(InputError, match="two files for dossiers"):
        read_folder(tmp_path)


def test_other_files_are_noted(tmp_path: Path) -> None:
    put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P,U,2025-04-03"))
    put(tmp_path, "README.txt", "hello")
    ds = read_folder(tmp_path)
    assert "ignored files that are not record files: README.txt" in ds.report.notes


def test_iter_records_streams(tmp_path: Path) -> None:
    rows = [f"D{i},P,U,2025-04-03" for i in range(5000)]
    path = put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, *rows, "bad,P,U,x"))
    builder = ReportBuilder()
    records = iter_records(path, "dossiers", report_builder=builder)
    first = next(records)
    assert first.id == "D0"
    records.close()  # stopping early still counts what was read
    assert builder.build().read >= 1
    assert_counts(builder.build())


def test_iter_records_arguments(tmp_path: Path) -> None:
    path = put(tmp_path, "dossiers.txt", lines(DOSSIER_HEAD, "A,P,U,2025-04-03"))
    with pytest.raises(InputError, match="cannot tell the format"):
        iter_records(path, "dossiers")
    assert [d.id for d in iter_records(path, "dossiers", format="csv")] == ["A"]
    with pytest.raises(PolicyError):
        iter_records(path, "dossier", format="csv")
    with pytest.raises(InputError, match="no such file"):
        iter_records(tmp_path / "nope.csv", "dossiers")


def test_iter_records_with_lookups(tmp_path: Path) -> None:
    path = put(tmp_path, "dossiers.csv", lines(DOSSIER_HEAD, "A,P,U,2025-04-03",
                                               "B,Q,U,2025-04-03", "C,P,V,2025-04-03"))
    sup = {"A": (SupplementRequest(datetime(2025, 4, 4)),)}
    builder = ReportBuilder()
    got = list(iter_records(path, "dossiers", report_builder=builder, procedures={"P"},
                            unit_ids={"U"}, supplements=sup))
    assert [(d.id, len(d.supplements)) for d in got] == [("A", 1)]
    assert [r.field for r in builder.build().rejections] == ["procedure_code", "unit_id"]


def test_dataset_from_records() -> None:
    d1 = Dossier("A", "P", "U1", received_at=datetime(2025, 4, 3))
    d2 = Dossier("B", "Q", "U2", received_at=datetime(2025, 4, 3))
    proc = Procedure("P", online_level=OnlineLevel.FULL)
    d3 = Dossier("C", "P", "U1", received_at=d1.received_at)
    ds = Dataset.from_records(dossiers=[d1, d2, d3], procedures=[proc])
    assert ds.procedures == {"P": proc}
    assert ds.unit_ids() == ("U1", "U2")
    assert ds.report.read == 0
    assert ds.notes[0] == "no units given: every unit id on the dossiers is a top-level unit"
    assert [(a.unit_id, a.procedure_code, a.online_level) for a in ds.effective_authorities()] == [
        ("U1", "P", OnlineLevel.FULL), ("U2", "Q", OnlineLevel.NONE)]
    with pytest.raises(RecordError, match="duplicate dossier id"):
        Dataset.from_records(dossiers=[d1, d1])
    with pytest.raises(RecordError, match="duplicate procedure code"):
        Dataset.from_records(procedures=[proc, proc])
    with pytest.raises(RecordError, match="must hold Unit records"):
        Dataset.from_records(units=[d1])  # type: ignore[list-item]
    with_units = Dataset.from_records(units=[Unit("X"), Unit("U1")], dossiers=[d1])
    assert with_units.unit_ids() == ("X", "U1")


def test_write_folder_round_trip_and_refusals(tmp_path: Path) -> None:
    put(tmp_path / "in", "dossiers.csv", lines(
        DOSSIER_HEAD + ",DaDongBoDVCQG,MaKetQua,DuongDanTepTinKetQua,NgayKetThucXuLy",
        "A,P,U,03/04/2025 08:15,1,K,f,04/04/2025", "B,P,U,2025-04-03,null,,,"))
    put(tmp_path / "in", "procedures.csv", lines("MaTTHC,ThoiHanGiaiQuyet,MucDo",
                                                 "P,0.5 ngày làm việc,Mức độ 4"))
    put(tmp_path / "in", "supplements.csv", lines("MaHoSo,NgayYeuCauBoSung", "A,2025-04-03 09:00"))
    ds = read_folder(tmp_path / "in")
    for fmt in ("csv", "jsonl"):
        out = write_folder(ds, tmp_path / fmt, format=fmt)
        back = read_folder(out)
        assert back.dossiers == ds.dossiers and back.procedures == ds.procedures
        assert back.report.rejected == 0
    assert (tmp_path / "csv" / "dossiers.csv").read_text().splitlines()[1].startswith("A,P,U,")
    with pytest.raises(InputError, match=r"already holds dossiers\.csv, procedures\.csv"):
        write_folder(ds, tmp_path / "csv", format="jsonl")
    write_folder(ds, tmp_path / "csv")  # the same files again: fine
    with pytest.raises(PolicyError):
        write_folder(ds, tmp_path / "x", format="xml")  # type: ignore[arg-type]


def test_every_column_has_a_converter() -> None:
    from chiso766.io.readers import _CONVERTERS

    for kind, fields in FIELDS.items():
        assert set(fields) == set(_CONVERTERS[kind]), kind


def test_unit_name_defaults(tmp_path: Path) -> None:
    (u,), _ = read_one(tmp_path, "units", lines("MaDonVi,TenDonVi", "U,"))
    assert u == Unit("U")


def test_decision_dates_are_dates(tmp_path: Path) -> None:
    text = lines("MaTTHC,MaDonVi,NgayQuyetDinh,NgayCongKhai", "P,U,2025-04-01,2025-04-02T08:00:00")
    (a,), _ = read_one(tmp_path, "announcements", text)
    assert (a.decision_date, a.published_at) == (date(2025, 4, 1), date(2025, 4, 2))


def test_time_of_day_is_kept(tmp_path: Path) -> None:
    (d,), _ = read_one(tmp_path, "dossiers", lines(DOSSIER_HEAD, "A,P,U,03/04/2025 23:59:59"))
    assert d.received_at is not None and d.received_at.time() == time(23, 59, 59)


@pytest.mark.parametrize("folder", ["province", "province-national", "messy"])
def test_each_code_many_rows_repeat_is_kept_once(folder: str, tmp_path: Path) -> None:
    """A unit, procedure or staff code read on many rows is one string in memory, not one a
    row (about 170 bytes a dossier at 1M rows), on the plain-row reader, the general one
    and JSON (``province-national``)."""
    from chiso766.io import read_folder

    root = Path(__file__).resolve().parents[1] / "examples" / folder
    data = read_folder(root)
    records = [*data.dossiers, *data.ratings, *data.petitions]
    assert len(data.dossiers) > 5
    for field in ("unit_id", "procedure_code", "staff_id"):
        values = [getattr(r, field) for r in records if getattr(r, field, None) is not None]
        assert len({id(x) for x in values}) == len(set(values)), field
    # A row the plain-row reader leaves to the general one ("n/a" for a due date: not
    # reported) shares the same copy.
    rows = (root / "dossiers.csv").read_text(encoding="utf-8").splitlines() \
        if (root / "dossiers.csv").exists() else []
    if rows:
        two_rows = tmp_path / "two"
        two_rows.mkdir()
        header, first = rows[:2]
        cells = first.split(",")
        (two_rows / "dossiers.csv").write_text(
            "\n".join([header, ",".join(cells), ",".join(
                "n/a" if n == 7 else c for n, c in enumerate(cells)).replace(
                cells[0], cells[0] + "-2", 1)]) + "\n", encoding="utf-8")
        two = read_folder(two_rows).dossiers
        assert len(two) == 2 and two[1].due_at is None
        assert two[0].unit_id is two[1].unit_id and two[0].procedure_code is two[1].procedure_code


def json_read_whole() -> Any:
    """A patch under which every ``.json`` array file is read whole (the reading that the block
    reading falls back to), to compare the two."""
    from unittest import mock

    from chiso766.io import readers

    def whole(f: Any) -> Any:
        raise readers._NotPlain
        yield  # a generator, as the real one

    return mock.patch.object(readers, "_json_stream", whole)


def test_a_json_array_file_is_read_in_flat_memory(tmp_path: Path) -> None:
    """A ``.json`` array of 20,000 dossiers (2.7 MB of text) is read a block at a time: the
    reader's peak allocation stays well under what the file read whole needs (its text, then
    every object at once), and does not grow with the text."""
    import tracemalloc

    row = {"MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "02/06/2025 08:00:00",
           "KenhThucHien": "2", "DaDongBoDVCQG": "1"}
    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps([{"MaHoSo": f"HS{i}", **row} for i in range(20_000)]),
                    encoding="utf-8")

    def peak_mib() -> float:
        tracemalloc.start()
        try:
            assert sum(1 for _ in iter_records(path, "dossiers")) == 20_000
            return tracemalloc.get_traced_memory()[1] / (1 << 20)
        finally:
            tracemalloc.stop()

    streamed = peak_mib()
    with json_read_whole():
        read_whole = peak_mib()
    # Measured: ~5 MiB a block at a time (the block, its text, the ids claimed), ~13 MiB whole.
    assert streamed < 8 < read_whole, (streamed, read_whole)
