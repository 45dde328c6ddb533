"""The header of a plain TIFF read without tifffile: the few tags the ``tiff`` loader needs, or nothing.

tifffile parses a file's first page in Python, tag by tag (0.32 ms a file,
333 files at the start of every run of a full-size sweep, on one thread).
For the files the original workflow writes (``dcraw_emu -T``, tifffile), a
plain page needs a dozen tags: this module reads just those, with ``pread``,
in about a tenth of the time.

It answers only for the plainest files: classic TIFF in either byte order,
the first page, uncompressed, interleaved, in one contiguous run of strips,
8-, 16-, 32- or 64-bit integer samples, greyscale or RGB without extra
samples, untiled, no predictor, normal fill order, image data inside the
file, and every tag of a type it expects. For anything else, and for any
value it does not understand, it returns ``None`` and the loader reads the
file with tifffile, which decides and names any problem.
(``tests/plugins/test_tiff_header.py`` compares both readings on files of
every kind the loader reads.)
"""

from __future__ import annotations

import os
import struct
from typing import NamedTuple

import numpy as np

__all__ = ["PlainHeader", "read_plain_header"]

# TIFF field types: struct code of one value, and its size
_TYPES = {1: ("B", 1), 2: ("s", 1), 3: ("H", 2), 4: ("I", 4), 5: ("I", 4), 9: ("i", 4), 10: ("i", 4), 11: ("f", 4), 12: ("d", 8), 13: ("I", 4)}
_RATIONALS = (5, 10)  # two values (numerator, denominator) per count
_INTEGERS = (3, 4)
# the tags of IFD0 this reader knows; any other that changes how the data is laid out sends the file to tifffile
_WIDTH, _LENGTH, _BITS, _COMPRESSION, _PHOTOMETRIC, _FILL_ORDER = 256, 257, 258, 259, 262, 266
_STRIP_OFFSETS, _SAMPLES, _ROWS_PER_STRIP, _STRIP_BYTES, _PLANAR, _PREDICTOR, _EXTRA_SAMPLES, _SAMPLE_FORMAT = 273, 277, 278, 279, 284, 317, 338, 339
_TILE_TAGS = (322, 323, 324, 325)
_IMAGE_DEPTH, _LSM_INFO = 32997, 34412  # tifffile reads a volume, or an LSM file's own layout
_SOFTWARE = 305
_EXPOSURE_TIME, _EXIF_IFD, _ISO, _TAKEN = 33434, 34665, 34855, 36867
_NEEDED = (_WIDTH, _LENGTH, _BITS, _COMPRESSION, _PHOTOMETRIC, _FILL_ORDER, _STRIP_OFFSETS, _SAMPLES, _ROWS_PER_STRIP, _STRIP_BYTES, _PLANAR, _PREDICTOR, _SAMPLE_FORMAT, _SOFTWARE, _EXPOSURE_TIME, _EXIF_IFD)
_REFUSED = (_EXTRA_SAMPLES, *_TILE_TAGS, _IMAGE_DEPTH, _LSM_INFO)
_EXIF_NAMES = {_EXPOSURE_TIME: "ExposureTime", _ISO: "ISOSpeedRatings", _TAKEN: "DateTimeOriginal"}
_MAX_ENTRIES = 4096


class PlainHeader(NamedTuple):
    """What the ``tiff`` loader needs of a plain page: as tifffile would give it."""

    width: int
    height: int
    samples: int
    #: The samples' type in the file's byte order.
    dtype: np.dtype
    bits: int
    data_offset: int
    #: The Exif IFD's values by tifffile's names (``ExposureTime``, ``ISOSpeedRatings``, ``DateTimeOriginal``), or ``None`` without one.
    exif: dict[str, object] | None
    #: IFD0's own ExposureTime tag, as tifffile gives it (``(numerator, denominator)`` or a number), or ``None``.
    exposure_time: object


class _Unsure(Exception):
    """The header is not one this reader answers for."""


