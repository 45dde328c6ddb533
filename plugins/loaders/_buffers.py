"""Read buffers used again: a frame's memory goes back to a pool when the last array using it is gone.

A full-size sweep reads a few MiB per frame hundreds of times. Into a new
buffer each time, the kernel copies the file's bytes into pages the process
has never touched (the allocator gave the previous buffer back to the system),
and every page costs a fault and its zeroing: on the benchmark sweep these
took about a fifth of the run, and on a virtual machine fresh memory costs
1 to 2 ms per MiB. A pooled buffer was touched before, so reading into it is
one copy.

The arrays handed out own nothing: their memory belongs to a small lease
object, their ``base``, which every view of them keeps alive. When the last
array or view is collected the lease returns the memory to the pool, so a
buffer is never handed out twice while anyone can still see it. Idle buffers
are kept up to a total size (:data:`MAX_IDLE_BYTES`); the rest are freed as usual,
and a size in use takes the room of idle buffers of other sizes (an earlier sweep's ROI).

:meth:`BufferPool.read_runs` reads a region of interest straight into a
compact buffer: one ``preadv`` scatters each row's ROI bytes into the buffer
and the bytes between them into a scratch area, so only the ROI's memory is
touched and the frame is contiguous.
"""

from __future__ import annotations

import collections
import functools
import os
from typing import Any, Iterator

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["BufferPool", "MAX_IDLE_BYTES"]

#: Idle memory a pool keeps for later frames, in bytes (a run's frames in flight fit, whatever their number).
MAX_IDLE_BYTES = 256 * 2**20
#: The most buffers one ``preadv`` call fills (the system's ``IOV_MAX``).
_IOV_MAX = os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") and "SC_IOV_MAX" in os.sysconf_names else 1024


class BufferPool:
    """Uninitialised arrays whose memory is used again once nobody holds them.

    Safe to use from several threads at once (a deque's ``append`` and
    ``pop`` are atomic); no lock, so a lease returned by the garbage
    collector in the middle of :meth:`array` cannot deadlock.

    Parameters
    ----------
    max_idle_bytes
        Idle memory kept, in bytes; buffers returned beyond it are freed.
    """

    def __init__(self, max_idle_bytes: int = MAX_IDLE_BYTES):
        self.max_idle_bytes = max_idle_bytes
        self._idle: dict[int, collections.deque[np.ndarray]] = {}
        self._gap = np.empty(0, np.uint8)
        # each buffer's last ``preadv`` calls, by id(buffer): building them (a view per row) held the
        # interpreter 0.25 ms a frame; kept while the buffer is in use or idle, dropped when it is freed
        self._calls: dict[int, tuple[np.ndarray, tuple[int, ...], list[tuple[int, list[Any], int]]]] = {}

    def array(self, count: int, dtype: DTypeLike) -> np.ndarray:
        """A new ``(count,)`` array of ``dtype``, its contents undefined."""
        dtype = np.dtype(dtype)
        return self._lease(count * dtype.itemsize)[1].view(dtype)

    def read_runs(self, fd: int, start: int, runs: int, run_bytes: int, gap_bytes: int, dtype: DTypeLike) -> np.ndarray | None:
        """Read ``runs`` runs of ``run_bytes`` bytes, ``gap_bytes`` apart in the file from ``start``, into one new array.

        Parameters
        ----------
        fd
            An open file descriptor (its position is not used nor moved).
        start
            Where the first run starts in the file.
        runs, run_bytes, gap_bytes
            The region: e.g. a ROI's rows, each ``run_bytes`` long, with
            ``gap_bytes`` of other columns between one row's end and the next's start.
        dtype
            The type of the values.

        Returns
        -------
        ndarray or None
            ``(runs * run_bytes / itemsize,)`` values, the runs one after
            the other; ``None`` when the file ended before the last run.
        """
        if gap_bytes == 0:  # whole rows: one run
            runs, run_bytes = 1, runs * run_bytes
        memory, array = self._lease(runs * run_bytes)
        gap = self._gap  # this one: another thread may replace the pool's with a smaller one at any time
        if gap_bytes > gap.nbytes:
            gap = self._gap = np.empty(gap_bytes, np.uint8)  # only ever written (by the kernel), so threads may share it
        for position, buffers, wanted in self._scatter_calls(memory, runs, run_bytes, gap, gap_bytes):
            if not _read_fully(fd, buffers, start + position, wanted):
                return None
        return array.view(dtype)

    def _scatter_calls(self, memory: np.ndarray, runs: int, run_bytes: int, gap: np.ndarray, gap_bytes: int) -> list[tuple[int, list[Any], int]]:
        """The ``preadv`` calls of :func:`_scatter_calls` for ``memory``: the buffer's last ones when the region is the same."""
        key = (runs, run_bytes, id(gap), gap_bytes)  # the entry holds views of ``gap``: its id is not reused meanwhile
        cached = self._calls.get(id(memory))
        if cached is not None and cached[0] is memory and cached[1] == key:
            return cached[2]
        calls = list(_scatter_calls(memory.data, runs, run_bytes, gap.data[:gap_bytes]))
        self._calls[id(memory)] = (memory, key, calls)
        return calls

    def _lease(self, nbytes: int) -> tuple[np.ndarray, np.ndarray]:
        """Idle memory of ``nbytes`` bytes, or new memory, and an array of it under a new lease."""
        idle = self._idle.setdefault(nbytes, collections.deque())
        try:
            memory = idle.pop()
        except IndexError:
            memory = np.empty(nbytes, np.uint8)
        return memory, np.asarray(_Lease(self, memory))

    def _give_back(self, memory: np.ndarray) -> None:
        # no module globals here: a lease collected at interpreter exit finds them set to None
        idle = self._idle.get(memory.nbytes)  # made by _lease() when the buffer was handed out
        if idle is None:
            self._forget(memory)
            return
        kept = sum(size * len(buffers) for size, buffers in list(self._idle.items()))  # counted, not tracked: threads return buffers at once
        if kept + memory.nbytes > self.max_idle_bytes:
            # the other sizes are earlier regions' (a batch's previous sweep): the size in use takes their room
            for size, buffers in list(self._idle.items()):
                while size != memory.nbytes and buffers:
                    try:
                        self._forget(buffers.pop())
                    except IndexError:  # another thread took the last one
                        break
            kept = memory.nbytes * len(idle)
        if kept + memory.nbytes <= self.max_idle_bytes:
            idle.append(memory)
        else:
            self._forget(memory)

    def _forget(self, memory: np.ndarray) -> None:
        """Drop what is kept of a buffer being freed (its ``preadv`` calls hold views of it)."""
        self._calls.pop(id(memory), None)


