"""What a PNG or PNM (PGM, PPM) file declares, read from its own bytes: size, channels, bit depth, first samples.

The ``imageio`` loader never trusts a decoder's answer about precision: it
compares what imageio returns with what the file declares here (bit depth,
PNM maxval, channels) and with the first stored samples of the first row,
decoded from the bytes without any image library. A plugin that silently
truncates 16-bit samples to 8 bits, rescales a PNM's maxval or converts
colours is caught by one of these.

PNG: the IHDR chunk (width, height, bit depth, colour type, interlace) and
the sBIT chunk (significant bits), then just enough of the compressed data
to undo the filter of the first row (with no row above it, each PNG filter is
a running sum along the row). For an interlaced (Adam7) PNG the first stored
row is every eighth pixel of the image's first row.

PNM: the binary P5 (PGM) and P6 (PPM) headers, ``P6 width height maxval``
with ``#`` comments; samples above 255 take two bytes, most significant first.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from camchar.api import BadInput

__all__ = ["Declared", "read_declared", "first_samples", "sniff", "PNG_SIGNATURE"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG colour types camchar reads: grey and RGB; their channels.
_PNG_CHANNELS = {0: 1, 2: 3}
_PNG_REFUSED = {3: "a palette image (its values are colour-table indices, not counts)", 4: "grey with an alpha channel", 6: "RGB with an alpha channel"}
_PNM_CHANNELS = {b"P5": 1, b"P6": 3}
#: The largest PNG chunk looked at before the image data (real headers are a few kB).
_MAX_CHUNK = 1 << 24


@dataclass(frozen=True)
class Declared:
    """What an image file declares about its samples.

    Parameters
    ----------
    format
        ``"PNG"`` or ``"PNM"``.
    width, height
        Image size in pixels.
    channels
        1 (grey) or 3 (RGB).
    bit_depth
        Bits per stored sample: 8 or 16.
    maxval
        The largest value a sample can hold: ``2**bit_depth - 1`` for PNG,
        the header's maxval for PNM.
    significant_bits
        Bits that carry data: the PNG sBIT chunk's largest value when present,
        else the bits ``maxval`` needs.
    interlaced
        Whether a PNG is Adam7-interlaced.
    data_offset
        Where a PNM's samples start.
    """

    format: str
    width: int
    height: int
    channels: int
    bit_depth: int
    maxval: int
    significant_bits: int
    interlaced: bool = False
    data_offset: int = 0

    @property
    def sample_type(self) -> str:
        """``"uint8"`` or ``"uint16"``: the type of the pixels the loader returns."""
        return "uint8" if self.bit_depth == 8 else "uint16"

    @property
    def describe(self) -> str:
        """E.g. ``16-bit RGB PNG`` or ``12-bit grey PGM (maxval 4095)``."""
        kind = "grey" if self.channels == 1 else "RGB"
        if self.format == "PNG":
            return f"{self.bit_depth}-bit {kind} PNG"
        name = "PGM" if self.channels == 1 else "PPM"
        return f"{self.maxval.bit_length()}-bit {kind} {name} (maxval {self.maxval})"


def sniff(path: Path) -> str | None:
    """``"PNG"`` or ``"PNM"`` from the first bytes of ``path``, or ``None``; never raises."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return None
    return _kind_of(head)


def _kind_of(head: bytes) -> str | None:
    """``"PNG"`` or ``"PNM"`` from a file's first 8 bytes, or ``None``."""
    if head == PNG_SIGNATURE:
        return "PNG"
    if len(head) >= 3 and head[:1] == b"P" and head[1:2] in b"1234567" and head[2:3].isspace():
        return "PNM"
    return None


def read_declared(path: Path, shown: Path | None = None) -> Declared:
    """Read what ``path`` declares.

    Parameters
    ----------
    path
        The image file.
    shown
        The path to name in errors (the settings' name for the image).

    Raises
    ------
    BadInput
        When the file is missing, is neither PNG nor binary PNM, or holds a
        kind of image camchar does not read (palette, alpha, 1 to 4 bits, plain PNM).
    """
    shown = shown or path
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            _check_named_as_it_is(path, shown, head)
            if head == PNG_SIGNATURE:
                return _png_header(handle, shown)
            if head[:1] == b"P":
                handle.seek(0)
                return _pnm_header(handle, shown, path.stat().st_size)
    except FileNotFoundError:
        raise BadInput(shown, "image file not found") from None
    except IsADirectoryError:
        raise BadInput(shown, "is a folder, not an image file") from None
    except (OSError, struct.error) as exc:
        raise BadInput(shown, f"cannot read the header ({exc})") from None
    raise BadInput(shown, "is neither a PNG nor a binary PGM/PPM file (its first bytes say so); the imageio loader reads those")


#: The suffixes of each kind of file :func:`read_declared` reads.
_SUFFIXES = {"PNG": (".png",), "PNM": (".pgm", ".ppm", ".pnm")}


def _check_named_as_it_is(path: Path, shown: Path, head: bytes) -> None:
    """Refuse a PNG named like a PGM/PPM file or the reverse: a file renamed by mistake, or another sweep's."""
    kind = _kind_of(head)
    suffix = path.suffix.lower()
    named = next((name for name, suffixes in _SUFFIXES.items() if suffix in suffixes), None)
    if kind is not None and named is not None and kind != named:
        what = "a PNG image" if kind == "PNG" else "a PGM/PPM image"
        raise BadInput(shown, f"holds {what}, but its name ends in {path.suffix}; rename it with the suffix of what it holds, or convert it")


