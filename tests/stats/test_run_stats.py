"""The default pipeline end to end: the fixture's expected.h5, simulated sweeps, and what it refuses."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import h5py
import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.frames import Region
from camchar.files.camera_samples import CameraSamples
from camchar.host.stack import SelectedStack
from camchar.runtime.parallel import RowSplitter
from camchar.settings import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, simulate_sweep
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from oracle import seed_oracle


def assert_matches_expected(output: Path, expected: Path, rtol: float = 1e-9) -> None:
    with h5py.File(output, "r") as got, h5py.File(expected, "r") as want:
        assert np.array_equal(got["nominal_wavelength"][()], want["nominal_wavelength"][()])
        assert np.array_equal(got["exposure_time"][()], want["exposure_time"][()])
        for name in ("samples", "samples_std"):
            np.testing.assert_allclose(got[name][()], want[name][()], rtol=rtol, atol=0)
            assert got[name].attrs["n"] == want[name].attrs["n"]
            assert got[name].attrs["units"] == want[name].attrs["units"]
        assert got["ND"][()] == want["ND"][()]
        assert dict(got.attrs) == dict(want.attrs)


def test_fixture_sweep_reproduces_the_original(sweep, host):
    output = run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "out.h5"))
    assert_matches_expected(output, sweep.parent / "expected.h5")
    samples = CameraSamples(output)
    # 650 nm: the 1/20 s frame (image 15) is overexposed, so the 1/40 s frame wins
    assert samples.provenance["image_number"].tolist() == [3, 6, 9, 12, 14]
    assert samples.exp_time[-1] == 0.025
    assert samples.provenance["loader"] == "tiff"
    assert samples.provenance["noise_model"] == "linear-fpn"
    assert "camera: Test Camera" in samples.provenance["settings_yaml"]


def test_whole_wavelengths_written_as_floats_are_integers_in_the_output(sweep, host):
    sweep.write_text(sweep.read_text().replace("  450:", "  450.0:").replace("  500:", "  5e2:"))
    output = run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "out.h5"))
    with h5py.File(output) as f:
        assert f["nominal_wavelength"].dtype.kind == "i" and f["nominal_wavelength"][()].tolist() == [450, 500, 550, 600, 650]
    assert_matches_expected(output, sweep.parent / "expected.h5")


def test_default_output_is_the_image_folder_with_suffix_h5(sweep, host):
    output = run_stats(read_settings(sweep), host.components, RunOptions(workers=1))
    assert output == sweep.parent / "raw.h5"
    assert_matches_expected(output, sweep.parent / "expected.h5")


def test_simulated_sweep_with_skipped_bracket_and_mixed_exposures(tmp_path, host):
    camera = CameraModel(height=40, width=50, peak_rate=3.0e6)
    plan = SweepPlan(
        wavelengths=(420, 460, 500, 530, 560, 600, 640, 680),
        exposures=(Fraction(1, 10), Fraction(1, 40), Fraction(1, 20)),
        roi=Region(5, 4, 40, 30),
        seed=11,
    )
    settings_path = simulate_sweep(tmp_path, camera, plan)
    # make every frame of 530 nm overexposed, as a real sweep's brightest bracket can be
    for number in read_settings(settings_path).images[530]:
        path = tmp_path / "images" / f"SIM_{number:04}.tiff"
        with tifffile.TiffFile(path) as tif:
            pixels = tif.pages[0].asarray()
            exposure = tif.pages[0].tags[33434].value
        pixels[20, 25] = 65535
        tifffile.imwrite(path, pixels, photometric="rgb", extratags=[(33434, 5, 1, exposure, True)])

    with pytest.warns(CamcharWarning, match="bracket 530: all frames overexposed; skipped"):
        output = run_stats(read_settings(settings_path), host.components, RunOptions(output=tmp_path / "o.h5"))
    samples = CameraSamples(output)
    wavelengths, means, std, times, numbers = seed_oracle(settings_path)
    assert 530 not in samples.nom_wl
    assert np.array_equal(samples.nom_wl, wavelengths)
    assert len(set(samples.exp_time)) > 1, "the plan should select different exposures"
    assert np.array_equal(samples.exp_time, times)
    assert samples.provenance["image_number"].tolist() == numbers
    np.testing.assert_allclose(samples.mean, means, rtol=1e-9)
    np.testing.assert_allclose(samples.std, std, rtol=1e-9)


def test_no_usable_bracket_is_bad_input_and_writes_nothing(tmp_path, host):
    settings_path = simulate_sweep(tmp_path, CameraModel(height=20, width=30, peak_rate=4e7), SweepPlan(wavelengths=(500, 530), roi=None))
    output = tmp_path / "out.h5"
    output.write_bytes(b"precious")
    with pytest.warns(CamcharWarning, match="all frames overexposed"):
        with pytest.raises(BadInput, match="no bracket has a usable frame"):
            run_stats(read_settings(settings_path), host.components, RunOptions(output=output))
    assert output.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images", "out.h5", "settings.yml", "truth.h5"]


def test_unknown_component_lists_the_available_ones(sweep, host):
    with pytest.raises(BadInput, match="no noise model named 'nope'; available: fpn-unbiased, linear-fpn"):
        run_stats(read_settings(sweep), host.components, RunOptions(noise_model="nope"))


def test_unknown_output_suffix_is_refused_before_any_work(sweep, host):
    with pytest.raises(BadInput, match=r"no writer for suffix '.txt'; known suffixes: .csv, .h5, .hdf5, .json, .xlsx"):
        run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "o.txt"))


def test_missing_output_folder_is_refused_before_any_work(sweep, host):
    with pytest.raises(BadInput, match="output folder does not exist"):
        run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "no" / "o.h5"))


def test_frames_of_different_shapes_are_bad_input(sweep, host):
    settings_path = sweep
    odd = sweep.parent / "raw" / "SWP_0007.tiff"
    tifffile.imwrite(odd, np.zeros((64, 90, 3), np.uint16), photometric="rgb", extratags=[(33434, 5, 1, (1, 80), True)])
    settings_path.write_text(settings_path.read_text().replace("roi: [16, 8, 64, 48]\n", ""))
    with pytest.raises(BadInput, match=r"SWP_0007.tiff: is 90 x 64 with 3 channels, but the sweep's first image SWP_0001.tiff is 96 x 64"):
        run_stats(read_settings(settings_path), host.components, RunOptions(output=sweep.parent / "o.h5"))


def test_numbers_do_not_depend_on_the_number_of_threads(tmp_path, host, monkeypatch):
    # small row blocks, so that the noise model's work is split many ways
    monkeypatch.setattr(SelectedStack, "split_rows", lambda stack: RowSplitter(stack.workers, block_bytes=8 * 300 * 4))
    settings = read_settings(simulate_sweep(tmp_path, CameraModel(height=90, width=120), SweepPlan(roi=Region(10, 10, 100, 70))))
    results = []
    for workers in (1, 3):
        output = run_stats(settings, host.components, RunOptions(output=tmp_path / f"w{workers}.h5", workers=workers))
        results.append(CameraSamples(output))
    assert np.array_equal(results[0].mean, results[1].mean)
    assert np.array_equal(results[0].std, results[1].std)
