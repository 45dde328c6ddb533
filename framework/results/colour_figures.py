"""Figures of a colour file (``camchar colour``): the matrices with their std, and the training colours' ΔE2000.

``camchar plot COLOUR.h5`` draws one figure of three panels: the IDT and the
XYZ matrix as tables of coloured cells (the colour says the value; each cell
reads ``value ± std``), and the ΔE2000 of every training colour as bars with
± their std over the bootstrap draws, the mean as a line. Other result files
go on to :func:`camchar.results.figures.plot_files`; a colour file cannot be
overlaid with them (it has no wavelength axis), nor with another colour file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from camchar.core.errors import BadInput
from camchar.files.colour_h5 import MATRICES, is_colour_file, read_colour_h5
from camchar.results.figures import plot_files as plot_result_files
from camchar.results.figures import save_figure, style

if TYPE_CHECKING:  # pragma: no cover - types only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MATRIX_TITLES", "colour_figure", "draw_matrix", "draw_delta_e", "plot_files"]

#: The title of each matrix's panel, and the names of its rows (its columns are the camera's R, G, B).
MATRIX_TITLES = {
    "idt_matrix": ("IDT: to ACES2065-1", "RGB"),
    "xyz_matrix": ("To CIE XYZ (ACES white)", "XYZ"),
}
_BAR = "#546e7a"
_MEAN = "#c62828"


def _spread(std: float) -> str:
    """A std to two significant digits (``0.00041``, never a misleading ``0.000``); ``?`` when unknown (NaN)."""
    return "?" if not np.isfinite(std) else f"{std:.2g}"


def draw_matrix(ax: "Axes", matrix: np.ndarray, std: np.ndarray, title: str, rows: str) -> None:
    """A 3 x 3 matrix as coloured cells (blue negative, red positive, white 0), each labelled ``value ± std``.

    Parameters
    ----------
    ax
        The panel.
    matrix, std
        ``(3, 3)``; a NaN std reads ``± ?``.
    title
        The panel's title.
    rows
        The names of the three rows (``"RGB"``, ``"XYZ"``).
    """
    limit = max(float(np.abs(matrix).max()), 1e-12)
    ax.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="equal")
    for (row, column), value in np.ndenumerate(matrix):
        ink = "white" if abs(value) > 0.6 * limit else "#1d232a"
        ax.text(column, row, f"{value:.3f}\n± {_spread(std[row, column])}", ha="center", va="center", fontsize=8, color=ink)
    ax.set_xticks(range(3), ["R", "G", "B"])
    ax.set_yticks(range(3), list(rows))
    ax.tick_params(length=0)
    ax.xaxis.set_ticks_position("top")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, pad=18)


def draw_delta_e(ax: "Axes", delta_e: np.ndarray, std: np.ndarray, training: str, mean: float, mean_std: float) -> None:
    """The ΔE2000 of each training colour as a bar with ± its std (none where unknown), and the mean as a line.

    Parameters
    ----------
    ax
        The panel.
    delta_e, std
        ``(N,)``, in the training set's order.
    training
        The training set's name, for the axis label.
    mean, mean_std
        The mean ΔE2000 and its std (NaN: unknown).
    """
    number = np.arange(1, delta_e.size + 1)
    known = np.where(np.isfinite(std), std, 0.0)
    ax.bar(number, delta_e, width=0.8, color=_BAR, yerr=known, error_kw={"elinewidth": 0.8, "capsize": 0 if delta_e.size > 40 else 2, "ecolor": "#1d232a"})
    ax.axhline(mean, color=_MEAN, linewidth=1.0, label=f"mean {mean:.3f} ± {_spread(mean_std)}")
    ax.set_xlim(0.3, delta_e.size + 0.7)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"training colour ({training}, {delta_e.size} colours, in the set's order)")
    ax.set_ylabel("ΔE2000")
    ax.set_title("ΔE2000 of the training colours ± std over the draws")
    ax.legend(loc="upper right")


def colour_figure(path: str | Path) -> "Figure":
    """The figure of a colour file: both matrices with their std above, the training colours' ΔE2000 below.

    Raises
    ------
    BadInput
        When the file is not a readable colour file, or matplotlib is missing.
    """
    contents = read_colour_h5(path)
    with style():  # fails with one line naming the extra when matplotlib is missing
        from matplotlib.figure import Figure

        figure = Figure(figsize=(7.2, 6.0), layout="constrained")
        axes = figure.subplot_mosaic([list(MATRICES), ["delta_e", "delta_e"]], height_ratios=[1.1, 1.0])
        for name in MATRICES:
            title, rows = MATRIX_TITLES[name]
            draw_matrix(axes[name], contents[name], contents[f"{name}_std"], title, rows)
        draw_delta_e(axes["delta_e"], contents["delta_e"], contents["delta_e_std"], contents["training"], contents["delta_e_mean"], contents["delta_e_mean_std"])
        draws = f"{contents['draws']} bootstrap draws" if contents["draws"] else "no bootstrap draws: std unknown"
        figure.suptitle(
            f"{Path(path).name}: white-balanced camera RGB under {contents['illuminant']}, {contents['training']} colours, {draws}", fontsize=9, x=0.01, ha="left"
        )
    return figure


def plot_files(paths: Sequence[str | Path | Any], output: str | Path, kind: str | None = None) -> Path:
    """``camchar plot``: a colour file's figure, or the figures of other result files (:func:`camchar.results.figures.plot_files`).

    Raises
    ------
    BadInput
        When a colour file comes with other files, or ``--kind`` is asked of it.
    """
    colour = [path for path in paths if isinstance(path, (str, Path)) and is_colour_file(path)]
    if not colour:
        return plot_result_files(paths, output, kind=kind)
    if len(paths) > 1:
        raise BadInput(colour[0], "is a colour file: plot it on its own (its matrices cannot be overlaid with other files)")
    if kind is not None:
        raise BadInput(colour[0], f"is a colour file: --kind {kind} is for samples, response and emva1288 files")
    return save_figure(colour_figure(colour[0]), output)
