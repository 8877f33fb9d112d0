"""Every fenced shell command and Python snippet in README.md and docs/*.md runs, and shows what
the page says (issue 17, item 13).

* Shell: in ``bash``/``sh``/``console`` blocks, each ``chiso766 …`` or ``python …`` line (a
  ``console`` block's ``$`` lines) runs in bash, from a scratch folder holding ``examples``,
  with ``chiso766`` and ``python`` meaning this checkout (``src/``). A ``console`` block's
  output must match the lines under the command (stdout and stderr together) up to a line
  ``…``, which stands for "the rest is left out"; a ``bash`` block shows no output and must
  exit 0.
* Python: a block with ``>>>`` is a doctest (the blocks of one page share their names, as a
  reader typing them in one session would); one without runs as a script. Both from a scratch
  folder holding ``examples``, as the repository root does.

Left out at collection (never skipped: CI counts a skip as a failure), each with its reason in
``SKIP``/``SKIP_PYTHON`` or a ``<!-- not run by the docs test: … -->`` comment above the block:
installing packages (no network here, and the code under test is
``src/``), running the test suite from inside itself, the benchmarks (minutes; the tiny run is
tests/test_benchmarks_tiny.py), and commands on folders the repository does not ship.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = ("bash", "sh", "shell", "console")

#: (what a command contains, why it is not run)
SKIP = (
    ("pip install", "installs packages: no network in the tests, and the code under test is "
                    "src/"),
    ("python -m pytest", "the test suite itself"),
    ("tests/check.py", "the whole check: the test suite itself, and the checkers beside it"),
    ("benchmarks/", "a benchmark: minutes of work (tests/test_benchmarks_tiny.py runs the tiny "
                    "one)"),
    ("while True", "the busy neighbour of the timing recipe: it runs until killed"),
    ("/tmp/chiso766-bench", "the benchmark's generated data"),
    ("export/", "an illustrative folder the repository does not ship"),
    ("folder-without-", "an illustrative folder the repository does not ship"),
)

#: (text of a Python block, why it is not run)
SKIP_PYTHON = (
    ("procedures=procedures)", "a fragment: it feeds the reader's own records (procedures, "
                               "dossier, rating, units)"),
    ("db.motcua.example", "a PostgreSQL server of an office: the tests have SQLite only "
                          "(tests/test_sources.py)"),
    ("dossiers_df.rdd", "a Spark fragment: it needs a Spark session and the reader's own "
                        "DataFrame"),
)

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)


#: A block right under this comment is shown, not run (the comment says why).
NOT_RUN = "<!-- not run by the docs test"


def _blocks(page: Path) -> list[tuple[int, str, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2))
            for m in _FENCE.finditer(text) if not _shown_only(text[:m.start()])]


def _shown_only(before: str) -> bool:
    """Whether the line above a block is the "not run" comment."""
    above = before.rstrip().rpartition("\n")[2]
    return above.startswith(NOT_RUN)


def _commands() -> list[tuple[str, str, list[str] | None]]:
    """(page:line, command, expected output lines or None)."""
    out: list[tuple[str, str, list[str] | None]] = []
    for page in PAGES:
        for line, lang, body in _blocks(page):
            if lang not in SHELL:
                continue
            rows = body.splitlines()
            for i, row in enumerate(rows):
                where = f"{page.relative_to(ROOT)}:{line + 1 + i}"
                if lang == "console":
                    if not row.startswith("$ "):
                        continue
                    expected = []
                    for following in rows[i + 1:]:
                        if following.startswith("$ "):
                            break
                        expected.append(following)
                    if row == "$ echo $?" and out and out[-1][2] is not None \
                            and out[-1][0].split(":")[0] == where.split(":")[0]:
                        # the status of the command before it: run them together
                        before, command, shown = out.pop()
                        out.append((before, f"{command}\necho $?", [*(shown or []), *expected]))
                        continue
                    out.append((where, row[2:], expected))
                else:
                    command = re.sub(r"\s+#.*$", "", row).strip()
                    if command.startswith(("chiso766", "python")):
                        out.append((where, command, None))
    return out


def _runnable(command: str) -> str:
    """The command without its install step (``pip install . && chiso766 …`` runs the rest)."""
    parts = [p.strip() for p in command.split("&&")]
    return " && ".join(p for p in parts if "pip install" not in p)


def _why_not_run(command: str) -> str | None:
    """The reason a command is shown but not run (``SKIP``), or None."""
    runnable = _runnable(command)
    if not runnable:
        return "nothing left once the install step is taken out"
    return next((reason for needle, reason in SKIP if needle in runnable), None)


#: The commands run; the others are left out at collection (not skipped: a skip in CI is a
#: failure of the check), each for its reason in ``SKIP``.
COMMANDS = [c for c in _commands() if _why_not_run(c[1]) is None]


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A scratch folder with ``examples`` and a ``bin`` whose ``chiso766`` and ``python`` run
    this checkout."""
    work = tmp_path_factory.mktemp("docs")
    (work / "examples").symlink_to(ROOT / "examples")
    bin_dir = work / "bin"
    bin_dir.mkdir()
    for name, run in (("chiso766", f'"{sys.executable}" -m chiso766'),
                      ("python", f'"{sys.executable}"')):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {run} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    return work, env


