"""The HCMC Decision 104/2024 index as JSON (docs/api.md envelope), CSV, a text table and HTML.

Numbers are the exact values rounded half-up to 2 decimals (``null``/empty/``—`` for no data).
"""

from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING, Any

from .fmt import cut, fmt, note_text, number_text
from .json_report import dumps, number, rejection_dict
from .text import CsvWriter, terminal_text

if TYPE_CHECKING:
    from ..hcm104 import Hcm104Report, Hcm104Result

__all__ = [
    "CSV_HEADER",
    "frame_rows",
    "render_csv",
    "render_json",
    "render_table",
    "report_html",
    "report_to_dict",
    "result_to_dict",
]

_PARTS = ("A", "B", "C", "D", "E")

CSV_HEADER = ("unit_id", "unit_name", "staff_id", "A", "B", "C", "D", "E", "K", "verdict",
              "late_within_5_working_days", "a_points", "a_dossiers", "b_points", "b_dossiers",
              "c_points", "c_ratings", "reason")


def result_to_dict(result: Hcm104Result, lang: str = "vi") -> dict[str, Any]:
    """One unit's (or staff member's) entry of the JSON ``units`` list."""
    out: dict[str, Any] = {"unit_id": result.unit_id, "name": result.name}
    if result.staff_id is not None:
        out["staff_id"] = result.staff_id
    else:
        out["level"] = result.level.value if result.level is not None else None
        out["parent_id"] = result.parent_id
    for code in _PARTS:
        out[code] = number(result.parts[code].rounded)
    comb = result.combined
    out["K"] = number(comb.rounded)
    out["verdict"] = None if comb.verdict is None else comb.verdict.value
    out["verdict_label"] = None if comb.verdict is None else comb.verdict.label(lang)
    out["late_within_5_working_days"] = result.late_within_5_working_days
    out["reason"] = None if comb.reason is None else comb.reason.text(lang)
    out["zero_parts"] = list(comb.zero_parts)
    out["parts"] = {code: result.parts[code].to_dict(lang) for code in _PARTS}
    return out


