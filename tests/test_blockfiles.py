"""The block readers of the supplements and ratings files (numpy) against the row path: the
same index (requests, their order, their lines), the same disliked dossiers, the same
rejections — for files cut into blocks of a few bytes, and with a slot table and columns that
must grow because the file's first lines foretold fewer requests."""

from __future__ import annotations

import csv
import zlib
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
    to_us,
)
from tests.budget import examples
from tests.extras import need

np = need("numpy", "fast")
from chiso766.io import blockfiles, blocks  # noqa: E402 - needs numpy

IDS = ["HS1", "HS2", "HS3", " HS1", "HS1 ", "", "HSĐ", "HS22222222222222222222222222"]
MOMENTS = ["01/03/2025 08:00:00", "02/03/2025 09:30:00", "2025-03-03 10:00:00", "03/03/2025",
           "31/02/2025 08:00:00", "", "n/a", "05/03/2025 08:00:00",
           # Kept aside, not as 32-bit seconds from 2000: a fraction, years past 2068/before 1932.
           "2025-03-06T08:00:00.250", "01/03/2080 08:00:00", "01/03/1920 08:00:00"]
RATINGS = ["tốt", "không tốt", "bình thường", "rất hài lòng", "??", ""]


def _write(path: Path, header: list[str], rows: list[list[str]], end: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator=end)
        writer.writerow(header)
        writer.writerows(rows)


def _index(index: SupplementIndex) -> list[tuple[int, ...]]:
    """Every request with its place in its dossier's chain, as the row path would find it."""
    return [(index.hashes[k], index.crcs[k], index.requested[k], index.supplied[k],
             index.requested_us(k), index.supplied_us(k), index.line(k),
             *index.chain(index._find(index.hashes[k], index.crcs[k])))
            for k in range(len(index))]


# A dossier id (the odd ones above, or one of 40 plain ones), a request, an answer.
rows = st.lists(st.tuples(st.integers(0, 47), st.integers(0, len(MOMENTS) - 1),
                          st.integers(0, len(MOMENTS) - 1)), max_size=60)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=rows, block_bytes=st.sampled_from([40, 300, 1 << 20]), small=st.booleans(),
       odd=st.sampled_from(["", "blank", "quote", "ragged"]), end=st.sampled_from(["\n", "\r\n"]),
       few=st.sampled_from([0, 2, 64]))
def test_supplement_index_as_the_row_path_builds_it(
        tmp_path_factory: pytest.TempPathFactory, picks: list[tuple[int, int, int]],
        block_bytes: int, small: bool, odd: str, end: str, few: int) -> None:
    table = [[IDS[a] if a < 8 else f"HS{a}", MOMENTS[b], MOMENTS[(b + c) % len(MOMENTS)]]
             for a, b, c in picks]
    if odd and table:
        table.insert(len(table) // 2, {"blank": [], "quote": ['"HS1"', MOMENTS[0], ""],
                                       "ragged": ["HS2", MOMENTS[1]]}[odd])
    path = tmp_path_factory.mktemp("s") / "supplements.csv"
    _write(path, ["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"], table, end)
    expected_builder, got_builder = ReportBuilder(), ReportBuilder()
    expected = read_supplement_index(path, expected_builder, False, MomentCells())
    # blockfiles imports the row path's estimate by name: patch it in blockfiles' namespace
    namespace = vars(blockfiles)
    saved = blocks.BLOCK_BYTES, namespace["_expected_rows"], blockfiles._FEW
    blocks.BLOCK_BYTES, blockfiles._FEW = block_bytes, few  # few: probes left one at a time
    if small:  # columns and slot table sized for 2 requests: both must grow
        namespace["_expected_rows"] = lambda _: 2
    try:
        got = blockfiles.read_supplement_blocks(path, got_builder, False, MomentCells())
        # Every id of the file (and one never seen) found as the row path finds it.
        ids = [IDS[a] if a < 8 else f"HS{a}" for a, _, _ in picks] + ["HS-none"]
        hashes = np.array([hash(i) for i in ids], dtype=np.int64)
        crcs = np.array([zlib.crc32(i.encode()) for i in ids], dtype=np.int64)
        found = blockfiles._SlotView(got).find(hashes, crcs).tolist()
    finally:
        blocks.BLOCK_BYTES, namespace["_expected_rows"], blockfiles._FEW = saved
    assert found == [expected._find(int(h), int(c)) for h, c in zip(hashes, crcs, strict=True)]
    assert _index(got) == _index(expected)
    assert got.aside == expected.aside
    assert got_builder.build() == expected_builder.build()  # rejections, counts, notes


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


