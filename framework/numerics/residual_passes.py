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
    """Fit a straight line per pixel through the frames ``scales[n] x raw counts``; each frame's residual sums.

    The fixed-pattern separation of ``linear-fpn`` and ``fpn-unbiased``, in
    two passes over the stack whatever runs it: a stack on a dask cluster
    (``stack.distributed``) computes it in chunks of frames as tasks there;
    any other stack streams its frames through a cache-blocked fit here.

    Parameters
    ----------
    stack
        The selected frames, streamed twice.
    scales
        ``(N,)`` factor applied to each frame's raw counts: ``1 / t`` to fit in
        counts/s (the original model), ``1`` to fit in counts.
    stimulus
        ``(N, C)`` the regressor: each frame's channel means, in the same units.
    neighbours
        Also sum the products of each frame's residuals with the previous
        frame's, pixel by pixel: temporal noise leaves them near zero, a
        fixed pattern the lines miss does not (:func:`pattern_drift` tests them).

    Returns
    -------
    numpy.ndarray
        ``(N, 2, C)``: the sum over the ROI of the residuals and of their
        squares, per frame and channel; ``(N, 3, C)`` with ``neighbours``,
        the third being ``sum r[n] r[n - 1]`` (0 for the first frame).
    """
    if stack.distributed:
        return chunked_residual_moments(stack, scales, stimulus, neighbours)
    return streamed_residual_moments(stack, scales, stimulus, neighbours)
