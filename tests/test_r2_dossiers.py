"""The revision-2 dossier counting rules (docs/rules.md "Populations", "2.2", "Was a dossier
handled on time?" and policy ``multiple_supplements_late``), hand-computed, and the same numbers
from the records path, the streaming row path and the columnar engine (polars).

Calendar facts used (Vietnam, 2025): 1/4/2025 is a Tuesday; 5–6/4 and 12/4 are a weekend and a
Saturday; 7/4 (Giỗ Tổ Hùng Vương), 30/4, 1/5 and 2/5 are days off; Saturday 26/4 is a working day
(TB 6150/TB-BLĐTBXH). Office hours 07:30–11:30 and 13:00–17:00.

The example unit U1 has, per copy ``k`` (ids ``A-k``…), for period 2025-Q2 (as_of 30/6 23:59:59):

====  =====  ===========================================================  ==================
id    proc.  what                                                         verdict (default)
====  =====  ===========================================================  ==================
A     PW     received 1/4 08:00, due 8/4, finished 3/4 10:00, online      EARLY
B     PW2    **submitted 2/4 09:00 only** (no NgayTiepNhan), online,      not in P
             finished 3/4, paid online, fee data
C     PW     received 1/4, due 8/4, 2 answered requests (2/4→3/4,         EARLY ("always":
             4/4→7/4 08:00: 4 days), finished 10/4 10:00 → 6/4 10:00      LATE)
D     PW     received 1/4, due 8/4, 2 requests, the second unanswered     PENDING_LATE
E     PC     received 1/4, due 11/4, returned 12/4 09:00                  LATE
F     PH     received 1/4 08:00, due 2/4, finished 2/4 10:00              ON_TIME
G     PM     received 15/4 08:00, due 15/5, finished 30/5 09:00           LATE
H     PW     received 1/4, due 8/4, stopped 3/4                           EARLY
I     PW     received 25/3 (carried over), due 31/3, finished 2/4         LATE
J     PW     received 20/6 08:00, due 27/6, finished 3/7 10:00            PENDING_LATE
====  =====  ===========================================================  ==================

PW: 5 working days, online FULL, fee; PW2: the same (only B has it); PC: 10 calendar days;
PH: 8 working hours; PM: 1 month; PC, PH, PM: no fee, no online service.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from chiso766 import (
    CountingPolicy,
    Dossier,
    Period,
    Procedure,
    SupplementRequest,
    TimeLimit,
    Timeliness,
    classify,
    read_folder,
    score_766,
)
from chiso766.criteria.base import ProcedureMean
from chiso766.deadlines import office_hours_between, processing_time
from chiso766.errors import PolicyError
from chiso766.live import LiveTally
from chiso766.scoring import Scorecard
from chiso766.streaming import score_folder
from tests.extras import need

Q2 = Period.quarter(2025, 2)
ALWAYS = CountingPolicy(multiple_supplements_late="always")
#: Copies of the ten dossiers (the engine is made to read this file in batches of 512 bytes:
#: several batches, each with rows of every kind).
COPIES = 20

HEADER = ["id", "procedure_code", "unit_id", "channel", "submitted_at", "received_at", "due_at",
          "finished_at", "returned_at", "stopped_at", "synced_to_portal",
          "has_electronic_result", "paid_online", "has_fee_data", "components_digitized"]
#: (id, procedure, channel, submitted, received, due, finished, returned, stopped, paid,
#: fee data)
ROWS = [
    ("A", "PW", "2", "", "01/04/2025 08:00:00", "08/04/2025 17:00:00", "03/04/2025 10:00:00",
     "", "", "0", "1"),
    ("B", "PW2", "2", "02/04/2025 09:00:00", "", "", "03/04/2025 10:00:00", "", "", "1", "1"),
    ("C", "PW", "1", "", "01/04/2025 08:00:00", "08/04/2025 17:00:00", "10/04/2025 10:00:00",
     "", "", "0", "1"),
    ("D", "PW", "1", "", "01/04/2025 08:00:00", "08/04/2025 17:00:00", "", "", "", "0", "1"),
    ("E", "PC", "1", "", "01/04/2025 08:00:00", "11/04/2025 17:00:00", "",
     "12/04/2025 09:00:00", "", "0", ""),
    ("F", "PH", "1", "", "01/04/2025 08:00:00", "02/04/2025 17:00:00", "02/04/2025 10:00:00",
     "", "", "0", ""),
    ("G", "PM", "1", "", "15/04/2025 08:00:00", "15/05/2025 17:00:00", "30/05/2025 09:00:00",
     "", "", "0", ""),
    ("H", "PW", "1", "", "01/04/2025 08:00:00", "08/04/2025 17:00:00", "", "",
     "03/04/2025 17:00:00", "0", "1"),
    ("I", "PW", "1", "", "25/03/2025 08:00:00", "31/03/2025 17:00:00", "02/04/2025 10:00:00",
     "", "", "0", "1"),
    ("J", "PW", "1", "", "20/06/2025 08:00:00", "27/06/2025 17:00:00", "03/07/2025 10:00:00",
     "", "", "0", "1"),
]
SUPPLEMENTS = [
    ("C", "02/04/2025 08:00:00", "03/04/2025 08:00:00"),
    ("C", "04/04/2025 08:00:00", "07/04/2025 08:00:00"),
    ("D", "02/04/2025 08:00:00", "03/04/2025 08:00:00"),
    ("D", "04/04/2025 08:00:00", ""),
]
PROCEDURES = [
    ("PW", "5 ngày làm việc", "FULL", "1", "0"),
    ("PW2", "5 ngày làm việc", "FULL", "1", "0"),
    ("PC", "10 ngày", "NONE", "0", "0"),
    ("PH", "8 giờ làm việc", "NONE", "0", "0"),
    ("PM", "1 tháng", "NONE", "0", "0"),
]


def write_folder(folder: Path, copies: int) -> Path:
    with open(folder / "procedures.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "time_limit", "online_level", "has_fee", "requires_paper_result"])
        w.writerows(PROCEDURES)
    with open(folder / "dossiers.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for k in range(copies):
            for ident, proc, channel, sub, rec, due, fin, ret, stop, paid, fee in ROWS:
                w.writerow([f"{ident}-{k:05d}", proc, "U1", channel, sub, rec, due, fin, ret,
                            stop, "1", "1", paid, fee, "1"])
    with open(folder / "supplements.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["dossier_id", "requested_at", "supplied_at"])
        for k in range(copies):
            for ident, asked, supplied in SUPPLEMENTS:
                w.writerow([f"{ident}-{k:05d}", asked, supplied])
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(tmp_path_factory.mktemp("r2dossiers"), COPIES)


#: Copies in the folder of the tests that do not compare reading paths (the live tally, the
#: command line's policy option): the counts scale, the rules do not.
FEW = 3


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(tmp_path_factory.mktemp("r2few"), FEW)


@contextmanager
def row_path() -> Iterator[None]:
    """score_folder with the row path's readers (what it does without polars)."""
    from chiso766 import folder_walk
    from chiso766.io.rowpath import (
        complained_from_ratings,
        read_supplement_index,
        tally_dossier_csv,
    )

    saved = folder_walk._file_readers
    readers = folder_walk._FileReaders(read_supplement_index, complained_from_ratings,
                                     tally_dossier_csv)
    folder_walk._file_readers = lambda: readers
    try:
        yield
    finally:
        folder_walk._file_readers = saved


