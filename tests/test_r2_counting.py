"""SPEC revision 2 counting, hand-computed (docs/rules.md): group 4 over the period's population
P, 1.1–1.3 computed once for the top-level unit, 4.5a per level, distinct-union roll-up of
procedures, the portal's criterion codes, and both sides of each new counting policy.

Period 2025-Q2 (1/4/2025–30/6/2025), evaluated at 30/6/2025 23:59:59 unless said. Days off in
the period: Mon 7/4, Wed 30/4, Thu 1/5, Fri 2/5; Sat 26/4 is a working day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from chiso766 import (
    PORTAL_CODES,
    Announcement,
    Authority,
    Channel,
    CountingPolicy,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    Period,
    PolicyError,
    Procedure,
    Scorecard,
    Unit,
    UnitLevel,
    criterion,
    score_766,
    score_counts,
)
from chiso766.io import Dataset

Q2 = Period.quarter(2025, 2)
U = "U1"


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour)


def nd(card: Scorecard, unit: str, code: str) -> tuple[int | Fraction, int | Fraction]:
    r = card.unit(unit).criteria[code]
    return r.numerator, r.denominator


def pts(card: Scorecard, unit: str, code: str) -> Decimal | None:
    return card.unit(unit).points(code)


# ---------------------------------------------------------------------------------------------
# Group 4 and 5.4 over the period's population P (SPEC §4, §5 r2)


def population_dataset() -> Dataset:
    procs = [Procedure("PP", requires_paper_result=True, for_individuals=True),
             Procedure("PN", requires_paper_result=False, for_individuals=True)]
    auths = [Authority(U, "PP"), Authority(U, "PN")]
    dossiers = [
        # G1 received in March, still open on 1/4 (carried over), finished 3/4 after its due
        # date 25/3 → LATE; in P, not received in the period
        Dossier("G1", "PP", U, received_at=at(3, 20), due_at=at(3, 25, 17),
                finished_at=at(4, 3), has_electronic_result=True, components_digitized=True,
                reuses_digitized_data=True, uses_personal_data_store=True,
                uses_population_data=True, synced_to_portal=True),
        # G2 received 2/4, due 10/4, finished 4/4 → EARLY
        Dossier("G2", "PP", U, received_at=at(4, 2), due_at=at(4, 10, 17),
                finished_at=at(4, 4), has_electronic_result=False, components_digitized=True,
                reuses_digitized_data=False, uses_personal_data_store=False,
                uses_population_data=False, synced_to_portal=True),
        # G3 received 2/4, no NgayHenTra and PN has no time limit: 2.1 cannot judge it, but it
        # is in P
        Dossier("G3", "PN", U, received_at=at(4, 2), has_electronic_result=False,
                components_digitized=True, reuses_digitized_data=True,
                uses_personal_data_store=False, uses_population_data=True,
                synced_to_portal=True),
        # G4 received and finished in March: not in P
        Dossier("G4", "PP", U, received_at=at(3, 3), due_at=at(3, 10, 17),
                finished_at=at(3, 5), has_electronic_result=True, components_digitized=True,
                reuses_digitized_data=True, uses_personal_data_store=True,
                uses_population_data=True, synced_to_portal=True),
    ]
    return Dataset.from_records(procedures=procs, authorities=auths, dossiers=dossiers)


@pytest.fixture(scope="module")
def population_card() -> Scorecard:
    return score_766(population_dataset(), period=Q2, keep_ids=True)


def test_group_4_denominator_is_p(population_card: Scorecard) -> None:
    card = population_card
    # P = {G1 (carried over), G2, G3 (no due date, still in P)} = 3; G4 ended before the period
    # 4.1 e-result {G1} → 1/3; 6 × 1/3 = 2
    assert nd(card, U, "ORIGINAL_RESULT_AVAILABLE") == (1, 3)
    assert pts(card, U, "ORIGINAL_RESULT_AVAILABLE") == Decimal("2.00")
    assert card.root.criteria["ORIGINAL_RESULT_AVAILABLE"].denominator_ids == ("G1", "G2", "G3")
    # 4.2 digitized and (no paper result or e-result): G1 yes, G2 no (PP, no e-result), G3 yes
    # (PN) → 2/3; 4 × 2/3 = 2.666… → 2.67
    assert nd(card, U, "SO_HOA_GIAY_TO_GIAI_QUYET") == (2, 3)
    assert pts(card, U, "SO_HOA_GIAY_TO_GIAI_QUYET") == Decimal("2.67")
    # 4.3 re-using {G1, G3} → 2/3; threshold 0.8: 2 × (2/3) / 0.8 = 1.666… → 1.67
    assert nd(card, U, "REUSED_DIGITIZED_DATA") == (2, 3)
    assert pts(card, U, "REUSED_DIGITIZED_DATA") == Decimal("1.67")
    # 4.4 personal data store {G1} → 1/3; 4 × 1/3 = 1.333… → 1.33
    assert nd(card, U, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE") == (1, 3)
    assert pts(card, U, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE") == Decimal("1.33")
    # 4.5b population data {G1, G3} → 2/3; 2 × 2/3 = 1.33
    assert nd(card, U, "CITIZEN_DATA_CONNECTED_DOSSIER") == (2, 3)
    assert pts(card, U, "CITIZEN_DATA_CONNECTED_DOSSIER") == Decimal("1.33")
    # 4.5a procedures for individuals {PP, PN} with a dossier of P using population data:
    # PP (G1, carried over — revision 1 counted only dossiers received in the period), PN (G3)
    # → 2/2 = 2
    assert nd(card, U, "CITIZEN_DATA_CONNECTED_FORMALITY") == (2, 2)
    # the received-in-the-period criteria still count {G2, G3}: 1.4 → 2/2
    assert nd(card, U, "DOSSIER_SYNC") == (2, 2)


def test_4_5b_counts_a_personal_data_store_component() -> None:
    # SPEC §5 4.5b: VNeID / MaCSDL (uses_population_data) or a DuocLayTuKhoDMQG component
    # (uses_personal_data_store). H1 only the store, H2 only VNeID, H3 neither, H4 reports
    # neither field → 2/4 (H4 counted as not meeting, noted); 2 × 1/2 = 1
    def d(ident: str, **kw: object) -> Dossier:
        return Dossier(ident, "PP", U, received_at=at(4, 1), due_at=at(4, 4, 17), **kw)  # type: ignore[arg-type]

    dossiers = [d("H1", uses_personal_data_store=True, uses_population_data=False),
                d("H2", uses_personal_data_store=False, uses_population_data=True),
                d("H3", uses_personal_data_store=False, uses_population_data=False), d("H4")]
    card = score_766(Dataset.from_records(
        procedures=[Procedure("PP", for_individuals=True)], authorities=[Authority(U, "PP")],
        dossiers=dossiers), period=Q2)
    assert nd(card, U, "CITIZEN_DATA_CONNECTED_DOSSIER") == (2, 4)
    assert pts(card, U, "CITIZEN_DATA_CONNECTED_DOSSIER") == Decimal("1.00")
    assert any("1 of 4 records" in n.en
               for n in card.root.criteria["CITIZEN_DATA_CONNECTED_DOSSIER"].notes)


def test_5_4_follows_2_1_population(population_card: Scorecard) -> None:
    card = population_card
    # 2.1 judges G1 (LATE) and G2 (EARLY); G3 has no due date and is left out (noted) → 1/2
    assert nd(card, U, "DOSSIER_ON_TIME") == (1, 2)
    # 5.4: in 2.1's numerator without a petition or dislike {G2} / 2.1's population 2 → 1/2;
    # threshold 0.9: 6 × 0.5 / 0.9 = 3.333… → 3.33; its denominator is 2.1's, not P's 3
    assert nd(card, U, "DOSSIER_RATING_SATISFACTION") == (1, 2)
    assert pts(card, U, "DOSSIER_RATING_SATISFACTION") == Decimal("3.33")


def test_paper_result_filter_both_sides() -> None:
    off = score_766(population_dataset(), period=Q2)
    on = score_766(population_dataset(), period=Q2,
                   counting=CountingPolicy(paper_result_filter=True))
    # off (default): 1/3 → 2.00 (above); on: P limited to PP = {G1, G2}, e-result {G1} → 1/2;
    # 6 × 1/2 = 3
    assert nd(off, U, "ORIGINAL_RESULT_AVAILABLE") == (1, 3)
    assert nd(on, U, "ORIGINAL_RESULT_AVAILABLE") == (1, 2)
    assert pts(on, U, "ORIGINAL_RESULT_AVAILABLE") == Decimal("3.00")
    # the filter touches 4.1 only
    assert nd(on, U, "SO_HOA_GIAY_TO_GIAI_QUYET") == (2, 3)


def test_counting_policy_is_checked() -> None:
    with pytest.raises(PolicyError, match="certified_copy"):
        CountingPolicy(certified_copy="computed-ish")
    with pytest.raises(PolicyError, match="paper_result_filter"):
        CountingPolicy(paper_result_filter=1)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="CountingPolicy"):
        score_766(population_dataset(), period=Q2, counting="portal")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# 1.1–1.3: the top-level unit's values on every unit below it


def test_transparency_copied_down_from_the_province() -> None:
    units = [Unit("H", "Tỉnh", UnitLevel.PROVINCE), Unit("S", "Sở", UnitLevel.DEPARTMENT, "H"),
             Unit("X", "Xã", UnitLevel.COMMUNE, "H")]
    procs = [Procedure("P1", published=True, complete_elements=True),
             Procedure("P2", published=True, complete_elements=False)]
    auths = [Authority("S", "P1"), Authority("X", "P2")]
    # P1 announced by the province 1/4, legal basis effective Tue 15/4: 5 WD before is 8/4
    # (14, 11, 10, 9, 8) and 1/4 ≤ 8/4 → on time; published 3/4 ≤ 1/4 + 5 WD (8/4) → on time
    anns = [Announcement("P1", "H", date(2025, 4, 1), legal_basis_effective_date=date(2025, 4, 15),
                         published_at=date(2025, 4, 3))]
    card = score_766(Dataset.from_records(units=units, procedures=procs, authorities=auths,
                                          announcements=anns), period=Q2)
    for uid in ("H", "S", "X"):
        # 1.1 1/1 → 6; 1.2 1/1 → 4; 1.3 the province's authority {P1, P2}, complete {P1} → 1/2
        # → 1. The department would have had no announcement (no data) and 1.3 = 1/1 alone.
        assert nd(card, uid, "PUBLISH_ON_TIME") == (1, 1)
        assert pts(card, uid, "PUBLISH_ON_TIME") == Decimal("6.00")
        assert nd(card, uid, "PUBLIC_UPDATE_ON_TIME") == (1, 1)
        assert pts(card, uid, "PUBLIC_UPDATE_ON_TIME") == Decimal("4.00")
        assert nd(card, uid, "PUBLIC_CONTENT_FULL") == (1, 2)
        assert pts(card, uid, "PUBLIC_CONTENT_FULL") == Decimal("1.00")
    note = card.unit("S").criteria["PUBLIC_CONTENT_FULL"].notes[-1]
    assert "top-level unit H" in note.en
    assert not any("top-level" in n.en for n in card.unit("H").criteria["PUBLISH_ON_TIME"].notes)


# ---------------------------------------------------------------------------------------------
# 4.5a per level, and distinct unions of procedures


def level_dataset(with_authorities: bool = True) -> Dataset:
    units = [Unit("H", "Tỉnh", UnitLevel.PROVINCE), Unit("S", "Sở", UnitLevel.DEPARTMENT, "H"),
             Unit("D", "Huyện", UnitLevel.DISTRICT, "H"),
             Unit("X1", "Xã 1", UnitLevel.COMMUNE, "D"), Unit("X2", "Xã 2", UnitLevel.COMMUNE, "D")]
    procs = [Procedure(c, for_individuals=True) for c in ("PA", "PB", "PC", "PD")]
    procs.append(Procedure("PE", for_individuals=False))
    auths = [Authority("S", "PA"), Authority("S", "PB"), Authority("X1", "PC"),
             Authority("X1", "PE"), Authority("X2", "PD")]

    def d(ident: str, unit: str, code: str, population: bool) -> Dossier:
        return Dossier(ident, code, unit, received_at=at(4, 1), due_at=at(4, 4, 17),
                       uses_population_data=population)

    dossiers = [d("A", "S", "PA", True), d("B", "S", "PB", False), d("C", "X1", "PC", True),
                d("E", "X1", "PE", True), d("F", "X2", "PD", False)]
    return Dataset.from_records(units=units, procedures=procs, dossiers=dossiers,
                                authorities=auths if with_authorities else ())


def test_4_5a_per_level() -> None:
    card = score_766(level_dataset(), period=Q2)
    # commune catalogue = procedures some commune has authority over {PC, PE, PD}; for
    # individuals {PC, PD} — the same 2 for every commune
    # X1: used {PC} → 1/2 → 2 × 1/2 = 1; X2: none used → 0/2 → 0
    assert nd(card, "X1", "CITIZEN_DATA_CONNECTED_FORMALITY") == (1, 2)
    assert pts(card, "X1", "CITIZEN_DATA_CONNECTED_FORMALITY") == Decimal("1.00")
    assert nd(card, "X2", "CITIZEN_DATA_CONNECTED_FORMALITY") == (0, 2)
    # the department: its own {PA, PB}, used {PA} → 1/2
    assert nd(card, "S", "CITIZEN_DATA_CONNECTED_FORMALITY") == (1, 2)
    # the province: distinct union {PA, PB, PC, PD}, used {PA, PC} → 2/4 → 1
    assert nd(card, "H", "CITIZEN_DATA_CONNECTED_FORMALITY") == (2, 4)
    assert pts(card, "H", "CITIZEN_DATA_CONNECTED_FORMALITY") == Decimal("1.00")


def test_4_5a_needs_an_authorities_file() -> None:
    card = score_766(level_dataset(with_authorities=False), period=Q2)
    r = card.root.criteria["CITIZEN_DATA_CONNECTED_FORMALITY"]
    assert r.points is None
    assert any("authorities file" in n.en for n in r.notes)


def test_procedure_counts_pool_as_distinct_unions() -> None:
    units = [Unit("H", "Tỉnh", UnitLevel.PROVINCE)] + [
        Unit(x, x, UnitLevel.COMMUNE, "H") for x in ("X1", "X2", "X3")]
    procs = [Procedure("P1", online_level=OnlineLevel.PARTIAL, has_fee=True, for_individuals=True,
                       requires_paper_result=False)]
    auths = [Authority(x, "P1", OnlineLevel.PARTIAL) for x in ("X1", "X2", "X3")]
    dossiers = [Dossier(f"D{x}", "P1", x, received_at=at(4, 1), due_at=at(4, 4, 17),
                        channel=Channel.ONLINE, paid_online=OnlinePayment.NATIONAL_PORTAL,
                        has_fee_data=True, uses_population_data=True)
                for x in ("X1", "X2", "X3")]
    card = score_766(Dataset.from_records(units=units, procedures=procs, authorities=auths,
                                          dossiers=dossiers), period=Q2)
    # P1 is handled by three communes: one procedure of the province, not three
    for code in ("ONLINE_SERVICE_PROCEDURES", "ONLINE_SERVICES_WITH_DOSSIERS",
                 "ONLINE_PAYMENT_PROCEDURES", "PAYMENT_INTEGRATED_PROCEDURES",
                 "CITIZEN_DATA_CONNECTED_FORMALITY"):
        assert nd(card, "H", code) == (1, 1), code
        assert nd(card, "X2", code) == (1, 1), code
    # dossiers pool by summing: 3.3 online {DX1, DX2, DX3} / 3
    assert nd(card, "H", "ONLINE_DOSSIERS") == (3, 3)


# ---------------------------------------------------------------------------------------------
# The portal's criterion codes


def test_portal_codes_are_aliases() -> None:
    assert PORTAL_CODES == {"PETITION_PROCESSING_ON_TIME": "PETITION_PROCESSED_ON_TIME",
                            "DOSSIER_RECEIVING_SATISFACTION": "DOSSIER_RATING_SATISFACTION"}
    assert criterion("PETITION_PROCESSING_ON_TIME").number == "5.2"
    assert criterion("DOSSIER_RECEIVING_SATISFACTION").number == "5.4"
    # the published cases, keyed as the portal keys them: 1/2 → 6 × 1/2 = 3;
    # 351/416 → min(6, 6 × 351/416 / 0.9) = 5.625 → 5.63
    card = score_counts({"PETITION_PROCESSING_ON_TIME": (1, 2),
                         "DOSSIER_RECEIVING_SATISFACTION": (351, 416)})
    assert card.points("PETITION_PROCESSED_ON_TIME") == Decimal("3.00")
    assert card.points("PETITION_PROCESSING_ON_TIME") == Decimal("3.00")
    assert card.points("DOSSIER_RECEIVING_SATISFACTION") == Decimal("5.63")
    assert card.root.criteria["DOSSIER_RATING_SATISFACTION"].numerator == 351
    assert "351/416" in card.explain("DOSSIER_RECEIVING_SATISFACTION", "en")
    with pytest.raises(PolicyError, match="given twice"):
        score_counts({"PETITION_PROCESSING_ON_TIME": (1, 2),
                      "PETITION_PROCESSED_ON_TIME": (1, 2)})
    with pytest.raises(PolicyError, match="not a criterion"):
        score_counts({"PETITION_PROCESSING_LATE": (1, 2)})


def test_the_counting_policies_are_also_where_earlier_code_imports_them() -> None:
    """``chiso766.policy`` is their home; ``chiso766.criteria.policy`` (their address before
    2026-12-05) and ``chiso766`` hand out the same class and default."""
    import chiso766
    from chiso766 import policy
    from chiso766.criteria import policy as earlier

    assert earlier.CountingPolicy is policy.CountingPolicy is chiso766.CountingPolicy
    assert earlier.DEFAULT_COUNTING is policy.DEFAULT_COUNTING
