"""Sums over the pixels and channels of a frame: exact for integer pixels, and fast.

numpy reduces slowly over a short last axis (summing the 3 channels of each
pixel, or each channel over an ``(H, W, 3)`` frame, runs at a fraction of
memory speed), so these helpers work column by column instead. Integer
pixels of up to 16 bits are summed in int64, which is exact.
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
    flat = pixels.reshape(-1, pixels.shape[-1])
    if is_exact_integer(pixels):
        return np.array([int(flat[:, c].sum(dtype=np.int64)) for c in range(flat.shape[1])], dtype=np.float64)
    return np.ones(flat.shape[0]) @ flat.astype(np.float64, copy=False)


def pixel_sums(pixels: np.ndarray) -> np.ndarray:
    """``(P,)`` sum over the channels of each pixel of an ``(..., C)`` array.

    int64 for integer pixels of up to 16 bits, float64 otherwise.
    """
    flat = pixels.reshape(-1, pixels.shape[-1])
    if is_exact_integer(pixels):
        total = flat[:, 0].astype(np.int64)
        for c in range(1, flat.shape[1]):
            total += flat[:, c]
        return total
    return flat.astype(np.float64, copy=False) @ np.ones(flat.shape[1])