def read_plain_header(fd: int, file_size: int) -> PlainHeader | None:
    """The first page's header of the TIFF open as ``fd``, when it is plain; ``None`` for any other file.

    Parameters
    ----------
    fd
        The open file (its position is neither used nor moved).
    file_size
        Its size in bytes.

    Returns
    -------
    PlainHeader or None
        ``None``: read the file with tifffile (another layout, or a header
        this reader does not answer for, damaged ones included).
    """
    try:
        return _read(fd, file_size)
    except (_Unsure, struct.error, OSError, ValueError, OverflowError):
        return None


def _read(fd: int, file_size: int) -> PlainHeader:
    start = os.pread(fd, 8, 0)
    order = {b"II*\0": "<", b"MM\0*": ">"}.get(start[:4])
    if order is None:  # BigTIFF, or not a TIFF
        raise _Unsure
    (ifd,) = struct.unpack(order + "I", start[4:8])
    tags = _entries(fd, order, ifd, file_size, _NEEDED + _REFUSED)
    if any(tag in tags for tag in _REFUSED):
        raise _Unsure
    width, height = _one(tags, _WIDTH), _one(tags, _LENGTH)
    samples = _one(tags, _SAMPLES, 1)
    bits = _same(tags, _BITS, samples)
    formats = _same(tags, _SAMPLE_FORMAT, samples, 1)
    plain = (_one(tags, _COMPRESSION), _one(tags, _PLANAR, 1), _one(tags, _PREDICTOR, 1), _one(tags, _FILL_ORDER, 1))
    if plain != (1, 1, 1, 1) or (_one(tags, _PHOTOMETRIC), samples) not in ((1, 1), (2, 3)) or formats not in (1, 2):
        raise _Unsure
    if bits not in (8, 16, 32, 64) or min(width, height) < 1:
        raise _Unsure
    if bits == 32 and _SAMPLE_FORMAT not in tags and _maybe_indica(tags):
        raise _Unsure  # tifffile reads IndicaLabs' 32-bit files without a SampleFormat as float
    dtype = np.dtype(f"{order}{'u' if formats == 1 else 'i'}{bits // 8}")
    if _STRIP_OFFSETS not in tags or _STRIP_BYTES not in tags:
        raise _Unsure
    offsets, counts = _values(tags[_STRIP_OFFSETS], _INTEGERS), _values(tags[_STRIP_BYTES], _INTEGERS)
    if not offsets or len(offsets) != len(counts) or any(offsets[i] + counts[i] != offsets[i + 1] for i in range(len(offsets) - 1)):
        raise _Unsure
    if len(offsets) != _strips(tags, height) or sum(counts) < width * height * samples * dtype.itemsize or offsets[-1] + counts[-1] > file_size:
        raise _Unsure  # tifffile names the damage
    if len(offsets) > 1 and (sum(counts) != width * height * samples * dtype.itemsize or 0 in counts[:-1]):
        raise _Unsure  # not contiguous for tifffile: it decodes strip by strip
    exif = _exif(fd, order, tags, file_size)
    exposure = _exposure(tags[_EXPOSURE_TIME]) if _EXPOSURE_TIME in tags else None
    return PlainHeader(width, height, samples, dtype, bits, offsets[0], exif, exposure)


def _maybe_indica(tags: dict[int, tuple[int, tuple[object, ...]]]) -> bool:
    """Whether the Software tag may name IndicaLabsImageWriter (any that is not ASCII may)."""
    if _SOFTWARE not in tags:
        return False
    kind, (text, *_) = tags[_SOFTWARE]
    return kind != 2 or not isinstance(text, bytes) or b"IndicaLabs" in text


