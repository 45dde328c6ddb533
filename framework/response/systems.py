"""The normal equations of one draw, ``A = XᵀX + PᵀP``, as the non-negative solver needs them.

The non-negative solver asks for products with ``A⁻¹``, a few of its columns,
a few rows of ``A`` and, when most entries are held at zero, a small block of
``A``. :class:`DenseSystem` holds ``A`` and ``A⁻¹`` explicitly, so that each
step of the solver only picks rows and columns: a few large matrix products per
draw instead of many small ones (which multi-threaded BLAS runs badly on a busy
machine). :meth:`camchar.response.linear.PenalisedLeastSquares.systems` makes
them, with ``A⁻¹`` from Woodbury's identity.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

__all__ = ["QuadraticSystem", "DenseSystem"]


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
        return np.einsum("ij,j->i", self.A_inverse, b)  # numpy's own loop: no BLAS threads for a vector

    def inverse_columns(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A_inverse[:, index]

    def rows(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A[index]

    def block(self, index: np.ndarray) -> np.ndarray:
        """See :class:`QuadraticSystem`."""
        return self.A[np.ix_(index, index)]
