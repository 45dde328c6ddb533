"""The numerical pieces against closed forms and straightforward (slow) computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import nnls
from scipy.signal import convolve

from camchar.response.linear import PenalisedLeastSquares, minimum_norm_least_squares
from camchar.response.nonnegative import kkt_violation, nonnegative_least_squares, nonnegative_quadratic
from camchar.response.numerics import r2_from_residual, r2_score
from camchar.response.penalty import SymmetricPenalty
from camchar.response.smoothing import (
    convolution_matrix,
    full_width_half_maximum,
    peak_centroids,
    smoothing_filter,
    source_bandwidth,
)
from camchar.response.systems import DenseSystem


def random_problem(seed=0, M=12, W=40, C=3):
    rng = np.random.default_rng(seed)
    return rng.random((M, W)), rng.random((M, C))


def direct(X, y, P):
    """The minimiser of ||Xw - y||² + ||Pw||² as least squares on the stacked system (SVD, backward stable)."""
    stacked = np.vstack([X, P])
    return np.linalg.lstsq(stacked, np.vstack([y, np.zeros((P.shape[0], y.shape[1]))]), rcond=None)[0]


@pytest.mark.parametrize("taps", [15, 14, 5])
def test_convolution_matrix_is_the_originals_same_size_convolution(taps):
    kernel = np.random.default_rng(taps).normal(size=taps)
    np.testing.assert_allclose(
        convolution_matrix(kernel, 30), convolve(np.eye(30), kernel[None], "same", method="direct"), atol=1e-15
    )


def test_fwhm_of_a_gaussian():
    wavelength = np.arange(300.0, 700.0, 0.5)
    sigma = np.array([[3.0], [7.0]])
    spectra = np.exp(-0.5 * ((wavelength - 500.0) / sigma) ** 2)
    np.testing.assert_allclose(full_width_half_maximum(wavelength, spectra), 2 * np.sqrt(2 * np.log(2)) * sigma[:, 0], rtol=1e-3)


def test_fwhm_of_a_spectrum_cut_by_the_range_is_measured_to_the_end():
    wavelength = np.arange(0.0, 10.0)
    spectrum = np.array([[1.0, 1.0, 1.0, 0.0, 0, 0, 0, 0, 0, 0]])
    assert full_width_half_maximum(wavelength, spectrum)[0] == pytest.approx(2.5)


def test_peak_centroids_and_source_bandwidth_of_evenly_spaced_gaussians():
    wavelength = np.arange(300.0, 700.0)
    centres = np.arange(400.0, 601.0, 5.0)
    spectra = np.exp(-0.5 * ((wavelength - centres[:, None]) / 2.0) ** 2)
    np.testing.assert_allclose(peak_centroids(wavelength, spectra), centres, atol=1e-9)
    bandwidth, width, spacing = source_bandwidth(wavelength, spectra)
    assert spacing == pytest.approx(10.0) and width == pytest.approx(4.71, abs=0.05)
    assert bandwidth == pytest.approx(10.0)


def test_r2_closed_form():
    y = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    estimate = y + np.array([[0.1, 0.0], [-0.1, 0.0], [0.0, 0.0]])
    assert r2_score(y, estimate) == pytest.approx(((1 - 0.02 / 2) + 1) / 2)
    constant = np.ones((3, 1))
    assert r2_from_residual(constant, np.zeros((3, 1))) == 1.0
    assert r2_from_residual(constant, np.full((3, 1), 0.1)) == 0.0


@pytest.mark.parametrize("alpha", [1e-8, 1e-3, 10.0])
def test_whitened_ridge_equals_the_direct_solve(alpha):
    X, y = random_problem()
    model = PenalisedLeastSquares(SymmetricPenalty.identity(40), alpha)
    assert model.whitened
    expected = direct(X, y, np.sqrt(alpha) * np.eye(40))
    np.testing.assert_allclose(model.solve(X, y), expected, rtol=0, atol=1e-8 * np.abs(expected).max())
    np.testing.assert_allclose(model.residual(X, y), y - X @ expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("alpha", [1e-6, 3e-4])
def test_whitened_smooth_ridge_equals_the_direct_solve_for_a_batch(alpha):
    X, y = random_problem(1, W=60)
    D = convolution_matrix(smoothing_filter(8.0, 1.0), 60)
    model = PenalisedLeastSquares(SymmetricPenalty.from_matrix(D, 2.0), alpha)
    P = np.sqrt(alpha) * np.eye(60) + np.sqrt(2.0) * D
    batch = np.stack([X, X[::-1]]), np.stack([y, 2 * y])
    solved = model.solve(*batch)
    for d in range(2):
        expected = direct(batch[0][d], batch[1][d], P)
        np.testing.assert_allclose(solved[d], expected, rtol=0, atol=1e-10 * np.abs(expected).max())
    H = X @ np.linalg.pinv(X.T @ X + P.T @ P) @ X.T
    assert model.hat_trace(X) == pytest.approx(np.trace(H), rel=1e-10)


def test_a_nearly_singular_penalty_falls_back_to_the_direct_solve():
    """A filter whose response crosses zero makes P singular for one alpha; the fit must stay right."""
    D = convolution_matrix(smoothing_filter(4.0, 1.0), 60)
    smallest = np.linalg.eigvalsh(D).min()
    assert smallest < 0
    alpha = smallest**2  # sqrt(alpha) + smallest = 0: P is singular
    X, y = random_problem(2, W=60)
    model = PenalisedLeastSquares(SymmetricPenalty.from_matrix(D), alpha)
    assert not model.whitened
    P = np.sqrt(alpha) * np.eye(60) + D
    expected = direct(X, y, P)
    np.testing.assert_allclose(model.solve(X, y), expected, rtol=0, atol=1e-9 * np.abs(expected).max())
    A = X.T @ X + P.T @ P
    assert model.hat_trace(X) == pytest.approx(np.trace(X @ np.linalg.pinv(A) @ X.T), rel=1e-9)
    system = model.system(X)
    np.testing.assert_allclose(system.rows(np.array([3, 7])), A[[3, 7]], atol=1e-12)


def test_minimum_norm_least_squares_equals_lstsq():
    X, y = random_problem(3)
    np.testing.assert_allclose(minimum_norm_least_squares(X, y), np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    X[5] = X[4]  # rank deficient: the SVD path
    batch = minimum_norm_least_squares(np.stack([X, X]), np.stack([y, y]))
    np.testing.assert_allclose(batch[1], np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-9)


def test_systems_of_draws_hold_the_normal_equations_and_their_inverse():
    X, y = random_problem(4, W=50)
    D = convolution_matrix(smoothing_filter(10.0, 1.0), 50)
    model = PenalisedLeastSquares(SymmetricPenalty.from_matrix(D), 1e-4)
    P = np.sqrt(1e-4) * np.eye(50) + D
    draws = np.stack([X, 0.5 * X])
    for draw, system in zip(draws, model.systems(draws)):
        A = draw.T @ draw + P.T @ P
        np.testing.assert_allclose(system.A, A, atol=1e-13)
        np.testing.assert_allclose(system.A_inverse, np.linalg.inv(A), rtol=0, atol=1e-9 * np.abs(np.linalg.inv(A)).max())
        index = np.array([1, 8, 30])
        np.testing.assert_array_equal(system.rows(index), system.A[index])
        np.testing.assert_array_equal(system.block(index), system.A[np.ix_(index, index)])


@pytest.mark.parametrize("seed", range(4))
def test_non_negative_quadratic_equals_nnls_on_the_stacked_system(seed):
    """min ||Xw - y||² + ||Pw||², w >= 0, is NNLS on [X; P] w ≈ [y; 0]: SciPy's active-set NNLS is the truth."""
    X, y = random_problem(seed, M=15, W=30, C=1)
    y = y[:, 0] - 0.5  # some bins must be held at zero
    P = np.sqrt(1e-2) * np.eye(30) + convolution_matrix(smoothing_filter(6.0, 1.0), 30)
    expected = nnls(np.vstack([X, P]), np.concatenate([y, np.zeros(30)]))[0]
    A = X.T @ X + P.T @ P
    ours = nonnegative_quadratic(DenseSystem(A), X.T @ y)
    assert (expected == 0).any() and (expected > 0).any()
    np.testing.assert_allclose(ours, expected, atol=1e-9 * expected.max())
    assert kkt_violation(A, X.T @ y, ours) < 1e-12


def test_non_negative_quadratic_from_a_bad_start():
    X, y = random_problem(9, M=15, W=30, C=1)
    A = X.T @ X + 0.01 * np.eye(30)
    b = X.T @ (y[:, 0] - 0.5)
    for start in (np.zeros(30, bool), np.ones(30, bool)):
        w = nonnegative_quadratic(DenseSystem(A), b, start=start)
        assert kkt_violation(A, b, w) < 1e-12


def test_non_negative_least_squares_for_ols():
    X, y = random_problem(5, M=8, W=20, C=2)
    w = nonnegative_least_squares(X[None], y[None] - 0.3)[0]
    for c in range(2):
        np.testing.assert_allclose(w[:, c], nnls(X, y[:, c] - 0.3)[0], atol=1e-12)
