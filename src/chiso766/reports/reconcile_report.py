"""Reports of the portal check and of the reconciliation (docs/portal.md): text table, JSON, CSV,
self-contained HTML and an Excel workbook, Vietnamese by default."""

from __future__ import annotations

import html
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .fmt import cut, fmt, note_text, number_text
from .json_report import number
from .text import CsvWriter, terminal_text

if TYPE_CHECKING:
    from ..portal import PortalSnapshot, Verification
    from ..reconcile import Reconciliation, ReconciliationRow

__all__ = [
    "CSV_HEADER",
    "reconciliation_csv",
    "reconciliation_html",
    "reconciliation_table",
    "reconciliation_to_dict",
    "reconciliation_xlsx",
    "verification_table",
    "verification_to_dict",
]

_L = {
    "vi": {
        "verify": "Kiểm tra số liệu Cổng DVCQG: tính lại điểm từ tử số, mẫu số đã công bố",
        "files": "Phản hồi đã đọc", "units": "đơn vị", "checked": "số đã so",
        "diffs": "chênh lệch",
        "none": "Không có chênh lệch: mọi điểm Cổng công bố khớp với phép tính lại (đến 0,01 "
        "điểm).",
        "notes": "Ghi chú", "recon": "Đối chiếu số liệu Cổng DVCQG với dữ liệu của đơn vị",
        "period": "Kỳ", "head": ("Tiêu chí", "Cổng t/m", "Đơn vị t/m", "Cổng", "Đơn vị", ""),
        "only_portal": "Đơn vị chỉ có trên Cổng", "only_library": "Đơn vị chỉ có trong dữ liệu",
        "matched": "đơn vị khớp mã", "ids": "hồ sơ của đơn vị",
        "status": {"same": "khớp", "different": "KHÁC", "not_published": "Cổng không công bố"},
        "card": "Tổng thẻ", "unit": "Đơn vị", "criterion": "Tiêu chí",
        "explain": "Giải thích",
    },
    "en": {
        "verify": "National portal check: points recomputed from the published counts",
        "files": "Responses read", "units": "units", "checked": "numbers compared",
        "diffs": "differences", "none": "No differences: the portal's arithmetic checks to the "
        "cent.", "notes": "Notes",
        "recon": "Reconciliation: the national portal's numbers beside your records'",
        "period": "Period", "head": ("Criterion", "Portal n/d", "Records n/d", "Portal",
                                     "Records", ""),
        "only_portal": "Units on the portal only", "only_library": "Units in your records only",
        "matched": "units matched by code", "ids": "your records",
        "status": {"same": "same", "different": "DIFFERS", "not_published": "not published"},
        "card": "Card total", "unit": "Unit", "criterion": "Criterion", "explain": "Meaning",
    },
}


def _lab(lang: str) -> dict[str, Any]:
    return _L["en" if lang == "en" else "vi"]


# ---------------------------------------------------------------------------------------------
# verify


def verification_to_dict(v: Verification, lang: str = "vi",
                         snapshot: PortalSnapshot | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ok": v.ok, "units": v.units, "checked": v.checked,
        "differences": [{
            "unit_id": d.unit_id, "unit_code": d.unit_code, "name": d.name, "code": d.code,
            "what": d.what, "published": number(d.published), "recomputed": number(d.recomputed),
            "file": d.file, "key": d.key, "message": d.message(lang)} for d in v.differences],
        "notes": [n.text(lang) for n in v.notes],
    }
    if snapshot is not None:
        out["files"] = dict(snapshot.files)
        out["snapshot_notes"] = [n.text(lang) for n in snapshot.notes]
    return out


