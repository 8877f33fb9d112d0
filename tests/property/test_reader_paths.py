"""The record reader's compiled fast path and its general path read alike (docs/inputs.md).

Invariant: for any CSV or JSON Lines dossiers file of well-formed rows with at most one junk
cell each (and, in JSON, a missing key), reading it with the fast path and with the fast path
turned off gives the same records, the same rejections with the same reasons, and the same
counts. The row strategy and the reader are shared with tests/test_readers.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.budget import examples
from tests.test_readers import _VALID, _read_both_ways, _row


@settings(max_examples=examples(80))
@given(st.lists(_row(False), max_size=6), st.lists(_row(True), max_size=6))
def test_fast_path_gives_the_general_paths_answer(rows: list[dict[str, str]],
                                                  objects: list[dict[str, Any]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        head = ",".join(_VALID) + "\n"
        text = "".join(",".join(f'"{row[c]}"' for c in _VALID) + "\n" for row in rows)
        fast, general = _read_both_ways(folder, "dossiers.csv", head + text)
        assert fast == general
        jsonl = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)
        fast, general = _read_both_ways(folder, "dossiers.jsonl", jsonl)
        assert fast == general
