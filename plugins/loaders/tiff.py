"""Loader ``tiff``: converted TIFFs, as the original workflow makes them.

The original workflow converts each RAW photo with ``dcraw_emu -o 0 -q 0 -4 -T``
and copies the EXIF across with ``exiftool -tagsFromFile``; the exposure time
then sits in the Exif IFD. Files written by tifffile cannot carry an Exif IFD
and hold the ExposureTime tag (33434) in IFD0 instead; both are read, the Exif
IFD first. Pixels are read with tifffile, which keeps 16-bit samples exact.

Uncompressed, contiguous, interleaved files (what ``dcraw_emu -T`` and
tifffile write) are not decoded at all: the region of interest is read with
one ``preadv`` into a compact buffer (used again once the frame it held is
gone), the bytes of the columns outside it into a scratch area, so only the
ROI's rows are ever read and only the ROI's memory is touched. (Memory-mapping would save that one copy, but a
file truncated during a run would then kill the process with SIGBUS; a short
read is a clean error instead, and no file stays open.) Every other layout
is decoded whole by tifffile and then cut.

The header of a plain page is read once: what ``probe`` learnt of it (the
checks probe every file before any decoding) serves every later ``load`` of
the file, as long as the file's size, times and inode are the ones probed;
any change, and every other layout, reads the header again. ``probe`` reads
a plain single-page file's header with the loader's own reader of the dozen
tags it needs (``_tiff_header``, a tenth of tifffile's time); any other file,
and any header that reader does not answer for, is read by tifffile.

A multi-page TIFF (a bracket or a whole sweep in one file) is read a page at
a time: ``stack.tif#3`` is its third page (``image_name: stack.tif#{}``),
with that page's own tags and the same fast path for plain pages; a plain
file is the first page. A file without an exposure time reports none, and
camchar takes it from the settings' ``exposure:`` section.
"""

from __future__ import annotations

import contextlib
import os
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Iterator, NamedTuple

import numpy as np
import tifffile

from camchar.api import BadInput, Frame, ImageInfo, Loader, LoadRequest, Region, hookimpl, shorten, split_page
from camchar.plugins.loaders._buffers import BufferPool
from camchar.plugins.loaders._tiff_header import read_plain_header

__all__ = ["TiffLoader", "read_exposure_time"]

EXPOSURE_TIME_TAG = 33434

#: Where the ROIs of plain files are read: memory used again once a frame is gone (``_buffers``).
_READ_BUFFERS = BufferPool()
#: Headers of plain pages kept for their loads, at most this many (a few hundred bytes each).
_KEPT_LAYOUTS = 4096


class _Layout(NamedTuple):
    """What a load needs from a plain page's header: the page's info and capture metadata, where its rows are, their type."""

    identity: tuple[int, ...]
    info: ImageInfo
    metadata: dict[str, Any]
    data_offset: int
    dtype: np.dtype


