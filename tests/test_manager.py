"""The plugin host: built-ins registered, third-party trouble turned into warnings."""

from __future__ import annotations

import pluggy
import pytest

from camchar import hookimpl
from camchar.components import Components
from camchar.errors import BadInput, CamcharWarning
from camchar.manager import build_host
from camchar.plugins import BUILTIN_PLUGINS


def test_builtins_register_their_components(host):
    assert host.components.names("loaders") == ["raw-bayer", "raw-rgb", "tiff"]
    assert host.components.names("selectors") == ["best-snr", "longest-unsaturated"]
    assert host.components.names("noise_models") == ["fpn-unbiased", "linear-fpn", "pairs", "spatial"]
    assert host.components.names("writers") == ["camera-samples-h5"]
    for module in BUILTIN_PLUGINS:
        assert host.plugins[module].origin == "built-in"
    assert host.components.get("loaders", "tiff").plugin == "camchar.plugins.loaders.tiff"


def test_markers_use_the_project_name():
    assert hookimpl.project_name == "camchar"


class FakeSelector:
    name = "best-snr"
    description = "a duplicate"

    def select(self, frames):
        return None


def test_duplicate_names_keep_the_first_with_a_warning():
    components = Components()
    components.add("selectors", FakeSelector(), "first", "1")
    with pytest.warns(CamcharWarning, match="plugin second: selector 'best-snr' is registered already by first"):
        components.add("selectors", FakeSelector(), "second", "2")
    assert components.get("selectors", "best-snr").plugin == "first"


def test_malformed_components_are_ignored_with_a_warning():
    components = Components()
    with pytest.warns(CamcharWarning, match="plugin odd: ignored a loader that is not a Loader"):
        components.add("loaders", FakeSelector(), "odd", None)
    assert components.names("loaders") == []


def test_unknown_names_list_the_choices():
    components = Components()
    components.add("selectors", FakeSelector(), "first", "1")
    with pytest.raises(BadInput, match="no selector named 'x'; available: best-snr"):
        components.get("selectors", "x")


def test_plugin_failing_in_its_hook_is_skipped_with_a_warning(monkeypatch):
    class Broken:
        @hookimpl
        def camchar_register_selectors(self, register):
            raise RuntimeError("boom")

    original = pluggy.PluginManager.check_pending

    def register_broken_first(manager):
        if manager.get_plugin("broken") is None:
            manager.register(Broken(), name="broken")
        return original(manager)

    monkeypatch.setattr(pluggy.PluginManager, "check_pending", register_broken_first)
    with pytest.warns(CamcharWarning, match=r"plugin broken failed in camchar_register_selectors: RuntimeError\(.boom.\)"):
        host = build_host()
    assert host.components.names("selectors") == ["best-snr", "longest-unsaturated"]


def test_plugin_implementing_an_unknown_hook_is_dropped(monkeypatch):
    class Misspelt:
        @hookimpl
        def camchar_register_loader(self, register):
            pass

    original = pluggy.PluginManager.check_pending
    calls = []

    def register_misspelt_once(manager):
        if not calls:
            calls.append(1)
            manager.register(Misspelt(), name="misspelt")
        return original(manager)

    monkeypatch.setattr(pluggy.PluginManager, "check_pending", register_misspelt_once)
    with pytest.warns(CamcharWarning, match="plugin misspelt is skipped"):
        host = build_host()
    assert host.manager.get_plugin("misspelt") is None
    assert host.components.names("loaders") == ["raw-bayer", "raw-rgb", "tiff"]
