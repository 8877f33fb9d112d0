"""Rule sets as data: Decision 766/QĐ-TTg's groups, criteria, caps, conversions and bands.

The default rule set :data:`QD766` is declared here, in one place (docs/rules.md "The criteria"). A
caller derives a
variant without editing the library::

    strict = QD766.evolve_criterion("REUSED_DIGITIZED_DATA", threshold=Fraction(9, 10),
                                    name="qd766-strict")

Every criterion cites its source. The decision itself (QĐ 766/QĐ-TTg of 23/6/2022, Appendix)
names the criteria and caps; the national portal's technical description ("Mô tả công thức tính
chỉ số 766", Cổng Dịch vụ công quốc gia) gives the formulas and conversions; the coefficients
were checked against the portal's published scores (docs/rules.md "The criteria" and "Rounding").
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import Any

import attrs

from .errors import PolicyError, StrictLookup

__all__ = [
    "PORTAL_CODES",
    "QD766",
    "Band",
    "Conversion",
    "Criterion",
    "Group",
    "Part",
    "RuleSet",
    "ZeroRule",
    "band",
    "canonical_code",
    "criterion",
]

#: The national portal's API names two criteria differently from the library (docs/rules.md "The
#: criteria" r2;
#: docs/rules.md "Portal codes"): portal code → library code. Accepted wherever a criterion code
#: is.
PORTAL_CODES: dict[str, str] = {
    "PETITION_PROCESSING_ON_TIME": "PETITION_PROCESSED_ON_TIME",  # 5.2
    "DOSSIER_RECEIVING_SATISFACTION": "DOSSIER_RATING_SATISFACTION",  # 5.4
}


def canonical_code(code: str) -> str:
    """The library's code for ``code``: a portal alias (:data:`PORTAL_CODES`) becomes the
    library's code; any other string is returned unchanged."""
    if not isinstance(code, str):
        raise PolicyError("must be a criterion code (text)", record="canonical_code",
                          field="code", value=code)
    return PORTAL_CODES.get(code, code)


class Conversion(StrictLookup, enum.Enum):
    """How a ratio becomes points (docs/rules.md "The criteria")."""

    LINEAR = "linear"  #: points = max × r
    THRESHOLD = "threshold"  #: points = min(max, max × r / T): "đạt từ T trở lên sẽ đạt tối đa"
    ANALYSIS = "analysis"  #: shown for analysis, no points


class ZeroRule(StrictLookup, enum.Enum):
    """What a criterion gives when its denominator is 0 (docs/rules.md "The criteria": d = 0 is not
    a zero ratio)."""

    NULL = "null"  #: no score ("no data"); adds nothing to the group; the group's max stays
    ZERO = "zero"  #: 0 points
    FULL = "full"  #: the maximum ("not applicable" = full, as the portal shows)


class Band(StrictLookup, enum.Enum):
    """Xếp loại (VnEconomy report of QĐ 766, docs/rules.md "The criteria")."""

    XUAT_SAC = "XUAT_SAC"  #: xuất sắc, ≥ 90
    TOT = "TOT"  #: tốt, 80 – < 90
    KHA = "KHA"  #: khá, 70 – < 80
    TRUNG_BINH = "TRUNG_BINH"  #: trung bình, 50 – < 70
    YEU = "YEU"  #: yếu, < 50

    @property
    def label_vi(self) -> str:
        return _BAND_VI[self]

    @property
    def label_en(self) -> str:
        return _BAND_EN[self]

    def label(self, lang: str = "vi") -> str:
        """The band's name in the reader's language: ``"Xuất sắc"`` / ``"Excellent"``."""
        return self.label_en if lang == "en" else self.label_vi


_BAND_EN = {
    Band.XUAT_SAC: "Excellent",
    Band.TOT: "Good",
    Band.KHA: "Fair",
    Band.TRUNG_BINH: "Average",
    Band.YEU: "Weak",
}

_BAND_VI = {
    Band.XUAT_SAC: "Xuất sắc",
    Band.TOT: "Tốt",
    Band.KHA: "Khá",
    Band.TRUNG_BINH: "Trung bình",
    Band.YEU: "Yếu",
}


def _frac(value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, str)):
        raise PolicyError("must be an int, a Fraction or a decimal string", record="rules",
                          field="number", value=value)
    return Fraction(value)


def _check_count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError("must be a whole number ≥ 0", record="criterion.points", field=field,
                          value=value)
    return value


