"""Per-frame work on a dask.distributed cluster: shared context sent once, tasks in order, results on the client.

``camchar stats --scheduler ADDRESS`` connects to a running scheduler
(``dask scheduler``, then ``dask worker ADDRESS`` on each machine);
``--scheduler local:N`` starts a local cluster of ``N`` worker processes.
The work that runs per frame or per bracket (decoding, the overexposure
test, the SNR, a noise model's per-frame or per-chunk sums) becomes tasks;
reductions happen on the workers where they can, and the client keeps only
results of the size of one frame. Workers read the images themselves, from
the same paths as the client (a shared filesystem, or the same folder tree
on every machine; ``docs/scaling.md``).

What every task of a step needs (the loader, the rules and their master
darks, the fitted lines of a noise model) is sent to every worker once with
:meth:`Cluster.share` or :meth:`Cluster.bind`, not pickled into each task. dask is an optional
dependency (``pip install 'camchar[dask]'``), imported only here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import uuid
import warnings
from typing import Any, Callable, Iterable, Iterator, TypeVar

from camchar.core.errors import BadInput

__all__ = ["Cluster", "Bound", "shared_value", "connect", "scheduler_for_batch"]

T = TypeVar("T")
R = TypeVar("R")

#: What :meth:`Cluster.share` has installed in this process, by token.
_INSTALLED: dict[str, Any] = {}
#: Tasks submitted ahead of the results the client is waiting for, per worker thread.
TASKS_AHEAD_PER_THREAD = 2


def _install(token: str, value: Any) -> None:
    """Keep ``value`` in this (worker) process under ``token``."""
    _INSTALLED[token] = value


def _forget(token: str) -> None:
    _INSTALLED.pop(token, None)


def shared_value(token: str) -> Any:
    """The value shared under ``token`` (on a worker, or on the client that shared it).

    Raises
    ------
    BadInput
        When this process never received it (a worker that joined after the step began).
    """
    try:
        return _INSTALLED[token]
    except KeyError:
        raise BadInput(None, f"a dask worker lacks the run's shared data (did it join during the run?); worker pid {os.getpid()}") from None


class Bound:
    """``func(item, **context)`` where ``context`` was shared with every worker: pickles as ``func`` and a token.

    Called on a worker, it returns the result and the warnings the call gave
    (a worker's warnings are not the client's): :class:`Cluster` gives them
    again on the client, so that none is lost.
    """

    def __init__(self, func: Callable[..., Any], token: str):
        self.func = func
        self.token = token

    def __call__(self, item: Any) -> tuple[Any, list[tuple[str, type[Warning]]]]:
        with warnings.catch_warnings(record=True) as given:
            warnings.simplefilter("always")
            result = self.func(item, **shared_value(self.token))
        return result, [(str(w.message), w.category) for w in given]


def _unwrapped(outcome: tuple[Any, list]) -> Any:
    """The result of a :class:`Bound` task, its warnings given again here."""
    result, given = outcome
    for message, category in given:
        warnings.warn(category(message), stacklevel=3)
    return result


class Cluster:
    """A connection to a dask.distributed scheduler, used as a context manager.

    Parameters
    ----------
    client
        The ``distributed.Client``.
    owned
        The local cluster this object started (closed with it), or ``None``.
    """

    def __init__(self, client: Any, owned: Any = None):
        self._client = client
        self._owned = owned
        self._tokens: list[str] = []

    @property
    def address(self) -> str:
        """The scheduler's address."""
        return str(self._client.scheduler.address)

    @property
    def threads(self) -> int:
        """Worker threads in the cluster now."""
        return max(1, sum(self._client.nthreads().values()))

    def describe(self) -> str:
        """E.g. ``dask cluster tcp://127.0.0.1:8786 (2 workers, 2 threads)``."""
        workers = self._client.nthreads()
        return f"dask cluster {self.address} ({len(workers)} workers, {sum(workers.values())} threads)"

    def share(self, value: Any) -> str:
        """Send ``value`` to every worker once and keep it here; the token :func:`shared_value` finds it by."""
        token = uuid.uuid4().hex
        _install(token, value)
        self._client.run(_install, token, value)
        self._tokens.append(token)
        return token

    def bind(self, task: Callable[..., R], /, **context: Any) -> Bound:
        """``task`` with keyword arguments sent to every worker once: a task is then ``task`` and one item."""
        return Bound(task, self.share(context))

    def map(self, func: Bound, items: Iterable[T]) -> Iterator[Any]:
        """``func(item)`` for every item as tasks on the workers, yielded in order.

        A few tasks per worker thread are in flight at a time, so the client
        never holds more than those results; an exception in a task is raised
        here, with the remaining tasks cancelled.
        """
        iterator = iter(items)
        ahead = TASKS_AHEAD_PER_THREAD * self.threads
        pending = [self._client.submit(func, item, pure=False) for item in itertools.islice(iterator, ahead)]
        try:
            while pending:
                first = pending.pop(0)
                result = _unwrapped(first.result())
                first.release()
                for item in itertools.islice(iterator, 1):
                    pending.append(self._client.submit(func, item, pure=False))
                yield result
        finally:
            for future in pending:
                future.cancel()

    def reduce_sum(self, func: Bound, items: Iterable[T]) -> Any:
        """The sum of ``func(item)`` over the items, added up on the workers (a tree of additions)."""
        level = [self._client.submit(func, item, pure=False) for item in items]
        if not level:
            raise ValueError("nothing to sum")
        while len(level) > 1:
            paired = [self._client.submit(_add, level[i], level[i + 1], pure=False) for i in range(0, len(level) - 1, 2)]
            level = paired + ([level[-1]] if len(level) % 2 else [])
        return _unwrapped(level[0].result())

    def close(self) -> None:
        """Forget the shared values on the workers, and stop the local cluster this object started."""
        with contextlib.suppress(Exception):
            for token in self._tokens:
                self._client.run(_forget, token)
                _forget(token)
        self._client.close()
        if self._owned is not None:
            self._owned.close()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _add(first: tuple[Any, list], second: tuple[Any, list]) -> tuple[Any, list]:
    """The sum of two :class:`Bound` results, with the warnings of both."""
    return first[0] + second[0], first[1] + second[1]


