"""HCMC Decision 104/2024/QĐ-UBND: the satisfaction index K = A + B + C + D + E (docs/rules.md
"HCMC Decision 104/2024").

Source: Quyết định 104/2024/QĐ-UBND ngày 19/11/2024 của UBND Thành phố Hồ Chí Minh, Phụ lục
"Chỉ số đánh giá chất lượng phục vụ người dân, tổ chức trong thực hiện thủ tục hành chính, dịch
vụ công trực tuyến trên địa bàn Thành phố":

* mục I.1 — A, thời gian giải quyết (per dossier resolved): on time 1, late by more than 5
  working days 0; A = points / dossiers resolved;
* mục I.2 — B, hướng dẫn hoàn thiện hồ sơ: returned or paused for supplementation at most once
  1, twice 0; B = points / dossiers evaluated;
* mục I.3 — C, thái độ cán bộ (per rating): "tốt" 1, "bình thường" 0; C = points / ratings;
* mục I.4 — D, phản hồi ý kiến góp ý: the feedback system's result, 0..18;
* mục I.5 — E, niêm yết công khai: 1 when posted in full, else 0;
* mục II — K = A+B+C+D+E (0..22); K above 20 "hài lòng", below 20 "không hài lòng".

Where the text is silent (a dossier 1–5 working days late, K exactly 20, a part without data,
the denominator of B) :class:`Hcm104Policy` names the choice and its default.

* :func:`combine` — K and the verdict from five part values.
* :func:`score` — every unit of a dataset (pooled over the unit's subtree, like Decision 766),
  and optionally every staff member, for one period.
* :func:`cli_command` — ``chiso766 hcm104``.

Everything is exact (:class:`~fractions.Fraction`); numbers are rounded half-up to 2 decimals
only when shown.
"""

from __future__ import annotations

import enum
import importlib.util
import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import attrs

from . import renderers
from .calendar import WorkingCalendar
from .criteria.base import Note, calendar_notes
from .deadlines import DEFAULT_POLICY as DEFAULT_DEADLINE_POLICY
from .deadlines import DeadlinePolicy, end_of_processing, judge, late_working_days
from .errors import Chiso766Error, InputError, MissingDataError, PolicyError, StrictLookup
from .periods import Period
from .policy import CountingPolicy
from .records import Dossier, Posting, Procedure, Rating, RatingValue, Unit, UnitLevel, to_local
from .rounding import half_up, json_number

if TYPE_CHECKING:
    import polars as pl

    from .io.dataset import Dataset
    from .scoring import Scorecard
    from .streaming import DossierStream

__all__ = [
    "PARTS",
    "Combined",
    "FolderScores",
    "Hcm104Policy",
    "Hcm104Report",
    "Hcm104Result",
    "PartScore",
    "PartValue",
    "Satisfaction",
    "combine",
    "score",
    "score_folder",
    "score_folder_with_766",
]

#: A part's value as a caller gives it: exact (int, Fraction, Decimal), a float (read by its
#: shortest decimal form), or None for no data.
PartValue = Fraction | Decimal | int | float | None

#: The five parts, in the order of the appendix (mục I.1–I.5).
PARTS: tuple[str, ...] = ("A", "B", "C", "D", "E")

#: mục I.1.2: "quá hạn trên 05 ngày làm việc: 0 điểm".
LATE_LIMIT_WORKING_DAYS = 5

#: mục II.2: "Số điểm K trên 20: hài lòng; dưới 20: không hài lòng".
K_THRESHOLD = Fraction(20)

_RANGES: Mapping[str, tuple[Fraction, Fraction]] = {
    "A": (Fraction(0), Fraction(1)),
    "B": (Fraction(0), Fraction(1)),
    "C": (Fraction(0), Fraction(1)),
    "D": (Fraction(0), Fraction(18)),
    "E": (Fraction(0), Fraction(1)),
}

_NAMES: Mapping[str, tuple[str, str]] = {
    "A": ("Thời gian giải quyết TTHC", "Time to resolve"),
    "B": ("Hướng dẫn hoàn thiện hồ sơ", "Guidance to complete the dossier"),
    "C": ("Thái độ của cán bộ, công chức", "Staff attitude"),
    "D": ("Phản hồi ý kiến góp ý (PAKN)", "Handling of feedback"),
    "E": ("Niêm yết công khai TTHC", "Public posting of procedures"),
}

_ENDED = ("finished_at", "returned_at", "stopped_at")

#: The start of the note a report carries when no dossier was resolved in its period.
NO_RESOLVED_EN = "no dossier was resolved in period"


class Satisfaction(StrictLookup, enum.Enum):
    """The verdict of QĐ 104/2024/QĐ-UBND, Phụ lục, mục II.2 ("xếp hạng mức độ hài lòng")."""

    SATISFIED = "SATISFIED"  #: hài lòng (K trên 20)
    NOT_SATISFIED = "NOT_SATISFIED"  #: không hài lòng (K dưới 20)

    @property
    def label_vi(self) -> str:
        return "hài lòng" if self is Satisfaction.SATISFIED else "không hài lòng"

    @property
    def label_en(self) -> str:
        return "satisfied" if self is Satisfaction.SATISFIED else "not satisfied"

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi


# ---------------------------------------------------------------------------------------------
# policy


