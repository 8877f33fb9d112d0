"""Group 2 — Tiến độ, kết quả giải quyết (progress and results), 20 points: criteria 2.1 and
2.2 (SPEC §4, §5).

Source: QĐ 766/QĐ-TTg, Appendix, group 2; Decree 61/2018/NĐ-CP Art. 19; the portal's rule for
"tỷ lệ hồ sơ xử lý trước hạn, đúng hạn".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .base import IN_TIME, PENDING, Acc, Context, Count, DossierShape, Note, Verdict

__all__ = [
    "add_dossier",
    "add_processing_days",
    "average_processing_time",
    "dossier_on_time",
]


def add_dossier(acc: Acc, s: DossierShape, ident: str | None) -> None:
    """Count one dossier of the period's population for 2.1 (the processing time of 2.2 is
    summed by the tally, it is not part of a shape)."""
    verdict = s.verdict
    if verdict == Verdict.UNCLASSIFIED:
        acc.bump("unclassified")
        if ident is not None:
            acc.ids.setdefault("unclassified", ([], []))[1].append(ident)
    elif verdict != Verdict.OUT:
        acc.count("DOSSIER_ON_TIME", verdict in IN_TIME, ident)
        if verdict in PENDING:
            acc.bump("pending")


def add_processing_days(acc: Acc, days: int, dossiers: int = 1) -> None:
    """2.2: ``days`` working days (receipt to result, never negative) over ``dossiers``
    resolved in the period."""
    pair = acc.sums.get("AVERAGE_PROCESSING_TIME")
    if pair is None:
        pair = acc.sums["AVERAGE_PROCESSING_TIME"] = [0, 0]
    pair[0] += days
    pair[1] += dossiers


def dossier_on_time(acc: Acc, ctx: Context, units: Sequence[str],
                    done: Mapping[str, Count]) -> Count:
    """2.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn: dossiers EARLY, ON_TIME or PENDING_IN_TIME /
    the period's population — received in the period plus those received earlier that had not
    ended before it started (SPEC §4; QĐ 766 group 2.1; NĐ 61/2018 Art. 19)."""
    n, d = acc.pair("DOSSIER_ON_TIME")
    notes: list[Note] = []
    skipped = acc.misc.get("unclassified", 0)
    if skipped:
        none = "không có dữ liệu: " if d == 0 else ""
        none_en = "no data: " if d == 0 else ""
        notes.append(Note(
            f"{none}{skipped} hồ sơ không xác định được hạn (không có NgayHenTra và thời hạn "
            "giải quyết) — không tính",
            f"{none_en}{skipped} dossiers have no due date (no NgayHenTra and no time limit) — "
            "left out",
        ))
    pending = acc.misc.get("pending", 0)
    if pending:
        notes.append(Note(f"gồm {pending} hồ sơ đang xử lý tại thời điểm đánh giá",
                          f"includes {pending} dossiers still in progress at the evaluation "
                          "moment"))
    num_ids, den_ids = acc.id_lists("DOSSIER_ON_TIME")
    # Every dossier of the population left out for lack of a due date: no data, not the d = 0
    # rule's 0 (that is for a unit with no dossiers at all).
    return Count(n, d, notes=tuple(notes), no_data=d == 0 and skipped > 0,
                 numerator_ids=num_ids, denominator_ids=den_ids)


def average_processing_time(acc: Acc, ctx: Context, units: Sequence[str],
                            done: Mapping[str, Count]) -> Count:
    """2.2 Thời gian giải quyết TTHC trung bình (analysis only): working days from receipt to
    finishing, summed over dossiers finished in the period / their number."""
    total, k = acc.sums.get("AVERAGE_PROCESSING_TIME", (0, 0))
    mean = Fraction(total, k) if k else None
    notes: tuple[Note, ...] = ()
    if mean is not None:
        notes = (Note(f"bình quân {float(mean):.2f} ngày làm việc/hồ sơ",
                      f"mean {float(mean):.2f} working days per dossier"),)
    return Count(total, k, ratio=mean, ratio_given=True, notes=notes)