@pytest.mark.in_order  # a page's commands read what the ones before them wrote
@pytest.mark.parametrize(("where", "command", "expected"), COMMANDS,
                         ids=[c[0] for c in COMMANDS])
def test_shell_command(where: str, command: str, expected: list[str] | None,
                       shell: tuple[Path, dict[str, str]]) -> None:
    runnable = _runnable(command)
    work, env = shell
    done = subprocess.run(["bash", "-c", "{ " + runnable + "\n} 2>&1"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    got = [line.rstrip() for line in done.stdout.splitlines()]
    if expected is None:
        assert done.returncode == 0, f"{where}: {command}\n{done.stdout[-2000:]}"
        return
    want = [line.rstrip() for line in expected]
    while want and not want[-1]:
        want.pop()
    if "…" in want:
        want = want[:want.index("…")]
        got = got[:len(want)]
    assert got == want, f"{where}: {command}"


def _python_blocks() -> list[tuple[str, list[tuple[int, str]]]]:
    out = []
    for page in PAGES:
        blocks = [(line, body) for line, lang, body in _blocks(page) if lang == "python"]
        if blocks:
            out.append((str(page.relative_to(ROOT)), blocks))
    return out


PYTHON = _python_blocks()


@pytest.mark.parametrize(("page", "blocks"), PYTHON, ids=[p for p, _ in PYTHON])
def test_python_snippets(page: str, blocks: list[tuple[int, str]], tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A scratch folder holding examples/, so that a snippet writing a report leaves nothing
    # in the repository.
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {"__name__": "__docs__"}
    parser = doctest.DocTestParser()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures: list[str] = []
    for line, body in blocks:
        if any(needle in body for needle, _ in SKIP_PYTHON):
            continue  # the reason is in SKIP_PYTHON
        if ">>>" not in body:
            exec(compile(body, f"{page}:{line + 1}", "exec"), names)
            continue
        test = parser.get_doctest(body, names, f"{page}:{line + 1}", page, line)
        runner = doctest.DocTestRunner(optionflags=flags)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        names = test.globs
        failures.extend(report)
    assert not failures, "".join(failures)


def test_the_docs_cite_docs_rules_not_the_spec() -> None:
    """Users have docs/rules.md; the SPEC stays with the project's steering documents."""
    for page in [*PAGES, ROOT / "examples" / "README.md"]:
        text = page.read_text(encoding="utf-8")
        assert "SPEC" not in text, page.relative_to(ROOT)


def test_ci_runs_exactly_the_readmes_second_command() -> None:
    """CI checks what a new user runs: ``.ci/run``'s command is the README's second set-up
    command, character for character."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set-up"):readme.index("## What else")]
    commands = [line for line in setup.splitlines() if line.startswith("python -m pip")]
    assert len(commands) == 2 and commands[1] == ci
    assert '".[fast]"' in commands[0]  # the first command installs the fast engine
