"""Known truth: a synthetic camera with smooth Gaussian sensitivities, seen through the real monochromator."""

from __future__ import annotations

import numpy as np
import pytest
from response_data import monochromator

from camchar.response import fit_response
from camchar.simulation.response_samples import TRUE_PEAKS, gaussian_sensitivities, synthetic_samples


def peak_wavelength(wavelength: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Peak of each channel: the vertex of the parabola through the largest bin and its neighbours."""
    k = np.clip(np.argmax(response, axis=0), 1, wavelength.size - 2)
    channels = np.arange(response.shape[1])
    left, centre, right = response[k - 1, channels], response[k, channels], response[k + 1, channels]
    offset = 0.5 * (left - right) / (left - 2 * centre + right)
    return wavelength[k] + offset * np.median(np.diff(wavelength))


def errors(result, truth) -> tuple[np.ndarray, np.ndarray]:
    """RMS error over the source's nominal range relative to each channel's true peak, and peak shifts (nm)."""
    spectra = monochromator()
    inside = (result.wavelength >= spectra.nominal_wavelength.min()) & (
        result.wavelength <= spectra.nominal_wavelength.max()
    )
    rms = np.sqrt(((result.response_mean - truth)[inside] ** 2).mean(axis=0)) / truth.max(axis=0)
    shift = peak_wavelength(result.wavelength, result.response_mean) - np.array(TRUE_PEAKS)
    return rms, shift


@pytest.fixture(scope="module")
def camera():
    spectra = monochromator()
    truth = gaussian_sensitivities(spectra.wavelength)
    return synthetic_samples(spectra, truth, seed=11), truth


def test_peak_wavelength_of_a_sampled_parabola_is_its_vertex():
    wavelength = np.arange(400.0, 420.0)
    response = (1 - (wavelength - 409.3) ** 2)[:, None]
    assert peak_wavelength(wavelength, response)[0] == pytest.approx(409.3)


def test_synthetic_samples_follow_the_model(camera):
    samples, truth = camera
    exact = monochromator().irradiance @ truth
    assert samples.mean.shape == samples.std.shape == exact.shape
    assert np.abs(samples.mean / exact - 1).max() < 0.03  # 0.5 % errors, never 6 sigma
    assert (samples.std > 0).all()


def test_default_method_recovers_the_sensitivities(camera):
    samples, truth = camera
    result = fit_response(samples, monochromator(), seed=5)
    rms, shift = errors(result, truth)
    assert (rms < 0.025).all(), rms
    assert (np.abs(shift) <= 3.0).all(), shift
    assert result.r2 == pytest.approx(0.999, abs=2e-4)


def test_gcv_alpha_does_better_than_the_target_r2(camera):
    samples, truth = camera
    default = fit_response(samples, monochromator(), seed=5, n_draws=20)
    gcv = fit_response(samples, monochromator(), "ridge-smooth-gcv", seed=5, n_draws=20)
    rms_default, shift_default = errors(default, truth)
    rms_gcv, shift_gcv = errors(gcv, truth)
    assert (rms_gcv < 0.7 * rms_default).all(), (rms_gcv, rms_default)
    assert np.abs(shift_gcv).max() <= np.abs(shift_default).max()
    assert gcv.alpha < default.alpha
