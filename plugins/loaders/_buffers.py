"""Read buffers used again: a frame's memory goes back to a pool when the last array using it is gone.

A full-size sweep reads a few MiB per frame hundreds of times. Into a new
buffer each time, the kernel copies the file's bytes into pages the process
has never touched (the allocator gave the previous buffer back to the system),
and every 4 KiB page costs a page fault: on the benchmark sweep these faults
took about a fifth of the run. A pooled buffer was touched before, so
reading into it is one copy.

The arrays handed out own nothing: their memory belongs to a small lease
object, their ``base``, which every view of them keeps alive. When the last
array or view is collected the lease returns the memory to the pool, so a
buffer is never handed out twice while anyone can still see it. Only a few
idle buffers of each size are kept; the rest are freed as usual.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["BufferPool"]


class BufferPool:
    """Uninitialised arrays whose memory is used again once nobody holds them.

    Safe to use from several threads at once (a deque's ``append`` and
    ``pop`` are atomic); no lock, so a lease returned by the garbage
    collector in the middle of :meth:`array` cannot deadlock.

    Parameters
    ----------
    max_idle
        Idle buffers kept per size; more are freed when returned.
    """

    def __init__(self, max_idle: int = 8):
        self.max_idle = max_idle
        self._idle: dict[int, collections.deque[np.ndarray]] = {}

    def array(self, count: int, dtype: DTypeLike) -> np.ndarray:
        """A new ``(count,)`` array of ``dtype``, its contents undefined."""
        dtype = np.dtype(dtype)
        nbytes = count * dtype.itemsize
        idle = self._idle.setdefault(nbytes, collections.deque())
        try:
            memory = idle.pop()
        except IndexError:
            memory = np.empty(nbytes, np.uint8)
        return np.asarray(_Lease(self, memory)).view(dtype)

    def _give_back(self, memory: np.ndarray) -> None:
        # no module globals here: a lease collected at interpreter exit finds them set to None
        idle = self._idle.get(memory.nbytes)  # made by array() when the buffer was handed out
        if idle is not None and len(idle) < self.max_idle:
            idle.append(memory)


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
