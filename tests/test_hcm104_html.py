"""``chiso766 hcm104 --format html`` is the HCMC index's own page (issue 17, item 6): its own
title, the K table first with the A–E legend, verdicts in the page's language, the reason when K
is missing, then the Decision 766 cards D comes from. The whole page is also a golden file
(tests/golden/province_2025Q2_hcm104.html, tests/test_golden_reports.py)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chiso766.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = str(ROOT / "examples" / "province")
Q2 = ("--period", "2025-Q2")


class _Rows(HTMLParser):
    """The K table's rows: unit id → (data-k, data-verdict, the verdict cell's text)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.h1 = ""
        self._in_h1 = False
        self._row: dict[str, str] | None = None
        self._cells: list[str] = []
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "h1":
            self._in_h1 = True
        if tag == "tr" and "data-k" in a and "data-staff" not in a:
            self._row = a
            self._cells = []
        if tag in ("td", "th"):
            self._text = ""

    def handle_data(self, data: str) -> None:
        self._text += data
        if self._in_h1:
            self.h1 += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag in ("td", "th") and self._row is not None:
            self._cells.append(self._text)
        if tag == "tr" and self._row is not None:
            self.rows[self._row["data-unit"]] = {**self._row, "verdict_text": self._cells[7]}
            self._row = None


def _page(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["hcm104", PROVINCE, *Q2, "--format", "html", *extra]) == 0
    return capsys.readouterr().out


def test_the_page_is_about_the_hcm_index(capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(capsys, "--lang", "en")
    parsed = _Rows()
    parsed.feed(page)
    assert parsed.h1 == "Satisfaction index — HCMC Decision 104/2024/QĐ-UBND"
    assert "<title>Satisfaction index" in page and "Decision 766/QĐ-TTg)</title>" not in page
    # the K table, then the legend, then the reasons, then the 766 cards
    order = [page.index(s) for s in ("K = A + B + C + D + E by unit", "How to read it",
                                     "Why K is missing", 'class="cards"')]
    assert order == sorted(order)
    assert page.index('<section class="unit"') > order[-1]
    for code in "ABCDE":
        assert f"<dt>{code}</dt>" in page


def test_k_and_verdicts_match_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_page(capsys, "--format", "json"))  # the later --format wins
    for lang, labels in (("en", {"SATISFIED": "satisfied", "NOT_SATISFIED": "not satisfied"}),
                         ("vi", {"SATISFIED": "hài lòng", "NOT_SATISFIED": "không hài lòng"})):
        parsed = _Rows()
        parsed.feed(_page(capsys, "--lang", lang))
        assert len(parsed.rows) == len(data["units"]) == 22
        for u in data["units"]:
            row = parsed.rows[u["unit_id"]]
            assert row["data-k"] == ("" if u["K"] is None else str(u["K"]))
            assert row["data-verdict"] == (u["verdict"] or "")
            expected = "—" if u["verdict"] is None else labels[u["verdict"]]
            assert row["verdict_text"] == expected, (lang, u["unit_id"])


def test_missing_k_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    # The province has no posting record of its own: E, and so K, have no data.
    page = _page(capsys)
    assert '<li data-unit="000.00.00.H99"><strong>000.00.00.H99</strong> UBND tỉnh Mẫu: ' \
           "không tính được K vì thiếu E" in page


def test_unit_filter_and_staff(capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(capsys, "--unit", "000.00.01.H99", "--staff")
    parsed = _Rows()
    parsed.feed(page)
    assert list(parsed.rows) == ["000.00.01.H99"]
    assert 'data-staff="STP.CB01"' in page
    assert page.count('<section class="unit"') == 1
