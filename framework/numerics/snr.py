"""The original ``image_stats`` SNR of a multi-channel image, exact and without an ``N x N`` covariance.

The SNR of an ``N``-channel image is its mean over the noise estimated from the
channel covariance::

    noise = sqrt(sum(cov(img.reshape(-1, N).T))) / N
    snr   = mean(img) / noise

Because the sum of all entries of a covariance matrix is the variance of the
sum of the variables, ``sum(cov) = var(s)`` with ``s`` the per-pixel channel
sum, and ``snr = mean(s) / std(s)`` (``std`` with ``ddof=1``, as ``np.cov``).
That form needs one channel sum and one variance, and since the SNR does not
change when the image is scaled, it can be computed on the raw counts rather
than on the counts divided by the exposure time. For integer counts of up to
16 bits the sums are exact integers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from camchar.numerics.reductions import pixel_sums

__all__ = ["snr"]


def snr(img: ArrayLike) -> float:
    """Compute the SNR of a multi-channel image.

    Computes the signal-to-noise ratio of an ``N``-channel image from the
    covariance between its colour channels, which captures correlations
    between the channels rather than treating them as independent::

        noise = sqrt(sum(cov(img.reshape((-1, N)).T))) / N
        snr = mean(img) / noise

    Parameters
    ----------
    img : array_like[(..., N)]
        ``N``-channel image.

    Returns
    -------
    float
        The signal-to-noise ratio of the image (``inf`` for a uniform image
        with a non-zero mean, ``nan`` for an image of zeros).

    Notes
    -----
    Evaluated as ``mean(s) / std(s, ddof=1)`` with ``s`` the per-pixel sum
    over channels, which is the same quantity (module docstring).
    """
    img = np.asarray(img)
    sums = pixel_sums(img)
    n = sums.size
    if sums.dtype.kind == "i" and n * _largest_pixel_sum(img) ** 2 < 2.0**62:
        total, squares = int(sums.sum()), int(np.dot(sums, sums))
        mean, variance = total / n, (n * squares - total * total) / (n * (n - 1)) if n > 1 else float("nan")
    else:
        sums = sums.astype(np.float64, copy=False)
        mean = float(sums.mean())
        deviation = sums - mean
        variance = float(np.dot(deviation, deviation)) / (n - 1) if n > 1 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(mean) / np.sqrt(np.float64(variance)))


def _largest_pixel_sum(img: np.ndarray) -> float:
    limits = np.iinfo(img.dtype)
    return float(img.shape[-1] * max(limits.max, -limits.min))
