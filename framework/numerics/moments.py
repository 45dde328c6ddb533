"""The standard error of a variance estimated from a sample, whatever the distribution of the values.

For ``n`` independent values of variance ``v`` and fourth central moment
``m4``, the sample variance (``ddof=1``) has the variance::

    m4 / n - v^2 (n - 3) / (n (n - 1))

which is ``2 v^2 / (n - 1)`` for Gaussian values (``m4 = 3 v^2``); the
sample's own moments stand in for ``v`` and ``m4``, so heavy tails (hot
pixels, random telegraph noise) widen the error as they should.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["variance_standard_error"]


def variance_standard_error(values: np.ndarray) -> float:
    """The standard error of the sample variance (``ddof=1``) of ``values``.

    Parameters
    ----------
    values
        The sample: independent values, at least two.

    Returns
    -------
    float
        The standard error, in the units of the variance.
    """
    count = values.size
    deviations = values.astype(np.float64, copy=False).ravel() - values.mean()
    squares = deviations * deviations
    variance = squares.sum() / (count - 1)
    fourth_moment = (squares @ squares) / count
    return math.sqrt(max(fourth_moment / count - variance**2 * (count - 3) / (count * (count - 1)), 0.0))
