"""camchar plot: what the figures hold (lines, colours, labels, legends), and valid, deterministic files."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

from camchar import BadInput
from camchar.results import overview_figure, panel_figure, plot_files, read_result, save_figure
from camchar.results.figures import FILE_STYLES, channel_colour, display_names

from .conftest import EMVA_TRUTH, NIKON, RESPONSE, RESPONSE_OLS, h5_value, write_samples

RED, GREEN, BLUE = "#c62828", "#2e7d32", "#1565c0"


def data_lines(ax) -> list:
    """The lines that draw data (not error-bar caps, zero lines or other helpers)."""
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def legend_texts(figure) -> list[list[str]]:
    return [[text.get_text() for text in legend.get_texts() if text.get_text()] for legend in figure.legends]


def test_channel_colours():
    assert [channel_colour(name) for name in ("R", "G", "B", "red", "b")] == [RED, GREEN, BLUE, RED, BLUE]
    assert channel_colour("G1") == GREEN and channel_colour("G2") not in (GREEN, RED, BLUE)
    neutral = [channel_colour(name, ["NIR", "UV", "R"]) for name in ("NIR", "UV")]
    assert len(set(neutral)) == 2 and not set(neutral) & {RED, GREEN, BLUE}


def test_signal_panel_of_one_file(camchar_file):
    figure = panel_figure([camchar_file], "signal")
    (ax,) = figure.axes
    lines = data_lines(ax)
    assert len(lines) == 3
    assert [to_hex(line.get_color()) for line in lines] == [RED, GREEN, BLUE]
    assert np.array_equal(lines[1].get_ydata(), h5_value(camchar_file, "samples")[:, 1])
    assert np.array_equal(lines[1].get_xdata(), h5_value(camchar_file, "nominal_wavelength"))
    bands = [item for item in ax.collections if isinstance(item, PolyCollection)]
    assert len(bands) == 3  # ± noise, one per channel
    assert ax.get_xlabel() == "Wavelength [nm]" and ax.get_ylabel() == "Mean signal [counts/s]"
    assert ax.get_yscale() == "linear"
    assert legend_texts(figure) == [["R", "G", "B"]]


def test_log_snr_and_exposure_panels(camchar_file):
    (log_ax,) = panel_figure([camchar_file], "signal-log").axes
    assert log_ax.get_yscale() == "log"
    (snr_ax,) = panel_figure([camchar_file], "snr").axes
    mean, std = h5_value(camchar_file, "samples"), h5_value(camchar_file, "samples_std")
    assert np.array_equal(data_lines(snr_ax)[2].get_ydata(), mean[:, 2] / std[:, 2])
    assert snr_ax.get_ylabel() == "SNR (mean / noise)"
    (exposure_ax,) = panel_figure([camchar_file], "exposure").axes
    line = next(line for line in data_lines(exposure_ax) if line.get_label().endswith(": selected"))
    assert np.array_equal(line.get_ydata(), h5_value(camchar_file, "exposure_time"))
    assert exposure_ax.get_ylabel() == "Exposure time [s]"
    tick_labels = [label.get_text() for label in exposure_ax.get_yticklabels()]
    offered = next(line for line in data_lines(exposure_ax) if line.get_label().endswith(": offered"))
    assert tick_labels == [format(value, ".4g") for value in np.unique(offered.get_ydata())]  # every exposure offered
    assert set(h5_value(camchar_file, "exposure_time")) <= set(offered.get_ydata())


def test_bayer_channels_are_two_greens(bayer_file):
    lines = data_lines(panel_figure([bayer_file], "signal").axes[0])
    colours = [to_hex(line.get_color()) for line in lines]
    assert colours[0] == RED and colours[3] == BLUE and colours[1] == GREEN
    assert colours[2] != GREEN and colours[2].startswith("#8")  # the second, lighter green


def test_overlay_of_two_files(camchar_file):
    figure = overview_figure([camchar_file, NIKON])
    assert len(figure.axes) == 5  # signal, log, noise, SNR, exposure (no gain K: no noise in electrons)
    signal = next(ax for ax in figure.axes if ax.get_title("left") == "Mean signal ± noise")
    lines = data_lines(signal)
    assert len(lines) == 6
    assert {line.get_linestyle() for line in lines[:3]} == {"-"} and {line.get_linestyle() for line in lines[3:]} == {"--"}
    assert [to_hex(line.get_color()) for line in lines] == [RED, GREEN, BLUE] * 2
    assert legend_texts(figure) == [["R", "G", "B", "offered", "overexposed"], ["fixture sweep", "Nikon D810 UV 60mm"]]
    assert {ax.get_xlabel() for ax in figure.axes} == {"Wavelength [nm]"}


def test_files_of_one_label_are_told_apart():
    results = [read_result(RESPONSE), read_result(RESPONSE_OLS)]
    assert display_names(results) == ["Nikon D810 UV 60mm (response-ridge-smooth-s1.h5)", "Nikon D810 UV 60mm (response-ols-s3.h5)"]
    assert display_names([results[0], results[0]]) == [
        "Nikon D810 UV 60mm (response-ridge-smooth-s1.h5) #1",
        "Nikon D810 UV 60mm (response-ridge-smooth-s1.h5) #2",
    ]
    assert len(FILE_STYLES) >= 4


def test_response_figure():
    figure = overview_figure([RESPONSE])
    axes = {ax.get_title("left"): ax for ax in figure.axes}
    assert list(axes) == ["Spectral response ± std", "Samples (points) and fit (lines)", "Relative residuals ± the samples' noise"]
    response = axes["Spectral response ± std"]
    lines = data_lines(response)
    assert len(lines) == 3
    assert np.array_equal(lines[0].get_ydata(), h5_value(RESPONSE, "response_mean")[:, 0])
    assert response.get_ylabel() == "Sensitivity [(counts/s)/(µW/cm²/nm)]"
    band = [item for item in response.collections if isinstance(item, PolyCollection)]
    assert len(band) == 3
    top = band[0].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx((h5_value(RESPONSE, "response_mean") + h5_value(RESPONSE, "response_std"))[:, 0].max())
    fit = axes["Samples (points) and fit (lines)"]
    assert [line.get_label() for line in data_lines(fit)] == [f"Nikon D810 UV 60mm: {channel} estimate" for channel in "RGB"]
    measured = {container.get_label(): container for container in fit.containers}  # an error-bar container per channel
    assert list(measured) == [f"Nikon D810 UV 60mm: {channel} measured" for channel in "RGB"]
    data_line, _, (bars,) = measured["Nikon D810 UV 60mm: G measured"]
    assert np.array_equal(data_line.get_ydata(), h5_value(RESPONSE, "samples/mean")[:, 1])
    heights = [segment[1, 1] - segment[0, 1] for segment in bars.get_segments()]
    assert heights == pytest.approx(2 * h5_value(RESPONSE, "samples/std")[:, 1])
    residuals = axes["Relative residuals ± the samples' noise"]
    residual_line = next(line for line in data_lines(residuals) if line.get_label().endswith(": B"))
    measured = h5_value(RESPONSE, "samples/mean")[:, 2]
    expected = 100 * (measured - h5_value(RESPONSE, "samples/estimate_mean")[:, 2]) / measured
    assert np.allclose(residual_line.get_ydata(), expected, rtol=1e-12)
    assert residuals.get_ylabel() == "(measured − estimate) / measured [%]"
    assert legend_texts(figure)[0][:5] == ["R", "G", "B", "measured ± noise", "fit estimate ± std"]


def test_photon_transfer_figure(emva_file):
    figure = overview_figure([emva_file], kind="emva1288")
    ax, residuals = figure.axes
    assert ax.get_xlabel() == "Mean signal, dark subtracted [DN]" and ax.get_ylabel() == "Temporal variance [DN²]"
    assert (ax.get_xscale(), ax.get_yscale(), residuals.get_xscale()) == ("log", "log", "log")
    points = [line for line in data_lines(ax) if line.get_label().endswith("points")]
    fits = [line for line in data_lines(ax) if line.get_label().endswith("gain fit")]
    assert len(points) == len(fits) == 3
    stored = h5_value(emva_file, "emva1288/ptc_mean")[:, 0]
    assert np.array_equal(points[0].get_xdata(), stored[stored > 0])  # a log axis shows the points above 0
    offset = h5_value(emva_file, "emva1288/ptc_offset")
    for column, line in enumerate(fits):
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(EMVA_TRUTH["system_gain"][0][column])
        assert y[0] - EMVA_TRUTH["system_gain"][0][column] * x[0] == pytest.approx(offset[column])
    assert legend_texts(figure) == [["R: K = 0.5 DN/e-", "G: K = 0.5 DN/e-", "B: K = 0.52 DN/e-"]]


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF-"), (".svg", b"<?xml")])
def test_saved_files_are_valid(camchar_file, tmp_path, suffix, magic):
    output = save_figure(panel_figure([camchar_file], "snr", size=(4, 3)), tmp_path / f"figure{suffix}")
    assert output.read_bytes().startswith(magic)
    assert [path.name for path in tmp_path.iterdir()] == [f"figure{suffix}"]  # no temporary left behind
    if suffix == ".pdf":
        assert output.read_bytes().rstrip().endswith(b"%%EOF")
    if suffix == ".png":
        from PIL import Image

        with Image.open(output) as image:
            assert image.size == (800, 600)  # 4 x 3 inches at 200 dpi
            assert len(np.unique(np.asarray(image.convert("L")))) > 10  # drawn, not blank


def test_plot_files_saves_the_overview(tmp_path):
    output = plot_files([RESPONSE], tmp_path / "response.svg")
    root = ElementTree.parse(output).getroot()  # well-formed XML
    texts = {"".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Sensitivity [(counts/s)/(µW/cm²/nm)]", "Wavelength [nm]", "Nominal wavelength [nm]", "Relative residuals ± the samples' noise", "R", "G", "B"} <= texts
    assert root.get("viewBox") == "0 0 720 547.2"  # 10 x 7.6 inches


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_figures_are_deterministic(camchar_file, tmp_path, suffix):
    first = save_figure(panel_figure([camchar_file], "signal", size=(4, 3)), tmp_path / f"a{suffix}").read_bytes()
    second = save_figure(panel_figure([camchar_file], "signal", size=(4, 3)), tmp_path / f"b{suffix}").read_bytes()
    assert first == second


def test_text_from_files_is_not_mathtext(tmp_path):
    path = write_samples(tmp_path / "m.h5", np.ones((3, 3)), np.ones((3, 3)) / 10, label="cost $5 and $", units="$/s")
    other = write_samples(tmp_path / "n.h5", np.ones((3, 3)), np.ones((3, 3)) / 10, label="other", units="$/s")
    figure = panel_figure([path, other], "signal")
    figure.canvas.draw()  # a '$' read as mathtext would fail here
    assert figure.axes[0].yaxis.label.get_text() == r"Mean signal [\$/s]"
    assert legend_texts(figure)[1][0] == r"cost \$5 and \$"


def test_unknown_suffix_writes_nothing(camchar_file, tmp_path):
    with pytest.raises(BadInput, match=r"unknown figure format '\.gif'; use \.png, \.svg or \.pdf"):
        plot_files([camchar_file], tmp_path / "figure.gif")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_keeps_the_old_file(camchar_file, tmp_path, monkeypatch):
    output = tmp_path / "figure.png"
    output.write_bytes(b"old")
    figure = panel_figure([camchar_file], "signal")

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(figure, "savefig", broken)
    with pytest.raises(KeyboardInterrupt):
        save_figure(figure, output)
    assert output.read_bytes() == b"old" and [path.name for path in tmp_path.iterdir()] == ["figure.png"]


def test_different_units_are_not_overlaid(camchar_file, tmp_path):
    other = write_samples(tmp_path / "n.h5", np.ones((3, 3)), np.ones((3, 3)), units="DN/s")
    with pytest.raises(BadInput, match=r"cannot overlay signals in different units \(DN/s, counts/s\)"):
        panel_figure([camchar_file, other], "signal")


def test_a_kind_the_file_lacks(camchar_file):
    with pytest.raises(BadInput, match="has no response data to plot"):
        overview_figure([camchar_file], kind="response")
    with pytest.raises(BadInput, match="unknown kind 'spectra'"):
        overview_figure([camchar_file], kind="spectra")
    with pytest.raises(BadInput, match="has no samples data to plot"):
        overview_figure([camchar_file, RESPONSE])


def test_missing_matplotlib_is_one_line(camchar_file, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an import of an absent package meets
    with pytest.raises(BadInput) as caught:
        plot_files([camchar_file], tmp_path / "figure.png")
    assert caught.value.message == "plotting needs matplotlib: pip install 'camchar[plot]'"
    assert list(tmp_path.iterdir()) == []
