"""Figures of camchar results, in one consistent style: ``camchar plot``.

Each ``draw_*`` function draws one panel onto a matplotlib ``Axes`` for any
number of results, overlaid: colour says the channel (R red, G green, B blue,
G1 and G2 two greens, other names a neutral cycle) and the line style says the
file. :func:`panel_figure` makes a figure of one panel, :func:`overview_figure`
a figure of every panel of one kind, and :func:`plot_files` saves that as PNG,
SVG or PDF.

matplotlib is imported only inside these functions, and only its
object-oriented API is used (no pyplot, no display, no global state but an
``rc_context``), so this module imports without it and figures are
deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from camchar.core.errors import BadInput
from camchar.files.atomic import atomic_output
from camchar.results._optional import require
from camchar.results.model import KINDS, EmvaData, FitData, ResponseData, Result, SampleData, read_result
from camchar.results.units import axis_label as _axis_label

if TYPE_CHECKING:  # pragma: no cover - types only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "PANELS",
    "channel_colour",
    "display_names",
    "draw_exposure",
    "draw_fit",
    "draw_ptc",
    "draw_residuals",
    "draw_response",
    "draw_signal",
    "draw_snr",
    "overview_figure",
    "panel_figure",
    "plot",
    "plot_files",
    "save_figure",
    "style",
]

#: The figure formats :func:`save_figure` writes, by suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: The house style: every figure is drawn and saved inside ``rc_context(STYLE)``.
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "Liberation Sans"],
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.linewidth": 0.8,
    "axes.edgecolor": "#333333",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.5,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "lines.linewidth": 1.4,
    "lines.markersize": 3.5,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # text stays text: searchable, and smaller
    "svg.hashsalt": "camchar",  # deterministic ids
    "pdf.fonttype": 42,
    "path.simplify": True,
}

#: Metadata that would make files differ from run to run, removed.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}

_RED, _GREEN, _BLUE = "#c62828", "#2e7d32", "#1565c0"
_CHANNEL_COLOURS = {
    "R": _RED,
    "RED": _RED,
    "G": _GREEN,
    "GREEN": _GREEN,
    "G1": _GREEN,
    "GR": _GREEN,
    "G2": "#8bc34a",
    "GB": "#8bc34a",
    "B": _BLUE,
    "BLUE": _BLUE,
}
#: Colours for channels with other names (mono, NIR, ...), in turn.
NEUTRAL_CYCLE = ("#37474f", "#8d6e63", "#7e57c2", "#ef6c00", "#00838f", "#ad1457", "#9e9d24")
#: Line styles and markers that tell overlaid files apart, in turn.
FILE_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1, 1, 1)), "v"))

#: The panels of each kind, in reading order; :func:`overview_figure` lays them out as below.
PANELS = {
    "samples": ("signal", "signal-log", "snr", "exposure"),
    "response": ("response", "fit", "residuals"),
    "emva1288": ("ptc",),
}
_MOSAICS: dict[str, Any] = {  # Any: matplotlib types a mosaic as its own invariant HashableList
    "samples": [["signal", "signal-log"], ["snr", "exposure"]],
    "response": [["response", "response"], ["fit", "residuals"]],
    "emva1288": [["ptc"]],
}
_PANEL_KIND = {panel: kind for kind, panels in PANELS.items() for panel in panels}


def _matplotlib() -> Any:
    return require("matplotlib")


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The house style as a matplotlib ``rc_context``."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(STYLE):
        yield


def channel_colour(name: str, others: Sequence[str] = ()) -> str:
    """The colour of channel ``name``.

    Parameters
    ----------
    name
        The channel's name; R, G, B, G1, G2 (and RED, GREEN, BLUE, GR, GB)
        have fixed colours, whatever their case.
    others
        Every channel name of the figure, so that other names get the
        neutral colours in a stable order.
    """
    fixed = _CHANNEL_COLOURS.get(name.strip().upper())
    if fixed is not None:
        return fixed
    unnamed = [item for item in dict.fromkeys(others) if item.strip().upper() not in _CHANNEL_COLOURS]
    position = unnamed.index(name) if name in unnamed else 0
    return NEUTRAL_CYCLE[position % len(NEUTRAL_CYCLE)]


def display_names(results: Sequence[Result]) -> list[str]:
    """Names telling overlaid results apart: labels, with the file name added where labels repeat."""
    names = [result.name for result in results]
    counts = {name: names.count(name) for name in names}
    unique = []
    for index, (result, name) in enumerate(zip(results, names)):
        if counts[name] > 1:
            tail = result.path.name if result.path is not None else f"#{index + 1}"
            name = f"{name} ({tail})"
        unique.append(name)
    if len(set(unique)) < len(unique):  # the same file twice, or files of one name in two folders
        unique = [f"{name} #{index + 1}" for index, name in enumerate(unique)]
    return unique


def _mathsafe(text: str) -> str:
    """Text from a file, shown as it is: a ``$`` would otherwise start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def axis_label(quantity: str, units: str) -> str:
    """An axis label with the file's units in brackets, safe from mathtext."""
    return _axis_label(quantity, _mathsafe(units))