@attrs.define(frozen=True, slots=True)
class Criterion:
    """One criterion (tiêu chí): its code, caps and conversion, as data."""

    code: str
    number: str  #: "2.1", "4.5a"…
    group: str
    part: str | None
    name_vi: str
    name_en: str
    max_points: Fraction = attrs.field(converter=_frac)
    conversion: Conversion
    zero_rule: ZeroRule
    threshold: Fraction | None = attrs.field(
        default=None, converter=attrs.converters.optional(_frac)
    )
    clause: str = ""
    uses_calendar: bool = False

    def __repr__(self) -> str:
        return (f"Criterion(code={self.code!r}, number={self.number!r}, "
                f"max_points={self.max_points})")

    def __attrs_post_init__(self) -> None:
        if self.conversion is Conversion.THRESHOLD and (
            self.threshold is None or not 0 < self.threshold <= 1
        ):
            raise PolicyError("a threshold conversion needs 0 < threshold ≤ 1",
                              record=f"Criterion {self.code}", field="threshold",
                              value=self.threshold)
        if self.max_points < 0:
            raise PolicyError("must be ≥ 0", record=f"Criterion {self.code}", field="max_points",
                              value=self.max_points)

    @property
    def scored(self) -> bool:
        return self.conversion is not Conversion.ANALYSIS

    @property
    def coefficient(self) -> Fraction:
        """Points per unit of ratio before the cap: max for linear, max/T for threshold."""
        if self.conversion is Conversion.THRESHOLD:
            assert self.threshold is not None
            return self.max_points / self.threshold
        return self.max_points

    def points_for_ratio(self, ratio: Fraction | None) -> Fraction | None:
        """Exact points for a ratio; ``None`` ratio means d = 0 and follows :attr:`zero_rule`."""
        if ratio is not None and (isinstance(ratio, bool) or not isinstance(ratio, (int, Fraction))
                                  or ratio < 0):
            raise PolicyError("must be a ratio ≥ 0 (int or Fraction) or None",
                              record=f"criterion {self.code}", field="ratio", value=ratio)
        if self.conversion is Conversion.ANALYSIS:
            return None
        if ratio is None:
            if self.zero_rule is ZeroRule.ZERO:
                return Fraction(0)
            if self.zero_rule is ZeroRule.FULL:
                return self.max_points
            return None
        return min(self.max_points, self.coefficient * ratio)

    def points(self, numerator: int, denominator: int) -> Fraction | None:
        """Exact points for ``numerator / denominator``, or ``None`` for "no score"."""
        n = _check_count(numerator, "numerator")
        d = _check_count(denominator, "denominator")
        if n > d:
            raise PolicyError(f"the numerator exceeds the denominator {d}",
                              record=f"criterion {self.code}", field="numerator", value=n)
        return self.points_for_ratio(None if d == 0 else Fraction(n, d))

    def describe_conversion(self, lang: str = "vi") -> str:
        m = _num(self.max_points)
        if self.conversion is Conversion.LINEAR:
            return f"{m} × r" if lang == "en" else f"{m} × tỷ lệ"
        if self.conversion is Conversion.THRESHOLD:
            t = _num(self.threshold or Fraction(1))
            return (f"min({m}, {m} × r / {t})" if lang == "en"
                    else f"min({m}; {m} × tỷ lệ / {t.replace('.', ',')})")
        return "analysis only, no points" if lang == "en" else "chỉ phân tích, không tính điểm"