def _as_fraction(value: object) -> Fraction:
    """An exact value from an int, Fraction, Decimal or float (a float by its shortest decimal
    form, so ``0.8`` is ``4/5``); anything else raises ``TypeError``/``ValueError``."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(value)
        return Fraction(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(value)
        return Fraction(repr(x))
    raise TypeError(value)


def _to_band_points(value: object) -> Fraction:
    """``late_within_5_working_days``: 0, 1 or 1/2, given as a number or as text."""
    points: Fraction | None = None
    try:
        if isinstance(value, str):
            points = Fraction(value.strip().replace(",", "."))
        elif not isinstance(value, bool):
            points = _as_fraction(value)
    except (ValueError, ZeroDivisionError, TypeError):
        points = None
    if points not in (Fraction(0), Fraction(1, 2), Fraction(1)):
        raise PolicyError("must be 0, 1 or 1/2 (points for a dossier late by 1–5 working days)",
                          record="Hcm104Policy", field="late_within_5_working_days", value=value)
    assert points is not None
    return points


def _to_satisfaction(value: object) -> Satisfaction:
    if isinstance(value, Satisfaction):
        return value
    if isinstance(value, str) and value.strip().upper() in Satisfaction.__members__:
        return Satisfaction[value.strip().upper()]
    raise PolicyError("must be SATISFIED or NOT_SATISFIED", record="Hcm104Policy",
                      field="k_equal_20", value=value)


def _one_of(*options: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in options:
            raise PolicyError(f"must be one of {', '.join(options)}", record="Hcm104Policy",
                              field=attribute.name, value=value)
    return check


@attrs.define(frozen=True, slots=True)
class Hcm104Policy:
    """The choices QĐ 104/2024/QĐ-UBND leaves open (docs/rules.md "HCMC Decision 104/2024"). Every
    default is deliberate.

    * ``late_within_5_working_days`` (default ``0``; alternatives ``1``, ``1/2``) — Phụ lục,
      mục I.1 gives 1 point "trong hạn" and 0 "quá hạn trên 05 ngày làm việc" and is silent on a
      dossier 1–5 working days late; by default only on-time earns the point. A dossier late
      only because it was sent back for supplementation more than once (0 working days late,
      docs/rules.md "Was a dossier handled on time?") falls in the same band.
    * ``k_equal_20`` (default ``NOT_SATISFIED``) — mục II.2 says "trên 20: hài lòng", "dưới 20:
      không hài lòng"; "trên" is read as strictly above.
    * ``missing_part`` (default ``"none"``) — a part without data (no dossier resolved, no
      rating, no posting record, no D) is ``None``, and so is K, with the reason; ``"zero"``
      counts the missing part as 0 and says so.
    * ``b_population`` (default ``"resolved"``) — mục I.2.3 divides by "tổng hồ sơ ngưng, trả hồ
      sơ 02 lần", which read literally would make B always 0 (only the 0-point dossiers in the
      denominator). By default the dossiers evaluated are those resolved in the period, as for
      A; ``"supplemented"`` reads the denominator as the resolved dossiers that were returned or
      paused for supplementation at least once.
    * ``staff_unit_parts`` (default ``"inherit"``) — a staff member is scored on their own
      dossiers (A, B) and ratings (C) (Điều 16.4: "chấm điểm đánh giá đối với từng cán bộ"); D
      and E are measured per agency, so by default a staff member inherits the unit's D and E;
      ``"none"`` leaves them ``None`` (and K with them, unless ``missing_part="zero"``).
    """

    late_within_5_working_days: Fraction = attrs.field(default=Fraction(0),
                                                       converter=_to_band_points)
    k_equal_20: Satisfaction = attrs.field(default=Satisfaction.NOT_SATISFIED,
                                           converter=_to_satisfaction)
    missing_part: str = attrs.field(default="none", validator=_one_of("none", "zero"))
    b_population: str = attrs.field(default="resolved",
                                    validator=_one_of("resolved", "supplemented"))
    staff_unit_parts: str = attrs.field(default="inherit", validator=_one_of("inherit", "none"))

    def to_dict(self) -> dict[str, Any]:
        band = self.late_within_5_working_days
        return {
            "late_within_5_working_days": str(band),
            "k_equal_20": self.k_equal_20.value,
            "missing_part": self.missing_part,
            "b_population": self.b_population,
            "staff_unit_parts": self.staff_unit_parts,
        }


DEFAULT_POLICY = Hcm104Policy()


# ---------------------------------------------------------------------------------------------
# values


def _part_value(code: str, value: object, where: str) -> Fraction | None:
    """Validate one part against its range (Phụ lục, mục I.1–I.5: 0 ≤ A, B, C ≤ 1; 0 ≤ D ≤ 18;
    E is 0 or 1)."""
    if value is None:
        return None
    try:
        exact = _as_fraction(value)
    except (TypeError, ValueError):
        raise PolicyError(f"part {code} must be a number (int, Fraction, Decimal) or None",
                          record=where, field=code, value=value) from None
    low, high = _RANGES[code]
    if code == "E":
        if exact not in (low, high):
            raise PolicyError("part E must be 0 or 1 (Phụ lục, mục I.5)", record=where,
                              field=code, value=value)
    elif not low <= exact <= high:
        raise PolicyError(f"part {code} must be between {low} and {high} (Phụ lục, mục I)",
                          record=where, field=code, value=value)
    return exact


def _shown(value: Fraction | None) -> Decimal | None:
    return None if value is None else half_up(value)


# ---------------------------------------------------------------------------------------------
# results


@attrs.define(frozen=True, slots=True)
class PartScore:
    """One of A, B, C, D, E for one unit or staff member.

    ``value`` is exact, or ``None`` when there is no data (``reason`` says why). For A, B and C
    ``points`` / ``count`` is the ratio the appendix defines; ``details`` holds the counts behind
    it (e.g. A's ``late_within_5_working_days``).
    """

    code: str
    value: Fraction | None
    points: Fraction | None = None
    count: int | None = None
    reason: Note | None = None
    source: str | None = None
    details: Mapping[str, int] = attrs.field(factory=dict)
    notes: tuple[Note, ...] = ()

    @property
    def rounded(self) -> Decimal | None:
        """The value as shown: half-up to 2 decimals."""
        return _shown(self.value)

    @property
    def max_points(self) -> int:
        return int(_RANGES[self.code][1])

    def name(self, lang: str = "vi") -> str:
        vi, en = _NAMES[self.code]
        return en if lang == "en" else vi

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": json_number(self.rounded),
            "max": self.max_points,
            "points": None if self.points is None else (
                self.points.numerator if self.points.denominator == 1
                else json_number(_shown(self.points))),
            "count": self.count,
        }
        out.update(self.details)
        out["source"] = self.source
        out["reason"] = None if self.reason is None else self.reason.text(lang)
        out["notes"] = [n.text(lang) for n in self.notes]
        return out


@attrs.define(frozen=True, slots=True)
class Combined:
    """K and the verdict (QĐ 104/2024/QĐ-UBND, Phụ lục, mục II), with the reason when K is
    missing, when a part was counted as 0, or when K is exactly 20."""

    k: Fraction | None
    verdict: Satisfaction | None
    reason: Note | None = None
    zero_parts: tuple[str, ...] = ()

    @property
    def rounded(self) -> Decimal | None:
        return _shown(self.k)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "K": json_number(self.rounded),
            "verdict": None if self.verdict is None else self.verdict.value,
            "reason": None if self.reason is None else self.reason.text(lang),
            "zero_parts": list(self.zero_parts),
        }


@attrs.define(frozen=True, slots=True)
class Hcm104Result:
    """The index for one unit (``staff_id`` None) or one staff member of a unit."""

    unit_id: str
    name: str
    parts: Mapping[str, PartScore]
    combined: Combined
    staff_id: str | None = None
    level: UnitLevel | None = None
    parent_id: str | None = None

    def __repr__(self) -> str:
        who = f", staff_id={self.staff_id!r}" if self.staff_id is not None else ""
        verdict = None if self.verdict is None else self.verdict.value
        return (f"Hcm104Result(unit_id={self.unit_id!r}{who}, name={self.name!r}, "
                f"K={self.combined.rounded!r}, verdict={verdict})")

    def part(self, code: str) -> PartScore:
        try:
            return self.parts[code]
        except (KeyError, TypeError):
            raise PolicyError("not a part of the index (A, B, C, D, E)", record="Hcm104Result",
                              field="code", value=code) from None

    @property
    def a(self) -> Fraction | None:
        return self.parts["A"].value

    @property
    def b(self) -> Fraction | None:
        return self.parts["B"].value

    @property
    def c(self) -> Fraction | None:
        return self.parts["C"].value

    @property
    def d(self) -> Fraction | None:
        return self.parts["D"].value

    @property
    def e(self) -> Fraction | None:
        return self.parts["E"].value

    @property
    def k(self) -> Fraction | None:
        return self.combined.k

    @property
    def verdict(self) -> Satisfaction | None:
        return self.combined.verdict

    @property
    def late_within_5_working_days(self) -> int:
        """Dossiers in the band the text is silent on (late by at most 5 working days)."""
        return self.parts["A"].details.get("late_within_5_working_days", 0)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return cast("dict[str, Any]", renderers.call("hcm104.result.to_dict", self, lang))


@attrs.define(frozen=True, slots=True)
class Hcm104Report:
    """The index of every unit of a dataset for one period (units in the unit tree's
    pre-order), and of every staff member when asked (``staff``: unit id → results)."""

    period: Period
    as_of: datetime
    policy: Hcm104Policy
    units: Mapping[str, Hcm104Result]
    roots: tuple[str, ...]
    staff: Mapping[str, tuple[Hcm104Result, ...]] | None = None
    notes: tuple[Note, ...] = ()
    input: Any = None  #: the readers' ReadReport, when scored from files
    depth: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def ruleset(self) -> str:
        return "hcm104"

    def __repr__(self) -> str:
        staff = "" if self.staff is None else \
            f", staff={sum(len(v) for v in self.staff.values())}"
        return (f"Hcm104Report(period={self.period.label!r}, "
                f"as_of={self.as_of.isoformat(timespec='minutes')!r}, "
                f"units={len(self.units)}{staff})")

    def unit(self, unit_id: str) -> Hcm104Result:
        try:
            return self.units[unit_id]
        except (KeyError, TypeError):
            raise PolicyError("no such unit in this report", record="Hcm104Report",
                              field="unit_id", value=unit_id) from None

    def staff_of(self, unit_id: str) -> tuple[Hcm104Result, ...]:
        """The staff results of one unit (scored with ``by_staff=True``)."""
        if self.staff is None:
            raise PolicyError("staff were not scored: call score(..., by_staff=True)",
                              record="Hcm104Report", field="staff", value=None)
        self.unit(unit_id)
        return self.staff.get(unit_id, ())

    def to_dict(self, lang: str = "vi", units: list[str] | None = None) -> dict[str, Any]:
        """The JSON envelope of docs/api.md."""
        return cast("dict[str, Any]", renderers.call("hcm104.report.to_dict", self, lang=lang,
                                                     units=units))

    def to_frame(self, staff: bool = False, backend: str = "pandas") -> Any:
        """A DataFrame, one row per unit (and per staff member with ``staff=True``): unit id
        and name, A–E and K rounded half-up to 2 decimals, the verdict. ``backend`` is
        ``"pandas"`` (the ``pandas`` extra) or ``"polars"``, imported only here."""
        return renderers.call("frame", renderers.call("hcm104.report.rows", self, staff=staff),
                              backend)

    def _repr_html_(self) -> str:
        return cast(str, renderers.call("hcm104.report.html", self))


# ---------------------------------------------------------------------------------------------
# K and the verdict


def _verdict(k: Fraction, policy: Hcm104Policy) -> Satisfaction:
    """QĐ 104/2024/QĐ-UBND, Phụ lục, mục II.2: K trên 20 hài lòng, dưới 20 không hài lòng; the
    text does not place K = 20, so ``policy.k_equal_20`` does."""
    if k > K_THRESHOLD:
        return Satisfaction.SATISFIED
    if k < K_THRESHOLD:
        return Satisfaction.NOT_SATISFIED
    return policy.k_equal_20


def _combine_parts(parts: Mapping[str, PartScore], policy: Hcm104Policy) -> Combined:
    missing = [code for code in PARTS if parts[code].value is None]
    if missing and policy.missing_part == "none":
        why = {c: parts[c].reason or Note("không có dữ liệu", "no data") for c in missing}
        vi = "; ".join(f"{c}: {why[c].vi}" for c in missing)
        en = "; ".join(f"{c}: {why[c].en}" for c in missing)
        return Combined(None, None, Note(f"không tính được K vì thiếu {', '.join(missing)} "
                                         f"({vi})",
                                         f"K not computed: {', '.join(missing)} missing ({en})"))
    k = sum((parts[c].value or Fraction(0) for c in PARTS), Fraction(0))
    verdict = _verdict(k, policy)
    reasons_vi: list[str] = []
    reasons_en: list[str] = []
    if missing:
        reasons_vi.append(f"{', '.join(missing)} không có dữ liệu, tính là 0 "
                          "(chính sách missing_part=zero)")
        reasons_en.append(f"{', '.join(missing)} had no data and counted as 0 "
                          "(policy missing_part=zero)")
    if k == K_THRESHOLD:
        reasons_vi.append(f"K = 20: văn bản không quy định (chỉ \"trên 20\" và \"dưới 20\"); "
                          f"chính sách k_equal_20 = {policy.k_equal_20.value}")
        reasons_en.append(f"K = 20: the text only covers above and below 20; policy k_equal_20 "
                          f"= {policy.k_equal_20.value}")
    elif half_up(k) == K_THRESHOLD:
        # The verdict follows the exact K, which the 2-decimal display can hide.
        side_vi, side_en = ("trên", "above") if k > K_THRESHOLD else ("dưới", "below")
        reasons_vi.append(f"K hiển thị 20,00 sau làm tròn nhưng giá trị chính xác {side_vi} 20")
        reasons_en.append(f"K shows as 20.00 after rounding but is exactly {side_en} 20")
    reason = Note("; ".join(reasons_vi), "; ".join(reasons_en)) if reasons_vi else None
    return Combined(k, verdict, reason, tuple(missing))


def combine(
    a: PartValue,
    b: PartValue,
    c: PartValue,
    d: PartValue,
    e: PartValue,
    policy: Hcm104Policy | None = None,
) -> Combined:
    """K = A+B+C+D+E (0 ≤ K ≤ 22) and the verdict, QĐ 104/2024/QĐ-UBND, Phụ lục, mục II.

    Each part is checked against its range (mục I.1–I.5: A, B, C in 0..1; D in 0..18; E 0 or
    1), else :class:`~chiso766.errors.PolicyError` naming the part and the value. A ``None``
    part propagates: K and the verdict are ``None`` with the reason, unless
    ``policy.missing_part == "zero"``. K = 20 gets ``policy.k_equal_20``.
    """
    pol = _check_policy(policy, "combine")
    parts = {}
    for code, value in zip(PARTS, (a, b, c, d, e), strict=True):
        exact = _part_value(code, value, "combine")
        parts[code] = PartScore(code, exact, reason=None if exact is not None else Note(
            "không có dữ liệu", "no data"))
    return _combine_parts(parts, pol)


def _check_policy(policy: object, where: str) -> Hcm104Policy:
    if policy is None:
        return DEFAULT_POLICY
    if not isinstance(policy, Hcm104Policy):
        raise PolicyError("must be an Hcm104Policy", record=where, field="policy", value=policy)
    return policy


# ---------------------------------------------------------------------------------------------
# counting A, B, C


class _Acc:
    """Counts behind A, B and C for one unit or staff member; merged to roll units up."""

    __slots__ = ("a_band", "a_count", "a_on_time", "a_over", "a_points", "a_unclassified",
                 "b_count", "b_points", "b_twice", "c_bad", "c_good", "c_normal",
                 "c_undated_out")

    def __init__(self) -> None:
        self.a_points = Fraction(0)
        self.a_count = 0
        self.a_on_time = 0
        self.a_band = 0
        self.a_over = 0
        self.a_unclassified = 0
        self.b_points = 0
        self.b_count = 0
        self.b_twice = 0
        self.c_good = 0
        self.c_normal = 0
        self.c_bad = 0
        self.c_undated_out = 0

    def merge_from(self, other: _Acc) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def copy(self) -> _Acc:
        new = _Acc()
        new.merge_from(self)
        return new


@attrs.define(frozen=True, slots=True)
class _DossierMark:
    """What one resolved dossier contributes to A and B."""

    a: str  #: "on_time", "band", "over", "unclassified"
    b: int | None  #: supplement requests by the evaluation moment, None: not evaluated for B


def _mark_dossier(d: Dossier, proc: Procedure | None, *, period: Period, as_of: datetime,
                  calendar: WorkingCalendar, deadline_policy: DeadlinePolicy | None,
                  policy: Hcm104Policy, counting: CountingPolicy | None = None,
                  ) -> _DossierMark | None:
    """A dossier counts for A and B when it was resolved in the period — Phụ lục, mục I.1 scores
    "từng hồ sơ đã có kết quả" and divides by "tổng hồ sơ đã giải quyết": its processing ended
    (finished, returned or stopped) within the period, by the evaluation moment. One that is
    only waiting for the applicant's papers has no result yet, so it is not resolved."""
    end, source = end_of_processing(d, as_of)  # effective_end's rule (as_of checked by score)
    if end is None or source not in _ENDED or not period.contains(end):
        return None
    # classify's rule (judge) and its late working days, without its checks (score checked
    # the settings once) or its verdict object.
    try:
        status, due, _, _, _, adjusted, _, _ = judge(
            d, proc.time_limit if proc is not None else None, calendar,
            deadline_policy if deadline_policy is not None else DEFAULT_DEADLINE_POLICY,
            as_of, counting is not None and counting.multiple_supplements_late == "always")
    except MissingDataError:
        a = "unclassified"
    else:
        if status.in_time:
            a = "on_time"
        elif late_working_days(status, due, adjusted, calendar) > LATE_LIMIT_WORKING_DAYS:
            a = "over"
        else:
            a = "band"
    # mục I.2: "số lần trả hồ sơ, ngưng giải quyết hồ sơ chờ bổ sung" — the one-stop systems
    # record both a return for completion and a pause as a supplement request.
    asked = sum(1 for s in d.supplements if s.requested_at <= as_of)
    b: int | None = asked
    if policy.b_population == "supplemented" and asked == 0:
        b = None
    return _DossierMark(a, b)


def _marks(dossiers: Sequence[Dossier], procedures: Mapping[str, Procedure], *,
           period: Period, as_of: datetime, calendar: WorkingCalendar,
           deadline_policy: DeadlinePolicy | None, policy: Hcm104Policy,
           counting: CountingPolicy | None) -> list[_DossierMark | None]:
    """:func:`_mark_dossier` of each dossier received by ``as_of`` (``None`` for the others).

    With polars installed and at least ``tally.COLUMNAR_MIN_DOSSIERS`` of them, the verdicts
    come from the columnar form of the rules
    (:func:`~chiso766.population.verdict_columns`, ``tally.COLUMNAR_CHUNK`` at a time) and the
    resolution and A's and B's bands are read from them here, as :func:`_mark_dossier` reads
    the scalar verdict; otherwise one dossier at a time."""
    from . import tally

    if len(dossiers) < tally.COLUMNAR_MIN_DOSSIERS or importlib.util.find_spec("polars") is None:
        return [None if d.receipt > as_of else _mark_dossier(
            d, procedures.get(d.procedure_code), period=period, as_of=as_of, calendar=calendar,
            deadline_policy=deadline_policy, policy=policy, counting=counting)
            for d in dossiers]
    ctx = tally.build_context(period=period, as_of=as_of, procedures=procedures,
                              calendar=calendar, policy=deadline_policy, counting=counting)
    out: list[_DossierMark | None] = []
    for at in range(0, len(dossiers), tally.COLUMNAR_CHUNK):
        out.extend(_columnar_marks(dossiers[at:at + tally.COLUMNAR_CHUNK], ctx, policy))
    return out


def _chunk_size() -> int:
    """Dossiers marked in one pass: ``tally.COLUMNAR_CHUNK`` (the columnar form's batch)."""
    from . import tally

    return tally.COLUMNAR_CHUNK


def _columnar_marks(batch: Sequence[Dossier], ctx: Any, policy: Hcm104Policy,
                    ) -> list[_DossierMark | None]:
    from . import population

    judged = population.verdict_columns(population.dossier_frame(batch, ctx, every_dossier=True),
                                        ctx)
    rows = judged.select(*_mark_columns(ctx, policy)).iter_rows()
    interned: dict[tuple[str, int | None], _DossierMark] = {}
    return [_interned(interned, a, n) if r else None for r, a, n in rows]


def _interned(marks: dict[tuple[str, int | None], _DossierMark], a: str, b: int | None,
              ) -> _DossierMark:
    """The mark (a, b), made once per batch (millions of dossiers share a few marks)."""
    mark = marks.get((a, b))
    if mark is None:
        mark = marks[a, b] = _DossierMark(a, b)
    return mark


def _mark_columns(ctx: Any, policy: Hcm104Policy) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """:func:`_mark_dossier` as columns over a frame of
    :func:`~chiso766.population.verdict_columns`: ``r`` (resolved in the period), ``a`` (A's
    band) and ``b`` (B's requests, null: not evaluated for B)."""
    import polars as pl

    from . import population

    period, as_of = ctx.period, ctx.as_of
    receipt = pl.coalesce("received_at", "submitted_at")
    # Resolved in the period (Phụ lục, mục I.1): finished, returned or stopped, by as_of, on a
    # date of the period — as _mark_dossier decides it from effective_end.
    resolved = ((receipt <= as_of) & (pl.col("end_kind") != population.END_REQUEST)
                & (pl.col("ended").dt.date() >= period.start)
                & (pl.col("ended").dt.date() <= period.end)).fill_null(False)
    band = (pl.when(~pl.col("judged")).then(pl.lit("unclassified"))
            .when(~pl.col("late")).then(pl.lit("on_time"))
            .when(pl.col("late_days") > LATE_LIMIT_WORKING_DAYS).then(pl.lit("over"))
            .otherwise(pl.lit("band")))
    asked = pl.col("asked")
    b = (pl.when((pl.lit(policy.b_population == "supplemented")) & (asked == 0))
         .then(None).otherwise(asked))
    return resolved.alias("r"), band.alias("a"), b.alias("b")


def _add_mark(acc: _Acc, mark: _DossierMark, policy: Hcm104Policy, n: int = 1) -> None:
    """QĐ 104/2024/QĐ-UBND, Phụ lục, mục I.1.1–I.1.2 (A) and I.2.1–I.2.2 (B); ``n`` dossiers
    with the same mark."""
    if mark.a == "unclassified":
        acc.a_unclassified += n
    else:
        acc.a_count += n
        if mark.a == "on_time":
            acc.a_on_time += n
            acc.a_points += n
        elif mark.a == "band":
            acc.a_band += n
            acc.a_points += n * policy.late_within_5_working_days
        else:
            acc.a_over += n
    if mark.b is not None:
        acc.b_count += n
        if mark.b <= 1:
            acc.b_points += n
        else:
            acc.b_twice += n


class _Marks:
    """A's and B's counts per unit (and staff member) over one pass through the dossiers, and
    what part C needs of them: the units seen, the resolved dossiers an undated rating may
    name (``named``; ``None``: any), by staff each dossier's staff member, and the span of
    the receipts. Shown each dossier once, as a record (:meth:`dossier`, marked a chunk at a
    time by :func:`_marks`) or in a frame of the columnar engine (:meth:`frame`)."""

    def __init__(self, procedures: Mapping[str, Procedure], *, period: Period, as_of: datetime,
                 calendar: WorkingCalendar, deadline_policy: DeadlinePolicy | None,
                 policy: Hcm104Policy, counting: CountingPolicy | None, by_staff: bool,
                 named: AbstractSet[str] | None, ctx: Any = None) -> None:
        self.procedures = procedures
        self.period, self.as_of, self.calendar = period, as_of, calendar
        self.deadline_policy, self.policy, self.counting = deadline_policy, policy, counting
        self.by_staff, self.named, self.ctx = by_staff, named, ctx
        self.own: dict[str, _Acc] = {}
        self.staff_acc: dict[tuple[str, str], _Acc] = {}
        self.resolved: set[str] = set()
        # Only for a rating that names no staff member (memory: every dossier's id).
        self.staff_of_dossier: dict[str, str] = {}
        self.seen: set[str] = set()
        #: The first and the latest receipt among the dossiers shown (``None``: none).
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.pending: list[Dossier] = []
        self.chunk = _chunk_size()
        self.named_series: pl.Series | None = None

    def dossier(self, d: Dossier) -> None:
        self.pending.append(d)
        if len(self.pending) >= self.chunk:
            self._flush()

    def done(self) -> None:
        """Mark the dossiers still waiting for a chunk."""
        self._flush()

    def _flush(self) -> None:
        chunk, self.pending = self.pending, []
        if not chunk:
            return
        marks = _marks(chunk, self.procedures, period=self.period, as_of=self.as_of,
                       calendar=self.calendar, deadline_policy=self.deadline_policy,
                       policy=self.policy, counting=self.counting)
        named, pol, by_staff = self.named, self.policy, self.by_staff
        self._receipts(min(d.receipt for d in chunk), max(d.receipt for d in chunk))
        for d, mark in zip(chunk, marks, strict=True):
            self.seen.add(d.unit_id)
            if by_staff and d.staff_id is not None:
                self.staff_of_dossier[d.id] = d.staff_id
            if mark is None:
                continue
            if named is None or d.id in named:
                self.resolved.add(d.id)
            _add_mark(self.own.setdefault(d.unit_id, _Acc()), mark, pol)
            if by_staff and d.staff_id is not None:
                _add_mark(self.staff_acc.setdefault((d.unit_id, d.staff_id), _Acc()), mark, pol)

    def _receipts(self, first: datetime, last: datetime) -> None:
        if self.first is None or first < self.first:
            self.first = first
        if self.last is None or last > self.last:
            self.last = last

    def frame(self, frame: pl.DataFrame) -> None:
        """Dossiers as the columnar engine counts them (``unit``, ``ident``, ``staff``, the
        moments, the supplement aggregates and every dossier's ``statutory_due``): the same
        marks as :meth:`dossier` gives their records, counted by (unit, staff, mark)."""
        import polars as pl

        from . import population

        pol = self.policy
        if not frame.height:
            return
        receipt = pl.coalesce("received_at", "submitted_at")
        self._receipts(*frame.select(receipt.min(), receipt.max().alias("last")).row(0))
        judged = population.verdict_columns(frame, self.ctx)
        self.seen.update(judged["unit"].unique().to_list())
        if self.by_staff:
            given = judged.filter(pl.col("staff").is_not_null())
            self.staff_of_dossier.update(zip(given["ident"].to_list(), given["staff"].to_list(),
                                             strict=True))
        marked = judged.select("unit", "staff", "ident", *_mark_columns(self.ctx, pol)).filter(
            pl.col("r"))
        if self.named is None:
            self.resolved.update(marked["ident"].to_list())
        elif self.named:
            if self.named_series is None:
                self.named_series = pl.Series(list(self.named), dtype=pl.String)
            self.resolved.update(marked.filter(pl.col("ident").is_in(
                self.named_series.implode()))["ident"].to_list())
        interned: dict[tuple[str, int | None], _DossierMark] = {}
        for unit, a, b, n in marked.group_by("unit", "a", "b").len().iter_rows():
            _add_mark(self.own.setdefault(unit, _Acc()), _interned(interned, a, b), pol, n)
        if self.by_staff:
            for unit, staff, a, b, n in marked.filter(pl.col("staff").is_not_null()).group_by(
                    "unit", "staff", "a", "b").len().iter_rows():
                _add_mark(self.staff_acc.setdefault((unit, staff), _Acc()),
                          _interned(interned, a, b), pol, n)


def _add_rating(acc: _Acc, value: RatingValue) -> None:
    """Phụ lục, mục I.3.1–I.3.2: "tốt" 1 point, "bình thường" 0; a worse rating cannot earn
    more than "bình thường", so it is 0 too."""
    if value is RatingValue.GOOD:
        acc.c_good += 1
    elif value is RatingValue.NORMAL:
        acc.c_normal += 1
    else:
        acc.c_bad += 1


def _part_a(acc: _Acc, policy: Hcm104Policy) -> PartScore:
    """A = số điểm đạt được / tổng hồ sơ đã giải quyết (Phụ lục, mục I.1.3)."""
    details = {"resolved": acc.a_count + acc.a_unclassified, "on_time": acc.a_on_time,
               "late_within_5_working_days": acc.a_band, "late_over_5_working_days": acc.a_over,
               "unclassified": acc.a_unclassified}
    notes: list[Note] = []
    if acc.a_unclassified:
        notes.append(Note(f"{acc.a_unclassified} hồ sơ không xác định được hạn (không có "
                          "NgayHenTra và thời hạn giải quyết) — không tính",
                          f"{acc.a_unclassified} dossiers have no due date (no NgayHenTra and "
                          "no time limit) — left out"))
    if acc.a_band:
        band = policy.late_within_5_working_days
        notes.append(Note(f"{acc.a_band} hồ sơ trễ không quá 5 ngày làm việc (văn bản không quy "
                          f"định): mỗi hồ sơ {band} điểm theo chính sách",
                          f"{acc.a_band} dossiers late by at most 5 working days (the text is "
                          f"silent): {band} point each by policy"))
    if acc.a_count == 0:
        reason = Note("không có hồ sơ nào được giải quyết trong kỳ",
                      "no dossier was resolved in the period")
        if acc.a_unclassified:
            reason = Note("không hồ sơ nào được giải quyết trong kỳ xác định được hạn",
                          "no dossier resolved in the period has a due date")
        return PartScore("A", None, Fraction(0), 0, reason, details=details, notes=tuple(notes))
    return PartScore("A", acc.a_points / acc.a_count, acc.a_points, acc.a_count,
                     details=details, notes=tuple(notes))


def _part_b(acc: _Acc, policy: Hcm104Policy) -> PartScore:
    """B = số điểm đạt được / hồ sơ được đánh giá (Phụ lục, mục I.2.3; the denominator per
    ``policy.b_population``)."""
    details = {"at_most_once": acc.b_points, "twice_or_more": acc.b_twice}
    if acc.b_count == 0:
        if policy.b_population == "supplemented":
            reason = Note("không có hồ sơ nào bị trả, ngưng chờ bổ sung trong kỳ",
                          "no resolved dossier was returned or paused for supplementation")
        else:
            reason = Note("không có hồ sơ nào được giải quyết trong kỳ",
                          "no dossier was resolved in the period")
        return PartScore("B", None, Fraction(0), 0, reason, source=policy.b_population,
                         details=details)
    return PartScore("B", Fraction(acc.b_points, acc.b_count), Fraction(acc.b_points),
                     acc.b_count, source=policy.b_population, details=details)


def _part_c(acc: _Acc) -> PartScore:
    """C = số điểm đạt được / tổng số lượt đánh giá (Phụ lục, mục I.3.3)."""
    count = acc.c_good + acc.c_normal + acc.c_bad
    details = {"good": acc.c_good, "normal": acc.c_normal, "bad": acc.c_bad,
               "undated_left_out": acc.c_undated_out}
    notes: tuple[Note, ...] = ()
    if acc.c_undated_out:
        notes = (Note(f"{acc.c_undated_out} lượt đánh giá không có ngày đánh giá và hồ sơ không "
                      "được giải quyết trong kỳ — không tính",
                      f"{acc.c_undated_out} ratings without rated_at whose dossier was not "
                      "resolved in the period — left out"),)
    if count == 0:
        return PartScore("C", None, Fraction(0), 0, Note(
            "không có lượt đánh giá nào trong kỳ", "no rating in the period"),
            details=details, notes=notes)
    return PartScore("C", Fraction(acc.c_good, count), Fraction(acc.c_good), count,
                     details=details, notes=notes)


# ---------------------------------------------------------------------------------------------
# D and E


def _d_values(d_values: object, known: Iterable[str]) -> dict[str, Fraction]:
    if not isinstance(d_values, Mapping):
        raise PolicyError("must be a mapping of unit id to a value 0..18", record="score",
                          field="d_values", value=d_values)
    ids = set(known)
    out: dict[str, Fraction] = {}
    for key, value in d_values.items():
        if not isinstance(key, str) or key not in ids:
            raise PolicyError("not a unit of this dataset", record="score", field="d_values",
                              value=key)
        exact = _part_value("D", value, f"d_values[{key!r}]")
        if exact is None:
            raise PolicyError("part D must be a number 0..18 (leave the unit out for no data)",
                              record="score", field="d_values", value=(key, value))
        out[key] = exact
    return out


def _check_d_values(d_values: object) -> None:
    """``d_values`` checked before any file is read (a mapping of text keys to values 0..18);
    whether each key is a unit is known once the units are read (:func:`_d_values`)."""
    if d_values is not None:
        _d_values(d_values, [k for k in d_values if isinstance(k, str)]
                  if isinstance(d_values, Mapping) else ())


def _part_d_supplied(unit_id: str, values: Mapping[str, Fraction]) -> PartScore:
    """D supplied by the caller: "kết quả hệ thống đánh giá phản ánh kiến nghị (0 ≤ D ≤ 18)"
    (Phụ lục, mục I.4)."""
    if unit_id not in values:
        return PartScore("D", None, reason=Note("không có giá trị D cho đơn vị này",
                                                "no D value supplied for this unit"),
                         source="supplied")
    return PartScore("D", values[unit_id], source="supplied")


def _part_d_766(unit_id: str, card: Scorecard) -> PartScore:
    """D from the feedback system (Phụ lục, mục I.4: scored on each petition sent through the
    single channel of the national feedback system, 0..18): that is what Decision 766's group 5
    (SATISFACTION, 18 points, criteria 5.2–5.4) publishes, on the same scale and source."""
    unit = card.units.get(unit_id)
    if unit is None:
        return PartScore("D", None, reason=Note(
            "đơn vị không có trong bảng điểm QĐ 766", "unit not in the Decision 766 scorecard"),
            source="qd766")
    points = unit.points("SATISFACTION")
    if points is None:  # pragma: no cover - a group always has points
        return PartScore("D", None, reason=Note("nhóm 5 (QĐ 766) không có điểm",
                                                "no Decision 766 group 5 points"),
                         source="qd766")
    return PartScore("D", Fraction(points), source="qd766")


def _posting_label(text: str) -> str:
    try:
        return Period.parse(text).label
    except Chiso766Error:
        return text.strip()


def _part_e(rows: list[bool] | None) -> PartScore:
    """E (Phụ lục, mục I.5): 1 when posted in full and as required, 0 otherwise, scored at the
    end of the period. No posting record is no data (None), never 0; several records for the
    same unit and period give 1 only when every one says complete."""
    if not rows:
        return PartScore("E", None, reason=Note("không có dữ liệu niêm yết công khai cho kỳ này",
                                                "no posting record for this period"),
                         source="postings", details={"postings": 0})
    value = Fraction(1) if all(rows) else Fraction(0)
    notes: tuple[Note, ...] = ()
    if len(rows) > 1:
        notes = (Note(f"{len(rows)} dòng niêm yết cho cùng kỳ: đạt khi tất cả đều đầy đủ",
                      f"{len(rows)} posting rows for the period: 1 only if all are complete"),)
    return PartScore("E", value, value, 1, source="postings",
                     details={"postings": len(rows)}, notes=notes)


def _inherited(part: PartScore, unit_id: str, policy: Hcm104Policy) -> PartScore:
    """A staff member's D or E: the unit's (``policy.staff_unit_parts``)."""
    if policy.staff_unit_parts == "none":
        return PartScore(part.code, None, reason=Note(
            f"{part.code} được đánh giá theo cơ quan, không tính cho cá nhân",
            f"{part.code} is measured per agency, not per staff member "
            "(policy staff_unit_parts=none)"), source="unit")
    return attrs.evolve(part, source=f"unit:{unit_id}")


# ---------------------------------------------------------------------------------------------
# scoring a dataset


def _moment(as_of: object, period: Period) -> datetime:
    if as_of is None:
        return period.end_moment
    if not isinstance(as_of, (datetime, date)):
        raise PolicyError("must be a datetime, a date or None", record="score", field="as_of",
                          value=as_of)
    moment: datetime = to_local(as_of, completion=True, label="score", field="as_of")
    return moment


def _checked_settings(calendar: object, deadline_policy: object,
                      counting: object) -> WorkingCalendar:
    """The calendar (default: Vietnam's), with the deadline and counting policies checked."""
    cal = calendar if calendar is not None else WorkingCalendar.vietnam()
    if not isinstance(cal, WorkingCalendar):
        raise PolicyError("must be a WorkingCalendar", record="score", field="calendar",
                          value=calendar)
    if deadline_policy is not None and not isinstance(deadline_policy, DeadlinePolicy):
        raise PolicyError("must be a DeadlinePolicy", record="score", field="deadline_policy",
                          value=deadline_policy)
    if counting is not None and not isinstance(counting, CountingPolicy):
        raise PolicyError("must be a CountingPolicy", record="score", field="counting",
                          value=counting)
    return cal


def score(
    dataset: Dataset | DossierStream,
    *,
    period: Period | str,
    as_of: datetime | date | None = None,
    policy: Hcm104Policy | None = None,
    calendar: WorkingCalendar | None = None,
    deadline_policy: DeadlinePolicy | None = None,
    d_values: Mapping[str, Fraction | Decimal | int | float] | None = None,
    scorecard: Scorecard | None = None,
    by_staff: bool = False,
    counting: CountingPolicy | None = None,
) -> Hcm104Report:
    """The HCMC satisfaction index of every unit of ``dataset`` for ``period`` (docs/rules.md "HCMC
    Decision 104/2024";
    QĐ 104/2024/QĐ-UBND, Phụ lục, mục I.1–I.5 and II).

    * A, B — the dossiers resolved in the period (processing finished, returned or stopped in
      the period, by ``as_of``); on time per :func:`~chiso766.deadlines.classify`
      (docs/rules.md "Was a dossier handled on time?"), with ``counting``'s
      ``multiple_supplements_late`` (default ``"unfinished_only"``: a finished or returned
      dossier is judged on its dates however many supplement requests it had).
    * C — the ratings made in the period (``rated_at`` in the period, by ``as_of``); a rating
      without ``rated_at`` counts when its dossier was resolved in the period.
    * D — ``d_values[unit]`` when given (a unit missing from it has no D); otherwise the unit's
      Decision 766 SATISFACTION group points for the same period and ``as_of``, from
      ``scorecard`` when given (it must be for the same period and moment), else computed.
    * E — the dataset's posting records for the unit and ``period.label``; none is no data.

    A unit's A, B and C pool its own records and all its descendants' (like Decision 766); E is
    the unit's own posting. ``as_of`` defaults to the end of the period. With ``by_staff`` each
    unit's staff members (``staff_id`` on its own dossiers and ratings; a rating without one
    takes its dossier's) are scored too, inheriting the unit's D and E by default
    (``policy.staff_unit_parts``).

    The dossiers are read once, in order, a chunk at a time, then the ratings: ``dataset`` may
    be a :class:`~chiso766.streaming.DossierStream` (``stream_dossiers(folder)``), with
    ``scorecard`` or ``d_values`` given (D would need the dossiers again). A dataset whose
    records :func:`~chiso766.read_folder` left unread (a folder of CSV files) is scored from
    its files in one pass, as :func:`score_folder` scores a folder, without making records.
    """
    from .io.dataset import Dataset as _Dataset
    from .scoring import Scorecard as _Scorecard
    from .scoring import score_766

    pol = _check_policy(policy, "score")
    # Looked at before the fields below, which would read the records.
    unread = getattr(dataset, "_unread", None) if isinstance(dataset, _Dataset) else None
    for name in ("dossiers", "procedures", "ratings", "units"):
        if unread is None and not hasattr(dataset, name):
            raise PolicyError("must be a Dataset (see read_folder or Dataset.from_records)",
                              record="score", field="dataset", value=dataset)
    if isinstance(period, str):
        period = Period.parse(period)
    if not isinstance(period, Period):
        raise PolicyError("must be a Period (e.g. Period.quarter(2025, 2)) or its text",
                          record="score", field="period", value=period)
    moment = _moment(as_of, period)
    cal = _checked_settings(calendar, deadline_policy, counting)
    if d_values is not None and scorecard is not None:
        raise PolicyError("give d_values or scorecard, not both", record="score",
                          field="scorecard", value="both")
    if scorecard is not None:
        if not isinstance(scorecard, _Scorecard):
            raise PolicyError("must be a Scorecard from score_766", record="score",
                              field="scorecard", value=scorecard)
        if scorecard.period != period or scorecard.as_of != moment:
            raise PolicyError(f"the scorecard is for {scorecard.period} at {scorecard.as_of}, "
                              f"not {period} at {moment}", record="score", field="scorecard",
                              value=scorecard.period)
    by_staff = bool(by_staff)
    if unread is not None:
        unread.check()
        return _folder_scores(unread.folder, period=period, as_of=as_of, policy=pol,
                              calendar=cal, deadline_policy=deadline_policy, d_values=d_values,
                              by_staff=by_staff, counting=counting, strict=False, progress=None,
                              scorecard=scorecard).report

    if scorecard is None and d_values is None and getattr(dataset, "read_once", False):
        raise PolicyError("its dossiers are read once (a dossier stream), and D would need them "
                          "again for the Decision 766 scorecard: give scorecard= (e.g. "
                          "streaming.score_folder) or d_values=", record="score",
                          field="dataset", value=dataset)

    # An undated rating counts when its dossier was resolved in the period, so resolved ids
    # are kept for those ratings: only the ids an undated rating names when the dataset says
    # which (a dossier stream: ``undated_rated``), every one otherwise.
    marks = _Marks(dataset.procedures, period=period, as_of=moment, calendar=cal,
                   deadline_policy=deadline_policy, policy=pol, counting=counting,
                   by_staff=by_staff, named=getattr(dataset, "undated_rated", None))
    # The dossiers a chunk at a time (a stream is read once, in flat memory), then the ratings.
    for d in dataset.dossiers:
        marks.dossier(d)
    marks.done()
    card: Scorecard | None = None
    if d_values is None:
        # Not a stream here: score() refused one without a scorecard before reading it.
        card = scorecard if scorecard is not None else score_766(
            cast("Dataset", dataset), period=period, as_of=moment, calendar=cal,
            policy=deadline_policy, counting=counting)
    return _report(marks, unit_records=dataset.units, ratings=dataset.ratings,
                   postings=getattr(dataset, "postings", ()),
                   petitions=getattr(dataset, "petitions", ()),
                   dataset_notes=getattr(dataset, "notes", ()),
                   input_report=getattr(dataset, "report", None), d_values=d_values, card=card)


def _report(marks: _Marks, *, unit_records: Iterable[Unit], ratings: Iterable[Rating],
            postings: Iterable[Posting], petitions: Iterable[Any], dataset_notes: Iterable[Any],
            input_report: Any, d_values: Mapping[str, Any] | None, card: Scorecard | None,
            ) -> Hcm104Report:
    """The report from the dossiers' marks, then the ratings (part C), the petitions (units
    seen), the units' tree, D (``d_values``, else ``card``'s group 5) and the postings (E)."""
    from .scoring import unit_tree

    period, moment, pol, by_staff = marks.period, marks.as_of, marks.policy, marks.by_staff
    own, staff_acc, resolved = marks.own, marks.staff_acc, marks.resolved
    staff_of_dossier, seen = marks.staff_of_dossier, marks.seen
    for r in ratings:
        seen.add(r.unit_id)
        if r.rated_at is not None:
            counted = r.rated_at <= moment and period.contains(r.rated_at)
        else:
            counted = r.dossier_id is not None and r.dossier_id in resolved
        if not counted and r.rated_at is not None:
            continue  # rated outside the period: not this period's business
        acc = own.setdefault(r.unit_id, _Acc())
        targets = [acc]
        if by_staff:
            staff = r.staff_id if r.staff_id is not None else (
                staff_of_dossier.get(r.dossier_id) if r.dossier_id is not None else None)
            if staff is not None:
                targets.append(staff_acc.setdefault((r.unit_id, staff), _Acc()))
        for target in targets:
            if counted:
                _add_rating(target, r.rating)
            else:
                target.c_undated_out += 1

    for p in petitions:
        seen.add(p.unit_id)

    tree = unit_tree(unit_records, seen)
    pooled: dict[str, _Acc] = {}
    depth: dict[str, int] = {}
    for uid in tree.order:
        parent = tree.units[uid].parent_id
        depth[uid] = depth[parent] + 1 if parent in depth and uid not in tree.roots else 0
    for uid in reversed(tree.order):  # children before parents
        acc = own[uid].copy() if uid in own else _Acc()
        for child in tree.children[uid]:
            acc.merge_from(pooled[child])
        pooled[uid] = acc

    notes: list[Note] = list(tree.notes)
    for n in dataset_notes:
        notes.append(n if isinstance(n, Note) else Note(str(n), str(n)))

    supplied: dict[str, Fraction] | None = None
    if d_values is not None:
        supplied = _d_values(d_values, tree.order)
        notes.append(Note("D do người dùng cung cấp", "D supplied by the caller"))
    else:
        notes.append(Note(
            "D = điểm nhóm 5 \"Mức độ hài lòng\" (18 điểm) của Chỉ số 766 cùng kỳ, từ Hệ thống "
            "PAKN; tiêu chí 5.2, 5.3 đạt tối đa khi không có PAKN",
            "D = the Decision 766 group 5 SATISFACTION points (18) for the same period, from "
            "the feedback system; criteria 5.2 and 5.3 give full points with no petitions"))

    label = period.label
    posted: dict[str, list[bool]] = {}
    unknown_postings: set[str] = set()
    for p in postings:
        if _posting_label(p.period) != label:
            continue
        if p.unit_id not in tree.units:
            unknown_postings.add(p.unit_id)
            continue
        posted.setdefault(p.unit_id, []).append(p.complete)
    if unknown_postings:
        shown = ", ".join(sorted(unknown_postings)[:5])
        notes.append(Note(f"{len(unknown_postings)} đơn vị trong tệp niêm yết không có trong "
                          f"danh mục, bỏ qua: {shown}",
                          f"{len(unknown_postings)} posting units not among the units, "
                          f"ignored: {shown}"))
    if not posted:
        notes.append(Note(f"không có dữ liệu niêm yết công khai (postings) cho kỳ {label}: E "
                          "không có dữ liệu",
                          f"no posting records for {label}: E has no data"))
    notes.extend(calendar_notes(marks.calendar, period, moment))

    units: dict[str, Hcm104Result] = {}
    staff_results: dict[str, tuple[Hcm104Result, ...]] | None = {} if by_staff else None
    for uid in tree.order:
        u: Unit = tree.units[uid]
        acc = pooled[uid]
        d_part = _part_d_supplied(uid, supplied) if supplied is not None else \
            _part_d_766(uid, card) if card is not None else PartScore("D", None)
        e_part = _part_e(posted.get(uid))
        parts = {"A": _part_a(acc, pol), "B": _part_b(acc, pol), "C": _part_c(acc),
                 "D": d_part, "E": e_part}
        parent_id = u.parent_id if u.parent_id in tree.units and uid not in tree.roots else None
        units[uid] = Hcm104Result(uid, u.name, parts, _combine_parts(parts, pol),
                                  level=u.level, parent_id=parent_id)
        if staff_results is not None:
            people = []
            for (unit_id, staff_id), sacc in sorted(staff_acc.items()):
                if unit_id != uid:
                    continue
                sparts = {"A": _part_a(sacc, pol), "B": _part_b(sacc, pol), "C": _part_c(sacc),
                          "D": _inherited(d_part, uid, pol), "E": _inherited(e_part, uid, pol)}
                people.append(Hcm104Result(uid, u.name, sparts, _combine_parts(sparts, pol),
                                           staff_id=staff_id, level=u.level,
                                           parent_id=parent_id))
            staff_results[uid] = tuple(people)
    resolved_roots = sum(units[r].parts["A"].details.get("resolved", 0) for r in tree.roots)
    if tree.roots and resolved_roots == 0:
        # Said first and loudly: a period beyond the data must not read as a quiet score.
        notes.insert(0, Note(
            f"không có hồ sơ nào được giải quyết trong kỳ {label}: A và B không có dữ liệu — "
            "kiểm tra kỳ đánh giá và dữ liệu",
            f"{NO_RESOLVED_EN} {label}: A and B have no data — check the period and the data"))
    if by_staff:
        notes.append(Note(
            "cá nhân: A, B, C theo hồ sơ và lượt đánh giá của chính cán bộ tại đơn vị; D, E "
            + ("lấy theo đơn vị" if pol.staff_unit_parts == "inherit" else "không tính"),
            "staff: A, B, C from the staff member's own dossiers and ratings at the unit; D and "
            "E " + ("are the unit's" if pol.staff_unit_parts == "inherit" else "not scored")))

    return Hcm104Report(period=period, as_of=moment, policy=pol, units=units, roots=tree.roots,
                        staff=staff_results, notes=tuple(notes),
                        input=input_report, depth=depth)


class FolderScores(NamedTuple):
    """:func:`score_folder_with_766`'s result: the HCMC report, the Decision 766 scorecard of
    the same pass (part D's source unless ``d_values`` were given), and the first and the
    latest receipt among the accepted dossiers (``None``: none accepted)."""

    report: Hcm104Report
    scorecard: Scorecard
    first_receipt: datetime | None
    latest_receipt: datetime | None


def score_folder_with_766(
    path: str | os.PathLike[str],
    *,
    period: Period | str | None,
    as_of: datetime | date | None = None,
    policy: Hcm104Policy | None = None,
    calendar: WorkingCalendar | None = None,
    deadline_policy: DeadlinePolicy | None = None,
    d_values: Mapping[str, Fraction | Decimal | int | float] | None = None,
    by_staff: bool = False,
    counting: CountingPolicy | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> FolderScores:
    """The HCMC satisfaction index of the exports in ``path`` and the Decision 766 scorecard,
    from **one pass** over the dossiers file: what ``score(read_folder(path), …)`` and
    ``score_766(read_folder(path), …)`` give (the same reports, byte for byte once written),
    streaming, with the columnar engine when polars is installed
    (:func:`~chiso766.streaming.observed_score`: each accepted dossier counted for the 766
    criteria and marked for A and B in the same batch). Arguments as :func:`score`, with
    ``strict`` and ``progress`` as :func:`~chiso766.streaming.score_folder`.

    ``period=None``: the calendar year of the latest receipt among the accepted dossiers (as
    ``chiso766 hcm104`` without ``--period``); with none accepted the result is a guessed
    year's and ``latest_receipt`` is ``None`` (:func:`score_folder` raises). A folder whose
    supplements or ratings file is not CSV is read whole (``read_folder``), to the same result.
    """
    return _folder_scores(path, period=period, as_of=as_of, policy=policy, calendar=calendar,
                          deadline_policy=deadline_policy, d_values=d_values, by_staff=by_staff,
                          counting=counting, strict=strict, progress=progress, scorecard=None)


def _folder_scores(
    path: str | os.PathLike[str],
    *,
    period: Period | str | None,
    as_of: datetime | date | None,
    policy: Hcm104Policy | None,
    calendar: WorkingCalendar | None,
    deadline_policy: DeadlinePolicy | None,
    d_values: Mapping[str, Fraction | Decimal | int | float] | None,
    by_staff: bool,
    counting: CountingPolicy | None,
    strict: bool,
    progress: Callable[[str, int], None] | None,
    scorecard: Scorecard | None,
) -> FolderScores:
    """:func:`score_folder_with_766`, D taken from ``scorecard`` when given (:func:`score`
    checked it is for the same period and moment) instead of the pass's own scorecard."""
    from .folder_walk import NO_HINT_YEAR
    from .io.dataset import read_folder
    from .scoring import score_766
    from .streaming import observed_score

    pol = _check_policy(policy, "score")
    if isinstance(period, str):
        period = Period.parse(period)
    if period is not None and not isinstance(period, Period):
        raise PolicyError("must be a Period (e.g. Period.quarter(2025, 2)), its text or None",
                          record="score", field="period", value=period)
    if as_of is not None and not isinstance(as_of, (datetime, date)):
        raise PolicyError("must be a datetime, a date or None", record="score", field="as_of",
                          value=as_of)
    cal = _checked_settings(calendar, deadline_policy, counting)
    _check_d_values(d_values)
    by_staff = bool(by_staff)
    made: list[_Marks] = []

    def observe(ctx: Any, undated: frozenset[str]) -> _Marks:
        marks = _Marks(ctx.procedures, period=ctx.period, as_of=ctx.as_of, calendar=cal,
                       deadline_policy=deadline_policy, policy=pol, counting=counting,
                       by_staff=by_staff, named=undated, ctx=ctx)
        made.append(marks)
        return marks

    done = observed_score(path, period=period, observe=observe, as_of=as_of, calendar=cal,
                          policy=deadline_policy, strict=strict, progress=progress,
                          counting=counting)
    if done is None:
        dataset = read_folder(path, strict=strict, progress=progress)
        receipts = [d.receipt for d in dataset.dossiers]
        latest = max(receipts, default=None)
        chosen = period if period is not None else Period.year(
            latest.year if latest is not None else NO_HINT_YEAR)
        card = score_766(dataset, period=chosen, as_of=as_of, calendar=cal,
                         policy=deadline_policy, counting=counting)
        report = score(dataset, period=chosen, as_of=as_of, policy=pol, calendar=cal,
                       deadline_policy=deadline_policy, by_staff=by_staff, counting=counting,
                       **({"d_values": d_values} if d_values is not None
                          else {"scorecard": scorecard if scorecard is not None else card}))
        return FolderScores(report, card, min(receipts, default=None), latest)
    card, latest, _, rest = done
    marks = made[-1]
    marks.done()
    report = _report(marks, unit_records=rest.units, ratings=rest.ratings(),
                     postings=rest.postings, petitions=rest.petitions, dataset_notes=rest.notes,
                     input_report=rest.report, d_values=d_values,
                     card=None if d_values is not None else
                     scorecard if scorecard is not None else card)
    return FolderScores(report, card, marks.first, latest)


def score_folder(
    path: str | os.PathLike[str],
    *,
    period: Period | str | None,
    as_of: datetime | date | None = None,
    policy: Hcm104Policy | None = None,
    calendar: WorkingCalendar | None = None,
    deadline_policy: DeadlinePolicy | None = None,
    d_values: Mapping[str, Fraction | Decimal | int | float] | None = None,
    by_staff: bool = False,
    counting: CountingPolicy | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> Hcm104Report:
    """The HCMC satisfaction index of the exports in ``path``, streaming, in one pass over
    the dossiers (:func:`score_folder_with_766`'s report): what ``score(read_folder(path), …)``
    gives. With ``period=None`` and no dossier accepted, raises
    :class:`~chiso766.errors.InputError` (the default period cannot be chosen)."""
    scores = score_folder_with_766(
        path, period=period, as_of=as_of, policy=policy, calendar=calendar,
        deadline_policy=deadline_policy, d_values=d_values, by_staff=by_staff,
        counting=counting, strict=strict, progress=progress)
    if period is None and scores.latest_receipt is None:
        raise InputError("no dossier accepted: the default period (the year of the latest "
                         "receipt) cannot be chosen; name a period", file=os.fspath(path),
                         field="period")
    return scores.report
