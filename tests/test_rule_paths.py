"""Each counting rule of docs/rules.md, hand-computed, on each of the paths that count
dossiers: the record path (``score_766(read_folder(...))``: ``deadlines``, ``tally``; one
record at a time, and many at once in the columnar form of ``population.py``), the
streaming row path (``io/rowpath.py``) and the columnar engine (``io/columnar.py`` with the
columnar form of the rules in ``population.py``; polars). The engine is forced into several
batches on these small files by lowering the batch size, and a spy checks that its columnar
form really counted every dossier row.

One folder, one unit per dossier (children of the province ``T``), so each unit's counts are
its one dossier's: the expected table says, dossier by dossier, what 2.1, 5.4, 1.4, 3.3, 2.2
and the period's population P (the group-4 denominator) count, under the default counting
policy (``multiple_supplements_late="unfinished_only"``). Only dossiers with a receipt
(NgayTiepNhan) are in P or "received in the period" (docs/rules.md "Populations").
``tests/mutation_check.py`` relies on these tests to catch a broken copy of a rule on any path.

Period 2025-Q2 (1/4/2025–30/6/2025), evaluated at its last instant, 30/6/2025 23:59:59.
Days off in the period: Mon 7/4 (Giỗ Tổ), Wed 30/4, Thu 1/5, Fri 2/5; Sat 26/4 is a working
day. Due dates recorded (NgayHenTra) at 17:00 unless said; verdicts compare dates
(docs/rules.md "Was a dossier handled on time?").
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chiso766 import Period, Scorecard, folder_walk, score_766
from chiso766.io import read_folder
from chiso766.io.rowpath import complained_from_ratings, read_supplement_index, tally_dossier_csv
from chiso766.streaming import score_folder
from tests.extras import need

Q2 = Period.quarter(2025, 2)
HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
          "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy", "synced_to_portal"]

#: id: (channel, received, due (NgayHenTra), finished, returned, stopped, synced, procedure).
#: Moments "dd/mm HH:MM" in 2025 ("" = none). Procedure PR has no time limit; P5 has
#: 5 working days (for the dossiers without a recorded due date). "received" is written as both
#: NgayNopHoSo and NgayTiepNhan, except for :data:`SUBMITTED_ONLY` (NgayNopHoSo alone).
DOSSIERS: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    # carried over: received 20/3, ended 3/4 (in the period) after its due date 25/3 → in P, LATE
    "CARRIED": ("1", "20/03 09:00", "25/03 17:00", "03/04 10:00", "", "", "1", "PR"),
    # received 10/3 and ended 25/3, before the period began → not in P
    "ENDED_BEFORE": ("1", "10/03 09:00", "20/03 17:00", "25/03 10:00", "", "", "1", "PR"),
    # received 15/3, due 20/3, still open → carried over, in P, PENDING_LATE
    "CARRIED_OPEN": ("1", "15/03 09:00", "20/03 17:00", "", "", "", "1", "PR"),
    # received online 1/4, due 10/4, finished 4/4 → EARLY; synced, online
    "EARLY": ("2", "01/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # due 10/4 08:00, finished 10/4 16:00: the same date → ON_TIME (by moments it would be late)
    "DUE_DAY": ("1", "02/04 09:00", "10/04 08:00", "10/04 16:00", "", "", "1", "PR"),
    # finished 9/4 (before due 10/4), returned 15/4: finished comes first → ON time
    "FINISHED_FIRST": ("1", "02/04 09:00", "10/04 17:00", "09/04 10:00", "15/04 10:00", "", "1",
                       "PR"),
    # only returned, 9/4 → in time, and resolved (2.2)
    "RETURNED": ("1", "02/04 09:00", "10/04 17:00", "", "09/04 10:00", "", "1", "PR"),
    # stopped 4/4 → ended in time; stopped is not resolved (2.2)
    "STOPPED": ("1", "02/04 09:00", "10/04 17:00", "", "", "04/04 10:00", "1", "PR"),
    # stopped 5/4 (in time) but finished 20/5 (late): finished comes first → LATE
    "STOP_THEN_FINISH": ("1", "02/04 09:00", "10/04 17:00", "20/05 10:00", "", "05/04 10:00",
                         "1", "PR"),
    # one request 3/4 09:00 answered 10/4 09:00 (7 days the applicant's), finished 15/4 10:00:
    # 15/4 10:00 − 7 days = 8/4 10:00 ≤ due 10/4 → in time (without the subtraction: late)
    "SUPPLEMENTED": ("1", "01/04 09:00", "10/04 17:00", "15/04 10:00", "", "", "1", "PR"),
    # due 10/7 (after as_of), still open, two requests (both answered) → PENDING_LATE
    "TWO_REQUESTS": ("1", "01/04 09:00", "10/07 17:00", "", "", "", "1", "PR"),
    # one request 4/4, never answered, nothing else: processing ended at the request (4/4 ≤ due
    # 10/4) → in time, not pending
    "OPEN_REQUEST": ("1", "01/04 09:00", "10/04 17:00", "", "", "", "1", "PR"),
    # still open at as_of, due 5/7 → PENDING_IN_TIME
    "OPEN_IN_TIME": ("1", "20/06 09:00", "05/07 17:00", "", "", "", "1", "PR"),
    # finished 2/7, after as_of: still in progress at as_of, due 5/7 → PENDING_IN_TIME
    "FINISHED_LATER": ("1", "20/06 09:00", "05/07 17:00", "02/07 10:00", "", "", "1", "PR"),
    # still open at as_of, due 10/4 → PENDING_LATE
    "OPEN_LATE": ("1", "02/04 09:00", "10/04 17:00", "", "", "", "1", "PR"),
    # no NgayHenTra, P5: received Tue 1/4 09:00 → due the 5th working day after 1/4: 2, 3, 4,
    # (7 off) 8, 9 → 9/4 17:00; finished 9/4 16:00, the due date → ON_TIME
    "STATUTORY": ("1", "01/04 09:00", "", "09/04 16:00", "", "", "1", "P5"),
    # no NgayHenTra, P5: received Fri 27/6 09:00 → due 30/6, 1/7, 2/7, 3/7, 4/7 → 4/7; open at
    # as_of (in time by the dates) but two requests → PENDING_LATE
    "STATUTORY_TWO": ("1", "27/06 09:00", "", "", "", "", "1", "P5"),
    # no NgayHenTra, P5: due 9/4 as STATUTORY; one request 2/4 09:00 answered 7/4 09:00 (5 days
    # the applicant's), finished 11/4 10:00 − 5 days = 6/4 10:00 ≤ 9/4 → in time
    "STATUTORY_SUPPLEMENTED": ("1", "01/04 09:00", "", "11/04 10:00", "", "", "1", "P5"),
    # no NgayHenTra, P5: due 9/4, still open at as_of → PENDING_LATE
    "STATUTORY_OPEN": ("1", "01/04 09:00", "", "", "", "", "1", "P5"),
    # no NgayHenTra, P5: due 9/4 as STATUTORY; finished 10/4 08:00, the next date → LATE (a due
    # date computed a day later would make it ON_TIME)
    "STATUTORY_LATE": ("1", "01/04 09:00", "", "10/04 08:00", "", "", "1", "P5"),
    # due 20/6; one request 20/6 10:00 answered only on 3/7, after as_of: at as_of it is
    # unanswered, so processing ended at the request → in time, not pending
    "ANSWERED_LATER": ("1", "19/06 09:00", "20/06 17:00", "", "", "", "1", "PR"),
    # due 10/4, finished 18/4 → LATE; its one request (3/4) was answered only on 3/7, after
    # as_of: none of the applicant's time is subtracted yet
    "FINISHED_ANSWERED_LATER": ("1", "02/04 09:00", "10/04 17:00", "18/04 10:00", "", "", "1",
                                "PR"),
    # in time (finished 4/4), but a petition names it → 5.4 not satisfied
    "PETITIONED": ("1", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # in time, disliked on 5/6 → 5.4 not satisfied
    "DISLIKED": ("1", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # in time, disliked only on 5/7, after as_of → 5.4 satisfied
    "DISLIKED_LATER": ("1", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # direct, not synced → 1.4 and 3.3 count it, not in their numerators
    "UNSYNCED": ("1", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "0", "PR"),
    # postal: not online for 3.3
    "POSTAL": ("3", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # received 30/6 20:00 (after office hours, still a date of the period), open, due 7/7
    # → received in the period, PENDING_IN_TIME
    "LAST_DAY": ("1", "30/06 20:00", "07/07 17:00", "", "", "", "1", "PR"),
    # submitted 2/4 (NgayNopHoSo) but never received (no NgayTiepNhan), finished 4/4: in no
    # population — not in P, not received (1.4, 3.3), no 2.2 time
    "SUBMITTED_ONLY": ("1", "02/04 09:00", "10/04 17:00", "04/04 10:00", "", "", "1", "PR"),
    # submitted 20/3, never received, still open, due 25/3: with a receipt it would be carried
    # over (PENDING_LATE); without one it is not in P
    "SUBMITTED_ONLY_CARRIED": ("1", "20/03 09:00", "25/03 17:00", "", "", "", "1", "PR"),
    # two requests (2/4 09:00 → 3/4 09:00 and 3/4 10:00 → 4/4 10:00, 2 days the applicant's),
    # finished 9/4 10:00: finished, so under unfinished_only judged on its dates: 9/4 10:00 −
    # 2 days = 7/4 10:00 ≤ due 10/4 → in time (under "always": late)
    "FINISHED_TWO_REQUESTS": ("1", "01/04 09:00", "10/04 17:00", "09/04 10:00", "", "", "1",
                              "PR"),
    # no NgayHenTra, P5: due 9/4 as STATUTORY; two requests (2/4 09:00 → 10:00, 3/4 09:00 →
    # 10:00, 2 hours the applicant's), finished 9/4 16:00 − 2 h = 9/4 14:00, the due date →
    # in time (under "always": late)
    "STATUTORY_FINISHED_TWO": ("1", "01/04 09:00", "", "09/04 16:00", "", "", "1", "P5"),
    # two requests (3/4 09:00 → 10:00, 4/4 09:00 → 10:00, 2 hours the applicant's), returned
    # 9/4 10:00 (no finish): a returned dossier has its result too, so it is judged on its
    # dates: 9/4 08:00 ≤ due 10/4 → in time (under "always": late)
    "RETURNED_TWO_REQUESTS": ("1", "02/04 09:00", "10/04 17:00", "", "09/04 10:00", "", "1",
                              "PR"),
}
#: Dossiers with NgayNopHoSo only (no NgayTiepNhan).
SUBMITTED_ONLY = {"SUBMITTED_ONLY", "SUBMITTED_ONLY_CARRIED"}

#: (dossier id, requested, supplied).
SUPPLEMENTS = [
    ("SUPPLEMENTED", "03/04 09:00", "10/04 09:00"),
    ("TWO_REQUESTS", "03/04 09:00", "04/04 09:00"),
    ("TWO_REQUESTS", "08/04 09:00", "09/04 09:00"),
    ("OPEN_REQUEST", "04/04 09:00", ""),
    ("STATUTORY_TWO", "27/06 10:00", "27/06 11:00"),
    ("STATUTORY_TWO", "27/06 12:00", "27/06 13:00"),
    ("STATUTORY_SUPPLEMENTED", "02/04 09:00", "07/04 09:00"),
    ("ANSWERED_LATER", "20/06 10:00", "03/07 09:00"),
    ("FINISHED_ANSWERED_LATER", "03/04 09:00", "03/07 09:00"),
    ("FINISHED_TWO_REQUESTS", "02/04 09:00", "03/04 09:00"),
    ("FINISHED_TWO_REQUESTS", "03/04 10:00", "04/04 10:00"),
    ("STATUTORY_FINISHED_TWO", "02/04 09:00", "02/04 10:00"),
    ("STATUTORY_FINISHED_TWO", "03/04 09:00", "03/04 10:00"),
    ("RETURNED_TWO_REQUESTS", "03/04 09:00", "03/04 10:00"),
    ("RETURNED_TWO_REQUESTS", "04/04 09:00", "04/04 10:00"),
]

#: (dossier id, rated, rating): a dislike counts when made by as_of.
RATINGS = [
    ("DISLIKED", "05/06 10:00", "không hài lòng"),
    ("DISLIKED_LATER", "05/07 10:00", "không hài lòng"),
    *((ident, "05/06 10:00", "hài lòng") for ident in ("EARLY", "DUE_DAY", "RETURNED",
                                                       "STOPPED", "POSTAL", "UNSYNCED")),
]

#: Ratings whose unit cell has a leading space: the readers' quick check hands such a row to
#: the general reader (which strips it), a copy of the dislike rule of its own.
ODD_RATINGS = [("DISLIKED_LATER", "06/07 10:00", "không hài lòng")]

#: Per dossier: 2.1 (n, d), 5.4 (n, d), 1.4 (n, d), 3.3 (n, d), 2.2 (working days, dossiers)
#: and 4.2 (n, d), whose d is the period's population P (n is 0: no dossier reports its
#: digitization). 2.2 (docs/rules.md "2.2"; all procedures here in working days) counts the
#: dossiers received in the period and finished or returned by as_of (stopped ones and
#: carried-over ones left out), and the working days from the receipt date to the date of the
#: result (finished, else returned) minus the applicant's supplement time, never counting the
#: receipt date: e.g. EARLY 1/4 → 4/4 is 2, 3, 4 = 3 days. :data:`PENDING`: the dossiers still
#: in progress at as_of (2.1's note).
#:
#: Revision 2 changed three rows' 2.2 (the rest is unchanged): CARRIED (was 10 days over 1: it
#: is not received in the period, so 2.2 leaves it out), SUPPLEMENTED (was 9: the applicant's
#: 7 days now come off) and STATUTORY_SUPPLEMENTED (was 7: the applicant's 5 days come off).
EXPECTED: dict[str, tuple[tuple[int, int], ...]] = {
    # in P (carried over, LATE), but received 20/3, before the period: no 2.2 time (r2; it
    # used to count 20/3 → 3/4 = 10 working days)
    "CARRIED": ((0, 1), (0, 1), (0, 0), (0, 0), (0, 0), (0, 1)),
    "ENDED_BEFORE": ((0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
    "CARRIED_OPEN": ((0, 1), (0, 1), (0, 0), (0, 0), (0, 0), (0, 1)),
    "EARLY": ((1, 1), (1, 1), (1, 1), (1, 1), (3, 1), (0, 1)),
    # 2/4 → 10/4: 3, 4, (7 off) 8, 9, 10 = 5
    "DUE_DAY": ((1, 1), (1, 1), (1, 1), (0, 1), (5, 1), (0, 1)),
    # 2/4 → 9/4 (the finish, not the return): 3, 4, 8, 9 = 4
    "FINISHED_FIRST": ((1, 1), (1, 1), (1, 1), (0, 1), (4, 1), (0, 1)),
    "RETURNED": ((1, 1), (1, 1), (1, 1), (0, 1), (4, 1), (0, 1)),
    "STOPPED": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # 2/4 → 20/5: April 3–29 has 19 working days after 2/4 (3, 4, 8–11, 14–18, 21–26, 28,
    # 29), May 5–9, 12–16, 19, 20 = 12 → 31
    "STOP_THEN_FINISH": ((0, 1), (0, 1), (1, 1), (0, 1), (31, 1), (0, 1)),
    # 15/4 10:00 − the applicant's 7 days (3/4 09:00 → 10/4 09:00) = 8/4 10:00; 1/4 → 8/4:
    # 2, 3, 4, (5, 6 weekend, 7 off) 8 = 4 (r2; without the subtraction 1/4 → 15/4 was 9)
    "SUPPLEMENTED": ((1, 1), (1, 1), (1, 1), (0, 1), (4, 1), (0, 1)),
    "TWO_REQUESTS": ((0, 1), (0, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    "OPEN_REQUEST": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    "OPEN_IN_TIME": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    "FINISHED_LATER": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    "OPEN_LATE": ((0, 1), (0, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # 1/4 → 9/4: 2, 3, 4, 8, 9 = 5
    "STATUTORY": ((1, 1), (1, 1), (1, 1), (0, 1), (5, 1), (0, 1)),
    "STATUTORY_TWO": ((0, 1), (0, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # 11/4 10:00 − the applicant's 5 days (2/4 09:00 → 7/4 09:00) = Sun 6/4 10:00; 1/4 → 6/4:
    # 2, 3, 4 = 3 (r2; without the subtraction 1/4 → 11/4 was 7)
    "STATUTORY_SUPPLEMENTED": ((1, 1), (1, 1), (1, 1), (0, 1), (3, 1), (0, 1)),
    "STATUTORY_OPEN": ((0, 1), (0, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # 1/4 → 10/4: 2, 3, 4, 8, 9, 10 = 6
    "STATUTORY_LATE": ((0, 1), (0, 1), (1, 1), (0, 1), (6, 1), (0, 1)),
    "ANSWERED_LATER": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # 2/4 → 18/4: 3, 4, 8–11, 14–18 = 11 (the answer of 3/7 is after as_of: nothing off)
    "FINISHED_ANSWERED_LATER": ((0, 1), (0, 1), (1, 1), (0, 1), (11, 1), (0, 1)),
    "PETITIONED": ((1, 1), (0, 1), (1, 1), (0, 1), (2, 1), (0, 1)),
    "DISLIKED": ((1, 1), (0, 1), (1, 1), (0, 1), (2, 1), (0, 1)),
    "DISLIKED_LATER": ((1, 1), (1, 1), (1, 1), (0, 1), (2, 1), (0, 1)),
    "UNSYNCED": ((1, 1), (1, 1), (0, 1), (0, 1), (2, 1), (0, 1)),
    "POSTAL": ((1, 1), (1, 1), (1, 1), (0, 1), (2, 1), (0, 1)),
    "LAST_DAY": ((1, 1), (1, 1), (1, 1), (0, 1), (0, 0), (0, 1)),
    # no receipt: counted nowhere (with submitted_at standing in: 2.1 1/1, 1.4 1/1, 3.3 0/1,
    # 2.2 3 days, P 1)
    "SUBMITTED_ONLY": ((0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
    # no receipt: not carried over into P (with submitted_at standing in: 2.1 0/1, pending late)
    "SUBMITTED_ONLY_CARRIED": ((0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
    # in time (above); 2.2: 9/4 10:00 − 2 days = 7/4 10:00 (a day off); 1/4 → 7/4: 2, 3, 4 = 3
    "FINISHED_TWO_REQUESTS": ((1, 1), (1, 1), (1, 1), (0, 1), (3, 1), (0, 1)),
    # in time (above); 2.2: 9/4 16:00 − 2 h = 9/4 14:00; 1/4 → 9/4: 2, 3, 4, 8, 9 = 5
    "STATUTORY_FINISHED_TWO": ((1, 1), (1, 1), (1, 1), (0, 1), (5, 1), (0, 1)),
    # in time (above); 2.2: returned 9/4 10:00 − 2 h = 9/4 08:00; 2/4 → 9/4: 3, 4, 8, 9 = 4
    "RETURNED_TWO_REQUESTS": ((1, 1), (1, 1), (1, 1), (0, 1), (4, 1), (0, 1)),
}
PENDING = {"CARRIED_OPEN", "TWO_REQUESTS", "OPEN_IN_TIME", "FINISHED_LATER", "OPEN_LATE",
           "STATUTORY_TWO", "STATUTORY_OPEN", "LAST_DAY"}
CODES = ("DOSSIER_ON_TIME", "DOSSIER_RATING_SATISFACTION", "DOSSIER_SYNC", "ONLINE_DOSSIERS",
         "AVERAGE_PROCESSING_TIME", "SO_HOA_GIAY_TO_GIAI_QUYET")


def _moment(text: str) -> str:
    """ "dd/mm HH:MM" in 2025 → the national shape "dd/mm/2025 HH:MM:00"."""
    return f"{text[:5]}/2025 {text[6:]}:00" if text else ""


def write_folder(folder: Path, copies: int = 1) -> None:
    """The folder of the expected table, as national CSV exports; with ``copies``, each
    dossier (its requests, ratings and petition) ``copies`` times over, ids ``ID-1``, ``ID-2``…
    in the same unit, so each unit counts ``copies`` times the table's figures."""

    def ids(ident: str) -> list[str]:
        return [ident] if copies == 1 else [f"{ident}-{k}" for k in range(1, copies + 1)]

    dossiers = [[copy, proc, f"D_{ident}", channel, _moment(rec),
                 "" if ident in SUBMITTED_ONLY else _moment(rec), _moment(due),
                 _moment(fin), _moment(ret), _moment(stop), synced]
                for ident, (channel, rec, due, fin, ret, stop, synced, proc)
                in DOSSIERS.items() for copy in ids(ident)]
    tables: dict[str, tuple[list[str], list[list[str]]]] = {
        "units.csv": (["MaDonVi", "TenDonVi", "level", "parent_id"],
                      [["T", "Tỉnh", "PROVINCE", ""]] + [
                          [f"D_{ident}", ident, "COMMUNE", "T"] for ident in DOSSIERS]),
        "procedures.csv": (["MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet", "online_level", "has_fee",
                            "requires_paper_result"],
                           [["PR", "A", "", "FULL", "0", "0"],
                            ["P5", "B", "5 ngày làm việc", "FULL", "0", "0"]]),
        "dossiers.csv": (HEADER, dossiers),
        "supplements.csv": (["MaHoSo", "NgayYeuCauBoSung", "NgayCongDanBoSung"],
                            [[copy, _moment(r), _moment(s)] for i, r, s in SUPPLEMENTS
                             for copy in ids(i)]),
        "ratings.csv": (["dossier_id", "unit_id", "rated_at", "rating"],
                        [[copy, f"D_{i}", _moment(r), v] for i, r, v in RATINGS
                         for copy in ids(i)] +
                        [[copy, f" D_{i}", _moment(r), v] for i, r, v in ODD_RATINGS
                         for copy in ids(i)]),
        "petitions.csv": (["MaPAKN", "MaDonVi", "MaHoSo", "NgayTiepNhan"],
                          [[f"PA-{copy}", "D_PETITIONED", copy, "20/05/2025 09:00:00"]
                           for copy in ids("PETITIONED")]),
    }
    for name, (header, rows) in tables.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules")
    write_folder(path)
    return path


