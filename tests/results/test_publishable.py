"""Issue 25, results a scientist would publish: what the pages, tables and figures say, checked against the files.

The fast tests read small files written here; the figure tests (matplotlib) are slow.
"""

from __future__ import annotations

import io
import json
import re
import shutil

import h5py
import numpy as np
import pytest
from rich.console import Console

from camchar.results import read_result, show, summarise
from camchar.results.summary import provenance_facts
from camchar.results.tidy import tidy_table
from camchar.results.units import display_units

from .conftest import DATA, EMVA_TRUTH, add_emva_group, h5_value, write_response, write_samples

GAIN_ERRORS = [0.0012, 0.0009, 0.0026]


def shown(path) -> str:
    console = Console(file=io.StringIO(), width=80, no_color=True)
    show(path, console)
    return console.file.getvalue()


def camchar_response(path):
    """A response file with the provenance ``camchar response`` writes: JSON texts, full hashes, unrounded seconds."""
    write_response(path)
    with h5py.File(path, "a") as f:
        group = f.create_group("camchar")
        group.attrs.update(
            {
                "version": "0.3.0",
                "method": "ridge-smooth",
                "method_plugin": "camchar 0.3.0",
                "writer": "camera-response-h5",
                "component_options": json.dumps({"method": {"beta": 2.0}, "spectra_reader": {}}),
                "inputs": json.dumps(
                    {
                        "samples": {"path": "/lab/2024/sweep/images.h5", "sha256": "ab986cc4ccd0" + "e" * 52},
                        "source": {"path": "/lab/2024/spectra.h5", "sha256": "7378fb7c6e81" + "f" * 52},
                    }
                ),
                "options": json.dumps({"n_draws": 100, "seed": None, "non_negative": False}),
                "parameters": json.dumps({"alpha": 0.0004959681276350687, "bandwidth_source": "automatic"}),
                "software": json.dumps({"h5py": "3.16.0", "numpy": "2.4.6"}),
                "seconds": 12.361780223999972,
                "source_metadata": json.dumps({"spectrometer": "USB4E02642", "n": 10}),
            }
        )
    return path


# ----------------------------------------------------------------------------------------------------------------
# Units


@pytest.mark.parametrize(
    ("stored", "displayed"),
    [
        ("uW/cm2/nm", "µW/cm²/nm"),
        ("(counts/s)/(uW/cm2/nm)", "(counts/s)/(µW/cm²/nm)"),
        ("DN^2", "DN²"),
        ("DN/e-", "DN/e-"),
        ("counts/s", "counts/s"),
        ("us", "µs"),
        ("m^-1", "m⁻¹"),
    ],
)
def test_units_are_displayed_with_their_symbols(stored, displayed):
    assert display_units(stored) == displayed


def test_the_stored_unit_strings_are_unchanged(tmp_path):
    path = write_response(tmp_path / "r.h5")
    assert read_result(path).response.units == "(counts/s)/(uW/cm2/nm)"
    assert "Response per wavelength [(counts/s)/(µW/cm²/nm)]" in shown(path)
    assert summarise(path)["tables"]["response"]["units"] == "(counts/s)/(uW/cm2/nm)"  # --json: the file's string


# ----------------------------------------------------------------------------------------------------------------
# Provenance as readable lines


def test_provenance_reads_as_lines_without_json(tmp_path):
    facts = dict(provenance_facts(summarise(camchar_response(tmp_path / "r.h5"))))
    assert not [line for line in facts.values() if re.search(r"[{}\[\]\"]", line)]  # no JSON anywhere
    assert not [line for line in facts.values() if re.search(r"[0-9a-f]{13,}", line)]  # hashes short
    assert facts["input samples"] == "images.h5 (sha256 ab986cc4ccd0)"  # a short path and a short hash
    assert facts["input source"] == "spectra.h5 (sha256 7378fb7c6e81)"
    assert facts["run time"] == "12.4 s"
    assert facts["method"] == "ridge-smooth (camchar 0.3.0); options beta: 2"  # a component with its options
    assert facts["parameters"] == "alpha: 0.00049597, bandwidth_source: automatic"
    assert facts["software"] == "h5py 3.16.0, numpy 2.4.6"
    assert facts["source metadata"] == "spectrometer: USB4E02642, n: 10"


