"""Group 2 — Tiến độ, kết quả giải quyết (progress and results), 20 points: criteria 2.1 and
2.2 (docs/rules.md "Was a dossier handled on time?", "The criteria").

Source: QĐ 766/QĐ-TTg, Appendix, group 2; Decree 61/2018/NĐ-CP Art. 19; the portal's rule for
"tỷ lệ hồ sơ xử lý trước hạn, đúng hạn".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ..deadlines import processing_unit
from .base import IN_TIME, PENDING, Acc, Context, Count, DossierShape, Note, ProcedureMean, Verdict

__all__ = [
    "add_dossier",
    "add_processing_time",
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


#: acc.sums keys of 2.2: the unit's working days, and each procedure's time in its own unit
_DAYS = "AVERAGE_PROCESSING_TIME"
_OWN = "AVERAGE_PROCESSING_TIME/"


def add_processing_time(acc: Acc, code: str, days: int, value: Fraction | int,
                        dossiers: int = 1) -> None:
    """2.2: ``dossiers`` of procedure ``code`` took ``days`` working days in all, ``value`` in
    the unit of the procedure's time limit (see :func:`~chiso766.deadlines.processing_time`)."""
    for key, amount in ((_DAYS, days), (_OWN + code, value)):
        pair = acc.sums.get(key)
        if pair is None:
            pair = acc.sums[key] = [0, 0]
        pair[0] += amount
        pair[1] += dossiers


def dossier_on_time(acc: Acc, ctx: Context, units: Sequence[str],
                    done: Mapping[str, Count]) -> Count:
    """2.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn: dossiers EARLY, ON_TIME or PENDING_IN_TIME /
    the period's population — received in the period plus those received earlier that had not
    ended before it started (docs/rules.md "Was a dossier handled on time?"; QĐ 766 group 2.1; NĐ
    61/2018 Art. 19)."""
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


_UNIT_NAMES = {
    "working_days": ("ngày làm việc", "working days"),
    "calendar_days": ("ngày", "calendar days"),
    "working_hours": ("giờ làm việc", "working hours"),
    "months": ("tháng", "months"),
}
#: Procedures named in 2.2's note (all of them are in ``Count.by_procedure``).
_SHOWN = 5


def average_processing_time(acc: Acc, ctx: Context, units: Sequence[str],
                            done: Mapping[str, Count]) -> Count:
    """2.2 Thời gian giải quyết TTHC trung bình (analysis only; QĐ 766 group 2.2 "theo từng
    TTHC"; docs/rules.md "2.2"): over dossiers received in the period (``received_at``) and
    finished or returned by the evaluation moment (stopped ones left out), the end minus the
    receipt minus the applicant's supplement time. Per procedure (``Count.by_procedure``) in
    the unit of its time limit; the unit's figure, n/d, in working days."""
    total, k = acc.sums.get(_DAYS, (0, 0))
    mean = Fraction(total, k) if k else None
    by_procedure = []
    for key, (value, n) in sorted(acc.sums.items()):
        if key.startswith(_OWN) and n:
            code = key[len(_OWN):]
            proc = ctx.procedures.get(code)
            by_procedure.append(ProcedureMean(
                code, processing_unit(proc.time_limit if proc is not None else None),
                Fraction(value), n))
    notes: list[Note] = []
    if mean is not None:
        notes.append(Note(f"bình quân {float(mean):.2f} ngày làm việc/hồ sơ (đơn vị: ngày làm "
                          "việc)",
                          f"mean {float(mean):.2f} working days per dossier (unit: working "
                          "days)"))
        parts_vi, parts_en = [], []
        for pm in by_procedure[:_SHOWN]:
            vi, en = _UNIT_NAMES[pm.unit]
            parts_vi.append(f"{pm.code}: {float(pm.mean):.2f} {vi} ({pm.dossiers} hồ sơ)")
            parts_en.append(f"{pm.code}: {float(pm.mean):.2f} {en} ({pm.dossiers} dossiers)")
        more = len(by_procedure) - _SHOWN
        if more > 0:
            parts_vi.append(f"và {more} TTHC khác")
            parts_en.append(f"and {more} more procedures")
        notes.append(Note("theo TTHC, đơn vị của thời hạn giải quyết: " + "; ".join(parts_vi),
                          "per procedure, in its time limit's unit: " + "; ".join(parts_en)))
    return Count(total, k, ratio=mean, ratio_given=True, notes=tuple(notes),
                 by_procedure=tuple(by_procedure))
