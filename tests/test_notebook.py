"""Notebook objects (issue 17, item 10): short ``repr``s, HTML tables with a header row and the
period, a per-unit summary frame and criteria frames, and public functions that write the HTML
and Excel reports."""

from __future__ import annotations

import pydoc
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from chiso766 import QD766, Period, hcm104, read_folder, score_766
from chiso766.errors import Chiso766Error, PolicyError
from chiso766.hcm104 import Hcm104Report
from chiso766.io.dataset import Dataset
from chiso766.reports import render_report_html, write_html, write_xlsx
from chiso766.scoring import Scorecard
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
Q2 = Period.quarter(2025, 2)
GROUPS = ["TRANSPARENCY", "PROGRESS", "ONLINE", "DIGITIZATION", "SATISFACTION"]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return read_folder(PROVINCE)


@pytest.fixture(scope="module")
def card(data: Dataset) -> Scorecard:
    return score_766(data, period=Q2)


@pytest.fixture(scope="module")
def hcm(data: Dataset, card: Scorecard) -> Hcm104Report:
    return hcm104.score(data, period=Q2, scorecard=card, by_staff=True)


# ---------------------------------------------------------------------------------------------
# repr: the example province's scorecard printed 779,092 characters, help(score_766) 13,069
# (the default rule set's field-by-field repr sat in the signature).


def test_reprs_are_short(data: Dataset, card: Scorecard, hcm: Hcm104Report) -> None:
    root = card.root
    objects = [card, root, root.criteria["DOSSIER_ON_TIME"], root.groups["ONLINE"], QD766,
               QD766.criteria[0], hcm, hcm.units[hcm.roots[0]], data, data.report]
    for obj in objects:
        assert len(repr(obj)) <= 250, (type(obj).__name__, len(repr(obj)))
    assert repr(card) == ("Scorecard(ruleset='qd766', period='2025-Q2', "
                          "as_of='2025-06-30T23:59', units=22, root='000.00.00.H99', "
                          "total=Decimal('78.58'), band=KHA)")
    assert repr(QD766) == "RuleSet(name='qd766', groups=5, criteria=24)"
    assert "dossiers=4193" in repr(data)


