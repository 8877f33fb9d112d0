"""IdSet, the compact id set of streaming runs, behaves as a frozenset of the same ids."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from chiso766.io.idset import IdSet

ids = st.text(alphabet=st.sampled_from("HS0123456789.-Đđ \u00e9"), max_size=12)


@given(members=st.lists(ids, max_size=60), others=st.lists(ids, max_size=30))
def test_idset_is_the_frozenset_of_its_ids(members: list[str], others: list[str]) -> None:
    compact, plain = IdSet(members), frozenset(members)
    assert compact == plain and len(compact) == len(plain)  # type: ignore[comparison-overlap]
    assert sorted(compact) == sorted(plain)
    for item in [*members, *others]:
        assert (item in compact) == (item in plain)
    assert compact | frozenset(others) == plain | frozenset(others)
    assert pickle.loads(pickle.dumps(compact)) == plain
    assert hash(compact) == hash(IdSet(reversed(members)))


def test_idset_says_no_to_what_is_not_an_id() -> None:
    compact = IdSet(["HS1", "HS2"])
    strangers: list[object] = [1, None, b"HS1"]
    assert all(stranger not in compact for stranger in strangers)
    assert "HS1" in compact and "HS3" not in compact