def counts(card: Scorecard, copies: int = 1,
           ) -> tuple[dict[str, tuple[tuple[int, int], ...]], set[str]]:
    """Each dossier's (numerator, denominator) of :data:`CODES`, from its own unit, and the
    dossiers 2.1 notes as still in progress (with ``copies``: the unit's ``copies``
    dossiers)."""
    out = {}
    pending = set()
    for ident in DOSSIERS:
        unit = card.unit(f"D_{ident}")
        out[ident] = tuple((int(unit.criteria[c].numerator), int(unit.criteria[c].denominator))
                           for c in CODES)
        notes = unit.criteria["DOSSIER_ON_TIME"].notes
        if any(note.en == f"includes {copies} dossiers still in progress at the evaluation "
               "moment" for note in notes):
            pending.add(ident)
    return out, pending


def expected(copies: int = 1) -> tuple[dict[str, tuple[tuple[int, int], ...]], set[str]]:
    """:data:`EXPECTED` and :data:`PENDING` for ``copies`` of each dossier."""
    return ({ident: tuple((n * copies, d * copies) for n, d in row)
             for ident, row in EXPECTED.items()}, PENDING)


@contextmanager
def row_path() -> Iterator[None]:
    """``score_folder`` with the row path's readers (what it uses without polars)."""
    saved = folder_walk._file_readers
    readers = folder_walk._FileReaders(read_supplement_index, complained_from_ratings,
                                     tally_dossier_csv)
    folder_walk._file_readers = lambda: readers
    try:
        yield
    finally:
        folder_walk._file_readers = saved


