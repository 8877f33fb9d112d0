"""The mutation check of the counting rules: does the test suite notice a broken rule?

Each rule of docs/rules.md that decides how dossiers are counted — the period's population P
("received in the period or carried over", both by ``received_at``: ``submitted_at`` alone is
no receipt), the end of processing (finished > returned > stopped, or one unanswered supplement
request), the applicant's time subtracted, more than one supplement request is late (by default
only with no finished or returned moment: policy ``multiple_supplements_late``), the comparison
by date, pending in time or late at ``as_of``, 5.4's complained and disliked dossiers, 3.3's
online channel, 1.4's synced dossiers, 2.2's population (received in the period, finished or
returned; stopped left out) and its applicant's time subtracted — is written in two forms side
by side: the scalar one over records (``population.py``, ``deadlines.py``, ``tally.py``,
``records.py``, ``criteria/``; the streaming row path, ``io/rowpath.py``, hands its records to
it) and the columnar one (``population.py``, counted by the engine in ``io/columnar.py``, which
also reads the flag cells and the ratings and supplements files; the readers of a ratings
file apply 5.4's dislike rule, ``population.DislikeRule``, in either form). Beside them: the
edges of the criteria's own rules (``criteria/``: the evaluation moment, a period's first day,
15 working days…) and the moments no dossier may have before its receipt, declared once in
``records.AFTER_RECEIPT`` and read by the record and the engine.
:data:`MUTATIONS` breaks each copy of each rule, one at a time, in a throw-away copy of ``src/``
(the worktree is never edited), and runs a small chosen set of tests against that copy; every
mutation must make them fail.

    python tests/mutation_check.py            # all of them (CI); exit 1 if any survives
    python tests/mutation_check.py -k population  # those whose file, rule or tests say so
    python tests/mutation_check.py --list     # the table

**An old text must occur exactly once in its file.** When the code changes so that a
mutation's old text is no longer there (or is there twice), the check fails loudly, naming the
mutation, before running anything (and ``tests/test_mutation_check.py`` fails in the suite): a
later edit can never silently drop a mutation. Update the entry to the new code (or remove it,
with the rule, on purpose).

To add a mutation, add a line to :data:`MUTATIONS`: the file (under ``src/chiso766/``), the
exact old text, the new text, the rule it breaks in words, and the tests that must catch it (a
key of :data:`TESTS`). Keep the tests small: the whole check takes about a minute.

How it stays fast: where ``os.fork`` exists, the mutations of one file are tested in children
of one process that has already imported pytest, Hypothesis, polars and every module of the
copied package that does not import the mutated one (found from the modules' top-level imports;
a package whose ``__init__`` would import it is executed in each child, after the mutation).
Each child runs ``pytest.main`` with the copy first on ``sys.path`` and checks that
``chiso766`` came from the copy. Without ``os.fork``, each mutation runs in a fresh
``python -m pytest`` with ``PYTHONPATH`` pointing at the copy. Hypothesis runs under the
derandomized ``ci`` profile, so the outcome does not vary from run to run.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import importlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Container, Sequence
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("src") / "chiso766"

#: The test selections a mutation can name: small and fast, run with ``-x``.
TESTS: dict[str, tuple[str, ...]] = {
    "records": ("tests/test_rule_paths.py::test_record_path",),
    "rows": ("tests/test_rule_paths.py::test_row_path",),
    "bulk": ("tests/test_rule_paths.py::test_record_path_counted_in_columns",),
    "hcm": ("tests/property/test_hcm104_forms.py::test_hand_cases_on_both_forms",),
    "engine": ("tests/test_rule_paths.py::test_engine",
               "tests/property/test_population_forms.py::test_hand_case_two_requests",
               "tests/property/test_population_forms.py::test_hand_cases_at_the_evaluation_moment",
               "tests/property/test_population_forms.py::test_hand_case_last_day_and_carried_over",
               "tests/property/test_population_forms.py::"
               "test_hand_case_office_time_in_working_hours"),
    "claims": ("tests/test_streaming.py::test_batch_claims_first_of_equal_ids",
               "tests/test_streaming.py::test_duplicate_ids_are_rejected_in_line_order"),
    "classify": ("tests/test_deadlines.py::test_classify_by_date",),
    "audit": ("tests/test_deadlines.py::test_audit_hides_lateness_when_the_end_falls_between",),
    "due_columns": (
        "tests/property/test_due_forms.py::test_hand_cases_around_tet_2025",
        "tests/property/test_due_forms.py::test_hand_cases_in_working_hours_and_the_same_day"),
    "audit_columns": (
        "tests/property/test_audit_forms.py::test_hand_case_restart_after_the_last_answer",),
    "audit_clean": (
        "tests/property/test_audit_forms.py::test_hand_case_the_end_against_the_extended_due_date",),
    "receipt_order": ("tests/test_receipt_order.py",),
    "boundaries": ("tests/test_criteria_boundaries.py",),
    "hcm_edges": ("tests/test_hcm104.py::test_b_counts_a_request_made_at_the_evaluation_moment",
                  "tests/test_hcm104.py::test_c_counts_a_rating_made_at_the_evaluation_moment"),
}


class Mutation(NamedTuple):
    file: str  #: under src/chiso766/
    old: str  #: exact text, found exactly once in the file
    new: str
    rule: str  #: the rule it breaks, in words
    tests: str  #: a key of TESTS


M = Mutation
#: One entry per site. Record path: deadlines.py, tally.py, records.py, criteria/ (the criteria
#: are shared by every path: their entries run the record path's tests).
MUTATIONS: tuple[Mutation, ...] = (
    # -- record path ----------------------------------------------------------------------------
    M("population.py", "in_population = received or (", "in_population = received or False and (",
      "P: carried-over dossiers left out", "records"),
    M("population.py", "(received_at is not None and received_at < start",
      "(receipt < start", "P: a carried-over dossier with only submitted_at counted", "records"),
    M("population.py", "received_at = d.received_at\n    received = ",
      "received_at = d.receipt\n    received = ",
      "received in the period and P: submitted_at stands in for received_at", "records"),
    M("population.py", "(end is None or end >= start))", "(end is None or end >= receipt))",
      "P: dossiers that ended before the period counted as carried over", "records"),
    M("population.py", "received_at.date() <= period.end", "received_at.date() < period.end",
      "received in the period: the period's last day left out", "records"),
    M("deadlines.py", 'for name in ("finished_at", "returned_at", "stopped_at"):',
      'for name in ("returned_at", "finished_at", "stopped_at"):',
      "end of processing: returned before finished", "records"),
    M("deadlines.py", 'for name in ("finished_at", "returned_at", "stopped_at"):',
      'for name in ("stopped_at", "finished_at", "returned_at"):',
      "end of processing: stopped before finished", "records"),
    M("deadlines.py", "if value is not None and (as_of is None or value <= as_of):",
      "if value is not None:", "end of processing: an end after as_of counted", "records"),
    M("deadlines.py", "    if len(asked) == 1:\n", "    if len(asked) == 0:\n",
      "end of processing: one unanswered supplement request no longer ends it", "records"),
    M("deadlines.py", "adjusted = end - applicant", "adjusted = end + applicant",
      "supplement adjustment: the applicant's time added, not subtracted", "records"),
    M("deadlines.py", "if sup.supplied_at is not None and (moment is None or sup.supplied_at "
      "<= moment):\n            total +=", "if sup.supplied_at is not None:\n"
      "            total +=", "supplement adjustment: answers after as_of counted", "records"),
    M("deadlines.py", "if asked > 1 and (always", "if asked > 2 and (always",
      "more than one supplement request is late: two allowed", "records"),
    M("deadlines.py", "and (always or not _has_result(d, moment)):", "and True:",
      "more than one supplement request is late (unfinished_only): finished ones late too",
      "records"),
    M("deadlines.py", "for m in (d.finished_at, d.returned_at))",
      "for m in (d.finished_at,))",
      "more than one supplement request is late (unfinished_only): a returned dossier taken "
      "as unfinished", "records"),
    M("policy.py",
      'multiple_supplements_late: str = attrs.field(default="unfinished_only"',
      'multiple_supplements_late: str = attrs.field(default="always"',
      "more than one supplement request is late: the default policy \"always\"", "records"),
    M("deadlines.py", "late = adjusted.date() > due.date()", "late = adjusted.date() >= due.date()",
      "comparison by date: the due date itself late", "records"),
    M("deadlines.py", "elif adjusted.date() < due.date():", "elif adjusted.date() <= due.date():",
      "comparison by date: ON_TIME on the due date reported EARLY", "classify"),
    M("deadlines.py", 'end, end_source = moment, "as_of"', 'end, end_source = d.receipt, "as_of"',
      "pending: judged at the receipt instead of as_of", "records"),
    M("deadlines.py", "status = Timeliness.PENDING_LATE if late else Timeliness.PENDING_IN_TIME",
      "status = Timeliness.LATE if late else Timeliness.ON_TIME",
      "pending: an open dossier reported as ended", "records"),
    M("population.py", "        d.id in ctx.complained,", "        False,",
      "5.4: complained dossiers counted satisfied", "records"),
    M("tally.py", "if pet.dossier_id is not None and pet.received_at <= moment:",
      "if pet.dossier_id is not None and pet.received_at > moment:",
      "5.4: petitions by as_of not counted as complaints", "records"),
    M("population.py", "(rated_at is None or rated_at <= as_of)", "(rated_at is None or True)",
      "5.4: dislikes after as_of counted", "records"),
    M("population.py", "return rating is RatingValue.BAD and",
      "return rating is RatingValue.NORMAL and",
      "5.4: the wrong rating taken as a dislike", "records"),
    M("population.py", "rated.is_null() | (rated <= self.as_of))",
      "rated.is_null() | rated.is_not_null())",
      "5.4: dislikes after as_of counted (columnar)", "engine"),
    M("population.py", '(pl.col("rating") == RatingValue.BAD.value)',
      '(pl.col("rating") == RatingValue.NORMAL.value)',
      "5.4: the wrong rating taken as a dislike (columnar)", "engine"),
    M("deadlines.py", '(pl.col("start").dt.time() <= close)', '(pl.col("start").dt.time() < close)',
      "due dates (columnar): a receipt at office close taken in the next day", "due_columns"),
    M("deadlines.py", 'otherwise(pl.col("_i") + 1),', 'otherwise(pl.col("_i")),',
      "due dates (columnar): an after-hours receipt counted from its own day", "due_columns"),
    M("deadlines.py", '_k=pl.coalesce("_k", pl.col("_ei") + 1 - pl.col("_ew"))',
      '_k=pl.coalesce("_k", pl.col("_ei"))',
      "due dates (columnar): a calendar-day limit ending on a day off not moved", "due_columns"),
    M("deadlines.py", "fits = last <= done + (b - a)", "fits = last < done + (b - a)",
      "due dates (columnar): hours ending at a window's close moved to the next window",
      "due_columns"),
    M("deadlines.py", ".otherwise(first + full + 1)", ".otherwise(first + full)",
      "due dates (columnar): working hours a day short", "due_columns"),
    M("population.py", "then(last).otherwise(receipt) if restart",
      "then(receipt).otherwise(receipt) if restart",
      "audit (columnar): the restart rule ignored (due from the receipt)", "audit_columns"),
    M("population.py", "settled & (unanswered == 0), start",
      "settled, start",
      "audit (columnar): a statutory due date while papers are owed", "audit_columns"),
    M("population.py", "(end.dt.date() > new_due.dt.date())",
      "(end.dt.date() >= new_due.dt.date())",
      "audit (columnar): a dossier ended on its extended due date taken as late", "audit_clean"),
    M("population.py", "clean = (~later & ~late_on_new)", "clean = (~later)",
      "audit (columnar): the extended due date ignored", "audit_clean"),
    M("population.py", "d.channel is Channel.ONLINE,",
      "d.channel is not Channel.DIRECT,",
      "3.3: postal dossiers counted as online", "records"),
    M("population.py", "d.synced_to_portal, d.has_electronic_result,",
      "d.synced_to_portal is not None, d.has_electronic_result,",
      "1.4: every dossier reporting the flag counted as synced", "records"),
    M("population.py", "            result = d.returned_at\n",
      "            result = None\n",
      "2.2: returned dossiers left out", "records"),
    M("population.py", "            result = d.returned_at\n",
      "            result = d.returned_at or d.stopped_at\n",
      "2.2: stopped dossiers counted", "records"),
    M("population.py", "    if received:\n        # The result", "    if in_population:\n"
      "        # The result", "2.2: carried-over dossiers counted", "records"),
    M("population.py", "received_at, result - applicant_time(d, ctx.as_of),",
      "received_at, result,",
      "2.2: the applicant's time not subtracted", "records"),
    M("deadlines.py", "if sup.supplied_at is not None and (moment is None or sup.supplied_at "
      "<= moment):\n            total +=", "if sup.supplied_at is not None:\n"
      "            total +=", "2.2: answers after as_of subtracted", "records"),
    M("records.py",
      "        if self.finished_at is not None:\n            return self.finished_at\n", "",
      "end of processing (Dossier.ended_at, the audit's): finished ignored", "audit"),
    M("criteria/progress.py", 'acc.count("DOSSIER_ON_TIME", verdict in IN_TIME, ident)',
      'acc.count("DOSSIER_ON_TIME", verdict != Verdict.LATE, ident)',
      "2.1: pending-late dossiers counted in time", "records"),
    M("criteria/base.py", "IN_TIME = frozenset({Verdict.IN_TIME, Verdict.PENDING_IN_TIME})",
      "IN_TIME = frozenset({Verdict.IN_TIME})",
      "2.1, 5.4: pending-in-time dossiers not in time", "records"),
    M("criteria/satisfaction.py", "s.verdict in IN_TIME and not s.complained",
      "s.verdict in IN_TIME", "5.4: complaints ignored", "records"),
    M("criteria/online.py", "hit = online and (", "hit = (",
      "3.3: direct dossiers counted as online", "records"),
    M("criteria/transparency.py", 'acc.count("DOSSIER_SYNC", s.synced is True, ident)',
      'acc.count("DOSSIER_SYNC", s.synced is not None, ident)',
      "1.4: unsynced dossiers counted as synced", "records"),
    M("criteria/digitization.py", "    if s.verdict == Verdict.OUT:\n        return\n    paper",
      "    if s.verdict == Verdict.OUT or not s.received:\n        return\n    paper",
      "P (group 4): carried-over dossiers left out", "records"),
    # -- the streaming row path counts by the scalar form: a broken scalar rule shows there too --
    M("population.py", "in_population = received or (", "in_population = received or False and (",
      "P: carried-over dossiers left out (row path: the scalar form)", "rows"),
    M("deadlines.py", "if asked > 1 and (always or not _has_result(d, moment)):",
      "if asked > 2 and (always or not _has_result(d, moment)):",
      "more than one supplement request is late: two allowed (row path: the scalar form)",
      "rows"),
    M("population.py", "(rated_at is None or rated_at <= as_of)", "(rated_at is None or True)",
      "5.4: dislikes after as_of counted (row path's ratings reader: the scalar form)", "rows"),
    # -- many records at once (Tally.add_dossiers): the columnar form over records ---------------
    M("tally.py", "self._keep(unit, (received, submitted, verdict,",
      "self._keep(unit, (submitted, received, verdict,",
      "3.2/3.5 and 1.4/3.3 populations swapped when records are counted at once", "bulk"),
    # -- HCM 104's A and B over many records: verdict_columns and the marks read from it --------
    M("population.py", 'pl.max_horizontal(pl.col("_j") - pl.col("_i"), pl.lit(0))).otherwise(0)',
      'pl.max_horizontal(pl.col("_j") - pl.col("_i") + 1, pl.lit(0))).otherwise(0)',
      "working days late counted with the due date itself (columnar verdict)", "hcm"),
    M("hcm104.py", '.when(pl.col("late_days") > LATE_LIMIT_WORKING_DAYS)',
      '.when(pl.col("late_days") >= LATE_LIMIT_WORKING_DAYS)',
      "HCM 104 A: 5 working days late scored as over 5 (columnar)", "hcm"),
    M("hcm104.py", '& (pl.col("ended").dt.date() <= period.end)).fill_null(False)',
      '& (pl.col("ended").dt.date() < period.end)).fill_null(False)',
      "HCM 104 A/B: a dossier resolved on the period's last day left out (columnar)", "hcm"),
    M("hcm104.py", '(pl.col("end_kind") != population.END_REQUEST)', "pl.lit(True)",
      "HCM 104 A/B: a dossier waiting for papers counted as resolved (columnar)", "hcm"),
    # -- columnar engine: the columnar form of the rules (population.py) -----------------------
    M("population.py", 'hours = pl.col("timed") & (kind == WORKING_HOURS)',
      'hours = pl.col("timed") & (kind == WORKING_DAYS)',
      "2.2 (columnar): office time measured for working-day limits, not working-hour ones",
      "engine"),
    M("population.py", 'too_many = (pl.col("asked") > 1)', 'too_many = (pl.col("asked") > 2)',
      "more than one supplement request is late: two allowed (columnar)", "engine"),
    M("population.py", '(pl.col("asked") > 1) & (pl.lit(always) | result.is_null())',
      '(pl.col("asked") > 1)',
      "more than one supplement request is late (unfinished_only): finished ones late too "
      "(columnar)", "engine"),
    M("population.py", "after_due = adjusted.dt.date() > due.dt.date()",
      "after_due = adjusted.dt.date() >= due.dt.date()",
      "comparison by date: the due date itself late (columnar)", "engine"),
    M("population.py", "return pl.when(col <= as_of).then(col)",
      "return pl.when(col < as_of).then(col)",
      "the evaluation moment: an end exactly at as_of not yet happened (columnar)", "engine"),
    M("population.py", "return pl.when(col <= as_of).then(col)",
      "return pl.when(col.is_not_null()).then(col)",
      "end of processing: an end after as_of counted (columnar)", "engine"),
    M("population.py", "made = req <= as_of", "made = req < as_of",
      "supplement requests: one made exactly at as_of not yet made (columnar)", "engine"),
    M("population.py", "made = req <= as_of", "made = req.is_not_null()",
      "supplement requests: requests after as_of counted (columnar)", "engine"),
    M("population.py", "answered = made & sup.is_not_null() & (sup <= as_of)",
      "answered = made & sup.is_not_null() & (sup < as_of)",
      "supplement adjustment: an answer exactly at as_of not yet given (columnar)", "engine"),
    M("population.py", "answered = made & sup.is_not_null() & (sup <= as_of)",
      "answered = made & sup.is_not_null()",
      "supplement adjustment: answers after as_of counted (columnar)", "engine"),
    M("population.py", 'adjusted = pl.coalesce(ended, pl.lit(as_of, dtype=pl.Datetime("us"))) - '
      'pl.col("applicant")',
      'adjusted = pl.coalesce(ended, pl.lit(as_of, dtype=pl.Datetime("us"))) + '
      'pl.col("applicant")',
      "supplement adjustment: the applicant's time added, not subtracted (columnar)", "engine"),
    M("population.py", "& (rec.dt.date() <= period.end)).fill_null(False)",
      "& (rec.dt.date() < period.end)).fill_null(False)",
      "received in the period: the period's last day left out (columnar)", "engine"),
    M("population.py", 'rec = pl.col("received_at")\n    return (rec.is_not_null()',
      'rec = pl.coalesce("received_at", "submitted_at")\n    return (rec.is_not_null()',
      "received in the period and P: submitted_at stands in for received_at (columnar)",
      "engine"),
    M("population.py", "(_received_in(period) | carried.fill_null(False)).fill_null(False)",
      "(_received_in(period)).fill_null(False)", "P: carried-over dossiers left out (columnar)",
      "engine"),
    M("population.py", "(ended.is_null() | (ended >= start))",
      "(ended.is_null() | (ended >= rec))",
      "P: dossiers that ended before the period counted as carried over (columnar)", "engine"),
    M("population.py", 'return pl.coalesce(_by_as_of("finished_at", as_of), '
      '_by_as_of("returned_at", as_of),\n                       _by_as_of("stopped_at", as_of),',
      'return pl.coalesce(_by_as_of("returned_at", as_of), '
      '_by_as_of("finished_at", as_of),\n                       _by_as_of("stopped_at", as_of),',
      "end of processing: returned before finished (columnar)", "engine"),
    M("population.py", '                       _by_as_of("stopped_at", as_of),\n',
      "", "end of processing: a stop does not end it (columnar)", "engine"),
    M("population.py", 'pl.when(pl.col("asked") == 1).then(pl.col("open_at")))\n\n\ndef _result',
      'pl.when(pl.col("asked") == 0).then(pl.col("open_at")))\n\n\ndef _result',
      "end of processing: one unanswered supplement request no longer ends it (columnar)",
      "engine"),
    M("population.py", ".when(ended.is_null()).then(", ".when(pl.lit(False)).then(",
      "pending: an open dossier counted as ended (columnar)", "engine"),
    M("population.py", "timed = _received(ctx) & result.is_not_null()",
      "timed = _in_population(ctx) & result.is_not_null()",
      "2.2: carried-over dossiers counted (columnar)", "engine"),
    M("population.py", 'done = pl.max_horizontal(result - pl.col("applicant"), rec)',
      "done = pl.max_horizontal(result, rec)",
      "2.2: the applicant's time not subtracted (columnar)", "engine"),
    M("population.py", 'return pl.coalesce(_by_as_of("finished_at", as_of), '
      '_by_as_of("returned_at", as_of))',
      'return pl.coalesce(_by_as_of("finished_at", as_of))',
      "2.2: returned dossiers left out (columnar)", "engine"),
    M("frame_counts.py", 'complained=(pl.col("ident").is_in(pl.lit(self.complained).implode())',
      'complained=(pl.col("ident").is_in(pl.lit(self.complained).implode()) & False',
      "5.4: complained dossiers counted satisfied (engine)", "engine"),
    M("io/columnar.py", "add_many(ids[start:i], reqs[start:i], sups[start:i]",
      "add_many(ids[start:i], reqs[start:i], [None] * (i - start)",
      "supplement adjustment: answers dropped (engine's supplements reader)", "engine"),
    M("io/columnar.py", 'pl.col("h").is_first_distinct().over("n")',
      'pl.col("h").is_last_distinct().over("n")',
      "duplicate ids: the last of equal ids in a batch wins (engine's batch claims)", "claims"),
    M("io/columnar.py", "            & ~self._seen(hashes)).alias(\"claimed\")",
      "            ).alias(\"claimed\")",
      "duplicate ids: ids claimed in earlier batches claimed again (engine's batch claims)",
      "claims"),
    M("io/columnar.py", ".join(requests, on=\"h\", how=\"inner\").filter(",
      ".join(requests.head(0), on=\"h\", how=\"inner\").filter(",
      "supplement requests: the engine's dossiers read without their requests", "engine"),
    # -- the criteria's edges (tests/test_criteria_boundaries.py) -------------------------------
    M("criteria/transparency.py", "if a.decision_date > today:",
      "if a.decision_date >= today:",
      "1.1/1.2: a decision of the evaluation day not counted", "boundaries"),
    M("criteria/transparency.py", "and (published is None or published >= period.start)",
      "and (published is None or published > period.start)",
      "1.2: a carried-over decision published on the period's first day left out",
      "boundaries"),
    M("criteria/transparency.py", "if reported and sum(reported) > d_own:",
      "if reported and sum(reported) >= d_own:",
      "1.4: an equal national count named as the denominator", "boundaries"),
    M("criteria/online.py",
      'seen = fee & acc.proc_set("received" if hit_key == "paid" else "submitted")',
      'seen = fee & acc.proc_set("submitted")',
      "3.4: a dossier only submitted makes paid_online missing (no data)", "boundaries"),
    M("criteria/digitization.py", "none = not individual and missing > 0",
      "none = missing > 0",
      "4.5a: no data as soon as one procedure does not say whom it serves", "boundaries"),
    M("criteria/satisfaction.py",
      'return verdict(None, spent <= HANDLE_WITHIN, f"đang xử lý',
      'return verdict(None, spent < HANDLE_WITHIN, f"đang xử lý',
      "5.2: an open petition late on its 15th working day", "boundaries"),
    M("criteria/satisfaction.py", "if p.received_at > ctx.as_of:",
      "if p.received_at >= ctx.as_of:",
      "5.x: a petition received at the evaluation moment not counted", "boundaries"),
    M("tally.py", "if pet.dossier_id is not None and pet.received_at <= moment:",
      "if pet.dossier_id is not None and pet.received_at < moment:",
      "5.4: a petition received at the evaluation moment not a complaint", "boundaries"),
    M("criteria/transparency.py", "a.published_at is not None and a.published_at <= today",
      "a.published_at is not None",
      "1.2: a publication after the evaluation moment read as made", "boundaries"),
    M("criteria/transparency.py", "ok = today <= deadline", "ok = today < deadline",
      "1.2: an unpublished decision late on its due day", "boundaries"),
    M("criteria/satisfaction.py", "moment if moment is not None and moment <= as_of else None",
      "moment if moment is not None and moment < as_of else None",
      "5.2: a petition's step at the evaluation moment not yet made", "boundaries"),
    M("criteria/satisfaction.py", "used(asked) > SUPPLEMENT_WITHIN",
      "used(asked) >= SUPPLEMENT_WITHIN",
      "5.2 (all_steps): a supplement request on the 5th working day late", "boundaries"),
    M("criteria/satisfaction.py", "p.awaiting_since is not None and p.awaiting_since <= as_of",
      "p.awaiting_since is not None",
      "5.2: an open petition's clock from an awaiting_since after the evaluation moment",
      "boundaries"),
    M("tally.py", "if d.receipt > ctx.as_of:", "if d.receipt >= ctx.as_of:",
      "the evaluation moment: a dossier received at it not counted (records)", "boundaries"),
    M("hcm104.py", "asked = sum(1 for s in d.supplements if s.requested_at <= as_of)",
      "asked = sum(1 for s in d.supplements if s.requested_at < as_of)",
      "HCM 104 B: a request made at the evaluation moment not counted", "hcm_edges"),
    M("hcm104.py", "counted = r.rated_at <= moment and period.contains(r.rated_at)",
      "counted = r.rated_at < moment and period.contains(r.rated_at)",
      "HCM 104 C: a rating made at the evaluation moment not counted", "hcm_edges"),
    # -- a row's checks, declared once (records.AFTER_RECEIPT), read by the record and the engine
    M("records.py", '"stopped_at", "due_at",\n                                  "new_due_at")',
      '"stopped_at", "due_at")',
      "docs/inputs.md: a new due date before the receipt accepted (the declaration)",
      "receipt_order"),
    M("io/columnar.py", "before = [pl.col(name) < receipt for name in AFTER_RECEIPT]",
      "before = [pl.col(name) < receipt for name in AFTER_RECEIPT[:-1]]",
      "docs/inputs.md: a new due date before the receipt counted by the engine",
      "receipt_order"),
)


#: The exit status of a run whose tests did not import the copy.
_NOT_THE_COPY = 99
#: Seconds a forked test run may take: a mutation that makes the tests hang is caught.
_CHILD_SECONDS = 300
_TIMED_OUT = -signal.SIGALRM if hasattr(signal, "SIGALRM") else -14


def check_table(mutations: Sequence[Mutation], src: Path) -> list[str]:
    """Every problem with the table against the code in ``src``: an old text not found exactly
    once, an unknown test selection, a mutation that changes nothing."""
    problems = []
    for m in mutations:
        path = src / m.file
        if not path.is_file():
            problems.append(f"{m.file}: no such file ({m.rule})")
            continue
        found = path.read_text(encoding="utf-8").count(m.old)
        if found != 1:
            problems.append(f"{m.file}: old text found {found} times, not once ({m.rule}):\n"
                            f"    {m.old!r}")
        if m.old == m.new:
            problems.append(f"{m.file}: the new text is the old one ({m.rule})")
        if m.tests not in TESTS:
            problems.append(f"{m.file}: unknown test selection {m.tests!r} ({m.rule})")
    return problems


def _pytest_args(tests: Sequence[str]) -> list[str]:
    # Hypothesis (and its pytest plugin) were imported before pytest ran, once for every child:
    # pytest may not rewrite their asserts, which it would warn about. The benchmark plugin
    # (pytest-benchmark) is not needed by the chosen tests, and would have its modules rewritten
    # and its machine information gathered (subprocesses) in every child.
    return ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:benchmark", "-W",
            "ignore::pytest.PytestAssertRewriteWarning", *tests]


def _forget_bytecode(path: Path) -> None:
    cached = Path(importlib.util.cache_from_source(str(path)))
    cached.unlink(missing_ok=True)


# -- what a process of the check may import before a mutation: the import graph ----------------


def _module_names(src: Path) -> dict[str, Path]:
    """Every module of the copied package: dotted name → file (``__init__.py`` for packages)."""
    names = {}
    for path in sorted((src / "chiso766").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # runs the command line when imported
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _top_level_imports(name: str, path: Path, modules: Container[str]) -> set[str]:
    """The package modules ``name`` imports when it is executed: its module-level imports,
    those under ``if TYPE_CHECKING:`` left out, function-level (lazy) imports left out. A name
    imported from a package may be a submodule: both count."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If):
                test = node.test
                if not (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody,
                              *(h.body for h in node.handlers)):
                    visit(block)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")
                    parent = parent[:len(parent) - node.level + 1]
                    base = ".".join([*parent, *filter(None, [node.module])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {m for m in found if m in modules and m != name}


def _tainted(target: str, modules: dict[str, Path]) -> set[str]:
    """``target`` and every module that imports it, directly or not, when executed."""
    imports = {name: _top_level_imports(name, path, modules) for name, path in modules.items()}
    tainted = {target}
    grew = True
    while grew:
        grew = False
        for name, deps in imports.items():
            if name not in tainted and deps & tainted:
                tainted.add(name)
                grew = True
    return tainted


def _preload(copy: Path, targets: Sequence[str]) -> list[ModuleType]:
    """In a process about to test mutations of the modules ``targets``: import every module of
    the copy that does not import one of them; the packages that would are put in
    ``sys.modules`` unexecuted (returned, innermost first, for :func:`_finish_packages`)."""
    src = copy / "src"
    modules = _module_names(src)
    tainted = set().union(*(_tainted(target, modules) for target in targets))
    sys.path.insert(0, str(src))
    held = []
    for name in sorted(modules, key=lambda n: n.count(".")):
        path = modules[name]
        if path.name == "__init__.py" and name in tainted:
            spec = importlib.util.spec_from_file_location(
                name, path, submodule_search_locations=[str(path.parent)])
            assert spec is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            parent, _, leaf = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], leaf, module)
            held.append(module)
    for name in sorted(modules):
        if name not in tainted:
            importlib.import_module(name)
    early = sorted(tainted & set(sys.modules) - {m.__name__ for m in held})
    if early:
        raise RuntimeError(f"preloading for {targets} imported {early}: the import graph "
                           "of tests/mutation_check.py missed an import")
    # What is loaded now stays out of the garbage collector's way: pytest collects garbage
    # several times a run, which would otherwise walk every preloaded object each time.
    gc.freeze()
    return held[::-1]


