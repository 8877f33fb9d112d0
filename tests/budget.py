"""How many Hypothesis examples a property runs, by profile (tests/conftest.py).

Each property states the number of examples it needs for a thorough local run; the whole check
in CI (``CI`` set, profile ``ci``) runs about a third as many (0.35), at least 10, so that
``.ci/run`` stays within five minutes on a busy two-core machine;
``HYPOTHESIS_PROFILE=thorough`` runs five times as many. The examples are derandomized in CI,
so a red run replays exactly.
"""

from __future__ import annotations

import os

_SCALE = {"ci": 0.35, "dev": 1.0, "thorough": 5.0}


def profile() -> str:
    """The Hypothesis profile in use (the same choice as tests/conftest.py)."""
    return os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")


def examples(wanted: int, name: str | None = None) -> int:
    """``wanted`` examples scaled for the profile ``name`` (default: the one in use), at least
    10."""
    return max(10, round(wanted * _SCALE.get(name or profile(), 1.0)))
