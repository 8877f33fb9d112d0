"""The streaming score (row path) gives the in-memory score, byte for byte, on any folder.

Rows are generated as raw cells — well-formed moments in both national and ISO shapes, odd and
bad ones, every flag spelling, blanks, unknown codes and units, duplicate ids, supplements that
are unsorted, orphaned or unanswered, dislikes — so both the row path and its hand-offs to the
general reader are exercised, and the report (counts, every rejection, notes) must match too.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import Period, folder_walk
from chiso766.io import read_folder
from chiso766.io.rowpath import (
    IdClaims,
    MomentCells,
    complained_from_ratings,
    from_us,
    read_supplement_index,
    tally_dossier_csv,
    to_us,
)
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.scoring import Scorecard, score_766
from chiso766.streaming import score_folder
from tests.budget import examples
from tests.extras import need

BASE = datetime(2025, 3, 1, 0, 0, 0)
UNITS = ("U1", "U2", "U3")
PROCS = ("P1", "P2", "P3", "P4", "P5")  # working days, calendar days, none, hours, months
DOSSIER_HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
                  "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy", "synced_to_portal",
                  "has_fee_data", "DuocThanhToanTrucTuyen", "MaKetQua", "DuongDanTepTinKetQua",
                  "components_digitized", "HoSoCoThanhPhanSoHoa", "DuocLayTuKhoDMQG",
                  "TaiKhoanDuocXacThucVoiVNeID"]


def _spell(moment: datetime, shape: int) -> str:
    if shape == 0:
        return f"{moment:%d/%m/%Y %H:%M:%S}"
    if shape == 1:
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    if shape == 2:
        return f"{moment:%d/%m/%Y}"  # a bare date: the general path
    return f"{moment:%Y-%m-%dT%H:%M}"


moments = st.builds(lambda minutes, shape: (BASE + timedelta(minutes=minutes), shape),
                    st.integers(0, 60 * 24 * 150), st.sampled_from([0, 0, 0, 1, 2, 3]))
odd = st.sampled_from(["", "", "", "31/02/2025 08:00:00", "n/a", " 01/04/2025 08:00:00",
                       "01/04/2025 25:00:00"])
flag = st.sampled_from(["1", "0", "", "1", "0", "true", "có", "x", "null", "maybe", "Yes",
                        "KHÔNG", "n/a", " ", " có "])


@st.composite
def dossier_row(draw: st.DrawFn, n: int, unique: bool = False) -> list[str]:
    ident = draw(st.sampled_from([f"HS{n}", f"HS{n}", f"HS{n}", "", f" HS{n} "] if unique else
                                 [f"HS{n}", f"HS{n}", f"HS{n}", f"HS{n % 3}", "", f" HS{n} "]))
    receipt, rshape = draw(moments)

    def later() -> str:
        if draw(st.integers(0, 9)) == 0:
            return draw(odd)
        if draw(st.booleans()):
            return ""
        delta = draw(st.integers(-60 * 24, 60 * 24 * 40))
        return _spell(receipt + timedelta(minutes=delta), draw(st.sampled_from([0, 0, 1, 2])))

    return [
        ident,
        draw(st.sampled_from(PROCS + ("P1", "PX", " P2"))),
        draw(st.sampled_from(UNITS + ("U1", "UX", "U2 "))),
        draw(st.sampled_from(["1", "2", "3", "", "2", "trực tuyến", "9", "truc tuyen",
                              "Trực Tuyến", "online"])),
        _spell(receipt, rshape) if draw(st.booleans()) else "",
        _spell(receipt, rshape) if draw(st.integers(0, 5)) else draw(odd),
        later(), later(), later(), later(),
        draw(flag), draw(flag), draw(st.sampled_from(["0", "1", "2", "", "3", "national_portal",
                                                      "Own Gateway", "none", "n/a"])),
        draw(st.sampled_from(["KQ1", "", " "])), draw(st.sampled_from(["f.pdf", ""])),
        draw(flag), draw(flag), draw(flag), draw(flag),
    ]


@st.composite
def folders(draw: st.DrawFn, unique: bool = False, odd_lines: bool = False,
            ) -> dict[str, list[list[str]]]:
    n = draw(st.integers(0, 40))
    dossiers = [draw(dossier_row(i, unique)) for i in range(n)]
    for _ in range(draw(st.integers(0, 3)) if odd_lines and dossiers else 0):
        # A blank line (its batch read row by row); quoted cells, one a line (read in their
        # batch) or over two lines (the rest of the file is then read row by row); a row
        # whose every cell is padded with white space (the record reader strips them).
        at = draw(st.integers(0, len(dossiers) - 1))
        odd_line = draw(st.sampled_from(["blank", "quote", "delimiter", "two lines", "padded"]))
        if not dossiers[at]:
            continue  # made blank by an earlier draw
        if odd_line == "blank":
            dossiers[at] = []
        elif odd_line == "quote":
            dossiers[at][3] = 'a "quoted" channel'
        elif odd_line == "delimiter":
            dossiers[at][13] = "KQ,1"  # MaKetQua
        elif odd_line == "two lines":
            dossiers[at][13] = "KQ\n1"
        else:
            pad = draw(st.sampled_from([" ", "\t", "\xa0", "  "]))
            dossiers[at] = [f"{pad}{cell}{pad}" for cell in dossiers[at]]
    sups = []
    for _ in range(draw(st.integers(0, 12))):
        who = draw(st.sampled_from([f"HS{i}" for i in range(max(n, 1))] +
                                   ["HSX", " HS0", "", "HSĐ"]))
        asked, shape = draw(moments)
        answered = "" if draw(st.booleans()) else _spell(
            asked + timedelta(minutes=draw(st.integers(-100, 60 * 24 * 10))), shape)
        sups.append([who, _spell(asked, shape), answered])
    ratings = [[draw(st.sampled_from([f"HS{i}" for i in range(max(n, 1))])),
                draw(st.sampled_from(UNITS + ("UX",))),
                draw(st.sampled_from(["", "05/06/2025 10:00:00", "2026-01-05 10:00:00",
                                      "bad date"])),
                draw(st.sampled_from(["tốt", "không tốt", "bình thường", "??", "khong tot",
                                      "KHÔNG TỐT", " tốt", "n/a"]))]
               for _ in range(draw(st.integers(0, 8)))]
    for rows in (sups, ratings):
        if odd_lines and rows and draw(st.booleans()):
            # A blank line, a ragged row or a quoted cell in the smaller files too.
            at = draw(st.integers(0, len(rows) - 1))
            rows[at] = draw(st.sampled_from([[], [*rows[at], "extra"],
                                             [f'"{rows[at][0]}"', *rows[at][1:]]]))
    # Any column order, and optional columns left out (not reported, or the result columns
    # that make has_electronic_result).
    order = draw(st.permutations(range(len(DOSSIER_HEADER))))
    drop = draw(st.sets(st.sampled_from([i for i in range(3, len(DOSSIER_HEADER)) if i != 5]),
                        max_size=4))
    keep = [i for i in order if i not in drop]
    header = [DOSSIER_HEADER[i] for i in keep]
    dossiers = [header] + [[row[i] for i in keep] if row else [] for row in dossiers]
    return {"dossiers": dossiers, "supplements": sups, "ratings": ratings}


def _write(folder: Path, data: dict[str, list[list[str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "units.csv": (["MaDonVi", "TenDonVi", "level", "parent_id"],
                      [["U1", "Tỉnh", "PROVINCE", ""], ["U2", "Sở", "DEPARTMENT", "U1"],
                       ["U3", "Huyện", "DISTRICT", "U1"]]),
        "procedures.csv": (["MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet", "online_level", "has_fee",
                            "requires_paper_result", "for_individuals", "published",
                            "complete_elements"],
                           [["P1", "A", "5 ngày làm việc", "FULL", "1", "1", "1", "1", "1"],
                            ["P2", "B", "10 ngày", "PARTIAL", "0", "0", "1", "1", "0"],
                            ["P3", "C", "", "NONE", "", "", "", "", ""],
                            # 2.2 in the procedure's own unit (hours: columnar on the
                            # engine; months: a row at a time by the scalar form)
                            ["P4", "D", "4 giờ làm việc", "NONE", "0", "0", "1", "1", "1"],
                            ["P5", "E", "1 tháng", "NONE", "1", "0", "1", "1", "1"]]),
        "dossiers.csv": (data["dossiers"][0], data["dossiers"][1:]),
        "supplements.csv": (["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"],
                            data["supplements"]),
        "ratings.csv": (["dossier_id", "unit_id", "rated_at", "rating"], data["ratings"]),
    }
    for name, (header, rows) in tables.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)


def _both(folder: Path, period: Period, as_of: datetime | None = None) -> tuple[str, str]:
    """The streamed and the in-memory scorecard as JSON, with every unit's exact 2.2 means per
    procedure (in their own units) appended."""
    def text(card: Scorecard) -> str:
        means = [(uid, u.criteria["AVERAGE_PROCESSING_TIME"].count)
                 for uid, u in card.units.items()]
        return dumps(scorecard_to_dict(card)) + repr(
            [(uid, c.by_procedure if c is not None else None) for uid, c in means])

    streamed = text(score_folder(folder, period=period, as_of=as_of))
    whole = text(score_766(read_folder(folder).load(), period=period, as_of=as_of))
    return streamed, whole


@contextmanager
def _counting_with(path: str, batch_bytes: int = 1 << 22) -> Iterator[None]:
    """Score folders with the row path ("rows") or the columnar engine ("engine", polars) in
    batches of ``batch_bytes``."""
    saved = folder_walk._file_readers
    if path == "rows":
        readers = folder_walk._FileReaders(read_supplement_index, complained_from_ratings,
                                         tally_dossier_csv)
        folder_walk._file_readers = lambda: readers
    else:
        need("polars", "fast")
        from chiso766.frame_counts import FrameCounts
        from chiso766.io import columnar

        readers = folder_walk._FileReaders(columnar.read_supplement_columns,
                                         columnar.complained_from_rating_columns,
                                         functools.partial(columnar.tally_dossier_columns,
                                                           counts=FrameCounts))
        folder_walk._file_readers = lambda: readers
        saved_bytes, columnar.BATCH_BYTES = columnar.BATCH_BYTES, batch_bytes
    try:
        yield
    finally:
        folder_walk._file_readers = saved
        if path != "rows":
            columnar.BATCH_BYTES = saved_bytes


@pytest.mark.parametrize("path", ["rows", "engine"])
def test_repeated_column_reads_as_in_memory(tmp_path: Path, path: str) -> None:
    # A repeated column (and an unknown one): the engine hands the file to the row path
    # before reading a row; scores, counts and notes are read_folder's.
    header = [*DOSSIER_HEADER, "MaDonVi", "cot_la"]
    rows = [["HS1", "P1", "U1", "2", "", "03/03/2025 08:00:00", "10/03/2025 17:00:00",
             "05/03/2025 09:00:00", "", "", "1", "1", "0", "KQ1", "f.pdf", "1", "1", "0", "0",
             "U1", "x"]]
    _write(tmp_path, {"dossiers": [header, *rows], "supplements": [], "ratings": []})
    with _counting_with(path):
        streamed, whole = _both(tmp_path, Period.quarter(2025, 1))
        notes = score_folder(tmp_path, period=Period.quarter(2025, 1)).input.notes
    assert streamed == whole
    assert sum("cot_la" in note for note in notes) == 1
    assert notes == read_folder(tmp_path).report.notes


def _engine_moments(cells: list[str]) -> list[int | None]:
    """The engine's reading of moment cells, each in the shape of its own characters (as a
    batch of cells of that shape) and in all shapes at once (as a batch of every shape), which
    must agree: microseconds on the row path's scale, or ``None`` for a cell the engine hands
    to the row path."""
    pl = need("polars", "fast")
    from chiso766.io import columnar

    out: list[int | None] = []
    for cell in cells:
        read = []
        # In its own shape, and in every shape at once (a batch of many shapes): the same.
        for shapes in (columnar._shapes_of(pl.Series([cell])), columnar._SHAPES):
            value, ok = columnar._moment(pl.col("c"), shapes)
            got = pl.DataFrame({"c": [cell]}).select(value.alias("v"), ok.alias("ok")).row(0)
            read.append(None if got[0] is None or not got[1] else to_us(got[0]))
        assert read[0] == read[1], cell
        out.append(read[0])
    return out


@given(moment=st.datetimes(datetime(1900, 1, 1), datetime(2199, 12, 31, 23, 59, 59)),
       noise=st.lists(st.tuples(st.integers(0, 18), st.sampled_from("0123456789/-T: x")),
                      max_size=2),
       fmt=st.sampled_from(["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S",
                            "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]))
@settings(max_examples=examples(200), deadline=None)
def test_engine_moments_read_as_the_row_path_does(moment: datetime,
                                                  noise: list[tuple[int, str]],
                                                  fmt: str) -> None:
    # Every cell of a moment shape, with a little noise: the engine vouches only for cells
    # MomentCells reads as they are (day of month, leap years, 1900-2199, separators), and
    # reads them to the same value.
    text = list(moment.replace(microsecond=0).strftime(fmt))
    for at, char in noise:
        if at < len(text):
            text[at] = char
    cell = "".join(text)
    got = _engine_moments([cell])[0]
    if got is not None:
        assert got == MomentCells()(cell)
    if not noise:
        assert got == to_us(moment.replace(microsecond=0, second=moment.second
                                           if fmt.endswith("%S") else 0))


@pytest.mark.parametrize(("cell", "expected"), [
    ("01/01/1900 00:00:00", datetime(1900, 1, 1)),  # the first day the table holds
    ("31/12/2199 23:59:59", datetime(2199, 12, 31, 23, 59, 59)),  # and its last second
    ("29/02/2000 12:00:00", datetime(2000, 2, 29, 12)),  # 2000: divisible by 400, leap
    ("29/02/2024 08:30:05", datetime(2024, 2, 29, 8, 30, 5)),
    ("2024-02-29T08:30", datetime(2024, 2, 29, 8, 30)),
    ("29/02/2100 12:00:00", None),  # 2100: divisible by 100, not leap
    ("31/04/2025 12:00:00", None),  # April has 30 days
    ("00/01/2025 12:00:00", None), ("01/00/2025 12:00:00", None), ("01/13/2025 12:00:00", None),
    ("31/12/1899 23:59:59", None), ("01/01/2200 00:00:00", None),
    ("01/01/2025 24:00:00", None), ("01/01/2025 23:60:00", None), ("01/01/2025 23:59:60", None),
    ("1/01/2025 12:00:00", None), ("01/01/2025", None), ("2025-01-01 08:00:00.5", None),
])
def test_engine_moments_at_the_edges_of_the_national_shape(cell: str,
                                                           expected: datetime | None) -> None:
    # Cells the engine reads itself, or hands to the row path (None); 23:59:60 is a leap
    # second to polars' parser but not to Python's, so the pattern refuses it first.
    got = _engine_moments([cell])[0]
    if expected is None:
        assert got is None
    else:
        assert got == to_us(expected) == MomentCells()(cell)


@pytest.mark.parametrize("path", ["rows", "engine"])
@pytest.mark.parametrize("name", ["province", "messy"])
def test_folding_the_kept_counts_early_changes_nothing(name: str, path: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``Tally`` folds its kept (unit, shape) counts into the accumulators every
    ``FOLD_CELLS`` of them (memory): folding after every 3 gives the same scorecard, streamed
    and from the records."""
    folder = Path(__file__).resolve().parent.parent / "examples" / name
    expected, _ = _both(folder, Period.quarter(2025, 2))
    monkeypatch.setattr("chiso766.tally.FOLD_CELLS", 3)
    with _counting_with(path):
        streamed, whole = _both(folder, Period.quarter(2025, 2))
    assert streamed == whole == expected


