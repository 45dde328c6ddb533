"""The kernels' source: each loop of the numpy path, fused into one pass over the values, on raw pointers.

numba compiles these functions (:mod:`camchar.numerics.kernels.build`);
they are plain Python otherwise and never called as such. Each takes
pointers to the first value of C-ordered rows, the rows' strides in values,
and its sizes, and writes its results through pointers: no kernel allocates,
raises or calls into Python, so that the compiled code needs nothing but
itself.

Each kernel performs the numpy path's operations in the numpy path's order:
the same casts, the same products, sums down the rows one row after the
other, as numpy reduces the outer axis of a C-ordered array. No operation is
fused into a multiply-add (numba contracts only under ``fastmath``, which is
off), so the results are bit for bit the numpy path's, except the sum of
neighbouring residual products, which numpy forms with ``einsum`` in an
order of its own (within 1e-13 relative; ``tests/numerics/test_fast_path.py``).

:data:`ARGUMENTS` gives each kernel's C signature: ``samples`` is a pointer
to values of the sample type the kernels are built for, ``float64*`` and
``int64*`` pointers to those types, ``int`` a signed index (``intp``) and
``float64`` a double.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ARGUMENTS", "KERNELS"]


def pixel_sum_moments(rows, row_stride, height, width, channels, narrow, sums, result):  # pragma: no cover - compiled
    """``result = (sum s, sum s**2)`` over the pixels of ``(height, width*channels)`` integer rows, ``s`` a pixel's channel sum, in int64.

    With ``narrow`` (samples of at most 16 bits, at most 32768 channels: a
    pixel's sum fits in int32), three channels are summed in one loop in
    int32, which vectorises (0.64 -> 0.2 ms for a 750 x 750 x 3 frame);
    otherwise a row's channel sums are formed channel after channel in
    ``sums`` (``width`` values), so that each loop runs down the row. The
    sums are exact integers either way.
    """
    total = np.int64(0)
    squares = np.int64(0)
    if narrow and channels == 3:
        for i in range(height):
            row = i * row_stride
            for p in range(width):
                pixel = np.int64(np.int32(rows[row + 3 * p]) + np.int32(rows[row + 3 * p + 1]) + np.int32(rows[row + 3 * p + 2]))
                total += pixel
                squares += pixel * pixel
    else:
        for i in range(height):
            row = i * row_stride
            for p in range(width):
                sums[p] = np.int64(rows[row + p * channels])
            for c in range(1, channels):
                for p in range(width):
                    sums[p] += rows[row + p * channels + c]
            for p in range(width):
                total += sums[p]
                squares += sums[p] * sums[p]
    result[0] = total
    result[1] = squares


def difference_moments(longer, longer_stride, shorter, shorter_stride, origin, broadcast, height, items, channels, step, columns, mean_row, mean, squares):  # pragma: no cover - compiled
    """``mean`` (``channels``) of the differences ``longer - shorter`` over every ``step``-th row, and ``squares``, the sums of their squared deviations.

    Column sums down the rows, then folded into channels, as the numpy
    path sums: first of the differences (less a mean of zero, which changes
    no value), then of their squared deviations from the mean. With
    ``broadcast`` the shorter frame is ``origin``, one value. ``columns``
    and ``mean_row`` are ``items`` values of scratch.
    """
    for j in range(items):
        mean_row[j] = 0.0
    count = ((height + step - 1) // step) * (items // channels)
    for sweep in range(2):
        for j in range(items):
            columns[j] = 0.0
        i = 0
        while i < height:
            for j in range(items):
                subtrahend = origin if broadcast else np.float64(shorter[i * shorter_stride + j])
                deviation = np.float64(longer[i * longer_stride + j]) - subtrahend - mean_row[j]
                columns[j] += deviation if sweep == 0 else deviation * deviation
            i += step
        totals = mean if sweep == 0 else squares
        for c in range(channels):
            totals[c] = 0.0
        for j in range(items):
            totals[j % channels] += columns[j]
        if sweep == 0:
            for c in range(channels):
                mean[c] = mean[c] / count
            for j in range(items):  # each value's channel mean, so that no loop divides an index
                mean_row[j] = mean[j % channels]


def accumulate_lines(counts, counts_stride, height, items, scale, centred_row, sum_y, sum_xy, sums_stride):  # pragma: no cover - compiled
    """Pass 1 for one frame's block of rows: ``sum_y += y`` and ``sum_xy += y X``, ``y = counts x scale`` as float64."""
    scaled = scale != 1.0
    for i in range(height):
        row = i * counts_stride
        out = i * sums_stride
        for j in range(items):
            y = np.float64(counts[row + j])
            if scaled:
                y *= scale
            sum_y[out + j] += y
            sum_xy[out + j] += y * centred_row[j]


def residual_sums(counts, counts_stride, height, items, scale, centred_row, mean_y, bias, fit_stride, sums, terms, previous, previous_stride, neighbours):  # pragma: no cover - compiled
    """Pass 2 for one frame's block of rows: column sums of the residuals ``r`` and ``r**2`` into rows 0 and 1 of ``sums``.

    ``sums`` is ``terms`` rows of ``items`` values. With ``neighbours``,
    its row 2 gets the column sums of ``r`` times ``previous`` (the frame
    before's residuals), and ``previous`` this frame's residuals.
    """
    scaled = scale != 1.0
    for k in range(terms * items):
        sums[k] = 0.0
    for i in range(height):
        row = i * counts_stride
        fit = i * fit_stride
        before = i * previous_stride
        for j in range(items):
            y = np.float64(counts[row + j])
            if scaled:
                y *= scale
            r = (y - mean_y[fit + j]) - bias[fit + j] * centred_row[j]
            sums[j] += r
            sums[items + j] += r * r
            if neighbours:
                sums[2 * items + j] += r * previous[before + j]
                previous[before + j] = r


#: Each kernel's arguments, by kind (the module's docstring says what each kind is).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "pixel_sum_moments": ("samples", "int", "int", "int", "int", "int", "int64*", "int64*"),
    "difference_moments": ("samples", "int", "samples", "int", "float64", "int", "int", "int", "int", "int", "float64*", "float64*", "float64*", "float64*"),
    "accumulate_lines": ("samples", "int", "int", "int", "float64", "float64*", "float64*", "float64*", "int"),
    "residual_sums": ("samples", "int", "int", "int", "float64", "float64*", "float64*", "float64*", "int", "float64*", "int", "float64*", "int", "int"),
}

#: The kernels by name.
KERNELS = {"pixel_sum_moments": pixel_sum_moments, "difference_moments": difference_moments, "accumulate_lines": accumulate_lines, "residual_sums": residual_sums}
