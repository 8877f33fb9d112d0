"""Petitions on time (5.2) under SPEC revision 2 §6, hand-computed: limits from the citizen's
send date ``sent_at`` (the receipt standing in, with a note), or from the latest transfer; a
ready but unpublished petition measured to the evaluation moment; an open petition measured from
``awaiting_since``; policies ``petition_on_time`` and ``petition_population``, both sides.

Working days after a date D are counted in (D, E]. Days off around the period: Mon 7/4, Wed 30/4,
Thu 1/5, Fri 2/5 (2025); Sat 26/4 is a working day. Working days after Fri 28/3/2025: 31/3 (1),
1/4 (2), 2/4 (3), 3/4 (4), 4/4 (5), 8/4 (6), 9/4 (7), 10/4 (8), 11/4 (9), 14/4 (10), 15/4 (11),
16/4 (12), 17/4 (13), 18/4 (14), 21/4 (15), 22/4 (16).
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import pytest

from chiso766 import (
    CountingPolicy,
    Period,
    Petition,
    RecordError,
    Scorecard,
    WorkingCalendar,
    score_766,
)
from chiso766.criteria.satisfaction import petition_verdict
from chiso766.io import Dataset

Q2 = Period.quarter(2025, 2)
U = "U1"
CAL = WorkingCalendar.vietnam()
AS_OF = Q2.end_moment


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour)


def score(*petitions: Petition, counting: CountingPolicy | None = None,
          as_of: datetime | None = None) -> Scorecard:
    return score_766(Dataset.from_records(petitions=petitions), period=Q2, as_of=as_of,
                     counting=counting, keep_ids=True)


def nd(card: Scorecard) -> tuple[int | Fraction, int | Fraction]:
    r = card.root.criteria["PETITION_PROCESSED_ON_TIME"]
    return r.numerator, r.denominator


def test_limits_count_from_sent_at() -> None:
    # sent Fri 28/3, received Wed 2/4, ready and published Tue 22/4:
    # from sent_at (28/3, 22/4] = 16 WD > 15 → late
    sent = Petition("T1", U, at(4, 2), sent_at=at(3, 28), ready_at=at(4, 22),
                    published_at=at(4, 22))
    v = petition_verdict(sent, AS_OF, CAL)
    assert (v.on_time, v.started_at, v.start_fallback) == (False, at(3, 28), False)
    # without sent_at the receipt stands in: (2/4, 22/4] = 16 − 3 = 13 WD ≤ 15 → on time,
    # with a note on the criterion
    no_sent = Petition("T1", U, at(4, 2), ready_at=at(4, 22), published_at=at(4, 22))
    v = petition_verdict(no_sent, AS_OF, CAL)
    assert (v.on_time, v.started_at, v.start_fallback) == (True, at(4, 2), True)
    assert nd(score(sent)) == (0, 1)
    card = score(no_sent)
    assert nd(card) == (1, 1)
    notes = card.root.criteria["PETITION_PROCESSED_ON_TIME"].notes
    assert any("1 petitions without sent_at" in n.en for n in notes)
    assert not any("sent_at" in n.en for n in score(sent).root.criteria[
        "PETITION_PROCESSED_ON_TIME"].notes)


def test_a_transfer_restarts_the_limits() -> None:
    # sent and received 28/3, transferred to the unit Wed 2/4, ready 22/4: from the transfer
    # (2/4, 22/4] = 13 WD ≤ 15 → on time (from sent_at it would be 16 → late)
    p = Petition("T2", U, at(3, 28), sent_at=at(3, 28), transferred_at=at(4, 2),
                 ready_at=at(4, 22), published_at=at(4, 22))
    v = petition_verdict(p, AS_OF, CAL)
    assert (v.on_time, v.started_at) == (True, at(4, 2))


def test_ready_but_unpublished_is_measured_to_the_evaluation_moment() -> None:
    # sent Mon 2/6, ready Tue 3/6, never published
    p = Petition("T3", U, at(6, 2), sent_at=at(6, 2), ready_at=at(6, 3))
    # at Thu 5/6 17:00: (3/6, 5/6] = 2 WD ≤ 2 → still in time
    assert petition_verdict(p, at(6, 5, 17), CAL).on_time is True
    assert nd(score(p, as_of=at(6, 5, 17))) == (1, 1)
    # at Fri 6/6: 3 WD > 2 → late; at 30/6 → late
    assert petition_verdict(p, at(6, 6, 17), CAL).on_time is False
    v = petition_verdict(p, AS_OF, CAL)
    assert v.on_time is False and "chưa công khai" in v.reason
    assert nd(score(p)) == (0, 1)


def test_petition_on_time_policy() -> None:
    # sent Tue 1/4; first supplement request Thu 10/4: (1/4, 10/4] = 2, 3, 4, 8, 9, 10 = 6 WD > 5;
    # ready and published Fri 18/4: (1/4, 18/4] = 12 WD ≤ 15
    p = Petition("T4", U, at(4, 1), sent_at=at(4, 1), supplement_requested_at=at(4, 10),
                 ready_at=at(4, 18), published_at=at(4, 18))
    # "ending_step" (default): the handling step that ended it met its limit → on time
    assert petition_verdict(p, AS_OF, CAL).on_time is True
    assert nd(score(p)) == (1, 1)
    # "all_steps": the late supplement request counts too → late
    assert petition_verdict(p, AS_OF, CAL, "all_steps").on_time is False
    assert nd(score(p, counting=CountingPolicy(petition_on_time="all_steps"))) == (0, 1)


def test_open_petition_measured_from_awaiting_since() -> None:
    # sent Mon 5/5, still open on 30/6; the citizen answered a supplement request and it has
    # been awaiting receipt since Mon 16/6: (16/6, 30/6] = 17, 18, 19, 20, 23, 24, 25, 26, 27,
    # 30 = 10 WD ≤ 15 → in time
    answered = Petition("T5", U, at(5, 5), sent_at=at(5, 5), awaiting_since=at(6, 16))
    assert petition_verdict(answered, AS_OF, CAL).on_time is True
    # awaiting_since defaults to sent_at: (5/5, 30/6] = 40 WD > 15 → late
    waiting = Petition("T5", U, at(5, 5), sent_at=at(5, 5))
    assert waiting.awaiting_since == at(5, 5)
    assert petition_verdict(waiting, AS_OF, CAL).on_time is False
    # the default chain: transferred_at, else sent_at, else received_at
    assert Petition("T6", U, at(5, 5), transferred_at=at(5, 6)).awaiting_since == at(5, 6)
    assert Petition("T7", U, at(5, 5)).awaiting_since == at(5, 5)


def test_petition_population_policy() -> None:
    # T8 first received 10/3 (before the period), ready and published Wed 2/4: ended in the
    # period. (10/3, 2/4] = 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28, 31/3, 1/4,
    # 2/4 = 17 WD > 15 → late
    before = Petition("T8", U, at(3, 10), sent_at=at(3, 10), ready_at=at(4, 2),
                      published_at=at(4, 2))
    # T9 first received Tue 1/4, refused Wed 2/4: 1 WD ≤ 2 → on time
    inside = Petition("T9", U, at(4, 1), sent_at=at(4, 1), refused_at=at(4, 2))
    # "received_or_handled" (default): both → 1/2; 6 × 1/2 = 3
    card = score(before, inside)
    assert nd(card) == (1, 2)
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].denominator_ids == ("T8", "T9")
    # "first_received": only T9 (5.3's population) → 1/1
    card = score(before, inside, counting=CountingPolicy(petition_population="first_received"))
    assert nd(card) == (1, 1)
    assert card.root.criteria["PETITION_PROCESSED_ON_TIME"].denominator_ids == ("T9",)


def test_a_petition_is_not_received_before_it_is_sent() -> None:
    with pytest.raises(RecordError, match="before the citizen sends it") as exc:
        Petition("T10", U, at(4, 1), sent_at=at(4, 2))
    assert exc.value.field == "received_at"