def verification_table(v: Verification, snapshot: PortalSnapshot, lang: str = "vi") -> str:
    lab = _lab(lang)
    lines = [lab["verify"], ""]
    lines.append(f"{lab['files']}:")
    for card, file in snapshot.files.items():
        lines.append(f"  {card:<31} {file}")
    lines.append("")
    lines.append(f"{v.units} {lab['units']}, {v.checked} {lab['checked']}, "
                 f"{len(v.differences)} {lab['diffs']}")
    lines.append("")
    if v.ok:
        lines.append(lab["none"])
    for d in v.differences:
        lines.append(f"  ✗ {d.message(lang)}  [{d.file}: {d.key}]")
    notes = [n.text(lang) for n in v.notes + snapshot.notes]
    if notes:
        lines += ["", f"{lab['notes']}:"] + [f"  - {n}" for n in notes]
    return "\n".join(terminal_text(line) for line in lines) + "\n"


# ---------------------------------------------------------------------------------------------
# reconcile


def _count(value: Any) -> int | float | None:
    return number(value)


def _row_dict(r: ReconciliationRow, lang: str, include_ids: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": r.code, "number": r.number or None, "status": r.status,
        "portal": {"numerator": r.portal_numerator, "denominator": r.portal_denominator,
                   "points": number(r.portal_points), "quality": r.quality},
        "library": {"numerator": _count(r.library_numerator),
                    "denominator": _count(r.library_denominator),
                    "points": number(r.library_points)},
        "difference": {"numerator": r.numerator_difference,
                       "denominator": r.denominator_difference,
                       "points": number(r.points_difference)},
        "explanation": [n.text(lang) for n in r.notes],
    }
    if include_ids:
        out["ids"] = None if r.ids is None else list(r.ids)
        out["ids_side"] = r.ids_side
    return out


def reconciliation_to_dict(rec: Reconciliation, lang: str = "vi",
                           include_ids: bool = False) -> dict[str, Any]:
    units = []
    for m in rec.matched:
        assert m.portal is not None and m.unit_id is not None
        rows = rec.unit_rows(m.unit_id)
        units.append({
            "unit_id": m.unit_id, "portal_code": m.portal.code,
            "portal_department_id": m.portal.department_id, "name": m.name,
            "differences": sum(1 for r in rows if r.differs),
            "rows": [_row_dict(r, lang, include_ids) for r in rows],
        })
    period = rec.period
    return {
        "period": None if period is None else {"start": period.start.isoformat(),
                                               "end": period.end.isoformat()},
        "differences": len(rec.differences),
        "units": units,
        "only_portal": [{"department_id": u.department_id, "code": u.code, "name": u.name}
                        for u in rec.only_portal],
        "only_library": [{"unit_id": m.unit_id, "name": m.name} for m in rec.only_library],
        "notes": [n.text(lang) for n in rec.notes],
    }


def _nd(n: Any, d: Any, lang: str = "vi") -> str:
    if n is None and d is None:
        return "—"
    return f"{number_text(n, lang, places=None)}/{number_text(d, lang, places=None)}"


def _label(r: ReconciliationRow, lang: str) -> str:
    if not r.number:
        return f"{_lab(lang)['card']} {r.code}"
    return f"{r.number} {r.code}"