def test_show_prints_no_raw_json(tmp_path):
    text = shown(camchar_response(tmp_path / "r.h5"))
    provenance = text[text.index("Provenance") : text.index("Peaks of the response")]
    assert "{" not in provenance and "}" not in provenance and "12.361780" not in provenance


def test_the_saturation_source_reads_in_words(tmp_path):
    path = write_samples(tmp_path / "s.h5", np.full((3, 3), 100.0), np.ones((3, 3)), provenance={"version": "0.3.0", "saturation_source": "loader"})
    assert dict(provenance_facts(summarise(path)))["saturation level from"] == "the loader's full scale"


# ----------------------------------------------------------------------------------------------------------------
# The response's unmeasured range


def test_the_response_says_extrapolated_outside_its_samples(tmp_path):
    path = write_response(tmp_path / "r.h5")  # bins 400 to 700 nm, samples 420 to 680 nm
    wavelength, nominal = h5_value(path, "wavelength"), h5_value(path, "samples/nominal_wavelength")
    outside = (wavelength < nominal.min()) | (wavelength > nominal.max())
    assert outside.tolist() == [True, True] + [False] * 27 + [True, True]  # the fixture's two bins at each end
    snr = h5_value(path, "response_mean") / h5_value(path, "response_std")
    rows = summarise(path)["tables"]["response"]["rows"]
    for row, extrapolated, expected in zip(rows, outside, snr):
        values = [row["channels"][channel]["snr"] for channel in "RGB"]
        assert values == (["extrapolated"] * 3 if extrapolated else list(expected))
    lines = [line.split() for line in shown(path).splitlines() if line.strip().endswith("extrapolated")]
    assert lines[0][:2] == ["400", "R"] and len(lines) == 12  # four wavelengths, three channels: the same layout
    _, table = tidy_table([read_result(path)])
    exported = [row["snr"] for row in table if row["table"] == "response" and row["wavelength_nm"] == 700.0]
    assert exported == ["extrapolated"] * 3


def test_a_response_without_its_samples_has_no_extrapolated_range_and_says_why(tmp_path):
    path = write_response(tmp_path / "r.h5")
    with h5py.File(path, "a") as f:
        del f["samples"]
    summary = summarise(path)
    assert all(isinstance(row["channels"]["R"]["snr"], float) for row in summary["tables"]["response"]["rows"])
    assert any("no fitted samples" in line for line in summary["absent"])


# ----------------------------------------------------------------------------------------------------------------
# EMVA 1288: value ± standard error, and why a figure is absent


def emva_samples(tmp_path, note: str | None = None):
    provenance = {"version": "0.3.0"} | ({"emva1288_note": note} if note else {})
    path = write_samples(tmp_path / "s.h5", np.full((4, 3), 1e5), np.full((4, 3), 100.0), provenance=provenance)
    add_emva_group(path)
    with h5py.File(path, "a") as f:
        f["emva1288/system_gain"].attrs["standard_error"] = np.array(GAIN_ERRORS)
    return path


def test_k_is_shown_with_its_standard_error(tmp_path):
    path = emva_samples(tmp_path)
    gain = EMVA_TRUTH["system_gain"][0]
    line = next(line for line in shown(path).splitlines() if line.startswith("system gain"))
    assert line.split()[3:] == [format(gain[0], ".4g"), "±", "0.0012", format(gain[1], ".4g"), "±", "0.0009", format(gain[2], ".4g"), "±", "0.0026"]
    parameters = {item["name"]: item for item in summarise(path)["figures_of_merit"]["emva1288"]["parameters"]}
    assert parameters["system_gain"]["standard_errors"] == dict(zip("RGB", GAIN_ERRORS))
    assert parameters["dark_noise"]["standard_errors"] is None  # the file gives none: the value alone


