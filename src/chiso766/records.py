"""The records every score is computed from (docs/glossary.md, docs/inputs.md) and their enums.

Records are frozen, slotted attrs classes, validated when built: a value of the wrong kind or an
inconsistent record (returned before it was received, a supplement answered before it was asked…)
raises :class:`~chiso766.errors.RecordError` naming the record id, the field, the value and the
rule.

Times are local Vietnam time (UTC+07:00, docs/rules.md "Due dates"): a naive ``datetime`` is taken
as local, an
aware one is converted to local and stored naive. A bare ``date`` means 00:00 for a receipt-type
field and office close (17:00) for a completion-type field.
"""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from .errors import RecordError, StrictLookup
from .timelimits import TimeLimit

__all__ = [
    "AFTER_RECEIPT",
    "VIETNAM_TZ",
    "Announcement",
    "AnnouncementKind",
    "Authority",
    "Channel",
    "Commune",
    "Dossier",
    "OnlineLevel",
    "OnlinePayment",
    "Petition",
    "PetitionClass",
    "Posting",
    "Procedure",
    "Rating",
    "RatingValue",
    "SupplementRequest",
    "Timeliness",
    "Unit",
    "UnitLevel",
    "to_local",
]

#: Vietnam's civil time zone (Indochina Time, UTC+07:00, no daylight saving).
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
_RECEIPT_TIME = time(0, 0)
_COMPLETION_TIME = time(17, 0)


class Channel(StrictLookup, enum.IntEnum):
    """Kênh thực hiện: how the dossier was submitted (``KenhThucHien``)."""

    DIRECT = 1  #: trực tiếp
    ONLINE = 2  #: trực tuyến
    POSTAL = 3  #: bưu chính công ích


class OnlineLevel(StrictLookup, enum.IntEnum):
    """Mức độ dịch vụ công trực tuyến (Decree 42/2022/NĐ-CP Art. 11): none, partial, end-to-end."""

    NONE = 0
    PARTIAL = 1  #: DVCTT một phần
    FULL = 2  #: DVCTT toàn trình


class OnlinePayment(StrictLookup, enum.IntEnum):
    """``DuocThanhToanTrucTuyen``: 0 not paid online, 1 national portal, 2 own payment gateway."""

    NONE = 0
    NATIONAL_PORTAL = 1
    OWN_GATEWAY = 2


class UnitLevel(StrictLookup, enum.Enum):
    """Cấp cơ quan: bộ, tỉnh, sở/ngành, huyện, xã."""

    MINISTRY = "MINISTRY"
    PROVINCE = "PROVINCE"
    DEPARTMENT = "DEPARTMENT"
    DISTRICT = "DISTRICT"
    COMMUNE = "COMMUNE"


class Timeliness(StrictLookup, enum.Enum):
    """A dossier's status against its due date (docs/rules.md "Was a dossier handled on time?")."""

    EARLY = "EARLY"  #: trước hạn
    ON_TIME = "ON_TIME"  #: đúng hạn
    LATE = "LATE"  #: quá hạn
    PENDING_IN_TIME = "PENDING_IN_TIME"  #: đang xử lý trong hạn
    PENDING_LATE = "PENDING_LATE"  #: đang xử lý quá hạn

    @property
    def in_time(self) -> bool:
        """Counted in criterion 2.1's numerator."""
        return self in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.PENDING_IN_TIME)

    @property
    def pending(self) -> bool:
        return self in (Timeliness.PENDING_IN_TIME, Timeliness.PENDING_LATE)


class PetitionClass(StrictLookup, enum.Enum):
    """Phân loại PAKN (criterion 5.1)."""

    PROCEDURE_REGULATION = "PROCEDURE_REGULATION"  #: về quy định, TTHC
    STAFF_BEHAVIOUR = "STAFF_BEHAVIOUR"  #: về hành vi, thái độ cán bộ
    OTHER = "OTHER"


class AnnouncementKind(StrictLookup, enum.Enum):
    """Loại công bố TTHC."""

    NEW = "NEW"  #: ban hành mới
    AMENDED = "AMENDED"  #: sửa đổi, bổ sung
    ABOLISHED = "ABOLISHED"  #: bãi bỏ


