"""The mvbin loader: hand-computed unpacking, sidecars, errors, its option, and camchar running through it."""

from __future__ import annotations

import numpy as np
import pytest

import camchar_mvbin
from camchar.api import BadInput, LoadRequest, Region
from camchar.testing import build_host, run_stats_on
from camchar_mvbin import MvBinLoader, unpack_mono12_packed, unpack_mono12p

from conftest import write_frame


def test_mono12_packed_by_hand():
    # pixels 0xABC and 0x123: bytes AB, (3 << 4 | C), 12
    assert unpack_mono12_packed(np.array([0xAB, 0x3C, 0x12], np.uint8)).tolist() == [0xABC, 0x123]


def test_mono12p_by_hand():
    # pixels 0xABC and 0x123: bytes BC, (3 << 4 | A), 12
    assert unpack_mono12p(np.array([0xBC, 0x3A, 0x12], np.uint8)).tolist() == [0xABC, 0x123]


@pytest.mark.parametrize("pixel_format", ["Mono16", "Mono12Packed", "Mono12p"])
def test_frames_round_trip(tmp_path, pixel_format):
    rng = np.random.default_rng(1)
    top = 65535 if pixel_format == "Mono16" else 4095
    pixels = rng.integers(0, top + 1, size=(6, 10), dtype=np.uint16)
    path = write_frame(tmp_path / "f.bin", pixels, pixel_format, 25000)
    frame = MvBinLoader().load(path, LoadRequest(roi=Region(2, 1, 6, 4)))
    assert frame.pixels.shape == (4, 6, 1)
    assert np.array_equal(frame.pixels[..., 0], pixels[1:5, 2:8])
    assert frame.exposure_time == 0.025
    assert frame.saturation == top


def test_the_bits_option_sets_the_saturation_of_mono16(tmp_path):
    path = write_frame(tmp_path / "f.bin", np.full((4, 4), 4095, np.uint16), "Mono16", 1000)
    twelve_bit = MvBinLoader().configured({"bits": 12})
    assert twelve_bit.load(path, LoadRequest()).saturation == 4095
    assert twelve_bit.load(path, LoadRequest()).is_overexposed(0.995)
    assert not MvBinLoader().load(path, LoadRequest()).is_overexposed(0.995)


def test_bad_files_name_the_file(tmp_path):
    path = write_frame(tmp_path / "f.bin", np.zeros((4, 4), np.uint16), "Mono16", 1000)
    path.write_bytes(b"\x00" * 10)
    with pytest.raises(BadInput, match="f.bin: holds 10 bytes"):
        MvBinLoader().load(path, LoadRequest())
    path.with_suffix(".json").write_text('{"width": 4, "height": 4, "pixel_format": "Bayer8", "exposure_time_us": 5}')
    with pytest.raises(BadInput, match="f.json: pixel_format 'Bayer8'"):
        MvBinLoader().load(path, LoadRequest())
    path.with_suffix(".json").unlink()
    with pytest.raises(BadInput, match="sidecar file not found"):
        MvBinLoader().load(path, LoadRequest())


def write_sweep(folder, pixel_format="Mono12Packed", levels=(400.0, 900.0, 1500.0, 2200.0)):
    """4 wavelengths x 2 exposures of a flat 12-bit mono sensor; returns the settings file and the true ROI means."""
    rng = np.random.default_rng(2)
    images, means = [], {}
    for bracket, level in enumerate(levels):
        numbers = []
        for exposure, exposure_us in enumerate((10000, 20000)):
            number = 2 * bracket + exposure + 1
            pixels = np.clip(rng.normal(64 + level * exposure_us / 20000, 8, size=(40, 60)), 0, 4095).round()
            write_frame(folder / f"FRAME_{number:04}.bin", pixels, pixel_format, exposure_us)
            means[number] = pixels[5:35, 10:50].mean() / (exposure_us / 1e6)
            numbers.append(number)
        images.append(f"  {500 + 10 * bracket}: {numbers}")
    settings = folder / "settings.yml"
    settings.write_text("image_dir: .\nimage_name: FRAME_{:04}.bin\nroi: [10, 5, 40, 30]\nimages:\n" + "\n".join(images) + "\n")
    return settings, means


def test_camchar_stats_through_the_plugin(tmp_path):
    settings, means = write_sweep(tmp_path)
    samples = run_stats_on(settings, build_host(plugins=[camchar_mvbin]), output=tmp_path / "out.h5")
    assert samples.provenance["loader"] == "mvbin"
    assert samples.provenance["loader_plugin"].startswith("camchar-mvbin ")
    assert samples.mean.shape == (4, 1)
    selected = samples.provenance["image_number"]
    np.testing.assert_allclose(samples.mean[:, 0], [means[n] for n in selected], rtol=1e-12)


def test_the_option_reaches_the_loader_through_camchar(tmp_path):
    # 12-bit data in Mono16 files: the 20 ms frame of 530 nm clips at 4095, which only bits: 12 recognises
    settings, _ = write_sweep(tmp_path, "Mono16", levels=(400.0, 900.0, 1500.0, 4400.0))
    host = build_host(plugins=[camchar_mvbin])
    default = run_stats_on(settings, host, output=tmp_path / "a.h5")
    twelve = run_stats_on(settings, host, output=tmp_path / "b.h5", options={"mvbin": {"bits": 12}})
    assert '"bits": 12' in twelve.provenance["options"]
    assert default.exp_time.tolist() == [0.02, 0.02, 0.02, 0.02]
    assert twelve.exp_time.tolist() == [0.02, 0.02, 0.02, 0.01]
