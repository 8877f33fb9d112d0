"""The report writers with text from the input (issue 18 items 6, 7, 10; issue 17 items 7, 9,
12): no formula reaches a spreadsheet, no control character reaches a terminal, the HTML is
escaped, the JSON round-trips; the same input gives the same bytes in every format; the xlsx
carries an information sheet, number formats and filters; a period lists its own flagged
dossiers; numbers are written the reader's way; the printed page meets contrast and header
rules."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

from chiso766 import (
    Dataset,
    Dossier,
    Period,
    Procedure,
    TimeLimit,
    Unit,
    hcm104,
    read_folder,
    read_portal,
    reconcile,
    score_766,
)
from chiso766.criteria.base import Note
from chiso766.io.readers import ReadReport, Rejection
from chiso766.reports import hcm104_report as hr
from chiso766.reports import reconcile_report as rr
from chiso766.reports.csv_report import scorecard_csv
from chiso766.reports.fmt import note_text, number_text
from chiso766.reports.hcm104_html import render_hcm104_html
from chiso766.reports.html import CSS, render_html
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.reports.table import rejections_text, render_scorecard
from chiso766.reports.text import DANGEROUS_STARTS, cell_text, terminal_text, xlsx_text
from chiso766.rules import Band
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
Q2 = Period.quarter(2025, 2)

HOSTILE = (
    '=HYPERLINK("http://x.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
    "a\x1b[2Jb", "line1\nline2", "fake\r\nline", "nul\x00byte", "x" * 40_000, "RTL\u202eevil",
    "😀 emoji 👨‍👩‍👧", "<script>alert(1)</script>&\"'",
)
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


# ---------------------------------------------------------------------------------------------
# the two text functions


@pytest.mark.parametrize(("text", "shown"), [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Sở Tư pháp", "Sở Tư pháp"), ("a=b", "a=b"), ("", ""), ("'=x", "'=x"),
])
def test_cell_text(text: str, shown: str) -> None:
    assert cell_text(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("a\x1b[2Jb", "a\\x1b[2Jb"), ("l1\nl2", "l1\\nl2"), ("a\rb", "a\\rb"), ("a\tb", "a\\tb"),
    ("nul\x00", "nul\\x00"), ("\x7f\x9b", "\\x7f\\x9b"), ("RTL\u202eevil", "RTL\\u202eevil"),
    ("Sở Tư pháp 😀", "Sở Tư pháp 😀"), ("C:\\path", "C:\\path"),
])
def test_terminal_text(text: str, shown: str) -> None:
    assert terminal_text(text) == shown


# ---------------------------------------------------------------------------------------------
# hostile strings through every writer


@pytest.fixture(scope="module")
def province() -> Dataset:
    return read_folder(PROVINCE)


@pytest.fixture(scope="module")
def hostile(province: Dataset) -> Dataset:
    """The example province with every unit named by a hostile string, the first flagged Q2
    dossiers' ids replaced by them, and one rejected row per hostile string (in file, field,
    value and reason)."""
    units = tuple(attrs.evolve(u, name=HOSTILE[i % len(HOSTILE)])
                  for i, u in enumerate(province.units))
    rejections = tuple(Rejection(file=h[:60], line=i + 2, field=h[:30], value=h, reason=h)
                       for i, h in enumerate(HOSTILE))
    report = ReadReport(read=province.report.read + len(rejections),
                        accepted=province.report.accepted, rejected=len(rejections),
                        rejections=rejections, files=province.report.files)
    missing_due = [i for i, d in enumerate(province.dossiers)
                   if d.due_at is None and Q2.contains(d.receipt)]
    dossiers = list(province.dossiers)
    safe_ids = [h for h in HOSTILE if "\x00" not in h and len(h) < 100]
    for k, i in enumerate(missing_due[:len(safe_ids)]):
        dossiers[i] = attrs.evolve(dossiers[i], id=safe_ids[k])
    return attrs.evolve(province, units=units, report=report, dossiers=tuple(dossiers))


@pytest.fixture(scope="module")
def hostile_card(hostile: Dataset) -> Any:
    return score_766(hostile, period=Q2)


@pytest.fixture(scope="module")
def hostile_hcm(hostile: Dataset, hostile_card: Any) -> Any:
    return hcm104.score(hostile, period=Q2, scorecard=hostile_card, by_staff=True)


@pytest.fixture(scope="module")
def hostile_rec() -> Any:
    snap = read_portal([ROOT / "examples" / "portal" / "transparency.json",
                        ROOT / "examples" / "portal" / "handling-satisfaction.json"])
    unit = "H44.07"
    data = Dataset.from_records(
        units=[Unit(unit, name=HOSTILE[0] + HOSTILE[6] + HOSTILE[7])],
        procedures=[Procedure("P1", time_limit=TimeLimit.working_days(10))],
        dossiers=[Dossier(f"A{i:03}", "P1", unit, received_at=datetime(2026, 8, 3, 9),
                          finished_at=datetime(2026, 8, 4, 9), synced_to_portal=True)
                  for i in range(5)])
    card = score_766(data, period=Period.month(2026, 8), keep_ids=True)
    return reconcile(card, snap, units={unit: "019d2be3-6a88-732b-8b17-c2db58b51fef"})


def _flagged(dataset: Dataset, card: Any) -> list[tuple[Any, Any]]:
    from chiso766.reports.flagged import flagged_dossiers

    return flagged_dossiers(dataset, card.period, card.as_of)


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _check_csv(text: str) -> int:
    """Every cell of a CSV text: none starts a formula but a number the report computed (a
    negative difference). Returns the number of cells."""
    cells = 0
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            cells += 1
            assert _NUMBER.fullmatch(cell) or not cell.startswith(DANGEROUS_STARTS), cell[:60]
    return cells


def _check_table(text: str) -> None:
    """A text table: no control character but the line ends, no bidirectional control."""
    for line in text.split("\n"):
        bad = [ch for ch in line if unicodedata.category(ch) == "Cc" or ch in _BIDI]
        assert not bad, (line[:80], bad)


def _check_xlsx(data: bytes) -> list[str]:
    """Every cell of a workbook: no formula, text stored as text and never starting one.
    Returns the text cells."""
    openpyxl = need("openpyxl", "excel")
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(DANGEROUS_STARTS), cell.value[:60]
                    texts.append(cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name
    return texts


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_html(page: str) -> _Tags:
    """An HTML page: no element from the input (no <script>), every <th> with a scope."""
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert "script" not in names
    for tag, attrs_ in parser.tags:
        if tag == "th":
            assert attrs_.get("scope") in ("col", "row", "rowgroup", "colgroup"), attrs_
    return parser


def test_766_writers_with_hostile_text(hostile: Dataset, hostile_card: Any) -> None:
    card = hostile_card
    names = {u.name for u in card.units.values()}
    assert set(HOSTILE) <= names
    # CSV: the unit names are there, quoted where they would start a formula.
    text = scorecard_csv(card)
    assert _check_csv(text) > 1000
    assert "'=HYPERLINK(\"\"http://x.example\"\"" in text and "'-2+3" in text
    # JSON: every name round-trips exactly, the NUL, the escape and the 40,000 x included.
    data = json.loads(dumps(scorecard_to_dict(card)))
    assert {u["name"] for u in data["units"]} == names
    assert [r["value"] for r in data["rejected"]] == list(HOSTILE)
    # table: nothing a terminal would run.
    table = render_scorecard(card) + rejections_text(card.input, "vi")
    _check_table(table)
    assert "a\\x1b[2Jb" in table and "line1\\nline2" in table and "RTL\\u202eevil" in table
    # HTML: escaped, headers with scope; the hostile ids of flagged dossiers are listed.
    page = render_html(card, audits=_flagged(hostile, card))
    tags = _check_html(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#x27;" in page
    assert any(HOSTILE[0] in t for t in tags.text)
    assert "RTL\\u202eevil" in page and "\u202e" not in page and "\x1b" not in page
    # xlsx: no live formula anywhere, names and ids as text.
    from chiso766.reports.xlsx import render_xlsx

    hcm = hcm104.score(hostile, period=Q2, scorecard=card)
    texts = _check_xlsx(render_xlsx(card, audits=_flagged(hostile, card), hcm=hcm))
    assert "'" + HOSTILE[0] in texts and "'-2+3" in texts and "'@SUM(A1)" in texts
    assert "nul\\x00byte" in texts  # XML cannot hold a NUL: shown escaped
    assert any(t.startswith("xxxx") and len(t) == 32_767 for t in texts)  # Excel's cell limit


def test_hcm104_writers_with_hostile_text(hostile_card: Any, hostile_hcm: Any) -> None:
    report = hostile_hcm
    _check_csv(hr.render_csv(report))
    assert "'=HYPERLINK" in hr.render_csv(report)
    _check_table(hr.render_table(report))
    data = json.loads(hr.render_json(report))
    assert {u["name"] for u in data["units"]} == {u.name for u in report.units.values()}
    page = render_hcm104_html(report, hostile_card)
    _check_html(page)
    assert "<script>" not in page


def test_reconcile_writers_with_hostile_text(hostile_rec: Any) -> None:
    rec = hostile_rec
    name = HOSTILE[0] + HOSTILE[6] + HOSTILE[7]
    text = rr.reconciliation_csv(rec, include_ids=True)
    _check_csv(text)
    assert "'=HYPERLINK" in text
    # negative differences stay numbers: never quoted
    assert all(not c.startswith("'-") for row in csv.reader(io.StringIO(text)) for c in row)
    table = rr.reconciliation_table(rec, include_ids=True)
    _check_table(table)
    assert terminal_text(name) in table
    assert json.loads(dumps(rr.reconciliation_to_dict(rec)))["units"][0]["name"] == name
    _check_html(rr.reconciliation_html(rec))
    texts = _check_xlsx(rr.reconciliation_xlsx(rec))
    assert xlsx_text(name) in texts  # the escape shown as \x1b: XML cannot hold it


# ---------------------------------------------------------------------------------------------
# the same input, the same bytes


def _twice(make: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Two runs with the clock moved by a day and a half in between."""
    real = time.time
    first = make()
    monkeypatch.setattr(time, "time", lambda: real() + 129_600)
    second = make()
    monkeypatch.undo()
    return first, second