def report_to_dict(report: Hcm104Report, lang: str = "vi",
                   units: list[str] | None = None) -> dict[str, Any]:
    """The docs/api.md envelope: ruleset, period, as_of, units, input, rejected (plus the policy
    and the notes)."""
    chosen = units if units is not None else list(report.units)
    entries = []
    for uid in chosen:
        entry = result_to_dict(report.units[uid], lang)
        if report.staff is not None:
            entry["staff"] = [result_to_dict(s, lang) for s in report.staff.get(uid, ())]
        entries.append(entry)
    out: dict[str, Any] = {
        "ruleset": "hcm104",
        "period": {"start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat()},
        "as_of": report.as_of.isoformat(timespec="seconds") + "+07:00",
        "policy": report.policy.to_dict(),
        "units": entries,
        "notes": [n.text(lang) for n in report.notes],
        "input": {"read": 0, "accepted": 0, "rejected": 0},
        "rejected": [],
    }
    inp = report.input
    if inp is not None:
        out["input"] = {"read": inp.read, "accepted": inp.accepted, "rejected": inp.rejected}
        out["rejected"] = [rejection_dict(r) for r in inp.rejections]
    return out


def render_json(report: Hcm104Report, lang: str = "vi", units: list[str] | None = None) -> str:
    return dumps(report_to_dict(report, lang=lang, units=units))


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _csv_row(r: Hcm104Result, lang: str) -> list[str]:
    a, b, c = r.parts["A"], r.parts["B"], r.parts["C"]
    comb = r.combined
    return [r.unit_id, r.name, _cell(r.staff_id)] + [
        _cell(r.parts[code].rounded) for code in _PARTS
    ] + [
        _cell(comb.rounded), _cell(None if comb.verdict is None else comb.verdict.value),
        str(r.late_within_5_working_days),
        _cell(None if a.points is None else points_text(a.points)), _cell(a.count),
        _cell(None if b.points is None else points_text(b.points)), _cell(b.count),
        _cell(None if c.points is None else points_text(c.points)), _cell(c.count),
        "" if comb.reason is None else note_text(comb.reason, lang),
    ]


def points_text(value: Any) -> str:
    """An exact count of points as CSV text: ``8`` or ``8.50``."""
    from ..rounding import half_up

    if value.denominator == 1:
        return str(value.numerator)
    return str(half_up(value))


def render_csv(report: Hcm104Report, lang: str = "vi", units: list[str] | None = None) -> str:
    """One row per unit (and per staff member, after their unit, when scored)."""
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(CSV_HEADER)
    for uid in units if units is not None else list(report.units):
        w.writerow(_csv_row(report.units[uid], lang))
        if report.staff is not None:
            for s in report.staff.get(uid, ()):
                w.writerow(_csv_row(s, lang))
    return buf.getvalue()


_LABELS: dict[str, dict[str, Any]] = {
    "vi": {
        "title": "Chỉ số đánh giá hài lòng — QĐ 104/2024/QĐ-UBND (TP. Hồ Chí Minh): "
                 "K = A + B + C + D + E",
        "period": "Kỳ", "as_of": "đánh giá tại",
        "input": "Dữ liệu đầu vào", "read": "đọc", "accepted": "nhận", "rejected": "loại",
        "unit": "Đơn vị", "verdict": "Xếp loại", "band": "Trễ≤5",
        "policy": "Chính sách", "reasons": "Giải thích", "notes": "Ghi chú",
        "legend": ("A thời gian giải quyết (0–1); B hướng dẫn hoàn thiện hồ sơ (0–1); "
                   "C thái độ cán bộ (0–1);",
                   "D phản hồi PAKN (0–18); E niêm yết công khai (0/1); K trên 20: hài lòng;",
                   "Trễ≤5: số hồ sơ trễ không quá 5 ngày làm việc (văn bản không quy định)"),
        "staff": "cán bộ",
        "short": "Chỉ số hài lòng QĐ 104/2024/QĐ-UBND",
    },
    "en": {
        "title": "Satisfaction index — HCMC Decision 104/2024/QĐ-UBND: K = A + B + C + D + E",
        "period": "Period", "as_of": "evaluated at",
        "input": "Input", "read": "read", "accepted": "accepted", "rejected": "rejected",
        "unit": "Unit", "verdict": "Verdict", "band": "Late≤5",
        "policy": "Policy", "reasons": "Reasons", "notes": "Notes",
        "legend": ("A time to resolve (0–1); B guidance (0–1); C staff attitude (0–1);",
                   "D feedback handling (0–18); E public posting (0/1); K above 20: satisfied;",
                   "Late≤5: dossiers late by at most 5 working days (the text is silent)"),
        "staff": "staff",
        "short": "Satisfaction index, HCMC Decision 104/2024/QĐ-UBND",
    },
}

_NAME = 44




def _line(label: str, r: Hcm104Result, lang: str) -> str:
    cells = [fmt(r.parts[c].rounded, lang) for c in _PARTS]
    verdict = "—" if r.verdict is None else r.verdict.label(lang)
    return (f"{cut(label, _NAME):<{_NAME}} {cells[0]:>6} {cells[1]:>6} {cells[2]:>6} "
            f"{cells[3]:>6} {cells[4]:>5} {fmt(r.combined.rounded, lang):>6}  "
            f"{verdict:<15} {r.late_within_5_working_days:>6}")


def _points(value: Any, lang: str) -> str:
    return number_text(value, lang, places=None)


def policy_text(report: Hcm104Report, lang: str) -> str:
    p = report.policy
    if lang == "en":
        return (f"late by 1–5 working days = {_points(p.late_within_5_working_days, lang)} "
                f"point; K = 20 → "
                f"{p.k_equal_20.label_en}; missing part → "
                f"{'K not computed' if p.missing_part == 'none' else 'counted as 0'}; "
                f"B over {p.b_population} dossiers")
    return (f"trễ 1–5 ngày làm việc = {_points(p.late_within_5_working_days, lang)} điểm; "
            f"K = 20 → "
            f"{p.k_equal_20.label_vi}; thiếu phần → "
            f"{'không tính K' if p.missing_part == 'none' else 'tính là 0'}; "
            f"B trên hồ sơ {'đã giải quyết' if p.b_population == 'resolved' else 'bị trả, ngưng'}")


def render_table(report: Hcm104Report, lang: str = "vi", units: list[str] | None = None) -> str:
    """The text report: a header, one line per unit (indented by depth in the unit tree, staff
    under their unit), the reasons for missing or borderline K, then the notes."""
    lab = _LABELS[lang]
    p = report.period
    out = [lab["title"],
           f"{lab['period']} {p.label} ({p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}), "
           f"{lab['as_of']} {report.as_of:%d/%m/%Y %H:%M}",
           f"{lab['policy']}: {policy_text(report, lang)}"]
    inp = report.input
    if inp is not None:
        out.append(f"{lab['input']}: {lab['read']} {inp.read}, {lab['accepted']} "
                   f"{inp.accepted}, {lab['rejected']} {inp.rejected}")
    out.append("")
    out.append(f"{lab['unit']:<{_NAME}} {'A':>6} {'B':>6} {'C':>6} {'D':>6} {'E':>5} {'K':>6}  "
               f"{lab['verdict']:<15} {lab['band']:>6}")
    out.append("─" * (_NAME + 63))
    chosen = units if units is not None else list(report.units)
    reasons: list[str] = []
    for uid in chosen:
        r = report.units[uid]
        indent = "  " * report.depth.get(uid, 0)
        out.append(_line(terminal_text(f"{indent}{uid} {r.name}".rstrip()), r, lang))
        if r.combined.reason is not None:
            reasons.append(terminal_text(f"- {uid}: {note_text(r.combined.reason, lang)}"))
        if report.staff is not None:
            for s in report.staff.get(uid, ()):
                out.append(_line(terminal_text(f"{indent}  · {lab['staff']} {s.staff_id}"), s,
                                 lang))
    out.append("")
    out.extend(lab["legend"])
    if reasons:
        out.append("")
        out.append(f"{lab['reasons']}:")
        out.extend(reasons)
    if report.notes:
        out.append("")
        out.append(f"{lab['notes']}:")
        out.extend(terminal_text(f"- {note_text(n, lang)}") for n in report.notes)
    if inp is not None and inp.rejected:
        from .table import rejections_text

        out.append(rejections_text(inp, lang).rstrip("\n"))
    return "\n".join(out).rstrip() + "\n"


def report_html(report: Hcm104Report, lang: str = "vi") -> str:
    """A small HTML table for notebooks: a caption (the decision, the period, the evaluation
    moment), a header row, one row per unit (indented by depth in the unit tree)."""
    lab = _LABELS[lang]
    names = (lab["unit"], *_PARTS, "K", lab["verdict"], lab["band"])
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in names)
    rows = []
    for uid, r in report.units.items():
        cells = [fmt(r.parts[c].rounded, lang) for c in _PARTS]
        verdict = "—" if r.verdict is None else r.verdict.label(lang)
        pad = "&nbsp;" * 2 * report.depth.get(uid, 0)
        rows.append(
            f"<tr><th scope='row' style='text-align:left'>{pad}{html.escape(uid)} "
            f"{html.escape(r.name)}</th>"
            + "".join(f"<td style='text-align:right'>{c}</td>" for c in cells)
            + f"<td style='text-align:right'>{fmt(r.combined.rounded, lang)}</td>"
            f"<td>{html.escape(verdict)}</td>"
            f"<td style='text-align:right'>{r.late_within_5_working_days}</td></tr>"
        )
    p = report.period
    caption = (f"{html.escape(lab['short'])} — {lab['period'].lower()} {html.escape(p.label)} "
               f"({p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}), {lab['as_of']} "
               f"{report.as_of:%d/%m/%Y %H:%M}")
    return (f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def frame_rows(report: Hcm104Report, staff: bool = False) -> list[dict[str, Any]]:
    """Rows for :meth:`Hcm104Report.to_frame`."""
    rows: list[dict[str, Any]] = []

    def row(r: Hcm104Result) -> dict[str, Any]:
        out: dict[str, Any] = {"unit_id": r.unit_id, "name": r.name, "staff_id": r.staff_id,
                               "parent_id": r.parent_id}
        for code in _PARTS:
            out[code] = number(r.parts[code].rounded)
        out["K"] = number(r.combined.rounded)
        out["verdict"] = None if r.verdict is None else r.verdict.value
        out["late_within_5_working_days"] = r.late_within_5_working_days
        return out

    for uid, r in report.units.items():
        rows.append(row(r))
        if staff and report.staff is not None:
            rows.extend(row(s) for s in report.staff.get(uid, ()))
    return rows
