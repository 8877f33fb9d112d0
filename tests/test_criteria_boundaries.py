"""The edges of the criteria's rules, each on the side the rule puts it (docs/rules.md).

The hand cases of ``tests/test_scoring_criteria.py`` check each criterion's counting in the
middle of its ranges; these check the days and moments where a ``≤`` turned into a ``<`` (or a
condition dropped) would move a record across the line: the evaluation moment itself, a
period's first day, exactly 15 working days, a procedure that does not say whom it serves, a
dossier submitted but not received. An exploratory mutation run (2026-12-03) found each of them
unguarded: the suite (all but the docs, check and benchmark tests) passed with the rule broken;
``tests/mutation_check.py`` now breaks each one and requires these tests to fail. (HCM 104's
own edges, a request and a rating at the evaluation moment, are in ``tests/test_hcm104.py``.)
Same period and calendar as that file: Q2 2025, evaluated at 30/6/2025 23:59:59; days off
Mon 7/4, Wed 30/4, Thu 1/5, Fri 2/5.
"""

from __future__ import annotations

from datetime import date, datetime

from chiso766 import (
    Announcement,
    Authority,
    Channel,
    Petition,
    PetitionClass,
    Procedure,
    score_766,
)
from chiso766.io import Dataset
from chiso766.policy import CountingPolicy
from tests.test_scoring_criteria import Q2, U, at, check, dossier, score


def test_1_1_and_1_2_count_a_decision_of_the_evaluation_day() -> None:
    # Decided Mon 30/6, the period's last day; evaluated at 30/6 23:59:59 it has happened.
    # 1.1: legal basis effective Fri 1/8; 5 WD before: 31/7, 30/7, 29/7, 28/7, 25/7 → 25/7;
    #      decided 30/6 ≤ 25/7 → on time: 1/1; 6 × 1 = 6
    # 1.2: 30/6 + 5 WD: 1, 2, 3, 4, 7/7 → 7/7; published 30/6 ≤ 7/7 → on time: 1/1; 4 × 1 = 4
    ann = Announcement("P1", U, date(2025, 6, 30), legal_basis_effective_date=date(2025, 8, 1),
                       published_at=date(2025, 6, 30))
    card = score(announcements=[ann])
    check(card, "PUBLISH_ON_TIME", 1, 1, "6.00")
    check(card, "PUBLIC_UPDATE_ON_TIME", 1, 1, "4.00")
    # Evaluated on Sun 29/6 at noon, the decision has not happened yet: in neither (a dossier
    # of 2/4 keeps the unit on the card).
    early = score_766(Dataset.from_records(announcements=[ann],
                                           dossiers=[dossier("D1", at(4, 2))]),
                      period=Q2, as_of=datetime(2025, 6, 29, 12))
    for code in ("PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME"):
        assert early.root.criteria[code].denominator == 0


def test_1_2_counts_a_carried_over_decision_published_on_the_first_day() -> None:
    # Decided Tue 25/3, before the period; + 5 WD: 26, 27, 28, 31/3, 1/4 → due Tue 1/4, in the
    # period. Published 1/4, the period's first day — not before the period began — so it is in
    # 1.2's population, and on time (1/4 ≤ 1/4): 1/1; 4 × 1 = 4. (Published 31/3 it would not
    # be counted: test_scoring_criteria's P6.)
    card = score(announcements=[Announcement("P1", U, date(2025, 3, 25),
                                             published_at=date(2025, 4, 1))])
    check(card, "PUBLIC_UPDATE_ON_TIME", 1, 1, "4.00")


def test_1_4_an_equal_national_count_is_not_named_as_the_denominator() -> None:
    # Received in the period and synced: D1, D2 → own count 2. The national reporting system
    # also counted 2: the denominator is max(2, 2) = 2 either way, and it is the unit's own
    # count — no note that it came from the national system (it does when that count is
    # larger: test_scoring_criteria's test_1_4_dossier_sync). 2/2; 6 × 1 = 6
    ds = Dataset.from_records(dossiers=[dossier("D1", at(4, 1), synced_to_portal=True),
                                        dossier("D2", at(5, 2), synced_to_portal=True)])
    card = score_766(ds, period=Q2, reported_received={U: 2})
    check(card, "DOSSIER_SYNC", 2, 2, "6.00")
    assert not any("national reporting system" in note.en
                   for note in card.root.criteria["DOSSIER_SYNC"].notes)


def test_3_4_a_dossier_only_submitted_leaves_paid_online_not_missing() -> None:
    # 3.4 reads dossiers received in the period (docs/rules.md "3.4": no submitted_at fallback).
    # P1 charges a fee; its only dossier was submitted online on 2/4 and not yet received, and
    # does not report paid_online. No dossier of P1 was received, so none "leaves paid_online
    # unreported": 3.4 is scored, fee-charging {P1} with an online payment {} → 0/1 → 0.
    ds = Dataset.from_records(
        procedures=[Procedure("P1", has_fee=True)], authorities=[Authority(U, "P1")],
        dossiers=[dossier("D1", None, submitted_at=at(4, 2),  # type: ignore[arg-type]
                          channel=Channel.ONLINE)])
    check(score_766(ds, period=Q2), "ONLINE_PAYMENT_PROCEDURES", 0, 1, "0.00")


