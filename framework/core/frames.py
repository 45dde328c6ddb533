"""What a loader hands to the pipeline: a frame of pixels and what is known about it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import attrs
import numpy as np

__all__ = ["Region", "LoadRequest", "Frame", "ImageInfo"]


@attrs.frozen
class Region:
    """A rectangle of an image, ``[x, y, w, h]`` as in the settings file.

    ``x`` is the first column, ``y`` the first row; ``w`` and ``h`` are the
    width and height in pixels.
    """

    x: int
    y: int
    w: int
    h: int

    @property
    def slices(self) -> tuple[slice, slice]:
        """``(rows, columns)`` slices that cut this region out of an ``H x W`` array."""
        return slice(self.y, self.y + self.h), slice(self.x, self.x + self.w)

    def fits(self, height: int, width: int) -> bool:
        """Whether the region lies wholly inside an image of ``height x width``."""
        return (
            self.x >= 0
            and self.y >= 0
            and self.w > 0
            and self.h > 0
            and self.x + self.w <= width
            and self.y + self.h <= height
        )

    def as_list(self) -> list[int]:
        """``[x, y, w, h]``, the settings-file form."""
        return [self.x, self.y, self.w, self.h]


def _levels(value: Any) -> tuple[float, ...] | None:
    """One level or a sequence of levels as a tuple of floats (``None`` stays ``None``)."""
    if value is None:
        return None
    return tuple(float(level) for level in np.ravel(value))


@attrs.frozen
class LoadRequest:
    """What the pipeline asks of a loader for every image of a sweep.

    Parameters
    ----------
    roi
        The region of interest in the loader's output image, or ``None`` for
        the whole image. The loader returns exactly this region.
    crop
        The settings' ``crop`` ``[x, y, w, h]``: for loaders that convert RAW
        files, the crop the original RAW-to-TIFF conversion applied before the
        ROI. Loaders of already converted images ignore it.
    white_level
        The settings' ``white_level``: the value at which the sensor clips,
        one level or one per channel, in counts of the file. Loaders that
        declare ``applies_white_level`` (the RAW loaders, whose counts are
        not the file's output) interpret it; for every other loader camchar
        replaces the frame's ``saturation`` with it.

    A loader's own options (declared in its ``options``) are not in the
    request: they are the loader's ``config`` for the run.
    """

    roi: Region | None = None
    crop: Region | None = None
    white_level: tuple[float, ...] | None = attrs.field(default=None, converter=lambda value: _levels(value))


@attrs.frozen(eq=False)
class Frame:
    """One decoded image, cut to the region of interest.

    Parameters
    ----------
    pixels
        ``(H, W, C)`` array of the values as decoded (counts, not normalised).
        It may be a read-only view (of a memory-mapped file, for instance):
        never modify it in place.
    exposure_time
        Exposure time in seconds, or ``None`` when the file holds none (a PNG,
        a TIFF without EXIF): camchar then takes it from the settings'
        ``exposure:`` section, and refuses the image if that has none either.
        Before any component but the loader sees a frame, it is a number.
    saturation
        The value a pixel reads when the sensor or the file format clips it,
        one number or one per channel; the overexposure test rejects a frame
        with any pixel above ``max x saturation``.
    path
        The file the frame came from.
    metadata
        Anything else the loader knows: ``channel_names`` (recorded in the
        output), ``iso``, ``capture_time``, white level ...
    image_size
        ``(width, height)`` of the whole image the ROI was cut from, when
        known: camchar refuses a sweep whose images differ in size even when
        the ROI fits them all.
    """

    pixels: np.ndarray
    exposure_time: float | None
    saturation: float | tuple[float, ...]
    path: Path
    metadata: Mapping[str, Any] = attrs.field(factory=dict)
    image_size: tuple[int, int] | None = None

    @property
    def channels(self) -> int:
        """The number of colour channels ``C``."""
        return self.pixels.shape[-1]

    def rates(self) -> np.ndarray:
        """The pixels divided by the exposure time, float64 counts/s."""
        return self.pixels / self.exposure_time

    def is_overexposed(self, max_fraction: float) -> bool:
        """Whether any pixel exceeds ``max_fraction x saturation`` (of its channel)."""
        if not isinstance(self.saturation, tuple) and np.ndim(self.saturation) == 0:
            return bool(self.pixels.max() > max_fraction * self.saturation)
        return any(
            self.pixels[..., c].max() > max_fraction * level for c, level in enumerate(np.ravel(self.saturation))
        )

    @property
    def channel_names(self) -> tuple[str, ...]:
        """Names of the channels: ``metadata["channel_names"]``, else R, G, B for three channels."""
        names = self.metadata.get("channel_names")
        if names is not None:
            return tuple(names)
        if self.channels == 3:
            return ("R", "G", "B")
        return tuple(f"C{c}" for c in range(self.channels))


@attrs.frozen
class ImageInfo:
    """What a loader's ``probe`` learns from a file's header, without decoding its pixels.

    Parameters
    ----------
    path
        The file.
    width, height
        Size of the image the ROI applies to (after the crop, for loaders of
        RAW files), in pixels.
    channels
        Number of channels of the frames ``load`` returns.
    exposure_time
        Exposure time in seconds, or ``None`` when the header holds none (the
        settings' ``exposure:`` section then gives it, as for :class:`Frame`).
    sample_type
        The numpy type of the pixels ``load`` returns (``"uint16"``), when known:
        camchar refuses a sweep whose files differ in it.
    bits
        Significant bits per sample as the file declares them (12 for 12-bit
        data), when known; compared across the sweep like ``sample_type``.
    """

    path: Path
    width: int
    height: int
    channels: int
    exposure_time: float | None
    sample_type: str | None = None
    bits: int | None = None

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)``."""
        return self.width, self.height
