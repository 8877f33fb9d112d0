"""The layers of chiso766 (docs/architecture.md; issue 15, item 5 "Architecture you can see").

Every module of ``src/chiso766`` is placed in one layer of :data:`LAYERS`, lowest first. The
imports of every module are read with :mod:`ast` (nothing is imported) and four things are
checked:

(a) no module imports a module of a higher layer;
(b) no import cycles: every strongly connected component of the import graph is one module;
(c) every module is in :data:`LAYERS` (a new module must be placed), and every name there is a
    module;
(d) no module imports another module's private (``_x``) name, nor reads one through a
    module it imported (``from . import html as page`` then ``page._e``).

and the picture in docs/architecture.md places every module in the same layer as
:data:`LAYERS`, so the page and the test cannot drift apart. The results' convenience methods
(``card.to_dict()``, ``card.explain(code)``) reach the reports layer through
:mod:`chiso766.renderers`, by name: only the package's top installs that table, and every name a
module calls is installed (a lower module cannot wire itself to a higher one through it).

What counts as an import, for (a) and (b):

* ``import chiso766.x`` and ``from chiso766.x import y`` (or the relative forms) anywhere in a
  module — at the top, in a function, a class, a ``try`` — are dependencies: an import inside a
  function is deferred, not removed. ``from package import name`` depends on the submodule
  ``package.name`` when there is one, else on ``package``.
* Imports in the body of ``if TYPE_CHECKING:`` are left out: they never run, and they only name
  types for annotations; they too point down or sideways (checked on its own).
* Importing ``a.b.c`` also runs the ``__init__`` of ``a`` and ``a.b``; those implicit edges are
  not counted (every submodule would then depend on its package's re-exports). Where that
  matters it is written in docs/architecture.md ("Debts").

Nothing here imports chiso766: a module that fails to import still has its layer checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "chiso766"

#: The layers, lowest first; a module may import modules of its own layer or a lower one.
#: Mirrors the picture in docs/architecture.md (keep the two together).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", (  # values every layer shares: errors, records, the calendar, periods, rule sets
        "chiso766._version",
        "chiso766.errors",
        "chiso766.rounding",
        "chiso766.calendar",
        "chiso766.timelimits",
        "chiso766.records",
        "chiso766.periods",
        "chiso766.rules",
        "chiso766.policy",
        "chiso766.spill",
        "chiso766.renderers",
    )),
    ("io", (  # files, tables and databases -> records (or column batches), and back
        "chiso766.io",
        "chiso766.io.cells",
        "chiso766.io.columns",
        "chiso766.io.values",
        "chiso766.io.national",
        "chiso766.io.excel",
        "chiso766.io.parquet",
        "chiso766.io.frames",
        "chiso766.io.sql",
        "chiso766.io.readers",
        "chiso766.io.dataset",
        "chiso766.io.writers",
        # the row path reads records and the engine's reader column batches; the tally and
        # frame_counts count them
        "chiso766.io.columnar",
        "chiso766.io.rowpath",
    )),
    ("population", (  # docs/rules.md §4 per dossier: due dates, end of processing, verdict
        "chiso766.deadlines",
        "chiso766.population",
        # the words the rules are counted in: DossierShape, Verdict codes, the scoring Context,
        # the per-unit accumulators the criteria add to
        "chiso766.criteria.base",
    )),
    ("criteria", (  # what each criterion takes from a dossier, and its count over the totals
        "chiso766.criteria",
        "chiso766.criteria.transparency",
        "chiso766.criteria.progress",
        "chiso766.criteria.online",
        "chiso766.criteria.digitization",
        "chiso766.criteria.satisfaction",
        "chiso766.criteria.policy",  # the counting policies' earlier address (re-exported)
    )),
    ("tally", (  # records -> per-unit counts, mergeable
        "chiso766.tally",
        "chiso766.frame_counts",
        "chiso766.folder_walk",
    )),
    ("scoring", (  # counts -> scorecards and results (data): 766, HCMC 104, portal, reconcile
        "chiso766.scoring",
        "chiso766.streaming",
        "chiso766.live",
        "chiso766.distributed",
        "chiso766.hcm104",
        "chiso766.portal",
        "chiso766.reconcile",
    )),
    ("reports", (  # functions over scorecards and results: explanations and every format
        "chiso766.explain",
        "chiso766.reports",
        "chiso766.reports.fmt",
        "chiso766.reports.text",
        "chiso766.reports.reasons",
        "chiso766.reports.flagged",
        "chiso766.reports.json_report",
        "chiso766.reports.csv_report",
        "chiso766.reports.table",
        "chiso766.reports.notebook",
        "chiso766.reports.html",
        "chiso766.reports.xlsx",
        "chiso766.reports.hcm104_report",
        "chiso766.reports.hcm104_html",
        "chiso766.reports.reconcile_report",
    )),
    ("cli", (  # the front doors: the command line and the package's public names
        "chiso766",
        "chiso766.__main__",
        "chiso766.cli",
        "chiso766.cli_progress",
    )),
)

class Import(NamedTuple):
    """One import statement's dependency: ``importer`` line ``line`` imports ``imported``."""

    importer: str
    imported: str
    line: int
    type_checking: bool


