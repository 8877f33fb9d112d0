"""The unit tree behind the roll-up (docs/rules.md "Roll-up", "units fallback"): built in time
linear in the number of units, each subtree a run of the pre-order, a parent cycle broken at
its smallest id with a note naming every unit of the cycle."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from chiso766 import Dataset, Period, Unit, score_766
from chiso766.scoring import _subtrees, unit_tree

Q2 = Period.quarter(2025, 2)


def _chain(n: int) -> list[Unit]:
    return [Unit(f"U{i:05d}", parent_id=f"U{i - 1:05d}" if i else None) for i in range(n)]


def test_a_chain_of_5000_units_builds_in_linear_steps() -> None:
    # A chain U00000 ← U00001 ← … ← U04999: one root, each unit the only child of the one
    # before; the subtree of U0k is the n − k units from it down.
    # (The previous tree walked every unit's whole ancestry through a list: about n³/6 steps,
    # 25 s for 2,000 units; this one finishes in milliseconds.)
    n = 5000
    units = _chain(n)
    tree = unit_tree(units, ())
    assert tree.roots == ("U00000",)
    assert tree.order == tuple(u.id for u in units)
    assert tree.notes == ()
    spans = _subtrees(tree)
    assert len(spans["U00000"]) == n and len(spans["U04999"]) == 1
    assert list(spans["U04998"]) == ["U04998", "U04999"]
    assert spans["U00002"][0] == "U00002" and spans["U00002"][-1] == "U04999"


def _steps(n: int) -> int:
    """The Python lines `unit_tree` and `_subtrees` run for a chain of n units (a count of
    operations, not a time: the same on any machine)."""
    codes = {unit_tree.__code__, _subtrees.__code__}
    steps = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        if frame.f_code not in codes:
            return None
        if event == "line":
            steps += 1
        return tracer

    units = _chain(n)
    before = sys.gettrace()  # a coverage tool's or a debugger's, put back after
    sys.settrace(tracer)
    try:
        _subtrees(unit_tree(units, ()))
    finally:
        sys.settrace(before)
    return steps


def test_the_tree_takes_steps_in_proportion_to_the_units() -> None:
    # Linear: twice the units, twice the steps (a little less, the fixed part being shared);
    # the old walk of every unit's ancestry took about 8× the steps for twice the units.
    small, large = _steps(1000), _steps(2000)
    assert 1.9 * small <= large <= 2.1 * small


def test_a_parent_cycle_is_broken_at_its_smallest_id_and_named() -> None:
    # C → A → B → C is a cycle; X hangs below it (X's parent is B) and keeps its parent.
    units = [Unit("B", parent_id="A"), Unit("A", parent_id="C"), Unit("C", parent_id="B"),
             Unit("X", parent_id="B")]
    tree = unit_tree(units, ())
    assert tree.roots == ("A",)
    assert tree.units["X"].parent_id == "B" and "X" in tree.children["B"]
    (note,) = tree.notes
    # The cycle from A: A's parent is C, C's is B, B's is A.
    assert note.en == "unit A: parent cycle (A → C → B → A), A taken as top-level"
    assert "vòng lặp đơn vị cha (A → C → B → A)" in note.vi
    assert tree.order == ("A", "B", "C", "X")  # B under A; C and X under B, sorted


def test_two_cycles_each_get_their_note() -> None:
    # (A unit that is its own parent is refused by Unit itself.)
    units = [Unit("P", parent_id="Q"), Unit("Q", parent_id="P"), Unit("S", parent_id="R"),
             Unit("R", parent_id="S"), Unit("T")]
    tree = unit_tree(units, ())
    assert tree.roots == ("P", "R", "T")
    assert [n.en for n in tree.notes] == [
        "unit P: parent cycle (P → Q → P), P taken as top-level",
        "unit R: parent cycle (R → S → R), R taken as top-level",
    ]


def test_a_cycle_is_scored_with_its_note() -> None:
    card = score_766(Dataset.from_records(units=[Unit("A", parent_id="B"),
                                                 Unit("B", parent_id="A")]), period=Q2)
    assert card.roots == ("A",) and card.unit("B").parent_id == "A"
    assert any("parent cycle (A → B → A)" in n.en for n in card.notes)


def test_a_deep_chain_is_scored() -> None:
    # 300 units in a chain: every unit scored, the root's subtree holds all of them.
    card = score_766(Dataset.from_records(units=_chain(300)), period=Q2)
    assert len(card.units) == 300 and card.roots == ("U00000",)
