"""The EMVA 1288 temporal variance of two frames taken under identical conditions.

Their difference holds no fixed pattern and twice the temporal variance::

    sigma^2 = sum((A - B)^2) / (2 P) - (mean(A) - mean(B))^2 / 2

over the ``P`` pixels of a channel, in counts^2 (EMVA 1288 Release 4.0).
"""

from __future__ import annotations

import numpy as np

from camchar.numerics.moments import variance_standard_error

__all__ = ["pair_variance", "pair_variance_error"]


def pair_variance(first: np.ndarray, second: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """``(C,)`` temporal variance of two ``(H, W, C)`` frames in counts^2, over the pixels ``mask`` leaves in.

    Parameters
    ----------
    first, second
        The two frames, in counts.
    mask
        ``(H, W, C)`` pixels to leave out (``True``), or ``None``.
    """
    variance = np.empty(first.shape[-1])
    for channel in range(first.shape[-1]):
        difference = _difference(first, second, mask, channel)
        count = difference.size
        mean_difference = difference.sum() / count
        variance[channel] = np.sum(difference * difference) / (2 * count) - mean_difference**2 / 2
    return variance


def pair_variance_error(first: np.ndarray, second: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """``(C,)`` standard error of :func:`pair_variance` in counts^2: half that of the differences' variance.

    Parameters
    ----------
    first, second
        The two frames, in counts.
    mask
        ``(H, W, C)`` pixels to leave out (``True``), or ``None``.
    """
    return np.array([variance_standard_error(_difference(first, second, mask, channel)) / 2 for channel in range(first.shape[-1])])


def _difference(first: np.ndarray, second: np.ndarray, mask: np.ndarray | None, channel: int) -> np.ndarray:
    """The pixel-by-pixel difference of one channel of the two frames, over the pixels ``mask`` leaves in."""
    difference = first[..., channel].astype(np.float64) - second[..., channel]
    return difference if mask is None else difference[~mask[..., channel]]
