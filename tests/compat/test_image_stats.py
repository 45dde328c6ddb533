"""The original image_stats API, for people migrating from the script."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import tifffile

from camchar import image_stats
from camchar.core.errors import CamcharWarning
from conftest import REFERENCE_YML
from oracle import seed_oracle


def test_main_with_an_argument_list(sweep, capsys):
    image_stats.main(["-i", str(sweep), "--quiet"])
    assert capsys.readouterr().err == ""
    with h5py.File(sweep.parent / "raw.h5") as got, h5py.File(sweep.parent / "expected.h5") as want:
        np.testing.assert_allclose(got["samples"][()], want["samples"][()], rtol=1e-9)
        np.testing.assert_allclose(got["samples_std"][()], want["samples_std"][()], rtol=1e-9)


def test_main_with_keywords_forces_the_h5_suffix(sweep):
    image_stats.main(input=str(sweep), output=str(sweep.parent / "result.dat"), quiet=True, max=0.995)
    assert (sweep.parent / "result.h5").exists()
    assert not (sweep.parent / "result.dat").exists()


def test_settings_has_the_original_attributes():
    settings = image_stats.Settings(REFERENCE_YML)
    assert settings.roi == (slice(300, 1050), slice(300, 1050))
    assert settings.crop_xywh == [3290, 1825, 1350, 1350]
    assert settings.dcraw_args == "-w" and settings.nd == 0.0 and settings.non_negative is True
    assert settings.image_dir == str(REFERENCE_YML.parent / "Nikon D810 UV" / "60mm macro")
    assert settings.image_file(7, ".tiff") == str(REFERENCE_YML.parent / "Nikon D810 UV" / "60mm macro" / "UV1_0007.tiff")
    assert settings.samples_file.endswith("60mm macro.h5")
    assert settings.spectra_file == str(REFERENCE_YML.parent / "2022-10-11 monochromator.h5")
    assert settings.response_file == str(REFERENCE_YML.with_suffix("")) + " response.h5"
    assert settings.images[300] == [1, 2, 3]


def test_load_images_returns_the_normalised_best_frames(sweep):
    wavelengths, samples, times = image_stats.load_images(image_stats.Settings(sweep))
    assert wavelengths.tolist() == [450, 500, 550, 600, 650]
    assert times.tolist() == [0.05, 0.05, 0.05, 0.05, 0.025]
    assert samples.shape == (5, 48, 64, 3) and samples.dtype == np.float64
    raw = tifffile.imread(sweep.parent / "raw" / "SWP_0014.tiff")[8:56, 16:80]
    assert np.array_equal(samples[-1], raw / 0.025)


def test_load_images_threshold_rejects_more_frames_when_lower(sweep):
    with pytest.warns(CamcharWarning, match="bracket 650: all frames overexposed"):
        wavelengths, _, times = image_stats.load_images(image_stats.Settings(sweep), overexp=0.3)
    want_wavelengths, _, _, want_times, _ = seed_oracle(sweep, overexp=0.3)
    assert wavelengths.tolist() == want_wavelengths.tolist() == [450, 500, 550, 600]
    assert times.tolist() == want_times.tolist()
    assert times.tolist() != [0.05, 0.05, 0.05, 0.05], "a lower threshold rejects longer exposures"


def test_snr_and_fpn_are_the_documented_functions():
    img = np.array([1.0, 2.0, 3.0, 4.0]).reshape(2, 2, 1)
    assert image_stats.snr(img) == pytest.approx(2.5 / np.sqrt(5 / 3))
    stack = np.arange(4.0)[:, None, None, None] * np.ones((4, 2, 2, 1))
    offset, bias, residuals = image_stats.fpn(stack, stack.mean(axis=(1, 2)))
    assert np.allclose(bias, 1.0) and np.allclose(offset, 0.0) and np.allclose(residuals, 0.0)


def test_camera_samples_is_camchars():
    from camchar.files.camera_samples import CameraSamples

    assert image_stats.CameraSamples is CameraSamples
