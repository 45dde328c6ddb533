"""A response on the wavelength grid a downstream tool asks for: the checks and the resampling every export shares.

The response is resampled by linear interpolation on its own grid (``np.interp``
per channel). camchar's responses are fitted on a fine grid (1 nm for the
original's and camchar's files) with a smoothness penalty, so linear
interpolation is exact at every node, keeps the sign of the curve between two
nodes (no overshoot, unlike a spline through noisy tails) and is what the
fitted curve itself means between nodes. A grid reaching outside the
*measured* range (the samples' nominal wavelengths, ``/samples/nominal_wavelength``)
holds the fit's extrapolation there: each format either flags that in its
metadata or refuses it (``docs/exports.md``); no grid may reach outside the
response's own grid, which camchar never extrapolates.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

from camchar.core.errors import BadInput

__all__ = ["ResampledResponse", "channel_names", "grid_from_options", "measured_range", "regular_grid", "resample_response", "require_rgb"]

#: The channel names of a three-channel response, as every RGB format writes them.
RGB = ("R", "G", "B")


@attrs.frozen
class ResampledResponse:
    """A response on an export's grid.

    Attributes
    ----------
    wavelength : numpy.ndarray
        The grid, nm, ``(W,)``.
    mean, std : numpy.ndarray
        The response and its standard deviation on the grid, ``(W, C)``, in the response's units.
    measured : tuple of float
        The measured (fitted) range of the response, nm.
    """

    wavelength: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    measured: tuple[float, float]

    @property
    def extrapolated(self) -> bool:
        """Whether the grid reaches outside the measured range (there the values are the fit's, not measured)."""
        return bool(self.wavelength[0] < self.measured[0] or self.wavelength[-1] > self.measured[1])

    def extrapolation_note(self) -> str:
        """One sentence saying which part of the grid is outside the measured range ('' when none is)."""
        if not self.extrapolated:
            return ""
        return (
            f"the grid {_nm(self.wavelength[0])}-{_nm(self.wavelength[-1])} nm reaches outside the measured range "
            f"{_nm(self.measured[0])}-{_nm(self.measured[1])} nm; there the values are the fit's extrapolation, not measured"
        )


def _nm(value: float) -> str:
    return f"{float(value):g}"


def measured_range(response: Any) -> tuple[float, float]:
    """The measured range of ``response``: its samples' nominal wavelengths, else its whole grid (nm)."""
    measured = response.samples_wl if response.samples_wl is not None and len(response.samples_wl) else response.wl
    return float(np.min(measured)), float(np.max(measured))


def regular_grid(start: float, end: float, step: float, path: Any) -> np.ndarray:
    """The grid ``start, start + step, ..., end`` (nm).

    Raises
    ------
    BadInput
        Naming ``path`` when ``step`` is not positive, ``end`` is below ``start`` or ``end - start`` is not a
        whole number of steps.
    """
    if not step > 0 or end < start:
        raise BadInput(path, f"the grid {_nm(start)}:{_nm(end)}:{_nm(step)} nm is empty: give start <= end and a step above 0")
    count = (end - start) / step
    if not math.isclose(count, round(count), abs_tol=1e-9):
        raise BadInput(path, f"the grid {_nm(start)}:{_nm(end)}:{_nm(step)} nm does not end on a step: end - start must be a whole number of steps")
    return start + step * np.arange(round(count) + 1)


def grid_from_options(config: Any, response: Any, path: Any) -> np.ndarray:
    """The grid of a writer's ``start``, ``end``, ``step`` options; ``start``/``end`` left out: the measured range.

    A left-out end is rounded inward to a multiple of ``step``, so that the default grid never reaches outside the
    measured range.
    """
    step = float(config["step"])
    low, high = measured_range(response)
    start = config["start"] if config["start"] is not None else math.ceil(low / step - 1e-9) * step
    end = config["end"] if config["end"] is not None else math.floor(high / step + 1e-9) * step
    return regular_grid(float(start), float(end), step, path)


def channel_names(response: Any) -> tuple[str, ...]:
    """``R``, ``G``, ``B`` for a three-channel response, else ``channel 1``, ``channel 2`` ..."""
    count = response.mean.shape[1]
    return RGB if count == 3 else tuple(f"channel {number}" for number in range(1, count + 1))


def require_rgb(response: Any, path: Any, format_name: str) -> None:
    """Refuse a response without exactly three channels for a format that holds R, G and B only."""
    count = response.mean.shape[1]
    if count != 3:
        raise BadInput(path, f"{format_name} holds three channels (R, G, B), and the response has {count}")


def resample_response(response: Any, grid: np.ndarray, path: Any, format_name: str, measured_only: bool = False) -> ResampledResponse:
    """``response`` on ``grid`` by linear interpolation on its own grid, checked for ``format_name``.

    Parameters
    ----------
    response
        A :class:`~camchar.api.CameraResponse`.
    grid
        Increasing wavelengths, nm.
    path
        The output, named in every refusal.
    format_name
        The format, named in every refusal.
    measured_only
        Refuse a grid reaching outside the measured range (a format that asks for measured data only).

    Returns
    -------
    ResampledResponse
        The response on the grid, with its measured range.

    Raises
    ------
    BadInput
        When the response's wavelengths are not in nm, the grid reaches outside the response's grid (or outside the
        measured range, with ``measured_only``), or a value on the grid is NaN or infinite.
    """
    units = response.wl_units or "nm"
    if units != "nm":
        raise BadInput(path, f"{format_name} is written in nm, and the response's wavelengths are in {units!r}")
    wavelength = np.asarray(response.wl, dtype=float)
    measured = measured_range(response)
    if grid[0] < wavelength[0] or grid[-1] > wavelength[-1]:
        raise BadInput(
            path,
            f"{format_name} needs {_nm(grid[0])}-{_nm(grid[-1])} nm, and the response covers {_nm(wavelength[0])}-{_nm(wavelength[-1])} nm "
            f"(measured {_nm(measured[0])}-{_nm(measured[1])} nm); camchar does not extrapolate a fitted response",
        )
    resampled = ResampledResponse(grid, _interpolated(wavelength, response.mean, grid), _interpolated(wavelength, response.std, grid), measured)
    if measured_only and resampled.extrapolated:
        raise BadInput(
            path,
            f"{format_name} takes measured data only, and the grid {_nm(grid[0])}-{_nm(grid[-1])} nm reaches outside the measured range "
            f"{_nm(measured[0])}-{_nm(measured[1])} nm; give a start and an end within it",
        )
    if not (np.isfinite(resampled.mean).all() and np.isfinite(resampled.std).all()):
        raise BadInput(path, f"the response holds NaN or infinite values on the grid {_nm(grid[0])}-{_nm(grid[-1])} nm; {format_name} is not written")
    return resampled


def _interpolated(wavelength: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Each column of ``values`` (given at ``wavelength``) linearly interpolated at ``grid``."""
    values = np.asarray(values, dtype=float)
    return np.stack([np.interp(grid, wavelength, values[:, column]) for column in range(values.shape[1])], axis=1)
