"""HTML and Excel reports carry the same numbers as the JSON report (issue: reports people read)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chiso766.cli import main
from tests.extras import need

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = str(ROOT / "examples" / "province")
Q2 = ("--period", "2025-Q2")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.units: dict[str, dict[str, str]] = {}
        self.criteria: dict[tuple[str, str], str] = {}
        self.groups: dict[tuple[str, str], str] = {}
        self.tags: set[str] = set()
        self.links: list[str] = []
        self._unit = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        for key in ("src", "href"):
            if key in a:
                self.links.append(a[key])
        if tag == "section" and "data-unit" in a:
            self._unit = a["data-unit"]
            self.units[self._unit] = a
        if tag == "tr" and "data-criterion" in a:
            self.criteria[(self._unit, a["data-criterion"])] = a["data-points"]
        if tag == "tr" and "data-group" in a:
            self.groups[(self._unit, a["data-group"])] = a["data-points"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args]) == 0
    return capsys.readouterr().out


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def test_html_numbers_match_the_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = json.loads(_run(capsys, "score", PROVINCE, *Q2, "--format", "json"))
    page = _run(capsys, "score", PROVINCE, *Q2, "--format", "html")
    parsed = _Collect()
    parsed.feed(page)
    # self-contained: no scripts, no external resources
    assert "script" not in parsed.tags and not parsed.links
    assert "<svg" in page and "@page { size: A4" in page
    assert len(parsed.units) == len(data["units"])
    for unit in data["units"]:
        uid = unit["unit_id"]
        assert parsed.units[uid]["data-total"] == str(unit["total"])
        assert parsed.units[uid]["data-band"] == unit["band"]
        for group in unit["groups"]:
            assert parsed.groups[(uid, group["code"])] == str(group["points"])
            criteria = group["criteria"] or [c for p in group.get("parts", [])
                                             for c in p["criteria"]]
            for c in criteria:
                assert parsed.criteria[(uid, c["code"])] == _shown(c["points"]), c["code"]


def test_html_english(capsys: pytest.CaptureFixture[str]) -> None:
    page = _run(capsys, "score", PROVINCE, *Q2, "--format", "html", "--lang", "en")
    assert '<html lang="en">' in page and "Transparency" in page


def test_hcm_html_has_the_index(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_run(capsys, "hcm104", PROVINCE, *Q2, "--format", "json"))
    page = _run(capsys, "hcm104", PROVINCE, *Q2, "--format", "html")
    for unit in data["units"]:
        assert f'data-unit="{unit["unit_id"]}" data-k="{_shown(unit["K"])}"' in page


def test_xlsx_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = need("openpyxl", "excel")
    data = json.loads(_run(capsys, "score", PROVINCE, *Q2, "--format", "json"))
    target = tmp_path / "s.xlsx"
    assert main(["score", PROVINCE, *Q2, "--format", "xlsx", "--output", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Tổng quan", "Đơn vị", "Tiêu chí", "Hồ sơ bất thường",
                               "Thông tin"]
    overview = {row[0]: row for row in book["Tổng quan"].iter_rows(min_row=2, values_only=True)}
    for unit in data["units"]:
        row = overview[unit["unit_id"]]
        assert row[2] == unit["total"] and isinstance(row[2], (int, float))
    # Tiêu chí: unit id, unit name, group, part, number, name, n, d, ratio, points, max, notes,
    # criterion code (last, for programs)
    criteria = {(r[0], r[12]): r
                for r in book["Tiêu chí"].iter_rows(min_row=2, values_only=True)}
    for unit in data["units"]:
        for group in unit["groups"]:
            for c in group["criteria"] or [c for p in group["parts"] for c in p["criteria"]]:
                row = criteria[(unit["unit_id"], c["code"])]
                assert row[9] == c["points"] and row[6] == c["numerator"]


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    need("openpyxl", "excel")
    assert main(["score", PROVINCE, *Q2, "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err


def test_progress_goes_to_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", PROVINCE, *Q2, "--format", "json", "--progress"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert "dossiers" in captured.err


def test_criteria_frame_has_one_row_per_unit_and_criterion() -> None:
    need("pandas", "pandas")
    from chiso766 import Period, read_folder, score_766

    card = score_766(read_folder(PROVINCE), period=Period.quarter(2025, 2))
    frame = card.criteria_frame()
    assert len(frame) == len(card.units) * len(card.rules.criteria)
    root = card.root
    row = frame[(frame.unit_id == root.unit_id) & (frame.code == "DOSSIER_ON_TIME")].iloc[0]
    points = root.points("DOSSIER_ON_TIME")
    assert points is not None
    assert row["points"] == float(points)
