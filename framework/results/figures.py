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
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from camchar.core.errors import BadInput
from camchar.files.atomic import atomic_output
from camchar.results._optional import require
from camchar.results.model import KINDS, EmvaData, FitData, ResponseData, Result, SampleData, read_result
from camchar.results.units import axis_label as _axis_label
from camchar.results.units import display_units

if TYPE_CHECKING:  # pragma: no cover - types only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "PANELS",
    "channel_colour",
    "display_names",
    "band_meaning",
    "draw_exposure",
    "draw_fit",
    "draw_noise",
    "draw_ptc",
    "draw_ptc_residuals",
    "draw_residuals",
    "draw_response",
    "draw_signal",
    "draw_snr",
    "exposure_brackets",
    "figure_title",
    "gain_label",
    "measured_span",
    "noise_units",
    "per_exposure_units",
    "relative_residuals",
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
    "samples": ("signal", "signal-log", "noise", "noise-electrons", "snr", "exposure"),
    "response": ("response", "fit", "residuals"),
    "emva1288": ("ptc", "ptc-residuals"),
}
_MOSAICS: dict[str, Any] = {  # Any: matplotlib types a mosaic as its own invariant HashableList
    "samples": [["signal", "signal-log"], ["noise", "noise-electrons"], ["snr", "exposure"]],
    "response": [["response", "response"], ["fit", "residuals"]],
    "emva1288": [["ptc"], ["ptc-residuals"]],
}
_HEIGHTS = {"samples": (1, 1, 1), "response": (1, 1), "emva1288": (3, 1)}
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
    """Names telling overlaid results apart: labels, with as much of the file's path as tells files of one label apart."""
    names = [result.name for result in results]
    unique = []
    for index, (result, name) in enumerate(zip(results, names)):
        if names.count(name) > 1:
            others = [other.path for other, other_name in zip(results, names) if other_name == name and other is not result]
            name = f"{name} ({_distinct_tail(result.path, others) if result.path is not None else f'#{index + 1}'})"
        unique.append(name)
    if len(set(unique)) < len(unique):  # the same file twice
        unique = [f"{name} #{index + 1}" if unique.count(name) > 1 else name for index, name in enumerate(unique)]
    return unique


def _distinct_tail(path: Path, others: Sequence[Path | None]) -> str:
    """The shortest end of ``path`` (``images.h5``, ``b/images.h5``, ...) that no other path ends with; the whole path when none is."""
    parts = path.parts
    for count in range(1, len(parts) + 1):
        tail = parts[-count:]
        if not any(other is not None and other.parts[-count:] == tail for other in others):
            return str(Path(*tail))
    return str(path)


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


def _markers(trace: _Trace, count: int) -> dict[str, Any]:
    """Markers on the measured points of a line, small enough not to hide it; none where they would merge."""
    return {"marker": trace.marker, "markersize": 2.5} if count <= 150 else {}


def draw_signal(ax: "Axes", results: Sequence[Result], log: bool = False) -> None:
    """Mean signal per channel against wavelength, with a band of ± the temporal noise.

    One line per file and channel, labelled ``"<file>: <channel>"``, with a
    marker on each measured point.
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
            ax.plot(samples.wavelength, mean, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}", **_markers(trace, mean.size))
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


def per_exposure_units(samples: SampleData) -> str | None:
    """The units of a sample times its exposure time (``counts/s`` × ``s`` -> ``DN``); ``None`` when they do not cancel."""
    units = samples.units.strip()
    if samples.exposure_time is None or samples.exposure_time_units.strip() != "s" or not units.endswith("/s"):
        return None
    units = units[: -len("/s")].strip()
    return "DN" if units in ("counts", "DN", "ADU") else units


def _gains(result: Result) -> np.ndarray | None:
    """The system gain K per channel (DN/e-) from the file's EMVA 1288 part, when it has one."""
    if result.emva is None or (gain := result.emva.parameter("system_gain")) is None or gain.units.strip() != "DN/e-":
        return None
    return np.asarray(gain.values, dtype=np.float64)


