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
  brackets it changes. A channel that never reaches the level (blue, on a
  red sweep) clips there too, when the frames are the sensor's counts and
  every channel that piles up does so at the same level: one sensor, one ADC.
  Data clipping at the file's full scale pile up there and change nothing:
  the original's rule already covers them.
- **A bend.** A sensor whose full well is reached before its ADC's limit does
  not pile up at one value (every pixel has its own offset and noise), but
  its response bends: in a bracket of three exposures, the step to the longest
  adds less signal than the step before it. camchar cannot locate the level
  from that; it warns, naming the bracket and the size of the bend, so that
  the user can set ``white_level``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import attrs
import numpy as np

from camchar.core.frames import Frame, LoadRequest
from camchar.numerics import fast_path
from camchar.numerics.reductions import pixel_rows
from camchar.stats.levels import FrameRecord

__all__ = ["PILE_UP_FRACTION", "BEND_THRESHOLD", "FLAT_AFTER", "Bend", "Clipping", "is_pile_up", "pile_up_levels", "pile_up_tops", "decoded_planes", "bend_of"]

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
#: The bend test looks at every this-many-th row (enough for its means and errors, at a fraction of the cost).
BEND_ROW_STEP = 8
#: How many frames at the top value are decoded again to count their pixels there.
FRAMES_TO_VERIFY = 3


@attrs.frozen
class Bend:
    """A selected frame that responds below linear: ``ratio`` of the expected step, in ``channel``."""

    channel: int
    ratio: float
    shorter: float
    exposure: float


@attrs.frozen(eq=False)
class Clipping:
    """Where each channel of a sweep clips, in counts of the file.

    One sensor has one ADC: a level at which some of its channels pile up
    applies to the channels that never reach it, when every channel that
    piles up does so at the same level and the frames are the sensor's
    counts (not demosaiced and rescaled channel by channel).

    Attributes
    ----------
    levels : numpy.ndarray
        ``(C,)`` the level of each channel: found, inferred, or the loader's
        saturation level where neither.
    found : numpy.ndarray
        ``(C,)`` bool: the channel's values pile up at its level.
    inferred : numpy.ndarray
        ``(C,)`` bool: the channel's level is that of the channels where found.
    not_inferred_because : str or None
        Why channels without a pile-up keep the loader's level, when some do.
    """

    levels: np.ndarray
    found: np.ndarray
    inferred: np.ndarray
    not_inferred_because: str | None = None

    @classmethod
    def of(cls, tops: np.ndarray, saturation: np.ndarray, one_sensor: bool) -> "Clipping":
        """The clipping of a sweep from the level found in each channel.

        Parameters
        ----------
        tops
            ``(C,)`` the level where each channel piles up, ``inf`` where it
            does not (finite in one channel at least).
        saturation
            ``(C,)`` the loader's saturation levels, kept by channels without
            a pile-up when the found levels say nothing of them.
        one_sensor
            Whether the frames are the sensor's counts (one ADC for all channels).
        """
        found = np.isfinite(tops)
        reason = None if found.all() else _why_not_inferred(tops[found], one_sensor)
        if reason is not None:
            return cls(np.where(found, tops, saturation).astype(np.float64), found, np.zeros_like(found), reason)
        return cls(np.where(found, tops, tops[found][0]).astype(np.float64), found, ~found)

    @property
    def known(self) -> bool:
        """Whether every channel's level was found or inferred."""
        return bool(np.all(self.found | self.inferred))

    def describe(self, names: Sequence[str]) -> str:
        """The channels' levels and where they come from, e.g. ``R 4095, G 4095; B, which never reaches it, clips there too ...``."""
        found = ", ".join(f"{name} {level:g}" for name, level, where in zip(names, self.levels, self.found) if where)
        others = [name for name, where in zip(names, self.found) if not where]
        if not others:
            return found
        one = len(others) == 1
        if self.inferred.any():
            never = "which never reaches it, clips" if one else "which never reach it, clip"
            return f"{found}; {', '.join(others)}, {never} there too (one sensor, one ADC: the same level on every channel where found)"
        keeps = "shows no pile-up and keeps" if one else "show no pile-up and keep"
        return f"{found}; {', '.join(others)} {keeps} the loader's level ({self.not_inferred_because})"