def _distributed(scheduler: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise BadInput(None, f"--scheduler {scheduler} needs dask.distributed: pip install 'camchar[dask]'") from None
    return distributed


def _local_cluster(scheduler: str) -> Any:
    """The ``distributed.LocalCluster`` of ``local:N``: N worker processes of one thread each."""
    count = scheduler.partition(":")[2]
    if not count.isdigit() or not 1 <= int(count) <= 256:
        raise BadInput(None, f"--scheduler local:N takes a number of worker processes from 1 to 256, got {scheduler!r}")
    return _distributed(scheduler).LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=":0")


@contextlib.contextmanager
def scheduler_for_batch(scheduler: str | None) -> Iterator[str | None]:
    """The address every sweep of a batch connects to: ``local:N`` starts one local cluster for them all.

    Starting worker processes takes seconds; a batch pays it once, and its
    sweeps connect to the running scheduler.
    """
    if scheduler is None or not scheduler.startswith("local:"):
        yield scheduler
        return
    with _local_cluster(scheduler) as local:
        yield local.scheduler_address


def connect(scheduler: str) -> Cluster:
    """A :class:`Cluster` for ``--scheduler``: ``local:N`` starts ``N`` local worker processes, else an address.

    Raises
    ------
    BadInput
        When dask.distributed is not installed, ``N`` is not a positive
        number, or the scheduler does not answer.
    """
    distributed = _distributed(scheduler)
    if scheduler.startswith("local:"):
        local = _local_cluster(scheduler)
        return Cluster(distributed.Client(local), owned=local)
    try:
        client = distributed.Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise BadInput(None, f"--scheduler {scheduler}: no dask scheduler answers there ({error})") from None
    return Cluster(client)