@pytest.mark.parametrize("name", ["province", "messy"])
def test_examples_stream_identically(name: str) -> None:
    folder = Path(__file__).resolve().parent.parent / "examples" / name
    streamed, whole = _both(folder, Period.quarter(2025, 2))
    assert streamed == whole


def test_moment_cells_agree_with_the_parser() -> None:
    cells = MomentCells()
    for text in ("01/04/2025 08:15:30", "2025-04-01 08:15:30", "2025-04-01T08:15",
                 "01/04/2025 08:15"):
        assert cells(text) == to_us(datetime(2025, 4, 1, 8, 15, 30 if text.count(":") == 2
                                             else 0))
        assert cells(text) == cells(text)  # now from the caches
    for text in ("31/02/2025 08:00:00", "01/04/2025", "01/04/2025 08:15:30+07:00",
                 "2025-04-01 08:15:30.5", "1/4/2025 08:15:30", "01/04/1899 08:00:00"):
        assert cells(text) is None
    assert from_us(to_us(datetime(2025, 4, 1, 8, 15, 30, 7))) == datetime(2025, 4, 1, 8, 15,
                                                                            30, 7)


def test_id_claims_never_forget_and_grow() -> None:
    claims = IdClaims(10)
    ids = [f"HS{i}" for i in range(5000)]
    assert all(claims.claim(hash(i)) for i in ids)  # far past the first table's size
    assert not any(claims.claim(hash(i)) for i in ids)


