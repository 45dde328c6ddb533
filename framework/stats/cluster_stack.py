"""The selected stack on a dask cluster: a noise model's per-frame and per-chunk work as tasks on the workers.

A :class:`DistributedStack` wraps the pipeline's :class:`DecodingStack`. Every
worker receives that stack once (the loader, the load request, the selection
records and the corrections, darks included) and decodes the frames its
tasks need from the shared image paths. :meth:`map`, :meth:`map_chunks` and
:meth:`sum_chunks` become tasks; the streaming methods still decode here.
Inside a task, a function's reference to the stack is the worker's copy: the
stack pickles as the token of that copy.
"""

from __future__ import annotations

from typing import Callable, Iterator, TypeVar

from camchar.core.frames import Frame
from camchar.host.stack import SelectedStack
from camchar.runtime.cluster import Cluster, shared_value
from camchar.stats.stack import DecodingStack

__all__ = ["DistributedStack"]

R = TypeVar("R")


class DistributedStack(SelectedStack):
    """A :class:`DecodingStack` whose ``map`` and chunk methods run on a dask cluster.

    Parameters
    ----------
    local
        The pipeline's stack (without progress reporting when it is sent).
    cluster
        The connected cluster.
    on_frame
        Progress, called here as results arrive.
    """

    def __init__(self, local: DecodingStack, cluster: Cluster, on_frame: Callable[[int, int], None] | None = None):
        super().__init__(local.frames, local.shape, cluster.threads, local.mask)
        self._local = local
        self._cluster = cluster
        self._progress = on_frame
        self._token = cluster.share(local.without_progress())

    @property
    def distributed(self) -> bool:
        return True

    def __reduce__(self) -> tuple:
        """Pickled as the token of the workers' copy: a task's function that names the stack gets that copy."""
        return shared_value, (self._token,)

    def frame(self, index: int) -> Frame:
        return self._local.frame(index)

    def partner(self, index: int) -> Frame | None:
        return self._local.partner(index)

    def map(self, func: Callable[[int, Frame], R]) -> list[R]:
        self._passes += 1
        pass_number = self._passes
        task = self._cluster.bind(_on_frame, func=func, stack=self)
        results = []
        for index, result in enumerate(self._cluster.map(task, range(len(self)))):
            self._on_frame(index, pass_number)
            results.append(result)
        return results

    def _chunk_results(self, func: Callable[[SelectedStack, int, int], R], size: int) -> Iterator[R]:
        self._passes += 1
        pass_number = self._passes
        chunks = self.chunks(size)
        for (start, stop), result in zip(chunks, self._cluster.map(self._cluster.bind(_on_chunk, func=func, stack=self), chunks)):
            for index in range(start, stop):
                self._on_frame(index, pass_number)
            yield result

    def sum_chunks(self, func: Callable[[SelectedStack, int, int], R], size: int) -> R:
        self._passes += 1
        pass_number = self._passes
        total = self._cluster.reduce_sum(self._cluster.bind(_on_chunk, func=func, stack=self), self.chunks(size))
        for index in range(len(self)):
            self._on_frame(index, pass_number)
        return total

    def _on_frame(self, index: int, pass_number: int) -> None:
        if self._progress is not None:
            self._progress(index, pass_number)


def _on_frame(index: int, func: Callable[[int, Frame], R], stack: SelectedStack) -> R:
    return func(index, stack.frame(index))


def _on_chunk(bounds: tuple[int, int], func: Callable[[SelectedStack, int, int], R], stack: SelectedStack) -> R:
    return func(stack, *bounds)
