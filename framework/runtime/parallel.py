"""Run independent per-item work on a few threads, results in input order, memory bounded.

numpy and tifffile release the GIL in their heavy loops, so threads use every
core for decoding and array arithmetic. Threads, not processes: rawpy's
OpenMP can deadlock in forked processes.
"""

from __future__ import annotations

import collections
import os
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

__all__ = ["default_workers", "ordered_map", "RowSplitter", "prefetch"]

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


class RowSplitter:
    """Split the work on one frame into blocks of rows, run on worker threads.

    Blocks are small enough to stay in the CPU cache (about 1 MiB of float64
    each), so a chain of numpy operations on a block runs from cache rather
    than from memory; results come back in row order, so sums over blocks do
    not depend on the number of threads.

    Parameters
    ----------
    workers
        Threads to use; with 1 the blocks run in the calling thread.
    block_bytes
        Target size of a block's float64 working array.
    """

    def __init__(self, workers: int, block_bytes: int = 1 << 20):
        self.workers = workers
        self.block_bytes = block_bytes
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="camchar-rows") if workers > 1 else None

    def __enter__(self) -> "RowSplitter":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def blocks(self, n_rows: int, row_items: int, block_bytes: int | None = None) -> list[slice]:
        """Row slices covering ``n_rows`` rows of ``row_items`` values each, ``block_bytes`` of float64 each (default: the splitter's)."""
        rows = max(1, min(n_rows, (block_bytes or self.block_bytes) // max(1, 8 * row_items)))
        return [slice(start, min(start + rows, n_rows)) for start in range(0, n_rows, rows)]

    def run(self, func: Callable[[slice], R], n_rows: int, row_items: int, block_bytes: int | None = None) -> list[R]:
        """Call ``func(rows)`` for every block of rows (``block_bytes`` as for :meth:`blocks`); return the results in row order."""
        blocks = self.blocks(n_rows, row_items, block_bytes)
        if self._pool is None or len(blocks) == 1:
            return [func(rows) for rows in blocks]
        return list(self._pool.map(func, blocks))


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Run ``items`` in a background thread, ``depth`` items ahead of the consumer.

    An exception in the background is raised in the consumer; a consumer that
    stops early stops the background thread too.

    Parameters
    ----------
    items
        The iterator to run ahead (for example one that decodes files).
    depth
        How many finished items may wait for the consumer.

    Yields
    ------
    The items, in order.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put((done, None))
        except BaseException as exc:  # handed to the consumer
            ready.put((done, exc))

    worker = threading.Thread(target=produce, name="camchar-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()
