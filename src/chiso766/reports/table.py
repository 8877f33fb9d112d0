"""A readable text table of scorecards (the CLI's default), and small HTML tables for notebooks."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .fmt import count, cut, fmt, note_text, percent_text
from .reasons import reason_text
from .text import terminal_text

if TYPE_CHECKING:
    from ..scoring import CriterionResult, Scorecard, UnitScorecard

__all__ = ["rejections_text", "render_scorecard", "scorecard_html_table", "unit_html_table"]

_NAME = 56
_LABELS = {
    "vi": {"title": "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
           "period": "Kỳ", "as_of": "đánh giá tại", "total": "Tổng điểm",
           "head": ("Nhóm / tiêu chí", "Tử/Mẫu", "Tỷ lệ", "Điểm", "Tối đa"),
           "input": "Dữ liệu đầu vào", "read": "đọc", "accepted": "nhận", "rejected": "loại",
           "notes": "Ghi chú"},
    "en": {"title": "Public service index (Decision 766/QĐ-TTg)",
           "period": "Period", "as_of": "evaluated at", "total": "Total",
           "head": ("Group / criterion", "n/d", "Ratio", "Points", "Max"),
           "input": "Input", "read": "read", "accepted": "accepted", "rejected": "rejected",
           "notes": "Notes"},
}





def _criterion_line(r: CriterionResult, lang: str, indent: str) -> list[str]:
    c = r.criterion
    name = cut(f"{indent}{c.number} {c.name_en if lang == 'en' else c.name_vi}", _NAME)
    nd = f"{count(r.shown_numerator, lang)}/{count(r.shown_denominator, lang)}"
    if c.code == "AVERAGE_PROCESSING_TIME":
        ratio = fmt(r.ratio, lang) if r.ratio is not None else "—"
    else:
        ratio = percent_text(r.percent, lang)
    points = fmt(r.points, lang) if c.scored else ""
    maximum = count(c.max_points, lang) if c.scored else ""
    # An unscored criterion (2.2, 5.1) has no points columns: no blanks left at the line's end.
    lines = [f"{name:<{_NAME}} {nd:>13} {ratio:>9} {points:>7} {maximum:>6}".rstrip()]
    for n in r.notes:
        lines.append(f"{'':{len(indent) + 4}}↳ {terminal_text(note_text(n, lang))}")
    return lines


def render_unit(card: UnitScorecard, lang: str = "vi") -> list[str]:
    lab = _LABELS[lang]
    band = card.band.label(lang)
    name = terminal_text(f"{card.unit_id}  {card.name}".rstrip())
    total = f"{lab['total']}: {fmt(card.total, lang)}/{count(int(card.max_total), lang)} — {band}"
    width = _NAME + 39
    lines = [f"{cut(name, width - len(total) - 2):<{width - len(total)}}{total}", "─" * width]
    h = lab["head"]
    lines.append(f"{h[0]:<{_NAME}} {h[1]:>13} {h[2]:>9} {h[3]:>7} {h[4]:>6}")
    for g in card.groups.values():
        gname = cut(f"{g.number}. {g.name_en if lang == 'en' else g.name_vi}", _NAME)
        lines.append(f"{gname:<{_NAME}} {'':>13} {'':>9} {fmt(g.points, lang):>7} "
                     f"{count(int(g.max_points), lang):>6}")
        if g.parts:
            for p in g.parts:
                pname = cut(f"  {p.name_en if lang == 'en' else p.name_vi}", _NAME)
                lines.append(f"{pname:<{_NAME}} {'':>13} {'':>9} {fmt(p.points, lang):>7} "
                             f"{count(int(p.max_points), lang):>6}")
                for code in p.criteria:
                    lines.extend(_criterion_line(card.criteria[code], lang, "    "))
        else:
            for code in g.criteria:
                lines.extend(_criterion_line(card.criteria[code], lang, "  "))
    return lines


def render_scorecard(card: Scorecard, lang: str = "vi", units: list[str] | None = None) -> str:
    """The text report: a header, then one block per unit (pre-order of the unit tree)."""
    lab = _LABELS[lang]
    out: list[str] = [str(lab["title"]), f"Rule set: {terminal_text(card.rules.name)}"
                      if lang == "en" else f"Bộ quy tắc: {terminal_text(card.rules.name)}"]
    if card.period is not None and card.as_of is not None:
        out.append(f"{lab['period']} {card.period.label} "
                   f"({card.period.start:%d/%m/%Y}–{card.period.end:%d/%m/%Y}), "
                   f"{lab['as_of']} {card.as_of:%d/%m/%Y %H:%M}")
    report = card.input
    if report is not None:
        out.append(f"{lab['input']}: {lab['read']} {report.read}, {lab['accepted']} "
                   f"{report.accepted}, {lab['rejected']} {report.rejected}")
    out.append("")
    for uid in units if units is not None else list(card.units):
        out.extend(render_unit(card.units[uid], lang))
        out.append("")
    if card.notes:
        out.append(f"{lab['notes']}:")
        out.extend(f"- {terminal_text(note_text(n, lang))}" for n in card.notes)
    return "\n".join(out).rstrip() + "\n"


def unit_html_table(card: UnitScorecard) -> str:
    rows = []
    for g in card.groups.values():
        rows.append(f"<tr><th scope='rowgroup' colspan='4' style='text-align:left'>{g.number}. "
                    f"{html.escape(g.name_vi)}</th><td style='font-weight:700'>"
                    f"{fmt(g.points, 'vi')}/{count(int(g.max_points), 'vi')}</td></tr>")
        codes = [c for p in g.parts for c in p.criteria] if g.parts else list(g.criteria)
        for code in codes:
            r = card.criteria[code]
            c = r.criterion
            rows.append(
                f"<tr><td>{c.number}</td><td>{html.escape(c.name_vi)}</td>"
                f"<td>{count(r.shown_numerator, 'vi')}/{count(r.shown_denominator, 'vi')}</td>"
                f"<td>{fmt(r.percent, 'vi')}%</td><td>{fmt(r.points, 'vi')}</td></tr>"
            )
    band = card.band.label_vi
    return (f"<table><caption>{html.escape(card.unit_id)} {html.escape(card.name)} — "
            f"{fmt(card.total, 'vi')}/100 ({band})</caption>{''.join(rows)}</table>")


def scorecard_html_table(card: Scorecard) -> str:
    return "".join(unit_html_table(u) for u in card.units.values())


def rejections_text(report: Any, lang: str) -> str:
    """The rejected input rows, at most 50, as lines under the text report; each reason in
    ``lang`` (:func:`~chiso766.reports.reasons.reason_text`)."""
    head = "Dòng bị loại" if lang == "vi" else "Rejected rows"
    lines = [f"\n{head} ({report.rejected}):"]
    for r in report.rejections[:50]:
        lines.append(terminal_text(f"- {r.file}:{r.line} [{r.field}] {r.value!r}: "
                                  f"{reason_text(r.reason, lang)}"))
    if report.rejected > 50:
        more = report.rejected - 50
        lines.append(f"- … {more} nữa (dùng --format json để xem hết)" if lang == "vi"
                     else f"- … {more} more (use --format json for all)")
    return "\n".join(lines) + "\n"
