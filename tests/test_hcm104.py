"""HCMC Decision 104/2024/QĐ-UBND: K = A + B + C + D + E (SPEC §7), against hand-computed cases
from the decision's appendix (Phụ lục, mục I.1–I.5 and II).

The calendar used throughout: June 2025 has no holiday. A dossier received Monday 2/6/2025 at
09:00 with the recorded due date Monday 16/6/2025 17:00 is

* early when finished 10/6, on time when finished 16/6;
* late by 3 working days when finished Thursday 19/6 (17, 18, 19);
* late by 5 working days when finished Monday 23/6 (17, 18, 19, 20, 23 — 21/22 are a weekend);
* late by 6 working days when finished 24/6, by 7 when finished 25/6.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from chiso766 import (
    Chiso766Error,
    CountingPolicy,
    Dossier,
    Period,
    Petition,
    PolicyError,
    Posting,
    Rating,
    RatingValue,
    SupplementRequest,
    Unit,
    UnitLevel,
    score_766,
)
from chiso766.hcm104 import (
    Combined,
    Hcm104Policy,
    Hcm104Report,
    Hcm104Result,
    PartScore,
    Satisfaction,
    combine,
    score,
)
from chiso766.io import Dataset
from tests.extras import need

Q2 = Period.quarter(2025, 2)
RECEIVED = datetime(2025, 6, 2, 9, 0)
DUE = datetime(2025, 6, 16, 17, 0)

#: finishing day → what it is against DUE (see the module docstring).
EARLY = date(2025, 6, 10)
ON_TIME = date(2025, 6, 16)
LATE_3 = date(2025, 6, 19)
LATE_5 = date(2025, 6, 23)
LATE_6 = date(2025, 6, 24)
LATE_7 = date(2025, 6, 25)


def dossier(ident: str, end: date | None = ON_TIME, *, unit: str = "U1",
            staff: str | None = None, supplements: int = 0, how: str = "finished_at",
            received: datetime = RECEIVED, due: datetime | None = DUE) -> Dossier:
    """One dossier; ``supplements`` answered requests, each of one day, early in June."""
    sups = tuple(
        SupplementRequest(datetime(2025, 6, 3 + 2 * i, 9, 0), datetime(2025, 6, 4 + 2 * i, 9, 0))
        for i in range(supplements)
    )
    kw: dict[str, Any] = {}
    if end is not None:
        kw[how] = datetime.combine(end, datetime.min.time()).replace(hour=15)
    return Dossier(id=ident, procedure_code="1.000001", unit_id=unit, staff_id=staff,
                   received_at=received, due_at=due, supplements=sups, **kw)


def rating(value: RatingValue, *, unit: str = "U1", when: datetime | None = datetime(
        2025, 6, 20, 10, 0), dossier_id: str | None = None, staff: str | None = None) -> Rating:
    return Rating(unit_id=unit, rating=value, dossier_id=dossier_id, staff_id=staff,
                  rated_at=when)


def dataset(dossiers: Sequence[Dossier] = (), ratings: Sequence[Rating] = (),
            postings: Sequence[Posting] = (), units: Sequence[Unit] = (),
            petitions: Sequence[Petition] = ()) -> Dataset:
    return Dataset.from_records(units=units, dossiers=dossiers, ratings=ratings,
                                postings=postings, petitions=petitions)


def ten_dossiers() -> list[Dossier]:
    """8 on time (4 early, 4 on the day), 1 late by 3 working days, 1 late by 7."""
    ds = [dossier(f"D{i}", EARLY if i < 4 else ON_TIME) for i in range(8)]
    ds.append(dossier("D8", LATE_3))
    ds.append(dossier("D9", LATE_7))
    return ds


# ---------------------------------------------------------------------------------------------
# combine: K and the verdict (Phụ lục, mục II)


def test_k_above_20_is_satisfied() -> None:
    # 1 + 1 + 0.5 + 18 + 1 = 21.5 > 20
    got = combine(1, 1, Fraction(1, 2), 18, 1)
    assert got.k == Fraction(43, 2)
    assert got.verdict is Satisfaction.SATISFIED
    assert got.reason is None
    assert got.rounded == Decimal("21.50")


def test_k_below_20_is_not_satisfied() -> None:
    # 0.8 + 0.9 + 0.7 + 15 + 0 = 17.4 < 20
    got = combine(Fraction(4, 5), Decimal("0.9"), Decimal("0.7"), 15, 0)
    assert got.k == Fraction(87, 5)
    assert got.verdict is Satisfaction.NOT_SATISFIED


def test_k_exactly_20_follows_the_policy() -> None:
    # 1 + 1 + 0 + 18 + 0 = 20: "trên 20" is strict by default
    default = combine(1, 1, 0, 18, 0)
    assert default.k == 20
    assert default.verdict is Satisfaction.NOT_SATISFIED
    assert default.reason is not None and "k_equal_20" in default.reason.en
    generous = combine(1, 1, 0, 18, 0, policy=Hcm104Policy(k_equal_20="SATISFIED"))
    assert generous.verdict is Satisfaction.SATISFIED
    # just above and just below 20 do not depend on the policy
    for pol in (Hcm104Policy(), Hcm104Policy(k_equal_20=Satisfaction.SATISFIED)):
        assert combine(1, 1, Fraction(1, 100), 18, 0, pol).verdict is Satisfaction.SATISFIED
        assert combine(1, Fraction(99, 100), 0, 18, 0, pol).verdict is \
            Satisfaction.NOT_SATISFIED


def test_k_that_only_rounds_to_20_says_so() -> None:
    # 1 + 1 + 1/1000 + 18 + 0 = 20.001: shown 20.00, but above 20
    got = combine(1, 1, Fraction(1, 1000), 18, 0)
    assert got.rounded == Decimal("20.00") and got.verdict is Satisfaction.SATISFIED
    assert got.reason is not None and "above 20" in got.reason.en


def test_k_bounds() -> None:
    assert combine(0, 0, 0, 0, 0).k == 0
    top = combine(1, 1, 1, 18, 1)
    assert top.k == 22 and top.verdict is Satisfaction.SATISFIED


@pytest.mark.parametrize("missing", range(5))
def test_a_missing_part_propagates(missing: int) -> None:
    values: list[Any] = [1, 1, 1, 18, 1]
    values[missing] = None
    got = combine(*values)
    assert got.k is None and got.verdict is None
    code = "ABCDE"[missing]
    assert got.reason is not None and code in got.reason.en and "missing" in got.reason.en
    # the "zero" alternative counts it as 0 and says so
    a, b, c, d, e = values
    zero = combine(a, b, c, d, e, policy=Hcm104Policy(missing_part="zero"))
    full = Fraction(22) - (18 if code == "D" else 1)
    assert zero.k == full
    assert zero.zero_parts == (code,)
    assert zero.reason is not None and "missing_part=zero" in zero.reason.en


@pytest.mark.parametrize(("part", "value"), [
    ("A", Fraction(11, 10)), ("A", -1), ("B", 2), ("C", Decimal("1.01")), ("D", 19),
    ("D", Fraction(-1, 2)), ("E", Fraction(1, 2)), ("E", 2),
])
def test_combine_rejects_values_out_of_range(part: str, value: Any) -> None:
    values: list[Any] = [1, 1, 1, 18, 1]
    values["ABCDE".index(part)] = value
    with pytest.raises(PolicyError) as info:
        combine(*values)
    assert f"part {part}" in str(info.value)
    assert info.value.field == part


@pytest.mark.parametrize("junk", ["0.5", True, float("nan"), float("inf"), [1], object(),
                                  Decimal("NaN"), Decimal("Infinity"), b"1"])
def test_combine_rejects_junk_with_a_library_error(junk: Any) -> None:
    with pytest.raises(Chiso766Error):
        combine(junk, 1, 1, 18, 1)
    with pytest.raises(Chiso766Error):
        combine(1, 1, 1, junk, 1)


def test_combine_rejects_a_junk_policy() -> None:
    with pytest.raises(PolicyError):
        combine(1, 1, 1, 18, 1, policy="strict")  # type: ignore[arg-type]


def test_combine_accepts_floats_by_their_decimal_form() -> None:
    # 0.8 is read as 4/5, not as its binary approximation
    assert combine(0.8, 1, 1, 17.2, 1).k == Fraction(4, 5) + 3 + Fraction(86, 5)


def test_combined_to_dict() -> None:
    data = combine(1, 1, 0, 18, 0).to_dict("en")
    assert data == {"K": 20, "verdict": "NOT_SATISFIED", "reason": data["reason"],
                    "zero_parts": []}
    assert isinstance(combine(None, 1, 1, 1, 1), Combined)


# ---------------------------------------------------------------------------------------------
# policy


@pytest.mark.parametrize(("given", "expected"), [
    (0, Fraction(0)), (1, Fraction(1)), ("0", Fraction(0)), ("1", Fraction(1)),
    ("1/2", Fraction(1, 2)), ("0.5", Fraction(1, 2)), ("0,5", Fraction(1, 2)),
    (Fraction(1, 2), Fraction(1, 2)), (0.5, Fraction(1, 2)), (Decimal("0.5"), Fraction(1, 2)),
])
def test_policy_band_points(given: Any, expected: Fraction) -> None:
    assert Hcm104Policy(late_within_5_working_days=given).late_within_5_working_days == expected


@pytest.mark.parametrize("junk", ["2", "1/3", "abc", "1/0", True, None, 0.25, [0], -1])
def test_policy_rejects_other_band_points(junk: Any) -> None:
    with pytest.raises(PolicyError) as info:
        Hcm104Policy(late_within_5_working_days=junk)
    assert info.value.field == "late_within_5_working_days"


@pytest.mark.parametrize(("field", "junk"), [
    ("k_equal_20", "maybe"), ("k_equal_20", 20), ("missing_part", "skip"),
    ("b_population", "all"), ("staff_unit_parts", "average"),
])
def test_policy_rejects_unknown_choices(field: str, junk: Any) -> None:
    with pytest.raises(PolicyError) as info:
        Hcm104Policy(**{field: junk})
    assert info.value.field == field


def test_policy_defaults() -> None:
    pol = Hcm104Policy()
    assert pol.to_dict() == {"late_within_5_working_days": "0", "k_equal_20": "NOT_SATISFIED",
                             "missing_part": "none", "b_population": "resolved",
                             "staff_unit_parts": "inherit"}
    assert Hcm104Policy(k_equal_20="satisfied").k_equal_20 is Satisfaction.SATISFIED


# ---------------------------------------------------------------------------------------------
# A — time to resolve (mục I.1)


@pytest.mark.parametrize(("band", "expected"), [
    # 8 on time → 8 points; late by 3 wd → the silent band; late by 7 wd → 0.
    (0, Fraction(8, 10)),  # (8 + 0) / 10
    ("1/2", Fraction(85, 100)),  # (8 + 0.5) / 10
    (1, Fraction(9, 10)),  # (8 + 1) / 10
])
def test_a_with_each_band_policy(band: Any, expected: Fraction) -> None:
    report = score(dataset(ten_dossiers()), period=Q2,
                   policy=Hcm104Policy(late_within_5_working_days=band), d_values={"U1": 18})
    part = report.unit("U1").part("A")
    assert part.value == expected
    assert part.count == 10
    assert part.details["on_time"] == 8
    assert part.details["late_within_5_working_days"] == 1
    assert part.details["late_over_5_working_days"] == 1
    assert report.unit("U1").late_within_5_working_days == 1


def test_a_band_edges() -> None:
    # late by exactly 5 wd is in the silent band; by 6 it is "quá hạn trên 05 ngày": 0
    ds = dataset([dossier("five", LATE_5), dossier("six", LATE_6)])
    pol = Hcm104Policy(late_within_5_working_days=1)
    part = score(ds, period=Q2, policy=pol, d_values={}).unit("U1").part("A")
    assert part.value == Fraction(1, 2)  # (1 + 0) / 2
    assert part.details["late_within_5_working_days"] == 1
    assert part.details["late_over_5_working_days"] == 1


def test_a_late_only_by_the_supplement_rule_is_in_the_band() -> None:
    # Two supplement requests and no finished or returned moment (stopped: refused after the
    # second request): late whatever the dates (docs/rules.md, the verdict's supplement rule,
    # policy multiple_supplements_late="unfinished_only"), 0 working days late.
    d = dossier("twice", EARLY, supplements=2, how="stopped_at")
    ds = dataset([d, dossier("ok", EARLY)])
    a = score(ds, period=Q2, d_values={}).unit("U1").part("A")
    assert a.value == Fraction(1, 2)
    assert a.details["late_within_5_working_days"] == 1
    a_half = score(ds, period=Q2, d_values={},
                   policy=Hcm104Policy(late_within_5_working_days="1/2")).unit("U1").part("A")
    assert a_half.value == Fraction(3, 4)  # (1 + 0.5) / 2
    # finished after the two requests: judged on its dates (early) → on time, A = 2/2
    finished = dataset([dossier("twice", EARLY, supplements=2), dossier("ok", EARLY)])
    assert score(finished, period=Q2, d_values={}).unit("U1").part("A").value == 1
    # the other reading (counting=CountingPolicy(multiple_supplements_late="always")): late
    # whatever its dates, 0 working days late → the silent band, 0 points: A = (0 + 1) / 2
    always = CountingPolicy(multiple_supplements_late="always")
    a_always = score(finished, period=Q2, d_values={}, counting=always).unit("U1").part("A")
    assert a_always.value == Fraction(1, 2)
    assert a_always.details["late_within_5_working_days"] == 1
    with pytest.raises(PolicyError, match="counting"):
        score(finished, period=Q2, d_values={}, counting="always")  # type: ignore[arg-type]


def test_a_counts_only_dossiers_resolved_in_the_period() -> None:
    waiting = Dossier(id="waiting", procedure_code="1.000001", unit_id="U1",
                      received_at=RECEIVED, due_at=DUE,
                      supplements=(SupplementRequest(datetime(2025, 6, 3, 9, 0)),))
    ds = dataset([
        dossier("finished"),
        dossier("returned", LATE_7, how="returned_at"),
        dossier("stopped", EARLY, how="stopped_at"),  # refused/withdrawn: processing ended
        dossier("pending", None),  # still in progress at the end of June
        waiting,  # waiting for the applicant's papers: no result yet
        dossier("july", date(2025, 7, 2)),  # resolved after the period
        dossier("march", date(2025, 3, 20), received=datetime(2025, 3, 3, 9, 0),
                due=datetime(2025, 3, 17, 17, 0)),  # resolved before the period
    ])
    a = score(ds, period=Q2, d_values={}).unit("U1").part("A")
    assert a.count == 3
    assert a.value == Fraction(2, 3)  # finished and stopped on time, returned 7 wd late


def test_a_stops_at_as_of() -> None:
    ds = dataset([dossier("a", EARLY), dossier("b", LATE_7)])
    # at 20/6 the second dossier has not ended yet
    a = score(ds, period=Q2, as_of=datetime(2025, 6, 20, 12, 0), d_values={}).unit("U1")
    assert a.part("A").count == 1 and a.a == 1


def test_a_leaves_out_a_dossier_without_a_due_date() -> None:
    undated = dossier("nodue", EARLY, due=None)  # no NgayHenTra and no procedure time limit
    ds = dataset([undated, dossier("ok", LATE_7)])
    unit = score(ds, period=Q2, d_values={}).unit("U1")
    a = unit.part("A")
    assert a.count == 1 and a.value == 0
    assert a.details["unclassified"] == 1 and a.details["resolved"] == 2
    assert any("no due date" in n.en for n in a.notes)
    # B does not need a due date
    assert unit.part("B").count == 2
    alone = score(dataset([undated]), period=Q2, d_values={}).unit("U1").part("A")
    assert alone.value is None and alone.reason is not None and "due date" in alone.reason.en


# ---------------------------------------------------------------------------------------------
# B — guidance (mục I.2)


def test_b_one_supplement_earns_the_point_two_do_not() -> None:
    ds = dataset([dossier("none"), dossier("one", supplements=1),
                  dossier("two", supplements=2), dossier("three", supplements=3)])
    b = score(ds, period=Q2, d_values={}).unit("U1").part("B")
    assert b.value == Fraction(2, 4)  # none and one: 1 point each; two and three: 0
    assert b.details == {"at_most_once": 2, "twice_or_more": 2}
    assert b.source == "resolved"
    # the "ngưng, trả hồ sơ" reading: only dossiers sent back at least once are evaluated
    pol = Hcm104Policy(b_population="supplemented")
    b2 = score(ds, period=Q2, d_values={}, policy=pol).unit("U1").part("B")
    assert b2.value == Fraction(1, 3) and b2.count == 3
    only_clean = score(dataset([dossier("none")]), period=Q2, d_values={}, policy=pol)
    b3 = only_clean.unit("U1").part("B")
    assert b3.value is None and b3.reason is not None


def test_b_counts_a_request_made_at_the_evaluation_moment() -> None:
    # mục I.2 counts the requests made by the evaluation moment; one made at that very instant
    # has happened (docs/rules.md "The evaluation moment": only what is dated after it has not).
    # Finished 16/6; asked 3/6 (answered 4/6) and again at 20/6 12:00; evaluated at 20/6 12:00:
    # two requests → no point; evaluated a second earlier: one → 1 point.
    twice = Dossier(id="d1", procedure_code="1.000001", unit_id="U1", received_at=RECEIVED,
                    due_at=DUE, finished_at=datetime(2025, 6, 16, 15, 0), supplements=(
                        SupplementRequest(datetime(2025, 6, 3, 9, 0), datetime(2025, 6, 4, 9, 0)),
                        SupplementRequest(datetime(2025, 6, 20, 12, 0))))
    at_noon = score(dataset([twice]), period=Q2, as_of=datetime(2025, 6, 20, 12, 0),
                    d_values={}).unit("U1").part("B")
    assert (at_noon.value, at_noon.details) == (Fraction(0), {"at_most_once": 0,
                                                              "twice_or_more": 1})
    before = score(dataset([twice]), period=Q2, as_of=datetime(2025, 6, 20, 11, 59, 59),
                   d_values={}).unit("U1").part("B")
    assert (before.value, before.details) == (Fraction(1), {"at_most_once": 1,
                                                            "twice_or_more": 0})


# ---------------------------------------------------------------------------------------------
# C — staff attitude (mục I.3)


def test_c_good_is_one_point_normal_and_bad_zero() -> None:
    ds = dataset([dossier("d1"), dossier("d2")], ratings=[
        rating(RatingValue.GOOD), rating(RatingValue.GOOD), rating(RatingValue.NORMAL),
        rating(RatingValue.BAD),
        rating(RatingValue.GOOD, when=datetime(2025, 7, 1, 8, 0)),  # next quarter
        rating(RatingValue.BAD, when=datetime(2025, 3, 31, 23, 0)),  # previous quarter
        rating(RatingValue.GOOD, when=None, dossier_id="d1"),  # undated, dossier resolved
        rating(RatingValue.GOOD, when=None, dossier_id="elsewhere"),  # undated: left out
    ])
    c = score(ds, period=Q2, d_values={}).unit("U1").part("C")
    assert c.value == Fraction(3, 5)  # good: 2 + the undated one; 5 ratings counted
    assert c.details == {"good": 3, "normal": 1, "bad": 1, "undated_left_out": 1}
    assert any("rated_at" in n.en for n in c.notes)


def test_c_stops_at_as_of() -> None:
    ds = dataset([dossier("d1")], ratings=[
        rating(RatingValue.GOOD, when=datetime(2025, 6, 10, 8, 0)),
        rating(RatingValue.BAD, when=datetime(2025, 6, 25, 8, 0)),
    ])
    report = score(ds, period=Q2, as_of=datetime(2025, 6, 20), d_values={})
    assert report.unit("U1").c == 1


def test_c_counts_a_rating_made_at_the_evaluation_moment() -> None:
    # Evaluated at 20/6 10:00: the rating made at 10:00 exactly has happened and counts; good
    # {20/6} of {10/6 bad, 20/6 good} → 1/2.
    ds = dataset([dossier("d1")], ratings=[
        rating(RatingValue.BAD, when=datetime(2025, 6, 10, 8, 0)),
        rating(RatingValue.GOOD, when=datetime(2025, 6, 20, 10, 0)),
    ])
    c = score(ds, period=Q2, as_of=datetime(2025, 6, 20, 10, 0), d_values={}).unit("U1")
    assert c.part("C").value == Fraction(1, 2)
    assert c.part("C").details["good"] == 1


# ---------------------------------------------------------------------------------------------
# D — feedback handling (mục I.4)


def petition(ident: str, unit: str = "U1") -> Petition:
    # received 2/6, handled 30/6: 20 working days, beyond the 15-day limit (SPEC §6)
    return Petition(id=ident, unit_id=unit, received_at=datetime(2025, 6, 2, 9, 0),
                    ready_at=datetime(2025, 6, 30, 9, 0), published_at=datetime(2025, 6, 30, 10))


def test_d_defaults_to_the_766_satisfaction_group() -> None:
    ds = dataset(ten_dossiers(), petitions=[petition("P1"), petition("P2")],
                 units=[Unit("P", "Province", UnitLevel.PROVINCE),
                        Unit("U1", "Dept", UnitLevel.DEPARTMENT, "P")])
    report = score(ds, period=Q2)
    card = score_766(ds, period=Q2)
    for uid in ("P", "U1"):
        expected = card.units[uid].points("SATISFACTION")
        assert expected is not None
        assert report.unit(uid).d == Fraction(expected)
        assert report.unit(uid).part("D").source == "qd766"
    # both petitions late: 5.2 and 5.3 give 0, so D is 5.4 alone, below 18
    d = report.unit("U1").d
    assert d is not None and d < 18
    # a precomputed scorecard gives the same D
    again = score(ds, period=Q2, scorecard=card)
    assert again.unit("U1").d == report.unit("U1").d


def test_d_supplied() -> None:
    ds = dataset(ten_dossiers(), units=[Unit("U1"), Unit("U2")])
    report = score(ds, period=Q2, d_values={"U1": Decimal("17.25")})
    assert report.unit("U1").d == Fraction(69, 4)
    assert report.unit("U1").part("D").source == "supplied"
    d2 = report.unit("U2").part("D")
    assert d2.value is None and d2.reason is not None and "no D value" in d2.reason.en


@pytest.mark.parametrize("values", [
    {"U1": 19}, {"U1": -1}, {"U1": "18"}, {"U1": None}, {"nowhere": 10}, [("U1", 10)],
    {1: 10},
])
def test_d_values_are_validated(values: Any) -> None:
    with pytest.raises(PolicyError):
        score(dataset(ten_dossiers()), period=Q2, d_values=values)


def test_scorecard_must_match() -> None:
    ds = dataset(ten_dossiers())
    card = score_766(ds, period=Period.month(2025, 6))
    with pytest.raises(PolicyError):
        score(ds, period=Q2, scorecard=card)
    with pytest.raises(PolicyError):
        score(ds, period=Q2, scorecard=score_766(ds, period=Q2), d_values={"U1": 1})
    with pytest.raises(PolicyError):
        score(ds, period=Q2, scorecard="card")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# E — public posting (mục I.5)


@pytest.mark.parametrize(("postings", "expected"), [
    ([], None),
    ([Posting("U1", "2025-Q2", False)], Fraction(0)),
    ([Posting("U1", "2025-Q2", True)], Fraction(1)),
    ([Posting("U1", "2025q2", True)], Fraction(1)),  # the label is normalised
    ([Posting("U1", "2025-Q1", True)], None),  # another period
    ([Posting("U1", "2025-Q2", True), Posting("U1", "2025Q2", False)], Fraction(0)),
])
def test_e(postings: list[Posting], expected: Fraction | None) -> None:
    data = dataset(ten_dossiers(), [rating(RatingValue.GOOD)], postings=postings)
    report = score(data, period=Q2, d_values={"U1": 18})
    e = report.unit("U1").part("E")
    assert e.value == expected
    if expected is None:
        # no posting record is no data, never 0
        assert e.reason is not None and "posting" in e.reason.en
        assert report.unit("U1").k is None
    else:
        # A 0.8 + B 1 + C 1 + D 18 + E
        assert report.unit("U1").k == Fraction(4, 5) + 1 + 1 + 18 + expected


def test_missing_c_is_none_then_zero() -> None:
    ds = dataset(ten_dossiers(), postings=[Posting("U1", "2025-Q2", True)])
    unit = score(ds, period=Q2, d_values={"U1": 18}).unit("U1")
    assert unit.c is None
    assert unit.k is None and unit.verdict is None
    assert unit.combined.reason is not None and "no rating" in unit.combined.reason.en
    zero = score(ds, period=Q2, d_values={"U1": 18},
                 policy=Hcm104Policy(missing_part="zero")).unit("U1")
    # 0.8 + 1 + 0 + 18 + 1 = 20.8
    assert zero.k == Fraction(104, 5)
    assert zero.verdict is Satisfaction.SATISFIED
    assert zero.combined.zero_parts == ("C",)


# ---------------------------------------------------------------------------------------------
# whole units


def full_unit(unit: str = "U1", *, late: bool = False, good: int = 1, normal: int = 0,
              prefix: str = "") -> tuple[list[Dossier], list[Rating]]:
    ds = [dossier(f"{prefix}{unit}-1", LATE_7 if late else ON_TIME, unit=unit, staff="S1"),
          # sent back twice, then stopped (no finished or returned moment): late by the verdict's
          # supplement rule, 0 working days
          dossier(f"{prefix}{unit}-2", ON_TIME, unit=unit, staff="S2", supplements=2,
                  how="stopped_at")]
    rs = [rating(RatingValue.GOOD, unit=unit, staff="S1") for _ in range(good)]
    rs += [rating(RatingValue.NORMAL, unit=unit, staff="S2") for _ in range(normal)]
    return ds, rs


def test_a_unit_with_every_part() -> None:
    ds, rs = full_unit(good=3, normal=1)
    data = dataset(ds, rs, postings=[Posting("U1", "2025-Q2", True)])
    unit = score(data, period=Q2, d_values={"U1": Fraction(35, 2)}).unit("U1")
    # A: U1-1 on time, U1-2 sent back twice and stopped (silent band, 0 by default) → 1/2
    # B: U1-2 had 2 supplement requests → 1/2
    # C: 3 good of 4 → 3/4;  D = 17.5;  E = 1
    assert (unit.a, unit.b, unit.c, unit.d, unit.e) == (
        Fraction(1, 2), Fraction(1, 2), Fraction(3, 4), Fraction(35, 2), Fraction(1))
    assert unit.k == Fraction(81, 4)  # 20.25 > 20
    assert unit.verdict is Satisfaction.SATISFIED
    assert unit.late_within_5_working_days == 1


def test_every_part_without_data() -> None:
    unit = score(dataset([], units=[Unit("U1")]), period=Q2, d_values={}).unit("U1")
    for code in "ABCDE":
        part = unit.part(code)
        assert part.value is None, code
        assert part.reason is not None, code
    assert unit.k is None and unit.verdict is None
    assert unit.combined.reason is not None
    for code in "ABCDE":
        assert f"{code}:" in unit.combined.reason.en
    zero = score(dataset([], units=[Unit("U1")]), period=Q2, d_values={},
                 policy=Hcm104Policy(missing_part="zero")).unit("U1")
    assert zero.k == 0 and zero.verdict is Satisfaction.NOT_SATISFIED


def test_roll_up_pools_children() -> None:
    units = [Unit("P", "Tỉnh", UnitLevel.PROVINCE), Unit("X", "Sở X", UnitLevel.DEPARTMENT, "P"),
             Unit("Y", "Sở Y", UnitLevel.DEPARTMENT, "P")]
    # X: 1 of 1 on time; Y: 1 of 3 on time. Pooled: 2/4 = 0.5 (the average of
    # 1 and 1/3 would be 2/3).
    dossiers = [dossier("x1", unit="X"),
                dossier("y1", unit="Y"), dossier("y2", LATE_7, unit="Y"),
                dossier("y3", LATE_7, unit="Y")]
    ratings = [rating(RatingValue.GOOD, unit="X"), rating(RatingValue.BAD, unit="Y"),
               rating(RatingValue.NORMAL, unit="Y"), rating(RatingValue.GOOD, unit="P")]
    postings = [Posting("X", "2025-Q2", True)]
    report = score(dataset(dossiers, ratings, postings, units), period=Q2,
                   d_values={"P": 10, "X": 18, "Y": 12})
    assert list(report.units) == ["P", "X", "Y"]  # pre-order
    assert report.roots == ("P",)
    assert report.unit("P").a == Fraction(1, 2)
    assert report.unit("P").part("A").count == 4
    assert report.unit("P").c == Fraction(2, 4)  # P's own rating and the children's
    assert report.unit("X").a == 1 and report.unit("Y").a == Fraction(1, 3)
    # E is each unit's own posting, not rolled up
    assert report.unit("P").e is None and report.unit("X").e == 1
    assert report.unit("X").parent_id == "P"
    assert report.unit("X").k == 1 + 1 + 1 + 18 + 1


def test_staff_results() -> None:
    ds, rs = full_unit(good=2, normal=2)
    # a rating without staff_id goes to the staff member of its dossier
    rs.append(Rating(unit_id="U1", rating=RatingValue.GOOD, dossier_id="U1-2",
                     rated_at=datetime(2025, 6, 20)))
    data = dataset(ds, rs, postings=[Posting("U1", "2025-Q2", True)])
    report = score(data, period=Q2, d_values={"U1": 18}, by_staff=True)
    people = {s.staff_id: s for s in report.staff_of("U1")}
    assert people.keys() == {"S1", "S2"}
    s1, s2 = people["S1"], people["S2"]
    # S1: one dossier on time, two good ratings; inherits D = 18 and E = 1 → K = 22
    assert (s1.a, s1.b, s1.c, s1.d, s1.e) == (
        Fraction(1), Fraction(1), Fraction(1), Fraction(18), Fraction(1))
    assert s1.k == 22 and s1.verdict is Satisfaction.SATISFIED
    assert s1.part("D").source == "unit:U1"
    # S2: the twice-returned dossier (A 0 by default, B 0); ratings normal, normal, good → 1/3
    assert (s2.a, s2.b, s2.c) == (Fraction(0), Fraction(0), Fraction(1, 3))
    assert s2.k == Fraction(1, 3) + 19 and s2.verdict is Satisfaction.NOT_SATISFIED
    assert s2.late_within_5_working_days == 1
    # staff_unit_parts="none": D and E are not scored per person
    none = score(data, period=Q2, d_values={"U1": 18}, by_staff=True,
                 policy=Hcm104Policy(staff_unit_parts="none"))
    s1n = none.staff_of("U1")[0]
    assert s1n.d is None and s1n.e is None and s1n.k is None
    # not asked: no staff
    plain = score(data, period=Q2, d_values={"U1": 18})
    assert plain.staff is None
    with pytest.raises(PolicyError):
        plain.staff_of("U1")


def test_staff_of_a_child_unit_stay_with_it() -> None:
    units = [Unit("P"), Unit("X", parent_id="P")]
    data = dataset([dossier("x1", unit="X", staff="S9")], units=units)
    report = score(data, period=Q2, d_values={}, by_staff=True)
    assert report.staff_of("P") == ()
    assert [s.staff_id for s in report.staff_of("X")] == ["S9"]


# ---------------------------------------------------------------------------------------------
# report forms


def test_report_to_dict_and_html() -> None:
    ds, rs = full_unit(good=3, normal=1)
    data = dataset(ds, rs, postings=[Posting("U1", "2025-Q2", True)])
    report = score(data, period="2025-Q2", d_values={"U1": Fraction(35, 2)}, by_staff=True)
    assert isinstance(report, Hcm104Report)
    out = report.to_dict(lang="en")
    assert out["ruleset"] == "hcm104"
    assert out["period"] == {"start": "2025-04-01", "end": "2025-06-30"}
    assert out["as_of"] == "2025-06-30T23:59:59+07:00"
    (unit,) = out["units"]
    assert {k: unit[k] for k in ("unit_id", "A", "B", "C", "D", "E", "K", "verdict",
                                 "late_within_5_working_days")} == {
        "unit_id": "U1", "A": 0.5, "B": 0.5, "C": 0.75, "D": 17.5, "E": 1, "K": 20.25,
        "verdict": "SATISFIED", "late_within_5_working_days": 1}
    assert unit["parts"]["A"]["count"] == 2 and unit["parts"]["A"]["points"] == 1
    assert [s["staff_id"] for s in unit["staff"]] == ["S1", "S2"]
    assert out["input"] == {"read": 0, "accepted": 0, "rejected": 0}
    result = report.unit("U1")
    assert isinstance(result, Hcm104Result)
    assert result.to_dict()["K"] == 20.25
    assert isinstance(result.part("A"), PartScore)
    assert result.part("A").to_dict()["value"] == 0.5
    html = report._repr_html_()
    assert "<table>" in html and "U1" in html and "hài lòng" in html
    with pytest.raises(PolicyError):
        report.unit("nope")
    with pytest.raises(PolicyError):
        result.part("F")


def test_to_frame_names_the_pandas_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    report = score(dataset(ten_dossiers()), period=Q2, d_values={"U1": 18})
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(Chiso766Error) as info:
        report.to_frame()
    assert "pandas" in str(info.value)


def test_to_frame_with_pandas() -> None:
    need("pandas", "pandas")
    report = score(dataset(ten_dossiers()), period=Q2, d_values={"U1": 18})
    frame = report.to_frame()
    assert list(frame["unit_id"]) == ["U1"]
    assert float(frame["A"][0]) == 0.8


# ---------------------------------------------------------------------------------------------
# junk


@pytest.mark.parametrize("kwargs", [
    {"period": "2025-Q5"}, {"period": 2025}, {"period": None},
    {"period": Q2, "as_of": "yesterday"}, {"period": Q2, "as_of": 5},
    {"period": Q2, "policy": {"k_equal_20": "SATISFIED"}},
    {"period": Q2, "calendar": "VN"}, {"period": Q2, "deadline_policy": "date"},
    {"period": Q2, "d_values": 18},
])
def test_score_rejects_junk_with_library_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(Chiso766Error):
        score(dataset(ten_dossiers()), **kwargs)


@pytest.mark.parametrize("junk", [None, object(), [], "folder"])
def test_score_rejects_a_non_dataset(junk: Any) -> None:
    with pytest.raises(Chiso766Error):
        score(junk, period=Q2)
