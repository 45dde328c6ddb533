"""``camchar plot`` and ``camchar report`` of a colour file: the matrices with their std, the training colours' ΔE2000.

The colour file is written here with known numbers (no fit), so that every
element of the figure and the page is checked against them.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from camchar.files.colour_h5 import write_colour_h5
from camchar.results.colour_figures import colour_figure
from camchar.results.colour_report import render_report
from conftest import run_in_process

from .conftest import RESPONSE

IDT = np.array([[0.7988, 0.1388, 0.0624], [0.0414, 1.2246, -0.2660], [0.0361, -0.3367, 1.3006]])
IDT_STD = np.array([[0.00081, 0.00085, 0.00041], [0.0005, 0.00095, 0.00082], [0.00027, 0.0011, 0.00093]])
XYZ = np.array([[0.7609, 0.1322, 0.0595], [0.3023, 0.9638, -0.2661], [0.0364, -0.3396, 1.3121]])
DELTA_E = np.array([0.5, 2.0, 1.25, 0.25])
DELTA_E_STD = np.array([0.01, 0.2, 0.05, 0.0])


def colour_file(path, std_known: bool = True):
    unknown = np.full((3, 3), np.nan)
    contents = {
        "idt_matrix": IDT,
        "xyz_matrix": XYZ,
        "idt_matrix_std": IDT_STD if std_known else unknown,
        "xyz_matrix_std": IDT_STD / 2 if std_known else unknown,
        "white_balance": np.array([2.086, 1.0, 1.236]),
        "delta_e": DELTA_E,
        "delta_e_std": DELTA_E_STD if std_known else np.full(4, np.nan),
        "delta_e_mean": float(DELTA_E.mean()),
        "delta_e_max": 2.0,
        "delta_e_mean_std": 0.05 if std_known else float("nan"),
        "delta_e_max_std": 0.2 if std_known else float("nan"),
        "illuminant": "D65",
        "training": "colorchecker",
        "draws": 30 if std_known else 0,
        "method": "test <method>",
    }
    write_colour_h5(path, contents, {"version": "test", "inputs": {"response": {"path": "r.h5", "sha256": "ab"}}, "warnings": ["a <warning>"]})
    return path


def texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_the_figure_shows_each_element_with_its_std_and_each_colour_as_a_bar(tmp_path):
    figure = colour_figure(colour_file(tmp_path / "c.h5"))
    idt, xyz, bars = figure.axes
    assert texts(idt) == [f"{value:.3f}\n± {std:.2g}" for value, std in zip(IDT.ravel(), IDT_STD.ravel())]
    assert texts(xyz)[0] == f"{XYZ[0, 0]:.3f}\n± {IDT_STD[0, 0] / 2:.2g}"
    assert [label.get_text() for label in idt.get_yticklabels()] == ["R", "G", "B"] and [label.get_text() for label in xyz.get_yticklabels()] == ["X", "Y", "Z"]
    heights = [patch.get_height() for patch in bars.patches if isinstance(patch, Rectangle)]
    np.testing.assert_allclose(heights, DELTA_E)
    (segments,) = [collection.get_segments() for collection in bars.collections]  # the error bars
    np.testing.assert_allclose([segment[1][1] - segment[0][1] for segment in segments], 2 * DELTA_E_STD)
    (mean,) = [line for line in bars.get_lines() if line.get_label().startswith("mean")]
    np.testing.assert_allclose(mean.get_ydata(), DELTA_E.mean())
    assert mean.get_label() == f"mean {DELTA_E.mean():.3f} ± 0.05"
    assert "30 bootstrap draws" in figure.get_suptitle() and "colorchecker" in figure.get_suptitle()


def test_an_unknown_std_is_shown_as_unknown(tmp_path):
    figure = colour_figure(colour_file(tmp_path / "c.h5", std_known=False))
    assert all(text.endswith("± ?") for text in texts(figure.axes[0]))
    assert "std unknown" in figure.get_suptitle()


def test_plot_writes_the_figure_and_refuses_to_overlay_a_colour_file(tmp_path):
    colour = colour_file(tmp_path / "c.h5")
    ran = run_in_process("plot", colour, "-o", tmp_path / "c.svg")
    assert ran.returncode == 0, ran.stderr
    assert "<svg" in (tmp_path / "c.svg").read_text(encoding="utf-8")
    refused = run_in_process("plot", colour, RESPONSE, "-o", tmp_path / "c.svg")
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"camchar: error: {colour}: is a colour file: plot it on its own (its matrices cannot be overlaid with other files)"


def test_the_report_section_has_the_tables_the_figure_and_the_provenance(tmp_path):
    page = render_report([colour_file(tmp_path / "c.h5")])
    section = page[page.index('<section class="result" id="colour-1">') :]
    for value, std in zip(IDT.ravel(), IDT_STD.ravel()):
        assert f"<td>{value:.4f} ± {std:.2g}</td>" in section
    assert "<svg" in section and "<dt>ΔE2000 mean</dt><dd>1 ± 0.05</dd>" in section
    assert "test &lt;method&gt;" in section and "a &lt;warning&gt;" in section and "<dd>r.h5</dd>" in section


@pytest.mark.slow
def test_a_report_of_a_response_and_a_colour_file_has_both(tmp_path):
    ran = run_in_process("report", RESPONSE, colour_file(tmp_path / "c.h5"), "-o", tmp_path / "r.html")
    assert ran.returncode == 0, ran.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.index('id="file-1"') < page.index('id="colour-1"') < page.index("</main>")


def test_show_gives_a_small_std_its_digits(tmp_path):
    shown = run_in_process("show", colour_file(tmp_path / "c.h5"))
    assert shown.returncode == 0, shown.stderr
    assert "0.799 ± 0.00081" in shown.stdout and "1.301 ± 0.00093" in shown.stdout and "0.000 " not in shown.stdout