class TiffLoader(Loader):
    """Read an integer RGB or greyscale TIFF and its exposure time."""

    name = "tiff"
    description = "Integer TIFF (e.g. 16-bit from dcraw_emu -4 -T); exposure time from EXIF"
    suffixes = (".tiff", ".tif")
    #: Above the RAW loaders: a converted TIFF beside a RAW file is what the original workflow read.
    precedence = 20
    #: Headers are parsed in Python (tifffile took 0.11 s for 333 on one thread, 0.2 s on two taking turns; the own reader of plain ones 0.04 s).
    probe_on_threads = False

    def __init__(self) -> None:
        self._layouts: dict[str, _Layout] = {}

    def can_open(self, path: Path) -> bool:
        """Whether ``path`` (or the file of the page it addresses, ``stack.tif#3``) has a TIFF suffix."""
        return split_page(path)[0].suffix.lower() in self.suffixes

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read the header of ``path``: size, channels, exposure time; check that the ROI fits.

        Raises
        ------
        BadInput
            As :meth:`load`, without decoding any pixels.
        """
        path = Path(path)
        info = self._probe_plain(path)
        if info is None:
            with _open_tiff(path) as (handle, tif, page):
                info = _image_info(path, tif, page)
                self._keep_layout(path, handle, tif, page, info)
        _check_roi(info, request.roi, path)
        return info

    def _probe_plain(self, path: Path) -> ImageInfo | None:
        """The info of a plain single-page file read without tifffile (``_tiff_header``), its layout kept; ``None`` for any other."""
        if split_page(path)[1] is not None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None  # tifffile's reading names the problem
        try:
            status = os.fstat(fd)
            header = read_plain_header(fd, status.st_size)
        finally:
            os.close(fd)
        if header is None:
            return None
        exposure_time = _exposure_time(header.exif, header.exposure_time)
        if exposure_time is not None and not exposure_time > 0:
            return None
        sample_type = str(header.dtype.newbyteorder("="))
        info = ImageInfo(path, header.width, header.height, header.samples, exposure_time, sample_type, header.bits)
        self._keep(path, _Layout(_identity(status), info, _metadata_of(header.exif), header.data_offset, header.dtype))
        return info

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode ``path``, cut it to ``request.roi`` and read its exposure time.

        Parameters
        ----------
        path
            The TIFF file.
        request
            The run's load request; only ``roi`` is used.

        Returns
        -------
        Frame
            ``(H, W, C)`` pixels as stored, the exposure time (``None`` when the
            file holds none), and the largest value of the sample type as the
            saturation level.

        Raises
        ------
        BadInput
            When the file is missing or not a readable integer TIFF, has no
            such page, has a zero or negative exposure time, or the ROI does
            not fit inside it.
        """
        path = Path(path)
        frame = self._load_probed(path, request)
        if frame is not None:
            return frame
        with _open_tiff(path) as (handle, tif, page):
            info = _image_info(path, tif, page)
            _check_roi(info, request.roi, path)
            metadata = _capture_metadata(page)
            pixels = _read_region(handle, tif, page, request.roi, path)
        return _frame(path, pixels, info, metadata)

    def _keep_layout(self, path: Path, handle: BinaryIO, tif: tifffile.TiffFile, page: tifffile.TiffPage, info: ImageInfo) -> None:
        """Remember a plain page's header for the loads of the unchanged file."""
        if not _is_plain(page):
            return
        dtype = np.dtype(page.dtype).newbyteorder(tif.byteorder)
        self._keep(path, _Layout(_identity(os.fstat(handle.fileno())), info, _capture_metadata(page), page.dataoffsets[0], dtype))

    def _keep(self, path: Path, layout: _Layout) -> None:
        if len(self._layouts) >= _KEPT_LAYOUTS:
            self._layouts.clear()
        self._layouts[str(path)] = layout

    def _load_probed(self, path: Path, request: LoadRequest) -> Frame | None:
        """The frame read with the header ``probe`` kept, or ``None`` when there is none or the file changed since."""
        layout = self._layouts.get(str(path))
        if layout is None:
            return None
        try:
            handle = open(split_page(path)[0], "rb")
        except OSError:
            return None  # the full reading names the problem
        with handle:
            if _identity(os.fstat(handle.fileno())) != layout.identity:
                return None
            info = layout.info
            _check_roi(info, request.roi, path)
            pixels = _read_rows(handle, layout.data_offset, (info.height, info.width, info.channels), layout.dtype, request.roi, path)
        return _frame(path, pixels, info, layout.metadata)


