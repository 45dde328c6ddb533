"""The options of the response step: bandwidth, number of draws, seed, progress."""

from __future__ import annotations

import numpy as np
import pytest
from response_data import monochromator, nikon_samples
from scipy.signal import freqz

from camchar.plugins.response_methods.ridge_smooth import RidgeSmooth
from camchar.response import ResponseProblem, fit_response
from camchar.response.bootstrap import _Moments, bootstrap, draw_batches
from camchar.response.matching import normalise_and_match
from camchar.response.smoothing import convolution_matrix, smoothing_filter
from camchar.response.tuning import smoothing_penalty


def real_problem(**options) -> ResponseProblem:
    matched = normalise_and_match(nikon_samples(), monochromator())
    return ResponseProblem(matched.wavelength, matched.X, matched.X_std, matched.y, matched.y_std, **options)


def gain(kernel: np.ndarray, frequency: float, spacing: float = 1.0) -> float:
    """Magnitude of the filter's response at ``frequency`` (cycles per wavelength unit)."""
    _, response = freqz(kernel, worN=[2 * np.pi * frequency * spacing])
    return float(np.abs(response[0]))


@pytest.mark.parametrize("bandwidth", [3.0, 5.0, 10.0, 15.0])
def test_the_filter_cuts_at_one_over_the_bandwidth(bandwidth):
    kernel = smoothing_filter(bandwidth, 1.0)
    assert kernel.size == 15
    np.testing.assert_allclose(kernel, kernel[::-1], atol=1e-15)  # linear phase
    assert gain(kernel, 0.5) == pytest.approx(1.0, abs=0.02)  # passes the finest detail
    assert gain(kernel, 1 / bandwidth) == pytest.approx(0.5, abs=0.01)  # half gain at the cutoff (window method)


def test_fifteen_taps_are_too_few_for_wide_bandwidths():
    """A known limit of the original's filter: beyond about 10 bins it also penalises smooth responses."""
    assert gain(smoothing_filter(8.0, 1.0), 0.0) < 0.01
    assert gain(smoothing_filter(30.0, 1.0), 0.0) > 0.5


def test_a_given_bandwidth_is_the_one_used():
    automatic_penalty, automatic = smoothing_penalty(real_problem())
    given_penalty, given = smoothing_penalty(real_problem(bandwidth=30.0))
    assert automatic["bandwidth_source"] == "automatic" and given["bandwidth_source"] == "given"
    assert automatic["bandwidth"] == pytest.approx(max(automatic["source_fwhm"], automatic["peak_spacing"]))
    assert given["bandwidth"] == 30.0
    # The penalty is built from the filter of that bandwidth: V diag(s) Vᵀ equals its convolution matrix.
    expected = convolution_matrix(smoothing_filter(30.0, 1.0), 601)
    rebuilt = (given_penalty.eigenvectors * given_penalty.eigenvalues) @ given_penalty.eigenvectors.T
    np.testing.assert_allclose(rebuilt, expected, atol=1e-13)
    # A wider bandwidth penalises broader detail: the 30 nm filter passes less at 1/20 nm than the automatic one.
    assert gain(smoothing_filter(30.0, 1.0), 1 / 20) > gain(smoothing_filter(automatic["bandwidth"], 1.0), 1 / 20)


def test_a_given_bandwidth_changes_the_fit():
    automatic = fit_response(nikon_samples(), monochromator(), n_draws=0)
    given = fit_response(nikon_samples(), monochromator(), n_draws=0, bandwidth=6.0)
    assert given.parameters["bandwidth"] == 6.0 and given.options["bandwidth"] == 6.0
    assert automatic.options["bandwidth"] is None
    difference = np.abs(given.response_mean - automatic.response_mean).max()
    assert difference > 0.01 * automatic.response_mean.max()


def naive_ridge_smooth(X, y, alpha, bandwidth):
    """The closed form of the guide, straight: pinv(XᵀX + PᵀP) Xᵀ y."""
    P = np.sqrt(alpha) * np.eye(X.shape[1]) + convolution_matrix(smoothing_filter(bandwidth, 1.0), X.shape[1])
    return np.linalg.pinv(X.T @ X + P.T @ P) @ X.T @ y


