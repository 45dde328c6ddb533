"""Sensor levels and the overexposure rule: where a frame clips, what its offset is, which pixels to ignore.

The original rule rejects a frame when any ROI pixel exceeds ``max`` times
the saturation level the loader reports (the largest value of the file's
sample type, for TIFFs). Real sensors break that rule's assumptions, and
these settings, all optional, repair it (``docs/noise-models.md``):

- ``white_level``: the value at which the sensor clips, one number or one per
  channel, in counts of the file. It replaces the loader's saturation level
  (RAW loaders apply it themselves).
- ``black_level``: the offset of every pixel, one number or one per channel,
  subtracted in counts after the overexposure test, as the dark masters are.
- ``saturated_fraction``: the fraction of a channel's pixels that may exceed
  the threshold before the frame counts as overexposed (0: the original's
  "any pixel").
- ``defect_mask``: pixels stuck at saturation are left out of the rule and of
  every statistic.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from camchar.core.frames import Frame
from camchar.host.stack import unmasked_counts
from camchar.numerics.reductions import channel_maxima, channel_totals
from camchar.stats.darks import DarkFrames
from camchar.stats.exposure import FROM_FILES, ExposureTimes

__all__ = ["Rules", "FrameRecord", "saturation_levels", "judge", "corrected", "channel_means"]


@attrs.frozen(eq=False)
class Rules:
    """How selection treats every frame of a run.

    Parameters
    ----------
    max_fraction
        The overexposure threshold, a fraction of the saturation level.
    needs_pairs
        Keep only frames with a partner at their exposure time.
    darks
        Master darks to subtract, if any.
    exposures
        Where exposure times come from besides the files.
    white
        ``(C,)`` saturation levels replacing the loader's (settings'
        ``white_level`` for loaders that do not apply it, or a detected
        clipping level), or ``None``.
    black
        ``(C,)`` black levels to subtract, or ``None``.
    tolerated
        The fraction of a channel's pixels that may exceed the threshold.
    mask
        ``(H, W, C)`` pixels to leave out of the rule and the statistics, or ``None``.
    detect_bends
        Check whether each selected frame responds below linear (a full well
        below the file's full scale).
    offset_measured
        Whether dark frames measured and removed the offset: a frame's
        response can then be checked against the line through the origin (a
        ``black_level`` or a loader's black level may be off, and a leftover
        offset would look like a bend).
    """

    max_fraction: float
    needs_pairs: bool = False
    darks: DarkFrames | None = None
    exposures: ExposureTimes = FROM_FILES
    white: np.ndarray | None = None
    black: np.ndarray | None = None
    tolerated: float = 0.0
    mask: np.ndarray | None = None
    detect_bends: bool = False
    offset_measured: bool = False


@attrs.frozen
class FrameRecord:
    """What selection noted about one frame: its file and exposure, each channel's largest value and saturation level, the verdict, the channels' names."""

    number: int
    path: Path
    exposure_time: float
    maxima: tuple[float, ...]
    saturation: tuple[float, ...]
    overexposed: bool
    channel_names: tuple[str, ...] = ()


def saturation_levels(frame: Frame, rules: Rules) -> np.ndarray:
    """``(C,)`` saturation level of each channel: the rules' white level, else the loader's."""
    levels = rules.white if rules.white is not None else frame.saturation
    return np.broadcast_to(np.asarray(levels, dtype=np.float64).ravel(), (frame.pixels.shape[2],))


def judge(frame: Frame, rules: Rules) -> tuple[bool, tuple[float, ...]]:
    """Whether ``frame`` is overexposed under ``rules``, and the largest value of each channel.

    Any pixel above ``max_fraction x saturation`` makes it overexposed, unless
    ``tolerated`` allows a fraction of them; masked pixels do not count.
    """
    pixels = frame.pixels
    thresholds = rules.max_fraction * saturation_levels(frame, rules)
    if rules.mask is None:
        maxima = [float(top) for top in channel_maxima(pixels)]
    else:
        maxima = [float(plane.max()) if plane.size else 0.0 for plane in _unmasked_planes(pixels, rules.mask)]
    overexposed = False
    for channel, top in enumerate(maxima):
        if top <= thresholds[channel]:
            continue
        if rules.tolerated == 0:
            overexposed = True
            break
        plane = pixels[..., channel] if rules.mask is None else pixels[..., channel][~rules.mask[..., channel]]
        overexposed |= np.count_nonzero(plane > thresholds[channel]) > rules.tolerated * plane.size
    return overexposed, tuple(maxima)


def _unmasked_planes(pixels: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    return [pixels[..., c][~mask[..., c]] for c in range(pixels.shape[2])]


def corrected(frame: Frame, rules: Rules) -> Frame:
    """``frame`` as the statistics see it: dark or black level subtracted, masked pixels set to their channel's mean.

    The subtraction is in counts (float64), as the dark masters'; a masked
    pixel set to the mean of the other pixels of its channel adds nothing to
    a residual or a deviation, so models that count only unmasked pixels
    (``SelectedStack.pixel_counts``) are exact.
    """
    if rules.darks is not None:
        frame = rules.darks.subtract(frame)
    elif rules.black is not None:
        pixels = frame.pixels - np.broadcast_to(rules.black, (frame.pixels.shape[2],))
        frame = attrs.evolve(frame, pixels=pixels, metadata={**frame.metadata, "black_subtracted": True})
    if rules.mask is None:
        return frame
    pixels = frame.pixels.astype(np.float64, copy=True)
    for channel, mean in enumerate(channel_means(pixels, rules.mask)):
        pixels[..., channel][rules.mask[..., channel]] = mean
    return attrs.evolve(frame, pixels=pixels)


def channel_means(pixels: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``(C,)`` mean of each channel over the pixels that count (exact sums for 16-bit integers)."""
    if mask is None:
        return channel_totals(pixels) / (pixels.shape[0] * pixels.shape[1])
    return np.array([pixels[..., c][~mask[..., c]].sum(dtype=np.float64) for c in range(pixels.shape[2])]) / unmasked_counts(pixels.shape, mask)
