"""The EMVA 1288 parameters of a sensor, from a spectral sweep shot with pairs and dark frames.

EMVA 1288 (Release 4.0) characterises a camera by a photon-transfer series;
a spectral sweep with two frames per exposure and dark frames holds the same
information. Per channel, from the selected frames ``A``, their partners
``B`` and the dark frames (``docs/emva1288.md`` gives the definitions and
their uncertainty):

- **system gain** ``K`` (DN/e-): the slope of the photon-transfer line
  ``sigma_y^2 - sigma_y.dark^2 = K (mu_y - mu_y.dark)``, fitted through the
  origin over the points up to 70% of saturation (all points when the
  saturation is unknown);
- **temporal dark noise** ``sigma_y.dark`` (DN), from the disjoint pairs of
  dark frames of the shortest exposure, at least ``sqrt(0.24)`` DN as the standard
  prescribes, and ``sigma_d = sqrt(sigma_y.dark^2 - 1/12) / K`` in e-;
- **DSNU** (DN): the spatial standard deviation of the master dark, less its
  temporal part ``sigma_y.dark^2 / L``;
- **PRNU** (%): the spatial standard deviation of ``(A + B) / 2`` above dark,
  less its temporal parts, over its mean; at the point nearest half of
  saturation, else the median over points above a quarter of the largest signal;
- **saturation** (DN above dark) and **dynamic range** (dB), when the
  saturation level of every channel is known (``white_level``, or a pile-up
  camchar found, or inferred on a channel that never clips from the level
  where the others do: one sensor, one ADC); else left out, and the run's
  summary and the file's ``emva1288_note`` say why.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

import attrs
import numpy as np

from camchar.core.frames import Frame, LoadRequest
from camchar.host.stack import SelectedStack
from camchar.numerics.moments import variance_standard_error
from camchar.numerics.pairs import pair_variance, pair_variance_error
from camchar.stats.clipping import Clipping, decoded_planes, pile_up_tops
from camchar.stats.cluster_stack import DistributedStack
from camchar.stats.context import DecodingContext, SweepContext
from camchar.stats.darks import EXPOSURE_TOLERANCE, DarkFrames
from camchar.stats.exposure import ExposureTimes
from camchar.stats.levels import Rules
from camchar.stats.plan import Bracket
from camchar.stats.selection import Selection
from camchar.stats.stack import DecodingStack

__all__ = ["EmvaParameters", "SaturationLevels", "saturation_levels", "QUANTIZATION_VARIANCE", "LEAST_DARK_VARIANCE", "LINEAR_RANGE", "MIN_POINTS", "emva_parameters", "unavailable_because", "sweep_emva1288"]

#: The variance of uniform quantization, DN^2.
QUANTIZATION_VARIANCE = 1.0 / 12.0
#: The standard's floor for the temporal dark variance, DN^2 (below it quantization dominates).
LEAST_DARK_VARIANCE = 0.24
#: The gain is fitted up to this fraction of the saturation signal.
LINEAR_RANGE = 0.7
#: Fewest photon-transfer points for a gain.
MIN_POINTS = 3


@attrs.frozen(eq=False)
class EmvaParameters:
    """The EMVA 1288 parameters of each channel, and the photon-transfer points they come from.

    Parameters
    ----------
    system_gain, system_gain_error
        ``(C,)`` K in DN/e- and its standard error.
    dark_noise, dark_noise_error
        ``(C,)`` temporal dark noise in DN and its standard error.
    dark_noise_electrons
        ``(C,)`` temporal dark noise in e-, quantization removed.
    dsnu, dsnu_error
        ``(C,)`` dark signal non-uniformity in DN and its standard error.
    prnu, prnu_error
        ``(C,)`` photo-response non-uniformity in % and its standard error.
    saturation
        ``(C,)`` saturation signal in DN above dark, or ``None`` when unknown.
    dynamic_range
        ``(C,)`` in dB, or ``None`` when the saturation is unknown.
    ptc_mean, ptc_variance
        ``(N, C)`` mean signal above dark and temporal variance of each pair, DN and DN^2.
    ptc_offset
        ``(C,)`` temporal dark variance: the photon-transfer line's intercept, DN^2.
    points
        ``(C,)`` photon-transfer points the gain was fitted to.
    notes
        What the figures rest on, or why some are left out, for the summary
        and the file's provenance.
    """

    system_gain: np.ndarray
    system_gain_error: np.ndarray
    dark_noise: np.ndarray
    dark_noise_error: np.ndarray
    dark_noise_electrons: np.ndarray
    dsnu: np.ndarray
    dsnu_error: np.ndarray
    prnu: np.ndarray
    prnu_error: np.ndarray
    saturation: np.ndarray | None
    dynamic_range: np.ndarray | None
    ptc_mean: np.ndarray
    ptc_variance: np.ndarray
    ptc_offset: np.ndarray
    points: np.ndarray
    notes: tuple[str, ...] = ()

    def datasets(self) -> dict[str, tuple[np.ndarray, dict[str, Any]]]:
        """``{name: (values, attributes)}`` of the ``/emva1288`` group, each with its ``units``."""
        entries = {
            "system_gain": (self.system_gain, {"units": "DN/e-", "standard_error": self.system_gain_error, "points": self.points}),
            "dark_noise": (self.dark_noise, {"units": "DN", "standard_error": self.dark_noise_error}),
            "dark_noise_electrons": (self.dark_noise_electrons, {"units": "e-"}),
            "dsnu": (self.dsnu, {"units": "DN", "standard_error": self.dsnu_error}),
            "prnu": (self.prnu, {"units": "%", "standard_error": self.prnu_error}),
            "saturation": (self.saturation, {"units": "DN"}),
            "dynamic_range": (self.dynamic_range, {"units": "dB"}),
            "ptc_mean": (self.ptc_mean, {"units": "DN"}),
            "ptc_variance": (self.ptc_variance, {"units": "DN^2"}),
            "ptc_offset": (self.ptc_offset, {"units": "DN^2"}),
        }
        return {name: entry for name, entry in entries.items() if entry[0] is not None}

    def describe(self, channel_names: Sequence[str]) -> list[str]:
        """One line per parameter for the run summary, e.g. ``system gain: R=0.4978 ± 0.0012  G=0.5028 ± 0.0011 ... DN/e-``."""
        lines = []
        for name, (values, attributes) in self.datasets().items():
            if name.startswith("ptc_"):
                continue
            errors = attributes.get("standard_error")
            shown = "  ".join(
                f"{channel}={value:.4g}" + ("" if errors is None else f" ± {errors[index]:.2g}")
                for index, (channel, value) in enumerate(zip(channel_names, values))
            )
            lines.append(f"{name.replace('_', ' ')}: {shown} {attributes['units']}")
        return lines + list(self.notes)

    def provenance(self) -> dict[str, str]:
        """``{"emva1288_note": text}`` for the file's provenance when the figures come with notes, else empty."""
        return {"emva1288_note": "; ".join(self.notes)} if self.notes else {}