def three_paths(folder: Path, **kwargs: object) -> dict[str, Scorecard]:
    """The same folder scored from records, by the row path and by the columnar engine (in
    batches of 512 bytes, so that this small file is several; a spy checks that the engine's
    columnar form counted rows)."""
    need("polars", "fast")
    from chiso766 import frame_counts
    from chiso766.io import columnar

    cards = {"records": score_766(read_folder(folder).load(), period=Q2, **kwargs)}  # type: ignore[arg-type]
    counted: list[int] = []
    add = frame_counts.FrameCounts._add

    def spy(self: frame_counts.FrameCounts, rows: Any, flag_values: Any) -> None:
        counted.append(rows.height)
        add(self, rows, flag_values)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(frame_counts.FrameCounts, "_add", spy)
        monkeypatch.setattr(columnar, "BATCH_BYTES", 512)
        cards["engine"] = score_folder(folder, period=Q2, **kwargs)  # type: ignore[arg-type]
    assert sum(counted), "the engine counted no row"
    with row_path():
        cards["rows"] = score_folder(folder, period=Q2, **kwargs)  # type: ignore[arg-type]
    return cards


def nd(card: Scorecard, code: str) -> tuple[int | Fraction, int | Fraction]:
    r = card.root.criteria[code]
    return r.numerator, r.denominator


