"""The supplement index's bulk add (what the columnar engine calls for a run of plain rows)
builds exactly what adding the same requests one at a time builds."""

from __future__ import annotations

import itertools
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.io.rowpath import SupplementIndex, to_us
from tests.budget import examples

_MOMENTS = st.one_of(
    # whole seconds in the index's 32-bit range, and moments kept aside (a fraction of a
    # second, or before 1932 / after 2068)
    st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1)).map(
        lambda m: to_us(m.replace(microsecond=0))),
    st.datetimes(datetime(1900, 1, 1), datetime(2199, 1, 1)).map(to_us),
)
_REQUESTS = st.lists(st.tuples(st.sampled_from(["HS1", "HS2", "HS3", "hồ sơ 4", "HS5"]),
                               _MOMENTS, st.none() | _MOMENTS, st.integers(0, 3)),
                     max_size=40)


def _state(index: SupplementIndex) -> tuple[object, ...]:
    return (list(index.hashes), list(index.crcs), list(index.requested),
            list(index.supplied), dict(index.aside), list(index.line_from),
            list(index.line_shift), list(index.nxt), bytes(index.used), list(index._slots))


@given(_REQUESTS, st.lists(st.integers(0, 40), max_size=4), st.integers(2, 50))
@settings(max_examples=examples(100), deadline=None)
def test_bulk_add_equals_one_at_a_time(requests: list[tuple[str, int, int | None, int]],
                                       cuts: list[int], first_line: int) -> None:
    """Requests cut into runs (each run on consecutive lines, a gap of some lines between runs,
    as rows that were not plain leave): every array, chain, slot and line of the index is the
    same as when each request is added alone; so is every request read back."""
    one, bulk = SupplementIndex(), SupplementIndex()
    bounds = sorted({0, len(requests), *(c for c in cuts if c < len(requests))})
    line = first_line
    for lo, hi in itertools.pairwise(bounds):
        run = requests[lo:hi]
        line += run[0][3]  # the rows skipped before this run
        for offset, (ident, req, sup, _) in enumerate(run):
            one.add(ident, req, sup, line + offset)
        bulk.add_many([r[0] for r in run], [r[1] for r in run], [r[2] for r in run], line)
        line += len(run)
    assert _state(bulk) == _state(one)
    for k in range(len(one)):
        assert (bulk.requested_us(k), bulk.supplied_us(k), bulk.line(k)) == (
            one.requested_us(k), one.supplied_us(k), one.line(k))
        assert bulk.requested_us(k) == requests[k][1]