@functools.lru_cache(maxsize=16)
def _run_slices(runs: int, run_bytes: int) -> tuple[slice, ...]:
    """Where each run goes in the compact buffer (cached: a sweep reads one shape hundreds of times)."""
    return tuple(slice(run * run_bytes, (run + 1) * run_bytes) for run in range(runs))


def _scatter_calls(memory: memoryview, runs: int, run_bytes: int, gap: memoryview) -> Iterator[tuple[int, list[Any], int]]:
    """``(file position from the first run, buffers, their bytes)`` of each ``preadv`` call that reads the runs into ``memory``.

    The buffers alternate: a run's place in ``memory``, then ``gap`` (the bytes up to the next run).
    """
    pieces = list(map(memory.__getitem__, _run_slices(runs, run_bytes)))
    gap_bytes = len(gap) if runs > 1 else 0
    if gap_bytes:
        buffers: list[Any] = [gap] * (2 * runs - 1)
        buffers[0::2] = pieces
    else:
        buffers = pieces
    for first in range(0, len(buffers), _IOV_MAX):
        part = buffers[first : first + _IOV_MAX]
        in_runs = len(part) if not gap_bytes else (len(part) + 1) // 2 if first % 2 == 0 else len(part) // 2
        yield _bytes_before(first, run_bytes, gap_bytes), part, in_runs * run_bytes + (len(part) - in_runs) * gap_bytes


def _read_fully(fd: int, buffers: list[Any], position: int, wanted: int) -> bool:
    """Fill ``buffers`` (``wanted`` bytes) from ``position``; ``False`` when the file ends first.

    One ``preadv`` may move fewer bytes than asked before the end of the file
    (Linux moves at most about 2 GiB a call): the rest is read by more calls.
    """
    while True:
        done = os.preadv(fd, buffers, position)
        if done == wanted:
            return True
        if done <= 0:
            return False
        position, wanted = position + done, wanted - done
        first = 0
        while done >= len(buffers[first]):  # the buffers filled whole
            done -= len(buffers[first])
            first += 1
        buffers = [buffers[first][done:], *buffers[first + 1 :]]


def _bytes_before(first: int, run_bytes: int, gap_bytes: int) -> int:
    """Bytes of the buffers before buffer ``first`` (runs and gaps alternating, a run first)."""
    if not gap_bytes:
        return first * run_bytes
    return (first + 1) // 2 * run_bytes + first // 2 * gap_bytes


class _Lease:
    """The owner of a pooled buffer while arrays use it; returns it to the pool when collected."""

    def __init__(self, pool: BufferPool, memory: np.ndarray):
        self._pool = pool
        self._memory = memory

    @property
    def __array_interface__(self) -> dict[str, Any]:
        return self._memory.__array_interface__

    def __del__(self) -> None:
        self._pool._give_back(self._memory)
