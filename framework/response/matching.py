"""Normalise the two inputs and keep the nominal wavelengths they share.

The original normalises before matching: the source by the largest
integrated spectrum, the samples by their largest value, both over all their
rows. The response is then fitted on numbers near 1 and scaled back at the end
by ``samples_scale / source_scale``.

camchar scales the samples on the rows the fit uses: the fit is linear in the
samples, so their scale changes nothing but rounding, and a row the fit leaves
out (NaN, infinite or huge) can no longer spoil it. The source's scale does
change the fit (it sets the weight of the smoothness penalty against the
ridge term), so by default it is the original's, over every spectrum, with a
warning naming the spectrum when one the fit leaves out sets it; ``"fitted"``
scales on the fitted spectra instead. Numbers too large or too small for the
fit's arithmetic are refused, naming the file.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.response.numerics import trapezoid

__all__ = ["MatchedData", "normalise_and_match", "check_samples", "SOURCE_SCALES", "MAGNITUDE_LIMIT"]

#: How the source spectra are scaled: by the largest integral over ``all`` of them (the original's), or over the ``fitted`` ones.
SOURCE_SCALES = ("all", "fitted")
#: The fit's numbers, normalised, and the two scales must lie within 1/this and this: beyond, squares and products overflow or underflow.
MAGNITUDE_LIMIT = 1e100
#: A channel whose fitted samples spread less than this fraction of the largest sample is constant: nothing to fit.
CONSTANT_SPREAD = 1e-12


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
        The largest trapezoid integral of a source spectrum over wavelength (of
        every spectrum, or of the fitted ones).
    samples_scale : float
        The largest sample value at the matched nominal wavelengths.
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


def _listed(values: np.ndarray, units: str, shown: int = 5) -> str:
    """``805, 810 nm``: the first few values, with ``...`` when there are more."""
    return ", ".join(f"{value:g}" for value in values[:shown]) + (" ..." if values.size > shown else "") + f" {units}"


def _refusal(path: str | Path | None, what: str, problem: str) -> BadInput:
    """A ``BadInput`` naming the file, or starting with ``what:`` (``samples``, ``source spectra``) for data built in memory."""
    return BadInput(path, problem if path is not None else f"{what}: {problem}")


def _warn(path: str | Path | None, what: str, problem: str) -> None:
    """A :class:`CamcharWarning` naming the file, or ``what`` for data built in memory."""
    warnings.warn(CamcharWarning(f"{path if path is not None else what}: {problem}"), stacklevel=4)


def _real_numbers(values: Any, name: str, path: str | Path | None) -> np.ndarray:
    """``values`` as float64, refusing complex numbers (whose imaginary part would be lost), true/false values and text."""
    array = np.asarray(values)
    if array.dtype.kind == "c":
        raise _refusal(path, "samples", f"{name} holds complex numbers; the samples are real numbers (the imaginary part would be lost)")
    if array.dtype.kind not in "iuf":
        raise _refusal(path, "samples", f"{name} holds {array.dtype} values, not real numbers")
    return array.astype(np.float64)


def check_samples(samples: Any, path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nominal wavelengths, mean and std of a CameraSamples, checked.

    Parameters
    ----------
    samples
        Anything with ``nom_wl`` ``(N,)``, ``mean`` and ``std`` ``(N, C)`` (a
        one-dimensional ``mean`` is one channel).
    path
        The file they came from, named in the error; ``None`` for data built in memory.

    Returns
    -------
    tuple of numpy.ndarray
        ``nom_wl``, ``mean``, ``std`` as float64 arrays.

    Raises
    ------
    BadInput
        For missing members, values that are not real numbers (complex, text),
        inconsistent shapes (channels of ``mean`` and ``std``), repeated or
        non-finite wavelengths, or a negative ``std``.
    """
    for name in ("nom_wl", "mean", "std"):
        if getattr(samples, name, None) is None:
            raise _refusal(path, "samples", f"no {name} (is the samples file complete?)")
    nominal, mean, std = (_real_numbers(getattr(samples, name), name, path) for name in ("nom_wl", "mean", "std"))
    if mean.ndim == 1:
        mean = mean[:, None]
    if std.ndim == 1:
        std = std[:, None]
    if nominal.ndim != 1 or mean.ndim != 2 or mean.shape[0] != nominal.size:
        raise _refusal(path, "samples", f"mean has shape {mean.shape}, expected ({nominal.size}, channels)")
    if std.shape != mean.shape:
        raise _refusal(
            path,
            "samples",
            f"mean has {mean.shape[1]} channel(s) and {mean.shape[0]} rows but std has "
            f"{std.shape[1] if std.ndim == 2 else '?'} channel(s) and {std.shape[0]} rows",
        )
    if not np.isfinite(nominal).all():
        raise _refusal(path, "samples", "a nominal wavelength is NaN or infinite")
    values, counts = np.unique(nominal, return_counts=True)
    if (counts > 1).any():
        raise _refusal(path, "samples", f"nominal wavelength {values[counts > 1][0]:g} appears more than once")
    if (std < 0).any():
        raise _refusal(path, "samples", "std is negative")
    return nominal, mean, std


