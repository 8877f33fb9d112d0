"""Golden HTML page and HCMC index of the example province: any difference fails, with the diff
and how to regenerate after reviewing it (``python tests/golden/regenerate.py``)."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("golden_regenerate_reports",
                                               HERE / "golden" / "regenerate.py")
assert _spec is not None and _spec.loader is not None
REGEN = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(REGEN)


@pytest.mark.parametrize("name", sorted(REGEN.OTHERS))
def test_matches_the_golden_file(name: str) -> None:
    status, text, err = REGEN.render(REGEN.OTHERS[name])
    assert status == 0, err
    golden = (HERE / "golden" / name).read_text(encoding="utf-8")
    if text != golden:
        diff = "".join(list(difflib.unified_diff(golden.splitlines(True), text.splitlines(True),
                                                 "golden", "now"))[:80])
        pytest.fail(f"{name} differs from the golden file; if the change is intended, run "
                    f"`python tests/golden/regenerate.py` and review the diff:\n{diff}")
