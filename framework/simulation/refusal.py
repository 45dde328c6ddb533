"""What the simulation refuses to simulate, as opposed to a failure of its arithmetic."""

from __future__ import annotations

__all__ = ["SimulationRefused"]


class SimulationRefused(ValueError):
    """A parameter the simulation cannot simulate (an odd size for a Bayer sensor, an exposure of a day); its message is for the user.

    A ``ValueError``, as these always were for the library's callers; the
    command line shows only these as the user's problem, so that a message
    of numpy's (``lam value too large``) is never passed off as one.
    """