def test_duplicate_ids_are_rejected_in_line_order(tmp_path: Path) -> None:
    rows = [[f"HS{i % 7}", "P1", "U1", "1", "", "02/04/2025 08:00:00", "09/04/2025 17:00:00",
             "03/04/2025 09:00:00", "", "", "1", "1", "0", "", "", "1", "1", "1", "1"]
            for i in range(30)]
    _write(tmp_path, {"dossiers": [DOSSIER_HEADER, *rows], "supplements": [], "ratings": []})
    streamed, whole = _both(tmp_path, Period.quarter(2025, 2))
    assert streamed == whole
    card = score_folder(tmp_path, period=Period.quarter(2025, 2))
    assert card.input.rejected == 23
    assert [r.line for r in card.input.rejections] == list(range(9, 32))


@pytest.mark.parametrize("odd", ["\ufeff", "ragged", "short", "blank", "blank and long"])
def test_engine_batches_starting_with_an_odd_line_read_as_in_memory(tmp_path: Path,
                                                                    odd: str) -> None:
    """A line that begins a batch with U+FEFF (polars' CSV reader would drop it as a byte
    order mark; the record reader keeps it in the id), a batch whose lines have more and
    fewer cells than the header in equal measure (the delimiters add up), a line with one
    cell fewer (polars would read the missing cell as empty), a blank line, or a
    blank line beside a line with twice the header's delimiters (they add up too): the engine
    sends the batch to the row path, and scores, rejections and lines are read_folder's, with
    every line starting a batch in turn."""
    row = ["P1", "U1", "1", "", "02/04/2025 08:00:00", "09/04/2025 17:00:00",
           "03/04/2025 09:00:00", "", "", "1", "1", "0", "", "", "1", "1", "1", "1"]
    rows = [[f"HS{i}", *row] for i in range(12)]
    if odd in ("ragged", "short"):
        if odd == "ragged":
            rows[5] = [*rows[5], "extra"]
        rows[6] = rows[6][:-1]
    elif odd == "\ufeff":
        rows[5][0] = "\ufeffHS5"  # not HS5: the request below is an orphan
    else:
        rows[5] = []  # a blank line: HS5 is not there, the request below is an orphan
        if odd == "blank and long":
            # the delimiters a blank line lacks, added to the next line
            rows[6] = [*rows[6], *(["x"] * (len(DOSSIER_HEADER) - 1))]
    requests = [["HS5", "03/04/2025 08:00:00", ""]]
    _write(tmp_path, {"dossiers": [DOSSIER_HEADER, *rows], "supplements": requests,
                      "ratings": []})
    line_bytes = len((",".join(rows[0]) + "\n").encode())
    whole = score_766(read_folder(tmp_path).load(), period=Period.quarter(2025, 2))
    # ragged: both lines rejected, and with HS5 (line 7) the request; short: HS6's line;
    # U+FEFF and a blank line: the request; the long line beside the blank one: it and the
    # request
    assert whole.input.rejected == {"ragged": 3, "blank and long": 2}.get(odd, 1)
    for lines in (1, 2, 3, 5):
        with _counting_with("engine", batch_bytes=lines * line_bytes):
            streamed, in_memory = _both(tmp_path, Period.quarter(2025, 2))
            card = score_folder(tmp_path, period=Period.quarter(2025, 2))
        assert streamed == in_memory, lines
        assert card.input.rejections == whole.input.rejections, lines


