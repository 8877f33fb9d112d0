"""Group 3 — Cung cấp dịch vụ trực tuyến (online services), 22 points = online services 12
(3.1–3.3) + online payment 10 (3.4–3.6) (docs/rules.md "The criteria").

Source: QĐ 766/QĐ-TTg, Appendix, group 3; Decree 42/2022/NĐ-CP Art. 11 (online levels); the
portal's technical description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from ..records import OnlineLevel
from .base import Acc, Context, Count, DossierShape, Note, authority_with, flag_notes

__all__ = [
    "add_dossier",
    "online_dossiers",
    "online_paid_dossiers",
    "online_payment_procedures",
    "online_service_procedures",
    "online_services_with_dossiers",
    "payment_integrated_procedures",
    "procedure_marks",
]


def add_dossier(acc: Acc, s: DossierShape, ident: str | None) -> None:
    """3.3 and 3.6: a dossier received in the period."""
    if not s.received:
        return
    online = s.online
    if online:
        acc.bump("online_dossiers")
    # 3.3: online, and for procedures requiring a paper result, with an electronic result.
    paper = s.paper
    if paper is None and online:
        acc.missing("ONLINE_DOSSIERS")
    hit = online and (paper is False or (paper is True and s.electronic_result is True))
    acc.count("ONLINE_DOSSIERS", hit, ident)
    # 3.6: dossiers of fee-charging procedures, minus those whose fees are all 0 (no non-zero fee
    # list: has_fee_data is False).
    fee = s.fee
    if fee is None:
        acc.missing("ONLINE_PAID_DOSSIERS_PROC")
    elif fee and s.fee_data is not False:
        if s.paid is None:
            acc.missing("ONLINE_PAID_DOSSIERS")
        acc.count("ONLINE_PAID_DOSSIERS", s.paid is not None and s.paid > 0, ident)


def procedure_marks(s: DossierShape) -> tuple[str, ...]:
    """The per-procedure sets a dossier puts its procedure in: 3.4 over dossiers received in
    the period (``received_at``); 3.2 and 3.5 over those received, or — with no receipt —
    submitted in it (docs/rules.md "Populations")."""
    if not s.submitted:
        return ()
    marks = ["submitted"]
    if s.online:
        marks.append("online_dossier")
    if s.fee_data is not None:
        marks.append("fee_data_reported")
        if s.fee_data:
            marks.append("fee_data")
    if s.received:
        marks.append("received")
        if s.paid is not None:
            marks.append("paid_reported")
            if s.paid > 0:
                marks.append("paid")
    return tuple(marks)


def _fallback_note(ctx: Context) -> tuple[Note, ...]:
    if ctx.authorities_given:
        return ()
    return (Note("không có tệp thẩm quyền: dùng các TTHC có hồ sơ của đơn vị",
                 "no authorities file: the unit's procedures are those seen on its dossiers"),)


def _counted(ctx: Context, num: Iterable[str], den: Iterable[str],
             notes: tuple[Note, ...]) -> Count:
    """A count of distinct procedures, with their codes when explanations are asked for."""
    numerator = sorted(num)
    denominator = sorted(den)
    keep = ctx.keep_ids
    return Count(len(numerator), len(denominator), notes=notes,
                 numerator_ids=tuple(numerator) if keep else None,
                 denominator_ids=tuple(denominator) if keep else None)


def online_service_procedures(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """3.1 Tỷ lệ TTHC cung cấp DVCTT: procedures offering a partial or full online service /
    procedures within the unit's authority, each counted once at its highest level; threshold
    0.8 (QĐ 766 group 3.1; NĐ 42/2022 Art. 11)."""
    levels = acc.authority
    online = [c for c, lvl in levels.items() if lvl >= OnlineLevel.PARTIAL]
    return _counted(ctx, online, levels, _fallback_note(ctx))


def online_services_with_dossiers(acc: Acc, ctx: Context, units: Sequence[str],
                                  done: Mapping[str, Count]) -> Count:
    """3.2 Tỷ lệ DVCTT có phát sinh hồ sơ: online services with at least one online dossier
    received in the period (by ``received_at``, else ``submitted_at``) / online services
    (QĐ 766 group 3.2)."""
    services = {c for c, lvl in acc.authority.items() if lvl >= OnlineLevel.PARTIAL}
    used = services & acc.proc_set("online_dossier")
    return _counted(ctx, used, services, _fallback_note(ctx))


def online_dossiers(acc: Acc, ctx: Context, units: Sequence[str],
                    done: Mapping[str, Count]) -> Count:
    """3.3 Tỷ lệ hồ sơ trực tuyến: dossiers received in the period with channel ONLINE (and,
    for procedures requiring a paper result, with an electronic result) / dossiers received in
    the period, × the sync ratio of 1.4 when 1.4 has one; threshold 0.5 (QĐ 766 group 3.3)."""
    n, d = acc.pair("ONLINE_DOSSIERS")
    # Only online dossiers need requires_paper_result: "no data" when none of them has it.
    notes, no_data = flag_notes(acc, "ONLINE_DOSSIERS", acc.misc.get("online_dossiers", 0),
                                "requires_paper_result")
    num_ids, den_ids = acc.id_lists("ONLINE_DOSSIERS")
    sync = done.get("DOSSIER_SYNC")
    sync_ratio = sync.effective_ratio if sync is not None else None
    if sync_ratio is not None and d:
        notes = notes + (Note(f"nhân với tỷ lệ đồng bộ 1.4 ({float(sync_ratio) * 100:.2f}%)",
                              f"multiplied by the 1.4 sync ratio "
                              f"({float(sync_ratio) * 100:.2f}%)"),)
    return Count(n, d, factor=sync_ratio, notes=notes, no_data=no_data,
                 numerator_ids=num_ids, denominator_ids=den_ids)


def _fee_procedures(acc: Acc, ctx: Context) -> tuple[set[str], int]:
    return authority_with(acc, ctx, "has_fee")


def _fee_note(missing: int) -> tuple[Note, ...]:
    if not missing:
        return ()
    return (Note(f"{missing} TTHC không có thông tin phí, lệ phí (has_fee)",
                 f"{missing} procedures do not report has_fee"),)


def _fee_count(acc: Acc, ctx: Context, hit_key: str, field: str) -> Count:
    """3.4 / 3.5: fee-charging procedures with a dossier received in the period that ``hit_key``
    / fee-charging procedures. No data — not the d = 0 rule's 0 — when no procedure reports
    has_fee, or when the period's dossiers of fee-charging procedures all leave ``field``
    unreported."""
    fee, missing = _fee_procedures(acc, ctx)
    hit = fee & acc.proc_set(hit_key)
    notes = _fee_note(missing) + _fallback_note(ctx)
    count = _counted(ctx, hit, fee, notes)
    seen = fee & acc.proc_set("received" if hit_key == "paid" else "submitted")
    reported = fee & acc.proc_set(f"{hit_key}_reported")
    if (not fee and missing) or (seen and not reported):
        note = Note(f"không có dữ liệu: không hồ sơ nào có trường {field}"
                    if fee else "không có dữ liệu: không TTHC nào có thông tin phí (has_fee)",
                    f"no data: no dossier reports {field}"
                    if fee else "no data: no procedure reports has_fee")
        return attrs.evolve(count, notes=(note, *notes), no_data=True)
    return count


def online_payment_procedures(acc: Acc, ctx: Context, units: Sequence[str],
                              done: Mapping[str, Count]) -> Count:
    """3.4 Tỷ lệ TTHC có giao dịch thanh toán trực tuyến: fee-charging procedures with at least
    one dossier paid online in the period / fee-charging procedures; threshold 0.8; d = 0 → 0
    (QĐ 766 group 3.4)."""
    return _fee_count(acc, ctx, "paid", "paid_online")


def payment_integrated_procedures(acc: Acc, ctx: Context, units: Sequence[str],
                                  done: Mapping[str, Count]) -> Count:
    """3.5 Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến: fee-charging
    procedures whose dossiers received in the period (by ``received_at``, else
    ``submitted_at``) carry fee data / fee-charging procedures; threshold
    0.8; d = 0 → 0 (QĐ 766 group 3.5)."""
    return _fee_count(acc, ctx, "fee_data", "has_fee_data")


def online_paid_dossiers(acc: Acc, ctx: Context, units: Sequence[str],
                         done: Mapping[str, Count]) -> Count:
    """3.6 Tỷ lệ hồ sơ thanh toán trực tuyến: dossiers received in the period paid online /
    dossiers of fee-charging procedures, minus those whose fees are all 0; d = 0 → 0
    (QĐ 766 group 3.6)."""
    n, d = acc.pair("ONLINE_PAID_DOSSIERS")
    notes, no_data = flag_notes(acc, "ONLINE_PAID_DOSSIERS", d, "paid_online")
    proc_missing = acc.unreported.get("ONLINE_PAID_DOSSIERS_PROC", 0)
    if proc_missing:
        # Every dossier's procedure leaving has_fee unreported is no data, not a silent 0.
        none = d == 0
        notes = (*notes, Note(("không có dữ liệu: " if none else "")
                              + f"{proc_missing} hồ sơ thuộc TTHC không có thông tin phí "
                              "(không tính)",
                              ("no data: " if none else "")
                              + f"{proc_missing} dossiers of procedures without has_fee "
                              "(left out)"))
        no_data = no_data or none
    num_ids, den_ids = acc.id_lists("ONLINE_PAID_DOSSIERS")
    return Count(n, d, notes=notes, no_data=no_data, numerator_ids=num_ids,
                 denominator_ids=den_ids)
