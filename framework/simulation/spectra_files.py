"""The source spectra of a simulated sweep as a lab would have them: a MonochromatorSpectra file, or OceanView text files.

The MonochromatorSpectra layout is the original workflow's (what the
``monochromator-h5`` spectra reader reads): ``nominal_wavelength`` and
``wavelength`` as dimension scales (``units`` nm), ``irradiance`` and
``irradiance_std`` (nominal x wavelength, ``units``, ``n``), file attributes
``spectrometer`` and ``date``.

The OceanView files are what Ocean Optics' software exports in absolute
irradiance mode, one per nominal wavelength, named ``{wavelength}
ND{density}.txt`` (``500 ND-3.txt``): ``key: value`` header lines, then
``>>>>>Begin Spectral Data<<<<<`` and two tab-separated columns, the
wavelength of each of the 3648 pixels of a USB4000-like spectrometer (179 to
887 nm) and its value. Pixels 0 to 189 are optically masked: they read the
dark level only. The others read the dark level plus the irradiance
attenuated by the neutral-density filter, ``E x 10**-density``, plus noise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from camchar.core.spectra import SourceSpectra
from camchar.files.monochromator_spectra import MonochromatorSpectra

__all__ = [
    "write_monochromator_h5",
    "write_oceanview_files",
    "spectrometer_wavelengths",
    "oceanview_name",
    "DARK_PIXELS",
    "SPECTROMETER_PIXELS",
    "SIMULATED_DATE",
]

#: Pixels of the simulated spectrometer (a USB4000's).
SPECTROMETER_PIXELS = 3648
#: Its wavelength calibration, a cubic in the pixel number (fitted to the real USB4000's of the 2022 files), nm.
WAVELENGTH_CALIBRATION = (179.217049, 0.215114673, -4.23802618e-06, -4.22508856e-10)
#: The optically masked pixels, ``range(*DARK_PIXELS)``: they see no light.
DARK_PIXELS = (0, 190)
#: Dark level of every pixel, and the noise of a value (the mean of ``SCANS`` scans), in the file's units.
DARK_LEVEL, DARK_NOISE = 1150.0, 12.0
#: Scans averaged in each file.
SCANS = 10
#: The densities of the neutral-density filters, and the largest value a file may reach (of the 16-bit ADC's 65535).
DENSITIES = tuple(step / 4 for step in range(0, 25))
HIGHEST_VALUE = 50000.0
#: The date written in the simulated files (a fixed text, so that the same seed gives the same files).
SIMULATED_DATE = "simulated by camchar"
SPECTROMETER = "camchar simulated USB4000"


def write_monochromator_h5(path: Path, spectra: SourceSpectra) -> None:
    """Write ``spectra`` as a MonochromatorSpectra HDF5 file at ``path`` (no ``raw/`` group: no spectrometer file gave them).

    Parameters
    ----------
    path
        The file to write.
    spectra
        The spectra; ``metadata`` may give ``spectrometer``, ``date`` and ``n``
        (scans averaged).
    """
    metadata = spectra.metadata
    MonochromatorSpectra(
        nominal_wavelength=spectra.nominal_wavelength,
        wavelength=spectra.wavelength,
        irradiance=spectra.irradiance,
        irradiance_std=spectra.irradiance_std,
        units=spectra.units,
        n=int(metadata.get("n", 1)),
        spectrometer=str(metadata.get("spectrometer", SPECTROMETER)),
        date=str(metadata.get("date", SIMULATED_DATE)),
        estimate="simulated",
    ).save(path)


def spectrometer_wavelengths() -> np.ndarray:
    """The wavelength of each spectrometer pixel, nm, to three decimals as OceanView writes them."""
    pixels = np.arange(SPECTROMETER_PIXELS, dtype=np.float64)
    return np.round(np.polynomial.polynomial.polyval(pixels, WAVELENGTH_CALIBRATION), 3)


def oceanview_name(nominal: float, density: float) -> str:
    """The file name of one measurement: ``500 ND-3.txt`` (the density written negative, as the lab's files have it)."""
    return f"{nominal:g} ND-{density:g}.txt"


def write_oceanview_files(
    folder: Path,
    nominal: np.ndarray,
    irradiance: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
) -> None:
    """Write one OceanView file per nominal wavelength into ``folder`` (created).

    Parameters
    ----------
    folder
        Where the files go.
    nominal
        ``(M,)`` nominal wavelengths.
    irradiance
        Gives the ``(M, K)`` true irradiance at ``K`` wavelengths.
    rng
        Draws the noise.
    """
    folder.mkdir()
    wavelength = spectrometer_wavelengths()
    lit = np.arange(SPECTROMETER_PIXELS) >= DARK_PIXELS[1]
    light = irradiance(wavelength) * lit
    for wanted, spectrum in zip(nominal, light):
        density = _density_for(spectrum.max())
        values = DARK_LEVEL + spectrum * 10.0**-density + DARK_NOISE * rng.standard_normal(spectrum.shape)
        name = oceanview_name(float(wanted), density)
        (folder / name).write_text(_oceanview_text(name, wavelength, values), encoding="utf-8")


def _density_for(peak: float) -> float:
    """The weakest neutral-density filter that keeps the brightest pixel below :data:`HIGHEST_VALUE`."""
    for density in DENSITIES:
        if DARK_LEVEL + peak * 10.0**-density <= HIGHEST_VALUE:
            return density
    return DENSITIES[-1]


def _oceanview_text(name: str, wavelength: np.ndarray, values: np.ndarray) -> str:
    header = [
        f"Data from {name} Node",
        "",
        f"Date: {SIMULATED_DATE}",
        "User: camchar",
        f"Spectrometer: {SPECTROMETER}",
        "Trigger mode: 0",
        "Integration Time (sec): 1.000000E-1",
        f"Scans to average: {SCANS}",
        "Electric dark correction enabled: false",
        "Nonlinearity correction enabled: false",
        "Boxcar width: 0",
        "XAxis mode: Wavelengths",
        f"Number of Pixels in Spectrum: {SPECTROMETER_PIXELS}",
        ">>>>>Begin Spectral Data<<<<<",
    ]
    rows = [f"{w:.3f}\t{v:.8f}" for w, v in zip(wavelength, values)]
    return "\n".join(header + rows) + "\n"