def test_a_standard_error_that_is_not_one_per_channel_is_refused(tmp_path, run):
    path = emva_samples(tmp_path)
    with h5py.File(path, "a") as f:
        f["emva1288/system_gain"].attrs["standard_error"] = np.array([0.1, 0.2])
    ran = run("show", path)
    assert ran.returncode == 2
    assert ran.stderr == f"camchar: error: {path}: /emva1288/system_gain: its standard_error attribute is not one number per channel (3)\n"


def test_why_a_figure_is_absent(tmp_path):
    plain = write_samples(tmp_path / "plain.h5", np.full((3, 3), 100.0), np.ones((3, 3)))
    assert any(line.startswith("No photon-transfer figure") for line in summarise(plain)["absent"])
    noted = emva_samples(tmp_path, note="saturation and dynamic range left out: the values pile up at the loader's full scale")
    absent = summarise(noted)["absent"]
    assert absent == ["EMVA 1288: saturation and dynamic range left out: the values pile up at the loader's full scale."]
    assert absent[0] in " ".join(shown(noted).split())


# ----------------------------------------------------------------------------------------------------------------
# Labels


def test_files_of_one_label_and_name_are_told_apart_by_their_paths(tmp_path):
    pandas = pytest.importorskip("pandas")
    from camchar.results import to_pandas
    from camchar.results.figures import display_names

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_samples(tmp_path / folder / "images.h5", np.full((3, 3), 10.0 if folder == "a" else 30.0), np.ones((3, 3)), label="sim")
    paths = [tmp_path / "a" / "images.h5", tmp_path / "b" / "images.h5"]
    assert display_names([read_result(path) for path in paths]) == ["sim (a/images.h5)", "sim (b/images.h5)"]
    frame = to_pandas(paths)
    pivot = frame.pivot_table(index="wavelength_nm", columns=["label", "channel"], values="mean_counts_per_s")
    assert list(pivot.columns.get_level_values(0).unique()) == ["sim (a/images.h5)", "sim (b/images.h5)"]
    assert pivot[("sim (a/images.h5)", "R")].tolist() == [10.0] * 3 and pivot[("sim (b/images.h5)", "R")].tolist() == [30.0] * 3  # not averaged to 20
    assert isinstance(frame, pandas.DataFrame)


def test_a_lone_label_stays_as_the_file_gives_it(tmp_path):
    path = write_samples(tmp_path / "images.h5", np.full((3, 3), 10.0), np.ones((3, 3)), label="sim")
    _, rows = tidy_table([read_result(path)])
    assert {row["label"] for row in rows} == {"sim"}


def test_simulate_labels_its_sweep_after_the_folder(tmp_path, run):
    ran = run("simulate", tmp_path / "bench-3", "--size", "16x12", "--wavelengths", "400,420", "--exposures", "1/20", "-q")
    assert ran.returncode == 0, ran.stderr
    import yaml

    assert yaml.safe_load((tmp_path / "bench-3" / "settings.yml").read_text())["label"] == "bench-3"


# ----------------------------------------------------------------------------------------------------------------
# The exposure record


def test_stats_records_each_brackets_offered_and_overexposed_exposures(camchar_file):
    brackets = read_result(camchar_file).provenance["exposure_brackets"]
    selected = h5_value(camchar_file, "exposure_time")
    assert [bracket["wavelength"] for bracket in brackets] == list(h5_value(camchar_file, "nominal_wavelength"))
    assert [bracket["selected"] for bracket in brackets] == list(selected)
    for bracket in brackets:
        assert bracket["selected"] in bracket["offered"] and bracket["selected"] not in bracket["overexposed"]
        assert set(bracket["overexposed"]) <= set(bracket["offered"])
    assert sum(len(bracket["overexposed"]) for bracket in brackets) > 0  # the fixture sweep overexposes some frames
    with h5py.File(camchar_file, "r") as f:  # stored additively: the layout's datasets unchanged
        assert isinstance(f["camchar"].attrs["exposure_brackets"], str)


# ----------------------------------------------------------------------------------------------------------------
# Response progress: each step once, its count once


