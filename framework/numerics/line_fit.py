"""Per-pixel straight-line fits through a stack of frames, streamed: what the FPN noise models (and ``image_stats.fpn``) share.

For each pixel ``p`` and channel ``c`` a line is fitted through the pixel's
values over the ``N`` frames against a stimulus common to all pixels (each
frame's channel mean)::

    y[n, p, c] = offset[p, c] + bias[p, c] * x[n, c]

by ordinary least squares with population moments. Since the centred
stimulus ``X = x - mean x`` sums to zero, ``bias = sum_n X[n] y[n] / (N var x)``
and the residual is ``r[n] = y[n] - mean_n y - bias X[n]``.

:func:`residual_moments` streams the stack twice: once for the per-pixel sums
``sum y`` and ``sum X y``, once for each frame's residual sums ``sum r`` and
``sum r^2``. It holds two batches of raw frames (16 frames or 64 MiB each at
most, whatever ``N``) and the per-pixel arrays, never the whole stack (the
memory contract). The work goes by blocks of rows that fit the CPU cache, on
the worker threads: each block of the per-pixel arrays is brought into cache
once per batch rather than once per frame, which is what limits the speed
otherwise.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Tuple

import attrs
import numpy as np
from numpy.typing import ArrayLike

from camchar.core.errors import BadInput
from camchar.numerics import fast_path

if TYPE_CHECKING:
    from camchar.host.stack import SelectedStack

__all__ = ["LineFit", "fpn", "residual_moments"]


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
        """Finish the fit from ``sum_n y[n]`` and ``sum_n X[n] y[n]``, dividing them in place (they become the fit's arrays).

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
        # in place: two arrays of the frame's size less to allocate (fresh memory is slow to touch)
        return cls(centred, mean_stimulus, np.divide(sum_y, n_frames, out=sum_y), np.divide(sum_xy, n_frames * variance, out=sum_xy))

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


def residual_moments(stack: "SelectedStack", scales: np.ndarray, stimulus: np.ndarray, neighbours: bool = False) -> np.ndarray:
    """Fit the per-pixel lines through the frames ``scales[n] x raw counts`` and return each frame's residual sums.

    The stack streamed through a cache-blocked fit on this machine (one more
    frame of memory with ``neighbours``); parameters and result as for the
    public :func:`camchar.api.numerics.residual_moments`, which calls it.
    """
    terms = _Terms(stack, scales, stimulus, stimulus - stimulus.mean(axis=0))
    if neighbours:
        terms = attrs.evolve(terms, previous=np.zeros((terms.height, terms.row_items)))
    moments = np.zeros((len(stack), 3 if neighbours else 2, stack.shape[2]))
    with stack.split_rows() as rows:
        fit = _fit_lines(stack, terms, rows)
        for batch in stack.iter_batches():
            batch = terms.with_centred_rows(batch)
            block_sums = rows.run(functools.partial(terms.residual_sums, batch, fit), terms.height, terms.row_items, _block_bytes())
            moments[[index for index, _, _ in batch]] = np.sum(block_sums, axis=0)
    return moments


@attrs.frozen(eq=False)
class _Terms:
    """What both passes need: the frame geometry, each frame's scale and centred stimulus."""

    stack: "SelectedStack"
    scales: np.ndarray
    stimulus: np.ndarray
    centred: np.ndarray
    #: ``(H, W*C)`` the residuals of the frame before, when neighbouring products are summed.
    previous: np.ndarray | None = None

    @property
    def height(self) -> int:
        return self.stack.shape[0]

    @property
    def row_items(self) -> int:
        return self.stack.shape[1] * self.stack.shape[2]

    def with_centred_rows(self, batch) -> list:
        """``(index, frame, centred row)`` for a batch: frame ``index``'s centred stimulus repeated along a row.

        Multiplying ``(rows, W*C)`` blocks by the row has a long inner loop;
        a ``(C,)`` broadcast runs several times slower.
        """
        return [(index, frame, np.tile(self.centred[index], self.stack.shape[1])) for index, frame in batch]

    def counts(self, frame, block: slice) -> np.ndarray:
        """Rows ``block`` of ``frame`` as ``(rows, W*C)``, unscaled."""
        return frame.pixels.reshape(self.height, self.row_items)[block]

    def values(self, frame, index: int, block: slice, out: np.ndarray) -> np.ndarray:
        """Rows ``block`` of frame ``index`` as scaled float64 ``(rows, W*C)``, written into ``out``."""
        return _scaled(self.counts(frame, block), self.scales[index], out)

    def accumulate(self, batch, sum_y: np.ndarray, sum_xy: np.ndarray, block: slice) -> None:
        """Add the batch's ``y`` and ``X y`` to rows ``block`` of the per-pixel sums."""
        block_y, block_xy = sum_y[block], sum_xy[block]
        compiled = fast_path.kernels(wait=True)
        if compiled is not None and all(compiled.takes(frame.pixels.dtype) for _, frame, _ in batch):
            compiled.accumulate_lines([(self.counts(frame, block), self.scales[index], centred_row) for index, frame, centred_row in batch], block_y, block_xy)
            return
        y = np.empty_like(block_y)
        for index, frame, centred_row in batch:
            self.values(frame, index, block, y)
            block_y += y
            y *= centred_row
            block_xy += y

    def residual_sums(self, batch, fit: LineFit, block: slice) -> np.ndarray:
        """``(len(batch), 2, C)`` sums of the residuals and their squares over rows ``block``.

        Sums go down the columns first, then over the pixels of each
        channel: numpy's reductions over a short last axis, and BLAS calls
        made from several threads at once, are both several times slower.
        """
        mean_y = fit.mean_y.reshape(self.height, self.row_items)[block]
        bias = fit.bias.reshape(self.height, self.row_items)[block]
        terms = 2 if self.previous is None else 3
        sums = np.empty((len(batch), terms, self.row_items))
        compiled = fast_path.kernels(wait=True)
        if compiled is not None and all(compiled.takes(frame.pixels.dtype) for _, frame, _ in batch):
            previous = self.previous[block] if self.previous is not None else mean_y
            frames = [(self.counts(frame, block), self.scales[index], centred_row) for index, frame, centred_row in batch]
            compiled.residual_sums(frames, mean_y, bias, sums, previous, self.previous is not None)
            return self._by_channel(sums)
        y, fitted = np.empty_like(mean_y), np.empty_like(mean_y)
        for position, (index, frame, centred_row) in enumerate(batch):
            self.values(frame, index, block, y)
            y -= mean_y
            y -= np.multiply(bias, centred_row, out=fitted)
            y.sum(axis=0, out=sums[position, 0])
            if self.previous is not None:  # batches come in frame order, and each block owns its rows
                before = self.previous[block]
                np.einsum("ij,ij->j", y, before, out=sums[position, 2])
                before[...] = y
            np.multiply(y, y, out=y)
            y.sum(axis=0, out=sums[position, 1])
        return self._by_channel(sums)

    def _by_channel(self, sums: np.ndarray) -> np.ndarray:
        """``(frames, terms, W*C)`` column sums folded into ``(frames, terms, C)`` channel sums."""
        return sums.reshape(*sums.shape[:2], self.stack.shape[1], self.stack.shape[2]).sum(axis=2)


def _fit_lines(stack: "SelectedStack", terms: _Terms, rows) -> LineFit:
    """Pass 1: the per-pixel sums ``sum y`` and ``sum X y``, then the lines through them."""
    sum_y = np.zeros((terms.height, terms.row_items))
    sum_xy = np.zeros((terms.height, terms.row_items))
    for batch in stack.iter_batches():
        batch = terms.with_centred_rows(batch)
        rows.run(functools.partial(terms.accumulate, batch, sum_y, sum_xy), terms.height, terms.row_items, _block_bytes())
    return LineFit.from_sums(terms.stimulus, sum_y.reshape(stack.shape), sum_xy.reshape(stack.shape))


def _block_bytes() -> int | None:
    """Rows per block for the passes: the splitter's (about 1 MiB, for numpy's chains of temporaries), or 4 MiB with the kernels.

    A kernel keeps no temporaries, so a block only has to stay in the
    last-level cache across a batch; larger blocks mean fewer calls (4 MiB:
    the passes 0.34-0.45 -> 0.29-0.30 s on the full-size sweep, 2 MiB between).
    """
    return _KERNEL_BLOCK_BYTES if fast_path.kernels(wait=True) is not None else None


#: The float64 bytes of one per-pixel array's block when the kernels run the passes (measured, ``_block_bytes``).
_KERNEL_BLOCK_BYTES = 4 << 20


def _scaled(counts: np.ndarray, scale: float, out: np.ndarray) -> np.ndarray:
    """``counts x scale`` as float64, written into ``out`` (and returned).

    For rates, ``scale = 1 / t``: a cast, then an in-place multiplication by
    the reciprocal is three times faster than a mixed-type division, and
    within one rounding of it. Writing into the caller's array rather than a
    new one spares the page faults of fresh memory for every frame.
    """
    np.copyto(out, counts, casting="unsafe")
    if scale != 1.0:
        out *= scale
    return out