@pytest.mark.parametrize("n_draws", [0, 1])
def test_zero_or_one_draw_is_one_plain_fit_on_the_means(n_draws):
    result = fit_response(nikon_samples(), monochromator(), n_draws=n_draws, seed=3)
    matched = normalise_and_match(nikon_samples(), monochromator())
    expected = naive_ridge_smooth(matched.X, matched.y, result.alpha, result.parameters["bandwidth"])
    scale = matched.samples_scale / matched.source_scale
    np.testing.assert_allclose(result.response_mean, expected * scale, rtol=0, atol=1e-10 * np.abs(expected * scale).max())
    np.testing.assert_allclose(result.estimate_mean, matched.X @ expected * matched.samples_scale, rtol=1e-9)
    assert not result.response_std.any() and not result.estimate_std.any()
    assert result.n_draws == 0
    assert result.to_camera_response().n == 0


def test_progress_is_reported():
    calls = []
    fit_response(nikon_samples(), monochromator(), n_draws=40, seed=0, progress=lambda *a: calls.append(a))
    alpha = [c for c in calls if c[0] == "alpha"]
    draws = [c for c in calls if c[0] == "bootstrap"]
    assert [c[1] for c in alpha] == list(range(1, len(alpha) + 1)) and {c[2] for c in alpha} == {0}
    assert draws[0] == ("bootstrap", 0, 40) and draws[-1] == ("bootstrap", 40, 40)
    assert calls.index(alpha[-1]) < calls.index(draws[0])


def tiny_problem() -> ResponseProblem:
    rng = np.random.default_rng(0)
    X = rng.random((4, 6))
    X_std = 0.1 * rng.random((4, 6))
    X_std[1, 2] = 0.0  # a zero std still consumes a variate
    return ResponseProblem(np.arange(6.0), X, X_std, rng.random((4, 2)), 0.1 * rng.random((4, 2)))


@pytest.mark.parametrize(("batch", "in_memory"), [(3, 0), (3, 10**9), (20, 0)])
def test_draws_in_batches_are_the_originals_draws(batch, in_memory):
    problem = tiny_problem()
    rng = np.random.default_rng(42)
    X_all = rng.normal(problem.X, problem.X_std, (10, 4, 6))
    y_all = rng.normal(problem.y, problem.y_std, (10, 4, 2))
    after = rng.standard_normal()
    generator = np.random.default_rng(42)
    batches = list(draw_batches(problem, 10, generator, batch, in_memory=in_memory))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X_all)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y_all)
    assert generator.standard_normal() == after  # a Generator passed in is left as one big call leaves it


def test_moments_batch_by_batch_equal_numpys():
    values = np.random.default_rng(1).normal(5.0, 1e-3, (101, 7, 3))
    moments = _Moments()
    for start in range(0, 101, 17):
        moments.add(values[start : start + 17])
    np.testing.assert_allclose(moments.mean, values.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(moments.std(), values.std(axis=0), rtol=1e-11)


def test_bootstrap_does_not_depend_on_the_batch_size():
    problem = real_problem()
    solver = RidgeSmooth().prepare(problem)
    whole = bootstrap(problem, solver, 30, seed=9)
    pieces = bootstrap(problem, solver, 30, seed=9, batch=7)
    np.testing.assert_allclose(pieces.response_mean, whole.response_mean, rtol=0, atol=1e-13 * np.abs(whole.response_mean).max())
    np.testing.assert_allclose(pieces.response_std, whole.response_std, rtol=1e-10)


def test_same_seed_same_result_other_seed_other_result():
    a = fit_response(nikon_samples(), monochromator(), "ridge", n_draws=5, seed=1)
    b = fit_response(nikon_samples(), monochromator(), "ridge", n_draws=5, seed=1)
    c = fit_response(nikon_samples(), monochromator(), "ridge", n_draws=5, seed=2)
    np.testing.assert_array_equal(a.response_std, b.response_std)
    assert not np.array_equal(a.response_std, c.response_std)
