"""The national portal's published numbers (SPEC §5.1) — the library must reproduce each exactly.

Each case writes the arithmetic the portal does; the expected points are the published ones.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from chiso766 import band, criterion, score_counts
from chiso766.rounding import half_up
from chiso766.rules import Band


def published(code: str, n: int, d: int) -> Decimal:
    exact = criterion(code).points(n, d)
    assert exact is not None
    return half_up(exact)


def test_original_result_available_632_of_663() -> None:
    # 6 × 632/663 = 5.7194… → 5.72
    assert published("ORIGINAL_RESULT_AVAILABLE", 632, 663) == Decimal("5.72")


def test_reused_digitized_data_77_of_171() -> None:
    # threshold 0.8: min(2, 2 × (77/171) / 0.8) = 1.1257… → 1.13
    assert published("REUSED_DIGITIZED_DATA", 77, 171) == Decimal("1.13")


def test_so_hoa_1_of_32_rounds_half_up() -> None:
    # 4 × 1/32 = 0.125 exactly → half-up 0.13 (banker's rounding would give 0.12)
    assert criterion("SO_HOA_GIAY_TO_GIAI_QUYET").points(1, 32) == Fraction(1, 8)
    assert published("SO_HOA_GIAY_TO_GIAI_QUYET", 1, 32) == Decimal("0.13")


def test_dossier_rating_satisfaction_144315_of_184503() -> None:
    # threshold 0.9: 6 × (144315/184503) / 0.9 = 5.2145… → 5.21
    assert published("DOSSIER_RATING_SATISFACTION", 144315, 184503) == Decimal("5.21")


def test_dossier_rating_satisfaction_351_of_416() -> None:
    # 6 × (351/416) / 0.9 = 5.625 exactly → half-up 5.63
    assert criterion("DOSSIER_RATING_SATISFACTION").points(351, 416) == Fraction(45, 8)
    assert published("DOSSIER_RATING_SATISFACTION", 351, 416) == Decimal("5.63")


def test_petition_processed_on_time_1_of_2() -> None:
    # 6 × 1/2 = 3
    assert published("PETITION_PROCESSED_ON_TIME", 1, 2) == Decimal("3.00")


def test_petition_handling_satisfaction_no_petitions_is_full() -> None:
    # d = 0 → 6 (SPEC §5 table)
    assert criterion("PETITION_HANDLING_SATISFACTION").points(0, 0) == 6


def test_dossier_on_time_144625_of_184513() -> None:
    # 20 × 144625/184513 = 15.6764… → 15.68
    assert published("DOSSIER_ON_TIME", 144625, 184513) == Decimal("15.68")
    card = score_counts({"DOSSIER_ON_TIME": (144625, 184513)})
    assert card.points("PROGRESS") == Decimal("15.68")


def test_progress_29_of_32() -> None:
    # 20 × 29/32 = 18.125 → 18.13
    assert score_counts({"DOSSIER_ON_TIME": (29, 32)}).points("PROGRESS") == Decimal("18.13")


@pytest.mark.parametrize(
    ("paid", "with_payment", "integrated", "card"),
    [
        # 3.6 = 100.00% → 6 × 100 / 100 = 6; 3.4 = 66.67% → 2.5 × 66.67 / 100 = 1.666750 → 1.67;
        # 3.5 = 0 → 0; card 7.67
        ((7, 7), (2, 3), (0, 3), "7.67"),
        # 6; 3.4 = 87.50% → 2.1875 → 2.19, capped at 2; 0 → 8
        ((44, 44), (7, 8), (0, 8), "8.00"),
        # 3.6 = 745/1133 = 65.7546% → 65.75 → 6 × 65.75 / 100 = 3.945, stored 3.94499… → 3.94;
        # 3.4 = 28.125% → 28.13 → 0.70325 → 0.70; 3.5 = 21.875% → 21.88 → 0.547 → 0.55; 5.19
        ((745, 1133), (9, 32), (7, 32), "5.19"),
        # 3.6 = 98.7478% → 98.75 → 5.925, stored 5.92499… → 5.92; 3.4 = 24.24% → 0.606 → 0.61;
        # 3.5 = 15.15% → 0.37875 → 0.38; 6.91
        ((552, 559), (8, 33), (5, 33), "6.91"),
    ],
)
def test_online_payment_card(paid: tuple[int, int], with_payment: tuple[int, int],
                             integrated: tuple[int, int], card: str) -> None:
    sc = score_counts({
        "ONLINE_PAID_DOSSIERS": paid,
        "ONLINE_PAYMENT_PROCEDURES": with_payment,
        "PAYMENT_INTEGRATED_PROCEDURES": integrated,
    })
    assert sc.points("ONLINE_PAYMENT") == Decimal(card)


def test_online_services_card() -> None:
    # 3.1: 52/56 = 0.9286 ≥ 0.8 → 2; 3.2: 4 × 406/1968 = 0.8252 → 0.83; 3.3: ratio ≥ 0.5 → 6;
    # card 8.83
    sc = score_counts({
        "ONLINE_SERVICE_PROCEDURES": (52, 56),
        "ONLINE_SERVICES_WITH_DOSSIERS": (406, 1968),
        "ONLINE_DOSSIERS": (500, 1000),
    })
    assert sc.points("ONLINE_SERVICES") == Decimal("8.83")
    assert sc.points("ONLINE_SERVICE_PROCEDURES") == Decimal("2.00")
    assert sc.points("ONLINE_SERVICES_WITH_DOSSIERS") == Decimal("0.83")


@pytest.mark.parametrize(
    ("total", "expected"),
    [(100, Band.XUAT_SAC), (90, Band.XUAT_SAC), (Decimal("89.99"), Band.TOT), (80, Band.TOT),
     (Decimal("79.99"), Band.KHA), (70, Band.KHA), (Decimal("69.99"), Band.TRUNG_BINH),
     (50, Band.TRUNG_BINH), (Decimal("49.99"), Band.YEU), (0, Band.YEU)],
)
def test_bands(total: object, expected: Band) -> None:
    assert band(total) is expected
