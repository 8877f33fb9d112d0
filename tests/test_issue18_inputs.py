"""Issue 18, the reading paths: each reproduction of the issue (items 1, 2, 3, 4, 5, 9, 11, 12)
on every path that reads a folder, with the behaviour the issue expects.

The paths (:data:`PATHS`):

* ``chiso766 score FOLDER`` — the folder read into memory (the period: the year of the latest
  receipt, 2025 here, the :data:`PERIOD` the other paths are given);
* ``chiso766 score FOLDER --period P`` — streaming, on the row path (as without the ``fast``
  extra) and on the columnar engine (polars);
* ``chiso766 score FOLDER --period P --ids`` — in memory;
* ``score_766(read_folder(FOLDER), period=P)`` (the records left unread, counted by the
  engine; strict: read into memory), ``score_766(read_folder(FOLDER).load(), period=P)`` (the
  records) and ``score_folder(FOLDER, period=P)`` (row path and engine).

The engine reads a dossiers file a batch at a time (here made :data:`ENGINE_BATCH` bytes);
each reproduction is therefore also run with the bad rows placed after some nine
batches of valid rows (``where=AFTER``), read by the paths whose reading changes there
(:data:`LARGE_PATHS`). Every path must give the same
exit status, the same read/accepted/rejected counts, the same rejected rows (file, line, field,
reason) and the same scorecard (the ids ``--ids`` adds left out).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import attrs
import pytest

from chiso766 import (
    Chiso766Error,
    Period,
    folder_walk,
    read_folder,
    score_766,
    score_folder,
)
from chiso766.cli import main
from chiso766.io.rowpath import complained_from_ratings, read_supplement_index, tally_dossier_csv
from chiso766.io.values import MAX_ID_LENGTH
from chiso766.io.writers import write_folder
from chiso766.reports.json_report import scorecard_to_dict
from tests.extras import need

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "examples" / "province"
H = "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan"
PERIOD = "2025"
PATHS = ["score", "score --period (row path)", "score --period (engine)",
         "score --period --ids", "read_folder + score_766 (engine)",
         "read_folder + load + score_766", "score_folder (row path)", "score_folder (engine)"]
#: The paths a padded folder is also read by: the one that reads it in batches (the
#: engine, by the command and from Python) beside the record reader and the
#: row path (the in-memory command and --ids read as read_folder does, tried on every folder).
LARGE_PATHS = ["read_folder + score_766 (engine)", "read_folder + load + score_766",
               "score --period (row path)",
               "score --period (engine)", "score_folder (engine)"]
#: Where a reproduction's rows go: right under the header, or after many of the engine's batches.
AFTER = "after many batches"
WHERE = ["start", AFTER]
#: The engine's batch size in these tests (a parameter of the engine: 8 MiB by default).
ENGINE_BATCH = 4 << 10
#: Valid dossier rows put before the reproduction's rows: ~38 KB, some nine of the
#: engine's batches, so that the rows after them are read in a later batch.
PAD_ROWS = 400
CSV_LIMIT = "unreadable CSV row: field larger than field limit (131072)"
TIME_REASON = "not a date or time the library reads"


@attrs.frozen
class Outcome:
    """What one path gave: exit status (library: 2 for a Chiso766Error, else 1 when rows were
    rejected, else 0), the one-line error, and the scorecard as the JSON report writes it."""

    status: int
    message: str
    card: dict[str, Any] | None

    @property
    def counts(self) -> tuple[int, int, int]:
        assert self.card is not None
        counts = self.card["input"]
        return counts["read"], counts["accepted"], counts["rejected"]

    @property
    def rejected(self) -> list[tuple[str, int, str | None, str]]:
        assert self.card is not None
        return [(r["file"], r["line"], r["field"], r["reason"]) for r in self.card["rejected"]]

    def same(self) -> tuple[int, str | None]:
        """What must agree between paths: the status and the scorecard (ids left out)."""
        return self.status, None if self.card is None else _without_ids(self.card)


def _without_ids(card: dict[str, Any]) -> str:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("_ids")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return json.dumps(strip(card), sort_keys=True, ensure_ascii=False)


def _row_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streaming as without polars: the row path reads every file."""
    monkeypatch.setattr(folder_walk, "_file_readers", lambda: folder_walk._FileReaders(
        read_supplement_index, complained_from_ratings, tally_dossier_csv))


