"""The FPN models' residual moments, computed the way the stack runs: streamed here, or in chunks on a cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from camchar.numerics.chunked_fit import chunked_residual_moments
from camchar.numerics.line_fit import residual_moments as streamed_residual_moments

if TYPE_CHECKING:
    from camchar.host.stack import SelectedStack

__all__ = ["residual_moments"]


def residual_moments(stack: "SelectedStack", scales: np.ndarray, stimulus: np.ndarray, neighbours: bool = False) -> np.ndarray:
    """Each frame's residual sums after the per-pixel line fits (:func:`camchar.numerics.line_fit.residual_moments`).

    A stack on a dask cluster (``stack.distributed``) runs the chunked form
    (:mod:`camchar.numerics.chunked_fit`) as tasks there; any other stack
    streams its frames through the cache-blocked fit here.
    """
    if stack.distributed:
        return chunked_residual_moments(stack, scales, stimulus, neighbours)
    return streamed_residual_moments(stack, scales, stimulus, neighbours)
