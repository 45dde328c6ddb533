"""The compiled kernels of the fast path: each loop the numpy path runs, fused into one pass over the values.

Imported only by :mod:`camchar.numerics.fast_path`, and only when a sweep is
large enough to gain: importing numba costs about a third of a second.
Every kernel is compiled once per installation and sample type
(``cache=True``) and releases the GIL (``nogil=True``), so that the worker
threads run them side by side.

Each kernel performs the numpy path's operations in the numpy path's order:
the same casts, the same products, sums down the rows one row after the
other, as numpy reduces the outer axis of a C-ordered array. No operation is
fused into a multiply-add (numba contracts only under ``fastmath``, which is
off), so the results are bit for bit the numpy path's, except the sum of
neighbouring residual products, which numpy forms with ``einsum`` in an
order of its own (within 1e-13 relative; ``tests/numerics/test_fast_path.py``).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["pixel_sum_moments", "difference_moments", "accumulate_lines", "residual_sums", "warm_up"]

_compiled = numba.njit(cache=True, nogil=True)


@_compiled
def pixel_sum_moments(rows, channels):  # pragma: no cover - compiled
    """``(sum s, sum s**2)`` over the pixels of ``(H, W*C)`` integer rows, ``s`` a pixel's channel sum, in int64.

    A row's channel sums are formed channel after channel in a buffer, so
    that each loop runs down the row (and vectorises).
    """
    width = rows.shape[1] // channels
    sums = np.empty(width, np.int64)
    total = 0
    squares = 0
    for i in range(rows.shape[0]):
        row = rows[i]
        for p in range(width):
            sums[p] = np.int64(row[p * channels])
        for c in range(1, channels):
            for p in range(width):
                sums[p] += row[p * channels + c]
        for p in range(width):
            total += sums[p]
            squares += sums[p] * sums[p]
    return total, squares


@_compiled
def difference_moments(longer, shorter, channels, step):  # pragma: no cover - compiled
    """``(C,)`` mean of the differences ``longer - shorter`` over every ``step``-th of the ``(H, W*C)`` rows, and ``(C,)`` sums of their squared deviations.

    Column sums down the rows, then folded into channels, as the numpy path
    sums; ``shorter`` of one value broadcasts (the origin). The rows are
    taken here rather than as a strided view, so that each row is known
    to be contiguous and its loops vectorise.
    """
    height, items = longer.shape
    broadcast = shorter.shape[0] == 1 and shorter.shape[1] == 1
    origin = np.float64(shorter[0, 0])
    columns = np.zeros(items)
    for i in range(0, height, step):
        if broadcast:
            for j in range(items):
                columns[j] += np.float64(longer[i, j]) - origin
        else:
            for j in range(items):
                columns[j] += np.float64(longer[i, j]) - np.float64(shorter[i, j])
    count = ((height + step - 1) // step) * (items // channels)
    mean = np.zeros(channels)
    for j in range(items):
        mean[j % channels] += columns[j]
    mean /= count
    mean_row = np.empty(items)  # each value's channel mean, so that no loop below divides an index
    for j in range(items):
        mean_row[j] = mean[j % channels]
    columns[:] = 0.0
    for i in range(0, height, step):
        if broadcast:
            for j in range(items):
                deviation = np.float64(longer[i, j]) - origin - mean_row[j]
                columns[j] += deviation * deviation
        else:
            for j in range(items):
                deviation = np.float64(longer[i, j]) - np.float64(shorter[i, j]) - mean_row[j]
                columns[j] += deviation * deviation
    squares = np.zeros(channels)
    for j in range(items):
        squares[j % channels] += columns[j]
    return mean, squares


@_compiled
def accumulate_lines(counts, scale, centred_row, sum_y, sum_xy):  # pragma: no cover - compiled
    """Pass 1 for one frame's block of rows: ``sum_y += y`` and ``sum_xy += y X``, ``y = counts x scale`` as float64."""
    scaled = scale != 1.0
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            y = np.float64(counts[i, j])
            if scaled:
                y *= scale
            sum_y[i, j] += y
            sum_xy[i, j] += y * centred_row[j]


@_compiled
def residual_sums(counts, scale, centred_row, mean_y, bias, sums, previous, neighbours):  # pragma: no cover - compiled
    """Pass 2 for one frame's block of rows: column sums of the residuals ``r`` and ``r**2`` into ``sums[0]``, ``sums[1]``.

    With ``neighbours``, ``sums[2]`` gets the column sums of ``r`` times
    ``previous`` (the frame before's residuals), and ``previous`` this
    frame's residuals.
    """
    scaled = scale != 1.0
    sums[:] = 0.0
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            y = np.float64(counts[i, j])
            if scaled:
                y *= scale
            r = (y - mean_y[i, j]) - bias[i, j] * centred_row[j]
            sums[0, j] += r
            sums[1, j] += r * r
            if neighbours:
                sums[2, j] += r * previous[i, j]
                previous[i, j] = r


def warm_up() -> None:
    """Call each kernel once on a few values of the types a 16-bit TIFF sweep gives them: numba starts its code generator and loads them from its cache.

    The types are the pipeline's (frames read into compact buffers: whole
    rows contiguous, the SNR's rows read-only), so that no kernel loads another specialisation in the
    middle of the run; other sample types and layouts load on first use.
    """
    frame = np.zeros((16, 6), np.uint16)
    readonly = frame.view()
    readonly.flags.writeable = False
    sums = np.zeros((16, 6))
    pixel_sum_moments(readonly, 3)
    difference_moments(readonly, readonly, 3, 8)
    accumulate_lines(frame, 0.5, np.ones(6), sums, sums.copy())
    residual_sums(frame, 0.5, np.ones(6), sums, sums, np.zeros((2, 6)), sums, False)
