"""Rejection reasons and audit messages in the report's language (issue 17, item 9).

The readers write every reason in English (the data the JSON report keeps); a report in
Vietnamese shows :func:`chiso766.reports.reasons.reason_text` of it. These tests read bad rows of
every kind the library rejects and check that each reason has a Vietnamese form that keeps its
values, that no template of the catalogue is left without a row or an example, and that the
command line shows the reasons (and the audit's messages) in ``--lang``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from chiso766.cli import main
from chiso766.deadlines import (
    HIDES_LATENESS,
    LATE_AGAINST_NEW_DUE,
    MISSING_RECORDED_DUE,
    RECORDED_LATER_THAN_STATUTORY,
    audit,
)
from chiso766.io import Dataset, ReportBuilder, iter_records, read_folder
from chiso766.records import Dossier, Procedure
from chiso766.reports.reasons import CATALOGUE, field_label, reason_text, template_of
from chiso766.timelimits import TimeLimit

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "examples" / "messy"

# The values a reason carries: quoted text, ISO moments, numbers. Each must survive translation.
_VALUES = re.compile(r"'[^']*'|\d{4}-\d{2}-\d{2}T[\d:]+|\d+")


def assert_translated(reason: str) -> str:
    """The Vietnamese form differs from the English and keeps every value in it."""
    vi = reason_text(reason, "vi")
    assert vi != reason, f"no Vietnamese for: {reason}"
    for value in _VALUES.findall(reason):
        assert value in vi, f"{value!r} lost in {vi!r}"
    return vi


# ---------------------------------------------------------------------------------------------
# bad rows of every kind

FOLDER = {
    "units.csv": """id,name,level,parent_id
P,Tỉnh,PROVINCE,
U1,Sở,DEPARTMENT,P
U1,Sở trùng,DEPARTMENT,P
U2,Sở,cấp vũ trụ,P
U3,Tự cha,DEPARTMENT,U3
""",
    "procedures.csv": """code,name,time_limit,online_level,has_fee
1.1,A,5 ngày làm việc,FULL,1
1.2,B,vài hôm,FULL,1
1.3,C,1.5 ngày,FULL,1
1.4,D,1.5 tháng,FULL,1
1.5,E,200000 ngày,FULL,1
1.6,F,5 ngày làm việc,FULL,2
1.7,G,5 ngày làm việc,mức 9,1
""",
    "dossiers.csv": """id,procedure_code,unit_id,channel,received_at,due_at,finished_at,processing_time,paid_online,synced_to_portal
D1,1.1,U1,1,03/03/2025 08:00,10/03/2025 17:00,05/03/2025 10:00,,,
D2,1.1,U9,1,03/03/2025 08:00,,,,,
D3,1.1,U1,1,,,,,,
D4,1.1,U1,1,03/03/2025 08:00,,,abc,,
D5,1.1,U1,1,03/03/2025 08:00,,,-2,,
D6,1.1,U1,1,03/03/2025 08:00,,,,9,
D7,1.1,U1,1,03/03/2025 08:00,,,,,2
D8,1.1,U1,1,03/03/2025 08:00,,,,,,extra
D9,1.1,U1,1,15/03/3025 08:00,,,,,
D10,1.1,U1,1,03/03/2025 08:00,,,,,
""",  # noqa: E501
    "supplements.csv": """dossier_id,requested_at,supplied_at
D10,01/03/2025 08:00,02/03/2025 08:00
D2,04/03/2025 08:00,
NOPE,04/03/2025 08:00,
""",
    "petitions.csv": """\
id,unit_id,classification,received_at,transferred_at,likes,sent_at,refused_at
PA1,U1,OTHER,05/03/2025 08:00,04/03/2025 08:00,1,,
PA2,U1,OTHER,05/03/2025 08:00,,-3,,
PA3,U1,OTHER,05/03/2025 08:00,,1,06/03/2025 08:00,
PA4,U1,OTHER,05/03/2025 08:00,,1,,04/03/2025 08:00
PA5,U1,kỳ lạ,05/03/2025 08:00,,1,,
""",
    "ratings.csv": "dossier_id,unit_id,rated_at,rating\nD1,U1,05/03/2025 10:00,tuyệt\n",
    "announcements.csv": """procedure_code,unit_id,decision_no,decision_date,kind,authority_level