def _all_channels(results: Sequence[Result]) -> list[str]:
    return list(dict.fromkeys(channel for result in results for channel in result.channels))


def _file_style(index: int) -> tuple[Any, str]:
    return FILE_STYLES[index % len(FILE_STYLES)]


def _common_units(results: Sequence[Result], what: str, get: Callable[[Result], str]) -> str:
    """The units every result gives ``what``; overlaying different units would mislead."""
    units = {get(result) for result in results}
    if len(units) > 1:
        raise BadInput(None, f"cannot overlay {what} in different units ({', '.join(sorted(units))}); plot the files separately")
    return units.pop()


def _require_part(results: Sequence[Result], kind: str) -> None:
    missing = [result for result in results if kind not in result.kinds]
    if missing:
        names = ", ".join(str(result.path or result.name) for result in missing)
        raise BadInput(missing[0].path, f"has no {kind} data to plot" if len(missing) == 1 else f"no {kind} data in {names}")


def _samples(result: Result) -> SampleData:
    """The result's samples, which the panel's kind promises (:func:`_require_part`)."""
    if result.samples is None:
        raise BadInput(result.path, "has no samples data to plot")
    return result.samples


def _response(result: Result) -> ResponseData:
    """The result's response, which the panel's kind promises."""
    if result.response is None:
        raise BadInput(result.path, "has no response data to plot")
    return result.response


def _fit(result: Result) -> FitData:
    """The fitted samples of the result's response (:func:`_fitted` keeps only the results that have them)."""
    fit = _response(result).fit
    if fit is None:
        raise BadInput(result.path, "the response file holds no fitted samples (/samples group)")
    return fit


def _emva(result: Result) -> EmvaData:
    """The result's EMVA 1288 data, which the panel's kind promises."""
    if result.emva is None:
        raise BadInput(result.path, "has no emva1288 data to plot")
    return result.emva


def _band(ax: "Axes", x: np.ndarray, low: np.ndarray, high: np.ndarray, colour: str) -> None:
    ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0)


class _Trace(NamedTuple):
    """One overlaid result as a panel draws it: its name, line style, marker, and a colour per channel."""

    result: Result
    name: str
    linestyle: Any
    marker: str
    channels: list[tuple[int, str, str]]  # column, name, colour


def _overlay(results: Sequence[Result]) -> Iterator[_Trace]:
    """The results in turn, each with the style that tells it apart from the others."""
    names = display_names(results)
    everyone = _all_channels(results)
    for index, result in enumerate(results):
        linestyle, marker = _file_style(index)
        colours = [(column, channel, channel_colour(channel, everyone)) for column, channel in enumerate(result.channels)]
        yield _Trace(result, names[index], linestyle, marker, colours)


# ----------------------------------------------------------------------------------------------------------------
# Panels


def draw_signal(ax: "Axes", results: Sequence[Result], log: bool = False) -> None:
    """Mean signal per channel against wavelength, with a band of ± the temporal noise.

    One line per file and channel, labelled ``"<file>: <channel>"``.
    """
    _require_part(results, "samples")
    for trace in _overlay(results):
        samples = _samples(trace.result)
        for column, channel, colour in trace.channels:
            mean, std = samples.mean[:, column], samples.std[:, column]
            low = mean - std
            if log:  # a band reaching zero or below has no place on a log axis: leave it out there
                low = np.where(low > 0, low, np.nan)
            _band(ax, samples.wavelength, low, mean + std, colour)
            ax.plot(samples.wavelength, mean, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}")
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    ax.set_ylabel(axis_label("Mean signal", _common_units(results, "signals", lambda r: _samples(r).units)))
    if log:
        ax.set_yscale("log")
        positive = np.concatenate([mean[mean > 0] for mean in (_samples(result).mean for result in results)])
        if positive.size:
            ax.set_ylim(positive.min() / 2, positive.max() * 2)
        ax.set_title("Mean signal ± noise, log scale")
    else:
        ax.set_title("Mean signal ± noise")