def _command(folder: Path, out: Path, *extra: str) -> Outcome:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = main(["score", str(folder), "--format", "json", "--lang", "en", "--output",
                       str(out), *extra])
    message = err.getvalue()
    assert "internal error" not in message and "Traceback" not in message, message
    card = json.loads(out.read_text(encoding="utf-8")) if status in (0, 1) else None
    if status == 2:
        assert message.count("\n") == 1, message  # one line
    return Outcome(status, message.strip(), card)


def _library(run: Callable[[], Any]) -> Outcome:
    try:
        card = scorecard_to_dict(run(), lang="en")
    except Chiso766Error as exc:  # anything else fails the test
        return Outcome(2, str(exc), None)
    return Outcome(1 if card["rejected"] else 0, "", card)


def run_path(path: str, folder: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch,
             strict: bool = False) -> Outcome:
    """Score ``folder`` by one of :data:`PATHS`."""
    if "engine" in path:
        need("polars", "fast")
        from chiso766.io import columnar

        monkeypatch.setattr(columnar, "BATCH_BYTES", ENGINE_BATCH)
    flag = ["--strict"] if strict else []
    period = Period.parse(PERIOD)
    out = tmp / "out.json"
    with monkeypatch.context() as patch:
        if "row path" in path:
            _row_path(patch)
        if path == "score":
            return _command(folder, out, *flag)
        if path.startswith("score --period --ids"):
            return _command(folder, out, "--period", PERIOD, "--ids", *flag)
        if path.startswith("score --period"):
            return _command(folder, out, "--period", PERIOD, *flag)
        if path == "read_folder + score_766 (engine)":
            return _library(lambda: score_766(read_folder(folder, strict=strict), period=period))
        if path == "read_folder + load + score_766":
            return _library(lambda: score_766(read_folder(folder, strict=strict).load(),
                                              period=period))
        return _library(lambda: score_folder(folder, period=period, strict=strict))


def every_path(folder: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch,
               strict: bool = False) -> Outcome:
    """The outcome of every path (:data:`LARGE_PATHS` for a padded folder),
    checked to be one answer; that answer."""
    large = any(f.stat().st_size > 1 << 20 for f in folder.iterdir() if f.is_file())
    paths = LARGE_PATHS if large else PATHS
    outcomes = {path: run_path(path, folder, tmp, monkeypatch, strict) for path in paths}
    first = outcomes[paths[0]]
    for path, outcome in outcomes.items():
        assert outcome.same() == first.same(), f"{path} differs from {paths[0]}"
        if outcome.card is not None:
            read, accepted, rejected = outcome.counts
            assert read == accepted + rejected, path
    messages = {o.message.removeprefix("chiso766: ") for o in outcomes.values()}
    if first.status == 2:
        assert len(messages) == 1, messages  # the same error, word for word
    return first


def _pad_rows(ncols: int, count: int = PAD_ROWS) -> str:
    # Ids of 61 characters (within the 64 an id may have): ~95 bytes a row.
    return "".join(f"PAD-000.00.01.H99-250602-{'0' * 30}{i:06d},P1,U1,02/06/2025 08:00:00"
                   + "," * (ncols - 4) + "\n" for i in range(count))


