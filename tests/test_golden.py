"""Golden scorecard: ``chiso766 score examples/province --period 2025-Q2 --format json`` must
give exactly ``tests/golden/province_2025Q2.json``. Any difference fails, with the diff and how
to regenerate the file after reviewing it (``python tests/golden/regenerate.py``).

The golden file is only as good as the code that wrote it, so the province's main counts are
also recounted here the plain way, straight from the records.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chiso766 import Channel, MissingDataError, Period, RatingValue, classify, processing_time

HERE = Path(__file__).resolve().parent


def _regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden_regenerate",
                                                  HERE / "golden" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REGEN = _regenerate()


@pytest.fixture(scope="module")
def output() -> str:
    result: tuple[int, str, str] = REGEN.render()
    status, text, err = result
    assert status == 0, err
    assert err == ""
    return text


def test_output_matches_golden(output: str) -> None:
    golden = REGEN.GOLDEN.read_text(encoding="utf-8")
    if output != golden:
        diff = "".join(list(difflib.unified_diff(
            golden.splitlines(keepends=True), output.splitlines(keepends=True),
            "tests/golden/province_2025Q2.json", REGEN.COMMAND, n=2))[:80])
        pytest.fail(
            f"the scorecard of examples/province for 2025-Q2 changed:\n{diff}\n"
            "If the change is intended, review it and regenerate the golden file with\n"
            "    python tests/golden/regenerate.py\n"
            "then check `git diff tests/golden` line by line before committing.",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def root(output: str) -> dict[str, Any]:
    data = json.loads(output)
    unit: dict[str, Any] = data["units"][0]
    assert unit["level"] == "PROVINCE" and unit["parent_id"] is None
    return unit


def criteria(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for g in unit["groups"]:
        for c in g["criteria"]:
            out[c["code"]] = c
        for p in g.get("parts", []):
            for c in p["criteria"]:
                out[c["code"]] = c
    return out


def test_province_counts_recounted_from_the_records(root: dict[str, Any]) -> None:
    from chiso766.io import read_folder

    ds = read_folder(REGEN.ROOT / "examples" / "province")
    period = Period.quarter(2025, 2)
    start, as_of = period.start_moment, period.end_moment
    procs = ds.procedures
    # only dossiers with NgayTiepNhan are received, and in P (docs/rules.md "Populations")
    received = [d for d in ds.dossiers
                if d.received_at is not None and start <= d.received_at <= as_of]

    def ended(d: Any) -> Any:
        for end in (d.finished_at, d.returned_at, d.stopped_at):
            if end is not None and end <= as_of:
                return end
        asked = [s for s in d.supplements if s.requested_at <= as_of]
        if len(asked) == 1 and (asked[0].supplied_at is None or asked[0].supplied_at > as_of):
            return asked[0].requested_at
        return None

    population = [d for d in ds.dossiers if d.received_at is not None
                  and d.received_at <= as_of and (
                      d.received_at >= start or ended(d) is None or ended(d) >= start)]
    # 2.2: received in the period, finished or returned by as_of, in working days
    timed = [t for t in (processing_time(d, procs.get(d.procedure_code), as_of=as_of)
                         for d in received) if t is not None]
    # petitions about a dossier, and dislikes, up to the evaluation moment
    complained = {p.dossier_id for p in ds.petitions if p.dossier_id
                  and p.received_at <= as_of} | {
        r.dossier_id for r in ds.ratings if r.rating is RatingValue.BAD and r.dossier_id
        and (r.rated_at is None or r.rated_at <= as_of)}
    in_time = satisfied = classified = 0
    for d in population:
        try:
            v = classify(d, procs.get(d.procedure_code), as_of=as_of)
        except MissingDataError:
            continue
        classified += 1
        in_time += v.in_time
        satisfied += v.in_time and d.id not in complained
    fee = [d for d in received if procs[d.procedure_code].has_fee and d.has_fee_data is not False]
    levels: dict[str, int] = {}
    for a in ds.authorities:
        levels[a.procedure_code] = max(levels.get(a.procedure_code, 0), int(a.online_level))
    expected = {
        "DOSSIER_SYNC": (sum(d.synced_to_portal is True for d in received), len(received)),
        "DOSSIER_ON_TIME": (in_time, classified),
        "DOSSIER_RATING_SATISFACTION": (satisfied, classified),
        "ONLINE_DOSSIERS": (sum(d.channel is Channel.ONLINE and (
            procs[d.procedure_code].requires_paper_result is False
            or d.has_electronic_result is True) for d in received), len(received)),
        "ONLINE_PAID_DOSSIERS": (sum((d.paid_online or 0) > 0 for d in fee), len(fee)),
        # group 4 counts the period's population P (SPEC §4 r2), classified or not
        "REUSED_DIGITIZED_DATA": (sum(d.reuses_digitized_data is True for d in population),
                                  len(population)),
        # 4.5b: VNeID, or a component from the personal data store
        "CITIZEN_DATA_CONNECTED_DOSSIER": (sum(d.uses_population_data is True
                                               or d.uses_personal_data_store is True
                                               for d in population), len(population)),
        "ONLINE_SERVICE_PROCEDURES": (sum(v >= 1 for v in levels.values()), len(levels)),
        "AVERAGE_PROCESSING_TIME": (sum(t.working_days for t in timed), len(timed)),
        # 4.6 as the portal shows it (policy certified_copy="portal"): no counts, full points
        "ELECTRONIC_CERTIFIED_COPY": (None, None),
    }
    got = criteria(root)
    for code, (num, den) in expected.items():
        assert (got[code]["numerator"], got[code]["denominator"]) == (num, den), code


def test_golden_is_internally_consistent(root: dict[str, Any]) -> None:
    total = 0.0
    for g in root["groups"]:
        pieces = g.get("parts") or g["criteria"]
        assert g["points"] == pytest.approx(sum(p["points"] or 0 for p in pieces), abs=1e-9)
        total += g["points"]
    assert root["total"] == pytest.approx(total, abs=1e-9)
    for c in criteria(root).values():
        if c["points"] is not None:
            assert 0 <= c["points"] <= c["max"]
            assert round(c["points"], 2) == c["points"]
