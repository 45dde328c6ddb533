"""Loader ``raw-rgb``: RAW files straight from the camera, as the original workflow's TIFF would hold them.

The original workflow converted each RAW file with ``dcraw_emu -o 0 -q 0 -4 -T
-w``: camera RGB (no colour-space conversion), linear interpolation, 16 bits
linear (gamma 1, no auto-brightening), camera white balance. rawpy's
``postprocess`` with the same options reproduces those TIFFs bit for bit, so
this loader gives the original numbers without the conversion step, the
exiftool step or a second copy of the images.

The settings' ``crop`` is cut from the converted image before the ROI, as the
original conversion's crop was; LibRaw interpolates the whole frame, so
pixels near the crop edge see their true neighbours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rawpy

from camchar.api import BadInput, Frame, ImageInfo, Loader, LoadRequest, hookimpl
from camchar.plugins.loaders._raw import (
    RAW_SUFFIXES,
    capture_metadata,
    check_geometry,
    cut,
    exposure_time,
    open_raw,
    output_size,
)

__all__ = ["RawRgbLoader", "DCRAW_EMU_OPTIONS"]

#: rawpy.postprocess options equivalent to ``dcraw_emu -o 0 -q 0 -4 -T -w``.
DCRAW_EMU_OPTIONS = {
    "output_color": rawpy.ColorSpace.raw,  # -o 0
    "demosaic_algorithm": rawpy.DemosaicAlgorithm.LINEAR,  # -q 0
    "output_bps": 16,  # -4: 16 bits,
    "gamma": (1, 1),  # linear,
    "no_auto_bright": True,  # no auto-brightening
    "use_camera_wb": True,  # -w
}

#: The value a clipped pixel reads in the 16-bit output, as in the converted TIFF.
FULL_SCALE = 65535.0


class RawRgbLoader(Loader):
    """Demosaic a RAW file to linear 16-bit camera RGB, exactly as ``dcraw_emu -o 0 -q 0 -4 -T -w``."""

    name = "raw-rgb"
    description = "RAW files (NEF, CR2, CR3, ARW, DNG ...) as dcraw_emu -o 0 -q 0 -4 -T -w would convert them"
    suffixes = RAW_SUFFIXES
    #: The default for RAW files: it reproduces the original workflow's converted TIFFs.
    precedence = 10
    #: Decoding is expensive: keep a temporary copy of the selected frames for the noise model.
    cache_decoded = True
    applies_white_level = True
    subtracts_black_level = True
    sensor_counts = False

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read ``path``'s metadata: size, exposure time; check that the crop and ROI fit."""
        path = Path(path)
        with open_raw(path) as raw:
            seconds = exposure_time(raw, path)
            width, height = check_geometry(*output_size(raw), request, path)
        return ImageInfo(path, width, height, 3, seconds, "uint16")

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode and demosaic ``path``, cut the crop and then the ROI.

        Parameters
        ----------
        path
            The RAW file.
        request
            ``crop`` and ``roi`` as in the settings; ``white_level``, when
            set, is LibRaw's saturation level (``dcraw -S``), one value.

        Returns
        -------
        Frame
            ``(H, W, 3)`` uint16 camera RGB, the exposure time from the RAW
            metadata (EXIF as a fallback), saturation 65535, ISO and capture
            time as metadata.
        """
        path = Path(path)
        options = dict(DCRAW_EMU_OPTIONS)
        if request.white_level is not None:
            if len(set(request.white_level)) > 1:
                raise BadInput(path, f"raw-rgb takes one white level (LibRaw's saturation), not one per channel: {list(request.white_level)}")
            options["user_sat"] = int(request.white_level[0])
        with open_raw(path) as raw:
            seconds = exposure_time(raw, path)
            metadata = capture_metadata(raw)
            image_size = check_geometry(*output_size(raw), request, path)
            rgb = raw.postprocess(**options)
        pixels = cut(cut(rgb, request.crop, path, "crop"), request.roi, path, "roi")
        return Frame(np.ascontiguousarray(pixels), seconds, FULL_SCALE, path, metadata, image_size)


@hookimpl
def camchar_register_loaders(register):
    """Register the ``raw-rgb`` loader."""
    register(RawRgbLoader())
