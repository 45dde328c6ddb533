"""The raw-rgb and raw-bayer loaders: the real conversion tool's output, the simulated truth, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput
from camchar.core.frames import LoadRequest, Region
from camchar.plugins.loaders._raw import nominal_exposure_time
from camchar.plugins.loaders.raw_bayer import RawBayerLoader, bayer_sites
from camchar.plugins.loaders.raw_rgb import RawRgbLoader
from camchar.settings import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, read_truth, simulate_sweep
from camchar.stats.choice import choose_components
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from conftest import SWEEP

RAW = SWEEP / "raw"


def chosen_loader(settings, components) -> str:
    """The loader camchar picks for a sweep when none is named."""
    return choose_components(components, settings, RunOptions(), None).loader.name


def write_dng(path: Path, cfa: np.ndarray, pattern=(0, 1, 1, 2), exposure=(1, 40), black=256, white=4095) -> Path:
    """A DNG that LibRaw opens, written with tifffile (the tags the architecture guide lists)."""
    tags = [
        (33421, "H", 2, (2, 2), True),
        (33422, "B", 4, bytes(pattern), True),
        (50706, "B", 4, (1, 4, 0, 0), True),
        (50708, "s", 0, "Test", True),
        (50714, "I", 1, black, True),
        (50717, "I", 1, white, True),
        (50721, "2i", 9, (1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1), True),
        (50778, "H", 1, 21, True),
        (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True),
    ]
    if exposure is not None:
        tags.append((33434, "2I", 1, exposure, True))
    tifffile.imwrite(path, cfa, photometric=32803, extratags=tags)
    return path


# ---- raw-rgb ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 8, 15])
def test_raw_rgb_equals_the_dcraw_emu_tiff_bit_for_bit(number):
    frame = RawRgbLoader().load(RAW / f"SWP_{number:04}.DNG", LoadRequest())
    assert np.array_equal(frame.pixels, tifffile.imread(RAW / f"SWP_{number:04}.tiff"))
    assert frame.saturation == 65535


def test_raw_rgb_cuts_the_crop_before_the_roi():
    request = LoadRequest(crop=Region(8, 4, 80, 56), roi=Region(6, 2, 40, 30))
    frame = RawRgbLoader().load(RAW / "SWP_0002.DNG", request)
    assert np.array_equal(frame.pixels, tifffile.imread(RAW / "SWP_0002.tiff")[6:36, 14:54])


def test_raw_metadata_exposure_iso_and_capture_time():
    frame = RawRgbLoader().load(RAW / "SWP_0001.DNG", LoadRequest())
    assert frame.exposure_time == 1 / 80  # the nominal 1/80 s, not float32's 0.012500000186
    assert frame.metadata["iso"] == 100.0
    assert frame.metadata["capture_time"] == "2022-10-11T10:00:00"


@pytest.mark.parametrize(
    ("stored", "nominal"),
    [(1 / 40, 1 / 40), (1 / 3, 1 / 3), (1 / 8000, 1 / 8000), (0.3, 0.3), (30.0, 30.0), (2.5, 2.5), (1 / 125, 1 / 125)],
)
def test_float32_shutter_speeds_become_the_nominal_value(stored, nominal):
    assert nominal_exposure_time(float(np.float32(stored))) == nominal


def test_missing_shutter_speed_is_none():
    assert nominal_exposure_time(0.0) is None and nominal_exposure_time(-1.0) is None


def dng_only_sweep(tmp_path: Path) -> Path:
    target = tmp_path / "sweep"
    shutil.copytree(SWEEP, target)
    for tiff in (target / "raw").glob("*.tiff"):
        tiff.unlink()
    return target / "settings.yml"


def test_dng_sweep_without_tiffs_reproduces_the_original_workflow(tmp_path, host):
    settings = read_settings(dng_only_sweep(tmp_path))
    assert chosen_loader(settings, host.components) == "raw-rgb"
    output = run_stats(settings, host.components, RunOptions(output=tmp_path / "o.h5"))
    with h5py.File(output) as got, h5py.File(SWEEP / "expected.h5") as want:
        assert np.array_equal(got["exposure_time"][()], want["exposure_time"][()])
        for name in ("samples", "samples_std"):
            np.testing.assert_allclose(got[name][()], want[name][()], rtol=1e-9)
        assert got["camchar"].attrs["loader"] == "raw-rgb"
        assert got["camchar/iso"][()].tolist() == [100.0] * 5


def test_the_converted_tiff_beside_the_raw_keeps_the_original_behaviour(sweep, host):
    assert chosen_loader(read_settings(sweep), host.components) == "tiff"


def test_unreadable_raw_files_are_bad_input(tmp_path):
    truncated = tmp_path / "cut.dng"
    truncated.write_bytes((RAW / "SWP_0001.DNG").read_bytes()[:6000])
    junk = tmp_path / "junk.nef"
    junk.write_bytes(b"not a raw file" * 100)
    no_time = write_dng(tmp_path / "notime.dng", np.full((32, 48), 1000, np.uint16), exposure=None)
    cases = [
        (truncated, "corrupt or truncated RAW file"),
        (junk, "not a RAW file LibRaw can read"),
        (tmp_path / "missing.nef", "image file not found"),
        (no_time, "no exposure time"),
    ]
    for loader in (RawRgbLoader(), RawBayerLoader()):
        for path, message in cases:
            with pytest.raises(BadInput, match=message) as caught:
                loader.load(path, LoadRequest())
            assert caught.value.path == path


# ---- raw-bayer -------------------------------------------------------------------------------------


def test_raw_bayer_planes_are_the_sites_minus_black(tmp_path):
    cfa = np.arange(32 * 48, dtype=np.uint16).reshape(32, 48) + 300
    path = write_dng(tmp_path / "rggb.dng", cfa, black=256)
    frame = RawBayerLoader().load(path, LoadRequest())
    assert frame.pixels.shape == (16, 24, 4)
    assert frame.metadata["channel_names"] == ("R", "G1", "G2", "B")
    expected = np.stack([cfa[0::2, 0::2], cfa[0::2, 1::2], cfa[1::2, 0::2], cfa[1::2, 1::2]], axis=-1).astype(int) - 256
    assert np.array_equal(frame.pixels, expected)
    assert frame.saturation == (4095 - 256,) * 4


@pytest.mark.parametrize(
    ("pattern", "sites"),
    [
        ((1, 0, 2, 1), [(0, 1), (0, 0), (1, 1), (1, 0)]),  # GRBG
        ((2, 1, 1, 0), [(1, 1), (1, 0), (0, 1), (0, 0)]),  # BGGR
        ((1, 2, 0, 1), [(1, 0), (1, 1), (0, 0), (0, 1)]),  # GBRG
    ],
    ids=["GRBG", "BGGR", "GBRG"],
)
def test_raw_bayer_follows_the_phase_of_other_patterns(tmp_path, pattern, sites):
    cfa = (np.arange(32 * 48, dtype=np.uint16).reshape(32, 48) + 300) % 3800
    frame = RawBayerLoader().load(write_dng(tmp_path / "p.dng", cfa, pattern=pattern), LoadRequest())
    for channel, (row, column) in enumerate(sites):
        assert np.array_equal(frame.pixels[..., channel], cfa[row::2, column::2].astype(int) - 256), channel


def test_bayer_sites_refuses_non_bayer_patterns():
    with pytest.raises(BadInput, match="needs a 2x2 Bayer sensor"):
        bayer_sites(np.array([[0, 1], [2, 3]]), "CMYG", Path("x.raw"))


def test_raw_bayer_halves_the_roi_and_cuts_the_crop_first():
    request = LoadRequest(crop=Region(8, 4, 80, 56), roi=Region(16, 8, 40, 30))
    frame = RawBayerLoader().load(RAW / "SWP_0004.DNG", request)
    import rawpy

    with rawpy.imread(str(RAW / "SWP_0004.DNG")) as raw:
        visible = raw.raw_image_visible.astype(int)
    cropped = visible[4:60, 8:88]
    # crop starts on an even row and column: the RGGB phase is unchanged; halved ROI [8, 4, 20, 15]
    assert frame.pixels.shape == (15, 20, 4)
    assert np.array_equal(frame.pixels[..., 0], cropped[0::2, 0::2][4:19, 8:28] - 256)
    assert np.array_equal(frame.pixels[..., 3], cropped[1::2, 1::2][4:19, 8:28] - 256)


def test_white_level_from_the_settings_decides_saturation(tmp_path):
    cfa = np.full((32, 48), 4000, np.uint16)
    path = write_dng(tmp_path / "bright.dng", cfa, black=256, white=4095)
    assert not RawBayerLoader().load(path, LoadRequest()).is_overexposed(0.995)
    assert RawBayerLoader().load(path, LoadRequest(white_level=3900)).is_overexposed(0.995)


def test_raw_bayer_recovers_the_simulated_sensor(tmp_path, host):
    camera = CameraModel(height=128, width=160, peak_rate=2.5e5)
    plan = SweepPlan(wavelengths=(450, 500, 550, 600, 650), roi=Region(16, 16, 128, 96))
    settings = read_settings(simulate_sweep(tmp_path, camera, plan, "dng"))
    output = run_stats(settings, host.components, RunOptions(output=tmp_path / "b.h5", loader="raw-bayer"))
    truth = read_truth(tmp_path / "truth.h5")
    with h5py.File(output) as f:
        rows = [truth["image_number"].tolist().index(n) for n in f["camchar/image_number"][()]]
        assert f["samples"].shape == (5, 4) and f["samples"].attrs["n"] == 64 * 48
        assert [name.decode() for name in f["camchar/channel_names"][()]] == truth["channel_names"] == ["R", "G1", "G2", "B"]
        # each site's mean above black within 1% of its expectation (3072 sites per channel)
        np.testing.assert_allclose(f["samples"][()], truth["mean_rate"][rows], rtol=0.01)


def test_selected_raw_frames_are_decoded_once_and_the_cache_is_removed(tmp_path, host, monkeypatch):
    import tempfile

    cache_root = tmp_path / "tmp"
    cache_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(cache_root))
    loader = host.components.get("loaders", "raw-rgb").component
    calls = []
    original = type(loader).load
    monkeypatch.setattr(type(loader), "load", lambda self, path, request: calls.append(path) or original(self, path, request))
    settings = read_settings(dng_only_sweep(tmp_path))
    run_stats(settings, host.components, RunOptions(output=tmp_path / "o.h5"))
    assert len(calls) == 15, "every file decoded once: the noise model reads the cached copies"
    assert list(cache_root.iterdir()) == []


def test_raw_rgb_refuses_a_white_level_per_channel_in_one_line(sweep):
    """raw-rgb takes one LibRaw saturation level: several are refused naming the file (it was a NameError)."""
    from conftest import run_in_process

    sweep.write_text(sweep.read_text() + "loader: raw-rgb\nwhite_level: [4000, 4000, 3900]\n")
    ran = run_in_process("stats", sweep, "-o", sweep.parent / "out.h5")
    assert ran.returncode == 2, ran.stderr
    (line,) = ran.stderr.strip().splitlines()[-1:]
    assert line.startswith("camchar: error: ") and "raw-rgb takes one white level (LibRaw's saturation), not one per channel: [4000.0, 4000.0, 3900.0]" in line
    assert "internal error" not in ran.stderr and not (sweep.parent / "out.h5").exists()
