"""The lint and type-check set-up stays as docs/development.md describes it (CI runs ruff and mypy themselves)."""

from __future__ import annotations

import re

import tomllib

from conftest import REPO

CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())
ROOTS = {"camchar.plugins": REPO / "plugins", "camchar": REPO / "framework"}
#: Packages that are type-checked without exception: never on the shrinking list.
ALWAYS_CHECKED = ("camchar.core", "camchar.host", "camchar.files", "camchar.api")


def shrinking_list() -> list[str]:
    sections = [section for section in CONFIG["tool"]["mypy"]["overrides"] if section.get("ignore_errors")]
    assert len(sections) == 1, "one [[tool.mypy.overrides]] section with ignore_errors: the shrinking list"
    return sections[0]["module"]


def module_exists(name: str) -> bool:
    for package, root in ROOTS.items():
        if name == package or name.startswith(package + "."):
            relative = name[len(package) :].lstrip(".").replace(".", "/")
            base = root / relative if relative else root
            return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    return False


def test_the_shrinking_list_is_sorted_and_names_existing_modules():
    modules = shrinking_list()
    assert modules == sorted(modules)
    assert [name for name in modules if not module_exists(name)] == [], "take deleted or renamed modules off the list"


def test_core_host_files_and_api_are_never_on_the_shrinking_list():
    assert [name for name in shrinking_list() if name.startswith(ALWAYS_CHECKED)] == []


def test_errors_are_never_ignored_globally():
    mypy = CONFIG["tool"]["mypy"]
    assert "ignore_errors" not in mypy and "ignore_missing_imports" not in mypy
    for section in mypy["overrides"]:
        modules = section["module"] if isinstance(section["module"], list) else [section["module"]]
        assert "*" not in modules and "camchar.*" not in modules


def test_the_dev_extra_pins_every_tool():
    dev = CONFIG["project"]["optional-dependencies"]["dev"]
    assert {re.split(r"[=<>!~]", requirement)[0] for requirement in dev} >= {"ruff", "mypy", "types-PyYAML"}
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", requirement) for requirement in dev), dev


def test_ci_runs_ruff_and_mypy_after_installing_the_dev_extra():
    script = (REPO / ".ci" / "run").read_text()
    install = script.index('pip install -e ".[dev]" --config-settings editable_mode=strict')
    assert install < script.index("ruff check framework plugins tests benchmarks") < script.index("&& mypy")
