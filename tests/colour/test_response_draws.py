"""A response keeps its bootstrap draws (``/camchar/response_draws``), from which ``camchar colour`` takes its uncertainty."""

from __future__ import annotations

import numpy as np

from camchar.files.camera_response import CameraResponse
from camchar.files.camera_response_h5 import DRAWS
from camchar.host.problem import ResponseProblem
from camchar.response import bootstrap as bootstrap_module
from camchar.response.bootstrap import bootstrap
from camchar.results.model import read_result


class LeastSquares:
    """A solver of plain least squares, draw by draw (independent of camchar's methods)."""

    parameters: dict = {}

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.stack([np.linalg.lstsq(x, b, rcond=None)[0] for x, b in zip(X, y)])


def small_problem() -> ResponseProblem:
    rng = np.random.default_rng(3)
    X = rng.uniform(0.5, 1.0, (8, 4))
    y = X @ rng.uniform(0.5, 1.0, (4, 3))
    return ResponseProblem(np.arange(4.0), X, 0.01 * X, y, 0.01 * y)


def test_the_kept_draws_are_those_the_mean_and_std_summarise():
    result = bootstrap(small_problem(), LeastSquares(), 12, seed=5, batch=5)
    assert result.draws.shape == (12, 4, 3)
    np.testing.assert_allclose(result.draws.mean(axis=0), result.response_mean, rtol=1e-12)
    np.testing.assert_allclose(result.draws.std(axis=0), result.response_std, rtol=1e-9)


def test_only_the_first_draws_are_kept_across_batches(monkeypatch):
    monkeypatch.setattr(bootstrap_module, "KEPT_DRAWS", 7)
    every = bootstrap(small_problem(), LeastSquares(), 12, seed=5, batch=5)
    monkeypatch.setattr(bootstrap_module, "KEPT_DRAWS", 1000)
    assert every.draws.shape == (7, 4, 3)
    np.testing.assert_allclose(every.draws, bootstrap(small_problem(), LeastSquares(), 12, seed=5, batch=12).draws[:7], rtol=1e-12)


def test_the_draws_are_written_read_back_and_leave_show_unharmed(tmp_path):
    response = CameraResponse()
    for name in ("camera", "lens", "settings", "label", "wl_units", "units", "method", "samples_units"):
        setattr(response, name, "x")
    response.n, response.R2, response.alpha, response.samples_n, response.estimates_n = 50, 0.99, 0.0, 1, 50
    response.samples_wl = np.arange(400.0, 700.0, 50.0)
    for name in ("samples_mean", "samples_std", "estimates_mean", "estimates_std"):
        setattr(response, name, np.ones((6, 3)))
    response.wl = np.arange(400.0, 700.0, 10.0)
    response.mean = np.ones((30, 3))
    response.std = np.full((30, 3), 0.1)
    draws = np.random.default_rng(1).normal(1.0, 0.1, (50, 30, 3))
    response.provenance = {"version": "test", DRAWS: draws}
    response.save(tmp_path / "r.h5")
    np.testing.assert_array_equal(CameraResponse(tmp_path / "r.h5").provenance[DRAWS], draws)
    assert DRAWS not in read_result(tmp_path / "r.h5").provenance  # too large to be a line of show
