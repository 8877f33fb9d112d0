"""Every source of records (SPEC §8 (r2)): CSV, Excel, Parquet, DataFrames, Arrow, rows of
mappings and SQL databases read the same rows to the same records, the same rejections and the
same scorecard, because they all go through the one record path (``iter_rows``)."""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import json
import os
import re
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chiso766 import Period, hcm104, read_folder, score_766
from chiso766.cli import main
from chiso766.errors import InputError, PolicyError
from chiso766.io import Dataset, ReportBuilder, iter_records
from chiso766.io.cells import BadCell, plain
from chiso766.io.dataset import read_database, read_files, read_tables
from chiso766.io.readers import iter_rows
from chiso766.records import Channel, Dossier
from chiso766.reports.json_report import dumps, scorecard_to_dict


def _need_the_extras() -> None:
    """Every optional reader is exercised here: without one of its libraries the module is
    skipped on a developer's machine, naming the extra, and fails in CI (``CI`` set), where the
    test extra installs them all."""
    for module, extra in (("openpyxl", "excel"), ("pandas", "pandas"), ("polars", "polars"),
                          ("pyarrow", "parquet"), ("sqlalchemy", "sql")):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            message = f"needs {module!r} from the optional extra {extra!r}: {exc}"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message, allow_module_level=True)


_need_the_extras()

import numpy as np  # noqa: E402  (pandas needs it)
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import sqlalchemy  # noqa: E402

PROVINCE = Path(__file__).resolve().parents[1] / "examples" / "province"
YEAR = Period.year(2025)
H = "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan"

# ---------------------------------------------------------------------------------------------
# the example province as typed tables, as each kind of source would hold it

_MOMENT = re.compile(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d):(\d\d)$")
_DATE = re.compile(r"(\d\d)/(\d\d)/(\d{4})$")
_SMALL = re.compile(r"\d{1,4}$")


