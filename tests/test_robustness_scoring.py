"""Junk in, library errors out — scoring side: ``criterion()``, ``band()``, ``score_counts()``,
``score_766()``, ``build_context()``, ``Tally.add/merge``, ``Scorecard.points/explain`` either
work or raise a :class:`Chiso766Error` subclass, never a bare TypeError, AttributeError,
KeyError or ValueError from inside. Naive and aware moments and the years 1900 and 2100 work.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import (
    QD766,
    Announcement,
    Chiso766Error,
    Dossier,
    OnlinePayment,
    Period,
    Petition,
    Procedure,
    Rating,
    RatingValue,
    Tally,
    TimeLimit,
    build_context,
    criterion,
    hcm104,
    score_766,
    score_counts,
    score_tally,
    streaming,
)
from chiso766.criteria.base import Count, DossierShape
from chiso766.distributed import merge_tallies
from chiso766.io import (
    Dataset,
    detect_format,
    fold_name,
    iter_records,
    iter_rows,
    read_files,
    read_folder,
    read_tables,
    write_folder,
)
from chiso766.io.readers import ReportBuilder
from chiso766.io.rowpath import SupplementIndex
from chiso766.policy import CountingPolicy
from chiso766.reports import write_html, write_xlsx
from chiso766.reports.flagged import FlaggedDossiers
from chiso766.reports.fmt import number_text
from chiso766.reports.text import cell_text, terminal_text, xlsx_text
from chiso766.reports.xlsx import workbook_bytes
from chiso766.rules import band, canonical_code
from tests.budget import examples
from tests.extras import need

Q2 = Period.quarter(2025, 2)
JUNK: list[Any] = [
    None, "", "abc", "  ", float("nan"), float("inf"), -float("inf"), 10**30, -(10**30), -1, 0,
    1.5, True, False, [], {}, (1,), (1, 2, 3), b"x", object(), Decimal("NaN"), Fraction(1, 3),
    datetime(2025, 1, 1), datetime(2025, 1, 1, tzinfo=UTC), date(1900, 1, 1), date(2100, 1, 1),
    1 + 2j, Dossier, "DOSSIER_ON_TIME", {"a": 1}, {1, 2},
]
IDS = [f"{type(j).__name__}:{j!r}"[:40] for j in JUNK]
#: A folder junk datasets are "written" to: refused before anything is written.
NEVER_WRITTEN = Path(tempfile.gettempdir()) / "chiso766-junk-never-written"


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour)


PROVINCE = Path(__file__).resolve().parents[1] / "examples" / "province"
MESSY = PROVINCE.parent / "messy"
DATASET = Dataset.from_records(
    procedures=[Procedure("P1", time_limit=TimeLimit.working_days(3), has_fee=True)],
    dossiers=[Dossier("D1", "P1", "U1", received_at=at(4, 1), finished_at=at(4, 3),
                      paid_online=OnlinePayment.NATIONAL_PORTAL,
                      synced_to_portal=True)],
    petitions=[Petition("K1", "U1", at(4, 2), dossier_id="D1")],
    ratings=[Rating("U1", RatingValue.BAD, dossier_id="D1")],
    announcements=[Announcement("P1", "U1", date(2025, 4, 2))],
)
CARD = score_766(DATASET, period=Q2)
CTX = build_context(period=Q2, procedures=DATASET.procedures)
GIVEN_AUTHORITIES = build_context(period=Q2, procedures=DATASET.procedures,
                                  authorities_given=True)


class Pairs(Mapping[Any, Any]):
    """A mapping that accepts any key, even an unhashable one (junk keys for the API)."""

    def __init__(self, key: Any, value: Any) -> None:
        self.key, self.value = key, value

    def __getitem__(self, key: Any) -> Any:
        if key is self.key:
            return self.value
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter([self.key])

    def __len__(self) -> int:
        return 1


def survives(fn: Callable[[], Any]) -> None:
    """``fn`` works or raises the library's own error; anything else fails the test."""
    try:
        fn()
    except Chiso766Error as exc:
        assert str(exc)


