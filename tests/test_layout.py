"""The package's shape: stages import only the stages below them, no module imports itself back,
and the runtime package carries no test doubles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"

#: The layers from the bottom up; a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline", "pipeline.errors", "pipeline.files", "pipeline.sqlite_wal", "pipeline.statedb", "pipeline.model",
     "pipeline.identifiers", "pipeline.config"),
    ("pipeline.sources",),
    ("pipeline.ledger",),
    ("pipeline.fetch",),
    ("pipeline.parse",),
    ("pipeline.normalise",),
    ("pipeline.quality",),
    ("pipeline.publish",),
    ("pipeline.flow",),
    ("pipeline.cli", "pipeline.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every `pipeline` module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import sub` imports the module pkg.sub; `from mod import name`, mod itself
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                      for alias in node.names}
    return {name for name in found if name in MODULES}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path) - {name} for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    best = max((prefix for layer in LAYERS for prefix in layer
                if module == prefix or module.startswith(prefix + ".") and prefix != "pipeline"), key=len,
               default="pipeline")
    return next(i for i, layer in enumerate(LAYERS) if best in layer)


def test_every_stage_imports_only_itself_and_the_stages_below() -> None:
    upward = sorted(f"{m} imports {n}" for m, deps in graph().items() for n in deps if layer_of(n) > layer_of(m))
    assert upward == []


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    edges = graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        return False

    circles = sorted(f"{m} <-> {n}" for m, deps in edges.items() for n in deps if reaches(n, m))
    assert circles == []


@pytest.mark.parametrize("needle", ["replay", "papergen", "tests.", "ReplayServer"])
def test_the_runtime_package_carries_no_test_doubles(needle: str) -> None:
    users = sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                   if any(needle in name for name in _all_imports(p)))
    assert users == []


def _all_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {alias.name for alias in node.names}
    return names
