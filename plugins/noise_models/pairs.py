"""Noise model ``pairs``: the EMVA 1288 temporal noise from two frames at the same exposure.

EMVA 1288 (Release 4.0) estimates the temporal noise from two frames ``A`` and
``B`` taken under identical conditions: their difference holds no fixed
pattern and twice the temporal variance::

    sigma^2 = sum((A - B)^2) / (2 N) - (mean(A) - mean(B))^2 / 2

over the ``N`` pixels of the ROI, per channel, in counts; the noise is
``sigma / t`` in counts/s. It needs no model of the fixed pattern and no other
bracket, but two frames at the selected exposure in every bracket: shoot the
sweep with two frames per exposure (``camchar simulate --frames-per-exposure
2`` shows the layout).
"""

from __future__ import annotations

import numpy as np

from camchar.api import BadInput, Frame, NoiseModel, SelectedStack, hookimpl

__all__ = ["Pairs", "pair_variance"]


def pair_variance(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``(C,)`` EMVA 1288 temporal variance of two ``(H, W, C)`` frames in counts^2."""
    count = first.shape[0] * first.shape[1]
    variance = np.empty(first.shape[-1])
    for channel in range(first.shape[-1]):
        difference = first[..., channel].astype(np.float64) - second[..., channel]
        mean_difference = difference.sum() / count
        variance[channel] = np.sum(difference * difference) / (2 * count) - mean_difference**2 / 2
    return variance


class Pairs(NoiseModel):
    """Temporal noise from the difference of two frames at the selected exposure (EMVA 1288)."""

    name = "pairs"
    description = "EMVA 1288 temporal noise from two frames at the same exposure (brackets without a pair are skipped)"
    needs_pairs = True

    def estimate(self, stack: SelectedStack) -> np.ndarray:
        """Return the ``(N, C)`` temporal noise in counts/s.

        Selection gives every frame a partner (``needs_pairs``); a stack
        without one (a hand-built stack) is refused.

        Raises
        ------
        BadInput
            When a selected frame has no partner at its exposure time.
        """
        for record in stack.frames:
            if record.partner is None:
                raise BadInput(None, f"noise model pairs: image {record.image_number} ({record.wavelength}) has no second frame at its exposure")

        def noise(index: int, frame: Frame) -> np.ndarray:
            partner = stack.partner(index)
            return np.sqrt(np.maximum(pair_variance(frame.pixels, partner.pixels), 0.0)) / frame.exposure_time

        return np.array(stack.map(noise))


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``pairs`` noise model."""
    register(Pairs())