def normalise_and_match(
    samples: Any,
    spectra: SourceSpectra,
    source_scale: str = "all",
    *,
    samples_file: str | Path | None = None,
    source_file: str | Path | None = None,
) -> MatchedData:
    """Normalise both inputs and keep their common nominal wavelengths.

    Parameters
    ----------
    samples
        A :class:`camchar.CameraSamples` (or anything with its ``nom_wl``,
        ``mean``, ``std``, ``wl_units``).
    spectra
        The source spectra.
    source_scale
        ``"all"``: scale the source by the largest integral of any spectrum
        (the original's; a warning names a spectrum the fit leaves out that
        sets it); ``"fitted"``: of the spectra the fit uses.
    samples_file, source_file
        The files the inputs came from, named in errors and warnings.

    Returns
    -------
    MatchedData

    Warns
    -----
    CamcharWarning
        When samples the fit leaves out are NaN or infinite (they set
        nothing), and when a spectrum the fit leaves out sets the source's
        scale (``"all"``).

    Raises
    ------
    BadInput
        When the inputs fail their checks, have no (or only one) nominal
        wavelength in common (matching is exact), use different wavelength
        units, when a kept sample is NaN or infinite, a channel is the same at
        every kept wavelength, or the numbers are too large or too small for
        the fit's arithmetic.
    """
    check_spectra(spectra, source_file)
    nominal, mean, std = check_samples(samples, samples_file)
    units = _wavelength_units(samples, spectra)
    common, spectra_index, samples_index = _common_wavelengths(nominal, spectra, units)
    y, y_std = _fitted_samples(nominal, mean, std, samples_index, units, samples_file)
    samples_scale = _samples_scale(y, y_std, getattr(samples, "units", None) or "", samples_file)
    scale = _source_scale(spectra, spectra_index, source_scale, units, source_file)
    X_std = spectra.irradiance_std[spectra_index] / scale
    _refuse_large_std(X_std, "irradiance_std", "the largest integral of the irradiance", "source spectra", source_file)
    return MatchedData(
        nominal_wavelength=common,
        wavelength=np.array(spectra.wavelength),
        X=spectra.irradiance[spectra_index] / scale,
        X_std=X_std,
        y=y / samples_scale,
        y_std=y_std / samples_scale,
        samples_mean=y,
        samples_std=y_std,
        source_scale=scale,
        samples_scale=samples_scale,
        samples_index=samples_index,
        spectra_index=spectra_index,
    )


def _wavelength_units(samples: Any, spectra: SourceSpectra) -> str:
    """The units of the nominal wavelengths, refusing samples and spectra in different ones."""
    samples_units = getattr(samples, "wl_units", None)
    if samples_units and spectra.wavelength_units not in ("unknown", samples_units):
        raise BadInput(None, f"the samples' wavelengths are in {samples_units} but the source's are in {spectra.wavelength_units}")
    return samples_units or spectra.wavelength_units


