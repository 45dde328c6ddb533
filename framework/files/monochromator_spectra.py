"""The MonochromatorSpectra file: the original ``monochromator.py``'s layout, written by ``camchar spectra``.

Layout (names, types and attributes as the original writes them)::

    /                     attrs spectrometer, date (variable-length str)
    /nominal_wavelength   (N,)    float64, dimension scale, attrs units
    /wavelength           (W,)    float64, dimension scale, attrs units
    /irradiance           (N, W)  float64, attrs units (str), n (int32); dims nominal_wavelength, wavelength
    /irradiance_std       (N, W)  as irradiance, and attr estimate (str: camchar's, which noise estimate)
    /raw/wavelength       (K,)    float64, dimension scale, attrs units (raw/: only when spectrometer files gave the spectra)
    /raw/irradiance       (N, K)  float64, attrs dark_pixels (int32 [start, stop]), n (int32), units,
                                  e_dark_correction, nonlinearity_correction (bool, when the files say);
                                  dims nominal_wavelength, raw/wavelength
    /raw/optical_density  (N,)    float64, no attributes
    /camchar              group of provenance added by camchar (attrs, JSON text); absent from the original's files
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import h5py
import numpy as np

from camchar.core.spectra import SourceSpectra
from camchar.files.hdf5_output import write_hdf5

__all__ = ["MonochromatorSpectra", "write_spectra_h5"]


@attrs.frozen(eq=False)
class MonochromatorSpectra:
    """Source spectra as ``camchar spectra`` computes them, with the spectrometer's own pixels (``raw/``).

    Parameters
    ----------
    nominal_wavelength
        ``(N,)`` the monochromator's settings (nm).
    wavelength
        ``(W,)`` the new bin centres (nm).
    irradiance, irradiance_std
        ``(N, W)`` spectral irradiance and its standard deviation (``units``).
    raw_wavelength
        ``(K,)`` every pixel's wavelength; ``None`` (with the next two) for
        spectra that no spectrometer file gave (a simulated source): no ``raw/`` group.
    raw_irradiance
        ``(N, K)`` the values as read (the mean of a measurement's repeated files).
    optical_density
        ``(N,)`` the densities as written in the names (negative).
    units
        Units of the irradiance.
    n
        Scans each file averages (the last file's, as the original).
    spectrometer, date
        The last file's.
    estimate
        The noise estimate used (``original``, ``corrected`` or ``repeats``;
        ``simulated`` for the noise ``camchar simulate`` drew).
    dark_pixels
        ``(start, stop)`` of the dark pixels.
    e_dark_correction, nonlinearity_correction
        The spectrometer's corrections (the last file's); ``None``: the files do not say.
    provenance
        camchar's record of the run (written as JSON text in ``/camchar``).
    """

    nominal_wavelength: np.ndarray
    wavelength: np.ndarray
    irradiance: np.ndarray
    irradiance_std: np.ndarray
    raw_wavelength: np.ndarray | None = None
    raw_irradiance: np.ndarray | None = None
    optical_density: np.ndarray | None = None
    units: str = "uW/cm2/nm"
    n: int = 1
    spectrometer: str = ""
    date: str = ""
    estimate: str = "original"
    dark_pixels: tuple[int, int] = (0, 190)
    e_dark_correction: bool | None = None
    nonlinearity_correction: bool | None = None
    provenance: dict[str, Any] = attrs.field(factory=dict)

    def fields(self) -> dict[str, Any]:
        """The numbers the file holds, by name: what the pipeline's check of a result (every number finite) looks at."""
        return {
            name: getattr(self, name)
            for name in ("nominal_wavelength", "wavelength", "irradiance", "irradiance_std", "raw_wavelength", "raw_irradiance", "optical_density")
        }

    def to_source_spectra(self) -> SourceSpectra:
        """The spectra as ``camchar response`` reads them from the file, with the file's attributes as metadata."""
        return SourceSpectra(
            wavelength=self.wavelength,
            nominal_wavelength=self.nominal_wavelength,
            irradiance=self.irradiance,
            irradiance_std=self.irradiance_std,
            units=self.units,
            wavelength_units="nm",
            metadata={"spectrometer": self.spectrometer, "date": self.date, "n": int(self.n), "estimate": self.estimate},
        )

    def save(self, path: str | Path) -> None:
        """Write the MonochromatorSpectra file ``path`` (:func:`write_spectra_h5`)."""
        write_spectra_h5(path, self)


def _scale(f: h5py.Group, name: str, values: np.ndarray) -> h5py.Dataset:
    dataset = f.create_dataset(name, data=np.asarray(values, dtype=np.float64))
    dataset.attrs["units"] = "nm"
    dataset.make_scale("")
    return dataset


def _spectra(f: h5py.Group, name: str, values: np.ndarray, rows: h5py.Dataset, columns: h5py.Dataset, spectra: MonochromatorSpectra) -> h5py.Dataset:
    dataset = f.create_dataset(name, data=np.asarray(values, dtype=np.float64))
    dataset.attrs["units"] = spectra.units
    dataset.attrs["n"] = np.int32(spectra.n)
    dataset.dims[0].label = "nominal_wavelength"
    dataset.dims[1].label = "wavelength"
    dataset.dims[0].attach_scale(rows)
    dataset.dims[1].attach_scale(columns)
    return dataset


def write_spectra_h5(path: str | Path, spectra: MonochromatorSpectra) -> None:
    """Write ``spectra`` as a new MonochromatorSpectra HDF5 file, in the original's layout (see the module's docstring)."""

    def fill(f: h5py.File) -> None:
        f.attrs["spectrometer"] = spectra.spectrometer
        f.attrs["date"] = spectra.date
        nominal = _scale(f, "nominal_wavelength", spectra.nominal_wavelength)
        wavelength = _scale(f, "wavelength", spectra.wavelength)
        _spectra(f, "irradiance", spectra.irradiance, nominal, wavelength, spectra)
        _spectra(f, "irradiance_std", spectra.irradiance_std, nominal, wavelength, spectra).attrs["estimate"] = spectra.estimate
        if spectra.raw_irradiance is None or spectra.raw_wavelength is None:
            _write_provenance(f, spectra.provenance)
            return
        raw = f.create_group("raw")
        raw_irradiance = _spectra(raw, "irradiance", spectra.raw_irradiance, nominal, _scale(raw, "wavelength", spectra.raw_wavelength), spectra)
        raw_irradiance.attrs["dark_pixels"] = np.asarray(spectra.dark_pixels, dtype=np.int32)
        for name in ("e_dark_correction", "nonlinearity_correction"):
            if getattr(spectra, name) is not None:
                raw_irradiance.attrs[name] = np.bool_(getattr(spectra, name))
        raw.create_dataset("optical_density", data=np.asarray(spectra.optical_density, dtype=np.float64))
        _write_provenance(f, spectra.provenance)

    write_hdf5(path, fill)


def _write_provenance(f: h5py.File, provenance: dict[str, Any]) -> None:
    if provenance:
        group = f.create_group("camchar")
        for key, value in provenance.items():
            group.attrs[key] = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
