"""One clock: product code reads the time only from the runtime's clock (an AST scan).

The suite fixes the runtime's clock; product code that read the wall clock instead made the
suite fail on later dates (46 failures on 2026-11-30). This scan keeps every such read out of
the product packages, except the few places listed in ALLOWED, each with the reason it exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("app.py", "bot", "handlers", "rules")

# (path relative to the repository, enclosing function) → why it may read the wall clock.
ALLOWED: dict[tuple[str, str], str] = {
    ("bot/core/clock.py", "now"): "SystemClock.now is the real clock that the runtime injects everywhere else",
}

# Calls that read the wall clock: module or class → attribute names.
WALL_CLOCK_CALLS = {
    "datetime": {"now", "utcnow", "today"},
    "date": {"today"},
    "time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime"},
    "func": {"now", "current_timestamp", "current_date", "localtimestamp"},
}
# Names that can be imported directly from these modules and then called bare.
WALL_CLOCK_IMPORTS = {"time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime"}}


def _product_files() -> list[Path]:
    files: list[Path] = []
    for entry in PRODUCT:
        path = ROOT / entry
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def _base_name(node: ast.expr) -> str | None:
    """``datetime`` for ``datetime.now`` and ``dt.datetime.now``; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []  # (line, function, call)
        self._function = "<module>"
        self._bare: set[str] = set()

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in WALL_CLOCK_IMPORTS.get(node.module or "", set()):
                self._bare.add(alias.asname or alias.name)
        self.generic_visit(node)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self._function = self._function, node.name
        self.generic_visit(node)
        self._function = outer

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = _base_name(func.value)
            # time.localtime(x) / time.gmtime(x) convert a given instant; only the bare call reads the clock.
            converts = base == "time" and func.attr in {"localtime", "gmtime", "ctime"} and bool(node.args)
            if base is not None and func.attr in WALL_CLOCK_CALLS.get(base, set()) and not converts:
                self.found.append((node.lineno, self._function, f"{base}.{func.attr}()"))
        elif isinstance(func, ast.Name) and func.id in self._bare and not node.args:
            self.found.append((node.lineno, self._function, f"{func.id}()"))
        self.generic_visit(node)


def wall_clock_reads(source: str) -> list[tuple[int, str, str]]:
    """Every call in ``source`` that reads the wall clock: (line, enclosing function, call)."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.found


def test_product_code_reads_time_only_from_the_runtime_clock() -> None:
    offenders = []
    used_allowances = set()
    for path in _product_files():
        rel = path.relative_to(ROOT).as_posix()
        for line, function, call in wall_clock_reads(path.read_text(encoding="utf-8")):
            if (rel, function) in ALLOWED:
                used_allowances.add((rel, function))
                continue
            offenders.append(f"{rel}:{line} in {function}: {call}")
    assert not offenders, "read the runtime's clock instead (runtime.clock, session_now(session)):\n" + "\n".join(
        offenders
    )
    assert used_allowances == set(ALLOWED), f"stale allow-list entries: {set(ALLOWED) - used_allowances}"


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\ndef f():\n    return datetime.now()\n",
        "import datetime\ndef f():\n    return datetime.datetime.utcnow()\n",
        "from datetime import date\nx = date.today()\n",
        "import time\ndef f():\n    return time.time()\n",
        "from time import time as now\ndef f():\n    return now()\n",
        "from sqlalchemy import func\nq = func.now()\n",
    ],
)
def test_the_scan_finds_each_kind_of_wall_clock_read(source: str) -> None:
    assert len(wall_clock_reads(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "def f(clock):\n    return clock.now()\n",
        "import time\ndef f():\n    return time.monotonic()\n",
        "import time\ndef f(s):\n    return time.localtime(s)\n",
        "from datetime import datetime, UTC\nx = datetime.fromtimestamp(0, UTC)\n",
    ],
)
def test_the_scan_leaves_clock_reads_and_conversions_alone(source: str) -> None:
    assert wall_clock_reads(source) == []
