"""One hand-computed test per Decision 766 criterion, from records (SPEC §4, §5, §5.1, §6).

Each test builds a tiny dataset for the period 2025-Q2 (1/4/2025–30/6/2025, evaluated at
30/6/2025 23:59:59), writes the counting and the arithmetic in comments, and checks numerator,
denominator and rounded points.

The 2025 working calendar used in the comments (SPEC §2): days off Mon 7/4 (Giỗ Tổ), Wed 30/4,
Thu 1/5, Fri 2/5; Saturday 26/4 is a working day. 1/4/2025 is a Tuesday.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from chiso766 import (
    Announcement,
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    Period,
    Petition,
    PetitionClass,
    Procedure,
    Rating,
    RatingValue,
    Scorecard,
    SupplementRequest,
    TimeLimit,
    Unit,
    UnitLevel,
    score_766,
)
from chiso766.io import Dataset
from chiso766.policy import CountingPolicy

Q2 = Period.quarter(2025, 2)
U = "U1"


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour)


def score(**records: object) -> Scorecard:
    return score_766(Dataset.from_records(**records), period=Q2, keep_ids=True)  # type: ignore[arg-type]


def check(card: Scorecard, code: str, n: int | Fraction, d: int | Fraction,
          points: str | None) -> None:
    r = card.root.criteria[code]
    assert (r.numerator, r.denominator) == (n, d), (code, r.numerator, r.denominator, r.notes)
    expected = None if points is None else Decimal(points)
    assert r.points == expected, (code, r.points, r.notes)
    assert card.points(code) == expected


def dossier(ident: str, received: datetime, **kw: object) -> Dossier:
    kw.setdefault("procedure_code", "P1")
    kw.setdefault("unit_id", U)
    return Dossier(ident, received_at=received, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Group 1 — transparency


def test_1_1_publish_on_time() -> None:
    # Province decisions must be dated ≤ 5 working days before the legal basis takes effect;
    # ministry ones ≤ 20.
    anns = [
        # P1: effective Tue 15/4; 5 WD before: 14, 11, 10, 9, 8 → 8/4; decided 1/4 ≤ 8/4 → on time
        Announcement("P1", U, date(2025, 4, 1), legal_basis_effective_date=date(2025, 4, 15)),
        # P2: same effective date, decided 10/4 > 8/4 → late
        Announcement("P2", U, date(2025, 4, 10), legal_basis_effective_date=date(2025, 4, 15)),
        # P3 announced twice: 5 WD before Mon 2/6 is Mon 26/5. 5/5 on time, 28/5 late → late
        Announcement("P3", U, date(2025, 5, 5), decision_no="1",
                     legal_basis_effective_date=date(2025, 6, 2)),
        Announcement("P3", U, date(2025, 5, 28), decision_no="2",
                     legal_basis_effective_date=date(2025, 6, 2)),
        # P4 (ministry): 20 WD before Mon 5/5, skipping 2/5, 1/5, 30/4 and 7/4 and counting
        # Sat 26/4, is Wed 2/4; decided 2/4 — the last day still on time
        Announcement("P4", U, date(2025, 4, 2), legal_basis_effective_date=date(2025, 5, 5),
                     authority_level=UnitLevel.MINISTRY),
        # P5: decided before the period → not counted
        Announcement("P5", U, date(2025, 3, 20), legal_basis_effective_date=date(2025, 4, 1)),
        # P6: decided after the evaluation moment → not counted
        Announcement("P6", U, date(2025, 7, 1), legal_basis_effective_date=date(2025, 8, 1)),
    ]
    card = score(announcements=anns)
    # on time {P1, P4} / distinct procedures {P1, P2, P3, P4} = 2/4; 6 × 1/2 = 3
    check(card, "PUBLISH_ON_TIME", 2, 4, "3.00")
    assert card.root.criteria["PUBLISH_ON_TIME"].numerator_ids == ("P1", "P4")


def test_1_1_ministry_one_day_late() -> None:
    # Decided Thu 3/4, one working day after the last on-time day Wed 2/4 → 0/1 → 0
    card = score(announcements=[
        Announcement("P4", U, date(2025, 4, 3), legal_basis_effective_date=date(2025, 5, 5),
                     authority_level=UnitLevel.MINISTRY)])
    check(card, "PUBLISH_ON_TIME", 0, 1, "0.00")


def test_1_2_public_update_on_time() -> None:
    anns = [
        # P1: decided Tue 1/4; + 5 WD: 2, 3, 4, 8, 9 → 9/4; published 9/4 → on time
        Announcement("P1", U, date(2025, 4, 1), published_at=date(2025, 4, 9)),
        # P2: decided Thu 10/4; + 5 WD → Thu 17/4; published 18/4 → late
        Announcement("P2", U, date(2025, 4, 10), published_at=date(2025, 4, 18)),
        # P3: decided Wed 25/6; + 5 WD → Wed 2/7; not published at 30/6 → still in time
        Announcement("P3", U, date(2025, 6, 25)),
        # P4: decided Thu 27/3 (before the period); + 5 WD → Thu 3/4, in the period, not
        # published before 1/4 → had to be published in the period; published 4/4 → late
        Announcement("P4", U, date(2025, 3, 27), published_at=date(2025, 4, 4)),
        # P5: decided 20/3, deadline 27/3 before the period → not counted
        Announcement("P5", U, date(2025, 3, 20), published_at=date(2025, 4, 10)),
        # P6: decided 27/3 but published 31/3, before the period → not counted
        Announcement("P6", U, date(2025, 3, 27), published_at=date(2025, 3, 31)),
        # P7: decided Tue 20/5; deadline Tue 27/5; never published → late
        Announcement("P7", U, date(2025, 5, 20)),
    ]
    card = score(announcements=anns)
    # on time {P1, P3} / {P1, P2, P3, P4, P7} = 2/5; 4 × 2/5 = 1.6
    check(card, "PUBLIC_UPDATE_ON_TIME", 2, 5, "1.60")
    assert card.root.criteria["PUBLIC_UPDATE_ON_TIME"].denominator_ids == (
        "P1", "P2", "P3", "P4", "P7")


def test_1_2_ministry_has_ten_working_days() -> None:
    # Ministry: decided Tue 1/4; + 10 WD: 2, 3, 4, 8, 9, 10, 11, 14, 15, 16 → 16/4.
    # Published 16/4 → on time; a province decision published that day would be late.
    ok = Announcement("P1", U, date(2025, 4, 1), published_at=date(2025, 4, 16),
                      authority_level=UnitLevel.MINISTRY)
    late = Announcement("P2", U, date(2025, 4, 1), published_at=date(2025, 4, 16))
    check(score(announcements=[ok, late]), "PUBLIC_UPDATE_ON_TIME", 1, 2, "2.00")


def test_1_3_public_content_full() -> None:
    procs = [
        Procedure("P1", published=True, complete_elements=True),
        Procedure("P2", published=True, complete_elements=False),
        Procedure("P3", published=False, complete_elements=True),  # not published: not counted
        Procedure("P4", published=True, complete_elements=True),
        Procedure("P5", published=True, complete_elements=True),  # not the unit's authority
    ]
    auths = [Authority(U, c) for c in ("P1", "P2", "P3", "P4")]
    card = score(procedures=procs, authorities=auths)
    # complete {P1, P4} / published {P1, P2, P4} = 2/3; 2 × 2/3 = 1.333… → 1.33
    check(card, "PUBLIC_CONTENT_FULL", 2, 3, "1.33")


def test_1_4_dossier_sync() -> None:
    dossiers = [
        dossier("D1", at(4, 1), synced_to_portal=True),
        dossier("D2", at(5, 1), synced_to_portal=True),
        dossier("D3", at(6, 30, 23), synced_to_portal=True),
        dossier("D4", at(6, 2), synced_to_portal=False),
        dossier("D5", at(3, 31, 23), synced_to_portal=True),  # received before the period
        dossier("D6", at(7, 1, 0), synced_to_portal=True),  # after the evaluation moment
    ]
    ds = Dataset.from_records(dossiers=dossiers)
    # synced {D1, D2, D3} / received in the period {D1..D4} = 3/4; 6 × 3/4 = 4.5
    check(score(dossiers=dossiers), "DOSSIER_SYNC", 3, 4, "4.50")
    # The national reporting system counted 6 received: denominator max(4, 6) = 6; 6 × 3/6 = 3
    card = score_766(ds, period=Q2, reported_received={U: 6})
    check(card, "DOSSIER_SYNC", 3, 6, "3.00")
    # ... and fewer than the unit's own count: max(4, 2) = 4
    check(score_766(ds, period=Q2, reported_received={U: 2}), "DOSSIER_SYNC", 3, 4, "4.50")


@pytest.mark.parametrize(
    ("period", "denominator"),
    [(Period.month(2025, 5), Fraction(120, 12)), (Q2, Fraction(120, 4)),
     (Period.year(2025), Fraction(120))],
)
def test_1_4_last_year_fallback(period: Period, denominator: Fraction) -> None:
    # No dossier received in the period (only one in 2024): both counts are 0, last year's
    # total 120 → 120 ÷ 12 (month), ÷ 4 (quarter), ÷ 1 (year); 0/… → 0 points, not "no data"
    ds = Dataset.from_records(dossiers=[dossier("D1", at(3, 1, year=2024),
                                                synced_to_portal=True)])
    card = score_766(ds, period=period, last_year_totals={U: 120})
    check(card, "DOSSIER_SYNC", 0, denominator, "0.00")
    # without last year's total: 0/0 → no score
    check(score_766(ds, period=period), "DOSSIER_SYNC", 0, 0, None)


# ---------------------------------------------------------------------------------------------
# Group 2 — progress


def progress_dataset() -> Dataset:
    p1 = Procedure("P1", time_limit=TimeLimit.working_days(3))
    p0 = Procedure("P0")  # no time limit
    dossiers = [
        # D1: due 4/4, finished 3/4 → EARLY
        dossier("D1", at(4, 1), due_at=at(4, 4, 17), finished_at=at(4, 3)),
        # D2: due 4/4, finished 4/4 15:00 → ON_TIME (compared by date)
        dossier("D2", at(4, 1), due_at=at(4, 4, 17), finished_at=at(4, 4, 15)),
        # D3: due 4/4, finished 8/4 → LATE
        dossier("D3", at(4, 2), due_at=at(4, 4, 17), finished_at=at(4, 8)),
        # D4: received 20/3, due 25/3, still open on 30/6 → carried over, PENDING_LATE
        dossier("D4", at(3, 20), due_at=at(3, 25, 17)),
        # D5: received and finished in March → ended before the period, not counted
        dossier("D5", at(3, 20), due_at=at(3, 25, 17), finished_at=at(3, 24)),
        # D6: received 25/6, due 3/7, open on 30/6 → PENDING_IN_TIME
        dossier("D6", at(6, 25), due_at=at(7, 3, 17)),
        # D7: two supplement requests, finished 9/4 (− 2 × 6 h of the applicant's time) ≤ due
        # 10/4 → EARLY under the default multiple_supplements_late="unfinished_only" (it has
        # a finished moment); LATE whatever its dates under "always"
        dossier("D7", at(4, 3), due_at=at(4, 10, 17), finished_at=at(4, 9),
                supplements=[SupplementRequest(at(4, 4), at(4, 4, 15)),
                             SupplementRequest(at(4, 8), at(4, 8, 15))]),
        # D8: one request 4/4 09:00 answered 7/4 09:00 (3 days of the applicant's time);
        # finished 11/4 09:00 − 3 days = 8/4 ≤ due 9/4 → EARLY
        dossier("D8", at(4, 3), due_at=at(4, 9, 17), finished_at=at(4, 11),
                supplements=[SupplementRequest(at(4, 4), at(4, 7))]),
        # D9: no NgayHenTra; P1's 3 working days from Wed 2/4: 3, 4, 8 → due 8/4;
        # finished 8/4 → ON_TIME
        dossier("D9", at(4, 2), finished_at=at(4, 8)),
        # D10: no due date and a procedure without a time limit → left out with a note
        dossier("D10", at(4, 2), procedure_code="P0", finished_at=at(4, 8)),
        # D11: received after the period → not counted
        dossier("D11", at(7, 1), due_at=at(7, 3, 17)),
    ]
    petitions = [Petition("K1", U, at(4, 5), dossier_id="D1")]
    ratings = [Rating(U, RatingValue.BAD, dossier_id="D2", rated_at=at(4, 5)),
               Rating(U, RatingValue.GOOD, dossier_id="D6", rated_at=at(6, 26)),
               Rating(U, RatingValue.BAD, dossier_id="D3", rated_at=at(4, 9)),
               # a dislike after the evaluation moment does not count yet
               Rating(U, RatingValue.BAD, dossier_id="D9", rated_at=at(7, 2))]
    return Dataset.from_records(procedures=[p1, p0], dossiers=dossiers, petitions=petitions,
                                ratings=ratings)


def test_2_1_dossier_on_time() -> None:
    card = score_766(progress_dataset(), period=Q2, keep_ids=True)
    # population {D1, D2, D3, D4, D6, D7, D8, D9} = 8; in time {D1, D2, D6, D7, D8, D9} = 6
    # 20 × 6/8 = 15
    check(card, "DOSSIER_ON_TIME", 6, 8, "15.00")
    r = card.root.criteria["DOSSIER_ON_TIME"]
    assert r.numerator_ids == ("D1", "D2", "D6", "D7", "D8", "D9")
    assert r.denominator_ids == ("D1", "D2", "D3", "D4", "D6", "D7", "D8", "D9")
    notes = " ".join(n.en for n in r.notes)
    assert "1 dossiers have no due date" in notes  # D10
    assert "2 dossiers still in progress" in notes  # D4, D6
    assert card.points("PROGRESS") == Decimal("15.00")
    # multiple_supplements_late="always": D7 is late → 5/8, 20 × 5/8 = 12.5
    always = score_766(progress_dataset(), period=Q2, keep_ids=True,
                       counting=CountingPolicy(multiple_supplements_late="always"))
    check(always, "DOSSIER_ON_TIME", 5, 8, "12.50")


def test_2_1_as_of_cuts_off_later_events() -> None:
    # Evaluated at 3/4 12:00: D1 (finished 3/4 09:00) EARLY; D2 due 4/4 not finished yet →
    # PENDING_IN_TIME; D3 (received 2/4) PENDING_IN_TIME; D4 PENDING_LATE; D7, D8 and D9
    # (received 3/4 and 2/4) open, due later → PENDING_IN_TIME; D6 not received yet.
    card = score_766(progress_dataset(), period=Q2, as_of=datetime(2025, 4, 3, 12),
                     keep_ids=True)
    # population {D1, D2, D3, D4, D7, D8, D9} = 7; in time all but D4 = 6; 20 × 6/7 = 17.142…
    check(card, "DOSSIER_ON_TIME", 6, 7, "17.14")


def test_2_2_average_processing_time_is_analysis_only() -> None:
    dossiers = [
        # (1/4, 3/4] = 2 working days
        dossier("D1", at(4, 1), due_at=at(4, 4, 17), finished_at=at(4, 3)),
        # (2/4, 8/4] = 3, 4, 8 → 3 working days (7/4 is a day off)
        dossier("D2", at(4, 2), due_at=at(4, 9, 17), finished_at=at(4, 8)),
        # finished in March → not counted
        dossier("D3", at(3, 2), due_at=at(3, 9, 17), finished_at=at(3, 8)),
    ]
    card = score(dossiers=dossiers)
    r = card.root.criteria["AVERAGE_PROCESSING_TIME"]
    # (2 + 3) / 2 = 2.5 working days; no points
    assert (r.numerator, r.denominator, r.ratio) == (5, 2, Fraction(5, 2))
    assert r.points is None and card.points("AVERAGE_PROCESSING_TIME") is None


# ---------------------------------------------------------------------------------------------
# Group 3 — online services and payment


def online_dataset(synced: bool | None = None) -> Dataset:
    procs = [
        Procedure("P1", online_level=OnlineLevel.FULL, requires_paper_result=True),
        Procedure("P2", online_level=OnlineLevel.PARTIAL, requires_paper_result=False),
        Procedure("P3", requires_paper_result=False),
        Procedure("P4", requires_paper_result=False),
        Procedure("P5", online_level=OnlineLevel.PARTIAL, requires_paper_result=False),
    ]
    auths = [Authority(U, "P1", OnlineLevel.FULL), Authority(U, "P2", OnlineLevel.PARTIAL),
             Authority(U, "P3"), Authority(U, "P4"), Authority(U, "P5", OnlineLevel.PARTIAL)]
    on, direct = Channel.ONLINE, Channel.DIRECT
    dossiers = [
        # online, paper result required, electronic result → counts for 3.3
        dossier("D1", at(4, 2), channel=on, has_electronic_result=True,
                synced_to_portal=synced),
        # online, paper result required, no electronic result → not for 3.3
        dossier("D2", at(4, 3), channel=on, has_electronic_result=False,
                synced_to_portal=synced),
        # online, P3 needs no paper result → counts for 3.3 (P3 is no online service: not 3.2)
        dossier("D3", at(4, 4), procedure_code="P3", channel=on, synced_to_portal=synced),
        dossier("D4", at(5, 5), procedure_code="P2", channel=direct, synced_to_portal=synced),
        dossier("D5", at(5, 6), procedure_code="P4", channel=Channel.POSTAL,
                synced_to_portal=False if synced else synced),
        # online, but received before the period → not for 3.2 nor 3.3
        dossier("D6", at(3, 6), procedure_code="P5", channel=on),
    ]
    return Dataset.from_records(procedures=procs, authorities=auths, dossiers=dossiers)


def test_3_1_online_service_procedures() -> None:
    card = score_766(online_dataset(), period=Q2)
    # online {P1 full, P2 partial, P5 partial} / authority {P1..P5} = 3/5 = 0.6;
    # threshold 0.8: min(2, 2 × 0.6 / 0.8) = 1.5
    check(card, "ONLINE_SERVICE_PROCEDURES", 3, 5, "1.50")


def test_3_2_online_services_with_dossiers() -> None:
    card = score_766(online_dataset(), period=Q2)
    # services {P1, P2, P5}; with an online dossier received in the period: {P1} → 1/3;
    # 4 × 1/3 = 1.333… → 1.33
    check(card, "ONLINE_SERVICES_WITH_DOSSIERS", 1, 3, "1.33")


def test_3_3_online_dossiers_times_sync_ratio() -> None:
    # received in the period {D1..D5} = 5; online and (no paper result or e-result) {D1, D3} = 2
    # without sync data (1.4 no data) no factor: 2/5 = 0.4; min(6, 6 × 0.4 / 0.5) = 4.8
    check(score_766(online_dataset(), period=Q2), "ONLINE_DOSSIERS", 2, 5, "4.80")
    # synced {D1..D4} = 4/5 → 1.4 = 4.8 points; 3.3 ratio 2/5 × 4/5 = 8/25 = 0.32;
    # 6 × 0.32 / 0.5 = 3.84
    card = score_766(online_dataset(synced=True), period=Q2)
    check(card, "DOSSIER_SYNC", 4, 5, "4.80")
    check(card, "ONLINE_DOSSIERS", 2, 5, "3.84")
    r = card.root.criteria["ONLINE_DOSSIERS"]
    assert r.ratio == Fraction(8, 25) and r.percent == Decimal("32.00")
    # online services card: 3.1 1.50 + 3.2 1.33 + 3.3 3.84 = 6.67
    assert card.points("ONLINE_SERVICES") == Decimal("6.67")


def payment_dataset() -> Dataset:
    procs = [Procedure("P1", has_fee=True), Procedure("P2", has_fee=True),
             Procedure("P3", has_fee=True), Procedure("P4", has_fee=False)]
    auths = [Authority(U, c) for c in ("P1", "P2", "P3", "P4")]
    dossiers = [
        dossier("D1", at(4, 2), paid_online=1, has_fee_data=True),
        dossier("D2", at(4, 3), paid_online=0, has_fee_data=True),
        dossier("D3", at(4, 4), procedure_code="P2", paid_online=0, has_fee_data=True),
        # fees all 0 (no non-zero fee list) → left out of 3.6
        dossier("D4", at(4, 8), procedure_code="P2", paid_online=0, has_fee_data=False),
        # P4 charges no fee → neither 3.4 nor 3.6
        dossier("D5", at(4, 9), procedure_code="P4", paid_online=2),
        dossier("D6", at(4, 10), procedure_code="P3", paid_online=0),
        # paid online, but received before the period → not counted
        dossier("D7", at(3, 10), procedure_code="P3", paid_online=1, has_fee_data=True),
    ]
    return Dataset.from_records(procedures=procs, authorities=auths, dossiers=dossiers)


def test_3_4_online_payment_procedures() -> None:
    card = score_766(payment_dataset(), period=Q2)
    # fee-charging {P1, P2, P3}; with a dossier paid online in the period {P1} → 1/3;
    # card pipeline: 33.33% → 2.5 × 33.33 / 100 = 0.83325 → 0.83
    check(card, "ONLINE_PAYMENT_PROCEDURES", 1, 3, "0.83")


def test_3_5_payment_integrated_procedures() -> None:
    card = score_766(payment_dataset(), period=Q2)
    # fee-charging with fee data in the period {P1, P2} → 2/3; 66.67% → 2.5 × 66.67 / 100 =
    # 1.666750… → 1.67
    check(card, "PAYMENT_INTEGRATED_PROCEDURES", 2, 3, "1.67")


def test_3_6_online_paid_dossiers() -> None:
    card = score_766(payment_dataset(), period=Q2)
    # dossiers of fee-charging procedures in the period minus all-zero fees: {D1, D2, D3, D6};
    # paid online {D1} → 1/4 = 25.00% → 6 × 25 / 100 = 1.5
    check(card, "ONLINE_PAID_DOSSIERS", 1, 4, "1.50")
    # payment card: 0.83 + 1.67 + 1.50 = 4.00; ONLINE = services + payment
    assert card.points("ONLINE_PAYMENT") == Decimal("4.00")
    services = card.points("ONLINE_SERVICES")
    assert services is not None
    assert card.points("ONLINE") == services + Decimal("4.00")


# ---------------------------------------------------------------------------------------------
# Group 4 — digitization


def digitization_dataset() -> Dataset:
    procs = [Procedure("PP", requires_paper_result=True, for_individuals=True),
             Procedure("PN", requires_paper_result=False, for_individuals=True),
             Procedure("PB", requires_paper_result=False, for_individuals=False),
             Procedure("PX", requires_paper_result=False, for_individuals=True)]
    auths = [Authority(U, c) for c in ("PP", "PN", "PB", "PX")]

    def d(ident: str, code: str, received: datetime, **kw: object) -> Dossier:
        return dossier(ident, received, procedure_code=code, due_at=received, **kw)

    dossiers = [
        # resolved in the period (4.1, 4.2) and received in it (4.3–4.5)
        d("E1", "PP", at(4, 1), finished_at=at(4, 2), has_electronic_result=True,
          components_digitized=True, reuses_digitized_data=True, uses_personal_data_store=True,
          uses_population_data=True),
        d("E2", "PP", at(4, 1), finished_at=at(4, 2), has_electronic_result=False,
          components_digitized=True, reuses_digitized_data=True,
          uses_personal_data_store=False, uses_population_data=False),
        d("E3", "PP", at(4, 1), returned_at=at(4, 3), has_electronic_result=True,
          components_digitized=False, reuses_digitized_data=False,
          uses_personal_data_store=False, uses_population_data=False),
        d("E6", "PN", at(4, 1), finished_at=at(4, 2), components_digitized=True,
          reuses_digitized_data=False, uses_personal_data_store=True,
          uses_population_data=False),
        # received in the period, not resolved: only 4.3–4.5
        d("E5", "PB", at(6, 1), reuses_digitized_data=False, uses_personal_data_store=False,
          uses_population_data=True),
        # received and finished in March: in nothing
        d("E4", "PP", at(3, 1), finished_at=at(3, 2), has_electronic_result=True,
          components_digitized=True, reuses_digitized_data=True,
          uses_personal_data_store=True, uses_population_data=True),
        # PX used population data only before the period
        d("E7", "PX", at(3, 3), finished_at=at(3, 4), uses_population_data=True),
    ]
    return Dataset.from_records(procedures=procs, authorities=auths, dossiers=dossiers)


def test_4_1_original_result_available() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # the period's population P (SPEC §4 r2) = {E1, E2, E3, E6, E5} (E4, E7 ended in March);
    # e-result {E1, E3}; E6 and E5 do not report it (counted as not meeting, noted) → 2/5;
    # 6 × 2/5 = 2.4
    check(card, "ORIGINAL_RESULT_AVAILABLE", 2, 5, "2.40")


def test_4_1_paper_result_filter() -> None:
    card = score_766(digitization_dataset(), period=Q2,
                     counting=CountingPolicy(paper_result_filter=True))
    # P limited to procedures requiring a paper result: {E1, E2, E3} (PP); e-result {E1, E3}
    # → 2/3; 6 × 2/3 = 4
    check(card, "ORIGINAL_RESULT_AVAILABLE", 2, 3, "4.00")


def test_4_2_so_hoa_giay_to_giai_quyet() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # P = {E1, E2, E3, E6, E5}; digitized and (no paper result or e-result): E1 yes, E2 no (no
    # e-result), E3 no (not digitized), E6 yes, E5 no (digitization not reported) → 2/5;
    # 4 × 2/5 = 1.6
    check(card, "SO_HOA_GIAY_TO_GIAI_QUYET", 2, 5, "1.60")


def test_4_3_reused_digitized_data() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # received in the period {E1, E2, E3, E6, E5}; re-using {E1, E2} → 2/5 = 0.4;
    # threshold 0.8: 2 × 0.4 / 0.8 = 1
    check(card, "REUSED_DIGITIZED_DATA", 2, 5, "1.00")


def test_4_4_synced_with_personal_storage() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # personal data store {E1, E6} → 2/5; 4 × 2/5 = 1.6
    check(card, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 2, 5, "1.60")


def test_4_5a_citizen_data_connected_formality() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # for individuals {PP, PN, PX}; with a dossier of P using population data (VNeID, or a
    # component from the personal data store): PP (E1) yes, PN (E6's data store) yes, PX only
    # in March; PB (E5) is not for individuals → 2/3; 2 × 2/3 = 1.333… → 1.33
    check(card, "CITIZEN_DATA_CONNECTED_FORMALITY", 2, 3, "1.33")


def test_4_5b_citizen_data_connected_dossier() -> None:
    card = score_766(digitization_dataset(), period=Q2)
    # population data {E1, E5}, or a personal data store component {E1, E6} → {E1, E5, E6}
    # / P 5 → 3/5; 2 × 3/5 = 1.2
    check(card, "CITIZEN_DATA_CONNECTED_DOSSIER", 3, 5, "1.20")


def test_4_6_electronic_certified_copy() -> None:
    units = [Unit("H", level=UnitLevel.DISTRICT), Unit("X1", parent_id="H"),
             Unit("X2", parent_id="H"), Unit("X3", parent_id="H")]
    communes = [Commune("X1", True), Commune("X2", False), Commune("X3", True)]
    card = score_766(Dataset.from_records(units=units, communes=communes), period=Q2,
                     keep_ids=True, counting=CountingPolicy(certified_copy="computed"))
    # policy "computed": communes under H offering e-certified copies {X1, X3} / {X1, X2, X3}
    # → 2/3; 2 × 2/3 = 1.33
    check(card, "ELECTRONIC_CERTIFIED_COPY", 2, 3, "1.33")
    assert card.unit("X2").points("ELECTRONIC_CERTIFIED_COPY") == Decimal("0.00")
    # default "portal": full points on every unit, no counts, whatever the communes file says
    portal = score(units=units, communes=communes)
    for uid in ("H", "X1", "X2", "X3"):
        r = portal.unit(uid).criteria["ELECTRONIC_CERTIFIED_COPY"]
        assert (r.numerator, r.denominator, r.points) == (0, 0, Decimal("2.00"))


# ---------------------------------------------------------------------------------------------
# Group 5 — satisfaction


def petitions() -> list[Petition]:
    proc, staff = PetitionClass.PROCEDURE_REGULATION, PetitionClass.STAFF_BEHAVIOUR
    return [
        # refused after (1/4, 3/4] = 2 working days ≤ 2 → on time
        Petition("K1", U, at(4, 1), classification=proc, refused_at=at(4, 3),
                 followed_by_complaint=False),
        # refused after 3 working days → late
        Petition("K2", U, at(4, 1), classification=proc, refused_at=at(4, 4)),
        # supplement asked after 5 WD (2, 3, 4, 8, 9); ready after 14 WD (… 21, 22);
        # published 2 WD after ready (23, 24) → on time, but 2 dislikes > 1 like
        Petition("K3", U, at(4, 1), classification=staff, supplement_requested_at=at(4, 9),
                 ready_at=at(4, 22), published_at=at(4, 24), likes=1, dislikes=2),
        # ready after exactly 15 WD (23/4) but published 4 WD later (24, 25, Sat 26, 28) → late
        Petition("K4", U, at(4, 1), ready_at=at(4, 23), published_at=at(4, 28)),
        # ready after 16 WD → late
        Petition("K5", U, at(4, 1), ready_at=at(4, 24), published_at=at(4, 24)),
        # received 10/3, transferred to the unit Mon 16/6: open on 30/6 after
        # (16/6, 30/6] = 10 WD ≤ 15 → in time; first received before the period (not 5.1/5.3)
        Petition("K6", U, at(3, 10), transferred_at=at(6, 16)),
        # received Mon 2/6, open on 30/6 after 20 WD > 15 → late
        Petition("K7", U, at(6, 2)),
        # ended before the period → not counted
        Petition("K8", U, at(3, 10), ready_at=at(3, 18), published_at=at(3, 20)),
        # supplement asked after 6 WD (2, 3, 4, 8, 9, 10) > 5; still open on 30/6, far more
        # than 15 WD since 1/4 → late (late under either petition_on_time policy)
        Petition("K9", U, at(4, 1), supplement_requested_at=at(4, 10)),
        # refused the same day, but followed by a new complaint about the result
        Petition("K10", U, at(4, 2), refused_at=at(4, 3), followed_by_complaint=True),
        # refused on time; 3 likes = 3 dislikes is not "more dislikes" → satisfied
        Petition("K11", U, at(4, 2), refused_at=at(4, 2), likes=3, dislikes=3),
    ]


def test_5_1_petition_classification_is_analysis_only() -> None:
    card = score(petitions=petitions())
    # first received in the period: K1, K2, K3, K4, K5, K7, K9, K10, K11 = 9
    # about regulations/procedures {K1, K2} = 2/9; about staff {K3} = 1/9; no points
    r = card.root.criteria["PETITION_CLASSIFICATION_TTHC"]
    assert (r.numerator, r.denominator, r.points) == (2, 9, None)
    s = card.root.criteria["PETITION_CLASSIFICATION_STAFF"]
    assert (s.numerator, s.denominator, s.points) == (1, 9, None)
    assert s.percent == Decimal("11.11")


def test_5_2_petition_processed_on_time() -> None:
    card = score(petitions=petitions())
    # counted: K1..K7, K9, K10, K11 = 10 (K8 ended before the period)
    # on time or still in time: K1, K3, K6, K10, K11 = 5 → 5/10; 6 × 1/2 = 3
    check(card, "PETITION_PROCESSED_ON_TIME", 5, 10, "3.00")
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].numerator_ids == (
        "K1", "K10", "K11", "K3", "K6")


def test_5_2_transfer_after_as_of_is_not_seen() -> None:
    # Evaluated at 17/4 12:00, K6's transfer (16/6) has not happened: its clock runs from
    # 10/3, open for far more than 15 WD → late. K7 not received yet.
    card = score_766(Dataset.from_records(petitions=[p for p in petitions() if p.id == "K6"]),
                     period=Q2, as_of=datetime(2025, 4, 17, 12))
    check(card, "PETITION_PROCESSED_ON_TIME", 0, 1, "0.00")


def test_5_3_petition_handling_satisfaction() -> None:
    card = score(petitions=petitions())
    # first received in the period: 9 (see 5.1); unsatisfied: K2, K4, K5, K7, K9 late;
    # K3 more dislikes; K10 followed by a complaint → satisfied {K1, K11} = 2/9;
    # 6 × 2/9 = 1.333… → 1.33
    check(card, "PETITION_HANDLING_SATISFACTION", 2, 9, "1.33")


def test_5_4_dossier_rating_satisfaction() -> None:
    card = score_766(progress_dataset(), period=Q2, keep_ids=True)
    # 2.1's population 8; in time {D1, D2, D6, D7, D8, D9}; D1 has a petition, D2 a dislike,
    # D9's dislike comes after the evaluation moment → {D6, D7, D8, D9} = 4/8 = 0.5;
    # threshold 0.9: 6 × 0.5 / 0.9 = 3.333… → 3.33
    check(card, "DOSSIER_RATING_SATISFACTION", 4, 8, "3.33")
    assert card.root.criteria["DOSSIER_RATING_SATISFACTION"].numerator_ids == (
        "D6", "D7", "D8", "D9")
    # the portal's 5.4 denominator equals its 2.1 denominator
    assert card.root.criteria["DOSSIER_ON_TIME"].denominator == 8


def test_every_criterion_has_a_test_here() -> None:
    from chiso766 import QD766

    tested = {"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC",
              "DOSSIER_ON_TIME", "AVERAGE_PROCESSING_TIME", "ONLINE_SERVICE_PROCEDURES",
              "ONLINE_SERVICES_WITH_DOSSIERS", "ONLINE_DOSSIERS", "ONLINE_PAYMENT_PROCEDURES",
              "PAYMENT_INTEGRATED_PROCEDURES", "ONLINE_PAID_DOSSIERS",
              "ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
              "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_FORMALITY",
              "CITIZEN_DATA_CONNECTED_DOSSIER", "ELECTRONIC_CERTIFIED_COPY",
              "PETITION_CLASSIFICATION_TTHC", "PETITION_CLASSIFICATION_STAFF",
              "PETITION_PROCESSED_ON_TIME", "PETITION_HANDLING_SATISFACTION",
              "DOSSIER_RATING_SATISFACTION"}
    assert tested == {c.code for c in QD766.criteria}