class _Recorder:
    """A reporter that records the steps it is asked to show and what each is told."""

    def __init__(self):
        self.steps: list[str] = []
        self.statuses: list[object] = []

    def step(self, title, total, status=""):
        self.steps.append(title)
        recorder = self

        class _Bar:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def advance(self, amount=1, status=None):
                recorder.statuses.append(status)

        return _Bar()


def test_the_response_progress_shows_each_stage_once_with_one_count():
    from camchar.response.run import _progress

    recorder = _Recorder()
    progress = _progress(recorder)
    for done in range(1, 6):
        progress("alpha", done, 0)
    for done in (0, 40, 80, 100):
        progress("bootstrap", done, 100)
    assert recorder.steps == ["choosing alpha: fits tried", "bootstrap draws"]
    assert set(recorder.statuses) == {None}  # the bar's own column shows the count; no second copy as status


# ----------------------------------------------------------------------------------------------------------------
# Figures (matplotlib: slow)


def lines_of(ax) -> list:
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


@pytest.mark.slow
def test_the_response_figure_shades_and_labels_the_extrapolated_range(tmp_path):
    from matplotlib.patches import Polygon, Rectangle

    from camchar.results import panel_figure

    path = write_response(tmp_path / "r.h5")
    nominal = h5_value(path, "samples/nominal_wavelength")
    figure = panel_figure([path], "response")
    (ax,) = figure.axes
    spans = [patch for patch in ax.patches if isinstance(patch, (Polygon, Rectangle)) and patch.get_label() == "extrapolated"]
    extents = sorted(tuple(np.round(patch.get_extents().transformed(ax.transData.inverted()).intervalx, 6)) for patch in spans)
    left, right = ax.get_xlim()
    assert extents == [(round(left, 6), nominal.min()), (nominal.max(), round(right, 6))]
    assert [text.get_text() for text in ax.texts] == ["extrapolated", "extrapolated"]
    key = [text.get_text() for text in figure.legends[0].get_texts()]
    assert "band: ± std of 100 bootstrap draws: noise only, no bias" in key
    assert "extrapolated: not measured" in key
    assert ax.get_ylabel() == "Sensitivity [(counts/s)/(µW/cm²/nm)]"
    assert figure.get_suptitle() == "Synthetic camera — r.h5"


@pytest.mark.slow
def test_the_residuals_are_relative_with_the_samples_noise_band(tmp_path):
    from matplotlib.collections import PolyCollection

    from camchar.results import panel_figure

    path = write_response(tmp_path / "r.h5")
    (ax,) = panel_figure([path], "residuals").axes
    measured, estimate, noise = (h5_value(path, f"samples/{name}")[:, 1] for name in ("mean", "estimate_mean", "std"))
    green = next(line for line in lines_of(ax) if line.get_label().endswith(": G"))
    assert np.allclose(green.get_ydata(), 100 * (measured - estimate) / measured, rtol=1e-12)
    assert green.get_marker() not in ("None", None, "")  # markers on the measured points
    band = [item for item in ax.collections if isinstance(item, PolyCollection)][1]
    assert band.get_paths()[0].vertices[:, 1].max() == pytest.approx((100 * noise / measured).max())
    assert ax.get_ylabel() == "(measured − estimate) / measured [%]"


@pytest.mark.slow
def test_photon_transfer_is_log_log_with_residuals_and_k_with_its_error(tmp_path):
    from camchar.results import overview_figure

    path = emva_samples(tmp_path)
    figure = overview_figure([path], kind="emva1288")
    ptc, residuals = figure.axes
    assert (ptc.get_xscale(), ptc.get_yscale(), residuals.get_xscale()) == ("log", "log", "log")
    gain = EMVA_TRUTH["system_gain"][0]
    assert [text.get_text() for text in figure.legends[0].get_texts()] == [
        f"{channel}: K = {value:.4g} ± {error:.2g} DN/e-" for channel, value, error in zip("RGB", gain, GAIN_ERRORS)
    ]
    assert ptc.get_ylabel() == "Temporal variance [DN²]"
    mean, variance = h5_value(path, "emva1288/ptc_mean")[:, 0], h5_value(path, "emva1288/ptc_variance")[:, 0]
    line = gain[0] * mean + h5_value(path, "emva1288/ptc_offset")[0]
    red = next(line for line in lines_of(residuals) if line.get_label().endswith(": R"))
    shown_points = (mean > 0) & (variance > 0)
    assert np.allclose(red.get_ydata(), 100 * (variance - line)[shown_points] / line[shown_points])


