"""Real sensors on simulated sweeps with known truth: clipping below full scale, black level, hot pixels, PRNU drift.

Each case runs twice where it can: as the original rules would (showing the
error is there and the test can fail), and with camchar's answer to it.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import tifffile
import yaml

from camchar.api import BadInput, CamcharWarning
from camchar.testing import run_stats_on, simulated_sweep

WAVELENGTHS = tuple(range(420, 681, 20))


def sweep_of(folder, **camera_and_plan):
    camera_and_plan.setdefault("frames_per_exposure", 2)
    return simulated_sweep(folder, size=(160, 120), wavelengths=WAVELENGTHS, **camera_and_plan)


def with_keys(sweep, label, **keys):
    path = sweep.folder / f"settings-{label}.yml"
    path.write_text(sweep.settings.read_text() + "".join(f"{key}: {json.dumps(value)}\n" for key, value in keys.items()))
    return path


def run(sweep, settings, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        samples = run_stats_on(settings, output=sweep.folder / "out.h5", **options)
    return samples, [str(w.message) for w in caught if issubclass(w.category, CamcharWarning)]


def worst_errors(sweep, samples, truth_of_means="signal_rate"):
    rows = [sweep.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    means = np.abs(samples.mean / sweep.truth[truth_of_means][rows] - 1).max()
    noise = np.abs(samples.std / sweep.truth["temporal_std"][rows] - 1).max()
    return means, noise


@pytest.fixture(scope="module")
def twelve_bit(tmp_path_factory):
    return sweep_of(tmp_path_factory.mktemp("twelve"), bit_depth=12, peak_rate=4.0e5, dark_frames=2)


@pytest.mark.slow
def test_twelve_bit_data_in_sixteen_bit_files_are_found_clipping_at_4095(twelve_bit):
    samples, _ = run(twelve_bit, twelve_bit.settings, noise_model="pairs")
    means, noise = worst_errors(twelve_bit, samples)
    assert means < 0.01 and noise < 0.03
    assert samples.provenance["saturation_source"] == "detected pile-up"
    assert list(samples.provenance["saturation_level"]) == [4095.0] * 3


def test_without_detection_twelve_bit_clipping_passes_unseen(twelve_bit):
    samples, _ = run(twelve_bit, with_keys(twelve_bit, "blind", detect_clipping=False), noise_model="pairs")
    means, noise = worst_errors(twelve_bit, samples)
    assert means > 0.2 and noise > 0.5  # the original's rule judges against 65535


def test_white_level_applies_to_tiff_files(twelve_bit):
    samples, _ = run(twelve_bit, with_keys(twelve_bit, "white", white_level=4095, detect_clipping=False), noise_model="pairs")
    means, noise = worst_errors(twelve_bit, samples)
    assert means < 0.01 and noise < 0.03
    assert samples.provenance["saturation_source"] == "white_level"


@pytest.mark.slow
def test_full_well_below_the_adc_limit_is_warned_about_and_white_level_fixes_it(tmp_path):
    sweep = sweep_of(tmp_path, full_well=60000.0, dark_frames=2)
    samples, given = run(sweep, sweep.settings, noise_model="pairs")
    assert worst_errors(sweep, samples)[0] > 0.2
    warned = [message for message in given if "may clip below the file's full scale (a full well)" in message]
    assert len(warned) == 1
    # every clipped selected frame is counted, also those whose bracket has one shorter exposure (tested through the origin: darks)
    rows = [sweep.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    clipped = int((sweep.truth["clipped_fraction"][rows].max(axis=1) > 0.01).sum())
    assert f"(and {clipped - 1} more bracket(s))" in warned[0]
    assert samples.emva1288 == {}  # a bent photon-transfer curve gives no parameters to trust
    samples, given = run(sweep, with_keys(sweep, "white", white_level=29000), noise_model="pairs")
    means, noise = worst_errors(sweep, samples)
    assert means < 0.01 and noise < 0.03
    assert not any("full well" in message for message in given)
    np.testing.assert_allclose(samples.emva1288["system_gain"][0], 0.5, rtol=0.03)


def test_black_level_and_dark_frames_are_refused_together(small_sweep):
    with pytest.raises(BadInput, match="black_level and dark: both remove the offset"):
        run(small_sweep, with_keys(small_sweep, "both", black_level=256, dark=[1001, 1002]))


def test_a_sweep_clipping_at_full_scale_selects_as_the_original(small_sweep):
    found, _ = run(small_sweep, small_sweep.settings)
    original, _ = run(small_sweep, with_keys(small_sweep, "original", detect_clipping=False))
    assert list(found.provenance["image_number"]) == list(original.provenance["image_number"])
    assert np.array_equal(found.mean, original.mean) and np.array_equal(found.std, original.std)
    assert found.provenance["saturation_source"] == "loader"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A sweep of an ideal camera with pairs and 4 dark frames per exposure."""
    return sweep_of(tmp_path_factory.mktemp("clean"), dark_frames=4)


