"""The estimated peak memory of one ``camchar stats`` run, from its plan and its first image's header.

The estimate is an upper bound built from the memory rule
(``docs/architecture.md``), not a measurement:

- a fixed part: the interpreter and its libraries (:data:`BASE_BYTES`), the
  noise model's batch of 16 frames and its per-pixel sums (24 frames of the
  ROI as float64), and one extra bracket in flight;
- per worker thread: one whole frame being decoded (as float64, the most a
  decoder holds) and one bracket of ROI frames in flight (at least 4 bytes a
  sample, as selection holds them).

It decodes nothing: one header is read. ``benchmarks/batch_speed.py``
prints it beside the peak measured.
"""

from __future__ import annotations

import numpy as np

from camchar.runtime.jobs import Footprint
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen
from camchar.stats.plan import load_request, plan_sweep

__all__ = ["sweep_footprint", "BASE_BYTES", "NOISE_MODEL_FRAMES"]

#: The interpreter, numpy, h5py, tifffile, rawpy and camchar with its plugins, rounded up.
BASE_BYTES = 128 << 20
#: Frames of the ROI, as float64, that a noise model may hold at once (a batch of 16 and its per-pixel sums).
NOISE_MODEL_FRAMES = 24


def sweep_footprint(settings: Settings, chosen: Chosen) -> Footprint:
    """The estimated peak memory of a run of ``settings`` with ``chosen``'s loader.

    Raises
    ------
    BadInput
        When the plan cannot be made or the first image's header cannot be read.
    """
    plan = plan_sweep(settings, chosen.loader.registered.component)
    first = plan.brackets[0].images[0][1]
    info = chosen.loader.component.probe(first, load_request(settings))
    itemsize = np.dtype(info.sample_type).itemsize if info.sample_type else 8
    height, width = (settings.roi.h, settings.roi.w) if settings.roi is not None else (info.height, info.width)
    roi_float64 = height * width * info.channels * 8
    bracket = max(len(bracket.images) for bracket in plan.brackets) * height * width * info.channels * max(itemsize, 4)
    whole_float64 = info.height * info.width * info.channels * 8
    return Footprint(fixed=BASE_BYTES + NOISE_MODEL_FRAMES * roi_float64 + bracket, per_thread=whole_float64 + bracket)
