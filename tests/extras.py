"""Optional extras in tests: a skip on a developer's machine that lacks one, a failure in CI.

CI installs every extra the tests need (``pip install -e ".[test]"``), so a missing one there
means the test extra is incomplete, and a silent skip would hide the untested feature.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def need(module: str, extra: str) -> ModuleType:
    """``module`` imported; when it cannot be, a skip naming the extra to install (locally) or a
    failure (in CI, where ``CI`` is set)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = (f"needs {module!r} from the optional extra {extra!r} "
                   f"(pip install -e \".[{extra}]\"): {exc}")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
