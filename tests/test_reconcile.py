"""``reconcile``: an office's own records built to match a sample unit's published counts exactly
(zero differences), then perturbed one way at a time, each difference explained.

The unit is Sở Công Thương (H44.07, departmentId …c2db58b51fef) on two saved cards of
examples/portal, month 8/2026:

* transparency, 1.4 DOSSIER_SYNC: 234 / 234 (dossiers received in the month, all synced);
* handling-satisfaction: 5.4 332 / 482 → min(6, 6 × 332/482 / 0.9) = 4.5920… → 4.59; 5.2 and 5.3
  0 / 0 (no petitions → full marks, 6 each); 5.1 0 / 0. Card total 4.59 + 6 + 6 = 16.59.

The records: 234 dossiers received 3/8/2026 and 248 carried over (received 27/7/2026), all
finished on time on 4/8/2026 and synced → P = 234 + 248 = 482, all on time; 150 of the August
dossiers rated BAD (a dislike) → 5.4 numerator 482 − 150 = 332.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from chiso766 import (
    Announcement,
    Commune,
    Dossier,
    Period,
    Petition,
    PortalSnapshot,
    Procedure,
    Rating,
    RatingValue,
    Reconciliation,
    TimeLimit,
    Unit,
    UnitLevel,
    read_portal,
    reconcile,
    score_766,
)
from chiso766.errors import Chiso766Error
from chiso766.io import Dataset
from chiso766.reconcile import ReconciliationRow
from chiso766.reports.reconcile_report import (
    reconciliation_csv,
    reconciliation_html,
    reconciliation_table,
    reconciliation_to_dict,
    reconciliation_xlsx,
)

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portal"
AUG = Period.month(2026, 8)
CONG_THUONG = "019d2be3-6a88-732b-8b17-c2db58b51fef"
UNIT = "H44.07"
MATCH = {UNIT: CONG_THUONG}  # the two cards give no departmentCode for this unit


@pytest.fixture(scope="module")
def snap() -> PortalSnapshot:
    return read_portal([SAMPLES / "transparency.json", SAMPLES / "handling-satisfaction.json"])


def august(n: int, first: int = 0, synced: bool = True) -> list[Dossier]:
    return [Dossier(f"A{i:03}", "P1", UNIT, received_at=datetime(2026, 8, 3, 9),
                    finished_at=datetime(2026, 8, 4, 9), synced_to_portal=synced)
            for i in range(first, first + n)]


def carried(n: int) -> list[Dossier]:
    return [Dossier(f"B{i:03}", "P1", UNIT, received_at=datetime(2026, 7, 27, 9),
                    finished_at=datetime(2026, 8, 4, 9), synced_to_portal=True)
            for i in range(n)]


def bad(ids: range) -> list[Rating]:
    return [Rating(UNIT, RatingValue.BAD, dossier_id=f"A{i:03}") for i in ids]


def records(dossiers: list[Dossier], ratings: list[Rating], petitions: Sequence[Petition] = (),
            announcements: Sequence[Announcement] = ()) -> Dataset:
    return Dataset.from_records(
        procedures=[Procedure("P1", time_limit=TimeLimit.working_days(10))],
        dossiers=dossiers, ratings=ratings, petitions=list(petitions),
        announcements=list(announcements))


def run(snap: PortalSnapshot, data: Dataset) -> Reconciliation:
    card = score_766(data, period=AUG, keep_ids=True)
    return reconcile(card, snap, units=MATCH)


def row(rec: Reconciliation, code: str) -> ReconciliationRow:
    return next(r for r in rec.rows if r.code == code)


def exact() -> Dataset:
    return records(august(234) + carried(248), bad(range(150)))


def test_records_matching_the_portal_give_zero_differences(snap: PortalSnapshot) -> None:
    rec = run(snap, exact())
    assert rec.differences == ()
    sync = row(rec, "DOSSIER_SYNC")
    assert (sync.portal_numerator, sync.portal_denominator) == (234, 234)
    assert (sync.library_numerator, sync.library_denominator) == (234, 234)
    assert sync.status == "same" and sync.quality == "TEMP_NATIONAL_REPORT_DENOMINATOR"
    sat = row(rec, "DOSSIER_RATING_SATISFACTION")
    assert (sat.library_numerator, sat.library_denominator) == (332, 482)
    assert sat.portal_points == sat.library_points == Decimal("4.59")
    assert row(rec, "SATISFACTION").library_points == Decimal("16.59")  # 4.59 + 6 + 6
    # Criteria on cards not read are listed, not compared.
    assert row(rec, "DOSSIER_ON_TIME").status == "not_published"
    # One side only: the province, two departments and Thanh tra tỉnh are on the portal only.
    assert [m.unit_id for m in rec.matched] == [UNIT]
    assert len(rec.only_portal) == 4 and rec.only_library == ()


def test_dossiers_missing_from_the_export(snap: PortalSnapshot) -> None:
    # 12 carried-over dossiers not exported: P = 482 − 12 = 470; 5.4 numerator 332 − 12 = 320.
    rec = run(snap, records(august(234) + carried(236), bad(range(150))))
    sat = row(rec, "DOSSIER_RATING_SATISFACTION")
    assert sat.differs
    assert (sat.denominator_difference, sat.numerator_difference) == (-12, -12)
    text = sat.explain("en")
    assert "the portal counts 12 more dossiers in P (received in the period, or carried over) " \
        "than your records have — dossiers not exported, or synced late" in text
    assert "Cổng đếm nhiều hơn 12 hồ sơ trong tập P" in sat.explain("vi")
    assert sat.ids is None  # the missing dossiers are not in the export: nothing to name
    assert row(rec, "DOSSIER_SYNC").status == "same"  # carried over: not in 1.4


def test_dossiers_not_synced(snap: PortalSnapshot) -> None:
    # 5 more August dossiers, not synced: 1.4 = 234 / 239 in the records, 234 / 234 on the portal.
    rec = run(snap, records(august(234) + august(5, 234, synced=False) + carried(248),
                            bad(range(150))))
    sync = row(rec, "DOSSIER_SYNC")
    assert (sync.library_numerator, sync.library_denominator) == (234, 239)
    assert sync.denominator_difference == 5 and sync.numerator_difference == 0
    assert "your records have 5 more dossiers received in the period than the portal counts " \
        "— dossiers not synced to the national portal" in sync.explain("en")
    # Named: the five dossiers that are not synced.
    assert sync.ids == ("A234", "A235", "A236", "A237", "A238")
    assert sync.ids_side == "denominator_not_synced"
    assert "the portal's denominator is provisional" in sync.explain("en")
    # 5.4 sees them too: P = 487, and the same five are named there.
    sat = row(rec, "DOSSIER_RATING_SATISFACTION")
    assert sat.denominator_difference == 5 and sat.ids == sync.ids


def test_more_dislikes_in_the_records(snap: PortalSnapshot) -> None:
    # 10 more BAD ratings: 5.4 = 322 / 482 in the records, 332 / 482 on the portal;
    # min(6, 6 × 322/482 / 0.9) = 4.4536… → 4.45.
    rec = run(snap, records(august(234) + carried(248), bad(range(160))))
    sat = row(rec, "DOSSIER_RATING_SATISFACTION")
    assert (sat.numerator_difference, sat.denominator_difference) == (-10, 0)
    assert sat.library_points == Decimal("4.45") and sat.points_difference == Decimal("-0.14")
    assert "same denominator, the portal counts 10 more dossiers with satisfaction" in \
        sat.explain("en")
    # The office's dossiers the portal may count and the records do not: the 160 non-hits.
    assert sat.ids is not None and len(sat.ids) == 160 and "A155" in sat.ids
    assert row(rec, "SATISFACTION").differs


def test_a_petition_the_portal_does_not_have(snap: PortalSnapshot) -> None:
    # One petition received 25/8/2026, still open (4 working days) at the end of the month:
    # 5.2 = 1 / 1 → 6,
    # the same points as the portal's 0 / 0 → 6, but not the same counts.
    rec = run(snap, records(august(234) + carried(248), bad(range(150)),
                            petitions=[Petition("K1", UNIT, datetime(2026, 8, 25, 9))]))
    pet = row(rec, "PETITION_PROCESSED_ON_TIME")
    assert pet.differs and pet.denominator_difference == 1
    assert pet.portal_points == pet.library_points == Decimal("6")
    assert "your records have 1 more petitions than the portal counts — petitions not on the " \
        "portal's petition system" in pet.explain("en")


def test_transparency_1_1_is_the_provinces_value(snap: PortalSnapshot) -> None:
    # An announcement by the unit in August: 1.1 = 1 / 1 in the records; the portal shows the
    # province's 0 / 0 on every unit below it.
    ann = Announcement("P1", UNIT, date(2026, 8, 10), legal_basis_effective_date=date(2026, 9, 1))
    rec = run(snap, records(august(234) + carried(248), bad(range(150)), announcements=[ann]))
    pub = row(rec, "PUBLISH_ON_TIME")
    assert pub.differs and (pub.portal_numerator, pub.portal_denominator) == (0, 0)
    assert "1.1–1.3 are the province's values" in pub.explain("en")
    assert "1.1–1.3 là giá trị của tỉnh" in pub.explain("vi")


def test_certified_copy_shown_full_and_matching_by_code() -> None:
    # dossier-digitized gives departmentCode: H44.08 matches the library unit "H44.08" by code.
    snap = read_portal(SAMPLES / "dossier-digitized.json")
    data = Dataset.from_records(
        units=[Unit("H44.08", "Sở Giáo dục và Đào tạo", UnitLevel.DEPARTMENT),
               Unit("H44.08.X", "Xã", UnitLevel.COMMUNE, parent_id="H44.08")],
        communes=[Commune("H44.08.X", offers_electronic_certified_copy=False)])
    card = score_766(data, period=AUG)
    rec = reconcile(card, snap)
    assert [m.unit_id for m in rec.matched] == ["H44.08"]
    assert [m.unit_id for m in rec.only_library] == ["H44.08.X"]
    copy = row(rec, "ELECTRONIC_CERTIFIED_COPY")
    # certified_copy="portal" (default): the library shows 4.6 as the portal does, null / null
    # and 2 points (tests/test_certified_copy.py has the "computed" side: 0/1 → 0 points).
    assert (copy.library_numerator, copy.library_denominator, copy.library_points) == \
        (None, None, Decimal("2"))
    assert (copy.portal_numerator, copy.portal_denominator) == (None, None)
    assert copy.status == "same"
    assert row(rec, "CITIZEN_DATA_CONNECTED_FORMALITY").status == "not_published"
    assert "responses filtered by one procedure leave it out" in \
        row(rec, "CITIZEN_DATA_CONNECTED_FORMALITY").explain("en")


def test_reports_carry_the_same_rows(snap: PortalSnapshot) -> None:
    rec = run(snap, records(august(234) + carried(236), bad(range(150))))
    data = reconciliation_to_dict(rec, "en", include_ids=True)
    assert data["differences"] == len(rec.differences) >= 1
    unit = data["units"][0]
    sat = next(r for r in unit["rows"] if r["code"] == "DOSSIER_RATING_SATISFACTION")
    assert sat["portal"] == {"numerator": 332, "denominator": 482, "points": 4.59,
                             "quality": None}
    assert sat["difference"]["denominator"] == -12
    table = reconciliation_table(rec, "vi")
    assert "Cổng đếm nhiều hơn 12 hồ sơ" in table and "KHÁC" in table
    csv_text = reconciliation_csv(rec, "en")
    assert "DOSSIER_RATING_SATISFACTION" in csv_text and "only_portal" in csv_text
    page = reconciliation_html(rec, "en")
    assert f'data-differences="{len(rec.differences)}"' in page
    assert reconciliation_xlsx(rec, "vi")[:2] == b"PK"


def test_bad_arguments_are_library_errors(snap: PortalSnapshot) -> None:
    card = score_766(exact(), period=AUG)
    with pytest.raises(Chiso766Error):
        reconcile(card, snap, units={"NOPE": "H44"})
    with pytest.raises(Chiso766Error):
        reconcile(snap, snap)  # type: ignore[arg-type]
    with pytest.raises(Chiso766Error):
        reconcile(card, card)  # type: ignore[arg-type]