@pytest.mark.slow
def test_the_noise_panels_in_dn_at_the_exposure_and_in_electrons(tmp_path):
    from camchar.results import overview_figure, panel_figure

    path = emva_samples(tmp_path)
    std, exposure = h5_value(path, "samples_std"), h5_value(path, "exposure_time")
    (dn,) = panel_figure([path], "noise").axes
    assert dn.get_ylabel() == "Temporal noise [DN]"
    assert np.array_equal(lines_of(dn)[2].get_ydata(), std[:, 2] * exposure)
    (electrons,) = panel_figure([path], "noise-electrons").axes
    assert electrons.get_ylabel() == "Temporal noise [e-]"
    assert np.allclose(lines_of(electrons)[2].get_ydata(), std[:, 2] * exposure / EMVA_TRUTH["system_gain"][0][2])
    plain = write_samples(tmp_path / "plain.h5", std * 100, std)
    titles = {ax.get_title("left") for ax in overview_figure([plain]).axes}
    assert "Noise at the selected exposure" in titles and "Noise in electrons, through K" not in titles  # no K: no electrons


@pytest.mark.slow
def test_the_exposure_panel_shows_offered_overexposed_and_selected(camchar_file):
    from camchar.results import panel_figure

    brackets = read_result(camchar_file).provenance["exposure_brackets"]
    figure = panel_figure([camchar_file], "exposure")
    (ax,) = figure.axes
    named = {line.get_label().rsplit(": ", 1)[1]: line for line in lines_of(ax)}
    offered = sorted(zip(named["offered"].get_xdata(), named["offered"].get_ydata()))
    assert offered == sorted({(b["wavelength"], t) for b in brackets for t in b["offered"]})
    overexposed = sorted(zip(named["overexposed"].get_xdata(), named["overexposed"].get_ydata()))
    assert overexposed == sorted({(b["wavelength"], t) for b in brackets for t in b["overexposed"]})
    assert list(named["selected"].get_ydata()) == [b["selected"] for b in brackets]
    assert [text.get_text() for text in figure.legends[0].get_texts()] == ["offered", "overexposed"]


@pytest.mark.slow
def test_the_report_shows_the_new_elements(tmp_path):
    from camchar.results import render_report

    response = camchar_response(tmp_path / "r.h5")
    samples = emva_samples(tmp_path, note="saturation and dynamic range left out: no pile-up")
    page = render_report([samples, response])
    provenance = re.findall(r"<h3>Provenance</h3>(.*?)</section>", page, re.S)
    assert len(provenance) == 2 and not any("{" in block or "&quot;" in block for block in provenance)
    assert "images.h5 (sha256 ab986cc4ccd0)" in page and "12.4 s" in page
    assert "0.5 ± 0.0012" in page and "extrapolated" in page
    assert "EMVA 1288: saturation and dynamic range left out: no pile-up." in page
    assert "µW/cm²/nm" in page and "uW/cm2/nm" not in page


@pytest.mark.slow
def test_the_response_command_keeps_its_left_out_line_with_the_warnings(tmp_path, run):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("nikon-d810-uv-60mm-macro.h5", "monochromator-2022-10-11.h5"):
        shutil.copy(DATA / name, data / name)
    output = tmp_path / "r.h5"
    ran = run("response", data / "nikon-d810-uv-60mm-macro.h5", "--source", data / "monochromator-2022-10-11.h5", "--bootstrap", "0", "-o", output)
    assert ran.returncode == 0, ran.stderr
    line = "samples at 10 nominal wavelength(s) (805, 810, 815, 820, 825 ... nm) have no source spectrum (matching is exact) and are left out of the fit"
    assert f"camchar: {line}" in ran.stderr.splitlines()
    assert line in read_result(output).warnings  # saved: show and report list it with the warnings
