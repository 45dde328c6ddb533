"""``--sample-noise mean``: the bootstrap draws each sample with its own noise, the pixels' divided by sqrt(n).

The truth is computed by hand: with noiseless line spectra of height ``c``
(one bin each, ``X = c I``) an ``ols`` fit is ``w = y / c``, so the std of the
draws of ``w`` is the samples' std over ``c``, divided by ``sqrt(n)`` for
``mean``.
"""

from __future__ import annotations

import numpy as np
import pytest

from camchar.core.errors import BadInput
from camchar.core.spectra import SourceSpectra
from camchar.files.camera_response import CameraResponse
from camchar.files.camera_samples import CameraSamples
from camchar.response.fit import fit_response
from camchar.simulation.spectra_files import write_monochromator_h5

NOMINAL = np.array([400.0, 410.0, 420.0, 430.0])
HEIGHT = 4.0
PIXELS = 25
DRAWS = 4000


def line_spectra() -> SourceSpectra:
    """A line of ``HEIGHT`` at each nominal wavelength, on a grid of those wavelengths, without noise."""
    irradiance = HEIGHT * np.eye(NOMINAL.size)
    return SourceSpectra(wavelength=NOMINAL, nominal_wavelength=NOMINAL, irradiance=irradiance, irradiance_std=np.zeros_like(irradiance))


def samples(pixels: object = PIXELS) -> CameraSamples:
    result = CameraSamples()
    result.nom_wl, result.wl_units, result.units = NOMINAL, "nm", "counts/s"
    result.mean = np.array([[10.0, 20.0], [30.0, 25.0], [40.0, 15.0], [20.0, 35.0]])
    result.std = np.array([[2.0, 1.0], [3.0, 2.5], [4.0, 1.5], [1.0, 3.0]])
    result.n = pixels
    return result


@pytest.mark.parametrize(("noise", "divisor"), [("pixel", 1.0), ("mean", np.sqrt(PIXELS))])
def test_the_response_std_is_the_samples_noise_through_the_fit(noise, divisor):
    fitted = fit_response(samples(), line_spectra(), "ols", n_draws=DRAWS, seed=1, sample_noise=noise)
    expected = samples().std / HEIGHT / divisor
    np.testing.assert_allclose(fitted.response_std, expected, rtol=4 / np.sqrt(2 * DRAWS))  # 4 sigma of a std from 4000 draws
    np.testing.assert_allclose(fitted.samples_std, samples().std)  # the file's std is recorded as it is
    assert fitted.options["sample_noise"] == noise


@pytest.mark.parametrize("pixels", [None, 0, 2.5, True])
def test_mean_noise_needs_the_pixel_count(pixels):
    with pytest.raises(BadInput) as refused:
        fit_response(samples(pixels), line_spectra(), "ols", n_draws=2, seed=1, sample_noise="mean", samples_file="s.h5")
    assert str(refused.value) == (
        f"s.h5: the samples state no number of pixels averaged (n is {pixels!r}), which --sample-noise mean divides their std by; use --sample-noise pixel"
    )


def test_an_unknown_sample_noise_is_refused():
    with pytest.raises(BadInput, match="sample_noise must be 'pixel' or 'mean', got 'frame'"):
        fit_response(samples(), line_spectra(), "ols", n_draws=2, sample_noise="frame")


def test_the_flag_reaches_the_fit_and_its_record(run, tmp_path):
    source = tmp_path / "spectra.h5"
    write_monochromator_h5(source, line_spectra())
    kept = samples()
    kept.exp_time, kept.exp_time_units, kept.camera, kept.lens, kept.settings, kept.label = np.ones(4), "s", "c", "l", "s", "x"
    kept.save(tmp_path / "samples.h5")
    ran = run("response", tmp_path / "samples.h5", "--source", source, "--method", "ols", "--sample-noise", "mean", "--bootstrap", "200", "--seed", "2", "-o", tmp_path / "r.h5")
    assert ran.returncode == 0, ran.stderr
    written = CameraResponse(tmp_path / "r.h5")
    np.testing.assert_allclose(written.std, samples().std / HEIGHT / np.sqrt(PIXELS), rtol=0.25)
    assert '"sample_noise": "mean"' in str(written.provenance)
