"""Hostile layouts and reads for the compact read of plain TIFFs: every frame equals tifffile's decode, cut to the ROI."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar.api import LoadRequest, Region
from camchar.plugins.loaders import _buffers
from camchar.plugins.loaders.tiff import TiffLoader


def capped_preadv(cap: int):
    """``os.preadv`` moving at most ``cap`` bytes a call, as Linux does above 2 GiB (``MAX_RW_COUNT``): a short read before the end of the file."""
    real = os.preadv

    def preadv(fd, buffers, offset):
        kept, left = [], cap
        for buffer in buffers:
            if left == 0:
                break
            kept.append(memoryview(buffer)[:left])
            left -= len(kept[-1])
        return real(fd, kept, offset)

    return preadv


@pytest.mark.parametrize("cap", [1, 5, 64, 1000])
@pytest.mark.parametrize("roi", [None, Region(1, 2, 3, 9), Region(6, 0, 1, 12)])
def test_a_read_cut_short_before_the_end_of_the_file_goes_on(tmp_path: Path, monkeypatch, cap, roi):
    """Each ``preadv`` call may move fewer bytes than asked without being at the end of the file: the rest is read by more calls."""
    image = np.random.default_rng(1).integers(0, 65535, (12, 7, 3), dtype=np.uint16)
    path = tmp_path / "image.tif"
    tifffile.imwrite(path, image, photometric="rgb")
    monkeypatch.setattr(_buffers.os, "preadv", capped_preadv(cap))
    frame = TiffLoader().load(path, LoadRequest(roi=roi))
    np.testing.assert_array_equal(frame.pixels, tifffile.imread(path)[roi.slices if roi is not None else ...])


def test_a_read_at_the_end_of_the_file_is_still_a_short_read(tmp_path: Path, monkeypatch):
    path = tmp_path / "short.raw"
    path.write_bytes(bytes(100))
    monkeypatch.setattr(_buffers.os, "preadv", capped_preadv(7))
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _buffers.BufferPool().read_runs(fd, 0, 12, 8, 2, np.uint8) is None
    finally:
        os.close(fd)


class _GapReplacedMidRead(_buffers.BufferPool):
    """A pool whose scratch area another thread replaces right after this one grew it: that thread saw the old, smaller one and needed a bit more."""

    @property
    def _gap(self) -> np.ndarray:
        return self.__dict__["gap"]

    @_gap.setter
    def _gap(self, value: np.ndarray) -> None:
        self.__dict__["gap"] = value
        if value.nbytes > 1:  # this thread's new area, then the other thread's (checked before this one grew it)
            self.__dict__["gap"] = np.empty(1, np.uint8)


def test_a_scratch_area_replaced_by_another_thread_does_not_shift_the_rows(tmp_path: Path):
    """Threads reading regions of different widths grow the shared scratch area at once; each read skips its own gaps whole."""
    image = np.arange(16 * 10, dtype=np.uint8).reshape(16, 10)
    path = tmp_path / "image.raw"
    path.write_bytes(image.tobytes())
    fd = os.open(path, os.O_RDONLY)
    try:
        values = _GapReplacedMidRead().read_runs(fd, 2, 16, 3, 7, np.uint8)
    finally:
        os.close(fd)
    assert values is not None
    np.testing.assert_array_equal(values.reshape(16, 3), image[:, 2:5])


def test_idle_buffers_of_an_earlier_size_make_room_for_the_size_in_use():
    """A batch's next sweep reads another ROI size: the idle memory the last sweep left must not keep its buffers out of the pool."""
    pool = _buffers.BufferPool(max_idle_bytes=128)
    earlier = [pool.array(64, np.uint8) for _ in range(2)]
    del earlier
    gc.collect()  # the idle memory is full of 64-byte buffers, which nobody asks for any more
    now = pool.array(32, np.uint8)
    del now
    gc.collect()
    assert len(pool._idle[32]) == 1, "the buffer of the size in use was freed, not kept"
    assert sum(size * len(buffers) for size, buffers in pool._idle.items()) <= 128


@pytest.mark.parametrize("byteorder", ["<", ">"])
@pytest.mark.parametrize(
    ("shape", "dtype", "roi"),
    [
        ((1100, 5, 3), np.uint16, Region(4, 0, 1, 1100)),  # more rows than one preadv call takes, the last column
        ((1100, 5, 3), np.uint16, Region(4, 1099, 1, 1)),  # one pixel, in the last row and column
        ((9, 700), np.uint8, Region(0, 3, 1, 6)),  # greyscale, the first column of wide rows
        ((6, 7, 4), np.int32, Region(0, 0, 7, 6)),  # four channels, the whole image as a ROI
        ((6, 7, 3), np.uint16, None),
    ],
)
def test_plain_pages_read_compactly_equal_tifffiles_decode(tmp_path: Path, byteorder, shape, dtype, roi):
    """The riskiest plain layouts, on their own and as page 2 of a multi-page file, with and without the probe's header."""
    image = np.random.default_rng(2).integers(0, np.iinfo(dtype).max, shape, dtype=dtype, endpoint=True)
    options = {"photometric": "minisblack"} if len(shape) == 2 else {"photometric": "rgb", "extrasamples": [0] * (shape[2] - 3)}
    single, stack = tmp_path / "single.tif", tmp_path / "stack.tif"
    tifffile.imwrite(single, image, byteorder=byteorder, **options)
    with tifffile.TiffWriter(stack, byteorder=byteorder) as writer:
        writer.write(np.zeros((3, 2), np.uint8))  # page 1: another size and offset
        writer.write(image, **options)
    for path, page in ((single, 0), (Path(f"{stack}#2"), 1)):
        want = tifffile.imread(file_of_page(path), key=page)
        want = (want[..., np.newaxis] if want.ndim == 2 else want)[roi.slices if roi is not None else ...]
        for probed in (False, True):
            loader = TiffLoader()
            if probed:
                loader.probe(path, LoadRequest(roi=roi))
            pixels = loader.load(path, LoadRequest(roi=roi)).pixels
            assert pixels.dtype == np.dtype(dtype) and pixels.dtype.isnative
            np.testing.assert_array_equal(pixels, want)


def file_of_page(path: Path) -> Path:
    return Path(str(path).split("#")[0])
