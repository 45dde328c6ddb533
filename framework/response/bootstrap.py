"""Bootstrap: fit many noisy copies of the data to get the response's uncertainty.

The draws follow the original exactly, so that a seed gives its numbers:
from ``numpy.random.default_rng(seed)``, first every source draw
``rng.normal(X, X_std, (n, M, W))``, then every sample draw
``rng.normal(y, y_std, (n, M, C))``.

The draws are fitted in batches, on worker threads (BLAS on one thread each
while the fit runs, :func:`camchar.runtime.blas.single_threaded_blas`), while
the next batch is drawn; the batches' statistics are combined in draw order,
so the numbers do not depend on the number of threads. Memory stays bounded however many draws are
asked for: beyond :data:`IN_MEMORY_BYTES` the source draws are also made batch
by batch. A NumPy generator makes its stream of normal variates one after the
other, so batches of it are the same numbers as one big call; the sample
draws, which come after all the source draws, are then made first, from a
copy of the generator that skips over the source draws.
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
import numpy as np

from camchar.host.components import Solver
from camchar.host.problem import ResponseProblem
from camchar.runtime.parallel import default_workers, ordered_map

__all__ = ["BootstrapResult", "bootstrap", "draw_batches", "BATCH_BYTES", "IN_MEMORY_BYTES", "KEPT_DRAWS"]

#: Largest size of one batch of source draws.
BATCH_BYTES = 16 * 2**20
#: Source draws up to this size are made in one call; more are made batch by batch.
IN_MEMORY_BYTES = 256 * 2**20
#: The first this many draws of the response are kept (for the uncertainty of what is computed from it: ``camchar colour``).
KEPT_DRAWS = 1000


@attrs.frozen(eq=False)
class BootstrapResult:
    """Statistics over the draws (normalised units).

    Attributes
    ----------
    response_mean, response_std : numpy.ndarray
        ``(W, C)``, population standard deviation.
    estimate_mean, estimate_std : numpy.ndarray
        ``X_i w_i`` over the draws, ``(M, C)``.
    n_draws : int
        Number of draws; 0 for one plain fit on the means (std zero).
    draws : numpy.ndarray or None
        The first :data:`KEPT_DRAWS` draws of the response, ``(D, W, C)``; ``None`` for one plain fit.
    """

    response_mean: np.ndarray
    response_std: np.ndarray
    estimate_mean: np.ndarray
    estimate_std: np.ndarray
    n_draws: int
    draws: np.ndarray | None = None


class _Moments:
    """Mean and population std accumulated batch by batch (Chan et al.'s pairwise update)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean: np.ndarray | None = None
        self.squares: np.ndarray | None = None

    def add(self, batch: np.ndarray) -> None:
        size = batch.shape[0]
        mean = batch.mean(axis=0)
        squares = ((batch - mean) ** 2).sum(axis=0)
        if self.mean is None:
            self.count, self.mean, self.squares = size, mean, squares
            return
        total = self.count + size
        delta = mean - self.mean
        self.mean = self.mean + delta * (size / total)
        self.squares = self.squares + squares + delta**2 * (self.count * size / total)
        self.count = total

    def std(self) -> np.ndarray:
        return np.sqrt(self.squares / self.count)


def _generator(seed: Any) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def draw_batches(problem: ResponseProblem, n_draws: int, seed: Any, batch: int, in_memory: int = IN_MEMORY_BYTES):
    """Yield ``(X_draws, y_draws)`` batches of at most ``batch`` draws, in the original's order.

    Parameters
    ----------
    problem
        Supplies ``X``, ``X_std``, ``y``, ``y_std``.
    n_draws
        Total number of draws ``n``.
    seed
        Anything ``numpy.random.default_rng`` takes, or a ``Generator`` (advanced in place).
    batch
        Draws per batch.
    in_memory
        When all source draws take at most this many bytes they are made in
        one call, as the original did; otherwise batch by batch, after a
        first pass that skips over them to reach the sample draws.

    Yields
    ------
    tuple of numpy.ndarray
        ``(b, M, W)`` and ``(b, M, C)``: rows ``[k, k + b)`` of what
        ``rng.normal(X, X_std, (n, M, W))`` and then ``rng.normal(y, y_std, (n, M, C))`` give.
    """
    rng = _generator(seed)
    X, X_std, y, y_std = problem.X, problem.X_std, problem.y, problem.y_std
    if n_draws * X.nbytes <= in_memory:
        X_draws = _normal(rng, X, X_std, n_draws)
        y_draws = _normal(rng, y, y_std, n_draws)
        for start in range(0, n_draws, batch):
            yield X_draws[start : start + batch], y_draws[start : start + batch]
        return
    ahead = copy.deepcopy(rng)
    skipped = np.empty(min(batch, n_draws) * X.size)
    for start in range(0, n_draws, batch):
        ahead.standard_normal(out=skipped[: min(batch, n_draws - start) * X.size])
    y_draws = _normal(ahead, y, y_std, n_draws)
    for start in range(0, n_draws, batch):
        yield _normal(rng, X, X_std, min(batch, n_draws - start)), y_draws[start : start + batch]
    rng.bit_generator.state = ahead.bit_generator.state  # as if drawn in one go


def _normal(rng: np.random.Generator, mean: np.ndarray, std: np.ndarray, count: int) -> np.ndarray:
    """``rng.normal(mean, std, (count,) + mean.shape)``, the same numbers: standard normals scaled in place.

    ``Generator.normal`` broadcasts its arguments element by element; filling
    the array first and scaling it with whole-array operations is faster, and
    the filling releases the GIL (the previous batch is solved meanwhile).
    """
    draws = rng.standard_normal((count,) + mean.shape)
    draws *= std
    draws += mean
    return draws


def bootstrap(
    problem: ResponseProblem,
    solver: Solver,
    n_draws: int = 100,
    seed: Any = None,
    batch: int | None = None,
) -> BootstrapResult:
    """Fit ``n_draws`` noisy copies of the data and summarise.

    Parameters
    ----------
    problem
        The normalised, matched data; its progress callback is told
        ``("bootstrap", done, n_draws)`` after each batch.
    solver
        From the method's ``prepare``.
    n_draws
        Number of draws. 0 or 1: one plain fit on the means, with zero std
        (the original fitted a single row of the means for 1).
    seed
        Seed of ``numpy.random.default_rng`` (or a ``Generator``).
    batch
        Draws per batch; default: as many as fit in :data:`BATCH_BYTES`.

    Returns
    -------
    BootstrapResult
    """
    X, y = problem.X, problem.y
    if n_draws <= 1:
        w = solver.solve(X[None], y[None])[0]
        estimate = X @ w
        return BootstrapResult(w, np.zeros_like(w), estimate, np.zeros_like(estimate), 0)
    if batch is None:
        batch = max(1, BATCH_BYTES // (8 * X.size))
    weights, estimates = _Moments(), _Moments()
    kept: list[np.ndarray] = []
    done = 0
    problem.report("bootstrap", 0, n_draws)

    def solved(draws: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        X_draws, y_draws = draws
        w = solver.solve(X_draws, y_draws)
        return w, X_draws @ w

    for w, estimate in ordered_map(solved, draw_batches(problem, n_draws, seed, batch), default_workers()):
        weights.add(w)
        estimates.add(estimate)
        kept.append(w[: max(0, KEPT_DRAWS - done)])
        done += w.shape[0]
        problem.report("bootstrap", done, n_draws)
    return BootstrapResult(weights.mean, weights.std(), estimates.mean, estimates.std(), n_draws, np.concatenate(kept))