def _identity(status: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is written or replaced: device, inode, size, modification and change times."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _frame(path: Path, pixels: np.ndarray, info: ImageInfo, metadata: dict[str, Any]) -> Frame:
    """The loaded frame: the largest value of the sample type is the saturation level."""
    return Frame(
        pixels=pixels,
        exposure_time=info.exposure_time,
        saturation=float(np.iinfo(pixels.dtype).max),
        path=path,
        metadata=dict(metadata),
        image_size=info.size,
    )


@contextlib.contextmanager
def _open_tiff(path: Path) -> Iterator[tuple[BinaryIO, tifffile.TiffFile, tifffile.TiffPage]]:
    """Open ``path`` and its page (the first, or the one ``#N`` names); any failure to read becomes a :class:`BadInput`."""
    file, number = split_page(path)
    try:
        with open(file, "rb") as handle, tifffile.TiffFile(handle) as tif:
            yield handle, tif, _page(tif, number, path)
    except BadInput:
        raise
    except FileNotFoundError:
        raise BadInput(path, "image file not found") from None
    except IsADirectoryError:
        raise BadInput(path, "is a folder, not an image file") from None
    except MemoryError:
        raise BadInput(path, "not a readable TIFF (it declares an image too large to decode; damaged header?)") from None
    except Exception as exc:  # noqa: BLE001 - tifffile raises anything on a damaged file (ZeroDivisionError, struct.error ...)
        # a damaged header sends odd values (tuples, huge numbers, zeros) anywhere into the parsing
        raise BadInput(path, f"not a readable TIFF ({type(exc).__name__}: {shorten(str(exc), 100)})") from None


def _page(tif: tifffile.TiffFile, number: int | None, path: Path) -> tifffile.TiffPage:
    """Page ``number`` (1-based; ``None``: the first) of ``tif``."""
    if number is None:
        return tif.pages.first
    if number < 1:
        raise BadInput(path, f"page {number} does not exist: pages are numbered from 1")
    try:
        page = tif.pages[number - 1]
    except IndexError:
        raise BadInput(path, f"page {number} does not exist: the file has {len(tif.pages)} page{'s' if len(tif.pages) != 1 else ''}") from None
    if not isinstance(page, tifffile.TiffPage):
        page = page.aspage()
    return page


def _image_info(path: Path, tif: tifffile.TiffFile, page: tifffile.TiffPage) -> ImageInfo:
    """Size, channels and exposure time (``None`` if the page has none) from the page's tags, checking what ``load`` needs."""
    sizes = (page.imagewidth, page.imagelength, page.samplesperpixel)
    if not all(isinstance(value, int) and value > 0 for value in sizes):
        raise BadInput(path, f"not a readable TIFF (width, height and samples per pixel are {sizes})")
    ends = [offset + count for offset, count in zip(page.dataoffsets, page.databytecounts)]
    if ends and max(ends) > tif.filehandle.size:
        raise BadInput(path, "the file ends before its image data does (truncated?)")
    if page.dtype is not None and page.compression == 1:
        declared = page.imagewidth * page.imagelength * page.samplesperpixel * np.dtype(page.dtype).itemsize
        if declared > sum(page.databytecounts):
            raise BadInput(path, f"declares a {page.imagewidth} x {page.imagelength} image but holds less image data (damaged header?)")
    if page.dtype is None or np.dtype(page.dtype).kind not in "ui":
        raise BadInput(path, f"sample type {page.dtype} is not supported; the tiff loader reads integer TIFFs")
    if page.axes not in ("YX", "YXS", "SYX"):
        raise BadInput(path, f"image layout {page.axes!r} is not a single greyscale or colour image")
    exposure_time = read_exposure_time(page)
    if exposure_time is not None and not exposure_time > 0:
        raise BadInput(path, f"exposure time {exposure_time} s is not positive")
    sample_type = str(np.dtype(page.dtype).newbyteorder("="))
    return ImageInfo(path, page.imagewidth, page.imagelength, page.samplesperpixel, exposure_time, sample_type, page.bitspersample)


def _check_roi(info: ImageInfo, roi: Region | None, path: Path) -> None:
    if roi is not None and not roi.fits(info.height, info.width):
        raise BadInput(path, f"roi {roi.as_list()} does not fit inside the {info.width} x {info.height} image")


def read_exposure_time(page: tifffile.TiffPage) -> float | None:
    """The exposure time in seconds from a TIFF page's tags, or ``None``.

    The Exif IFD's ExposureTime comes first, IFD0's tag 33434 second.

    Parameters
    ----------
    page
        A page of the TIFF (the first, or the one a ``#N`` path names).

    Returns
    -------
    float or None
        The exposure time as the rational's quotient (e.g. 1/40 -> 0.025).
    """
    tag = page.tags.get(EXPOSURE_TIME_TAG)
    return _exposure_time(_exif_values(page), None if tag is None else tag.value)


def _exif_values(page: tifffile.TiffPage) -> dict[str, object] | None:
    """The page's Exif IFD as tifffile read it (by tag name), or ``None``."""
    exif = page.tags.get("ExifTag")
    return exif.value if exif is not None and isinstance(exif.value, dict) else None


def _exposure_time(exif: dict[str, object] | None, ifd0_value: object) -> float | None:
    """The Exif IFD's ExposureTime, else IFD0's tag 33434 (``ifd0_value``, ``None`` without one), in seconds."""
    if exif is not None and "ExposureTime" in exif:
        return _rational(exif["ExposureTime"])
    if ifd0_value is not None:
        return _rational(ifd0_value)
    return None


def _capture_metadata(page: tifffile.TiffPage) -> dict[str, object]:
    """ISO and capture time from the Exif IFD, where present."""
    return _metadata_of(_exif_values(page))


def _metadata_of(exif: dict[str, object] | None) -> dict[str, object]:
    """ISO and capture time from the values of an Exif IFD (``None``: none)."""
    values = exif or {}
    metadata: dict[str, object] = {}
    iso = values.get("ISOSpeedRatings")
    if isinstance(iso, (tuple, list)):
        iso = iso[0] if iso else None
    if isinstance(iso, (int, float)) and iso > 0:
        metadata["iso"] = float(iso)
    taken = values.get("DateTimeOriginal")
    if isinstance(taken, str) and len(taken) >= 19:
        metadata["capture_time"] = taken[:10].replace(":", "-") + "T" + taken[11:19]
    return metadata


def _rational(value: object) -> float | None:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        numerator, denominator = value
        if denominator == 0:
            return None
        return numerator / denominator
    if isinstance(value, (int, float, Fraction)):
        return float(value)
    return None


def _as_height_width_channels(pixels: np.ndarray, axes: str) -> np.ndarray:
    if axes == "YX":
        return pixels[:, :, np.newaxis]
    if axes == "YXS":
        return pixels
    if axes == "SYX":
        return np.moveaxis(pixels, 0, -1)
    raise ValueError(f"image layout {axes!r} is not a single greyscale or colour image")


def _read_region(handle: BinaryIO, tif: tifffile.TiffFile, page: tifffile.TiffPage, roi: Region | None, path: Path) -> np.ndarray:
    """The ``(H, W, C)`` pixels of ``roi`` (all of them for ``None``, which must fit) in native byte order.

    For plain layouts, only the rows of the ROI are read (one ``pread``) and
    the frame is a view of them; other layouts are decoded whole and cut.
    """
    height, width = page.imagelength, page.imagewidth
    if not _is_plain(page):
        rows, columns = roi.slices if roi is not None else (slice(0, height), slice(0, width))
        pixels = _as_height_width_channels(page.asarray(), page.axes)[rows, columns]
        return np.ascontiguousarray(pixels, dtype=pixels.dtype.newbyteorder("="))
    dtype = np.dtype(page.dtype).newbyteorder(tif.byteorder)
    return _read_rows(handle, page.dataoffsets[0], (height, width, page.samplesperpixel), dtype, roi, path)


def _read_rows(handle: BinaryIO, offset: int, shape: tuple[int, int, int], dtype: np.dtype, roi: Region | None, path: Path) -> np.ndarray:
    """The ROI of a plain page whose ``(H, W, C)`` rows of ``dtype`` start at ``offset``, read into a compact array.

    One ``preadv`` reads each row's ROI bytes into the array and the other
    columns' bytes into a scratch area, so the frame is contiguous and only its
    own memory is touched.
    """
    height, width, channels = shape
    rows, columns = roi.slices if roi is not None else (slice(0, height), slice(0, width))
    pixel_bytes = channels * dtype.itemsize
    row_bytes = width * pixel_bytes
    end = offset + rows.stop * row_bytes
    if end > os.fstat(handle.fileno()).st_size:
        raise BadInput(path, "the file ends before its image data does (truncated?)")
    run_bytes = (columns.stop - columns.start) * pixel_bytes
    start = offset + rows.start * row_bytes + columns.start * pixel_bytes
    values = _READ_BUFFERS.read_runs(handle.fileno(), start, rows.stop - rows.start, run_bytes, row_bytes - run_bytes, dtype)
    if values is None:
        raise BadInput(path, "the file ended while being read (truncated or replaced during the run?)")
    frame = values.reshape(rows.stop - rows.start, columns.stop - columns.start, channels)
    return frame if dtype.isnative else frame.astype(dtype.newbyteorder("="))


def _is_plain(page: tifffile.TiffPage) -> bool:
    """Whether the image data is one uncompressed, interleaved block of whole samples."""
    return bool(
        page.is_contiguous
        and page.compression == 1
        and not page.is_tiled
        and page.planarconfig == 1
        and page.predictor == 1
        and page.fillorder == 1
        and page.axes in ("YX", "YXS")
        and page.dtype is not None
        and np.dtype(page.dtype).itemsize * 8 == page.bitspersample
    )


@hookimpl
def camchar_register_loaders(register):
    """Register the ``tiff`` loader."""
    register(TiffLoader())
