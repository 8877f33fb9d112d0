"""Scorecards as CSV: one row per unit and line of the card (total, group, part, criterion)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ..rounding import half_up
from .json_report import number, whole

if TYPE_CHECKING:
    from ..scoring import Scorecard

__all__ = ["HEADER", "scorecard_csv"]

HEADER = ("unit_id", "unit_name", "kind", "code", "number", "name", "numerator", "denominator",
          "ratio", "points", "max", "band", "note")


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def scorecard_csv(card: Scorecard, lang: str = "vi", units: list[str] | None = None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for uid in units if units is not None else list(card.units):
        u = card.units[uid]
        w.writerow([u.unit_id, u.name, "total", "TOTAL", "", "", "", "", "",
                    number(u.total), whole(u.max_total), u.band.value, ""])
        for g in u.groups.values():
            name = g.name_en if lang == "en" else g.name_vi
            w.writerow([u.unit_id, u.name, "group", g.code, g.number, name, "", "", "",
                        number(g.points), whole(g.max_points), "", ""])
            for p in g.parts:
                pname = p.name_en if lang == "en" else p.name_vi
                w.writerow([u.unit_id, u.name, "part", p.code, "", pname, "", "", "",
                            number(p.points), whole(p.max_points), "", ""])
            for code in g.criteria:
                r = u.criteria[code]
                c = r.criterion
                ratio = r.percent
                if c.code == "AVERAGE_PROCESSING_TIME" and r.ratio is not None:
                    ratio = half_up(r.ratio)  # the mean, as in the JSON report
                w.writerow([u.unit_id, u.name, "criterion", c.code, c.number,
                            c.name_en if lang == "en" else c.name_vi,
                            _cell(number(r.numerator)), _cell(number(r.denominator)),
                            _cell(number(ratio)), _cell(number(r.points)),
                            number(c.max_points), "",
                            "; ".join(n.text(lang) for n in r.notes)])
    return buf.getvalue()
