"""Solvers: what a response method's ``prepare`` returns, ready to fit many draws."""

from __future__ import annotations

import numpy as np

from camchar.response.linear import PenalisedLeastSquares, minimum_norm_least_squares
from camchar.response.nonnegative import nonnegative_least_squares, nonnegative_quadratic

__all__ = ["PenalisedSolver", "MinimumNormSolver"]


def _as_batch(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 3 or y.ndim != 3 or X.shape[:2] != y.shape[:2]:
        raise ValueError(f"expected X (D, M, W) and y (D, M, C), got {X.shape} and {y.shape}")
    return X, y


class PenalisedSolver:
    """``min ||X w - y||² + ||P w||²`` (optionally with ``w >= 0``) for a fixed penalty.

    Parameters
    ----------
    model
        The penalised least-squares problem with its alpha.
    non_negative
        Constrain ``w >= 0``; solved exactly (:func:`~camchar.response.nonnegative.nonnegative_quadratic`).
    parameters
        Recorded in the output.
    """

    def __init__(self, model: PenalisedLeastSquares, non_negative: bool, parameters: dict[str, float | str]):
        self.model = model
        self.non_negative = non_negative
        self.parameters = dict(parameters)

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """See :class:`Solver`."""
        X, y = _as_batch(X, y)
        w = self.model.solve(X, y)
        if self.non_negative:
            # Where the unconstrained minimiser is non-negative it is also the constrained one.
            infeasible = np.flatnonzero((w < 0).any(axis=(1, 2)))
            for d, system in zip(infeasible, self.model.systems(X[infeasible])):
                b = X[d].T @ y[d]
                for c in np.flatnonzero((w[d] < 0).any(axis=0)):
                    w[d, :, c] = nonnegative_quadratic(system, b[:, c], start=w[d, :, c] > 0)
        return w

    def objective(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``||X w - y||² + ||P w||²`` per channel for one ``X`` ``(M, W)``."""
        return self.model.objective(X, y, w)


class MinimumNormSolver:
    """Ordinary least squares: the minimum-norm solution, or the non-negative one.

    Parameters
    ----------
    non_negative
        Constrain ``w >= 0`` (SciPy's NNLS per channel and draw).
    """

    def __init__(self, non_negative: bool):
        self.non_negative = non_negative
        self.parameters: dict[str, float | str] = {"alpha": 0.0}

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """See :class:`Solver`."""
        X, y = _as_batch(X, y)
        if self.non_negative:
            return nonnegative_least_squares(X, y)
        return minimum_norm_least_squares(X, y)
