"""The smoothness penalty of ``ridge-smooth``: source bandwidth, high-pass filter, penalty matrix.

The penalty ``||D w||²`` punishes detail in the response finer than the
source can resolve. ``D`` convolves ``w`` with a short high-pass FIR filter
whose cutoff is one over that bandwidth, so a response without such detail
costs (almost) nothing.
"""

from __future__ import annotations

import numpy as np

from camchar.core.errors import BadInput
from camchar.response.numerics import trapezoid

__all__ = [
    "FILTER_TAPS",
    "full_width_half_maximum",
    "peak_centroids",
    "source_bandwidth",
    "smoothing_filter",
    "convolution_matrix",
]

#: Length of the high-pass filter, as in the original.
FILTER_TAPS = 15


def _half_crossing(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """Where the line through ``(x0, y0)`` and ``(x1, y1)`` reaches 0.5."""
    return x0 + (x1 - x0) * (0.5 - y0) / (y1 - y0)


def full_width_half_maximum(wavelength: np.ndarray, spectra: np.ndarray) -> np.ndarray:
    """Full width at half maximum of each spectrum.

    Parameters
    ----------
    wavelength
        Bin centres, ``(W,)``.
    spectra
        One spectrum per row, ``(M, W)``.

    Returns
    -------
    numpy.ndarray
        ``(M,)``. The rising edge is interpolated linearly between the first
        bin at or above half maximum and the bin before it, the falling edge
        between the last such bin and the bin after it. A spectrum that is
        still above half maximum at an end of the range is measured to that
        end (the original read past it).
    """
    wavelength = np.asarray(wavelength, dtype=np.float64)
    relative = np.asarray(spectra, dtype=np.float64)
    relative = relative / relative.max(axis=1, keepdims=True)
    above = relative >= 0.5
    rows = np.arange(relative.shape[0])
    last_bin = relative.shape[1] - 1
    first = np.argmax(above, axis=1)
    last = last_bin - np.argmax(above[:, ::-1], axis=1)
    before = np.maximum(first - 1, 0)
    after = np.minimum(last + 1, last_bin)
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = _half_crossing(wavelength[before], relative[rows, before], wavelength[first], relative[rows, first])
        fall = _half_crossing(wavelength[last], relative[rows, last], wavelength[after], relative[rows, after])
    rise = np.where(first == 0, wavelength[0], rise)
    fall = np.where(last == last_bin, wavelength[-1], fall)
    return fall - rise


def peak_centroids(wavelength: np.ndarray, spectra: np.ndarray, threshold: float = 0.75) -> np.ndarray:
    """Centroid of the top of each spectrum.

    Parameters
    ----------
    wavelength
        Bin centres, ``(W,)``.
    spectra
        One spectrum per row, ``(M, W)``.
    threshold
        The part of a spectrum at or above ``threshold`` times its maximum is
        its top; the rest is set to zero.

    Returns
    -------
    numpy.ndarray
        ``(M,)``: ``∫ λ m(λ) dλ / ∫ m(λ) dλ`` (trapezoid rule) with ``m`` the top.
    """
    wavelength = np.asarray(wavelength, dtype=np.float64)
    spectra = np.asarray(spectra, dtype=np.float64)
    top = spectra * (spectra >= threshold * np.nanmax(spectra, axis=1, keepdims=True))
    return trapezoid(wavelength * top, wavelength, axis=1) / trapezoid(top, wavelength, axis=1)


def source_bandwidth(wavelength: np.ndarray, spectra: np.ndarray) -> tuple[float, float, float]:
    """The finest detail the source spectra can resolve, in wavelength units.

    Parameters
    ----------
    wavelength
        Bin centres, ``(W,)``.
    spectra
        One spectrum per nominal wavelength, ``(M, W)``, in nominal order.

    Returns
    -------
    bandwidth : float
        The larger of ``width`` and ``spacing``.
    width : float
        Median full width at half maximum of the spectra.
    spacing : float
        Twice the median spacing of consecutive peak centroids.
    """
    width = float(np.median(full_width_half_maximum(wavelength, spectra)))
    centroids = peak_centroids(wavelength, spectra)
    spacing = 2.0 * float(np.median(np.diff(centroids))) if centroids.size > 1 else 0.0
    return max(width, spacing), width, spacing


def smoothing_filter(bandwidth: float, spacing: float, taps: int = FILTER_TAPS) -> np.ndarray:
    """The high-pass FIR filter of the smoothness penalty.

    Parameters
    ----------
    bandwidth
        Detail finer than this (wavelength units) is penalised: the cutoff
        frequency is ``1 / bandwidth``.
    spacing
        Spacing of the wavelength bins (the sampling interval).
    taps
        Filter length (odd).

    Returns
    -------
    numpy.ndarray
        ``(taps,)``: the window-method (Hamming) high-pass filter, as
        ``scipy.signal.firwin(taps, 1 / bandwidth, fs=1 / spacing, pass_zero=False)``.

    Raises
    ------
    BadInput
        When the bandwidth is not more than twice the spacing: the cutoff would
        be at or beyond the Nyquist frequency.
    """
    if not np.isfinite(bandwidth) or bandwidth <= 0:
        raise BadInput(None, f"the smoothing bandwidth must be a positive number, got {bandwidth:g}")
    if bandwidth <= 2 * spacing:
        raise BadInput(
            None,
            f"the smoothing bandwidth ({bandwidth:g}) must be more than twice the spacing of the "
            f"source's wavelength bins ({spacing:g}); give a larger --bandwidth",
        )
    return _high_pass_firwin(taps, (1.0 / bandwidth) / (0.5 / spacing))


def _high_pass_firwin(taps: int, cutoff: float) -> np.ndarray:
    """``scipy.signal.firwin(taps, cutoff, pass_zero=False)`` (``cutoff`` a fraction of Nyquist), its operations in its order.

    Written out because importing ``scipy.signal`` takes longer than the
    whole fit (0.5 to 1 s); the taps are scipy's bit for bit
    (``tests/response/test_response_speed.py``).
    """
    m = np.arange(0, taps) - 0.5 * (taps - 1)
    h = np.sinc(m) - cutoff * np.sinc(cutoff * m)
    alpha = 0.54  # the Hamming window, as scipy forms it: alpha + (1 - alpha) cos(angle)
    h *= alpha + (1.0 - alpha) * np.cos(np.linspace(-np.pi, np.pi, taps))
    h /= np.sum(h * np.cos(np.pi * m))
    return h


def convolution_matrix(kernel: np.ndarray, size: int) -> np.ndarray:
    """The matrix of a "same"-size convolution with ``kernel``.

    Parameters
    ----------
    kernel
        Filter taps, ``(T,)``.
    size
        Length ``W`` of the signal.

    Returns
    -------
    numpy.ndarray
        ``D``, ``(W, W)``, with row ``k`` the kernel centred on column ``k``
        (``D[k, j] = kernel[j - k + (T - 1) // 2]``; taps falling outside are
        dropped), so that ``D @ w`` is ``numpy.convolve(w, kernel, "same")``
        for a symmetric kernel.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    centre = (kernel.size - 1) // 2
    matrix = np.zeros((size, size))
    for tap, value in enumerate(kernel):
        offset = tap - centre
        if abs(offset) < size:
            matrix += value * np.eye(size, k=offset)
    return matrix
