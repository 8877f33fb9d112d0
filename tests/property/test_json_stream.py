"""A JSON array file read a block at a time reads as the file read whole (docs/inputs.md).

Invariant: for any ``.json`` dossiers file — an array of objects (and of the odd number, string,
``null`` or list), with any JSON whitespace between its tokens, with or without a byte order
mark, or a file that is not that at all (cut short, something after the array, not an array,
not JSON) — reading it a block at a time, with blocks as small as one byte so that every token
is cut somewhere, gives the same records, rejections and counts as reading it whole, or the same
refusal with the same message.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.budget import examples
from tests.test_readers import _row, json_read_whole

_SPACE = st.sampled_from(["", " ", "\n", "\r\n", "\t", "  \n "])
_ODD_ITEMS: list[Any] = [12345, 1.5e3, "HS9", None, [1, 2], True, {}]


def _read(path: Path, block: int | None) -> Any:
    """(records, report) of ``path``, or the refusal's text; ``block`` None: read whole."""
    from chiso766 import Chiso766Error, iter_records
    from chiso766.io import readers
    from chiso766.io.readers import ReportBuilder

    builder = ReportBuilder()
    patch = (json_read_whole() if block is None
             else mock.patch.object(readers, "_JSON_BLOCK", block))
    try:
        with patch:
            records = list(iter_records(path, "dossiers", report_builder=builder))
    except Chiso766Error as exc:
        return str(exc)
    return records, builder.build()


@settings(max_examples=examples(120))
@given(objects=st.lists(st.one_of(_row(True), st.sampled_from(_ODD_ITEMS)), max_size=5),
       spaces=st.lists(_SPACE, min_size=12, max_size=12),
       bom=st.booleans(),
       fault=st.sampled_from(["none", "none", "cut", "after", "object", "empty", "bad byte"]),
       cut=st.floats(0, 1), block=st.integers(1, 48))
@example(objects=[{"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "2025-04-03"},
                  12345], spaces=[""] * 12, bom=False, fault="none", cut=0.0, block=7)
@example(objects=[{"MaHoSo": "A"}, 1500.0], spaces=[""] * 12, bom=False, fault="none",
         cut=0.0, block=1)  # "1500." at a block's end is not yet the number 1500
def test_an_array_read_in_blocks_reads_as_read_whole(objects: list[Any], spaces: list[str],
                                                     bom: bool, fault: str, cut: float,
                                                     block: int) -> None:
    sp = iter(spaces * 10)
    items = [next(sp) + json.dumps(o, ensure_ascii=False) + next(sp) for o in objects]
    text = next(sp) + "[" + next(sp) + ",".join(items) + next(sp) + "]" + next(sp)
    data = text.encode("utf-8")
    if fault == "cut":
        data = data[:int(len(data) * cut)]
    elif fault == "after":
        data += b' {"x": 1}'
    elif fault == "object":
        data = json.dumps(objects[0] if objects else {}).encode()
    elif fault == "empty":
        data = b" \n "
    elif fault == "bad byte":
        at = int(len(data) * cut)
        data = data[:at] + b"\xff" + data[at:]
    if bom:
        data = b"\xef\xbb\xbf" + data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dossiers.json"
        path.write_bytes(data)
        assert _read(path, block) == _read(path, None)


def test_a_reading_given_up_midway_goes_on_from_the_next_item(tmp_path: Path) -> None:
    """The block reading gives up (``_NotPlain``) after two items of a valid file: the whole
    reading hands out the others, each once, in order."""
    from chiso766.io import readers

    path = tmp_path / "dossiers.json"
    path.write_text(json.dumps([{"MaHoSo": f"HS{i}", "MaTTHC": "P", "MaDonVi": "U",
                                 "NgayTiepNhan": "2025-04-03"} for i in range(5)]),
                    encoding="utf-8")
    real = readers._json_stream

    def two_then_give_up(f: Any) -> Any:
        for n, item in enumerate(real(f)):
            if n == 2:
                raise readers._NotPlain
            yield item

    with mock.patch.object(readers, "_json_stream", two_then_give_up):
        records, report = _read(path, 1 << 20)
    assert [d.id for d in records] == ["HS0", "HS1", "HS2", "HS3", "HS4"]
    assert (report.read, report.accepted) == (5, 5)
