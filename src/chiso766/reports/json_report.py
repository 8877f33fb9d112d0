"""The JSON envelope of docs/api.md: numbers rounded as docs/rules.md
"Rounding" says, ``null`` where there is no score."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..rounding import json_number

if TYPE_CHECKING:
    from ..scoring import CriterionResult, Scorecard, UnitScorecard

__all__ = ["dumps", "flat_object", "number", "rejection_dict", "scorecard_to_dict",
           "unit_to_dict", "whole"]


#: A JSON number: ints stay ints, Decimals become the float with the same digits
#: (:func:`chiso766.rounding.json_number`, beside the rounding the results use).
number = json_number


def whole(value: Decimal | Fraction | int) -> float | int | None:
    """A cap: an int when it is whole (``"max": 18``), else a float."""
    if isinstance(value, (Decimal, Fraction)) and value == int(value):
        return int(value)
    return number(value)


def _criterion(r: CriterionResult, lang: str, include_ids: bool) -> dict[str, Any]:
    c = r.criterion
    ratio = r.percent
    if c.code == "AVERAGE_PROCESSING_TIME" and r.ratio is not None:
        from ..rounding import half_up

        ratio = half_up(r.ratio)
    out: dict[str, Any] = {
        "code": c.code,
        "number": c.number,
        "name": c.name_en if lang == "en" else c.name_vi,
        "numerator": number(r.shown_numerator),  # null: no counts (4.6 by default)
        "denominator": number(r.shown_denominator),
        "ratio": number(ratio),
        "points": number(r.points),
        "max": whole(c.max_points),
        "conversion": c.conversion.value,
        "note": "; ".join(n.text(lang) for n in r.notes) or None,
    }
    if include_ids:
        out["numerator_ids"] = list(r.numerator_ids) if r.numerator_ids is not None else None
        out["denominator_ids"] = list(r.denominator_ids) if r.denominator_ids is not None \
            else None
    return out


def unit_to_dict(card: UnitScorecard, lang: str = "vi", include_ids: bool = False) -> \
        dict[str, Any]:
    groups = []
    for g in card.groups.values():
        entry: dict[str, Any] = {
            "code": g.code,
            "name": g.name_en if lang == "en" else g.name_vi,
            "points": number(g.points),
            "max": whole(g.max_points),
        }
        if g.parts:
            entry["criteria"] = []
            entry["parts"] = [
                {
                    "code": p.code,
                    "name": p.name_en if lang == "en" else p.name_vi,
                    "points": number(p.points),
                    "max": whole(p.max_points),
                    "criteria": [_criterion(card.criteria[c], lang, include_ids)
                                 for c in p.criteria],
                }
                for p in g.parts
            ]
        else:
            entry["criteria"] = [_criterion(card.criteria[c], lang, include_ids)
                                 for c in g.criteria]
        groups.append(entry)
    return {
        "unit_id": card.unit_id,
        "name": card.name,
        "level": card.level.value if card.level is not None else None,
        "parent_id": card.parent_id,
        "total": number(card.total),
        "max": whole(card.max_total),
        "band": card.band.value,
        "groups": groups,
    }


def scorecard_to_dict(
    card: Scorecard,
    lang: str = "vi",
    include_ids: bool = False,
    units: list[str] | None = None,
) -> dict[str, Any]:
    report = card.input
    chosen = units if units is not None else list(card.units)
    out: dict[str, Any] = {
        "ruleset": card.rules.name,
        "period": None if card.period is None else {
            "start": card.period.start.isoformat(), "end": card.period.end.isoformat()},
        "as_of": None if card.as_of is None else card.as_of.isoformat(timespec="seconds")
        + "+07:00",
        "units": [unit_to_dict(card.units[u], lang, include_ids) for u in chosen],
        "notes": [n.text(lang) for n in card.notes],
        "input": {"read": 0, "accepted": 0, "rejected": 0},
        "rejected": [],
    }
    if report is not None:
        out["input"] = {"read": report.read, "accepted": report.accepted,
                        "rejected": report.rejected}
        out["rejected"] = [rejection_dict(r) for r in report.rejections]
    return out


def rejection_dict(r: Any) -> dict[str, Any]:
    """A rejected row as the docs/api.md envelope lists it: file, line, field, value, reason."""
    return {"file": r.file, "line": r.line, "field": r.field, "value": r.value,
            "reason": r.reason}


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON text: same input, byte-identical output."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: How ``json.dumps(..., ensure_ascii=False)`` writes a string (the C encoder when there is one).
_TEXT = json.encoder.encode_basestring


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return str(_TEXT(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def flat_object(item: dict[str, Any], margin: str = "") -> str:
    """``json.dumps(item, ensure_ascii=False, indent=2)`` with every line after the first
    prefixed by ``margin``, for an object whose values are text, numbers, booleans, null or
    lists of those — the same text, without the pure-Python encoder ``indent`` takes (the
    audit's report writes one such object a dossier, a million of them at 1M rows)."""
    if not item:
        return "{}"
    inner = margin + "  "
    deeper = inner + "  "
    parts = []
    for key, value in item.items():
        if isinstance(value, list):
            text = ("[\n" + ",\n".join(deeper + _scalar(v) for v in value) + "\n" + inner + "]"
                    if value else "[]")
        else:
            text = _scalar(value)
        parts.append(f"{inner}{_TEXT(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n" + margin + "}"
