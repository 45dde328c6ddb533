"""Normalise the two inputs and keep the nominal wavelengths they share.

The original normalises before matching: the source by the largest
integrated spectrum, the samples by their largest value, both over all their
rows. The response is then fitted on numbers near 1 and scaled back at the end
by ``samples_scale / source_scale``.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from camchar.core.errors import BadInput
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.response.numerics import trapezoid

__all__ = ["MatchedData", "normalise_and_match", "check_samples"]


@attrs.frozen(eq=False)
class MatchedData:
    """Both inputs, normalised, on their common nominal wavelengths.

    Attributes
    ----------
    nominal_wavelength : numpy.ndarray
        The shared nominal wavelengths, ascending, ``(M,)``.
    wavelength : numpy.ndarray
        The source's wavelength bins, ``(W,)``.
    X, X_std : numpy.ndarray
        Source spectra divided by ``source_scale``, ``(M, W)``.
    y, y_std : numpy.ndarray
        Samples divided by ``samples_scale``, ``(M, C)``.
    samples_mean, samples_std : numpy.ndarray
        The kept samples as given (not normalised), ``(M, C)``.
    source_scale : float
        The largest trapezoid integral of a source spectrum over wavelength.
    samples_scale : float
        The largest sample value (NaN ignored).
    samples_index, spectra_index : numpy.ndarray
        Rows of the inputs that were kept.
    """

    nominal_wavelength: np.ndarray
    wavelength: np.ndarray
    X: np.ndarray
    X_std: np.ndarray
    y: np.ndarray
    y_std: np.ndarray
    samples_mean: np.ndarray
    samples_std: np.ndarray
    source_scale: float
    samples_scale: float
    samples_index: np.ndarray
    spectra_index: np.ndarray


def _range(values: np.ndarray, units: str) -> str:
    return f"{values.min():g}-{values.max():g} {units} ({values.size} wavelengths)"


def check_samples(samples: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nominal wavelengths, mean and std of a CameraSamples, checked.

    Parameters
    ----------
    samples
        Anything with ``nom_wl`` ``(N,)``, ``mean`` and ``std`` ``(N, C)`` (a
        one-dimensional ``mean`` is one channel).

    Returns
    -------
    tuple of numpy.ndarray
        ``nom_wl``, ``mean``, ``std`` as float64 arrays.

    Raises
    ------
    BadInput
        For missing members, inconsistent shapes (channels of ``mean`` and
        ``std``), repeated or non-finite wavelengths, or a negative ``std``.
    """
    for name in ("nom_wl", "mean", "std"):
        if getattr(samples, name, None) is None:
            raise BadInput(None, f"samples: no {name} (is the samples file complete?)")
    nominal = np.asarray(samples.nom_wl, dtype=np.float64)
    mean = np.asarray(samples.mean, dtype=np.float64)
    std = np.asarray(samples.std, dtype=np.float64)
    if mean.ndim == 1:
        mean = mean[:, None]
    if std.ndim == 1:
        std = std[:, None]
    if nominal.ndim != 1 or mean.ndim != 2 or mean.shape[0] != nominal.size:
        raise BadInput(
            None, f"samples: mean has shape {mean.shape}, expected ({nominal.size}, channels)"
        )
    if std.shape != mean.shape:
        raise BadInput(
            None,
            f"samples: mean has {mean.shape[1]} channel(s) and {mean.shape[0]} rows but std has "
            f"{std.shape[1] if std.ndim == 2 else '?'} channel(s) and {std.shape[0]} rows",
        )
    if not np.isfinite(nominal).all():
        raise BadInput(None, "samples: a nominal wavelength is NaN or infinite")
    values, counts = np.unique(nominal, return_counts=True)
    if (counts > 1).any():
        raise BadInput(None, f"samples: nominal wavelength {values[counts > 1][0]:g} appears more than once")
    if (std < 0).any():
        raise BadInput(None, "samples: std is negative")
    return nominal, mean, std


def normalise_and_match(samples: Any, spectra: SourceSpectra) -> MatchedData:
    """Normalise both inputs and keep their common nominal wavelengths.

    Parameters
    ----------
    samples
        A :class:`camchar.CameraSamples` (or anything with its ``nom_wl``,
        ``mean``, ``std``, ``wl_units``).
    spectra
        The source spectra.

    Returns
    -------
    MatchedData

    Raises
    ------
    BadInput
        When the inputs fail their checks, have no (or only one) nominal
        wavelength in common (matching is exact), use different wavelength
        units, or when a kept sample is NaN or infinite.
    """
    check_spectra(spectra)
    nominal, mean, std = check_samples(samples)
    samples_units = getattr(samples, "wl_units", None)
    if samples_units and spectra.wavelength_units not in ("unknown", samples_units):
        raise BadInput(
            None,
            f"the samples' wavelengths are in {samples_units} but the source's are in "
            f"{spectra.wavelength_units}",
        )
    source_scale = float(trapezoid(spectra.irradiance, spectra.wavelength, axis=1).max())
    if not np.isfinite(mean).any() or not np.nanmax(mean) > 0:
        raise BadInput(None, "samples: no positive sample value")
    samples_scale = float(np.nanmax(mean))
    if not source_scale > 0:
        raise BadInput(None, "source spectra: no spectrum has a positive integral")
    common, spectra_index, samples_index = np.intersect1d(
        spectra.nominal_wavelength, nominal, return_indices=True
    )
    units = samples_units or spectra.wavelength_units
    if common.size < 2:
        raise BadInput(
            None,
            f"the samples ({_range(nominal, units)}) and the source spectra "
            f"({_range(spectra.nominal_wavelength, units)}) share "
            f"{'no' if common.size == 0 else 'only one'} nominal wavelength; at least 2 are needed "
            f"and they must be equal exactly",
        )
    y, y_std = mean[samples_index], std[samples_index]
    bad = ~(np.isfinite(y) & np.isfinite(y_std)).all(axis=1)
    if bad.any():
        listed = ", ".join(f"{v:g}" for v in common[bad][:5])
        raise BadInput(
            None,
            f"samples: NaN or infinite value(s) at nominal wavelength(s) {listed}"
            f"{' ...' if bad.sum() > 5 else ''} {units}",
        )
    return MatchedData(
        nominal_wavelength=common,
        wavelength=np.array(spectra.wavelength),
        X=spectra.irradiance[spectra_index] / source_scale,
        X_std=spectra.irradiance_std[spectra_index] / source_scale,
        y=y / samples_scale,
        y_std=y_std / samples_scale,
        samples_mean=y,
        samples_std=y_std,
        source_scale=source_scale,
        samples_scale=samples_scale,
        samples_index=samples_index,
        spectra_index=spectra_index,
    )