def test_supplement_moments_kept_exactly_whatever_their_shape(tmp_path: Path) -> None:
    # Whole seconds between 1932 and 2068 are stored in 32 bits from 2000-01-01; a fraction of a
    # second or a year outside that span is kept aside, exactly; "no answer" is neither.
    rows = [["HS1", "01/03/2025 08:00:00", "03/03/2025 10:00:00"],
            ["HS1", "2025-03-04T08:00:00.250", ""],
            ["HS2", "01/03/2080 08:00:00", "2080-03-01T09:00:00.000001"],
            ["HS3", "01/03/1920 08:00:00", "01/01/2000 00:00:00"]]
    path = tmp_path / "supplements.csv"
    _write(path, ["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"], rows, "\n")
    index = blockfiles.read_supplement_blocks(path, ReportBuilder(), False, MomentCells())
    us = [(index.requested_us(k), index.supplied_us(k)) for k in range(4)]
    moments = [(datetime(2025, 3, 1, 8), datetime(2025, 3, 3, 10)),
               (datetime(2025, 3, 4, 8, 0, 0, 250_000), None),
               (datetime(2080, 3, 1, 8), datetime(2080, 3, 1, 9, 0, 0, 1)),
               (datetime(1920, 3, 1, 8), datetime(2000, 1, 1))]
    assert us == [(to_us(r), -1 if s is None else to_us(s)) for r, s in moments]
    # 2025-03-01 08:00 is 9 191 days and 8 hours after 2000-01-01 (25 years, 7 of them leap,
    # and 59 days of 2025): 9 191 * 86 400 + 8 * 3 600 seconds.
    assert index.requested[0] == 9_191 * 86_400 + 8 * 3_600
    assert index.supplied[3] == 0
    assert sorted(index.aside) == [2 * 1, 2 * 2, 2 * 2 + 1, 2 * 3]
    assert [index.line(k) for k in range(4)] == [2, 3, 4, 5]
    chains = blockfiles.Chains(index, to_us(datetime(2090, 1, 1)))
    at = np.arange(4)
    assert chains._us(chains.requested, at, 0).tolist() == [r for r, _ in us]
    assert chains._us(chains.supplied, at, 1).tolist() == [s for _, s in us]
    assert index["HS1"][1].supplied_at is None
    assert index["HS2"][0].supplied_at == datetime(2080, 3, 1, 9, 0, 0, 1)


def test_lines_of_requests_step_past_rows_not_taken(tmp_path: Path) -> None:
    # Lines 3 and 5 are rejected (no request moment; a quote sends the rest row by row): the
    # kept requests are on lines 2, 4, 6 and 7, found again from two arrays of steps.
    rows = [["HS1", "01/03/2025 08:00:00", ""], ["HS2", "", ""],
            ["HS3", "01/03/2025 09:00:00", ""], ['"HS4"', "x", ""],
            ["HS5", "01/03/2025 10:00:00", ""], ["HS6", "01/03/2025 11:00:00", ""]]
    path = tmp_path / "supplements.csv"
    path.write_text("MaHoSo,NgayYeuCauBoSung,NgayCongDanBoSung\n"
                    + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    got = blockfiles.read_supplement_blocks(path, ReportBuilder(), False, MomentCells())
    expected = read_supplement_index(path, ReportBuilder(), False, MomentCells())
    for index in (got, expected):
        assert [index.line(k) for k in range(len(index))] == [2, 4, 6, 7]
        assert len(index.line_from) == 3  # a step at positions 0, 1 and 2
