"""Notebook views of scorecards: rows for data frames (pandas or polars, imported only when a
frame is asked for) and the small HTML tables Jupyter shows (``_repr_html_``).

* :func:`summary_rows` — one row per unit: unit, name, total, band and each group's points.
* :func:`criteria_rows` — one row per unit and criterion, with the unit's name, the ratio as a
  0–1 number and criterion 2.2's mean working days in a column of its own.
* :func:`to_frame` — rows to a ``pandas`` (default) or ``polars`` DataFrame.
* :func:`scorecard_html`, :func:`unit_html` — tables with a caption (what, which period, as of
  when), a header row (``<th scope="col">``) and one row per unit or criterion.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError
from .fmt import count, fmt
from .json_report import number

if TYPE_CHECKING:
    from ..scoring import Scorecard, UnitScorecard

__all__ = ["FRAME_BACKENDS", "criteria_rows", "scorecard_html", "summary_rows", "to_frame",
           "unit_html"]

#: The data frame libraries :func:`to_frame` can build (each an optional extra).
FRAME_BACKENDS = ("pandas", "polars")

#: The criterion whose "ratio" is a mean number of working days (QĐ 766, Phụ lục, nhóm 2
#: tiêu chí 2; docs/rules.md "The criteria"), not a proportion.
_DAYS = "AVERAGE_PROCESSING_TIME"

_L = {
    "vi": {"title": "Chỉ số 766", "period": "kỳ", "as_of": "đánh giá tại", "unit": "Mã đơn vị",
           "name": "Tên đơn vị", "total": "Tổng điểm", "band": "Xếp loại",
           "criterion": "Tiêu chí", "nd": "Tử/Mẫu", "ratio": "Tỷ lệ", "points": "Điểm",
           "max": "Tối đa"},
    "en": {"title": "Decision 766 index", "period": "period", "as_of": "evaluated at",
           "unit": "Unit id", "name": "Unit name", "total": "Total", "band": "Band",
           "criterion": "Criterion", "nd": "n/d", "ratio": "Ratio", "points": "Points",
           "max": "Max"},
}


def summary_rows(card: Scorecard, lang: str = "vi") -> list[dict[str, Any]]:
    """One row per unit (tree pre-order): ``unit_id, name, level, parent_id, total, band,
    band_label`` and one column per group code (``TRANSPARENCY`` … ``SATISFACTION``) with the
    group's points, as published (2 decimals)."""
    rows = []
    for u in card.units.values():
        row: dict[str, Any] = {
            "unit_id": u.unit_id, "name": u.name,
            "level": None if u.level is None else u.level.value, "parent_id": u.parent_id,
            "total": number(u.total), "band": u.band.value, "band_label": _band(u, lang),
        }
        for g in u.groups.values():
            row[g.code] = number(g.points)
        rows.append(row)
    return rows


def criteria_rows(units: Iterable[UnitScorecard], lang: str = "vi") -> list[dict[str, Any]]:
    """One row per unit and criterion: ``unit_id, unit_name, group, part, code, number, name,
    numerator, denominator`` (``None`` when no counts are published: 4.6 by default), ``ratio``
    (0–1; ``None`` without a denominator, and for 2.2),
    ``days`` (2.2's mean working days per dossier; ``None`` for the others), ``points, max,
    note``."""
    out = []
    for u in units:
        for code, r in u.criteria.items():
            c = r.criterion
            days = code == _DAYS
            out.append({
                "unit_id": u.unit_id, "unit_name": u.name, "group": c.group, "part": c.part,
                "code": code, "number": c.number,
                "name": c.name_en if lang == "en" else c.name_vi,
                "numerator": number(r.shown_numerator),
                "denominator": number(r.shown_denominator),
                "ratio": None if days or r.ratio is None else float(r.ratio),
                "days": float(r.ratio) if days and r.ratio is not None else None,
                "points": number(r.points),
                "max": number(c.max_points) if c.scored else None,
                "note": "; ".join(n.text(lang) for n in r.notes) or None,
            })
    return out


