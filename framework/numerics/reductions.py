"""Sums over the pixels and channels of a frame: exact for integer pixels, and fast.

numpy reduces slowly over a short last axis (summing the 3 channels of each
pixel, or each channel over an ``(H, W, 3)`` frame, runs at a fraction of
memory speed), and slowly over strided views that need a cast. These helpers
go down the rows of a frame instead: an ``(H, W, C)`` frame whose rows are
contiguous (a ROI cut from a file, or a whole frame) is an ``(H, W*C)`` array
without a copy, and summing it down its rows runs at memory speed; the
``W*C`` column sums are then folded into ``C`` channel sums. They call no BLAS
routine (BLAS calls from several threads at once are slow).

Integer pixels of up to 16 bits are summed exactly: column sums in 32 bits
over at most 65536 rows at a time, and the sums of the per-pixel channel
sums and of their squares in float64 over blocks small enough that every
partial sum is an integer below 2**53, then added as Python integers.
"""

from __future__ import annotations

import numpy as np

from camchar.numerics import fast_path

__all__ = ["channel_totals", "channel_maxima", "pixel_rows", "pixel_sums", "pixel_sum_moments", "is_exact_integer"]

#: Every integer of magnitude below this is a float64.
_EXACT_FLOAT64 = 2.0**53
#: Rows per block of :func:`pixel_sum_moments`: its three working arrays stay in the CPU cache.
_SUM_BLOCK_ROWS = 32
#: Rows of 16-bit values whose sum fits a 32-bit accumulator (65536 x 32768 = 2**31).
_ROWS_PER_32_BIT_SUM = 1 << 16


def is_exact_integer(pixels: np.ndarray) -> bool:
    """Whether ``pixels`` are integers narrow enough for exact int64 sums of squares."""
    return pixels.dtype.kind in "ui" and pixels.dtype.itemsize <= 2


def channel_totals(pixels: np.ndarray) -> np.ndarray:
    """``(C,)`` sum of each channel over all pixels of an ``(..., C)`` array, as float64.

    Exact (summed in integers) for integer pixels of up to 16 bits.
    """
    rows = pixel_rows(pixels)
    if rows is None or not is_exact_integer(pixels):
        accumulator = np.int64 if is_exact_integer(pixels) else np.float64
        return np.array([pixels[..., c].sum(dtype=accumulator) for c in range(pixels.shape[-1])], dtype=np.float64)
    column_type = np.uint32 if pixels.dtype.kind == "u" else np.int32
    columns = np.zeros(rows.shape[1], dtype=np.int64)
    for start in range(0, rows.shape[0], _ROWS_PER_32_BIT_SUM):
        columns += rows[start : start + _ROWS_PER_32_BIT_SUM].sum(axis=0, dtype=column_type)
    return columns.reshape(-1, pixels.shape[-1]).sum(axis=0).astype(np.float64)


def channel_maxima(pixels: np.ndarray) -> np.ndarray:
    """``(C,)`` largest value of each channel of an ``(H, W, C)`` array, in its own type.

    Down the rows when they are contiguous (three times faster than per
    channel over strided planes), per channel otherwise.
    """
    rows = pixel_rows(pixels)
    if rows is None:
        return np.array([pixels[..., c].max() for c in range(pixels.shape[-1])], dtype=pixels.dtype)
    return rows.max(axis=0).reshape(-1, pixels.shape[-1]).max(axis=0)


def pixel_sums(pixels: np.ndarray) -> np.ndarray:
    """``(P,)`` sum over the channels of each pixel of an ``(..., C)`` array.

    int64 for integer pixels of up to 16 bits, float64 otherwise.
    """
    total = pixels[..., 0].astype(np.int64 if is_exact_integer(pixels) else np.float64)
    for c in range(1, pixels.shape[-1]):
        total += pixels[..., c]
    return total.ravel()


def pixel_sum_moments(pixels: np.ndarray) -> tuple[int, int, int] | None:
    """``(P, sum s, sum s**2)`` over the pixels, ``s`` the sum of a pixel's channels: exact integers.

    For an ``(H, W, C)`` frame of integers of up to 16 bits with contiguous
    rows; ``None`` for any other array (use :func:`pixel_sums`).

    Each block of rows is cast to float32 (exact: ``C x 65535 < 2**24`` for
    up to 256 channels), its channels added with strided views, and the sums
    taken in float64 over blocks of fewer than ``2**53 / max(s)**2`` pixels,
    so that no partial sum is rounded. The blocks are worked on in three
    arrays allocated once per call.
    """
    rows = pixel_rows(pixels)
    if rows is None or not is_exact_integer(pixels) or pixels.ndim != 3 or pixels.shape[2] > 256:
        return None
    height, width, channels = pixels.shape
    limits = np.iinfo(pixels.dtype)
    largest_square = float(channels * max(limits.max, -limits.min)) ** 2
    block_rows = min(height, _SUM_BLOCK_ROWS, int(_EXACT_FLOAT64 // (largest_square * max(width, 1))))
    if block_rows < 1:
        return None
    compiled = fast_path.kernels()
    if compiled is not None and height * width * largest_square < 2.0**63 and compiled.takes(rows.dtype):
        total, squares = compiled.pixel_sum_moments(rows, channels)
        return height * width, int(total), int(squares)
    values = np.empty((block_rows, width * channels), np.float32)
    sums = np.empty((block_rows, width), np.float32)
    exact = np.empty((block_rows, width), np.float64)
    total = squares = 0
    for start in range(0, height, block_rows):
        block = rows[start : start + block_rows]
        count = block.shape[0]
        np.copyto(values[:count], block)
        np.copyto(sums[:count], values[:count, 0::channels])
        for channel in range(1, channels):
            np.add(sums[:count], values[:count, channel::channels], out=sums[:count])
        np.copyto(exact[:count], sums[:count])
        total += int(exact[:count].sum())
        squares += int(np.einsum("ij,ij->", exact[:count], exact[:count]))
    return height * width, total, squares


def pixel_rows(pixels: np.ndarray) -> np.ndarray | None:
    """``pixels`` ``(H, W, C)`` as a read-only ``(H, W*C)`` view when each row is contiguous, else ``None``.

    Parameters
    ----------
    pixels
        A frame's pixels.

    Returns
    -------
    ndarray or None
        The rows, without a copy; ``None`` for any other array.
    """
    if pixels.ndim != 3 or pixels.size == 0:
        return None
    item = pixels.dtype.itemsize
    height, width, channels = pixels.shape
    if (channels > 1 and pixels.strides[2] != item) or (width > 1 and pixels.strides[1] != channels * item):
        return None
    return np.lib.stride_tricks.as_strided(pixels, (height, width * channels), (pixels.strides[0], item), writeable=False)
