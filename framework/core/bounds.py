"""Plausibility bounds: values no measurement can have are refused; values few labs use are warned about.

A number outside its hard limits (an exposure time of 4e9 s or 0.25 ns, a
wavelength of 0 nm) can only come from a broken file or a typo, and would
give wrong numbers without a word; camchar refuses it. A number inside the
hard limits but outside the usual range (a 2000 s exposure, a 5000 nm
wavelength) may be a real, unusual lab; camchar warns, naming the file and
the value, and goes on. ``docs/errors.md`` lists the bounds.
"""

from __future__ import annotations

import math

import attrs

__all__ = ["Bound", "EXPOSURE_TIME", "WAVELENGTH", "ND", "MAX_BRACKET_IMAGES", "MAX_SWEEP_IMAGES"]


@attrs.frozen
class Bound:
    """The hard limits and the usual range of one quantity.

    Parameters
    ----------
    what
        The quantity in words, for messages.
    unit
        Its unit, for messages.
    lowest, highest
        Hard limits: a value outside them (or not finite) is refused.
    usual_low, usual_high
        The usual range: a value outside it is warned about.
    """

    what: str
    unit: str
    lowest: float
    highest: float
    usual_low: float
    usual_high: float

    def refusal(self, value: float) -> str | None:
        """Why ``value`` is impossible, or ``None``."""
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return f"{self.what} {value!r} is not a finite number"
        if not self.lowest <= value <= self.highest:
            return f"{self.what} {value:g}{self.unit} is outside the possible range {self.lowest:g} to {self.highest:g}{self.unit}"
        return None

    def warning(self, value: float) -> str | None:
        """Why ``value`` is unusual (inside the hard limits), or ``None``."""
        if self.usual_low <= value <= self.usual_high:
            return None
        return f"{self.what} {value:g}{self.unit} is outside the usual {self.usual_low:g} to {self.usual_high:g}{self.unit}; check it"


#: Exposure times, seconds: 100 ns to about a day possible; 10 us to 1000 s usual.
EXPOSURE_TIME = Bound("exposure time", " s", 1e-7, 1e5, 1e-5, 1000.0)
#: Nominal wavelengths, nm: 1 nm to a millimetre possible; 100 nm (far UV) to 3000 nm (SWIR) usual.
WAVELENGTH = Bound("wavelength", " nm", 1.0, 1e6, 100.0, 3000.0)
#: Neutral-density filter values (optical density): 0 to 20 possible; up to 10 usual.
ND = Bound("ND", "", 0.0, 20.0, 0.0, 10.0)
#: The most images one bracket may list: selection holds a bracket's frames at once.
MAX_BRACKET_IMAGES = 10_000
#: A sweep with more images than this is warned about (a typo in a range?).
MAX_SWEEP_IMAGES = 100_000