def module_name(path: Path) -> str:
    """``src/chiso766/io/readers.py`` -> ``chiso766.io.readers``; a package's ``__init__``
    is the package."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes in the body of an ``if TYPE_CHECKING:`` (or
    ``typing.TYPE_CHECKING``)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        name = test.id if isinstance(test, ast.Name) else (
            test.attr if isinstance(test, ast.Attribute) else None)
        if name == "TYPE_CHECKING":
            for statement in node.body:
                inside.update(id(n) for n in ast.walk(statement))
    return inside


def import_target(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The module a ``from … import`` in module ``name`` reads from, relative forms resolved."""
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str, path: Path, known: set[str]) -> Iterator[Import]:
    """The package modules ``name`` (at ``path``) imports, one per imported name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_checking = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        hidden = id(node) in type_checking
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    yield Import(name, alias.name, node.lineno, hidden)
        elif isinstance(node, ast.ImportFrom):
            target = import_target(name, is_package, node)
            if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield Import(name, sub if sub in known else target, node.lineno, hidden)


def graph() -> list[Import]:
    """Every import between two different package modules, ``TYPE_CHECKING`` ones included
    (marked)."""
    found = modules()
    known = set(found)
    return [i for name, path in found.items() for i in imports(name, path, known)
            if i.imported != i.importer]


def run_time(edges: list[Import]) -> set[tuple[str, str]]:
    """The (importer, imported) pairs that run: every import outside ``if TYPE_CHECKING``."""
    return {(i.importer, i.imported) for i in edges if not i.type_checking}


LAYER_OF: dict[str, int] = {m: rank for rank, (_, names) in enumerate(LAYERS) for m in names}


def layer(module: str) -> str:
    return LAYERS[LAYER_OF[module]][0]


def upward(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs whose imported module is in a higher layer than its importer."""
    return {(a, b) for a, b in pairs
            if a in LAYER_OF and b in LAYER_OF and LAYER_OF[b] > LAYER_OF[a]}


