"""A report's flagged dossiers gathered in the streaming score's one pass
(:class:`~chiso766.reports.flagged.FlaggedDossiers` under
:func:`~chiso766.streaming.observed_score`, what ``chiso766 score --format html|xlsx`` runs)
are :func:`~chiso766.reports.flagged.flagged_dossiers` of the folder's records, and the
scorecard is ``score_766``'s.

The folders are test_streaming's drawn exports (odd and bad cells, duplicate and padded ids,
unknown units and codes, supplement requests unsorted, orphaned or unanswered). On the row
path every dossier is shown as a record; on the columnar engine, in batches of a few lines,
the flagged ones are picked in columns (:func:`~chiso766.population.audit_columns`,
:func:`~chiso766.reports.flagged.in_population_columns`) and listed from their columns with
the audit's findings (:func:`~chiso766.deadlines.audit_findings`), or asked for as records
where the columns do not settle their statutory due date — so a dossier the columnar forms
missed, or a finding they got wrong, would show in the list.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from chiso766 import Period, streaming
from chiso766.deadlines import audit
from chiso766.io import read_folder
from chiso766.reports.flagged import FlaggedDossiers, ListedDossier, flagged_dossiers
from chiso766.reports.json_report import dumps, scorecard_to_dict
from chiso766.scoring import score_766
from tests.budget import examples
from tests.extras import need
from tests.test_streaming import _counting_with, _write, folders

ROOT = Path(__file__).resolve().parents[2]


def _one_pass(folder: Path, period: Period, as_of: datetime | None,
              units: set[str] | None) -> tuple[str, list[tuple[Any, Any]], FlaggedDossiers]:
    done = streaming.observed_score(
        folder, period=period, as_of=as_of,
        observe=lambda ctx, _undated: FlaggedDossiers(ctx.procedures, ctx.period, ctx.as_of,
                                                      units))
    assert done is not None
    card, _latest, observer, _rest = done
    assert isinstance(observer, FlaggedDossiers)
    return dumps(scorecard_to_dict(card)), observer.rows(), observer


def _records(folder: Path, period: Period, as_of: datetime | None,
             units: set[str] | None) -> tuple[str, list[tuple[Any, Any]]]:
    dataset = read_folder(folder)
    card = score_766(dataset, period=period, as_of=as_of)
    return dumps(scorecard_to_dict(card)), flagged_dossiers(dataset, card.period, card.as_of,
                                                            units)


@pytest.mark.parametrize("path", ["rows", "engine"])
@given(data=folders(odd_lines=True), quarter=st.integers(1, 4),
       as_of=st.sampled_from([None, datetime(2025, 6, 20, 9)]),
       units=st.sampled_from([None, {"U1"}, {"U2", "nowhere"}]),
       batch=st.sampled_from([200, 600, 1 << 20]))
@settings(max_examples=examples(30), deadline=None)
def test_one_pass_lists_what_the_records_list(
        path: str, data: dict[str, list[list[str]]], quarter: int, as_of: datetime | None,
        units: set[str] | None, batch: int) -> None:
    # Invariant: whichever way each dossier reaches the audit (a record shown by the row path
    # and audited by the scalar audit, or a row of an engine frame listed from its columns),
    # the list is the records' own — the same dossiers as the reports show them, the same
    # audit results, in the same order — and so is the scorecard.
    period = Period.quarter(2025, quarter)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, data)
        card, rows = _records(folder, period, as_of, units)
        with _counting_with(path, batch):
            got_card, got_rows, _ = _one_pass(folder, period, as_of, units)
    assert got_card == card
    assert _listed(got_rows) == _listed(rows)
    event(f"flagged: {'some' if rows else 'none'}")


def _observed_stream(folder: Path, every: bool = False) -> tuple[list[tuple[Any, Any]], Any]:
    stream = streaming.stream_dossiers(folder)
    observer = FlaggedDossiers(stream.procedures, None, None, every=every)
    stream.observe(observer)
    return observer.rows(), stream.report


def _every_audited(dataset: Any) -> list[tuple[Any, Any]]:
    """Every dossier of ``dataset`` with its audit result, sorted by unit and id: what
    ``chiso766 audit --all`` lists."""
    return sorted(((d, audit(d, dataset.procedures.get(d.procedure_code)))
                   for d in dataset.dossiers), key=lambda p: (p[0].unit_id, p[0].id))


def _records_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the records FlaggedDossiers is shown from now on (filled as it runs)."""
    shown: list[str] = []
    real = FlaggedDossiers.dossier

    def dossier(self: FlaggedDossiers, d: Any) -> None:
        shown.append(d.id)
        real(self, d)

    monkeypatch.setattr(FlaggedDossiers, "dossier", dossier)
    return shown