def _finish_packages(held: Sequence[ModuleType]) -> None:
    """Execute the held packages' ``__init__`` (innermost first), as importing them would."""
    for module in held:
        spec = module.__spec__
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(module)


# -- running tests against the copy --------------------------------------------------------------


#: tests/conftest.py runs one shard of the suite when this is set; never for a mutation.
_SHARD = "CHISO766_SHARD"


def _in_child(copy: Path, tests: Sequence[str], held: Sequence[ModuleType],
              out: int) -> int:
    """A forked child: finish the package, run the tests, check they used the copy."""
    os.dup2(out, 1)
    os.dup2(out, 2)
    signal.alarm(_CHILD_SECONDS)  # the default action of SIGALRM ends the process
    if str(copy / "src") not in sys.path:
        sys.path.insert(0, str(copy / "src"))
    import pytest

    os.environ.pop(_SHARD, None)  # a mutation's tests run whole
    _finish_packages(held)
    status = int(pytest.main(_pytest_args(tests)))
    imported = sys.modules.get("chiso766")
    if imported is None or not Path(str(imported.__file__)).is_relative_to(copy):
        print(f"the tests imported {imported!r}, not the copy in {copy}")
        status = _NOT_THE_COPY
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def run_tests(copy: Path, tests: Sequence[str],
              held: Sequence[ModuleType] = ()) -> tuple[int, str, float]:
    """Run ``tests`` against the package in ``copy`` (its ``src``): the exit status of pytest,
    its output, and the seconds it took."""
    began = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        if hasattr(os, "fork"):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                status = 3
                try:
                    status = _in_child(copy, tests, held, out.fileno())
                finally:
                    os._exit(status)
            status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        else:
            env = {k: v for k, v in os.environ.items() if k != _SHARD}
            env["PYTHONPATH"] = os.pathsep.join(
                [str(copy / "src"), *filter(None, [env.get("PYTHONPATH")])])
            probe = subprocess.run([sys.executable, "-c", "import chiso766; "
                                    "print(chiso766.__file__)"], cwd=ROOT, env=env,
                                   capture_output=True, text=True, check=False)
            if not Path(probe.stdout.strip()).is_relative_to(copy):
                return _NOT_THE_COPY, probe.stdout + probe.stderr, time.monotonic() - began
            status = subprocess.run([sys.executable, "-m", "pytest", *_pytest_args(tests)],
                                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    check=False).returncode
        out.seek(0)
        return status, out.read(), time.monotonic() - began