def test_every_format_is_byte_identical_across_runs(
        province: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    need("openpyxl", "excel")
    from chiso766.reports.xlsx import render_xlsx

    card = score_766(province, period=Q2)
    hcm = hcm104.score(province, period=Q2, scorecard=card)
    flagged = _flagged(province, card)
    makers: dict[str, Callable[[], Any]] = {
        "xlsx": lambda: render_xlsx(card, audits=flagged, hcm=hcm),
        "csv": lambda: scorecard_csv(card),
        "json": lambda: dumps(scorecard_to_dict(card)),
        "html": lambda: render_html(card, audits=flagged),
        "table": lambda: render_scorecard(card),
        "hcm csv": lambda: hr.render_csv(hcm),
        "hcm table": lambda: hr.render_table(hcm),
        "hcm html": lambda: render_hcm104_html(hcm, card),
    }
    for name, make in makers.items():
        first, second = _twice(make, monkeypatch)
        assert first == second, name
    # The workbook's times are the evaluation moment (30/06/2025 23:59:59, Vietnam time, which
    # is 16:59:59 UTC), in the document properties and on every zip entry.
    data = render_xlsx(card)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
        assert "2025-06-30T16:59:59Z" in core
        assert {info.date_time for info in z.infolist()} == {(2025, 6, 30, 23, 59, 58)}


def test_reconcile_xlsx_is_byte_identical(hostile_rec: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    need("openpyxl", "excel")
    first, second = _twice(lambda: rr.reconciliation_xlsx(hostile_rec), monkeypatch)
    assert first == second


# ---------------------------------------------------------------------------------------------
# the workbook a provincial office opens


def test_xlsx_information_sheet_formats_filters_and_names(province: Dataset) -> None:
    openpyxl = need("openpyxl", "excel")
    from chiso766 import __version__
    from chiso766.reports.xlsx import render_xlsx

    card = score_766(province, period=Q2)
    hcm = hcm104.score(province, period=Q2, scorecard=card)
    flagged = _flagged(province, card)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(card, audits=flagged, hcm=hcm)))
    assert book.sheetnames == ["Tổng quan", "Đơn vị", "Tiêu chí", "Hồ sơ bất thường",
                               "Chỉ số hài lòng", "Thông tin"]
    info = {r[0]: r[1] for r in book["Thông tin"].iter_rows(min_row=2, values_only=True)}
    report = province.report
    assert info["Bộ quy tắc"] == "qd766" and info["Kỳ đánh giá"] == "2025-Q2"
    assert info["Từ ngày"] == datetime(2025, 4, 1) and info["Đến ngày"] == datetime(2025, 6, 30)
    assert info["Thời điểm đánh giá"] == datetime(2025, 6, 30, 23, 59, 59)  # to the second
    assert info["Phiên bản chiso766"] == __version__
    assert (info["Số dòng đọc"], info["Số dòng nhận"], info["Số dòng bị loại"]) == \
        (report.read, report.accepted, report.rejected)
    # 97 flagged dossiers of Q2's population: 84 received in Q2, 13 carried over.
    assert str(info["Hồ sơ bất thường liệt kê"]).startswith(
        "97: 84 tiếp nhận trong kỳ, 13 tồn từ kỳ trước")
    assert str(info["Chỉ số hài lòng QĐ 104/2024/QĐ-UBND: chính sách"]).startswith(
        "trễ 1–5 ngày làm việc = 0 điểm")
    for ws in book.worksheets[:-1]:
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert ws.freeze_panes == "A2"
    root = card.root
    # Overview: unit id, name, total (0.00), max, band in Vietnamese.
    row = next(book["Tổng quan"].iter_rows(min_row=2, max_row=2))
    assert [c.value for c in row[:5]] == [root.unit_id, root.name, float(root.total), 100,
                                          "Khá"]
    assert row[2].number_format == "0.00"
    # Units: the level and the parent in words, the parent's name beside its id.
    units = {r[0]: r for r in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    child = next(u for u in card.units.values() if u.parent_id == root.unit_id)
    assert units[root.unit_id][2] == "Tỉnh"
    assert units[child.unit_id][3:5] == (root.unit_id, root.name)
    # Criteria: names, not codes; the ratio a 0–1 number shown as a percentage; 2.2 in days.
    crit = {(r[0].value, r[12].value): r for r in book["Tiêu chí"].iter_rows(min_row=2)}
    on_time = crit[(root.unit_id, "DOSSIER_ON_TIME")]
    assert on_time[1].value == root.name and on_time[2].value == "Tiến độ, kết quả giải quyết"
    # 2.1 of the province: 987 / 1078 = 91.558…% → 91.56% → 0.9156
    assert on_time[8].value == pytest.approx(0.9156) and on_time[8].number_format == "0.00%"
    assert on_time[9].number_format == "0.00"
    days = crit[(root.unit_id, "AVERAGE_PROCESSING_TIME")]
    assert days[8].number_format == "0.00" and days[8].value == pytest.approx(3482 / 892)
    audit = next(book["Hồ sơ bất thường"].iter_rows(min_row=2, max_row=2))
    assert audit[4].number_format == "dd/mm/yyyy hh:mm" and isinstance(audit[4].value, datetime)
    assert audit[2].value == card.units[audit[1].value].name
    hcm_row = next(book["Chỉ số hài lòng"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert hcm_row[8] in ("hài lòng", "không hài lòng", None)
    # English on request
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(card, lang="en")))
    assert book.sheetnames[-1] == "Information"
    row = next(book["Overview"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert row[4] == "Fair"


# ---------------------------------------------------------------------------------------------
# a period's flagged dossiers


def test_a_period_lists_only_its_own_flagged_dossiers() -> None:
    from chiso766.reports.flagged import flagged_dossiers

    # Four dossiers without a recorded due date (each flagged MISSING_RECORDED_DUE):
    #   IN   received 10/04/2025 (in Q2)                                    → listed, received
    #   OLD  received 20/03/2025, finished 05/04/2025 (after Q2 began)      → listed, carried
    #   GONE received 03/03/2025, finished 10/03/2025 (before Q2)           → not listed
    #   NEXT received 02/07/2025 (Q3)                                       → not listed
    proc = Procedure("P1", time_limit=TimeLimit.working_days(10))

    def dossier(ident: str, received: datetime, finished: datetime | None = None) -> Dossier:
        return Dossier(ident, "P1", "U1", received_at=received, finished_at=finished)

    data = Dataset.from_records(procedures=[proc], dossiers=[
        dossier("IN", datetime(2025, 4, 10, 9)),
        dossier("OLD", datetime(2025, 3, 20, 9), datetime(2025, 4, 5, 9)),
        dossier("GONE", datetime(2025, 3, 3, 9), datetime(2025, 3, 10, 9)),
        dossier("NEXT", datetime(2025, 7, 2, 9)),
    ])
    card = score_766(data, period=Q2, as_of=datetime(2025, 7, 15))
    assert [d.id for d, _ in flagged_dossiers(data)] == ["GONE", "IN", "NEXT", "OLD"]
    rows = flagged_dossiers(data, card.period, card.as_of)
    assert [d.id for d, _ in rows] == ["IN", "OLD"]
    page = render_html(card, audits=rows)
    assert 'data-received="1" data-carried="1"' in page
    assert "— kỳ đánh giá 2025-Q2 (2)" in page
    assert 'data-dossier="GONE"' not in page and 'data-dossier="NEXT"' not in page
    # A list not taken from the period (all four) is labelled as it is: GONE and OLD were
    # received before Q2, NEXT after it.
    page = render_html(card, audits=flagged_dossiers(data))
    assert 'data-received="1" data-carried="2"' in page
    assert "Và 1 hồ sơ tiếp nhận sau kỳ." in page


def test_a_dossier_only_submitted_is_not_on_the_periods_list() -> None:
    """docs/rules.md "Populations": a dossier without ``received_at`` (an online dossier no
    officer has accepted) is never in the period's population P, so the report for its
    period does not list it — though the audit flags it (no recorded due date) and
    ``chiso766 audit``, which checks every dossier, does. SENT was submitted 10/04/2025 (in
    Q2); IN was received the same day. Both have no recorded due date."""
    from chiso766.reports.flagged import flagged_dossiers, in_population

    proc = Procedure("P1", time_limit=TimeLimit.working_days(10))
    sent = Dossier("SENT", "P1", "U1", submitted_at=datetime(2025, 4, 10, 9))
    received = Dossier("IN", "P1", "U1", received_at=datetime(2025, 4, 10, 9))
    data = Dataset.from_records(procedures=[proc], dossiers=[sent, received])
    as_of = datetime(2025, 7, 15)
    assert [d.id for d, _ in flagged_dossiers(data)] == ["IN", "SENT"]
    assert [d.id for d, _ in flagged_dossiers(data, Q2, as_of)] == ["IN"]
    assert not in_population(sent, Q2, as_of) and in_population(received, Q2, as_of)


def test_the_q2_page_lists_q2s_population(capsys: pytest.CaptureFixture[str]) -> None:
    from chiso766.cli import main

    assert main(["score", str(PROVINCE), "--period", "2025-Q2", "--format", "html"]) == 0
    page = capsys.readouterr().out
    # Before: 310 flagged dossiers of every period; now Q2's 97 = 84 received + 13 carried
    # over (98 = 85 + 13 while an online dossier only submitted in Q2, never received, was
    # listed as received in the period: it is not in 2.1's population).
    assert page.count("<tr data-dossier=") == 97
    assert 'data-received="84" data-carried="13"' in page


# ---------------------------------------------------------------------------------------------
# numbers the reader's way


@pytest.mark.parametrize(("value", "lang", "kw", "shown"), [
    (Decimal("15.675"), "vi", {}, "15,68"), (Decimal("15.675"), "en", {}, "15.68"),
    (Fraction(1, 3), "vi", {}, "0,33"), (184513, "vi", {"group": True, "places": None}, "184.513"),
    (184513, "en", {"group": True, "places": None}, "184,513"), (1234567.891, "vi", {"group": True},
                                                 "1.234.567,89"),
    (Fraction(1, 2), "vi", {"places": None}, "0,50"), (3, "vi", {"places": None}, "3"),
    (-2.5, "vi", {}, "-2,50"), (None, "vi", {}, "—"), (Decimal("0.005"), "en", {}, "0.01"),
])
def test_number_text(value: Any, lang: str, kw: dict[str, Any], shown: str) -> None:
    assert number_text(value, lang, **kw) == shown


def test_notes_get_the_decimal_comma_in_vietnamese() -> None:
    mean = Note("bình quân 4.81 ngày làm việc/hồ sơ", "mean 4.81 working days per dossier")
    assert note_text(mean, "vi") == "bình quân 4,81 ngày làm việc/hồ sơ"
    assert note_text(mean, "en") == "mean 4.81 working days per dossier"
    sync = Note("nhân với tỷ lệ đồng bộ 1.4 (95.06%)", "times 1.4's sync ratio (95.06%)")
    assert note_text(sync, "vi") == "nhân với tỷ lệ đồng bộ 1.4 (95,06%)"  # "1.4" is 1.4
    unit = Note("giá trị của đơn vị cấp cao nhất 000.00.00.H99", "x")
    assert note_text(unit, "vi") == unit.vi


def test_reports_show_vietnamese_numbers(province: Dataset) -> None:
    card = score_766(province, period=Q2)
    table = render_scorecard(card)
    page = render_html(card)
    for text in (table, page):
        # 2.2: 3482 working days / 892 dossiers = 3.9035… → 3,90; 1.4: 940 / 989 = 95.05%
        assert "bình quân 3,90 ngày" in text and "(95,05%)" in text
        assert not re.search(r"\d,\d{3}\b", text)  # no English grouping (1,234)
    en = render_scorecard(card, lang="en")
    assert "mean 3.90 working days" in en and "Fair" in en


# ---------------------------------------------------------------------------------------------
# the printed page


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio: (L1 + 0.05) / (L2 + 0.05), L the relative luminance."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula() -> None:
    # black on white is 21:1; #767676 on white is the classic 4.54:1 grey
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_band_badges_meet_4_5_to_1() -> None:
    text = re.search(r"\.band \{[^}]*color: (#[0-9a-f]{6})", CSS)
    assert text is not None
    for band in Band:
        m = re.search(rf"\.band-{band.value} \{{ background: (#[0-9a-f]{{6}}); \}}", CSS)
        assert m is not None, band
        assert contrast(text.group(1), m.group(1)) >= 4.5, (band, m.group(1))


def test_print_css_fits_a4() -> None:
    assert "@page { size: A4" in CSS and "@media print" in CSS
    assert "table-layout: fixed" in CSS and "overflow-wrap: anywhere" in CSS
    assert "break-inside: avoid" in CSS


def test_every_header_cell_has_a_scope(province: Dataset) -> None:
    card = score_766(province, period=Q2)
    hcm = hcm104.score(province, period=Q2, scorecard=card)
    _check_html(render_html(card, audits=_flagged(province, card), hcm=hcm))
    _check_html(render_hcm104_html(hcm, card))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_line_of_the_text_table_ends_in_blanks(province: Dataset, lang: str) -> None:
    """2.2 and 5.1 score no points: their rows end after the ratio, not in padding."""
    text = render_scorecard(score_766(province, period=Q2), lang)
    rows = text.splitlines()
    assert [r for r in rows if r != r.rstrip()] == []
    assert any(" 2.2 " in r for r in rows) and any(" 5.1 " in r for r in rows)
