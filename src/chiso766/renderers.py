"""The functions the results' convenience methods call, named here and installed from above.

The results of the scoring layer — :class:`~chiso766.scoring.Scorecard`,
:class:`~chiso766.scoring.UnitScorecard`, :class:`~chiso766.hcm104.Hcm104Result`,
:class:`~chiso766.hcm104.Hcm104Report`, :class:`~chiso766.portal.Verification`,
:class:`~chiso766.reconcile.Reconciliation` — are data; their explanations and renderings are
functions of the reports layer over them (docs/architecture.md "Results are data"). The
convenience methods users call on a result (``card.to_dict()``, ``card.explain(code)``,
``card.to_frame()``, a notebook's rich display) reach those functions through this table, by
name, so that no module of the scoring layer imports one of the reports layer.

The package's top (``chiso766/__init__.py``, the one module that may import every layer)
installs the table once, when the package is first imported — before any result can exist —
as ``"module:function"`` references, each imported on its first call (the renderers' modules,
and what they import, stay unloaded until a rendering is asked for). Nothing here changes
after that: the table is configuration, not state a score depends on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from .errors import PolicyError

__all__ = ["call", "install"]

_TABLE: dict[str, str] = {}
_LOADED: dict[str, Callable[..., Any]] = {}


def install(references: Mapping[str, str]) -> None:
    """Name each renderer: ``references`` maps a name (``"scorecard.to_dict"``) to the function
    that does it, as ``"package.module:function"``."""
    for name, reference in references.items():
        module, sep, function = reference.partition(":")
        if not sep or not module or not function:
            raise PolicyError("a renderer is named as 'package.module:function'",
                              record=f"renderer {name}", field="reference", value=reference)
    for name, reference in references.items():  # all or nothing
        _TABLE[name] = reference
        _LOADED.pop(name, None)


def call(name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Call the renderer ``name`` with ``args`` and ``kwargs``."""
    function = _LOADED.get(name)
    if function is None:
        reference = _TABLE.get(name)
        if reference is None:
            raise PolicyError("no renderer of this name is installed (import chiso766 "
                              "installs them all)", record="renderers", field="name",
                              value=name)
        module, _, attribute = reference.partition(":")
        function = _LOADED[name] = getattr(importlib.import_module(module), attribute)
    return function(*args, **kwargs)
