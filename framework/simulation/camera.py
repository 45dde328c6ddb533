"""The simulated camera: a sensor with known dark level, gain pattern, conversion gain and read noise.

The camera model, per pixel ``p`` and channel ``c``::

    electrons  ~ Poisson(rate[c](wavelength) * illumination[p] * gain[p, c] * t)
    counts     = round(dark[p, c] + conversion_gain * electrons + Normal(0, read_noise))

clipped to the container's range. ``dark`` has a fixed spatial spread (DSNU),
``gain`` a relative spread (PRNU), ``illumination`` an optional radial
fall-off (vignetting). The fixed pattern is the same in every frame; shot
noise, read noise and rounding are drawn anew for each.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from camchar.simulation.refusal import SimulationRefused
from camchar.simulation.sensitivities import TabulatedSensitivities

__all__ = ["CameraModel", "CHANNEL_PEAKS_NM", "FULL_SCALE"]

CHANNEL_PEAKS_NM = ((600.0, 45.0), (530.0, 40.0), (460.0, 35.0))
FULL_SCALE = 65535
#: The largest simulated image side, in pixels.
MAX_SIDE = 20000


def _check(name: str, value: float, low: float, high: float, strict: bool = False) -> None:
    """``ValueError`` unless ``low <= value <= high`` (``low < value`` when ``strict``) and finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SimulationRefused(f"{name.replace('_', '-')} must be a finite number, got {value!r}")
    if value < low or value > high or (strict and value == low):
        lower = f"above {low:g}" if strict else f"at least {low:g}"
        raise SimulationRefused(f"{name.replace('_', '-')} must be {lower} and at most {high:g}, got {value!r}")


def _check_count(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SimulationRefused(f"{name.replace('_', '-')} must be an integer from {low} to {high}, got {value!r}")


def _check_size(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= MAX_SIDE:
        raise SimulationRefused(f"image {name} must be an integer from 2 to {MAX_SIDE} pixels, got {value!r}")


@attrs.frozen
class CameraModel:
    """The simulated sensor.

    Parameters
    ----------
    height, width
        Image size in pixels.
    dark_offset
        Mean dark level in counts.
    dark_spread
        Pixel-to-pixel standard deviation of the dark level (DSNU), counts.
    gain_spread
        Relative pixel-to-pixel standard deviation of the gain (PRNU).
    conversion_gain
        Counts per electron.
    read_noise
        Temporal read noise, counts (standard deviation).
    peak_rate
        Electrons per second at the peak of a channel's response, at the
        centre of the image.
    vignetting
        Relative illumination fall-off at the image corners (0: flat).
    bit_depth
        Significant bits of the stored values: a 12-bit camera in 16-bit
        files clips at 4095 (values are not rescaled). 16 by default.
    full_well
        Electrons a pixel holds at most (0: no limit below the ADC's): beyond
        it the signal stops growing, well below the file's full scale.
    hot_pixels
        Pixels that read full scale in every frame, dark frames included.
    prnu_drift
        How much of the gain pattern (PRNU) is replaced by another pattern
        across the sweep's wavelengths, 0 (a fixed pattern) to 1 (a wholly
        different pattern at the last wavelength), as real sensors show in
        the near infrared.
    sensitivities
        The channels' spectral sensitivities from a table (a camera's CSV);
        ``None``: the built-in Gaussians.
    """

    height: int = attrs.field(default=120, validator=lambda s, a, v: _check_size(a.name, v))
    width: int = attrs.field(default=160, validator=lambda s, a, v: _check_size(a.name, v))
    dark_offset: float = attrs.field(default=256.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 60000.0))
    dark_spread: float = attrs.field(default=4.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 10000.0))
    gain_spread: float = attrs.field(default=0.01, validator=lambda s, a, v: _check(a.name, v, 0.0, 0.5))
    conversion_gain: float = attrs.field(default=0.5, validator=lambda s, a, v: _check(a.name, v, 1e-4, 1e3, strict=True))
    read_noise: float = attrs.field(default=3.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 10000.0))
    peak_rate: float = attrs.field(default=4.0e6, validator=lambda s, a, v: _check(a.name, v, 0.0, 1e12, strict=True))
    vignetting: float = attrs.field(default=0.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 0.99))
    bit_depth: int = attrs.field(default=16, validator=lambda s, a, v: _check_count(a.name, v, 8, 16))
    full_well: float = attrs.field(default=0.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 1e9))
    hot_pixels: int = attrs.field(default=0, validator=lambda s, a, v: _check_count(a.name, v, 0, 10_000))
    prnu_drift: float = attrs.field(default=0.0, validator=lambda s, a, v: _check(a.name, v, 0.0, 1.0))
    sensitivities: TabulatedSensitivities | None = attrs.field(default=None, eq=False)

    def clip_level(self, container: int) -> int:
        """The largest value a file of this camera holds: its bit depth's, or the container's if smaller."""
        return min(container, 2**self.bit_depth - 1)

    def response(self, wavelength: float | np.ndarray) -> np.ndarray:
        """Relative response of the red, green and blue channels at ``wavelength`` nm: ``(3,)``, or ``(W, 3)`` for ``(W,)`` wavelengths.

        The built-in camera's is a Gaussian per channel plus a 1% floor (peak
        1.01); a camera with tabulated ``sensitivities`` has theirs, scaled to
        a peak of 1 and 0 outside the table's wavelengths.
        """
        if self.sensitivities is not None:
            return self.sensitivities.relative(wavelength)
        wavelength = np.asarray(wavelength, dtype=np.float64)
        channels = [np.exp(-0.5 * ((wavelength - peak) / width) ** 2) + 0.01 for peak, width in CHANNEL_PEAKS_NM]
        return np.stack(channels, axis=-1)

    def illumination(self) -> np.ndarray:
        """``(H, W)`` relative illumination: 1 at the centre, ``1 - vignetting`` at the corners."""
        rows = np.linspace(-1.0, 1.0, self.height)[:, np.newaxis]
        columns = np.linspace(-1.0, 1.0, self.width)[np.newaxis, :]
        radius_squared = (rows**2 + columns**2) / 2.0
        return 1.0 - self.vignetting * radius_squared
