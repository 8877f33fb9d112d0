"""``read_portal`` on every saved sample response (examples/portal: real trimmed responses of
the national portal for UBND tỉnh Phú Thọ, month 8/2026), ``verify()`` and malformed responses.

The numbers checked by hand below are copied from the JSON files, with the arithmetic of
docs/rules.md "Rounding, exactly as the portal publishes" written out."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chiso766 import PortalSnapshot, UnitLevel, read_portal
from chiso766.errors import Chiso766Error, PortalError
from chiso766.portal import CARDS

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portal"
FILES = {
    "transparency": "transparency.json",
    "dvc-progress-tree": "dvc-progress-tree.json",
    "provide-online-tree": "provide-online-tree.json",
    "formality-online-payment-tree": "formality-online-payment-tree.json",
    "dossier-digitized": "dossier-digitized.json",
    "handling-satisfaction": "handling-satisfaction.json",
}
PROVINCE_ID = "019d2be3-6a88-732b-8b17-b68020c8553a"
THANH_TRA_ID = "019dbaea-ba8c-7590-b600-ebfd02309c8c"


@pytest.fixture(scope="module")
def snap() -> PortalSnapshot:
    return read_portal(SAMPLES)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data


def test_the_samples_are_bundled_whole() -> None:
    for name in FILES.values():
        assert (SAMPLES / name).is_file()
    assert (SAMPLES / "README.md").is_file()


@pytest.mark.parametrize("card", sorted(FILES))
def test_each_response_alone_is_recognised_by_its_shape(card: str, tmp_path: Path) -> None:
    # Renamed, so nothing can come from the file name.
    target = tmp_path / "saved-response.json"
    shutil.copy(SAMPLES / FILES[card], target)
    one = read_portal(target)
    assert list(one.files) == [card]
    assert all(set(cards) == {card} for cards in one.cards.values() if cards)


def test_folder_reads_all_six_cards(snap: PortalSnapshot) -> None:
    assert set(snap.files) == set(CARDS)
    # Units: the province, 5 departments with a code, Thanh tra tỉnh (no departmentCode on the
    # two cards that list it: transparency and handling-satisfaction).
    assert [u.code for u in snap.units.values()] == [
        "H44", "H44.01", "H44.03", "H44.07", "H44.08", "H44.13", None]
    root = snap.unit("H44")
    assert root.department_id == PROVINCE_ID and root.top
    assert root.name == "UBND tỉnh Phú Thọ" and root.unit_level is UnitLevel.PROVINCE
    dept = snap.unit("H44.07")
    assert dept.parent_code == "H44" and dept.unit_level is UnitLevel.DEPARTMENT
    assert dept.level == "PROVINCE" and dept.kind == "PROVINCIAL_DEPARTMENT"
    assert [c.code for c in snap.children("H44")] == ["H44.01", "H44.03", "H44.07", "H44.08",
                                                      "H44.13"]
    inspector = snap.unit(THANH_TRA_ID)
    assert inspector.code is None and inspector.key == THANH_TRA_ID


def test_transparency_numbers(snap: PortalSnapshot) -> None:
    raw = load("transparency.json")["data"]["overview"]["metrics"][3]
    v = snap.value("H44", "DOSSIER_SYNC")
    assert v is not None
    assert (v.numerator, v.denominator) == (raw["numerator"], raw["denominator"]) == (138744,
                                                                                      138744)
    assert v.points == Decimal("6") and v.max_points == Decimal("6")
    assert v.quality == "TEMP_NATIONAL_REPORT_DENOMINATOR"
    assert v.quality_message is not None and v.quality_message.startswith("Mẫu số BCQG")
    # 1.1 on the province: 0/0, ratio and score null — kept as None, never 0.
    p = snap.value("H44", "PUBLISH_ON_TIME")
    assert p is not None and (p.numerator, p.denominator, p.ratio, p.points) == (0, 0, None, None)
    # Thanh tra tỉnh: 1.4 0/0 with NO_NATIONAL_REPORT_DATA.
    t = snap.value(THANH_TRA_ID, "DOSSIER_SYNC")
    assert t is not None and t.points is None and t.quality == "NO_NATIONAL_REPORT_DATA"
    assert snap.cards[PROVINCE_ID]["transparency"].points == Decimal("6")


def test_progress_numbers(snap: PortalSnapshot) -> None:
    v = snap.value("H44", "DOSSIER_ON_TIME")
    assert v is not None
    # totalOnTime / totalReceived = 42318 / 44583; 20 × 0.949196… = 18.9839… → 18.98
    assert (v.numerator, v.denominator, v.points, v.ratio) == (42318, 44583, Decimal("18.98"),
                                                               Decimal("94.92"))
    card = snap.cards[PROVINCE_ID]["dvc-progress-tree"]
    assert dict(card.parameters)["totalCompleted"] == 41106
    assert dict(card.parameters)["avgProcessingDays"] == Decimal("1.13")
    child = snap.value("H44.13", "DOSSIER_ON_TIME")
    assert child is not None and (child.numerator, child.denominator, child.points) == (
        0, 0, Decimal("0"))


def test_online_services_numbers(snap: PortalSnapshot) -> None:
    # 3.1 = (partialCount + fullCount) / authorityCount = (31 + 21) / 56
    v = snap.value("H44", "ONLINE_SERVICE_PROCEDURES")
    assert v is not None and (v.numerator, v.denominator, v.points) == (52, 56, None)
    v = snap.value("H44", "ONLINE_DOSSIERS")
    assert v is not None and (v.numerator, v.denominator) == (43136, 43138)
    # The children publish only the card total: no criterion values, the total kept.
    assert snap.value("H44.01", "ONLINE_SERVICE_PROCEDURES") is None
    dept = snap.unit("H44.01").department_id
    assert snap.cards[dept]["provide-online-tree"].points == Decimal("0")
    assert not snap.cards[dept]["provide-online-tree"].counts_published


def test_online_payment_numbers(snap: PortalSnapshot) -> None:
    dept = snap.unit("H44.03").department_id
    # 3.4 = totalDossierOnlineFormalityPaymentSuccess / totalFeeFormality = 2 / 3
    v = snap.value("H44.03", "ONLINE_PAYMENT_PROCEDURES")
    assert v is not None and (v.numerator, v.denominator) == (2, 3)
    v = snap.value("H44.03", "ONLINE_PAID_DOSSIERS")
    assert v is not None and (v.numerator, v.denominator) == (0, 0)
    assert snap.cards[dept]["formality-online-payment-tree"].points == Decimal("1.67")


def test_digitization_numbers(snap: PortalSnapshot) -> None:
    v = snap.value("H44", "ORIGINAL_RESULT_AVAILABLE")
    assert v is not None and (v.numerator, v.denominator, v.points) == (40723, 44582,
                                                                        Decimal("5.48"))
    # 4.6: numerator and denominator null, score 2 — kept null, not 0.
    c = snap.value("H44.08", "ELECTRONIC_CERTIFIED_COPY")
    assert c is not None and (c.numerator, c.denominator, c.points) == (None, None, Decimal("2"))
    # 4.5a is absent from a procedure-filtered response; the snapshot says so.
    assert snap.value("H44", "CITIZEN_DATA_CONNECTED_FORMALITY") is None
    assert any("4.5a" in n.en for n in snap.notes)


def test_satisfaction_numbers_and_portal_codes(snap: PortalSnapshot) -> None:
    # The portal's codes map to the library's: 5.4 DOSSIER_RECEIVING_SATISFACTION.
    v = snap.value("H44", "DOSSIER_RECEIVING_SATISFACTION")
    assert v is not None and v.code == "DOSSIER_RATING_SATISFACTION"
    assert v.portal_code == "DOSSIER_RECEIVING_SATISFACTION"
    # min(6, 6 × 144315/184503 / 0.9) = 5.2145… → 5.21
    assert (v.numerator, v.denominator, v.points) == (144315, 184503, Decimal("5.21"))
    p = snap.value("H44", "PETITION_PROCESSED_ON_TIME")
    assert p is not None and p.portal_code == "PETITION_PROCESSING_ON_TIME"
    assert (p.numerator, p.denominator, p.points) == (182, 247, Decimal("4.42"))
    # 5.1 is analysis only: maxScore 0, score null.
    a = snap.value("H44", "PETITION_CLASSIFICATION_TTHC")
    assert a is not None and a.points is None and a.max_points == 0


def test_pagination_total_is_noted(snap: PortalSnapshot) -> None:
    assert any("4 of 163" in n.en for n in snap.notes)


# ---------------------------------------------------------------------------------------------
# verify


def test_verify_gives_zero_differences_on_the_samples(snap: PortalSnapshot) -> None:
    check = snap.verify()
    assert check.ok and check.differences == ()
    assert check.units == 7
    assert check.checked > 100
    # The online-services children publish only a total: said, not guessed.
    assert any("provide-online-tree: 3 units publish only" in n.en for n in check.notes)


def test_verify_finds_a_changed_point(tmp_path: Path) -> None:
    data = load("handling-satisfaction.json")
    # 332/482 → 6 × 0.68880 / 0.9 = 4.5920 → 4.59; publish 4.60 instead.
    data["data"]["evaluation"][2]["metrics"][1]["score"] = 4.6
    (tmp_path / "x.json").write_text(json.dumps(data), encoding="utf-8")
    check = read_portal(tmp_path / "x.json").verify()
    # The card total (16.59) is still the sum of the recomputed points: one difference.
    assert [(d.code, d.what, d.published, d.recomputed) for d in check.differences] == [
        ("DOSSIER_RATING_SATISFACTION", "points", Decimal("4.6"), Decimal("4.59"))]
    assert check.differences[0].key == "data.evaluation[2].metrics[1]"
    assert "4.59" in check.differences[0].message("en")


def test_verify_finds_a_changed_count_and_card_total(tmp_path: Path) -> None:
    data = load("dvc-progress-tree.json")
    data["data"]["parent"]["totalOnTime"] = 42000  # 20 × 42000/44583 = 18.84 ≠ 18.98
    (tmp_path / "x.json").write_text(json.dumps(data), encoding="utf-8")
    check = read_portal(tmp_path / "x.json").verify()
    found = {(d.code, d.what): (d.published, d.recomputed) for d in check.differences}
    assert found[("DOSSIER_ON_TIME", "points")] == (Decimal("18.98"), Decimal("18.84"))
    assert found[("DOSSIER_ON_TIME", "ratio")] == (Decimal("94.92"), Decimal("94.21"))
    assert found[("PROGRESS", "total")] == (Decimal("18.98"), Decimal("18.84"))


# ---------------------------------------------------------------------------------------------
# malformed responses: a PortalError naming the file and the key


def write(tmp_path: Path, data: Any, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_error_names_file_and_key_of_a_bad_count(tmp_path: Path) -> None:
    data = load("dossier-digitized.json")
    data["data"]["evaluation"][1]["metrics"][0]["numerator"] = "many"
    path = write(tmp_path, data)
    with pytest.raises(PortalError) as err:
        read_portal(path)
    assert err.value.file == str(path)
    assert err.value.field == "data.evaluation[1].metrics[0].numerator"
    assert str(path) in str(err.value) and "data.evaluation[1].metrics[0].numerator" in \
        str(err.value)
    assert isinstance(err.value, Chiso766Error)


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d["data"]["parent"].pop("departmentId"), "data.parent.departmentId"),
        (lambda d: d["data"]["children"][1].__setitem__("totalReceived", -3),
         "data.children[1].totalReceived"),
        (lambda d: d["data"]["children"].__setitem__(0, 7), "data.children[0]"),
        (lambda d: d["data"].__setitem__("children", {}), "data.children"),
        (lambda d: d.__setitem__("code", "ERROR"), "code"),
        (lambda d: d["data"]["parent"].__setitem__("totalScore", "high"),
         "data.parent.totalScore"),
    ],
)
def test_malformed_tree_responses(tmp_path: Path, mutate: Any, key: str) -> None:
    data = load("dvc-progress-tree.json")
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(PortalError) as err:
        read_portal(path)
    assert err.value.field == key and err.value.file == str(path)


def test_unknown_metric_code_is_named(tmp_path: Path) -> None:
    data = load("transparency.json")
    data["data"]["overview"]["metrics"][0]["code"] = "SOMETHING_NEW"
    with pytest.raises(PortalError, match=r"data\.overview\.metrics\[0\]\.code"):
        read_portal(write(tmp_path, data))


def test_not_json_and_not_a_response(tmp_path: Path) -> None:
    bad = tmp_path / "a.json"
    bad.write_text('{"code": "OK", "data": ', encoding="utf-8")
    with pytest.raises(PortalError, match="not JSON"):
        read_portal(bad)
    with pytest.raises(PortalError, match="neither parent"):
        read_portal(write(tmp_path, {"code": "OK", "data": {"rows": []}}, "b.json"))
    with pytest.raises(PortalError, match="no such file"):
        read_portal(tmp_path / "missing.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PortalError, match="no saved portal responses"):
        read_portal(empty)


def test_the_same_card_twice_is_refused(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "transparency.json", tmp_path / "a.json")
    shutil.copy(SAMPLES / "transparency.json", tmp_path / "b.json")
    with pytest.raises(PortalError, match="a second 'transparency' response"):
        read_portal(tmp_path)
