"""The mutation check's own table and machinery (tests/mutation_check.py): every mutation still
matches the code exactly once, a stale one is reported loudly, and the import graph that lets
the check preload the modules a mutation leaves alone is right where it matters."""

from __future__ import annotations

from pathlib import Path

from tests import mutation_check
from tests.mutation_check import MUTATIONS, TESTS, Mutation, check_table

SRC = Path(__file__).resolve().parent.parent / "src"


def test_every_mutation_matches_the_code_once() -> None:
    # A change to a rule's code that leaves a mutation behind fails here, in the suite, too.
    assert check_table(MUTATIONS, SRC / "chiso766") == []


def test_every_copy_of_a_rule_is_covered_on_each_path() -> None:
    paths: dict[str, set[str]] = {"records": set(), "rows": set(), "engine": set()}
    for m in MUTATIONS:
        if m.tests in paths:
            paths[m.tests].add(m.file)
    assert {"tally.py", "deadlines.py", "population.py"} <= paths["records"]
    # The row path holds no rule: it reads records and the tally counts them by the scalar
    # form, so breaking a scalar rule must show on it too.
    assert paths["rows"] <= {"population.py", "deadlines.py"} and paths["rows"]
    assert not any(m.file == "io/rowpath.py" for m in MUTATIONS)
    assert paths["engine"] == {"population.py", "io/columnar.py", "frame_counts.py"}
    assert all(m.tests in TESTS and m.rule for m in MUTATIONS)


def test_a_stale_mutation_is_reported(tmp_path: Path) -> None:
    (tmp_path / "rules.py").write_text("late = a > b\nlate = a > b\n", encoding="utf-8")
    gone = Mutation("rules.py", "early = a < b", "early = a <= b", "gone", "records")
    twice = Mutation("rules.py", "late = a > b", "late = a >= b", "twice", "records")
    unknown = Mutation("none.py", "x", "y", "no file", "records")
    problems = check_table([gone, twice, unknown], tmp_path)
    assert len(problems) == 3
    assert "found 0 times" in problems[0] and "gone" in problems[0]
    assert "found 2 times" in problems[1] and "twice" in problems[1]
    assert "no such file" in problems[2]


def test_import_graph() -> None:
    modules = mutation_check._module_names(SRC)
    assert "chiso766.__main__" not in modules  # importing it would run the command line
    tainted = mutation_check._tainted("chiso766.io.columnar", modules)
    # Nothing imports the engine at import time (streaming imports it when it runs)...
    assert "chiso766.streaming" not in tainted and "chiso766.tally" not in tainted
    # ...and the modules that import deadlines do, directly or not.
    tainted = mutation_check._tainted("chiso766.deadlines", modules)
    assert {"chiso766.tally", "chiso766.hcm104", "chiso766", "chiso766.streaming",
            "chiso766.population"} <= tainted
    # The row path reads records and decides nothing about them: it does not.
    assert "chiso766.calendar" not in tainted and "chiso766.io.rowpath" not in tainted