def _why_not_inferred(levels: np.ndarray, one_sensor: bool) -> str | None:
    """Why the levels found on some channels say nothing of the others, or ``None`` when they apply."""
    if not one_sensor:
        return "the frames are not the sensor's counts: its channels are rescaled apart"
    if np.unique(levels).size > 1:
        return "the channels that pile up do so at different levels"
    return None


def pile_up_levels(
    records: Sequence[FrameRecord],
    saturation: np.ndarray,
    max_fraction: float,
    plane_of: Callable[[FrameRecord, int], np.ndarray],
    one_sensor: bool = True,
) -> Clipping | None:
    """Where the sweep clips below the loader's saturation levels, or ``None`` when no channel piles up there.

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
    one_sensor
        Whether the frames are the sensor's counts, so that a level found on
        some channels applies to the others.
    """
    tops = pile_up_tops(records, plane_of, lambda channel, top: 0 < top <= max_fraction * saturation[channel])
    if tops is None or not np.isfinite(tops).any():
        return None
    return Clipping.of(tops, saturation, one_sensor)


def decoded_planes(loader: Any, request: LoadRequest, mask: np.ndarray | None) -> Callable[[FrameRecord, int], np.ndarray]:
    """``plane_of(record, channel)`` for :func:`pile_up_tops`: the frame decoded again, the channel's values outside ``mask``."""

    def plane_of(record: FrameRecord, channel: int) -> np.ndarray:
        plane = loader.load(record.path, request).pixels[..., channel]
        return plane[~mask[..., channel]] if mask is not None else plane

    return plane_of


def pile_up_tops(
    records: Sequence[FrameRecord], plane_of: Callable[[FrameRecord, int], np.ndarray], eligible: Callable[[int, float], bool]
) -> np.ndarray | None:
    """``(C,)`` each channel's largest value in the sweep where values pile up there and ``eligible(channel, top)``; ``inf`` where not.

    ``None`` without records. The top value must be reached by two frames or
    more, and pile up (:func:`is_pile_up`) in one of the first
    :data:`FRAMES_TO_VERIFY` of them, decoded again by ``plane_of``.
    """
    if not records:
        return None
    channels = len(records[0].maxima)
    tops = np.full(channels, np.inf)
    for channel in range(channels):
        top = max(record.maxima[channel] for record in records)
        if not eligible(channel, top):
            continue
        at_top = [record for record in records if record.maxima[channel] == top]
        if len(at_top) < 2:
            continue
        if any(is_pile_up(plane_of(record, channel), top) for record in at_top[:FRAMES_TO_VERIFY]):
            tops[channel] = top
    return tops


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
    pixels1 = np.zeros(1) if first is None else first.pixels  # the origin: no signal at no exposure
    step_up, step_before = _mean_and_error(last.pixels, middle.pixels), _mean_and_error(middle.pixels, pixels1)
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


def _mean_and_error(longer: np.ndarray, shorter: np.ndarray, step: int = BEND_ROW_STEP) -> tuple[np.ndarray, np.ndarray]:
    """``(C,)`` mean of each channel of the pixel differences ``longer - shorter`` on every ``step``-th row, and its standard error.

    The ``(H, W, C)`` differences are summed as ``(H, W*C)`` rows and folded into
    channels: numpy reduces slowly over a short last axis (five times slower here).
    ``shorter`` of one value is the origin.
    """
    channels = longer.shape[-1]
    compiled = fast_path.kernels()
    rows, shorter_rows = pixel_rows(longer), pixel_rows(shorter) if shorter.size > 1 else shorter.reshape(1, 1)
    if compiled is not None and rows is not None and shorter_rows is not None and compiled.takes(rows.dtype):
        mean, squares = compiled.difference_moments(rows, shorter_rows, channels, step)
        count = -(-rows.shape[0] // step) * (rows.shape[1] // channels)
        return mean, np.sqrt(squares / count) / np.sqrt(count)
    # in C order whatever the frames' layout: ``rows`` must be a view, for ``differences -= mean`` to centre it
    differences = np.subtract(longer[::step], shorter[::step] if shorter.size > 1 else shorter, dtype=np.float64, order="C")
    count = differences.size // channels
    rows = differences.reshape(differences.shape[0], -1)
    mean = rows.sum(axis=0).reshape(-1, channels).sum(axis=0) / count
    differences -= mean
    squares = np.einsum("ij,ij->j", rows, rows).reshape(-1, channels).sum(axis=0)
    return mean, np.sqrt(squares / count) / np.sqrt(count)
