"""LiveTally against score_766 on random datasets of period 2025-Q2 (properties):

* fed in any order, with earlier versions of records before the final ones, and asked at a
  moment no earlier than any event, the live scorecard is ``score_766``'s;
* fed as a one-stop system would — at each of a few moments, every record as it stood then —
  and asked at each moment, it is ``score_766`` of the full records at that moment.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import Dossier, Petition, PolicyError
from chiso766.live import LiveTally
from tests.budget import examples
from tests.property.test_merge import PROCEDURES, START, moment
from tests.test_live import (
    Q2,
    check_equal,
    datasets,
    dossier_at,
    latest_event,
    petition_at,
    records_at,
)


@settings(max_examples=examples(60))
@given(datasets(), st.randoms(use_true_random=False), st.integers(0, 20 * 24 * 60))
def test_fed_in_any_order_scores_as_score_766(records: dict[str, list[Any]], rnd: random.Random,
                                              extra_minutes: int) -> None:
    last = latest_event(records)
    finals: list[Any] = [r for rs in records.values() for r in rs]
    rnd.shuffle(finals)
    # Earlier versions of some dossiers and petitions (as they stood at a random earlier
    # moment), each fed somewhere before its final version.
    stream = list(finals)
    for r in finals:
        if isinstance(r, (Dossier, Petition)) and rnd.random() < 0.5:
            first = r.receipt if isinstance(r, Dossier) else r.received_at
            t = first + (last - first) * rnd.random()
            early = dossier_at(r, t) if isinstance(r, Dossier) else petition_at(r, t)
            stream.insert(rnd.randint(0, stream.index(r)), early)
    live = LiveTally(period=Q2, procedures=PROCEDURES,
                     authorities_given=bool(records["authorities"]))
    live.update(stream)
    t = last + timedelta(minutes=extra_minutes)
    check_equal(live, records, t)
    n_open = sum(1 for d in records["dossiers"] if d.ended_at is None)
    assert (live.open_dossiers, live.closed_dossiers) == (n_open,
                                                          len(records["dossiers"]) - n_open)
    if last > START:
        with pytest.raises(PolicyError):
            live.scorecard(last - timedelta(seconds=1))


@settings(max_examples=examples(40))
@given(datasets(), st.lists(moment(START, 170), min_size=1, max_size=3),
       st.randoms(use_true_random=False))
def test_fed_as_it_happens_scores_as_score_766_at_each_moment(
    records: dict[str, list[Any]], moments: list[datetime], rnd: random.Random
) -> None:
    live = LiveTally(period=Q2, procedures=PROCEDURES,
                     authorities_given=bool(records["authorities"]))
    for t in sorted(moments) + [max(latest_event(records), max(moments))]:
        known = records_at(records, t)
        now = [r for rs in known.values() for r in rs]
        rnd.shuffle(now)
        live.update(now)  # everything again: unchanged records change nothing
        check_equal(live, known, t)
