"""The HCMC Decision 104/2024 index as a self-contained HTML page (``chiso766 hcm104 --format
html``): its own title, the K table first with the A–E legend, verdicts in the page's language,
the reason wherever K is missing or borderline, the staff lines when scored, and then the
Decision 766 cards that part D comes from.

The rules shown are QĐ 104/2024/QĐ-UBND, Phụ lục, mục I.1–I.5 and II (docs/rules.md, "HCMC
Decision 104/2024: K = A + B + C + D + E"). Numbers are carried as ``data-`` attributes too
(``data-k``, ``data-part``…), as in the 766 page, so a program can check them against the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import html as page
from .fmt import fmt, note_text
from .hcm104_report import policy_text
from .reasons import reason_text

if TYPE_CHECKING:
    from ..hcm104 import Hcm104Report, Hcm104Result
    from ..scoring import Scorecard

__all__ = ["render_hcm104_html"]

_PARTS = ("A", "B", "C", "D", "E")

_T: dict[str, dict[str, Any]] = {
    "vi": {
        "title": "Chỉ số hài lòng về phục vụ hành chính — QĐ 104/2024/QĐ-UBND "
                 "(TP. Hồ Chí Minh)",
        "period": "Kỳ đánh giá", "as_of": "Thời điểm đánh giá", "policy": "Chính sách",
        "input": "Dữ liệu đầu vào", "read": "đọc", "accepted": "nhận", "rejected": "bị loại",
        "k_table": "K = A + B + C + D + E theo đơn vị", "unit": "Đơn vị",
        "verdict": "Kết luận", "late": "Trễ 1–5 NLV", "legend": "Cách đọc",
        "parts": {
            "A": "Thời gian giải quyết TTHC: hồ sơ đúng hạn / hồ sơ đã giải quyết (0–1; mục I.1)",
            "B": "Hướng dẫn hoàn thiện hồ sơ: hồ sơ bị trả, ngưng không quá 1 lần / hồ sơ "
                 "(0–1; mục I.2)",
            "C": "Thái độ của cán bộ, công chức: lượt đánh giá \"tốt\" / lượt đánh giá (0–1; "
                 "mục I.3)",
            "D": "Phản hồi ý kiến góp ý: điểm nhóm 5 \"Mức độ hài lòng\" của Chỉ số 766 cùng "
                 "kỳ (0–18; mục I.4)",
            "E": "Niêm yết công khai TTHC: 1 khi niêm yết đầy đủ, 0 khi không (mục I.5)",
        },
        "k": "K từ 0 đến 22: trên 20 là hài lòng, dưới 20 là không hài lòng (mục II.2); "
             "\"—\" là không tính được, lý do ở dưới.",
        "late_note": "Trễ 1–5 NLV: số hồ sơ trễ hạn không quá 5 ngày làm việc — văn bản không "
                     "quy định điểm cho trường hợp này.",
        "reasons": "Vì sao không có K hoặc K sát ngưỡng", "staff": "Theo cán bộ",
        "staff_id": "Cán bộ", "notes": "Ghi chú chung",
        "cards": "Thẻ điểm Chỉ số 766 cùng kỳ (nguồn của D)",
        "rejected_rows": "Dòng dữ liệu bị loại", "file": "Tệp", "line": "Dòng",
        "field": "Trường", "value": "Giá trị", "reason": "Lý do",
    },
    "en": {
        "title": "Satisfaction index — HCMC Decision 104/2024/QĐ-UBND",
        "period": "Period", "as_of": "Evaluated at", "policy": "Policy",
        "input": "Input", "read": "read", "accepted": "accepted", "rejected": "rejected",
        "k_table": "K = A + B + C + D + E by unit", "unit": "Unit", "verdict": "Verdict",
        "late": "Late 1–5 WD", "legend": "How to read it",
        "parts": {
            "A": "Time to resolve: dossiers on time / dossiers resolved (0–1; item I.1)",
            "B": "Guidance to complete the dossier: dossiers returned or paused at most once / "
                 "dossiers (0–1; item I.2)",
            "C": "Staff attitude: \"good\" ratings / ratings (0–1; item I.3)",
            "D": "Handling of feedback: the Decision 766 group 5 SATISFACTION points for the "
                 "same period (0–18; item I.4)",
            "E": "Public posting of procedures: 1 when posted in full, else 0 (item I.5)",
        },
        "k": "K runs from 0 to 22: above 20 is satisfied, below 20 not satisfied (item II.2); "
             "\"—\" is not computed, with the reason below.",
        "late_note": "Late 1–5 WD: dossiers late by at most 5 working days — the decision gives "
                     "no points for this case.",
        "reasons": "Why K is missing or at the threshold", "staff": "By staff member",
        "staff_id": "Staff", "notes": "General notes",
        "cards": "Decision 766 scorecards for the same period (the source of D)",
        "rejected_rows": "Rejected input rows", "file": "File", "line": "Line",
        "field": "Field", "value": "Value", "reason": "Reason",
    },
}

_CSS_EXTRA = """
dl.legend { display: grid; grid-template-columns: 2em 1fr; gap: 1pt 6pt; margin: 4pt 0 8pt; }
dl.legend dt { font-weight: 700; } dl.legend dd { margin: 0; }
section.hcm tbody th, section.staff tbody th { font-weight: 400; background: transparent; }
.verdict-SATISFIED { color: #1d6b3f; font-weight: 700; white-space: nowrap; }
.verdict-NOT_SATISFIED { color: #a11d1d; font-weight: 700; white-space: nowrap; }
section.cards > h2 { break-before: page; }
"""


def _e(text: object) -> str:
    return page.escape(text)


def _row(label: str, r: Hcm104Result, lang: str, depth: int, uid: str) -> str:
    cells = "".join(f'<td class="num" data-part="{p}" '
                    f'data-value="{page.attr(r.parts[p].rounded)}">'
                    f"{fmt(r.parts[p].rounded, lang)}</td>" for p in _PARTS)
    comb = r.combined
    if comb.verdict is None:
        verdict = "<td>—</td>"
    else:
        verdict = (f'<td class="verdict-{comb.verdict.value}">'
                   f"{_e(comb.verdict.label(lang))}</td>")
    pad = "&nbsp;" * 3 * depth
    staff = f' data-staff="{_e(r.staff_id)}"' if r.staff_id is not None else ""
    return (f'<tr data-unit="{_e(uid)}"{staff} data-k="{page.attr(comb.rounded)}" '
            f'data-verdict="{_e("" if comb.verdict is None else comb.verdict.value)}">'
            f'<th scope="row">{pad}{_e(label)}</th>{cells}'
            f'<td class="num">{fmt(comb.rounded, lang)}</td>{verdict}'
            f'<td class="num">{r.late_within_5_working_days}</td></tr>')


_COLS = ("<colgroup><col style='width:31%'>" + "<col style='width:7.5%'>" * 6
         + "<col style='width:15%'><col style='width:9%'></colgroup>")


def _head(t: dict[str, Any], first: str) -> str:
    cols = (first, *_PARTS, "K", t["verdict"], t["late"])
    return _COLS + "<thead><tr>" + "".join(f'<th scope="col">{_e(c)}</th>' for c in cols) + \
        "</tr></thead>"


def render_hcm104_html(
    report: Hcm104Report,
    card: Scorecard | None = None,
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
) -> str:
    """The HCMC index page (a ``str``): header, K table, legend, reasons, staff, notes, rejected
    rows, then the 766 scorecards of ``card`` (the source of D) for the same units."""
    t = _T[lang]
    chosen = list(units) if units is not None else list(report.units)
    p = report.period
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f"<title>{_e(t['title'])}</title><style>{page.CSS}{_CSS_EXTRA}</style></head><body>",
           f"<h1>{_e(t['title'])}</h1>",
           f'<p class="meta">{t["period"]}: {_e(p.label)} ({p.start:%d/%m/%Y} – '
           f"{p.end:%d/%m/%Y}); {t['as_of']}: {report.as_of:%d/%m/%Y %H:%M}</p>",
           f'<p class="meta">{t["policy"]}: {_e(policy_text(report, lang))}</p>']
    inp = report.input
    if inp is not None:
        out.append(f'<p class="meta" data-read="{inp.read}" data-accepted="{inp.accepted}" '
                   f'data-rejected="{inp.rejected}">{t["input"]}: {t["read"]} {inp.read}, '
                   f"{t['accepted']} {inp.accepted}, {t['rejected']} {inp.rejected}</p>")

    # The K table, the legend and the reasons come first: they are what the page is about.
    out.append(f'<section class="hcm"><h2>{_e(t["k_table"])}</h2>'
               f"<table>{_head(t, t['unit'])}<tbody>")
    reasons: list[tuple[str, str, str]] = []
    for uid in chosen:
        r = report.units[uid]
        out.append(_row(f"{uid} {r.name}".strip(), r, lang, report.depth.get(uid, 0), uid))
        if r.combined.reason is not None:
            reasons.append((uid, r.name, note_text(r.combined.reason, lang)))
    out.append("</tbody></table>")
    out.append(f'<h3>{_e(t["legend"])}</h3><dl class="legend">')
    out.extend(f"<dt>{code}</dt><dd>{_e(t['parts'][code])}</dd>" for code in _PARTS)
    out.append(f"<dt>K</dt><dd>{_e(t['k'])}</dd></dl>")
    out.append(f'<p class="note">{_e(t["late_note"])}</p>')
    if reasons:
        out.append(f'<h3>{_e(t["reasons"])} ({len(reasons)})</h3><ul class="reasons">')
        out.extend(f'<li data-unit="{_e(uid)}"><strong>{_e(uid)}</strong> {_e(name)}: '
                   f"{_e(text)}</li>" for uid, name, text in reasons)
        out.append("</ul>")
    out.append("</section>")

    if report.staff is not None:
        out.append(f'<section class="staff"><h2>{_e(t["staff"])}</h2>'
                   f"<table>{_head(t, t['staff_id'])}<tbody>")
        for uid in chosen:
            for s in report.staff.get(uid, ()):
                out.append(_row(f"{uid} · {s.staff_id}", s, lang, 0, uid))
        out.append("</tbody></table></section>")

    if report.notes:
        items = "\n".join(f"<li>{_e(note_text(n, lang))}</li>" for n in report.notes)
        out.append(f"<section class='notes'><h2>{_e(t['notes'])}</h2><ul>{items}</ul>"
                   "</section>")
    if inp is not None and inp.rejected:
        rows = "\n".join(
            f"<tr><td>{_e(r.file)}</td><td class='num'>{r.line}</td><td>{_e(r.field)}</td>"
            f"<td>{_e(r.value)}</td><td>{_e(reason_text(r.reason, lang))}</td></tr>"
            for r in inp.rejections[:500])
        out.append(f'<section class="rejected"><h2>{_e(t["rejected_rows"])} ({inp.rejected})'
                   f"</h2><table>{page.rejected_head(t)}<tbody>{rows}</tbody></table>"
                   "</section>")

    if card is not None:
        out.append(f'<section class="cards"><h2>{_e(t["cards"])}</h2>')
        out.extend(page.unit_section(card.units[u], lang) for u in chosen if u in card.units)
        out.append("</section>")
    # One element per line, so that a changed number is a one-line diff in a golden file.
    return "\n".join(out) + "\n</body></html>\n"
