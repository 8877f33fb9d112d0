"""The record reader's compiled fast path and its general path read alike (docs/inputs.md).

Invariant: for any CSV or JSON Lines dossiers file of well-formed rows with at most one junk
cell each (and, in JSON, a missing key), reading it with the fast path and with the fast path
turned off gives the same records, the same rejections with the same reasons, and the same
counts; the same for a supplements file, whose records keep their line number (the general
path passes it, and so must the fast one); and the same for rows held in memory (a table of
typed cells: dates, times, numbers, decimals, NaN, booleans, None), which take the plain-row
reader of JSON objects by position. The row strategy and the reader are shared with
tests/test_readers.py.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.budget import examples
from tests.test_readers import _VALID, _read_both_ways, _row

#: Typed cells a DataFrame, a spreadsheet or a database hands over, beside JSON's values.
_TYPED: list[Any] = [datetime(2025, 4, 3, 8, 15), date(2025, 4, 5), float("nan"),
                     Decimal("2"), Decimal("2.5"), 3.0, timedelta(hours=1),
                     datetime(2025, 4, 3, 1, 15, tzinfo=UTC), b"P", b"\xff"]


#: JSON ``true`` where a number is expected (the payment): ``True == 1`` for a dict, so the
#: fast path's table must not read it as the number 1, which the converter accepts; nor a
#: JSON file's ``2.0`` as the number 2 (the converter refuses a float there).
_TRUE_PAYMENT = {"MaHoSo": "A", "MaTTHC": "P", "MaDonVi": "U", "NgayTiepNhan": "2025-04-03",
                 "KenhThucHien": "", "DuocThanhToanTrucTuyen": True}
_FLOAT_CHANNEL = {**_TRUE_PAYMENT, "MaHoSo": "D", "KenhThucHien": 2.0,
                  "DuocThanhToanTrucTuyen": 2.0}


@settings(max_examples=examples(80))
@given(st.lists(_row(False), max_size=6), st.lists(_row(True), max_size=6))
@example([], [_TRUE_PAYMENT, {**_TRUE_PAYMENT, "MaHoSo": "B", "DuocThanhToanTrucTuyen": 1},
              {**_TRUE_PAYMENT, "MaHoSo": "C", "DuocThanhToanTrucTuyen": False},
              _FLOAT_CHANNEL])
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


_SUPPLEMENT_CELLS: dict[str, list[Any]] = {
    "MaHoSo": ["A", " B ", "", "C"],
    "NgayYeuCauBoSung": ["04/12/2024 08:16:19", "2024-12-04", "", "bad", " 2024-12-05 10:00 "],
    "NgayCongDanBoSung": ["", "07/12/2024 16:08:51", "2024-12-03", "n/a", "x"],
}


@settings(max_examples=examples(60))
@given(st.lists(st.fixed_dictionaries({c: st.sampled_from(v)
                                       for c, v in _SUPPLEMENT_CELLS.items()}), max_size=6),
       st.lists(st.fixed_dictionaries({c: st.sampled_from(v)
                                       for c, v in _SUPPLEMENT_CELLS.items()}), max_size=6))
def test_supplement_requests_read_alike_with_their_lines(rows: list[dict[str, str]],
                                                         objects: list[dict[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        head = ",".join(_SUPPLEMENT_CELLS) + "\n"
        text = "".join(",".join(row[c] for c in _SUPPLEMENT_CELLS) + "\n" for row in rows)
        fast, general = _read_both_ways(folder, "supplements.csv", head + text, "supplements")
        assert fast == general
        assert [r.line for r in fast[0]] == [r.line for r in general[0]]
        jsonl = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)
        fast, general = _read_both_ways(folder, "supplements.jsonl", jsonl, "supplements")
        assert fast == general
        assert [r.line for r in fast[0]] == [r.line for r in general[0]]


def _tables_both_ways(rows: list[dict[str, Any]]) -> tuple[Any, Any]:
    """``read_tables`` of ``rows`` with the plain-row reader and with the general path only:
    (dossiers, report) each, or the error's text when the header lacks a required column."""
    from unittest import mock

    from chiso766 import Chiso766Error, read_tables
    from chiso766.io import readers

    def read() -> Any:
        try:
            dataset = read_tables({"dossiers": rows})
        except Chiso766Error as exc:  # no row has a required column: the header lacks it
            return str(exc)
        return dataset.dossiers, dataset.report

    fast = read()
    with mock.patch.object(readers, "plain_reader", lambda *a, **k: None):
        general = read()
    return fast, general


def test_a_true_payment_is_refused_by_both_paths_and_a_1_read() -> None:
    from chiso766 import OnlinePayment

    fast, general = _tables_both_ways(
        [_TRUE_PAYMENT, {**_TRUE_PAYMENT, "MaHoSo": "B", "DuocThanhToanTrucTuyen": 1}])
    assert fast == general
    dossiers, report = fast
    assert [(d.id, d.paid_online) for d in dossiers] == [("B", OnlinePayment.NATIONAL_PORTAL)]
    assert [(r.line, r.field) for r in report.rejections] == [(1, "paid_online")]


@settings(max_examples=examples(80))
@given(st.lists(_row(True), max_size=6), st.data())
def test_table_rows_read_alike_by_both_paths(objects: list[dict[str, Any]],
                                             data: st.DataObject) -> None:
    """Rows in memory (``read_tables``: a list of mappings, as a DataFrame's rows arrive): the
    plain-row reader and the general path give the same records, rejections and counts."""
    rows = [dict(o) for o in objects]
    for row in rows:
        if data.draw(st.booleans()):
            row[data.draw(st.sampled_from(sorted(_VALID)))] = data.draw(st.sampled_from(_TYPED))
    fast, general = _tables_both_ways(rows)
    assert fast == general
