"""The portal's published numbers beside the library's, per unit and criterion, with what each
difference means (docs/portal.md "Reconcile").

:func:`reconcile` takes a :class:`~chiso766.scoring.Scorecard` computed from the office's own
records (``score_766``; with ``keep_ids=True`` the office's dossiers behind each difference are
named) and a :class:`~chiso766.portal.PortalSnapshot` read from the saved responses, matches the
units by code (the library's unit id equal to the portal's ``departmentCode`` or
``departmentId``, or through an explicit ``units`` mapping) and compares every criterion the
portal publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import attrs

from . import renderers
from .criteria.base import Note
from .errors import PolicyError
from .portal import PortalCard, PortalSnapshot, PortalUnit, PortalValue
from .scoring import CriterionResult, Scorecard, UnitScorecard

__all__ = ["Reconciliation", "ReconciliationRow", "UnitMatch", "reconcile"]

#: What each criterion counts, to say what a difference in its numbers means:
#: criterion → (kind, numerator noun vi, numerator noun en).
_KIND: dict[str, tuple[str, str, str]] = {
    "PUBLISH_ON_TIME": ("announcement", "TTHC công bố đúng hạn", "procedures announced on time"),
    "PUBLIC_UPDATE_ON_TIME": ("announcement", "TTHC công khai đúng hạn",
                              "procedures published on time"),
    "PUBLIC_CONTENT_FULL": ("announcement", "TTHC công khai đủ nội dung",
                            "procedures published in full"),
    "DOSSIER_SYNC": ("received", "hồ sơ đã đồng bộ", "dossiers synced"),
    "DOSSIER_ON_TIME": ("P", "hồ sơ đúng hạn, trước hạn", "dossiers handled on time"),
    "ONLINE_SERVICE_PROCEDURES": ("procedure", "TTHC có dịch vụ trực tuyến",
                                  "procedures offered online"),
    "ONLINE_SERVICES_WITH_DOSSIERS": ("service", "dịch vụ có hồ sơ trực tuyến",
                                      "online services with online dossiers"),
    "ONLINE_DOSSIERS": ("received", "hồ sơ nộp trực tuyến", "dossiers submitted online"),
    "ONLINE_PAYMENT_PROCEDURES": ("procedure", "TTHC có thanh toán trực tuyến",
                                  "procedures with online payments"),
    "PAYMENT_INTEGRATED_PROCEDURES": ("procedure", "TTHC có hồ sơ kèm phí, lệ phí",
                                      "procedures whose dossiers carry fees"),
    "ONLINE_PAID_DOSSIERS": ("fee", "hồ sơ thanh toán trực tuyến", "dossiers paid online"),
    "ORIGINAL_RESULT_AVAILABLE": ("P", "hồ sơ có kết quả điện tử",
                                  "dossiers with an electronic result"),
    "SO_HOA_GIAY_TO_GIAI_QUYET": ("P", "hồ sơ được số hóa", "digitized dossiers"),
    "REUSED_DIGITIZED_DATA": ("P", "hồ sơ tái sử dụng dữ liệu số hóa",
                              "dossiers re-using digitized data"),
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": ("P", "hồ sơ dùng kho dữ liệu cá nhân",
                                           "dossiers using the personal data store"),
    "CITIZEN_DATA_CONNECTED_FORMALITY": ("procedure", "TTHC có dùng dữ liệu dân cư",
                                         "procedures using population data"),
    "CITIZEN_DATA_CONNECTED_DOSSIER": ("P", "hồ sơ dùng dữ liệu dân cư",
                                       "dossiers using population data"),
    "ELECTRONIC_CERTIFIED_COPY": ("commune", "xã có chứng thực điện tử",
                                  "communes offering electronic certified copies"),
    "PETITION_CLASSIFICATION_TTHC": ("petition", "PAKN về quy định, TTHC",
                                     "petitions about procedures"),
    "PETITION_CLASSIFICATION_STAFF": ("petition", "PAKN về cán bộ", "petitions about staff"),
    "PETITION_PROCESSED_ON_TIME": ("petition", "PAKN xử lý đúng hạn",
                                   "petitions handled on time"),
    "PETITION_HANDLING_SATISFACTION": ("petition", "PAKN được hài lòng",
                                       "petitions handled to satisfaction"),
    "DOSSIER_RATING_SATISFACTION": ("P", "hồ sơ được hài lòng", "dossiers with satisfaction"),
}

#: kind → (denominator noun vi, en; why the portal has more; why the records have more).
_DENOMINATOR: dict[str, tuple[str, str, str, str, str, str]] = {
    "P": ("hồ sơ trong tập P (tiếp nhận trong kỳ và kỳ trước chuyển sang)",
          "dossiers in P (received in the period, or carried over)",
          "hồ sơ không có trong tệp xuất, hoặc đồng bộ muộn",
          "dossiers not exported, or synced late",
          "hồ sơ chưa đồng bộ lên Cổng DVCQG (xem 1.4), hoặc thời điểm tiếp nhận trên Cổng "
          "khác với hệ thống của đơn vị",
          "dossiers not synced to the national portal (see 1.4), or received at a different "
          "moment by the portal's clock"),
    "received": ("hồ sơ tiếp nhận trong kỳ", "dossiers received in the period",
                 "hồ sơ không có trong tệp xuất, hoặc mẫu số lấy từ báo cáo quốc gia",
                 "dossiers not exported, or a denominator taken from the national report",
                 "hồ sơ chưa đồng bộ lên Cổng DVCQG", "dossiers not synced to the national "
                 "portal"),
    "fee": ("hồ sơ có nghĩa vụ tài chính", "dossiers with a financial obligation",
            "hồ sơ không có trong tệp xuất, hoặc TTHC được Cổng coi là có phí",
            "dossiers not exported, or procedures the portal treats as fee-charging",
            "hồ sơ chưa đồng bộ, hoặc TTHC mà tệp procedures ghi là có phí còn Cổng thì không",
            "dossiers not synced, or procedures your procedures file marks as fee-charging and "
            "the portal does not"),
    "procedure": ("TTHC", "procedures",
                  "TTHC thuộc thẩm quyền trên Cổng mà tệp procedures/authorities không có",
                  "procedures in the portal's authority list that your procedures/authorities "
                  "file does not have",
                  "TTHC trong tệp procedures/authorities không thuộc đơn vị trên Cổng",
                  "procedures in your procedures/authorities file the portal does not list "
                  "for this unit"),
    "service": ("dịch vụ công trực tuyến", "online services",
                "dịch vụ trực tuyến trên Cổng mà dữ liệu của đơn vị không có",
                "online services on the portal your records do not have",
                "dịch vụ trực tuyến trong dữ liệu của đơn vị mà Cổng không tính",
                "online services in your records that the portal does not count"),
    "petition": ("PAKN", "petitions",
                 "PAKN gửi qua hệ thống PAKN của Cổng không có trong tệp xuất",
                 "petitions sent through the portal's petition system that are not in your "
                 "export",
                 "PAKN không có trên hệ thống PAKN của Cổng, hoặc thời điểm gửi khác",
                 "petitions not on the portal's petition system, or sent at a different moment"),
    "announcement": ("TTHC công bố", "announced procedures",
                     "quyết định công bố không có trong tệp announcements",
                     "announcements not in your announcements file",
                     "quyết định công bố Cổng không ghi nhận trong kỳ",
                     "announcements the portal does not count in the period"),
    "commune": ("xã", "communes", "xã không có trong tệp communes",
                "communes not in your communes file", "xã Cổng không tính",
                "communes the portal does not count"),
}

_TOP_ONLY = frozenset({"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL"})
_DOSSIER_KINDS = frozenset({"P", "received", "fee"})


@attrs.define(frozen=True, slots=True)
class UnitMatch:
    """A library unit and the portal unit it was matched to (either may be missing)."""

    unit_id: str | None  #: the library's unit id
    portal: PortalUnit | None
    name: str


@attrs.define(frozen=True, slots=True)
class ReconciliationRow:
    """One unit and criterion (or card total) side by side."""

    unit_id: str  #: the library's unit id
    portal_code: str | None  #: the portal's departmentCode (or departmentId when it has none)
    name: str
    code: str  #: criterion code, or the group / part code of a card total
    number: str  #: "2.1", … or "" for a card total
    portal_numerator: int | None
    portal_denominator: int | None
    portal_points: Decimal | None
    library_numerator: int | Fraction | None
    library_denominator: int | Fraction | None
    library_points: Decimal | None
    status: str  #: "same", "different", "not_published" (the portal has no number for it)
    notes: tuple[Note, ...] = ()
    ids: tuple[str, ...] | None = None  #: the office's records on the library's side
    ids_side: str | None = None  #: which library set ``ids`` are drawn from
    quality: str | None = None  #: the portal's dataQualityStatus

    @property
    def differs(self) -> bool:
        return self.status == "different"

    @property
    def numerator_difference(self) -> int | None:
        """library − portal, when both are known."""
        if self.portal_numerator is None or not isinstance(self.library_numerator, int):
            return None
        return self.library_numerator - self.portal_numerator

    @property
    def denominator_difference(self) -> int | None:
        if self.portal_denominator is None or not isinstance(self.library_denominator, int):
            return None
        return self.library_denominator - self.portal_denominator

    @property
    def points_difference(self) -> Decimal | None:
        if self.portal_points is None or self.library_points is None:
            return None
        return self.library_points - self.portal_points

    def explain(self, lang: str = "vi") -> str:
        return "; ".join(n.text(lang) for n in self.notes)


@attrs.define(frozen=True, slots=True)
class Reconciliation:
    """The whole comparison: rows per matched unit, and the units found on one side only."""

    rows: tuple[ReconciliationRow, ...]
    matched: tuple[UnitMatch, ...]
    only_portal: tuple[PortalUnit, ...]
    only_library: tuple[UnitMatch, ...]
    period: Any = None
    notes: tuple[Note, ...] = ()

    @property
    def differences(self) -> tuple[ReconciliationRow, ...]:
        return tuple(r for r in self.rows if r.differs)

    def unit_rows(self, unit_id: str) -> tuple[ReconciliationRow, ...]:
        return tuple(r for r in self.rows if r.unit_id == unit_id)

    def to_dict(self, lang: str = "vi", include_ids: bool = False) -> dict[str, Any]:
        return cast("dict[str, Any]", renderers.call("reconciliation.to_dict", self, lang=lang,
                                                     include_ids=include_ids))


def reconcile(
    scorecard: Scorecard,
    snapshot: PortalSnapshot,
    *,
    units: Mapping[str, str] | None = None,
) -> Reconciliation:
    """Put the portal's published numbers and the library's numbers side by side, per unit
    (matched by code) and criterion, and say what each difference means.

    ``units`` maps a library unit id to a portal ``departmentCode`` or ``departmentId`` where
    they differ (e.g. ``{"000.00.00.H44": "H44"}``); otherwise a library unit matches the portal
    unit whose code or id equals its own id.
    """
    if not isinstance(scorecard, Scorecard):
        raise PolicyError("must be a Scorecard (from score_766)", record="reconcile",
                          field="scorecard", value=scorecard)
    if not isinstance(snapshot, PortalSnapshot):
        raise PolicyError("must be a PortalSnapshot (from read_portal)", record="reconcile",
                          field="snapshot", value=snapshot)
    mapping = _mapping(units, scorecard)
    by_key: dict[str, PortalUnit] = {}
    for u in snapshot.units.values():
        by_key[u.department_id] = u
        if u.code is not None:
            by_key[u.code] = u
    matched: list[UnitMatch] = []
    only_library: list[UnitMatch] = []
    used: set[str] = set()
    rows: list[ReconciliationRow] = []
    for uid, card in scorecard.units.items():
        target = mapping.get(uid, uid)
        pu = by_key.get(target)
        if pu is None or pu.department_id in used:
            only_library.append(UnitMatch(uid, None, card.name))
            continue
        used.add(pu.department_id)
        matched.append(UnitMatch(uid, pu, card.name or pu.name))
        rows.extend(_unit_rows(card, pu, snapshot))
    only_portal = tuple(u for u in snapshot.units.values() if u.department_id not in used)
    notes = snapshot.notes
    if not matched:
        notes += (Note("không đơn vị nào khớp mã giữa dữ liệu của đơn vị và Cổng: dùng "
                       "units={mã thư viện: mã Cổng}",
                       "no unit matched by code between your records and the portal: pass "
                       "units={library id: portal code}"),)
    return Reconciliation(tuple(rows), tuple(matched), only_portal, tuple(only_library),
                          scorecard.period, notes)


def _mapping(units: Any, scorecard: Scorecard) -> dict[str, str]:
    if units is None:
        return {}
    if not isinstance(units, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in units.items()):
        raise PolicyError("must map library unit ids (str) to portal codes (str)",
                          record="reconcile", field="units", value=units)
    unknown = sorted(k for k in units if k not in scorecard.units)
    if unknown:
        raise PolicyError("no such unit in the scorecard", record="reconcile", field="units",
                          value=unknown[0])
    return dict(units)


def _top(pu: PortalUnit, snapshot: PortalSnapshot) -> PortalUnit | None:
    roots = snapshot.roots
    return roots[0] if len(roots) == 1 and roots[0] is not pu else None


def _unit_rows(card: UnitScorecard, pu: PortalUnit, snapshot: PortalSnapshot) -> \
        list[ReconciliationRow]:
    values = snapshot.values.get(pu.department_id, {})
    cards = snapshot.cards.get(pu.department_id, {})
    published_cards = {c.group for c in cards.values()}
    rows: list[ReconciliationRow] = []
    for code, r in card.criteria.items():
        c = r.criterion
        v = values.get(code)
        part_or_group = c.part or c.group
        if v is None:
            note = _absent_note(code, part_or_group, published_cards)
            rows.append(_row(card, pu, code, c.number, None, r, "not_published", (note,)))
            continue
        rows.append(_compare(card, pu, v, r, snapshot))
    for pc in cards.values():
        rows.append(_card_row(card, pu, pc))
    return rows


def _absent_note(code: str, group: str, published: set[str]) -> Note:
    if code == "CITIZEN_DATA_CONNECTED_FORMALITY" and "DIGITIZATION" in published:
        return Note("Cổng không công bố 4.5a trong phản hồi này (phản hồi lọc theo một TTHC "
                    "không có 4.5a)", "the portal does not publish 4.5a in this response "
                    "(responses filtered by one procedure leave it out)")
    if group in published:
        return Note("Cổng chỉ công bố tổng điểm của thẻ cho đơn vị này: so sánh ở dòng tổng thẻ",
                    "the portal publishes only the card's total for this unit: compare the "
                    "card line")
    return Note("không có phản hồi của Cổng cho thẻ này", "no portal response for this card")


def _row(card: UnitScorecard, pu: PortalUnit, code: str, number: str, v: PortalValue | None,
         r: CriterionResult, status: str, notes: tuple[Note, ...],
         ids: tuple[str, ...] | None = None, side: str | None = None) -> ReconciliationRow:
    return ReconciliationRow(
        card.unit_id, pu.key, card.name or pu.name, code, number,
        None if v is None else v.numerator, None if v is None else v.denominator,
        None if v is None else v.points, r.shown_numerator, r.shown_denominator, r.points, status,
        notes,
        ids, side, None if v is None else v.quality)


def _compare(card: UnitScorecard, pu: PortalUnit, v: PortalValue, r: CriterionResult,
             snapshot: PortalSnapshot) -> ReconciliationRow:
    code = v.code
    c = r.criterion
    kind, num_vi, num_en = _KIND.get(code, ("record", "bản ghi", "records"))
    den = _DENOMINATOR.get(kind)
    notes: list[Note] = []
    ids: tuple[str, ...] | None = None
    side: str | None = None
    ln, ld = r.numerator, r.denominator
    pn, pd = v.numerator, v.denominator
    # Points: the tree cards of online services and payment publish no per-criterion points.
    points_published = v.portal_code is not None or v.card == "dvc-progress-tree"
    differs = False
    if pn is not None and pd is not None and not r.counted:
        notes.append(Note("thư viện không đếm tiêu chí này theo chính sách mặc định (như Cổng "
                          "hiển thị 4.6); dùng certified_copy=computed để đếm",
                          "the library does not count this criterion under its default policy "
                          "(as the portal shows 4.6); use certified_copy=computed to count it"))
    elif pn is not None and pd is not None:
        dd = ld - pd
        dn = ln - pn
        if dd != 0:
            differs = True
            k = abs(dd)
            if den is None:
                notes.append(Note(f"mẫu số chênh {dd:+}", f"denominator differs by {dd:+}"))
            elif dd < 0:
                notes.append(Note(f"Cổng đếm nhiều hơn {_n(k)} {den[0]} so với dữ liệu của đơn "
                                  f"vị — {den[2]}",
                                  f"the portal counts {_n(k)} more {den[1]} than your records "
                                  f"have — {den[3]}"))
            else:
                notes.append(Note(f"dữ liệu của đơn vị có nhiều hơn {_n(k)} {den[0]} so với "
                                  f"Cổng — {den[4]}",
                                  f"your records have {_n(k)} more {den[1]} than the portal "
                                  f"counts — {den[5]}"))
                ids, side = _extra_dossiers(card, r) if kind in _DOSSIER_KINDS else \
                    (r.denominator_ids, "denominator")
        if dn != 0:
            differs = True
            k = abs(dn)
            if dd == 0:
                cause_vi = ("trạng thái trên Cổng mới hơn tệp xuất, hoặc tệp xuất thiếu trường "
                            "mà tử số cần" if dn < 0 else
                            "bản sao trên Cổng thiếu thông tin đó (chưa đồng bộ, hoặc đồng bộ "
                            "trước khi có)")
                cause_en = ("the portal's status is newer than your export, or your export "
                            "lacks a field the numerator needs" if dn < 0 else
                            "the portal's copy lacks it (not synced, or synced before it was "
                            "set)")
                if dn < 0:
                    notes.append(Note(f"cùng mẫu số, Cổng tính nhiều hơn {_n(k)} {num_vi} — "
                                      f"{cause_vi}", f"same denominator, the portal counts "
                                      f"{_n(k)} more {num_en} — {cause_en}"))
                    if r.denominator_ids is not None and r.numerator_ids is not None:
                        hits = set(r.numerator_ids)
                        ids = tuple(i for i in r.denominator_ids if i not in hits)
                        side = "denominator_not_numerator"
                else:
                    notes.append(Note(f"cùng mẫu số, dữ liệu của đơn vị tính nhiều hơn {_n(k)} "
                                      f"{num_vi} — {cause_vi}", f"same denominator, your records "
                                      f"count {_n(k)} more {num_en} — {cause_en}"))
                    ids, side = r.numerator_ids, "numerator"
            else:
                more = "Cổng" if dn < 0 else "dữ liệu của đơn vị"
                more_en = "the portal has" if dn < 0 else "your records have"
                notes.append(Note(f"tử số: {more} có nhiều hơn {_n(k)} {num_vi}",
                                  f"numerator: {more_en} {_n(k)} more {num_en}"))
                if dn > 0 and ids is None:
                    ids, side = r.numerator_ids, "numerator"
    elif code == "ELECTRONIC_CERTIFIED_COPY":
        notes.append(Note("4.6 được Cổng hiển thị đạt tối đa (không công bố tử số, mẫu số)",
                          "4.6 is shown full by the portal (no numerator or denominator "
                          "published)"))
    else:
        notes.append(Note("Cổng không công bố tử số, mẫu số", "the portal publishes no "
                          "numerator or denominator"))
    if points_published and v.points != r.points:
        if not differs and pn is not None and pd is not None:
            notes.append(Note("cùng tử số, mẫu số nhưng khác điểm — quy tắc hoặc chính sách "
                              "của thư viện khác Cổng (xem docs/rules.md)",
                              "same counts, different points — the library's rule or policy "
                              "differs from the portal's (see docs/rules.md)"))
        differs = True
    if code in _TOP_ONLY and differs:
        top = _top(pu, snapshot)
        if top is not None:
            tv = snapshot.values.get(top.department_id, {}).get(code)
            if tv is not None and (tv.numerator, tv.denominator) == (pn, pd):
                notes.append(Note("1.1–1.3 là giá trị của tỉnh (Cổng tính một lần cho đơn vị cấp "
                                  "cao nhất và hiển thị cho mọi đơn vị trực thuộc)",
                                  "1.1–1.3 are the province's values (the portal computes them "
                                  "once for the top-level unit and shows them on every unit "
                                  "below it)"))
    if v.quality == "TEMP_NATIONAL_REPORT_DENOMINATOR":
        notes.append(Note("mẫu số của Cổng là số tạm lấy từ báo cáo quốc gia",
                          "the portal's denominator is provisional (from the national report)"))
    elif v.quality == "NO_NATIONAL_REPORT_DATA":
        notes.append(Note("Cổng không có dữ liệu báo cáo tổng hợp cho đơn vị này",
                          "the portal has no aggregated report data for this unit"))
    return _row(card, pu, code, c.number, v, r, "different" if differs else "same",
                tuple(notes), ids if differs else None, side if differs else None)


def _extra_dossiers(card: UnitScorecard, r: CriterionResult) -> \
        tuple[tuple[str, ...] | None, str]:
    """The office's dossiers behind "your records have more dossiers than the portal": the ones
    of the denominator that 1.4 shows as not synced to the national portal, when there are any
    (the likeliest reason); otherwise the whole denominator."""
    ids = r.denominator_ids
    sync = card.criteria.get("DOSSIER_SYNC")
    if ids is None or sync is None or sync.numerator_ids is None or \
            sync.denominator_ids is None:
        return ids, "denominator"
    synced = set(sync.numerator_ids)
    unsynced = {i for i in sync.denominator_ids if i not in synced}
    narrowed = tuple(i for i in ids if i in unsynced)
    if narrowed:
        return narrowed, "denominator_not_synced"
    return ids, "denominator"


def _card_row(card: UnitScorecard, pu: PortalUnit, pc: PortalCard) -> ReconciliationRow:
    mine = card.points(pc.group)
    notes: list[Note] = []
    status = "same"
    if pc.points != mine:
        status = "different"
        if not pc.counts_published:
            notes.append(Note("Cổng chỉ công bố tổng điểm của thẻ cho đơn vị này",
                              "the portal publishes only the card's total for this unit"))
        else:
            notes.append(Note("tổng thẻ khác: xem các tiêu chí của thẻ",
                              "the card's total differs: see the card's criteria"))
    return ReconciliationRow(card.unit_id, pu.key, card.name or pu.name, pc.group, "",
                             None, None, pc.points, None, None, mine, status, tuple(notes))


def _n(k: int | Any) -> str:
    return str(k)
