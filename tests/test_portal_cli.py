"""``chiso766 portal`` and ``chiso766 reconcile``: exit statuses 0 / 1 / 2 with a one-line message
and no traceback, every output format, on the bundled samples (examples/portal) and the bundled
office folder (examples/portal-office, whose 1.4 and 5.4 equal the portal's for H44.07)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chiso766.cli import main

ROOT = Path(__file__).resolve().parents[1]
PORTAL = str(ROOT / "examples" / "portal")
OFFICE = str(ROOT / "examples" / "portal-office")
MESSY = str(ROOT / "examples" / "messy")
AUG = ("--period", "2026-08")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> None:
    assert err.startswith("chiso766: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# portal


def test_portal_check_on_the_samples_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "portal", PORTAL)
    assert status == 0 and err == ""
    assert "7 đơn vị" in out and "0 chênh lệch" in out
    status, out, _ = run(capsys, "portal", PORTAL, "--format", "json", "--lang", "en")
    data = json.loads(out)
    assert status == 0 and data["ok"] is True and data["differences"] == []
    assert data["units"] == 7 and data["checked"] > 100
    assert set(data["files"]) == {"transparency", "dvc-progress-tree", "provide-online-tree",
                                  "formality-online-payment-tree", "dossier-digitized",
                                  "handling-satisfaction"}


def test_portal_check_with_a_difference_gives_1(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    raw = json.loads((Path(PORTAL) / "transparency.json").read_text(encoding="utf-8"))
    raw["data"]["evaluation"][1]["metrics"][3]["score"] = 5.5  # 380/380 → 6, not 5.5
    target = tmp_path / "t.json"
    target.write_text(json.dumps(raw), encoding="utf-8")
    report = tmp_path / "report.txt"
    status, _, err = run(capsys, "portal", str(target), "--output", str(report), "--lang", "en")
    assert status == 1 and err == ""
    text = report.read_text(encoding="utf-8")
    assert "H44.03" not in text  # the transparency card has no departmentCode: the id is shown
    assert "DOSSIER_SYNC points: published 5.5, recomputed 6.00" in text


def test_portal_unreadable_response_gives_2(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"code": "OK", "data": {"parent": {"departmentId": 5}}}', encoding="utf-8")
    status, out, err = run(capsys, "portal", str(bad))
    assert status == 2 and out == ""
    one_line(err)
    assert str(bad) in err and "data.parent" in err
    status, _, err = run(capsys, "portal", str(tmp_path / "nothing"))
    assert status == 2
    one_line(err)


# ---------------------------------------------------------------------------------------------
# reconcile


def test_reconcile_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "reconcile", OFFICE, "--portal", PORTAL, *AUG)
    assert status == 0 and err == ""
    assert "H44.07 ↔ H44.07" in out and "Đơn vị chỉ có trên Cổng" in out
    status, out, _ = run(capsys, "reconcile", OFFICE, "--portal", PORTAL, *AUG, "--lang", "en",
                         "--differences")
    assert status == 0
    # H44.07's 5.4 equals the portal's (332/482): not listed among the differences.
    section = out.split("H44.07 ↔ H44.07")[1]
    assert "DOSSIER_RATING_SATISFACTION" not in section.split("Units on the portal only")[0]
    assert "your records have 482 more dossiers in P" in section


def test_reconcile_json_with_ids(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "reconcile", OFFICE, "--portal", PORTAL, *AUG, "--format",
                         "json", "--ids", "--lang", "en")
    assert status == 0
    data = json.loads(out)
    dept = next(u for u in data["units"] if u["unit_id"] == "H44.07")
    rows = {r["code"]: r for r in dept["rows"]}
    sat = rows["DOSSIER_RATING_SATISFACTION"]
    assert sat["status"] == "same"
    assert sat["portal"]["numerator"] == sat["library"]["numerator"] == 332
    on_time = rows["DOSSIER_ON_TIME"]
    assert on_time["status"] == "different" and on_time["difference"]["denominator"] == 482
    assert len(on_time["ids"]) == 482 and on_time["ids_side"] == "denominator"
    # 482 dossiers + 150 ratings + 2 units + 1 procedure, all accepted
    assert data["input"] == {"read": 635, "accepted": 635, "rejected": 0}
    assert {u["code"] for u in data["only_portal"]} >= {"H44.01", "H44.03"}


@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx"])
def test_reconcile_files(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"r.{fmt}"
    status, out, err = run(capsys, "reconcile", OFFICE, "--portal", PORTAL, *AUG, "--format",
                           fmt, "--output", str(target))
    assert status == 0 and out == "" and err == ""
    data = target.read_bytes()
    if fmt == "xlsx":
        assert data[:2] == b"PK"
    elif fmt == "csv":
        assert data.decode("utf-8").startswith("unit_id,portal_code,name,code")
    else:
        assert b"data-differences=" in data


def test_reconcile_match_by_department_id(capsys: pytest.CaptureFixture[str]) -> None:
    two = [str(Path(PORTAL) / "transparency.json"),
           str(Path(PORTAL) / "handling-satisfaction.json")]
    status, out, _ = run(capsys, "reconcile", OFFICE, "--portal", two[0], "--portal", two[1],
                         *AUG, "--match", "H44.07=019d2be3-6a88-732b-8b17-c2db58b51fef",
                         "--match", "H44=019d2be3-6a88-732b-8b17-b68020c8553a", "--format",
                         "json")
    assert status == 0
    data = json.loads(out)
    dept = next(u for u in data["units"] if u["unit_id"] == "H44.07")
    assert dept["differences"] == 0


def test_reconcile_usage_errors_give_2(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("reconcile", OFFICE, *AUG),  # no --portal
                 ("reconcile", OFFICE, "--portal", PORTAL),  # no --period
                 ("reconcile", OFFICE, "--portal", PORTAL, *AUG, "--match", "H44.07"),
                 ("reconcile", OFFICE, "--portal", PORTAL, *AUG, "--match", "NOPE=H44"),
                 ("reconcile", OFFICE, "--portal", PORTAL, "--period", "2026-13"),
                 ("reconcile", OFFICE, "--portal", OFFICE, *AUG),  # not portal responses
                 ("reconcile", OFFICE, "--portal", PORTAL, *AUG, "--format", "xlsx")):
        status, _, err = run(capsys, *args)
        assert status == 2, args
        one_line(err)


def test_reconcile_rejected_rows_give_1(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    status, out, _ = run(capsys, "reconcile", MESSY, "--portal", PORTAL, *AUG)
    assert status == 1
    assert "Đơn vị chỉ có" in out


def test_portal_folder_with_other_json_is_refused(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(PORTAL, folder)
    (folder / "notes.json").write_text("[]", encoding="utf-8")
    status, _, err = run(capsys, "portal", str(folder))
    assert status == 2 and "notes.json" in err
