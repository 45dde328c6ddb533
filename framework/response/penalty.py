"""The penalty matrix of the ridge methods, kept in its eigenbasis.

``ridge`` and ``ridge-smooth`` penalise ``||P w||²`` with
``P = sqrt(alpha) I + S`` and ``S`` symmetric (zero for ``ridge``,
``sqrt(beta) D`` for ``ridge-smooth``). Writing ``S = V diag(s) Vᵀ`` once,
every ``P`` of the alpha search is ``V diag(sqrt(alpha) + s) Vᵀ``: a change of
alpha changes only a vector, never a factorisation.
"""

from __future__ import annotations

import attrs
import numpy as np

__all__ = ["SymmetricPenalty"]


@attrs.frozen(eq=False)
class SymmetricPenalty:
    """``P(alpha) = sqrt(alpha) I + S`` for a fixed symmetric ``S = V diag(s) Vᵀ``.

    Parameters
    ----------
    size : int
        ``W``, the number of response bins.
    eigenvalues : numpy.ndarray
        ``s``, ``(W,)``.
    eigenvectors : numpy.ndarray or None
        ``V``, ``(W, W)`` orthogonal; ``None`` when ``S`` is zero (``V = I``).
    """

    size: int
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray | None = None

    @classmethod
    def identity(cls, size: int) -> SymmetricPenalty:
        """The plain ridge penalty, ``S = 0``."""
        return cls(size, np.zeros(size), None)

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, weight: float = 1.0) -> SymmetricPenalty:
        """``S = sqrt(weight) * matrix`` for a symmetric ``matrix``.

        Raises
        ------
        ValueError
            When ``matrix`` is not symmetric (to rounding).
        """
        matrix = np.asarray(matrix, dtype=np.float64)
        scale = float(np.abs(matrix).max()) or 1.0
        if np.abs(matrix - matrix.T).max() > 1e-12 * scale:
            raise ValueError("the smoothing matrix must be symmetric")
        values, vectors = np.linalg.eigh(matrix)
        return cls(matrix.shape[0], np.sqrt(weight) * values, vectors)

    def diagonal(self, alpha: float) -> np.ndarray:
        """The eigenvalues of ``P(alpha)``, ``sqrt(alpha) + s`` (may be negative)."""
        return np.sqrt(alpha) + self.eigenvalues

    def matrix(self, alpha: float) -> np.ndarray:
        """``P(alpha)`` as an explicit ``(W, W)`` matrix."""
        p = self.diagonal(alpha)
        if self.eigenvectors is None:
            return np.diag(p)
        return (self.eigenvectors * p) @ self.eigenvectors.T

    def to_basis(self, X: np.ndarray) -> np.ndarray:
        """``X V``: the rows of ``X`` in the eigenbasis."""
        return X if self.eigenvectors is None else X @ self.eigenvectors

    def from_basis(self, u: np.ndarray) -> np.ndarray:
        """``V u``: coefficients in the eigenbasis back to response bins (``u`` ``(..., W, C)``)."""
        return u if self.eigenvectors is None else self.eigenvectors @ u
