"""Column names the readers accept for each record kind (docs/inputs.md).

Each field lists its English name first, then the national sync names (Cổng DVCQG / hệ thống
một cửa) it may appear under. Matching is case- and accent-insensitive and ignores spaces,
underscores and hyphens (see :func:`fold_name`).
"""

from __future__ import annotations

import unicodedata

from ..errors import PolicyError

__all__ = ["FIELDS", "KINDS", "fold_name"]

#: record kind → field → accepted column names (English first).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "id": ("id", "MaDonVi", "unit_id", "MaCoQuan"),
        "name": ("name", "TenDonVi", "TenCoQuan"),
        "level": ("level", "CapDonVi", "Cap"),
        "parent_id": ("parent_id", "MaDonViCha", "MaCoQuanCha"),
    },
    "procedures": {
        "code": ("code", "MaTTHC", "procedure_code", "MaThuTuc"),
        "name": ("name", "TenTTHC", "TenThuTuc"),
        "time_limit": ("time_limit", "ThoiHanGiaiQuyet"),
        "time_limit_unit": ("time_limit_unit", "DonViTinh"),
        "online_level": ("online_level", "MucDoDVCTT", "MucDo"),
        "has_fee": ("has_fee", "CoPhiLePhi"),
        "requires_paper_result": ("requires_paper_result", "YeuCauKetQuaBanGiay"),
        "for_individuals": ("for_individuals", "DoiTuongCaNhan"),
        "published": ("published", "DaCongKhai"),
        "complete_elements": ("complete_elements", "DayDuBoPhanTTHC"),
    },
    "authorities": {
        "unit_id": ("unit_id", "MaDonVi"),
        "procedure_code": ("procedure_code", "MaTTHC"),
        "online_level": ("online_level", "MucDoDVCTT", "MucDo"),
    },
    "dossiers": {
        "id": ("id", "MaHoSo", "dossier_id"),
        "procedure_code": ("procedure_code", "MaTTHC"),
        "unit_id": ("unit_id", "MaDonVi", "MaCoQuan"),
        "staff_id": ("staff_id", "MaCanBo", "MaCanBoXuLy"),
        "channel": ("channel", "KenhThucHien"),
        "submitted_at": ("submitted_at", "NgayNopHoSo"),
        "received_at": ("received_at", "NgayTiepNhan"),
        "due_at": ("due_at", "NgayHenTra"),
        "finished_at": ("finished_at", "NgayKetThucXuLy"),
        "returned_at": ("returned_at", "NgayTra"),
        "stopped_at": ("stopped_at", "NgayDungXuLy", "NgayTuChoi"),
        "new_due_at": ("new_due_at", "NgayHenTraMoi"),
        "synced_to_portal": ("synced_to_portal", "DaDongBoDVCQG"),
        "submitted_via_portal": ("submitted_via_portal", "NopQuaDVCQG"),
        "has_fee_data": ("has_fee_data", "CoDuLieuPhiLePhi"),
        "paid_online": ("paid_online", "DuocThanhToanTrucTuyen"),
        "has_electronic_result": ("has_electronic_result", "CoKetQuaDienTu"),
        # Together they make has_electronic_result (docs/glossary.md: MaKetQua +
        # DuongDanTepTinKetQua).
        "result_code": ("MaKetQua",),
        "result_file": ("DuongDanTepTinKetQua",),
        "components_digitized": ("components_digitized", "ThanhPhanCoTepDinhKem"),
        "reuses_digitized_data": ("reuses_digitized_data", "HoSoCoThanhPhanSoHoa", "DuocSoHoa"),
        "uses_personal_data_store": ("uses_personal_data_store", "DuocLayTuKhoDMQG"),
        "uses_population_data": ("uses_population_data", "TaiKhoanDuocXacThucVoiVNeID"),
        # docs/inputs.md r2: the dossier's own processing time, never the procedure's limit.
        "processing_time": ("processing_time", "ThoiGianGiaiQuyet"),
    },
    "supplements": {
        "dossier_id": ("dossier_id", "MaHoSo"),
        "requested_at": ("requested_at", "NgayYeuCauBoSung"),
        "supplied_at": ("supplied_at", "NgayCongDanBoSung"),
    },
    "petitions": {
        "id": ("id", "MaPAKN"),
        "unit_id": ("unit_id", "MaDonVi"),
        "dossier_id": ("dossier_id", "MaHoSo"),
        "classification": ("classification", "PhanLoai"),
        "received_at": ("received_at", "NgayTiepNhan"),
        "transferred_at": ("transferred_at", "NgayChuyen"),
        "refused_at": ("refused_at", "NgayTuChoi"),
        "supplement_requested_at": ("supplement_requested_at", "NgayYeuCauBoSung"),
        "ready_at": ("ready_at", "NgayChoCongKhai"),
        "published_at": ("published_at", "NgayCongKhai"),
        "likes": ("likes", "LuotThich"),
        "dislikes": ("dislikes", "LuotKhongThich"),
        "followed_by_complaint": ("followed_by_complaint", "CoKhieuNaiTiep"),
        # docs/inputs.md r2. No national sample names these columns: "Ngày gửi PAKN" written as the
        # sync names are (docs/inputs.md).
        "sent_at": ("sent_at", "NgayGuiPAKN", "NgayGui"),
        "awaiting_since": ("awaiting_since", "NgayChoTiepNhan"),
    },
    "ratings": {
        "dossier_id": ("dossier_id", "MaHoSo"),
        "unit_id": ("unit_id", "MaDonVi"),
        "staff_id": ("staff_id", "MaCanBo"),
        "rated_at": ("rated_at", "NgayDanhGia"),
        "rating": ("rating", "KetQuaDanhGia", "DanhGia"),
    },
    "announcements": {
        "procedure_code": ("procedure_code", "MaTTHC"),
        "unit_id": ("unit_id", "MaDonVi"),
        "decision_no": ("decision_no", "SoQuyetDinh"),
        "decision_date": ("decision_date", "NgayQuyetDinh"),
        "kind": ("kind", "LoaiCongBo"),
        "legal_basis_effective_date": ("legal_basis_effective_date", "NgayHieuLucVanBan"),
        "published_at": ("published_at", "NgayCongKhai"),
        "authority_level": ("authority_level", "CapCongBo"),
    },
    "communes": {
        "unit_id": ("unit_id", "MaDonVi"),
        "offers_electronic_certified_copy": (
            "offers_electronic_certified_copy", "ChungThucBanSaoDienTu",
        ),
    },
    "postings": {
        "unit_id": ("unit_id", "MaDonVi"),
        "period": ("period", "Ky", "KyDanhGia"),
        "complete": ("complete", "DayDu", "CongKhaiDayDu"),
    },
}

