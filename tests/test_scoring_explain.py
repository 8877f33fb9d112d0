"""Explanations of a scorecard (``.explain(code, lang)``) in Vietnamese and English, and
``.to_next_band()``: the fewest records that would lift the total to the next band."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from chiso766 import (
    QD766,
    Dossier,
    Period,
    PolicyError,
    Scorecard,
    score_766,
    score_counts,
)
from chiso766.io import Dataset

FULL = {c.code: (1, 1) for c in QD766.criteria if c.scored}


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return score_counts({
        "DOSSIER_ON_TIME": (5, 8),
        "DOSSIER_RATING_SATISFACTION": (351, 416),
        "DOSSIER_SYNC": (4, 5),
        "ONLINE_DOSSIERS": (2, 5),
        "ONLINE_PAID_DOSSIERS": (745, 1133),
        "ONLINE_PAYMENT_PROCEDURES": (7, 8),
        "PAYMENT_INTEGRATED_PROCEDURES": (7, 32),
        "AVERAGE_PROCESSING_TIME": (5, 2),
    })


@pytest.mark.parametrize(
    ("code", "lang", "pieces"),
    [
        ("DOSSIER_ON_TIME", "vi",
         ["2.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "5/8 = 62,50%", "20 × tỷ lệ = 12,5",
          "→ 12,50 điểm", "tối đa 20"]),
        ("DOSSIER_ON_TIME", "en",
         ["2.1 Dossiers handled early or on time", "5/8 = 62.50%", "20 × r = 12.5",
          "→ 12.50 points", "max 20"]),
        # the exact value is shown unrounded, so the half-up step is visible
        ("DOSSIER_RATING_SATISFACTION", "vi",
         ["351/416 = 84,38%", "min(6; 6 × tỷ lệ / 0,9) = 5,625 → 5,63 điểm"]),
        ("DOSSIER_RATING_SATISFACTION", "en",
         ["351/416 = 84.38%", "min(6, 6 × r / 0.9) = 5.625 → 5.63 points"]),
        # 3.3 shows 1.4's sync ratio as a factor: 2/5 × 4/5 = 32 %
        ("ONLINE_DOSSIERS", "en", ["2/5 × 80% = 32.00%", "min(6, 6 × r / 0.5) = 3.84"]),
        ("ONLINE_DOSSIERS", "vi", ["2/5 × 80% = 32,00%", "→ 3,84 điểm"]),
        # the online-payment card's float pipeline: 6 × 65.75 / 100 is 3.944999… in binary
        ("ONLINE_PAID_DOSSIERS", "en",
         ["745/1133 = 65.75%", "6 × 65.75 / 100 = 3.944999… → 3.94 points", "floating point"]),
        ("ONLINE_PAYMENT_PROCEDURES", "en",
         ["7/8 = 87.50%", "2.5 × 87.50 / 100 = 2.1875, capped at 2 → 2.00 points"]),
        ("ONLINE_PAYMENT_PROCEDURES", "vi", ["2,5 × 87,50 / 100 = 2,1875, tối đa 2 → 2,00"]),
        ("AVERAGE_PROCESSING_TIME", "en", ["5/2 → 2.50", "analysis only, no points"]),
        ("AVERAGE_PROCESSING_TIME", "vi", ["5/2 → 2,50", "chỉ để phân tích"]),
        ("ELECTRONIC_CERTIFIED_COPY", "en", ["denominator 0 → full points", "max 2"]),
        ("ELECTRONIC_CERTIFIED_COPY", "vi", ["mẫu số bằng 0 → đạt tối đa"]),
        ("PUBLISH_ON_TIME", "en", ["denominator 0 → no score"]),
        ("PUBLISH_ON_TIME", "vi", ["mẫu số bằng 0 → không có điểm"]),
        ("PETITION_PROCESSED_ON_TIME", "en", ["denominator 0 → full points"]),
        ("ONLINE_PAID_DOSSIERS", "vi", ["745/1133 = 65,75%", "3,944999… → 3,94 điểm"]),
    ],
)
def test_explain_criterion(card: Scorecard, code: str, lang: str, pieces: list[str]) -> None:
    text = card.explain(code, lang)
    for piece in pieces:
        assert piece in text, (piece, text)
    assert text == card.root.explain(code, lang)


def test_explain_part_group_and_total(card: Scorecard) -> None:
    payment = card.explain("ONLINE_PAYMENT", "en")
    # 0.55 (3.5: 21.88 % → 0.546999… → 0.55) + 2.00 + 3.94 = 6.49
    assert payment.startswith("Online payment: 6.49/10.00")
    assert "portal" in payment and len(payment.splitlines()) == 4
    services = card.explain("ONLINE_SERVICES", "vi")
    assert services.startswith("Dịch vụ công trực tuyến: 3,84/12,00")
    progress = card.explain("PROGRESS", "en").splitlines()
    assert progress[0] == "2. Progress and results: 12.50/20.00"
    assert progress[1].strip().startswith("2.1") and progress[2].strip().startswith("2.2")
    total = card.explain("TOTAL", "vi").splitlines()
    assert total[0] == f"Tổng điểm: {str(card.total).replace('.', ',')}/100,00 → Yếu"
    assert len(total) == 6
    assert card.explain("TOTAL", "en").splitlines()[0].endswith("→ Weak")


def test_explain_no_data_from_records() -> None:
    ds = Dataset.from_records(dossiers=[Dossier("D1", "P1", "U", received_at=datetime(2025, 4, 1),
                                                due_at=datetime(2025, 4, 2))])
    card = score_766(ds, period=Period.quarter(2025, 2))
    assert "0/1: no data → no score" in card.explain("DOSSIER_SYNC", "en")
    assert "không có dữ liệu → không tính điểm" in card.explain("DOSSIER_SYNC", "vi")
    assert "no data: no record reports synced_to_portal" in card.explain("DOSSIER_SYNC", "en")


@pytest.mark.parametrize("code", ["NOPE", "", "total", None, 3, ["TOTAL"]])
def test_explain_unknown_code(card: Scorecard, code: object) -> None:
    with pytest.raises(PolicyError):
        card.explain(code)  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        card.points(code)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["fr", "", None, "VI"])
def test_explain_unknown_language(card: Scorecard, lang: object) -> None:
    with pytest.raises(PolicyError):
        card.explain("TOTAL", lang)  # type: ignore[arg-type]


def test_every_code_explains_in_both_languages(card: Scorecard) -> None:
    codes = [c.code for c in QD766.criteria] + [g.code for g in QD766.groups] + [
        "ONLINE_SERVICES", "ONLINE_PAYMENT", "TOTAL"]
    for code in codes:
        vi, en = card.explain(code, "vi"), card.explain(code, "en")
        assert vi and en and vi != en, code


# ---------------------------------------------------------------------------------------------
# to_next_band


def test_to_next_band_fewest_records() -> None:
    # All full except 2.1 = 0/100 (0) and 1.4 = 9/10 (5.4): total 100 − 20 − 0.6 = 79.4 (KHÁ).
    counts = dict(FULL, DOSSIER_ON_TIME=(0, 100), DOSSIER_SYNC=(9, 10))
    card = score_counts(counts)
    assert card.total == Decimal("79.40")
    steps = {s.code: s for s in card.to_next_band()}
    assert set(steps) == {c.code for c in QD766.criteria if c.scored}
    # 2.1: 20 × 3/100 = 0.6 → 80.00; 2 more would give 79.80 — 3 is the fewest
    assert steps["DOSSIER_ON_TIME"].more == 3
    assert steps["DOSSIER_ON_TIME"].new_total == Decimal("80.00")
    assert score_counts(dict(counts, DOSSIER_ON_TIME=(2, 100))).total < 80
    assert score_counts(dict(counts, DOSSIER_ON_TIME=(3, 100))).total == Decimal("80.00")
    # 1.4: one more synced → 6 → 80.00
    assert steps["DOSSIER_SYNC"].more == 1
    # criteria already at their maximum cannot help
    assert steps["ELECTRONIC_CERTIFIED_COPY"].more is None
    assert steps["PUBLISH_ON_TIME"].new_total is None


def test_to_next_band_impossible_alone() -> None:
    # 5.4 = 0/10 and 2.1 = 0/10: total 100 − 20 − 6 = 74; next band 80.
    counts = dict(FULL, DOSSIER_ON_TIME=(0, 10), DOSSIER_RATING_SATISFACTION=(0, 10))
    card = score_counts(counts)
    assert card.total == Decimal("74.00")
    steps = {s.code: s for s in card.to_next_band()}
    # 5.4 alone reaches at most 80 (all 10 → 6 points): 9 of 10 → 6 × 0.9 / 0.9 = 6 → 80.00
    assert steps["DOSSIER_RATING_SATISFACTION"].more == 9
    # 2.1: 20 × 3/10 = 6 → 80
    assert steps["DOSSIER_ON_TIME"].more == 3


def test_to_next_band_not_enough_records() -> None:
    # 2.1 = 0/1, 5.2 = 0/1, 4.4 = 0/1: total 100 − 20 − 6 − 4 = 70 (KHÁ), next band 80.
    # Moving 5.2's only petition gives 76: no amount of 5.2 alone is enough.
    counts = dict(FULL, DOSSIER_ON_TIME=(0, 1), PETITION_PROCESSED_ON_TIME=(0, 1),
                  SYNCED_WITH_DVCQG_PERSONAL_STORAGE=(0, 1))
    card = score_counts(counts)
    assert card.total == Decimal("70.00")
    steps = {s.code: s for s in card.to_next_band()}
    assert steps["PETITION_PROCESSED_ON_TIME"].more is None
    assert steps["PETITION_PROCESSED_ON_TIME"].new_total == Decimal("76.00")
    assert steps["DOSSIER_ON_TIME"].more == 1  # → 90


def test_to_next_band_counts_the_sync_factor_of_3_3() -> None:
    # 1.4 = 5/10 (3 points) also halves 3.3 = 10/20 × 5/10 = 0.25 (3 points); 2.1 = 70/100 (14).
    # Total 100 − 3 − 3 − 6 = 88. Each more synced dossier adds 0.6 to 1.4 and 0.6 to 3.3:
    # 2 more → 88 + 2.4 = 90.40 (1 more → 89.20). Without the factor it would take 4.
    counts = dict(FULL, DOSSIER_ON_TIME=(70, 100), DOSSIER_SYNC=(5, 10),
                  ONLINE_DOSSIERS=(10, 20))
    card = score_counts(counts)
    assert card.total == Decimal("88.00")
    steps = {s.code: s for s in card.to_next_band()}
    assert steps["DOSSIER_SYNC"].more == 2
    assert steps["DOSSIER_SYNC"].new_total == Decimal("90.40")
    assert score_counts(dict(counts, DOSSIER_SYNC=(7, 10))).total == Decimal("90.40")


def test_to_next_band_at_the_top() -> None:
    assert score_counts(FULL).to_next_band() == []
    assert score_counts(dict(FULL, DOSSIER_ON_TIME=(1, 2))).to_next_band() == []  # 90 → top