def noise_units(results: Sequence[Result], electrons: bool) -> str | None:
    """The units of the noise panel, or ``None`` when a file lacks what it needs (exposure times; the gain for electrons)."""
    units = {per_exposure_units(_samples(result)) for result in results}
    if None in units or len(units) > 1 or (electrons and (units != {"DN"} or any(_gains(result) is None for result in results))):
        return None
    return "e-" if electrons else units.pop()


def draw_noise(ax: "Axes", results: Sequence[Result], electrons: bool = False) -> None:
    """The temporal noise of each sample at the exposure it was taken with, in DN (or electrons, through the EMVA gain K).

    The file stores the noise per second of exposure; times the selected
    frame's exposure time it is the noise of one frame, what the camera
    delivered. In electrons it is that divided by each channel's system
    gain K, given when the file holds EMVA 1288 parameters.
    """
    _require_part(results, "samples")
    units = noise_units(results, electrons)
    if units is None:
        needs = "the EMVA 1288 system gain (pairs of frames and dark frames)" if electrons else "exposure times with the samples in units per second"
        ax.text(0.5, 0.5, f"not drawn: needs {needs}", transform=ax.transAxes, ha="center", va="center", color="#777777", wrap=True)
    else:
        for trace in _overlay(results):
            samples = _samples(trace.result)
            gains = _gains(trace.result) if electrons else None
            for column, channel, colour in trace.channels:
                noise = samples.std[:, column] * np.asarray(samples.exposure_time, dtype=np.float64)
                if gains is not None:
                    noise = noise / gains[column]
                ax.plot(samples.wavelength, noise, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}", **_markers(trace, noise.size))
        ax.set_ylabel(axis_label("Temporal noise", units))
        ax.set_ylim(bottom=0)
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    ax.set_title("Noise in electrons, through K" if electrons else "Noise at the selected exposure")


def draw_snr(ax: "Axes", results: Sequence[Result]) -> None:
    """Signal-to-noise ratio (mean / temporal noise) per channel against wavelength."""
    _require_part(results, "samples")
    for trace in _overlay(results):
        snr = _samples(trace.result).snr
        for column, channel, colour in trace.channels:
            ax.plot(
                _samples(trace.result).wavelength, snr[:, column], color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}", **_markers(trace, snr.shape[0])
            )
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    ax.set_ylabel("SNR (mean / noise)")
    ax.set_ylim(bottom=0)
    ax.set_title("Signal-to-noise ratio")


def exposure_brackets(result: Result) -> list[dict[str, Any]]:
    """Each bracket's offered, overexposed and selected exposure times, as ``camchar stats`` records them; empty for older files."""
    recorded = result.provenance.get("exposure_brackets")
    if not isinstance(recorded, list):
        return []
    return [item for item in recorded if isinstance(item, dict) and isinstance(item.get("wavelength"), (int, float))]


def _bracket_points(brackets: Sequence[dict[str, Any]], key: str) -> tuple[list[float], list[float]]:
    """(wavelength, exposure time) of every exposure a bracket lists under ``key``, each distinct time once per bracket."""
    x: list[float] = []
    y: list[float] = []
    for bracket in brackets:
        times = sorted({float(value) for value in bracket.get(key) or () if isinstance(value, (int, float))})
        x += [float(bracket["wavelength"])] * len(times)
        y += times
    return x, y