#: The record kinds, in the order a folder is read (lookups before the records that use them).
KINDS: tuple[str, ...] = (
    "units",
    "procedures",
    "authorities",
    "communes",
    "supplements",
    "dossiers",
    "petitions",
    "ratings",
    "announcements",
    "postings",
)


#: Names folded lately: a JSON file repeats its keys on every object (the national reader
#: folds each key of each object), so a bounded memo pays for itself; emptied when full, as
#: :mod:`.values` keeps its moments.
_FOLDED: dict[str, str] = {}
_FOLDED_SIZE = 4096


def fold_name(name: str) -> str:
    """``"Ngày_Tiếp Nhận"`` → ``"ngaytiepnhan"``: lower case, no accents, no separators."""
    if type(name) is not str:
        if not isinstance(name, str):
            raise PolicyError("must be a column name (text)", record="fold_name", field="name",
                              value=name)
        return _fold(name)  # a str subclass: decided each time
    folded = _FOLDED.get(name)
    if folded is None:
        folded = _fold(name)
        if len(_FOLDED) >= _FOLDED_SIZE:
            _FOLDED.clear()
        _FOLDED[name] = folded
    return folded


def _fold(name: str) -> str:
    text = name.strip().lstrip("\ufeff").lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
    return "".join(c for c in text if c.isalnum())