class Result(NamedTuple):
    position: int  #: in MUTATIONS (-1: the unmutated run)
    status: int  #: pytest's exit status (1: tests failed, the mutation was caught)
    seconds: float
    output: str


def _test_file(copy: Path, mutations: Sequence[tuple[int, Mutation]],
               held: Sequence[ModuleType]) -> list[Result]:
    """The unmutated tests first (as index -1), then each mutation in turn."""
    selections = sorted({t for _, m in mutations for t in TESTS[m.tests]})
    status, output, seconds = run_tests(copy, selections, held)
    results = [Result(-1, status, seconds, output)]
    if status != 0:
        return results
    for index, m in mutations:
        target = copy / PACKAGE / m.file
        original = target.read_text(encoding="utf-8")
        target.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
        _forget_bytecode(target)
        try:
            status, output, seconds = run_tests(copy, TESTS[m.tests], held)
        finally:
            target.write_text(original, encoding="utf-8")
            _forget_bytecode(target)
        results.append(Result(index, status, seconds, output if status != 1 else ""))
        if status == _NOT_THE_COPY:
            break
    return results


def _module_of(m: Mutation) -> str:
    return "chiso766." + m.file.removesuffix(".py").replace("/", ".")


def _test_file_preloaded(copy: Path, mutations: Sequence[tuple[int, Mutation]]) -> list[Result]:
    """:func:`_test_file` in a forked process that has preloaded what these mutations leave
    alone."""
    module = sorted({_module_of(m) for _, m in mutations})
    with tempfile.TemporaryFile("w+", encoding="utf-8") as report:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                held = _preload(copy, module)
                results = _test_file(copy, mutations, held)
                report.write(json.dumps([list(r) for r in results]))
                report.flush()
            except BaseException as exc:  # reported by the parent as a failed run
                report.write(json.dumps([[-1, 3, 0.0, f"{type(exc).__name__}: {exc}"]]))
                report.flush()
                code = 3
            finally:
                os._exit(code)
        os.waitpid(pid, 0)
        report.seek(0)
        text = report.read()
    if not text:
        return [Result(-1, 3, 0.0, f"the process testing {', '.join(module)} died")]
    return [Result(int(i), int(s), float(t), str(o)) for i, s, t, o in json.loads(text)]


