"""Small numerical helpers shared by the response modules: integrals and R²."""

from __future__ import annotations

import numpy as np

__all__ = ["trapezoid", "r2_score", "r2_from_residual"]


def trapezoid(y: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Integral of ``y`` over ``x`` along ``axis`` by the trapezoid rule.

    Parameters
    ----------
    y
        Values to integrate.
    x
        Sample points, the same length as ``y`` along ``axis``.
    axis
        The axis to integrate along.

    Returns
    -------
    numpy.ndarray
        ``y`` with ``axis`` integrated out.
    """
    integrate = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 has only trapz
    return integrate(np.asarray(y, dtype=np.float64), np.asarray(x, dtype=np.float64), axis=axis)


def r2_from_residual(y: np.ndarray, residual: np.ndarray) -> float:
    """Coefficient of determination from the residual, averaged uniformly over channels.

    Parameters
    ----------
    y
        Observed values, ``(M, C)``.
    residual
        ``y`` minus the estimate, ``(M, C)``.

    Returns
    -------
    float
        The mean over channels of ``1 - sum(residual**2) / sum((y - mean(y))**2)``.
        A channel whose ``y`` is constant scores 1 if its residual is zero and
        0 otherwise (the convention of scikit-learn's ``r2_score``).
    """
    y = np.asarray(y, dtype=np.float64)
    residual = np.asarray(residual, dtype=np.float64)
    if y.ndim == 1:
        y, residual = y[:, None], residual[:, None]
    unexplained = (residual**2).sum(axis=0)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.ones(y.shape[1])
    varying = total != 0
    scores[varying] = 1.0 - unexplained[varying] / total[varying]
    scores[~varying & (unexplained != 0)] = 0.0
    return float(scores.mean())


def r2_score(y: np.ndarray, estimate: np.ndarray) -> float:
    """Coefficient of determination of ``estimate`` for ``y``, averaged uniformly over channels.

    Parameters
    ----------
    y
        Observed values, ``(M, C)``.
    estimate
        Fitted values, ``(M, C)``.

    Returns
    -------
    float
        See :func:`r2_from_residual`.
    """
    return r2_from_residual(y, np.asarray(y, dtype=np.float64) - np.asarray(estimate, dtype=np.float64))