def draw_exposure(ax: "Axes", results: Sequence[Result]) -> None:
    """Each bracket's exposure times: those offered (grey rings), the overexposed ones (red crosses) and the one selected (the line)."""
    _require_part(results, "samples")
    with_exposure = [result for result in results if _samples(result).exposure_time is not None]
    all_times = [np.asarray(_samples(result).exposure_time) for result in with_exposure]
    for index, trace in enumerate(_overlay(results)):
        samples = _samples(trace.result)
        brackets = exposure_brackets(trace.result)
        offered, overexposed = _bracket_points(brackets, "offered"), _bracket_points(brackets, "overexposed")
        all_times += [np.asarray(offered[1])]
        if offered[0]:
            ax.plot(*offered, linestyle="none", marker="o", markersize=5, markerfacecolor="none", color="#9e9e9e", label=f"{trace.name}: offered")
        if overexposed[0]:
            ax.plot(*overexposed, linestyle="none", marker="x", markersize=4, color=_RED, label=f"{trace.name}: overexposed")
        if samples.exposure_time is None:
            continue
        ax.plot(
            samples.wavelength,
            samples.exposure_time,
            color=NEUTRAL_CYCLE[index % len(NEUTRAL_CYCLE)],
            linestyle=trace.linestyle,
            marker=trace.marker if samples.wavelength.size <= 40 else None,
            drawstyle="steps-mid",
            label=f"{trace.name}: selected",
        )
    ax.set_xlabel(axis_label("Wavelength", _common_units(results, "wavelengths", lambda r: _samples(r).wavelength_units)))
    units = _common_units(with_exposure, "exposure times", lambda r: _samples(r).exposure_time_units) if with_exposure else "s"
    ax.set_ylabel(axis_label("Exposure time", units))
    ax.set_yscale("log")
    times = np.unique(np.concatenate(all_times)) if all_times else np.array([])
    times = times[np.isfinite(times) & (times > 0)]
    if 0 < times.size <= 8:  # brackets use a few exposures: label exactly those
        from matplotlib.ticker import NullLocator

        ax.set_yticks(times, [format(value, ".4g") for value in times])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylim(times[0] / 1.5, times[-1] * 1.5)
    ax.set_title("Exposure times: selected, offered, overexposed")
    if not with_exposure:
        ax.text(0.5, 0.5, "no exposure times in the file", transform=ax.transAxes, ha="center", va="center", color="#777777")


def measured_span(response: ResponseData) -> tuple[float, float] | None:
    """The wavelengths a response was fitted from (:attr:`ResponseData.measured_range`)."""
    return response.measured_range


def _shade_extrapolated(ax: "Axes", results: Sequence[Result]) -> None:
    """Grey spans over the wavelengths no overlaid response was measured at, labelled ``extrapolated``."""
    spans = [span for span in (measured_span(_response(result)) for result in results) if span is not None]
    if not spans:
        return
    low, high = min(span[0] for span in spans), max(span[1] for span in spans)
    left, right = ax.get_xlim()
    for start, stop in ((left, low), (high, right)):
        if stop > start:
            ax.axvspan(start, stop, color="#9e9e9e", alpha=0.18, linewidth=0, zorder=0, label="extrapolated")
            ax.text((start + stop) / 2, 0.97, "extrapolated", transform=ax.get_xaxis_transform(), ha="center", va="top", color="#616161", fontsize=7.5)
    ax.set_xlim(left, right)


def draw_response(ax: "Axes", results: Sequence[Result]) -> None:
    """Spectral response per channel with its ± std bootstrap band; the wavelengths outside the samples shaded "extrapolated"."""
    _require_part(results, "response")
    for trace in _overlay(results):
        response = _response(trace.result)
        for column, channel, colour in trace.channels:
            mean, std = response.mean[:, column], response.std[:, column]
            _band(ax, response.wavelength, mean - std, mean + std, colour)
            ax.plot(response.wavelength, mean, color=colour, linestyle=trace.linestyle, label=f"{trace.name}: {channel}")
    ax.axhline(0, color="#555555", linewidth=0.6, zorder=1, label="_zero")
    _shade_extrapolated(ax, results)
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


def relative_residuals(fit: FitData) -> tuple[np.ndarray, np.ndarray]:
    """``(measured − estimate) / measured`` and ``noise / measured`` per sample and channel, in percent (NaN where nothing was measured)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(fit.mean != 0, np.asarray(fit.mean, dtype=np.float64), np.nan)
        return 100 * fit.residual / mean, 100 * np.abs(fit.std / mean)


def draw_residuals(ax: "Axes", results: Sequence[Result]) -> None:
    """Relative residuals, (measured − estimate) / measured per channel, over the band of ± the samples' relative noise."""
    traces = _fitted(results)
    for trace in traces:
        fit = _fit(trace.result)
        residual, noise = relative_residuals(fit)
        for column, channel, colour in trace.channels:
            _band(ax, fit.wavelength, -noise[:, column], noise[:, column], colour)
            ax.plot(fit.wavelength, residual[:, column], color=colour, linestyle=trace.linestyle, linewidth=0.8, label=f"{trace.name}: {channel}", **_markers(trace, 0))
    ax.axhline(0, color="#555555", linewidth=0.6, zorder=1, label="_zero")
    fitted = [trace.result for trace in traces]
    ax.set_xlabel(axis_label("Nominal wavelength", _common_units(fitted, "wavelengths", lambda r: _fit(r).wavelength_units)))
    ax.set_ylabel("(measured − estimate) / measured [%]")
    ax.set_title("Relative residuals ± the samples' noise")