def write(folder: Path, name: str, text: str | bytes, where: str = "start") -> int:
    """Write a file of ``folder``; with ``where=AFTER`` (a dossiers file) valid rows go
    between its header and its rows. The number of lines put in (0 or :data:`PAD_ROWS`)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    padded = 0
    if where == AFTER:
        assert name.startswith("dossiers.")
        line_end = b"\n" if b"\n" in data else b"\r"  # old Mac OS files: CR alone
        end = data.index(line_end) + 1
        head, rest = data[:end], data[end:]
        rows = _pad_rows(head.count(b",") + 1).encode("utf-8")
        data = head + rows.replace(b"\n", line_end) + rest
        assert len(rows) > 8 * ENGINE_BATCH
        padded = PAD_ROWS
    (folder / name).write_bytes(data)
    return padded


# ---------------------------------------------------------------------------------------------
# 1. one truncated moment


@pytest.mark.parametrize("where", WHERE)
def test_1_a_truncated_moment_rejects_its_row_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    folder = tmp_path / "in"
    pad = write(folder, "dossiers.csv",
                f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\nHS2,P1,U1,02/06/2025 08\n", where)
    got = every_path(folder, tmp_path, monkeypatch)
    assert got.status == 1
    assert got.counts == (2 + pad, 1 + pad, 1)
    ((file, line, field, reason),) = got.rejected
    assert (file, line, field) == ("dossiers.csv", 3 + pad, "received_at")
    assert reason.startswith(TIME_REASON)


# ---------------------------------------------------------------------------------------------
# 2. old Mac line ends


@pytest.mark.parametrize("where", WHERE)
def test_2_old_mac_line_ends_are_read_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    folder = tmp_path / "in"
    rows = [H, "HS1,P1,U1,02/06/2025 08:00:00", "HS2,P1,U1,02/06/2025 08",
            "HS3,P1,U1,03/06/2025 09:00:00"]
    pad = write(folder, "dossiers.csv", "\r".join(rows) + "\r", where)
    got = every_path(folder, tmp_path, monkeypatch)
    # The lines as the file shows them: the header is line 1, HS2 line 3 (after the padding).
    assert got.status == 1
    assert got.counts == (3 + pad, 2 + pad, 1)
    ((file, line, field, reason),) = got.rejected
    assert (file, line, field) == ("dossiers.csv", 3 + pad, "received_at")
    assert reason.startswith(TIME_REASON)


# ---------------------------------------------------------------------------------------------
# 3. the paths disagreed on the same rows

BIG_ID = "R" * 1_100_000  # past the csv module's field limit (131,072 characters)


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("case", ["flag and number cells", "ratings id", "supplements id"])
def test_3_every_path_gives_the_same_verdict_on_the_same_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, case: str) -> None:
    folder = tmp_path / "in"
    if case == "flag and number cells":
        # With a recorded due date, so that the streaming count takes the rows itself: it used
        # to skip the cells it does not count (NopQuaDVCQG, ThoiGianGiaiQuyet).
        pad = write(folder, "dossiers.csv",
                    f"{H},NgayHenTra,NopQuaDVCQG,ThoiGianGiaiQuyet\n"
                    "HS1,P1,U1,02/06/2025 08:00:00,05/06/2025 17:00:00,1,2\n"
                    "HS2,P1,U1,02/06/2025 08:00:00,05/06/2025 17:00:00,zzz,2\n"
                    "HS3,P1,U1,02/06/2025 08:00:00,05/06/2025 17:00:00,0,abc\n", where)
        got = every_path(folder, tmp_path, monkeypatch)
        assert got.status == 1
        assert got.counts == (3 + pad, 1 + pad, 2)
        assert [(r[1], r[2]) for r in got.rejected] == [(3 + pad, "submitted_via_portal"),
                                                       (4 + pad, "processing_time")]
        assert got.rejected[0][3].startswith("unknown yes/no value 'zzz'")
        return
    pad = write(folder, "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n", where)
    if case == "ratings id":
        (folder / "ratings.csv").write_text(
            f"MaHoSo,MaDonVi,DanhGia\nHS1,U1,tốt\n{BIG_ID},U1,tốt\nHS1,U1,không tốt\n",
            encoding="utf-8")
        bad = ("ratings.csv", 3, None, CSV_LIMIT)
        rows = 3
    else:
        (folder / "supplements.csv").write_text(
            f"MaHoSo,NgayYeuCauBoSung\nHS1,03/06/2025 08:00:00\n{BIG_ID},03/06/2025 08:00:00\n",
            encoding="utf-8")
        bad = ("supplements.csv", 3, None, CSV_LIMIT)
        rows = 2
    got = every_path(folder, tmp_path, monkeypatch)
    # The dossier (and the padding) and every other row accepted; the 1.1 MB id rejected.
    assert got.status == 1
    assert got.counts == (1 + pad + rows, pad + rows, 1)
    assert got.rejected == [bad]


# ---------------------------------------------------------------------------------------------
# 4. the library streams what it writes


def test_4_supplements_in_json_lines_with_national_names_stream(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    write(folder, "dossiers.csv", f"{H},NgayHenTra,NgayKetThucXuLy\n"
          "HS1,P1,U1,02/06/2025 08:00:00,04/06/2025 17:00:00,05/06/2025 10:00:00\n"
          "HS2,P1,U1,02/06/2025 08:00:00,04/06/2025 17:00:00,05/06/2025 10:00:00\n")
    (folder / "supplements.jsonl").write_text(
        '{"MaHoSo": "HS1", "NgayYeuCauBoSung": "03/06/2025 08:00:00", '
        '"NgayCongDanBoSung": "04/06/2025 08:00:00"}\n', encoding="utf-8")
    got = every_path(folder, tmp_path, monkeypatch)
    assert got.status == 0
    assert got.counts == (3, 3, 0)  # two dossiers and one supplement request


def test_4_a_folder_written_as_json_lines_streams(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = write_folder(read_folder(PROVINCE), tmp_path / "jsonl", format="jsonl")
    assert {p.suffix for p in written.iterdir()} == {".jsonl"}
    got = every_path(written, tmp_path, monkeypatch)
    original = run_path("read_folder + score_766 (engine)", PROVINCE, tmp_path, monkeypatch)
    assert got.status == 0
    assert got.counts[0] == original.counts[0] - original.counts[2]  # what was accepted
    assert got.card is not None and original.card is not None
    assert got.card["units"] == original.card["units"]  # the same scores


# ---------------------------------------------------------------------------------------------
# 5. an unreadable units file


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("how", ["dangling link", "looping link", "folder"])
def test_5_an_unreadable_units_file_is_an_error_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, where: str) -> None:
    folder = tmp_path / "in"
    write(folder, "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n", where)
    units = folder / "units.csv"
    if how == "dangling link":
        units.symlink_to(folder / "gone.csv")
    elif how == "looping link":
        units.symlink_to(units)
    else:
        units.mkdir()
    got = every_path(folder, tmp_path, monkeypatch)
    assert got.status == 2
    reason = "a folder, not a file" if how == "folder" else "a broken symbolic link"
    assert f"units.csv: {reason}" in got.message


# ---------------------------------------------------------------------------------------------
# 9. memory from one row


@pytest.mark.parametrize("where", WHERE)
def test_9_an_id_longer_than_the_limit_is_rejected_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    folder = tmp_path / "in"
    long_id = "H" * 100_000
    at_limit = "L" * MAX_ID_LENGTH
    pad = write(folder, "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n"
                f"{long_id},P1,U1,02/06/2025 08:00:00\n{at_limit},P1,U1,02/06/2025 08:00:00\n"
                f"HS2,P1,{'U' * (MAX_ID_LENGTH + 1)},02/06/2025 08:00:00\n"
                f"HS3,{'P' * (MAX_ID_LENGTH + 1)},U1,02/06/2025 08:00:00\n", where)
    (folder / "supplements.csv").write_text(
        f"MaHoSo,NgayYeuCauBoSung\nHS1,03/06/2025 08:00:00\n{long_id},03/06/2025 08:00:00\n",
        encoding="utf-8")
    (folder / "ratings.csv").write_text(
        f"MaHoSo,MaDonVi,DanhGia\nHS1,U1,tốt\n{long_id},U1,không tốt\nHS1,{'U' * 1001},tốt\n",
        encoding="utf-8")
    got = every_path(folder, tmp_path, monkeypatch)
    # Accepted: HS1, the id of exactly MAX_ID_LENGTH characters, the padding, one request and
    # one rating. Rejected: the 100,000-character ids (dossier, request, rating), the unit id
    # and the procedure code of 1,001 characters (dossier, rating).
    assert got.status == 1
    assert got.counts == (5 + pad + 2 + 3, 2 + pad + 1 + 1, 6)
    assert [r[:3] for r in got.rejected] == [
        ("supplements.csv", 3, "dossier_id"),
        ("dossiers.csv", 3 + pad, "id"), ("dossiers.csv", 5 + pad, "unit_id"),
        ("dossiers.csv", 6 + pad, "procedure_code"),
        ("ratings.csv", 3, "dossier_id"), ("ratings.csv", 4, "unit_id")]
    assert {r[3] for r in got.rejected} == {
        f"an id or code of {n} characters: longer than the {MAX_ID_LENGTH} characters an id "
        "may have" for n in (100_000, 1001)}
    assert got.card is not None
    shown = got.card["rejected"][1]
    assert len(shown["value"]) == 200  # cut, as every rejected value is


_MEASURE = textwrap.dedent("""
    import resource, subprocess, sys
    subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], check=True)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
