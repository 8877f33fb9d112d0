"""``chiso766 score`` (SPEC §9): exit statuses 0 / 1 / 2 with a one-line message and no
traceback, the JSON envelope field by field, ``--unit``, ``--as-of``, and byte-identical output
on two runs."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chiso766.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = str(ROOT / "examples" / "province")
MESSY = str(ROOT / "examples" / "messy")
Q2 = ("--period", "2025-Q2")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["score", *args])
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> None:
    assert err.startswith("chiso766: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# exit statuses


def test_success_is_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, PROVINCE, *Q2)
    assert status == 0 and err == ""
    assert "UBND tỉnh Mẫu" in out


def test_rejected_rows_give_1_and_the_report_is_still_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "messy.json"
    status, out, _ = run(capsys, MESSY, *Q2, "--format", "json", "--output", str(target))
    assert status == 1 and out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["input"]["rejected"] > 0
    assert data["input"]["read"] == data["input"]["accepted"] + data["input"]["rejected"]
    assert len(data["rejected"]) == data["input"]["rejected"]
    for r in data["rejected"]:
        assert list(r) == ["file", "line", "field", "value", "reason"]
        assert isinstance(r["line"], int) and r["reason"]
    assert data["units"]
    # the table says so too
    status, out, _ = run(capsys, MESSY, *Q2)
    assert status == 1 and "Dòng bị loại" in out


@pytest.mark.parametrize(
    "args",
    [
        (str(ROOT / "examples" / "no-such-folder"), *Q2),
        (str(ROOT / "examples"), *Q2),  # a folder without a dossiers file
        (PROVINCE, "--period", "2025-Q5"),
        (PROVINCE, "--period", "junk"),
        (PROVINCE, *Q2, "--as-of", "not-a-date"),
        (PROVINCE, *Q2, "--as-of", "2025-13-45"),
        (PROVINCE, *Q2, "--unit", "NO-SUCH-UNIT"),
        (PROVINCE, *Q2, "--format", "xml"),
        (PROVINCE, *Q2, "--lang", "fr"),
        (PROVINCE, *Q2, "--output", str(ROOT / "no-such-dir" / "x.json")),
        (),
    ],
)
def test_unusable_arguments_give_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    one_line(err)


def test_console_script_has_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from chiso766.cli import main; sys.exit(main())",
         "score", str(ROOT / "examples" / "no-such-folder")],
        capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    one_line(proc.stderr)


# ---------------------------------------------------------------------------------------------
# the JSON envelope (SPEC §9)


@pytest.fixture(scope="module")
def envelope() -> dict[str, Any]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", PROVINCE, *Q2, "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def two_decimals(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and Decimal(str(value)) == Decimal(str(value)).quantize(
                                 Decimal("0.01")))


def test_envelope_top_level(envelope: dict[str, Any]) -> None:
    assert envelope["ruleset"] == "qd766"
    assert envelope["period"] == {"start": "2025-04-01", "end": "2025-06-30"}
    assert envelope["as_of"] == "2025-06-30T23:59:59+07:00"
    assert envelope["input"] == {"read": 7075, "accepted": 7075, "rejected": 0}
    assert envelope["rejected"] == []
    for key in ("ruleset", "period", "as_of", "units", "input", "rejected"):
        assert key in envelope
    assert len(envelope["units"]) == 22


def test_envelope_units_groups_criteria(envelope: dict[str, Any]) -> None:
    for unit in envelope["units"]:
        for key, kind in (("unit_id", str), ("name", str), ("max", int), ("band", str),
                          ("groups", list)):
            assert isinstance(unit[key], kind), key
        assert unit["max"] == 100
        assert unit["band"] in ("XUAT_SAC", "TOT", "KHA", "TRUNG_BINH", "YEU")
        assert two_decimals(unit["total"])
        assert [g["code"] for g in unit["groups"]] == [
            "TRANSPARENCY", "PROGRESS", "ONLINE", "DIGITIZATION", "SATISFACTION"]
        assert [g["max"] for g in unit["groups"]] == [18, 20, 22, 22, 18]
        total = Decimal(0)
        for g in unit["groups"]:
            assert two_decimals(g["points"])
            total += Decimal(str(g["points"]))
            if g["code"] == "ONLINE":
                # the group's own criteria list is empty; its points are the parts' sum
                assert g["criteria"] == []
                parts = g["parts"]
                assert [(p["code"], p["max"]) for p in parts] == [
                    ("ONLINE_SERVICES", 12), ("ONLINE_PAYMENT", 10)]
                assert Decimal(str(g["points"])) == sum(
                    (Decimal(str(p["points"])) for p in parts), Decimal(0))
                crits = [c for p in parts for c in p["criteria"]]
                for p in parts:
                    assert {"code", "points", "max", "criteria"} <= set(p)
            else:
                assert "parts" not in g
                crits = g["criteria"]
            for c in crits:
                for key in ("code", "numerator", "denominator", "ratio", "points", "max",
                            "note"):
                    assert key in c, key
                assert two_decimals(c["ratio"]) and two_decimals(c["points"])
                assert c["note"] is None or isinstance(c["note"], str)
                if c["points"] is not None:
                    assert 0 <= c["points"] <= c["max"]
        assert Decimal(str(unit["total"])) == total


def test_envelope_sample_criterion(envelope: dict[str, Any]) -> None:
    root = envelope["units"][0]
    sync = root["groups"][0]["criteria"][3]
    # 1.4: 940/989 = 95.0455… % → 95.05; 6 × 940/989 = 5.7027… → 5.70 (only dossiers with
    # NgayTiepNhan are received: docs/rules.md "Populations")
    assert sync == {**sync, "code": "DOSSIER_SYNC", "numerator": 940, "denominator": 989,
                    "ratio": 95.05, "points": 5.7, "max": 6, "note": None}


def test_json_is_parseable_and_stable_across_languages(
    capsys: pytest.CaptureFixture[str]
) -> None:
    status, out_vi, _ = run(capsys, PROVINCE, *Q2, "--format", "json", "--lang", "vi")
    status_en, out_en, _ = run(capsys, PROVINCE, *Q2, "--format", "json", "--lang", "en")
    assert status == status_en == 0
    vi, en = json.loads(out_vi), json.loads(out_en)

    def numbers(data: dict[str, Any]) -> list[Any]:
        return [(u["unit_id"], u["total"], [g["points"] for g in u["groups"]])
                for u in data["units"]]

    assert numbers(vi) == numbers(en)
    assert en["units"][0]["groups"][0]["name"] == "Transparency"


# ---------------------------------------------------------------------------------------------
# --unit, --as-of, determinism


def test_unit_filter(capsys: pytest.CaptureFixture[str], envelope: dict[str, Any]) -> None:
    ids = [u["unit_id"] for u in envelope["units"]]
    pick = [ids[3], ids[0]]
    status, out, _ = run(capsys, PROVINCE, *Q2, "--format", "json", "--unit", pick[0],
                         "--unit", pick[1])
    assert status == 0
    units = json.loads(out)["units"]
    # in the tree's order, with the same numbers as in the full report
    assert [u["unit_id"] for u in units] == [ids[0], ids[3]]
    assert units[0] == envelope["units"][0] and units[1] == envelope["units"][3]


def test_as_of(capsys: pytest.CaptureFixture[str], envelope: dict[str, Any]) -> None:
    status, out, _ = run(capsys, PROVINCE, *Q2, "--format", "json",
                         "--as-of", "2025-05-15T12:00:00")
    assert status == 0
    data = json.loads(out)
    assert data["as_of"] == "2025-05-15T12:00:00+07:00"
    assert data["period"] == envelope["period"]
    # fewer dossiers have been received by mid-May than by the end of June
    sync = data["units"][0]["groups"][0]["criteria"][3]
    assert sync["code"] == "DOSSIER_SYNC"
    assert sync["denominator"] < 992
    # an aware moment is converted to Vietnam time
    status, out, _ = run(capsys, PROVINCE, *Q2, "--format", "json",
                         "--as-of", "2025-05-15T05:00:00+00:00")
    assert status == 0
    assert json.loads(out)["as_of"] == "2025-05-15T12:00:00+07:00"
    assert json.loads(out)["units"] == data["units"]


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_byte_identical_on_two_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    fmt: str) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(capsys, PROVINCE, *Q2, "--format", fmt, "--output", str(first))[0] == 0
    assert run(capsys, PROVINCE, *Q2, "--format", fmt, "--output", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    _, out, _ = run(capsys, PROVINCE, *Q2, "--format", fmt)
    assert out.encode("utf-8") == first.read_bytes()


def test_csv_rows(capsys: pytest.CaptureFixture[str], envelope: dict[str, Any]) -> None:
    import csv
    import io

    status, out, _ = run(capsys, PROVINCE, *Q2, "--format", "csv", "--unit",
                         envelope["units"][0]["unit_id"])
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # 1 total + 5 groups + 2 parts + 24 criteria
    assert len(rows) == 32
    by_code = {r["code"]: r for r in rows}
    assert by_code["TOTAL"]["points"] == str(envelope["units"][0]["total"])
    assert by_code["DOSSIER_SYNC"]["ratio"] == "95.05"
    # 2.2 shows its mean (working days per dossier), as the JSON does
    json_22 = next(c for c in envelope["units"][0]["groups"][1]["criteria"]
                   if c["code"] == "AVERAGE_PROCESSING_TIME")
    assert by_code["AVERAGE_PROCESSING_TIME"]["ratio"] == str(json_22["ratio"])
    assert by_code["AVERAGE_PROCESSING_TIME"]["points"] == ""
