"""The tiff loader's own reader of plain headers answers exactly as tifffile does, or not at all.

Every file is read both ways: the loader's probe (its own reader first) and
tifffile's reading of the same page (the loader's former and fallback path).
Where the own reader answers, the image info, the kept layout (data offset,
type, byte order) and the capture metadata must be tifffile's; where the file
is not plain, it must leave the file to tifffile.
"""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput
from camchar.core.frames import LoadRequest
from camchar.plugins.loaders import tiff
from camchar.plugins.loaders._tiff_header import read_plain_header

SWEEP_FILES = sorted((Path(__file__).parents[1] / "data" / "sweep" / "raw").glob("*.tiff"))


def by_tifffile(path: Path) -> tuple:
    """``(info, plain layout or None, metadata)`` as the loader reads them with tifffile."""
    with tiff._open_tiff(path) as (handle, tif, page):
        info = tiff._image_info(path, tif, page)
        layout = (page.dataoffsets[0], np.dtype(page.dtype).newbyteorder(tif.byteorder)) if tiff._is_plain(page) else None
        return info, layout, tiff._capture_metadata(page)


def by_own_reader(path: Path) -> tuple | None:
    """The same from the loader's own reader of plain headers, or ``None`` when it leaves the file to tifffile."""
    loader = tiff.TiffLoader()
    info = loader._probe_plain(path)
    if info is None:
        return None
    kept = loader._layouts[str(path)]
    return info, (kept.data_offset, kept.dtype), kept.metadata


def own_answer(path: Path) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        return read_plain_header(fd, os.fstat(fd).st_size) is not None
    finally:
        os.close(fd)


PLAIN = [
    pytest.param(dtype, byteorder, channels, strip_rows, exposure, id=f"{np.dtype(dtype).str[1:]}-{byteorder}-{channels}ch-{strip_rows}rows-{exposure[0] if exposure else 'none'}")
    for dtype, byteorder, channels, strip_rows, exposure in itertools.product(
        [np.uint8, np.uint16, np.int16, np.uint32, np.int32, np.uint64],
        ["<", ">"],
        [1, 3],
        [None, 3],
        [None, (5, (1, 80)), (12, 0.0125), (5, (0, 0))],
    )
]


@pytest.mark.parametrize(("dtype", "byteorder", "channels", "strip_rows", "exposure"), PLAIN)
def test_plain_files_read_as_tifffile_reads_them(tmp_path, dtype, byteorder, channels, strip_rows, exposure):
    path = tmp_path / "frame.tiff"
    info = np.iinfo(dtype)
    pixels = np.random.default_rng(0).integers(max(info.min, -1000), min(info.max, 60000), (7, 5, channels)).astype(dtype)
    extratags = [] if exposure is None else [(33434, exposure[0], 1, exposure[1], True)]
    tifffile.imwrite(
        path, pixels if channels > 1 else pixels[..., 0], byteorder=byteorder, photometric="rgb" if channels == 3 else "minisblack",
        rowsperstrip=strip_rows, extratags=extratags, metadata=None,
    )  # fmt: skip
    assert own_answer(path)
    assert by_own_reader(path) == by_tifffile(path)


@pytest.mark.parametrize("path", SWEEP_FILES[:3], ids=lambda path: path.name)
def test_files_with_an_exif_ifd_read_as_tifffile_reads_them(path):
    """The reference sweep's files carry an Exif IFD (exposure time, ISO, capture time)."""
    own = by_own_reader(path)
    assert own is not None and own[0].exposure_time is not None and own[2]  # the Exif IFD read
    assert own == by_tifffile(path)


OTHER_LAYOUTS = {
    "compressed": dict(compression="zlib"),
    "tiled": dict(tile=(16, 16)),
    "planar": dict(planarconfig="separate"),
    "float": dict(dtype=np.float32),
    "four channels": dict(channels=4),
    "two pages": dict(pages=2),
}


@pytest.mark.parametrize("layout", OTHER_LAYOUTS, ids=list(OTHER_LAYOUTS))
def test_other_layouts_are_left_to_tifffile(tmp_path, layout):
    options = dict(OTHER_LAYOUTS[layout])
    channels, pages, dtype = options.pop("channels", 3), options.pop("pages", 1), options.pop("dtype", np.uint16)
    pixels = np.ones((pages, 32, 32, channels), dtype)
    path = tmp_path / "frame.tiff"
    for page in range(pages):
        tifffile.imwrite(path, pixels[page], photometric="rgb" if channels >= 3 else "minisblack", append=page > 0, metadata=None, **options)
    if layout == "two pages":  # the first page is plain: read as tifffile reads it
        assert by_own_reader(path) == by_tifffile(path)
    else:
        assert not own_answer(path)


def test_a_page_of_a_multi_page_file_is_left_to_tifffile(tmp_path):
    path = tmp_path / "stack.tiff"
    for page in range(2):
        tifffile.imwrite(path, np.full((8, 8, 3), page, np.uint16), photometric="rgb", append=page > 0, metadata=None)
    assert tiff.TiffLoader()._probe_plain(Path(f"{path}#2")) is None


@pytest.mark.slow
def test_damaged_headers_are_read_as_tifffile_reads_them_or_left_to_it(tmp_path):
    """3000 copies of the reference files with up to four bytes of their first 4 KiB changed: where the own reader answers, tifffile reads the same."""
    rng = random.Random(7)
    originals = [path.read_bytes() for path in SWEEP_FILES[:3]]
    path = tmp_path / "frame.tiff"
    answered = 0
    for _ in range(3000):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(4200)] = rng.randrange(256)
        path.write_bytes(bytes(data))
        own = by_own_reader(path)
        if own is None:
            continue
        answered += 1
        assert own == by_tifffile(path)  # where the own reader answers, tifffile reads the file, and alike
    assert answered > 1000