def reconciliation_table(rec: Reconciliation, lang: str = "vi", include_ids: bool = False,
                         all_rows: bool = True) -> str:
    lab = _lab(lang)
    lines = [lab["recon"]]
    if rec.period is not None:
        lines.append(f"{lab['period']}: {rec.period.start:%d/%m/%Y} – {rec.period.end:%d/%m/%Y}")
    lines.append(f"{len(rec.matched)} {lab['matched']}, {len(rec.differences)} {lab['diffs']}")
    fmt_row = "{:<44} {:>15} {:>15} {:>7} {:>7}  {}"
    for m in rec.matched:
        assert m.portal is not None and m.unit_id is not None
        lines += ["", f"{m.unit_id} ↔ {m.portal.key} — {m.name}",
                  fmt_row.format(*lab["head"])]
        for r in rec.unit_rows(m.unit_id):
            if not all_rows and not r.differs:
                continue
            lines.append(fmt_row.format(
                cut(_label(r, lang), 44), _nd(r.portal_numerator, r.portal_denominator, lang),
                _nd(r.library_numerator, r.library_denominator, lang), fmt(r.portal_points, lang),
                fmt(r.library_points, lang), lab["status"][r.status]))
            if r.status == "different":
                for n in r.notes:
                    lines.append(f"      ↳ {n.text(lang)}")
            if include_ids and r.ids is not None:
                shown = ", ".join(r.ids[:20]) + (f" … (+{len(r.ids) - 20})"
                                                 if len(r.ids) > 20 else "")
                lines.append(f"      ↳ {lab['ids']} ({r.ids_side}): {shown or '—'}")
    if rec.only_portal:
        lines += ["", f"{lab['only_portal']}:"]
        lines += [f"  {u.key:<40} {u.name}" for u in rec.only_portal]
    if rec.only_library:
        lines += ["", f"{lab['only_library']}:"]
        lines += [f"  {m.unit_id or '':<40} {m.name}" for m in rec.only_library]
    if rec.notes:
        lines += ["", f"{lab['notes']}:"] + [f"  - {note_text(n, lang)}" for n in rec.notes]
    return "\n".join(terminal_text(line) for line in lines) + "\n"


CSV_HEADER = ("unit_id", "portal_code", "name", "code", "number", "status", "portal_numerator",
              "portal_denominator", "portal_points", "library_numerator", "library_denominator",
              "library_points", "numerator_difference", "denominator_difference",
              "points_difference", "quality", "explanation", "ids_side", "ids")


def _cell(value: Any) -> Any:
    """A CSV value: a Decimal as its JSON number; numbers stay numbers (a negative difference
    is not quoted), text goes through :func:`~chiso766.reports.text.csv_cells`."""
    if isinstance(value, Decimal):
        return number(value)
    return value


def _flat(r: ReconciliationRow, lang: str, include_ids: bool) -> list[Any]:
    return [r.unit_id, r.portal_code, r.name, r.code, r.number, r.status, r.portal_numerator,
            r.portal_denominator, number(r.portal_points), _count(r.library_numerator),
            _count(r.library_denominator), number(r.library_points), r.numerator_difference,
            r.denominator_difference, number(r.points_difference), r.quality,
            "; ".join(n.text(lang) for n in r.notes),
            r.ids_side if include_ids else None,
            " ".join(r.ids) if include_ids and r.ids is not None else None]


def reconciliation_csv(rec: Reconciliation, lang: str = "vi", include_ids: bool = False) -> str:
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.writerow(CSV_HEADER)
    for r in rec.rows:
        w.writerow(_cell(x) for x in _flat(r, lang, include_ids))
    for u in rec.only_portal:
        w.writerow([_cell(x) for x in ("", u.key, u.name, "", "", "only_portal")]
                   + [""] * (len(CSV_HEADER) - 6))
    for m in rec.only_library:
        w.writerow([_cell(x) for x in (m.unit_id, "", m.name, "", "", "only_library")]
                   + [""] * (len(CSV_HEADER) - 6))
    return buf.getvalue()


_CSS = """
body { font-family: "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #1b1f24; margin: 0 auto; max-width: 260mm; padding: 8mm; }
h1 { font-size: 16pt; } h2 { font-size: 12pt; border-bottom: 2px solid #1f5fa8; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin-bottom: 10pt; }
th, td { border: 1px solid #c9d1d9; padding: 2pt 4pt; vertical-align: top; }
th { background: #eef3f8; text-align: left; } td.num { text-align: right; white-space: nowrap; }
tr.different td { background: #fff4e5; } .note { color: #5a6570; font-size: 8.5pt; }
"""