1.1,U1,1/QĐ,01/01/2025,NEW,DISTRICT
1.1,U1,2/QĐ,01/01/2025,LẠ,PROVINCE
""",
    "postings.csv": "unit_id,period,complete\nU1,2025-Q1,1\nU1,2025-Q1,1\n",
    "authorities.csv": "unit_id,procedure_code,online_level\nU1,9.9,FULL\n",
}

FILES = {
    "two_ids.csv": ("dossiers", "id,MaHoSo,procedure_code,unit_id,received_at\n"
                                "A,B,1.1,U1,03/03/2025\n,,1.1,U1,03/03/2025\n"),
    "petition.csv": ("petitions", "id,unit_id,classification,received_at\nP1,U1,OTHER,\n"),
    "long_id.csv": ("dossiers", "id,procedure_code,unit_id,received_at\n"
                                + "L" * 1001 + ",1.1,U1,03/03/2025\n"),
    "rows.jsonl": ("dossiers",
                   '[1,2]\n{bad json\n'
                   '{"id": 1.5, "procedure_code": "1.1", "unit_id": "U1", '
                   '"received_at": "2025-03-03"}\n'
                   '{"id": "J2", "procedure_code": "1.1", "unit_id": "U1", "received_at": 1.5}\n'
                   '{"id": "J3", "procedure_code": "1.1", "unit_id": "U1", '
                   '"received_at": "2025-03-03", "synced_to_portal": 2}\n'),
}

# Templates no file row reaches (a record built from Python, an Excel error value, a nested
# national JSON field, a broken reader): their catalogue examples are translated instead.
EXAMPLES_ONLY = {
    "could not build the record", "unreadable CSV row", "an Excel error value",
    "expected a list of objects", "expected an object", "expected text",
    "expected an amount (e.g.", "expected an amount ≥ 0", "the moment cannot be converted",
    "must be a datetime", "must be a non-empty string or None", "must be a string",
    "must be a date", "must be True, False or None", "must be True or False",
    "must be one of", "must be a whole number", "must be a number ≥ 0 (ThoiGianGiaiQuyet)",
    "must be a sequence of SupplementRequest", "a time limit must be text",
    "a time limit's amount", "a time limit cannot be negative", "a limit in days or months",
    "a time limit's kind", "the cut-off must be a naive", "the cut-off must be a datetime",
}


SUPPLEMENT_ROW = " (a row of the supplements file for this dossier)"


def bad_rows(tmp_path: Path) -> list[str]:
    """The reasons of every hand-made bad row, in reading order."""
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in FOLDER.items():
        (folder / name).write_text(text, encoding="utf-8")
    reasons = [r.reason for r in read_folder(folder).report.rejections]
    for name, (kind, text) in FILES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        builder = ReportBuilder()
        list(iter_records(path, kind, report_builder=builder))
        reasons += [r.reason for r in builder.rejections]
    not_utf8 = tmp_path / "latin.csv"
    not_utf8.write_bytes(b"id,procedure_code,unit_id,received_at\n"
                         b"X,1.1,U1,03/03/2025\n\xff\xfe,1.1,U1,03/03/2025\n")
    builder = ReportBuilder()
    list(iter_records(not_utf8, "dossiers", report_builder=builder))
    reasons += [r.reason for r in builder.rejections]
    frames = Dataset.from_frames({"dossiers": [
        {"id": b"\xff", "procedure_code": "1.1", "unit_id": "U1", "received_at": "2025-03-03"},
        [1, 2]]})
    reasons += [r.reason for r in frames.report.rejections]
    return reasons


def test_every_reason_of_the_messy_example_is_translated() -> None:
    reasons = [r.reason for r in read_folder(MESSY).report.rejections]
    assert len(reasons) == 7
    shown = [assert_translated(r) for r in reasons]
    assert shown[0] == ("NgayCongDanBoSung (supplied_at) 2025-03-12T08:30:00 sớm hơn "
                        "NgayYeuCauBoSung (requested_at) 2025-03-12T14:00:00: không thể bổ sung "
                        "hồ sơ trước khi được yêu cầu")
    assert "mã TTHC '2.999999' không có trong tệp thủ tục (procedures)" in shown
    assert "trùng mã hồ sơ '000.01.21.H98-250307-0001': đã có ở dòng 12" in shown
    assert ("không nhận ra kênh thực hiện 'qua Zalo' (chấp nhận: 1/2/3, DIRECT/ONLINE/POSTAL, "
            "trực tiếp/trực tuyến/bưu chính)") in shown


def test_every_hand_made_bad_row_is_translated(tmp_path: Path) -> None:
    reasons = bad_rows(tmp_path)
    # the folder, file by file: units 3, procedures 6, authorities 1, dossiers 9 (D1 is
    # good), supplements 3, petitions 5, ratings 1, announcements 2, postings 1 = 31; the
    # files: two_ids 2, petition 1, long_id 1, rows.jsonl 5, latin 1; the frames 2 → 43
    assert len(reasons) == 31 + 2 + 1 + 1 + 5 + 1 + 2
    for reason in reasons:
        assert_translated(reason)


def test_no_template_is_left_without_a_row_or_an_example(tmp_path: Path) -> None:
    reasons = bad_rows(tmp_path) + [r.reason for r in read_folder(MESSY).report.rejections]
    hit = {id(template_of(r)) for r in reasons}
    # a record's reason about a supplement comes wrapped: the inner template is reached too
    hit |= {id(template_of(r.removesuffix(SUPPLEMENT_ROW))) for r in reasons
            if r.endswith(SUPPLEMENT_ROW)}
    assert id(None) not in hit
    missed = [t.example for t in CATALOGUE if id(t) not in hit]
    for example in missed:
        assert any(example.startswith(p) for p in EXAMPLES_ONLY), example
    # and the list is not stale: each entry names a template no row reaches
    for prefix in EXAMPLES_ONLY:
        assert any(example.startswith(prefix) for example in missed), prefix


def test_every_catalogue_example_is_its_own_template_and_keeps_its_values() -> None:
    for template in CATALOGUE:
        assert template.pattern.fullmatch(template.example), template.example
        assert template_of(template.example) is template, template.example
        assert_translated(template.example)


def test_nested_reasons_and_unknown_words() -> None:
    inner = ("supplement requested at 2025-03-01T08:00:00 before receipt 2025-03-03T08:00:00: no "
             "supplement is asked before the dossier is received")
    vi = reason_text(inner + " (a row of the supplements file for this dossier)", "vi")
    assert vi == (reason_text(inner, "vi")
                  + " (một dòng của tệp yêu cầu bổ sung (supplements) cho hồ sơ này)")
    assert vi.startswith("yêu cầu bổ sung lúc 2025-03-01T08:00:00, trước khi tiếp nhận")
    # a word the catalogue does not know leaves the whole reason in English, not half of it
    for reason in ("unknown colour 'red' (expected blue)",
                   "finished_at 2025-03-04T09:00:00 is before received_at "
                   "2025-03-05T08:30:00: some new rule",
                   "duplicate spaceship id 'X': first seen on line 3",
                   "something else entirely", ""):
        assert reason_text(reason, "vi") == reason
        assert template_of(reason) is None


def test_english_and_other_languages_are_unchanged() -> None:
    for template in CATALOGUE:
        assert reason_text(template.example, "en") == template.example
        assert reason_text(template.example, "fr") == template.example


def test_field_labels_use_the_national_column_where_there_is_one() -> None:
    assert field_label("received_at") == "NgayTiepNhan (received_at)"
    assert field_label("due_at") == "NgayHenTra (due_at)"
    # "id" is MaHoSo in dossiers but MaPAKN in petitions: no single national name
    assert field_label("id") == "id"
    assert field_label("not_a_field") == "not_a_field"


# ---------------------------------------------------------------------------------------------
# the command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def test_table_shows_the_reasons_in_vietnamese_by_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "score", str(MESSY))
    assert status == 1
    section = out[out.index("Dòng bị loại (7):"):]
    assert ("dossiers.csv:10 [procedure_code] '2.999999': mã TTHC '2.999999' không có trong tệp "
            "thủ tục (procedures)") in section
    assert "đã có ở dòng 12" in section
    for english in ("is before", "not in the procedures file", "first seen on line",
                    "unknown channel", "not a date or time the library reads"):
        assert english not in section


def test_table_shows_english_reasons_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "score", str(MESSY), "--lang", "en")
    assert status == 1
    section = out[out.index("Rejected rows (7):"):]
    assert ("dossiers.csv:10 [procedure_code] '2.999999': unknown procedure code '2.999999': "
            "not in the procedures file") in section
    assert "không có trong tệp" not in section


def test_html_shows_vietnamese_reasons_and_json_keeps_the_english(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    run(capsys, "score", str(MESSY), "-o", str(page))
    text = page.read_text(encoding="utf-8")
    assert "<td>mã TTHC &#x27;2.999999&#x27; không có trong tệp thủ tục (procedures)</td>" in text
    _, out = run(capsys, "score", str(MESSY), "--format", "json")
    rejected = json.loads(out)["rejected"]
    assert "unknown procedure code '2.999999': not in the procedures file" in [
        r["reason"] for r in rejected]
    # the envelope is unchanged: no translated copy beside the reason
    assert set(rejected[0]) == {"file", "line", "field", "value", "reason"}


# ---------------------------------------------------------------------------------------------
# the audit's messages


def test_audit_messages_in_both_languages_with_the_same_values() -> None:
    limit = TimeLimit.working_days(5)  # from Monday 3/3/2025 09:00: statutory due 10/3 17:00
    d = Dossier("D1", "1.001234", "H44", received_at=datetime(2025, 3, 3, 9),
                due_at=datetime(2025, 3, 12, 17), new_due_at=datetime(2025, 3, 11, 17),
                finished_at=datetime(2025, 3, 12, 9))
    a = audit(d, time_limit=limit)
    # recorded 12/3 vs statutory 10/3: (10/3, 12/3] = 11/3 and 12/3 = 2 working days; ended
    # 12/3: after the statutory date, not after the recorded one; after the new date 11/3
    assert a.flags == (RECORDED_LATER_THAN_STATUTORY, HIDES_LATENESS, LATE_AGAINST_NEW_DUE)
    assert a.texts("vi") == a.messages == (
        "hạn ghi nhận 12/03/2025 muộn hơn hạn theo quy định 10/03/2025 (2 ngày làm việc)",
        "kết thúc 12/03/2025: trễ so với quy định nhưng đúng hạn theo ngày ghi nhận",
        "trễ cả so với ngày hẹn lại 11/03/2025")
    assert a.texts("en") == (
        "recorded due date 12/03/2025 is later than the statutory 10/03/2025 "
        "(2 working days)",
        "ended 12/03/2025: late against the statutory due date but on time against the "
        "recorded one",
        "late even against the new due date 11/03/2025")
    missing = audit(Dossier("D2", "1.001234", "H44", received_at=datetime(2025, 3, 3, 9)),
                    Procedure("1.001234", time_limit=limit))
    assert missing.flags == (MISSING_RECORDED_DUE,)
    assert missing.texts("en") == ("no due date recorded (NgayHenTra)",)
    assert missing.texts("vi") == ("không ghi nhận ngày hẹn trả (NgayHenTra)",)


def test_audit_command_follows_lang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, out = run(capsys, "audit", str(MESSY), "--lang", "en")
    assert "↳ no due date recorded (NgayHenTra)" in out
    assert "không ghi nhận" not in out
    _, out = run(capsys, "audit", str(MESSY))
    assert "↳ không ghi nhận ngày hẹn trả (NgayHenTra)" in out
    target = tmp_path / "audit.csv"
    run(capsys, "audit", str(MESSY), "--lang", "en", "-o", str(target))
    assert "no due date recorded (NgayHenTra)" in target.read_text(encoding="utf-8")


def test_html_page_shows_audit_messages_and_reasons_in_english_with_lang_en(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "en.html"
    run(capsys, "score", str(MESSY), "--lang", "en", "-o", str(page))
    text = page.read_text(encoding="utf-8")
    assert "<td>no due date recorded (NgayHenTra)</td>" in text
    assert ("<td>unknown procedure code &#x27;2.999999&#x27;: not in the procedures file</td>"
            in text)
    assert "không ghi nhận" not in text and "không có trong tệp" not in text
