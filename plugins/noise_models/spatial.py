"""Noise model ``spatial``: the plain standard deviation over the ROI, no fixed-pattern removal.

For comparison: it counts the fixed pattern (dark-signal and gain
non-uniformity, vignetting, dust) as noise, so it overestimates the temporal
noise wherever the pattern is not negligible. It needs a single frame and
makes no assumption about the others.
"""

from __future__ import annotations

import numpy as np

from camchar.api import Frame, NoiseModel, SelectedStack, hookimpl
from camchar.api.numerics import channel_totals

__all__ = ["Spatial", "spatial_std"]


def spatial_std(frame: Frame, counts: np.ndarray | None = None) -> np.ndarray:
    """``(C,)`` standard deviation over the pixels (ddof 0) of each channel, counts/s, computed in two passes.

    ``counts`` are the pixels per channel that count (``SelectedStack.pixel_counts``):
    masked pixels hold their channel's mean and add nothing to the sum of squares.
    """
    count = frame.pixels.shape[0] * frame.pixels.shape[1]
    means = channel_totals(frame.pixels) / count
    counts = np.full(frame.channels, count) if counts is None else counts
    spread = np.empty(frame.channels)
    for channel in range(frame.channels):
        deviation = frame.pixels[..., channel] - means[channel]
        spread[channel] = np.sqrt(np.sum(deviation * deviation) / counts[channel])
    return spread / frame.exposure_time


class Spatial(NoiseModel):
    """Standard deviation of each selected frame over the ROI, as it is."""

    name = "spatial"
    description = "Plain spatial std over the ROI, without fixed-pattern removal (for comparison)"
    supports_cluster = True

    def estimate(self, stack: SelectedStack) -> np.ndarray:
        """Return the ``(N, C)`` spatial standard deviation in counts/s, one frame at a time."""
        return np.array(stack.map(lambda index, frame: spatial_std(frame, stack.pixel_counts)))


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``spatial`` noise model."""
    register(Spatial())
