"""The plugin host: built-ins registered, third-party trouble turned into warnings, plugin objects for tests."""

from __future__ import annotations

import pytest

from camchar.api import Selector, hookimpl
from camchar.core.errors import CamcharWarning
from camchar.host.registry import Components, PluginInfo
from camchar.plugins import BUILTIN_PLUGINS
from camchar.testing import build_host


def test_builtins_register_their_components(host):
    assert host.components.names("loaders") == ["imageio", "raw-bayer", "raw-rgb", "tiff"]
    assert host.components.names("selectors") == ["best-snr", "longest-unsaturated"]
    assert host.components.names("noise_models") == ["fpn-unbiased", "linear-fpn", "pairs", "spatial"]
    writers = ["camera-response-h5", "camera-samples-h5", "colour", "csv", "dcamprof", "json", "mica", "monochromator-spectra-h5"]
    assert host.components.names("writers") == [*writers, "rawtoaces", "response-xlsx", "xlsx"]
    assert host.components.names("spectrometer_readers") == ["csv-spectrum", "oceanview"]
    for module in BUILTIN_PLUGINS:
        assert host.plugins[module].origin == "built-in"
    tiff = host.components.get("loaders", "tiff")
    assert tiff.plugin.name == "camchar.plugins.loaders.tiff" and tiff.plugin.built_in
    assert tiff.plugin.label.startswith("camchar ")


def test_markers_use_the_project_name():
    assert hookimpl.project_name == "camchar"


class FakeSelector(Selector):
    name = "best-snr"
    description = "a duplicate"

    def select(self, frames):
        return None


FIRST, SECOND = PluginInfo("first", "1", "object"), PluginInfo("second", "2", "object")


def test_duplicate_names_keep_the_first_with_a_warning():
    components = Components()
    components.add("selectors", FakeSelector(), FIRST)
    with pytest.warns(CamcharWarning, match="plugin second: selector 'best-snr' is registered already by first"):
        components.add("selectors", FakeSelector(), SECOND)
    assert components.get("selectors", "best-snr").plugin is FIRST


def test_components_that_do_not_subclass_their_base_are_ignored_with_a_warning():
    class DuckSelector:
        name = "duck"
        description = "quacks like a selector"

        def select(self, frames):
            return None

    components = Components()
    with pytest.warns(CamcharWarning, match="plugin first: ignored a selector that does not subclass camchar.api.Selector"):
        components.add("selectors", DuckSelector(), FIRST)
    with pytest.warns(CamcharWarning, match="plugin first: ignored a loader that does not subclass camchar.api.Loader"):
        components.add("loaders", FakeSelector(), FIRST)
    assert components.names("selectors") == components.names("loaders") == []


def test_a_component_without_a_name_is_ignored_with_a_warning():
    class Nameless(FakeSelector):
        name = ""

    with pytest.warns(CamcharWarning, match="ignored a selector without a name"):
        Components().add("selectors", Nameless(), FIRST)


class FirstFrame(Selector):
    name = "first-frame"
    description = "The first usable frame of each bracket"

    def select(self, frames):
        return frames[0] if frames else None


class FirstFramePlugin:
    @hookimpl
    def camchar_register_selectors(self, register):
        register(FirstFrame())


def test_plugin_objects_are_registered_without_patching_pluggy():
    host = build_host(plugins=[FirstFramePlugin()])
    registered = host.components.get("selectors", "first-frame")
    assert registered.plugin.origin == "object" and registered.plugin.name == "FirstFramePlugin"
    assert "first-frame" not in build_host().components.names("selectors"), "a fresh host has only the built-ins"


def test_plugin_failing_in_its_hook_is_skipped_with_a_warning():
    class Broken:
        @hookimpl
        def camchar_register_selectors(self, register):
            raise RuntimeError("boom")

    with pytest.warns(CamcharWarning, match=r"plugin Broken failed in camchar_register_selectors: RuntimeError\(.boom.\)"):
        host = build_host(plugins=[Broken()])
    assert host.components.names("selectors") == ["best-snr", "longest-unsaturated"]


def test_a_misspelt_hook_drops_the_plugin_and_names_the_right_hook():
    class Misspelt:
        @hookimpl
        def camchar_register_loader(self, register):
            pass

    with pytest.warns(CamcharWarning, match="plugin Misspelt is skipped: 'camchar_register_loader' is not a camchar hook; did you mean 'camchar_register_loaders'"):
        host = build_host(plugins=[Misspelt()])
    assert host.manager.get_plugin("Misspelt") is None
    assert host.components.names("loaders") == ["imageio", "raw-bayer", "raw-rgb", "tiff"]


def test_the_listing_says_what_each_writer_writes_and_each_components_version(host):
    from camchar.host.listing import describe_plugins, format_plugins

    entries = describe_plugins(host, include_builtins=True)
    writers = {component["name"]: component for entry in entries for component in entry["components"].get("writers", [])}
    assert writers["camera-response-h5"]["results"] == ["response"] and writers["csv"]["results"] == ["samples", "response"]
    assert all(component["version"] == "1" for component in writers.values())
    assert "camera-samples-h5 [.h5 .hdf5] (writes samples):" in format_plugins(entries)
