"""Selector ``longest-unsaturated``: the longest exposure of the bracket that is not overexposed.

With shot noise, a pixel's temporal SNR grows with the square root of the
collected signal, so the longest exposure that does not clip has the best
SNR of the bracket. ``best-snr`` (the original) ranks frames by a spatial
SNR instead, which counts the dark offset as signal and illumination
fall-off across the ROI as noise: with vignetting it prefers the shortest
exposure, the worst one (``docs/noise-models.md`` has the measurements).
"""

from __future__ import annotations

from typing import Sequence

from camchar.api import Frame, Selector, hookimpl

__all__ = ["LongestUnsaturated"]


class LongestUnsaturated(Selector):
    """Keep the longest exposure among the frames that are not overexposed; the first one wins a tie."""

    name = "longest-unsaturated"
    description = "Longest exposure with no pixel over the threshold: the highest shot-noise limited SNR"

    def select(self, frames: Sequence[Frame]) -> Frame | None:
        """Return the frame with the longest exposure time, or ``None`` for an empty bracket."""
        best = None
        for frame in frames:
            if best is None or frame.exposure_time > best.exposure_time:
                best = frame
        return best


@hookimpl
def camchar_register_selectors(register):
    """Register the ``longest-unsaturated`` selector."""
    register(LongestUnsaturated())
