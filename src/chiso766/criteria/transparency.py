"""Group 1 — Công khai, minh bạch (transparency), 18 points: criteria 1.1–1.4 (docs/rules.md "The
criteria").

Source: QĐ 766/QĐ-TTg, Appendix, group 1; the portal's technical description of each criterion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from ..records import Announcement, UnitLevel
from .base import Acc, Context, Count, DossierShape, Note, flag_notes

__all__ = [
    "add_announcement",
    "add_dossier",
    "dossier_sync",
    "public_content_full",
    "public_update_on_time",
    "publish_on_time",
]

#: Working days between the announcement decision and the legal basis taking effect:
#: Decree 63/2010/NĐ-CP Art. 15 as amended by Decree 92/2017/NĐ-CP (ministries 20, provinces 5).
ANNOUNCE_LEAD = {UnitLevel.MINISTRY: 20, UnitLevel.PROVINCE: 5}
#: Working days from the decision to publication in the national database: Circular
#: 02/2017/TT-VPCP (ministries 10, provinces 5).
PUBLISH_LAG = {UnitLevel.MINISTRY: 10, UnitLevel.PROVINCE: 5}


def add_announcement(acc: Acc, a: Announcement, ctx: Context) -> None:
    """Count one announcement decision for 1.1 and 1.2."""
    cal = ctx.calendar
    period = ctx.period
    today = ctx.as_of.date()
    if a.decision_date > today:
        return
    if period.contains(a.decision_date):
        # 1.1: decision date ≤ (legal basis effective date − 20 / 5 working days).
        if a.legal_basis_effective_date is None:
            acc.missing("PUBLISH_ON_TIME")
            ok = False
        else:
            latest = cal.add_working_days(a.legal_basis_effective_date,
                                          -ANNOUNCE_LEAD[a.authority_level])
            ok = a.decision_date <= latest
        acc.flag("PUBLISH_ON_TIME", a.procedure_code, ok)
        # Whether every announcement of the procedure lacks the date (no data at all).
        acc.flag("PUBLISH_ON_TIME_UNREPORTED", a.procedure_code,
                 a.legal_basis_effective_date is None)
    # 1.2: published within 10 / 5 working days of the decision. The population is the
    # procedures announced in the period plus those whose publication fell due in it and had not
    # been published before it started.
    deadline = cal.add_working_days(a.decision_date, PUBLISH_LAG[a.authority_level])
    published = a.published_at if a.published_at is not None and a.published_at <= today \
        else None
    due_in_period = (
        a.decision_date < period.start
        and period.contains(deadline)
        and (published is None or published >= period.start)
    )
    if period.contains(a.decision_date) or due_in_period:
        if published is not None:
            ok = published <= deadline
        else:
            ok = today <= deadline  # not published yet, but still in time
        acc.flag("PUBLIC_UPDATE_ON_TIME", a.procedure_code, ok)


def add_dossier(acc: Acc, s: DossierShape, ident: str | None) -> None:
    """1.4: a dossier received in the period, synced to the national portal or not."""
    if s.received:
        if s.synced is None:
            acc.missing("DOSSIER_SYNC")
        acc.count("DOSSIER_SYNC", s.synced is True, ident)


def _flags(acc: Acc, key: str, ctx: Context) -> Count:
    table = acc.flags.get(key, {})
    n = sum(1 for ok in table.values() if ok)
    if not ctx.keep_ids:
        return Count(n, len(table))
    return Count(n, len(table), numerator_ids=tuple(sorted(c for c, ok in table.items() if ok)),
                 denominator_ids=tuple(sorted(table)))


def publish_on_time(acc: Acc, ctx: Context, units: Sequence[str],
                    done: Mapping[str, Count]) -> Count:
    """1.1 Tỷ lệ TTHC công bố đúng hạn: distinct procedures in announcements whose decision date
    is in the period; on time when the decision is dated at least 20 (ministry) / 5 (province)
    working days before the latest legal basis takes effect; a procedure announced several
    times is late if any announcement was (QĐ 766 group 1.1; NĐ 63/2010 Art. 15)."""
    count = _flags(acc, "PUBLISH_ON_TIME", ctx)
    missing = acc.unreported.get("PUBLISH_ON_TIME", 0)
    if not missing:
        return count
    unreported = acc.flags.get("PUBLISH_ON_TIME_UNREPORTED", {})
    if unreported and all(unreported.values()):
        # No announcement in the period gives the date: no data, never a silent 0.
        note = Note("không có dữ liệu: không quyết định công bố nào có ngày hiệu lực của văn bản "
                    "QPPL", "no data: no announcement reports legal_basis_effective_date")
        return attrs.evolve(count, notes=(*count.notes, note), no_data=True)
    note = Note(f"{missing} quyết định công bố không có ngày hiệu lực của văn bản QPPL "
                "(tính là không đúng hạn)",
                f"{missing} announcements lack the legal basis effective date (counted as "
                "late)")
    return attrs.evolve(count, notes=(*count.notes, note))


def public_update_on_time(acc: Acc, ctx: Context, units: Sequence[str],
                          done: Mapping[str, Count]) -> Count:
    """1.2 Tỷ lệ TTHC được cập nhật, công khai đúng hạn: published in the national database
    within 10 (ministry) / 5 (province) working days of the decision (QĐ 766 group 1.2;
    TT 02/2017/TT-VPCP). A procedure not yet published whose deadline has not passed is in time."""
    return _flags(acc, "PUBLIC_UPDATE_ON_TIME", ctx)


def public_content_full(acc: Acc, ctx: Context, units: Sequence[str],
                        done: Mapping[str, Count]) -> Count:
    """1.3 Tỷ lệ TTHC công khai đầy đủ: published procedures of the unit's authority showing all
    7 elements of NĐ 63/2010 Art. 8.2 / published procedures. A snapshot, not period-bound."""
    n = d = 0
    missing = 0
    num_ids: list[str] = []
    den_ids: list[str] = []
    for code in acc.authority:
        proc = ctx.procedures.get(code)
        if proc is None or proc.published is None:
            missing += 1
            continue
        if not proc.published:
            continue
        d += 1
        den_ids.append(code)
        if proc.complete_elements is None:
            missing += 1
        elif proc.complete_elements:
            n += 1
            num_ids.append(code)
    notes: tuple[Note, ...] = ()
    # No data when no procedure of the denominator reports complete_elements (or none reports
    # whether it is published): never a silent 0.
    no_data = missing > 0 and (d == 0 or not any(
        ctx.procedures[c].complete_elements is not None for c in den_ids))
    if no_data:
        notes = (Note("không có dữ liệu: không TTHC nào có thông tin công khai/đầy đủ bộ phận",
                      "no data: no procedure reports published/complete_elements"),)
    elif missing:
        notes = (Note(f"{missing} TTHC thiếu thông tin công khai/đầy đủ bộ phận "
                      "(tính là không đạt)",
                      f"{missing} procedures lack published/complete_elements (counted as not "
                      "meeting the criterion)"),)
    return Count(n, d, notes=notes, no_data=no_data,
                 numerator_ids=tuple(sorted(num_ids)) if ctx.keep_ids else None,
                 denominator_ids=tuple(sorted(den_ids)) if ctx.keep_ids else None)


def dossier_sync(acc: Acc, ctx: Context, units: Sequence[str],
                 done: Mapping[str, Count]) -> Count:
    """1.4 Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG: dossiers received in the period that were synced
    / max(received per the unit's system, per the national reporting system when given); when
    both are 0 and last year's total is given, that total ÷ 12 (month), ÷ 4 (quarter), ÷ 1
    (year) (QĐ 766 group 1.4; portal technical description)."""
    n, d_own = acc.pair("DOSSIER_SYNC")
    # A unit's subtree is scanned only when the optional figures were given: on a deep unit tree
    # the scan per unit is quadratic (issue 18, item 8), and most folders have no such figures.
    reported = ([ctx.reported_received[u] for u in units if u in ctx.reported_received]
                if ctx.reported_received else [])
    notes: list[Note] = []
    denominator: int | Fraction = d_own
    if reported and sum(reported) > d_own:
        denominator = sum(reported)
        notes.append(Note(f"mẫu số theo hệ thống báo cáo quốc gia: {denominator} hồ sơ",
                          f"denominator from the national reporting system: {denominator}"))
    if denominator == 0:
        last = ([ctx.last_year_totals[u] for u in units if u in ctx.last_year_totals]
                if ctx.last_year_totals else [])
        if last and sum(last) > 0:
            denominator = sum(last) * ctx.period.share_of_year()
            notes.append(Note(f"không có hồ sơ trong kỳ: mẫu số = tổng năm trước {sum(last)} "
                              f"× {ctx.period.share_of_year()}",
                              f"no dossiers in the period: denominator = last year's total "
                              f"{sum(last)} × {ctx.period.share_of_year()}"))
    flag, no_data = flag_notes(acc, "DOSSIER_SYNC", d_own, "synced_to_portal")
    num_ids, den_ids = acc.id_lists("DOSSIER_SYNC")
    return Count(n, denominator, notes=tuple(notes) + flag, no_data=no_data,
                 numerator_ids=num_ids, denominator_ids=den_ids)

