"""Choosing components: the loader by asking the loaders, the writer by suffix or name, options checked once."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pytest

from camchar.api import BadInput, CamcharWarning, Frame, Loader, Option, Writer, hookimpl
from camchar.host.options import OptionValue
from camchar.settings import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.options import RunOptions
from camchar.testing import build_host


def choose(settings, host, output=None, **options):
    return choose_components(host.components, read_settings(settings), RunOptions(**options), output)


class NpyLoader(Loader):
    name = "npy-frames"
    description = "frames saved with numpy.save, exposure time in the name"
    suffixes = (".npy",)
    options = (Option("saturation", float, 65535.0, "the value a clipped pixel reads", minimum=1.0),)

    def load(self, path, request):
        return Frame(np.load(path), 0.01, self.config["saturation"], Path(path))


class MagicLoader(NpyLoader):
    """Claims .npy files like NpyLoader, but ranks higher: the host must prefer it."""

    name = "npy-magic"
    precedence = 30

    def can_open(self, path):
        return Path(path).suffix == ".npy" and Path(path).read_bytes()[:6] == b"\x93NUMPY"


class Plugin:
    def __init__(self, *components):
        self.components = components

    @hookimpl
    def camchar_register_loaders(self, register):
        for component in self.components:
            if isinstance(component, Loader):
                register(component)

    @hookimpl
    def camchar_register_writers(self, register):
        for component in self.components:
            if isinstance(component, Writer):
                register(component)


def npy_sweep(folder: Path) -> Path:
    folder.mkdir()
    for number in (1, 2):
        np.save(folder / f"F_{number:04}.npy", np.full((4, 6, 1), 100 * number, np.uint16))
    settings = folder / "settings.yml"
    settings.write_text("image_dir: .\nimage_name: F_{:04}.npy\nimages:\n  500: [1]\n  600: [2]\n")
    return settings


def test_the_loader_is_the_one_that_can_open_the_first_file_by_precedence(tmp_path):
    settings = npy_sweep(tmp_path / "s")
    assert choose(settings, build_host(plugins=[Plugin(NpyLoader())])).loader.name == "npy-frames"
    assert choose(settings, build_host(plugins=[Plugin(NpyLoader(), MagicLoader())])).loader.name == "npy-magic"


def test_a_converted_tiff_beside_the_raw_name_wins_as_in_the_original_workflow(sweep, host, tmp_path):
    assert choose(sweep, host).loader.name == "tiff"
    raw_only = tmp_path / "raw-only"
    shutil.copytree(sweep.parent, raw_only)
    for tiff in (raw_only / "raw").glob("*.tiff"):
        tiff.unlink()
    assert choose(raw_only / "settings.yml", host).loader.name == "raw-rgb"


def test_no_loader_for_the_files_is_one_clear_line(tmp_path, host):
    settings = npy_sweep(tmp_path / "s")
    with pytest.raises(BadInput, match=r"F_0001.npy: no loader reads this file \(suffix '.npy'; loaders read .*\.tiff"):
        choose(settings, host)


def test_options_from_the_settings_and_the_flag_reach_the_component(tmp_path):
    settings = npy_sweep(tmp_path / "s")
    settings.write_text(settings.read_text() + "plugins:\n  npy-frames:\n    saturation: 4095\n")
    host = build_host(plugins=[Plugin(NpyLoader())])
    assert choose(settings, host).loader.component.config == {"saturation": 4095.0}
    flagged = choose(settings, host, options={"npy-frames": {"saturation": OptionValue(1023)}})
    assert flagged.loader.component.config == {"saturation": 1023.0}
    assert flagged.provenance()["loader"] == {"name": "npy-frames", "version": "1", "plugin": "Plugin unknown version", "options": {"saturation": 1023.0}}


def test_a_misspelt_option_is_an_error_at_its_line_with_the_closest_name(tmp_path):
    settings = npy_sweep(tmp_path / "s")
    settings.write_text(settings.read_text() + "plugins:\n  npy-frames:\n    saturaton: 4095\n")
    with pytest.raises(BadInput, match=r"settings.yml:8: loader 'npy-frames' has no option 'saturaton'; did you mean 'saturation'\?"):
        choose(settings, build_host(plugins=[Plugin(NpyLoader())]))


def test_options_for_an_unknown_component_are_a_warning(tmp_path):
    settings = npy_sweep(tmp_path / "s")
    settings.write_text(settings.read_text() + "plugins:\n  npy-frame:\n    saturation: 4095\n")
    with pytest.warns(CamcharWarning, match=r"settings.yml:8: options for 'npy-frame', which is no installed component; did you mean 'npy-frames'\?"):
        choose(settings, build_host(plugins=[Plugin(NpyLoader())]))


class CsvWriter(Writer):
    name = "my-csv"
    description = "a csv"
    suffixes = (".tsv",)

    def write(self, samples, path):
        Path(path).write_text("x")


class OtherCsvWriter(CsvWriter):
    name = "other-csv"


def test_two_writers_claiming_a_suffix_warn_and_the_flag_decides(sweep):
    host = build_host(plugins=[Plugin(CsvWriter(), OtherCsvWriter())])
    with pytest.warns(CamcharWarning, match=r"writers 'my-csv' \(Plugin\) and 'other-csv' \(Plugin\) all claim suffix '.tsv'; using 'my-csv'"):
        assert choose(sweep, host, output=Path("o.tsv")).writer.name == "my-csv"
    assert choose(sweep, host, output=Path("o.tsv"), writer="other-csv").writer.name == "other-csv"


def test_an_unknown_component_is_named_with_the_closest_one(sweep, host):
    with pytest.raises(BadInput, match=r"no noise model named 'pair'; available: fpn-unbiased, linear-fpn, pairs, spatial; did you mean 'pairs'\?"):
        choose(sweep, host, noise_model="pair")


def test_a_text_option_from_the_command_line_is_the_text_typed():
    from camchar.cli.arguments import option_assignment
    from camchar.cli.common import component_options
    from camchar.host.options import resolve_options

    declared = [Option("serial", str, "", "camera serial"), Option("gain", float, 1.0, "gain")]
    typed = argparse.Namespace(option=[option_assignment("cam.serial=5e2"), option_assignment("cam.gain=5e2")])
    assert resolve_options("loader 'cam'", declared, component_options(typed)["cam"]) == {"serial": "5e2", "gain": 500.0}
    with pytest.raises(BadInput, match="option 'serial' of loader 'cam' must be a text, got 500.0"):
        resolve_options("loader 'cam'", declared, {"serial": OptionValue(500.0, "settings.yml", 4)})  # YAML read a number
