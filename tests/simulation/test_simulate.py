"""The simulated camera: its files are what the settings say, and its ground truth is right."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import tifffile

from camchar.core.frames import Region
from camchar.settings import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, parse_exposures, parse_wavelengths, read_truth, simulate_sweep
from conftest import run_in_process


def test_files_settings_and_truth_agree(tmp_path):
    plan = SweepPlan(wavelengths=(450, 600), exposures=(Fraction(1, 80), Fraction(1, 40)), roi=Region(4, 2, 20, 10))
    settings = read_settings(simulate_sweep(tmp_path, CameraModel(height=16, width=28), plan))
    truth = read_truth(tmp_path / "truth.h5")
    assert settings.images == {450: (1, 2), 600: (3, 4)}
    assert settings.roi == plan.roi
    assert truth["image_number"].tolist() == [1, 2, 3, 4]
    assert truth["exposure_time"].tolist() == [1 / 80, 1 / 40, 1 / 80, 1 / 40]
    with tifffile.TiffFile(settings.image_file(2)) as tif:
        assert tif.pages[0].shape == (16, 28, 3) and tif.pages[0].dtype == np.uint16
        assert tif.pages[0].tags[33434].value == (1, 40)


def test_same_seed_same_files(tmp_path):
    simulate_sweep(tmp_path / "a", CameraModel(height=8, width=8), SweepPlan(roi=None))
    simulate_sweep(tmp_path / "b", CameraModel(height=8, width=8), SweepPlan(roi=None))
    assert (tmp_path / "a/images/SIM_0007.tiff").read_bytes() == (tmp_path / "b/images/SIM_0007.tiff").read_bytes()


def test_truth_matches_what_the_frames_show(tmp_path):
    """Two frames at the same exposure: their difference has no fixed pattern, only twice the temporal variance."""
    camera = CameraModel(height=120, width=160, vignetting=0.2, gain_spread=0.02)
    plan = SweepPlan(wavelengths=(470, 560, 620), exposures=(Fraction(1, 50), Fraction(1, 50)), roi=Region(10, 10, 140, 100))
    settings = read_settings(simulate_sweep(tmp_path, camera, plan))
    truth = read_truth(tmp_path / "truth.h5")
    rows, columns = plan.roi.slices
    for bracket, (first, second) in enumerate(settings.images.values()):
        a = tifffile.imread(settings.image_file(first))[rows, columns].astype(float)
        b = tifffile.imread(settings.image_file(second))[rows, columns].astype(float)
        t = 1 / 50
        row = 2 * bracket
        temporal = np.sqrt(((a - b) ** 2).mean(axis=(0, 1)) / 2) / t
        np.testing.assert_allclose(temporal, truth["temporal_std"][row], rtol=0.05)
        np.testing.assert_allclose(a.mean(axis=(0, 1)) / t, truth["mean_rate"][row], rtol=2e-3)


def test_clipped_fraction_counts_pixels_at_the_full_well(tmp_path):
    """A frame whose pixels stop at the full well is clipped there, though far below the ADC's full scale."""
    camera = CameraModel(height=24, width=32, full_well=60000.0)
    plan = SweepPlan(wavelengths=(450, 560), exposures=(Fraction(1, 160), Fraction(1, 20)), roi=Region(4, 4, 24, 16))
    settings = read_settings(simulate_sweep(tmp_path, camera, plan))
    truth = read_truth(tmp_path / "truth.h5")
    rows, columns = plan.roi.slices
    for row, number in enumerate(truth["image_number"]):
        pixels = tifffile.imread(settings.image_file(int(number)))[rows, columns].reshape(-1, 3)
        assert pixels.max() < 65535
        well = camera.dark_offset + camera.conversion_gain * camera.full_well  # where the well stops the counts
        at_well = (pixels >= well - 6 * camera.read_noise).mean(axis=0)  # within read noise of it
        np.testing.assert_allclose(truth["clipped_fraction"][row], at_well, atol=0.1)
    assert truth["clipped_fraction"].max() > 0.5 and truth["clipped_fraction"].min() == 0


def test_parsers():
    assert parse_wavelengths("400:500:50") == (400, 450, 500)
    assert parse_wavelengths("410,420") == (410, 420)
    assert parse_exposures("1/80, 0.05") == (Fraction(1, 80), Fraction(1, 20))
    with pytest.raises(ValueError, match="positive"):
        parse_exposures("0,1/40")
    with pytest.raises(ValueError, match="start:stop:step"):
        parse_wavelengths("500:400:10")


def test_simulate_command(tmp_path):
    result = run_in_process("simulate", tmp_path / "s", "--size", "40x30", "--exposures", "1/100,1/50", "--wavelengths", "500,600")
    assert result.returncode == 0, result.stderr
    settings = read_settings(tmp_path / "s" / "settings.yml")
    assert settings.images == {500: (1, 2), 600: (3, 4)}
    assert settings.roi == Region(6, 5, 28, 20)
    bad = run_in_process("simulate", tmp_path / "t", "--roi", "0,0,50,50", "--size", "40x30")
    assert bad.returncode == 2 and "does not fit" in bad.stderr


def test_pairs_and_dark_frames_in_the_plan(tmp_path):
    plan = SweepPlan(wavelengths=(500, 600), exposures=(Fraction(1, 80), Fraction(1, 40)), roi=None, frames_per_exposure=2, dark_frames=3)
    settings = read_settings(simulate_sweep(tmp_path, CameraModel(height=10, width=12), plan))
    assert settings.images == {500: (1, 2, 3, 4), 600: (5, 6, 7, 8)}
    assert settings.dark == {0.0125: (9, 10, 11), 0.025: (12, 13, 14)}
    truth = read_truth(tmp_path / "truth.h5")
    assert truth["exposure_time"].tolist() == [1 / 80, 1 / 80, 1 / 40, 1 / 40] * 2
    dark = tifffile.imread(settings.image_file(9)).astype(float)
    assert abs(dark.mean() - 256) < 2, "a dark frame holds the dark offset only"
