"""Noise model ``linear-fpn``: the original ``image_stats`` fixed-pattern separation.

For each pixel ``p`` and channel ``c``, a straight line is fitted through the
pixel's values over the ``N`` selected frames against the stimulus (each
frame's channel mean)::

    y[n, p, c] = offset[p, c] + bias[p, c] * x[n, c]

``offset`` and ``bias`` are the fixed pattern; the temporal noise of frame
``n`` is the standard deviation over the pixels of the residuals
``y - (offset + bias * x)``.

The fit is ordinary least squares with population moments, as the original:
``bias = mean_n((x - mean x)(y - mean y)) / var(x)``. Since the centred
stimulus ``X = x - mean x`` sums to zero, ``bias = sum_n X[n] y[n] / (N var x)``
and the residual is ``r[n] = y[n] - mean_n y - bias X[n]``. The model streams
the stack twice: once for the per-pixel sums ``sum y`` and ``sum X y``, once
for the residual sums ``sum r`` and ``sum r^2`` of each frame. It holds two
batches of raw frames (16 frames or 64 MiB each at most, whatever ``N``) and the per-pixel
arrays, never the whole stack (the memory contract). The work goes by blocks
of rows that fit the CPU cache, on the worker threads: each block of the
per-pixel arrays is brought into cache once per batch rather than once per
frame, which is what limits the speed otherwise.
"""

from __future__ import annotations

import warnings
from typing import Tuple

import attrs
import numpy as np
from numpy.typing import ArrayLike

from camchar.errors import BadInput, CamcharWarning
from camchar.markers import hookimpl
from camchar.stack import SelectedStack

__all__ = ["LinearFpn", "LineFit", "fpn"]


