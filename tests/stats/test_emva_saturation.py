"""EMVA 1288 saturation and the gain fit's range on sweeps whose clipping is known by construction.

The simulated camera clips every channel at ``2**bit_depth - 1`` (one sensor,
one ADC) and its dark offset, read noise and conversion gain are known, so the
saturation (the clip level less the dark level) and the dynamic range
(``20 log10(mu_e.sat / mu_e.min)``, docs/emva1288.md) have closed forms.
"""

from __future__ import annotations

import math

import h5py
import numpy as np
import pytest
import tifffile
import yaml

from camchar.results import read_result, show
from camchar.stats.clipping import Clipping
from camchar.stats.emva1288 import LINEAR_RANGE
from camchar.testing import simulated_sweep
from conftest import run_in_process

#: The simulated camera's defaults (docs/simulation.md).
DARK_OFFSET, CONVERSION_GAIN, READ_NOISE = 256.0, 0.5, 3.0
#: Small frames, quick to simulate (a ROI of 32 x 24 pixels).
SIZE = (48, 36)


def true_dynamic_range(clip_level: float) -> float:
    """The EMVA dynamic range in dB of the simulated camera clipping at ``clip_level`` counts."""
    dark_noise = math.sqrt(READ_NOISE**2 + 1 / 12)  # rounding to whole counts adds 1/12 DN^2
    saturation_electrons = (clip_level - DARK_OFFSET) / CONVERSION_GAIN
    return 20 * math.log10(saturation_electrons / (dark_noise / CONVERSION_GAIN + 0.5))


def emva_of(result):
    return {item.name: np.asarray(item.values) for item in result.emva.parameters}


def stats(sweep, output):
    ran = run_in_process("stats", sweep.settings, "--noise-model", "pairs", "-o", output)
    assert ran.returncode == 0, ran.stderr
    return ran, read_result(output)


@pytest.fixture(scope="module")
def blue_never_clips(tmp_path_factory):
    """12-bit data in 16-bit files: R and G clip at 4095 in the longer exposures, B stays far below."""
    sweep = simulated_sweep(tmp_path_factory.mktemp("blue"), size=SIZE, wavelengths=(560, 600, 640), bit_depth=12, peak_rate=4e5, frames_per_exposure=2, dark_frames=4)
    clipped = sweep.truth["clipped_fraction"].max(axis=0)
    assert clipped[0] > 0.5 and clipped[1] > 0.5 and clipped[2] == 0  # the case: B never reaches the clip level
    return sweep


@pytest.fixture(scope="module")
def blue_result(blue_never_clips):
    return stats(blue_never_clips, blue_never_clips.folder / "out.h5")


def test_a_channel_that_never_clips_gets_the_level_where_the_others_clip(blue_result):
    _, result = blue_result
    emva = emva_of(result)
    np.testing.assert_allclose(emva["saturation"], 4095 - DARK_OFFSET, atol=2)
    # the dark noise from 2 pairs of 768 pixels is within 1.8% (1 sigma): 0.16 dB
    np.testing.assert_allclose(emva["dynamic_range"], true_dynamic_range(4095), atol=0.5)
    assert list(result.provenance["saturation_level"]) == [4095.0] * 3


def test_an_inferred_level_is_said_in_the_output_and_the_file(blue_result):
    ran, result = blue_result
    assert "clipping at R 4095, G 4095; B, which never reaches it, clips there too (one sensor, one ADC" in ran.stderr
    assert "saturation of B inferred from R, G, which clip at 4095 (one sensor, one ADC)" in ran.stderr
    assert list(result.provenance["saturation_inferred"]) == ["B"]
    assert "saturation of B inferred from R, G" in result.provenance["emva1288_note"]


def clip_channel(sweep, channel, level):
    """Clip one channel of every image of ``sweep`` at ``level``, in place (the tags, exposure times included, stay)."""
    settings = yaml.safe_load(sweep.settings.read_text())
    for path in (sweep.folder / settings["image_dir"]).glob("*.tif*"):
        with tifffile.TiffFile(path) as tif:
            offset, pixels, byteorder = tif.pages[0].dataoffsets[0], tif.pages[0].asarray(), tif.byteorder
        pixels[..., channel] = np.minimum(pixels[..., channel], level)
        with open(path, "r+b") as handle:
            handle.seek(offset)
            handle.write(pixels.astype(pixels.dtype.newbyteorder(byteorder)).tobytes())