# ---------------------------------------------------------------------------------------------
# (a) P requires a receipt; submitted_at stands in only for 3.2 and 3.5


def test_population_needs_received_at_on_every_path(folder: Path) -> None:
    n = COPIES
    cards = three_paths(folder)
    for path, card in cards.items():
        # P = {A, C, D, E, F, G, H, I, J} = 9 per copy (B has no NgayTiepNhan); in time under
        # the default policy {A, C, F, H} = 4
        assert nd(card, "DOSSIER_ON_TIME") == (4 * n, 9 * n), path
        # 5.4: 2.1's numerator without complaints (none) over P
        assert nd(card, "DOSSIER_RATING_SATISFACTION") == (4 * n, 9 * n), path
        # group 4 over P: every dossier has an electronic result and digitized components
        for code in ("ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET"):
            assert nd(card, code) == (9 * n, 9 * n), (path, code)
        # received in the period by received_at: {A, C, D, E, F, G, H, J} = 8 (I is March's,
        # B has no receipt); all synced → 1.4 = 8/8
        assert nd(card, "DOSSIER_SYNC") == (8 * n, 8 * n), path
        # 3.3: online among them: A only (B is online but not received) → 1/8
        assert nd(card, "ONLINE_DOSSIERS") == (1 * n, 8 * n), path
        # 3.2: online services PW, PW2; an online dossier received — or, with no receipt,
        # submitted — in the period: PW (A) and PW2 (B) → 2/2
        assert nd(card, "ONLINE_SERVICES_WITH_DOSSIERS") == (2, 2), path
        # 3.5: fee procedures PW, PW2; fee data on a dossier received/submitted in the period:
        # PW (A), PW2 (B) → 2/2
        assert nd(card, "PAYMENT_INTEGRATED_PROCEDURES") == (2, 2), path
        # 3.4 has no fallback: B's online payment does not count; A paid 0 → 0/2
        assert nd(card, "ONLINE_PAYMENT_PROCEDURES") == (0, 2), path
        # 3.6: received dossiers of fee procedures without an all-zero fee list: A, C, D, H, J
        # (PW), none paid online → 0/5
        assert nd(card, "ONLINE_PAID_DOSSIERS") == (0, 5 * n), path
    assert cards["records"].to_dict() == cards["rows"].to_dict() == cards["engine"].to_dict()


def test_a_dossier_with_only_submitted_at_is_accepted_not_received() -> None:
    d = Dossier("B", "PW", "U1", submitted_at=datetime(2025, 4, 2, 9),
                due_at=datetime(2025, 4, 9, 17), finished_at=datetime(2025, 4, 3, 10))
    v = classify(d)
    # judged from the submission for audits, but not received: 2.1 never counts it
    assert v.status is Timeliness.EARLY
    assert v.received is False
    assert any("không có NgayTiepNhan" in r for r in v.reasons)
    assert classify(Dossier("A", "PW", "U1", received_at=datetime(2025, 4, 2, 9),
                            due_at=datetime(2025, 4, 9, 17)),
                    as_of=datetime(2025, 4, 3)).received is True
    # and no processing time for 2.2
    assert processing_time(d) is None
    card = score_766(_dataset([d]), period=Q2)
    assert nd(card, "DOSSIER_ON_TIME") == (0, 0)
    assert nd(card, "AVERAGE_PROCESSING_TIME") == (0, 0)


