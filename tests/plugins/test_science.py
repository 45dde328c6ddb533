"""The opt-in components of better science: fpn-unbiased, pairs, spatial, longest-unsaturated, dark frames.

Truth: closed-form numbers and the simulated camera's known temporal noise.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, Region
from camchar.files.camera_samples import CameraSamples
from camchar.numerics.pairs import pair_variance
from camchar.plugins.noise_models.fpn_unbiased import leakage_matrix
from camchar.plugins.noise_models.spatial import spatial_std
from camchar.plugins.selectors.longest_unsaturated import LongestUnsaturated
from camchar.settings import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, read_truth, simulate_sweep
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats


def ratios(samples: CameraSamples, truth: dict) -> np.ndarray:
    rows = [truth["image_number"].tolist().index(number) for number in samples.provenance["image_number"]]
    return samples.std / truth["temporal_std"][rows]


@pytest.fixture(scope="module")
def vignetted_sweep(tmp_path_factory) -> Path:
    """41 brackets, 15% vignetting, 1% gain spread, 4-count dark spread, two frames per exposure, dark frames."""
    folder = tmp_path_factory.mktemp("vignetted")
    camera = CameraModel(height=120, width=160, vignetting=0.15, gain_spread=0.01, dark_spread=4.0)
    plan = SweepPlan(
        wavelengths=tuple(range(400, 801, 10)),
        exposures=(Fraction(1, 160), Fraction(1, 80), Fraction(1, 40)),
        roi=Region(20, 15, 120, 90),
        seed=77,
        frames_per_exposure=2,
        dark_frames=6,
    )
    settings = simulate_sweep(folder, camera, plan)
    without_darks = folder / "no-dark.yml"
    without_darks.write_text(settings.read_text().split("dark:")[0])
    return folder


def run(folder: Path, host, settings_name: str = "no-dark.yml", **options) -> CameraSamples:
    output = folder / f"{'-'.join(f'{k}={v}' for k, v in sorted(options.items())) or 'default'}-{settings_name}.h5"
    return CameraSamples(run_stats(read_settings(folder / settings_name), host.components, RunOptions(output=output, **options)))


@pytest.mark.slow
def test_fpn_unbiased_recovers_the_true_temporal_noise(vignetted_sweep, host):
    truth = read_truth(vignetted_sweep / "truth.h5")
    unbiased = run(vignetted_sweep, host, noise_model="fpn-unbiased")
    assert len(set(unbiased.exp_time)) > 1, "the sweep must mix selected exposures"
    error = np.abs(ratios(unbiased, truth) - 1)
    assert error.max() < 0.05 and np.median(error) < 0.02, (error.max(), np.median(error))
    original = np.abs(ratios(run(vignetted_sweep, host), truth) - 1)
    assert original.max() > 2 * error.max(), "linear-fpn is measurably biased on the same sweep"


def test_pairs_recovers_the_true_temporal_noise(vignetted_sweep, host):
    truth = read_truth(vignetted_sweep / "truth.h5")
    error = np.abs(ratios(run(vignetted_sweep, host, noise_model="pairs", selector="longest-unsaturated"), truth) - 1)
    assert error.max() < 0.05 and np.median(error) < 0.02


def test_longest_unsaturated_chooses_the_longest_exposure_that_is_not_overexposed(vignetted_sweep, host):
    truth = read_truth(vignetted_sweep / "truth.h5")
    samples = run(vignetted_sweep, host, selector="longest-unsaturated")
    longest = np.array(
        [max(truth["exposure_time"][truth["image_number"].tolist().index(n)] for n in numbers) for numbers in read_settings(vignetted_sweep / "no-dark.yml").images.values()]
    )
    assert np.all(samples.exp_time <= longest)
    assert np.mean(samples.exp_time == longest) > 0.5


@pytest.mark.slow
def test_dark_frames_are_subtracted_in_counts(vignetted_sweep, host):
    truth = read_truth(vignetted_sweep / "truth.h5")
    samples = run(vignetted_sweep, host, "settings.yml")
    rows = [truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    # without the dark offset the mean is the signal alone (the truth's mean_rate includes 256 counts / t)
    np.testing.assert_allclose(samples.mean, truth["signal_rate"][rows], rtol=0.01, atol=300)
    assert samples.provenance["dark_frames"] == 18
    plain = run(vignetted_sweep, host)
    assert np.all(plain.mean > samples.mean + 256 * 0.9 / plain.exp_time[:, None])


def test_leakage_matrix_is_the_diagonal_of_the_residual_covariance():
    rng = np.random.default_rng(1)
    stimulus = rng.uniform(100, 5000, size=9)
    variances = rng.uniform(1, 50, size=9)
    design = np.column_stack([np.ones(9), stimulus])
    residual_maker = np.eye(9) - design @ np.linalg.pinv(design)
    covariance = residual_maker @ np.diag(variances) @ residual_maker.T
    np.testing.assert_allclose(leakage_matrix(stimulus) @ variances, np.diag(covariance), rtol=1e-10)


def test_fpn_unbiased_needs_five_brackets(tmp_path, host):
    settings = simulate_sweep(tmp_path, CameraModel(height=40, width=60), SweepPlan(wavelengths=(450, 500, 550, 600), roi=None))
    with pytest.raises(BadInput, match="settings.yml:9: noise model fpn-unbiased needs at least 5 brackets; this sweep has 4"):
        run_stats(read_settings(settings), host.components, RunOptions(output=tmp_path / "o.h5", noise_model="fpn-unbiased"))


def test_pair_variance_closed_form():
    base = np.full((4, 5, 1), 1000.0)
    first = base + np.where(np.arange(20).reshape(4, 5, 1) % 2, 3.0, -3.0)
    second = base + 2.0  # a constant offset between the frames is not noise
    # differences are -5 or 1 (mean -2): sum((A-B)^2)/(2N) = (25 + 1)/4 = 6.5; minus (-2)^2 / 2 = 2 -> 4.5
    assert pair_variance(first, second) == pytest.approx([4.5])


def test_pairs_refuses_a_sweep_without_any_pair_before_decoding(sweep):
    from conftest import run_in_process

    result = run_in_process("stats", sweep, "--noise-model", "pairs", "-o", sweep.parent / "o.h5")
    assert result.returncode == 2
    assert "settings.yml:13: noise model pairs needs two frames at one exposure time in a bracket, and no bracket has them" in result.stderr
    assert "read 15 images" not in result.stderr, "refused before any image is decoded"


def test_spatial_std_closed_form():
    pixels = np.array([[1, 3], [5, 7]], dtype=np.uint16).reshape(2, 2, 1)
    frame = Frame(pixels, 0.5, 65535.0, Path("x"))
    assert spatial_std(frame) == pytest.approx([np.sqrt(5.0) / 0.5])


def test_longest_unsaturated_prefers_the_first_of_equal_exposures():
    frames = [Frame(np.zeros((2, 2, 1)), t, 1.0, Path(str(i))) for i, t in enumerate((0.01, 0.04, 0.04, 0.02))]
    assert LongestUnsaturated().select(frames) is frames[1]
    assert LongestUnsaturated().select([]) is None