def _num(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return format(float(value), "g")


@attrs.define(frozen=True, slots=True)
class Part:
    """A card within a group (ONLINE has two: online services 12 and online payment 10)."""

    code: str
    name_vi: str
    name_en: str
    max_points: Fraction = attrs.field(converter=_frac)
    #: or "portal_float" (the online payment card, docs/rules.md "Rounding")
    rounding: str = "sum_of_rounded"


@attrs.define(frozen=True, slots=True)
class Group:
    """A group of criteria (nhóm chỉ số thành phần) with its cap."""

    code: str
    number: int
    name_vi: str
    name_en: str
    max_points: Fraction = attrs.field(converter=_frac)
    parts: tuple[Part, ...] = ()


@attrs.define(frozen=True, slots=True)
class RuleSet:
    """A whole rule set: groups, criteria and band thresholds, named for the output."""

    name: str
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    bands: tuple[tuple[Fraction, Band], ...]  #: (lower bound, band), highest first

    def __attrs_post_init__(self) -> None:
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise PolicyError("criterion codes must be unique", record=f"RuleSet {self.name}",
                              field="criteria", value=codes)
        groups = {g.code for g in self.groups}
        parts = {p.code for g in self.groups for p in g.parts}
        for c in self.criteria:
            if c.group not in groups or (c.part is not None and c.part not in parts):
                raise PolicyError("names a group or part the rule set does not have",
                                  record=f"Criterion {c.code}", field="group", value=c.group)

    def __repr__(self) -> str:
        # Short on purpose: the rule set is the default of ``score_766(rules=...)``, and its full
        # field-by-field form (12,000 characters) made ``help(score_766)`` unreadable.
        return (f"RuleSet(name={self.name!r}, groups={len(self.groups)}, "
                f"criteria={len(self.criteria)})")

    def criterion(self, code: str) -> Criterion:
        """The criterion ``code`` (the library's code or the portal's alias)."""
        code = canonical_code(code) if isinstance(code, str) else code
        for c in self.criteria:
            if c.code == code:
                return c
        raise PolicyError(f"no such criterion in rule set {self.name!r}",
                          record="RuleSet", field="code", value=code)

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise PolicyError(f"no such group in rule set {self.name!r}", record="RuleSet",
                          field="code", value=code)

    def criteria_of(self, group: str, part: str | None = None) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.group == group
                     and (part is None or c.part == part))

    @property
    def max_total(self) -> Fraction:
        return sum((g.max_points for g in self.groups), Fraction(0))

    def band(self, total: Fraction | Any) -> Band:
        value = Fraction(str(total)) if not isinstance(total, (int, Fraction)) else total
        for bound, b in self.bands:
            if value >= bound:
                return b
        return self.bands[-1][1]

    def evolve_criterion(self, code: str, *, name: str | None = None, **changes: Any) -> RuleSet:
        """A new rule set with one criterion changed (``threshold=``, ``max_points=``,
        ``conversion=``, ``zero_rule=``…), named ``name`` (default ``<name>-custom``)."""
        code = self.criterion(code).code
        try:
            criteria = tuple(attrs.evolve(c, **changes) if c.code == code else c
                             for c in self.criteria)
        except TypeError as exc:
            raise PolicyError(str(exc), record=f"Criterion {code}", field="changes",
                              value=sorted(changes)) from None
        return attrs.evolve(self, name=name or f"{self.name}-custom", criteria=criteria)


def _c(code: str, number: str, group: str, part: str | None, name_vi: str, name_en: str,
       max_points: int, conversion: Conversion, zero: ZeroRule, threshold: str | None = None,
       clause: str = "", calendar: bool = False) -> Criterion:
    return Criterion(code, number, group, part, name_vi, name_en, max_points, conversion, zero,
                     None if threshold is None else Fraction(threshold), clause, calendar)


_L, _T, _A = Conversion.LINEAR, Conversion.THRESHOLD, Conversion.ANALYSIS
_NULL, _ZERO, _FULL = ZeroRule.NULL, ZeroRule.ZERO, ZeroRule.FULL
_SRC = "QĐ 766/QĐ-TTg, Phụ lục"
_DESC = "Cổng DVCQG, Mô tả công thức tính chỉ số 766"