def test_a_probe_with_the_own_reader_checks_the_roi(tmp_path):
    path = tmp_path / "frame.tiff"
    tifffile.imwrite(path, np.zeros((10, 12, 3), np.uint16), photometric="rgb", metadata=None)
    from camchar.core.frames import Region

    with pytest.raises(BadInput, match="does not fit inside the 12 x 10 image"):
        tiff.TiffLoader().probe(path, LoadRequest(roi=Region(0, 0, 13, 10)))


def _ifd(entries: list[tuple[int, int, object]], at: int, *, next_pointer: bool = True) -> bytes:
    """A little-endian IFD placed at ``at``: ``(tag, type, values)`` entries (type 2: bytes), values too long to fit after it."""
    codes = {2: "s", 3: "H", 4: "I", 5: "I"}
    head = len(entries).to_bytes(2, "little")
    outside = b""
    start = at + 2 + 12 * len(entries) + 4 * next_pointer
    for tag, kind, values in entries:
        data = values if kind == 2 else np.array(values, np.dtype(codes[kind]).newbyteorder("<")).tobytes()
        count = len(values) // (2 if kind == 5 else 1)
        if len(data) > 4:
            data, outside = (start + len(outside)).to_bytes(4, "little"), outside + data
        head += tag.to_bytes(2, "little") + kind.to_bytes(2, "little") + count.to_bytes(4, "little") + data.ljust(4, b"\0")
    return head + b"\0" * 4 * next_pointer + outside


def write_crafted(path: Path, pixels: np.ndarray, *, strips: list[bytes], tags=(), drop=(), exif=None, exif_next_pointer=True) -> None:
    """A little-endian ``(H, W, 3)`` uint16 TIFF: header, IFD0, the ``strips`` (bytes), then the Exif IFD (``exif``: its entries)."""
    height, width, _ = pixels.shape
    standard = [(256, 4, [width]), (257, 4, [height]), (258, 3, [16] * 3), (259, 3, [1]), (262, 3, [2]), (273, 4, [0] * len(strips))]
    standard += [(277, 3, [3]), (279, 4, [len(strip) for strip in strips]), (284, 3, [1]), (339, 3, [1] * 3)]
    entries = [entry for entry in standard if entry[0] not in drop] + list(tags) + ([(34665, 4, [0])] if exif is not None else [])
    data_at = 8 + len(_ifd(sorted(entries), 8))
    offsets = list(itertools.accumulate([data_at] + [len(strip) for strip in strips[:-1]]))
    exif_at = data_at + sum(map(len, strips))
    entries = [(tag, kind, offsets if tag == 273 else [exif_at] if tag == 34665 else values) for tag, kind, values in entries]
    blob = b"II*\0" + (8).to_bytes(4, "little") + _ifd(sorted(entries), 8) + b"".join(strips)
    path.write_bytes(blob + (b"" if exif is None else _ifd(exif, exif_at, next_pointer=exif_next_pointer)))


def rows(pixels: np.ndarray, start: int, stop: int, padding: int = 0) -> bytes:
    return pixels[start:stop].tobytes() + b"\xab" * padding


PIXELS = np.random.default_rng(3).integers(0, 65535, (7, 5, 3), dtype=np.uint16)
CRAFTED = {
    "strips with padding": dict(strips=[rows(PIXELS, 0, 3, 6), rows(PIXELS, 3, 6, 6), rows(PIXELS, 6, 7)], tags=[(278, 4, [3])]),
    "an empty first strip": dict(strips=[b"", rows(PIXELS, 0, 7)], tags=[(278, 4, [4])]),
    "more strips than RowsPerStrip makes": dict(strips=[rows(PIXELS, 0, 4), rows(PIXELS, 4, 7)]),
    "RowsPerStrip a rational": dict(strips=[rows(PIXELS, 0, 7)], tags=[(278, 5, [7, 1])]),
    "an ImageDepth of 2": dict(strips=[rows(PIXELS, 0, 7)], tags=[(32997, 4, [2])]),
    "an LSM tag": dict(strips=[rows(PIXELS, 0, 7)], tags=[(34412, 2, b"\0" * 8)]),
    "32 bits without SampleFormat from IndicaLabs": dict(
        strips=[PIXELS.astype(np.uint32)[:, :3].tobytes()], drop=(258, 339), tags=[(258, 3, [32] * 3), (305, 2, b"IndicaLabsImageWriter\0")]
    ),
    "an Exif IFD without a next-IFD offset at the end of the file": dict(strips=[rows(PIXELS, 0, 7)], exif=[(33434, 3, [2])], exif_next_pointer=False),
}


@pytest.mark.parametrize("case", CRAFTED, ids=list(CRAFTED))
def test_crafted_files_are_read_as_tifffile_reads_them_or_left_to_it(tmp_path, case):
    path = tmp_path / "frame.tiff"
    options = dict(CRAFTED[case])
    width = 3 if "IndicaLabs" in case else 5
    write_crafted(path, PIXELS[:, :width], **options)
    own = by_own_reader(path)
    if own is not None:
        assert own == by_tifffile(path)


def test_a_crafted_plain_file_is_read_as_tifffile_reads_it(tmp_path):
    path = tmp_path / "frame.tiff"
    write_crafted(path, PIXELS, strips=[rows(PIXELS, 0, 3), rows(PIXELS, 3, 6), rows(PIXELS, 6, 7)], tags=[(278, 3, [3])], exif=[(33434, 3, [2])])
    assert own_answer(path)
    assert by_own_reader(path) == by_tifffile(path)
