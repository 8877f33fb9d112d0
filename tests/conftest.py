"""Test-wide settings: the Hypothesis profile every property test runs under.

Speed is measured by ``benchmarks/``, never by a test: no example has a deadline, and the
health check that times data generation is off (a busy two-core CI machine must not turn a
slow draw into a failure). In CI (``CI`` set) examples are derandomized, so a red run replays
exactly; elsewhere they are random, so local runs keep exploring. ``HYPOTHESIS_PROFILE``
chooses a profile by name (``ci``, ``dev``, ``thorough``).

``CHISO766_SHARD=K/N`` runs one shard of the suite (tests/check.py runs N side by side).
"""

from __future__ import annotations

import os
import zlib

import pytest
from hypothesis import HealthCheck, settings

from tests.budget import examples, profile
from tests.check import SHARD_VARIABLE

_UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    print_blob=True)

# a property without its own count: 100 examples, scaled by tests/budget.py
settings.register_profile("ci", _UNTIMED, derandomize=True, database=None,
                          max_examples=examples(100, "ci"))
settings.register_profile("dev", _UNTIMED)
settings.register_profile("thorough", _UNTIMED, max_examples=examples(100, "thorough"))
settings.load_profile(profile())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "in_order: the test's cases build on each other (they share a scratch "
        "folder, in collection order): every case runs in the same shard")


def _shard_group(item: pytest.Item) -> str:
    """The unit a shard takes whole: the test case, or every case of an ``in_order`` test."""
    if item.get_closest_marker("in_order") is not None:
        return item.nodeid.partition("[")[0]
    return item.nodeid


def _shard_number(item: pytest.Item, n: int) -> int:
    """The shard that runs ``item``: by a checksum of its group's name, the same on every
    machine and run (every other test in collection order put the heavier case of each
    two-way parametrisation — the engine beside the row path — in the same shard)."""
    return zlib.crc32(_shard_group(item).encode("utf-8")) % n


def shard_of(text: str) -> tuple[int, int]:
    """``"K/N"`` as ``(K, N)``, with 0 ≤ K < N; a ``ValueError`` naming the value otherwise."""
    k, sep, n = text.partition("/")
    if sep and k.strip().isdigit() and n.strip().isdigit() and int(k) < int(n):
        return int(k), int(n)
    raise ValueError(f"{SHARD_VARIABLE}={text!r}: expected K/N with 0 <= K < N, e.g. 0/2")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``CHISO766_SHARD=K/N`` (tests/check.py runs the suite as N processes side by side)
    keep the tests of shard K (:func:`_shard_number`; the cases of an ``in_order`` test
    together), in collection order: the shards together run every test exactly once."""
    text = os.environ.get(SHARD_VARIABLE)
    if not text:
        return
    try:
        k, n = shard_of(text)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    kept = [item for item in items if _shard_number(item, n) == k]
    dropped = [item for item in items if _shard_number(item, n) != k]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