def _ptc_traces(results: Sequence[Result]) -> list[_Trace]:
    """The overlaid results with photon-transfer points; a clear error when none has them."""
    _require_part(results, "emva1288")
    traces = [trace for trace in _overlay(results) if _emva(trace.result).ptc_mean is not None]
    if not traces:
        raise BadInput(results[0].path, "the /emva1288 group holds no photon-transfer data (ptc_mean, ptc_variance)")
    return traces


def _ptc_points(emva: EmvaData, column: int) -> tuple[np.ndarray, np.ndarray]:
    """The photon-transfer points of one channel that a log–log plot can show (mean and variance above 0)."""
    mean = np.asarray(emva.ptc_mean, dtype=np.float64)[:, column]
    variance = np.asarray(emva.ptc_variance, dtype=np.float64)[:, column]
    shown = (mean > 0) & (variance > 0)
    return mean[shown], variance[shown]


def draw_ptc(ax: "Axes", results: Sequence[Result]) -> None:
    """Photon transfer on log–log axes: temporal variance against dark-subtracted mean, with the fitted gain line."""
    traces = _ptc_traces(results)
    for trace in traces:
        emva = _emva(trace.result)
        line = emva.gain_line()
        for column, channel, colour in trace.channels:
            mean, variance = _ptc_points(emva, column)
            ax.plot(mean, variance, linestyle="none", marker=trace.marker, color=colour, markersize=3.5, alpha=0.8, label=f"{trace.name}: {channel} points")
            if line is not None and mean.size:
                x = np.geomspace(mean.min() / 1.2, mean.max() * 1.2, 50)
                ax.plot(x, line[0][column] * x + line[1][column], color=colour, linestyle=trace.linestyle, linewidth=1.0, label=f"{trace.name}: {channel} gain fit")
    with_points = [trace.result for trace in traces]
    ax.set_xscale("log")
    ax.set_yscale("log")
    _major_labels_only(ax)
    ax.set_xlabel(axis_label("Mean signal, dark subtracted", _common_units(with_points, "mean signals", lambda r: _emva(r).ptc_mean_units)))
    ax.set_ylabel(axis_label("Temporal variance", _common_units(with_points, "variances", lambda r: _emva(r).ptc_variance_units)))
    ax.set_title("Photon transfer, log–log")


def _major_labels_only(ax: "Axes") -> None:
    """On log axes spanning a decade or more, label the powers of ten only: minor labels crowd a small panel."""
    from matplotlib.ticker import NullFormatter

    for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        low, high = sorted(limits)
        if low > 0 and high / low >= 10:
            axis.set_minor_formatter(NullFormatter())


def draw_ptc_residuals(ax: "Axes", results: Sequence[Result]) -> None:
    """The photon-transfer points' relative distance from the gain line, (variance − line) / line, in percent."""
    traces = _ptc_traces(results)
    for trace in traces:
        emva = _emva(trace.result)
        line = emva.gain_line()
        if line is None:
            continue
        for column, channel, colour in trace.channels:
            mean, variance = _ptc_points(emva, column)
            predicted = line[0][column] * mean + line[1][column]
            with np.errstate(divide="ignore", invalid="ignore"):
                relative = 100 * (variance - predicted) / predicted
            ax.plot(mean, relative, linestyle="none", marker=trace.marker, color=colour, markersize=3, label=f"{trace.name}: {channel}")
    ax.axhline(0, color="#555555", linewidth=0.6, zorder=1, label="_zero")
    ax.set_xscale("log")
    _major_labels_only(ax)
    with_points = [trace.result for trace in traces]
    ax.set_xlabel(axis_label("Mean signal, dark subtracted", _common_units(with_points, "mean signals", lambda r: _emva(r).ptc_mean_units)))
    ax.set_ylabel("(variance − fit) / fit [%]")
    ax.set_title("Photon-transfer residuals")


