"""What the two RAW loaders share: opening a file with rawpy, its exposure time, crops and errors.

rawpy 0.28 with LibRaw 0.22. Do not touch ``raw_image`` after the file is
closed (it segfaults); everything a frame needs is copied out while the file
is open.
"""

from __future__ import annotations

import contextlib
import datetime
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np
import rawpy
import tifffile

from camchar.api import BadInput, LoadRequest, Region

__all__ = [
    "RAW_SUFFIXES",
    "open_raw",
    "nominal_exposure_time",
    "exposure_time",
    "capture_metadata",
    "output_size",
    "check_geometry",
    "cut",
]

#: Suffixes of the RAW formats LibRaw reads (the common ones; LibRaw knows more).
RAW_SUFFIXES = (
    ".dng", ".nef", ".nrw", ".cr2", ".cr3", ".crw", ".arw", ".srf", ".sr2", ".orf", ".rw2", ".raf",
    ".pef", ".srw", ".x3f", ".3fr", ".fff", ".iiq", ".mos", ".mef", ".mrw", ".erf", ".kdc", ".dcr",
    ".rwl", ".raw",
)  # fmt: skip


@contextlib.contextmanager
def open_raw(path: Path) -> Iterator[rawpy.RawPy]:
    """Open ``path`` with rawpy; any failure becomes a :class:`BadInput` naming the file."""
    if not path.is_file():
        raise BadInput(path, "image file not found")
    _refuse_truncated_tiff(path)
    try:
        raw = rawpy.imread(str(path))
    except rawpy.LibRawFileUnsupportedError:
        raise BadInput(path, "not a RAW file LibRaw can read (unsupported format or not a RAW file)") from None
    except (rawpy.LibRawIOError, rawpy.LibRawDataError):
        raise BadInput(path, "corrupt or truncated RAW file (LibRaw could not read its image data)") from None
    except rawpy.LibRawError as exc:
        raise BadInput(path, f"LibRaw cannot read this file ({_libraw_message(exc)})") from None
    try:
        with raw:
            yield raw
    except rawpy.LibRawError as exc:
        raise BadInput(path, f"LibRaw failed on this file ({_libraw_message(exc)})") from None


def _libraw_message(exc: Exception) -> str:
    message = exc.args[0] if exc.args else type(exc).__name__
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _refuse_truncated_tiff(path: Path) -> None:
    """Fail cleanly on a TIFF-based RAW (DNG, NEF, CR2, ARW ...) whose image data runs past the end of the file.

    LibRaw would print its own message to stderr for such a file; this check
    keeps the error to camchar's one line. Files that are not TIFF-based are
    left to LibRaw.
    """
    try:
        with tifffile.TiffFile(path) as tif:
            size = tif.filehandle.size
            pending = list(tif.pages)
            while pending:
                page = pending.pop()
                if not isinstance(page, tifffile.TiffPage):
                    continue
                ends = [offset + count for offset, count in zip(page.dataoffsets, page.databytecounts)]
                if ends and max(ends) > size:
                    raise BadInput(path, "corrupt or truncated RAW file (its image data runs past the end of the file)")
                pending.extend(page.pages or ())
    except BadInput:
        raise
    except Exception:  # not TIFF-based (CR3, RAF ...) or unusual: LibRaw decides
        return


def nominal_exposure_time(value: float) -> float | None:
    """The exposure time a camera meant, from rawpy's float32 ``shutter_speed``.

    float32 keeps about 7 digits, so 1/40 s arrives as 0.025000000372529.
    The nominal value is the simplest fraction within float32 precision of
    it (1/40), as the EXIF rational the original workflow read would give.

    Returns
    -------
    float or None
        Seconds, or ``None`` for a zero, negative or missing value.
    """
    if not value or not np.isfinite(value) or value <= 0:
        return None
    exact = Fraction(float(value))
    for limit in (10, 100, 1000, 10_000, 100_000, 1_000_000):
        candidate = exact.limit_denominator(limit)
        if candidate > 0 and abs(candidate - exact) <= 2e-7 * exact:
            return candidate.numerator / candidate.denominator
    return float(value)


def exposure_time(raw: rawpy.RawPy, path: Path) -> float:
    """Exposure time in seconds: LibRaw's, else the EXIF ExposureTime of a TIFF-based RAW.

    Raises
    ------
    BadInput
        When neither gives a positive exposure time.
    """
    seconds = nominal_exposure_time(raw.other.shutter_speed)
    if seconds is None:
        seconds = _exif_exposure_time(path)
    if seconds is None:
        raise BadInput(path, "no exposure time in the RAW metadata or EXIF")
    return seconds


def _exif_exposure_time(path: Path) -> float | None:
    from camchar.plugins.loaders.tiff import read_exposure_time

    try:
        with tifffile.TiffFile(path) as tif:
            seconds = read_exposure_time(tif.pages.first)
    except Exception:  # not TIFF-based: no EXIF to fall back on
        return None
    return seconds if seconds is not None and seconds > 0 else None


def capture_metadata(raw: rawpy.RawPy) -> dict[str, object]:
    """ISO and capture time, where the file records them."""
    metadata: dict[str, object] = {}
    if raw.other.iso_speed and raw.other.iso_speed > 0:
        metadata["iso"] = float(raw.other.iso_speed)
    timestamp = raw.other.timestamp
    if isinstance(timestamp, datetime.datetime):
        metadata["capture_time"] = timestamp.isoformat()
    elif timestamp:
        metadata["capture_time"] = datetime.datetime.fromtimestamp(timestamp).isoformat()
    return metadata


def output_size(raw: rawpy.RawPy) -> tuple[int, int]:
    """``(width, height)`` of the image LibRaw's postprocess returns (rotated as the camera recorded)."""
    width, height = raw.sizes.width, raw.sizes.height
    return (height, width) if raw.sizes.flip in (5, 6) else (width, height)


def check_geometry(width: int, height: int, request: LoadRequest, path: Path) -> tuple[int, int]:
    """Check that the crop fits the image and the ROI the cropped image; return the cropped size.

    Raises
    ------
    BadInput
        Naming the file, the region and the image size.
    """
    if request.crop is not None:
        if not request.crop.fits(height, width):
            raise BadInput(path, f"crop {request.crop.as_list()} does not fit inside the {width} x {height} image")
        width, height = request.crop.w, request.crop.h
    if request.roi is not None and not request.roi.fits(height, width):
        where = "cropped " if request.crop is not None else ""
        raise BadInput(path, f"roi {request.roi.as_list()} does not fit inside the {width} x {height} {where}image")
    return width, height


def cut(pixels: np.ndarray, region: Region | None, path: Path, name: str) -> np.ndarray:
    """``pixels`` cut to ``region``; :class:`BadInput` if it does not fit."""
    if region is None:
        return pixels
    height, width = pixels.shape[:2]
    if not region.fits(height, width):
        raise BadInput(path, f"{name} {region.as_list()} does not fit inside the {width} x {height} image")
    return pixels[region.slices]
