"""The house: no import cycles anywhere, and each part of camchar imports only the parts below it."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from conftest import REPO

ROOTS = {"camchar": REPO / "framework", "camchar.plugins": REPO / "plugins"}

#: What each part of framework/ may import (besides itself): data flows one way, from top to bottom. Imports under
#: ``if TYPE_CHECKING:`` count: a type a module names is a dependency like any other.
ALLOWED = {
    "core": set(),
    "runtime": {"core"},
    "files": {"core"},
    # the contract: the base classes and every type they name. runtime: the threads a SelectedStack streams on;
    # plugins: only the package's list of built-in modules
    "host": {"core", "runtime", "plugins"},
    "numerics": {"core", "host"},  # host: the SelectedStack the streamed line fits take
    "settings": {"core", "host"},
    "pipeline": {"core", "host", "settings", "files", "runtime"},
    "stats": {"core", "host", "settings", "files", "numerics", "runtime", "pipeline"},
    "simulation": {"core", "files"},
    "results": {"core", "files"},
    "spectra": {"core", "host", "files", "runtime", "pipeline"},
    "response": {"core", "host", "files", "runtime", "settings", "pipeline", "spectra"},
    "colour": {"core", "files", "runtime", "pipeline"},
    "compat": {"core", "host", "settings", "files", "numerics", "runtime", "stats", "pipeline"},
    "testing": {"core", "host", "settings", "files", "numerics", "runtime", "stats", "simulation", "pipeline"},
    "cli": {"core", "host", "settings", "files", "numerics", "runtime", "stats", "simulation", "results", "response", "pipeline", "spectra", "colour"},
    # the public API re-exports the contract and, in its namespaces, the helpers the built-in plugins share
    "api": {"core", "host", "files", "numerics", "response", "results"},
}

#: Where a plugin, built-in or not, may import camchar from: the public API and its own package.
PLUGIN_IMPORTS = ("camchar.api", "camchar.plugins")


def modules() -> dict[str, Path]:
    found = {}
    for package, root in ROOTS.items():
        for path in root.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if package == "camchar" and parts[0] == "plugins":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The camchar modules ``path`` imports anywhere: functions and ``if TYPE_CHECKING:`` blocks included."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name.startswith("camchar"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("camchar"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                targets.add(child if child in known else node.module)
    return {target for target in targets if target in known}


@functools.lru_cache(maxsize=1)
def graph() -> dict[str, set[str]]:
    """Each module's camchar imports (parsed once per test session: every test below reads it, none changes it)."""
    found = modules()
    return {name: imports_of(path, set(found)) - {name} for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_in_framework_and_plugins():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_type_only_imports_count():
    """A type named under ``if TYPE_CHECKING:`` is a dependency: the cycle and layer checks see it."""
    assert "camchar.host.problem" in graph()["camchar.host.components"]
    assert "camchar.host.stack" in graph()["camchar.numerics.line_fit"]


def part(module: str) -> str:
    if module.startswith("camchar.plugins"):
        return "plugins"
    name = module.split(".")[1] if module.count(".") else "camchar"
    return "camchar" if name == "_version" else name


def test_every_part_has_layering_rules():
    """A new subpackage of framework/ is not exempt: it needs its line in ALLOWED."""
    parts = {part(module) for module in graph() if not module.startswith("camchar.plugins")} - {"camchar", "__main__"}
    assert parts - set(ALLOWED) == set()


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_part_imports_only_the_parts_below_it(name):
    offenders = []
    for module, targets in graph().items():
        if part(module) != name:
            continue
        for target in targets:
            target_part = part(target)
            if target_part in (name, "camchar") and not target.endswith("camchar.api"):
                continue
            if target_part not in ALLOWED[name] or (target_part == "plugins" and target != "camchar.plugins"):
                offenders.append(f"{module} imports {target}")
    assert offenders == []


def test_built_in_plugins_import_camchar_only_through_the_public_api():
    """What a third-party plugin can do, the built-ins do: ``camchar.api`` and its namespaces, and their own modules."""
    offenders = []
    for module, targets in graph().items():
        if module.startswith("camchar.plugins."):
            offenders += [f"{module} imports {target}" for target in targets if not target.startswith(PLUGIN_IMPORTS)]
    assert offenders == []


def test_built_in_plugins_of_one_kind_never_import_another_kind():
    offenders = []
    for module, targets in graph().items():
        if not module.startswith("camchar.plugins."):
            continue
        kind_of_plugin = ".".join(module.split(".")[:3])
        offenders += [f"{module} imports {target}" for target in targets if target.startswith("camchar.plugins.") and not target.startswith(kind_of_plugin)]
    assert offenders == []


def test_the_architecture_page_states_these_rules():
    """docs/architecture.md's table of what each part may import is ALLOWED, part by part."""
    text = (REPO / "docs" / "architecture.md").read_text()
    table = text.split("| part | may import |", 1)[1].split("\n\n", 1)[0]
    documented = {}
    for row in table.strip().splitlines()[1:]:
        part, imports = (cell.strip() for cell in row.strip("|").split("|"))
        documented[part.strip("`/")] = set() if imports == "nothing" else {name.strip("` ") for name in imports.split(",")}
    assert documented == ALLOWED
