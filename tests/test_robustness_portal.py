"""Junk in, library errors out — the portal side: ``read_portal`` (any path argument, any JSON
value at any key of a saved response), ``PortalSnapshot.unit/value/children/verify`` and
``reconcile`` either work or raise a :class:`Chiso766Error` subclass, never a bare TypeError,
KeyError, IndexError or ValueError from inside."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766 import Chiso766Error, Period, read_portal, reconcile, score_766
from chiso766.io import Dataset
from tests.budget import examples

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portal"
SNAP = read_portal(SAMPLES)
CARD = score_766(Dataset.from_records(), period=Period.month(2026, 8))
RAW = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))}

JUNK: list[Any] = [
    None, "", "abc", "  ", float("nan"), float("inf"), 10**30, -1, 0, 1.5, True, [], {}, (1,),
    b"x", object(), Decimal("NaN"), Fraction(1, 3), datetime(2025, 1, 1), date(1900, 1, 1),
    1 + 2j, "H44", "DOSSIER_SYNC", {"a": 1}, {"H44": 1}, {1, 2}, [None], ["/nonexistent"],
    Path("/"), SAMPLES, SAMPLES / "README.md",
]
IDS = [f"{type(j).__name__}:{j!r}"[:40] for j in JUNK]


def survives(fn: Callable[[], Any]) -> None:
    """``fn`` works or raises the library's own error; anything else fails the test."""
    try:
        fn()
    except Chiso766Error as exc:
        assert str(exc)


CALLS: dict[str, Callable[[Any], Any]] = {
    "read_portal(path)": lambda j: read_portal(j),
    "read_portal([path])": lambda j: read_portal([SAMPLES / "transparency.json", j]),
    "snapshot.unit": lambda j: SNAP.unit(j),
    "snapshot.value(unit)": lambda j: SNAP.value(j, "DOSSIER_SYNC"),
    "snapshot.value(code)": lambda j: SNAP.value("H44", j),
    "snapshot.children": lambda j: SNAP.children(j),
    "reconcile(scorecard)": lambda j: reconcile(j, SNAP),
    "reconcile(snapshot)": lambda j: reconcile(CARD, j),
    "reconcile(units)": lambda j: reconcile(CARD, SNAP, units=j),
    "verification.to_dict(lang)": lambda j: SNAP.verify().to_dict(j),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("junk", JUNK, ids=IDS)
def test_junk_gives_library_errors(call: str, junk: Any) -> None:
    survives(lambda: CALLS[call](junk))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:4]):
            out += _paths(v, (*prefix, i))
    return out


PATHS = [(name, path) for name, raw in RAW.items() for path in _paths(raw) if path]
json_junk = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=4),
                      st.just([]), st.just({}), st.just([1, None]), st.just({"x": 1}))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@settings(max_examples=examples(300))
@given(st.sampled_from(PATHS), json_junk, st.booleans())
def test_any_value_at_any_key_reads_or_is_refused(tmp_path_factory: pytest.TempPathFactory,
                                                   where: tuple[str, tuple[Any, ...]],
                                                   value: Any, drop: bool) -> None:
    name, path = where
    doc = json.loads(json.dumps(RAW[name]))
    if drop:
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
    else:
        _set(doc, path, value)
    target = tmp_path_factory.mktemp("junk") / "response.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    survives(lambda: read_portal(target).verify())


@pytest.mark.parametrize("text", ["", "null", "[]", "{}", '{"data": null}', '{"data": []}',
                                  '{"code": "OK", "data": {"parent": null, "children": null}}',
                                  '{"code": "OK", "data": {"overview": {}, "evaluation": []}}',
                                  "NaN", '{"data": {"parent": {"totalReceived": Infinity}}}',
                                  "[" * 100000, "\ufeff{}", "\x00"])
def test_odd_documents(tmp_path: Path, text: str) -> None:
    target = tmp_path / "odd.json"
    target.write_text(text, encoding="utf-8")
    survives(lambda: read_portal(target))


def test_not_utf8(tmp_path: Path) -> None:
    target = tmp_path / "latin.json"
    target.write_bytes('{"code": "Ổ"}'.encode("utf-16"))
    survives(lambda: read_portal(target))
