"""The defect mask: pixels stuck at saturation, left out of the overexposure rule and of every statistic.

One hot pixel at full scale in the ROI makes every frame "overexposed" under
the original rule, and the run stops with no usable bracket. With
``defect_mask`` in the settings (opt-in), camchar finds such pixels first and
leaves them out:

- ``darks``: pixels whose master dark is at saturation (they are at
  saturation in every dark frame);
- ``frames``: pixels at saturation in the shortest exposure of every bracket
  (a pixel saturated even in the dimmest frames of the whole sweep is a defect);
- ``auto``: ``darks`` when the sweep has dark frames, else ``frames``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from camchar.settings.reader import DEFECT_MASK_MODES
from camchar.stats.context import SweepContext
from camchar.stats.levels import Rules, saturation_levels

__all__ = ["MODES", "defect_mask"]

#: The values of the settings' ``defect_mask``.
MODES = DEFECT_MASK_MODES


def defect_mask(context: SweepContext, mode: str, shortest: Sequence[tuple[int, Path]], rules: Rules) -> np.ndarray | None:
    """``(H, W, C)`` pixels stuck at saturation (``True``), or ``None`` when there are none.

    Parameters
    ----------
    context
        The run: its loader, load request and exposure times, to read the frames.
    mode
        One of :data:`MODES`.
    shortest
        The image number and file of the shortest exposure of every bracket
        (from the headers), for ``frames``; the first also serves to learn
        the loader's saturation level for ``darks``.
    rules
        The overexposure rule (threshold, white levels) and the master darks
        (for ``darks``).
    """
    loader, request, exposures, darks = context.chosen.loader.component, context.request, context.exposures, rules.darks
    if mode == "auto":
        mode = "darks" if darks is not None else "frames"
    mask = None
    if mode == "darks" and darks is not None:
        number, path = shortest[0]
        levels = rules.max_fraction * saturation_levels(exposures.frame(loader.load(path, request), number), rules)
        for master in darks.masters.values():
            stuck = master >= levels
            mask = stuck if mask is None else mask | stuck
    else:
        for number, path in shortest:
            frame = exposures.frame(loader.load(path, request), number)
            stuck = frame.pixels >= rules.max_fraction * saturation_levels(frame, rules)
            mask = stuck if mask is None else mask & stuck
    if mask is None or not mask.any():
        return None
    return mask