def test_help_of_score_766_is_readable() -> None:
    text = pydoc.render_doc(score_766, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert len(text) < 2000, len(text)
    assert "rules: 'RuleSet' = RuleSet(name='qd766', groups=5, criteria=24)" in text


def test_repr_with_several_top_level_units() -> None:
    from chiso766.scoring import score_counts

    one = score_counts({"DOSSIER_ON_TIME": (9, 10)})
    two = Scorecard(rules=QD766, period=None, as_of=None,
                    units={"a": one.root, "b": one.root}, roots=("a", "b"))
    assert repr(two).endswith("units=2, roots=2)")
    assert repr(one).startswith("Scorecard(ruleset='qd766', period=None, as_of=None, units=1")


# ---------------------------------------------------------------------------------------------
# HTML for notebooks


def test_scorecard_html_has_period_header_row_and_every_unit(card: Scorecard) -> None:
    page = card._repr_html_()
    assert "2025-Q2 (01/04/2025–30/06/2025)" in page and "30/06/2025 23:59" in page
    assert page.count("<thead>") == 1 and page.count('<th scope="col">') >= 9
    assert page.count('<th scope="row"') == len(card.units) == 22
    assert "78,58" in page and "Khá" in page
    assert len(page) < 20_000


def test_unit_and_hcm_html(card: Scorecard, hcm: Hcm104Report) -> None:
    unit = card.unit("000.00.03.H99")._repr_html_()
    assert "<thead>" in unit and "61,73" in unit and "Trung bình" in unit
    assert unit.count("<tr>") == 5 + len(card.rules.criteria) + 1  # groups, criteria, header
    page = hcm._repr_html_()
    assert "<thead>" in page and "2025-Q2" in page and "30/06/2025 23:59" in page
    assert page.count("<th scope='row'") == len(hcm.units)


# ---------------------------------------------------------------------------------------------
# frames


def test_summary_frame_one_row_per_unit(card: Scorecard) -> None:
    need("pandas", "pandas")
    frame = card.to_frame()
    assert list(frame.columns) == ["unit_id", "name", "level", "parent_id", "total", "band",
                                   "band_label", *GROUPS]
    assert len(frame) == len(card.units)
    row = frame[frame.unit_id == "000.00.03.H99"].iloc[0]
    assert row["name"] == "Sở Tài nguyên và Môi trường"
    assert (row["total"], row["band"], row["band_label"]) == (61.73, "TRUNG_BINH", "Trung bình")
    # the groups add up to the total (each as published, 2 decimals)
    assert Decimal(str(sum(row[g] for g in GROUPS))).quantize(Decimal("0.01")) == \
        Decimal("61.73")


def test_criteria_frame_ratio_and_days(card: Scorecard) -> None:
    pd = need("pandas", "pandas")
    frame = card.criteria_frame(lang="en")
    assert list(frame.columns) == ["unit_id", "unit_name", "group", "part", "code", "number",
                                   "name", "numerator", "denominator", "ratio", "days",
                                   "points", "max", "note"]
    assert len(frame) == len(card.units) * len(card.rules.criteria)
    root = frame[frame.unit_id == "000.00.00.H99"].set_index("code")
    assert root.loc["DOSSIER_ON_TIME", "unit_name"] == "UBND tỉnh Mẫu"
    # 2.1: 987/1078, a 0–1 ratio, not a percentage
    assert root.loc["DOSSIER_ON_TIME", "ratio"] == pytest.approx(987 / 1078)
    # 2.2: 3482 working days over 892 dossiers (received in the period, finished or
    # returned by as_of), in days, and no ratio
    assert root.loc["AVERAGE_PROCESSING_TIME", "days"] == pytest.approx(3482 / 892)
    assert pd.isna(root.loc["AVERAGE_PROCESSING_TIME", "ratio"])
    ratios = frame["ratio"].dropna()
    assert ((ratios >= 0) & (ratios <= 1)).all()
    assert frame["days"].notna().sum() <= len(card.units)


def test_unit_frame_is_its_criteria(card: Scorecard) -> None:
    need("pandas", "pandas")
    frame = card.unit("000.00.01.H99").to_frame()
    assert len(frame) == len(card.rules.criteria)
    assert set(frame["unit_name"]) == {"Sở Tư pháp"}


def test_polars_frames(card: Scorecard, hcm: Hcm104Report) -> None:
    need("polars", "polars")
    frame = card.to_frame(backend="polars")
    assert frame.columns[:6] == ["unit_id", "name", "level", "parent_id", "total", "band"]
    assert frame.height == 22
    crit = card.criteria_frame(backend="polars")
    assert crit.height == 22 * len(card.rules.criteria)
    assert hcm.to_frame(backend="polars").height == 22


def test_frames_name_the_missing_extra(card: Scorecard, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(Chiso766Error, match="pandas"):
        card.to_frame()
    with pytest.raises(PolicyError, match="backend"):
        card.to_frame(backend="spark")


# ---------------------------------------------------------------------------------------------
# write_html / write_xlsx


def test_write_html_is_the_cli_page(card: Scorecard, hcm: Hcm104Report, tmp_path: Path) -> None:
    path = write_html(card, tmp_path / "q2.html", units=["000.00.01.H99"], lang="en")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'data-unit="000.00.01.H99"' in text
    assert "Public service index report" in text and 'data-unit="000.00.02.H99"' not in text
    page = render_report_html(hcm, scorecard=card)
    assert page.index("K = A + B + C + D + E") < page.index('class="cards"')
    with pytest.raises(PolicyError, match="no such unit"):
        write_html(card, tmp_path / "x.html", units=["nope"])
    with pytest.raises(PolicyError):
        write_html("not a scorecard", tmp_path / "x.html")
    with pytest.raises(Chiso766Error, match="cannot write"):
        write_html(card, tmp_path / "missing" / "x.html")


def test_write_xlsx(card: Scorecard, hcm: Hcm104Report, tmp_path: Path) -> None:
    openpyxl = need("openpyxl", "excel")
    path = write_xlsx(card, tmp_path / "q2.xlsx", hcm=hcm)
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) >= 4
    with pytest.raises(PolicyError, match="hcm="):
        write_xlsx(hcm, tmp_path / "x.xlsx")
