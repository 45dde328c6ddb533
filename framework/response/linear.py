"""Linear least squares for many bootstrap draws at once.

:class:`PenalisedLeastSquares` solves ``min ||X w - y||² + ||P w||²`` with
``P`` from :class:`~camchar.response.penalty.SymmetricPenalty`. The obvious
solve, ``(XᵀX + PᵀP)⁻¹ Xᵀ y``, factorises a ``W x W`` matrix (601 x 601 for
the real source) for every draw. With ``L = P⁻¹`` and ``Z = X L`` the same
solution is ``w = L Zᵀ (Z Zᵀ + I)⁻¹ y`` (the push-through identity), which
needs only an ``M x M`` solve (101 x 101); ``X L`` for all draws of a batch is
one matrix product. The eigenbasis of ``P`` makes ``L`` exact and cheap.

The whitened form is as accurate as the direct one while ``P`` is well
conditioned. When ``P`` is nearly singular (a smoothing filter whose
response crosses zero can make it so for one alpha) the direct solve is used
instead; see :data:`WHITENING_LIMIT`.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from camchar.response.penalty import SymmetricPenalty
from camchar.response.systems import DenseSystem, QuadraticSystem

__all__ = ["WHITENING_LIMIT", "PenalisedLeastSquares", "minimum_norm_least_squares"]

#: The whitened form is used while the smallest |eigenvalue| of ``P`` is above this fraction of the largest
#: (``PᵀP`` then has a condition number below 1e8); otherwise the ``W x W`` system is solved directly.
WHITENING_LIMIT = 1e-4


def _transpose(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def _add_identity(a: np.ndarray) -> np.ndarray:
    size = a.shape[-1]
    a[..., np.arange(size), np.arange(size)] += 1.0
    return a


def _right_multiply(X: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``X @ matrix`` for ``X`` ``(..., M, W)`` as one matrix product."""
    return (X.reshape(-1, X.shape[-1]) @ matrix).reshape(X.shape[:-1] + (matrix.shape[1],))


