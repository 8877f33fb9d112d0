""":class:`chiso766.spill.SortedSpill` hands out exactly what ``sorted`` would.

Whatever the items and however small the runs written to temporary files, iterating gives the
items sorted by their key (equal keys in the order added, as ``sorted`` keeps them), each once,
as equal values (not the same objects: items written out come back unpickled); the items are
taken once, and nothing is added after.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso766.spill import SortedSpill

Item = tuple[str, int, datetime | None, tuple[str, ...]]

items = st.lists(
    st.tuples(st.text(max_size=6), st.integers(-5, 5),
              st.none() | st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
              st.lists(st.text(max_size=3), max_size=3).map(tuple)),
    max_size=60)


@given(items=items, run=st.integers(1, 70))
def test_the_items_come_out_as_sorted_gives_them(items: list[Item], run: int) -> None:
    """Runs of any size (one item a file, or everything in memory) merge into sorted order,
    equal keys (drawn often: short texts, small numbers) in the order they were added."""
    spill: SortedSpill[Item] = SortedSpill(key=lambda t: (t[0], t[1]), run=run)
    for item in items:
        spill.add(item)
    assert len(spill) == len(items)
    assert len(spill.files) == len(items) // run  # full runs are written out
    assert list(spill) == sorted(items, key=lambda t: (t[0], t[1]))
    assert spill.files == []  # the temporary files are closed once merged


def test_shared_parts_of_items_survive_the_files() -> None:
    """Items that share objects (one moment in every item) come back whole from every run."""
    moment = datetime(2025, 3, 4, 8, 30)
    spill: SortedSpill[tuple[int, datetime, datetime]] = SortedSpill(key=lambda t: t[0],
                                                                     run=2)
    for n in (5, 3, 9, 1, 7, 2, 8):
        spill.add((n, moment, moment))
    assert list(spill) == [(n, moment, moment) for n in (1, 2, 3, 5, 7, 8, 9)]


def test_the_items_are_taken_once() -> None:
    spill: SortedSpill[int] = SortedSpill(key=lambda n: n, run=2)
    for n in (3, 1, 2):
        spill.add(n)
    assert list(spill) == [1, 2, 3]
    with pytest.raises(RuntimeError, match="once"):
        list(spill)
    with pytest.raises(RuntimeError, match="after"):
        spill.add(4)
    with pytest.raises(ValueError, match="at least 1"):
        SortedSpill(key=lambda n: n, run=0)