_DRAW: dict[str, Callable[["Axes", Sequence[Result]], None]] = {
    "signal": draw_signal,
    "signal-log": lambda ax, results: draw_signal(ax, results, log=True),
    "snr": draw_snr,
    "exposure": draw_exposure,
    "response": draw_response,
    "fit": draw_fit,
    "residuals": draw_residuals,
    "noise": draw_noise,
    "noise-electrons": lambda ax, results: draw_noise(ax, results, electrons=True),
    "ptc": draw_ptc,
    "ptc-residuals": draw_ptc_residuals,
}


# ----------------------------------------------------------------------------------------------------------------
# Figures


def gain_label(result: Result, channel: str) -> str | None:
    """``"G: K = 0.5 ± 0.0012 DN/e-"``: a channel's system gain with its standard error, when the file gives them."""
    emva = result.emva
    gain = None if emva is None else emva.parameter("system_gain")
    if gain is None or channel not in result.channels:
        return None
    column = list(result.channels).index(channel)
    error = "" if gain.standard_error is None else f" ± {gain.standard_error[column]:.2g}"
    return f"{channel}: K = {gain.values[column]:.4g}{error} {display_units(gain.units)}".rstrip()


def band_meaning(results: Sequence[Result]) -> str:
    """What a response's band is: the spread of the bootstrap over the samples' noise, which leaves out the fit's bias."""
    draws = {_response(result).draws for result in results}
    count = f"{draws.pop()} " if len(draws) == 1 and None not in draws else ""
    return f"band: ± std of {count}bootstrap draws: noise only, no bias"


def _channel_key(results: Sequence[Result], kind: str) -> list[tuple[Any, str]]:
    """A line of each channel's colour, named (with its K ± standard error on a photon-transfer figure of one file)."""
    from matplotlib.lines import Line2D

    channels = _all_channels(results)
    key = []
    for channel in channels:
        handle = Line2D([], [], color=channel_colour(channel, channels), marker="o" if kind == "emva1288" else None, linewidth=2.0)
        label = (gain_label(results[0], channel) if kind == "emva1288" and len(results) == 1 else None) or channel
        key.append((handle, _mathsafe(label)))
    return key


