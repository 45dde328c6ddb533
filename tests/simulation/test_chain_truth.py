"""The known-truth test of the whole chain: camchar simulate, then stats, then response, recovers the camera's sensitivity.

Each run is what a user types, in the simulated folder, with no -o and no
--source. The measure is the RMS error over the measured range (the span of
the nominal wavelengths) as a percentage of each channel's true peak.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import run_in_process

pytestmark = pytest.mark.slow


def camchar(*args: object) -> None:
    result = run_in_process(*args, "--quiet")
    assert result.returncode == 0, result.stderr


def rms_percent_of_peak(folder: Path, response: str = "settings response.h5") -> np.ndarray:
    with h5py.File(folder / "truth.h5", "r") as truth, h5py.File(folder / response, "r") as fit:
        sensitivity, wavelength = truth["sensitivity"][()], truth["wavelength"][()]
        assert np.array_equal(fit["wavelength"][()], wavelength)
        assert fit["response_mean"].attrs["units"] == truth["sensitivity"].attrs["units"]
        estimate, nominal = fit["response_mean"][()], fit["samples/nominal_wavelength"][()]
    measured = (wavelength >= nominal.min()) & (wavelength <= nominal.max())
    error = np.sqrt(((estimate[measured] - sensitivity[measured]) ** 2).mean(axis=0))
    return 100 * error / sensitivity[measured].max(axis=0)


def simulate_and_measure(folder: Path, step: int, *flags: str) -> Path:
    camchar("simulate", folder, "--size", "32x24", "--wavelengths", f"400:700:{step}", "--dark-frames", "1", *flags)
    camchar("stats", folder / "settings.yml")
    return folder / "settings.yml"


def test_a_5_nm_sweep_recovers_the_sensitivities_within_3_percent(tmp_path):
    """The issue's bar: 3% RMS of each channel's peak; the default method gets 0.9 to 1.6% (docs/simulation.md)."""
    settings = simulate_and_measure(tmp_path / "s", 5)
    camchar("response", settings, "--seed", "1")
    error = rms_percent_of_peak(settings.parent)
    assert np.all(error < 3), error


def test_a_20_nm_sweep_cannot_resolve_a_10_nm_source(tmp_path):
    """At simulate's default step the sources leave gaps no method fills: every method is off by a fifth of the peak or more."""
    settings = simulate_and_measure(tmp_path / "s", 20)
    for method in ("ridge-smooth", "ols"):
        camchar("response", settings, "--method", method, "--bootstrap", "0", "-o", settings.parent / f"{method}.h5")
        assert np.all(rms_percent_of_peak(settings.parent, f"{method}.h5") > 20), method


def test_a_5_nm_sweep_through_oceanview_files_recovers_the_sensitivities(tmp_path):
    """The spectra as a lab has them (OceanView files), read on the fly by the settings' source_spectra folder."""
    settings = simulate_and_measure(tmp_path / "s", 5, "--spectra-format", "oceanview")
    camchar("response", settings, "--seed", "1")
    error = rms_percent_of_peak(settings.parent)
    assert np.all(error < 3), error
