"""The command line said loudly and in the report's language (issue 17, items 8, 9, 11): an
empty dossiers file exits 2 naming it; a period with no dossiers warns on stderr and notes it in
the report; ``--format`` follows ``--output``'s extension; a one-line stderr summary of rejected
rows when the report went to a file; messages in ``--lang``; ``--help`` lists formats, languages,
exit statuses and an example; the progress line shows percentage, rate and phase; a closed pipe
ends quietly, in the CLI and in the example scripts."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chiso766.cli import main
from chiso766.cli_progress import ProgressLine

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "province"
MESSY = str(ROOT / "examples" / "messy")
Q2 = ("--period", "2025-Q2")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def empty_dossiers(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    for name in ("units.csv", "procedures.csv"):
        shutil.copy(PROVINCE / name, folder / name)
    return folder


# ---------------------------------------------------------------------------------------------
# item 8: empty input, a period beyond the data


@pytest.mark.parametrize("content", ["", "id,procedure_code,unit_id,received_at\n"])
@pytest.mark.parametrize("command", [("score",), ("score", *Q2), ("hcm104", *Q2), ("audit",)])
def test_an_empty_dossiers_file_exits_2_naming_it(
        capsys: pytest.CaptureFixture[str], empty_dossiers: Path, content: str,
        command: tuple[str, ...]) -> None:
    (empty_dossiers / "dossiers.csv").write_text(content, encoding="utf-8")
    status, out, err = run(capsys, command[0], str(empty_dossiers), *command[1:])
    assert (status, out) == (2, "")
    assert err == "chiso766: dossiers.csv: tệp rỗng — không có dòng hồ sơ nào để chấm\n"
    status, _, err = run(capsys, command[0], str(empty_dossiers), *command[1:], "--lang", "en")
    assert err == "chiso766: dossiers.csv is empty: no dossier rows to score\n"


@pytest.mark.parametrize("fmt", ["json", "table"])  # streamed and read whole
def test_a_period_beyond_the_data_warns_and_notes(capsys: pytest.CaptureFixture[str],
                                                   fmt: str) -> None:
    status, out, err = run(capsys, "score", str(PROVINCE), "--period", "2026-Q1", "--lang",
                           "en", "--format", fmt)
    assert status == 0
    assert err.count("\n") == 1
    assert err.startswith("chiso766: warning: no dossier was received in period 2026-Q1")
    note = "no dossier was received in period 2026-Q1: the score comes only from dossiers"
    if fmt == "json":
        assert json.loads(out)["notes"][0].startswith(note)
    else:
        assert note in out


def test_html_report_of_an_empty_period_carries_the_note(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "score", str(PROVINCE), "--period", "2026-Q1", "--format",
                           "html")
    assert status == 0
    assert "(dữ liệu tiếp nhận từ 02/12/2024 đến 31/12/2025)" in err
    assert "<li>không có hồ sơ nào được tiếp nhận trong kỳ 2026-Q1" in out


def test_a_period_with_data_has_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "score", str(PROVINCE), *Q2, "--format", "json")
    assert (status, err) == (0, "")
    assert not any("no dossier" in n or "không có hồ sơ nào" in n
                   for n in json.loads(out)["notes"])


# ---------------------------------------------------------------------------------------------
# item 11: --format from --output, the rejected-rows summary


@pytest.mark.parametrize(("name", "start"), [
    ("q2.json", "{"), ("q2.csv", "unit_id,unit_name"), ("q2.html", "<!DOCTYPE html>"),
    ("q2.txt", "Chỉ số phục vụ"), ("q2.out", "Chỉ số phục vụ"), ("Q2.HTML", "<!DOCTYPE html>"),
])
def test_format_follows_the_output_extension(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path, name: str, start: str) -> None:
    target = tmp_path / name
    status, out, err = run(capsys, "score", str(PROVINCE), *Q2, "--unit", "000.00.01.H99",
                           "-o", str(target))
    assert (status, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith(start)


def test_xlsx_from_the_extension_and_explicit_format_wins(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "q2.xlsx"
    assert run(capsys, "score", str(PROVINCE), *Q2, "-o", str(target))[0] == 0
    assert target.read_bytes()[:2] == b"PK"
    target = tmp_path / "q2.html"
    assert run(capsys, "score", str(PROVINCE), *Q2, "--format", "json", "-o", str(target))[0] == 0
    json.loads(target.read_text(encoding="utf-8"))


def test_an_extension_the_command_cannot_write_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "audit.html"
    status, _, err = run(capsys, "audit", str(PROVINCE), "-o", str(target), "--lang", "en")
    assert status == 2 and not target.exists()
    assert err == (f"chiso766: --output {target}: audit cannot write html "
                   "(choose: table, json, csv)\n")


def test_rejected_rows_summary_on_stderr_when_the_report_goes_to_a_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "march.json"
    status, out, err = run(capsys, "score", MESSY, "--period", "2025-03", "-o", str(target))
    assert (status, out) == (1, "")
    assert err == f"chiso766: 7 dòng bị loại (đọc 30, nhận 23); danh sách trong {target}\n"
    assert len(json.loads(target.read_text(encoding="utf-8"))["rejected"]) == 7
    # on stdout, the report lists them itself: no summary
    status, out, err = run(capsys, "score", MESSY, "--period", "2025-03", "--lang", "en")
    assert (status, err) == (1, "") and "Rejected rows (7):" in out


# ---------------------------------------------------------------------------------------------
# item 9: messages in --lang, --help


def test_messages_follow_lang(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, vi = run(capsys, "score", str(PROVINCE), *Q2, "--unit", "X")
    _, _, en = run(capsys, "score", str(PROVINCE), *Q2, "--unit", "X", "--lang", "en")
    assert (vi, en) == ("chiso766: --unit: không có đơn vị: X\n",
                        "chiso766: --unit: no such unit: X\n")
    _, _, vi = run(capsys, "hcm104", str(PROVINCE), "--as-of", "soon")
    _, _, en = run(capsys, "hcm104", str(PROVINCE), "--as-of", "soon", "--lang=en")
    assert vi.startswith("chiso766: --as-of: không phải") and en.startswith(
        "chiso766: --as-of: not an ISO 8601")


def test_argument_errors_follow_lang(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "score") == (2, "", "chiso766: thiếu tham số: folder\n")
    assert run(capsys, "score", "x", "--format", "pdf")[2].startswith(
        "chiso766: tham số --format: giá trị không hợp lệ 'pdf'")
    assert run(capsys, "score", "x", "--format", "pdf", "--lang", "en")[2].startswith(
        "chiso766: argument --format: invalid choice: 'pdf'")
    assert run(capsys, "calendar", "abc")[2] == \
        "chiso766: tham số year: không phải số nguyên: 'abc'\n"


@pytest.mark.parametrize("command", ["score", "hcm104", "audit", "calendar"])
def test_help_lists_formats_languages_exit_status_and_an_example(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "formats: table, json" in text and "exit status:" in text
    assert f"example:\n  chiso766 {command} " in text
    if command != "calendar":
        assert "languages: vi (default), en" in text
        assert "2  unusable arguments or input" in text


def test_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "commands: score, hcm104, audit, calendar" in text and "exit status:" in text


# ---------------------------------------------------------------------------------------------
# item 11: progress


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_percentage_rate_and_phase(tmp_path: Path) -> None:
    # units.csv: 10 lines of 10 bytes (a header and 9 rows); dossiers.csv: 100 lines of 10
    # bytes: 1100 bytes in all, 10 bytes a row.
    (tmp_path / "units.csv").write_bytes(b"123456789\n" * 10)
    (tmp_path / "dossiers.csv").write_bytes(b"123456789\n" * 100)
    stream, clock = io.StringIO(), _Clock()
    line = ProgressLine(tmp_path, "en", stream=stream, clock=clock)
    line("units", 9)
    clock.now = 1.0
    line("dossiers", 50)  # units done (100 bytes) + 50 × 10 bytes = 600 / 1100 = 54.5 %
    clock.now = 3.0
    # 120 rows × 10 bytes is more than the file: the estimate is capped at 99 % of the file
    # until it is done, 100 + 990 = 1090 / 1100 = 99.1 %
    line("dossiers", 120)
    line.done(next_phase=True, rows=108)
    shown = stream.getvalue().split("\r")[1:]
    assert shown[0].startswith("chiso766:   8% reading units.csv: 9 rows")  # 90 / 1100
    # rates over the whole read: (9 + 50) rows / 1 s, then (9 + 120) rows / 3 s
    assert "/s" not in shown[0]  # no rate over no time
    assert shown[1].startswith("chiso766:  55% reading dossiers.csv: 50 rows · 59 rows/s")
    assert shown[2].startswith("chiso766:  99% reading dossiers.csv: 120 rows · 43 rows/s")
    assert shown[3] == "chiso766: 100% read 108 rows in 3.0 s; scoring…".ljust(78) + "\n"


def test_progress_on_the_command_line_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "score", str(PROVINCE), *Q2, "--format", "json",
                           "--progress")
    assert status == 0 and json.loads(out)["units"]
    assert "% đọc dossiers.csv: " in err and "chiso766: 100% đọc xong 7.075 dòng" in err


# ---------------------------------------------------------------------------------------------
# broken pipes and errors, the CLI and the example scripts alike


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _piped(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``argv | head -c 10``: the reader leaves long before the writer is done."""
    writer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                              cwd=ROOT)
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.read(10)
    writer.stdout.close()
    err = writer.stderr.read()
    writer.wait(timeout=120)
    return subprocess.CompletedProcess(argv, writer.returncode, b"", err)


SCRIPTS = sorted((ROOT / "examples" / "scripts").glob("*.py"))


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    done = _piped([sys.executable, "-m", "chiso766", "score", str(PROVINCE), "--period",
                   "2025-Q2", "--format", "html"])
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_scripts_handle_errors_and_closed_pipes(script: Path, tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, str(script), str(tmp_path / "nope")],
                         capture_output=True, env=_env(), cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode() == f"{script.name}: {tmp_path / 'nope'}: no such folder: " \
                                  f"{tmp_path / 'nope'}\n"
    done = _piped([sys.executable, str(script), str(PROVINCE)])
    assert done.returncode in (0, 1) and b"Traceback" not in done.stderr, done.stderr