def reconciliation_html(rec: Reconciliation, lang: str = "vi", include_ids: bool = False) -> str:
    lab = _lab(lang)

    def e(text: str) -> str:
        return html.escape(terminal_text(text))

    parts = [f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8">'
             f"<title>{e(lab['recon'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(lab['recon'])}</h1>"]
    if rec.period is not None:
        parts.append(f"<p>{e(lab['period'])}: {rec.period.start:%d/%m/%Y} – "
                     f"{rec.period.end:%d/%m/%Y}</p>")
    parts.append(f"<p>{len(rec.matched)} {e(lab['matched'])}, "
                 f'<span data-differences="{len(rec.differences)}">{len(rec.differences)}</span> '
                 f"{e(lab['diffs'])}</p>")
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in lab["head"][:5]) + \
        f'<th scope="col">{e(lab["explain"])}</th>'
    for m in rec.matched:
        assert m.portal is not None and m.unit_id is not None
        parts.append(f"<h2>{e(m.unit_id)} ↔ {e(m.portal.key)} — {e(m.name)}</h2>")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for r in rec.unit_rows(m.unit_id):
            notes = "<br>".join(e(n.text(lang)) for n in r.notes)
            if include_ids and r.ids is not None:
                notes += f"<br>{e(lab['ids'])} ({e(r.ids_side or '')}): {e(' '.join(r.ids))}"
            parts.append(
                f'<tr class="{e(r.status)}" data-code="{e(r.code)}" data-status="{e(r.status)}">'
                f"<td>{e(_label(r, lang))}</td>"
                f'<td class="num">{e(_nd(r.portal_numerator, r.portal_denominator, lang))}</td>'
                f'<td class="num">{e(_nd(r.library_numerator, r.library_denominator, lang))}</td>'
                f'<td class="num">{e(fmt(r.portal_points, lang))}</td>'
                f'<td class="num">{e(fmt(r.library_points, lang))}</td>'
                f'<td><b>{e(lab["status"][r.status])}</b> <span class="note">{notes}</span>'
                "</td></tr>")
        parts.append("</tbody></table>")
    for title, items in ((lab["only_portal"], [(u.key, u.name) for u in rec.only_portal]),
                         (lab["only_library"], [(m.unit_id or "", m.name)
                                                for m in rec.only_library])):
        if items:
            parts.append(f"<h2>{e(title)}</h2><ul>")
            parts += [f"<li>{e(k)} — {e(n)}</li>" for k, n in items]
            parts.append("</ul>")
    if rec.notes:
        parts.append(f"<h2>{e(lab['notes'])}</h2><ul>")
        parts += [f"<li>{e(note_text(n, lang))}</li>" for n in rec.notes]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def reconciliation_xlsx(rec: Reconciliation, lang: str = "vi", include_ids: bool = False) -> \
        bytes:
    """The reconciliation as a workbook: one row per unit and criterion, then the units found
    on one side only. Text is stored as text (never a formula), the bytes are the same for the
    same input (:func:`chiso766.reports.xlsx.workbook_bytes`)."""
    from .xlsx import add_row, finish, load_openpyxl, new_sheet, workbook_bytes

    openpyxl = load_openpyxl()
    lab = _lab(lang)
    book = openpyxl.Workbook()
    ws = new_sheet(book, "Đối chiếu" if lang != "en" else "Reconciliation", CSV_HEADER,
                   first=True)
    for r in rec.rows:
        add_row(ws, _flat(r, lang, include_ids), {8: "0.00", 11: "0.00", 14: "0.00"})
    side = new_sheet(book, "Một phía" if lang != "en" else "One side only",
                     (lab["unit"], "name", "side"))
    for u in rec.only_portal:
        add_row(side, [u.key, u.name, "only_portal"])
    for m in rec.only_library:
        add_row(side, [m.unit_id, m.name, "only_library"])
    finish(book, [ws, side])
    moment = None
    if rec.period is not None:
        from datetime import datetime

        moment = datetime.combine(rec.period.end, datetime.min.time())
    return workbook_bytes(book, moment)
