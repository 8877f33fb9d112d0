"""The plain-row reader (:class:`chiso766.io.readers.PlainRows`) reads a batch of CSV rows
column by column; a row it cannot vouch for is ``None`` (the general path then reads it and
names what is wrong), and no other row of the batch is lost or changed by it; and the read
report of several readings, which the readers' reports are joined into."""

from __future__ import annotations

from datetime import datetime

from chiso766.io import readers


def _supplements_reader() -> readers.PlainRows:
    reader = readers.RecordReader(readers.RECORD_KINDS["supplements"], "supplements.csv",
                                  readers.ReportBuilder(), False, None, None, None)
    plain = readers.plain_reader(reader, {"dossier_id": [(0, "dossier_id")],
                                          "requested_at": [(1, "requested_at")]})
    assert plain is not None
    return plain


def test_a_short_row_is_left_to_the_general_path_and_the_others_keep_their_lines() -> None:
    """A supplement request keeps the line it was read from (docs/inputs.md names a bad one by
    its line): a short row among others must not cost the others their lines."""
    rows = [["H-1", "2025-01-02 08:00"], ["H-2"], ["H-3", "2025-01-03 09:30"]]
    first, short, third = _supplements_reader().csv_rows(rows, [5, 6, 9])
    assert short is None
    assert (first.dossier_id, first.line) == ("H-1", 5)
    assert (third.dossier_id, third.line) == ("H-3", 9)
    assert third.request.requested_at == datetime(2025, 1, 3, 9, 30)


def test_a_bad_cell_leaves_out_its_row_only() -> None:
    rows = [["H-1", "2025-01-02 08:00"], ["H-2", "not a moment"], ["H-3", "2025-01-03 09:30"]]
    got = _supplements_reader().csv_rows(rows, [2, 3, 4])
    assert got[1] is None
    assert [r.dossier_id for r in (got[0], got[2])] == ["H-1", "H-3"]
    assert [r.line for r in (got[0], got[2])] == [2, 4]


def test_one_row_reads_as_it_reads_in_a_batch() -> None:
    plain = _supplements_reader()
    rows = [["  H-1 ", "2025-01-02 08:00"], ["H-2", ""], ["H-3", "2025-01-03 09:30"]]
    batch = plain.csv_rows(rows, [2, 3, 4])
    assert [plain.csv_row(row, line) for row, line in zip(rows, [2, 3, 4], strict=True)] == batch
    assert batch[0].dossier_id == "H-1"  # stripped
    assert batch[1] is None  # a request needs its moment (docs/inputs.md)


def test_a_builder_adds_another_builders_counts_rejections_and_notes() -> None:
    """The report of several readings (``ReportBuilder.add_all``): read = accepted + rejected
    still holds per file and in all, rejections keep their order, a note is not repeated."""
    first, second = readers.ReportBuilder(), readers.ReportBuilder()
    first.add_read("dossiers.csv", 4)
    first.reject(readers.Rejection("dossiers.csv", 3, "id", "", "the id is empty",
                                   column="MaHoSo"))
    first.note("read as UTF-8")
    second.add_read("dossiers.csv", 2)
    second.add_read("ratings.csv", 5)
    second.reject(readers.Rejection("ratings.csv", 2, None, "", "unreadable CSV row"))
    second.note("read as UTF-8")
    second.note("ratings: no units file")
    first.add_all(second)
    report = first.build()
    assert (report.read, report.accepted, report.rejected) == (11, 9, 2)
    assert report.files["dossiers.csv"].read == 6
    assert report.files["dossiers.csv"].rejected == 1
    assert report.files["ratings.csv"].accepted == 4
    assert [r.file for r in report.rejections] == ["dossiers.csv", "ratings.csv"]
    assert report.notes == ("read as UTF-8", "ratings: no units file")
