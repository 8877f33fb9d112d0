"""The Decision 766 counting policies, where earlier code imports them from:
:mod:`chiso766.policy` is their home (a base value of every layer; docs/architecture.md)."""

from __future__ import annotations

from ..policy import DEFAULT_COUNTING, CountingPolicy

__all__ = ["DEFAULT_COUNTING", "CountingPolicy"]
