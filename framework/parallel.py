"""Run independent per-item work on a few threads, results in input order, memory bounded.

numpy and tifffile release the GIL in their heavy loops, so threads use every
core for decoding and array arithmetic. Threads, not processes: rawpy's
OpenMP can deadlock in forked processes.
"""

from __future__ import annotations

import collections
import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

__all__ = ["default_workers", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """The number of worker threads: the CPUs this process may use, at most 8."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(8, available))


def ordered_map(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """Apply ``func`` to each item on ``workers`` threads and yield the results in order.

    At most ``workers + 1`` items are in flight, so memory stays bounded by
    the work of a few items however many there are. With ``workers <= 1``
    the items are processed in the calling thread.

    Parameters
    ----------
    func
        The work for one item.
    items
        The items, consumed lazily.
    workers
        The number of threads.

    Yields
    ------
    The result of ``func`` for each item, in the order of ``items``.
    """
    if workers <= 1:
        for item in items:
            yield func(item)
        return
    pending: collections.deque[Future[R]] = collections.deque()
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="camchar") as pool:
        try:
            for item in iterator:
                pending.append(pool.submit(func, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