def test_engine_reads_a_header_whose_first_read_ends_between_cr_and_lf(tmp_path: Path) -> None:
    # csv.writer ends lines with CRLF; with batches one byte longer than the header line the
    # first read ends on its CR. That is not a lone CR (which the engine leaves to the row
    # path): the engine counts the file in batches, as the in-memory path would.
    rows = [[f"HS{i}", "P1", "U1", "1", "", "02/04/2025 08:00:00", "09/04/2025 17:00:00",
             "03/04/2025 09:00:00", "", "", "1", "1", "0", "", "", "1", "1", "1", "1"]
            for i in range(3)]
    _write(tmp_path, {"dossiers": [DOSSIER_HEADER, *rows], "supplements": [], "ratings": []})
    header_line = (tmp_path / "dossiers.csv").read_bytes().split(b"\n")[0]  # ends with CR
    assert header_line.endswith(b"\r")
    need("polars", "fast")
    from chiso766.io import columnar

    batches: list[int] = []
    count = columnar._Engine._count

    def spy(self: columnar._Engine, lines: object, line: int) -> None:
        batches.append(line)
        count(self, lines, line)  # type: ignore[arg-type]

    with _counting_with("engine", batch_bytes=len(header_line)), \
            pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(columnar._Engine, "_count", spy)
        streamed, whole = _both(tmp_path, Period.quarter(2025, 2))
    assert streamed == whole
    assert batches[:1] == [2]  # counted in batches from the first row (line 2) on