@attrs.frozen(eq=False)
class SaturationLevels:
    """Where each channel saturates as far as the sweep shows it, in counts of the file.

    Attributes
    ----------
    known : numpy.ndarray or None
        ``(C,)`` the saturation levels the parameters use, or ``None`` when
        some channel's is unknown (saturation and dynamic range left out).
    reached : numpy.ndarray or None
        ``(C,)`` the level whose linear range (:data:`LINEAR_RANGE` of it,
        above dark) bounds the gain fit: ``known``, else where the sweep's
        values pile up (at the loader's full scale, say); ``inf`` for a
        channel, or ``None`` for all, where nothing bounds it.
    note : str or None
        For the summary and the file: where a level was inferred, or why
        saturation is left out.
    """

    known: np.ndarray | None
    reached: np.ndarray | None
    note: str | None = None


#: How a note on a left-out saturation begins.
LEFT_OUT = "saturation and dynamic range left out"


def saturation_levels(context: DecodingContext, selection: Selection, clipping: Clipping | None) -> SaturationLevels:
    """Where the sweep's channels saturate: a pile-up found (or inferred), ``white_level``, or unknown and why.

    Parameters
    ----------
    context
        The run: its settings (``white_level``, ``detect_clipping``), and the
        loader, load request and rules to look for values piling up at the
        loader's full scale.
    selection
        Every frame's record (largest values, saturation levels).
    clipping
        Where the sweep clips below the loader's full scale, when found.
    """
    names = selection.channel_names
    if clipping is not None:
        return _from_clipping(clipping, names)
    records = [record for outcome in selection.outcomes for record in outcome.records]
    levels = np.array(records[0].saturation, dtype=np.float64)  # white_level when given (applied by the loader or the rules)
    if context.settings.white_level is not None:
        return SaturationLevels(levels, levels)
    if not context.settings.detect_clipping:
        return SaturationLevels(None, None, f"{LEFT_OUT}: clipping detection is off (detect_clipping: false); white_level gives them")
    rules, loader = context.rules, context.chosen.loader.component
    tops = pile_up_tops(records, decoded_planes(loader, context.request, rules.mask), lambda channel, top: top > rules.max_fraction * levels[channel])
    if not np.isfinite(tops).any():
        return SaturationLevels(None, None, f"{LEFT_OUT}: no frame of the sweep reaches the level where the sensor clips (white_level gives them)")
    at_full_scale = Clipping.of(tops, levels, one_sensor=True)
    found = ", ".join(f"{name} {level:g}" for name, level, where in zip(names, tops, at_full_scale.found) if where)
    return SaturationLevels(
        None,
        at_full_scale.levels,
        f"{LEFT_OUT}: the values pile up at the loader's full scale ({found}), where the file's range ends; the sensor may saturate "
        f"above it (white_level gives them); system gain fitted up to {LINEAR_RANGE:.0%} of it",
    )