def _dataset(dossiers: list[Dossier]):  # type: ignore[no-untyped-def]
    from chiso766.io import Dataset

    procs = [Procedure("PW", time_limit=TimeLimit.working_days(5)),
             Procedure("PC", time_limit=TimeLimit.calendar_days(10)),
             Procedure("PH", time_limit=TimeLimit.working_hours(8)),
             Procedure("PM", time_limit=TimeLimit.months(1))]
    return Dataset.from_records(procedures=procs, dossiers=dossiers)


# ---------------------------------------------------------------------------------------------
# (b) multiple_supplements_late


def _c_like(finished: datetime | None = None, stopped: datetime | None = None) -> Dossier:
    return Dossier("C", "PW", "U1", received_at=datetime(2025, 4, 1, 8),
                   due_at=datetime(2025, 4, 8, 17), finished_at=finished, stopped_at=stopped,
                   supplements=(
                       SupplementRequest(datetime(2025, 4, 2, 8), datetime(2025, 4, 3, 8)),
                       SupplementRequest(datetime(2025, 4, 4, 8), datetime(2025, 4, 7, 8))))


def test_multiple_supplements_unfinished_only_and_always() -> None:
    as_of = datetime(2025, 6, 30, 23, 59, 59)
    finished = _c_like(finished=datetime(2025, 4, 10, 10))
    # default: finished → judged on its dates: 10/4 10:00 − (1 + 3 days) = 6/4 ≤ 8/4 → EARLY
    v = classify(finished, as_of=as_of)
    assert v.status is Timeliness.EARLY
    assert v.adjusted_end_at == datetime(2025, 4, 6, 10)
    # "always": two requests → LATE whatever the dates (0 working days late)
    v = classify(finished, as_of=as_of, counting=ALWAYS)
    assert (v.status, v.late_working_days) == (Timeliness.LATE, 0)
    # no finished or returned moment (stopped 3/4 only) and two requests: late both ways
    stopped = _c_like(stopped=datetime(2025, 4, 3, 17))
    assert classify(stopped, as_of=as_of).status is Timeliness.LATE
    assert classify(stopped, as_of=as_of, counting=ALWAYS).status is Timeliness.LATE
    # finished after as_of: not finished yet at as_of 9/4 → PENDING_LATE both ways
    early = datetime(2025, 4, 9, 12)
    assert classify(finished, as_of=early).status is Timeliness.PENDING_LATE
    with pytest.raises(PolicyError):
        classify(finished, as_of=as_of, counting="always")  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        CountingPolicy(multiple_supplements_late="sometimes")


def test_multiple_supplements_policy_on_every_path(folder: Path) -> None:
    n = COPIES
    for path, card in three_paths(folder, counting=ALWAYS).items():
        # "always": C is late too → in time {A, F, H} = 3 of 9
        assert nd(card, "DOSSIER_ON_TIME") == (3 * n, 9 * n), path
        assert nd(card, "DOSSIER_RATING_SATISFACTION") == (3 * n, 9 * n), path
        # 2.2 does not depend on the policy
        assert nd(card, "AVERAGE_PROCESSING_TIME") == (44 * n, 5 * n), path


# ---------------------------------------------------------------------------------------------
# (c) 2.2 per procedure in its own unit, the unit in working days


