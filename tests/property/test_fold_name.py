"""Column names and JSON keys fold the same way every time (docs/inputs.md: names are matched
in any case, with or without accents, spaces, underscores or hyphens).

Invariants: ``fold_name`` gives a name's folded form the first time and every later time,
whatever was folded in between (its memo of recent names is bounded, emptied when full, never
stale), and its memo never holds more than its bound; a value that is not text is refused as
it always was, and never kept.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.errors import PolicyError
from chiso766.io import columns
from chiso766.io.columns import fold_name
from tests.budget import examples


@pytest.mark.parametrize(("name", "folded"), [
    ("Ngày_Tiếp Nhận", "ngaytiepnhan"),   # accents, underscore and space gone
    ("\ufeffMaHoSo ", "mahoso"),            # a byte order mark and padding gone
    ("Đơn-vị", "donvi"),                    # đ/Đ is d, the hyphen gone
    ("NgayTiepNhan", "ngaytiepnhan"),
])
def test_a_name_folds_the_same_the_first_time_and_later(name: str, folded: str) -> None:
    assert fold_name(name) == folded
    assert fold_name(name) == folded  # from the memo now


def test_what_is_not_text_is_refused_and_not_kept() -> None:
    with pytest.raises(PolicyError, match="must be a column name"):
        fold_name(7)  # type: ignore[arg-type]
    assert 7 not in columns._FOLDED  # type: ignore[comparison-overlap]


@settings(max_examples=examples(40))
@given(st.lists(st.text(max_size=12), min_size=1, max_size=30),
       st.integers(0, 2 * columns._FOLDED_SIZE))
def test_folding_does_not_depend_on_what_was_folded_before(names: list[str],
                                                           between: int) -> None:
    first = [fold_name(n) for n in names]
    for i in range(between):  # fills the memo past its bound (it is emptied, then refilled)
        fold_name(f"Cột số {i}")
    assert len(columns._FOLDED) <= columns._FOLDED_SIZE
    assert [fold_name(n) for n in names] == first == [columns._fold(n) for n in names]