@attrs.frozen(eq=False)
class LineFit:
    """Per-pixel straight lines through a stack, ``y = mean_y + bias * (x - mean x)``.

    Parameters
    ----------
    centred_stimulus
        ``(N, C)`` stimulus minus its mean over the frames, ``X``.
    mean_stimulus
        ``(C,)`` mean stimulus over the frames.
    mean_y
        ``(H, W, C)`` mean of each pixel over the frames.
    bias
        ``(H, W, C)`` slope of each pixel's line.
    """

    centred_stimulus: np.ndarray
    mean_stimulus: np.ndarray
    mean_y: np.ndarray
    bias: np.ndarray

    @classmethod
    def from_sums(cls, stimulus: np.ndarray, sum_y: np.ndarray, sum_xy: np.ndarray) -> "LineFit":
        """Finish the fit from ``sum_n y[n]`` and ``sum_n X[n] y[n]``.

        Raises
        ------
        BadInput
            When a channel's stimulus does not vary over the frames (fewer
            than two frames, or identical channel means), so no line is defined.
        """
        n_frames = stimulus.shape[0]
        mean_stimulus = stimulus.mean(axis=0)
        centred = stimulus - mean_stimulus
        variance = np.mean(centred**2, axis=0)
        if n_frames < 2 or not np.all(variance > 0):
            raise BadInput(
                None,
                f"linear-fpn fits a line per pixel through the selected frames and needs at least two "
                f"whose channel means differ; this sweep has {n_frames} usable bracket(s)",
            )
        return cls(centred, mean_stimulus, sum_y / n_frames, sum_xy / (n_frames * variance))

    @property
    def offset(self) -> np.ndarray:
        """``(H, W, C)`` intercept of each pixel's line at zero stimulus."""
        return self.mean_y - self.bias * self.mean_stimulus

    def residuals(self, index: int, y: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
        """``y - (offset + bias x[index])`` for frame ``index`` (or its ``rows``), computed in ``y``'s place."""
        y -= self.mean_y[rows]
        y -= self.bias[rows] * self.centred_stimulus[index]
        return y


def fpn(img_stack: ArrayLike, stimulus: ArrayLike) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compute the fixed-pattern noise of an image stack.

    For each pixel ``i, j`` a linear model is fitted::

        img_stack[:, i, j] = offset[i, j] + bias[i, j] * stimulus[:]

    ``offset`` and ``bias`` describe the fixed pattern; the residuals hold the
    remaining (e.g. temporal) noise. This in-memory form serves the
    ``image_stats`` API; the pipeline uses the streamed :class:`LinearFpn`.

    Parameters
    ----------
    img_stack : array_like[(N, H, W, C)]
        Stack of ``N`` images.
    stimulus : array_like[(N, C)]
        Expected pixel values.

    Returns
    -------
    offset : ndarray[(H, W, C)]
    bias : ndarray[(H, W, C)]
    residuals : ndarray[(N, H, W, C)]
        ``residuals = img_stack - (offset + bias * stimulus)``
    """
    img_stack = np.asarray(img_stack, dtype=np.float64)
    stimulus = np.asarray(stimulus, dtype=np.float64)
    centred = stimulus - stimulus.mean(axis=0)
    sum_xy = np.einsum("nc,nhwc->hwc", centred, img_stack)
    fit = LineFit.from_sums(stimulus, img_stack.sum(axis=0), sum_xy)
    residuals = img_stack.copy()
    for index in range(img_stack.shape[0]):
        fit.residuals(index, residuals[index])
    return fit.offset, fit.bias, residuals


class LinearFpn:
    """Residual std after a per-pixel linear fit against the channel means (the original model)."""

    name = "linear-fpn"
    description = "Per-pixel linear fit against the frame means; std of the residuals (the original image_stats model)"

    def estimate(self, stack: SelectedStack) -> np.ndarray:
        """Return the ``(N, C)`` residual standard deviation over the ROI, counts/s.

        Parameters
        ----------
        stack
            The selected frames, streamed twice.

        Returns
        -------
        ndarray
            ``std`` over the pixels (``ddof=0``) of each frame's residuals.
        """
        stimulus = stack.stimulus
        if len(stack) == 2:
            warnings.warn(
                CamcharWarning(
                    "linear-fpn with 2 brackets: a line through two points fits exactly, so the residual noise is 0"
                ),
                stacklevel=2,
            )
        height, width, channels = stack.shape
        row_items = width * channels
        centred = stimulus - stimulus.mean(axis=0)

        def centred_row(index: int) -> np.ndarray:
            # frame index's per-channel factors repeated along a row, so that they multiply
            # (rows, W*C) blocks with a long inner loop (a (C,) broadcast runs several times slower)
            return np.tile(centred[index], width)
        sum_y = np.zeros((height, row_items))
        sum_xy = np.zeros((height, row_items))
        moments = np.zeros((len(stack), 2, channels))  # sum r, sum r^2 of each frame and channel
        with stack.split_rows() as rows:
            for batch in stack.iter_batches():

                rows_of_batch = [centred_row(index) for index, _ in batch]

                def accumulate(block: slice) -> None:
                    block_y, block_xy = sum_y[block], sum_xy[block]
                    for (_, frame), centred_factors in zip(batch, rows_of_batch):
                        y = _rates(frame.pixels.reshape(height, row_items)[block], frame.exposure_time)
                        block_y += y
                        y *= centred_factors
                        block_xy += y

                rows.run(accumulate, height, row_items)
            fit = LineFit.from_sums(stimulus, sum_y.reshape(stack.shape), sum_xy.reshape(stack.shape))
            del sum_y, sum_xy
            mean_y, bias = fit.mean_y.reshape(height, row_items), fit.bias.reshape(height, row_items)
            for batch in stack.iter_batches():

                rows_of_batch = [centred_row(index) for index, _ in batch]

                def residual_sums(block: slice) -> np.ndarray:
                    # sums down the columns, then over the pixels of each channel: numpy's
                    # reductions over a short last axis, and BLAS calls made from several
                    # threads at once, are both several times slower
                    sums = np.empty((len(batch), 2, row_items))
                    for position, ((_, frame), centred_factors) in enumerate(zip(batch, rows_of_batch)):
                        y = _rates(frame.pixels.reshape(height, row_items)[block], frame.exposure_time)
                        y -= mean_y[block]
                        y -= np.multiply(bias[block], centred_factors)
                        y.sum(axis=0, out=sums[position, 0])
                        np.multiply(y, y, out=y)
                        y.sum(axis=0, out=sums[position, 1])
                    return sums.reshape(len(batch), 2, width, channels).sum(axis=2)

                indices = [index for index, _ in batch]
                moments[indices] = np.sum(rows.run(residual_sums, height, row_items), axis=0)
        mean = moments[:, 0] / stack.pixel_count
        mean_square = moments[:, 1] / stack.pixel_count
        return np.sqrt(np.maximum(mean_square - mean**2, 0.0))


def _rates(counts: np.ndarray, exposure_time: float) -> np.ndarray:
    """``counts / exposure_time`` as a new float64 array.

    A cast, then an in-place multiplication by ``1 / exposure_time``: three
    times faster than a mixed-type division, and within one rounding of it.
    """
    rates = counts.astype(np.float64)
    rates *= 1.0 / exposure_time
    return rates


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``linear-fpn`` noise model."""
    register(LinearFpn())