#: The default rule set: Decision 766/QĐ-TTg as the national portal computes it (docs/rules.md "The
#: criteria").
QD766 = RuleSet(
    name="qd766",
    groups=(
        Group("TRANSPARENCY", 1, "Công khai, minh bạch", "Transparency", 18),
        Group("PROGRESS", 2, "Tiến độ, kết quả giải quyết", "Progress and results", 20),
        Group("ONLINE", 3, "Cung cấp dịch vụ trực tuyến", "Online services", 22, (
            Part("ONLINE_SERVICES", "Dịch vụ công trực tuyến", "Online public services", 12),
            Part("ONLINE_PAYMENT", "Thanh toán trực tuyến", "Online payment", 10,
                 "portal_float"),
        )),
        Group("DIGITIZATION", 4, "Số hóa hồ sơ", "Digitization", 22),
        Group("SATISFACTION", 5, "Mức độ hài lòng", "Satisfaction", 18),
    ),
    criteria=(
        _c("PUBLISH_ON_TIME", "1.1", "TRANSPARENCY", None,
           "Tỷ lệ TTHC công bố đúng hạn", "Procedures announced on time", 6, _L, _NULL,
           clause=f"{_SRC}, nhóm 1 tiêu chí 1; NĐ 63/2010/NĐ-CP Điều 15 (công bố trước ngày "
           f"văn bản có hiệu lực 20 ngày làm việc — bộ; 05 ngày làm việc — tỉnh); {_DESC}",
           calendar=True),
        _c("PUBLIC_UPDATE_ON_TIME", "1.2", "TRANSPARENCY", None,
           "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
           "Procedures published in the national database on time", 4, _L, _NULL,
           clause=f"{_SRC}, nhóm 1 tiêu chí 2; TT 02/2017/TT-VPCP (nhập, công khai trong 10 "
           f"ngày làm việc — bộ; 05 ngày làm việc — tỉnh); {_DESC}", calendar=True),
        _c("PUBLIC_CONTENT_FULL", "1.3", "TRANSPARENCY", None,
           "Tỷ lệ TTHC được công khai đầy đủ các bộ phận tạo thành",
           "Published procedures showing all their elements", 2, _L, _NULL,
           clause=f"{_SRC}, nhóm 1 tiêu chí 3; NĐ 63/2010/NĐ-CP Điều 8.2; {_DESC}"),
        _c("DOSSIER_SYNC", "1.4", "TRANSPARENCY", None,
           "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
           "Dossiers synced to the national portal", 6, _L, _NULL,
           clause=f"{_SRC}, nhóm 1 tiêu chí 4; {_DESC}"),
        _c("DOSSIER_ON_TIME", "2.1", "PROGRESS", None,
           "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "Dossiers handled early or on time", 20,
           _L, _ZERO, clause=f"{_SRC}, nhóm 2 tiêu chí 1; NĐ 61/2018/NĐ-CP Điều 19; {_DESC}",
           calendar=True),
        _c("AVERAGE_PROCESSING_TIME", "2.2", "PROGRESS", None,
           "Thời gian giải quyết TTHC trung bình", "Average processing time", 0, _A, _NULL,
           clause=f"{_SRC}, nhóm 2 tiêu chí 2 (phân tích)", calendar=True),
        _c("ONLINE_SERVICE_PROCEDURES", "3.1", "ONLINE", "ONLINE_SERVICES",
           "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
           "Procedures offered as online services", 2, _T, _NULL, "0.8",
           clause=f"{_SRC}, nhóm 3 tiêu chí 1; NĐ 42/2022/NĐ-CP Điều 11; {_DESC}"),
        _c("ONLINE_SERVICES_WITH_DOSSIERS", "3.2", "ONLINE", "ONLINE_SERVICES",
           "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
           "Online services with online dossiers", 4, _L, _NULL,
           clause=f"{_SRC}, nhóm 3 tiêu chí 2; {_DESC}"),
        _c("ONLINE_DOSSIERS", "3.3", "ONLINE", "ONLINE_SERVICES",
           "Tỷ lệ hồ sơ TTHC xử lý trực tuyến", "Dossiers submitted online", 6, _T, _NULL, "0.5",
           clause=f"{_SRC}, nhóm 3 tiêu chí 3; {_DESC}"),
        _c("ONLINE_PAYMENT_PROCEDURES", "3.4", "ONLINE", "ONLINE_PAYMENT",
           "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
           "Fee-charging procedures with online payments", 2, _T, _ZERO, "0.8",
           clause=f"{_SRC}, nhóm 3 tiêu chí 4; {_DESC}"),
        _c("PAYMENT_INTEGRATED_PROCEDURES", "3.5", "ONLINE", "ONLINE_PAYMENT",
           "Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
           "Fee-charging procedures integrated for online payment", 2, _T, _ZERO, "0.8",
           clause=f"{_SRC}, nhóm 3 tiêu chí 5; {_DESC}"),
        _c("ONLINE_PAID_DOSSIERS", "3.6", "ONLINE", "ONLINE_PAYMENT",
           "Tỷ lệ hồ sơ thanh toán trực tuyến", "Dossiers paid online", 6, _L, _ZERO,
           clause=f"{_SRC}, nhóm 3 tiêu chí 6; {_DESC}"),
        _c("ORIGINAL_RESULT_AVAILABLE", "4.1", "DIGITIZATION", None,
           "Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết điện tử",
           "Dossiers with an electronic result", 6, _L, _NULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 1; NĐ 45/2020/NĐ-CP; {_DESC}"),
        _c("SO_HOA_GIAY_TO_GIAI_QUYET", "4.2", "DIGITIZATION", None,
           "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ, kết quả giải quyết",
           "Dossiers digitized (components and result)", 4, _L, _NULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 2; NĐ 107/2021/NĐ-CP Điều 1.13; {_DESC}"),
        _c("REUSED_DIGITIZED_DATA", "4.3", "DIGITIZATION", None,
           "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
           "Dossiers re-using digitized data", 2, _T, _NULL, "0.8",
           clause=f"{_SRC}, nhóm 4 tiêu chí 3; {_DESC}"),
        _c("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "4.4", "DIGITIZATION", None,
           "Tỷ lệ hồ sơ được số hóa có kết nối, chia sẻ dữ liệu với kho dữ liệu cá nhân",
           "Dossiers using the personal data store", 4, _L, _NULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 4; {_DESC}"),
        _c("CITIZEN_DATA_CONNECTED_FORMALITY", "4.5a", "DIGITIZATION", None,
           "Tỷ lệ TTHC cho cá nhân có ứng dụng dữ liệu dân cư",
           "Procedures for individuals using population data", 2, _L, _NULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 5; Đề án 06/QĐ-TTg; {_DESC}"),
        _c("CITIZEN_DATA_CONNECTED_DOSSIER", "4.5b", "DIGITIZATION", None,
           "Tỷ lệ hồ sơ có ứng dụng dữ liệu dân cư, VNeID",
           "Dossiers using population data / VNeID", 2, _L, _NULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 5; Đề án 06/QĐ-TTg; {_DESC}"),
        _c("ELECTRONIC_CERTIFIED_COPY", "4.6", "DIGITIZATION", None,
           "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
           "Communes offering electronic certified copies", 2, _L, _FULL,
           clause=f"{_SRC}, nhóm 4 tiêu chí 6; NĐ 45/2020/NĐ-CP Điều 5; {_DESC}"),
        _c("PETITION_CLASSIFICATION_TTHC", "5.1", "SATISFACTION", None,
           "Tỷ lệ PAKN về quy định, TTHC", "Petitions about regulations and procedures", 0,
           _A, _NULL, clause=f"{_SRC}, nhóm 5 tiêu chí 1 (phân tích)"),
        _c("PETITION_CLASSIFICATION_STAFF", "5.1", "SATISFACTION", None,
           "Tỷ lệ PAKN về hành vi, thái độ cán bộ", "Petitions about staff behaviour", 0,
           _A, _NULL, clause=f"{_SRC}, nhóm 5 tiêu chí 1 (phân tích)"),
        _c("PETITION_PROCESSED_ON_TIME", "5.2", "SATISFACTION", None,
           "Tiến độ xử lý phản ánh, kiến nghị", "Petitions handled on time", 6, _L, _FULL,
           clause=f"{_SRC}, nhóm 5 tiêu chí 2; NĐ 20/2008/NĐ-CP Điều 15, 16; {_DESC}",
           calendar=True),
        _c("PETITION_HANDLING_SATISFACTION", "5.3", "SATISFACTION", None,
           "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
           "Satisfaction with petition handling", 6, _L, _FULL,
           clause=f"{_SRC}, nhóm 5 tiêu chí 3; {_DESC}", calendar=True),
        _c("DOSSIER_RATING_SATISFACTION", "5.4", "SATISFACTION", None,
           "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
           "Satisfaction with dossier handling", 6, _T, _ZERO, "0.9",
           clause=f"{_SRC}, nhóm 5 tiêu chí 4; {_DESC}", calendar=True),
    ),
    bands=(
        (Fraction(90), Band.XUAT_SAC),
        (Fraction(80), Band.TOT),
        (Fraction(70), Band.KHA),
        (Fraction(50), Band.TRUNG_BINH),
        (Fraction(0), Band.YEU),
    ),
)


def criterion(code: str, rules: RuleSet = QD766) -> Criterion:
    """The criterion ``code`` of ``rules`` (default :data:`QD766`), e.g.
    ``criterion("DOSSIER_ON_TIME").points(29, 32) == Fraction(145, 8)``."""
    if not isinstance(code, str):
        raise PolicyError("must be a criterion code (str)", record="criterion", field="code",
                          value=code)
    _check_rules(rules, "criterion")
    return rules.criterion(code)


def _check_rules(rules: Any, where: str) -> None:
    if not isinstance(rules, RuleSet):
        raise PolicyError("must be a RuleSet (e.g. QD766)", record=where, field="rules",
                          value=rules)


def band(total: Any, rules: RuleSet = QD766) -> Band:
    """The band of a 100-point total: ≥ 90 xuất sắc, ≥ 80 tốt, ≥ 70 khá, ≥ 50 trung bình, else
    yếu (docs/rules.md "The criteria")."""
    _check_rules(rules, "band")
    try:
        value = total if isinstance(total, (int, Fraction)) and not isinstance(total, bool) \
            else Fraction(str(total))
    except (ValueError, ZeroDivisionError):
        raise PolicyError("must be a number", record="band", field="total", value=total) from None
    if isinstance(total, bool) or value < 0 or value > rules.max_total:
        raise PolicyError(f"must be between 0 and {rules.max_total}", record="band",
                          field="total", value=total)
    return rules.band(value)

