"""A self-contained HTML report: no network, no scripts, no external fonts; inline SVG charts;
Vietnamese by default; readable printed on A4.

Numbers are also carried as ``data-`` attributes (``data-points``, ``data-total``…) so a program
can check them against the JSON report.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .fmt import count, fmt, note_text, percent_text
from .json_report import number
from .reasons import reason_text
from .text import terminal_text

if TYPE_CHECKING:
    from ..scoring import CriterionResult, Scorecard, UnitScorecard

__all__ = ["render_html"]

_T = {
    "vi": {
        "title": "Báo cáo Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
        "period": "Kỳ đánh giá", "as_of": "Thời điểm đánh giá", "ruleset": "Bộ quy tắc",
        "input": "Dữ liệu đầu vào", "read": "đọc", "accepted": "nhận", "rejected": "bị loại",
        "total": "Tổng điểm", "band": "Xếp loại", "groups": "Điểm theo nhóm (so với tối đa)",
        "criterion": "Tiêu chí", "nd": "Tử số / mẫu số", "ratio": "Tỷ lệ", "points": "Điểm",
        "max": "Tối đa", "notes": "Ghi chú", "audit": "Hồ sơ có ngày hẹn trả bất thường",
        "dossier": "Mã hồ sơ", "unit": "Đơn vị", "recorded": "Hẹn trả (ghi nhận)",
        "statutory": "Hạn theo quy định", "extra": "Số ngày làm việc chênh",
        "flags": "Nhận xét", "hcm": "Chỉ số hài lòng TP.HCM (QĐ 104/2024/QĐ-UBND)",
        "verdict": "Kết luận", "rejected_rows": "Dòng dữ liệu bị loại", "file": "Tệp",
        "line": "Dòng", "field": "Trường", "value": "Giá trị", "reason": "Lý do",
        "general": "Ghi chú chung", "none": "Không có", "more": "và {n} hồ sơ khác",
        "staff": "Cán bộ", "received": "Tiếp nhận",
        "which": "Hồ sơ của kỳ, như mẫu số tiêu chí 2.1: {received} hồ sơ tiếp nhận trong kỳ, "
                 "{carried} hồ sơ tồn từ kỳ trước (chưa kết thúc khi kỳ bắt đầu).",
        "after": "Và {n} hồ sơ tiếp nhận sau kỳ.",
    },
    "en": {
        "title": "Public service index report (Decision 766/QĐ-TTg)",
        "period": "Period", "as_of": "Evaluated at", "ruleset": "Rule set",
        "input": "Input", "read": "read", "accepted": "accepted", "rejected": "rejected",
        "total": "Total", "band": "Band", "groups": "Points by group (against the cap)",
        "criterion": "Criterion", "nd": "Numerator / denominator", "ratio": "Ratio",
        "points": "Points", "max": "Max", "notes": "Notes",
        "audit": "Dossiers with a questionable recorded due date",
        "dossier": "Dossier", "unit": "Unit", "recorded": "Recorded due",
        "statutory": "Statutory due", "extra": "Working days later", "flags": "Findings",
        "hcm": "HCMC satisfaction index (Decision 104/2024/QĐ-UBND)", "verdict": "Verdict",
        "rejected_rows": "Rejected input rows", "file": "File", "line": "Line",
        "field": "Field", "value": "Value", "reason": "Reason", "general": "General notes",
        "none": "None", "more": "and {n} more dossiers", "staff": "Staff",
        "received": "Received",
        "which": "The period's dossiers, as criterion 2.1 counts them: {received} received in "
                 "the period, {carried} carried over (not ended when the period started).",
        "after": "And {n} received after the period.",
    },
}

#: The page's style sheet (the HCM 104 page adds its own rules to it).
CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #1b1f24; margin: 0 auto; max-width: 190mm; padding: 8mm 0; line-height: 1.35;
       overflow-wrap: anywhere; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 16pt 0 4pt; border-bottom: 2px solid #1f5fa8; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
h2, h3 { break-after: avoid; }
.meta { color: #4a5560; margin: 0 0 2pt; }
.unit { break-before: page; }
.unit:first-of-type { break-before: auto; }
.headline { display: flex; gap: 12pt; align-items: baseline; margin: 4pt 0 6pt; }
.total { font-size: 20pt; font-weight: 700; }
.band { font-weight: 700; padding: 1pt 6pt; border-radius: 3pt; color: #ffffff; }
.band-XUAT_SAC { background: #0b6b37; } .band-TOT { background: #1f6f46; }
.band-KHA { background: #7d5a00; } .band-TRUNG_BINH { background: #9c4a0c; }
.band-YEU { background: #a61e1e; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 9.5pt;
        table-layout: fixed; }
th, td { border: 1px solid #c9d1d9; padding: 2pt 4pt; vertical-align: top;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef3f8; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
col.name { width: auto; } col.nd { width: 24mm; } col.ratio { width: 17mm; }
col.pts { width: 14mm; } col.max { width: 13mm; }
tr.group td { background: #f5f8fb; font-weight: 700; }
tr.part td { background: #fafbfc; font-style: italic; }
.note { color: #4f5a64; font-size: 8.5pt; }
svg { display: block; margin: 2pt 0 6pt; max-width: 100%; height: auto; }
tr, tbody.grp, .headline, svg, li { break-inside: avoid; }
thead { display: table-header-group; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.25; }
  h2 { margin-top: 0; }
  table { font-size: 8.5pt; margin: 2pt 0 4pt; }
  th, td { padding: 1pt 3pt; }
  .note { font-size: 7.5pt; }
  section.unit { break-inside: avoid-page; }
  section.audit, section.rejected { break-before: page; }
  .band { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr.group td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""




def attr(value: Any) -> str:
    """A value for a ``data-*`` attribute: a number as the JSON report writes it, escaped."""
    n = number(value) if isinstance(value, (Decimal, Fraction, int)) else value
    return "" if n is None else html.escape(str(n), quote=True)


def escape(text: Any) -> str:
    """Text for the page: HTML-escaped, and control and bidirectional-override characters from
    the input shown escaped as in the text table (``\\x1b``, ``\\u202e``), so that a name
    cannot hide or reverse what follows it."""
    return html.escape(terminal_text(text), quote=True)


def _th(label: str, scope: str = "col") -> str:
    """A header cell with its ``scope`` (WCAG H63)."""
    return f'<th scope="{scope}">{escape(label)}</th>'


def _bar_chart(card: UnitScorecard, lang: str) -> str:
    rows = list(card.groups.values())
    label_w, bar_w, row_h = 230, 380, 22
    height = row_h * len(rows) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" '
             f'height="{height}" role="img" aria-label="{escape(_T[lang]["groups"])}">']
    scale = bar_w / 22  # the largest cap is 22
    for i, g in enumerate(rows):
        y = 4 + i * row_h
        name = g.name_en if lang == "en" else g.name_vi
        cap = float(g.max_points) * scale
        got = float(g.points) * scale
        ratio = float(g.points) / float(g.max_points) if g.max_points else 0.0
        colour = "#2e8b57" if ratio >= 0.8 else "#c28a00" if ratio >= 0.5 else "#b22222"
        parts.append(f'<text x="0" y="{y + 14}" font-size="11">{g.number}. {escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{cap:.1f}" height="14" '
                     f'fill="#e4e9ef"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{got:.1f}" height="14" '
                     f'fill="{colour}" data-group="{escape(g.code)}" '
                     f'data-points="{attr(g.points)}" data-max="{attr(g.max_points)}"/>')
        parts.append(f'<text x="{label_w + cap + 6:.1f}" y="{y + 14}" font-size="11">'
                     f'{fmt(g.points, lang)} / {count(int(g.max_points), lang)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _criterion_row(r: CriterionResult, lang: str) -> str:
    c = r.criterion
    name = c.name_en if lang == "en" else c.name_vi
    if c.code == "AVERAGE_PROCESSING_TIME":
        ratio = fmt(r.ratio, lang) if r.ratio is not None else "—"
    else:
        ratio = percent_text(r.percent, lang)
    notes = "; ".join(note_text(n, lang) for n in r.notes)
    note_html = f'<div class="note">{escape(notes)}</div>' if notes else ""
    points = fmt(r.points, lang) if c.scored else ""
    maximum = count(c.max_points, lang) if c.scored else ""
    return (f'<tr data-criterion="{escape(c.code)}" data-numerator="{attr(r.shown_numerator)}" '
            f'data-denominator="{attr(r.shown_denominator)}" data-points="{attr(r.points)}">'
            f"<td>{escape(c.number)} {escape(name)}{note_html}</td>"
            f'<td class="num">{count(r.shown_numerator, lang)} / '
            f'{count(r.shown_denominator, lang)}</td>'
            f'<td class="num">{ratio}</td><td class="num">{points}</td>'
            f'<td class="num">{maximum}</td></tr>')


def unit_section(card: UnitScorecard, lang: str) -> str:
    """One unit's section of the page: its score, band and criteria (the HCM 104 page shows
    the 766 scorecards with it)."""
    t = _T[lang]
    band = card.band.label(lang)
    out = [f'<section class="unit" data-unit="{escape(card.unit_id)}" '
           f'data-total="{attr(card.total)}" data-band="{escape(card.band.value)}">',
           f"<h2>{escape(card.name or card.unit_id)} <small>({escape(card.unit_id)})</small></h2>",
           f'<div class="headline"><span>{t["total"]}:</span>'
           f'<span class="total">{fmt(card.total, lang)}</span><span>/ 100</span>'
           f'<span class="band band-{escape(card.band.value)}">{escape(band)}</span></div>',
           f"<h3>{t['groups']}</h3>", _bar_chart(card, lang),
           '<table class="card"><colgroup><col class="name"><col class="nd"><col class="ratio">'
           '<col class="pts"><col class="max"></colgroup>'
           f"<thead><tr>{_th(t['criterion'])}{_th(t['nd'])}{_th(t['ratio'])}"
           f"{_th(t['points'])}{_th(t['max'])}</tr></thead>"]
    for g in card.groups.values():
        name = g.name_en if lang == "en" else g.name_vi
        out.append(f'<tbody class="grp"><tr class="group" data-group="{escape(g.code)}" '
                   f'data-points="{attr(g.points)}">'
                   f'<td colspan="3">{g.number}. {escape(name)}</td>'
                   f'<td class="num">{fmt(g.points, lang)}</td>'
                   f'<td class="num">{count(int(g.max_points), lang)}</td></tr>')
        if g.parts:
            for p in g.parts:
                pname = p.name_en if lang == "en" else p.name_vi
                out.append(f'<tr class="part" data-part="{escape(p.code)}" '
                           f'data-points="{attr(p.points)}"><td colspan="3">{escape(pname)}</td>'
                           f'<td class="num">{fmt(p.points, lang)}</td>'
                           f'<td class="num">{count(int(p.max_points), lang)}</td></tr>')
                out.extend(_criterion_row(card.criteria[c], lang) for c in p.criteria)
        else:
            out.extend(_criterion_row(card.criteria[c], lang) for c in g.criteria)
        out.append("</tbody>")
    out.append("</table></section>")
    return "\n".join(out)


def _audit_section(audits: Sequence[tuple[Any, Any]], lang: str, period: Any = None,
                   limit: int = 500) -> str:
    """The flagged dossiers; for a period, those of its population (reports.flagged), with how
    many were received in it and how many carried over."""
    from .flagged import placement

    t = _T[lang]
    title = t["audit"] if period is None else f"{t['audit']} — {t['period'].lower()} " \
        f"{period.label}"
    out = [f'<section class="audit"><h2>{escape(title)} ({len(audits)})</h2>']
    if period is not None:
        where = [placement(d, period) for d, _ in audits]
        received, carried = where.count("in"), where.count("before")
        after = len(where) - received - carried
        which = t["which"].format(received=received, carried=carried)
        if after:  # (a list not taken from the period's population)
            which += " " + t["after"].format(n=after)
        out.append(f'<p class="meta" data-received="{received}" data-carried="{carried}">'
                   f"{escape(which)}</p>")
    if not audits:
        out.append(f"<p>{t['none']}</p></section>")
        return "\n".join(out)
    out.append(f"<table><colgroup><col style='width:21%'><col style='width:13%'>"
               f"<col style='width:9.5%'><col style='width:9.5%'><col style='width:9.5%'>"
               f"<col style='width:7%'><col></colgroup><thead><tr>{_th(t['dossier'])}"
               f"{_th(t['unit'])}{_th(t['received'])}{_th(t['recorded'])}"
               f"{_th(t['statutory'])}{_th(t['extra'])}{_th(t['flags'])}</tr></thead><tbody>")

    def day(m: Any) -> str:
        return "—" if m is None else f"{m:%d/%m/%Y}"

    for d, r in audits[:limit]:
        out.append(f'<tr data-dossier="{escape(d.id)}" data-flags="{escape(" ".join(r.flags))}">'
                   f"<td>{escape(d.id)}</td><td>{escape(d.unit_id)}</td>"
                   f'<td class="num">{day(d.receipt)}</td>'
                   f'<td class="num">{day(r.recorded_due_at)}</td>'
                   f'<td class="num">{day(r.statutory_due_at)}</td>'
                   f'<td class="num">{r.extra_working_days}</td>'
                   f"<td>{escape('; '.join(r.texts(lang)))}</td></tr>")
    out.append("</tbody></table>")
    if len(audits) > limit:
        out.append(f"<p>{escape(t['more'].format(n=len(audits) - limit))}</p>")
    out.append("</section>")
    return "\n".join(out)


def _hcm_section(hcm: Any, lang: str) -> str:
    t = _T[lang]
    data = hcm.to_dict()
    out = [f'<section class="hcm"><h2>{t["hcm"]}</h2><table><colgroup>'
           "<col style='width:34%'>" + "<col style='width:8%'>" * 6 + "<col></colgroup>"
           f'<thead><tr>{_th(t["unit"])}'
           + "".join(_th(p) for p in "ABCDEK") + f"{_th(t['verdict'])}</tr></thead><tbody>"]
    for u in data.get("units", []):
        cells = "".join(
            f'<td class="num" data-part="{p}">{fmt(_dec(u.get(p)), lang)}</td>'
            for p in ("A", "B", "C", "D", "E", "K"))
        out.append(f'<tr data-unit="{escape(u.get("unit_id"))}" data-k="{attr(u.get("K"))}">'
                   f'<td>{escape(u.get("name") or u.get("unit_id"))}</td>{cells}'
                   f'<td>{escape(u.get("verdict") or "—")}</td></tr>')
    out.append("</tbody></table></section>")
    return "\n".join(out)


def rejected_head(t: dict[str, str]) -> str:
    """The header of the rejected-rows table (file, line, field, value, reason)."""
    return ("<colgroup><col style='width:20%'><col style='width:8%'><col style='width:14%'>"
            "<col style='width:24%'><col></colgroup><thead><tr>"
            + "".join(_th(t[k]) for k in ("file", "line", "field", "value", "reason"))
            + "</tr></thead>")


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def render_html(
    card: Scorecard,
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    hcm: Any = None,
) -> str:
    """The whole report as one HTML document (a ``str``)."""
    t = _T[lang]
    chosen = list(units) if units is not None else list(card.units)
    head = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(t['title'])}</title><style>{CSS}</style></head><body>",
            f"<h1>{escape(t['title'])}</h1>"]
    if card.period is not None and card.as_of is not None:
        head.append(f'<p class="meta">{t["period"]}: {escape(card.period.label)} '
                    f"({card.period.start:%d/%m/%Y} – {card.period.end:%d/%m/%Y}); "
                    f"{t['as_of']}: {card.as_of:%d/%m/%Y %H:%M}; "
                    f"{t['ruleset']}: {escape(card.rules.name)}</p>")
    report = card.input
    if report is not None:
        head.append(f'<p class="meta" data-read="{report.read}" data-accepted="{report.accepted}"'
                    f' data-rejected="{report.rejected}">{t["input"]}: {t["read"]} {report.read}'
                    f", {t['accepted']} {report.accepted}, {t['rejected']} {report.rejected}</p>")
    body = [unit_section(card.units[u], lang) for u in chosen]
    if hcm is not None:
        body.append(_hcm_section(hcm, lang))
    if audits is not None:
        body.append(_audit_section(audits, lang, card.period))
    if report is not None and report.rejected:
        rows = "\n".join(
            f"<tr><td>{escape(r.file)}</td><td class='num'>{r.line}</td><td>{escape(r.field)}</td>"
            f"<td>{escape(r.value)}</td><td>{escape(reason_text(r.reason, lang))}</td></tr>"
            for r in report.rejections[:500])
        body.append(f'<section class="rejected"><h2>{t["rejected_rows"]} ({report.rejected})</h2>'
                    f"<table>{rejected_head(t)}<tbody>{rows}</tbody></table></section>")
    if card.notes:
        items = "\n".join(f"<li>{escape(note_text(n, lang))}</li>" for n in card.notes)
        body.append(f"<section class='notes'><h2>{t['general']}</h2><ul>{items}</ul></section>")
    # One element per line, so that a changed number is a one-line diff in a golden file.
    return "\n".join(head + body) + "\n</body></html>\n"
