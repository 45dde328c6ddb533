"""Clipping below the file's full scale: found where values pile up, or suspected where a sensor stops being linear.

A 12-bit camera writing 16-bit files clips at 4095, far below the 65535 the
original overexposure rule looks for; clipped frames then pass as usable and
their means come out low. Two signs give it away:

- **A pile-up.** Clipped pixels all read the same value: the largest value
  of a channel anywhere in the sweep, reached by several frames, and in at
  least one of them by many pixels: more than read the values just below it.
  An unclipped frame reaches its largest value in a handful of pixels, fewer
  than just below (the tail of a distribution thins out). camchar takes such a level as the channel's
  saturation level, judges every frame against it, and selects again the
  brackets it changes. Data clipping at the file's full scale pile up there
  and change nothing: the original's rule already covers them.
- **A bend.** A sensor whose full well is reached before its ADC's limit does
  not pile up at one value (every pixel has its own offset and noise), but
  its response bends: in a bracket of three exposures, the step to the longest
  adds less signal than the step before it. camchar cannot locate the level
  from that; it warns, naming the bracket and the size of the bend, so that
  the user can set ``white_level``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import attrs
import numpy as np

from camchar.core.frames import Frame
from camchar.stats.levels import FrameRecord

__all__ = ["PILE_UP_FRACTION", "BEND_THRESHOLD", "FLAT_AFTER", "Bend", "is_pile_up", "pile_up_levels", "bend_of"]

#: The fraction of a channel's pixels (and at least :data:`PILE_UP_PIXELS`) that must read exactly the top value.
PILE_UP_FRACTION = 1e-3
#: The fewest pixels at the top value that make a pile-up.
PILE_UP_PIXELS = 10
#: How many times more pixels than in the window just below it the top value must hold.
PILE_UP_RATIO = 2.0
#: A step to the longest exposure adding less than this share of the previous step's signal rate is a bend.
BEND_THRESHOLD = 0.9
#: ... when it falls short by more than this many standard errors.
BEND_SIGNIFICANCE = 5.0
#: A frame with no shorter exposure is full when the next-longer one adds less than this share of its signal rate.
FLAT_AFTER = 0.1
#: How many frames at the top value are decoded again to count their pixels there.
FRAMES_TO_VERIFY = 3


@attrs.frozen
class Bend:
    """A selected frame that responds below linear: ``ratio`` of the expected step, in ``channel``."""

    channel: int
    ratio: float
    shorter: float
    exposure: float


def pile_up_levels(
    records: Sequence[FrameRecord],
    saturation: np.ndarray,
    max_fraction: float,
    plane_of: Callable[[FrameRecord, int], np.ndarray],
) -> np.ndarray | None:
    """``(C,)`` clipping levels found below the loader's saturation levels (``inf`` where none), or ``None``.

    Parameters
    ----------
    records
        Every frame's record (all brackets).
    saturation
        ``(C,)`` the loader's saturation levels.
    max_fraction
        The overexposure threshold: a level that the original rule already
        covers (above ``max_fraction x saturation``) is not reported.
    plane_of
        ``plane_of(record, channel)``: the values of the frame's pixels in
        ``channel`` that count (the frame is decoded again).
    """
    if not records:
        return None
    channels = len(records[0].maxima)
    levels = np.full(channels, np.inf)
    for channel in range(channels):
        top = max(record.maxima[channel] for record in records)
        if top > max_fraction * saturation[channel] or top <= 0:
            continue
        at_top = [record for record in records if record.maxima[channel] == top]
        if len(at_top) < 2:
            continue
        if any(is_pile_up(plane_of(record, channel), top) for record in at_top[:FRAMES_TO_VERIFY]):
            levels[channel] = top
    return levels if np.isfinite(levels).any() else None


def is_pile_up(values: np.ndarray, top: float) -> bool:
    """Whether ``values`` pile up at ``top``: many read it exactly, more than :data:`PILE_UP_RATIO` times those just below.

    "Just below" is the window ``[top - w, top)`` with ``w`` 1% of ``top`` (at
    least 4 counts): a distribution's tail holds more values there than at
    its largest value; a clipped one holds fewer.
    """
    at_top = int(np.count_nonzero(values == top))
    if at_top < max(PILE_UP_PIXELS, PILE_UP_FRACTION * values.size):
        return False
    below = int(np.count_nonzero((values >= top - max(4.0, 0.01 * top)) & (values < top)))
    return at_top > PILE_UP_RATIO * below


def bend_of(chosen: Frame, others: Sequence[Frame], through_origin: bool = False) -> Bend | None:
    """The bend of ``chosen`` against the other exposures of its bracket, if it bends.

    With exposures ``t1 < t2 < t3`` and channel means ``m1, m2, m3`` (the offset,
    whatever it is, cancels in the differences), a linear sensor has
    ``(m3 - m2) / (t3 - t2) = (m2 - m1) / (t2 - t1)``; ``chosen`` is ``t3`` and
    the two next-shorter exposures are ``t2`` and ``t1``. When dark frames have
    removed the offset (``through_origin``), the step to ``chosen`` is tested
    against the line through the origin too (``m1 = 0`` at ``t1 = 0``: it sees
    a bracket whose shorter exposures are full as well; a black level given by
    hand may be off, and what it leaves of the offset would look like a bend),
    and so is a frame with no shorter
    exposure whose next-longer one gains almost nothing (less than
    :data:`FLAT_AFTER` of what the chosen frame's rate predicts): its pixels
    were already full. A bend is a step below :data:`BEND_THRESHOLD` of the
    expected one by more than :data:`BEND_SIGNIFICANCE` standard errors, each
    difference's error taken from the spread of its pixel-by-pixel differences
    (the fixed pattern cancels in them). Every eighth row is enough and costs
    an eighth.
    """
    by_time = {frame.exposure_time: frame for frame in others}
    shorter = sorted((t for t in by_time if t < chosen.exposure_time), reverse=True)[:2]
    longer = sorted(t for t in by_time if t > chosen.exposure_time)[:1]
    bends = []
    if len(shorter) == 2:
        bends.append(_step_bend(by_time[shorter[1]], by_time[shorter[0]], chosen, BEND_THRESHOLD))
    if through_origin and shorter:  # also where the shorter steps are flat too: the whole bracket at the full well
        bends.append(_step_bend(None, by_time[shorter[0]], chosen, BEND_THRESHOLD))
    if through_origin and longer and not shorter:
        bends.append(_step_bend(None, chosen, by_time[longer[0]], FLAT_AFTER))
    return min((bend for bend in bends if bend is not None), key=lambda bend: bend.ratio, default=None)


def _step_bend(first: Frame | None, middle: Frame, last: Frame, threshold: float) -> Bend | None:
    """The bend of the step ``middle -> last`` against the step ``first -> middle`` (``None``: the origin)."""
    t1 = 0.0 if first is None else first.exposure_time
    t2, t3 = middle.exposure_time, last.exposure_time
    rows1 = np.zeros(1) if first is None else first.pixels[::8]  # the origin: no signal at no exposure
    rows2, rows3 = middle.pixels[::8], last.pixels[::8]
    step_up, step_before = _mean_and_error(rows3, rows2), _mean_and_error(rows2, rows1)
    scale = (t3 - t2) / (t2 - t1)
    expected = step_before[0] * scale
    error = np.hypot(step_up[1], scale * step_before[1])
    worst = None
    for channel in range(expected.size):
        if expected[channel] <= 0:
            continue
        ratio = step_up[0][channel] / expected[channel]
        significant = expected[channel] - step_up[0][channel] > BEND_SIGNIFICANCE * error[channel]
        if ratio < threshold and significant and (worst is None or ratio < worst.ratio):
            worst = Bend(channel, float(ratio), t2, t3)
    return worst


def _mean_and_error(longer: np.ndarray, shorter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(C,)`` mean of each channel of the pixel differences ``longer - shorter`` and its standard error.

    The ``(H, W, C)`` differences are summed as ``(H, W*C)`` rows and folded into
    channels: numpy reduces slowly over a short last axis (five times slower here).
    """
    differences = np.subtract(longer, shorter, dtype=np.float64)
    channels = differences.shape[-1]
    count = differences.size // channels
    rows = differences.reshape(differences.shape[0], -1)
    mean = rows.sum(axis=0).reshape(-1, channels).sum(axis=0) / count
    differences -= mean
    squares = np.einsum("ij,ij->j", rows, rows).reshape(-1, channels).sum(axis=0)
    return mean, np.sqrt(squares / count) / np.sqrt(count)
