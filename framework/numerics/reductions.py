"""Sums over the pixels and channels of a frame: exact for integer pixels, and fast.

numpy reduces slowly over a short last axis (summing the 3 channels of each
pixel, or each channel over an ``(H, W, 3)`` frame, runs at a fraction of
memory speed), so these helpers work on one channel plane at a time instead.
They accept strided views (such as a memory-mapped ROI) without copying them,
and call no BLAS routine (BLAS calls from several threads at once are slow).
Integer pixels of up to 16 bits are summed in int64, which is exact.
"""

from __future__ import annotations

import numpy as np

__all__ = ["channel_totals", "pixel_sums", "is_exact_integer"]


def is_exact_integer(pixels: np.ndarray) -> bool:
    """Whether ``pixels`` are integers narrow enough for exact int64 sums of squares."""
    return pixels.dtype.kind in "ui" and pixels.dtype.itemsize <= 2


def channel_totals(pixels: np.ndarray) -> np.ndarray:
    """``(C,)`` sum of each channel over all pixels of an ``(..., C)`` array, as float64.

    Exact (summed in int64) for integer pixels of up to 16 bits.
    """
    accumulator = np.int64 if is_exact_integer(pixels) else np.float64
    return np.array([pixels[..., c].sum(dtype=accumulator) for c in range(pixels.shape[-1])], dtype=np.float64)


def pixel_sums(pixels: np.ndarray) -> np.ndarray:
    """``(P,)`` sum over the channels of each pixel of an ``(..., C)`` array.

    int64 for integer pixels of up to 16 bits, float64 otherwise.
    """
    total = pixels[..., 0].astype(np.int64 if is_exact_integer(pixels) else np.float64)
    for c in range(1, pixels.shape[-1]):
        total += pixels[..., c]
    return total.ravel()
