"""Tallies merge (Hypothesis): any split of a dataset's records into parts, tallied with the same
context and merged in any order — with the empty tally too — gives the scorecard of the whole;
``merge`` is associative and commutative. And every scorecard is well formed: points within
[0, cap], parts and groups the sum of their pieces, total the sum of the groups, band from it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import (
    QD766,
    Announcement,
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    Period,
    Petition,
    PetitionClass,
    Procedure,
    Rating,
    RatingValue,
    Scorecard,
    SupplementRequest,
    Tally,
    TimeLimit,
    Unit,
    UnitLevel,
    band,
    build_context,
    score_counts,
    score_tally,
)
from tests.budget import examples

Q2 = Period.quarter(2025, 2)
UNITS = (Unit("H", level=UnitLevel.PROVINCE), Unit("S1", parent_id="H"),
         Unit("S2", parent_id="H"), Unit("X1", parent_id="S2"), Unit("X2", parent_id="S2"))
UNIT_IDS = ("H", "S1", "S2", "X1", "X2")
PROCEDURES = (
    Procedure("P1", time_limit=TimeLimit.working_days(3), online_level=OnlineLevel.FULL,
              has_fee=True, requires_paper_result=True, for_individuals=True, published=True,
              complete_elements=True),
    Procedure("P2", online_level=OnlineLevel.PARTIAL, has_fee=False,
              requires_paper_result=False, for_individuals=False, published=True,
              complete_elements=False),
    Procedure("P3", time_limit=TimeLimit.calendar_days(5)),
)
CODES = ("P1", "P2", "P3", "P4")  # P4 is not in the procedures
START = datetime(2025, 3, 1, 0, 0)
flags = st.sampled_from([True, False, None])


def moment(base: datetime, max_days: int) -> st.SearchStrategy[datetime]:
    return st.builds(lambda d, m: base + timedelta(days=d, minutes=m),
                     st.integers(0, max_days), st.integers(0, 24 * 60 - 1))


@st.composite
def dossier(draw: st.DrawFn, ident: str) -> Dossier:
    received = draw(moment(START, 125))
    later = moment(received, 40)
    ends: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(["finished_at", "returned_at", "stopped_at"]),
                              max_size=2, unique=True)):
        ends[name] = draw(later)
    sups = []
    asked = received
    for _ in range(draw(st.integers(0, 2))):
        asked = draw(moment(asked, 10))
        supplied = draw(st.one_of(st.none(), moment(asked, 10)))
        sups.append(SupplementRequest(asked, supplied))
        if supplied is None:
            break
        asked = supplied
    return Dossier(
        ident, draw(st.sampled_from(CODES)), draw(st.sampled_from(UNIT_IDS)),
        channel=draw(st.sampled_from(list(Channel))),
        received_at=received, due_at=draw(st.one_of(st.none(), moment(received, 20))),
        supplements=tuple(sups), synced_to_portal=draw(flags),
        has_fee_data=draw(flags), paid_online=draw(st.sampled_from([*OnlinePayment, None])),
        has_electronic_result=draw(flags), components_digitized=draw(flags),
        reuses_digitized_data=draw(flags), uses_personal_data_store=draw(flags),
        uses_population_data=draw(flags), **ends,
    )


@st.composite
def petition(draw: st.DrawFn, ident: str) -> Petition:
    received = draw(moment(START, 125))
    later = st.one_of(st.none(), moment(received, 40))
    return Petition(
        ident, draw(st.sampled_from(UNIT_IDS)), received,
        dossier_id=draw(st.sampled_from([None, "D0", "D1", "D2"])),
        classification=draw(st.sampled_from(list(PetitionClass))),
        transferred_at=draw(later), refused_at=draw(later),
        supplement_requested_at=draw(later), ready_at=draw(later), published_at=draw(later),
        likes=draw(st.integers(0, 3)), dislikes=draw(st.integers(0, 3)),
        followed_by_complaint=draw(flags),
    )


@st.composite
def announcement(draw: st.DrawFn, i: int) -> Announcement:
    decided = draw(st.dates(date(2025, 3, 1), date(2025, 7, 5)))
    return Announcement(
        draw(st.sampled_from(CODES)), draw(st.sampled_from(UNIT_IDS)), decided,
        decision_no=str(i),
        legal_basis_effective_date=draw(st.one_of(
            st.none(), st.builds(lambda k: decided + timedelta(days=k), st.integers(0, 60)))),
        published_at=draw(st.one_of(
            st.none(), st.builds(lambda k: decided + timedelta(days=k), st.integers(0, 30)))),
        authority_level=draw(st.sampled_from([UnitLevel.PROVINCE, UnitLevel.MINISTRY])),
    )


@st.composite
def world(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 14))
    dossiers = [draw(dossier(f"D{i}")) for i in range(n)]
    petitions = [draw(petition(f"K{i}")) for i in range(draw(st.integers(0, 5)))]
    announcements = [draw(announcement(i)) for i in range(draw(st.integers(0, 4)))]
    communes = [Commune(u, draw(st.booleans()))
                for u in draw(st.lists(st.sampled_from(["X1", "X2"]), unique=True))]
    pairs = draw(st.lists(st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(CODES)),
                          unique=True, max_size=6))
    authorities = [Authority(u, c, draw(st.sampled_from(list(OnlineLevel)))) for u, c in pairs]
    ratings = [Rating("H", draw(st.sampled_from(list(RatingValue))), dossier_id=f"D{i}",
                      rated_at=draw(moment(START, 125)))
               for i in draw(st.lists(st.integers(0, 13), max_size=4))]
    as_of = draw(st.sampled_from([None, datetime(2025, 5, 15, 12), datetime(2025, 7, 3)]))
    ctx = build_context(period=Q2, as_of=as_of, procedures=PROCEDURES, petitions=petitions,
                        ratings=ratings, authorities_given=bool(authorities), keep_ids=True,
                        reported_received=draw(st.sampled_from([None, {"S1": 3}])),
                        last_year_totals=draw(st.sampled_from([None, {"X2": 40}])))
    records: list[Any] = [*dossiers, *petitions, *announcements, *communes, *authorities]
    return {"ctx": ctx, "records": records}


def scored(tally: Tally) -> dict[str, Any]:
    return score_tally(tally, units=UNITS).to_dict(include_ids=True)


def split(records: list[Any], assignment: list[int], k: int) -> list[list[Any]]:
    parts: list[list[Any]] = [[] for _ in range(k)]
    for record, part in zip(records, assignment, strict=False):
        parts[part % k].append(record)
    return parts


@settings(max_examples=examples(30), deadline=None)
@given(world(), st.integers(1, 4), st.lists(st.integers(0, 3), min_size=40, max_size=40),
       st.randoms(use_true_random=False))
def test_any_split_merged_in_any_order_scores_as_the_whole(
    w: dict[str, Any], k: int, assignment: list[int], rnd: Any
) -> None:
    ctx, records = w["ctx"], w["records"]
    whole = Tally(ctx).update(records)
    tallies = [Tally(ctx).update(part) for part in split(records, assignment, k)]
    tallies.append(Tally.empty(ctx))
    rnd.shuffle(tallies)
    merged = Tally.empty(ctx)
    for t in tallies:
        merged = merged.merge(t) if rnd.random() < 0.5 else t + merged
    assert merged.snapshot() == whole.snapshot()
    assert scored(merged) == scored(whole)
    check_well_formed(score_tally(whole, units=UNITS))


@settings(max_examples=examples(15), deadline=None)
@given(world(), st.lists(st.integers(0, 2), min_size=40, max_size=40))
def test_merge_is_associative_and_commutative(w: dict[str, Any], assignment: list[int]) -> None:
    ctx = w["ctx"]
    a, b, c = (Tally(ctx).update(part) for part in split(w["records"], assignment, 3))
    assert ((a + b) + c).snapshot() == (a + (b + c)).snapshot()
    assert (a + b).snapshot() == (b + a).snapshot()
    empty = Tally.empty(ctx)
    assert (a + empty).snapshot() == a.snapshot() == (empty + a).snapshot()
    # merging makes a new tally: the operands are unchanged
    before = a.snapshot()
    _ = a + b
    assert a.snapshot() == before


def check_well_formed(card: Scorecard) -> None:
    for unit in card.units.values():
        total = Decimal(0)
        for g in unit.groups.values():
            rule = QD766.group(g.code)
            assert Decimal(0) <= g.points <= g.max_points == rule.max_points
            if g.parts:
                assert g.points == sum((p.points for p in g.parts), Decimal(0))
                for p in g.parts:
                    assert Decimal(0) <= p.points <= p.max_points
                    assert p.points == sum((unit.criteria[c].points or Decimal(0)
                                            for c in p.criteria), Decimal(0))
            else:
                assert g.points == sum((unit.criteria[c].points or Decimal(0)
                                        for c in g.criteria), Decimal(0))
            total += g.points
        assert unit.total == total
        assert Decimal(0) <= unit.total <= 100
        assert unit.band is band(unit.total)
        for code, r in unit.criteria.items():
            c = QD766.criterion(code)
            if r.points is not None:
                assert c.scored
                assert Decimal(0) <= r.points <= c.max_points, (code, r.points)
                assert r.points == r.points.quantize(Decimal("0.01"))
            if r.ratio is not None and code != "AVERAGE_PROCESSING_TIME":
                assert 0 <= r.ratio <= 1, (code, r.ratio)


pairs = st.integers(0, 10**6).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))


@settings(max_examples=examples(80), deadline=None)
@given(st.dictionaries(st.sampled_from([c.code for c in QD766.criteria
                                        if c.code != "AVERAGE_PROCESSING_TIME"]), pairs))
def test_score_counts_is_well_formed(counts: dict[str, tuple[int, int]]) -> None:
    check_well_formed(score_counts(counts))
