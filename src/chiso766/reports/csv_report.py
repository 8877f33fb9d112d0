"""Scorecards as CSV: one row per unit and line of the card (total, group, part, criterion)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ..rounding import half_up
from .fmt import note_text
from .json_report import number, whole
from .text import CsvWriter

if TYPE_CHECKING:
    from ..scoring import Scorecard

__all__ = ["HEADER", "scorecard_csv"]

HEADER = ("unit_id", "unit_name", "kind", "code", "number", "name", "numerator", "denominator",
          "ratio", "points", "max", "band", "note")


def scorecard_csv(card: Scorecard, lang: str = "vi", units: list[str] | None = None) -> str:
    buf = io.StringIO()
    writer = CsvWriter(buf)  # text from the input is quoted (reports.text)
    writer.writerow(HEADER)

    def row(*cells: object) -> None:
        writer.writerow(cells)

    for uid in units if units is not None else list(card.units):
        u = card.units[uid]
        row(u.unit_id, u.name, "total", "TOTAL", "", "", "", "", "", number(u.total),
            whole(u.max_total), u.band.value, "")
        for g in u.groups.values():
            name = g.name_en if lang == "en" else g.name_vi
            row(u.unit_id, u.name, "group", g.code, g.number, name, "", "", "",
                number(g.points), whole(g.max_points), "", "")
            for p in g.parts:
                pname = p.name_en if lang == "en" else p.name_vi
                row(u.unit_id, u.name, "part", p.code, "", pname, "", "", "",
                    number(p.points), whole(p.max_points), "", "")
            for code in g.criteria:
                r = u.criteria[code]
                c = r.criterion
                ratio = r.percent
                if c.code == "AVERAGE_PROCESSING_TIME" and r.ratio is not None:
                    ratio = half_up(r.ratio)  # the mean, as in the JSON report
                row(u.unit_id, u.name, "criterion", c.code, c.number,
                    c.name_en if lang == "en" else c.name_vi, number(r.shown_numerator),
                    number(r.shown_denominator), number(ratio), number(r.points),
                    number(c.max_points), "", "; ".join(note_text(n, lang) for n in r.notes))
    return buf.getvalue()
