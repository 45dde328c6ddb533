"""The original ``monochromator.py``'s method, exactly, and the better noise estimates offered beside it.

Per file (``docs/spectra.md``; ``/work/shared/guide/spectrometer.md`` states the original's method)::

    values --dark pixels' mean subtracted, pixels after them--> (value - dark_mean) / 10 ** density
           --rebinned: cumulative integral interpolated at the new bin edges, differenced, / new width-->
    irradiance on the new bins; its noise by one of ESTIMATES

All files of a run share one pixel grid (the step checks it), so the
arithmetic runs on ``(files, pixels)`` arrays; each row's numbers are the
ones the original computes for that file alone, bit for bit.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

__all__ = [
    "ORIGINAL",
    "CORRECTED",
    "REPEATS",
    "ESTIMATES",
    "MIN_REPEATS",
    "SpectraParameters",
    "bin_edges",
    "rebin",
    "pixels_per_bin",
    "Corrected",
    "dark_corrected",
    "shot_noise_slope",
    "FileSpectra",
    "per_file",
]

#: The original's noise estimate: the dark pixels' variance over the pixels in each bin; no ND factor, no shot noise.
ORIGINAL = "original"
#: Dark and shot noise per pixel, the ND factor applied (:func:`shot_noise_slope`).
CORRECTED = "corrected"
#: The spread of repeated files of one measurement where there are :data:`MIN_REPEATS`; the corrected estimate elsewhere.
REPEATS = "repeats"
#: The noise estimates ``--noise`` chooses from; the first is the default.
ESTIMATES = (ORIGINAL, CORRECTED, REPEATS)
#: The fewest files of one measurement whose spread is used as its noise (``--noise repeats``): the standard
#: deviation of 2 values has 1 degree of freedom and is off by a factor of 2 or more one time in 4.
MIN_REPEATS = 3
#: The variance of a fourth difference of independent pixels with equal variance: 1 + 16 + 36 + 16 + 1.
_FOURTH_DIFFERENCE_GAIN = 70.0


@attrs.frozen
class SpectraParameters:
    """The new bins and the noise estimate of a ``camchar spectra`` run.

    Parameters
    ----------
    start, stop
        The first and last bin centre (nm); the original's 250 and 850 by default.
    step
        The bin spacing (nm): ``linspace(start, stop, 1 + int((stop - start) / step))``.
    noise
        One of :data:`ESTIMATES`.
    """

    start: float = 250.0
    stop: float = 850.0
    step: float = 1.0
    noise: str = ORIGINAL

    def centres(self) -> np.ndarray:
        """The new bin centres, as the original computes them."""
        return np.linspace(self.start, self.stop, 1 + int((self.stop - self.start) / self.step))


def bin_edges(centres: np.ndarray) -> np.ndarray:
    """Edges midway between neighbouring centres, the outer two half a spacing outside the first and last centre."""
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[centres[0] - (centres[1] - centres[0]) / 2], middle, [centres[-1] + (centres[-1] - centres[-2]) / 2]])


def rebin(density: np.ndarray, edges: np.ndarray, new_edges: np.ndarray) -> np.ndarray:
    """Densities (per nm) on bins ``edges`` as densities on ``new_edges``, through their cumulative integral.

    Parameters
    ----------
    density
        ``(rows, K)`` values per nm on the ``K`` bins between ``edges``.
    edges
        ``(K + 1,)`` input bin edges.
    new_edges
        ``(W + 1,)`` output bin edges.

    Returns
    -------
    numpy.ndarray
        ``(rows, W)``: the integral over each new bin (``numpy.interp`` of the cumulative integral, so constant
        beyond the input's ends) divided by its width.
    """
    integral = np.zeros((density.shape[0], edges.size))
    integral[:, 1:] = np.cumsum(density * np.diff(edges), axis=1)
    widths = np.diff(new_edges)
    return np.stack([np.diff(np.interp(new_edges, edges, row)) / widths for row in integral])


def pixels_per_bin(edges: np.ndarray, new_edges: np.ndarray) -> np.ndarray:
    """The fractional number of input pixels inside each new bin: the cumulative pixel count interpolated, differenced."""
    return np.diff(np.interp(new_edges, edges, np.arange(edges.size, dtype=np.float64)))


@attrs.frozen
class Corrected:
    """The files' light pixels after dark subtraction and the neutral-density factor.

    Attributes
    ----------
    attenuated
        ``(files, K)``: value minus the dark pixels' mean, as measured through the filter.
    irradiance
        ``(files, K)``: ``(value - dark_mean) / 10 ** density``, exactly the original's arithmetic.
    dark_variance
        ``(files,)``: the dark pixels' population variance (0 without dark pixels).
    factor
        ``(files,)``: ``10 ** density``, what the irradiance was divided by.
    """

    attenuated: np.ndarray
    irradiance: np.ndarray
    dark_variance: np.ndarray
    factor: np.ndarray


def dark_corrected(values: np.ndarray, dark_pixels: tuple[int, int], densities: Sequence[float]) -> Corrected:
    """Subtract each file's dark level and undo its filter: the light pixels are those after the dark ones.

    Parameters
    ----------
    values
        ``(files, pixels)``, as read.
    dark_pixels
        ``(start, stop)``; ``(0, 0)``: no dark pixels (dark level 0).
    densities
        Each file's optical density, as written in its name (negative).
    """
    start, stop = dark_pixels
    dark = values[:, start:stop]
    dark_mean = dark.mean(axis=1) if stop > start else np.zeros(values.shape[0])
    dark_variance = dark.var(axis=1) if stop > start else np.zeros(values.shape[0])
    factor = np.array([10**density for density in densities], dtype=np.float64)
    attenuated = values[:, stop:] - dark_mean[:, None]
    return Corrected(attenuated, attenuated / factor[:, None], dark_variance, factor)


def shot_noise_slope(attenuated: np.ndarray, dark_variance: np.ndarray) -> np.ndarray:
    """Per file, the shot noise's variance per unit of signal, from the scatter of neighbouring pixels.

    The fourth difference of five neighbouring pixels removes any spectrum
    that is smooth (a cubic) over them, leaving noise with 70 times a
    pixel's variance; regressing that variance, less the dark variance, on
    the signal (through the origin, over the pixels with signal) gives the
    slope of a Poisson model ``variance = dark_variance + slope * signal``.
    A negative slope (no detectable shot noise) is 0.

    Parameters
    ----------
    attenuated
        ``(files, K)`` dark-corrected values as measured (before the ND factor).
    dark_variance
        ``(files,)`` the dark pixels' variance.
    """
    fourth = attenuated[:, :-4] - 4 * attenuated[:, 1:-3] + 6 * attenuated[:, 2:-2] - 4 * attenuated[:, 3:-1] + attenuated[:, 4:]
    local_variance = fourth**2 / _FOURTH_DIFFERENCE_GAIN
    signal = np.clip(attenuated[:, 2:-2], 0, None)
    excess = local_variance - dark_variance[:, None]
    weight = (signal**2).sum(axis=1)
    slope = np.divide((signal * excess).sum(axis=1), weight, out=np.zeros_like(weight), where=weight > 0)
    return np.clip(slope, 0, None)


@attrs.frozen
class FileSpectra:
    """Each file's spectrum on the new bins, with its variance by the original's and the corrected estimate."""

    irradiance: np.ndarray
    original_variance: np.ndarray
    corrected_variance: np.ndarray


def per_file(values: np.ndarray, wavelength: np.ndarray, dark_pixels: tuple[int, int], densities: Sequence[float], centres: np.ndarray) -> FileSpectra:
    """Every file's spectrum on the bins ``centres``, and both per-file noise estimates (variances).

    Parameters
    ----------
    values
        ``(files, pixels)``, as read.
    wavelength
        ``(pixels,)``: the pixels' wavelengths, shared by every file.
    dark_pixels
        ``(start, stop)`` of the dark pixels.
    densities
        Each file's optical density, as written (negative).
    centres
        The new bin centres.
    """
    corrected = dark_corrected(values, dark_pixels, densities)
    edges = bin_edges(wavelength[dark_pixels[1] :])
    new_edges = bin_edges(centres)
    count = pixels_per_bin(edges, new_edges)
    original = corrected.dark_variance[:, None] / count[None, :]
    slope = shot_noise_slope(corrected.attenuated, corrected.dark_variance)
    pixel_variance = corrected.dark_variance[:, None] + slope[:, None] * np.clip(corrected.attenuated, 0, None)
    variance = rebin(pixel_variance, edges, new_edges) / count[None, :] / corrected.factor[:, None] ** 2
    return FileSpectra(rebin(corrected.irradiance, edges, new_edges), original, variance)
