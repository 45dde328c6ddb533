"""A camera with known spectral response, seen through real source spectra: the ground truth for tests.

The samples follow the fit's own model, ``y = X w`` (the response is per
source bin), with errors on the reported means and a reported temporal noise
shaped like the real Nikon D810 file's: a few per cent of the signal on top of
a floor of about a thousandth of the peak.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from camchar.core.spectra import SourceSpectra
from camchar.files.camera_samples import CameraSamples

__all__ = ["gaussian_sensitivities", "synthetic_samples", "TRUE_PEAKS"]

#: Peak wavelengths (nm) of the default synthetic red, green and blue channels.
TRUE_PEAKS = (600.0, 530.0, 460.0)


def gaussian_sensitivities(
    wavelength: np.ndarray,
    peaks: Sequence[float] = TRUE_PEAKS,
    widths: Sequence[float] = (80.0, 70.0, 60.0),
    heights: Sequence[float] = (0.2, 0.18, 0.12),
) -> np.ndarray:
    """Smooth, single-peaked spectral sensitivities.

    Parameters
    ----------
    wavelength
        Bins, ``(W,)``.
    peaks
        Peak wavelength of each channel.
    widths
        Full width at half maximum of each channel.
    heights
        Peak value of each channel (response units per source bin).

    Returns
    -------
    numpy.ndarray
        ``(W, C)``.
    """
    wavelength = np.asarray(wavelength, dtype=np.float64)[:, None]
    sigma = np.asarray(widths, dtype=np.float64) / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    return np.asarray(heights) * np.exp(-0.5 * ((wavelength - np.asarray(peaks)) / sigma) ** 2)


def synthetic_samples(
    spectra: SourceSpectra,
    sensitivities: np.ndarray,
    *,
    relative_error: float = 0.005,
    relative_noise: float = 0.02,
    noise_floor: float = 0.001,
    seed: int | None = None,
) -> CameraSamples:
    """The samples a camera with ``sensitivities`` would give under ``spectra``.

    Parameters
    ----------
    spectra
        The source spectra (e.g. the real monochromator file).
    sensitivities
        The true response, ``(W, C)`` on ``spectra.wavelength``.
    relative_error
        Standard deviation of the error of each reported mean, relative to it
        (drift, exposure-time error and the like).
    relative_noise, noise_floor
        The reported temporal noise (``std``) is
        ``sqrt((relative_noise * signal)² + (noise_floor * peak signal)²)``.
    seed
        Seed of the noise generator.

    Returns
    -------
    CameraSamples
        At the source's nominal wavelengths; ``units`` counts/s.
    """
    rng = np.random.default_rng(seed)
    truth = spectra.irradiance @ np.asarray(sensitivities, dtype=np.float64)
    peak = float(truth.max())
    samples = CameraSamples()
    samples.nom_wl = np.array(spectra.nominal_wavelength)
    samples.wl_units = spectra.wavelength_units
    samples.mean = truth * (1.0 + relative_error * rng.standard_normal(truth.shape))
    samples.std = np.sqrt((relative_noise * truth) ** 2 + (noise_floor * peak) ** 2)
    samples.n = 562500
    samples.units = "counts/s"
    samples.exp_time = np.ones(truth.shape[0])
    samples.exp_time_units = "s"
    samples.ND = 0.0
    samples.camera = "synthetic camera"
    samples.lens = "none"
    samples.settings = f"relative error {relative_error:g}, noise {relative_noise:g} + floor {noise_floor:g}"
    samples.label = "synthetic"
    return samples
