"""Excel workbook (the form provincial offices pass around): one sheet per level — overview,
units, criteria, flagged dossiers, the HCM index when computed — and an information sheet
(rule set, period, evaluation moment, library version, input counts). Numbers are stored as
numbers with a display format (``0.00``, ``0.00%``), dates as dates; every table has a filter
and a frozen header row; unit names stand beside unit codes; headers and labels are Vietnamese
by default (English with ``lang="en"``).

Text from the input is always stored as text, never as a formula, and text that a spreadsheet
would read as one is quoted (:func:`chiso766.reports.text.xlsx_text`). The same input gives a
byte-identical file: the workbook's created/modified properties and the zip entries' times are
the evaluation moment, not the clock (:func:`workbook_bytes`).

Needs the optional extra ``excel`` (openpyxl), imported only when a workbook is written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError
from .fmt import note_text
from .json_report import number
from .text import xlsx_text

if TYPE_CHECKING:
    from ..scoring import Scorecard

__all__ = ["FIXED_MOMENT", "render_xlsx", "workbook_bytes"]

#: The time written into a workbook that has no evaluation moment (zip times start in 1980).
FIXED_MOMENT = datetime(2000, 1, 1)

_POINTS = "0.00"
_PERCENT = "0.00%"
_WHOLE = "0"
_MOMENT = "dd/mm/yyyy hh:mm"

_H: dict[str, dict[str, Any]] = {
    "vi": {
        "overview": "Tổng quan", "units": "Đơn vị", "criteria": "Tiêu chí",
        "audit": "Hồ sơ bất thường", "hcm": "Chỉ số hài lòng", "info": "Thông tin",
        "overview_head": ("Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Tối đa", "Xếp loại"),
        "units_head": ("Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cha", "Tên đơn vị cha"),
        "criteria_head": ("Mã đơn vị", "Tên đơn vị", "Nhóm", "Phần", "Số", "Tên tiêu chí",
                          "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa", "Ghi chú",
                          "Mã tiêu chí"),
        "audit_head": ("Mã hồ sơ", "Mã đơn vị", "Tên đơn vị", "Mã TTHC", "Tiếp nhận",
                       "Hẹn trả (ghi nhận)", "Hạn theo quy định", "Số ngày làm việc chênh",
                       "Kết thúc", "Trong kỳ", "Nhận xét"),
        "hcm_head": ("Mã đơn vị", "Tên đơn vị", "A", "B", "C", "D", "E", "K", "Kết luận",
                     "Trễ 1–5 ngày làm việc"),
        "levels": {"MINISTRY": "Bộ, ngành", "PROVINCE": "Tỉnh", "DEPARTMENT": "Sở, ngành",
                   "DISTRICT": "Huyện", "COMMUNE": "Xã"},
        "info_rows": {
            "report": ("Báo cáo", "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"),
            "ruleset": "Bộ quy tắc", "period": "Kỳ đánh giá", "start": "Từ ngày",
            "end": "Đến ngày", "as_of": "Thời điểm đánh giá", "version": "Phiên bản chiso766",
            "read": "Số dòng đọc", "accepted": "Số dòng nhận", "rejected": "Số dòng bị loại",
            "units": "Số đơn vị trong báo cáo", "audit": "Hồ sơ bất thường liệt kê",
            "audit_what": "hồ sơ của kỳ (tiếp nhận trong kỳ hoặc tồn từ kỳ trước, như mẫu số "
                          "tiêu chí 2.1) có ngày hẹn trả muộn hơn hạn theo quy định hoặc "
                          "không ghi nhận",
            "in_period": "tiếp nhận trong kỳ", "carried": "tồn từ kỳ trước",
            "lang": "Ngôn ngữ", "hcm": "Chỉ số hài lòng QĐ 104/2024/QĐ-UBND: chính sách",
        },
        "placement": {"in": "tiếp nhận trong kỳ", "before": "tồn từ kỳ trước",
                      "after": "tiếp nhận sau kỳ"},
    },
    "en": {
        "overview": "Overview", "units": "Units", "criteria": "Criteria",
        "audit": "Flagged dossiers", "hcm": "HCM index", "info": "Information",
        "overview_head": ("Unit id", "Unit name", "Total", "Max", "Band"),
        "units_head": ("Unit id", "Unit name", "Level", "Parent id", "Parent name"),
        "criteria_head": ("Unit id", "Unit name", "Group", "Part", "Number", "Criterion",
                          "Numerator", "Denominator", "Ratio", "Points", "Max", "Notes",
                          "Criterion code"),
        "audit_head": ("Dossier", "Unit id", "Unit name", "Procedure", "Received",
                       "Recorded due", "Statutory due", "Working days later", "Ended",
                       "In the period", "Findings"),
        "hcm_head": ("Unit id", "Unit name", "A", "B", "C", "D", "E", "K", "Verdict",
                     "Late 1–5 working days"),
        "levels": {"MINISTRY": "Ministry", "PROVINCE": "Province", "DEPARTMENT": "Department",
                   "DISTRICT": "District", "COMMUNE": "Commune"},
        "info_rows": {
            "report": ("Report", "Public service index (Decision 766/QĐ-TTg)"),
            "ruleset": "Rule set", "period": "Period", "start": "From", "end": "To",
            "as_of": "Evaluated at", "version": "chiso766 version", "read": "Rows read",
            "accepted": "Rows accepted", "rejected": "Rows rejected",
            "units": "Units in the report", "audit": "Flagged dossiers listed",
            "audit_what": "the period's dossiers (received in it or carried over, criterion "
                          "2.1's population) whose recorded due date is later than the "
                          "statutory one, or missing",
            "in_period": "received in the period", "carried": "carried over",
            "lang": "Language", "hcm": "HCMC Decision 104/2024 index: policy",
        },
        "placement": {"in": "received in the period", "before": "carried over",
                      "after": "received after the period"},
    },
}


def _n(value: Decimal | Fraction | int | None) -> float | int | None:
    return number(value)


def _text(value: Any) -> Any:
    """A cell value: text from anywhere made safe (see :mod:`chiso766.reports.text`), numbers,
    dates and ``None`` as they are."""
    return xlsx_text(value) if isinstance(value, str) else value


class _FixedZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one time (so that the bytes do not depend on the
    clock)."""

    def __init__(self, file: Any, moment: datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._moment = (max(moment.year, 1980), moment.month, moment.day, moment.hour,
                        moment.minute, moment.second)

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zinfo_or_arcname
            info.date_time = self._moment
        else:
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._moment)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
        super().writestr(info, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        # openpyxl writes each worksheet through a temporary file, whose time would be taken
        with open(filename, "rb") as fh:
            data = fh.read()
        self.writestr(arcname if arcname is not None else filename, data, compress_type,
                      compresslevel)


def workbook_bytes(book: Any, moment: datetime | None = None) -> bytes:
    """The ``.xlsx`` bytes of an openpyxl workbook, the same for the same content: the
    document's created and modified times and every zip entry's time are ``moment`` (the
    evaluation moment, Vietnam time, written as UTC in the document properties), or
    :data:`FIXED_MOMENT` when there is none — never the clock."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    if not isinstance(book, Workbook):
        raise PolicyError("must be an openpyxl Workbook", record="workbook_bytes", field="book",
                          value=book)
    if moment is not None and not isinstance(moment, datetime):
        raise PolicyError("must be a datetime or None", record="workbook_bytes",
                          field="moment", value=moment)
    local = moment if moment is not None else FIXED_MOMENT
    local = local.replace(tzinfo=None, microsecond=0)
    utc = local - timedelta(hours=7) if moment is not None else local
    book.properties.created = utc
    book.properties.modified = utc
    book.properties.creator = "chiso766"
    buf = io.BytesIO()
    ExcelWriter(book, _FixedZip(buf, local)).save()
    return buf.getvalue()


def new_sheet(book: Any, title: str, head: Sequence[str], first: bool = False) -> Any:
    """A sheet with a bold, frozen header row."""
    from openpyxl.styles import Font

    ws = book.active if first else book.create_sheet()
    ws.title = title
    ws.append([_text(h) for h in head])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    return ws


def add_row(ws: Any, values: Sequence[Any], formats: dict[int, str] | None = None) -> None:
    """Append a row: text as text (never a formula), numbers as numbers with the display
    format of their column (``formats``: 0-based column → number format)."""
    ws.append([_text(v) for v in values])
    row = ws.max_row
    for i, value in enumerate(values):
        cell = ws.cell(row=row, column=i + 1)
        if isinstance(value, str):
            cell.data_type = "s"
        elif formats and i in formats and value is not None:
            cell.number_format = formats[i]


def finish(book: Any, tables: Sequence[Any]) -> None:
    """Filters on the tables, and column widths from their content."""
    for ws in tables:
        if ws.max_row >= 1:
            ws.auto_filter.ref = ws.dimensions
    for ws in book.worksheets:
        for column in ws.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))


def load_openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise PolicyError("Excel output needs openpyxl: pip install 'chiso766[excel]'",
                          record="xlsx", field="format", value="xlsx") from None
    return openpyxl


def _ratio(value: Fraction | Decimal | None) -> float | None:
    """A percentage (2 decimals, × 100) as the 0–1 number Excel's ``0.00%`` shows."""
    if value is None:
        return None
    return float(Decimal(str(value)) / 100)


def render_xlsx(
    card: Scorecard,
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    hcm: Any = None,
) -> bytes:
    """The workbook as bytes (write them to a ``.xlsx`` file)."""
    openpyxl = load_openpyxl()
    from .._version import __version__
    from .flagged import placement

    h: dict[str, Any] = _H["en" if lang == "en" else "vi"]
    chosen = list(units) if units is not None else list(card.units)
    book = openpyxl.Workbook()
    tables = []

    def name_of(uid: str | None) -> str | None:
        if uid is None:
            return None
        u = card.units.get(uid)
        return None if u is None else u.name

    groups = [g for g in card.rules.groups]
    ws = new_sheet(book, h["overview"], (*h["overview_head"],
                   *((g.name_en if lang == "en" else g.name_vi) for g in groups)), first=True)
    fmts = {2: _POINTS, 3: _WHOLE, **{5 + i: _POINTS for i in range(len(groups))}}
    for uid in chosen:
        u = card.units[uid]
        add_row(ws, [u.unit_id, u.name, _n(u.total), _n(u.max_total), u.band.label(lang),
                     *(_n(u.groups[g.code].points) for g in groups)], fmts)
    tables.append(ws)

    ws = new_sheet(book, h["units"], h["units_head"])
    for uid in chosen:
        u = card.units[uid]
        add_row(ws, [u.unit_id, u.name, h["levels"][u.level.value] if u.level else None,
                     u.parent_id, name_of(u.parent_id)])
    tables.append(ws)

    ws = new_sheet(book, h["criteria"], h["criteria_head"])
    group_names = {g.code: (g.name_en if lang == "en" else g.name_vi) for g in groups}
    part_names = {p.code: (p.name_en if lang == "en" else p.name_vi)
                  for g in groups for p in g.parts}
    for uid in chosen:
        u = card.units[uid]
        for code, r in u.criteria.items():
            c = r.criterion
            days = code == "AVERAGE_PROCESSING_TIME"
            ratio = _n(r.ratio) if days else _ratio(r.percent)
            add_row(ws, [uid, u.name, group_names.get(c.group, c.group),
                         part_names.get(c.part, c.part) if c.part else None, c.number,
                         c.name_en if lang == "en" else c.name_vi, _n(r.shown_numerator),
                         _n(r.shown_denominator), ratio, _n(r.points),
                         _n(c.max_points) if c.scored else None,
                         "; ".join(note_text(n, lang) for n in r.notes) or None, code],
                    {8: _POINTS if days else _PERCENT, 9: _POINTS, 10: _WHOLE})
    tables.append(ws)

    listed = None
    if audits is not None:
        ws = new_sheet(book, h["audit"], h["audit_head"])
        listed = {"in": 0, "before": 0, "after": 0}
        for d, a in audits:
            where = "in" if card.period is None else placement(d, card.period)
            listed[where] += 1
            add_row(ws, [d.id, d.unit_id, name_of(d.unit_id), d.procedure_code, d.receipt,
                         a.recorded_due_at, a.statutory_due_at, a.extra_working_days,
                         a.end_at, h["placement"][where], "; ".join(a.texts(lang))],
                    {4: _MOMENT, 5: _MOMENT, 6: _MOMENT, 7: _WHOLE, 8: _MOMENT})
        tables.append(ws)

    if hcm is not None:
        ws = new_sheet(book, h["hcm"], h["hcm_head"])
        for uid in hcm.units if units is None else [u for u in chosen if u in hcm.units]:
            r = hcm.units[uid]
            comb = r.combined
            add_row(ws, [uid, r.name, *(_n(r.parts[p].rounded) for p in "ABCDE"),
                         _n(comb.rounded), None if comb.verdict is None
                         else comb.verdict.label(lang), r.late_within_5_working_days],
                    {**{i: _POINTS for i in range(2, 8)}, 9: _WHOLE})
        tables.append(ws)

    info = h["info_rows"]
    ws = new_sheet(book, h["info"], (info["report"][0], info["report"][1]))
    rep = card.input
    rows: list[tuple[str, Any, str | None]] = [
        (info["ruleset"], card.rules.name, None),
        (info["period"], None if card.period is None else card.period.label, None),
        (info["start"], None if card.period is None
         else datetime.combine(card.period.start, datetime.min.time()), "dd/mm/yyyy"),
        (info["end"], None if card.period is None
         else datetime.combine(card.period.end, datetime.min.time()), "dd/mm/yyyy"),
        (info["as_of"], None if card.as_of is None else card.as_of.replace(microsecond=0),
         _MOMENT),
        (info["version"], __version__, None),
        (info["lang"], "Tiếng Việt" if lang != "en" else "English", None),
        (info["read"], None if rep is None else rep.read, _WHOLE),
        (info["accepted"], None if rep is None else rep.accepted, _WHOLE),
        (info["rejected"], None if rep is None else rep.rejected, _WHOLE),
        (info["units"], len(chosen), _WHOLE),
    ]
    if hcm is not None:
        from .hcm104_report import policy_text

        rows.append((info["hcm"], policy_text(hcm, lang), None))
    if listed is not None:
        after = f", {listed['after']} {h['placement']['after']}" if listed["after"] else ""
        rows.append((info["audit"], f"{sum(listed.values())}: {listed['in']} "
                     f"{info['in_period']}, {listed['before']} {info['carried']}{after} — "
                     f"{info['audit_what']}", None))
    for label, value, form in rows:
        add_row(ws, [label, value], {1: form} if form else None)
    finish(book, tables)
    return workbook_bytes(book, card.as_of)
