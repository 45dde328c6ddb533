"""The fitting problem a response method sees: normalised, matched data and the user's options.

Part of the component contract (``ResponseMethod.prepare(problem)``), so it
lives with the base classes, below the ``camchar response`` pipeline that
builds it.
"""

from __future__ import annotations

from typing import Callable

import attrs
import numpy as np

from camchar.core.errors import BadInput

__all__ = ["ResponseProblem", "ProgressCallback", "DEFAULT_TARGET_R2", "DEFAULT_BETA"]

#: ``progress(stage, done, total)``; ``total`` is 0 when it is not known in advance.
ProgressCallback = Callable[[str, int, int], None]

DEFAULT_TARGET_R2 = 0.999
DEFAULT_BETA = 1.0


def _frozen_array(value: object) -> np.ndarray:
    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)
    return array


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@attrs.frozen(eq=False)
class ResponseProblem:
    """Normalised, matched data for ``y ≈ X w``, and the options of the fit.

    Parameters
    ----------
    wavelength : numpy.ndarray
        Response bins, ``(W,)`` (the source's wavelength grid).
    X : numpy.ndarray
        Normalised source spectra at the matched nominal wavelengths, ``(M, W)``.
    X_std : numpy.ndarray
        Their standard deviation, ``(M, W)``.
    y : numpy.ndarray
        Normalised camera samples, ``(M, C)``.
    y_std : numpy.ndarray
        Their standard deviation, ``(M, C)``.
    target_r2 : float
        The coefficient of determination the alpha search aims at, in ``(0, 1]``.
    bandwidth : float or None
        Smoothing bandwidth (wavelength units); ``None`` = from the source.
    non_negative : bool
        Whether the response is constrained to ``w >= 0``.
    beta : float
        Weight of the smoothness penalty (``ridge-smooth``).
    progress : callable or None
        ``progress(stage, done, total)``, called by :meth:`report`.

    Raises
    ------
    BadInput
        For inconsistent shapes or an option out of range.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    X: np.ndarray = attrs.field(converter=_frozen_array)
    X_std: np.ndarray = attrs.field(converter=_frozen_array)
    y: np.ndarray = attrs.field(converter=_frozen_array)
    y_std: np.ndarray = attrs.field(converter=_frozen_array)
    target_r2: float = attrs.field(default=DEFAULT_TARGET_R2, converter=float)
    bandwidth: float | None = attrs.field(default=None, converter=_optional_float)
    non_negative: bool = attrs.field(default=False, converter=bool)
    beta: float = attrs.field(default=DEFAULT_BETA, converter=float)
    progress: ProgressCallback | None = None

    def __attrs_post_init__(self) -> None:
        M, W = self.X.shape if self.X.ndim == 2 else (None, None)
        if M is None or self.wavelength.shape != (W,):
            raise BadInput(None, f"X must be (M, W) with W = len(wavelength); got {self.X.shape}")
        if self.X_std.shape != self.X.shape:
            raise BadInput(None, f"X_std has shape {self.X_std.shape}, X has {self.X.shape}")
        if self.y.ndim != 2 or self.y.shape[0] != M:
            raise BadInput(None, f"y must be (M, C) with M = {M}; got {self.y.shape}")
        if self.y_std.shape != self.y.shape:
            raise BadInput(None, f"y_std has shape {self.y_std.shape}, y has {self.y.shape}")
        if not 0.0 < self.target_r2 <= 1.0:
            raise BadInput(None, f"the target R² must be in (0, 1], got {self.target_r2:g}")
        if self.bandwidth is not None and not (np.isfinite(self.bandwidth) and self.bandwidth > 0):
            raise BadInput(None, f"the bandwidth must be a positive number, got {self.bandwidth:g}")
        if not (np.isfinite(self.beta) and self.beta >= 0):
            raise BadInput(None, f"beta must be a non-negative number, got {self.beta:g}")

    @property
    def spacing(self) -> float:
        """Median spacing of the response bins."""
        return float(np.median(np.diff(self.wavelength)))

    def report(self, stage: str, done: int, total: int = 0) -> None:
        """Tell the progress callback, if any, that ``done`` of ``total`` steps of ``stage`` are done."""
        if self.progress is not None:
            self.progress(stage, done, total)