def _copy_source(into: Path) -> Path:
    shutil.copytree(ROOT / "src", into / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    return into


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-k", dest="keyword", default="",
                        help="only mutations whose file, rule or tests contain this text")
    parser.add_argument("--list", action="store_true", help="print the table and stop")
    args = parser.parse_args(argv)
    chosen = [(i, m) for i, m in enumerate(MUTATIONS)
              if args.keyword.lower() in f"{m.file} {m.rule} {m.tests}".lower()]
    if args.list:
        for _, m in chosen:
            print(f"{m.file:28} {m.tests:9} {m.rule}")
        return 0
    problems = check_table(MUTATIONS, ROOT / PACKAGE)
    if problems:
        print("mutation check: the table no longer matches the code — update "
              "tests/mutation_check.py:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    os.chdir(ROOT)  # the test selections are paths from the repository root
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    forking = hasattr(os, "fork")
    if forking:
        # What every child needs, imported once (never chiso766 here: the children import
        # the copy).
        import hypothesis  # noqa: F401
        import pytest  # noqa: F401

        with contextlib.suppress(ImportError):
            importlib.import_module("_hypothesis_pytestplugin")

        with contextlib.suppress(ImportError):
            import polars  # noqa: F401
        assert "chiso766" not in sys.modules
    began = time.monotonic()
    # One preloading process per file (one for all of criteria/: each of its modules is small).
    by_file: dict[str, list[tuple[int, Mutation]]] = {}
    for i, m in chosen:
        by_file.setdefault(m.file.partition("/")[0] if m.file.startswith("criteria/")
                           else m.file, []).append((i, m))
    survivors: list[Mutation] = []
    done = 0
    with tempfile.TemporaryDirectory(prefix="chiso766-mutation-") as tmp:
        copy = _copy_source(Path(tmp))
        for file, mutations in by_file.items():
            results = (_test_file_preloaded(copy, mutations) if forking
                       else _test_file(copy, mutations, ()))
            for result in results:
                if result.status == _NOT_THE_COPY:
                    print(result.output)
                    print("mutation check: the tests do not import the copied package",
                          file=sys.stderr)
                    return 1
                if result.position < 0:
                    if result.status != 0:
                        print(result.output)
                        print(f"mutation check: the tests of {file}'s mutations fail without "
                              "any mutation", file=sys.stderr)
                        return 1
                    print(f"[{done:2}/{len(chosen)}] unmutated {result.seconds:4.1f}s  "
                          f"{file}: the chosen tests pass", flush=True)
                    continue
                done += 1
                m = MUTATIONS[result.position]
                # 1: the tests failed; 2–5: interrupted, usage error, no tests…
                caught = result.status in (1, _TIMED_OUT)
                hung = " (the tests hung)" if result.status == _TIMED_OUT else ""
                print(f"[{done:2}/{len(chosen)}] {'caught   ' if caught else 'SURVIVED '} "
                      f"{result.seconds:4.1f}s  {m.file}: {m.rule}{hung}", flush=True)
                if not caught:
                    survivors.append(m)
                    if result.status != 0:
                        print(result.output)
    total = time.monotonic() - began
    if survivors:
        print(f"\n{len(survivors)} of {len(chosen)} mutations survived ({total:.0f} s): the "
              "tests did not notice these broken rules:")
        for m in survivors:
            print(f"  {m.file}: {m.rule}\n    {m.old!r} -> {m.new!r}\n    tests: "
                  f"{' '.join(TESTS[m.tests])}")
        return 1
    print(f"\nall {len(chosen)} mutations caught ({total:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