def without_darks(sweep, label, **keys):
    text = sweep.settings.read_text()
    path = sweep.folder / f"settings-{label}.yml"
    path.write_text(text[: text.index("dark:")] + "".join(f"{key}: {json.dumps(value)}\n" for key, value in keys.items()))
    return path


@pytest.mark.parametrize("black_level", [256, pytest.param([256, 256, 256], marks=pytest.mark.slow)])
def test_black_level_removes_the_offset_without_dark_frames(clean, black_level):
    samples, _ = run(clean, without_darks(clean, "none"), noise_model="pairs")
    assert worst_errors(clean, samples)[0] > 0.1  # the offset / t is in the means
    assert worst_errors(clean, samples, "mean_rate")[0] < 0.01
    samples, _ = run(clean, without_darks(clean, "black", black_level=black_level), noise_model="pairs")
    means, noise = worst_errors(clean, samples)
    assert means < 0.01 and noise < 0.03
    assert list(samples.provenance["black_level"]) == list(np.broadcast_to(black_level, np.size(black_level)))


def saturate_one_pixel(sweep, image):
    settings = yaml.safe_load(sweep.settings.read_text())
    path = sweep.folder / settings["image_dir"] / settings["image_name"].format(image)
    x, y, w, h = settings["roi"]
    with tifffile.TiffFile(path) as tif:
        offset, (_, width, channels) = tif.pages[0].dataoffsets[0], tif.pages[0].shape
    with open(path, "r+b") as handle:
        handle.seek(offset + (((y + h // 2) * width + x + w // 2) * channels + 1) * 2)
        handle.write(np.uint16(65535).tobytes())


@pytest.mark.slow
def test_a_hot_pixel_in_one_frame_of_a_pair_does_not_stop_pairs(tmp_path):
    sweep = sweep_of(tmp_path, dark_frames=2)
    chosen, _ = run(sweep, sweep.settings, noise_model="pairs")
    for image in chosen.provenance["image_number"]:
        saturate_one_pixel(sweep, int(image))  # every chosen frame now has a cosmic ray; its partner has none
    samples, _ = run(sweep, sweep.settings, noise_model="pairs")
    assert len(samples.mean) == len(WAVELENGTHS)
    assert set(samples.provenance["image_number"]).isdisjoint(chosen.provenance["image_number"])
    means, noise = worst_errors(sweep, samples)
    assert means < 0.01 and noise < 0.03


def test_a_black_level_above_the_offset_is_warned_about_by_name(clean):
    _, given = run(clean, without_darks(clean, "high", black_level=1000), noise_model="pairs")
    assert any("black_level 1000 leaves" in message and "negative mean(s)" in message and "above the sensor's offset" in message for message in given)


def test_a_defect_mask_over_a_large_area_is_refused(tmp_path):
    sweep = simulated_sweep(tmp_path, size=(64, 48), wavelengths=(500, 600), frames_per_exposure=1, hot_pixels=600)
    with pytest.raises(BadInput, match=r"defect_mask would leave out \d+% of a channel's pixels, more than stuck pixels"):
        run(sweep, with_keys(sweep, "mask", defect_mask="frames"))


@pytest.mark.slow
def test_no_emva1288_parameters_with_a_tolerated_fraction(hot):
    samples, _ = run(hot, with_keys(hot, "tolerated-emva", saturated_fraction=0.05), noise_model="pairs")
    assert samples.emva1288 == {}


@pytest.fixture(scope="module")
def hot(tmp_path_factory):
    return sweep_of(tmp_path_factory.mktemp("hot"), hot_pixels=40, dark_frames=2)


def test_hot_pixels_in_every_frame_reject_everything_under_the_original_rule(hot):
    with pytest.raises(BadInput, match="no bracket has a usable frame .*defect_mask: auto masks them"):
        run(hot, hot.settings, noise_model="pairs")


@pytest.mark.parametrize("mode", ["auto", pytest.param("darks", marks=pytest.mark.slow), pytest.param("frames", marks=pytest.mark.slow)])
def test_the_defect_mask_leaves_hot_pixels_out(hot, mode):
    samples, _ = run(hot, with_keys(hot, mode, defect_mask=mode), noise_model="pairs")
    means, noise = worst_errors(hot, samples)
    assert means < 0.01 and noise < 0.03
    assert 0 < samples.provenance["masked_pixels"] <= 40
    assert samples.n == 108 * 80 - samples.provenance["masked_pixels"]  # the ROI less the hot pixels (in every channel)


@pytest.mark.parametrize("model", ["linear-fpn", pytest.param("fpn-unbiased", marks=pytest.mark.slow), pytest.param("spatial", marks=pytest.mark.slow)])
def test_masked_pixels_are_exactly_absent_from_every_model(hot, model):
    masked, _ = run(hot, with_keys(hot, "mask", defect_mask="darks"), noise_model=model)
    assert np.all(np.isfinite(masked.std)) and masked.std.min() > 0
    rows = [hot.truth["image_number"].tolist().index(n) for n in masked.provenance["image_number"]]
    assert np.abs(masked.mean / hot.truth["signal_rate"][rows] - 1).max() < 0.01


@pytest.mark.slow
def test_a_tolerated_fraction_lets_hot_pixels_pass_the_rule(hot):
    samples, _ = run(hot, with_keys(hot, "tolerated", saturated_fraction=0.05), noise_model="pairs")
    assert len(samples.mean) == len(WAVELENGTHS)
    assert samples.provenance["saturated_fraction"] == 0.05


@pytest.mark.slow
def test_the_prnu_diagnostic_fires_on_a_changing_pattern_and_is_quiet_on_a_fixed_one(tmp_path):
    drifting = simulated_sweep(tmp_path / "drift", size=(96, 72), wavelengths=tuple(range(400, 701, 10)), prnu_drift=1.0)
    fixed = simulated_sweep(tmp_path / "fixed", size=(96, 72), wavelengths=tuple(range(400, 701, 10)))
    samples, given = run(drifting, drifting.settings, noise_model="fpn-unbiased")
    warned = [message for message in given if "a fixed pattern changes across the sweep" in message]
    assert len(warned) == 1
    worst_said = float(warned[0].split("likely off by up to ")[1].split("%")[0]) / 100
    assert worst_errors(drifting, samples, "mean_rate")[1] > 0.1
    assert worst_said == pytest.approx(worst_errors(drifting, samples, "mean_rate")[1], rel=0.5)
    _, given = run(fixed, fixed.settings, noise_model="fpn-unbiased")
    assert not any("a fixed pattern changes" in message for message in given)


def test_emva1288_parameters_from_pairs_and_darks(clean):
    sweep = clean
    samples, _ = run(sweep, sweep.settings, noise_model="pairs")
    emva = {name: values for name, (values, _) in samples.emva1288.items()}
    units = {name: attributes["units"] for name, (_, attributes) in samples.emva1288.items()}
    np.testing.assert_allclose(emva["system_gain"], 0.5, rtol=0.02)
    np.testing.assert_allclose(emva["dark_noise"], np.sqrt(3.0**2 + 1 / 12), rtol=0.03)
    np.testing.assert_allclose(emva["dark_noise_electrons"], 3.0 / 0.5, rtol=0.03)
    np.testing.assert_allclose(emva["dsnu"], 4.0, rtol=0.05)
    np.testing.assert_allclose(emva["prnu"], 1.0, rtol=0.05)
    assert units["system_gain"] == "DN/e-" and units["prnu"] == "%" and units["dark_noise"] == "DN"
    assert emva["ptc_mean"].shape == (len(samples.mean), 3)
    assert "saturation" not in emva  # this sweep never shows where the sensor clips


@pytest.mark.slow
def test_emva1288_saturation_where_the_sweep_shows_it(twelve_bit):
    samples, _ = run(twelve_bit, twelve_bit.settings, noise_model="pairs")
    emva = {name: values for name, (values, _) in samples.emva1288.items()}
    np.testing.assert_allclose(emva["saturation"], 4095 - 256, atol=2)
    assert np.all(emva["dynamic_range"] > 40)


def test_no_emva1288_group_without_dark_frames(small_sweep):
    samples, _ = run(small_sweep, small_sweep.settings, noise_model="pairs")
    assert samples.emva1288 == {}


@pytest.mark.parametrize(
    "keys, problem",
    [
        ({"white_level": [4095, 4095]}, "'white_level' has 2 levels, but the images have 3 channels"),
        ({"defect_mask": "darks"}, "defect_mask: darks finds stuck pixels in the dark frames"),
    ],
)
def test_contradictory_levels_are_refused_before_any_decode(small_sweep, keys, problem):
    with pytest.raises(BadInput, match=problem):
        run(small_sweep, with_keys(small_sweep, "bad", **keys))


@pytest.fixture(scope="module")
def dng(tmp_path_factory):
    return simulated_sweep(tmp_path_factory.mktemp("dng"), size=(192, 144), wavelengths=WAVELENGTHS, image_format="dng", frames_per_exposure=2, dark_frames=2, peak_rate=2.5e5)


@pytest.mark.slow
def test_emva1288_needs_the_sensors_counts(dng):
    demosaiced, _ = run(dng, dng.settings, noise_model="pairs", loader="raw-rgb")
    assert demosaiced.emva1288 == {}
    sites, _ = run(dng, dng.settings, noise_model="pairs", loader="raw-bayer")
    np.testing.assert_allclose(sites.emva1288["system_gain"][0], 0.5, rtol=0.05)


@pytest.mark.slow
def test_raw_rgb_with_a_white_level_still_finds_where_libraw_clips(dng):
    samples, _ = run(dng, with_keys(dng, "white", white_level=4095), noise_model="pairs", loader="raw-rgb")
    rows = [dng.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    assert np.all(dng.truth["clipped_fraction"][rows] == 0)


def test_a_pile_up_found_when_no_frame_is_usable_names_the_channels(tmp_path):
    from conftest import run_in_process

    # 12-bit data clipping at 4095 and hot pixels at 4095 in every frame: nothing is selected
    sweep = simulated_sweep(tmp_path, size=(64, 48), wavelengths=(500, 550, 600), bit_depth=12, hot_pixels=20, peak_rate=4e5)
    result = run_in_process("stats", sweep.settings, "-o", tmp_path / "out.h5")
    assert result.returncode == 2 and "no bracket has a usable frame" in result.stderr
    assert "values pile up below the loader's full scale: clipping at G 4095, B 4095; R, which never reaches it, clips there too" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("black_level", [0, 100])
def test_a_black_level_below_the_offset_is_not_taken_for_a_full_well(tmp_path, black_level):
    # the offset (256) the black level leaves behind falls with exposure in counts/s, like a bend through the origin
    sweep = sweep_of(tmp_path)
    _, given = run(sweep, with_keys(sweep, "black", black_level=black_level), noise_model="pairs")
    assert not any("full well" in message for message in given), given


@pytest.mark.slow
def test_a_bracket_full_from_its_shortest_exposure_is_counted(tmp_path):
    # every exposure of some brackets at the full well: no step bends against another, only against the origin (darks)
    sweep = sweep_of(tmp_path, full_well=20000.0, peak_rate=4.0e7, dark_frames=2)
    samples, given = run(sweep, sweep.settings, noise_model="pairs")
    rows = [sweep.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    clipped = int((sweep.truth["clipped_fraction"][rows].max(axis=1) > 0.01).sum())
    warned = [message for message in given if "(a full well)" in message]
    assert len(warned) == 1 and f"(and {clipped - 1} more bracket(s))" in warned[0], (clipped, warned)