class RatingValue(StrictLookup, enum.Enum):
    """A rating of a dossier's handling (docs/inputs.md): good (1 point for HCM C, a like for 766
    5.4),
    normal (0), bad (0; a dislike for 5.4)."""

    GOOD = "GOOD"
    NORMAL = "NORMAL"
    BAD = "BAD"


# ---------------------------------------------------------------------------------------------
# validation helpers

E = TypeVar("E", bound=enum.Enum)


def to_local(value: Any, *, completion: bool = False, label: str = "", field: str = "") -> Any:
    """Normalise a moment to naive local Vietnam time (docs/rules.md "Due dates"). ``None`` stays
    ``None``."""
    if value is None:
        return None
    if type(value) is datetime:
        if value.tzinfo is None:
            return value
        try:
            return value.astimezone(VIETNAM_TZ).replace(tzinfo=None)
        except (OverflowError, ValueError):
            # e.g. 0001-01-01 00:00+08:00 has no UTC+07:00 equivalent.
            raise RecordError("the moment cannot be converted to Vietnam time (UTC+07:00)",
                              record=label, field=field, value=value) from None
    if isinstance(value, datetime):
        return to_local(
            datetime(
                value.year, value.month, value.day, value.hour, value.minute, value.second,
                value.microsecond, value.tzinfo,
            ),
            completion=completion, label=label, field=field,
        )
    if isinstance(value, date):
        return datetime.combine(value, _COMPLETION_TIME if completion else _RECEIPT_TIME)
    raise RecordError("must be a datetime, a date or None", record=label, field=field, value=value)


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _need_str(obj: Any, label: str, name: str, *, optional: bool = False) -> None:
    value = getattr(obj, name)
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise RecordError(
            "must be a non-empty string" + (" or None" if optional else ""),
            record=label, field=name, value=value,
        )


def _need_moment(obj: Any, label: str, name: str, *, completion: bool = False) -> None:
    value = getattr(obj, name)
    if value is None or (type(value) is datetime and value.tzinfo is None
                         and 1900 <= value.year <= 2199):
        return
    local = to_local(value, completion=completion, label=label, field=name)
    if not 1900 <= local.year <= 2199:
        raise RecordError("year must be between 1900 and 2199", record=label, field=name,
                          value=value)
    _set(obj, name, local)


def _need_day(obj: Any, label: str, name: str, *, optional: bool = True) -> None:
    value = getattr(obj, name)
    if value is None and optional:
        return
    if isinstance(value, datetime):
        _set(obj, name, to_local(value, label=label, field=name).date())
        return
    if not isinstance(value, date):
        raise RecordError("must be a date", record=label, field=name, value=value)


def _need_bool(obj: Any, label: str, name: str) -> None:
    value = getattr(obj, name)
    if value is None or value is True or value is False:
        return
    raise RecordError("must be True, False or None (not reported)", record=label, field=name,
                      value=value)


def _need_enum(obj: Any, label: str, name: str, cls: type[E], *, optional: bool = False) -> None:
    value = getattr(obj, name)
    if isinstance(value, cls) or (value is None and optional):
        return
    try:
        if isinstance(value, str) and value.upper() in cls.__members__:
            member = cls.__members__[value.upper()]
        elif isinstance(value, bool):
            raise ValueError(value)
        else:
            member = cls(value)
    except (ValueError, TypeError):
        names = ", ".join(cls.__members__)
        raise RecordError(f"must be one of {names}", record=label, field=name,
                          value=value) from None
    _set(obj, name, member)


