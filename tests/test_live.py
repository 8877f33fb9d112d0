"""LiveTally: dossiers fed one at a time, scores asked at any moment, equal to score_766.

Hand-made cases (a dossier fed open then finished, one open dossier asked at two moments, a
dislike after the dossier closed, re-feeding, going back in time). The random datasets and
helpers here serve the two properties in tests/property/test_live_props.py.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st

from chiso766 import (
    Announcement,
    Authority,
    Commune,
    Dossier,
    OnlineLevel,
    Period,
    Petition,
    PolicyError,
    Procedure,
    Rating,
    RatingValue,
    RecordError,
    Scorecard,
    SupplementRequest,
    Tally,
    TimeLimit,
    Unit,
    build_context,
    score_766,
)
from chiso766.io import Dataset
from chiso766.live import LiveTally
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
U = "U1"
P1 = Procedure("P1", time_limit=TimeLimit.working_days(5), online_level=OnlineLevel.FULL,
               has_fee=False, requires_paper_result=False, for_individuals=True,
               published=True, complete_elements=True)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour)


def pair(card: Scorecard, code: str, unit: str = U) -> tuple[Any, Any]:
    r = card.units[unit].criteria[code]
    return r.numerator, r.denominator


def expected(as_of: datetime, units: tuple[Unit, ...] = (), **records: Any) -> Scorecard:
    return score_766(Dataset.from_records(procedures=[P1], units=units, **records), period=Q2,
                     as_of=as_of)


def live_q2(**kw: Any) -> LiveTally:
    return LiveTally(period=Q2, procedures=[P1], **kw)


# ---------------------------------------------------------------------------------------------
# hand-made cases


def test_dossier_fed_open_then_finished() -> None:
    # Received Tue 1/4 09:00, recorded due date Tue 8/4 17:00.
    open_ = Dossier("D1", "P1", U, received_at=at(4, 1), due_at=at(4, 8, 17),
                    synced_to_portal=True)
    live = live_q2()
    live.add(open_)
    assert (live.open_dossiers, live.closed_dossiers) == (1, 0)
    t1 = at(4, 3, 12)
    card = live.scorecard(t1)
    assert pair(card, "DOSSIER_ON_TIME") == (1, 1)  # pending, in time
    assert card.to_dict() == expected(t1, dossiers=[open_]).to_dict()

    done = attrs.evolve(open_, finished_at=at(4, 4, 16))
    live.add(done)  # the same id: a status update
    assert (live.open_dossiers, live.closed_dossiers) == (0, 1)
    t2 = at(4, 10)
    card = live.scorecard(t2)
    assert pair(card, "DOSSIER_ON_TIME") == (1, 1)
    assert card.units[U].criteria["AVERAGE_PROCESSING_TIME"].denominator == 1
    assert card.to_dict() == expected(t2, dossiers=[done]).to_dict()
    # Feeding the finished dossier again (an idempotent retry) changes nothing.
    live.add(done)
    assert live.closed_dossiers == 1
    assert live.scorecard(t2).to_dict() == card.to_dict()


def test_open_dossier_asked_at_two_moments() -> None:
    d = Dossier("D1", "P1", U, received_at=at(4, 1), due_at=at(4, 8, 17))
    live = live_q2().update([d])
    early, late = at(4, 8, 16), at(4, 9, 9)
    assert pair(live.scorecard(early), "DOSSIER_ON_TIME") == (1, 1)  # PENDING_IN_TIME
    assert pair(live.scorecard(late), "DOSSIER_ON_TIME") == (0, 1)  # PENDING_LATE
    for t in (early, late, Q2.end_moment):
        assert live.scorecard(t).to_dict() == expected(t, dossiers=[d]).to_dict()
    # The default moment is the end of the period.
    assert live.scorecard().to_dict() == expected(Q2.end_moment, dossiers=[d]).to_dict()


def two_closed_dossiers() -> tuple[Dossier, Dossier, LiveTally]:
    """D1 and D2 of unit U, both finished on time early in April, fed to a Q2 live tally."""
    d = Dossier("D1", "P1", U, received_at=at(4, 1), due_at=at(4, 8, 17),
                finished_at=at(4, 4, 10))
    other = Dossier("D2", "P1", U, received_at=at(4, 2), due_at=at(4, 9, 17),
                    finished_at=at(4, 3, 10))
    return d, other, live_q2().update([d, other])


def test_dislike_after_the_dossier_closed_still_counts() -> None:
    d, other, live = two_closed_dossiers()
    assert pair(live.scorecard(at(4, 5)), "DOSSIER_RATING_SATISFACTION") == (2, 2)
    dislike = Rating(U, RatingValue.BAD, dossier_id="D1", rated_at=at(4, 20))
    live.add(dislike)
    live.add(Rating(U, RatingValue.GOOD, dossier_id="D2", rated_at=at(4, 20)))  # ignored
    t = at(4, 21)
    card = live.scorecard(t)
    assert pair(card, "DOSSIER_RATING_SATISFACTION") == (1, 2)
    assert pair(card, "DOSSIER_ON_TIME") == (2, 2)  # 2.1 does not care
    assert card.to_dict() == expected(t, dossiers=[d, other], ratings=[dislike]).to_dict()


def test_petition_naming_a_closed_dossier_and_its_correction() -> None:
    d, other, live = two_closed_dossiers()
    k = Petition("K1", U, at(4, 10), dossier_id="D1")
    live.add(k)
    t = at(4, 11)
    assert pair(live.scorecard(t), "DOSSIER_RATING_SATISFACTION") == (1, 2)
    # The petition was about D2 after all: D1 is satisfied again, D2 is not.
    fixed = attrs.evolve(k, dossier_id="D2")
    live.add(fixed)
    card = live.scorecard(t)
    assert pair(card, "DOSSIER_RATING_SATISFACTION") == (1, 2)
    assert card.to_dict() == expected(t, dossiers=[d, other], petitions=[fixed]).to_dict()
    # A petition about a dossier not fed yet counts when the dossier comes, open or closed.
    k3 = Petition("K3", U, at(4, 12), dossier_id="D3")
    d3 = Dossier("D3", "P1", U, received_at=at(4, 9), due_at=at(4, 30, 17))
    live.update([k3, d3])
    t = at(4, 14)
    assert pair(live.scorecard(t), "DOSSIER_RATING_SATISFACTION") == (1, 3)
    d3_done = attrs.evolve(d3, finished_at=at(4, 15))
    live.add(d3_done)
    t = at(4, 16)
    card = live.scorecard(t)
    assert pair(card, "DOSSIER_RATING_SATISFACTION") == (1, 3)
    assert card.to_dict() == expected(t, dossiers=[d, other, d3_done],
                                      petitions=[fixed, k3]).to_dict()


def test_a_closed_dossier_corrected_replaces_its_counts() -> None:
    d = Dossier("D1", "P1", U, received_at=at(4, 1), due_at=at(4, 8, 17),
                finished_at=at(4, 4, 10), synced_to_portal=False)
    live = live_q2().update([d])
    assert pair(live.scorecard(at(4, 5)), "DOSSIER_SYNC") == (0, 1)
    synced = attrs.evolve(d, synced_to_portal=True)
    live.add(synced)
    card = live.scorecard(at(4, 5))
    assert pair(card, "DOSSIER_SYNC") == (1, 1)
    assert card.to_dict() == expected(at(4, 5), dossiers=[synced]).to_dict()
    # Moved to another unit: nothing of it stays in the first one.
    moved = attrs.evolve(synced, unit_id="U2")
    live.add(moved)
    card = live.scorecard(at(4, 5))
    assert set(card.units) == {"U2"}
    assert card.to_dict() == expected(at(4, 5), dossiers=[moved]).to_dict()
    # Reopened (the finish was entered by mistake): back to in progress.
    live.add(attrs.evolve(moved, finished_at=None))
    assert (live.open_dossiers, live.closed_dossiers) == (1, 0)


def test_a_live_tally_cannot_go_back_in_time() -> None:
    d = Dossier("D1", "P1", U, received_at=at(4, 1), finished_at=at(4, 10))
    live = live_q2().update([d])
    assert live.latest_event == at(4, 10)
    live.scorecard(at(4, 10))  # the moment of the last event itself is fine
    with pytest.raises(PolicyError, match="cannot go back in time"):
        live.scorecard(at(4, 9))
    live.add(Rating(U, RatingValue.BAD, dossier_id="D1", rated_at=at(5, 2)))
    with pytest.raises(PolicyError, match="cannot go back in time"):
        live.tally(date(2025, 5, 1))
    # A bare date is office close that day, as for score_766.
    assert live.tally(date(2025, 5, 2)).context.as_of == at(5, 2, 17)


def test_feeding_checks() -> None:
    live = live_q2()
    with pytest.raises(RecordError):
        live.add(P1)
    with pytest.raises(RecordError):
        live.update("D1")
    with pytest.raises(PolicyError, match="authorities_given"):
        live.add(Authority(U, "P1"))
    with_auth = live_q2(authorities_given=True)
    with_auth.add(Authority(U, "P1", OnlineLevel.FULL))
    with_auth.add(Commune("X1", True))
    t = at(5, 1)
    assert with_auth.scorecard(t).to_dict() == expected(
        t, authorities=[Authority(U, "P1", OnlineLevel.FULL)],
        communes=[Commune("X1", True)]).to_dict()
    with pytest.raises(PolicyError):
        LiveTally(period="2025-Q2")  # type: ignore[arg-type]


def test_announcement_published_later_replaces_the_unpublished_one() -> None:
    a = Announcement("P1", U, date(2025, 4, 1), decision_no="12",
                     legal_basis_effective_date=date(2025, 4, 20))
    live = live_q2().update([a])
    assert pair(live.scorecard(at(4, 2)), "PUBLIC_UPDATE_ON_TIME") == (1, 1)
    published = attrs.evolve(a, published_at=date(2025, 4, 15))
    live.add(published)
    card = live.scorecard(at(4, 16))
    assert pair(card, "PUBLIC_UPDATE_ON_TIME") == (0, 1)  # 5 working days were up on 9/4
    assert card.to_dict() == expected(at(4, 16), announcements=[published]).to_dict()


# ---------------------------------------------------------------------------------------------
# properties


def dossier_at(d: Dossier, t: datetime) -> Dossier | None:
    """``d`` as the one-stop system knew it at ``t``: nothing after ``t`` has happened."""
    if d.receipt > t:
        return None

    def seen(m: datetime | None) -> datetime | None:
        return m if m is not None and m <= t else None

    sups = tuple(SupplementRequest(s.requested_at, seen(s.supplied_at))
                 for s in d.supplements if s.requested_at <= t)
    return attrs.evolve(d, submitted_at=seen(d.submitted_at), finished_at=seen(d.finished_at),
                        returned_at=seen(d.returned_at), stopped_at=seen(d.stopped_at),
                        supplements=sups)


def petition_at(p: Petition, t: datetime) -> Petition | None:
    if p.received_at > t:
        return None

    def seen(m: datetime | None) -> datetime | None:
        return m if m is not None and m <= t else None

    return attrs.evolve(p, transferred_at=seen(p.transferred_at), refused_at=seen(p.refused_at),
                        supplement_requested_at=seen(p.supplement_requested_at),
                        ready_at=seen(p.ready_at), published_at=seen(p.published_at))


def announcement_at(a: Announcement, t: datetime) -> Announcement | None:
    if a.decision_date > t.date():
        return None
    published = a.published_at if a.published_at is not None and \
        a.published_at <= t.date() else None
    return attrs.evolve(a, published_at=published)


def rating_at(r: Rating, t: datetime) -> Rating | None:
    return None if r.rated_at is not None and r.rated_at > t else r


def records_at(records: dict[str, list[Any]], t: datetime) -> dict[str, list[Any]]:
    """Every record as the one-stop system knew it at ``t`` (those not there yet left out)."""
    out: dict[str, list[Any]] = {"communes": records["communes"],
                                 "authorities": records["authorities"]}
    for kind, fn in (("dossiers", dossier_at), ("petitions", petition_at),
                     ("announcements", announcement_at), ("ratings", rating_at)):
        out[kind] = [seen for seen in (fn(r, t) for r in records[kind]) if seen is not None]
    return out


def latest_event(records: dict[str, list[Any]]) -> datetime:
    """The last moment anything in ``records`` happened (due dates are not events)."""
    moments = [START]
    for d in records["dossiers"]:
        moments += [d.receipt, d.submitted_at, d.finished_at, d.returned_at, d.stopped_at]
        moments += [m for s in d.supplements for m in (s.requested_at, s.supplied_at)]
    for p in records["petitions"]:
        moments += [p.received_at, p.transferred_at, p.refused_at, p.supplement_requested_at,
                    p.ready_at, p.published_at]
    # Only dislikes naming a dossier enter Decision 766 (other ratings are not fed events).
    moments += [r.rated_at for r in records["ratings"]
                if r.rating is RatingValue.BAD and r.dossier_id is not None]
    for a in records["announcements"]:
        moments += [datetime.combine(day, time(0)) for day in (a.decision_date, a.published_at)
                    if day is not None]
    return max(m for m in moments if m is not None)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[Any]]:
    ds = [draw(dossier(f"D{i}")) for i in range(draw(st.integers(0, 12)))]
    # A few from the shared strategy too: submitted_at-only receipts, new due dates, unknown
    # procedures and units.
    ds += [draw(any_dossiers(min_year=2025, max_year=2025, ids=st.just(f"S{i}")))
           for i in range(draw(st.integers(0, 3)))]
    petitions = [draw(petition(f"K{i}")) for i in range(draw(st.integers(0, 4)))]
    announcements = [draw(announcement(i)) for i in range(draw(st.integers(0, 3)))]
    communes = [Commune(u, draw(st.booleans()))
                for u in draw(st.lists(st.sampled_from(["X1", "X2"]), unique=True))]
    pairs = draw(st.lists(st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(CODES)),
                          unique=True, max_size=draw(st.sampled_from([0, 4]))))
    authorities = [Authority(u, c, draw(st.sampled_from(list(OnlineLevel)))) for u, c in pairs]
    ratings = [Rating("H", draw(st.sampled_from(list(RatingValue))), dossier_id=f"D{i}",
                      rated_at=draw(st.one_of(st.none(), moment(START, 125))))
               for i in draw(st.lists(st.integers(0, 11), max_size=4))]
    return {"dossiers": ds, "petitions": petitions, "announcements": announcements,
            "communes": communes, "authorities": authorities, "ratings": ratings}


def whole(records: dict[str, list[Any]]) -> Dataset:
    return Dataset.from_records(units=UNITS, procedures=PROCEDURES, **records)


def check_equal(live: LiveTally, records: dict[str, list[Any]], t: datetime) -> None:
    ds = whole(records)
    want = score_766(ds, period=Q2, as_of=t)
    assert live.scorecard(t, units=UNITS).to_dict() == want.to_dict()
    ctx = build_context(period=Q2, as_of=t, procedures=ds.procedures, petitions=ds.petitions,
                        ratings=ds.ratings, authorities_given=bool(ds.authorities))
    assert live.tally(t).snapshot() == Tally.from_dataset(ds, ctx).snapshot()


def test_score_766_at_a_moment_ignores_what_happened_after_it() -> None:
    # Returned Wed 2/4, finished Thu 3/4. At 2/4 12:00 the dossier has been returned: 2.1 sees
    # it ended (effective_end), and 2.2/4.1/4.2 should see it resolved, as they do for the
    # record as it stood then. dossier_shape picks finished_at (after as_of) and drops it.
    d = Dossier("D1", "P1", U, received_at=at(4, 1), due_at=at(4, 8, 17),
                returned_at=at(4, 2, 10), finished_at=at(4, 3, 10))
    t = at(4, 2, 12)
    then = dossier_at(d, t)
    assert then is not None and then.finished_at is None
    full, known = expected(t, dossiers=[d]), expected(t, dossiers=[then])
    # 2.2 by hand: resolved by the return on Wed 2/4; working days in (Tue 1/4, Wed 2/4] = 1,
    # over 1 dossier.
    avg = known.units[U].criteria["AVERAGE_PROCESSING_TIME"]
    assert (avg.numerator, avg.denominator) == (1, 1)
    assert full.to_dict() == known.to_dict()