def _from_clipping(clipping: Clipping, names: Sequence[str]) -> SaturationLevels:
    """The saturation levels of a pile-up found below the loader's full scale: known when found or inferred on every channel."""
    if clipping.known:
        note = None
        if clipping.inferred.any():
            level = clipping.levels[clipping.found][0]
            note = f"saturation of {_named(names, clipping.inferred)} inferred from {_named(names, clipping.found)}, which clip at {level:g} (one sensor, one ADC)"
        return SaturationLevels(clipping.levels, clipping.levels, note)
    unknown = ~clipping.found
    shows = "shows" if np.count_nonzero(unknown) == 1 else "show"
    return SaturationLevels(
        None,
        np.where(clipping.found, clipping.levels, np.inf),
        f"{LEFT_OUT}: {_named(names, unknown)} {shows} no pile-up, and {clipping.not_inferred_because}; white_level gives them",
    )


def _named(names: Sequence[str], which: np.ndarray) -> str:
    """The names of the channels ``which`` selects, e.g. ``R, G``."""
    return ", ".join(name for name, chosen in zip(names, which) if chosen)


def unavailable_because(stack: SelectedStack, darks: DarkFrames | None, loader: Any = None, rules: Rules | None = None, bends: int = 0) -> str | None:
    """Why the sweep gives no EMVA 1288 parameters (or none to trust), or ``None`` when it does.

    Besides pairs and dark frames, the parameters need the sensor's own
    counts (not demosaiced, rescaled frames), no saturated pixels let into
    the statistics, and a response that does not bend (a full well the
    saturation level misses would flatten the photon-transfer curve).
    """
    paired = sum(record.partner is not None for record in stack.frames)
    if paired < MIN_POINTS:
        return f"{paired} selected frame(s) have a second frame at their exposure; the photon-transfer fit needs {MIN_POINTS}"
    if darks is None:
        return "the sweep has no dark frames"
    if min(darks.counts.values()) < 2:
        return "a dark group has fewer than 2 frames; the temporal dark noise needs two"
    if loader is not None and not loader.sensor_counts:
        return f"loader {loader.name} gives demosaiced, rescaled frames, not the sensor's counts (--loader raw-bayer gives them)"
    if rules is not None and rules.tolerated > 0:
        return "saturated_fraction lets saturated pixels into the statistics (defect_mask leaves stuck pixels out instead)"
    if bends:
        return f"the response bends in {bends} bracket(s) (a full well below the file's full scale?); set white_level"
    return None


