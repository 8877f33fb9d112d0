"""The audit's JSON writer (``reports.json_report.flat_object``) writes each dossier's object
as ``json.dumps(..., ensure_ascii=False, indent=2)`` does, byte for byte, without the
pure-Python encoder that ``indent`` takes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.reports.json_report import flat_object
from tests.budget import examples

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                    st.floats(allow_nan=False, allow_infinity=False))
OBJECTS = st.dictionaries(st.text(), st.one_of(SCALARS, st.lists(SCALARS, max_size=4)),
                          max_size=8)


@given(item=OBJECTS, margin=st.sampled_from(["", "    ", "\t"]))
@settings(max_examples=examples(200))
def test_flat_object_is_json_dumps_with_indent(item: dict[str, Any], margin: str) -> None:
    # Invariant: for text keys and values that are text, numbers, booleans, null or lists of
    # those (control characters, quotes, non-ASCII text, empty lists and objects included),
    # the text is json.dumps' with indent=2, each line after the first prefixed by the margin.
    expected = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n" + margin)
    assert flat_object(item, margin) == expected


def test_an_audit_row() -> None:
    item = {"dossier_id": "H44-1", "extra_working_days": 3, "ended_at": None,
            "flags": ["MISSING_RECORDED_DUE", "HIDES_LATENESS"], "messages": ["Thiếu \"ngày\""]}
    assert flat_object(item, "  ") == (
        '{\n    "dossier_id": "H44-1",\n    "extra_working_days": 3,\n    "ended_at": null,\n'
        '    "flags": [\n      "MISSING_RECORDED_DUE",\n      "HIDES_LATENESS"\n    ],\n'
        '    "messages": [\n      "Thiếu \\"ngày\\""\n    ]\n  }')
