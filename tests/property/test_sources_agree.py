"""Property: a row is read the same whatever it comes in (SPEC §8 (r2)).

Invariant: for any rows of text cells under a dossiers header, reading them as a CSV file
(``iter_records``, with its fast path) and as rows of a table (``iter_rows``, the path of Excel,
Parquet, DataFrames and databases) gives the same records, in the same order, and the same
rejections — same field, column, value, reason and record id — on the same row (the CSV line
being the row number + 1, for the header line); read = accepted + rejected on both.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chiso766.io import ReportBuilder, iter_records, iter_rows

HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
          "NgayKetThucXuLy", "DaDongBoDVCQG", "DuocThanhToanTrucTuyen"]

PLAUSIBLE = ["HS1", "HS2", "HS1 ", "P1", "U1", "", " ", "1", "2", "3", "0", "x", "có", "null",
             "n/a", "trực tuyến", "02/06/2025", "02/06/2025 08:00:00", "02/06/2025 08",
             "2025-06-02T08:00:00+07:00", "2025-06-03", "20250602", "31/02/2025", "16/06/2025",
             "01/06/2025 07:00", "2025-06-02 08", "1900-01-01", "NATIONAL_PORTAL"]
# Cells without line breaks or NUL, so a CSV row is one physical line.
TEXT = st.text(st.characters(exclude_characters="\r\n\x00", exclude_categories=["Cs"]),
               max_size=12)
CELLS = st.one_of(st.sampled_from(PLAUSIBLE), TEXT)
ROWS = st.lists(st.lists(CELLS, min_size=len(HEADER), max_size=len(HEADER)), max_size=8)


def _key(rejection: Any, offset: int) -> tuple[Any, ...]:
    return (rejection.line - offset, rejection.field, rejection.column, rejection.value,
            rejection.reason, rejection.record_id)


@given(rows=ROWS)
def test_csv_rows_and_table_rows_read_alike(rows: list[list[str]]) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([HEADER, *rows])
    from_csv = ReportBuilder()
    csv_records = list(iter_records(io.StringIO(text.getvalue()), "dossiers", format="csv",
                                    report_builder=from_csv))
    from_rows = ReportBuilder()
    table = [(0, HEADER), *((n, row) for n, row in enumerate(rows, 1))]
    row_records = list(iter_rows(table, "dossiers", file="dossiers", report_builder=from_rows))
    assert csv_records == row_records
    a, b = from_csv.build(), from_rows.build()
    assert (a.read, a.accepted, a.rejected) == (b.read, b.accepted, b.rejected)
    assert a.read == a.accepted + a.rejected
    assert [_key(r, 1) for r in a.rejections] == [_key(r, 0) for r in b.rejections]