@pytest.mark.slow  # the rule itself is tested quickly below
def test_levels_that_differ_between_channels_say_nothing_of_a_channel_that_never_clips(tmp_path):
    sweep = simulated_sweep(tmp_path, size=SIZE, wavelengths=(560, 600, 640), bit_depth=12, peak_rate=4e5, frames_per_exposure=2, dark_frames=2)
    clip_channel(sweep, 1, 3900)  # G clips lower than R: which level would B's be?
    ran, result = stats(sweep, tmp_path / "out.h5")
    emva = emva_of(result)
    assert "saturation" not in emva and "dynamic_range" not in emva
    said = "saturation and dynamic range left out: B shows no pile-up, and the channels that pile up do so at different levels"
    assert said in ran.stderr and said in result.provenance["emva1288_note"]
    assert list(result.provenance["saturation_level"]) == [4095.0, 3900.0, 65535.0]
    assert "saturation_inferred" not in result.provenance


@pytest.fixture(scope="module")
def full_scale(tmp_path_factory):
    """16-bit data: the longest exposures clip at 65535; the selected 1/40 s frames near the peaks reach above 70% of it."""
    sweep = simulated_sweep(tmp_path_factory.mktemp("full"), size=SIZE, wavelengths=(460, 500, 530, 560, 600, 640), frames_per_exposure=2, dark_frames=2)
    return sweep, *stats(sweep, sweep.folder / "out.h5")


def test_the_gain_is_fitted_in_the_emva_range_of_the_full_scale_reached(full_scale):
    _, _, result = full_scale
    limit = LINEAR_RANGE * (65535 - DARK_OFFSET)
    ptc_mean = np.asarray(result.emva.ptc_mean)
    above = (ptc_mean > limit).sum(axis=0)
    assert above.min() > 0  # the case: points beyond the linear range, which the fit must leave out
    np.testing.assert_allclose(emva_of(result)["system_gain"], CONVERSION_GAIN, rtol=0.1)  # few points below 70%: B's are dim
    assert list(read_points(result.path)) == list((ptc_mean <= limit).sum(axis=0))


def read_points(path):
    """How many photon-transfer points the gain was fitted to, per channel, as the file says."""
    with h5py.File(path, "r") as f:
        return f["emva1288/system_gain"].attrs["points"]


def test_saturation_clipped_at_full_scale_is_left_out_with_the_reason(full_scale):
    _, ran, result = full_scale
    assert "saturation" not in emva_of(result)
    said = "saturation and dynamic range left out: the values pile up at the loader's full scale (R 65535, G 65535, B 65535)"
    assert said in ran.stderr and f"system gain fitted up to {LINEAR_RANGE:.0%} of it" in ran.stderr
    assert result.provenance["emva1288_note"].startswith(said)


def test_show_says_why_saturation_is_left_out(full_scale, capsys):
    show(full_scale[2].path)
    shown = " ".join(capsys.readouterr().out.split())  # the caption wraps
    assert "saturation and dynamic range left out: the values pile up at the loader's full scale" in shown


def test_a_sweep_that_never_clips_says_so_and_fits_every_point(tmp_path):
    sweep = simulated_sweep(tmp_path, size=SIZE, wavelengths=(460, 530, 600), peak_rate=1e5, frames_per_exposure=2, dark_frames=2)
    assert sweep.truth["clipped_fraction"].max() == 0
    ran, result = stats(sweep, tmp_path / "out.h5")
    assert "saturation" not in emva_of(result)
    said = "saturation and dynamic range left out: no frame of the sweep reaches the level where the sensor clips"
    assert said in ran.stderr and said in result.provenance["emva1288_note"]
    assert list(read_points(result.path)) == [3, 3, 3]


@pytest.mark.parametrize(
    "tops, one_sensor, levels, inferred",
    [
        ([4095, 4095, np.inf], True, [4095, 4095, 4095], [False, False, True]),
        ([np.inf, 1023, np.inf, np.inf], True, [1023] * 4, [True, False, True, True]),
        ([4095, 3900, np.inf], True, [4095, 3900, 65535], [False, False, False]),
        ([4095, 4095, np.inf], False, [4095, 4095, 65535], [False, False, False]),
    ],
    ids=["same level", "one channel", "levels differ", "not the sensor's counts"],
)
def test_a_level_applies_to_the_channels_without_a_pile_up_only_from_one_sensor_at_one_level(tops, one_sensor, levels, inferred):
    clipping = Clipping.of(np.array(tops, dtype=float), np.full(len(tops), 65535.0), one_sensor)
    assert list(clipping.levels) == levels
    assert list(clipping.inferred) == inferred
    assert clipping.known == (all(inferred[i] or np.isfinite(tops[i]) for i in range(len(tops))))
