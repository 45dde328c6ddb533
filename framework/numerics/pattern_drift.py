"""Does the fixed pattern change across the sweep? A test on the residuals of neighbouring frames.

The FPN models fit one straight line per pixel through all selected frames:
they assume each pixel's gain (PRNU) is the same at every wavelength. Real
sensors break this (in the near infrared, light reaches deeper and the
pattern changes), and the part of the pattern the lines cannot follow stays
in the residuals, counted as temporal noise.

Temporal noise is independent from frame to frame, so the residuals of two
neighbouring frames ``n - 1`` and ``n`` are uncorrelated except through the
shared fit: with ``R = I - H`` the fit's residual-maker and ``V`` the
temporal variances, ``E[mean_p r[n] r[n - 1]] = sum_k R[n, k] R[n - 1, k] V[k]``.
A pattern that changes smoothly with wavelength is nearly the same in
neighbouring frames and adds its variance ``S`` to that product. The excess
over the expectation, many standard errors ``sqrt(W[n] W[n - 1] / P)`` large,
betrays it, and its size estimates the error: a model that took ``S`` for
temporal variance overestimates the noise by ``sqrt(V / (V - S)) - 1``.
"""

from __future__ import annotations

import attrs
import numpy as np

__all__ = ["PatternDrift", "pattern_drift", "SIGNIFICANCE", "NOTEWORTHY"]

#: Standard errors by which the neighbours' product must exceed its expectation.
SIGNIFICANCE = 6.0
#: Smallest likely error of the noise worth a warning.
NOTEWORTHY = 0.01


@attrs.frozen
class PatternDrift:
    """The likely overestimate of the noise of each frame and channel, where the test finds drift."""

    likely_error: np.ndarray
    significance: float

    @property
    def worst(self) -> float:
        """The largest likely relative error."""
        return float(np.nanmax(self.likely_error))

    @property
    def median(self) -> float:
        """The median likely relative error over the frames and channels where it is noteworthy."""
        affected = self.likely_error[self.likely_error >= NOTEWORTHY]
        return float(np.median(affected)) if affected.size else 0.0


def pattern_drift(moments: np.ndarray, counts: np.ndarray, residual_makers: np.ndarray, variance: np.ndarray) -> PatternDrift | None:
    """Test the residuals for a fixed pattern that changes across the sweep.

    Parameters
    ----------
    moments
        ``(N, 3, C)`` per frame: the sums over the pixels of the residuals,
        of their squares and of their products with the previous frame's
        (``residual_moments(..., neighbours=True)``).
    counts
        ``(C,)`` pixels per channel.
    residual_makers
        ``(C, N, N)`` the fit's ``I - H`` per channel.
    variance
        ``(N, C)`` the temporal variances the model found, in the fit's units.

    Returns
    -------
    PatternDrift or None
        The likely error of each frame's noise, or ``None`` when the
        products are as temporal noise alone explains, or the error small.
    """
    n_frames = moments.shape[0]
    if n_frames < 3:
        return None
    mean = moments[:, 0] / counts
    spread = np.maximum(moments[:, 1] / counts - mean**2, 0.0)
    observed = moments[1:, 2] / counts - mean[1:] * mean[:-1]
    expected = np.stack([(residual_makers[c][1:] * residual_makers[c][:-1]) @ variance[:, c] for c in range(variance.shape[1])], axis=1)
    excess = observed - expected
    standard_error = np.sqrt(spread[1:] * spread[:-1] / counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        significance = np.where(standard_error > 0, excess / standard_error, 0.0)
    if not np.any(significance > SIGNIFICANCE):
        return None
    structure = np.zeros_like(variance)  # each frame's share: the mean of its products with both neighbours
    shared = np.maximum(excess, 0.0)
    structure[1:] += shared / 2
    structure[:-1] += shared / 2
    structure[0] += shared[0] / 2
    structure[-1] += shared[-1] / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        likely = np.where(variance > structure, np.sqrt(variance / (variance - structure)) - 1.0, np.inf)
    found = PatternDrift(likely, float(np.max(significance)))
    return found if found.worst >= NOTEWORTHY else None
