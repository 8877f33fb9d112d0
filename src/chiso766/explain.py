"""Explanations of a scorecard in words, and what it would take to reach the next band."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from .criteria.base import Count
from .errors import PolicyError
from .reports.fmt import decimal_mark, number_text
from .rules import Conversion, ZeroRule, canonical_code

if TYPE_CHECKING:
    from .scoring import CriterionResult, NextBandStep, UnitScorecard

__all__ = ["explain_code", "next_band_steps"]


def _dec(value: Decimal | Fraction | int | None, lang: str) -> str:
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return str(int(value))
    return number_text(value, lang)


def _exact(value: Fraction | float, lang: str) -> str:
    """An exact value in full when it has at most 4 decimals (6 for a float's binary value),
    else cut there with "…" — never pre-rounded, so "= 5.625 → 5.63" and "= 3.944999… → 3.94"
    show where the rounding happens."""
    exact = Decimal(value) if isinstance(value, float) else \
        Decimal(value.numerator) / Decimal(value.denominator)
    places = Decimal("0.000001") if isinstance(value, float) else Decimal("0.0001")
    short = exact.quantize(places, rounding="ROUND_DOWN")
    text = f"{short.normalize():f}" if short == exact or (
        isinstance(value, Fraction) and value == Fraction(str(short))) else f"{short:f}…"
    return decimal_mark(text, lang)


def _portal_term(r: CriterionResult, lang: str) -> str:
    """The online-payment card's float pipeline for one criterion (docs/rules.md "Rounding")."""
    from .rounding import half_up

    c = r.criterion
    pct = half_up((r.ratio or Fraction(0)) * 100)
    value = float(c.coefficient) * float(pct) / 100
    coef = _exact(c.coefficient, lang)
    text = f"{coef} × {_dec(pct, lang)} / 100 = {_exact(value, lang)}"
    if c.coefficient * Fraction(pct) / 100 > c.max_points:
        text += f", {'tối đa' if lang != 'en' else 'capped at'} {_dec(c.max_points, lang)}"
    how = (" (cách tính thẻ thanh toán của Cổng DVCQG, số thực dấu phẩy động)" if lang != "en"
           else " (the portal's payment-card pipeline, in floating point)")
    return f"{text} → {_dec(r.points, lang)} " + ("điểm" if lang != "en" else "points") + how


def _num(value: int | Fraction, lang: str) -> str:
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    return _dec(value, lang)


def _criterion_line(r: CriterionResult, lang: str, portal: frozenset[str] = frozenset()) -> str:
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
    elif not r.counted:
        # 4.6 by default (docs/rules.md "4.6"): the portal shows it full and publishes no counts.
        parts.append(("không có tử số, mẫu số → " if vi else "no numerator or denominator → ")
                     + f"{_dec(r.points, lang)} " + ("điểm" if vi else "points"))
    elif r.ratio is None:
        rule = {ZeroRule.NULL: ("không có điểm", "no score"),
                ZeroRule.ZERO: ("0 điểm", "0 points"),
                ZeroRule.FULL: ("đạt tối đa", "full points")}[c.zero_rule]
        if r.exact is None and (r.denominator or (r.count is not None and r.count.no_data)):
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
        if c.part is not None and c.part in portal:
            parts.append(_portal_term(r, lang))
        else:
            exact = "—" if r.exact is None else _exact(r.exact, lang)
            parts.append(f"{c.describe_conversion(lang)} = {exact}"
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
    if not isinstance(code, str):
        raise PolicyError("must be a group, part or criterion code (str)",
                          record=f"Scorecard {card.unit_id}", field="code", value=code)
    code = canonical_code(code)  # the portal's 5.2 / 5.4 codes (docs/rules.md "Portal codes")
    portal = frozenset(p.code for g in card.rules.groups for p in g.parts
                       if p.rounding == "portal_float")

    def _criterion_text(r: CriterionResult, lang: str) -> str:
        return _criterion_line(r, lang, portal)

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
        label = card.band.label(lang)
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
    counts = {code: r.count or Count(r.numerator, r.denominator, counted=r.counted)
              for code, r in card.criteria.items()}

    def total_with(code: str, more: int) -> Decimal:
        base = counts[code]
        changed = dict(counts)
        changed[code] = new = attrs.evolve(base, numerator=base.numerator + more)
        online = changed.get("ONLINE_DOSSIERS")
        if code == "DOSSIER_SYNC" and online is not None and online.factor is not None:
            # 3.3 is multiplied by 1.4's ratio: more synced dossiers raise it too.
            changed["ONLINE_DOSSIERS"] = attrs.evolve(online, factor=new.effective_ratio)
        return assemble(rules, changed, unit_id=card.unit_id).total

    for code, r in card.criteria.items():
        c = r.criterion
        if not c.scored:
            continue
        count = counts[code]
        if not count.counted:
            # 4.6 by default: full points and no counts, nothing to gain (docs/rules.md "4.6").
            steps.append(NextBandStep(code, None, None, "không thể: tiêu chí không có tử số, mẫu "
                                      "số (Cổng DVCQG hiển thị đạt tối đa)"))
            continue
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