def emva_parameters(context: SweepContext, stack: SelectedStack, darks: DarkFrames, levels: SaturationLevels, names: Sequence[str]) -> EmvaParameters:
    """Compute the EMVA 1288 parameters of every channel.

    Parameters
    ----------
    context
        The run: its plan's dark frames by exposure time (the pairs of each
        group give its temporal dark noise), and the loader, load request
        and exposure times to read them.
    stack
        The selected frames, dark-subtracted, with partners where they have
        one (frames without are left out).
    darks
        The master darks.
    levels
        Where each channel saturates, in counts of the file, as far as the
        sweep shows it (:func:`saturation_levels`): the saturation when
        known, and the level whose linear range bounds the gain fit.
    names
        The channels' names, for the notes.
    """
    mask = stack.mask
    loader = context.chosen.loader.component
    dark = {seconds: _dark_pair_variance(group, loader, context.request, mask, context.exposures) for seconds, group in context.plan.darks.items()}
    shortest = min(dark, key=lambda seconds: -1.0 if seconds is None else seconds)
    sigma2_dark, sigma2_dark_error = np.maximum(dark[shortest][0], LEAST_DARK_VARIANCE), dark[shortest][1]

    def pair_statistics(index: int, frame: Frame) -> np.ndarray | None:
        partner = stack.partner(index)
        if partner is None:
            return None
        average = (frame.pixels.astype(np.float64) + partner.pixels) / 2
        return np.stack(
            [
                _means(average, mask),
                pair_variance(frame.pixels, partner.pixels, mask),
                _spatial_variance(average, mask),
                pair_variance_error(frame.pixels, partner.pixels, mask),
                _spatial_variance_error(average, mask),
            ]
        )

    results = stack.map(pair_statistics)
    points = [index for index, result in enumerate(results) if result is not None]
    statistics = np.array([results[index] for index in points])
    mean, variance, spatial, variance_error, spatial_error = (statistics[:, row] for row in range(5))
    exposure = stack.exposure_times[points]
    dark_at, dark_at_error = (np.array([_for_exposure(dark, seconds)[part] for seconds in exposure]) for part in (0, 1))

    master = darks.masters[shortest]
    dark_level = _means(master, mask)
    saturation = None if levels.known is None else levels.known - dark_level
    ceiling = None if levels.reached is None else levels.reached - dark_level
    gain, gain_error, used, short = _gain(mean, variance - dark_at, (variance_error, dark_at_error), ceiling)
    dark_frames = darks.counts[shortest]
    dark_pattern = _spatial_variance(master, mask) - sigma2_dark / dark_frames
    dark_pattern_error = np.hypot(_spatial_variance_error(master, mask), sigma2_dark_error / dark_frames)
    # (A + B) / 2 less the master dark: the gain pattern, the pairs' temporal variance over 2, the master's over L
    averaged = np.array([_dark_count(darks, seconds) for seconds in exposure])[:, np.newaxis]
    pattern = spatial - variance / 2 - dark_at / averaged
    pattern_error = np.sqrt(spatial_error**2 + (variance_error / 2) ** 2 + (dark_at_error / averaged) ** 2)
    prnu, prnu_error = _prnu(np.sqrt(np.maximum(pattern, 0.0)) / mean, _root_error(pattern, pattern_error) / mean, mean, saturation)
    dynamic_range = None
    if saturation is not None:
        dynamic_range = 20.0 * np.log10((saturation / gain) / (np.sqrt(sigma2_dark) / gain + 0.5))
    notes = [levels.note] if levels.note else []
    if short.any():
        notes.append(f"system gain of {_named(names, short)} fitted to every point: fewer than {MIN_POINTS} lie below {LINEAR_RANGE:.0%} of where the sensor clips")
    return EmvaParameters(
        system_gain=gain,
        system_gain_error=gain_error,
        dark_noise=np.sqrt(sigma2_dark),
        dark_noise_error=_root_error(sigma2_dark, sigma2_dark_error),
        dark_noise_electrons=np.sqrt(np.maximum(sigma2_dark - QUANTIZATION_VARIANCE, 0.0)) / gain,
        dsnu=np.sqrt(np.maximum(dark_pattern, 0.0)),
        dsnu_error=_root_error(dark_pattern, dark_pattern_error),
        prnu=100.0 * prnu,
        prnu_error=100.0 * prnu_error,
        saturation=saturation,
        dynamic_range=dynamic_range,
        ptc_mean=mean,
        ptc_variance=variance,
        ptc_offset=sigma2_dark,
        points=used,
        notes=tuple(notes),
    )