def _need_count(obj: Any, label: str, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError("must be a whole number ≥ 0", record=label, field=name, value=value)


def _not_before(obj: Any, label: str, later: str, earlier_value: datetime | None,
                earlier: str, rule: str) -> None:
    value = getattr(obj, later)
    if value is not None and earlier_value is not None and value < earlier_value:
        raise RecordError(
            f"{later} {value.isoformat()} is before {earlier} {earlier_value.isoformat()}: {rule}",
            record=label, field=later, value=value,
        )


def _label(kind: str, ident: Any) -> str:
    return f"{kind} {ident!r}"


# ---------------------------------------------------------------------------------------------
# records


@attrs.define(frozen=True, slots=True)
class Unit:
    """Cơ quan, đơn vị: an agency that receives and handles dossiers. Units form a tree."""

    id: str
    name: str = ""
    level: UnitLevel | None = None
    parent_id: str | None = None

    def __attrs_post_init__(self) -> None:
        label = _label("Unit", self.id)
        _need_str(self, label, "id")
        if not isinstance(self.name, str):
            raise RecordError("must be a string", record=label, field="name", value=self.name)
        _need_enum(self, label, "level", UnitLevel, optional=True)
        _need_str(self, label, "parent_id", optional=True)
        if self.parent_id == self.id:
            raise RecordError("a unit cannot be its own parent", record=label, field="parent_id",
                              value=self.parent_id)


@attrs.define(frozen=True, slots=True)
class Procedure:
    """Thủ tục hành chính (TTHC), identified by its national code (``MaTTHC``).

    ``None`` in a boolean field means the source did not report it; criteria that need it say so
    in their notes instead of counting it as ``False``.
    """

    code: str
    name: str = ""
    time_limit: TimeLimit | None = None
    online_level: OnlineLevel = OnlineLevel.NONE
    has_fee: bool | None = None
    requires_paper_result: bool | None = None
    for_individuals: bool | None = None
    published: bool | None = None
    complete_elements: bool | None = None

    def __attrs_post_init__(self) -> None:
        label = _label("Procedure", self.code)
        _need_str(self, label, "code")
        if not isinstance(self.name, str):
            raise RecordError("must be a string", record=label, field="name", value=self.name)
        if self.time_limit is not None and not isinstance(self.time_limit, TimeLimit):
            try:
                _set(self, "time_limit", TimeLimit.parse(self.time_limit))
            except RecordError as exc:
                raise RecordError(exc.rule, record=label, field="time_limit",
                                  value=self.time_limit) from None
        _need_enum(self, label, "online_level", OnlineLevel)
        for name in ("has_fee", "requires_paper_result", "for_individuals", "published",
                     "complete_elements"):
            _need_bool(self, label, name)


@attrs.define(frozen=True, slots=True)
class Authority:
    """Which unit handles which procedure, and at what online level (thẩm quyền giải quyết)."""

    unit_id: str
    procedure_code: str
    online_level: OnlineLevel = OnlineLevel.NONE

    def __attrs_post_init__(self) -> None:
        label = _label("Authority", f"{self.unit_id}/{self.procedure_code}")
        _need_str(self, label, "unit_id")
        _need_str(self, label, "procedure_code")
        _need_enum(self, label, "online_level", OnlineLevel)


@attrs.define(frozen=True, slots=True)
class SupplementRequest:
    """Yêu cầu bổ sung hồ sơ: the agency asked for more papers at ``requested_at``; the applicant
    brought them at ``supplied_at`` (``None`` while still waiting)."""

    requested_at: datetime
    supplied_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        label = "SupplementRequest"
        if self.requested_at is None:
            raise RecordError("is required", record=label, field="requested_at", value=None)
        _need_moment(self, label, "requested_at")
        _need_moment(self, label, "supplied_at")
        _not_before(self, label, "supplied_at", self.requested_at, "requested_at",
                    "a supplement cannot be answered before it was asked")


_DOSSIER_MOMENTS = (
    ("submitted_at", False),
    ("received_at", False),
    ("due_at", True),
    ("finished_at", True),
    ("returned_at", True),
    ("stopped_at", True),
    ("new_due_at", True),
)
#: The moments of a dossier that may not come before its receipt (``received_at``, else
#: ``submitted_at``; docs/inputs.md): no dossier ends, or falls due, before it is received. A
#: record with one earlier is refused, naming the first of them in this order. Declared once:
#: the record's checks read it, and so does the engine's reader (``io/columnar.py``), which
#: leaves such a row to the record and its message.
AFTER_RECEIPT: tuple[str, ...] = ("finished_at", "returned_at", "stopped_at", "due_at",
                                  "new_due_at")
_after_receipt = operator.attrgetter(*AFTER_RECEIPT)

_DOSSIER_FLAGS = (
    "synced_to_portal",
    "submitted_via_portal",
    "has_fee_data",
    "has_electronic_result",
    "components_digitized",
    "reuses_digitized_data",
    "uses_personal_data_store",
    "uses_population_data",
)


@attrs.define(frozen=True, slots=True)
class Dossier:
    """Hồ sơ: one application for one procedure (``MaHoSo``), docs/inputs.md.

    Flags left at ``None`` were not reported by the source system; the criteria that use them say
    how many records lacked them rather than count them as ``False``.
    """

    id: str
    procedure_code: str
    unit_id: str
    staff_id: str | None = None
    channel: Channel = Channel.DIRECT
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    stopped_at: datetime | None = None
    supplements: tuple[SupplementRequest, ...] = ()
    new_due_at: datetime | None = None
    synced_to_portal: bool | None = None
    submitted_via_portal: bool | None = None
    has_fee_data: bool | None = None
    paid_online: OnlinePayment | None = None
    has_electronic_result: bool | None = None
    components_digitized: bool | None = None
    reuses_digitized_data: bool | None = None
    uses_personal_data_store: bool | None = None
    uses_population_data: bool | None = None
    #: ``ThoiGianGiaiQuyet``: the dossier's own processing time as the sending system computed
    #: it (a number, in that system's unit) — never the procedure's time limit (docs/inputs.md r2).
    processing_time: Fraction | None = None

    def __attrs_post_init__(self) -> None:
        # The readers build millions of dossiers: the well-formed case is checked inline and
        # anything unusual goes through _validate, which raises the precise error.
        if not self._well_formed():
            self._validate()

    def _well_formed(self) -> bool:
        for text in (self.id, self.procedure_code, self.unit_id):
            if type(text) is not str or not text or text.isspace():
                return False
        staff = self.staff_id
        if staff is not None and (type(staff) is not str or not staff or staff.isspace()):
            return False
        if type(self.channel) is not Channel:
            return False
        paid = self.paid_online
        if paid is not None and type(paid) is not OnlinePayment:
            return False
        for name, completion in _DOSSIER_MOMENTS:
            moment = getattr(self, name)
            if moment is None:
                continue
            kind = type(moment)
            if kind is date and 1900 <= moment.year <= 2199:
                # A bare date: 00:00 for a receipt, office close for a completion (docs/rules.md
                # "Due dates").
                _set(self, name, datetime.combine(
                    moment, _COMPLETION_TIME if completion else _RECEIPT_TIME))
            elif kind is not datetime or moment.tzinfo is not None \
                    or not 1900 <= moment.year <= 2199:
                return False
        receipt = self.received_at if self.received_at is not None else self.submitted_at
        if receipt is None:
            return False
        for moment in _after_receipt(self):
            if moment is not None and moment < receipt:
                return False
        for flag in (self.synced_to_portal, self.submitted_via_portal, self.has_fee_data,
                     self.has_electronic_result, self.components_digitized,
                     self.reuses_digitized_data, self.uses_personal_data_store,
                     self.uses_population_data):
            if flag is not None and flag is not True and flag is not False:
                return False
        spent = self.processing_time
        if spent is not None and (type(spent) is not Fraction or spent < 0):
            return False
        sups = self.supplements
        if sups == ():
            return True
        if type(sups) is not tuple:
            return False
        previous = receipt
        for sup in sups:
            if type(sup) is not SupplementRequest or sup.requested_at < previous:
                return False
            previous = sup.requested_at
        return True

    def _validate(self) -> None:
        """Every check, with the precise error; also normalises what it may (aware times,
        dates, enum values, unsorted supplements)."""
        label = _label("Dossier", self.id)
        _need_str(self, label, "id")
        _need_str(self, label, "procedure_code")
        _need_str(self, label, "unit_id")
        _need_str(self, label, "staff_id", optional=True)
        if self.channel is None:
            # docs/glossary.md: a missing channel counts as direct.
            _set(self, "channel", Channel.DIRECT)
        _need_enum(self, label, "channel", Channel)
        for name, completion in _DOSSIER_MOMENTS:
            _need_moment(self, label, name, completion=completion)
        if self.received_at is None and self.submitted_at is None:
            raise RecordError("a dossier needs received_at or submitted_at", record=label,
                              field="received_at", value=None)
        receipt = self.received_at if self.received_at is not None else self.submitted_at
        for name in AFTER_RECEIPT:
            _not_before(self, label, name, receipt, "received_at",
                        "no dossier ends, or falls due, before it is received")
        sups = self.supplements
        if not isinstance(sups, tuple):
            if isinstance(sups, (str, bytes)) or not isinstance(sups, Iterable):
                raise RecordError("must be a sequence of SupplementRequest", record=label,
                                  field="supplements", value=sups)
            sups = tuple(sups)
            _set(self, "supplements", sups)
        for sup in sups:
            if not isinstance(sup, SupplementRequest):
                raise RecordError("must be a sequence of SupplementRequest", record=label,
                                  field="supplements", value=sup)
            if receipt is not None and sup.requested_at < receipt:
                raise RecordError(
                    f"supplement requested at {sup.requested_at.isoformat()} before receipt "
                    f"{receipt.isoformat()}: no supplement is asked before the dossier is received",
                    record=label, field="supplements", value=sup.requested_at,
                )
        if len(sups) > 1 and any(
            a.requested_at > b.requested_at for a, b in itertools.pairwise(sups)
        ):
            _set(self, "supplements", tuple(sorted(sups, key=lambda s: s.requested_at)))
        for name in _DOSSIER_FLAGS:
            _need_bool(self, label, name)
        _need_enum(self, label, "paid_online", OnlinePayment, optional=True)
        spent = self.processing_time
        if spent is not None:
            try:
                if isinstance(spent, bool) or not isinstance(spent, (int, Fraction, Decimal, str)):
                    raise ValueError(spent)
                value = Fraction(spent)
            except (ValueError, ZeroDivisionError):
                raise RecordError("must be a number ≥ 0 (ThoiGianGiaiQuyet) or None",
                                  record=label, field="processing_time", value=spent) from None
            if value < 0:
                raise RecordError("must be a number ≥ 0 (ThoiGianGiaiQuyet) or None",
                                  record=label, field="processing_time", value=spent)
            _set(self, "processing_time", value)

    @property
    def receipt(self) -> datetime:
        """The moment due dates start from: ``received_at``, else ``submitted_at``. Decision 766
        counts only a dossier with ``received_at`` as received (docs/rules.md "Populations");
        ``submitted_at`` stands in for it only in criteria 3.2 and 3.5."""
        moment = self.received_at if self.received_at is not None else self.submitted_at
        assert moment is not None  # guaranteed by validation
        return moment

    @property
    def ended_at(self) -> datetime | None:
        """End of processing: first available of finished > returned > stopped (docs/rules.md "Was
        a dossier handled on time?")."""
        if self.finished_at is not None:
            return self.finished_at
        if self.returned_at is not None:
            return self.returned_at
        return self.stopped_at


@attrs.define(frozen=True, slots=True)
class Petition:
    """Phản ánh, kiến nghị (PAKN) on the national feedback system (docs/inputs.md; docs/rules.md
    "Petitions on time")."""

    id: str
    unit_id: str
    received_at: datetime
    dossier_id: str | None = None
    classification: PetitionClass = PetitionClass.OTHER
    transferred_at: datetime | None = None
    refused_at: datetime | None = None
    supplement_requested_at: datetime | None = None
    ready_at: datetime | None = None
    published_at: datetime | None = None
    likes: int = 0
    dislikes: int = 0
    followed_by_complaint: bool | None = None
    #: "Ngày gửi PAKN": when the citizen or business sent it (docs/inputs.md r2); the 5.2 clock of a
    #: petition sent directly to the unit starts here.
    sent_at: datetime | None = None
    #: Start of the latest "awaiting receipt" state (it restarts when the citizen answers a
    #: supplement request); when not given: ``transferred_at``, else ``sent_at``, else
    #: ``received_at`` (docs/inputs.md r2).
    awaiting_since: datetime | None = None

    def __attrs_post_init__(self) -> None:
        label = _label("Petition", self.id)
        _need_str(self, label, "id")
        _need_str(self, label, "unit_id")
        _need_str(self, label, "dossier_id", optional=True)
        if self.received_at is None:
            raise RecordError("is required", record=label, field="received_at", value=None)
        for name in ("received_at", "transferred_at"):
            _need_moment(self, label, name)
        for name in ("refused_at", "supplement_requested_at", "ready_at", "published_at"):
            _need_moment(self, label, name, completion=True)
            _not_before(self, label, name, self.received_at, "received_at",
                        "a petition is not handled before it is received")
        _not_before(self, label, "transferred_at", self.received_at, "received_at",
                    "a petition is not transferred before it is received")
        _need_enum(self, label, "classification", PetitionClass)
        _need_count(self, label, "likes")
        _need_count(self, label, "dislikes")
        _need_bool(self, label, "followed_by_complaint")
        _need_moment(self, label, "sent_at")
        _need_moment(self, label, "awaiting_since")
        _not_before(self, label, "received_at", self.sent_at, "sent_at",
                    "a petition is not received before the citizen sends it")
        if self.awaiting_since is None:
            _set(self, "awaiting_since", self.transferred_at or self.sent_at or self.received_at)

    @property
    def clock_start(self) -> datetime:
        """When the 5.2 limits start (docs/rules.md "Petitions on time" r2): the latest transfer to
        the unit, else the
        citizen's send date ``sent_at``, else the receipt by the unit."""
        if self.transferred_at is not None:
            return self.transferred_at
        return self.sent_at if self.sent_at is not None else self.received_at


@attrs.define(frozen=True, slots=True)
class Rating:
    """A rating of how a dossier was handled (đánh giá), docs/inputs.md."""

    unit_id: str
    rating: RatingValue
    dossier_id: str | None = None
    staff_id: str | None = None
    rated_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        label = _label("Rating", self.dossier_id or self.unit_id)
        _need_str(self, label, "unit_id")
        _need_str(self, label, "dossier_id", optional=True)
        _need_str(self, label, "staff_id", optional=True)
        _need_enum(self, label, "rating", RatingValue)
        _need_moment(self, label, "rated_at")


@attrs.define(frozen=True, slots=True)
class Announcement:
    """Quyết định công bố TTHC: a decision that announces a new, amended or abolished procedure."""

    procedure_code: str
    unit_id: str
    decision_date: date
    decision_no: str = ""
    kind: AnnouncementKind = AnnouncementKind.NEW
    legal_basis_effective_date: date | None = None
    published_at: date | None = None
    authority_level: UnitLevel = UnitLevel.PROVINCE

    def __attrs_post_init__(self) -> None:
        label = _label("Announcement", f"{self.decision_no or '?'}/{self.procedure_code}")
        _need_str(self, label, "procedure_code")
        _need_str(self, label, "unit_id")
        if not isinstance(self.decision_no, str):
            raise RecordError("must be a string", record=label, field="decision_no",
                              value=self.decision_no)
        _need_day(self, label, "decision_date", optional=False)
        _need_day(self, label, "legal_basis_effective_date")
        _need_day(self, label, "published_at")
        _need_enum(self, label, "kind", AnnouncementKind)
        _need_enum(self, label, "authority_level", UnitLevel)
        if self.authority_level not in (UnitLevel.MINISTRY, UnitLevel.PROVINCE):
            raise RecordError("must be MINISTRY or PROVINCE", record=label,
                              field="authority_level", value=self.authority_level)


@attrs.define(frozen=True, slots=True)
class Commune:
    """A commune-level unit and whether it offers electronic certified copies (criterion 4.6)."""

    unit_id: str
    offers_electronic_certified_copy: bool

    def __attrs_post_init__(self) -> None:
        label = _label("Commune", self.unit_id)
        _need_str(self, label, "unit_id")
        if not isinstance(self.offers_electronic_certified_copy, bool):
            raise RecordError("must be True or False", record=label,
                              field="offers_electronic_certified_copy",
                              value=self.offers_electronic_certified_copy)


@attrs.define(frozen=True, slots=True)
class Posting:
    """HCMC 104/2024 part E: whether the unit posted its public information in full for a period."""

    unit_id: str
    period: str
    complete: bool

    def __attrs_post_init__(self) -> None:
        label = _label("Posting", self.unit_id)
        _need_str(self, label, "unit_id")
        _need_str(self, label, "period")
        if not isinstance(self.complete, bool):
            raise RecordError("must be True or False", record=label, field="complete",
                              value=self.complete)
