"""Group 4 — Số hóa hồ sơ (digitization), 22 points: criteria 4.1–4.6 (docs/rules.md "The
criteria").

Source: QĐ 766/QĐ-TTg, Appendix, group 4; Decree 45/2020/NĐ-CP (electronic results, electronic
certified copies); Decree 107/2021/NĐ-CP Art. 1.13 (digitizing dossiers and results); Project 06
(QĐ 06/QĐ-TTg, population data); the portal's technical description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..records import Commune
from .base import Acc, Context, Count, DossierShape, Note, Verdict, authority_with, flag_notes

__all__ = [
    "add_commune",
    "add_dossier",
    "citizen_data_connected_dossier",
    "citizen_data_connected_formality",
    "electronic_certified_copy",
    "formality_count",
    "original_result_available",
    "procedure_marks",
    "reused_digitized_data",
    "so_hoa_giay_to_giai_quyet",
    "synced_with_personal_storage",
]


def _flag(acc: Acc, code: str, value: bool | None, ident: str | None) -> None:
    if value is None:
        acc.missing(code)
    acc.count(code, value is True, ident)


def add_dossier(acc: Acc, s: DossierShape, ident: str | None) -> None:
    """4.1–4.4 and 4.5b count the dossiers of the period's population **P** (received in the
    period plus carried over, docs/rules.md "Was a dossier handled on time?" — docs/rules.md
    "Populations"), judged on a due date or
    not: the portal's five group-4 denominators are one number, P. 4.1 also keeps the count
    limited to procedures requiring a paper result, for policy ``paper_result_filter``."""
    if s.verdict == Verdict.OUT:
        return
    paper = s.paper
    _flag(acc, "ORIGINAL_RESULT_AVAILABLE", s.electronic_result, ident)
    if paper is True:
        _flag(acc, _PAPER_ONLY, s.electronic_result, ident)
    elif paper is None:
        acc.missing("ORIGINAL_RESULT_AVAILABLE_PROC")
    digitized = s.digitized
    result_ok: bool | None = True if paper is False else (
        s.electronic_result if paper is True else None)
    if digitized is None or result_ok is None:
        acc.missing("SO_HOA_GIAY_TO_GIAI_QUYET")
    acc.count("SO_HOA_GIAY_TO_GIAI_QUYET", digitized is True and result_ok is True, ident)
    _flag(acc, "REUSED_DIGITIZED_DATA", s.reuses, ident)
    _flag(acc, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", s.personal_store, ident)
    _flag(acc, "CITIZEN_DATA_CONNECTED_DOSSIER", _population(s), ident)


def _population(s: DossierShape) -> bool | None:
    """4.5b: population data — a VNeID-authenticated account or a ``MaCSDL`` naming the
    population database (``uses_population_data``), or a component taken from the personal data
    store (``uses_personal_data_store``, ``DuocLayTuKhoDMQG``) (docs/rules.md "The criteria" 4.5b
    r2). Not reported
    when neither says yes and the first is not reported."""
    if s.population is True or s.personal_store is True:
        return True
    return s.population


#: 4.1 counted over procedures requiring a paper result only (policy ``paper_result_filter``).
_PAPER_ONLY = "ORIGINAL_RESULT_AVAILABLE_PAPER"


def procedure_marks(s: DossierShape) -> tuple[str, ...]:
    """4.5a: the procedure had a dossier of the period's population P using population data."""
    return ("population",) if s.verdict != Verdict.OUT and _population(s) is True else ()


def add_commune(acc: Acc, c: Commune, ctx: Context) -> None:
    acc.count("ELECTRONIC_CERTIFIED_COPY", c.offers_electronic_certified_copy,
              c.unit_id if ctx.keep_ids else None)


def _dossier_ratio(acc: Acc, code: str, field: str) -> Count:
    n, d = acc.pair(code)
    notes, no_data = flag_notes(acc, code, d, field)
    num_ids, den_ids = acc.id_lists(code)
    return Count(n, d, notes=notes, no_data=no_data, numerator_ids=num_ids,
                 denominator_ids=den_ids)


