"""The whole check's runner (tests/check.py): the steps beside the suite are run and reported,
and any failing step, beside it or the suite itself, fails the whole check."""

from __future__ import annotations

import sys

import pytest

from tests import check

PY = sys.executable


def _step(code: int, text: str) -> list[str]:
    return [PY, "-c", f"print({text!r}); raise SystemExit({code})"]


@pytest.mark.parametrize("serial", [False, True], ids=["beside", "serial"])
@pytest.mark.parametrize(("suite", "beside", "status"), [
    (0, (0, 0), 0),
    (0, (0, 3), 1),  # a step beside the suite failed: the whole check fails
    (2, (0, 0), 1),  # the suite failed
])
def test_every_step_runs_and_any_failure_fails_the_check(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], serial: bool,
        suite: int, beside: tuple[int, int], status: int) -> None:
    monkeypatch.setattr(check, "SUITE", ("suite", _step(suite, "the suite ran")))
    monkeypatch.setattr(check, "BESIDE", (("first step", _step(beside[0], "first ran")),
                                          ("second step", _step(beside[1], "second ran"))))
    got = check.main(["--serial"] if serial else [])
    out = capfd.readouterr().out
    assert got == status
    # Each step ran (its output is shown) and is named in the summary with its status.
    for text in ("the suite ran", "first ran", "second ran"):
        assert text in out
    summary = out[out.index("===== the whole check ====="):]
    expected = {"suite": suite, "first step": beside[0], "second step": beside[1]}
    for name, code in expected.items():
        line = next(line for line in summary.splitlines() if line.startswith(name))
        assert ("passed" in line) == (code == 0), line
        assert (f"exit {code}" in line) == (code != 0), line


def test_the_check_runs_the_readme_steps() -> None:
    """The four steps are the suite, mypy, ruff and the mutation check, as docs/development.md
    lists them."""
    commands = [" ".join(argv[1:]) for _, argv in (check.SUITE, *check.BESIDE)]
    assert commands[0] == "-m pytest"
    assert commands[1] == "-m mypy"
    assert commands[2] == "-m ruff check src tests"
    assert commands[3].endswith("tests/mutation_check.py")
