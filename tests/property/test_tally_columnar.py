"""Counting many records at once (``Tally.add_dossiers``, the columnar form of the rules over
all of them: what ``score_766`` does with polars installed) gives the counts of counting them
one at a time (``Tally.add_dossier``, the scalar form), whatever the records.

Hypothesis draws dossiers in several units and procedures (with and without a time limit, one
not in the procedures file), every channel and flag, 0–2 supplement requests, some only
submitted (no receipt), complaints by
petition and by rating, three evaluation moments, both counting policies for more than one
request and both due-date granularities; the tallies must be equal unit by unit, accumulator
by accumulator (criteria counts, procedure sets, 2.2 sums).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import CountingPolicy, DeadlinePolicy, Petition, Rating, RatingValue, Tally
from chiso766 import tally as tally_module
from chiso766.tally import build_context
from tests.budget import examples
from tests.extras import need
from tests.property.test_merge import PROCEDURES, Q2, START, UNIT_IDS, dossier, moment


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Any], Any]:
    n = draw(st.integers(1, 30))
    dossiers = [draw(dossier(f"D{i}")) for i in range(n)]
    # Some only submitted (no NgayTiepNhan): 3.2 and 3.5 count them, nothing else does.
    dossiers = [attrs.evolve(d, received_at=None, submitted_at=d.received_at)
                if only else d for d, only in zip(dossiers, draw(st.lists(
                    st.integers(0, 4).map(lambda k: k == 0), min_size=n, max_size=n)),
                                                 strict=True)]
    petitions = [Petition(f"K{i}", draw(st.sampled_from(UNIT_IDS)), draw(moment(START, 125)),
                          dossier_id=f"D{i}")
                 for i in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))]
    ratings = [Rating("H", draw(st.sampled_from(list(RatingValue))), dossier_id=f"D{i}",
                      rated_at=draw(moment(START, 125)))
               for i in draw(st.lists(st.integers(0, n - 1), max_size=4))]
    ctx = build_context(
        period=Q2, procedures=PROCEDURES, petitions=petitions, ratings=ratings,
        as_of=draw(st.sampled_from([None, datetime(2025, 5, 15, 12), datetime(2025, 7, 3)])),
        authorities_given=draw(st.booleans()),
        counting=CountingPolicy(multiple_supplements_late=draw(
            st.sampled_from(["unfinished_only", "always"]))),
        policy=DeadlinePolicy(granularity=draw(st.sampled_from(["date", "datetime"]))))
    return dossiers, ctx


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(max_examples=examples(40), deadline=None)
@given(case=cases(), chunk=st.integers(6, 40))
def test_counting_at_once_is_counting_one_at_a_time(case: tuple[list[Any], Any],
                                                    chunk: int) -> None:
    """Whatever the dossiers and the context, the tally of ``add_dossiers`` on all of them
    (forced into the columnar form, ``chunk`` dossiers a pass), and of ``update`` on a stream
    of them, equals the tally of ``add_dossier`` on each in turn."""
    need("polars", "fast")
    dossiers, ctx = case
    one_by_one = Tally(ctx)
    for d in dossiers:
        one_by_one.add_dossier(d)
    columnar = {"runs": 0}
    original = Tally._add_columnar

    def spy(self: Tally, batch: Any) -> None:
        columnar["runs"] += 1
        original(self, batch)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally_module, "COLUMNAR_MIN_DOSSIERS", 0)
        patch.setattr(tally_module, "COLUMNAR_CHUNK", chunk)
        patch.setattr(Tally, "_add_columnar", spy)
        at_once = Tally(ctx)
        at_once.add_dossiers(dossiers)
        # update() on a stream of records: its dossiers counted a chunk at a time.
        streamed = Tally(ctx).update(iter(dossiers))
    assert columnar["runs"] == 2 * -(-len(dossiers) // chunk)
    assert at_once.snapshot() == one_by_one.snapshot()
    assert streamed.snapshot() == one_by_one.snapshot()