def _gain(
    mean: np.ndarray, excess: np.ndarray, errors: tuple[np.ndarray, np.ndarray], ceiling: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Slope through the origin of ``excess`` against ``mean`` per channel, its standard error, the points used, and where the range was too short.

    ``errors`` are the standard errors of the pairs' variances and of the
    dark variances subtracted from them (:func:`_slope_error`). The points
    fitted are those with signal up to :data:`LINEAR_RANGE` of ``ceiling``
    (all with signal where it is ``None`` or ``inf``); with fewer than
    :data:`MIN_POINTS` there, all points with signal, and the channel is
    flagged.
    """
    channels = mean.shape[1]
    gain, error, used = np.empty(channels), np.empty(channels), np.empty(channels, dtype=np.int64)
    short = np.zeros(channels, dtype=bool)
    for channel in range(channels):
        x, y = mean[:, channel], excess[:, channel]
        keep = x > 0
        if ceiling is not None and np.isfinite(ceiling[channel]):
            within = keep & (x <= LINEAR_RANGE * ceiling[channel])
            short[channel] = np.count_nonzero(within) < MIN_POINTS
            keep = keep if short[channel] else within
        x, y = x[keep], y[keep]
        slope = float(x @ y / (x @ x))
        gain[channel] = slope
        error[channel] = _slope_error(x, y - slope * x, errors[0][keep, channel], errors[1][keep, channel])
        used[channel] = x.size
    return gain, error, used, short


def _slope_error(x: np.ndarray, residuals: np.ndarray, variance_error: np.ndarray, dark_error: np.ndarray) -> float:
    """The standard error of a slope through the origin: the larger of the points' errors propagated and their scatter about the line.

    Propagated: ``sqrt(sum x^2 e_v^2 + (sum x e_d)^2) / sum x^2``, the dark
    variances' errors ``e_d`` taken as shared by all points (exact when they
    share one exposure, an upper bound otherwise). The scatter,
    ``sqrt(sum r^2 / (n - 1) / sum x^2)``, alone misses the error of a point
    that dominates the fit (it pulls the line onto itself), and the
    propagation alone misses a curve the line does not follow.
    """
    propagated = np.sqrt((x * x) @ (variance_error**2) + (x @ dark_error) ** 2) / (x @ x)
    scatter = np.sqrt(residuals @ residuals / max(x.size - 1, 1) / (x @ x))
    return float(max(propagated, scatter))


def _prnu(relative: np.ndarray, error: np.ndarray, mean: np.ndarray, saturation: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per channel, the relative pattern and its standard error: at the point nearest half of saturation, else the medians over points above a quarter of the largest signal.

    The points share one gain pattern, so their errors do not average out in
    the median: its error is taken as the median of theirs.
    """
    values, errors = np.empty(relative.shape[1]), np.empty(relative.shape[1])
    for channel in range(relative.shape[1]):
        if saturation is not None:
            nearest = np.argmin(np.abs(mean[:, channel] - saturation[channel] / 2))
            values[channel], errors[channel] = relative[nearest, channel], error[nearest, channel]
        else:
            bright = mean[:, channel] >= mean[:, channel].max() / 4
            values[channel], errors[channel] = np.median(relative[bright, channel]), np.median(error[bright, channel])
    return values, errors


