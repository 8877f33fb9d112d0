"""``chiso766 hcm104``: the SPEC §9 JSON envelope, the table and CSV, and the exit statuses, on
small folders written here.

The folder (June 2025 has no holiday; every dossier received Monday 2/6 09:00, due 16/6):

* unit X (a department under province P): X-1 finished 10/6 (early), X-2 16/6 (on time),
  X-3 19/6 (3 working days late), X-4 27/6 (sent back twice; less the applicant's 2 days it
  ended 25/6, 7 working days late);
* ratings on X: X-1 good (S1), X-2 normal (S1), X-3 good (S2);
* postings: X complete for 2025-Q2; none for P.

Hand-computed for 2025-Q2 with the default policy:

* A = (1 + 1 + 0 + 0) / 4 = 0.5 (1 dossier in the 1–5 day band);
* B = 3 / 4 = 0.75 (X-4 was sent back twice);
* C = 2 / 3 → 0.67;
* D = Decision 766 SATISFACTION: 5.2 = 6 and 5.3 = 6 (no petitions), 5.4 = min(6, 6 × (2/4) /
  0.9) = 3.33 → D = 15.33;
* E = 1;
* K = 0.5 + 0.75 + 2/3 + 15.33 + 1 = 18.2467 → 18.25, NOT_SATISFIED.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chiso766.cli import main

HEAD = {
    "units": "id,name,level,parent_id",
    "procedures": "code,name,time_limit",
    "dossiers": "id,procedure_code,unit_id,staff_id,received_at,due_at,finished_at",
    "supplements": "dossier_id,requested_at,supplied_at",
    "ratings": "dossier_id,unit_id,staff_id,rated_at,rating",
    "postings": "unit_id,period,complete",
}

BASE: dict[str, list[str]] = {
    "units": ["P,Tỉnh Mẫu,PROVINCE,", "X,Sở X,DEPARTMENT,P"],
    "procedures": ["1.000001,Cấp phép,15 ngày làm việc"],
    "dossiers": [
        "X-1,1.000001,X,S1,02/06/2025 09:00:00,16/06/2025 17:00:00,10/06/2025 15:00:00",
        "X-2,1.000001,X,S1,02/06/2025 09:00:00,16/06/2025 17:00:00,16/06/2025 15:00:00",
        "X-3,1.000001,X,S2,02/06/2025 09:00:00,16/06/2025 17:00:00,19/06/2025 15:00:00",
        "X-4,1.000001,X,S2,02/06/2025 09:00:00,16/06/2025 17:00:00,27/06/2025 15:00:00",
    ],
    "supplements": ["X-4,03/06/2025 09:00:00,04/06/2025 09:00:00",
                    "X-4,05/06/2025 09:00:00,06/06/2025 09:00:00"],
    "ratings": ["X-1,X,S1,20/06/2025 10:00:00,tốt",
                "X-2,X,S1,20/06/2025 10:00:00,bình thường",
                "X-3,X,S2,21/06/2025 10:00:00,good"],
    "postings": ["X,2025-Q2,1"],
}


def write_folder(path: Path, rows: dict[str, list[str]] | None = None,
                 **extra: list[str]) -> Path:
    data = {k: list(v) for k, v in (rows or BASE).items()}
    for kind, more in extra.items():
        data.setdefault(kind, []).extend(more)
    path.mkdir(parents=True, exist_ok=True)
    for kind, lines in data.items():
        (path / f"{kind}.csv").write_text("\n".join([HEAD[kind], *lines]) + "\n",
                                          encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["hcm104", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    status, out, err = run(capsys, *argv, "--format", "json")
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return status, data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")


def unit_of(data: dict[str, Any], unit_id: str) -> dict[str, Any]:
    units: list[dict[str, Any]] = [u for u in data["units"] if u["unit_id"] == unit_id]
    (unit,) = units
    return unit


def test_json_envelope(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, data = run_json(capsys, str(folder), "--period", "2025-Q2")
    assert status == 0
    assert data["ruleset"] == "hcm104"
    assert data["period"] == {"start": "2025-04-01", "end": "2025-06-30"}
    assert data["as_of"] == "2025-06-30T23:59:59+07:00"
    assert data["input"]["rejected"] == 0 and data["input"]["read"] == data["input"]["accepted"]
    assert data["rejected"] == []
    assert [u["unit_id"] for u in data["units"]] == ["P", "X"]
    x = unit_of(data, "X")
    assert {k: x[k] for k in ("A", "B", "C", "D", "E", "K", "verdict",
                              "late_within_5_working_days")} == {
        "A": 0.5, "B": 0.75, "C": 0.67, "D": 15.33, "E": 1, "K": 18.25,
        "verdict": "NOT_SATISFIED", "late_within_5_working_days": 1}
    assert x["parts"]["A"]["late_over_5_working_days"] == 1
    assert x["parts"]["C"]["count"] == 3
    # P pools X but has no posting of its own: E and K are null, with the reason
    p = unit_of(data, "P")
    assert p["A"] == 0.5 and p["E"] is None and p["K"] is None and p["verdict"] is None
    assert p["reason"]


def test_policy_options(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--late-within-5", "1/2")
    # A = (1 + 1 + 0.5 + 0) / 4 = 0.625 → 0.63
    assert unit_of(data, "X")["A"] == 0.63
    assert data["policy"]["late_within_5_working_days"] == "1/2"
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--late-within-5", "1")
    assert unit_of(data, "X")["A"] == 0.75


def test_counting_policy_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # X-2 (finished 16/06, on its due date) was asked for supplements twice. Default
    # (multiple_supplements_late=unfinished_only): finished, so judged on its dates minus the
    # applicant's 2 days → on time; A = (X-1 + X-2) / 4 = 0.5. With "always": late whatever its
    # dates (0 working days late: the silent band, 0 points) → A = 1 / 4 = 0.25.
    folder = write_folder(tmp_path / "d", supplements=[
        "X-2,03/06/2025 09:00:00,04/06/2025 09:00:00",
        "X-2,05/06/2025 09:00:00,06/06/2025 09:00:00"])
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2")
    assert unit_of(data, "X")["A"] == 0.5
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2",
                       "--policy", "multiple_supplements_late=always")
    assert unit_of(data, "X")["A"] == 0.25
    assert unit_of(data, "X")["late_within_5_working_days"] == 2
    status, _, err = run(capsys, str(folder), "--period", "2025-Q2", "--policy", "no=such")
    assert status == 2 and "CountingPolicy" in err


def k_equal_20_folder(path: Path) -> Path:
    """X: both dossiers on time, no supplement (A = B = 1), one normal rating (C = 0), no
    petitions and every dossier in time (D = 6 + 6 + 6 = 18), posting incomplete (E = 0):
    K = 1 + 1 + 0 + 18 + 0 = 20."""
    rows = {k: list(v) for k, v in BASE.items()}
    rows["dossiers"] = rows["dossiers"][:2]
    rows["supplements"] = []
    rows["ratings"] = ["X-1,X,S1,20/06/2025 10:00:00,bình thường"]
    rows["postings"] = ["X,2025-Q2,0"]
    return write_folder(path, rows)


def test_k_equal_20(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = k_equal_20_folder(tmp_path / "k20")
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2")
    x = unit_of(data, "X")
    assert x["K"] == 20 and x["verdict"] == "NOT_SATISFIED"
    assert "k_equal_20" in x["reason"]
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--k-equal-20", "SATISFIED")
    assert unit_of(data, "X")["verdict"] == "SATISFIED"


def test_staff(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--staff")
    staff = {s["staff_id"]: s for s in unit_of(data, "X")["staff"]}
    # S1: on time, ratings good and normal → A 1, B 1, C 0.5, D 15.33, E 1
    assert (staff["S1"]["A"], staff["S1"]["B"], staff["S1"]["C"]) == (1, 1, 0.5)
    assert staff["S1"]["D"] == 15.33 and staff["S1"]["E"] == 1
    assert staff["S1"]["K"] == 18.83
    # S2: X-3 (band) and X-4 (over 5, twice returned) → A 0, B 0.5, C 1
    assert (staff["S2"]["A"], staff["S2"]["B"], staff["S2"]["C"]) == (0, 0.5, 1)
    assert staff["S2"]["late_within_5_working_days"] == 1
    assert unit_of(data, "P")["staff"] == []


def test_table_and_languages(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, str(folder), "--period", "2025-Q2")
    assert status == 0
    assert "QĐ 104/2024/QĐ-UBND" in out and "không hài lòng" in out and "18,25" in out
    status, out, _ = run(capsys, str(folder), "--period", "2025-Q2", "--lang", "en", "--staff")
    assert "not satisfied" in out and "18.25" in out and "S2" in out


def test_csv(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, str(folder), "--period", "2025-Q2", "--format", "csv",
                         "--unit", "X")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("unit_id,unit_name,staff_id,A,B,C,D,E,K,verdict")
    assert len(lines) == 2
    assert lines[1].startswith("X,Sở X,,0.50,0.75,0.67,15.33,1.00,18.25,NOT_SATISFIED,1,")


def test_unit_filter(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--unit", "X")
    assert [u["unit_id"] for u in data["units"]] == ["X"]


def test_default_period_is_the_year_of_the_latest_receipt(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, data = run_json(capsys, str(folder))
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    # no posting for the year: E null
    assert unit_of(data, "X")["E"] is None


def test_as_of(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, data = run_json(capsys, str(folder), "--period", "2025-Q2", "--as-of",
                       "2025-06-20T12:00:00")
    assert data["as_of"] == "2025-06-20T12:00:00+07:00"
    # X-4 (25/6) has not ended yet: A = (1 + 1 + 0) / 3
    assert unit_of(data, "X")["parts"]["A"]["count"] == 3


def test_same_input_same_bytes(capsys: pytest.CaptureFixture[str], folder: Path,
                               tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        target = tmp_path / f"out{i}.json"
        status, out, _ = run(capsys, str(folder), "--period", "2025-Q2", "--format", "json",
                             "--staff", "--output", str(target))
        assert status == 0 and out == ""
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_rejected_rows_give_status_1(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    # finished before it was received: rejected, the report is still written
    folder = write_folder(tmp_path / "bad", dossiers=[
        "X-9,1.000001,X,S1,10/06/2025 09:00:00,16/06/2025 17:00:00,02/06/2025 15:00:00"])
    status, data = run_json(capsys, str(folder), "--period", "2025-Q2")
    assert status == 1
    assert data["input"]["rejected"] == 1
    (rej,) = data["rejected"]
    assert {"file", "line", "field", "value", "reason"} <= set(rej)
    assert unit_of(data, "X")["K"] == 18.25  # the other rows still count
    status, out, _ = run(capsys, str(folder), "--period", "2025-Q2")
    assert status == 1 and "dossiers.csv" in out
    # strict mode stops at the bad row
    status, out, err = run(capsys, str(folder), "--period", "2025-Q2", "--strict")
    assert status == 2 and out == "" and err.startswith("chiso766: ")


@pytest.mark.parametrize("argv", [
    ["{missing}"],
    ["{folder}", "--period", "2025-Q9"],
    ["{folder}", "--period", "soon"],
    ["{folder}", "--as-of", "yesterday"],
    ["{folder}", "--unit", "nowhere"],
    ["{folder}", "--late-within-5", "2"],
    ["{folder}", "--k-equal-20", "MAYBE"],
    ["{folder}", "--format", "xml"],
    ["{empty}"],
])
def test_unusable_input_gives_status_2(capsys: pytest.CaptureFixture[str], folder: Path,
                                       tmp_path: Path, argv: list[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    names = {"folder": str(folder), "missing": str(tmp_path / "nope"), "empty": str(empty)}
    status, out, err = run(capsys, *(a.format(**names) for a in argv))
    assert status == 2
    assert out == ""
    assert err.startswith("chiso766: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_an_empty_dossiers_file_gives_status_2_naming_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = {k: list(v) for k, v in BASE.items()}
    rows["dossiers"] = []
    rows["supplements"] = []
    rows["ratings"] = []
    folder = write_folder(tmp_path / "none", rows)
    for period in ((), ("--period", "2025-Q2")):
        status, out, err = run(capsys, str(folder), *period)
        assert status == 2 and out == "" and "dossiers.csv" in err and err.count("\n") == 1


def test_a_period_without_dossiers_scores_with_a_warning(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # One dossier, received and finished in January: nothing is resolved in Q2.
    rows = {k: list(v) for k, v in BASE.items()}
    rows["dossiers"] = ["X-1,1.000001,X,S1,06/01/2025 09:00:00,20/01/2025 17:00:00,"
                        "10/01/2025 15:00:00"]
    rows["supplements"] = []
    rows["ratings"] = []
    folder = write_folder(tmp_path / "january", rows)
    status, out, err = run(capsys, str(folder), "--period", "2025-Q2", "--format", "json")
    data = json.loads(out)
    assert status == 0 and err.startswith("chiso766: cảnh báo: ")
    x = unit_of(data, "X")
    assert x["A"] is None and x["K"] is None and x["E"] == 1
    assert data["notes"][0].startswith("không có hồ sơ nào được giải quyết trong kỳ 2025-Q2")
    assert main(["hcm104", str(folder), "--period", "2025-Q2", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert err == ("chiso766: warning: no dossier was resolved in period 2025-Q2 (the data's "
                   "receipts run from 06/01/2025 to 06/01/2025) (the report says so in its "
                   "notes)\n")


def test_bad_as_of_and_policy_values_exit_2_with_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from chiso766.cli import main

    folder = write_folder(tmp_path / "d")
    assert main(["hcm104", str(folder), "--period", "2025-Q2", "--as-of", "not a date"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--as-of" in err
    assert main(["hcm104", str(folder), "--period", "2025-Q2", "--late-within-5", "3"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
