"""Selector ``best-snr``: the frame of the bracket with the highest signal-to-noise ratio.

This is the original ``image_stats`` rule: the SNR of an ``N``-channel image
is its mean over the noise estimated from the channel covariance
(:func:`camchar.api.numerics.snr`, which computes it exactly from the
per-pixel channel sums, on the raw counts: the SNR does not change when the
image is divided by its exposure time).
"""

from __future__ import annotations

from typing import Sequence

from camchar.api import Frame, Selector, hookimpl
from camchar.api.numerics import snr

__all__ = ["BestSnrSelector"]


class BestSnrSelector(Selector):
    """Keep the frame with the highest SNR; the first one wins a tie."""

    name = "best-snr"
    description = "Highest channel-covariance SNR of the bracket (the original image_stats rule)"

    def select(self, frames: Sequence[Frame]) -> Frame | None:
        """Return the frame with the highest SNR above 0, or ``None``.

        Parameters
        ----------
        frames
            The bracket's frames that are not overexposed.

        Returns
        -------
        Frame or None
            The best frame; ``None`` if there are no frames or none has a
            positive SNR (as in the original, which starts from 0).
        """
        best, best_snr = None, 0.0
        for frame in frames:
            frame_snr = snr(frame.pixels)
            if frame_snr > best_snr:
                best, best_snr = frame, frame_snr
        return best


@hookimpl
def camchar_register_selectors(register):
    """Register the ``best-snr`` selector."""
    register(BestSnrSelector())
