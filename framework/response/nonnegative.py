"""Exact non-negative solutions of the penalised least-squares problem.

For one channel, ``min ||X w - y||² + ||P w||²`` with ``w >= 0`` is the
quadratic programme ``min ½ wᵀ A w - bᵀ w``, ``w >= 0``, with
``A = XᵀX + PᵀP`` (positive definite for the ridge methods) and
``b = Xᵀ y``. Its solution is the unique point meeting the Karush-Kuhn-Tucker
conditions: ``w >= 0``, ``λ = A w - b >= 0`` and ``w λ = 0``.

:func:`nonnegative_quadratic` finds it by block principal pivoting (Júdice &
Pires 1994; Kim & Park 2011): guess which entries are free (``F``) and which
are held at zero (``G``), solve for the free ones, and swap every entry that
breaks a condition; if the number of such entries stops falling, swap one at a
time (Murty's rule), which always terminates. Started from the signs of the
unconstrained solution it needs about five solves. Each solve on ``F`` uses a
few columns of ``A⁻¹`` (a Schur complement) when few entries are held at zero,
and a Cholesky factorisation of ``A[F, F]`` otherwise. Its matrix-vector
products use NumPy's own loops: they are small, and multi-threaded BLAS spends
longer waking its threads than computing them.

:func:`nonnegative_least_squares` handles ``ols``, where ``A`` is singular,
with SciPy's active-set NNLS.
"""

from __future__ import annotations

import numpy as np

from camchar.response.systems import QuadraticSystem

__all__ = ["nonnegative_quadratic", "nonnegative_least_squares", "kkt_violation"]

#: Relative tolerance of the optimality conditions (rounding, not approximation).
TOLERANCE = 1e-10
#: Full exchanges allowed without progress before switching to single exchanges.
_BACKUP = 3


def _solve_free(system: QuadraticSystem, b: np.ndarray, unconstrained: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Minimiser with the entries outside ``free`` held at zero (``unconstrained`` = ``A⁻¹ b``)."""
    held = np.flatnonzero(~free)
    if held.size == 0:
        return unconstrained.copy()
    w = np.zeros_like(b)
    if held.size == b.size:
        return w
    if held.size <= b.size // 2:
        # (A_FF)⁻¹ b_F from A⁻¹: a Schur complement on the few held entries.
        coupling = system.inverse_columns(held)
        w = unconstrained - np.einsum("ij,j->i", coupling, np.linalg.solve(coupling[held], unconstrained[held]))
        w[held] = 0.0
        return w
    kept = np.flatnonzero(free)
    w[kept] = _linalg().cho_solve(_linalg().cho_factor(system.block(kept)), b[kept])
    return w


def nonnegative_quadratic(
    system: QuadraticSystem,
    b: np.ndarray,
    start: np.ndarray | None = None,
    max_iterations: int | None = None,
) -> np.ndarray:
    """``argmin ½ wᵀ A w - bᵀ w`` subject to ``w >= 0``, for positive definite ``A``.

    Parameters
    ----------
    system
        ``A``, ``(W, W)`` symmetric positive definite, through the products the
        method needs (:class:`~camchar.response.systems.DenseSystem` for an
        explicit matrix).
    b
        ``(W,)``.
    start
        Boolean ``(W,)``: the entries guessed to be positive. Default: where
        the unconstrained minimiser is positive.
    max_iterations
        Safety limit on the number of solves (default ``10 W + 100``).

    Returns
    -------
    numpy.ndarray
        ``(W,)``, non-negative, meeting the optimality conditions to
        :data:`TOLERANCE` relative to the scale of the problem.

    Raises
    ------
    RuntimeError
        If the limit is reached (a bug: the method terminates in theory).
    """
    b = np.asarray(b, dtype=np.float64)
    size = b.size
    unconstrained = system.inverse_times(b)
    free = (unconstrained > 0) if start is None else np.asarray(start, dtype=bool).copy()
    scale_w = float(np.abs(unconstrained).max()) or 1.0
    scale_gradient = float(np.abs(b).max()) or 1.0
    best = size + 1
    backup = _BACKUP
    limit = 10 * size + 100 if max_iterations is None else max_iterations
    for _ in range(limit):
        w = _solve_free(system, b, unconstrained, free)
        wrong = free & (w < -TOLERANCE * scale_w)
        held = np.flatnonzero(~free)
        if held.size:  # the gradient A w - b vanishes on the free entries; check the held ones
            wrong[held] = np.einsum("ij,j->i", system.rows(held), w) - b[held] < -TOLERANCE * scale_gradient
        count = int(wrong.sum())
        if count == 0:
            return np.maximum(w, 0.0)
        if count < best:
            best, backup = count, _BACKUP
            free ^= wrong
        elif backup > 0:
            backup -= 1
            free ^= wrong
        else:
            last = int(np.flatnonzero(wrong)[-1])
            free[last] = not free[last]
    raise RuntimeError("non-negative solve did not converge")


def nonnegative_least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``argmin ||X w - y||²`` subject to ``w >= 0``, per channel and draw.

    Parameters
    ----------
    X
        ``(D, M, W)``.
    y
        ``(D, M, C)``.

    Returns
    -------
    numpy.ndarray
        ``(D, W, C)``: SciPy's Lawson-Hanson solution (with more bins than
        samples the minimiser is not unique; this one has at most ``M``
        positive entries).
    """
    draws, _, bins = X.shape
    w = np.zeros((draws, bins, y.shape[-1]))
    for d in range(draws):
        for c in range(y.shape[-1]):
            w[d, :, c] = _nnls()(X[d], y[d, :, c], maxiter=50 * bins)[0]
    return w


def kkt_violation(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    """How far ``w`` is from optimal for ``min ½ wᵀ A w - bᵀ w``, ``w >= 0``.

    Returns
    -------
    float
        The largest of: ``max(-w)``, ``max(-λ)`` and ``max(|w λ|)``, with
        ``λ = A w - b``, each relative to the scale of ``w`` or ``b``; zero for
        an exact solution.
    """
    gradient = A @ w - b
    scale_w = float(np.abs(w).max()) or 1.0
    scale_b = float(np.abs(b).max()) or 1.0
    return max(
        float(np.max(-w, initial=0.0)) / scale_w,
        float(np.max(-gradient, initial=0.0)) / scale_b,
        float(np.max(np.abs(w * gradient), initial=0.0)) / (scale_w * scale_b),
    )


def _nnls():
    """``scipy.optimize.nnls``, imported on use (scipy.optimize takes a quarter second to import)."""
    from scipy.optimize import nnls

    return nnls


def _linalg():
    """``scipy.linalg``, imported on use (it takes a fifth of a second, and most commands never fit)."""
    import scipy.linalg

    return scipy.linalg

