"""Records (SPEC §1.1): validation names the record, the field and the value; times are
normalised to naive local Vietnam time; records are frozen and hashable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import attrs
import pytest

from chiso766 import (
    Announcement,
    AnnouncementKind,
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    Petition,
    PetitionClass,
    Posting,
    Procedure,
    Rating,
    RatingValue,
    RecordError,
    SupplementRequest,
    TimeLimit,
    Timeliness,
    Unit,
    UnitLevel,
)
from chiso766.records import VIETNAM_TZ, to_local

RECEIVED = datetime(2025, 3, 3, 9, 0)


def dossier(**fields: object) -> Dossier:
    base: dict[str, object] = {"id": "HS-001", "procedure_code": "1.001234", "unit_id": "H44",
                               "received_at": RECEIVED}
    base.update(fields)
    return Dossier(**base)  # type: ignore[arg-type]


def raises_naming(call: Callable[[], object], record: str, field: str, value: object
                  ) -> RecordError:
    """The call raises RecordError whose attributes and message name record, field and value."""
    with pytest.raises(RecordError) as info:
        call()
    exc = info.value
    assert exc.record is not None and record in exc.record
    assert exc.field == field
    assert exc.value == value
    message = str(exc)
    assert record in message
    assert repr(field) in message
    assert repr(value)[:40] in message
    return exc


# ---------------------------------------------------------------------------------------------
# Dossier consistency rules (SPEC §8: inconsistent records are rejected, never guessed)


@pytest.mark.parametrize("field", ["finished_at", "returned_at", "stopped_at"])
def test_dossier_ending_before_receipt(field: str) -> None:
    early = datetime(2025, 3, 3, 8, 59)
    exc = raises_naming(lambda: dossier(**{field: early}), "HS-001", field, early)
    assert "before" in exc.rule


def test_dossier_due_before_receipt() -> None:
    # a bare date is office close (17:00): 2/3 17:00 < 3/3 09:00
    raises_naming(lambda: dossier(due_at=date(2025, 3, 2)), "HS-001", "due_at",
                  datetime(2025, 3, 2, 17, 0))


def test_dossier_receipt_moment_itself_is_allowed() -> None:
    d = dossier(finished_at=RECEIVED, due_at=RECEIVED)
    assert d.finished_at == RECEIVED


def test_dossier_end_before_submitted_when_not_received() -> None:
    # submitted_at stands for the receipt when received_at is missing
    raises_naming(
        lambda: Dossier("HS-002", "1.001234", "H44", submitted_at=RECEIVED,
                        finished_at=cast(Any, date(2025, 3, 1))),
        "HS-002", "finished_at", datetime(2025, 3, 1, 17, 0),
    )


def test_dossier_needs_a_receipt() -> None:
    raises_naming(lambda: Dossier("HS-003", "1.001234", "H44"), "HS-003", "received_at", None)


def test_supplement_requested_before_receipt() -> None:
    asked = datetime(2025, 3, 2, 10)
    raises_naming(lambda: dossier(supplements=[SupplementRequest(asked)]), "HS-001",
                  "supplements", asked)


def test_supplement_answered_before_asked() -> None:
    # a SupplementRequest has no id of its own: the record is named by its kind
    raises_naming(
        lambda: SupplementRequest(datetime(2025, 3, 5, 10), datetime(2025, 3, 5, 9)),
        "SupplementRequest", "supplied_at", datetime(2025, 3, 5, 9),
    )


def test_supplement_request_is_required() -> None:
    raises_naming(lambda: SupplementRequest(None), "SupplementRequest",  # type: ignore[arg-type]
                  "requested_at", None)


def test_supplements_are_a_sorted_tuple() -> None:
    a = SupplementRequest(datetime(2025, 3, 4), datetime(2025, 3, 5))
    b = SupplementRequest(datetime(2025, 3, 6))
    d = dossier(supplements=[b, a])
    assert d.supplements == (a, b)
    assert dossier(supplements=iter([a])).supplements == (a,)


@pytest.mark.parametrize("junk", ["abc", 5, [5], [None], (datetime(2025, 3, 4),)])
def test_supplements_of_the_wrong_kind(junk: object) -> None:
    with pytest.raises(RecordError) as exc:
        dossier(supplements=junk)
    assert exc.value.field == "supplements" and "HS-001" in str(exc.value)


def test_negative_time_limit() -> None:
    # a time limit given as text is parsed by the record (and rejected here)
    raises_naming(lambda: Procedure("1.001234", time_limit=cast(Any, "-5 ngày làm việc")),
                  "1.001234",
                  "time_limit", "-5 ngày làm việc")
    with pytest.raises(RecordError) as exc:
        TimeLimit.working_days(-5)
    assert (exc.value.field, exc.value.value) == ("amount", -5)


def test_procedure_time_limit_text_is_parsed() -> None:
    p = Procedure("1.001234", time_limit=cast(Any, "15 ngày làm việc"))
    assert p.time_limit == TimeLimit.working_days(15)
    raises_naming(lambda: Procedure("1.001234", time_limit=cast(Any, "15 tuần")), "1.001234",
                  "time_limit", "15 tuần")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 5),
        ("id", ""),
        ("procedure_code", None),
        ("unit_id", ["H44"]),
        ("staff_id", 7),
        ("channel", "fax"),
        ("channel", 4),
        ("channel", True),
        ("received_at", "2025-03-03"),
        ("finished_at", 20250303),
        ("synced_to_portal", 1),
        ("has_electronic_result", "yes"),
        ("paid_online", 3),
        ("new_due_at", "soon"),
    ],
)
def test_dossier_wrong_types(field: str, value: object) -> None:
    record = "HS-001" if field != "id" else repr(value)
    raises_naming(lambda: dossier(**{field: value}), record.strip("'"), field, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, Channel.DIRECT), (2, Channel.ONLINE), ("online", Channel.ONLINE),
     ("POSTAL", Channel.POSTAL), (Channel.ONLINE, Channel.ONLINE)],
)
def test_dossier_channel(value: object, expected: Channel) -> None:
    # SPEC §1: a missing channel counts as DIRECT
    assert dossier(channel=value).channel is expected


def test_dossier_paid_online_codes() -> None:
    assert dossier(paid_online=1).paid_online is OnlinePayment.NATIONAL_PORTAL
    assert dossier(paid_online=0).paid_online is OnlinePayment.NONE
    assert dossier().paid_online is None


def test_unit_rules() -> None:
    raises_naming(lambda: Unit("H44", parent_id="H44"), "H44", "parent_id", "H44")
    raises_naming(lambda: Unit("H44", level=cast(Any, "CITY")), "H44", "level", "CITY")
    raises_naming(lambda: Unit("H44", name=None), "H44", "name", None)  # type: ignore[arg-type]
    unit = Unit("H44.1", level=cast(Any, "department"), parent_id="H44")
    assert unit.level is UnitLevel.DEPARTMENT


def test_other_records_rules() -> None:
    received = datetime(2025, 3, 3, 9)
    raises_naming(lambda: Petition("P1", "H44", received, refused_at=datetime(2025, 3, 1)),
                  "P1", "refused_at", datetime(2025, 3, 1))
    raises_naming(lambda: Petition("P1", "H44", received, likes=-1), "P1", "likes", -1)
    raises_naming(lambda: Petition("P1", "H44", None), "P1", "received_at",  # type: ignore[arg-type]
                  None)
    # enum fields take their member names as text (any case); other text is rejected
    assert Petition("P1", "H44", received,
                    classification=cast(Any, "staff_behaviour")).classification is (
        PetitionClass.STAFF_BEHAVIOUR)
    raises_naming(lambda: Rating("H44", cast(Any, "superb"), dossier_id="HS-1"), "HS-1",
                  "rating", "superb")
    assert Rating("H44", cast(Any, "good")).rating is RatingValue.GOOD
    raises_naming(
        lambda: Announcement("1.001234", "H44", date(2025, 1, 1), decision_no="12/QĐ",
                             authority_level=cast(Any, "DEPARTMENT")),
        "12/QĐ", "authority_level", UnitLevel.DEPARTMENT,
    )
    a = Announcement("1.001234", "H44", datetime(2025, 1, 1, 23, tzinfo=UTC),
                     kind=cast(Any, "amended"))
    # 1/1/2025 23:00 UTC is 2/1/2025 06:00 in Vietnam: the decision date is 2/1
    assert (a.decision_date, a.kind) == (date(2025, 1, 2), AnnouncementKind.AMENDED)
    raises_naming(lambda: Announcement("1.001234", "H44", cast(Any, "2025-01-01")),
                  "1.001234",
                  "decision_date", "2025-01-01")
    # booleans are True/False, not 1/0 (the readers convert file values, SPEC §1.1)
    raises_naming(lambda: Commune("X1", cast(Any, 1)), "X1", "offers_electronic_certified_copy", 1)
    raises_naming(lambda: Commune("X1", cast(Any, None)), "X1",
                  "offers_electronic_certified_copy", None)
    raises_naming(lambda: Posting("H44", "2025-Q2", cast(Any, "yes")), "H44", "complete", "yes")
    raises_naming(lambda: Posting("H44", "2025-Q2", cast(Any, 0)), "H44", "complete", 0)
    raises_naming(lambda: Authority("H44", "", OnlineLevel.FULL), "H44/", "procedure_code", "")
    assert Authority("H44", "1.001234", cast(Any, 2)).online_level is OnlineLevel.FULL


# ---------------------------------------------------------------------------------------------
# times (SPEC §3)


def test_naive_datetimes_are_local_and_kept() -> None:
    d = dossier(received_at=datetime(2025, 3, 3, 9, 15, 30))
    assert d.received_at == datetime(2025, 3, 3, 9, 15, 30)
    assert d.received_at.tzinfo is None


def test_aware_datetimes_are_converted_to_naive_local() -> None:
    # 02:00 UTC = 09:00 at UTC+07:00
    d = dossier(received_at=datetime(2025, 3, 3, 2, 0, tzinfo=UTC))
    assert d.received_at == datetime(2025, 3, 3, 9, 0)
    assert d.received_at.tzinfo is None
    # already +07:00: same wall time
    d = dossier(received_at=datetime(2025, 3, 3, 9, 0, tzinfo=VIETNAM_TZ))
    assert d.received_at == datetime(2025, 3, 3, 9, 0)
    # 23:30 on 2/3 at UTC−05:00 = 04:30 UTC on 3/3 = 11:30 on 3/3 in Vietnam
    minus5 = timezone(timedelta(hours=-5))
    d = dossier(finished_at=datetime(2025, 3, 2, 23, 30, tzinfo=minus5))
    assert d.finished_at == datetime(2025, 3, 3, 11, 30)
    s = SupplementRequest(datetime(2025, 3, 4, 1, tzinfo=UTC))
    assert s.requested_at == datetime(2025, 3, 4, 8)


def test_bare_dates() -> None:
    d = dossier(received_at=date(2025, 3, 3), finished_at=date(2025, 3, 7),
                due_at=date(2025, 3, 10), returned_at=date(2025, 3, 7),
                stopped_at=date(2025, 3, 8), new_due_at=date(2025, 3, 12),
                submitted_at=date(2025, 3, 2))
    # receipt-type fields: 00:00; completion-type fields: office close 17:00
    assert d.received_at == datetime(2025, 3, 3, 0, 0)
    assert d.submitted_at == datetime(2025, 3, 2, 0, 0)
    assert d.finished_at == datetime(2025, 3, 7, 17, 0)
    assert d.returned_at == datetime(2025, 3, 7, 17, 0)
    assert d.stopped_at == datetime(2025, 3, 8, 17, 0)
    assert d.due_at == datetime(2025, 3, 10, 17, 0)
    assert d.new_due_at == datetime(2025, 3, 12, 17, 0)
    assert SupplementRequest(cast(Any, date(2025, 3, 4))).requested_at == datetime(2025, 3, 4, 0, 0)


def test_finished_bare_date_on_the_receipt_day() -> None:
    # received 3/3 09:00, finished "3/3": 17:00 the same day, not before the receipt
    assert dossier(finished_at=date(2025, 3, 3)).finished_at == datetime(2025, 3, 3, 17)


@pytest.mark.parametrize(
    "value",
    [datetime(1899, 12, 31, 23), date(1, 1, 1), datetime(1, 1, 1), datetime(2200, 1, 1),
     datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))),
     datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))],
)
def test_moments_outside_1900_2199_are_refused(value: object) -> None:
    with pytest.raises(RecordError) as exc:
        dossier(received_at=value)
    assert exc.value.field == "received_at" and "HS-001" in str(exc.value)


def test_to_local() -> None:
    assert to_local(None) is None
    assert to_local(date(2025, 3, 3)) == datetime(2025, 3, 3, 0, 0)
    assert to_local(date(2025, 3, 3), completion=True) == datetime(2025, 3, 3, 17, 0)
    assert to_local(datetime(2025, 3, 3, 0, 0, tzinfo=UTC)) == datetime(2025, 3, 3, 7, 0)
    with pytest.raises(RecordError):
        to_local("2025-03-03", label="X", field="f")


# ---------------------------------------------------------------------------------------------
# frozen and hashable


def test_records_are_frozen() -> None:
    d = dossier()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        d.finished_at = RECEIVED  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Unit("H44").name = "x"  # type: ignore[misc]


def test_records_are_hashable_and_equal_by_value() -> None:
    sup = SupplementRequest(datetime(2025, 3, 4), datetime(2025, 3, 5))
    a = dossier(supplements=[sup], finished_at=date(2025, 3, 7))
    b = dossier(supplements=(sup,), finished_at=datetime(2025, 3, 7, 17))
    assert a == b and hash(a) == hash(b)
    assert len({a, b, dossier(id="HS-002")}) == 2
    p1 = Procedure("1.001234", time_limit=cast(Any, "5 ngày làm việc"))
    p2 = Procedure("1.001234", time_limit=TimeLimit.working_days(5))
    assert p1 == p2 and hash(p1) == hash(p2)
    things = [Unit("H44"), Authority("H44", "1.001234"), Petition("P1", "H44", RECEIVED),
              Rating("H44", cast(Any, "good")), Announcement("1.001234", "H44", date(2025, 1, 1)),
              Commune("X1", True), Posting("H44", "2025", True), sup]
    assert len(set(things)) == len(things)


def test_dossier_receipt_and_ended_at() -> None:
    assert dossier().receipt == RECEIVED
    assert Dossier("X", "P", "U", submitted_at=RECEIVED).receipt == RECEIVED
    d = dossier(returned_at=datetime(2025, 3, 8), stopped_at=datetime(2025, 3, 6),
                finished_at=datetime(2025, 3, 7))
    assert d.ended_at == datetime(2025, 3, 7)
    assert dossier(stopped_at=datetime(2025, 3, 6)).ended_at == datetime(2025, 3, 6)
    assert dossier().ended_at is None


def test_timeliness_groups() -> None:
    assert {t for t in Timeliness if t.in_time} == {
        Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.PENDING_IN_TIME}
    assert {t for t in Timeliness if t.pending} == {
        Timeliness.PENDING_IN_TIME, Timeliness.PENDING_LATE}
