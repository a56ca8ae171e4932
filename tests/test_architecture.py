"""The layers hold: rules ← crawler ← checker, and no module imports one that imports it back.

Every ``import`` of our own modules counts, inside functions too (an import hidden in a function
still ties two modules together); only imports under ``if TYPE_CHECKING:`` are left out, since
they never run.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("rules", "crawler", "checker")
# Which packages each may import: dependencies point one way.
ALLOWED = {"rules": {"rules"}, "crawler": {"rules", "crawler"}, "checker": set(PACKAGES)}


def module_files(root: Path = ROOT) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if "site" in parts:  # the demo site's files are data
                continue
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Our modules that ``name`` imports, at any depth of its code, TYPE_CHECKING aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for statement in node.body for child in ast.walk(statement))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package[: len(package) - node.level + 1]
                base = ".".join([*prefix, *([node.module] if node.module else [])])
            # `from package import module` needs the module; `from module import name`, the module
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = module_files(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_dependencies_point_one_way() -> None:
    wrong = defaultdict(list)
    for module, targets in import_graph().items():
        layer = module.split(".")[0]
        for target in sorted(targets):
            if target.split(".")[0] not in ALLOWED[layer]:
                wrong[module].append(target)
    assert dict(wrong) == {}


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert cycles(import_graph()) == []


def write_modules(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # a cycle kept open by an import inside a function still counts
            {
                "checker/__init__.py": "",
                "checker/a.py": "from checker.b import x\n",
                "checker/b.py": "def f():\n    from checker import a\n",
            },
            [["checker.a", "checker.b"]],
        ),
        (  # relative imports, around three modules
            {
                "crawler/__init__.py": "",
                "crawler/p/__init__.py": "",
                "crawler/p/a.py": "from .b import x\n",
                "crawler/p/b.py": "from crawler.c import y\n",
                "crawler/c.py": "import crawler.p.a\n",
            },
            [["crawler.c", "crawler.p.a", "crawler.p.b"]],
        ),
        (  # an import only for type checking never runs
            {
                "checker/__init__.py": "",
                "checker/a.py": "from checker.b import x\n",
                "checker/b.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from checker.a import y\n",
            },
            [],
        ),
    ],
)
def test_the_check_finds_cycles(tmp_path: Path, files: dict[str, str], expected: list) -> None:
    write_modules(tmp_path, files)
    assert cycles(import_graph(tmp_path)) == expected


def test_the_check_finds_a_crawler_module_importing_the_checker(tmp_path: Path) -> None:
    write_modules(
        tmp_path,
        {
            "crawler/__init__.py": "",
            "crawler/pipelines.py": "def open():\n    from checker.store import Store\n",
            "checker/__init__.py": "",
            "checker/store.py": "",
        },
    )
    graph = import_graph(tmp_path)
    assert graph["crawler.pipelines"] == {"checker.store"}
    assert "checker" not in ALLOWED["crawler"]
