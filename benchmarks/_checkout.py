"""Make every benchmark measure this checkout's own code, not whichever ``chiso766`` is
installed or first on ``PATH``: ``src/`` goes first on ``sys.path`` and on ``PYTHONPATH``
(for the ``python -m chiso766`` subprocesses). Imported first by each benchmark module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