@contextmanager
def engine_path(monkeypatch: pytest.MonkeyPatch, batch_bytes: int = 256,
                ) -> Iterator[dict[str, int]]:
    """``score_folder`` with the columnar engine (polars) counting the dossiers in batches of
    ``batch_bytes`` (so that even a small file is several batches), and a spy: ``rows``
    dossier rows counted by the engine's columnar form, ``batches`` batches it counted,
    ``supplements`` and ``ratings`` batches of those files read."""
    need("polars", "fast")
    from chiso766 import frame_counts
    from chiso766.io import columnar

    spied = {"rows": 0, "batches": 0, "supplements": 0, "ratings": 0}
    add, count = frame_counts.FrameCounts._add, columnar._Engine._count

    def spy_add(self: Any, counted: Any, flag_values: Any) -> None:
        spied["rows"] += counted.height
        add(self, counted, flag_values)

    def spy_count(self: Any, lines: Any, line: int) -> None:
        spied["batches"] += 1
        count(self, lines, line)

    def spy(cls: Any, key: str) -> None:
        original = cls._count

        def wrapper(self: Any, lines: Any, line: int) -> None:
            spied[key] += 1
            original(self, lines, line)

        monkeypatch.setattr(cls, "_count", wrapper)

    monkeypatch.setattr(frame_counts.FrameCounts, "_add", spy_add)
    monkeypatch.setattr(columnar._Engine, "_count", spy_count)
    spy(columnar._SupplementBatches, "supplements")
    spy(columnar._RatingBatches, "ratings")
    monkeypatch.setattr(columnar, "BATCH_BYTES", batch_bytes)
    readers = folder_walk._FileReaders(columnar.read_supplement_columns,
                                     columnar.complained_from_rating_columns,
                                     functools.partial(columnar.tally_dossier_columns,
                                                       counts=frame_counts.FrameCounts))
    monkeypatch.setattr(folder_walk, "_file_readers", lambda: readers)
    yield spied


