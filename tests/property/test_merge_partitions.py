"""Any split of a dataset into partitions, scored and merged in any order, equals the whole.

Hypothesis draws a small dataset for period 2025-Q2 (dossiers of every shape — with and without
due dates, supplement requests answered or not, every end, flags reported or not, receipts
before the period —, petitions, dislikes, announcements, communes, authorities), assigns each
record to one of k partitions (k = 1..5), tallies each partition with the shared context, and
merges the partial tallies, with empty ones among them, along a random binary tree with random
operand order. The merged tally has the whole's snapshot and the same scorecard as
``score_766`` of the whole dataset. ``Tally.empty`` is the neutral element; ``merge`` is
commutative and associative and leaves its operands unchanged.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import (
    Authority,
    Commune,
    OnlineLevel,
    Period,
    Rating,
    RatingValue,
    Tally,
    build_context,
    score_766,
    score_tally,
)
from chiso766.io import Dataset
from tests.budget import examples
from tests.property.test_merge import (
    CODES,
    PROCEDURES,
    START,
    UNIT_IDS,
    UNITS,
    announcement,
    dossier,
    moment,
    petition,
)
from tests.strategies import dossiers as any_dossiers

Q2 = Period.quarter(2025, 2)
AS_OF = (None, datetime(2025, 4, 20, 10), datetime(2025, 5, 15, 12), datetime(2025, 8, 1))


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    ds = [draw(dossier(f"D{i}")) for i in range(draw(st.integers(0, 14)))]
    # The shared strategy adds receipts by submitted_at only, new due dates, procedures and
    # units outside the lookups, and receipts anywhere in 2025.
    ds += [draw(any_dossiers(min_year=2025, max_year=2025, ids=st.just(f"S{i}")))
           for i in range(draw(st.integers(0, 3)))]
    petitions = [draw(petition(f"K{i}")) for i in range(draw(st.integers(0, 5)))]
    # Announcements crowd onto few units and procedures, so that one procedure is announced in
    # several partitions (its on-time flags must AND across them).
    announcements = [attrs.evolve(draw(announcement(i)),
                                  unit_id=draw(st.sampled_from(["S1", "X1"])),
                                  procedure_code=draw(st.sampled_from(["P1", "P2"])))
                     for i in range(draw(st.integers(0, 6)))]
    communes = [Commune(u, draw(st.booleans()))
                for u in draw(st.lists(st.sampled_from(["X1", "X2"]), unique=True))]
    pairs = draw(st.lists(st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(CODES)),
                          unique=True, max_size=draw(st.sampled_from([0, 6]))))
    authorities = [Authority(u, c, draw(st.sampled_from(list(OnlineLevel)))) for u, c in pairs]
    ratings = [Rating("H", draw(st.sampled_from(list(RatingValue))), dossier_id=f"D{i}",
                      rated_at=draw(st.one_of(st.none(), moment(START, 125))))
               for i in draw(st.lists(st.integers(0, 13), max_size=4))]
    return Dataset.from_records(units=UNITS, procedures=PROCEDURES, dossiers=ds,
                                petitions=petitions, announcements=announcements,
                                communes=communes, authorities=authorities, ratings=ratings)


def records_of(ds: Dataset) -> list[Any]:
    """What a tally is fed (ratings and procedures are lookups of the context)."""
    return [*ds.dossiers, *ds.petitions, *ds.announcements, *ds.communes, *ds.authorities]


def context_for(ds: Dataset, as_of: datetime | None, keep_ids: bool) -> Any:
    return build_context(period=Q2, as_of=as_of, procedures=ds.procedures,
                         petitions=ds.petitions, ratings=ds.ratings,
                         authorities_given=bool(ds.authorities), keep_ids=keep_ids)


def merge_tree(tallies: list[Tally], rnd: random.Random) -> Tally:
    """Merge along a random binary tree: join two random neighbours, in a random operand order,
    until one tally is left."""
    pool = list(tallies)
    while len(pool) > 1:
        i = rnd.randrange(len(pool) - 1)
        a, b = pool[i], pool[i + 1]
        pool[i:i + 2] = [a.merge(b) if rnd.random() < 0.5 else b + a]
    return pool[0]


@settings(max_examples=examples(50), deadline=None)
@given(datasets(), st.sampled_from(AS_OF), st.booleans(), st.integers(1, 5),
       st.randoms(use_true_random=False))
def test_any_partition_merged_in_any_order_equals_the_whole(
    ds: Dataset, as_of: datetime | None, keep_ids: bool, k: int, rnd: random.Random
) -> None:
    ctx = context_for(ds, as_of, keep_ids)
    whole = Tally.from_dataset(ds, ctx)
    records = records_of(ds)
    parts: list[list[Any]] = [[] for _ in range(k)]
    for record in records:
        parts[rnd.randrange(k)].append(record)
    tallies = []
    for part in parts:
        rnd.shuffle(part)  # the order within a partition does not matter either
        tallies.append(Tally(ctx).update(part))
    for _ in range(rnd.randint(0, 2)):
        tallies.insert(rnd.randint(0, len(tallies)), Tally.empty(ctx))
    rnd.shuffle(tallies)
    merged = merge_tree(tallies, rnd)

    assert merged.snapshot() == whole.snapshot()
    got = score_tally(merged, units=ds.units).to_dict(include_ids=keep_ids)
    assert got == score_tally(whole, units=ds.units).to_dict(include_ids=keep_ids)
    # and score_766 of the dataset scores the same
    want = score_766(ds, period=Q2, as_of=as_of, keep_ids=keep_ids)
    assert got == want.to_dict(include_ids=keep_ids)


@settings(max_examples=examples(25), deadline=None)
@given(datasets(), st.sampled_from(AS_OF), st.lists(st.integers(0, 2), min_size=60,
                                                    max_size=60))
def test_empty_is_neutral_and_merge_commutes_and_associates(
    ds: Dataset, as_of: datetime | None, assignment: list[int]
) -> None:
    ctx = context_for(ds, as_of, keep_ids=True)
    parts: list[list[Any]] = [[], [], []]
    for record, i in zip(records_of(ds), assignment, strict=False):
        parts[i].append(record)
    a, b, c = (Tally(ctx).update(p) for p in parts)
    before = [t.snapshot() for t in (a, b, c)]
    empty = Tally.empty(ctx)
    assert empty.snapshot() == {}
    assert (a + empty).snapshot() == a.snapshot() == (empty + a).snapshot()
    assert (empty + empty).snapshot() == {}
    assert (a + b).snapshot() == (b + a).snapshot()
    assert ((a + b) + c).snapshot() == (a + (b + c)).snapshot() == ((c + a) + b).snapshot()
    # merging makes new tallies: the operands are unchanged
    assert [t.snapshot() for t in (a, b, c)] == before