def test_processing_time_in_each_unit() -> None:
    as_of = datetime(2025, 6, 30, 23, 59, 59)
    # C: 1/4 08:00 → 10/4 10:00 − 4 days = 6/4 10:00; working days (1/4, 6/4] = 2, 3, 4/4 = 3
    t = processing_time(_c_like(finished=datetime(2025, 4, 10, 10)),
                        time_limit=TimeLimit.working_days(5), as_of=as_of)
    assert t is not None and (t.working_days, t.value, t.unit) == (3, Fraction(3), "working_days")
    # E: returned 12/4 09:00 (Saturday); calendar days 12 − 1 = 11; working days 2, 3, 4, 8, 9,
    # 10, 11/4 = 7 (7/4 is a day off)
    e = Dossier("E", "PC", "U1", received_at=datetime(2025, 4, 1, 8),
                returned_at=datetime(2025, 4, 12, 9))
    t = processing_time(e, time_limit=TimeLimit.calendar_days(10))
    assert t is not None and (t.working_days, t.value, t.unit) == (7, Fraction(11), "calendar_days")
    # F: 1/4 08:00–11:30 (3.5 h) + 13:00–17:00 (4 h) + 2/4 07:30–10:00 (2.5 h) = 10 h
    f = Dossier("F", "PH", "U1", received_at=datetime(2025, 4, 1, 8),
                finished_at=datetime(2025, 4, 2, 10))
    t = processing_time(f, time_limit=TimeLimit.working_hours(8))
    assert t is not None and (t.working_days, t.value, t.unit) == (1, Fraction(10), "working_hours")
    # across the weekend and the 7/4 holiday: Fri 4/4 16:00 → Tue 8/4 08:30 = 1 h + 1 h
    assert office_hours_between(datetime(2025, 4, 4, 16), datetime(2025, 4, 8, 8, 30)) == 2
    assert office_hours_between(datetime(2025, 4, 4, 12), datetime(2025, 4, 4, 12, 30)) == 0
    # a same-day limit is measured in working hours as well
    t = processing_time(f, time_limit=TimeLimit.same_day())
    assert t is not None and (t.value, t.unit) == (Fraction(10), "working_hours")
    # G: 15/4 → 30/5: one month to 15/5, then 15 of the 31 days to 15/6 → 46/31 months;
    # working days: April 16–18, 21–25, 26 (a working Saturday), 28, 29 = 11; May 5–9, 12–16,
    # 19–23, 26–30 = 20 → 31
    g = Dossier("G", "PM", "U1", received_at=datetime(2025, 4, 15, 8),
                finished_at=datetime(2025, 5, 30, 9))
    t = processing_time(g, time_limit=TimeLimit.months(1))
    assert t is not None and (t.working_days, t.value, t.unit) == (31, Fraction(46, 31),
                                                                    "months")
    # no time limit: working days; a stopped dossier has none
    t = processing_time(g)
    assert t is not None and (t.value, t.unit) == (Fraction(31), "working_days")
    assert processing_time(Dossier("H", "PW", "U1", received_at=datetime(2025, 4, 1, 8),
                                   stopped_at=datetime(2025, 4, 3, 17))) is None


def test_average_processing_time_on_every_path(folder: Path) -> None:
    n = COPIES
    # received in the period and finished or returned by as_of: A (2 working days), C (3),
    # E (7), F (1), G (31); not B (no receipt), D (unfinished), H (stopped), I (received in
    # March), J (finished 3/7, after as_of) → (2 + 3 + 7 + 1 + 31) / 5 = 44/5 working days
    expected = (
        ProcedureMean("PC", "calendar_days", Fraction(11 * n), n),  # 11 days
        ProcedureMean("PH", "working_hours", Fraction(10 * n), n),  # 10 h
        ProcedureMean("PM", "months", Fraction(46, 31) * n, n),  # 46/31 months
        ProcedureMean("PW", "working_days", Fraction(5 * n), 2 * n),  # (2 + 3) / 2
    )
    for path, card in three_paths(folder).items():
        r = card.root.criteria["AVERAGE_PROCESSING_TIME"]
        assert (r.numerator, r.denominator, r.ratio) == (44 * n, 5 * n, Fraction(44, 5)), path
        assert r.count is not None and r.count.by_procedure == expected, path
        notes = " ".join(note.en for note in r.notes)
        assert "8.80 working days per dossier (unit: working days)" in notes, path
        assert "PW: 2.50 working days" in notes and "PH: 10.00 working hours" in notes, path
        assert "PC: 11.00 calendar days" in notes and "PM: 1.48 months" in notes, path
        assert r.points is None