def test_record_path(folder: Path) -> None:
    assert counts(score_766(read_folder(folder).load(), period=Q2)) == expected()


def test_record_path_counted_in_columns(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``score_766`` on records counts many dossiers at once with the columnar form of the
    rules (``Tally.add_dossiers``); the threshold is lowered so this small folder takes it."""
    need("polars", "fast")
    from chiso766 import tally

    spied = {"dossiers": 0}
    original = tally.Tally._add_columnar

    def spy(self: Any, batch: Any) -> None:
        spied["dossiers"] += len(batch)
        original(self, batch)

    monkeypatch.setattr(tally, "COLUMNAR_MIN_DOSSIERS", 0)
    monkeypatch.setattr(tally.Tally, "_add_columnar", spy)
    card = score_766(read_folder(folder).load(), period=Q2)
    assert spied["dossiers"] == len(DOSSIERS)
    assert counts(card) == expected()


def test_row_path(folder: Path) -> None:
    with row_path():
        assert counts(score_folder(folder, period=Q2)) == expected()


def test_engine(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with engine_path(monkeypatch) as spied:
        card = score_folder(folder, period=Q2)
    # Every dossier row was counted by the engine's columnar form (none handed to the row
    # path), in several batches; the supplements and ratings files were read in batches too.
    assert spied["rows"] == len(DOSSIERS)
    assert spied["batches"] > 1
    assert spied["supplements"] > 0 and spied["ratings"] > 0
    assert counts(card) == expected()


def test_engine_with_the_requests_looked_up_in_the_index(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``_JOIN_REQUESTS`` supplement requests (500,000: a large export) the engine finds a
    batch's requests in the index a dossier at a time instead of joining a frame of them, and
    the frame is not kept; lowered to 0 here, the same counts."""
    from chiso766.io import columnar

    asked: list[int] = []
    original = columnar._ColumnIndex.may_have_requests

    def spy(self: Any, hashes: Any, wanted: Any) -> list[int]:
        assert not self.framed and not self.parts and not self.ids
        found = original(self, hashes, wanted)
        asked.extend(found)
        return found

    monkeypatch.setattr(columnar, "_JOIN_REQUESTS", 0)
    monkeypatch.setattr(columnar._ColumnIndex, "may_have_requests", spy)
    with engine_path(monkeypatch) as spied:
        card = score_folder(folder, period=Q2)
    assert spied["rows"] == len(DOSSIERS)
    assert asked  # the dossiers with requests were found in the index
    assert counts(card) == expected()


def test_province_pools_its_dossiers(folder: Path) -> None:
    # The province T pools its 33 units: 2.1 n = 18 + 3 (FINISHED_TWO_REQUESTS,
    # STATUTORY_FINISHED_TWO, RETURNED_TWO_REQUESTS) = 21 in time of d = 27 + 3 = 30 in P
    # (ENDED_BEFORE and the two SUBMITTED_ONLY out; STATUTORY_LATE in, late); 1.4 d = 25 + 3 =
    # 28 received in the period (CARRIED, ENDED_BEFORE, CARRIED_OPEN and the SUBMITTED_ONLY
    # pair not), n = 24 + 3 = 27 (UNSYNCED not).
    card = score_766(read_folder(folder), period=Q2)
    on_time = card.unit("T").criteria["DOSSIER_ON_TIME"]
    sync = card.unit("T").criteria["DOSSIER_SYNC"]
    assert (on_time.numerator, on_time.denominator) == (sum(
        e[0][0] for e in EXPECTED.values()), sum(e[0][1] for e in EXPECTED.values())) == (21, 30)
    assert (sync.numerator, sync.denominator) == (27, 28)