def draw_snr(ax: "Axes", results: Sequence[Result]) -> None:
    """Signal-to-noise ratio (mean / temporal noise) per channel against wavelength."""
    _require_part(results, "samples")
    for trace in _overlay(results):
        snr = _samples(trace.result).snr
        for column, channel, colour in trace.channels:
            ax.plot(_samples(trace.result).wavelength, snr[:, column], color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}")
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    ax.set_ylabel("SNR (mean / noise)")
    ax.set_ylim(bottom=0)
    ax.set_title("Signal-to-noise ratio")


def draw_exposure(ax: "Axes", results: Sequence[Result]) -> None:
    """The exposure time of the frame selected at each wavelength, one line per file."""
    _require_part(results, "samples")
    with_exposure = [result for result in results if _samples(result).exposure_time is not None]
    for index, trace in enumerate(_overlay(results)):
        samples = _samples(trace.result)
        if samples.exposure_time is None:
            continue
        ax.plot(
            samples.wavelength,
            samples.exposure_time,
            color=NEUTRAL_CYCLE[index % len(NEUTRAL_CYCLE)],
            linestyle=trace.linestyle,
            marker=trace.marker if samples.wavelength.size <= 40 else None,
            drawstyle="steps-mid",
            label=f"{trace.name}: exposure",
        )
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    units = _common_units(with_exposure, "exposure times", lambda r: _samples(r).exposure_time_units) if with_exposure else "s"
    ax.set_ylabel(axis_label("Exposure time", units))
    ax.set_yscale("log")
    times = np.unique(np.concatenate([_samples(result).exposure_time for result in with_exposure])) if with_exposure else np.array([])
    times = times[np.isfinite(times) & (times > 0)]
    if 0 < times.size <= 8:  # brackets use a few exposures: label exactly those
        from matplotlib.ticker import NullLocator

        ax.set_yticks(times, [format(value, ".4g") for value in times])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(times[0] / 1.5, times[-1] * 1.5)
    ax.set_title("Selected exposure time")
    if not with_exposure:
        ax.text(0.5, 0.5, "no exposure times in the file", transform=ax.transAxes, ha="center", va="center", color="#777777")


def draw_response(ax: "Axes", results: Sequence[Result]) -> None:
    """Spectral response (sensitivity) per channel with its ± std bootstrap band."""
    _require_part(results, "response")
    for trace in _overlay(results):
        response = _response(trace.result)
        for column, channel, colour in trace.channels:
            mean, std = response.mean[:, column], response.std[:, column]
            _band(ax, response.wavelength, mean - std, mean + std, colour)
            ax.plot(response.wavelength, mean, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}")
    ax.axhline(0, color="#555555", linewidth=0.6, zorder=1, label="_zero")
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _response(r).wavelength_units)))
    ax.set_ylabel(axis_label("Sensitivity", _common_units(results, "responses", lambda r: _response(r).units)))
    ax.set_title("Spectral response ± std")


def _fitted(results: Sequence[Result]) -> list[_Trace]:
    """The overlaid responses that hold their fitted samples; a clear error when none does."""
    _require_part(results, "response")
    traces = [trace for trace in _overlay(results) if _response(trace.result).fit is not None]
    if not traces:
        raise BadInput(results[0].path, "the response file holds no fitted samples (/samples group)")
    return traces


def draw_fit(ax: "Axes", results: Sequence[Result]) -> None:
    """Measured samples (points, ± their noise) against the fit's estimates (lines, ± their spread)."""
    traces = _fitted(results)
    for trace in traces:
        fit = _fit(trace.result)
        for column, channel, colour in trace.channels:
            estimate, spread = fit.estimate_mean[:, column], fit.estimate_std[:, column]
            _band(ax, fit.wavelength, estimate - spread, estimate + spread, colour)
            ax.plot(fit.wavelength, estimate, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel} estimate")
            ax.errorbar(
                fit.wavelength,
                fit.mean[:, column],
                yerr=fit.std[:, column],
                fmt=trace.marker,
                color=colour,
                markersize=2.5,
                elinewidth=0.6,
                capsize=1.5,
                alpha=0.85,
                label=f"{trace.name}: {channel} measured",
            )
    fitted = [trace.result for trace in traces]
    ax.set_xlabel(axis_label("Nominal wavelength", _common_units(fitted, "wavelengths", lambda r: _fit(r).wavelength_units)))
    ax.set_ylabel(axis_label("Mean signal", _common_units(fitted, "signals", lambda r: _fit(r).units)))
    ax.set_title("Samples (points) and fit (lines)")


