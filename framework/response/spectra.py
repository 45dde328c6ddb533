"""The source spectra: what the monochromator emitted at each nominal wavelength.

A MonochromatorSpectra file of the original workflow holds, for each nominal
wavelength the monochromator was set to, the spectral irradiance measured by a
spectrometer on a common grid of wavelength bins::

    /                     attrs spectrometer, date (str)
    /nominal_wavelength   (M,)    dimension scale, attrs units
    /wavelength           (W,)    dimension scale, attrs units
    /irradiance           (M, W)  attrs units, n
    /irradiance_std       (M, W)  attrs units, n
    /raw/...              the spectrometer's own pixels (not used here)
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import attrs
import h5py
import numpy as np

from camchar import BadInput, CamcharWarning

__all__ = ["SourceSpectra", "read_monochromator_spectra", "check_spectra", "NEGATIVE_TOLERANCE"]

#: Negative irradiance is accepted as measurement noise down to this fraction of each spectrum's peak.
#: The real 2022 monochromator file dips to -0.1 % of a peak after dark subtraction.
NEGATIVE_TOLERANCE = 0.01

_REQUIRED = ("nominal_wavelength", "wavelength", "irradiance", "irradiance_std")


def _frozen_array(value: Any) -> np.ndarray:
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
    checks the shapes and values; :func:`read_monochromator_spectra` calls it.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    nominal_wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    irradiance: np.ndarray = attrs.field(converter=_frozen_array)
    irradiance_std: np.ndarray = attrs.field(converter=_frozen_array)
    units: str = "uW/cm2/nm"
    wavelength_units: str = "nm"
    metadata: dict = attrs.field(factory=dict)


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
        On inconsistent shapes, non-finite values, non-increasing or repeated
        wavelengths, a negative standard deviation, or irradiance that is
        negative beyond :data:`NEGATIVE_TOLERANCE` of its spectrum's peak.
    """
    prefix = "" if path is not None else "source spectra: "

    def fail(problem: str) -> None:
        raise BadInput(path, prefix + problem)

    wl, nominal = spectra.wavelength, spectra.nominal_wavelength
    irradiance, std = spectra.irradiance, spectra.irradiance_std
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
    for name, array in (
        ("wavelength", wl),
        ("nominal_wavelength", nominal),
        ("irradiance", irradiance),
        ("irradiance_std", std),
    ):
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
        i = int(np.argmax(peaks <= 0))
        fail(f"the spectrum at nominal wavelength {nominal[i]:g} has no positive irradiance")
    relative = irradiance / peaks[:, None]
    if (relative < -NEGATIVE_TOLERANCE).any():
        i, j = np.unravel_index(np.argmin(relative), relative.shape)
        fail(
            f"irradiance is negative beyond measurement noise: {irradiance[i, j]:g} at {wl[j]:g} "
            f"(nominal {nominal[i]:g}), {-100 * relative[i, j]:.3g}% of that spectrum's peak "
            f"(at most {100 * NEGATIVE_TOLERANCE:g}% is accepted)"
        )


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _what_file_is_this(f: h5py.File) -> str | None:
    """A hint naming the kind of camchar/original file ``f`` is, when it is not spectra."""
    if "samples" in f and isinstance(f["samples"], h5py.Dataset):
        return (
            "this is a CameraSamples file (camera statistics, as `camchar stats` writes), not source "
            "spectra; give it as the samples input and a MonochromatorSpectra file as the source"
        )
    if "response_mean" in f:
        return "this is a CameraResponse file (a fitted spectral response), not source spectra"
    return None


def read_monochromator_spectra(path: str | Path) -> SourceSpectra:
    """Read a MonochromatorSpectra HDF5 file of the original workflow.

    Parameters
    ----------
    path
        The HDF5 file.

    Returns
    -------
    SourceSpectra
        The processed spectra (``irradiance``, ``irradiance_std``); the raw
        spectrometer data in ``raw/`` is not read. ``metadata`` holds the
        root attributes and the irradiance's ``n``.

    Raises
    ------
    BadInput
        When the file is missing, is not HDF5, is another kind of file (a
        CameraSamples file, say), lacks a dataset, or fails :func:`check_spectra`.

    Warns
    -----
    CamcharWarning
        When a ``units`` attribute is missing (``"unknown"`` is used).
    """
    path = Path(path)
    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        raise BadInput(path, "file not found") from None
    except OSError as exc:
        raise BadInput(path, f"not a readable HDF5 file ({exc})") from None
    with f:
        missing = [name for name in _REQUIRED if not isinstance(f.get(name), h5py.Dataset)]
        if missing:
            hint = _what_file_is_this(f)
            if hint:
                raise BadInput(path, hint)
            raise BadInput(
                path,
                f"not a MonochromatorSpectra file: missing dataset(s) {', '.join(missing)}",
            )
        try:
            arrays = {name: f[name][()] for name in _REQUIRED}
        except (OSError, ValueError, TypeError) as exc:
            raise BadInput(path, f"cannot read the spectra ({exc})") from None
        for name, array in arrays.items():
            if not np.issubdtype(np.asarray(array).dtype, np.number):
                raise BadInput(path, f"{name} is not numeric (dtype {np.asarray(array).dtype})")
        missing_units: list[str] = []

        def units(name: str) -> str:
            value = f[name].attrs.get("units")
            if value is None:
                missing_units.append(f"{name}:units")
                return "unknown"
            return str(_plain(value))

        irradiance_units = units("irradiance")
        wavelength_units = units("wavelength")
        metadata = {key: _plain(value) for key, value in f.attrs.items()}
        n = f["irradiance"].attrs.get("n")
        if n is not None:
            metadata["n"] = _plain(n)
    if missing_units:
        warnings.warn(
            CamcharWarning(f"{path}: missing {', '.join(missing_units)}; set to 'unknown'"),
            stacklevel=2,
        )
    spectra = SourceSpectra(
        wavelength=arrays["wavelength"],
        nominal_wavelength=arrays["nominal_wavelength"],
        irradiance=arrays["irradiance"],
        irradiance_std=arrays["irradiance_std"],
        units=irradiance_units,
        wavelength_units=wavelength_units,
        metadata=metadata,
    )
    check_spectra(spectra, path)
    return spectra

