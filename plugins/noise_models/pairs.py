"""Noise model ``pairs``: the EMVA 1288 temporal noise from two frames at the same exposure.

EMVA 1288 (Release 4.0) estimates the temporal noise from two frames ``A`` and
``B`` taken under identical conditions (:func:`camchar.api.numerics.pair_variance`): their
difference holds no fixed pattern and twice the temporal variance. The noise
is ``sigma / t`` in counts/s, over the pixels of the ROI the defect mask
leaves in. It needs no model of the fixed pattern and no other bracket, but two frames at the selected exposure in every bracket: shoot the
sweep with two frames per exposure (``camchar simulate --frames-per-exposure
2`` shows the layout).
"""

from __future__ import annotations

import numpy as np

from camchar.api import BadInput, Frame, NoiseModel, SelectedStack, hookimpl
from camchar.api.numerics import pair_variance

__all__ = ["Pairs"]


class Pairs(NoiseModel):
    """Temporal noise from the difference of two frames at the selected exposure (EMVA 1288)."""

    name = "pairs"
    description = "EMVA 1288 temporal noise from two frames at the same exposure (brackets without a pair are skipped)"
    supports_cluster = True
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
            return np.sqrt(np.maximum(pair_variance(frame.pixels, partner.pixels, stack.mask), 0.0)) / frame.exposure_time

        return np.array(stack.map(noise))


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``pairs`` noise model."""
    register(Pairs())
