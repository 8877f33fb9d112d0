"""The block path (``io/blockpath.py``, numpy) counts as the record path and the row path do,
dossier by dossier, on files large enough to take it.

The block path reads a dossiers file a block (``blocks.BLOCK_BYTES``, 1 MiB) at a time; a file
that fits in its first read is handed whole to the row path. So these tests either lower
``BLOCK_BYTES`` (a module constant read at each call, which is what it is for in tests) or
write a file larger than a real block, and a spy on the block counter checks that the block
path really counted the dossiers.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from chiso766 import Period, score_766
from chiso766.io import read_folder
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.streaming import score_folder
from tests.budget import examples
from tests.test_rule_paths import (
    DOSSIERS,
    block_path,
    counts,
    expected,
    row_path,
    write_folder,
)

Q2 = Period.quarter(2025, 2)
BASE = datetime(2025, 3, 1)
HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
          "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy", "synced_to_portal"]


def _spell(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%d/%m/%Y %H:%M:%S}"


minutes = st.integers(0, 60 * 24 * 150)


@st.composite
def dossier(draw: st.DrawFn, n: int) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """One plain national row (its own unit ``D<n>``), its supplement requests (after the
    receipt, in order) and its ratings."""
    receipt = BASE + timedelta(minutes=draw(minutes))

    def later(chance: int = 2) -> datetime | None:
        if draw(st.integers(0, chance)) == 0:
            return None
        return receipt + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))

    ident = f"HS{n}"
    row = [ident, draw(st.sampled_from(["PR", "P5"])), f"D{n}",
           draw(st.sampled_from(["1", "2", "3"])), _spell(receipt), _spell(receipt),
           _spell(later(4)), _spell(later()), _spell(later(3)), _spell(later(5)),
           draw(st.sampled_from(["1", "0", ""]))]
    asked = receipt
    sups = []
    for _ in range(draw(st.integers(0, 3))):
        asked += timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
        answered = (None if draw(st.booleans())
                    else asked + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20))))
        sups.append([ident, _spell(asked), _spell(answered)])
    ratings = [[ident, f"D{n}", _spell(BASE + timedelta(minutes=draw(minutes))),
                draw(st.sampled_from(["không hài lòng", "hài lòng", "bình thường"]))]
               for _ in range(draw(st.integers(0, 1)))]
    return row, sups, ratings


@st.composite
def folders(draw: st.DrawFn) -> list[tuple[list[str], list[list[str]], list[list[str]]]]:
    return [draw(dossier(n)) for n in range(draw(st.integers(1, 12)))]


def _first_read(path: Path, block_bytes: int) -> int:
    """How much of the file the block path's first read takes (whole blocks up to the header's
    line break): what lies beyond it is counted in blocks, a file no longer than it is handed
    whole to the row path."""
    data = path.read_bytes()
    n = block_bytes
    while b"\n" not in data[:n] and n < len(data):
        n += block_bytes
    return min(n, len(data))


def _write(folder: Path, drawn: list[tuple[list[str], list[list[str]], list[list[str]]]]
           ) -> None:
    tables = {
        "units.csv": (["MaDonVi", "TenDonVi", "level", "parent_id"],
                      [["T", "Tỉnh", "PROVINCE", ""]] + [
                          [f"D{n}", f"X{n}", "COMMUNE", "T"] for n in range(len(drawn))]),
        "procedures.csv": (["MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet", "online_level",
                            "has_fee", "requires_paper_result"],
                           [["PR", "A", "", "FULL", "0", "0"],
                            ["P5", "B", "5 ngày làm việc", "FULL", "0", "1"]]),
        "dossiers.csv": (HEADER, [row for row, _, _ in drawn]),
        "supplements.csv": (["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"],
                            [s for _, sups, _ in drawn for s in sups]),
        "ratings.csv": (["dossier_id", "unit_id", "rated_at", "rating"],
                        [r for _, _, ratings in drawn for r in ratings]),
    }
    for name, (header, rows) in tables.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)


@settings(max_examples=examples(40))
@given(drawn=folders(), as_of_days=st.one_of(st.none(), st.integers(0, 150)),
       block_bytes=st.sampled_from([64, 128, 256]))
def test_block_path_counts_each_dossier_as_the_other_paths(
        tmp_path_factory: pytest.TempPathFactory,
        drawn: list[tuple[list[str], list[list[str]], list[list[str]]]],
        as_of_days: int | None, block_bytes: int) -> None:
    """For any folder of plain national rows (each dossier in its own unit: moments in the
    national shape, known units and procedures, supplement requests in order after the
    receipt, answered or not, ratings and dislikes), scored for 2025-Q2 at any ``as_of``: the
    block path's scorecard is byte for byte that of ``score_766(read_folder(...))`` and of the
    row path — so every dossier is counted alike in every criterion — and the block counter
    itself counted every dossier received by ``as_of`` (none was handed to the row path) once
    the file is larger than the block path's first read."""
    folder = tmp_path_factory.mktemp("blocks")
    _write(folder, drawn)
    as_of = None if as_of_days is None else BASE + timedelta(days=as_of_days, hours=9)
    whole = dumps(scorecard_to_dict(score_766(read_folder(folder), period=Q2, as_of=as_of)))
    with row_path():
        rows = dumps(scorecard_to_dict(score_folder(folder, period=Q2, as_of=as_of)))
    with pytest.MonkeyPatch.context() as monkeypatch, block_path(monkeypatch,
                                                                 block_bytes) as spied:
        blocks = dumps(scorecard_to_dict(score_folder(folder, period=Q2, as_of=as_of)))
    limit = Q2.end_moment if as_of is None else as_of
    received = sum(datetime.strptime(row[5], "%d/%m/%Y %H:%M:%S") <= limit
                   for row, _, _ in drawn)
    larger = (folder / "dossiers.csv").stat().st_size > _first_read(folder / "dossiers.csv",
                                                                    block_bytes)
    event("counted in blocks" if larger else "within the first read: the row path")
    assert spied["rows"] == (received if larger else 0)
    assert blocks == whole
    assert blocks == rows


def test_block_path_on_a_file_larger_than_a_block(tmp_path: Path) -> None:
    """A dossiers file larger than the block path's real block (1 MiB, not lowered): the block
    counter counts every row, and the scorecard is byte for byte the record path's and the row
    path's, each unit counting 420 times its one dossier of tests/test_rule_paths.py."""
    from chiso766.io import blocks as block_module

    copies = 420  # 27 dossiers × 420 ≈ 11,300 rows of ~105 bytes: over 1 MiB
    write_folder(tmp_path, copies)
    assert (tmp_path / "dossiers.csv").stat().st_size > block_module.BLOCK_BYTES
    whole = score_766(read_folder(tmp_path), period=Q2)
    assert counts(whole, copies) == expected(copies)
    with row_path():
        rows = score_folder(tmp_path, period=Q2)
    with pytest.MonkeyPatch.context() as monkeypatch, block_path(
            monkeypatch, block_module.BLOCK_BYTES) as spied:
        blocks = score_folder(tmp_path, period=Q2)
    assert spied["rows"] == len(DOSSIERS) * copies
    assert dumps(scorecard_to_dict(blocks)) == dumps(scorecard_to_dict(whole))
    assert dumps(scorecard_to_dict(blocks)) == dumps(scorecard_to_dict(rows))
