"""The EMVA 1288 standard errors against the spread of the estimates over simulated cameras of known parameters.

Each seed draws a new camera (dark pattern, gain pattern) with the same
parameters and photographs a small sweep with pairs and dark frames; an honest
standard error is the spread of a parameter's estimates over the seeds. Both
are pooled over the three channels, which share the parameters.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from camchar.numerics.moments import variance_standard_error
from camchar.results import read_result, show
from camchar.testing import simulated_sweep
from conftest import run_in_process

#: The parameters ``camchar show`` and ``report`` give as value ± standard error.
WITH_ERRORS = ("system_gain", "dark_noise", "dsnu", "prnu")
#: A small ROI (32 x 24 pixels), quick to simulate.
SIZE = (48, 36)
WAVELENGTHS = (460, 530, 600)
#: Cameras drawn: with three channels, about 90 estimates of each parameter.
SEEDS = range(30)


def emva_result(folder, **plan_and_camera):
    sweep = simulated_sweep(folder, size=SIZE, wavelengths=WAVELENGTHS, frames_per_exposure=2, dark_frames=2, **plan_and_camera)
    ran = run_in_process("stats", sweep.settings, "--noise-model", "pairs", "-o", folder / "out.h5", "--quiet")
    assert ran.returncode == 0, ran.stderr
    return read_result(folder / "out.h5")


def test_each_parameter_has_a_standard_error_and_show_gives_it(tmp_path):
    result = emva_result(tmp_path, seed=1)
    parameters = {item.name: item for item in result.emva.parameters}
    console = Console(file=io.StringIO(), width=120, no_color=True)
    show(tmp_path / "out.h5", console)
    lines = {line.split("  ")[0]: line.split() for line in console.file.getvalue().splitlines()}
    for name in WITH_ERRORS:
        error = parameters[name].standard_error
        assert error is not None and np.all(error > 0) and np.all(error < 0.2 * parameters[name].values)
        assert lines[name.replace("_", " ")].count("±") == 3, lines[name.replace("_", " ")]


def spread_over_reported(estimates: np.ndarray, errors: np.ndarray) -> float:
    """The spread of ``(seeds, channels)`` estimates about each channel's mean, over the root-mean-square reported error."""
    deviations = estimates - estimates.mean(axis=0)
    spread = np.sqrt((deviations**2).sum() / (estimates.size - estimates.shape[1]))
    return float(spread / np.sqrt(np.mean(errors**2)))


@pytest.mark.slow
@pytest.mark.parametrize("camera", [{}, {"bit_depth": 12, "peak_rate": 4e5}], ids=["saturation-unknown", "saturation-known"])
def test_standard_errors_agree_with_the_spread_over_cameras(tmp_path, camera):
    results = [emva_result(tmp_path / f"seed{seed}", seed=seed, **camera) for seed in SEEDS]
    ratios = {}
    for name in WITH_ERRORS:
        items = [next(item for item in result.emva.parameters if item.name == name) for result in results]
        ratios[name] = spread_over_reported(np.array([item.values for item in items]), np.array([item.standard_error for item in items]))
    print(camera, {name: round(ratio, 2) for name, ratio in ratios.items()})
    assert all(1 / 1.5 < ratio < 1.5 for ratio in ratios.values()), ratios


@pytest.mark.parametrize("draw", ["normal", "laplace"])
def test_the_standard_error_of_a_variance_is_the_spread_of_variances_for_heavy_tails_too(draw):
    rng = np.random.default_rng(7)
    samples = getattr(rng, draw)(size=(400, 1000))
    spread = samples.var(axis=1, ddof=1).std(ddof=1)  # the truth: 400 variances of 1000 values each
    reported = np.array([variance_standard_error(sample) for sample in samples])
    assert spread / np.sqrt(np.mean(reported**2)) == pytest.approx(1, abs=0.1)
