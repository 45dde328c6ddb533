"""The normal equations of one draw, ``A = XᵀX + PᵀP``, as the non-negative solver needs them.

The non-negative solver asks for products with ``A⁻¹``, a few of its columns,
a few rows of ``A`` and, when most entries are held at zero, a small block of
``A``. :class:`WoodburySystem` answers from ``Q⁻¹ = (PᵀP)⁻¹`` and an
``M x M`` factorisation, never forming or inverting a ``W x W`` matrix per
draw; :class:`DenseSystem` holds ``A`` and its inverse explicitly (for an
ill-conditioned ``P``, and for tests).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.linalg

__all__ = ["QuadraticSystem", "DenseSystem", "WoodburySystem"]


class QuadraticSystem(Protocol):
    """A symmetric positive definite ``A`` (``W x W``) seen through the products a solver needs."""

    def inverse_times(self, b: np.ndarray) -> np.ndarray:
        """``A⁻¹ b``."""
        ...

    def inverse_columns(self, index: np.ndarray) -> np.ndarray:
        """``A⁻¹[:, index]``, ``(W, k)``."""
        ...

    def rows(self, index: np.ndarray) -> np.ndarray:
        """``A[index, :]``, ``(k, W)``."""
        ...

    def block(self, index: np.ndarray) -> np.ndarray:
        """``A[index][:, index]``, ``(k, k)``."""
        ...


class DenseSystem:
    """``A`` and its inverse as explicit matrices.

    Parameters
    ----------
    A
        ``(W, W)``, symmetric positive definite.
    A_inverse
        Its inverse; computed (pseudo-inverse) if not given.
    """

    def __init__(self, A: np.ndarray, A_inverse: np.ndarray | None = None):
        self.A = np.asarray(A, dtype=np.float64)
        self.A_inverse = np.linalg.pinv(self.A, hermitian=True) if A_inverse is None else A_inverse

    def inverse_times(self, b: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A_inverse @ b

    def inverse_columns(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A_inverse[:, index]

    def rows(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A[index]

    def block(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A[np.ix_(index, index)]


class WoodburySystem:
    """``A = XᵀX + Q`` through Woodbury's identity ``A⁻¹ = Q⁻¹ - Kᵀ (I + Z Zᵀ)⁻¹ K``.

    Parameters
    ----------
    X
        ``(M, W)``.
    Q, Q_inverse
        The penalty's ``PᵀP`` and its inverse, ``(W, W)``.
    Z
        ``X L`` with ``L Lᵀ = Q⁻¹``, ``(M, W)``.
    K
        ``X Q⁻¹ = Z Lᵀ``, ``(M, W)``.
    """

    def __init__(self, X: np.ndarray, Q: np.ndarray, Q_inverse: np.ndarray, Z: np.ndarray, K: np.ndarray):
        self.X, self.Q, self.Q_inverse, self.K = X, Q, Q_inverse, K
        core = Z @ Z.T
        core[np.diag_indices_from(core)] += 1.0
        self._core = scipy.linalg.cho_factor(core)

    def inverse_times(self, b: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.Q_inverse @ b - self.K.T @ scipy.linalg.cho_solve(self._core, self.K @ b)

    def inverse_columns(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.Q_inverse[:, index] - self.K.T @ scipy.linalg.cho_solve(self._core, self.K[:, index])

    def rows(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.X[:, index].T @ self.X + self.Q[index]

    def block(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        columns = self.X[:, index]
        return columns.T @ columns + self.Q[np.ix_(index, index)]