def _listed(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, ...]]:
    """What an audit's report shows of each pair: the dossier's id, unit, procedure and
    receipt (a record or a ListedDossier), and the whole audit result."""
    return [(d.id, d.unit_id, d.procedure_code, d.receipt, result) for d, result in pairs]


@pytest.mark.parametrize("every", [False, True], ids=["flagged", "every"])
@pytest.mark.parametrize("path", ["rows", "engine"])
@given(data=folders(odd_lines=True), batch=st.sampled_from([200, 600, 1 << 20]))
@settings(max_examples=examples(30), deadline=None)
def test_a_stream_observed_lists_what_the_records_list(
        path: str, every: bool, data: dict[str, list[list[str]]], batch: int) -> None:
    # Invariant: ``chiso766 audit``'s reading (every dossier of the folder, no period: a
    # stream shown to FlaggedDossiers) lists the flagged dossiers of the folder's records —
    # with ``every`` (``--all``) every record with its audit result, those the engine lists
    # from their columns included — and its input report is read_folder's.
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, data)
        dataset = read_folder(folder)
        expected = _every_audited(dataset) if every else flagged_dossiers(dataset)
        with _counting_with(path, batch):
            rows, report = _observed_stream(folder, every)
    assert _listed(rows) == _listed(expected)
    assert report == dataset.report
    event(f"listed: {'some' if rows else 'none'}")


def test_every_dossier_listed_with_few_records(monkeypatch: pytest.MonkeyPatch) -> None:
    # chiso766 audit --all on the example province: every accepted dossier listed with the
    # result its record gets, and on the engine fewer than a fifth of them built as records.
    need("polars", "fast")
    shown = _records_shown(monkeypatch)
    folder = ROOT / "examples" / "province"
    rows, _ = _observed_stream(folder, every=True)
    dataset = read_folder(folder)
    assert _listed(rows) == _listed(_every_audited(dataset))
    assert len(shown) < len(dataset.dossiers) / 5


@pytest.mark.parametrize(("name", "at_least"), [("province", 50), ("messy", 0)])
def test_the_example_folders(name: str, at_least: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bundled provinces (thousands of dossiers, hundreds flagged): the same list, and on
    # the engine the flagged dossiers are listed from their columns: only the rows it hands
    # to the row path (and a flagged one whose statutory due date it cannot settle) become
    # records.
    folder = ROOT / "examples" / name
    period = Period.parse("2025-Q2")
    shown = _records_shown(monkeypatch)
    card, rows, observer = _one_pass(folder, period, None, None)
    expected_card, expected = _records(folder, period, None, None)
    assert card == expected_card
    assert _listed(rows) == _listed(expected)
    assert len(rows) >= at_least
    dataset = read_folder(folder)
    receipts = [d.receipt for d in dataset.dossiers]
    assert (observer.first_receipt, observer.latest_receipt) == (min(receipts), max(receipts))
    if at_least and importlib.util.find_spec("polars") is not None:
        assert len(shown) < len(rows) / 2
        assert all(isinstance(d, ListedDossier) for d, _ in rows if d.id not in shown)