def test_4_5a_a_procedure_not_saying_whom_it_serves_is_noted_not_no_data() -> None:
    # The authority is {P1 for individuals, P2 not saying}: d is what is known, {P1}; P1's
    # dossier (received 2/4, in P) used population data → 1/1; 2 × 1 = 2. P2 is noted; "no
    # data" is only for a unit none of whose procedures is known to serve individuals.
    ds = Dataset.from_records(
        procedures=[Procedure("P1", for_individuals=True), Procedure("P2")],
        authorities=[Authority(U, "P1"), Authority(U, "P2")],
        dossiers=[dossier("D1", at(4, 2), uses_population_data=True)])
    card = score_766(ds, period=Q2)
    check(card, "CITIZEN_DATA_CONNECTED_FORMALITY", 1, 1, "2.00")
    assert [note.en for note in card.root.criteria["CITIZEN_DATA_CONNECTED_FORMALITY"].notes] == [
        "1 procedures do not report for_individuals"]


def test_5_2_an_open_petition_is_in_time_for_fifteen_working_days() -> None:
    # Open on 30/6 (not refused, ready or published), the clock from the citizen's send date:
    # K1 sent Mon 9/6: (9/6, 30/6] = 10–13/6 (4) + 16–20/6 (5) + 23–27/6 (5) + 30/6 (1) = 15 WD
    # ≤ 15 → in time; K2 sent Fri 6/6: 16 WD > 15 → late. 1/2; 6 × 1/2 = 3
    card = score(petitions=[Petition("K1", U, at(6, 9), sent_at=at(6, 9)),
                            Petition("K2", U, at(6, 6), sent_at=at(6, 6))])
    check(card, "PETITION_PROCESSED_ON_TIME", 1, 2, "3.00")
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].numerator_ids == ("K1",)


def test_a_petition_received_at_the_evaluation_moment_is_counted() -> None:
    # Evaluated at 30/6 12:00 (docs/rules.md "The evaluation moment": only what is dated after
    # it has not happened): K1, received at 12:00, is counted; K2, at 12:00:01, is not.
    # 5.1 (regulations): {K1} / {K1} = 1/1
    as_of = datetime(2025, 6, 30, 12)
    petitions = [Petition("K1", U, as_of, classification=PetitionClass.PROCEDURE_REGULATION),
                 Petition("K2", U, datetime(2025, 6, 30, 12, 0, 1),
                          classification=PetitionClass.PROCEDURE_REGULATION)]
    card = score_766(Dataset.from_records(petitions=petitions), period=Q2, as_of=as_of,
                     keep_ids=True)
    r = card.root.criteria["PETITION_CLASSIFICATION_TTHC"]
    assert (r.numerator, r.denominator, r.denominator_ids) == (1, 1, ("K1",))


def test_5_4_a_petition_received_at_the_evaluation_moment_is_a_complaint() -> None:
    # Evaluated at 20/6 12:00. D1 and D2, received 2/6, due 10/6, finished 5/6: in time, both in
    # P. A petition about D1 received at 12:00 exactly has happened, so D1 was complained about
    # and is not satisfied; one about D2 at 12:00:01 has not. Satisfied {D2} / P {D1, D2} = 1/2;
    # threshold 0.9: 6 × 0.5 / 0.9 = 3.333… → 3.33
    as_of = datetime(2025, 6, 20, 12)
    dossiers = [dossier(ident, at(6, 2), due_at=at(6, 10, 17), finished_at=at(6, 5))
                for ident in ("D1", "D2")]
    petitions = [Petition("K1", U, as_of, dossier_id="D1"),
                 Petition("K2", U, datetime(2025, 6, 20, 12, 0, 1), dossier_id="D2")]
    card = score_766(Dataset.from_records(dossiers=dossiers, petitions=petitions), period=Q2,
                     as_of=as_of, keep_ids=True)
    check(card, "DOSSIER_RATING_SATISFACTION", 1, 2, "3.33")
    assert card.root.criteria["DOSSIER_RATING_SATISFACTION"].numerator_ids == ("D2",)


def test_1_2_a_publication_after_the_evaluation_moment_has_not_happened() -> None:
    # Decided Mon 16/6; + 5 WD: 17, 18, 19, 20, 23/6 → due Mon 23/6. Evaluated Fri 20/6 at noon.
    # P1 is published Fri 27/6, after the evaluation moment: not yet published, and 20/6 ≤ 23/6
    # → still in time (counted on time). Were the future publication read, 27/6 > 23/6 → late.
    # P2 is not published at all and evaluated on its due day, Mon 23/6 at noon: 23/6 ≤ 23/6
    # → still in time. 1.2 at 20/6: {P1} / {P1} = 1/1; at 23/6: {P2} / {P2} = 1/1; 4 × 1 = 4.
    published_later = Announcement("P1", U, date(2025, 6, 16), published_at=date(2025, 6, 27))
    card = score_766(Dataset.from_records(announcements=[published_later]), period=Q2,
                     as_of=datetime(2025, 6, 20, 12))
    check(card, "PUBLIC_UPDATE_ON_TIME", 1, 1, "4.00")
    unpublished = Announcement("P2", U, date(2025, 6, 16))
    card = score_766(Dataset.from_records(announcements=[unpublished]), period=Q2,
                     as_of=datetime(2025, 6, 23, 12))
    check(card, "PUBLIC_UPDATE_ON_TIME", 1, 1, "4.00")


