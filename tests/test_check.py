"""The whole check's runner (tests/check.py): the steps beside the suite are run and reported,
and any failing step, beside it or the suite itself, fails the whole check."""

from __future__ import annotations

import os
import subprocess
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


def _shard_step(codes: dict[str, int]) -> list[str]:
    """A suite that prints its shard and exits with ``codes[shard]``."""
    return [PY, "-c", "import os, sys; k = os.environ['CHISO766_SHARD']; "
            f"print('shard', k, 'ran'); sys.exit({codes!r}[k])"]


@pytest.mark.parametrize(("codes", "status"), [
    ({"0/2": 0, "1/2": 0}, 0),
    ({"0/2": 0, "1/2": 1}, 1),  # the second shard's failure fails the check
    ({"0/2": 2, "1/2": 0}, 1),
    ({"0/2": 0, "1/2": 5}, 0),  # a shard left with no test, beside one that ran tests
    ({"0/2": 5, "1/2": 5}, 1),  # no shard ran a test
])
def test_the_suite_runs_as_two_shards_and_any_failing_shard_fails_it(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        codes: dict[str, int], status: int) -> None:
    monkeypatch.setattr(check, "SUITE", ("suite", _shard_step(codes)))
    monkeypatch.setattr(check, "BESIDE", (("beside", _step(0, "beside ran")),))
    got = check.main([])
    out = capfd.readouterr().out
    assert got == status
    assert "shard 0/2 ran" in out and "shard 1/2 ran" in out
    assert "===== suite, shard 2 of 2 =====" in out  # the second shard's output, after


#: pytest listing the tests it would run, one node id a line.
COLLECT = [PY, "-m", "pytest", "--collect-only", "-o", "addopts=-q", "-p", "no:cacheprovider"]


def _collected(*args: str, shard: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != check.SHARD_VARIABLE}
    if shard is not None:
        env[check.SHARD_VARIABLE] = shard
    done = subprocess.run([*COLLECT, *args], cwd=check.ROOT, env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode in (0, 5), done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_the_shards_together_run_every_test_once() -> None:
    whole = _collected("tests/test_check.py", "tests/test_docs.py", shard=None)
    first = _collected("tests/test_check.py", "tests/test_docs.py", shard="0/2")
    second = _collected("tests/test_check.py", "tests/test_docs.py", shard="1/2")
    assert first and second
    assert sorted(first + second) == sorted(whole)
    assert not set(first) & set(second)
    # The docs' shell commands build on each other (in_order): one shard runs all of them,
    # in their order.
    shell = [test for test in whole if "::test_shell_command[" in test]
    assert len(shell) > 1
    holder = first if shell[0] in first else second
    assert [test for test in holder if test in shell] == shell


@pytest.mark.parametrize("junk", ["2/2", "1", "a/b", "-1/2", "0/0", "1/2/3"])
def test_a_shard_that_is_not_k_of_n_is_refused(junk: str) -> None:
    env = {**os.environ, check.SHARD_VARIABLE: junk}
    done = subprocess.run([*COLLECT, "tests/test_check.py"], cwd=check.ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 4, done.stdout + done.stderr  # pytest's usage error
    assert f"CHISO766_SHARD={junk!r}" in done.stdout + done.stderr
