"""The per-pixel line fits of the FPN models as independent chunks of frames: the form a cluster runs.

The streamed fit (:mod:`camchar.numerics.line_fit`) brings the frames to one
process in order. Both of its passes are sums over frames, so they split
into chunks of consecutive frames that run anywhere and add up:

- pass 1, per chunk: the per-pixel sums ``sum y`` and ``sum X y`` of its
  frames (one frame's size), summed over the chunks;
- pass 2, per chunk, with the fitted lines: each frame's sums of residuals
  and squared residuals, and, for the neighbour test, the product of its
  residuals with the previous frame's (a chunk decodes the frame before its
  first once more).

The results equal the streamed fit's but for the order of additions.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from camchar.numerics.line_fit import LineFit

if TYPE_CHECKING:
    from camchar.host.stack import SelectedStack

__all__ = ["chunked_residual_moments", "CHUNK_FRAMES"]

#: Frames per chunk: a task holds two per-pixel arrays and one frame at a time, whatever the size.
CHUNK_FRAMES = 8


def chunked_residual_moments(
    stack: "SelectedStack", scales: np.ndarray, stimulus: np.ndarray, neighbours: bool = False, size: int = CHUNK_FRAMES
) -> np.ndarray:
    """What :func:`camchar.api.numerics.residual_moments` returns, computed chunk by chunk.

    Parameters
    ----------
    stack
        The selected frames; ``sum_chunks`` and ``map_chunks`` run the chunks
        (on worker threads, or as tasks on a cluster).
    scales, stimulus, neighbours
        As for :func:`~camchar.api.numerics.residual_moments`.
    size
        Frames per chunk.
    """
    centred = stimulus - stimulus.mean(axis=0)
    sums = stack.sum_chunks(functools.partial(_line_sums, scales=scales, centred=centred), size)
    fit = LineFit.from_sums(stimulus, sums[0], sums[1])
    parts = stack.map_chunks(functools.partial(_residual_sums, scales=scales, fit=fit, neighbours=neighbours), size)
    return np.concatenate(parts)


def _values(stack: "SelectedStack", index: int, scales: np.ndarray) -> np.ndarray:
    values = stack.frame(index).pixels.astype(np.float64)
    if scales[index] != 1.0:
        values *= scales[index]
    return values


def _line_sums(stack: "SelectedStack", start: int, stop: int, scales: np.ndarray, centred: np.ndarray) -> np.ndarray:
    """``(2, H, W, C)``: ``sum y`` and ``sum X y`` over frames ``start`` to ``stop``."""
    sums = np.zeros((2, *stack.shape))
    for index in range(start, stop):
        y = _values(stack, index, scales)
        sums[0] += y
        y *= centred[index]
        sums[1] += y
    return sums


def _residual_sums(stack: "SelectedStack", start: int, stop: int, scales: np.ndarray, fit: LineFit, neighbours: bool) -> np.ndarray:
    """``(stop - start, 2 or 3, C)``: each frame's sums of residuals, their squares and (``neighbours``) products with the frame before."""
    sums = np.zeros((stop - start, 3 if neighbours else 2, stack.shape[2]))
    previous = fit.residuals(start - 1, _values(stack, start - 1, scales)) if neighbours and start > 0 else None
    for position, index in enumerate(range(start, stop)):
        residual = fit.residuals(index, _values(stack, index, scales))
        sums[position, 0] = residual.sum(axis=(0, 1))
        if neighbours and previous is not None:
            sums[position, 2] = np.einsum("hwc,hwc->c", residual, previous)
        previous = residual
        sums[position, 1] = np.einsum("hwc,hwc->c", residual, residual)
    return sums
