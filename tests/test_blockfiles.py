"""The block readers of the supplements and ratings files (numpy) against the row path: the
same index (requests, their order, their lines), the same disliked dossiers, the same
rejections — for files cut into blocks of a few bytes, and with a slot table and columns that
must grow because the file's first lines foretold fewer requests."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso766.io.readers import ReportBuilder
from chiso766.io.rowpath import (
    MomentCells,
    SupplementIndex,
    complained_from_ratings,
    read_supplement_index,
)

np = pytest.importorskip("numpy")
from chiso766.io import blockfiles, blocks  # noqa: E402 - needs numpy

IDS = ["HS1", "HS2", "HS3", " HS1", "HS1 ", "", "HSĐ", "HS22222222222222222222222222"]
MOMENTS = ["01/03/2025 08:00:00", "02/03/2025 09:30:00", "2025-03-03 10:00:00", "03/03/2025",
           "31/02/2025 08:00:00", "", "n/a", "05/03/2025 08:00:00"]
RATINGS = ["tốt", "không tốt", "bình thường", "rất hài lòng", "??", ""]


def _write(path: Path, header: list[str], rows: list[list[str]], end: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator=end)
        writer.writerow(header)
        writer.writerows(rows)


def _index(index: SupplementIndex) -> list[tuple[int, int, int, int, int, tuple[int, ...]]]:
    """Every request with its place in its dossier's chain, as the row path would find it."""
    return [(index.hashes[k], index.crcs[k], index.requested[k], index.supplied[k],
             index.lines[k], tuple(index.chain(index._find(index.hashes[k], index.crcs[k]))))
            for k in range(len(index))]


# A dossier id (the odd ones above, or one of 40 plain ones), a request, an answer.
rows = st.lists(st.tuples(st.integers(0, 47), st.integers(0, 7), st.integers(0, 7)),
                max_size=60)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=rows, block_bytes=st.sampled_from([40, 300, 1 << 20]), small=st.booleans(),
       odd=st.sampled_from(["", "blank", "quote", "ragged"]), end=st.sampled_from(["\n", "\r\n"]))
def test_supplement_index_as_the_row_path_builds_it(
        tmp_path_factory: pytest.TempPathFactory, picks: list[tuple[int, int, int]],
        block_bytes: int, small: bool, odd: str, end: str) -> None:
    table = [[IDS[a] if a < 8 else f"HS{a}", MOMENTS[b], MOMENTS[(b + c) % 8]]
             for a, b, c in picks]
    if odd and table:
        table.insert(len(table) // 2, {"blank": [], "quote": ['"HS1"', MOMENTS[0], ""],
                                       "ragged": ["HS2", MOMENTS[1]]}[odd])
    path = tmp_path_factory.mktemp("s") / "supplements.csv"
    _write(path, ["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"], table, end)
    expected_builder, got_builder = ReportBuilder(), ReportBuilder()
    expected = read_supplement_index(path, expected_builder, False, MomentCells())
    saved = blocks.BLOCK_BYTES, blockfiles._expected_rows
    blocks.BLOCK_BYTES = block_bytes
    if small:  # columns and slot table sized for 2 requests: both must grow
        blockfiles._expected_rows = lambda _: 2  # type: ignore[assignment]
    try:
        got = blockfiles.read_supplement_blocks(path, got_builder, False, MomentCells())
    finally:
        blocks.BLOCK_BYTES, blockfiles._expected_rows = saved
    assert _index(got) == _index(expected)
    assert got_builder.build() == expected_builder.build()  # rejections, counts, notes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.lists(st.integers(0, 7), min_size=4, max_size=4), max_size=40),
       block_bytes=st.sampled_from([40, 300, 1 << 20]), end=st.sampled_from(["\n", "\r\n"]))
def test_disliked_dossiers_as_the_row_path_reads_them(
        tmp_path_factory: pytest.TempPathFactory, picks: list[list[int]],
        block_bytes: int, end: str) -> None:
    units = ["U1", "U2", "UX", " U1", ""]
    table = [[IDS[a], units[b % 5], MOMENTS[c], RATINGS[d % 6]] for a, b, c, d in picks]
    path = tmp_path_factory.mktemp("r") / "ratings.csv"
    _write(path, ["dossier_id", "unit_id", "rated_at", "rating"], table, end)
    as_of = datetime(2025, 3, 2, 12, 0, 0)
    expected, got = set[str](), set[str]()
    expected_builder, got_builder = ReportBuilder(), ReportBuilder()
    complained_from_ratings(path, expected_builder, False, {"U1", "U2"}, as_of, MomentCells(),
                            expected)
    saved, blocks.BLOCK_BYTES = blocks.BLOCK_BYTES, block_bytes
    try:
        blockfiles.complained_from_rating_blocks(path, got_builder, False, {"U1", "U2"}, as_of,
                                                 MomentCells(), got)
    finally:
        blocks.BLOCK_BYTES = saved
    assert got == expected
    assert got_builder.build() == expected_builder.build()  # rejections, counts, notes


def test_supplement_index_grows_past_what_the_first_lines_foretold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 requests of 170 dossiers where the first lines foretold 2: the columns and the slot
    # table grow (twice over), and every dossier keeps its requests in file order.
    rows = [[f"HS{i % 170}", f"{1 + i % 28:02d}/03/2025 08:00:00", ""] for i in range(300)]
    path = tmp_path / "supplements.csv"
    _write(path, ["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"], rows, "\n")
    monkeypatch.setattr(blockfiles, "_expected_rows", lambda _: 2)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 2000)
    got = blockfiles.read_supplement_blocks(path, ReportBuilder(), False, MomentCells())
    expected = read_supplement_index(path, ReportBuilder(), False, MomentCells())
    assert len(got) == 300
    assert len(got._slots) > 3 * 170 // 2  # grown, at most two thirds full
    assert _index(got) == _index(expected)
