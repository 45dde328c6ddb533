"""Normalising a result's mean and noise, as CameraSamples and CameraResponse both do."""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from numpy import trapezoid
except ImportError:  # numpy < 2.0
    from numpy import trapz as trapezoid  # type: ignore[attr-defined,no-redef,unused-ignore]

__all__ = ["normalization_scale", "scalable"]


def normalization_scale(mean: np.ndarray, x: Any, mode: str) -> float:
    """The scale that makes the peak or the total of ``mean`` 1.

    Parameters
    ----------
    mean
        Values per row and channel, ``(N, C)``.
    x
        The row coordinate (wavelength), ``(N,)``, for ``'total'``.
    mode
        ``'peak'``: the largest value of any channel. ``'total'``: the largest
        integral of a channel over ``x`` (trapezoid rule).

    Returns
    -------
    float
        The scale to divide by.

    Raises
    ------
    ValueError
        For another ``mode``.
    """
    if mode == "peak":
        return float(np.nanmax(mean))
    if mode == "total":
        return float(np.nanmax(trapezoid(mean, np.asarray(x, dtype=np.float64), axis=0)))
    raise ValueError("mode must be one of ('peak', 'total').")


def scalable(mean: np.ndarray | None, std: np.ndarray | None, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``mean`` and ``std``, which scaling needs.

    Parameters
    ----------
    mean, std
        The members of a CameraSamples or CameraResponse.
    what
        ``"samples"`` or ``"response"``, for the message.

    Returns
    -------
    tuple of numpy.ndarray
        ``mean`` and ``std``.

    Raises
    ------
    ValueError
        When either is missing.
    """
    if mean is None or std is None:
        raise ValueError(f"there is no mean and std to scale: load or fill the {what} first")
    return mean, std