def _chunks(handle: BinaryIO, shown: Path):
    """``(type, data)`` of each PNG chunk after the signature."""
    while True:
        head = handle.read(8)
        if len(head) < 8:
            raise BadInput(shown, "not a readable PNG (the file ends before its image data; truncated?)")
        length, kind = struct.unpack(">I4s", head)
        if length > _MAX_CHUNK and kind != b"IDAT":
            raise BadInput(shown, f"not a readable PNG (chunk {kind!r} declares {length} bytes)")
        data = handle.read(length) if kind != b"IDAT" else b""
        if kind == b"IDAT":
            yield kind, (handle, length)
        else:
            yield kind, data
        if kind != b"IDAT":
            handle.read(4)  # CRC


def _png_header(handle: BinaryIO, shown: Path) -> Declared:
    chunks = _chunks(handle, shown)
    kind, data = next(chunks)
    if kind != b"IHDR" or len(data) != 13:
        raise BadInput(shown, "not a readable PNG (no IHDR header first)")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
    if colour in _PNG_REFUSED:
        raise BadInput(shown, f"is {_PNG_REFUSED[colour]}; camchar reads greyscale or RGB images")
    if colour not in _PNG_CHANNELS or width < 1 or height < 1:
        raise BadInput(shown, f"not a readable PNG (colour type {colour}, {width} x {height})")
    if depth not in (8, 16):
        raise BadInput(shown, f"has {depth}-bit samples; camchar reads 8- and 16-bit PNGs")
    channels = _PNG_CHANNELS[colour]
    significant = depth
    for kind, data in chunks:
        if kind == b"sBIT" and len(data) >= channels:
            significant = max(data[:channels])
        if kind in (b"IDAT", b"IEND"):
            break
    return Declared("PNG", width, height, channels, depth, (1 << depth) - 1, significant, bool(interlace))


def _pnm_header(handle: BinaryIO, shown: Path, size: int) -> Declared:
    text = handle.read(1024)
    magic = text[:2]
    if magic not in _PNM_CHANNELS:
        names = {b"P1": "a plain PBM", b"P2": "a plain (ASCII) PGM", b"P3": "a plain (ASCII) PPM", b"P4": "a bitmap PBM", b"P7": "a PAM"}
        what = names.get(magic, "not a PNM")
        raise BadInput(shown, f"is {what} file; camchar reads binary PGM (P5) and PPM (P6): convert with e.g. pnmtopnm or magick")
    tokens: list[int] = []
    position = 2
    while len(tokens) < 3:
        while position < len(text) and text[position : position + 1].isspace():
            position += 1
        if position < len(text) and text[position : position + 1] == b"#":
            end = text.find(b"\n", position)
            position = len(text) if end < 0 else end + 1
            continue
        start = position
        while position < len(text) and text[position : position + 1].isdigit():
            position += 1
        if start == position:
            raise BadInput(shown, "not a readable PGM/PPM (its header is not width, height and maxval)")
        tokens.append(int(text[start:position]))
    if position >= len(text) or not text[position : position + 1].isspace():
        raise BadInput(shown, "not a readable PGM/PPM (no whitespace after maxval)")
    width, height, maxval = tokens
    if width < 1 or height < 1 or not 1 <= maxval <= 65535:
        raise BadInput(shown, f"not a readable PGM/PPM ({width} x {height}, maxval {maxval})")
    channels = _PNM_CHANNELS[magic]
    depth = 8 if maxval < 256 else 16
    offset = position + 1
    if offset + width * height * channels * (depth // 8) > size:
        raise BadInput(shown, "the file ends before its image data does (truncated?)")
    return Declared("PNM", width, height, channels, depth, maxval, maxval.bit_length(), False, offset)


def first_samples(path: Path, declared: Declared, count: int = 256) -> tuple[np.ndarray, int]:
    """The first stored samples of the image's first row, straight from the file's bytes.

    Parameters
    ----------
    path
        The image file.
    declared
        What it declares (:func:`read_declared`).
    count
        How many samples at most.

    Returns
    -------
    tuple
        The samples, channel-interleaved as stored (``int64``), and the
        column step they come at: 1, or 8 for the first pass of an
        interlaced PNG.
    """
    step = 8 if declared.interlaced else 1
    stored_width = -(-declared.width // step)
    count = min(count, stored_width * declared.channels)
    size = declared.bit_depth // 8
    with open(path, "rb") as handle:
        if declared.format == "PNM":
            handle.seek(declared.data_offset)
            raw = handle.read(count * size)
        else:
            handle.read(8)
            raw = _png_first_row(handle, declared, count * size)
    dtype = np.dtype(">u2") if size == 2 else np.dtype("u1")
    return np.frombuffer(raw, dtype, count).astype(np.int64), step


def _png_first_row(handle: BinaryIO, declared: Declared, wanted: int) -> bytes:
    """The first ``wanted`` bytes of the first stored row, its filter undone (no row above it)."""
    inflate = zlib.decompressobj()
    row = b""
    for kind, data in _chunks(handle, Path("?")):
        if kind == b"IEND":
            break
        if kind != b"IDAT":
            continue
        source, length = data
        row += inflate.decompress(source.read(length), 1 + wanted - len(row))
        source.read(4)  # CRC
        if len(row) >= 1 + wanted:
            break
    if len(row) < 1 + wanted:
        raise ValueError("the compressed image data ends before its first row")
    kind, raw = row[0], bytearray(row[1 : 1 + wanted])
    pixel = max(1, declared.channels * declared.bit_depth // 8)
    if kind in (1, 3, 4):  # Sub, Average, Paeth: each byte adds (a part of) the byte one pixel to its left
        for index in range(pixel, len(raw)):
            left = raw[index - pixel]
            raw[index] = (raw[index] + (left // 2 if kind == 3 else left)) & 0xFF
    elif kind not in (0, 2):
        raise ValueError(f"unknown PNG filter type {kind}")
    return bytes(raw)
