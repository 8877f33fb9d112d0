"""Writing a dataset and reading it back gives the same records (SPEC §8).

Invariant: for any consistent dataset (every unit a record names is in the units, when there are
units; every procedure a dossier or authority names is in the procedures, when there are
procedures; keys unique), ``read_folder(write_folder(ds, folder, format=f))`` holds records
equal to ``ds``'s, in the same order, with nothing rejected — for CSV and for JSON Lines.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.io import Dataset, read_folder, write_folder
from chiso766.records import (
    Announcement,
    AnnouncementKind,
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    Petition,
    PetitionClass,
    Posting,
    Procedure,
    Rating,
    RatingValue,
    SupplementRequest,
    Unit,
    UnitLevel,
)
from chiso766.timelimits import TimeLimit
from tests.budget import examples

# Text as people type it into a cell: any letters, digits, punctuation (the CSV delimiters and
# quotes included) and inner line breaks; no surrounding spaces, which the readers strip.
_chars = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), include_characters="\n")
text = st.text(_chars, min_size=1, max_size=10).map(str.strip).filter(bool)
maybe_text = st.none() | text
name = st.just("") | text
flag = st.none() | st.booleans()
moment = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2150, 12, 31)).map(
    lambda d: d.replace(microsecond=0))
day = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))
later = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)).map(
    lambda t: timedelta(seconds=int(t.total_seconds())))
time_limit = st.one_of(
    st.none(),
    st.integers(0, 400).map(TimeLimit.working_days),
    st.integers(0, 400).map(TimeLimit.calendar_days),
    st.integers(1, 80).map(lambda n: TimeLimit.working_hours(Fraction(n, 4))),
    st.just(TimeLimit.same_day()),
)


def _after(draw: Any, start: datetime) -> datetime | None:
    if draw(st.booleans()):
        return None
    step: timedelta = draw(later)
    return start + step


@st.composite
def dossier(draw: Any, ident: str, codes: list[str], units: list[str]) -> Dossier:
    receipt = draw(moment)
    received = draw(st.booleans())
    supplements = []
    for _ in range(draw(st.integers(0, 2))):
        asked = receipt + draw(later)
        supplements.append(SupplementRequest(asked, _after(draw, asked)))
    return Dossier(
        id=ident, procedure_code=draw(st.sampled_from(codes)),
        unit_id=draw(st.sampled_from(units)), staff_id=draw(maybe_text),
        channel=draw(st.sampled_from(Channel)),
        submitted_at=draw(st.none() | moment) if received else receipt,
        received_at=receipt if received else None,
        due_at=_after(draw, receipt), finished_at=_after(draw, receipt),
        returned_at=_after(draw, receipt), stopped_at=_after(draw, receipt),
        supplements=tuple(supplements), new_due_at=_after(draw, receipt),
        synced_to_portal=draw(flag), submitted_via_portal=draw(flag), has_fee_data=draw(flag),
        paid_online=draw(st.none() | st.sampled_from(OnlinePayment)),
        has_electronic_result=draw(flag), components_digitized=draw(flag),
        reuses_digitized_data=draw(flag), uses_personal_data_store=draw(flag),
        uses_population_data=draw(flag),
    )


@st.composite
def petition(draw: Any, ident: str, units: list[str]) -> Petition:
    received = draw(moment)
    return Petition(
        id=ident, unit_id=draw(st.sampled_from(units)), received_at=received,
        dossier_id=draw(maybe_text), classification=draw(st.sampled_from(PetitionClass)),
        transferred_at=_after(draw, received), refused_at=_after(draw, received),
        supplement_requested_at=_after(draw, received), ready_at=_after(draw, received),
        published_at=_after(draw, received), likes=draw(st.integers(0, 10**6)),
        dislikes=draw(st.integers(0, 10**6)), followed_by_complaint=draw(flag),
    )


@st.composite
def datasets(draw: Any) -> Dataset:
    unit_pool = draw(st.lists(text, min_size=1, max_size=4, unique=True))
    code_pool = draw(st.lists(text, min_size=1, max_size=4, unique=True))
    units = []
    if draw(st.booleans()):
        for uid in unit_pool:
            parent = draw(st.none() | st.sampled_from([*unit_pool, "outside"]))
            units.append(Unit(uid, draw(name), draw(st.none() | st.sampled_from(UnitLevel)),
                              None if parent == uid else parent))
    procedures = []
    if draw(st.booleans()):
        procedures = [
            Procedure(code, draw(name), draw(time_limit), draw(st.sampled_from(OnlineLevel)),
                      draw(flag), draw(flag), draw(flag), draw(flag), draw(flag))
            for code in code_pool
        ]
    dossier_ids = draw(st.lists(text, max_size=5, unique=True))
    pairs = draw(st.lists(st.tuples(st.sampled_from(unit_pool), st.sampled_from(code_pool)),
                          max_size=4, unique=True))
    periods = draw(st.lists(st.tuples(st.sampled_from(unit_pool), text), max_size=3,
                            unique=True))
    petition_ids = draw(st.lists(text, max_size=3, unique=True))
    return Dataset.from_records(
        units=units,
        procedures=procedures,
        authorities=[Authority(u, c, draw(st.sampled_from(OnlineLevel))) for u, c in pairs],
        communes=[Commune(u, draw(st.booleans()))
                  for u in draw(st.lists(st.sampled_from(unit_pool), max_size=3, unique=True))],
        dossiers=[draw(dossier(i, code_pool, unit_pool)) for i in dossier_ids],
        petitions=[draw(petition(i, unit_pool)) for i in petition_ids],
        ratings=[Rating(draw(st.sampled_from(unit_pool)), draw(st.sampled_from(RatingValue)),
                        draw(maybe_text), draw(maybe_text), draw(st.none() | moment))
                 for _ in range(draw(st.integers(0, 3)))],
        announcements=[
            Announcement(draw(text), draw(st.sampled_from(unit_pool)), draw(day),
                         draw(name), draw(st.sampled_from(AnnouncementKind)),
                         draw(st.none() | day), draw(st.none() | day),
                         draw(st.sampled_from([UnitLevel.MINISTRY, UnitLevel.PROVINCE])))
            for _ in range(draw(st.integers(0, 3)))
        ],
        postings=[Posting(u, p, draw(st.booleans())) for u, p in periods],
    )


RECORD_KINDS = ("units", "authorities", "communes", "dossiers", "petitions", "ratings",
          "announcements", "postings")


@settings(max_examples=examples(150), deadline=None)
@given(datasets(), st.sampled_from(["csv", "jsonl"]))
def test_write_then_read_gives_the_same_records(ds: Dataset, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        # a CSV folder's records are read when first used: while the files are there
        back = read_folder(write_folder(ds, folder, format=fmt))  # type: ignore[arg-type]
        assert back.report.rejections == ()
        assert back.report.read == back.report.accepted
        assert back.procedures == ds.procedures
        for kind in RECORD_KINDS:
            assert getattr(back, kind) == getattr(ds, kind), kind
        assert back.unit_ids() == ds.unit_ids()
