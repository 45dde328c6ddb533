"""Spectra reader ``monochromator-h5``: the original workflow's MonochromatorSpectra HDF5 file.

The file holds, for each nominal wavelength the monochromator was set to, the
spectral irradiance a spectrometer measured on a common grid of bins::

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

import h5py
import numpy as np

from camchar.api import BadInput, CamcharWarning, SourceSpectra, SpectraReader, check_spectra, hookimpl
from camchar.api.files import Extent, read_attribute, read_attributes, read_numbers

__all__ = ["MonochromatorH5Reader"]

#: The datasets read, with the shapes each may have (the size limits are camchar's: docs/file-format.md#limits).
_REQUIRED = {
    "nominal_wavelength": Extent(("wavelengths",)),
    "wavelength": Extent(("bins",)),
    "irradiance": Extent(("wavelengths", "bins")),
    "irradiance_std": Extent(("wavelengths", "bins")),
}


class MonochromatorH5Reader(SpectraReader):
    """Read the original workflow's MonochromatorSpectra HDF5 file."""

    name = "monochromator-h5"
    description = "MonochromatorSpectra HDF5 file of the original workflow (irradiance per nominal wavelength)"
    suffixes = (".h5", ".hdf5")

    def can_open(self, path: Path) -> bool:
        """Whether ``path`` is an HDF5 file with an ``irradiance`` dataset (other HDF5 files are not spectra)."""
        path = Path(path)
        if path.suffix.lower() not in self.suffixes:
            return False
        try:
            with h5py.File(path, "r") as f:
                return isinstance(f.get("irradiance"), h5py.Dataset)
        except Exception:  # noqa: BLE001 - can_open must not raise: not this reader's file
            return False

    def read(self, path: Path) -> SourceSpectra:
        """Read the processed spectra (``irradiance``, ``irradiance_std``); ``raw/`` is not read.

        Raises
        ------
        BadInput
            When the file is missing, is not HDF5, is another kind of file (a
            CameraSamples file, say) or lacks a dataset.

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
                raise BadInput(path, _what_file_is_this(f) or f"not a MonochromatorSpectra file: missing dataset(s) {', '.join(missing)}")
            arrays = {name: read_numbers(f[name], extent) for name, extent in _REQUIRED.items()}
            missing_units: list[str] = []

            def units(name: str) -> str:
                if "units" not in f[name].attrs:
                    missing_units.append(f"{name}:units")
                    return "unknown"
                return str(read_attribute(f[name], "units"))

            irradiance_units = units("irradiance")
            wavelength_units = units("wavelength")
            metadata = {key: _plain(value) for key, value in read_attributes(f).items()}
            if "n" in f["irradiance"].attrs:
                metadata["n"] = _plain(read_attribute(f["irradiance"], "n"))
        if missing_units:
            warnings.warn(CamcharWarning(f"{path}: missing {', '.join(missing_units)}; set to 'unknown'"), stacklevel=2)
        spectra = SourceSpectra(
            wavelength=arrays["wavelength"],
            nominal_wavelength=arrays["nominal_wavelength"],
            irradiance=arrays["irradiance"],
            irradiance_std=arrays["irradiance_std"],
            units=irradiance_units,
            wavelength_units=wavelength_units,
            metadata=metadata,
        )
        check_spectra(spectra, path)  # the file's values: its fault, named
        return spectra


def _plain(value: Any) -> Any:
    """An attribute's value as plain Python (arrays as lists) for the metadata."""
    return value.tolist() if isinstance(value, np.ndarray) else value


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


@hookimpl
def camchar_register_spectra_readers(register):
    """Register the ``monochromator-h5`` spectra reader."""
    register(MonochromatorH5Reader())
