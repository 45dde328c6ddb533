"""Noise model ``linear-fpn``: the original ``image_stats`` fixed-pattern separation.

For each pixel and channel a straight line is fitted through the pixel's
values in the ``N`` selected frames, in counts/s, against the frames' channel
means; ``offset`` and ``bias`` are the fixed pattern, and the temporal noise
of frame ``n`` is the standard deviation over the ROI of its residuals. The
streamed two-pass fit is :func:`camchar.api.numerics.residual_moments`.
"""

from __future__ import annotations

import warnings

import numpy as np

from camchar.api import CamcharWarning, NoiseModel, SelectedStack, hookimpl
from camchar.api.numerics import residual_moments

__all__ = ["LinearFpn"]


class LinearFpn(NoiseModel):
    """Residual std after a per-pixel linear fit against the channel means (the original model)."""

    name = "linear-fpn"
    description = "Per-pixel linear fit against the frame means; std of the residuals (the original image_stats model)"
    supports_cluster = True
    #: A line needs two points (with exactly two the residuals are 0, and a warning says so).
    min_frames = 2

    def estimate(self, stack: SelectedStack) -> np.ndarray:
        """Return the ``(N, C)`` residual standard deviation over the ROI, counts/s.

        Parameters
        ----------
        stack
            The selected frames, streamed twice.

        Returns
        -------
        ndarray
            ``std`` over the pixels (``ddof=0``) of each frame's residuals.
        """
        if len(stack) == 2:
            warnings.warn(
                CamcharWarning(
                    "linear-fpn with 2 brackets: a line through two points fits exactly, so the residual noise is 0"
                ),
                stacklevel=2,
            )
        moments = residual_moments(stack, 1.0 / stack.exposure_times, stack.stimulus)
        mean = moments[:, 0] / stack.pixel_counts
        mean_square = moments[:, 1] / stack.pixel_counts
        return np.sqrt(np.maximum(mean_square - mean**2, 0.0))


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``linear-fpn`` noise model."""
    register(LinearFpn())