def draw_residuals(ax: "Axes", results: Sequence[Result]) -> None:
    """Measured minus estimated samples per channel, with the measured noise as error bars."""
    traces = _fitted(results)
    for trace in traces:
        fit = _fit(trace.result)
        residual = fit.residual
        for column, channel, colour in trace.channels:
            ax.errorbar(
                fit.wavelength,
                residual[:, column],
                yerr=fit.std[:, column],
                fmt=trace.marker,
                linestyle=trace.linestyle,
                linewidth=0.8,
                color=colour,
                markersize=2.5,
                elinewidth=0.6,
                capsize=1.5,
                label=f"{trace.name}: {channel}",
            )
    ax.axhline(0, color="#555555", linewidth=0.6, zorder=1, label="_zero")
    fitted = [trace.result for trace in traces]
    ax.set_xlabel(axis_label("Nominal wavelength", _common_units(fitted, "wavelengths", lambda r: _fit(r).wavelength_units)))
    ax.set_ylabel(axis_label("Measured − estimate", _common_units(fitted, "signals", lambda r: _fit(r).units)))
    ax.set_title("Fit residuals")


def draw_ptc(ax: "Axes", results: Sequence[Result]) -> None:
    """Photon transfer: temporal variance against dark-subtracted mean, with the fitted gain line."""
    _require_part(results, "emva1288")
    traces = [trace for trace in _overlay(results) if _emva(trace.result).ptc_mean is not None]
    if not traces:
        raise BadInput(results[0].path, "the /emva1288 group holds no photon-transfer data (ptc_mean, ptc_variance)")
    for trace in traces:
        emva = _emva(trace.result)
        line = emva.gain_line()
        ptc_mean, ptc_variance = emva.ptc_mean, emva.ptc_variance
        if ptc_mean is None or ptc_variance is None:  # left out above: the reader gives both or neither
            continue
        for column, channel, colour in trace.channels:
            mean, variance = ptc_mean[:, column], ptc_variance[:, column]
            ax.plot(mean, variance, linestyle="none", marker=trace.marker, color=colour, markersize=3.5, alpha=0.8, label=f"{trace.name}: {channel} points")
            if line is not None:
                top = float(np.nanmax(mean)) if np.isfinite(mean).any() else 1.0
                x = np.array([0.0, top * 1.05])
                ax.plot(x, line[0][column] * x + line[1][column], color=colour, linestyle=trace.linestyle, linewidth=1.0, label=f"{trace.name}: {channel} gain fit")
    with_points = [trace.result for trace in traces]
    ax.set_xlabel(axis_label("Mean signal, dark subtracted", _common_units(with_points, "mean signals", lambda r: _emva(r).ptc_mean_units)))
    ax.set_ylabel(axis_label("Temporal variance", _common_units(with_points, "variances", lambda r: _emva(r).ptc_variance_units)))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_title("Photon transfer")


_DRAW: dict[str, Callable[["Axes", Sequence[Result]], None]] = {
    "signal": draw_signal,
    "signal-log": lambda ax, results: draw_signal(ax, results, log=True),
    "snr": draw_snr,
    "exposure": draw_exposure,
    "response": draw_response,
    "fit": draw_fit,
    "residuals": draw_residuals,
    "ptc": draw_ptc,
}


# ----------------------------------------------------------------------------------------------------------------
# Figures


def _legend(figure: "Figure", results: Sequence[Result], kind: str, panels: Sequence[str]) -> None:
    """The figure's key: channel colours under the panels and, when files are overlaid, their line styles above."""
    from matplotlib.lines import Line2D

    channels = _all_channels(results)
    key: list[tuple[Any, str]] = []
    gain = None
    if kind == "emva1288" and len(results) == 1 and _emva(results[0]).gain_line() is not None:
        gain = _emva(results[0]).parameter("system_gain")
    if panels != ("exposure",):
        for channel in channels:
            handle = Line2D([], [], color=channel_colour(channel, channels), marker="o" if kind == "emva1288" else None, linewidth=2.0)
            label = channel
            if gain is not None:
                value = gain.values[list(results[0].channels).index(channel)]
                label = f"{channel}: K = {value:.4g} {gain.units}".rstrip()
            key.append((handle, _mathsafe(label)))
    if "fit" in panels:
        key.append((Line2D([], [], color="#555555", marker="o", linestyle="none", markersize=3), "measured ± noise"))
        key.append((Line2D([], [], color="#555555"), "fit estimate ± std"))
    if key:
        figure.legend(*zip(*key), loc="outside lower center", ncols=len(key))
    if len(results) > 1:
        files = []
        for index, name in enumerate(display_names(results)):
            linestyle, marker = _file_style(index)
            colour = NEUTRAL_CYCLE[index % len(NEUTRAL_CYCLE)] if panels == ("exposure",) else "#222222"
            files.append((Line2D([], [], color=colour, linestyle=linestyle, marker=marker if panels == ("exposure",) else None), _mathsafe(name)))
        longest = max(len(name) for name in display_names(results))
        figure.legend(*zip(*files), loc="outside upper center", ncols=1 if longest > 45 else 2 if longest > 25 else 4)


