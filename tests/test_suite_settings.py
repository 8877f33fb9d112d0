"""The settings the whole check runs under (issue 14): the Hypothesis profiles, the example
budget, and the extras CI installs.

* No profile has a deadline or the "too slow" health check: a busy two-core CI machine must never
  turn a slow example into a failure (speed is measured by ``benchmarks/``).
* The ``ci`` profile is derandomized and keeps no example database, so a red CI run replays
  exactly (Hypothesis itself derandomizes every profile when ``CI`` is set); the profile in use
  is the one the environment chooses.
* The ``test`` extra (what ``.ci/run`` installs) holds every optional extra of the package, and in
  CI each of their modules imports: a missing one fails here, by name, instead of hiding as skips.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.budget import examples, profile
from tests.extras import need

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("ci", "dev", "thorough")

#: Requirement names whose module is named differently, or that bring modules of their own.
MODULES = {"dask": ("dask", "dask.bag", "distributed")}


def optional_dependencies() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        table: dict[str, list[str]] = tomllib.load(f)["project"]["optional-dependencies"]
    return table


@pytest.mark.parametrize("name", PROFILES)
def test_no_profile_times_an_example(name: str) -> None:
    chosen = settings.get_profile(name)
    assert chosen.deadline is None
    assert HealthCheck.too_slow in chosen.suppress_health_check


def test_ci_replays_exactly() -> None:
    assert settings.get_profile("ci").derandomize is True
    assert settings.get_profile("ci").database is None


def test_the_profile_in_use_is_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.default == settings.get_profile(profile())
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    monkeypatch.setenv("CI", "true")
    assert profile() == "ci"
    monkeypatch.delenv("CI")
    assert profile() == "dev"
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "thorough")
    assert profile() == "thorough"


def test_the_example_budget() -> None:
    # ci: 0.35 of them, never under 10; dev: as stated; thorough: five times.
    assert examples(60, "ci") == 21
    assert examples(20, "ci") == 10
    assert examples(60, "dev") == 60
    assert examples(60, "thorough") == 300


def test_the_test_extra_installs_every_optional_extra() -> None:
    extras = optional_dependencies()
    named = re.fullmatch(r"chiso766\[([^\]]*)\]", next(
        r for r in extras["test"] if r.startswith("chiso766[")))
    assert named is not None
    installed = {e.strip() for e in named.group(1).split(",")}
    assert installed == set(extras) - {"test", "dev"}


def _modules() -> list[tuple[str, str]]:
    out = []
    for extra, requirements in sorted(optional_dependencies().items()):
        if extra in ("test", "dev"):
            continue
        for requirement in requirements:
            found = re.match(r"[A-Za-z0-9_.-]+", requirement)
            assert found is not None, requirement
            name = found.group(0).lower()
            for module in MODULES.get(name, (name.replace("-", "_"),)):
                out.append((extra, module))
    return out


@pytest.mark.parametrize(("extra", "module"), _modules(), ids=[f"{e}:{m}" for e, m in _modules()])
def test_every_extra_imports_in_ci(extra: str, module: str) -> None:
    """In CI a missing module fails (tests/extras.py); on a developer's machine it is a skip that
    names the extra to install."""
    need(module, extra)
