"""Criterion 4.6 ELECTRONIC_CERTIFIED_COPY in every report (issue 16 item 1; docs/rules.md "4.6").

Under the default policy ``certified_copy="portal"`` the portal publishes 4.6 with numerator and
denominator null and the full 2 points on every unit; the library shows the same: ``null`` in the
JSON, ``—`` in the text and HTML reports, empty cells in the CSV and xlsx, ``None`` / NaN in the
frames, and an explanation that says there are no counts. Under ``"computed"`` the counts are
communes offering electronic certified copies / communes under the unit.

The folder (written by the test): province P → district D → communes X1, X2, X3, and a department
S under P. X1 and X2 offer electronic certified copies, X3 does not. "computed" by hand:

- X1 1/1 → 2 × 1 = 2.00; X2 1/1 → 2.00; X3 0/1 → 2 × 0 = 0.00;
- D and P: 2 communes offering of 3 → 2 × 2/3 = 1.3333… → 1.33;
- S: no communes below it, 0/0 → not applicable, full 2.00.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from chiso766 import Period, Scorecard, read_folder, read_portal, reconcile, score_766
from chiso766.policy import CountingPolicy
from chiso766.reports.csv_report import scorecard_csv
from chiso766.reports.html import render_html
from chiso766.reports.json_report import scorecard_to_dict
from chiso766.reports.notebook import criteria_rows
from chiso766.reports.table import render_scorecard
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "portal"
Q2 = Period.quarter(2025, 2)
CODE = "ELECTRONIC_CERTIFIED_COPY"
UNITS = ("P", "D", "X1", "X2", "X3", "S")
#: "computed": (numerator, denominator, points) per unit, from the module docstring's arithmetic
COMPUTED = {"P": (2, 3, 1.33), "D": (2, 3, 1.33), "X1": (1, 1, 2.0), "X2": (1, 1, 2.0),
            "X3": (0, 1, 0.0), "S": (0, 0, 2.0)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("certified_copy")
    (path / "units.csv").write_text(
        "MaDonVi,TenDonVi,level,parent_id\nP,Tỉnh,PROVINCE,\nD,Huyện,DISTRICT,P\n"
        "X1,Xã 1,COMMUNE,D\nX2,Xã 2,COMMUNE,D\nX3,Xã 3,COMMUNE,D\nS,Sở,DEPARTMENT,P\n",
        encoding="utf-8")
    (path / "communes.csv").write_text(
        "unit_id,offers_electronic_certified_copy\nX1,1\nX2,1\nX3,0\n", encoding="utf-8")
    head = (ROOT / "examples" / "province" / "dossiers.csv").read_text(encoding="utf-8")
    (path / "dossiers.csv").write_text(head.splitlines()[0] + "\n", encoding="utf-8")
    return path


def _score(folder: Path, policy: str) -> Scorecard:
    data = read_folder(folder)
    assert data.report.rejected == 0
    return score_766(data, period=Q2, counting=CountingPolicy(certified_copy=policy))


@pytest.fixture(scope="module")
def portal_card(folder: Path) -> Scorecard:
    return _score(folder, "portal")


@pytest.fixture(scope="module")
def computed_card(folder: Path) -> Scorecard:
    return _score(folder, "computed")


def _json_rows(card: Scorecard) -> dict[str, dict[str, object]]:
    data = json.loads(json.dumps(scorecard_to_dict(card, lang="en")))
    out = {}
    for u in data["units"]:
        for g in u["groups"]:
            for c in g["criteria"]:
                if c["code"] == CODE:
                    out[u["unit_id"]] = c
    return out


def _csv_rows(card: Scorecard) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(scorecard_csv(card, lang="en")))
    return {r["unit_id"]: r for r in rows if r["code"] == CODE}


def _html_rows(card: Scorecard) -> list[str]:
    page = render_html(card, lang="en")
    return re.findall(r'<tr data-criterion="ELECTRONIC_CERTIFIED_COPY"[^>]*>.*?</tr>', page,
                      re.S)


def _table_rows(card: Scorecard) -> list[str]:
    return [line for line in render_scorecard(card, lang="en").splitlines()
            if line.strip().startswith("4.6 ")]


def _xlsx_rows(card: Scorecard) -> dict[str, tuple[object, ...]]:
    openpyxl = need("openpyxl", "excel")
    from chiso766.reports.xlsx import render_xlsx

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(card, lang="en")))
    ws = book["Criteria"]
    head = [c.value for c in ws[1]]
    rows: dict[str, tuple[object, ...]] = {}
    for values in ws.iter_rows(min_row=2, values_only=True):
        row = dict(zip(head, values, strict=True))
        if values[-1] == CODE:
            rows[str(values[0])] = (row["Numerator"], row["Denominator"], row["Points"])
    return rows


# ---------------------------------------------------------------------------------------------
# the default: no counts, full points


def test_default_is_portal_and_has_no_counts(folder: Path, portal_card: Scorecard) -> None:
    default = score_766(read_folder(folder), period=Q2)  # no policy given: "portal"
    for uid in UNITS:
        r = default.unit(uid).criteria[CODE]
        assert (r.counted, r.shown_numerator, r.shown_denominator) == (False, None, None)
        assert r.points == Decimal("2.00") and r.ratio is None
        assert portal_card.unit(uid).criteria[CODE].points == Decimal("2.00")


def test_json_null_counts_full_points(portal_card: Scorecard) -> None:
    rows = _json_rows(portal_card)
    assert sorted(rows) == sorted(UNITS)
    for c in rows.values():
        assert (c["numerator"], c["denominator"], c["ratio"], c["points"], c["max"]) == \
            (None, None, None, 2.0, 2)
        assert "it publishes no numerator or denominator" in str(c["note"])


def test_csv_empty_cells(portal_card: Scorecard) -> None:
    rows = _csv_rows(portal_card)
    assert sorted(rows) == sorted(UNITS)
    for r in rows.values():
        assert (r["numerator"], r["denominator"], r["ratio"], r["points"]) == ("", "", "", "2.0")


def test_table_and_html_show_dashes(portal_card: Scorecard) -> None:
    lines = _table_rows(portal_card)
    assert len(lines) == len(UNITS)
    for line in lines:
        assert line.split()[-4:] == ["—/—", "—", "2.00", "2"]
    rows = _html_rows(portal_card)
    assert len(rows) == len(UNITS)
    for row in rows:
        assert 'data-numerator="" data-denominator="" data-points="2.0"' in row
        assert '<td class="num">— / —</td>' in row


def test_xlsx_empty_cells(portal_card: Scorecard) -> None:
    rows = _xlsx_rows(portal_card)
    assert rows == {uid: (None, None, 2) for uid in UNITS}


def test_frames_and_explanation(portal_card: Scorecard) -> None:
    rows = [r for r in criteria_rows(portal_card.units.values(), "en") if r["code"] == CODE]
    assert [(r["numerator"], r["denominator"], r["ratio"], r["points"]) for r in rows] == \
        [(None, None, None, 2)] * len(UNITS)
    text = portal_card.explain(CODE, "en")
    assert "no numerator or denominator → 2.00 points" in text
    assert "không có tử số, mẫu số → 2,00 điểm" in portal_card.explain(CODE, "vi")
    # Nothing to gain on 4.6: it is full and has no records to move.
    step, = (s for s in portal_card.to_next_band() if s.code == CODE)
    assert (step.more, step.new_total) == (None, None)


# ---------------------------------------------------------------------------------------------
# "computed": communes offering / communes


def test_computed_counts_in_every_report(computed_card: Scorecard) -> None:
    for uid, (n, d, points) in COMPUTED.items():
        r = computed_card.unit(uid).criteria[CODE]
        assert (r.counted, r.shown_numerator, r.shown_denominator) == (True, n, d)
        assert r.points == Decimal(str(points)).quantize(Decimal("0.01"))
    json_rows = _json_rows(computed_card)
    assert {u: (c["numerator"], c["denominator"], c["points"]) for u, c in json_rows.items()} \
        == COMPUTED
    csv_rows = _csv_rows(computed_card)
    assert {u: (r["numerator"], r["denominator"]) for u, r in csv_rows.items()} == \
        {u: (str(n), str(d)) for u, (n, d, _) in COMPUTED.items()}
    shown = [line.split()[-4] for line in _table_rows(computed_card)]
    assert shown == [f"{n}/{d}" for n, d, _ in COMPUTED.values()]  # tree pre-order = UNITS
    assert all("—" not in row.split("</td>")[1] for row in _html_rows(computed_card))
    assert "2/3 = 66.67%" in computed_card.explain(CODE, "en")


def test_computed_xlsx(computed_card: Scorecard) -> None:
    rows = _xlsx_rows(computed_card)
    assert rows == {u: (n, d, p if p != int(p) else int(p)) for u, (n, d, p) in COMPUTED.items()}


# ---------------------------------------------------------------------------------------------
# reconcile against the portal's samples: the portal's 4.6 is null / null, 2 points


def test_reconcile_same_as_the_portal() -> None:
    from chiso766 import Commune, Dataset, Unit, UnitLevel

    snap = read_portal(SAMPLES / "dossier-digitized.json")
    data = Dataset.from_records(
        units=[Unit("H44.08", "Sở Giáo dục và Đào tạo", UnitLevel.DEPARTMENT),
               Unit("H44.08.X", "Xã", UnitLevel.COMMUNE, parent_id="H44.08")],
        communes=[Commune("H44.08.X", offers_electronic_certified_copy=False)])
    default = reconcile(score_766(data, period=Period.month(2026, 8)), snap)
    row, = (r for r in default.rows if r.code == CODE)
    assert (row.portal_numerator, row.portal_denominator, row.portal_points) == \
        (None, None, Decimal("2.00"))
    assert (row.library_numerator, row.library_denominator, row.library_points) == \
        (None, None, Decimal("2.00"))
    assert row.status == "same"
    # "computed": the commune does not offer it, 0/1 → 0 points against the portal's 2.
    computed = reconcile(score_766(data, period=Period.month(2026, 8),
                                   counting=CountingPolicy(certified_copy="computed")), snap)
    row, = (r for r in computed.rows if r.code == CODE)
    assert (row.library_numerator, row.library_denominator, row.library_points) == \
        (0, 1, Decimal("0.00"))
    assert row.differs and "4.6 is shown full by the portal" in row.explain("en")