def to_frame(rows: Sequence[dict[str, Any]], backend: str = "pandas", *,
             columns: Sequence[str] | None = None) -> Any:
    """``rows`` as a DataFrame of ``backend`` (``"pandas"`` or ``"polars"``), columns in the
    rows' order (or ``columns`` when there are no rows)."""
    if backend not in FRAME_BACKENDS:
        raise PolicyError(f"must be one of {', '.join(FRAME_BACKENDS)}", record="to_frame",
                          field="backend", value=backend)
    names = list(rows[0]) if rows else list(columns or ())
    try:
        if backend == "polars":
            import polars as pl

            return pl.DataFrame(list(rows), schema=names, infer_schema_length=None) \
                if rows else pl.DataFrame(schema=names)
        import pandas as pd

        return pd.DataFrame(list(rows), columns=names)
    except ImportError:
        raise PolicyError(f"to_frame() needs {backend}: pip install 'chiso766[{backend}]'",
                          record="to_frame", field="backend", value=backend) from None


def _band(u: UnitScorecard, lang: str) -> str:
    return u.band.label(lang)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _depths(card: Scorecard) -> dict[str, int]:
    depth: dict[str, int] = {}
    for uid, u in card.units.items():  # pre-order: a parent comes before its children
        depth[uid] = depth[u.parent_id] + 1 if u.parent_id in depth else 0
    return depth


def scorecard_html(card: Scorecard, lang: str = "vi") -> str:
    """Every unit on one line — total, band and the five groups' points — under a caption with
    the rule set, the period and the evaluation moment."""
    t = _L[lang]
    caption = f"{t['title']} ({_e(card.rules.name)})"
    if card.period is not None:
        p = card.period
        caption += (f" — {t['period']} {_e(p.label)} "
                    f"({p.start:%d/%m/%Y}–{p.end:%d/%m/%Y})")
    if card.as_of is not None:
        caption += f", {t['as_of']} {card.as_of:%d/%m/%Y %H:%M}"
    groups = list(card.rules.groups)
    head = "".join(f'<th scope="col">{_e(h)}</th>'
                   for h in (t["unit"], t["name"], t["total"], t["band"]))
    head += "".join(f'<th scope="col">{g.number}. {_e(g.name_en if lang == "en" else g.name_vi)}'
                    "</th>" for g in groups)
    depth = _depths(card)
    body = []
    for uid, u in card.units.items():
        pad = "&nbsp;" * 2 * depth.get(uid, 0)
        cells = "".join(f'<td style="text-align:right">{fmt(u.groups[g.code].points, lang)}'
                        f"</td>" for g in groups)
        body.append(f'<tr><th scope="row" style="text-align:left">{pad}{_e(uid)}</th>'
                    f'<td style="text-align:left">{_e(u.name)}</td>'
                    f'<td style="text-align:right">{fmt(u.total, lang)}</td>'
                    f"<td>{_e(_band(u, lang))}</td>{cells}</tr>")
    return (f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def unit_html(card: UnitScorecard, lang: str = "vi") -> str:
    """One unit's criteria under its groups, with a caption (unit, total, band) and a header
    row."""
    t = _L[lang]
    head = "".join(f'<th scope="col">{_e(h)}</th>'
                   for h in (t["criterion"], t["nd"], t["ratio"], t["points"], t["max"]))
    rows = []
    for g in card.groups.values():
        gname = g.name_en if lang == "en" else g.name_vi
        rows.append(f'<tr><th scope="rowgroup" colspan="3" style="text-align:left">{g.number}. '
                    f'{_e(gname)}</th><td style="text-align:right">{fmt(g.points, lang)}</td>'
                    f'<td style="text-align:right">{count(int(g.max_points), lang)}</td></tr>')
        codes = [c for p in g.parts for c in p.criteria] if g.parts else list(g.criteria)
        for code in codes:
            r = card.criteria[code]
            c = r.criterion
            if code == _DAYS:
                ratio = fmt(r.ratio, lang) if r.ratio is not None else "—"
            else:
                ratio = f"{fmt(r.percent, lang)}%" if r.percent is not None else "—"
            name = c.name_en if lang == "en" else c.name_vi
            rows.append(
                f'<tr><td style="text-align:left">{_e(c.number)} {_e(name)}</td>'
                f'<td style="text-align:right">{count(r.shown_numerator, lang)}/'
                f"{count(r.shown_denominator, lang)}</td>"
                f'<td style="text-align:right">{ratio}</td>'
                f'<td style="text-align:right">{fmt(r.points, lang) if c.scored else ""}</td>'
                f'<td style="text-align:right">{count(c.max_points, lang) if c.scored else ""}'
                f"</td></tr>")
    caption = (f"{_e(card.unit_id)} {_e(card.name)} — {t['total']} {fmt(card.total, lang)}/"
               f"{count(int(card.max_total), lang)} ({_e(_band(card, lang))})")
    return (f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