@pytest.mark.parametrize("odd", ["mid-cell", "after the closing quote", "empty quoted",
                                 "quoted id", "opens after a mid-cell quote"])
def test_engine_reads_quoted_lines_as_the_csv_module_does(tmp_path: Path, odd: str) -> None:
    """Lines with quotes csv.writer never writes, in a file otherwise plain: a quote inside an
    unquoted cell (a character of the cell), text after a closing quote (part of the cell),
    an empty quoted cell, a quoted id with a delimiter in it, and a line with two quotes whose
    second opens a cell that goes on over the next line (the number of quotes on the line is
    even, the row is not over). The engine reads them in their batch as the csv module splits
    them, or the rest of the file row by row, with every line starting a batch in turn: the
    same scorecard, rejections and lines as read_folder."""
    row = ["P1", "U1", "1", "", "02/04/2025 08:00:00", "09/04/2025 17:00:00",
           "03/04/2025 09:00:00", "", "", "1", "1", "0", "KQ", "", "1", "1", "1", "1"]
    lines = [",".join(DOSSIER_HEADER)] + [",".join([f"HS{i}", *row]) for i in range(10)]
    result = lines[5].split(",")
    if odd == "mid-cell":
        result[13] = 'K"Q'
    elif odd == "after the closing quote":
        result[13] = '"K"Q'
    elif odd == "empty quoted":
        result[13] = '""'
    elif odd == "quoted id":
        result[0] = '"HS,4"'
    else:
        result[13] = 'K"Q'
        result[14] = '"f.pdf'  # opens a cell: the next line is part of it
    lines[5] = ",".join(result)
    (tmp_path / "dossiers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, header, rows in (("supplements.csv", ["MaHoSo", "NgayYeuCauBoSung",
                                                     "NgayCongDanBoSung"],
                                [["HS6", "03/04/2025 08:00:00", ""]]),
                               ("units.csv", ["MaDonVi", "TenDonVi", "level", "parent_id"],
                                [["U1", "Tỉnh", "PROVINCE", ""]]),
                               ("procedures.csv", ["MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet"],
                                [["P1", "A", "5 ngày làm việc"]])):
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows])
    whole = score_766(read_folder(tmp_path).load(), period=Period.quarter(2025, 2))
    # A unit, a procedure, a request and the dossier rows: the cell HS4's line opens is never
    # closed, so the rest of the file is that one row (rejected: more cells than the header),
    # and the request for HS6 finds no dossier (rejected too).
    opens = odd == "opens after a mid-cell quote"
    assert (whole.input.read, whole.input.rejected) == (3 + (5 if opens else 10), 2 * opens)
    line_bytes = len(lines[1]) + 1
    for batch in (1, 2, 3, 20):
        with _counting_with("engine", batch_bytes=batch * line_bytes):
            streamed, in_memory = _both(tmp_path, Period.quarter(2025, 2))
            card = score_folder(tmp_path, period=Period.quarter(2025, 2))
        assert streamed == in_memory, batch
        assert card.input.rejections == whole.input.rejections, batch


