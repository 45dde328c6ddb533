"""Pooled read buffers: memory is handed out again only when no array can see it any more."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from camchar.plugins.loaders import _buffers
from camchar.plugins.loaders._buffers import BufferPool


def address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def test_a_buffer_is_used_again_only_after_its_last_view_is_gone():
    pool = BufferPool()
    first = pool.array(1000, np.uint16)
    where = address(first)
    view = first.reshape(10, 100)[:, 20:40]  # what a loader hands out: a view of the rows read
    del first
    gc.collect()
    second = pool.array(1000, np.uint16)
    assert address(second) != where, "the view still uses the first buffer"
    view[...] = 7
    assert not np.shares_memory(view, second)
    del view
    gc.collect()
    third = pool.array(1000, np.uint16)
    assert address(third) == where


def test_arrays_have_the_requested_type_and_size():
    pool = BufferPool()
    array = pool.array(12, np.dtype(">u2"))
    assert array.shape == (12,) and array.dtype == np.dtype(">u2") and array.flags.writeable


def test_idle_buffers_are_kept_up_to_a_total_size():
    pool = BufferPool(max_idle_bytes=128)
    arrays = [pool.array(64, np.uint8) for _ in range(5)]
    del arrays
    gc.collect()
    assert len(pool._idle[64]) == 2
    again = [pool.array(64, np.uint8) for _ in range(3)]
    assert len(pool._idle[64]) == 0 and len(again) == 3


def test_a_lease_collected_while_the_interpreter_exits_gives_its_memory_back_quietly(monkeypatch):
    pool = BufferPool()
    array = pool.array(8, np.uint16)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(_buffers, "collections", None)  # what interpreter exit does to module globals
    del array
    gc.collect()
    assert unraisable == [] and len(pool._idle[16]) == 1


@pytest.mark.parametrize(
    ("height", "width", "rows", "columns"),
    [
        (40, 30, slice(5, 25), slice(7, 19)),  # a ROI inside the image
        (40, 30, slice(0, 40), slice(0, 30)),  # the whole image: no gaps
        (40, 30, slice(3, 9), slice(0, 30)),  # whole rows
        (40, 30, slice(0, 40), slice(29, 30)),  # the last column
        (2500, 4, slice(1, 2400), slice(1, 3)),  # more rows than one preadv call takes (IOV_MAX)
    ],
)
def test_a_region_read_into_a_compact_buffer_equals_the_slice_of_the_image(tmp_path: Path, height, width, rows, columns):
    image = np.arange(height * width * 3, dtype="<u2").reshape(height, width, 3)
    header = b"HEADER--"
    path = tmp_path / "image.raw"
    path.write_bytes(header + image.tobytes())
    row_bytes, pixel_bytes = width * 6, 6
    run_bytes = (columns.stop - columns.start) * pixel_bytes
    fd = os.open(path, os.O_RDONLY)
    try:
        values = BufferPool().read_runs(
            fd, len(header) + rows.start * row_bytes + columns.start * pixel_bytes, rows.stop - rows.start, run_bytes, row_bytes - run_bytes, "<u2"
        )
    finally:
        os.close(fd)
    assert values is not None
    np.testing.assert_array_equal(values.reshape(rows.stop - rows.start, -1, 3), image[rows, columns])


def test_a_region_beyond_the_end_of_the_file_is_a_short_read(tmp_path: Path):
    path = tmp_path / "short.raw"
    path.write_bytes(bytes(100))
    fd = os.open(path, os.O_RDONLY)
    try:
        assert BufferPool().read_runs(fd, 0, 12, 8, 2, np.uint8) is None
    finally:
        os.close(fd)


@pytest.mark.parametrize("iov_max", [2, 3, 7])
def test_a_region_split_over_many_calls_of_any_size_is_read_whole(tmp_path: Path, monkeypatch, iov_max):
    monkeypatch.setattr(_buffers, "_IOV_MAX", iov_max)  # calls that end on a run or on a gap
    image = np.arange(20 * 9, dtype=np.uint8).reshape(20, 9)
    path = tmp_path / "image.raw"
    path.write_bytes(image.tobytes())
    fd = os.open(path, os.O_RDONLY)
    try:
        values = BufferPool().read_runs(fd, 1 * 9 + 2, 17, 5, 4, np.uint8)
    finally:
        os.close(fd)
    assert values is not None
    np.testing.assert_array_equal(values.reshape(17, 5), image[1:18, 2:7])


def test_a_buffer_used_again_for_another_region_of_the_same_size_reads_that_region(tmp_path):
    """Each buffer keeps its last read's ``preadv`` calls: another shape of the same bytes must not reuse them."""
    data = np.arange(40 * 60, dtype=np.uint16).reshape(40, 60)
    path = tmp_path / "image.raw"
    data.tofile(path)
    pool = BufferPool()
    regions = [(slice(2, 12), slice(5, 35)), (slice(2, 22), slice(5, 20)), (slice(2, 12), slice(5, 35)), (slice(0, 30), slice(0, 10))]
    fd = os.open(path, os.O_RDONLY)
    try:
        for rows, columns in regions:  # 300 values each: one pooled buffer size
            width = columns.stop - columns.start
            start = (rows.start * 60 + columns.start) * 2
            values = pool.read_runs(fd, start, rows.stop - rows.start, width * 2, (60 - width) * 2, np.uint16)
            assert values is not None
            assert np.array_equal(values.reshape(-1, width), data[rows, columns])
            del values
            gc.collect()
    finally:
        os.close(fd)
    assert len(pool._calls) == 1  # one buffer, used four times; its calls kept with it
