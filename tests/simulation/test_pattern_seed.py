"""``camchar simulate --pattern-seed``: sweeps of different seeds are repeated measurements of one camera.

Seen in the images themselves: the mean of a sweep's dark frames is the
camera's dark pattern plus read noise, so two sweeps of one camera have the
same dark means (to the read noise), and two cameras do not (they differ by
the dark spread); hot pixels sit at the same sites.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile

from camchar.settings import read_settings

DARK_SPREAD = 40.0
READ_NOISE = 1.0
DARK_FRAMES = 4


def sweep(run, folder: Path, seed: int, *pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a tiny sweep with dark frames: the mean of its dark frames, and the frame of its light."""
    ran = run(
        "simulate", folder, "--size", "12x8", "--wavelengths", "550", "--exposures", "1/80", "--dark-frames", DARK_FRAMES,
        "--dark-spread", DARK_SPREAD, "--read-noise", READ_NOISE, "--hot-pixels", 2, "--seed", seed, *pattern, "--quiet",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    settings = read_settings(folder / "settings.yml")
    darks = np.mean([tifffile.imread(settings.image_file(number)).astype(float) for number in settings.dark[0.0125]], axis=0)
    return darks, tifffile.imread(settings.image_file(1)).astype(float)


def test_one_pattern_seed_is_one_camera_with_new_noise(run, tmp_path):
    dark_a, light_a = sweep(run, tmp_path / "a", 1, "--pattern-seed", "7")
    dark_b, light_b = sweep(run, tmp_path / "b", 2, "--pattern-seed", "7")
    hot = dark_a == 65535
    assert hot.any() and np.array_equal(hot, dark_b == 65535)
    difference = (dark_a - dark_b)[~hot]
    assert difference.std() < 3 * READ_NOISE * np.sqrt(2 / DARK_FRAMES) + 0.5  # read noise and rounding only
    assert not np.array_equal(light_a, light_b)  # new temporal noise


def test_without_a_pattern_seed_each_seed_is_a_new_camera(run, tmp_path):
    dark_a, _ = sweep(run, tmp_path / "a", 1)
    dark_b, _ = sweep(run, tmp_path / "b", 2)
    usable = (dark_a < 65535) & (dark_b < 65535)
    assert (dark_a - dark_b)[usable].std() > DARK_SPREAD  # two patterns of spread 40: about 57 apart