def original_result_available(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """4.1 Tỷ lệ hồ sơ có cấp kết quả điện tử: dossiers of the period's population P with an
    electronic result (``MaKetQua`` + ``DuongDanTepTinKetQua``) / P (QĐ 766 group 4.1;
    NĐ 45/2020; docs/rules.md "4.1"). Policy ``paper_result_filter``: both sides limited to
    procedures requiring a paper result, the technical description's reading; the portal's
    published counts follow the unfiltered default."""
    if not ctx.counting.paper_result_filter:
        return _dossier_ratio(acc, "ORIGINAL_RESULT_AVAILABLE", "has_electronic_result")
    n, d = acc.pair(_PAPER_ONLY)
    notes, no_data = flag_notes(acc, _PAPER_ONLY, d, "has_electronic_result")
    num_ids, den_ids = acc.id_lists(_PAPER_ONLY)
    unknown = acc.unreported.get("ORIGINAL_RESULT_AVAILABLE_PROC", 0)
    if unknown:
        notes += (Note(f"{unknown} hồ sơ thuộc TTHC không rõ có yêu cầu kết quả bản giấy "
                       "(không tính)",
                       f"{unknown} dossiers of procedures without requires_paper_result "
                       "(left out)"),)
    notes += (Note("chỉ tính TTHC yêu cầu kết quả bản giấy (paper_result_filter)",
                   "only procedures requiring a paper result (paper_result_filter)"),)
    return Count(n, d, notes=notes, no_data=no_data, numerator_ids=num_ids,
                 denominator_ids=den_ids)


def so_hoa_giay_to_giai_quyet(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """4.2 Tỷ lệ hồ sơ số hóa: dossiers of the period's population P whose components are
    digitized and, when a paper result is required, that have an electronic result / P; linear,
    as the portal publishes (QĐ 766 group 4.2; NĐ 107/2021 Art. 1.13; docs/rules.md "4.2")."""
    return _dossier_ratio(acc, "SO_HOA_GIAY_TO_GIAI_QUYET",
                          "components_digitized/has_electronic_result")


def reused_digitized_data(acc: Acc, ctx: Context, units: Sequence[str],
                          done: Mapping[str, Count]) -> Count:
    """4.3 Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa: dossiers of P re-using digitized data
    (``HoSoCoThanhPhanSoHoa``, or a ``TaiLieuNop[].DuocSoHoa``) / P; threshold 0.8
    (QĐ 766 group 4.3; docs/rules.md "4.3")."""
    return _dossier_ratio(acc, "REUSED_DIGITIZED_DATA", "reuses_digitized_data")


def synced_with_personal_storage(acc: Acc, ctx: Context, units: Sequence[str],
                                 done: Mapping[str, Count]) -> Count:
    """4.4 Tỷ lệ hồ sơ kết nối kho dữ liệu cá nhân trên Cổng DVCQG: dossiers of P with a
    component taken from the personal data store (``DuocLayTuKhoDMQG``) or the e-result synced
    to it / P (QĐ 766 group 4.4; docs/rules.md "4.4")."""
    return _dossier_ratio(acc, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "uses_personal_data_store")


def formality_count(acc: Acc, ctx: Context, authority: Iterable[str] | None = None) -> Count:
    """4.5a over ``authority`` (default: the unit's own, pooled over its subtree): procedures
    for individuals with a dossier of P using population data / procedures for individuals."""
    if not ctx.authorities_given:
        # docs/rules.md "The criteria" 4.5a: the procedures seen on dossiers are not the unit's
        # authority.
        return Count(0, 0, no_data=True, notes=(Note(
            "không có dữ liệu: cần tệp thẩm quyền (authorities) — các TTHC có hồ sơ không phải "
            "là thẩm quyền của đơn vị",
            "no data: needs an authorities file — the procedures seen on dossiers are not the "
            "unit's authority"),))
    individual, missing = authority_with(acc, ctx, "for_individuals", authority)
    used = individual & acc.proc_set("population")
    notes: tuple[Note, ...] = ()
    none = not individual and missing > 0
    if missing:
        notes = (Note(("không có dữ liệu: " if none else "")
                      + f"{missing} TTHC không rõ đối tượng cá nhân (for_individuals)",
                      ("no data: " if none else "")
                      + f"{missing} procedures do not report for_individuals"),)
    keep = ctx.keep_ids
    return Count(len(used), len(individual), notes=notes, no_data=none,
                 numerator_ids=tuple(sorted(used)) if keep else None,
                 denominator_ids=tuple(sorted(individual)) if keep else None)


def citizen_data_connected_formality(acc: Acc, ctx: Context, units: Sequence[str],
                                     done: Mapping[str, Count]) -> Count:
    """4.5a Tỷ lệ TTHC ứng dụng dữ liệu dân cư: procedures for individuals within the unit's
    authority with at least one dossier of P using population data / procedures whose
    applicants include individuals (QĐ 766 group 4.5; Project 06; docs/rules.md "4.5a").
    A department counts its own authority, a province the distinct union of its subtree; a
    commune the commune-level catalogue, which the scoring step passes to
    :func:`formality_count`."""
    return formality_count(acc, ctx)


def citizen_data_connected_dossier(acc: Acc, ctx: Context, units: Sequence[str],
                                   done: Mapping[str, Count]) -> Count:
    """4.5b Tỷ lệ hồ sơ ứng dụng dữ liệu dân cư, VNeID: dossiers of P using population data
    (``TaiKhoanDuocXacThucVoiVNeID``, a ``DuocLayTuKhoDMQG`` component, or ``MaCSDL`` naming the
    population database) / P (QĐ 766 group 4.5; Project 06; docs/rules.md "4.5b")."""
    return _dossier_ratio(acc, "CITIZEN_DATA_CONNECTED_DOSSIER", "uses_population_data")


def electronic_certified_copy(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """4.6 Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử (QĐ 766 group 4.6; NĐ 45/2020
    Art. 5; docs/rules.md "4.6"). Policy ``certified_copy``: ``"portal"`` (default) — no counts
    and full points on every unit, as the portal publishes (its description has no 4.6);
    ``"computed"`` — communes offering electronic certified copies / communes under the unit,
    no communes → not applicable = full points."""
    if ctx.counting.certified_copy == "portal":
        return Count(0, 0, counted=False, notes=(Note(
            "đạt tối đa như Cổng DVCQG hiển thị (Cổng không công bố tử số, mẫu số)",
            "full points, as the national portal shows it (it publishes no numerator or "
            "denominator)"),))
    n, d = acc.pair("ELECTRONIC_CERTIFIED_COPY")
    notes: tuple[Note, ...] = ()
    if d == 0:
        notes = (Note("không áp dụng: đơn vị không có cấp xã", "not applicable: no communes"),)
    num_ids, den_ids = acc.id_lists("ELECTRONIC_CERTIFIED_COPY")
    return Count(n, d, notes=notes, numerator_ids=num_ids, denominator_ids=den_ids)
