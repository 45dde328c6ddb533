"""Every simulated format is the TIFF sweep it came from: the same pixels, the same times, the same numbers to the last digit."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile

from camchar.settings import read_settings
from camchar.simulation.formats import decimal_text
from camchar.testing import run_stats_on, simulated_sweep
from conftest import run_in_process

SWEEP = dict(size=(32, 24), wavelengths=(420, 520, 620, 700), dark_frames=1)


def numbers(settings: Path):
    samples = run_stats_on(settings)
    return samples, samples.provenance["image_number"].tolist()


@pytest.fixture(scope="module")
def tiff_sweep(tmp_path_factory):
    sweep = simulated_sweep(tmp_path_factory.mktemp("tiff"), **SWEEP)
    return sweep, *numbers(sweep.settings)


@pytest.mark.parametrize("image_format", ["png", "ppm", "multipage-tiff"])
def test_each_rgb_format_gives_the_tiff_sweeps_numbers_to_the_last_digit(tmp_path, tiff_sweep, image_format):
    tiff, expected, selected = tiff_sweep
    sweep = simulated_sweep(tmp_path / image_format, image_format=image_format, **SWEEP)
    samples, chosen = numbers(sweep.settings)
    assert samples.provenance["loader"] == ("tiff" if image_format == "multipage-tiff" else "imageio")
    assert chosen == selected
    assert np.array_equal(samples.mean, expected.mean) and np.array_equal(samples.std, expected.std)
    assert np.array_equal(samples.exp_time, expected.exp_time)
    assert samples.provenance["dark_frames"] == expected.provenance["dark_frames"]


def test_the_pgm_sweep_gives_the_numbers_of_the_same_frames_as_greyscale_tiffs(tmp_path):
    """A monochrome sensor: its PGMs (times in JSON files) against TIFFs of the same pixels with the times in EXIF."""
    sweep = simulated_sweep(tmp_path / "pgm", image_format="pgm", **SWEEP)
    grey = tmp_path / "grey-tiff"
    shutil.copytree(sweep.folder, grey)
    for pgm in sorted((grey / "images").glob("*.pgm")):
        time = Fraction(pgm.with_suffix(".json").read_text().split('"')[3])
        _, data = pgm.read_bytes().split(b"65535\n", 1)
        pixels = np.frombuffer(data, ">u2").reshape(24, 32).astype(np.uint16)  # decoded by hand
        tifffile.imwrite(pgm.with_suffix(".tiff"), pixels, photometric="minisblack", extratags=[(33434, 5, 1, (time.numerator, time.denominator), True)])
        pgm.unlink()
        pgm.with_suffix(".json").unlink()
    text = (grey / "settings.yml").read_text().replace(".pgm", ".tiff")
    (grey / "settings.yml").write_text(text.split("exposure:")[0])
    expected, selected = numbers(grey / "settings.yml")
    samples, chosen = numbers(sweep.settings)
    assert samples.mean.shape == (4, 1) and samples.provenance["loader"] == "imageio"
    assert chosen == selected
    assert np.array_equal(samples.mean, expected.mean) and np.array_equal(samples.std, expected.std)


def test_simulated_png_and_ppm_files_hold_the_tiffs_pixels_and_their_times(tmp_path):
    tiff = simulated_sweep(tmp_path / "tiff", **SWEEP)
    png = simulated_sweep(tmp_path / "png", image_format="png", **SWEEP)
    ppm = simulated_sweep(tmp_path / "ppm", image_format="ppm", **SWEEP)
    original = tifffile.imread(tiff.folder / "images" / "SIM_0002.tiff")
    assert np.array_equal(iio.imread(png.folder / "images" / "SIM_0002_25ms.png", plugin="opencv", flags=-1), original)  # OpenCV's decoder
    assert np.array_equal(iio.imread(ppm.folder / "images" / "SIM_0002.ppm", plugin="opencv", flags=-1), original)
    assert (ppm.folder / "images" / "exposures.csv").read_text().splitlines()[:3] == ["file,exposure (s)", "SIM_0001.ppm,1/80", "SIM_0002.ppm,1/40"]
    assert "image_name: SIM_{:04}_*.png" in png.settings.read_text()


def test_exposures_with_no_short_decimal_in_ms_are_written_in_seconds_that_read_back_exactly(tmp_path):
    sweep = simulated_sweep(tmp_path / "png", image_format="png", size=(16, 12), wavelengths=(500,), exposures=(Fraction(1, 30), Fraction(1, 15)))
    names = sorted(path.name for path in (sweep.folder / "images").iterdir())
    assert names == ["SIM_0001_0.03333333333333333s.png", "SIM_0002_0.06666666666666667s.png"]
    assert run_stats_on(sweep.settings, noise_model="spatial").exp_time.tolist() in ([1 / 30], [1 / 15])
    assert decimal_text(Fraction(25, 2)) == "12.5" and decimal_text(Fraction(1, 3)) is None


def test_camchar_simulate_format_flag(tmp_path):
    result = run_in_process("simulate", tmp_path / "s", "--format", "multipage-tiff", "--size", "16x12", "--wavelengths", "500,600", "--quiet")
    assert result.returncode == 0, result.stderr
    with tifffile.TiffFile(tmp_path / "s" / "images" / "SIM.tif") as tif:
        assert len(tif.pages) == 6
        assert [page.tags[33434].value for page in tif.pages][:3] == [(1, 80), (1, 40), (1, 20)]
    assert read_settings(tmp_path / "s" / "settings.yml").image_name == "SIM.tif#{}"
    result = run_in_process("simulate", tmp_path / "t", "--format", "gif")
    assert result.returncode == 2 and "invalid choice: 'gif'" in result.stderr