def _count_csv(**given: Any) -> None:
    """streaming.count_dossier_csv on the example province's dossiers, ``given`` in place of
    the defaults."""
    arguments: dict[str, Any] = {
        "path": PROVINCE / "dossiers.csv", "tally": Tally(CTX), "builder": ReportBuilder(),
        "strict": False, "procedures": None, "unit_ids": None, "supplements": SupplementIndex()}
    arguments.update(given)
    path, tally, builder = arguments.pop("path"), arguments.pop("tally"), arguments.pop("builder")
    streaming.count_dossier_csv(path, tally, builder, **arguments)


def _progress(call: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A junk ``progress`` argument: a callable one (a class, a function) is a progress
    function, and what it raises when called is its own business, not the library's."""
    return lambda junk: None if callable(junk) else call(junk)


CALLS: dict[str, Callable[[Any], Any]] = {
    "criterion(code)": lambda j: criterion(j),
    "criterion(code, rules)": lambda j: criterion("DOSSIER_ON_TIME", j),
    "points(n, 1)": lambda j: criterion("DOSSIER_ON_TIME").points(j, 1),
    "points(1, d)": lambda j: criterion("DOSSIER_ON_TIME").points(1, j),
    "points_for_ratio": lambda j: criterion("DOSSIER_ON_TIME").points_for_ratio(j),
    "band": lambda j: band(j),
    "band(rules)": lambda j: band(50, j),
    "score_counts(counts)": lambda j: score_counts(j),
    "score_counts(value)": lambda j: score_counts({"DOSSIER_ON_TIME": j}),
    "score_counts(n)": lambda j: score_counts({"DOSSIER_ON_TIME": (j, 5)}),
    "score_counts(d)": lambda j: score_counts({"DOSSIER_ON_TIME": (1, j)}),
    "score_counts(2.2)": lambda j: score_counts({"AVERAGE_PROCESSING_TIME": (j, 2)}),
    "score_counts(key)": lambda j: score_counts(Pairs(j, (1, 5))),
    "score_counts(Count)": lambda j: score_counts({"DOSSIER_ON_TIME": Count(j, 5)}),
    "score_counts(Count factor)": lambda j: score_counts({"ONLINE_DOSSIERS": Count(1, 5,
                                                                                  factor=j)}),
    "score_counts(rules)": lambda j: score_counts({}, rules=j),
    "score_766(dataset)": lambda j: score_766(j, period=Q2),
    "score_766(period)": lambda j: score_766(DATASET, period=j),
    "score_766(as_of)": lambda j: score_766(DATASET, period=Q2, as_of=j),
    "score_766(calendar)": lambda j: score_766(DATASET, period=Q2, calendar=j),
    "score_766(policy)": lambda j: score_766(DATASET, period=Q2, policy=j),
    "score_766(rules)": lambda j: score_766(DATASET, period=Q2, rules=j),
    "score_766(reported)": lambda j: score_766(DATASET, period=Q2, reported_received=j),
    "score_766(reported value)": lambda j: score_766(DATASET, period=Q2,
                                                     reported_received={"U1": j}),
    "score_766(last year)": lambda j: score_766(DATASET, period=Q2, last_year_totals=j),
    "score_766(last year key)": lambda j: score_766(DATASET, period=Q2,
                                                    last_year_totals=Pairs(j, 3)),
    "build_context(period)": lambda j: build_context(period=j),
    "build_context(as_of)": lambda j: build_context(period=Q2, as_of=j),
    "build_context(procedures)": lambda j: build_context(period=Q2, procedures=j),
    "build_context([procedure])": lambda j: build_context(period=Q2, procedures=[j]),
    "build_context({code: procedure})":
        lambda j: Tally(build_context(period=Q2, procedures={"P1": j})).add(DATASET.dossiers[0]),
    "build_context(petitions)": lambda j: build_context(period=Q2, petitions=j),
    "build_context([petition])": lambda j: build_context(period=Q2, petitions=[j]),
    "build_context(ratings)": lambda j: build_context(period=Q2, ratings=j),
    "build_context([rating])": lambda j: build_context(period=Q2, ratings=[j]),
    "build_context(calendar)": lambda j: build_context(period=Q2, calendar=j),
    "build_context(policy)": lambda j: build_context(period=Q2, policy=j),
    "Tally(context)": lambda j: Tally(j),
    "Tally.add": lambda j: Tally(CTX).add(j),
    "Tally.update": lambda j: Tally(CTX).update(j),
    "Tally.update([x])": lambda j: Tally(CTX).update([j]),
    "Tally.merge": lambda j: Tally(CTX).merge(j),
    "Tally.add_dossiers": lambda j: Tally(CTX).add_dossiers(j),
    "Tally.add_dossiers([x])": lambda j: Tally(CTX).add_dossiers([j]),
    "score_folder(path)": lambda j: streaming.score_folder(j, period=None),
    "score_folder(period)": lambda j: streaming.score_folder(PROVINCE, period=j),
    "stream_score(path)": lambda j: streaming.stream_score(j, period=Q2),
    "stream_dossiers(path)": lambda j: list(streaming.stream_dossiers(j)),
    "stream_dossiers(strict)": lambda j: list(streaming.stream_dossiers(PROVINCE, strict=j)),
    "stream_dossiers(…).observe(observer)":
        lambda j: streaming.stream_dossiers(MESSY).observe(j),
    "observed_score(observe)":
        _progress(lambda j: streaming.observed_score(MESSY, period=Q2, observe=j)),
    "observed_score(observe → observer)":
        lambda j: streaming.observed_score(MESSY, period=Q2, observe=lambda ctx, ids: j),
    "FlaggedDossiers(procedures)": lambda j: FlaggedDossiers(j, Q2, None),
    "FlaggedDossiers(period)": lambda j: FlaggedDossiers({}, j, None),
    "FlaggedDossiers(as_of)": lambda j: FlaggedDossiers({}, None, j),
    "FlaggedDossiers(units)": lambda j: FlaggedDossiers({}, None, None, j),
    "FlaggedDossiers(add)": lambda j: FlaggedDossiers({}, None, None, add=j),
    "FlaggedDossiers(every)": lambda j: FlaggedDossiers({}, None, None, every=j),
    "stream_dossiers(progress)":
        _progress(lambda j: list(streaming.stream_dossiers(PROVINCE, progress=j))),
    "score_folder(progress)":
        _progress(lambda j: streaming.score_folder(PROVINCE, period=Q2, progress=j)),
    "hcm104.score_folder(path)": lambda j: hcm104.score_folder(j, period=None),
    "hcm104.score_folder(period)": lambda j: hcm104.score_folder(MESSY, period=j),
    "hcm104.score_folder(as_of)": lambda j: hcm104.score_folder(MESSY, period=Q2, as_of=j),
    "hcm104.score_folder(policy)": lambda j: hcm104.score_folder(MESSY, period=Q2, policy=j),
    "hcm104.score_folder(calendar)":
        lambda j: hcm104.score_folder(MESSY, period=Q2, calendar=j),
    "hcm104.score_folder(deadline_policy)":
        lambda j: hcm104.score_folder(MESSY, period=Q2, deadline_policy=j),
    "hcm104.score_folder(counting)":
        lambda j: hcm104.score_folder(MESSY, period=Q2, counting=j),
    "hcm104.score_folder(d_values)":
        lambda j: hcm104.score_folder(MESSY, period=Q2, d_values=j),
    "hcm104.score_folder_with_766(progress)":
        _progress(lambda j: hcm104.score_folder_with_766(MESSY, period=Q2, progress=j)),
    "count_dossier_csv(path)": lambda j: _count_csv(path=j),
    "count_dossier_csv(tally)": lambda j: _count_csv(tally=j),
    "count_dossier_csv(builder)": lambda j: _count_csv(builder=j),
    "count_dossier_csv(strict)": lambda j: _count_csv(strict=j),
    "count_dossier_csv(procedures)": lambda j: _count_csv(procedures=j),
    "count_dossier_csv(unit_ids)": lambda j: _count_csv(unit_ids=j),
    "count_dossier_csv(supplements)": lambda j: _count_csv(supplements=j),
    "SupplementIndex.of": lambda j: SupplementIndex.of(j),
    "SupplementIndex.of({id: x})": lambda j: SupplementIndex.of({"A": j}),
    "SupplementIndex.of({id: [x]})": lambda j: SupplementIndex.of({"A": [j]}),
    "SupplementIndex.of({x: ()})": lambda j: SupplementIndex.of(Pairs(j, ())),
    "read_folder(path)": lambda j: read_folder(j),
    "read_folder(progress)": _progress(lambda j: read_folder(PROVINCE, progress=j)),
    "read_tables(progress)": _progress(lambda j: read_tables({"dossiers": []}, progress=j)),
    "ReportBuilder.add_read(file)": lambda j: ReportBuilder().add_read(j, 1),
    "ReportBuilder.add_read(rows)": lambda j: ReportBuilder().add_read("dossiers.csv", j),
    "ReportBuilder.reject": lambda j: ReportBuilder().reject(j),
    "ReportBuilder.note": lambda j: ReportBuilder().note(j),
    "ReportBuilder.add_all": lambda j: ReportBuilder().add_all(j),
    "CountingPolicy.from_pairs": lambda j: CountingPolicy.from_pairs(j),
    "detect_format": lambda j: detect_format(j),
    "canonical_code": lambda j: canonical_code(j),
    "reports.text.cell_text": lambda j: cell_text(j),
    "reports.text.xlsx_text": lambda j: xlsx_text(j),
    "reports.text.terminal_text": lambda j: terminal_text(j),
    "reports.fmt.number_text(value)": lambda j: number_text(j),
    "reports.fmt.number_text(lang)": lambda j: number_text(1, j),
    "reports.fmt.number_text(places)": lambda j: number_text(Fraction(1, 3), "vi", j),
    "reports.fmt.number_text(places=None)": lambda j: number_text(j, "en", None, True),
    "fold_name": lambda j: fold_name(j),
    "merge_tallies": lambda j: merge_tallies(j),
    "iter_records(kind)": lambda j: list(iter_records(PROVINCE / "units.csv", j)),
    "iter_rows(kind)": lambda j: list(iter_rows([(0, ["MaDonVi"]), (1, ["U1"])], j,
                                                  file="units")),
    "iter_records(format)":
        lambda j: list(iter_records(PROVINCE / "units.csv", "units", format=j)),
    "iter_records(report_builder)":
        lambda j: list(iter_records(PROVINCE / "units.csv", "units", report_builder=j)),
    "iter_records(procedures)":
        lambda j: list(iter_records(PROVINCE / "dossiers.csv", "dossiers", procedures=j)),
    "iter_records(unit_ids)":
        lambda j: list(iter_records(PROVINCE / "dossiers.csv", "dossiers", unit_ids=j)),
    "iter_records(supplements)":
        lambda j: list(iter_records(PROVINCE / "dossiers.csv", "dossiers", supplements=j)),
    "iter_rows(rows)": lambda j: list(iter_rows(j, "units", file="units")),
    "iter_rows([(0, x)])": lambda j: list(iter_rows([(0, j)], "units", file="units")),
    "iter_rows([header, x])":
        lambda j: list(iter_rows([(0, ["MaDonVi"]), j], "units", file="units")),
    "iter_rows([header, (1, x)])":
        lambda j: list(iter_rows([(0, ["MaDonVi"]), (1, j)], "units", file="units")),
    "iter_rows(file)": lambda j: list(iter_rows([(0, ["MaDonVi"]), (1, ["U1"])], "units",
                                                file=j)),
    "read_files(files)": lambda j: read_files(j),
    "read_files({dossiers: x})": lambda j: read_files({"dossiers": j}),
    "read_files(formats)":
        lambda j: read_files({"dossiers": PROVINCE / "dossiers.csv"}, formats=j),
    "read_tables(tables)": lambda j: read_tables(j),
    "write_folder(dataset)": lambda j: write_folder(j, NEVER_WRITTEN),
    "Tally.add_petition": lambda j: Tally(CTX).add_petition(j),
    "Tally.add_announcement": lambda j: Tally(CTX).add_announcement(j),
    "Tally.add_commune": lambda j: Tally(CTX).add_commune(j),
    "Tally.add_authority": lambda j: Tally(GIVEN_AUTHORITIES).add_authority(j),
    "Tally.shape_contribution": lambda j: Tally(CTX).shape_contribution(j),
    "Tally.shape_contribution((x,) * n)":
        lambda j: Tally(CTX).shape_contribution((j,) * len(DossierShape._fields)),
    "Tally.add_contribution(unit_id)": lambda j: Tally(CTX).add_contribution(j, ((), (), ())),
    "Tally.add_contribution(contrib)": lambda j: Tally(CTX).add_contribution("U1", j),
    "Tally.add_contribution(((x, 1, 1),), (), ())":
        lambda j: Tally(CTX).add_contribution("U1", (((j, 1, 1),), (), ())),
    "Tally.add_contribution((('2.1', x, 1),), (), ())":
        lambda j: Tally(CTX).add_contribution("U1", ((("2.1", j, 1),), (), ())),
    "Tally + x": lambda j: Tally(CTX) + j,
    "score_tally(tally)": lambda j: score_tally(j),
    "score_tally(units)": lambda j: score_tally(Tally(CTX), units=j),
    "score_tally(rules)": lambda j: score_tally(Tally(CTX), rules=j),
    "Scorecard.points": lambda j: CARD.points(j),
    "Scorecard.explain(code)": lambda j: CARD.explain(j),
    "Scorecard.explain(lang)": lambda j: CARD.explain("TOTAL", j),
    "Scorecard.unit": lambda j: CARD.unit(j),
    "UnitScorecard.points": lambda j: CARD.root.points(j),
    "UnitScorecard.explain": lambda j: CARD.root.explain(j, "en"),
    "Scorecard.to_dict(lang)": lambda j: CARD.to_dict(lang=j),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("junk", JUNK, ids=IDS)
def test_junk_gives_library_errors(call: str, junk: Any) -> None:
    survives(lambda: CALLS[call](junk))


@pytest.mark.parametrize("junk", JUNK, ids=IDS)
def test_write_folder_takes_a_folder_or_refuses(junk: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Junk for the folder: written there when it names one (``"abc"``: a folder of that name),
    else a library error, and nothing written where the caller stands (an empty text is not
    the current folder)."""
    monkeypatch.chdir(tmp_path)
    survives(lambda: write_folder(DATASET, junk))
    if not (isinstance(junk, str) and junk.strip()):
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("junk", JUNK, ids=IDS)
def test_workbook_bytes_takes_a_workbook_and_a_moment(junk: Any) -> None:
    openpyxl = need("openpyxl", "excel")
    survives(lambda: workbook_bytes(junk))
    survives(lambda: workbook_bytes(openpyxl.Workbook(), junk))


@pytest.mark.parametrize("junk", JUNK, ids=IDS)
def test_a_report_is_written_to_a_file_or_refused(junk: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Junk for a report's file: written there when it names one, else a library error, and
    nothing written where the caller stands for an empty or blank text."""
    need("openpyxl", "excel")
    monkeypatch.chdir(tmp_path)
    survives(lambda: write_html(CARD, junk))
    survives(lambda: write_xlsx(CARD, junk))
    if not (isinstance(junk, str) and junk.strip()):
        assert list(tmp_path.iterdir()) == []


def test_merge_of_tallies_with_different_contexts_is_refused() -> None:
    other = build_context(period=Period.quarter(2025, 3))
    with pytest.raises(Chiso766Error):
        Tally(CTX).merge(Tally(other))


def test_score_counts_refuses_numerator_over_denominator() -> None:
    with pytest.raises(Chiso766Error):
        score_counts({"DOSSIER_ON_TIME": (6, 5)})
    with pytest.raises(Chiso766Error):
        score_counts({"DOSSIER_ON_TIME": Count(6, 5)})
    # 2.2 is a mean: more working days than dossiers is fine
    card = score_counts({"AVERAGE_PROCESSING_TIME": (12, 5)})
    assert card.root.criteria["AVERAGE_PROCESSING_TIME"].ratio == Fraction(12, 5)


@pytest.mark.parametrize("count", [
    Count(1, 5, ratio=Fraction(-7, 5), ratio_given=True),    # a negative ratio
    Count(1, 5, factor=Fraction(-1, 2)),                     # a negative factor
    Count(0, 5, factor=Fraction(-1, 2)),                     # … even when n/d × it is 0
    Count(1, 5, factor=Fraction(3, 2)),                      # a factor over 1 (3.3's sync ratio)
    Count(1, 5, ratio=True, ratio_given=True),               # type: ignore[arg-type]
    Count(1, 5, factor=True),                                # type: ignore[arg-type]
    Count(1, 5, factor=0.5),                                 # type: ignore[arg-type]
    Count(1, 5, notes=("a note that is not a Note",)),       # type: ignore[arg-type]
    Count(1, 5, notes=[]),                                   # type: ignore[arg-type]
], ids=["negative ratio", "negative factor", "negative factor, n = 0", "factor over 1",
        "bool ratio", "bool factor", "float factor", "note not a Note", "notes not a tuple"])
def test_score_counts_checks_every_part_of_a_count(count: Count) -> None:
    """A Count given to score_counts is checked whole: its ratio and factor are exact numbers
    ≥ 0, the factor (a sync ratio) at most 1, its notes Notes — and the error names the
    criterion."""
    with pytest.raises(Chiso766Error, match="ONLINE_DOSSIERS"):
        score_counts({"ONLINE_DOSSIERS": count})


def test_score_counts_takes_a_count_at_its_limits() -> None:
    """The limits themselves are valid: a factor of exactly 1 and of 0, and a given ratio over 1
    (2.2's mean, 7 working days over 5 dossiers)."""
    card = score_counts({"ONLINE_DOSSIERS": Count(2, 5, factor=Fraction(1))})
    assert card.root.criteria["ONLINE_DOSSIERS"].ratio == Fraction(2, 5)
    card = score_counts({"ONLINE_DOSSIERS": Count(2, 5, factor=Fraction(0))})
    assert card.root.criteria["ONLINE_DOSSIERS"].ratio == 0
    card = score_counts({"AVERAGE_PROCESSING_TIME":
                         Count(7, 5, ratio=Fraction(7, 5), ratio_given=True)})
    assert card.root.criteria["AVERAGE_PROCESSING_TIME"].ratio == Fraction(7, 5)


@pytest.mark.parametrize(
    "as_of",
    [None, datetime(2025, 5, 1, 12), datetime(2025, 5, 1, 5, tzinfo=UTC),
     datetime(2025, 5, 1, 23, tzinfo=timezone(timedelta(hours=-10))), date(2025, 5, 1),
     datetime(2025, 9, 1)],
)
def test_naive_and_aware_as_of(as_of: Any) -> None:
    card = score_766(DATASET, period=Q2, as_of=as_of)
    assert card.as_of is not None and card.as_of.tzinfo is None
    assert 0 <= card.total <= 100


def test_aware_as_of_equals_its_local_time() -> None:
    aware = score_766(DATASET, period=Q2, as_of=datetime(2025, 4, 2, 1, tzinfo=UTC))
    naive = score_766(DATASET, period=Q2, as_of=datetime(2025, 4, 2, 8))
    assert aware.as_of == naive.as_of == datetime(2025, 4, 2, 8)
    assert aware.to_dict() == naive.to_dict()


@pytest.mark.parametrize("year", [1900, 2100, 2199])
def test_extreme_years(year: int) -> None:
    ds = Dataset.from_records(
        procedures=[Procedure("P1", time_limit=TimeLimit.working_days(3))],
        dossiers=[Dossier("D1", "P1", "U1", received_at=at(2, 3, year=year)),
                  Dossier("D2", "P1", "U1", received_at=at(1, 2, year=year),
                          finished_at=at(2, 20, year=year))],
        petitions=[Petition("K1", "U1", at(1, 5, year=year))],
        announcements=[Announcement("P1", "U1", date(year, 1, 10),
                                    legal_basis_effective_date=date(year, 2, 28))],
    )
    for period in (Period.year(year), Period.quarter(year, 1), Period.month(year, 2)):
        card = score_766(ds, period=period)
        assert 0 <= card.total <= 100
        # years outside the verified table are scored, and the report says so
        assert any("not verified" in n.en for n in card.notes)
        survives(partial(card.explain, "TOTAL", "en"))
        survives(card.to_next_band)


junk = st.one_of(st.none(), st.integers(-5, 10**20), st.floats(allow_nan=True),
                 st.text(max_size=5), st.fractions(), st.decimals(allow_nan=True),
                 st.booleans(), st.lists(st.integers(), max_size=3),
                 st.tuples(st.integers(-3, 9), st.integers(-3, 9)))


@settings(max_examples=examples(150), deadline=None)
@given(st.dictionaries(st.sampled_from([c.code for c in QD766.criteria] + ["X", "TOTAL"]),
                       junk, max_size=6))
def test_score_counts_fuzz(counts: dict[str, Any]) -> None:
    survives(lambda: score_counts(counts))


@settings(max_examples=examples(100), deadline=None)
@given(junk)
def test_band_fuzz(value: Any) -> None:
    survives(lambda: band(value))
