"""Units roll up (SPEC §5): a unit's counts pool its own and all its descendants'; ratios come
from the pooled counts, never from averaging the children's scores; a procedure handled by
several units is counted once, at its highest online level.

The tree: province H ← departments S1, S2 and district D ← communes X1, X2.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from chiso766 import (
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    Period,
    Petition,
    PolicyError,
    Procedure,
    Scorecard,
    Unit,
    UnitLevel,
    score_766,
    score_counts,
)
from chiso766.io import Dataset
from chiso766.policy import CountingPolicy

Q2 = Period.quarter(2025, 2)
UNITS = [
    Unit("H", "Tỉnh", UnitLevel.PROVINCE),
    Unit("S1", "Sở 1", UnitLevel.DEPARTMENT, "H"),
    Unit("S2", "Sở 2", UnitLevel.DEPARTMENT, "H"),
    Unit("D", "Huyện", UnitLevel.DISTRICT, "H"),
    Unit("X1", "Xã 1", UnitLevel.COMMUNE, "D"),
    Unit("X2", "Xã 2", UnitLevel.COMMUNE, "D"),
]


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour)


def d(ident: str, unit: str, late: bool, code: str = "P1", **kw: object) -> Dossier:
    # received Tue 1/4, due Fri 4/4; finished 3/4 (on time) or 8/4 (late)
    return Dossier(ident, code, unit, received_at=at(4, 1), due_at=at(4, 4, 17),
                   finished_at=at(4, 8) if late else at(4, 3), **kw)  # type: ignore[arg-type]


def dataset() -> Dataset:
    dossiers = [
        # S1: 3 of 3 on time; S2: 0 of 1; X1: 2 of 4 (C1 submitted online)
        d("A1", "S1", False, synced_to_portal=True), d("A2", "S1", False, synced_to_portal=True),
        d("A3", "S1", False, code="P2", synced_to_portal=True),
        d("B1", "S2", True, code="P3", synced_to_portal=False),
        d("C1", "X1", False, synced_to_portal=True, channel=Channel.ONLINE),
        d("C2", "X1", False, synced_to_portal=True),
        d("C3", "X1", True, synced_to_portal=True), d("C4", "X1", True, synced_to_portal=True),
    ]
    auths = [
        Authority("S1", "P1", OnlineLevel.NONE), Authority("S1", "P2", OnlineLevel.FULL),
        Authority("S2", "P1", OnlineLevel.PARTIAL), Authority("S2", "P3", OnlineLevel.NONE),
        Authority("X1", "P1", OnlineLevel.NONE),
    ]
    procs = [Procedure("P1", published=True, complete_elements=True,
                       requires_paper_result=False),
             Procedure("P2", published=True, complete_elements=False),
             Procedure("P3", published=True, complete_elements=True)]
    communes = [Commune("X1", True), Commune("X2", False)]
    petitions = [
        # S1: refused after 1 working day → on time; X2: open since 2/6, 20 WD on 30/6 → late
        Petition("K1", "S1", at(4, 1), refused_at=at(4, 2)),
        Petition("K2", "X2", at(6, 2)),
    ]
    return Dataset.from_records(units=UNITS, procedures=procs, authorities=auths,
                                communes=communes, dossiers=dossiers, petitions=petitions)


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return score_766(dataset(), period=Q2, keep_ids=True)


def nd(card: Scorecard, unit: str, code: str) -> tuple[int | Fraction, int | Fraction]:
    r = card.unit(unit).criteria[code]
    return r.numerator, r.denominator


def test_tree_order_and_root(card: Scorecard) -> None:
    assert list(card.units) == ["H", "D", "X1", "X2", "S1", "S2"]  # pre-order, ids sorted
    assert card.roots == ("H",)
    assert card.root.unit_id == "H" and card.root.level is UnitLevel.PROVINCE
    assert card.unit("X1").parent_id == "D"


def test_ratio_from_pooled_counts_not_an_average(card: Scorecard) -> None:
    # children: S1 3/3 (20), S2 0/1 (0), D 2/4 (10) — their average would be 10.00;
    # pooled: (3 + 0 + 2) / (3 + 1 + 4) = 5/8 → 20 × 5/8 = 12.5
    assert nd(card, "S1", "DOSSIER_ON_TIME") == (3, 3)
    assert nd(card, "S2", "DOSSIER_ON_TIME") == (0, 1)
    assert nd(card, "D", "DOSSIER_ON_TIME") == (2, 4)
    assert nd(card, "X2", "DOSSIER_ON_TIME") == (0, 0)
    assert nd(card, "H", "DOSSIER_ON_TIME") == (5, 8)
    assert card.points("DOSSIER_ON_TIME") == Decimal("12.50")
    children = [card.unit(u).points("DOSSIER_ON_TIME") for u in ("S1", "S2", "D")]
    known = [p for p in children if p is not None]
    assert len(known) == 3
    assert sum(known, Decimal(0)) / 3 != card.points("DOSSIER_ON_TIME")
    # 5.4 pools the same way: nobody complained → 5/8 = 0.625; 6 × 0.625 / 0.9 = 4.166… → 4.17
    assert nd(card, "H", "DOSSIER_RATING_SATISFACTION") == (5, 8)
    assert card.points("DOSSIER_RATING_SATISFACTION") == Decimal("4.17")


def test_pooled_ids_are_the_union(card: Scorecard) -> None:
    r = card.root.criteria["DOSSIER_ON_TIME"]
    assert r.numerator_ids == ("A1", "A2", "A3", "C1", "C2")
    assert r.denominator_ids == ("A1", "A2", "A3", "B1", "C1", "C2", "C3", "C4")


def test_distinct_procedures_counted_once_at_highest_level(card: Scorecard) -> None:
    # authorities: S1 {P1 none, P2 full}, S2 {P1 partial, P3 none}, X1 {P1 none}
    # H: distinct {P1, P2, P3} = 3 (not 5 rows); online: P1 (partial at S2), P2 → 2/3;
    # 2 × (2/3) / 0.8 = 1.666… → 1.67
    assert nd(card, "H", "ONLINE_SERVICE_PROCEDURES") == (2, 3)
    assert card.points("ONLINE_SERVICE_PROCEDURES") == Decimal("1.67")
    # S1 alone: {P2} of {P1, P2} → 1/2; 2 × 0.5 / 0.8 = 1.25
    assert nd(card, "S1", "ONLINE_SERVICE_PROCEDURES") == (1, 2)
    assert card.unit("S1").points("ONLINE_SERVICE_PROCEDURES") == Decimal("1.25")
    # 1.3 published procedures of H's authority: {P1, P2, P3}, complete {P1, P3} → 2/3
    assert nd(card, "H", "PUBLIC_CONTENT_FULL") == (2, 3)
    assert card.root.criteria["ONLINE_SERVICE_PROCEDURES"].denominator_ids == ("P1", "P2", "P3")


def test_communes_pool_into_district_and_province() -> None:
    card = score_766(dataset(), period=Q2, counting=CountingPolicy(certified_copy="computed"))
    # policy "computed": X1 offers electronic certified copies, X2 does not → D and H: 1/2 → 1.00
    assert nd(card, "D", "ELECTRONIC_CERTIFIED_COPY") == (1, 2)
    assert card.unit("D").points("ELECTRONIC_CERTIFIED_COPY") == Decimal("1.00")
    assert card.points("ELECTRONIC_CERTIFIED_COPY") == Decimal("1.00")
    # a department without communes: not applicable → full 2
    assert nd(card, "S1", "ELECTRONIC_CERTIFIED_COPY") == (0, 0)
    assert card.unit("S1").points("ELECTRONIC_CERTIFIED_COPY") == Decimal("2.00")


def test_petitions_pool(card: Scorecard) -> None:
    # S1's K1 on time, X2's K2 late → H 1/2 → 3; D 0/1 → 0; S2 none → 6
    assert nd(card, "H", "PETITION_PROCESSED_ON_TIME") == (1, 2)
    assert card.points("PETITION_PROCESSED_ON_TIME") == Decimal("3.00")
    assert card.unit("D").points("PETITION_PROCESSED_ON_TIME") == Decimal("0.00")
    assert card.unit("S2").points("PETITION_PROCESSED_ON_TIME") == Decimal("6.00")


def test_reported_received_sums_over_the_subtree() -> None:
    # synced: 7 of the 8 received (B1 not). The national reporting system counted 10 for S1:
    # S1: max(3, 10) = 10 → 3/10; H: max(8, 10) = 10 → 7/10; S2 not reported: 0/1
    card = score_766(dataset(), period=Q2, reported_received={"S1": 10})
    assert nd(card, "S1", "DOSSIER_SYNC") == (3, 10)
    assert nd(card, "H", "DOSSIER_SYNC") == (7, 10)
    assert nd(card, "S2", "DOSSIER_SYNC") == (0, 1)
    assert card.points("DOSSIER_SYNC") == Decimal("4.20")  # 6 × 7/10


def test_score_counts_of_pooled_counts_reproduces_the_card(card: Scorecard) -> None:
    # The province's pooled pairs, scored as published counts, give the same points: the
    # roll-up is pooling, and rounding happens once, on the pooled ratio.
    root = card.root
    # 3.3 at H: 1 online of 8, × 1.4's 7/8 = 7/64; 6 × (7/64) / 0.5 = 1.3125 → 1.31
    assert nd(card, "H", "ONLINE_DOSSIERS") == (1, 8)
    assert root.points("ONLINE_DOSSIERS") == Decimal("1.31")
    pairs = {code: (r.numerator, r.denominator) for code, r in root.criteria.items()
             if r.exact is not None and code != "AVERAGE_PROCESSING_TIME"}
    again = score_counts(pairs)
    for code in pairs:
        assert again.points(code) == root.points(code), code


def test_units_missing_from_the_units_file_are_roots() -> None:
    ds = Dataset.from_records(dossiers=[d("A1", "S9", False), d("A2", "S8", False)])
    card = score_766(ds, period=Q2)
    assert card.roots == ("S8", "S9")
    with pytest.raises(PolicyError):
        card.root  # noqa: B018 - two top-level units: pick one
    assert card.unit("S9").points("DOSSIER_ON_TIME") == Decimal("20.00")
    with pytest.raises(PolicyError):
        card.unit("nope")


def test_parent_cycle_is_broken() -> None:
    units = [Unit("A", parent_id="B"), Unit("B", parent_id="A")]
    card = score_766(Dataset.from_records(units=units), period=Q2)
    assert set(card.roots) <= {"A", "B"} and card.roots
    assert set(card.units) == {"A", "B"}
    assert any("cycle" in n.en for n in card.notes)


def test_empty_subtree_units_are_scored() -> None:
    # X2 has no dossiers: its 2.1 is 0/0 → 0 (the d = 0 rule), not missing from the output
    card = score_766(dataset(), period=Q2)
    assert card.unit("X2").points("DOSSIER_ON_TIME") == Decimal("0.00")


def test_a_unit_known_only_by_records_after_as_of_gets_no_scorecard() -> None:
    # Without a units file the tree is the units on the records; a petition or an announcement
    # not yet received/decided at the evaluation moment has not happened, so its unit (here UX,
    # seen on nothing else) must not appear, as a dossier received later does not make it appear.
    from chiso766 import Announcement

    later = datetime(2025, 7, 2, 9, 0)
    data = Dataset.from_records(
        dossiers=[Dossier("D1", "P1", "S1", received_at=datetime(2025, 4, 2, 9, 0),
                          due_at=datetime(2025, 4, 9, 17, 0))],
        petitions=[Petition("PK1", "UX", later)],
        announcements=[Announcement("P1", "UY", later.date())],
    )
    card = score_766(data, period=Q2)
    assert set(card.units) == {"S1"}
    assert "UX" in score_766(data, period=Q2, as_of=later).units
