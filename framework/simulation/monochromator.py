"""The light of a simulated sweep: a monochromator model, or a lab's measured source spectra.

The simulated monochromator sends, when set to nominal wavelength ``λ_i``::

    E_i(λ) = A(λ) g(λ - λ_i)        µW/cm²/nm

``g`` is its slit function, a Gaussian of full width at half maximum
``bandwidth`` (nm) and unit area, so ``∫ E_i dλ ≈ A(λ_i)``; ``A`` is the lamp
seen through the grating, smooth: a Gaussian in wavelength peaking at 520 nm
with a FWHM of 300 nm, ``peak_output`` µW/cm² at its peak (4.6e8, the real
2022 monochromator's, in its file's units). The spectra are tabulated on
1 nm bins from 250 to 850 nm (wider when the sweep needs it), the grid of the
original's MonochromatorSpectra files.

What a lab measures of that light is the spectra plus noise, stated in
``irradiance_std``: ``sqrt((relative_noise E)² + (noise_floor peak_i)²)``
with ``peak_i`` each spectrum's peak.

The camera photographs the true spectra; the files hold the measured ones.
"""

from __future__ import annotations

import math
from pathlib import Path

import attrs
import numpy as np

from camchar.core.spectra import SourceSpectra
from camchar.simulation.refusal import SimulationRefused
from camchar.simulation.spectra_files import write_monochromator_h5, write_oceanview_files

__all__ = [
    "Monochromator",
    "MonochromatorSource",
    "FileSource",
    "DEFAULT_BANDWIDTH",
    "SPECTRA_FORMATS",
    "bin_widths",
    "fwhm_to_sigma",
]

#: Full width at half maximum of the simulated slit function, nm: a grating monochromator's usual.
DEFAULT_BANDWIDTH = 10.0
#: The bandwidths the model takes, nm: at least the 1 nm bins, at most a broad-band filter's.
BANDWIDTH_RANGE = (1.0, 100.0)
#: How the source spectra of a simulated sweep can be written.
SPECTRA_FORMATS = ("h5", "oceanview")
#: The tabulated range, nm (the original's MonochromatorSpectra grid), widened to hold every spectrum's tails.
GRID_RANGE = (250.0, 850.0)
#: How many bandwidths of tail each spectrum keeps on the grid.
TAIL_BANDWIDTHS = 5.0
#: How many bandwidths of each spectrum OceanView files must hold within the spectrometer step's range.
OCEANVIEW_MARGIN_BANDWIDTHS = 3.0


def fwhm_to_sigma(fwhm: float) -> float:
    """The standard deviation of a Gaussian of full width at half maximum ``fwhm``."""
    return fwhm / (2.0 * math.sqrt(2.0 * math.log(2.0)))


def bin_widths(wavelength: np.ndarray) -> np.ndarray:
    """The width of each bin of a tabulated spectrum (the spacing of the centres; 1 nm on the usual grid)."""
    return np.gradient(np.asarray(wavelength, dtype=np.float64))


def _check_bandwidth(value: float) -> None:
    low, high = BANDWIDTH_RANGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise SimulationRefused(f"bandwidth must be a number of nm from {low:g} to {high:g}, got {value!r}")


def _check_spectrometer_range(nominal: tuple[float, ...], bandwidth: float) -> None:
    """``ValueError`` unless every spectrum, to three bandwidths of its centre, lies within the spectrometer step's 250 to 850 nm."""
    low, high = GRID_RANGE
    reach = OCEANVIEW_MARGIN_BANDWIDTHS * bandwidth
    if min(nominal) - reach < low or max(nominal) + reach > high:
        raise SimulationRefused(
            f"OceanView files hold {low:g} to {high:g} nm as the spectrometer step reads them, and spectra {min(nominal):g} to "
            f"{max(nominal):g} nm of {bandwidth:g} nm bandwidth reach beyond: keep the wavelengths within "
            f"{low + reach:g} to {high - reach:g} nm, or write spectra.h5"
        )