def _figure(size: tuple[float, float]) -> "Figure":
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _results(items: Sequence[Result | str | Path]) -> list[Result]:
    if not items:
        raise BadInput(None, "no result files given")
    return [item if isinstance(item, Result) else read_result(item) for item in items]


def _kind_of(results: Sequence[Result], kind: str | None) -> str:
    if kind is None:
        kind = results[0].kind
    if kind not in KINDS:
        raise BadInput(None, f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    _require_part(results, kind)
    return kind


def panel_figure(results: Sequence[Result | str | Path], panel: str, size: tuple[float, float] = (6.4, 4.2)) -> "Figure":
    """A figure of one panel for one or more results, with its legend.

    Parameters
    ----------
    results
        Results or paths of result files, overlaid.
    panel
        One of the names in :data:`PANELS`: ``signal``, ``signal-log``,
        ``snr``, ``exposure``, ``response``, ``fit``, ``residuals``, ``ptc``.
    size
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; save it with :func:`save_figure`.
    """
    if panel not in _DRAW:
        raise BadInput(None, f"unknown panel {panel!r}; choose one of {', '.join(_DRAW)}")
    results = _results(results)
    with style():
        figure = _figure(size)
        _DRAW[panel](figure.add_subplot(), results)
        _legend(figure, results, _PANEL_KIND[panel], (panel,))
    return figure


def overview_figure(results: Sequence[Result | str | Path], kind: str | None = None) -> "Figure":
    """Every panel of one kind, for one or more results overlaid.

    Parameters
    ----------
    results
        Results or paths of result files.
    kind
        ``samples`` (mean ± noise, linear and log, SNR, exposure),
        ``response`` (sensitivity, fit, residuals) or ``emva1288`` (photon
        transfer); by default the first result's primary kind.

    Raises
    ------
    BadInput
        When a result lacks that kind of data, or the results give the same
        quantity different units.
    """
    results = _results(results)
    kind = _kind_of(results, kind)
    sizes = {"samples": (10.0, 7.2), "response": (10.0, 7.2), "emva1288": (6.4, 4.8)}
    with style():
        figure = _figure(sizes[kind])
        axes = figure.subplot_mosaic(_MOSAICS[kind])
        for panel in PANELS[kind]:
            _DRAW[panel](axes[panel], results)
        _legend(figure, results, kind, PANELS[kind])
    return figure


def save_figure(figure: "Figure", output: str | Path) -> Path:
    """Save ``figure`` atomically as PNG, SVG or PDF, chosen by the suffix of ``output``.

    Dates and other varying metadata are left out, so that the same figure
    gives the same bytes.

    Raises
    ------
    BadInput
        When the suffix is not ``.png``, ``.svg`` or ``.pdf``, or the file
        cannot be written.
    """
    output = Path(output)
    file_format = FORMATS.get(output.suffix.lower())
    if file_format is None:
        raise BadInput(output, f"unknown figure format {output.suffix or '(no suffix)'!r}; use .png, .svg or .pdf")
    with style(), atomic_output(output) as temporary:
        figure.savefig(temporary, format=file_format, metadata=_METADATA[file_format])
    return output


def plot_files(paths: Sequence[str | Path | Result], output: str | Path, kind: str | None = None) -> Path:
    """``camchar plot FILE... -o OUTPUT``: the overview figure of one or more files, saved by suffix.

    Parameters
    ----------
    paths
        Result files (or results) to overlay.
    output
        ``.png``, ``.svg`` or ``.pdf``.
    kind
        Which data to plot when a file holds several (``samples``,
        ``response``, ``emva1288``); the first file's primary kind by default.

    Returns
    -------
    Path
        ``output``.
    """
    output = Path(output)
    if output.suffix.lower() not in FORMATS:
        raise BadInput(output, f"unknown figure format {output.suffix or '(no suffix)'!r}; use .png, .svg or .pdf")
    return save_figure(overview_figure(paths, kind), output)


#: The name the command line uses.
plot = plot_files
