"""Excel workbook (the form provincial offices pass around): one sheet per level — overview,
units, criteria, flagged dossiers, and the HCM index when computed. Numbers are stored as
numbers; headers are Vietnamese by default.

Needs the optional extra ``excel`` (openpyxl), imported only when a workbook is written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError
from .json_report import number

if TYPE_CHECKING:
    from ..scoring import Scorecard

__all__ = ["render_xlsx"]

_H = {
    "vi": {
        "overview": "Tổng quan", "units": "Đơn vị", "criteria": "Tiêu chí",
        "audit": "Hồ sơ bất thường", "hcm": "Chỉ số hài lòng",
        "overview_head": ("Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Tối đa", "Xếp loại"),
        "units_head": ("Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cha"),
        "criteria_head": ("Mã đơn vị", "Nhóm", "Phần", "Mã tiêu chí", "Số", "Tên tiêu chí",
                          "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Tối đa", "Ghi chú"),
        "audit_head": ("Mã hồ sơ", "Mã đơn vị", "Mã TTHC", "Tiếp nhận", "Hẹn trả (ghi nhận)",
                       "Hạn theo quy định", "Số ngày làm việc chênh", "Kết thúc", "Nhận xét"),
        "hcm_head": ("Mã đơn vị", "Tên đơn vị", "A", "B", "C", "D", "E", "K", "Kết luận",
                     "Trễ 1–5 ngày làm việc"),
    },
    "en": {
        "overview": "Overview", "units": "Units", "criteria": "Criteria",
        "audit": "Flagged dossiers", "hcm": "HCM index",
        "overview_head": ("Unit id", "Unit name", "Total", "Max", "Band"),
        "units_head": ("Unit id", "Unit name", "Level", "Parent"),
        "criteria_head": ("Unit id", "Group", "Part", "Criterion code", "Number", "Name",
                          "Numerator", "Denominator", "Ratio (%)", "Points", "Max", "Notes"),
        "audit_head": ("Dossier", "Unit id", "Procedure", "Received", "Recorded due",
                       "Statutory due", "Working days later", "Ended", "Findings"),
        "hcm_head": ("Unit id", "Unit name", "A", "B", "C", "D", "E", "K", "Verdict",
                     "Late 1–5 working days"),
    },
}


def _n(value: Decimal | Fraction | int | None) -> float | int | None:
    return number(value)


def render_xlsx(
    card: Scorecard,
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    hcm: Any = None,
) -> bytes:
    """The workbook as bytes (write them to a ``.xlsx`` file)."""
    try:
        import openpyxl
        from openpyxl.styles import Font
    except ImportError:
        raise PolicyError("Excel output needs openpyxl: pip install 'chiso766[excel]'",
                          record="xlsx", field="format", value="xlsx") from None
    h: dict[str, Any] = _H[lang]
    chosen = list(units) if units is not None else list(card.units)
    book = openpyxl.Workbook()
    bold = Font(bold=True)

    def sheet(title: str, head: Sequence[str], first: bool = False) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(list(head))
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        return ws

    groups = [g for g in card.rules.groups]
    ws = sheet(h["overview"], (*h["overview_head"],
                               *((g.name_en if lang == "en" else g.name_vi) for g in groups)),
               first=True)
    for uid in chosen:
        u = card.units[uid]
        band = u.band.value if lang == "en" else u.band.label_vi
        ws.append([u.unit_id, u.name, _n(u.total), _n(u.max_total), band,
                   *(_n(u.groups[g.code].points) for g in groups)])

    ws = sheet(h["units"], h["units_head"])
    for uid in chosen:
        u = card.units[uid]
        ws.append([u.unit_id, u.name, u.level.value if u.level else None, u.parent_id])

    ws = sheet(h["criteria"], h["criteria_head"])
    for uid in chosen:
        u = card.units[uid]
        for code, r in u.criteria.items():
            c = r.criterion
            ratio = r.ratio if code == "AVERAGE_PROCESSING_TIME" else r.percent
            ws.append([uid, c.group, c.part, code, c.number,
                       c.name_en if lang == "en" else c.name_vi, _n(r.numerator),
                       _n(r.denominator), _n(ratio), _n(r.points),
                       _n(c.max_points) if c.scored else None,
                       "; ".join(n.text(lang) for n in r.notes) or None])

    if audits is not None:
        ws = sheet(h["audit"], h["audit_head"])
        for d, a in audits:
            ws.append([d.id, d.unit_id, d.procedure_code, d.receipt, a.recorded_due_at,
                       a.statutory_due_at, a.extra_working_days, a.end_at,
                       "; ".join(a.messages)])

    if hcm is not None:
        ws = sheet(h["hcm"], h["hcm_head"])
        for u in hcm.to_dict().get("units", []):
            ws.append([u.get("unit_id"), u.get("name"), *(u.get(p) for p in "ABCDEK"),
                       u.get("verdict"), u.get("late_within_5_working_days")])

    for ws in book.worksheets:
        for column in ws.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
