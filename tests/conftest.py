"""Test-wide settings: the Hypothesis profile every property test runs under.

Speed is measured by ``benchmarks/``, never by a test: no example has a deadline, and the
health check that times data generation is off (a busy two-core CI machine must not turn a
slow draw into a failure). In CI (``CI`` set) examples are derandomized, so a red run replays
exactly; elsewhere they are random, so local runs keep exploring. ``HYPOTHESIS_PROFILE``
chooses a profile by name (``ci``, ``dev``, ``thorough``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    print_blob=True)

settings.register_profile("ci", _UNTIMED, derandomize=True, database=None)
settings.register_profile("dev", _UNTIMED)
settings.register_profile("thorough", _UNTIMED, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))