def province_rows() -> dict[str, list[list[str]]]:
    out = {}
    for path in sorted(PROVINCE.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            out[path.stem] = list(csv.reader(f))
    return out


def typed(text: str) -> Any:
    """A CSV cell as a typed source holds it: empty → None, dd/MM/yyyy HH:mm:ss → datetime,
    dd/MM/yyyy → date, a small whole number → int, anything else text."""
    if text == "":
        return None
    if m := _MOMENT.match(text):
        d, mo, y, h, mi, s = (int(g) for g in m.groups())
        return datetime(y, mo, d, h, mi, s)
    if m := _DATE.match(text):
        d, mo, y = (int(g) for g in m.groups())
        return date(y, mo, d)
    if _SMALL.match(text):
        return int(text)
    return text


def typed_columns(rows: list[list[str]]) -> dict[str, list[Any]]:
    header, body = rows[0], rows[1:]
    return {name: [typed(row[i]) for row in body] for i, name in enumerate(header)}


def arrow_table(rows: list[list[str]]) -> pa.Table:
    return pa.table(typed_columns(rows))


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """Typed cells as an office's export has them: dates as date cells (date-only ones with a
    date-only format), small numbers as numbers, empty cells empty."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(rows[0])
    for n, row in enumerate(rows[1:], 2):
        for c, text in enumerate(row, 1):
            value = typed(text)
            if value is None:
                continue
            if isinstance(value, date) and not isinstance(value, datetime):
                cell = sheet.cell(row=n, column=c, value=datetime(value.year, value.month,
                                                                  value.day))
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = sheet.cell(row=n, column=c, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM:SS"
    workbook.save(path)


def scorecard_json(dataset: Dataset) -> str:
    return dumps(scorecard_to_dict(score_766(dataset, period=YEAR)))


def hcm104_json(dataset: Dataset) -> str:
    return json.dumps(hcm104.score(dataset, period=Period.quarter(2025, 2)).to_dict(),
                      sort_keys=True)


@pytest.fixture(scope="module")
def province() -> dict[str, list[list[str]]]:
    return province_rows()


@pytest.fixture(scope="module")
def expected() -> tuple[str, tuple[int, int, int], str]:
    dataset = read_folder(PROVINCE)
    report = dataset.report
    return (scorecard_json(dataset), (report.read, report.accepted, report.rejected),
            hcm104_json(dataset))


def sqlite_file(path: Path, tables: dict[str, list[list[str]]]) -> Path:
    """A real SQLite database of the province: moments as ISO text, small numbers as
    INTEGER, empty cells NULL."""
    db = sqlite3.connect(path)
    for kind, rows in tables.items():
        columns = ", ".join(f'"{c}"' for c in rows[0])
        db.execute(f"CREATE TABLE {kind} ({columns})")
        cells = []
        for row in rows[1:]:
            values = [typed(text) for text in row]
            cells.append([v.isoformat() if isinstance(v, date) else v for v in values])
        db.executemany(f"INSERT INTO {kind} VALUES ({', '.join('?' * len(rows[0]))})", cells)
    db.commit()
    db.close()
    return path


def write_xlsx_folder(tmp: Path, tables: dict[str, list[list[str]]]) -> Path:
    for kind, rows in tables.items():
        write_xlsx(tmp / f"{kind}.xlsx", rows)
    return tmp


def xlsx_folder(tmp: Path, tables: dict[str, list[list[str]]]) -> Dataset:
    return read_folder(write_xlsx_folder(tmp, tables))


@pytest.fixture(scope="module")
def xlsx_province(tmp_path_factory: pytest.TempPathFactory,
                  province: dict[str, list[list[str]]]) -> Path:
    """The example province as a folder of workbooks, written once for the tests that read it
    (openpyxl writes and reads ~4,200 rows in seconds)."""
    return write_xlsx_folder(tmp_path_factory.mktemp("xlsx"), province)


def parquet_folder(tmp: Path, tables: dict[str, list[list[str]]]) -> Dataset:
    for kind, rows in tables.items():
        pq.write_table(arrow_table(rows), tmp / f"{kind}.parquet")
    return read_folder(tmp)


SOURCES: dict[str, Callable[[Path, dict[str, list[list[str]]]], Dataset]] = {
    "xlsx folder": xlsx_folder,
    "parquet folder": parquet_folder,
    "pandas": lambda tmp, t: Dataset.from_frames(
        {k: pd.DataFrame(typed_columns(rows)) for k, rows in t.items()}),
    "pandas read_csv, as text": lambda tmp, t: Dataset.from_frames(
        {k: pd.read_csv(PROVINCE / f"{k}.csv", dtype=str, keep_default_na=False)
         for k in t}),
    "polars": lambda tmp, t: Dataset.from_frames(
        {k: pl.from_arrow(arrow_table(rows)) for k, rows in t.items()}),
    "pyarrow": lambda tmp, t: Dataset.from_frames({k: arrow_table(rows) for k, rows in t.items()}),
    "list of dicts": lambda tmp, t: read_tables(
        {k: [dict(zip(rows[0], map(typed, row), strict=True)) for row in rows[1:]]
         for k, rows in t.items()}),
    "sqlite3": lambda tmp, t: read_database(
        sqlite3.connect(sqlite_file(tmp / "p.db", t)), {k: f"SELECT * FROM {k}" for k in t}),
    "sqlalchemy url": lambda tmp, t: read_database(
        f"sqlite:///{sqlite_file(tmp / 'p.db', t)}", {k: f"SELECT * FROM {k}" for k in t}),
    "file objects": lambda tmp, t: read_files(
        {k: io.BytesIO((PROVINCE / f"{k}.csv").read_bytes()) for k in t},
        formats=dict.fromkeys(t, "csv")),
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_source_gives_the_csv_folders_scorecard(
        tmp_path: Path, province: dict[str, list[list[str]]],
        expected: tuple[str, tuple[int, int, int], str], source: str,
        request: pytest.FixtureRequest) -> None:
    if source == "xlsx folder":  # the workbooks are shared with the command-line test
        dataset = read_folder(request.getfixturevalue("xlsx_province"))
    else:
        dataset = SOURCES[source](tmp_path, province)
    report = dataset.report
    # 7,075 rows in the ten files of the example province, all accepted.
    assert (report.read, report.accepted, report.rejected) == expected[1] == (7075, 7075, 0)
    assert scorecard_json(dataset) == expected[0]
    assert hcm104_json(dataset) == expected[2]


def test_xlsx_folder_scores_the_same_on_the_command_line(
        xlsx_province: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q2 = ["--period", "2025-Q2", "--format", "json"]
    assert main(["score", str(PROVINCE), *q2]) == 0
    want = capsys.readouterr().out
    assert main(["score", str(xlsx_province), *q2]) == 0
    assert capsys.readouterr().out == want


# ---------------------------------------------------------------------------------------------
# junk in each form: row-level rejections, never a failed batch

JUNK_HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "KenhThucHien", "DaDongBoDVCQG"]
JUNK_ROWS: list[list[Any]] = [
    ["HS1", "P1", "U1", datetime(2025, 6, 2, 8), 2, True],           # 1: good
    ["HS2", "P1", "U1", "02/06/2025 08", 1, 1],                      # 2: truncated moment
    ["HS3", 2.5, "U1", datetime(2025, 6, 2, 8), 1, 0],               # 3: a code as a decimal
    ["HS4", "P1", "U1", datetime(2025, 6, 2, 8), "qua Zalo", 0],     # 4: unknown channel
    ["HS5", "P1", "U1", datetime(2025, 6, 2, 8), 1, 7],              # 5: a flag that is 7
    ["HS1", "P1", "U1", datetime(2025, 6, 3, 8), 1, 1],              # 6: duplicate id
    [7.0, "P1", "U1", date(2025, 6, 2), 3, None],                    # 7: good: id "7"
]
JUNK_REASONS = {
    2: ("received_at", "not a date or time the library reads"),
    3: ("procedure_code", "expected text, got 2.5"),
    4: ("channel", "unknown channel 'qua Zalo'"),
    5: ("synced_to_portal", "expected a yes/no value, got 7"),
    6: ("id", "duplicate dossier id 'HS1': first seen on line 1"),
}


def check_junk(records: list[Any], builder: ReportBuilder, file: str,
               line_of: Callable[[int], int], empty_flag: bool | None = None) -> None:
    report = builder.build()
    assert (report.read, report.accepted, report.rejected) == (7, 2, 5)
    assert [d.id for d in records] == ["HS1", "7"]
    assert records[0].channel is Channel.ONLINE and records[0].synced_to_portal is True
    # A date-only receipt means 00:00 (SPEC §8). None in a flag column: not reported; an empty
    # spreadsheet cell: no, as in the sheet's CSV export.
    assert records[1].received_at == datetime(2025, 6, 2, 0, 0)
    assert records[1].channel is Channel.POSTAL and records[1].synced_to_portal is empty_flag
    got = {r.line: (r.field, r.reason) for r in report.rejections}
    assert set(got) == {line_of(n) for n in JUNK_REASONS}
    for n, (field, reason) in JUNK_REASONS.items():
        reason = reason.replace("on line 1", f"on line {line_of(1)}")
        assert got[line_of(n)][0] == field
        assert got[line_of(n)][1].startswith(reason), got[line_of(n)]
    assert {r.file for r in report.rejections} == {file}


def test_junk_rows_in_a_dataframe_are_rejected_one_by_one() -> None:
    frame = pd.DataFrame(JUNK_ROWS, columns=JUNK_HEADER, dtype=object)
    builder = ReportBuilder()
    records = list(iter_rows(_frame_rows(frame), "dossiers", file="dossiers",
                             report_builder=builder))
    check_junk(records, builder, "dossiers", lambda n: n)


def _frame_rows(frame: Any) -> Iterator[tuple[int, Any]]:
    from chiso766.io.frames import frame_rows

    return frame_rows(frame, "dossiers")


@pytest.mark.parametrize("form", ["pandas", "polars", "pyarrow", "mappings"])
def test_junk_rows_in_every_table_form(form: str) -> None:
    table: Any
    if form == "pandas":
        table = pd.DataFrame(JUNK_ROWS, columns=JUNK_HEADER, dtype=object)
    elif form == "mappings":
        table = [dict(zip(JUNK_HEADER, row, strict=True)) for row in JUNK_ROWS]
    else:
        # An Arrow or polars column holds one type: the mixed columns as their text.
        text = {name: [None if row[i] is None else str(row[i]) for row in JUNK_ROWS]
                for i, name in enumerate(JUNK_HEADER)}
        table = pa.table(text) if form == "pyarrow" else pl.DataFrame(text)
    dataset = read_tables({"dossiers": table}, labels={"dossiers": "HoSo"})
    report = dataset.report
    assert report.read == report.accepted + report.rejected == 7
    assert {r.file for r in report.rejections} == {"HoSo"}
    got = {r.line: (r.field, r.reason) for r in report.rejections}
    # Rows 2 (truncated moment), 4 (channel), 5 (flag 7) and 6 (duplicate id) are rejected in
    # every form; row 3's code is rejected where it is the number 2.5, not the text "2.5".
    typed_cells = form in ("pandas", "mappings")
    assert set(got) == ({2, 3, 4, 5, 6} if typed_cells else {2, 4, 5, 6})
    for n in got:
        field, reason = JUNK_REASONS[n]
        if n == 5 and not typed_cells:
            reason = "unknown yes/no value '7'"  # the text "7", as in a CSV file
        assert got[n][0] == field and got[n][1].startswith(reason), got[n]
    # Row 7's id 7.0 is "7" when it is a float, and its text "7.0" otherwise.
    assert dataset.dossiers[-1].id == ("7" if typed_cells else "7.0")


TEXT_JUNK = [
    ["HS1", "P1", "U1", "02/06/2025 08:00:00", "2", "1"],
    ["HS2", "P1", "U1", "02/06/2025 08", "1", "1"],        # truncated moment
    ["HS3", "P1", "U1", "31/02/2025", "1", "0"],           # no such day
    ["HS4", "P1", "U1", "02/06/2025", "qua Zalo", "0"],    # unknown channel
    ["HS5", "P1", "U1", "02/06/2025", "1", "có lẽ"],       # not a yes/no word
    ["HS1", "P1", "U1", "03/06/2025", "1", "1"],           # duplicate id
    ["", "P1", "U1", "02/06/2025", "1", "1"],              # no id
    ["HS6", "P1", "U1", "2025-06-02T08:00:00+07:00", "", ""],
]


def _rows_of(rejections: Any, first: int) -> list[tuple[Any, ...]]:
    """Rejections with their lines (and the lines their reasons name) as data row numbers."""
    def row(line: int) -> int:
        return line - first + 1

    return [(row(r.line), r.field, r.column, r.value,
             re.sub(r"on line (\d+)", lambda m: f"on row {row(int(m[1]))}", r.reason))
            for r in rejections]


def _text_junk_in(form: str, tmp: Path) -> tuple[Dataset, int]:
    """The text rows in one form, read; and the line of the first data row."""
    rows = [JUNK_HEADER, *TEXT_JUNK]
    tmp.mkdir(exist_ok=True)
    if form == "csv":
        with (tmp / "dossiers.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        return read_folder(tmp), 2
    if form == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:  # text cells, as a sheet formatted as Text holds them
            sheet.append(row)
        workbook.save(tmp / "dossiers.xlsx")
        return read_folder(tmp), 2
    columns = {name: [row[i] for row in TEXT_JUNK] for i, name in enumerate(JUNK_HEADER)}
    if form == "parquet":
        pq.write_table(pa.table(columns), tmp / "dossiers.parquet")
        return read_folder(tmp), 1
    if form == "sqlite":
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE TABLE d ({', '.join(JUNK_HEADER)})")
        db.executemany(f"INSERT INTO d VALUES ({', '.join('?' * len(JUNK_HEADER))})", TEXT_JUNK)
        return read_database(db, {"dossiers": "SELECT * FROM d"}), 1
    return read_tables({"dossiers": pd.DataFrame(columns)}), 1


@pytest.mark.parametrize("form", ["csv", "xlsx", "parquet", "sqlite", "pandas"])
def test_the_same_junk_is_rejected_alike_in_every_form(tmp_path: Path, form: str) -> None:
    dataset, first = _text_junk_in(form, tmp_path)
    report = dataset.report
    assert (report.read, report.accepted, report.rejected) == (8, 2, 6)
    want, _ = _text_junk_in("csv", tmp_path / "csv") if form != "csv" else (dataset, 2)
    got = _rows_of(report.rejections, first)
    assert got == _rows_of(want.report.rejections, 2)
    assert [row for row, *_ in got] == [2, 3, 4, 5, 6, 7]
    assert got[4][4] == "duplicate dossier id 'HS1': first seen on row 1"
    assert [d.id for d in dataset.dossiers] == ["HS1", "HS6"]


def test_junk_in_an_xlsx_sheet(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "HoSo"
    sheet.append(JUNK_HEADER)
    for row in JUNK_ROWS:
        sheet.append(row)
    sheet["B9"] = "=NA()"  # a formula without a cached value: an empty cell, so a blank row
    workbook.create_sheet("Ghi chú")
    workbook.save(path)
    builder = ReportBuilder()
    records = list(iter_records(path, "dossiers", report_builder=builder))
    report = builder.build()
    # Sheet rows: the header is row 1, junk row n is sheet row n + 1.
    check_junk(records, builder, "dossiers.xlsx", lambda n: n + 1, empty_flag=False)
    assert report.files["dossiers.xlsx"].read == 7
    assert "dossiers.xlsx: 1 empty row(s) skipped" in report.notes
    assert any("first sheet, 'HoSo'" in n and "1 other sheet(s) ignored" in n
               for n in report.notes)


def test_the_header_of_a_sheet_is_its_first_non_empty_row(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A3"], sheet["B3"], sheet["C3"], sheet["D3"] = H.split(",")
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["D4"] = "HS1", "P1", "U1", "bad"
    workbook.save(path)
    builder = ReportBuilder()
    assert list(iter_records(path, "dossiers", report_builder=builder)) == []
    assert builder.build().rejections[0].line == 4
    sheet["A1"] = "Danh sách hồ sơ"  # a title above the table is taken for the header
    workbook.save(path)
    with pytest.raises(InputError, match=r"dossiers\.xlsx:1, field 'id': no id \(MaHoSo"):
        list(iter_records(path, "dossiers"))


def test_excel_cells_are_read_as_their_csv_text_would_be(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayTra",
                  "DaDongBoDVCQG", "NopQuaDVCQG"])
    sheet.append([1, "P1", "U1", datetime(2025, 6, 2, 8, 5), datetime(2025, 6, 16),
                  datetime(2025, 6, 16), True, None])
    sheet["E2"].number_format = "DD/MM/YYYY"  # a date: due at 17:00 (SPEC §8)
    sheet["F2"].number_format = "DD/MM/YYYY HH:MM"  # a date and time shown: 00:00
    sheet.append(["HS2", "P1", "U1", "=1/0", None, None, 0, 1])
    sheet["D3"].value = "#DIV/0!"
    sheet["D3"].data_type = "e"
    workbook.save(tmp_path / "dossiers.xlsx")
    builder = ReportBuilder()
    records = list(iter_records(tmp_path / "dossiers.xlsx", "dossiers", report_builder=builder))
    (one,) = records
    assert one.id == "1"  # a whole number cell reads as the id "1"
    assert one.received_at == datetime(2025, 6, 2, 8, 5)
    assert one.due_at == datetime(2025, 6, 16, 17, 0)
    assert one.returned_at == datetime(2025, 6, 16, 0, 0)
    # An empty cell in a flag column is "no", as in the sheet's CSV export.
    assert one.synced_to_portal is True and one.submitted_via_portal is False
    (bad,) = builder.build().rejections
    assert (bad.file, bad.line, bad.field, bad.column, bad.value) == (
        "dossiers.xlsx", 3, "received_at", "NgayTiepNhan", "#DIV/0!")
    assert bad.reason.startswith("an Excel error value (#DIV/0!)")


def test_a_workbook_that_cannot_be_read_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "dossiers.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match=r"dossiers\.xlsx: not a readable \.xlsx workbook"):
        read_folder(tmp_path)


def test_xlsx_without_openpyxl_is_an_error_not_a_skipped_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dossiers.csv").write_text(f"{H}\nHS1,P1,U1,02/06/2025\n", encoding="utf-8")
    write_xlsx(tmp_path / "units.xlsx", [["MaDonVi"], ["U1"]])
    assert read_folder(tmp_path).units[0].id == "U1"
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if the extra were not installed
    with pytest.raises(InputError, match=r"units\.xlsx: reading \.xlsx files needs openpyxl"):
        read_folder(tmp_path)


# ---------------------------------------------------------------------------------------------
# which files of a folder are record files


def test_xlsx_beside_csv_for_one_kind_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "dossiers.csv").write_text(f"{H}\nHS1,P1,U1,02/06/2025\n", encoding="utf-8")
    write_xlsx(tmp_path / "dossiers.xlsx", [H.split(","), ["HS2", "P1", "U1", "02/06/2025"]])
    with pytest.raises(InputError, match=r"two files for dossiers \(dossiers\.csv, "
                                         r"dossiers\.xlsx\): keep one"):
        read_folder(tmp_path)


@pytest.mark.parametrize("name", ["dossiers.xls", "Units.ods", "ratings.csv.gz",
                                  "petitions.txt"])
def test_a_record_file_in_a_format_not_read_is_an_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "dossiers.csv").write_text(f"{H}\nHS1,P1,U1,02/06/2025\n", encoding="utf-8")
    if name != "dossiers.xls":
        (tmp_path / name).write_bytes(b"whatever")
    else:
        (tmp_path / "dossiers.csv").rename(tmp_path / name)
    with pytest.raises(InputError, match=re.escape(name) + ": a .* file in a format the "
                       "library cannot read"):
        read_folder(tmp_path)


def test_other_files_and_excel_lock_files_are_only_noted(tmp_path: Path) -> None:
    (tmp_path / "dossiers.csv").write_text(f"{H}\nHS1,P1,U1,02/06/2025\n", encoding="utf-8")
    (tmp_path / "~$dossiers.xlsx").write_bytes(b"lock")
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("x", encoding="utf-8")
    dataset = read_folder(tmp_path)
    assert dataset.report.notes[0] == ("ignored files that are not record files: README.md, "
                                       "~$dossiers.xlsx")


def _units_folder(tmp_path: Path) -> Path:
    (tmp_path / "dossiers.csv").write_text(f"{H}\nHS1,P1,U1,02/06/2025\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("how", ["dangling link", "looping link", "folder"])
def test_a_units_file_that_is_not_a_file_is_an_error_exit_2(
        tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _units_folder(tmp_path)
    units = folder / "units.csv"
    if how == "dangling link":
        units.symlink_to(folder / "gone.csv")
    elif how == "looping link":
        units.symlink_to(units)
    else:
        units.mkdir()
    reason = {"dangling link": "a broken symbolic link", "looping link": "a broken symbolic link",
              "folder": "a folder, not a file"}[how]
    with pytest.raises(InputError, match=re.escape(f"units.csv: {reason}")):
        read_folder(folder)
    for extra in ([], ["--period", "2025-Q2"]):
        assert main(["score", str(folder), *extra]) == 2
        err = capsys.readouterr().err
        assert "units.csv" in err and reason in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_a_units_file_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    folder = _units_folder(tmp_path)
    units = folder / "units.csv"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root reads any file whatever its mode; /proc/self/mem opens and then fails to read
        # (EIO at offset 0), for root too: an unreadable file as CI, running as root, has one
        units.symlink_to("/proc/self/mem")
    else:
        units.write_text("MaDonVi\nU1\n", encoding="utf-8")
        units.chmod(0)
    try:
        with pytest.raises(InputError, match=r"units\.csv: cannot read the file"):
            read_folder(folder)
    finally:
        if not units.is_symlink():
            units.chmod(0o644)


# ---------------------------------------------------------------------------------------------
# issue 18 on the record path


def test_a_truncated_moment_rejects_its_row_only(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dossiers.csv").write_text(
        f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\nHS2,P1,U1,02/06/2025 08\n", encoding="utf-8")
    dataset = read_folder(tmp_path)
    assert [d.id for d in dataset.dossiers] == ["HS1"]
    (bad,) = dataset.report.rejections
    assert (bad.line, bad.field, bad.value) == (3, "received_at", "02/06/2025 08")
    assert bad.reason.startswith("not a date or time the library reads")
    for extra in ([], ["--period", "2025-Q2"]):
        assert main(["score", str(tmp_path), *extra]) == 1
        assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["02/06/2025 08:05:00", "2025-06-02T08:05:00", "20250602080500"])
def test_every_truncation_of_a_moment_is_a_cell_error_never_a_crash(shape: str) -> None:
    from chiso766.io.values import CellError, moment

    for end in range(1, len(shape)):
        with contextlib.suppress(CellError):  # anything else fails the test
            moment(shape[:end])


@pytest.mark.parametrize("cell", ["²", "²⁰²⁵-06-02", "02/06/²⁰²⁵"])
def test_a_superscript_digit_in_a_moment_is_a_cell_error(cell: str) -> None:
    # str.isdigit() is true for "²" but int("²") fails: found by the sources property test.
    from chiso766.io.values import CellError, moment

    with pytest.raises(CellError, match="not a date or time the library reads"):
        moment(cell)


def test_old_mac_line_ends_are_read(tmp_path: Path) -> None:
    rows = [H, "HS1,P1,U1,02/06/2025 08:00:00", '"HS2",P1,U1,03/06/2025', "HS3,P1,U1,bad"]
    (tmp_path / "unix.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "mac.csv").write_bytes(("\r".join(rows) + "\r").encode("utf-8"))
    got = []
    for name in ("unix.csv", "mac.csv"):
        builder = ReportBuilder()
        records = list(iter_records(tmp_path / name, "dossiers", report_builder=builder))
        report = builder.build()
        got.append(([d.id for d in records],
                    [(r.line, r.field, r.value) for r in report.rejections]))
    assert got[0] == got[1] == (["HS1", "HS2"], [(4, "received_at", "bad")])


def test_old_mac_line_ends_on_the_command_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rows = [H, "HS1,P1,U1,02/06/2025 08:00:00", "HS2,P1,U1,02/06/2025 08"]
    (tmp_path / "dossiers.csv").write_bytes(("\r".join(rows) + "\r").encode("utf-8"))
    for extra in ([], ["--period", "2025-Q2"]):
        assert main(["score", str(tmp_path), "--format", "json", *extra]) == 1
        out, err = capsys.readouterr()
        assert '"input": {\n    "read": 2,\n    "accepted": 1,\n    "rejected": 1' in out
        assert "internal error" not in err


def test_a_header_csv_cannot_read_is_a_one_line_error(tmp_path: Path) -> None:
    # A header cell longer than the csv module's field limit (131,072 characters).
    (tmp_path / "dossiers.csv").write_text(f"{H},{'x' * 200_000}\nHS1,P1,U1,02/06/2025,\n",
                                           encoding="utf-8")
    with pytest.raises(InputError, match=r"dossiers\.csv:1: the header line cannot be read as "
                                         r"CSV \(field larger than field limit"):
        read_folder(tmp_path)


def test_a_cr_inside_a_row_rejects_that_row(tmp_path: Path) -> None:
    (tmp_path / "dossiers.csv").write_bytes(f"{H}\nHS1,P1,U1,02/06/2025\n"
                                            "HS2,P\r1,U1,02/06/2025\nHS3,P1,U1,02/06/2025\n"
                                            .encode())
    dataset = read_folder(tmp_path)
    assert [d.id for d in dataset.dossiers] == ["HS1", "HS3"]
    (bad,) = dataset.report.rejections
    assert bad.line == 3 and bad.reason.startswith("unreadable CSV row")


def test_strict_mode_stops_at_the_first_bad_row_in_file_order(tmp_path: Path) -> None:
    # A duplicate id on line 3 and a bad date on line 4: line 3 is named, in every form.
    rows = [H, "HS1,P1,U1,02/06/2025", "HS1,P1,U1,03/06/2025", "HS2,P1,U1,31/02/2025"]
    (tmp_path / "dossiers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_folder(tmp_path, strict=True)
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "dossiers.csv", 3, "id")
    with pytest.raises(InputError) as caught:
        list(iter_records(tmp_path / "dossiers.csv", "dossiers", strict=True))
    assert caught.value.line == 3
    table = [dict(zip(H.split(","), row.split(","), strict=True)) for row in rows[1:]]
    with pytest.raises(InputError) as caught:
        read_tables({"dossiers": table}, strict=True)
    assert (caught.value.file, caught.value.line) == ("dossiers", 2)


def test_parquet_is_read_with_polars_when_pyarrow_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [H.split(","), ["HS1", "P1", "U1", "02/06/2025 08:00:00"], ["HS2", "P1", "U1", "x"]]
    pq.write_table(pa.table({name: [row[i] for row in rows[1:]]
                             for i, name in enumerate(rows[0])}), tmp_path / "dossiers.parquet")
    with_arrow = read_folder(tmp_path)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with_polars = read_folder(tmp_path)
    assert with_polars.dossiers == with_arrow.dossiers and len(with_arrow.dossiers) == 1
    assert with_polars.report == with_arrow.report
    (bad,) = with_arrow.report.rejections
    assert (bad.file, bad.line, bad.field) == ("dossiers.parquet", 2, "received_at")
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(InputError, match=r"dossiers\.parquet: reading Parquet files needs "
                                         "pyarrow"):
        read_folder(tmp_path)


def test_a_parquet_file_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "dossiers.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(InputError, match=r"dossiers\.parquet: not a readable Parquet file"):
        read_folder(tmp_path)


def test_a_polars_lazy_frame_and_an_arrow_record_batch(
        province: dict[str, list[list[str]]]) -> None:
    table = arrow_table(province["dossiers"])
    lazy = read_tables({"dossiers": pl.from_arrow(table).lazy()})  # type: ignore[union-attr]
    batch = read_tables({"dossiers": table.combine_chunks().to_batches()[0]})
    assert lazy.dossiers == batch.dossiers and len(lazy.dossiers) == 4193


def test_what_is_not_a_table_is_an_error() -> None:
    with pytest.raises(InputError, match="dossiers: expected a pandas or polars DataFrame"):
        read_tables({"dossiers": "dossiers.csv"})
    with pytest.raises(PolicyError, match="unknown record kind"):
        read_tables({"dossiers": [], "hoso": []})
    rows: list[Any] = [{"MaHoSo": "HS1", "MaTTHC": "P1", "MaDonVi": "U1",
                        "NgayTiepNhan": "02/06/2025"}, ["HS2", "P1"]]
    dataset = read_tables({"dossiers": rows})
    (bad,) = dataset.report.rejections
    assert (bad.line, bad.field) == (2, None)
    assert bad.reason == "expected a mapping of column names to values, got list"


# ---------------------------------------------------------------------------------------------
# file objects


def test_iter_records_reads_file_objects(tmp_path: Path) -> None:
    text = f"{H}\nHS1,P1,U1,02/06/2025\nHS2,P1,U1,bad\n"
    sources: list[io.BytesIO | io.StringIO] = [io.BytesIO(text.encode()), io.StringIO(text)]
    for source in sources:
        builder = ReportBuilder()
        records = list(iter_records(source, "dossiers", format="csv", report_builder=builder))
        assert [d.id for d in records] == ["HS1"]
        (bad,) = builder.build().rejections
        assert (bad.file, bad.line) == ("dossiers", 3)
        assert not source.closed  # the caller's file is left open
    jsonl = b'{"MaHoSo": "HS1", "MaTTHC": "P1", "MaDonVi": "U1", "NgayTiepNhan": "02/06/2025"}\n'
    assert [d.id for d in iter_records(io.BytesIO(jsonl * 1), "dossiers", format="jsonl")] == [
        "HS1"]
    path = tmp_path / "dossiers.xlsx"
    write_xlsx(path, [H.split(","), ["HS1", "P1", "U1", "02/06/2025"]])
    with path.open("rb") as f:  # the name gives the format
        assert [d.id for d in iter_records(f, "dossiers")] == ["HS1"]
    with pytest.raises(PolicyError, match="say its format"):
        iter_records(io.BytesIO(b""), "dossiers")


def test_a_long_jsonl_file_object_is_read_past_its_first_block() -> None:
    line = '{"MaHoSo": "HS%d", "MaTTHC": "P1", "MaDonVi": "U1", "NgayTiepNhan": "02/06/2025"}\n'
    data = "".join(line % n for n in range(200)).encode()  # ~16 KB: crosses the 4 KB head
    records = list(iter_records(io.BytesIO(data), "dossiers", format="jsonl"))
    assert [d.id for d in records] == [f"HS{n}" for n in range(200)]


def test_read_files_reads_a_member_of_a_zip_archive(tmp_path: Path) -> None:
    archive_path = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.write(PROVINCE / "dossiers.csv", "dossiers.csv")
        archive.write(PROVINCE / "units.csv", "units.csv")
    with zipfile.ZipFile(archive_path) as archive, archive.open("dossiers.csv") as dossiers, \
            archive.open("units.csv") as units:
        dataset = read_files({"dossiers": dossiers, "units": units})
    # The same two files given as paths.
    paths = read_files({"dossiers": PROVINCE / "dossiers.csv", "units": PROVINCE / "units.csv"})
    assert scorecard_json(dataset) == scorecard_json(paths)
    assert dataset.report.files == paths.report.files
    assert set(dataset.report.files) == {"dossiers.csv", "units.csv"}


def test_read_files_mixes_paths_and_file_objects(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("MaDonVi\nU1\n", encoding="utf-8")
    dossiers = io.BytesIO(f"{H}\nHS1,P1,U1,02/06/2025\nHS2,P1,U9,02/06/2025\n".encode())
    dataset = read_files({"dossiers": dossiers, "units": units}, formats={"dossiers": "csv"})
    assert [d.id for d in dataset.dossiers] == ["HS1"]
    (bad,) = dataset.report.rejections
    assert (bad.file, bad.line, bad.field) == ("dossiers", 3, "unit_id")


# ---------------------------------------------------------------------------------------------
# databases


def test_read_database_with_sqlalchemy_and_null_flags(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'motcua.db'}")
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(
            "CREATE TABLE ho_so (ma TEXT, thu_tuc TEXT, don_vi TEXT, tiep_nhan TEXT, "
            "hen_tra TEXT, dong_bo INTEGER)"))
        conn.execute(sqlalchemy.text(
            "INSERT INTO ho_so VALUES ('HS1', 'P1', 'U1', '2025-06-02 08:00:00', "
            "'2025-06-16', 1), ('HS2', 'P1', 'U1', '2025-06-02', NULL, NULL), "
            "('HS3', 'P1', 'U1', '2025-06-09', '2025-06-02', 0)"))
    query = ('SELECT ma AS "MaHoSo", thu_tuc AS "MaTTHC", don_vi AS "MaDonVi", '
             'tiep_nhan AS "NgayTiepNhan", hen_tra AS "NgayHenTra", '
             'dong_bo AS "DaDongBoDVCQG" FROM ho_so WHERE don_vi = :unit ORDER BY ma')
    dataset = read_database(engine, {"dossiers": query}, params={"unit": "U1"})
    hs1, hs2 = dataset.dossiers
    assert hs1.due_at == datetime(2025, 6, 16, 17, 0) and hs1.synced_to_portal is True
    assert hs2.due_at is None and hs2.synced_to_portal is None  # NULL: not reported
    (bad,) = dataset.report.rejections
    assert (bad.file, bad.line, bad.field) == ("dossiers", 3, "due_at")
    assert dataset.report.files["dossiers"].read == 3
    with engine.connect() as conn:  # a Connection works as an Engine does
        assert len(read_database(conn, {"dossiers": query}, params={"unit": "U1"}).dossiers) == 2


def test_a_failing_query_is_an_error_naming_its_kind() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE d (MaHoSo, MaTTHC, MaDonVi, NgayTiepNhan)")
    with pytest.raises(InputError, match=r"units: the query failed \(OperationalError"):
        read_database(db, {"dossiers": "SELECT * FROM d", "units": "SELECT * FROM nowhere"})
    with pytest.raises(InputError, match="no dossiers query"):
        read_database(db, {"units": "SELECT 1"})
    with pytest.raises(PolicyError, match="unknown record kind"):
        read_database(db, {"dossiers": "SELECT * FROM d", "hoso": "SELECT 1"})


def test_a_database_url_that_cannot_be_used_is_an_error_without_its_password() -> None:
    with pytest.raises(InputError, match="cannot use the database URL") as caught:
        read_database("postgresql+nosuchdriver://motcua:secret@db.example/motcua",
                      {"dossiers": "SELECT 1"})
    assert "secret" not in str(caught.value)
    assert "motcua:***@db.example" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# typed cells made plain


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("x", "x"), (True, True), (3, 3),
    (1.0, 1), (2.5, 2.5), (float("nan"), None), (2.0**53, 2**53), (1e20, 1e20),
    (Decimal("2"), 2), (Decimal("1.000100"), "1.000100"), (Decimal("NaN"), None),
    (date(2025, 6, 2), "2025-06-02"),
    (datetime(2025, 6, 2, 8, 5), "2025-06-02T08:05:00"),
    (datetime(2025, 6, 2, 1, 5, tzinfo=UTC), "2025-06-02T01:05:00+00:00"),
    (pd.Timestamp("2025-06-02 08:05:00.000000001"), "2025-06-02T08:05:00"),
    (pd.NaT, None), (pd.NA, None),
    (np.int64(7), 7), (np.bool_(True), True),
    (np.float64(4.0), 4),
    (b"HS1", "HS1"), (time(8, 5), "08:05:00"), (timedelta(hours=4), "4:00:00"),
])
def test_plain(value: Any, expected: Any) -> None:
    got = plain(value)
    assert got == expected and type(got) is type(expected)


def test_plain_marks_undecodable_bytes() -> None:
    got = plain(b"\xff\xfe")
    assert isinstance(got, BadCell) and got.reason == "the bytes are not UTF-8 text"


def test_undecodable_bytes_reject_their_row_only_in_a_field_column() -> None:
    rows: list[dict[str, Any]] = [
        {"MaHoSo": b"HS1", "MaTTHC": "P1", "MaDonVi": "U1", "NgayTiepNhan": "02/06/2025",
         "GhiChu": b"\xff"},  # an unknown column: ignored, bytes and all
        {"MaHoSo": b"HS\xff", "MaTTHC": "P1", "MaDonVi": "U1", "NgayTiepNhan": "02/06/2025"},
    ]
    dataset = read_tables({"dossiers": rows})
    assert [d.id for d in dataset.dossiers] == ["HS1"]
    (bad,) = dataset.report.rejections
    assert (bad.line, bad.field, bad.column, bad.value) == (2, "id", "MaHoSo", "b'HS\\xff'")
    assert bad.reason == "the bytes are not UTF-8 text"


def test_a_dossier_read_from_every_form_is_the_same_record() -> None:
    row = {"MaHoSo": "HS1", "MaTTHC": "P1", "MaDonVi": "U1", "KenhThucHien": 2,
           "NgayTiepNhan": datetime(2025, 6, 2, 8, 5), "NgayHenTra": date(2025, 6, 16)}
    csv_text = ("MaHoSo,MaTTHC,MaDonVi,KenhThucHien,NgayTiepNhan,NgayHenTra\n"
                "HS1,P1,U1,2,02/06/2025 08:05:00,16/06/2025\n")
    from_csv = list(iter_records(io.StringIO(csv_text), "dossiers", format="csv"))
    forms: list[Any] = [[row], pd.DataFrame([row]), pa.Table.from_pylist([row]),
                        pl.DataFrame([row])]
    for form in forms:
        (record,) = read_tables({"dossiers": form}).dossiers
        assert record == from_csv[0], type(form)
    assert isinstance(from_csv[0], Dossier)
    assert from_csv[0].due_at == datetime(2025, 6, 16, 17, 0)
