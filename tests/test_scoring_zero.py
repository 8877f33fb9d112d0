"""d = 0 is not a zero ratio (SPEC §5): every criterion gives its own rule — null ("no data",
adding nothing to its group, whose maximum stays), 0, or full points — and a field the records
do not report gives "no data", never a silent 0.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from chiso766 import (
    QD766,
    Announcement,
    Authority,
    Band,
    Channel,
    Dossier,
    OnlinePayment,
    Period,
    Procedure,
    Scorecard,
    TimeLimit,
    Unit,
    ZeroRule,
    criterion,
    score_766,
    score_counts,
)
from chiso766.io import Dataset
from chiso766.reports.json_report import scorecard_to_dict

Q2 = Period.quarter(2025, 2)
U = "U1"

#: SPEC §5 table, column "d = 0" (analysis criteria have no points either way).
D_ZERO = {
    "PUBLISH_ON_TIME": None,
    "PUBLIC_UPDATE_ON_TIME": None,
    "PUBLIC_CONTENT_FULL": None,
    "DOSSIER_SYNC": None,
    "DOSSIER_ON_TIME": 0,
    "AVERAGE_PROCESSING_TIME": None,
    "ONLINE_SERVICE_PROCEDURES": None,
    "ONLINE_SERVICES_WITH_DOSSIERS": None,
    "ONLINE_DOSSIERS": None,
    "ONLINE_PAYMENT_PROCEDURES": 0,
    "PAYMENT_INTEGRATED_PROCEDURES": 0,
    "ONLINE_PAID_DOSSIERS": 0,
    "ORIGINAL_RESULT_AVAILABLE": None,
    "SO_HOA_GIAY_TO_GIAI_QUYET": None,
    "REUSED_DIGITIZED_DATA": None,
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": None,
    "CITIZEN_DATA_CONNECTED_FORMALITY": None,
    "CITIZEN_DATA_CONNECTED_DOSSIER": None,
    "ELECTRONIC_CERTIFIED_COPY": 2,
    "PETITION_CLASSIFICATION_TTHC": None,
    "PETITION_CLASSIFICATION_STAFF": None,
    "PETITION_PROCESSED_ON_TIME": 6,
    "PETITION_HANDLING_SATISFACTION": 6,
    "DOSSIER_RATING_SATISFACTION": 0,
}
#: Group points with every denominator 0: 4.6 → 2; 5.2 → 6, 5.3 → 6; everything else 0 or null.
GROUPS_AT_ZERO = {"TRANSPARENCY": "0.00", "PROGRESS": "0.00", "ONLINE": "0.00",
                  "DIGITIZATION": "2.00", "SATISFACTION": "12.00", "ONLINE_SERVICES": "0.00",
                  "ONLINE_PAYMENT": "0.00"}


def dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def test_the_table_covers_every_criterion() -> None:
    assert set(D_ZERO) == {c.code for c in QD766.criteria}


@pytest.mark.parametrize("code", sorted(D_ZERO))
def test_criterion_points_at_d_zero(code: str) -> None:
    assert criterion(code).points(0, 0) == D_ZERO[code]


@pytest.mark.parametrize("code", sorted(D_ZERO))
def test_zero_rule_matches_the_table(code: str) -> None:
    c = criterion(code)
    if not c.scored:
        assert c.max_points == 0
        return
    expected = {None: ZeroRule.NULL, 0: ZeroRule.ZERO}.get(D_ZERO[code], ZeroRule.FULL)
    assert c.zero_rule is expected
    if expected is ZeroRule.FULL:
        assert D_ZERO[code] == c.max_points


def check_all_zero(card: Scorecard) -> None:
    for code, value in D_ZERO.items():
        r = card.root.criteria[code]
        assert r.denominator == 0, code
        assert card.points(code) == dec(value), code
    for code, points in GROUPS_AT_ZERO.items():
        assert card.points(code) == Decimal(points), code
    # group maxima stay as they are (a null criterion does not shrink its group)
    assert [g.max_points for g in card.root.groups.values()] == [18, 20, 22, 22, 18]
    assert card.total == Decimal("14.00") and card.band is Band.YEU


def test_score_counts_missing_criteria_are_zero_over_zero() -> None:
    # SPEC §9: a criterion missing from the counts is 0/0 and gets its d = 0 rule
    check_all_zero(score_counts({}))


def test_score_counts_explicit_zero_over_zero() -> None:
    check_all_zero(score_counts({c.code: (0, 0) for c in QD766.criteria}))


def test_unit_without_records_gets_the_d_zero_rules() -> None:
    check_all_zero(score_766(Dataset.from_records(units=[Unit(U)]), period=Q2))


def test_dossiers_outside_the_period_give_d_zero_for_period_criteria() -> None:
    # Only a dossier finished in 2024: period-bound criteria have d = 0.
    d = Dossier("D1", "P1", U, received_at=datetime(2024, 3, 1, 9),
                due_at=datetime(2024, 3, 5, 17), finished_at=datetime(2024, 3, 4, 9),
                synced_to_portal=True, paid_online=OnlinePayment.NONE, has_fee_data=True,
                reuses_digitized_data=True)
    card = score_766(Dataset.from_records(procedures=[Procedure("P1", has_fee=True)],
                                          dossiers=[d]), period=Q2)
    assert card.points("DOSSIER_ON_TIME") == Decimal("0.00")
    assert card.points("DOSSIER_RATING_SATISFACTION") == Decimal("0.00")
    assert card.points("DOSSIER_SYNC") is None
    assert card.points("REUSED_DIGITIZED_DATA") is None
    assert card.points("ONLINE_PAID_DOSSIERS") == Decimal("0.00")
    # P1 is the unit's authority (seen on its dossier) and charges a fee, but no dossier in
    # the period was paid online: 0/1 is a real 0, not d = 0
    r = card.root.criteria["ONLINE_PAYMENT_PROCEDURES"]
    assert (r.numerator, r.denominator, r.points) == (0, 1, Decimal("0.00"))


def test_null_criterion_adds_nothing_to_its_group() -> None:
    # 1.1 null, 1.2 4/4 → 4, 1.3 null, 1.4 1/2 → 3: TRANSPARENCY 7 of a maximum of 18
    card = score_counts({"PUBLIC_UPDATE_ON_TIME": (4, 4), "DOSSIER_SYNC": (1, 2)})
    assert card.points("PUBLISH_ON_TIME") is None
    assert card.points("TRANSPARENCY") == Decimal("7.00")
    assert card.root.groups["TRANSPARENCY"].max_points == 18


def test_json_shows_null_for_no_score() -> None:
    data = scorecard_to_dict(score_counts({}))
    crit = {c["code"]: c for g in data["units"][0]["groups"] for c in g["criteria"]}
    assert crit["PUBLISH_ON_TIME"]["points"] is None
    assert crit["PUBLISH_ON_TIME"]["ratio"] is None
    assert crit["ELECTRONIC_CERTIFIED_COPY"]["points"] == 2
    assert crit["DOSSIER_ON_TIME"]["points"] == 0


# ---------------------------------------------------------------------------------------------
# A field the records do not report: "no data", never a silent 0


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour)


def dossiers(n: int = 2, **kw: object) -> list[Dossier]:
    kw.setdefault("procedure_code", "P1")
    kw.setdefault("due_at", at(4, 10, 17))
    return [Dossier(f"D{i}", unit_id=U, received_at=at(4, 1 + i), **kw)  # type: ignore[arg-type]
            for i in range(n)]


def no_data(card: Scorecard, code: str) -> None:
    r = card.root.criteria[code]
    assert r.points is None and r.exact is None, (code, r.points)
    assert any("no data" in n.en for n in r.notes), (code, r.notes)
    assert "no data" in card.explain(code, "en")


PAPER = Procedure("P1", requires_paper_result=True, has_fee=True, for_individuals=True,
                  published=True, complete_elements=True)


@pytest.mark.parametrize(
    ("code", "records"),
    [
        ("DOSSIER_SYNC", {"dossiers": dossiers()}),
        ("ORIGINAL_RESULT_AVAILABLE",
         {"procedures": [PAPER], "dossiers": dossiers(finished_at=at(4, 9))}),
        ("SO_HOA_GIAY_TO_GIAI_QUYET",
         {"procedures": [PAPER], "dossiers": dossiers(finished_at=at(4, 9),
                                                       has_electronic_result=True)}),
        ("REUSED_DIGITIZED_DATA", {"dossiers": dossiers()}),
        ("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", {"dossiers": dossiers()}),
        ("CITIZEN_DATA_CONNECTED_DOSSIER", {"dossiers": dossiers()}),
        # P1 does not say whether its applicants include individuals
        ("CITIZEN_DATA_CONNECTED_FORMALITY",
         {"procedures": [Procedure("P1")], "dossiers": dossiers(uses_population_data=True)}),
        # no procedure says whether it is published / shows its 7 elements
        ("PUBLIC_CONTENT_FULL", {"procedures": [Procedure("P1")], "dossiers": dossiers()}),
        ("PUBLIC_CONTENT_FULL",
         {"procedures": [Procedure("P1", published=True)], "dossiers": dossiers()}),
        # every online dossier's procedure leaves requires_paper_result unreported
        ("ONLINE_DOSSIERS",
         {"procedures": [Procedure("P1")], "dossiers": dossiers(channel=Channel.ONLINE)}),
        # no announcement gives the legal basis' effective date
        ("PUBLISH_ON_TIME", {"announcements": [Announcement("P1", U, date(2025, 4, 2)),
                                               Announcement("P2", U, date(2025, 4, 3))]}),
        # every dossier lacks a due date and its procedure a time limit
        ("DOSSIER_ON_TIME", {"procedures": [Procedure("P1")],
                             "dossiers": dossiers(due_at=None)}),
        ("DOSSIER_RATING_SATISFACTION", {"procedures": [Procedure("P1")],
                                         "dossiers": dossiers(due_at=None)}),
        # no dossier of a fee-charging procedure says whether it was paid online / has fee data
        ("ONLINE_PAYMENT_PROCEDURES", {"procedures": [PAPER], "dossiers": dossiers()}),
        ("PAYMENT_INTEGRATED_PROCEDURES", {"procedures": [PAPER], "dossiers": dossiers()}),
        ("ONLINE_PAID_DOSSIERS", {"procedures": [PAPER], "dossiers": dossiers()}),
        # no procedure says whether it charges a fee
        ("ONLINE_PAYMENT_PROCEDURES",
         {"procedures": [Procedure("P1")], "dossiers": dossiers(paid_online=1)}),
        ("PAYMENT_INTEGRATED_PROCEDURES",
         {"procedures": [Procedure("P1")], "dossiers": dossiers(has_fee_data=True)}),
        ("ONLINE_PAID_DOSSIERS",
         {"procedures": [Procedure("P1")], "dossiers": dossiers(paid_online=1)}),
    ],
)
def test_unreported_field_is_no_data(code: str, records: dict[str, object]) -> None:
    card = score_766(Dataset.from_records(**records), period=Q2)  # type: ignore[arg-type]
    no_data(card, code)


def test_payment_card_without_data_adds_nothing() -> None:
    # 3.4 and 3.5 have no data (paid_online, has_fee_data unreported) and 3.6 too: card 0,
    # each criterion null — not three silent zeros
    card = score_766(Dataset.from_records(procedures=[PAPER], dossiers=dossiers()), period=Q2)
    assert [card.points(c) for c in ("ONLINE_PAYMENT_PROCEDURES",
                                     "PAYMENT_INTEGRATED_PROCEDURES",
                                     "ONLINE_PAID_DOSSIERS")] == [None, None, None]
    assert card.points("ONLINE_PAYMENT") == Decimal("0.00")


def test_partly_unreported_counts_as_not_met_with_a_note() -> None:
    ds = Dataset.from_records(dossiers=[
        *dossiers(1, synced_to_portal=True),
        Dossier("X", "P1", U, received_at=at(5, 2), due_at=at(5, 9, 17)),
    ])
    r = score_766(ds, period=Q2).root.criteria["DOSSIER_SYNC"]
    # 1 synced of 2; the unreported one is counted as not synced, and the note says so
    assert (r.numerator, r.denominator, r.points) == (1, 2, Decimal("3.00"))
    assert any("1 of 2 records do not report synced_to_portal" in n.en for n in r.notes)


def test_publish_on_time_partly_unreported() -> None:
    # P1 on time (decided 1/4, effective 15/4, latest 8/4); P2 lacks the effective date →
    # counted late with a note: 1/2 → 3. (Before the fix this raised a TypeError.)
    card = score_766(Dataset.from_records(announcements=[
        Announcement("P1", U, date(2025, 4, 1), legal_basis_effective_date=date(2025, 4, 15)),
        Announcement("P2", U, date(2025, 4, 2)),
    ]), period=Q2)
    r = card.root.criteria["PUBLISH_ON_TIME"]
    assert (r.numerator, r.denominator, r.points) == (1, 2, Decimal("3.00"))
    assert any("lack the legal basis effective date" in n.en for n in r.notes)


def test_dossier_on_time_partly_unclassifiable_is_left_out() -> None:
    # D0 has a due date (on time); D1's procedure has no time limit and no due date: left out
    ds = Dataset.from_records(procedures=[Procedure("P1"), Procedure("P2")], dossiers=[
        Dossier("D0", "P1", U, received_at=at(4, 1), due_at=at(4, 4, 17),
                finished_at=at(4, 2)),
        Dossier("D1", "P2", U, received_at=at(4, 1), finished_at=at(4, 2)),
    ])
    card = score_766(ds, period=Q2)
    r = card.root.criteria["DOSSIER_ON_TIME"]
    assert (r.numerator, r.denominator, r.points) == (1, 1, Decimal("20.00"))
    assert card.points("DOSSIER_RATING_SATISFACTION") == Decimal("6.00")
    assert any("1 dossiers have no due date" in n.en for n in r.notes)


def test_time_limit_stands_in_for_a_missing_due_date() -> None:
    ds = Dataset.from_records(
        procedures=[Procedure("P1", time_limit=TimeLimit.working_days(2))],
        dossiers=dossiers(1, due_at=None, finished_at=at(4, 2)))
    card = score_766(ds, period=Q2)
    assert card.points("DOSSIER_ON_TIME") == Decimal("20.00")


def test_petition_without_complaint_flag_is_still_judged() -> None:
    from chiso766 import Petition

    # followed_by_complaint unreported: judged on likes and timeliness, with a note
    card = score_766(Dataset.from_records(petitions=[
        Petition("K1", U, at(4, 1), refused_at=at(4, 2))]), period=Q2)
    r = card.root.criteria["PETITION_HANDLING_SATISFACTION"]
    assert (r.numerator, r.denominator, r.points) == (1, 1, Decimal("6.00"))
    assert r.notes


def test_fraction_denominator_from_fallback_is_not_d_zero() -> None:
    # 1.4's fallback gives a Fraction denominator; it is a real 0 ratio
    card = score_counts({"DOSSIER_SYNC": (0, Fraction(10, 3))})
    assert card.points("DOSSIER_SYNC") == Decimal("0.00")


def test_authorities_without_fee_information() -> None:
    # The authorities name P1 but the procedures file has no has_fee: 3.4 has no data
    ds = Dataset.from_records(procedures=[Procedure("P1")], authorities=[Authority(U, "P1")],
                              dossiers=dossiers(paid_online=1, has_fee_data=True))
    no_data(score_766(ds, period=Q2), "ONLINE_PAYMENT_PROCEDURES")