def _strips(tags: dict[int, tuple[int, tuple[object, ...]]], height: int) -> int:
    """How many strips tifffile reads of an image ``height`` rows high: it drops any more the file lists."""
    rows = _one(tags, _ROWS_PER_STRIP, height)
    if rows < 1:
        raise _Unsure
    return -(-height // min(rows, height))


def _entries(fd: int, order: str, ifd: int, file_size: int, wanted: tuple[int, ...]) -> dict[int, tuple[int, tuple[object, ...]]]:
    """``{tag: (type, values)}`` of the IFD at ``ifd`` for the ``wanted`` tags."""
    if ifd < 8 or ifd + 2 > file_size:
        raise _Unsure
    (count,) = struct.unpack(order + "H", os.pread(fd, 2, ifd))
    if count > _MAX_ENTRIES or ifd + 2 + 12 * count + 4 > file_size:
        raise _Unsure  # tifffile reads the next IFD's offset too (an Exif IFD without one: no Exif values)
    raw = os.pread(fd, 12 * count, ifd + 2)
    entries: dict[int, tuple[int, tuple[object, ...]]] = {}
    for position in range(0, 12 * count, 12):
        tag, kind, number = struct.unpack_from(order + "HHI", raw, position)
        if tag not in wanted:
            continue
        if tag in entries or kind not in _TYPES or number < 1:
            raise _Unsure
        code, size = _TYPES[kind]
        values_count = 2 * number if kind in _RATIONALS else number
        nbytes = values_count * size
        if nbytes <= 4:
            data = raw[position + 8 : position + 8 + nbytes]
        else:
            (offset,) = struct.unpack_from(order + "I", raw, position + 8)
            if offset < 8 or offset + nbytes > file_size or nbytes > 1 << 20:  # tifffile skips such a tag
                raise _Unsure
            data = os.pread(fd, nbytes, offset)
        entries[tag] = (kind, (data,) if kind == 2 else struct.unpack(f"{order}{values_count}{code}", data))
    return entries


def _values(entry: tuple[int, tuple[object, ...]], kinds: tuple[int, ...]) -> tuple[int, ...]:
    """The integer values of a tag, which must be of one of ``kinds``."""
    kind, values = entry
    if kind not in kinds:
        raise _Unsure
    return tuple(int(value) for value in values)  # type: ignore[call-overload]


def _one(tags: dict[int, tuple[int, tuple[object, ...]]], tag: int, default: int | None = None) -> int:
    """A tag of one integer value (``default`` when absent; absent without a default: not plain)."""
    if tag not in tags:
        if default is None:
            raise _Unsure
        return default
    values = _values(tags[tag], _INTEGERS)
    if len(values) != 1:
        raise _Unsure
    return values[0]


def _same(tags: dict[int, tuple[int, tuple[object, ...]]], tag: int, samples: int, default: int | None = None) -> int:
    """A per-sample tag whose values are all one (``default`` when absent)."""
    if tag not in tags:
        if default is None:
            raise _Unsure
        return default
    values = _values(tags[tag], _INTEGERS)
    if len(set(values)) != 1 or len(values) not in (1, samples):
        raise _Unsure
    return values[0]


def _exposure(entry: tuple[int, tuple[object, ...]]) -> object:
    """An ExposureTime tag's value as tifffile gives it: ``(numerator, denominator)`` of a rational, or the number."""
    kind, values = entry
    if kind in _RATIONALS and len(values) == 2:
        return values[0], values[1]
    if kind in (11, 12, *_INTEGERS) and len(values) == 1:
        return values[0]
    raise _Unsure


def _exif(fd: int, order: str, tags: dict[int, tuple[int, tuple[object, ...]]], file_size: int) -> dict[str, object] | None:
    """The Exif IFD's ExposureTime, ISOSpeedRatings and DateTimeOriginal, by tifffile's names; ``None`` without an Exif IFD."""
    if _EXIF_IFD not in tags:
        return None
    (ifd,) = _values(tags[_EXIF_IFD], (4, 13))
    entries = _entries(fd, order, ifd, file_size, tuple(_EXIF_NAMES))
    exif: dict[str, object] = {}
    if _EXPOSURE_TIME in entries:
        exif["ExposureTime"] = _exposure(entries[_EXPOSURE_TIME])
    if _ISO in entries:
        iso = _values(entries[_ISO], _INTEGERS)
        exif["ISOSpeedRatings"] = iso[0] if len(iso) == 1 else iso
    if _TAKEN in entries:
        kind, (text,) = entries[_TAKEN]
        if kind != 2 or not isinstance(text, bytes):
            raise _Unsure
        exif["DateTimeOriginal"] = text.rstrip(b"\0").decode("ascii").strip()  # as tifffile; a non-ASCII date: tifffile decides
    return exif