def components(pairs: set[tuple[str, str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative)."""
    succ: dict[str, list[str]] = {}
    for a, b in sorted(pairs):
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []
    for root in sorted(succ):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: set[str] = set()
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.add(top)
                    if top == node:
                        break
                if len(members) > 1:
                    out.append(frozenset(members))
    return out


# --- the checks -------------------------------------------------------------------------------


def test_every_module_is_placed_in_a_layer() -> None:
    """(c) A new module must be given a layer here and in docs/architecture.md; a module that
    is gone must leave the table."""
    found = set(modules())
    unplaced = sorted(found - set(LAYER_OF))
    assert not unplaced, f"place these modules in LAYERS (and docs/architecture.md): {unplaced}"
    gone = sorted(set(LAYER_OF) - found)
    assert not gone, f"these modules no longer exist: remove them from LAYERS: {gone}"
    placed_twice = sorted(m for _, names in LAYERS for m in names
                          if sum(m in other for _, other in LAYERS) > 1)
    assert not placed_twice, placed_twice


def test_no_module_imports_a_higher_layer() -> None:
    """(a) Imports go down or sideways, never up."""
    edges = graph()
    new = upward(run_time(edges))
    lines = sorted(
        f"{i.importer} ({layer(i.importer)}) line {i.line} imports {i.imported} "
        f"({layer(i.imported)})"
        for i in edges if (i.importer, i.imported) in new and not i.type_checking)
    assert not new, "upward imports:\n" + "\n".join(lines)


def test_no_annotation_names_a_type_of_a_higher_layer() -> None:
    """(a) Imports under ``TYPE_CHECKING`` go down or sideways too: a lower layer that needs the
    type of what it is handed names a protocol of its own (``io.rowpath.DossierCounter``)."""
    found = sorted(f"{i.importer} line {i.line}: {i.imported}" for i in graph()
                   if i.type_checking and upward({(i.importer, i.imported)}))
    assert not found, "upward imports for annotations:\n" + "\n".join(found)


def test_no_import_cycles() -> None:
    """(b) Every strongly connected component of the run-time import graph is one module."""
    found = sorted(sorted(c) for c in components(run_time(graph())))
    assert not found, f"import cycles: {found}"


def test_the_picture_in_docs_architecture_is_this_table() -> None:
    """The ``text`` picture of docs/architecture.md places every module where LAYERS does: its
    rows, read bottom up, name the same layers with the same modules (written without the
    ``chiso766.`` prefix; ``chiso766`` alone is the package)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = text.split("```text\n", 1)[1].split("```", 1)[0]
    drawn: list[tuple[str, set[str]]] = []
    for row in picture.splitlines():
        cells = row.split("│")
        if len(cells) < 4:
            continue  # a border, the title or the files line
        if cells[1].strip():
            drawn.append((cells[1].split()[1], set()))
        for word in re.findall(r"[A-Za-z_][\w.]*", cells[2]):
            name = word if word == PACKAGE else f"{PACKAGE}.{word}"
            if name in LAYER_OF:
                drawn[-1][1].add(name)
    assert drawn[::-1] == [(name, set(names)) for name, names in LAYERS]


# --- the checker checks itself ------------------------------------------------------------------


def test_imports_are_read_from_functions_and_type_checking_is_marked(tmp_path: Path) -> None:
    """A hand-made module: a top-level import, one in a function, one under TYPE_CHECKING,
    relative and absolute, a submodule named by ``from package import name``."""
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from .errors import PolicyError\n"                 # line 3: top level
        "if TYPE_CHECKING:\n"
        "    from ..scoring import Scorecard\n"              # line 5: type checking only
        "def f() -> None:\n"
        "    from .. import cli\n"                           # line 7: in a function
        "    import chiso766.tally\n"                        # line 8: absolute
    )
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    known = {"chiso766", "chiso766.cli", "chiso766.tally", "chiso766.scoring",
             "chiso766.reports", "chiso766.reports.errors"}
    got = sorted(imports("chiso766.reports.mod", path, known))
    assert got == [
        Import("chiso766.reports.mod", "chiso766.cli", 7, False),
        Import("chiso766.reports.mod", "chiso766.reports.errors", 3, False),
        Import("chiso766.reports.mod", "chiso766.scoring", 5, True),
        Import("chiso766.reports.mod", "chiso766.tally", 8, False),
    ]


def test_upward_and_cycles_on_a_small_graph() -> None:
    """errors (base) <- tally <- scoring; scoring -> cli goes up; tally <-> scoring is one
    cycle of two; cli alone is no cycle."""
    pairs = {("chiso766.tally", "chiso766.errors"), ("chiso766.scoring", "chiso766.tally"),
             ("chiso766.tally", "chiso766.scoring"), ("chiso766.scoring", "chiso766.cli")}
    assert upward(pairs) == {("chiso766.tally", "chiso766.scoring"),
                             ("chiso766.scoring", "chiso766.cli")}
    assert components(pairs) == [frozenset({"chiso766.tally", "chiso766.scoring"})]


def renderer_calls(name: str, path: Path) -> Iterator[tuple[str, int, str | None]]:
    """Each ``renderers.install(...)`` and ``renderers.call(...)`` of a module: ("install" or
    "call", line, the renderer's name when it is written as a string)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "renderers"
                and node.func.attr in ("install", "call")):
            first = node.args[0] if node.args else None
            named = first.value if isinstance(first, ast.Constant) and isinstance(
                first.value, str) else None
            yield node.func.attr, node.lineno, named


def installed_renderers() -> dict[str, str]:
    """The table ``chiso766/__init__.py`` installs (a dict of string constants)."""
    tree = ast.parse((SRC / PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "install" and node.args
                and isinstance(node.args[0], ast.Dict)):
            table = ast.literal_eval(node.args[0])
            assert isinstance(table, dict)
            return {str(k): str(v) for k, v in table.items()}
    return {}


def test_only_the_top_installs_renderers_and_every_called_one_is_installed() -> None:
    """The table of :mod:`chiso766.renderers` is filled by the package's top only (the layer
    that may import every other); each name a module calls is in it, written as a string,
    and each entry names a module of the reports layer or below that has that function."""
    table = installed_renderers()
    assert table, "chiso766/__init__.py installs no renderers"
    installers, unnamed, missing = [], [], []
    for name, path in modules().items():
        for what, line, named in renderer_calls(name, path):
            if what == "install" and name != PACKAGE:
                installers.append(f"{name} line {line}")
            if what == "call" and named is None:
                unnamed.append(f"{name} line {line}")
            if what == "call" and named is not None and named not in table:
                missing.append(f"{name} line {line}: {named}")
    assert not installers, f"renderers installed below the top: {installers}"
    assert not unnamed, f"renderers called by a name that is not a string: {unnamed}"
    assert not missing, f"renderers called but not installed: {missing}"
    placed = modules()
    for name, reference in table.items():
        module, _, function = reference.partition(":")
        assert module in LAYER_OF and LAYER_OF[module] < LAYER_OF[PACKAGE], (name, reference)
        tree = ast.parse(placed[module].read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert function in defined, f"{name}: {module} has no function {function}"


def test_no_module_imports_another_modules_private_name() -> None:
    """No module imports a private name of another (``from m import _x``): a name two modules
    share is public in the module that defines it (docs/architecture.md "Debts")."""
    found = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                found += [f"{name} line {node.lineno}: {node.module or '.'}.{alias.name}"
                          for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not found, "private names imported:\n" + "\n".join(found)


def module_aliases(name: str, path: Path, known: set[str]) -> dict[str, str]:
    """The local names ``name`` binds to package modules (``import chiso766.x as y``,
    ``from . import x``, ``from .. import x as y``): local name -> module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in known:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            target = import_target(name, is_package, node)
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    bound[alias.asname or alias.name] = f"{target}.{alias.name}"
    return bound