def _common_wavelengths(nominal: np.ndarray, spectra: SourceSpectra, units: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nominal wavelengths both inputs have (exactly), and their rows in the spectra and in the samples."""
    common, spectra_index, samples_index = np.intersect1d(spectra.nominal_wavelength, nominal, return_indices=True)
    if common.size < 2:
        raise BadInput(
            None,
            f"the samples ({_range(nominal, units)}) and the source spectra "
            f"({_range(spectra.nominal_wavelength, units)}) share "
            f"{'no' if common.size == 0 else 'only one'} nominal wavelength; at least 2 are needed "
            f"and they must be equal exactly",
        )
    return common, spectra_index, samples_index


def _fitted_samples(
    nominal: np.ndarray, mean: np.ndarray, std: np.ndarray, fitted: np.ndarray, units: str, path: str | Path | None
) -> tuple[np.ndarray, np.ndarray]:
    """The samples the fit uses, refusing NaN or infinity among them; the same in rows left out is a warning."""
    finite = (np.isfinite(mean) & np.isfinite(std)).all(axis=1)
    used = np.zeros(nominal.size, dtype=bool)
    used[fitted] = True
    if not finite[used].all():
        raise _refusal(path, "samples", f"NaN or infinite value(s) at nominal wavelength(s) {_listed(nominal[used & ~finite], units)}")
    if not finite.all():
        _warn(
            path,
            "samples",
            f"NaN or infinite value(s) at nominal wavelength(s) {_listed(nominal[~finite], units)}; those samples have no "
            f"source spectrum and are left out of the fit, so they set nothing (a damaged samples file?)",
        )
    return mean[fitted], std[fitted]


def _samples_scale(y: np.ndarray, y_std: np.ndarray, units: str, path: str | Path | None) -> float:
    """The largest fitted sample, refusing one the arithmetic cannot scale by and a channel with nothing to fit."""
    scale = float(y.max())
    if not scale > 0:
        raise _refusal(path, "samples", "no positive sample value at the nominal wavelengths the fit uses")
    _refuse_outside_limits(scale, f"the largest fitted sample is {scale:.3g} {units}".rstrip(), "samples", path)
    _refuse_large_std(y_std / scale, "the samples' std", "the largest fitted sample", "samples", path)
    spread = np.ptp(y, axis=0) / scale
    if (spread <= CONSTANT_SPREAD).any():
        channel = int(np.argmax(spread <= CONSTANT_SPREAD))
        raise _refusal(
            path,
            "samples",
            f"channel {channel + 1} of {y.shape[1]} has the same value ({y[0, channel]:g}) at every fitted nominal wavelength: "
            f"nothing to fit (a channel without signal?)",
        )
    return scale


def _source_scale(spectra: SourceSpectra, fitted: np.ndarray, how: str, units: str, path: str | Path | None) -> float:
    """The largest integral of a spectrum over wavelength (of ``all``, or of the ``fitted`` ones), checked; a warning when a spectrum left out sets it."""
    integrals = trapezoid(spectra.irradiance, spectra.wavelength, axis=1)
    integrals[np.isnan(integrals)] = np.inf  # overflow: an infinite positive and negative part
    rows = np.arange(integrals.size) if how == "all" else fitted
    row = rows[np.argmax(integrals[rows])]
    scale = float(integrals[row])
    if not scale > 0:
        raise _refusal(path, "source spectra", f"no {'fitted ' if how == 'fitted' else ''}spectrum has a positive integral")
    nominal = spectra.nominal_wavelength[row]
    _refuse_outside_limits(
        scale, f"the largest integral of the irradiance over wavelength is {scale:.2g} (the spectrum at nominal wavelength {nominal:g} {units})", "source spectra", path
    )
    if row not in fitted:
        largest_fitted = float(integrals[fitted].max())
        _warn(
            path,
            "source spectra",
            f"the source spectra are scaled by the spectrum at nominal wavelength {nominal:g} {units}, which has no samples and is "
            f"left out of the fit; its integral is {scale / largest_fitted:.3g}x the largest fitted one, and this scale changes the "
            f"fit (the original's normalisation): --source-scale fitted scales on the fitted spectra",
        )
    return scale


def _refuse_outside_limits(scale: float, what: str, whose: str, path: str | Path | None) -> None:
    """Refuse a scale outside ``1/MAGNITUDE_LIMIT`` to :data:`MAGNITUDE_LIMIT` (or not finite)."""
    if 1 / MAGNITUDE_LIMIT <= scale <= MAGNITUDE_LIMIT:
        return
    size = "small" if scale < 1 else "large"
    raise _refusal(
        path,
        whose,
        f"{what}, outside {1 / MAGNITUDE_LIMIT:g} to {MAGNITUDE_LIMIT:g}: too {size} for the fit's arithmetic (its squares "
        f"{'underflow' if size == 'small' else 'overflow'}); give the {whose} in other units",
    )


def _refuse_large_std(relative: np.ndarray, name: str, scale: str, whose: str, path: str | Path | None) -> None:
    """Refuse a standard deviation so much larger than its data's scale that the bootstrap's draws would overflow."""
    largest = float(relative.max(initial=0.0))
    if largest > MAGNITUDE_LIMIT:
        raise _refusal(
            path,
            whose,
            f"{name} is up to {largest:.2g} times {scale} (at most {MAGNITUDE_LIMIT:g}): too large for the fit's arithmetic "
            f"(a standard deviation in other units than its values?)",
        )