class PenalisedLeastSquares:
    """``min ||X w - y||² + ||P w||²`` for a fixed ``P = P(alpha)``, batched over draws.

    Parameters
    ----------
    penalty
        The penalty family.
    alpha
        The ridge strength that fixes ``P``.

    Attributes
    ----------
    whitened : bool
        Whether the fast push-through form is used (``P`` well conditioned).
    """

    def __init__(self, penalty: SymmetricPenalty, alpha: float):
        self.penalty = penalty
        self.alpha = float(alpha)
        self._p = penalty.diagonal(self.alpha)
        magnitude = np.abs(self._p)
        self.whitened = bool(magnitude.min() > WHITENING_LIMIT * magnitude.max())
        self._inverse_p = 1.0 / self._p if self.whitened else None
        self._whitener_matrix: np.ndarray | None = None
        self._penalty_gram: np.ndarray | None = None
        self._penalty_gram_inverse: np.ndarray | None = None

    @property
    def _whitener(self) -> np.ndarray | None:
        """``L = V diag(1/p)``, ``(W, W)``, made when first needed; ``None`` when ``V = I``."""
        if self._whitener_matrix is None and self.penalty.eigenvectors is not None:
            self._whitener_matrix = self.penalty.eigenvectors * self._inverse_p
        return self._whitener_matrix

    # -- the whitened form ---------------------------------------------------------------------------------

    def _whiten(self, X: np.ndarray) -> np.ndarray:
        """``Z = X L``."""
        if self._whitener is None:
            return X * self._inverse_p
        return _right_multiply(X, self._whitener)

    def _unwhiten(self, v: np.ndarray) -> np.ndarray:
        """``L v`` for ``v`` ``(..., W, C)``."""
        if self._whitener is None:
            return v * self._inverse_p[:, None]
        return self._whitener @ v

    def _dual(self, Z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``s = (Z Zᵀ + I)⁻¹ y``: the residual of the fit."""
        return np.linalg.solve(_add_identity(Z @ _transpose(Z)), y)

    # -- public --------------------------------------------------------------------------------------------

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The minimiser for each draw.

        Parameters
        ----------
        X
            Source spectra, ``(D, M, W)`` or ``(M, W)``.
        y
            Samples, ``(D, M, C)`` or ``(M, C)``.

        Returns
        -------
        numpy.ndarray
            ``w``, ``(D, W, C)`` or ``(W, C)``.
        """
        if self.whitened:
            Z = self._whiten(X)
            return self._unwhiten(_transpose(Z) @ self._dual(Z, y))
        A = _transpose(X) @ X + self.penalty_gram()
        return np.linalg.pinv(A, hermitian=True) @ (_transpose(X) @ y)

    def residual(self, X: np.ndarray, y: np.ndarray, X_in_basis: np.ndarray | None = None) -> np.ndarray:
        """``y - X w`` of the minimiser, for one ``X`` ``(M, W)``.

        Parameters
        ----------
        X
            Source spectra, ``(M, W)``.
        y
            Samples, ``(M, C)``.
        X_in_basis
            ``X V`` if already computed (the alpha search reuses it).
        """
        if self.whitened:
            if X_in_basis is None:
                X_in_basis = self.penalty.to_basis(X)
            return self._dual(X_in_basis * self._inverse_p, y)
        return y - X @ self.solve(X, y)

    def hat_trace(self, X: np.ndarray, X_in_basis: np.ndarray | None = None) -> float:
        """Trace of the hat matrix ``X (XᵀX + PᵀP)⁻¹ Xᵀ`` for one ``X`` ``(M, W)``: the effective parameters."""
        if self.whitened:
            if X_in_basis is None:
                X_in_basis = self.penalty.to_basis(X)
            Z = X_in_basis * self._inverse_p
            values = np.linalg.eigvalsh(Z @ Z.T)
            return float((values / (1.0 + values)).sum())
        return float(np.trace(X @ np.linalg.pinv(self.gram(X), hermitian=True) @ X.T))

    def penalty_gram(self) -> np.ndarray:
        """``PᵀP``, ``(W, W)``."""
        if self._penalty_gram is None:
            P = self.penalty.matrix(self.alpha)
            self._penalty_gram = P.T @ P
        return self._penalty_gram

    def gram(self, X: np.ndarray) -> np.ndarray:
        """``XᵀX + PᵀP``, the Hessian of the objective, for one ``X`` ``(M, W)``."""
        return X.T @ X + self.penalty_gram()

    def penalty_gram_inverse(self) -> np.ndarray:
        """``(PᵀP)⁻¹ = L Lᵀ`` (whitened form only)."""
        if self._penalty_gram_inverse is None:
            if self._whitener is None:
                self._penalty_gram_inverse = np.diag(self._inverse_p**2)
            else:
                self._penalty_gram_inverse = self._whitener @ self._whitener.T
        return self._penalty_gram_inverse

    def system(self, X: np.ndarray) -> QuadraticSystem:
        """The normal equations of one draw ``X`` ``(M, W)`` for the non-negative solver."""
        return next(self.systems(X[None]))

    def systems(self, X: np.ndarray) -> Iterator[QuadraticSystem]:
        """:meth:`system` for each draw of ``X`` ``(D, M, W)``, one at a time.

        When whitened, ``A⁻¹ = Q⁻¹ - Kᵀ (I + Z Zᵀ)⁻¹ K`` with ``Q = PᵀP``,
        ``K = Z Lᵀ = X Q⁻¹`` (Woodbury's identity): an ``M x M`` factorisation
        instead of a ``W x W`` one, ``Z`` and ``K`` for all draws in two products.
        """
        if not self.whitened:
            for draw in X:
                yield DenseSystem(self.gram(draw))
            return
        Z = self._whiten(X)
        K = Z * self._inverse_p if self._whitener is None else _right_multiply(Z, self._whitener.T)
        Q, Q_inverse = self.penalty_gram(), self.penalty_gram_inverse()
        for d in range(X.shape[0]):
            core = _linalg().cho_factor(_add_identity(Z[d] @ Z[d].T))
            A_inverse = Q_inverse - K[d].T @ _linalg().cho_solve(core, K[d])
            yield DenseSystem(X[d].T @ X[d] + Q, A_inverse)

    def objective(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``||X w - y||² + ||P w||²`` per channel, for one ``X`` ``(M, W)``; returns ``(C,)``."""
        P = self.penalty.matrix(self.alpha)
        return ((X @ w - y) ** 2).sum(axis=0) + ((P @ w) ** 2).sum(axis=0)


#: Below this ratio of the smallest to the largest eigenvalue of ``X Xᵀ`` (a condition number of ``X`` above
#: 1e5), the minimum-norm solution is computed by singular value decomposition instead of through ``X Xᵀ``.
GRAM_LIMIT = 1e-10


def minimum_norm_least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The least-squares solution of smallest norm, for each draw.

    Parameters
    ----------
    X
        ``(D, M, W)`` or ``(M, W)``, with ``M <= W``.
    y
        ``(D, M, C)`` or ``(M, C)``.

    Returns
    -------
    numpy.ndarray
        ``w``, ``(D, W, C)`` or ``(W, C)``. For ``X`` of full row rank and
        moderate condition this is ``Xᵀ (X Xᵀ)⁻¹ y``, the unique minimum-norm
        solution that the original's SVD-based solver also returned, through
        an ``M x M`` eigendecomposition per draw. Draws whose ``X Xᵀ`` is
        nearly singular (see :data:`GRAM_LIMIT`) go through
        ``numpy.linalg.lstsq`` (SVD) instead.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim == 2:
        return minimum_norm_least_squares(X[None], y[None])[0]
    values, vectors = np.linalg.eigh(X @ _transpose(X))
    w = _transpose(X) @ (vectors @ ((_transpose(vectors) @ y) / values[..., :, None]))
    for d in np.flatnonzero(values[:, 0] <= GRAM_LIMIT * values[:, -1]):
        w[d] = np.linalg.lstsq(X[d], y[d], rcond=None)[0]
    return w


def _linalg():
    """``scipy.linalg``, imported on use (it takes a fifth of a second, and most commands never fit)."""
    import scipy.linalg

    return scipy.linalg

