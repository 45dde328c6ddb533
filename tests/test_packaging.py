"""Guards against the packaging traps the architecture contract lists."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile

import pytest
import tomllib

from conftest import REPO

PACKAGE_DIRS = {"camchar": REPO / "framework", "camchar.plugins": REPO / "plugins"}


def declared_packages() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert config["tool"]["setuptools"]["package-dir"] == {"camchar": "framework", "camchar.plugins": "plugins"}
    return config["tool"]["setuptools"]["packages"]


def packages_on_disk() -> set[str]:
    found = set()
    for package, root in PACKAGE_DIRS.items():
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root).parts
            if package == "camchar" and relative[:1] == ("plugins",):
                continue
            found.add(".".join((package, *relative)))
    return found


def test_every_package_on_disk_is_declared():
    """Trap 1: a subpackage missing from ``packages`` vanishes from the wheel but imports in an editable install."""
    assert set(declared_packages()) == packages_on_disk()


def test_no_module_imports_the_folder_names():
    """Trap 2: ``import framework`` or ``import plugins`` from the repo root makes a second copy of a module."""
    offenders = []
    for root in (REPO / "framework", REPO / "plugins", REPO / "tests", REPO / "benchmarks"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                offenders += [f"{path.relative_to(REPO)}: {name}" for name in names if name.split(".")[0] in ("framework", "plugins")]
    assert offenders == []


def test_strict_editable_mode_for_type_checkers_is_documented():
    """Trap 3: type checkers need ``editable_mode=strict``; the development guide must say how."""
    assert "--config-settings editable_mode=strict" in (REPO / "docs" / "development.md").read_text()


@pytest.mark.slow
def test_wheel_contains_every_module(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the tree")
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "*.egg-info", "build", "__pycache__", ".venv", "benchmarks"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("camchar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for package, root in PACKAGE_DIRS.items():
        for module in root.rglob("*.py"):
            relative = module.relative_to(root)
            if package == "camchar" and relative.parts[0] == "plugins":
                continue
            expected.add("/".join((*package.split("."), *relative.parts)))
    assert expected <= names, sorted(expected - names)
    assert any(name.endswith("entry_points.txt") for name in names)
