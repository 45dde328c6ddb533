"""Loader ``raw-bayer``: the four Bayer sites of a RAW file as four channels, no demosaicing.

Demosaicing mixes the noise of neighbouring pixels, and white balance
rescales it; noise studies want the sensor's own sites. This loader returns
the visible raw data as four half-resolution planes, R, G1, G2, B (G1 is the
green on the red rows), each with its black level subtracted, in raw counts.

Geometry: ``crop`` and ``roi`` are given as for the converted image (full
resolution, the sensor's visible area), so the same settings file describes
the same part of the sensor for every loader. The crop is cut from the raw
data and the Bayer phase is read at its top-left corner; the ROI is then
halved (``x // 2, y // 2, w // 2, h // 2``) into plane coordinates.

Saturation: a pixel counts as overexposed when its value above black exceeds
``max`` of the range between the black level and the white level. The white
level comes from the file's metadata, or from ``white_level`` in the settings
(metadata values are often too high on real cameras).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from camchar.api import BadInput, Frame, ImageInfo, Loader, LoadRequest, Region, hookimpl
from camchar.plugins.loaders._raw import RAW_SUFFIXES, capture_metadata, check_geometry, cut, exposure_time, open_raw

__all__ = ["RawBayerLoader", "CHANNEL_NAMES", "bayer_sites"]

CHANNEL_NAMES = ("R", "G1", "G2", "B")


class RawBayerLoader(Loader):
    """The R, G1, G2 and B sites of a Bayer sensor at half resolution, black level subtracted."""

    name = "raw-bayer"
    description = "RAW Bayer sites R, G1, G2, B at half resolution, black subtracted, saturation at the white level"
    roi_binning = 2
    suffixes = RAW_SUFFIXES
    #: Below raw-rgb: the four Bayer planes are chosen by name (--loader raw-bayer), not by default.
    precedence = 0
    #: Decoding is expensive: keep a temporary copy of the selected frames for the noise model.
    cache_decoded = True
    applies_white_level = True
    subtracts_black_level = True

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read ``path``'s metadata: size, exposure time, Bayer pattern; check that the crop and ROI fit."""
        path = Path(path)
        with open_raw(path) as raw:
            seconds = exposure_time(raw, path)
            height, width = raw.raw_image_visible.shape
            width, height = check_geometry(width, height, request, path)
            bayer_sites(_phase(raw, request), raw.color_desc.decode("ascii", "replace"), path)
        return ImageInfo(path, width, height, len(CHANNEL_NAMES), seconds, "int32")

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Read the raw sites of ``path`` inside the crop and the (halved) ROI.

        Parameters
        ----------
        path
            The RAW file.
        request
            ``crop``, ``roi`` (full-resolution coordinates) and optionally
            ``white_level``.

        Returns
        -------
        Frame
            ``(H/2, W/2, 4)`` int32 counts above black in the order R, G1, G2,
            B; saturation per channel ``white level - black level``.
        """
        path = Path(path)
        with open_raw(path) as raw:
            seconds = exposure_time(raw, path)
            metadata = capture_metadata(raw)
            image_size = check_geometry(raw.raw_image_visible.shape[1], raw.raw_image_visible.shape[0], request, path)
            visible = cut(raw.raw_image_visible, request.crop, path, "crop")
            sites = bayer_sites(_phase(raw, request), raw.color_desc.decode("ascii", "replace"), path)
            black = [float(raw.black_level_per_channel[color]) for _, _, color in sites]
            white = _white_levels(request.white_level, float(raw.white_level), path)
            planes = _planes(visible, sites, request.roi, path)  # copies: raw_image must not outlive the file
        if not all(top > level for top, level in zip(white, black)):
            raise BadInput(path, f"white level {white} is not above the black levels {black}")
        pixels = planes - np.array(black, dtype=np.int32)
        metadata.update(channel_names=CHANNEL_NAMES, white_level=white, black_levels=black)
        return Frame(pixels, seconds, tuple(top - level for top, level in zip(white, black)), path, metadata, image_size)


def _phase(raw, request: LoadRequest) -> np.ndarray:
    """The colour indices of the 2 x 2 pixels at the top-left of the crop (of the visible area without one).

    Asked pixel by pixel: ``raw_colors_visible`` would build an index for all
    12 million pixels to read four of them (11 ms a file).
    """
    top, left = (request.crop.y, request.crop.x) if request.crop is not None else (0, 0)
    top, left = top + raw.sizes.top_margin, left + raw.sizes.left_margin
    return np.array([[raw.raw_color(top + row, left + column) for column in range(2)] for row in range(2)])


def _white_levels(requested: tuple[float, ...] | None, from_file: float, path: Path) -> list[float]:
    """The white level of each of the four sites: the settings' (one, or one per site), else the file's."""
    if requested is None:
        return [from_file] * len(CHANNEL_NAMES)
    if len(requested) not in (1, len(CHANNEL_NAMES)):
        raise BadInput(path, f"white_level has {len(requested)} levels; raw-bayer takes one, or one per site ({', '.join(CHANNEL_NAMES)})")
    return [float(level) for level in np.broadcast_to(requested, len(CHANNEL_NAMES))]


def bayer_sites(phase: np.ndarray, color_desc: str, path: Path) -> list[tuple[int, int, int]]:
    """``(row, column, colour index)`` of the R, G1, G2 and B sites in a 2x2 Bayer phase.

    Parameters
    ----------
    phase
        The colour indices of the top-left 2 x 2 pixels (``raw_colors_visible``).
    color_desc
        LibRaw's colour description, e.g. ``"RGBG"``: the letter of each index.
    path
        The file, for the error message.

    Raises
    ------
    BadInput
        When the pattern is not a Bayer pattern of one red, one blue and two
        green sites (X-Trans, CMYG and monochrome sensors are not supported).
    """
    if phase.shape != (2, 2) or not all(0 <= int(index) < len(color_desc) for index in phase.ravel()):
        raise BadInput(path, f"raw-bayer needs a 2x2 Bayer sensor; this file's colour pattern is unreadable ({color_desc or 'no colours'})")
    letters = {(row, column): color_desc[int(phase[row, column])] for row in range(2) for column in range(2)}
    reds = [site for site, letter in letters.items() if letter == "R"]
    blues = [site for site, letter in letters.items() if letter == "B"]
    greens = [site for site, letter in letters.items() if letter == "G"]
    if phase.shape != (2, 2) or len(reds) != 1 or len(blues) != 1 or len(greens) != 2:
        pattern = "".join(letters.values()) if phase.shape == (2, 2) else "unknown"
        raise BadInput(path, f"raw-bayer needs a 2x2 Bayer sensor (one R, two G, one B); this file's pattern is {pattern}")
    green_on_red_row = next(site for site in greens if site[0] == reds[0][0])
    other_green = next(site for site in greens if site != green_on_red_row)
    return [(*site, int(phase[site])) for site in (reds[0], green_on_red_row, other_green, blues[0])]


def _planes(visible: np.ndarray, sites: list[tuple[int, int, int]], roi: Region | None, path: Path) -> np.ndarray:
    """The ``(h, w, 4)`` planes of the sites inside the halved ROI, copied out of the raw data."""
    height, width = visible.shape[0] // 2, visible.shape[1] // 2
    region = Region(0, 0, width, height)
    if roi is not None:
        region = Region(roi.x // 2, roi.y // 2, roi.w // 2, roi.h // 2)
        if not roi.fits(visible.shape[0], visible.shape[1]) or not region.fits(height, width):
            raise BadInput(path, f"roi {roi.as_list()} does not fit inside the {visible.shape[1]} x {visible.shape[0]} image")
    planes = np.empty((region.h, region.w, len(sites)), dtype=np.int32)
    for channel, (row, column, _) in enumerate(sites):
        top, left = row + 2 * region.y, column + 2 * region.x
        planes[..., channel] = visible[top : top + 2 * region.h : 2, left : left + 2 * region.w : 2]
    return planes


@hookimpl
def camchar_register_loaders(register):
    """Register the ``raw-bayer`` loader."""
    register(RawBayerLoader())
