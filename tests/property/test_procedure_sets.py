"""Acc.proc_set, the one-set view the criteria read, agrees with the all-sets view Acc.procs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chiso766.criteria.base import PROCEDURE_SETS, Acc


@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3", "P4"]),
                          st.sampled_from(PROCEDURE_SETS)), max_size=20))
def test_proc_set_is_the_procs_entry(additions: list[tuple[str, str]]) -> None:
    acc = Acc()
    for code, key in additions:
        acc.add_proc(key, code)
    for key in PROCEDURE_SETS:
        expected = {code for code, k in additions if k == key}
        assert acc.proc_set(key) == expected
        assert acc.proc_set(key) == acc.procs.get(key, set())
