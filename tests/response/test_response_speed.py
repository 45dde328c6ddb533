"""The quick response fit computes what it computed before: scipy's filter and search, Generator.normal's draws, any thread count."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from scipy.optimize import minimize_scalar
from threadpoolctl import threadpool_info

from camchar.response import bootstrap as bootstrap_module
from camchar.response.bootstrap import draw_batches
from camchar.response.bounded_minimum import minimise_bounded
from camchar.response.smoothing import smoothing_filter
from camchar.runtime import blas


@pytest.mark.parametrize("bandwidth, spacing, taps", [(20.0, 1.0, 15), (7.3, 0.5, 51), (31.7, 1.0, 101), (3.1, 1.5, 11)])
def test_the_smoothing_filter_is_scipys_bit_for_bit(bandwidth, spacing, taps):
    want = scipy.signal.firwin(taps, 1.0 / bandwidth, fs=1.0 / spacing, pass_zero=False)
    assert np.array_equal(smoothing_filter(bandwidth, spacing, taps), want)


FUNCTIONS = {
    "parabola": lambda x: (x - 0.3) ** 2,
    "wavy": lambda x: np.cos(3 * x) + 0.1 * x,
    "kink": lambda x: abs(x - 1.234),
    "r2 mismatch": lambda alpha: (0.999 - 1 / (1 + alpha)) ** 2,
    "flat": lambda x: 1.0,
}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("bounds", [(-5.0, 5.0), (1e-12, 1e3), (2.0, 3.0)])
@pytest.mark.parametrize("xatol", [1e-5, 1e-3])
def test_the_bounded_search_evaluates_where_scipys_does(name, bounds, xatol):
    function = FUNCTIONS[name]
    theirs, ours = [], []
    want = minimize_scalar(lambda x: theirs.append(x) or function(x), bounds=bounds, method="bounded", options={"xatol": xatol})
    x, value = minimise_bounded(lambda x: ours.append(x) or function(x), bounds, xatol)
    assert ours == theirs
    assert (x, value) == (want.x, want.fun)


class Problem:
    def __init__(self, seed: int):
        rng = np.random.default_rng(seed)
        self.X, self.X_std = rng.random((12, 40)), rng.random((12, 40)) * 0.1
        self.y, self.y_std = rng.random((12, 3)), rng.random((12, 3)) * 0.05


@pytest.mark.parametrize("in_memory", [1 << 30, 1000], ids=["in one call", "batch by batch"])
def test_draws_are_generator_normals(in_memory):
    problem = Problem(1)
    rng = np.random.default_rng(7)
    want_X = rng.normal(problem.X, problem.X_std, (45,) + problem.X.shape)
    want_y = rng.normal(problem.y, problem.y_std, (45,) + problem.y.shape)
    batches = list(draw_batches(problem, 45, 7, 10, in_memory))
    assert np.array_equal(np.concatenate([X for X, _ in batches]), want_X)
    assert np.array_equal(np.concatenate([y for _, y in batches]), want_y)


class LeastSquares:
    """A solver: ordinary least squares per draw."""

    def solve(self, X, y):
        return np.stack([np.linalg.lstsq(a, b, rcond=None)[0] for a, b in zip(X, y)])


def test_bootstrap_numbers_do_not_depend_on_the_threads(monkeypatch):
    problem = Problem(2)
    problem.report = lambda *args: None
    results = {}
    for workers in (1, 3):
        monkeypatch.setattr(bootstrap_module, "default_workers", lambda workers=workers: workers)
        results[workers] = bootstrap_module.bootstrap(problem, LeastSquares(), n_draws=50, seed=4, batch=7)
    for name in ("response_mean", "response_std", "estimate_mean", "estimate_std"):
        assert np.array_equal(getattr(results[1], name), getattr(results[3], name))


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_blas_runs_on_one_thread_during_a_fit_unless_the_user_sized_it(monkeypatch):
    for name in blas.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with blas.single_threaded_blas():
        assert blas_threads() == {1}
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    before = blas_threads()
    with blas.single_threaded_blas():
        assert blas_threads() == before
