"""Dark frames: averaged per exposure time and subtracted from every frame in counts.

A dark frame (shutter closed or light blocked) records the dark offset and its
pixel-to-pixel pattern, which grows with the exposure time (dark current).
The settings' ``dark:`` section lists dark frames per exposure time, or one set
for every exposure::

    dark:
      1/80: [301, 302, 303]
      1/40: [304, 305, 306]
    # or
    dark: [301, 302, 303]

The frames of each group are averaged (float64, counts) into a master dark;
every frame of the sweep has the master of its exposure time subtracted, in
counts, after the overexposure test (which judges the raw values) and before
anything divides by the exposure time. The averaging keeps one master per
exposure time in memory, never the dark frames themselves.
"""

from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, LoadRequest
from camchar.stats.exposure import FROM_FILES, ExposureTimes
from camchar.stats.plan import Bracket

__all__ = ["DarkFrames", "load_darks"]

#: Relative tolerance when matching a frame's exposure time with a dark group's.
EXPOSURE_TOLERANCE = 1e-6


@attrs.frozen(eq=False)
class DarkFrames:
    """Master darks by exposure time (``None``: one master for every exposure).

    Parameters
    ----------
    masters
        ``{exposure time or None: (H, W, C) float64 average in counts}``.
    counts
        How many dark frames went into each master.
    """

    masters: Mapping[float | None, np.ndarray]
    counts: Mapping[float | None, int]

    def master_for(self, frame: Frame) -> np.ndarray:
        """The master dark for ``frame``'s exposure time.

        Raises
        ------
        BadInput
            When there are no dark frames for that exposure time.
        """
        if None in self.masters:
            master = self.masters[None]
        else:
            master = next(
                (master for seconds, master in self.masters.items() if abs(seconds - frame.exposure_time) <= EXPOSURE_TOLERANCE * seconds),
                None,
            )
            if master is None:
                have = ", ".join(f"{seconds:g}" for seconds in sorted(self.masters))
                raise BadInput(frame.path, f"no dark frames for its exposure time {frame.exposure_time:g} s (dark: has {have} s)")
        if master.shape != frame.pixels.shape:
            raise BadInput(frame.path, f"is {frame.pixels.shape}, but the dark frames are {master.shape}")
        return master

    def subtract(self, frame: Frame) -> Frame:
        """``frame`` with its master dark subtracted: float64 counts above dark."""
        pixels = frame.pixels - self.master_for(frame)
        return attrs.evolve(frame, pixels=pixels, metadata={**frame.metadata, "dark_subtracted": True})


def load_darks(groups: Mapping[float | None, Bracket], loader: Any, request: LoadRequest, exposures: ExposureTimes = FROM_FILES) -> DarkFrames:
    """Average the dark frames of each group.

    Parameters
    ----------
    groups
        The sweep plan's dark groups: exposure time (or ``None``) to the
        group's image numbers and files.
    loader
        The run's loader (the darks are cut to the same crop and ROI).
    request
        The run's load request.
    exposures
        Each dark frame's exposure time where its file holds none.

    Raises
    ------
    BadInput
        When a dark frame cannot be read, its exposure time does not match
        its group, or the frames of a group differ in shape.
    """
    masters: dict[float | None, np.ndarray] = {}
    counts: dict[float | None, int] = {}
    for seconds, group in groups.items():
        total = None
        for number, path in group.images:
            frame = exposures.frame(loader.load(path, request), number)
            if seconds is not None and abs(frame.exposure_time - seconds) > EXPOSURE_TOLERANCE * seconds:
                raise BadInput(frame.path, f"is listed as a dark frame of {seconds:g} s but was exposed for {frame.exposure_time:g} s")
            if total is None:
                total = np.zeros(frame.pixels.shape)
            elif frame.pixels.shape != total.shape:
                raise BadInput(frame.path, f"is {frame.pixels.shape}, but the other dark frames are {total.shape}")
            total += frame.pixels
        masters[seconds] = total / len(group.images)
        counts[seconds] = len(group.images)
    return DarkFrames(masters, counts)