@pytest.mark.parametrize("cells", [
    {"channel": "Trực Tuyến", "paid": "national_portal", "flag": "KHÔNG"},
    {"channel": "online", "paid": "Own Gateway", "flag": " "},  # blank: False
    {"channel": "truc tuyen", "paid": "none", "flag": "n/a"},  # n/a: not reported
    {"channel": "2", "paid": "n/a", "flag": " có "},
])
def test_engine_reads_words_its_tables_do_not_hold(tmp_path: Path,
                                                   cells: dict[str, str]) -> None:
    """Word and flag cells the exact-spelling tables do not hold but the converters read
    (other case or accents, underscores, a blank cell with a space, "n/a"): the engine reads
    them as the record reader does, in its batches — no row left to the row path — to the
    same scorecard."""
    need("polars", "fast")
    from chiso766.io import rowpath

    row = ["P1", "U1", cells["channel"], "", "02/04/2025 08:00:00", "09/04/2025 17:00:00",
           "03/04/2025 09:00:00", "", "", cells["flag"], cells["flag"], cells["paid"], "KQ1",
           "f.pdf", cells["flag"], "1", cells["flag"], "0"]
    rows = [[f"HS{i}", *row] for i in range(4)]
    _write(tmp_path, {"dossiers": [DOSSIER_HEADER, *rows], "supplements": [], "ratings": []})
    left: list[int] = []
    one = rowpath.RowPath.one

    def spy(self: rowpath.RowPath, line: int, *args: object) -> None:
        left.append(line)
        one(self, line, *args)  # type: ignore[arg-type]

    with _counting_with("engine"), pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(rowpath.RowPath, "one", spy)
        streamed, whole = _both(tmp_path, Period.quarter(2025, 2))
    assert streamed == whole
    assert left == []