""")
_SCORE = textwrap.dedent("""
    import sys
    from chiso766 import Period, read_folder, score_766, score_folder
    folder, how = sys.argv[1], sys.argv[2]
    period = Period.parse("2025")
    if how == "memory":
        card = score_766(read_folder(folder), period=period)
    else:
        card = score_folder(folder, period=period)
    print(card.input.read, card.input.rejected)
""")


def peak_rss_mib(folder: Path, how: str) -> float:
    """Peak resident memory (MiB) of a fresh process scoring ``folder`` in memory or streaming:
    ``ru_maxrss`` of the children of a process that runs only that one."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _MEASURE, _SCORE, str(folder), how],
                          check=True, capture_output=True, text=True, env=env)
    kib = int(done.stdout.split()[-1])  # Linux: KiB (macOS: bytes)
    return kib / (1 << 20 if sys.platform == "darwin" else 1 << 10)


@pytest.mark.parametrize("case", ["one 100,000-character id", "100,000 copies of one id"])
def test_9_memory_stays_in_proportion_to_the_data(tmp_path: Path, case: str) -> None:
    """Peak memory of the streaming path (the engine, with polars) in a subprocess, against the
    same path's peak on a folder of one plain row: what the data adds. Before the fix: 6 GB (or
    MemoryError) for one 100,000-character id among a MiB of rows, 230 MB for 100,000 copies of
    one id (~175 MB over the interpreter and the library; 2M copies: killed at 4.6 GB).

    The growth is compared with the same path's own one-row peak, not with the record path's
    (which does not import polars, ~75 MiB less): that comparison failed by a few MiB on a
    loaded machine while nothing was wrong."""
    need("polars", "fast")
    if sys.platform == "win32":
        pytest.skip("ru_maxrss (the resource module) is POSIX only")
    folder = tmp_path / "in"
    if case == "one 100,000-character id":
        write(folder, "dossiers.csv", f"{H}\n{'H' * 100_000},P1,U1,02/06/2025 08:00:00\n",
              AFTER)
    else:
        write(folder, "dossiers.csv", f"{H}\n" + "HS1,P1,U1,02/06/2025 08:00:00\n" * 100_000)
    write(tmp_path / "one", "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n")
    streaming_mib = peak_rss_mib(folder, "streaming")
    baseline_mib = peak_rss_mib(tmp_path / "one", "streaming")
    # Measured: ~65 MiB of growth for 100,000 rejected copies (their rejections kept, as the
    # record path keeps them) and ~100 MiB of polars and the library; the bug added ~175 MiB.
    assert streaming_mib - baseline_mib < 110, (streaming_mib, baseline_mib)
    assert streaming_mib < 400, (streaming_mib, baseline_mib)