def _root_error(variance: np.ndarray, error: np.ndarray) -> np.ndarray:
    """The standard error of ``sqrt(max(variance, 0))`` from the variance's: ``error / (2 sqrt(variance))``.

    Near zero, where that diverges, at most ``sqrt(error)``: the smallest
    standard deviation the data resolve (``variance`` below ``error / 4``).
    """
    floor = np.maximum(variance, error / 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(floor > 0, error / (2 * np.sqrt(floor)), 0.0)


def _dark_pair_variance(group: Bracket, loader: Any, request: LoadRequest, mask: np.ndarray | None, exposures: ExposureTimes) -> tuple[np.ndarray, np.ndarray]:
    """The mean temporal variance of the group's disjoint pairs of dark frames (first and second, third and fourth ...), and its standard error."""

    def pixels(number: int, path) -> np.ndarray:
        return exposures.frame(loader.load(path, request), number).pixels

    images = group.images
    pairs = [(pixels(*images[index]), pixels(*images[index + 1])) for index in range(0, len(images) - 1, 2)]
    variances = np.array([pair_variance(first, second, mask) for first, second in pairs])
    errors = np.array([pair_variance_error(first, second, mask) for first, second in pairs])
    return variances.mean(axis=0), np.sqrt((errors**2).sum(axis=0)) / len(pairs)


def _for_exposure(by_exposure: Mapping[float | None, Any], seconds: float) -> Any:
    """The entry for ``seconds`` (``None``: for every exposure)."""
    if None in by_exposure:
        return by_exposure[None]
    return next(value for key, value in by_exposure.items() if abs(key - seconds) <= EXPOSURE_TOLERANCE * key)


def _dark_count(darks: DarkFrames, seconds: float) -> int:
    return _for_exposure(darks.counts, seconds)


def _means(pixels: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    if mask is None:
        return pixels.reshape(-1, pixels.shape[2]).mean(axis=0)
    return np.array([pixels[..., c][~mask[..., c]].mean() for c in range(pixels.shape[2])])


def _spatial_variance(pixels: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``(C,)`` variance over the pixels (``ddof=1``) that ``mask`` leaves in."""
    if mask is None:
        return pixels.reshape(-1, pixels.shape[2]).var(axis=0, ddof=1)
    return np.array([pixels[..., c][~mask[..., c]].var(ddof=1) for c in range(pixels.shape[2])])


def _spatial_variance_error(pixels: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``(C,)`` standard error of :func:`_spatial_variance`, the pixels taken as independent samples of the sensor's."""
    planes = (pixels[..., c] if mask is None else pixels[..., c][~mask[..., c]] for c in range(pixels.shape[2]))
    return np.array([variance_standard_error(plane) for plane in planes])


def sweep_emva1288(context: DecodingContext, selection: Selection, darks: DarkFrames | None, clipping: Clipping | None) -> EmvaParameters | None:
    """The run's EMVA 1288 parameters when its sweep gives them, printed in the summary; else ``None``.

    A sweep with pairs but no dark frames (or the reverse) gets a summary
    line saying what is missing; a sweep with neither, none. With a
    cluster in ``context``, the pairs' statistics are computed on its workers.

    Parameters
    ----------
    context
        The run: its loader, load request, threads, exposure times, dark
        frames' files, reporter and cluster; its rules: the corrections
        selection applied (applied again to frames decoded anew) and whether
        saturated pixels were tolerated; its settings' ``white_level`` and
        ``detect_clipping`` (:func:`saturation_levels`).
    selection
        The selected frames, with their partners.
    darks
        The master darks, if the sweep has dark frames.
    clipping
        Where the sweep clips below the loader's full scale, when a pile-up
        was found: the saturation of the channels where found or inferred.
    """
    loader, rules, reporter = context.chosen.loader, context.rules, context.reporter
    stack: SelectedStack = DecodingStack(selection.frames, loader.component, context.request, selection.shape, context.workers, rules=rules, sample_type=selection.sample_type)
    reason = unavailable_because(stack, darks, loader.component, rules, len(selection.bends))
    if reason is not None:
        if darks is not None or any(frame.partner is not None for frame in selection.frames):
            reporter.summary(f"EMVA 1288 parameters not computed: {reason}")
        return None
    if context.cluster is not None:
        stack = DistributedStack(stack, context.cluster)
    started = time.perf_counter()
    parameters = emva_parameters(context, stack, darks, saturation_levels(context, selection, clipping), selection.channel_names)
    pairs = int(parameters.ptc_mean.shape[0])
    reporter.summary(f"EMVA 1288 parameters from {pairs} pairs and {sum(darks.counts.values())} dark frames [{time.perf_counter() - started:.2f} s]:")
    for line in parameters.describe(selection.channel_names):
        reporter.summary(f"  {line}")
    return parameters