def test_batch_claims_first_of_equal_ids() -> None:
    # Ids claimed a batch at a time: within a batch the first of equal ids claims it, and an
    # id claimed in an earlier batch (or one at a time, by the row path) is not claimed again.
    pl = need("polars", "fast")
    from chiso766.io import columnar

    claims = columnar._BatchClaims()

    def batch(ids: list[str]) -> list[bool]:
        idents = pl.Series(ids, dtype=pl.String)
        return claims.claim_batch(claims.hashes(idents), idents == "").to_list()

    assert batch(["A", "B", "A", "", ""]) == [True, True, False, False, False]
    assert claims.claim("C") and not claims.claim("C") and not claims.claim("A")
    assert batch(["C", "D", "B", "D", "E"]) == [False, True, False, False, True]
    for n in range(20):  # many batches: runs merged, nothing forgotten
        assert batch([f"X{n}", f"X{n}", "A"]) == [True, False, False]
    assert batch([f"X{n}" for n in range(20)] + ["F"]) == [False] * 20 + [True]
    # One at a time after many batches (the row path once a file leaves the batches): every
    # run is searched, and the loose claims stay exact.
    assert len(claims.runs) > 1
    for ident in ["A", "B", "C", "D", "E", "F"] + [f"X{n}" for n in range(20)]:
        assert not claims.claim(ident), ident
    assert all(claims.claim(f"Y{n}") for n in range(50))
    assert not any(claims.claim(f"Y{n}") for n in range(50))
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Many one at a time: hashed into runs every 7 ids, nothing forgotten.
        monkeypatch.setattr(columnar, "LOOSE_IDS", 7)
        assert all(claims.claim(f"Z{n}") for n in range(30))
        assert len(claims.loose) < 7
        assert not any(claims.claim(f"{c}{n}") for c in "XYZ" for n in range(20))
    assert batch(["Z3", "Y7", "G"]) == [False, False, True]


@pytest.mark.parametrize("junk", [None, 42, "no/such/folder", b"bytes", ["a"]])
def test_score_folder_refuses_junk_loudly(junk: object, tmp_path: Path) -> None:
    from chiso766.errors import Chiso766Error

    with pytest.raises(Chiso766Error):
        score_folder(junk if not isinstance(junk, int) else tmp_path,  # type: ignore[arg-type]
                     period=Period.quarter(2025, 2) if junk != 42 else junk)  # type: ignore[arg-type]
    with pytest.raises(Chiso766Error):
        score_folder(tmp_path, period=Period.quarter(2025, 2))  # a folder without dossiers