def _legend(figure: "Figure", results: Sequence[Result], kind: str, panels: Sequence[str]) -> None:
    """The figure's key: channel colours and what bands and shades mean under the panels; when files are overlaid, their line styles above."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    key: list[tuple[Any, str]] = [] if panels == ("exposure",) else _channel_key(results, kind)
    if "exposure" in panels:
        key.append((Line2D([], [], color="#9e9e9e", marker="o", markerfacecolor="none", linestyle="none"), "offered"))
        key.append((Line2D([], [], color=_RED, marker="x", linestyle="none"), "overexposed"))
    if "fit" in panels:
        key.append((Line2D([], [], color="#555555", marker="o", linestyle="none", markersize=3), "measured ± noise"))
        key.append((Line2D([], [], color="#555555"), "fit estimate ± std"))
    if "response" in panels:
        key.append((Patch(color="#555555", alpha=0.2, linewidth=0), band_meaning(results)))
        if any(measured_span(_response(result)) is not None for result in results):
            key.append((Patch(color="#9e9e9e", alpha=0.35, linewidth=0), "extrapolated: not measured"))
    if key:
        figure.legend(*zip(*key), loc="outside lower center", ncols=_columns([label for _, label in key], figure.get_figwidth()))
    if len(results) > 1:
        files = []
        for index, name in enumerate(display_names(results)):
            linestyle, marker = _file_style(index)
            colour = NEUTRAL_CYCLE[index % len(NEUTRAL_CYCLE)] if panels == ("exposure",) else "#222222"
            files.append((Line2D([], [], color=colour, linestyle=linestyle, marker=marker if panels == ("exposure",) else None), _mathsafe(name)))
        longest = max(len(name) for name in display_names(results))
        file_key = figure.legend(*zip(*files), loc="outside upper center", ncols=1 if longest > 45 else 2 if longest > 25 else 4)
        file_key.set_title(_mathsafe(_wrapped_title(figure, results)), prop=FontProperties(weight="bold", size=10.0))  # a suptitle would overlap the key


def _columns(labels: Sequence[str], width: float) -> int:
    """The most legend columns (at most 6) whose labels fit ``width`` inches, at about 15 characters an inch and 5 for each line sample."""
    for count in range(min(len(labels), 6), 1, -1):
        rows = -(-len(labels) // count)  # matplotlib fills the columns one after the other
        columns = [labels[start : start + rows] for start in range(0, len(labels), rows)]
        if sum(5 + max(len(label) for label in column) for column in columns) <= 15 * width:
            return count
    return 1


def figure_title(results: Sequence[Result]) -> str:
    """The camera and the file: ``"Nikon D810 — response.h5"``; for several files their cameras and how many files."""
    cameras = list(dict.fromkeys(result.camera or result.label or "unnamed camera" for result in results))
    if len(results) == 1:
        result = results[0]
        return " — ".join(filter(None, (cameras[0], result.path.name if result.path is not None else None)))
    if len(cameras) == 1:
        return f"{cameras[0]} — {len(results)} files"
    return f"{len(results)} files of {len(cameras)} cameras: {'; '.join(cameras)}"


def _title(figure: "Figure", results: Sequence[Result]) -> None:
    """The figure's title; several files have it above their key instead (:func:`_legend`)."""
    if len(results) == 1:
        figure.suptitle(_mathsafe(_wrapped_title(figure, results)), x=0.01, ha="left", fontsize=10.5, fontweight="bold")


def _wrapped_title(figure: "Figure", results: Sequence[Result]) -> str:
    """:func:`figure_title` in lines that fit the figure's width (about 9 bold characters an inch)."""
    return textwrap.fill(figure_title(results), width=int(figure.get_figwidth() * 9))


def _mosaic(kind: str, results: Sequence[Result]) -> list[list[str]]:
    """The layout of a kind's panels; the noise in electrons only when every file gives the gain K."""
    if kind == "samples" and noise_units(results, electrons=True) is None:
        return [["signal", "signal-log"], ["noise", "snr"], ["exposure", "exposure"]]
    return _MOSAICS[kind]


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
        ``noise``, ``noise-electrons``, ``snr``, ``exposure``, ``response``,
        ``fit``, ``residuals``, ``ptc``, ``ptc-residuals``.
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
        _title(figure, results)
    return figure


def overview_figure(results: Sequence[Result | str | Path], kind: str | None = None) -> "Figure":
    """Every panel of one kind, for one or more results overlaid.

    Parameters
    ----------
    results
        Results or paths of result files.
    kind
        ``samples`` (mean ± noise, linear and log, noise at the selected
        exposure, in electrons too when the gain is known, SNR, exposure),
        ``response`` (sensitivity, fit, relative residuals) or ``emva1288``
        (photon transfer, log–log, and its residuals); by default the first
        result's primary kind.

    Raises
    ------
    BadInput
        When a result lacks that kind of data, or the results give the same
        quantity different units.
    """
    results = _results(results)
    kind = _kind_of(results, kind)
    sizes = {"samples": (10.0, 10.0), "response": (10.0, 7.6), "emva1288": (6.4, 6.4)}
    mosaic = _mosaic(kind, results)
    with style():
        figure = _figure(sizes[kind])
        axes = figure.subplot_mosaic(mosaic, height_ratios=_HEIGHTS[kind])  # type: ignore[arg-type]  # a list of rows of names is a mosaic
        panels = [panel for panel in PANELS[kind] if panel in axes]
        if "ptc-residuals" in axes:
            axes["ptc-residuals"].sharex(axes["ptc"])
        for panel in panels:
            _DRAW[panel](axes[panel], results)
        _legend(figure, results, kind, panels)
        _title(figure, results)
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
