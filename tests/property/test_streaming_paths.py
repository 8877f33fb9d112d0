"""Streaming reads a folder as the in-memory path does (docs/scale.md).

Invariants, for any drawn folder of dossiers, supplement requests and ratings (odd lines,
quoted cells, repeated ids and blank lines included) and any evaluation moment:

* ``score_folder`` — on the row path and on the block path with 64-byte blocks, so that even
  these small files are read block by block — gives byte for byte the scorecard (input report
  included) of ``score_766(read_folder(folder))``; on the block path the block counter ran
  whenever the dossiers file is larger than the first read.
* with any block size and any number of ids left to probe one at a time, the block path gives
  that same scorecard.

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
from tests.test_streaming import BASE, _both, _counting_with, _first_read, _write, folders


@pytest.mark.parametrize("path", ["rows", "blocks"])
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(), as_of_days=st.one_of(st.none(), st.integers(0, 200)))
def test_streaming_equals_in_memory(tmp_path_factory: pytest.TempPathFactory, path: str,
                                    data: dict[str, list[list[str]]],
                                    as_of_days: int | None) -> None:
    # "blocks": blocks of 64 bytes, so that these small files really take the block path (a
    # file within the first read, 1 MiB by default, goes whole to the row path): the block
    # counter must have counted blocks whenever the dossiers file is larger than that read.
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    as_of = None if as_of_days is None else BASE + timedelta(days=as_of_days, hours=9)
    blocks_counted: list[int] = []
    with _counting_with(path, block_bytes=64):
        if path == "blocks":
            from chiso766.io import blockpath

            count = blockpath._BlockCounter.count

            def spy(self: Any, block: Any, line: int) -> None:
                blocks_counted.append(block.n)
                count(self, block, line)

            with pytest.MonkeyPatch.context() as monkeypatch:
                monkeypatch.setattr(blockpath._BlockCounter, "count", spy)
                streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
        else:
            streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
    assert streamed == whole
    if path == "blocks":
        dossiers = folder / "dossiers.csv"
        larger = dossiers.stat().st_size > _first_read(dossiers, 64)
        event("counted in blocks" if larger else "within the first read: the row path")
        assert bool(blocks_counted) == larger


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=folders(odd_lines=True), as_of_days=st.one_of(st.none(), st.integers(0, 200)),
       block_bytes=st.sampled_from([64, 700, 1 << 22]), few=st.sampled_from([0, 2, 64]))
def test_block_path_equals_in_memory(tmp_path_factory: pytest.TempPathFactory,
                                     data: dict[str, list[list[str]]], as_of_days: int | None,
                                     block_bytes: int, few: int) -> None:
    # Small blocks so rows cross block boundaries; a blank line sends its block row by row, a
    # quoted cell the rest of the file; repeated ids are held and settled at the end.
    folder = tmp_path_factory.mktemp("f")
    _write(folder, data)
    as_of = None if as_of_days is None else BASE + timedelta(days=as_of_days, hours=9)
    with _counting_with("blocks", block_bytes, few):
        streamed, whole = _both(folder, Period.quarter(2025, 2), as_of)
    assert streamed == whole