def test_average_processing_time_end_after_the_period(folder: Path) -> None:
    n = COPIES
    # as_of 5/7: J (received 20/6, finished 3/7) now counts: working days (20/6, 3/7] = June
    # 23–27, 30 and July 1–3 = 9 → (44 + 9) / 6 = 53/6; PW (2 + 3 + 9) / 3 = 14/3
    cards = three_paths(folder, as_of=datetime(2025, 7, 5, 17))
    for path, card in cards.items():
        r = card.root.criteria["AVERAGE_PROCESSING_TIME"]
        assert (r.numerator, r.denominator) == (53 * n, 6 * n), path
        assert r.count is not None
        pw = [pm for pm in r.count.by_procedure if pm.code == "PW"]
        assert pw and pw[0].mean == Fraction(14, 3), path


def test_live_tally_counts_as_the_records(small_folder: Path) -> None:
    # (as_of after J's finish on 3/7: a live tally never goes back in time)
    dataset = read_folder(small_folder)
    as_of = datetime(2025, 7, 5, 17)
    for counting in (None, ALWAYS):
        live = LiveTally(period=Q2, procedures=dataset.procedures, counting=counting)
        live.update(dataset.dossiers)
        want = score_766(dataset, period=Q2, as_of=as_of, counting=counting)
        got = live.scorecard(as_of, units=dataset.units)
        # the same scorecard (the live tally has no input report: nothing was read)
        assert {k: v for k, v in got.to_dict().items() if k != "input"} == {
            k: v for k, v in want.to_dict().items() if k != "input"}
        on_time = nd(got, "DOSSIER_ON_TIME")
        # J finished 3/7 after its due 27/6: LATE; in time {A, C, F, H}, or {A, F, H}
        assert on_time == ((3 if counting else 4) * FEW, 9 * FEW)


# ---------------------------------------------------------------------------------------------
# the policy on the command line


def test_policy_from_pairs_and_cli(small_folder: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_folder
    assert CountingPolicy.from_pairs(["multiple_supplements_late=always",
                                      "paper_result_filter=true"]) == CountingPolicy(
        multiple_supplements_late="always", paper_result_filter=True)
    for bad in ("multiple_supplements_late", "nope=1", "paper_result_filter=maybe",
                "multiple_supplements_late=sometimes"):
        with pytest.raises(PolicyError):
            CountingPolicy.from_pairs([bad])
    from chiso766.cli import main

    main(["score", str(folder), "--period", "2025-Q2", "--format", "json",
          "--policy", "multiple_supplements_late=always"])
    out = capsys.readouterr().out
    import json

    card = json.loads(out)

    def on_time(node: object) -> list[tuple[object, object]]:
        if isinstance(node, dict):
            if node.get("code") == "DOSSIER_ON_TIME":
                return [(node["numerator"], node["denominator"])]
            return [x for v in node.values() for x in on_time(v)]
        if isinstance(node, list):
            return [x for v in node for x in on_time(v)]
        return []

    # 2.1 of the first unit under "always": 3 × 3 / 9 × 3 (the JSON report's counts)
    assert on_time(card["units"][0])[0] == (9, 27)
    assert main(["score", str(folder), "--period", "2025-Q2",
                 "--policy", "multiple_supplements_late=sometimes"]) == 2
