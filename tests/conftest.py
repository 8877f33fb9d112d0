"""Test-wide settings: the Hypothesis profile every property test runs under.

Speed is measured by ``benchmarks/``, never by a test: no example has a deadline, and the
health check that times data generation is off (a busy two-core CI machine must not turn a
slow draw into a failure). In CI (``CI`` set) examples are derandomized, so a red run replays
exactly; elsewhere they are random, so local runs keep exploring. ``HYPOTHESIS_PROFILE``
chooses a profile by name (``ci``, ``dev``, ``thorough``).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.budget import examples, profile

_UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    print_blob=True)

# a property without its own count: 100 examples, scaled by tests/budget.py
settings.register_profile("ci", _UNTIMED, derandomize=True, database=None,
                          max_examples=examples(100, "ci"))
settings.register_profile("dev", _UNTIMED)
settings.register_profile("thorough", _UNTIMED, max_examples=examples(100, "thorough"))
settings.load_profile(profile())
