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
16 bits the sums are exact integers (:func:`~camchar.numerics.reductions.pixel_sum_moments`
computes them without an int64 copy of the frame).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from camchar.numerics.reductions import pixel_sum_moments, pixel_sums

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
    mean, variance = _mean_and_variance(np.asarray(img))
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(mean) / np.sqrt(np.float64(variance)))


def _mean_and_variance(img: np.ndarray) -> tuple[float, float]:
    """Mean and sample variance of the per-pixel channel sums: from exact integer sums when the pixels allow."""
    moments = pixel_sum_moments(img)
    sums = None
    if moments is None:
        sums = pixel_sums(img)
        if sums.dtype.kind == "i" and sums.size * _largest_pixel_sum(img) ** 2 < 2.0**62:
            moments = sums.size, int(sums.sum()), int(np.dot(sums, sums))
    if moments is not None:
        n, total, squares = moments
        return total / n, (n * squares - total * total) / (n * (n - 1)) if n > 1 else float("nan")
    sums = sums.astype(np.float64, copy=False)
    n = sums.size
    mean = float(sums.mean())
    deviation = sums - mean
    return mean, float(np.dot(deviation, deviation)) / (n - 1) if n > 1 else float("nan")


def _largest_pixel_sum(img: np.ndarray) -> float:
    limits = np.iinfo(img.dtype)
    return float(img.shape[-1] * max(limits.max, -limits.min))
