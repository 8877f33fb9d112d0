"""Explanations of a scorecard in words, and what it would take to reach the next band."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from .criteria.base import Count
from .errors import PolicyError
from .rules import Conversion, ZeroRule

if TYPE_CHECKING:
    from .scoring import CriterionResult, NextBandStep, UnitScorecard

__all__ = ["explain_code", "next_band_steps"]


def _dec(value: Decimal | Fraction | int | None, lang: str) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value):.2f}" if isinstance(value, Decimal) else f"{float(value):.2f}"
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        text = str(int(value))
    return text.replace(".", ",") if lang == "vi" else text


def _num(value: int | Fraction, lang: str) -> str:
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    return _dec(value, lang)


def _criterion_text(r: CriterionResult, lang: str) -> str:
    c = r.criterion
    vi = lang != "en"
    name = c.name_vi if vi else c.name_en
    head = f"{c.number} {name}"
    parts: list[str] = []
    if c.conversion is Conversion.ANALYSIS:
        ratio = "—" if r.ratio is None else (
            _dec(r.ratio, lang) if c.code == "AVERAGE_PROCESSING_TIME"
            else f"{_dec(r.percent, lang)}%")
        parts.append(f"{_num(r.numerator, lang)}/{_num(r.denominator, lang)} → {ratio}")
        parts.append("chỉ để phân tích, không tính điểm" if vi else "analysis only, no points")
    elif r.ratio is None:
        rule = {ZeroRule.NULL: ("không có điểm", "no score"),
                ZeroRule.ZERO: ("0 điểm", "0 points"),
                ZeroRule.FULL: ("đạt tối đa", "full points")}[c.zero_rule]
        if r.exact is None and r.denominator:
            parts.append(f"{_num(r.numerator, lang)}/{_num(r.denominator, lang)}: "
                         + ("không có dữ liệu → không tính điểm" if vi else "no data → no score"))
        else:
            parts.append(("mẫu số bằng 0 → " if vi else "denominator 0 → ")
                         + (rule[0] if vi else rule[1]))
    else:
        ratio_text = f"{_num(r.numerator, lang)}/{_num(r.denominator, lang)}"
        count = r.count
        if count is not None and count.factor is not None:
            ratio_text += f" × {_dec(count.factor * 100, lang)}%"
        parts.append(f"{ratio_text} = {_dec(r.percent, lang)}%")
        parts.append(f"{c.describe_conversion(lang)} = {_dec(r.exact, lang)}"
                     f" → {_dec(r.points, lang)} " + ("điểm" if vi else "points"))
    parts.append(("tối đa " if vi else "max ") + _dec(c.max_points, lang))
    text = f"{head}: " + "; ".join(parts)
    if r.notes:
        text += " (" + "; ".join(n.text(lang) for n in r.notes) + ")"
    return text


def explain_code(card: UnitScorecard, code: str, lang: str = "vi") -> str:
    """Why a criterion, part, group or the total has its points."""
    if lang not in ("vi", "en"):
        raise PolicyError("must be 'vi' or 'en'", record="explain", field="lang", value=lang)
    vi = lang == "vi"
    if code in card.criteria:
        return _criterion_text(card.criteria[code], lang)
    for g in card.groups.values():
        for p in g.parts:
            if p.code == code:
                how = ("làm tròn theo cách Cổng DVCQG tính thẻ thanh toán" if vi
                       else "rounded as the portal computes the payment card") \
                    if p.code == "ONLINE_PAYMENT" else ("tổng điểm đã làm tròn của các tiêu chí"
                                                        if vi else "sum of rounded criteria")
                lines = [f"{p.name_vi if vi else p.name_en}: {_dec(p.points, lang)}/"
                         f"{_dec(p.max_points, lang)} ({how})"]
                lines += ["  " + _criterion_text(card.criteria[c], lang) for c in p.criteria]
                return "\n".join(lines)
    if code in card.groups:
        g = card.groups[code]
        lines = [f"{g.number}. {g.name_vi if vi else g.name_en}: {_dec(g.points, lang)}/"
                 f"{_dec(g.max_points, lang)}"]
        lines += ["  " + _criterion_text(card.criteria[c], lang) for c in g.criteria]
        return "\n".join(lines)
    if code == "TOTAL":
        label = card.band.label_vi if vi else card.band.value
        lines = [("Tổng điểm" if vi else "Total") + f": {_dec(card.total, lang)}/"
                 f"{_dec(card.max_total, lang)} → {label}"]
        lines += [f"  {g.number}. {g.name_vi if vi else g.name_en}: {_dec(g.points, lang)}/"
                  f"{_dec(g.max_points, lang)}" for g in card.groups.values()]
        return "\n".join(lines)
    raise PolicyError("not a group, part or criterion code of this scorecard",
                      record=f"Scorecard {card.unit_id}", field="code", value=code)


def next_band_steps(card: UnitScorecard) -> list[NextBandStep]:
    """For each scored criterion, the fewest records moved from its denominator into its
    numerator that would alone lift the total to the next band (binary search over re-scoring)."""
    from .scoring import NextBandStep, assemble

    rules = card.rules
    target = None
    for bound, _band in reversed(rules.bands):
        if Fraction(str(card.total)) < bound:
            target = bound
            break
    steps: list[NextBandStep] = []
    if target is None:
        return steps
    counts = {code: r.count or Count(r.numerator, r.denominator)
              for code, r in card.criteria.items()}

    def total_with(code: str, more: int) -> Decimal:
        base = counts[code]
        changed = dict(counts)
        changed[code] = attrs.evolve(base, numerator=base.numerator + more)
        return assemble(rules, changed, unit_id=card.unit_id).total

    for code, r in card.criteria.items():
        c = r.criterion
        if not c.scored:
            continue
        count = counts[code]
        room = count.denominator - count.numerator
        if count.no_data or count.denominator == 0 or count.ratio_given or room < 1 or \
                not isinstance(room, int):
            steps.append(NextBandStep(code, None, None, "không thể: không có bản ghi để cải thiện"))
            continue
        best = total_with(code, room)
        if Fraction(str(best)) < target:
            steps.append(NextBandStep(code, None, best,
                                      f"không thể: kể cả khi đạt hết {count.denominator} vẫn "
                                      f"chỉ được {best} điểm"))
            continue
        lo, hi = 1, room
        while lo < hi:
            mid = (lo + hi) // 2
            if Fraction(str(total_with(code, mid))) >= target:
                hi = mid
            else:
                lo = mid + 1
        new_total = total_with(code, lo)
        steps.append(NextBandStep(code, lo, new_total,
                                  f"thêm {lo} bản ghi đạt ở tiêu chí {c.number} → tổng "
                                  f"{new_total} điểm"))
    return steps
