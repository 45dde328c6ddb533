"""BLAS on one thread while camchar runs work of its own in parallel, or many small products.

OpenBLAS wakes its threads for every product, however small. On a busy
machine (other processes on the cores) a thread that is not scheduled holds
up every product: the response fit's thousands of small products took 13 s
instead of 4 on two cores shared with four other jobs. On one thread they
are as fast on a quiet machine (``docs/performance.md``).
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

from camchar.runtime.jobs import THREAD_VARIABLES

__all__ = ["single_threaded_blas"]


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the ``with`` block (threadpoolctl), unless the user sized its threads.

    An ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` or ``MKL_NUM_THREADS``
    in the environment is the user's choice, and is kept.
    """
    if any(name in os.environ for name in THREAD_VARIABLES):
        yield
        return
    from threadpoolctl import threadpool_limits  # imported on use: most commands never fit

    with threadpool_limits(limits=1, user_api="blas"):
        yield