def test_5_2_a_step_at_the_evaluation_moment_has_happened_and_one_after_has_not() -> None:
    # Evaluated Fri 20/6 at noon; K1 and K2 sent Mon 2/6, both refused. (2/6, 20/6] = 3–6/6 (4)
    # + 9–13/6 (5) + 16–20/6 (5) = 14 WD.
    # K1 refused at 12:00 exactly: it has happened, refused after 14 WD > 2 → late.
    # K2 refused at 12:00:01: not yet; still open after 14 WD ≤ 15 → in time.
    # {K2} / {K1, K2} = 1/2; 6 × 1/2 = 3
    as_of = datetime(2025, 6, 20, 12)
    petitions = [Petition("K1", U, at(6, 2), sent_at=at(6, 2), refused_at=as_of),
                 Petition("K2", U, at(6, 2), sent_at=at(6, 2),
                          refused_at=datetime(2025, 6, 20, 12, 0, 1))]
    card = score_766(Dataset.from_records(petitions=petitions), period=Q2, as_of=as_of,
                     keep_ids=True)
    check(card, "PETITION_PROCESSED_ON_TIME", 1, 2, "3.00")
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].numerator_ids == ("K2",)


def test_5_2_a_supplement_request_on_the_fifth_working_day_is_in_time() -> None:
    # counting petition_on_time="all_steps": every step a petition went through must have met
    # its limit. K1 and K2 sent Mon 2/6, ready Tue 17/6 (11 WD ≤ 15), published Wed 18/6 (1 WD
    # after ready ≤ 2). K1's first supplement request on Mon 9/6: (2/6, 9/6] = 5 WD ≤ 5 → in
    # time. K2's on Tue 10/6: 6 WD > 5 → late. {K1} / {K1, K2} = 1/2; 6 × 1/2 = 3
    petitions = [Petition(ident, U, at(6, 2), sent_at=at(6, 2), ready_at=at(6, 17),
                          published_at=at(6, 18), supplement_requested_at=asked)
                 for ident, asked in (("K1", at(6, 9)), ("K2", at(6, 10)))]
    card = score_766(Dataset.from_records(petitions=petitions), period=Q2, keep_ids=True,
                     counting=CountingPolicy(petition_on_time="all_steps"))
    check(card, "PETITION_PROCESSED_ON_TIME", 1, 2, "3.00")
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].numerator_ids == ("K1",)


def test_5_2_an_open_petition_awaiting_since_the_evaluation_moment() -> None:
    # Evaluated Fri 20/6 at noon; K1 and K2 sent Mon 26/5 and still open: from the send date,
    # (26/5, 20/6] = 27–30/5 (4) + 2–6/6 (5) + 9–13/6 (5) + 16–20/6 (5) = 19 WD > 15 → late.
    # K2 has been awaiting handling since 20/6 12:00 exactly: its clock runs from then, 0 WD
    # → in time. K1's awaiting_since, 20/6 12:00:01, has not happened: the send date stands.
    # {K2} / {K1, K2} = 1/2; 6 × 1/2 = 3
    as_of = datetime(2025, 6, 20, 12)
    petitions = [Petition("K1", U, at(5, 26), sent_at=at(5, 26),
                          awaiting_since=datetime(2025, 6, 20, 12, 0, 1)),
                 Petition("K2", U, at(5, 26), sent_at=at(5, 26), awaiting_since=as_of)]
    card = score_766(Dataset.from_records(petitions=petitions), period=Q2, as_of=as_of,
                     keep_ids=True)
    check(card, "PETITION_PROCESSED_ON_TIME", 1, 2, "3.00")
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].numerator_ids == ("K2",)


def test_a_dossier_received_at_the_evaluation_moment_is_counted() -> None:
    # Evaluated Fri 20/6 at noon: D1 received at 12:00 exactly has been received; D2 at
    # 12:00:01 has not (docs/rules.md "The evaluation moment"). 1.4: received in the period
    # {D1}, synced {D1} → 1/1; 6 × 1 = 6
    as_of = datetime(2025, 6, 20, 12)
    dossiers = [dossier("D1", as_of, synced_to_portal=True),
                dossier("D2", datetime(2025, 6, 20, 12, 0, 1), synced_to_portal=True)]
    card = score_766(Dataset.from_records(dossiers=dossiers), period=Q2, as_of=as_of,
                     keep_ids=True)
    check(card, "DOSSIER_SYNC", 1, 1, "6.00")
    assert card.root.criteria["DOSSIER_SYNC"].denominator_ids == ("D1",)
