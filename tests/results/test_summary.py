"""camchar show: the summary's numbers are the file's, its JSON is the same dictionary, its tables fit 80 columns."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from rich.console import Console

from camchar.results import read_result, show, summarise
from camchar.results.summary import format_number
from camchar.results.units import display_units

from .conftest import EMVA_TRUTH, NIKON, RESPONSE, h5_attr, h5_value, write_samples


def rendered(path_or_summary, width: int = 80, **console_options) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, **console_options)
    show(path_or_summary, console)
    return console.file.getvalue()


def channel_matrix(summary: dict, table: str, quantity: str) -> np.ndarray:
    rows = summary["tables"][table]["rows"]
    return np.array([[values[quantity] for values in row["channels"].values()] for row in rows], dtype=np.float64)


def test_samples_summary_holds_the_file_values(camchar_file):
    summary = summarise(camchar_file)
    assert summary["kind"] == "samples" and summary["file"] == str(camchar_file)
    measured = summary["measured"]
    assert (measured["label"], measured["camera"], measured["settings"]) == ("fixture sweep", "Test Camera (synthetic DNG)", "ISO 100")
    mean, std = h5_value(camchar_file, "samples"), h5_value(camchar_file, "samples_std")
    assert np.array_equal(channel_matrix(summary, "samples", "mean"), mean)
    assert np.array_equal(channel_matrix(summary, "samples", "std"), std)
    assert np.array_equal(channel_matrix(summary, "samples", "snr"), mean / std)
    rows = summary["tables"]["samples"]["rows"]
    assert [row["wavelength"] for row in rows] == h5_value(camchar_file, "nominal_wavelength").tolist()
    assert [row["exposure_time"] for row in rows] == h5_value(camchar_file, "exposure_time").tolist()
    assert [row["image_number"] for row in rows] == h5_value(camchar_file, "camchar/image_number").tolist()
    assert summary["tables"]["samples"]["units"] == "counts/s"


def test_samples_peaks_are_the_largest_means(camchar_file):
    merit = summarise(camchar_file)["figures_of_merit"]["samples"]
    mean, wavelength = h5_value(camchar_file, "samples"), h5_value(camchar_file, "nominal_wavelength")
    for column, channel in enumerate("RGB"):
        peak = merit["channels"][channel]
        assert peak["peak_mean"] == mean[:, column].max()
        assert mean[wavelength == peak["peak_wavelength"], column][0] == mean[:, column].max()


def test_provenance_names_components_and_versions(camchar_file):
    provenance = summarise(camchar_file)["provenance"]
    attributes = {key: h5_attr(camchar_file, "camchar", key) for key in ("version", "loader", "loader_plugin", "noise_model")}
    assert provenance["camchar_version"] == attributes["version"]
    roles = {item["role"]: item for item in provenance["components"]}
    assert list(roles) == ["loader", "selector", "noise_model", "writer"]
    assert roles["loader"] == {"role": "loader", "name": attributes["loader"], "plugin": attributes["loader_plugin"]}
    assert roles["noise_model"]["name"] == attributes["noise_model"]
    assert provenance["settings_yaml"] == h5_attr(camchar_file, "camchar", "settings_yaml")
    assert "max" in provenance["other"]


def test_original_file_has_no_provenance():
    summary = summarise(NIKON)
    assert summary["provenance"] == {"camchar_version": None, "components": [], "settings_file": None, "settings_yaml": None, "other": {}}
    assert summary["measured"]["wavelengths"] == {"count": 111, "first": 300, "last": 850, "units": "nm"}
    assert "exposure_time" in summary["tables"]["samples"]["rows"][0]
    assert "image_number" not in summary["tables"]["samples"]["rows"][0]
    assert "none recorded" in rendered(NIKON)


def test_response_summary():
    summary = summarise(RESPONSE)
    merit = summary["figures_of_merit"]["response"]
    assert merit["r2"] == h5_attr(RESPONSE, "response_mean", "R2")
    assert merit["alpha"] == h5_attr(RESPONSE, "response_mean", "alpha")
    assert merit["method"] == "ridge-smooth" and merit["draws"] == 100
    mean, wavelength = h5_value(RESPONSE, "response_mean"), h5_value(RESPONSE, "wavelength")
    peaks = {channel: merit["channels"][channel]["peak_wavelength"] for channel in "RGB"}
    assert peaks == {channel: wavelength[mean[:, column].argmax()] for column, channel in enumerate("RGB")}
    # what the original workflow's notes give for this run, to the nanometre: 597 nm (R), 533 nm (G), 457 nm (B)
    assert all(abs(peaks[channel] - expected) <= 1 for channel, expected in zip("RGB", (597, 533, 457)))
    assert np.array_equal(channel_matrix(summary, "response", "mean"), mean)
    fit = h5_value(RESPONSE, "samples/mean") - h5_value(RESPONSE, "samples/estimate_mean")
    assert np.array_equal(channel_matrix(summary, "fit", "residual"), fit)


def test_emva_summary(emva_file):
    summary = summarise(emva_file)
    assert summary["kinds"] == ["samples", "emva1288"]
    parameters = {item["name"]: item for item in summary["figures_of_merit"]["emva1288"]["parameters"]}
    for name, (values, units) in EMVA_TRUTH.items():
        assert parameters[name]["units"] == units
        assert [parameters[name]["values"][channel] for channel in "RGB"] == values
    gain_line = summary["figures_of_merit"]["emva1288"]["gain_line"]
    assert [gain_line[channel]["slope"] for channel in "RGB"] == EMVA_TRUTH["system_gain"][0]
    ptc = summary["tables"]["photon_transfer"]
    assert np.array_equal(
        np.array([[row["channels"][channel]["variance"] for channel in "RGB"] for row in ptc["rows"]]),
        h5_value(emva_file, "emva1288/ptc_variance"),
    )
    text = rendered(emva_file)
    assert "EMVA 1288" in text and "system gain" in text and "DN/e-" in text


@pytest.mark.parametrize("fixture", ["camchar_file", "bayer_file", "emva_file", "nikon", "response"])
def test_json_is_the_summary(fixture, request):
    path = {"nikon": NIKON, "response": RESPONSE}.get(fixture) or request.getfixturevalue(fixture)
    console = Console(file=io.StringIO(), width=80)
    show(path, console, as_json=True)
    text = console.file.getvalue()
    assert "\x1b" not in text
    assert json.loads(text) == summarise(path)


def test_json_has_no_nan(tmp_path):
    """NaN and division by zero become null: the JSON stays valid for strict parsers."""
    mean = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    std = np.array([[0.5, 1.0, 0.0], [1.0, 1.0, 1.0]])
    path = write_samples(tmp_path / "nan.h5", mean, std)
    console = Console(file=io.StringIO())
    show(path, console, as_json=True)
    data = json.loads(console.file.getvalue(), parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    first = data["tables"]["samples"]["rows"][0]["channels"]
    assert first["G"] == {"mean": None, "std": 1.0, "snr": None}
    assert first["B"]["snr"] is None and first["R"]["snr"] == 2.0


@pytest.mark.parametrize("fixture", ["camchar_file", "bayer_file", "emva_file", "nikon", "response"])
def test_tables_fit_80_columns_and_show_the_numbers(fixture, request):
    path = {"nikon": NIKON, "response": RESPONSE}.get(fixture) or request.getfixturevalue(fixture)
    text = rendered(path)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    summary = summarise(path)
    table = "samples" if "samples" in summary["tables"] else "response"
    rows = summary["tables"][table]["rows"]
    # long tables are thinned to at most 61 wavelengths, by a round step that the caption states
    stride = {"nikon": 2, "response": 10}.get(fixture, 1)
    assert (f"one wavelength in {stride} of {len(rows)} shown" in text) == (stride > 1)
    rows = rows[::stride]
    title = "Samples per wavelength" if table == "samples" else "Response per wavelength"
    assert f"{title} [{display_units(summary['tables'][table]['units'])}]" in text  # shown with unit symbols
    lines = iter(text.splitlines())
    for row in rows:  # every shown number, whole and in order: none was wrapped or cut
        for position, (channel, values) in enumerate(row["channels"].items()):
            expected = [format_number(values["mean"]), format_number(values["std"]), format_number(values["snr"], 4)]
            if position == 0:
                expected = [format_number(row["wavelength"], 6), channel, *expected]
            pattern = r"\s+".join(map(re.escape, expected))
            assert any(re.search(rf"(^|\s){pattern}(\s|$)", line) for line in lines), (row["wavelength"], channel)


def test_file_text_is_not_markup(tmp_path):
    path = write_samples(tmp_path / "m.h5", np.ones((2, 3)), np.ones((2, 3)), label="[bold red]loud[/] [link=x]y", warnings=["[red]w[/]"])
    text = rendered(path)
    assert "[bold red]loud[/] [link=x]y" in text
    assert "- [red]w[/]" in text


def test_warnings_are_shown(tmp_path):
    path = write_samples(tmp_path / "w.h5", np.ones((2, 3)), np.ones((2, 3)), warnings=["bracket at 450 nm: no usable frame"])
    assert summarise(path)["warnings"] == ["bracket at 450 nm: no usable frame"]
    text = rendered(path)
    assert "Warnings recorded during the run" in text and "- bracket at 450 nm: no usable frame" in text


def test_no_color_is_respected(tmp_path, monkeypatch):
    path = write_samples(tmp_path / "w.h5", np.ones((2, 3)), np.ones((2, 3)), warnings=["careful"])
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]")

    def terminal_output() -> str:
        console = Console(width=80, file=io.StringIO(), force_terminal=True, color_system="truecolor")
        show(path, console)
        return console.file.getvalue()

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour.search(terminal_output()), "the warnings heading is yellow on a colour terminal"
    monkeypatch.setenv("NO_COLOR", "1")
    plain = terminal_output()
    assert "careful" in plain and not colour.search(plain)


def test_summarise_accepts_a_result(camchar_file):
    assert summarise(read_result(camchar_file)) == summarise(camchar_file)
