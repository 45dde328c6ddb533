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

import atexit
import contextlib
import itertools
import logging
import os
import shutil
import signal
import tempfile
import threading
import uuid
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from camchar.core.errors import BadInput, shorten
from camchar.runtime.jobs import memory_available
from camchar.runtime.progress import Reporter

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


#: How long connecting to a scheduler may take.
CONNECT_SECONDS = 10.0
#: How much longer than :data:`CONNECT_SECONDS` camchar waits for dask's own timeout before giving up itself.
CONNECT_GRACE = 5.0
#: Memory a local worker process needs at least (Python, numpy, h5py, the plugins, one task's arrays).
WORKER_MIB = 256


def _distributed(scheduler: str) -> Any:
    """dask.distributed, quiet (its log lines are not camchar's output), with a time limit on every connection."""
    try:
        import dask
        import distributed
    except ImportError:
        raise BadInput(None, f"--scheduler {scheduler} needs dask.distributed: pip install 'camchar[dask]'") from None
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    dask.config.set({"distributed.comm.timeouts.connect": "10s", "distributed.comm.timeouts.tcp": "30s", "temporary-directory": _scratch()})
    return distributed


def _scratch() -> str:
    """A scratch folder for local workers, removed when this process ends."""
    folder = Path(tempfile.gettempdir()) / f"camchar-dask-{os.getpid()}"
    if not folder.exists():
        folder.mkdir()
        atexit.register(shutil.rmtree, folder, True)
    return str(folder)


def _local_cluster(scheduler: str) -> Any:
    """The ``distributed.LocalCluster`` of ``local:N``: N worker processes of one thread each, within the memory available."""
    count = scheduler.partition(":")[2]
    if not count.isdigit() or not 1 <= int(count) <= 256:
        raise BadInput(None, f"--scheduler local:N takes a number of worker processes from 1 to 256, got {scheduler!r}")
    available = memory_available()
    if available is not None and int(count) * WORKER_MIB * 2**20 > 0.8 * available:
        most = max(1, int(0.8 * available / (WORKER_MIB * 2**20)))
        raise BadInput(None, f"--scheduler {scheduler}: {count} workers need about {int(count) * WORKER_MIB:,} MiB, more than 80% of the {available / 2**20:,.0f} MiB available; use local:{most} or fewer")
    distributed = _distributed(scheduler)
    with _sigint_ignored():  # the workers inherit it: Ctrl-C stops camchar, which stops them, without their tracebacks
        return distributed.LocalCluster(
            n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
        )


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process while worker processes start (a started process keeps an ignored signal ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def scheduler_for_batch(scheduler: str | None, reporter: Reporter | None = None) -> Iterator[str | None]:
    """The address every sweep of a batch connects to: ``local:N`` starts one local cluster for them all.

    Starting worker processes takes seconds; a batch pays it once, and its
    sweeps connect to the running scheduler.
    """
    if scheduler is None:
        yield None
        return
    if not scheduler.startswith("local:"):
        connect(scheduler, reporter).close()  # an address that does not answer fails once, not once per sweep
        yield scheduler
        return
    with _local_cluster(scheduler) as local:
        yield local.scheduler_address


def connect(scheduler: str, reporter: Reporter | None = None) -> Cluster:
    """A :class:`Cluster` for ``--scheduler``: ``local:N`` starts ``N`` local worker processes, else an address.

    Connecting to an address says so first on ``reporter``, with how long it
    waits: an address where nothing answers takes that long to refuse.

    Raises
    ------
    BadInput
        When dask.distributed is not installed, ``N`` is not a positive
        number, or the scheduler does not answer.
    """
    if not scheduler.strip():
        raise BadInput(None, "--scheduler '' is no address: give tcp://HOST:PORT, or local:N")
    if scheduler.startswith("local:"):
        local = _local_cluster(scheduler)
        return Cluster(_distributed(scheduler).Client(local), owned=local)
    distributed = _distributed(scheduler)
    if reporter is not None:
        reporter.summary(f"connecting to the dask scheduler at {shorten(scheduler, 120)} (waiting up to {CONNECT_SECONDS + CONNECT_GRACE:g} s for it to answer)")
    return Cluster(_client(distributed, scheduler))


def _client(distributed: Any, scheduler: str, seconds: float = CONNECT_SECONDS) -> Any:
    """A client of the scheduler at ``scheduler``, or one clear error within ``seconds``.

    The connection is made on a daemon thread: a server that accepts and never
    answers (not a dask scheduler) would otherwise hold the client forever.
    """
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        try:
            outcome["client"] = distributed.Client(scheduler, timeout=f"{seconds:g}s")
        except BaseException as error:  # noqa: BLE001 - a server that is not dask's fails in any way (a MemoryError on its banner)
            outcome["error"] = error

    thread = threading.Thread(target=attempt, name="camchar-connect", daemon=True)
    thread.start()
    thread.join(seconds + CONNECT_GRACE)
    if "client" in outcome:
        return outcome["client"]
    error = outcome.get("error")
    if error is None:
        why = f"nothing answered as one within {seconds + CONNECT_GRACE:g} s"
    elif isinstance(error, MemoryError):  # the reply's first bytes read as a length: another protocol's banner
        why = "a server answered, but not as a dask scheduler"
    else:
        why = shorten(str(error), 120) or type(error).__name__
    raise BadInput(None, f"--scheduler {scheduler}: no dask scheduler answers there ({why})")
