"""Choosing the ridge strength alpha.

:func:`search_alpha` (``ridge``, ``ridge-smooth``): the fit on the means reaches the target R².

Larger alpha means a smoother, less noisy but more biased response; the
original picks the alpha whose fit on the normalised means (no bootstrap) has
R² closest to a target, by SciPy's bounded scalar minimisation of
``(target - R²(alpha))²`` over ``[1e-8, 1e8]`` with its default tolerance. The
search is reproduced exactly (same bounds, same tolerance, same objective) so
that the same alpha comes out. Note that the tolerance is absolute (``1e-5``
in alpha): when the target cannot be reached, the search stops somewhere below
about ``1e-5`` rather than at the lower bound.

:func:`search_alpha_gcv` (``ridge-smooth-gcv``): the alpha that minimises
generalised cross-validation, ``GCV = M (1 - R²) / (M - tr H)²`` with ``H`` the
hat matrix of the fit on the means (Golub, Heath & Wahba 1979); it needs no
target and adapts to the noise in the data.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from camchar.host.problem import ResponseProblem
from camchar.response.bounded_minimum import minimise_bounded
from camchar.response.numerics import r2_from_residual

__all__ = ["ALPHA_BOUNDS", "search_alpha", "search_alpha_gcv", "gcv_score"]

#: The interval searched, as in the original.
ALPHA_BOUNDS = (1e-8, 1e8)


def search_alpha(
    residual: Callable[[float], np.ndarray],
    problem: ResponseProblem,
    stage: str = "alpha",
) -> tuple[float, float]:
    """The alpha whose fit on the means has R² closest to ``problem.target_r2``.

    Parameters
    ----------
    residual
        ``residual(alpha)``: ``y - X w_alpha`` on the normalised means, ``(M, C)``.
    problem
        Supplies ``y``, the target and the progress callback (told about each
        evaluation as ``(stage, evaluations, 0)``).
    stage
        The progress stage name.

    Returns
    -------
    alpha : float
        The minimiser found.
    r2 : float
        R² of the fit on the means at that alpha.
    """
    evaluations = 0

    def mismatch(alpha: float) -> float:
        nonlocal evaluations
        r2 = r2_from_residual(problem.y, residual(alpha))
        evaluations += 1
        problem.report(stage, evaluations, 0)
        return (problem.target_r2 - r2) ** 2

    alpha = float(minimise_bounded(mismatch, ALPHA_BOUNDS)[0])
    return alpha, r2_from_residual(problem.y, residual(alpha))


def gcv_score(r2: float, trace: float, size: int) -> float:
    """Generalised cross-validation score ``M (1 - R²) / (M - tr H)²`` (channels weighted as in R²).

    Parameters
    ----------
    r2
        R² of the fit on the means, averaged over channels.
    trace
        Trace of the hat matrix (effective number of parameters).
    size
        ``M``, the number of samples.
    """
    return size * (1.0 - r2) / (size - trace) ** 2


def search_alpha_gcv(
    evaluate: Callable[[float], tuple[np.ndarray, float]],
    problem: ResponseProblem,
    stage: str = "alpha",
    points_per_decade: int = 2,
) -> tuple[float, float]:
    """The alpha in :data:`ALPHA_BOUNDS` that minimises :func:`gcv_score` on the means.

    Parameters
    ----------
    evaluate
        ``evaluate(alpha)`` -> ``(residual (M, C), trace of the hat matrix)``.
    problem
        Supplies ``y`` and the progress callback.
    stage
        The progress stage name.
    points_per_decade
        Density of the logarithmic grid scanned before refining.

    Returns
    -------
    alpha : float
        The minimiser: the best point of a logarithmic grid, refined by
        bounded minimisation over log10(alpha) between its neighbours.
    r2 : float
        R² of the fit on the means at that alpha.
    """
    evaluations = 0
    size = problem.y.shape[0]

    def score(log_alpha: float) -> float:
        nonlocal evaluations
        residual, trace = evaluate(10.0**log_alpha)
        evaluations += 1
        problem.report(stage, evaluations, 0)
        return gcv_score(r2_from_residual(problem.y, residual), trace, size)

    low, high = np.log10(ALPHA_BOUNDS)
    grid = np.linspace(low, high, int(round((high - low) * points_per_decade)) + 1)
    scores = [score(x) for x in grid]
    best = int(np.argmin(scores))
    bounds = (grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)])
    refined, refined_score = minimise_bounded(score, bounds, xatol=1e-3)
    log_alpha = float(refined) if refined_score <= scores[best] else float(grid[best])
    alpha = 10.0**log_alpha
    return alpha, r2_from_residual(problem.y, evaluate(alpha)[0])
