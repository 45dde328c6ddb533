"""Pooled read buffers: memory is handed out again only when no array can see it any more."""

from __future__ import annotations

import gc
import sys

import numpy as np

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


def test_only_a_few_idle_buffers_are_kept():
    pool = BufferPool(max_idle=2)
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
