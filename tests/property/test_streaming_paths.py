"""Streaming reads a folder as the in-memory path does (docs/scale.md).

Invariants, for any drawn folder of dossiers, supplement requests and ratings (odd lines,
quoted cells, repeated ids and blank lines included) and any evaluation moment:

* ``score_folder`` — on the row path and on the columnar engine with 64-byte batches, so that
  even these small files are read a few rows at a time — gives byte for byte the scorecard
  (input report included) of ``score_766(read_folder(folder))``; the engine counted every
  dossier row of those files in its batches.
* with any batch size, the engine gives that same scorecard on files with odd lines too
  (quoted cells on one line or two, cells padded with white space), whether or not it strips
  the cells of later batches once it has met padded rows.

The drawing strategies and the folder writer are shared with tests/test_streaming.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chiso766 import Period
from tests.budget import examples
from tests.test_streaming import BASE, _both, _counting_with, _write, folders


@pytest.mark.parametrize("path", ["rows", "engine"])
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(), as_of_days=st.one_of(st.none(), st.integers(0, 200)))
def test_streaming_equals_in_memory(tmp_path_factory: pytest.TempPathFactory, path: str,
                                    data: dict[str, list[list[str]]],
                                    as_of_days: int | None) -> None:
    # "engine": batches of 64 bytes, so that every row of these small files is a batch of its
    # own: the engine must have counted batches whenever the dossiers file has a row.
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    as_of = None if as_of_days is None else BASE + timedelta(days=as_of_days, hours=9)
    batches: list[int] = []
    with _counting_with(path, batch_bytes=64):
        if path == "engine":
            from chiso766.io import columnar

            count = columnar._Engine._count

            def spy(self: Any, lines: Any, line: int) -> None:
                batches.append(len(lines))
                count(self, lines, line)

            with pytest.MonkeyPatch.context() as monkeypatch:
                monkeypatch.setattr(columnar._Engine, "_count", spy)
                streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
        else:
            streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
    assert streamed == whole
    if path == "engine":
        rows = len(data["dossiers"]) - 1
        event("counted in batches" if rows else "no dossier row")
        assert bool(batches) == bool(rows)
        assert sum(batches) == rows


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(odd_lines=True), as_of_days=st.one_of(st.none(), st.integers(0, 200)),
       batch_bytes=st.sampled_from([64, 700, 1 << 22]),
       pending=st.sampled_from([1, 6, 1 << 20]), padded_rows=st.sampled_from([1, 64]))
def test_engine_equals_in_memory(tmp_path_factory: pytest.TempPathFactory,
                                 data: dict[str, list[list[str]]], as_of_days: int | None,
                                 batch_bytes: int, pending: int, padded_rows: int) -> None:
    # Small batches so that a file is many of them; a blank line sends its batch row by row, a
    # quoted cell over two lines the rest of the file; repeated ids are held and settled at
    # the end. The engine's counts are summed and handed to the tally after every batch
    # (pending 1), summed every few batches (6) or kept to the end. A padded row left to the
    # row path makes the engine strip every later batch (padded_rows 1) or does not (64).
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    as_of = None if as_of_days is None else BASE + timedelta(days=as_of_days, hours=9)
    from chiso766 import frame_counts
    from chiso766.io import columnar

    with _counting_with("engine", batch_bytes), pytest.MonkeyPatch.context() as patch:
        patch.setattr(frame_counts, "PENDING_ROWS", pending)
        patch.setattr(columnar, "_PADDED_ROWS", padded_rows)
        streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
    assert streamed == whole
