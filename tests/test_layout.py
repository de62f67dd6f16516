"""The layout is the architecture: packages by role, and no import cycles between packages.

A package is ``bot.<name>`` (a platform's own package counts as ``bot.platforms``), ``handlers`` or
``rules``. Only imports that run when a module is imported count (module level, outside
``if TYPE_CHECKING``): an import inside a function is a deliberate late binding, not a layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = ("bot", "handlers", "rules")

# Cycles still to be broken, each with the reason it exists; the test fails when one disappears too.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in [node, *(node.body if isinstance(node, ast.Try | ast.If) else [])]:
            if isinstance(sub, ast.Import):
                yield from (alias.name for alias in sub.names)
            elif isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                yield sub.module
                yield from (f"{sub.module}.{alias.name}" for alias in sub.names)


def package_graph() -> dict[str, dict[str, set[str]]]:
    """``{package: {imported package: {"module -> imported", …}}}`` for every module of TOP."""
    graph: dict[str, dict[str, set[str]]] = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            source = module_name(path)
            for target in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
                if target.split(".")[0] not in TOP:
                    continue
                a, b = package_of(source), package_of(target)
                if a != b and b != "bot":
                    graph.setdefault(a, {}).setdefault(b, set()).add(f"{source} -> {target}")
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    nodes = set(graph) | {b for targets in graph.values() for b in targets}
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def _explain(graph: dict[str, dict[str, set[str]]], component: frozenset[str]) -> str:
    lines = []
    for a in sorted(component):
        for b in sorted(component & set(graph.get(a, {}))):
            lines.append(f"  {a} -> {b}: {', '.join(sorted(graph[a][b])[:3])}")
    return "\n".join(lines)


def test_no_import_cycles_between_packages() -> None:
    graph = package_graph()
    found = cycles(graph)
    new = [c for c in found if c not in KNOWN_CYCLES]
    assert not new, "import cycles between packages:\n" + "\n\n".join(_explain(graph, c) for c in new)
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"these cycles are broken now: remove them from KNOWN_CYCLES: {gone}"


def test_bot_has_no_flat_modules_beyond_its_packages() -> None:
    """Every module of ``bot/`` lives in a package named for its role."""
    flat = sorted(p.name for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py")
    assert flat == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b": {"x"}}, "b": {"a": {"y"}}}, [frozenset({"a", "b"})]),
        ({"a": {"b": {"x"}}, "b": {"c": {"y"}}}, []),
        ({"a": {"b": {"x"}}, "b": {"c": {"y"}}, "c": {"a": {"z"}}, "d": {"a": {"w"}}}, [frozenset({"a", "b", "c"})]),
    ],
)
def test_the_cycle_finder_itself(graph: dict[str, dict[str, set[str]]], expected: list[frozenset[str]]) -> None:
    assert cycles(graph) == expected


def test_core_depends_on_nothing_but_itself() -> None:
    """The core is the bottom layer: configuration, database, clock, errors, texts."""
    graph = package_graph()
    assert set(graph.get("bot.core", {})) == set()
