"""One declared public surface: ``camchar.api.__all__``; ``camchar`` offers the same objects and a few of its own."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import camchar
import camchar.api

#: The helper namespaces of the plugin API, stable like camchar.api itself (docs/plugins/api.md): its public submodules.
NAMESPACES = [f"camchar.api.{module.name}" for module in pkgutil.iter_modules(camchar.api.__path__) if not module.name.startswith("_")]

#: What camchar offers beyond the plugin API, deliberately: the pipelines as functions, for scripts and notebooks.
CAMCHAR_ONLY = {"fit_response", "load_spectra", "Settings", "read_settings", "RunOptions", "run_stats", "build_host", "read_result", "to_pandas"}


@pytest.mark.parametrize("name", camchar.api.__all__)
def test_every_api_name_is_the_same_object_in_camchar(name):
    assert getattr(camchar, name) is getattr(camchar.api, name)


def test_camchar_offers_the_api_and_its_own_names_and_nothing_else():
    assert set(camchar._OWN) == CAMCHAR_ONLY
    assert not CAMCHAR_ONLY & set(camchar.api.__all__)
    assert set(camchar.__all__) == {"__version__", "open", *camchar.api.__all__, *CAMCHAR_ONLY, *camchar._MODULES}
    assert dir(camchar) == sorted(camchar.__all__)
    for name in CAMCHAR_ONLY:
        assert getattr(camchar, name) is not None


def test_star_import_gives_the_declared_names():
    namespace: dict = {}
    exec("from camchar import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(camchar.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Lodaer'"):
        camchar.Lodaer  # noqa: B018


def test_the_namespaces_are_the_documented_ones():
    assert NAMESPACES == ["camchar.api.files", "camchar.api.numerics", "camchar.api.response"]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_namespace_name_exists_once(namespace):
    module = importlib.import_module(namespace)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert getattr(module, name).__doc__, f"{namespace}.{name} has no docstring"


def test_importing_camchar_imports_nothing_heavy():
    program = "import sys, camchar; camchar.__version__; print('numpy' in sys.modules, 'camchar.api' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