# ---------------------------------------------------------------------------------------------
# 11. NUL bytes anywhere


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("file", ["dossiers.csv", "dossiers.jsonl", "ratings.csv"])
def test_11_a_nul_byte_anywhere_refuses_the_file_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, file: str) -> None:
    folder = tmp_path / "in"
    if file == "dossiers.jsonl":
        # A JSON Lines file is read line by line on every path: "after" its first 4 KiB, which
        # were the only ones looked at.
        rows = [{"MaHoSo": f"HS{i}", "MaTTHC": "P1", "MaDonVi": "U1",
                 "NgayTiepNhan": "02/06/2025 08:00:00"} for i in range(
                     100 if where == AFTER else 2)]
        text = "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")
        at = text.rindex(b"HS")
        folder.mkdir()
        (folder / file).write_bytes(text[:at + 2] + b"\x00" + text[at + 2:])
    elif file == "dossiers.csv":
        write(folder, file, f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n"
              "HS\x002,P1,U1,02/06/2025 08:00:00\n", where)
    else:
        write(folder, "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025 08:00:00\n", where)
        rows_text = "HS1,U1,tốt\n" * (2_000 if where == AFTER else 1)  # 24 KB: 6 batches
        (folder / file).write_text(f"MaHoSo,MaDonVi,DanhGia\n{rows_text}HS\x001,U1,tốt\n",
                                   encoding="utf-8")
    got = every_path(folder, tmp_path, monkeypatch)
    assert got.status == 2
    assert got.message.endswith(f"{file}: not a UTF-8 text file (it contains NUL bytes: "
                                "binary, or UTF-16?)")


# ---------------------------------------------------------------------------------------------
# 12. strict mode


@pytest.mark.parametrize("where", WHERE)
def test_12_strict_mode_names_the_first_bad_row_in_file_order_on_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    folder = tmp_path / "in"
    # A duplicate id on line 3 and a bad date on line 4 (after the padding): line 3 is named.
    pad = write(folder, "dossiers.csv", f"{H}\nHS1,P1,U1,02/06/2025\nHS1,P1,U1,03/06/2025\n"
                "HS2,P1,U1,31/02/2025\n", where)
    got = every_path(folder, tmp_path, monkeypatch, strict=True)
    assert got.status == 2
    assert got.message.endswith(f"dossiers.csv:{3 + pad} HS1, field 'id', value 'HS1': "
                                f"duplicate dossier id 'HS1': first seen on line {2 + pad}")
