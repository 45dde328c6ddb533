"""Source spectra: what the light source (a monochromator) emitted at each nominal wavelength.

What a spectra reader (``camchar.api.SpectraReader``) returns and the
response step fits the camera's samples against.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np

from camchar.core.errors import BadInput

__all__ = ["SourceSpectra", "check_spectra", "NEGATIVE_TOLERANCE"]

#: Negative irradiance is accepted as measurement noise down to this fraction of each spectrum's peak.
#: The real 2022 monochromator file dips to -0.1 % of a peak after dark subtraction.
NEGATIVE_TOLERANCE = 0.01

def _frozen_array(value: Any) -> np.ndarray:
    kind = np.asarray(value).dtype.kind
    if kind in "bc":
        raise TypeError(f"spectra must be real numbers, not {'true/false values' if kind == 'b' else 'complex numbers'}")
    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)
    return array


@attrs.frozen(eq=False)
class SourceSpectra:
    """Spectral irradiance of the light source at each nominal wavelength.

    Parameters
    ----------
    wavelength : numpy.ndarray
        Centres of the spectral bins, shape ``(W,)``, strictly increasing.
    nominal_wavelength : numpy.ndarray
        The wavelength the monochromator was set to for each spectrum, ``(M,)``.
    irradiance : numpy.ndarray
        Spectral irradiance, ``(M, W)``: one spectrum per nominal wavelength.
    irradiance_std : numpy.ndarray
        Its standard deviation, ``(M, W)``.
    units : str
        Units of ``irradiance`` and ``irradiance_std``, e.g. ``"uW/cm2/nm"``.
    wavelength_units : str
        Units of ``wavelength`` and ``nominal_wavelength``, e.g. ``"nm"``.
    metadata : dict
        Anything else the file recorded (spectrometer, date, number of spectra averaged).

    Notes
    -----
    The arrays are stored as read-only float64 copies. :func:`check_spectra`
    checks the shapes and values; camchar calls it on whatever a reader returns.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    nominal_wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    irradiance: np.ndarray = attrs.field(converter=_frozen_array)
    irradiance_std: np.ndarray = attrs.field(converter=_frozen_array)
    units: str = "uW/cm2/nm"
    wavelength_units: str = "nm"
    metadata: dict = attrs.field(factory=dict)


#: The arrays of :class:`SourceSpectra`, in the order the checks name them.
_ARRAYS = ("wavelength", "nominal_wavelength", "irradiance", "irradiance_std")


def _not_real(spectra: Any) -> str | None:
    """What is wrong with an array of ``spectra`` that does not hold real numbers (complex, true/false, text), or ``None``."""
    for name in _ARRAYS:
        dtype = np.asarray(getattr(spectra, name)).dtype
        if dtype.kind == "c":
            return f"{name} holds complex numbers; spectra are real numbers (the imaginary part would be lost)"
        if dtype.kind not in "iuf":
            return f"{name} holds {dtype} values, not real numbers"
    return None


def check_spectra(spectra: SourceSpectra, path: str | Path | None = None) -> None:
    """Check that ``spectra`` can be used as the source of a response fit.

    Parameters
    ----------
    spectra
        The spectra to check.
    path
        The file they came from, named in the error; ``None`` for data built in memory.

    Raises
    ------
    BadInput
        On values that are not real numbers (complex, true/false, text),
        inconsistent shapes, non-finite values, non-increasing or repeated
        wavelengths, a negative standard deviation, or irradiance that is
        negative beyond :data:`NEGATIVE_TOLERANCE` of its spectrum's peak.
    """
    prefix = "" if path is not None else "source spectra: "

    def fail(problem: str) -> None:
        raise BadInput(path, prefix + problem)

    problem = _not_real(spectra)
    if problem:
        fail(problem)
    wl, nominal, irradiance, std = (np.asarray(getattr(spectra, name)) for name in _ARRAYS)
    if wl.ndim != 1 or wl.size < 3:
        fail(f"wavelength must be a list of at least 3 bins, got shape {wl.shape}")
    if nominal.ndim != 1 or nominal.size < 1:
        fail(f"nominal_wavelength must be a non-empty list, got shape {nominal.shape}")
    expected = (nominal.size, wl.size)
    for name, array in (("irradiance", irradiance), ("irradiance_std", std)):
        if array.shape != expected:
            fail(
                f"{name} has shape {array.shape}, expected {expected} "
                f"(nominal_wavelength x wavelength)"
            )
    for name, array in zip(_ARRAYS, (wl, nominal, irradiance, std)):
        bad = ~np.isfinite(array)
        if bad.any():
            fail(f"{name} has {int(bad.sum())} NaN or infinite value(s)")
    steps = np.diff(wl)
    if (steps <= 0).any():
        k = int(np.argmax(steps <= 0))
        fail(f"wavelength must increase strictly; it goes from {wl[k]:g} to {wl[k + 1]:g}")
    values, counts = np.unique(nominal, return_counts=True)
    if (counts > 1).any():
        fail(f"nominal wavelength {values[counts > 1][0]:g} appears more than once")
    if (std < 0).any():
        i, j = np.unravel_index(np.argmin(std), std.shape)
        fail(f"irradiance_std is negative ({std[i, j]:g} at {wl[j]:g}, nominal {nominal[i]:g})")
    peaks = irradiance.max(axis=1)
    if (peaks <= 0).any():
        row = int(np.argmax(peaks <= 0))
        fail(f"the spectrum at nominal wavelength {nominal[row]:g} has no positive irradiance")
    relative = irradiance / peaks[:, None]
    if (relative < -NEGATIVE_TOLERANCE).any():
        i, j = np.unravel_index(np.argmin(relative), relative.shape)
        fail(
            f"irradiance is negative beyond measurement noise: {irradiance[i, j]:g} at {wl[j]:g} "
            f"(nominal {nominal[i]:g}), {-100 * relative[i, j]:.3g}% of that spectrum's peak "
            f"(at most {100 * NEGATIVE_TOLERANCE:g}% is accepted)"
        )
