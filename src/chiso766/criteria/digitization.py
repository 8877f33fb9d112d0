"""Group 4 — Số hóa hồ sơ (digitization), 22 points: criteria 4.1–4.6 (SPEC §5).

Source: QĐ 766/QĐ-TTg, Appendix, group 4; Decree 45/2020/NĐ-CP (electronic results, electronic
certified copies); Decree 107/2021/NĐ-CP Art. 1.13 (digitizing dossiers and results); Project 06
(QĐ 06/QĐ-TTg, population data); the portal's technical description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..records import Commune
from .base import Acc, Context, Count, DossierShape, Note, authority_with, flag_notes

__all__ = [
    "add_commune",
    "add_dossier",
    "citizen_data_connected_dossier",
    "citizen_data_connected_formality",
    "electronic_certified_copy",
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
    """4.1 and 4.2 count dossiers that got their result in the period (an electronic result
    exists only once a dossier is resolved); 4.3–4.5 count dossiers received in the period."""
    paper = s.paper
    if s.resolved:
        if paper is True:
            _flag(acc, "ORIGINAL_RESULT_AVAILABLE", s.electronic_result, ident)
        elif paper is None:
            acc.missing("ORIGINAL_RESULT_AVAILABLE_PROC")
        digitized = s.digitized
        result_ok: bool | None = True if paper is False else (
            s.electronic_result if paper is True else None)
        if digitized is None or result_ok is None:
            acc.missing("SO_HOA_GIAY_TO_GIAI_QUYET")
        acc.count("SO_HOA_GIAY_TO_GIAI_QUYET", digitized is True and result_ok is True, ident)
    if s.received:
        _flag(acc, "REUSED_DIGITIZED_DATA", s.reuses, ident)
        _flag(acc, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", s.personal_store, ident)
        _flag(acc, "CITIZEN_DATA_CONNECTED_DOSSIER", s.population, ident)


def procedure_marks(s: DossierShape) -> tuple[str, ...]:
    """4.5a: the procedure had a dossier received in the period using population data."""
    return ("population",) if s.received and s.population is True else ()


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
    """4.1 Tỷ lệ hồ sơ có cấp kết quả điện tử: dossiers of procedures requiring a paper result
    that have an electronic result / dossiers of such procedures, resolved in the period
    (QĐ 766 group 4.1; NĐ 45/2020)."""
    count = _dossier_ratio(acc, "ORIGINAL_RESULT_AVAILABLE", "has_electronic_result")
    unknown = acc.unreported.get("ORIGINAL_RESULT_AVAILABLE_PROC", 0)
    if unknown:
        note = Note(f"{unknown} hồ sơ thuộc TTHC không rõ có yêu cầu kết quả bản giấy (không tính)",
                    f"{unknown} dossiers of procedures without requires_paper_result (left out)")
        return Count(count.numerator, count.denominator, notes=count.notes + (note,),
                     no_data=count.no_data, numerator_ids=count.numerator_ids,
                     denominator_ids=count.denominator_ids)
    return count


def so_hoa_giay_to_giai_quyet(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """4.2 Tỷ lệ hồ sơ số hóa: dossiers resolved in the period whose components are digitized
    and, when a paper result is required, that have an electronic result / dossiers
    (QĐ 766 group 4.2; NĐ 107/2021 Art. 1.13)."""
    return _dossier_ratio(acc, "SO_HOA_GIAY_TO_GIAI_QUYET",
                          "components_digitized/has_electronic_result")


def reused_digitized_data(acc: Acc, ctx: Context, units: Sequence[str],
                          done: Mapping[str, Count]) -> Count:
    """4.3 Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa: dossiers received in the period re-using
    digitized data / dossiers received in the period; threshold 0.8 (QĐ 766 group 4.3)."""
    return _dossier_ratio(acc, "REUSED_DIGITIZED_DATA", "reuses_digitized_data")


def synced_with_personal_storage(acc: Acc, ctx: Context, units: Sequence[str],
                                 done: Mapping[str, Count]) -> Count:
    """4.4 Tỷ lệ hồ sơ kết nối kho dữ liệu cá nhân trên Cổng DVCQG: dossiers received in the
    period using the personal data store / dossiers received in the period (QĐ 766 group 4.4)."""
    return _dossier_ratio(acc, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "uses_personal_data_store")


def citizen_data_connected_formality(acc: Acc, ctx: Context, units: Sequence[str],
                                     done: Mapping[str, Count]) -> Count:
    """4.5a Tỷ lệ TTHC ứng dụng dữ liệu dân cư: procedures for individuals (within the unit's
    authority) with at least one dossier received in the period using population data /
    procedures whose applicants include individuals (QĐ 766 group 4.5; Project 06)."""
    individual, missing = authority_with(acc, ctx, "for_individuals")
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


def citizen_data_connected_dossier(acc: Acc, ctx: Context, units: Sequence[str],
                                   done: Mapping[str, Count]) -> Count:
    """4.5b Tỷ lệ hồ sơ ứng dụng dữ liệu dân cư, VNeID: dossiers received in the period using
    population data / dossiers received in the period (QĐ 766 group 4.5; Project 06)."""
    return _dossier_ratio(acc, "CITIZEN_DATA_CONNECTED_DOSSIER", "uses_population_data")


def electronic_certified_copy(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """4.6 Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử: communes offering electronic
    certified copies / communes under the unit; no communes → not applicable = full points, as
    the portal shows (QĐ 766 group 4.6; NĐ 45/2020 Art. 5)."""
    n, d = acc.pair("ELECTRONIC_CERTIFIED_COPY")
    notes: tuple[Note, ...] = ()
    if d == 0:
        notes = (Note("không áp dụng: đơn vị không có cấp xã", "not applicable: no communes"),)
    num_ids, den_ids = acc.id_lists("ELECTRONIC_CERTIFIED_COPY")
    return Count(n, d, notes=notes, numerator_ids=num_ids, denominator_ids=den_ids)
