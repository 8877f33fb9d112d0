"""Differential fuzzing of the reading paths: mutated example folders, every path, one answer.

A base folder (the example province, cut to its first dossiers so each case is quick) is mutated
by a seeded generator — cells truncated, emptied, replaced by junk, made huge or hostile, rows
duplicated or cut short, line ends changed — and scored by every entry point that reads a folder:

* ``score_766(read_folder(folder).load(), period=…)`` (the in-memory records path) and
  ``score_766(read_folder(folder), period=…)`` (the folder's records left unread: the engine,
  called from ``score_766``),
* ``score_folder(folder, period=…)`` (the streaming path, on the columnar engine when installed),
* ``chiso766 score FOLDER --period … --format json`` (streaming) and the same with ``--ids``
  (in memory);
* ``chiso766 hcm104`` and ``chiso766 audit`` (only: no internal error, exit 0, 1 or 2).

``score_folder`` runs twice: on the row path (as without polars) and on the columnar engine
(polars, the ``fast`` extra), made to read in batches of :data:`ENGINE_BATCH` bytes so that even
these small files are several batches; every ``PADDED``-th folder has its dossiers file padded
past a MiB with valid rows (copies of the base rows under new ids) before it is mutated: many
batches, most mutations deep inside the file.

Invariants, for every mutated folder:

1. no path fails with anything but a library error (``Chiso766Error``), and the command never
   exits with an internal error;
2. either every path refuses the folder (the same kind of one-line error), or none does;
3. the input report adds up: read = accepted + rejected, file by file;
4. every path accepts and rejects the same rows, for the same reasons;
5. every path gives the same scorecard.

Seeded and bounded by count (``CASES`` folders), never by time: a red run replays exactly.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import chiso766.folder_walk as folder_walk_module
from chiso766 import Chiso766Error, Period, read_folder, score_766, score_folder
from chiso766.cli import main
from chiso766.io.rowpath import complained_from_ratings, read_supplement_index, tally_dossier_csv
from tests.budget import examples
from tests.extras import need

ROOT = Path(__file__).resolve().parent.parent.parent
PROVINCE = ROOT / "examples" / "province"
PERIOD = "2025-Q2"
#: folders mutated: 20 on a developer's run, 10 in CI (tests/budget.py)
CASES = examples(20)
BASE_DOSSIERS = 160
#: One folder in PADDED has a dossiers file of more than a MiB: seeds 5, 13, 21, … (5 and 45
#: gave a NopQuaDVCQG cell the old block path accepted and the others rejected, before issue 18
#: was fixed).
PADDED = 8
#: The engine's batch size here: a few dozen rows a batch, so a base folder is several batches
#: (sixteen times that for a padded folder).
ENGINE_BATCH = 4096

#: Replacement cells: what real exports and hostile users put in a cell.
JUNK = [
    "", " ", "zzz", "-1", "1.5", "NaN", "null", "0", "2", "99",
    "02/06/2025 08", "31/02/2025 08:00:00", "2025-13-01", "20250601", "2025-06-01T08:00:00+09:00",
    "01/06/2025", "=HYPERLINK(\"http://x\",\"y\")", "\x1b[2J", "a\nb", "ở đây", "\u202e",
    "x" * 5000, "1e9", "true", "có", "không", "H\x00S",
]


def _base(tmp: Path, padded: bool = False) -> Path:
    folder = tmp / "base"
    folder.mkdir()
    for f in PROVINCE.iterdir():
        if f.name == "dossiers.csv":
            with f.open(encoding="utf-8", newline="") as src:
                rows = list(csv.reader(src))[: BASE_DOSSIERS + 1]
            if padded:
                # Copies of the base rows under new ids, before them, past 1 MiB; few rows of
                # ~2 kB (a long result link) keep each case quick.
                link = rows[0].index("DuongDanTepTinKetQua")
                copies = [[f"{row[0]}-P{k}", *row[1:link],
                           f"{row[link] or 'https://kq.example/'}#{'p' * 2000}", *row[link + 1:]]
                          for k in range(3) for row in rows[1:]]
                rows = [rows[0], *copies, *rows[1:]]
            with (folder / f.name).open("w", encoding="utf-8", newline="") as dst:
                csv.writer(dst).writerows(rows)
            assert not padded or (folder / f.name).stat().st_size > 1 << 20
        else:
            shutil.copy(f, folder / f.name)
    return folder


def _mutate(folder: Path, rnd: random.Random, padded: bool = False) -> list[str]:
    """Apply 1–3 seeded mutations to the CSV files of ``folder`` (4–8 to its dossiers file when
    it is padded past a MiB: many of the engine's batches); what was done, for messages."""
    done = []
    files = sorted(p for p in folder.iterdir() if p.suffix == ".csv")
    for _ in range(rnd.randint(4, 8) if padded else rnd.randint(1, 3)):
        # Half the mutations hit the dossiers, where the paths differ most.
        path = folder / "dossiers.csv" if padded or rnd.random() < 0.5 else rnd.choice(files)
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if len(rows) < 2:
            continue
        kind = rnd.choice(["cell", "cell", "cell", "duplicate", "short", "long", "line-ends"])
        i = rnd.randrange(1, len(rows))
        if kind == "cell":
            j = rnd.randrange(len(rows[i])) if rows[i] else 0
            value = rnd.choice(JUNK)
            if rows[i]:
                old = rows[i][j]
                rows[i][j] = value if rnd.random() < 0.8 else old[: rnd.randrange(len(old) + 1)]
            done.append(f"{path.name} row {i} cell {j} -> {rows[i][j][:30]!r}")
        elif kind == "duplicate":
            rows.insert(rnd.randrange(1, len(rows) + 1), list(rows[i]))
            done.append(f"{path.name} row {i} duplicated")
        elif kind == "short":
            rows[i] = rows[i][: rnd.randrange(len(rows[i]) + 1)]
            done.append(f"{path.name} row {i} cut to {len(rows[i])} cells")
        elif kind == "long":
            rows[i] = [*rows[i], "extra"]
            done.append(f"{path.name} row {i} one cell too many")
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\r\n" if rnd.random() < 0.2 else "\n").writerows(rows)
        out = buf.getvalue()
        if kind == "line-ends":
            out = out.replace("\r\n", "\n").replace("\n", rnd.choice(["\r\n", "\r"]))
            done.append(f"{path.name} line ends changed")
        path.write_text(out, encoding="utf-8", newline="")
    return done


def _outcome(run: Callable[[], dict[str, Any]]) -> tuple[str, Any]:
    try:
        return "ok", run()
    except Chiso766Error as exc:
        return "error", type(exc).__name__


def _in_memory(folder: Path) -> dict[str, Any]:
    return score_766(read_folder(folder).load(), period=Period.parse(PERIOD)).to_dict()


def _unread(folder: Path) -> dict[str, Any]:
    dataset = read_folder(folder)
    assert not dataset.is_read  # a folder of CSV files: counted from its files
    card = score_766(dataset, period=Period.parse(PERIOD)).to_dict()
    assert not dataset.is_read
    return card


def _streaming(folder: Path) -> dict[str, Any]:
    return score_folder(folder, period=Period.parse(PERIOD)).to_dict()


def _row_path(folder: Path) -> dict[str, Any]:
    """:func:`_streaming` on the row path, as without polars."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folder_walk_module, "_file_readers", lambda: folder_walk_module._FileReaders(
            read_supplement_index, complained_from_ratings, tally_dossier_csv))
        return _streaming(folder)


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = main(list(argv))
    return status, err.getvalue()


def _command(folder: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any] | None, str]:
    status, err = _run("score", str(folder), "--period", PERIOD, "--format", "json",
                       "--output", str(out), *extra)
    data = json.loads(out.read_text(encoding="utf-8")) if status in (0, 1) else None
    return status, data, err


def _rows(card: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["file"], r["line"], r["field"], r["reason"]) for r in card["rejected"]]


def _without_ids(card: dict[str, Any]) -> str:
    """The scorecard with the dossier ids ``--ids`` adds taken out."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("_ids")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return json.dumps(strip(card), sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("seed", range(CASES))
def test_every_path_gives_one_answer(tmp_path: Path, seed: int,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    padded = seed % PADDED == 5
    need("polars", "fast")
    from chiso766.io import columnar

    monkeypatch.setattr(columnar, "BATCH_BYTES", ENGINE_BATCH * (16 if padded else 1))
    folder = _base(tmp_path, padded)
    what = _mutate(folder, random.Random(seed), padded)
    memory = _outcome(lambda: _in_memory(folder))
    unread = _outcome(lambda: _unread(folder))
    streaming = _outcome(lambda: _streaming(folder))  # the engine
    rows = _outcome(lambda: _row_path(folder))
    status, cli, err = _command(folder, tmp_path / "stream.json")
    status_ids, cli_ids, err_ids = _command(folder, tmp_path / "ids.json", "--ids")
    others = [_run("hcm104", str(folder), "--period", PERIOD, "--format", "json", "--output",
                   str(tmp_path / "hcm.json")),
              _run("audit", str(folder), "--output", str(tmp_path / "audit.txt"))]
    context = f"seed {seed}{' (padded past 1 MiB)' if padded else ''}: {what}"
    # 1. library errors only; the command's errors are one line, never "internal error"
    for code, message in [(status, err), (status_ids, err_ids), *others]:
        assert code in (0, 1, 2) and "internal error" not in message, f"{context}\n{message}"
        assert code != 2 or message.count("\n") == 1, f"{context}\n{message}"
    # 2. all refuse, or none does
    refused = {memory[0] == "error", unread[0] == "error", streaming[0] == "error",
               rows[0] == "error", status == 2, status_ids == 2}
    assert len(refused) == 1, (f"{context}: {memory[0]} {unread[0]} {streaming[0]} {rows[0]} "
                               f"{status} {status_ids}")
    if memory[0] == "error":
        assert memory == unread == streaming == rows, context
        return
    mem, stream, row_path = memory[1], streaming[1], rows[1]
    assert cli is not None and cli_ids is not None
    # 3. read = accepted + rejected
    for card in (mem, unread[1], stream, row_path, cli, cli_ids):
        counts = card["input"]
        assert counts["read"] == counts["accepted"] + counts["rejected"], context
        assert counts["rejected"] == len(card["rejected"]), context
    # 4. the same rows rejected, for the same reasons
    assert _rows(stream) == _rows(mem) == _rows(row_path) == _rows(unread[1]), context
    assert _rows(cli) == _rows(mem) == _rows(cli_ids), context
    assert status == status_ids == (1 if mem["rejected"] else 0), context
    # 5. the same scorecard
    assert stream == mem == row_path == unread[1], context
    assert _without_ids(cli) == _without_ids(cli_ids), context