@attrs.frozen
class Monochromator:
    """A grating monochromator with a smooth lamp and a Gaussian slit function.

    Parameters
    ----------
    bandwidth
        Full width at half maximum of the slit function, nm.
    peak_output
        Integrated irradiance at the lamp's peak, µW/cm².
    lamp_peak, lamp_width
        Peak and full width at half maximum of the lamp's output, nm.
    relative_noise, noise_floor
        The measured spectra's noise: this fraction of each value, and this
        fraction of each spectrum's peak, in quadrature.
    """

    bandwidth: float = attrs.field(default=DEFAULT_BANDWIDTH, validator=lambda s, a, v: _check_bandwidth(v))
    peak_output: float = 4.6e8
    lamp_peak: float = 520.0
    lamp_width: float = 300.0
    relative_noise: float = 0.002
    noise_floor: float = 1e-4

    def grid(self, nominal: np.ndarray) -> np.ndarray:
        """1 nm bins from 250 to 850 nm, or wider to hold every spectrum to ``TAIL_BANDWIDTHS`` bandwidths of its centre."""
        tail = TAIL_BANDWIDTHS * self.bandwidth
        low = max(1.0, min(GRID_RANGE[0], math.floor(float(np.min(nominal)) - tail)))
        high = max(GRID_RANGE[1], math.ceil(float(np.max(nominal)) + tail))
        return np.arange(low, high + 1.0, 1.0)

    def lamp(self, wavelength: np.ndarray) -> np.ndarray:
        """The lamp's output through the grating, ``A(λ)``, µW/cm²."""
        sigma = fwhm_to_sigma(self.lamp_width)
        return self.peak_output * np.exp(-0.5 * ((np.asarray(wavelength) - self.lamp_peak) / sigma) ** 2)

    def irradiance(self, nominal: np.ndarray, wavelength: np.ndarray) -> np.ndarray:
        """``(M, W)`` spectral irradiance, µW/cm²/nm, at each nominal wavelength (rows) and wavelength (columns)."""
        sigma = fwhm_to_sigma(self.bandwidth)
        offset = np.asarray(wavelength, dtype=np.float64)[np.newaxis, :] - np.asarray(nominal, dtype=np.float64)[:, np.newaxis]
        slit = np.exp(-0.5 * (offset / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))
        return self.lamp(wavelength)[np.newaxis, :] * slit

    def spectra(self, nominal: np.ndarray) -> SourceSpectra:
        """The true spectra at ``nominal`` wavelengths on :meth:`grid` (``irradiance_std`` the noise a measurement of them has)."""
        wavelength = self.grid(nominal)
        irradiance = self.irradiance(nominal, wavelength)
        return SourceSpectra(
            wavelength=wavelength,
            nominal_wavelength=np.asarray(nominal, dtype=np.float64),
            irradiance=irradiance,
            irradiance_std=self.noise(irradiance),
            metadata={"spectrometer": "camchar simulated spectrometer", "n": 10},
        )

    def noise(self, irradiance: np.ndarray) -> np.ndarray:
        """The standard deviation of a measurement of ``irradiance`` (``(M, W)``)."""
        floor = self.noise_floor * irradiance.max(axis=1, keepdims=True)
        return np.sqrt((self.relative_noise * irradiance) ** 2 + floor**2)

    def measured(self, true: SourceSpectra, rng: np.random.Generator) -> SourceSpectra:
        """What a spectrometer reports of ``true``: its values plus Gaussian noise of its ``irradiance_std``."""
        noisy = true.irradiance + true.irradiance_std * rng.standard_normal(true.irradiance.shape)
        return attrs.evolve(true, irradiance=noisy)


@attrs.frozen(eq=False)
class MonochromatorSource:
    """The simulated monochromator's light at the sweep's wavelengths, and how its spectra are written.

    Parameters
    ----------
    monochromator
        The model.
    nominal
        The sweep's nominal wavelengths, nm.
    spectra_format
        ``"h5"``: a MonochromatorSpectra file ``spectra.h5``; ``"oceanview"``:
        a folder ``spectra`` of OceanView text files, one per wavelength.
    """

    monochromator: Monochromator
    nominal: tuple[float, ...]
    spectra_format: str = attrs.field(default="h5", validator=attrs.validators.in_(SPECTRA_FORMATS))

    def __attrs_post_init__(self) -> None:
        if self.spectra_format == "oceanview":
            _check_spectrometer_range(self.nominal, self.monochromator.bandwidth)

    @property
    def true(self) -> SourceSpectra:
        """The light the camera sees."""
        return self.monochromator.spectra(np.asarray(self.nominal, dtype=np.float64))

    @property
    def reference_power(self) -> float:
        """The integrated irradiance under which a channel's peak gives the camera's peak rate: the lamp's peak."""
        return self.monochromator.peak_output

    @property
    def entry(self) -> str:
        """The name of the spectra in the sweep's folder (the settings' ``source_spectra``)."""
        return "spectra.h5" if self.spectra_format == "h5" else "spectra"

    def write(self, folder: Path, rng: np.random.Generator) -> None:
        """Write the measured spectra into ``folder`` as :attr:`entry`."""
        if self.spectra_format == "h5":
            write_monochromator_h5(folder / self.entry, self.monochromator.measured(self.true, rng))
        else:
            nominal = np.asarray(self.nominal, dtype=np.float64)
            write_oceanview_files(folder / self.entry, nominal, lambda wavelength: self.monochromator.irradiance(nominal, wavelength), rng)


@attrs.frozen(eq=False)
class FileSource:
    """A lab's measured source spectra, taken as the true light of the sweep and written back unchanged.

    Parameters
    ----------
    spectra
        The spectra read from the lab's file.
    """

    spectra: SourceSpectra
    entry: str = "spectra.h5"

    @property
    def true(self) -> SourceSpectra:
        """The light the camera sees: the file's spectra."""
        return self.spectra

    @property
    def reference_power(self) -> float:
        """The integrated irradiance under which a channel's peak gives the camera's peak rate: the file's brightest spectrum."""
        return float((self.spectra.irradiance * bin_widths(self.spectra.wavelength)).sum(axis=1).max())

    def write(self, folder: Path, rng: np.random.Generator) -> None:
        """Write the spectra into ``folder`` as a MonochromatorSpectra file."""
        write_monochromator_h5(folder / self.entry, self.spectra)