def test_no_module_reads_a_private_name_through_a_module_it_imported() -> None:
    """No module reads another module's private name as an attribute of that module
    (``page._e`` after ``from . import html as page``): the import check (d) would not see
    it."""
    known = set(modules())
    found = []
    for name, path in modules().items():
        bound = module_aliases(name, path, known)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr.startswith("_")
                    and not node.attr.startswith("__") and bound[node.value.id] != name):
                found.append(f"{name} line {node.lineno}: {bound[node.value.id]}.{node.attr}")
    assert not found, "private names read through a module:\n" + "\n".join(found)


#: A named tuple's own API, public despite its underscore.
_NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})


def private_names_owned(tree: ast.AST) -> set[str]:
    """The private attribute names a module's own code defines: methods and class-level names
    of its classes, names in their ``__slots__``, and ``self.x`` / ``cls.x`` it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            names.add(target.id)
                            if target.id == "__slots__":
                                names |= {c.value for c in ast.walk(item.value)
                                          if isinstance(c, ast.Constant)
                                          and isinstance(c.value, str)}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {x.attr for t in targets for x in ast.walk(t)
                      if isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name)
                      and x.value.id in ("self", "cls")}
    return names


def private_attributes_read(source: str) -> list[tuple[int, str]]:
    """``(line, expression)`` for each private attribute the module reads on an object that is
    not ``self``/``cls`` and that no class of the module defines (an object of another module's
    class), a named tuple's ``_replace`` and its kin aside."""
    tree = ast.parse(source)
    owned = private_names_owned(tree) | _NAMEDTUPLE_API
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_")
            and not node.attr.startswith("__") and node.attr not in owned
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))]


def test_the_private_attribute_check_sees_a_foreign_one() -> None:
    source = ("class Own:\n    __slots__ = ('_kept',)\n    def _helper(self) -> None:\n"
              "        self._mine = 1\n\n"
              "def f(own, other, point):\n"
              "    return own._kept, own._helper(), own._mine, other._read, point._replace()\n")
    assert private_attributes_read(source) == [(7, "other._read")]


def test_no_module_reads_a_private_attribute_of_another_modules_object() -> None:
    """No module reads a private attribute of an object of another module's class
    (``part._read`` of a ``ReportBuilder`` outside ``io.readers``): what two modules share is
    public in the class that holds it (docs/architecture.md "Debts")."""
    found = [f"{name} line {line}: {expression}"
             for name, path in modules().items()
             for line, expression in private_attributes_read(path.read_text(encoding="utf-8"))]
    assert not found, "private attributes of other modules' objects read:\n" + "\n".join(found)
