"""Independent tasks (whole sweeps) in worker processes on this machine, as many at once as memory allows.

A sweep already uses threads for its own work (:mod:`camchar.runtime.parallel`);
many sweeps run side by side in processes, each with a share of the CPUs. The
processes are started with the *spawn* method, never *fork*: rawpy's OpenMP
and BLAS thread pools can deadlock in a forked child, and a fresh interpreter
inherits no locks, threads or open HDF5 files from the parent.

The memory bound: ``jobs x footprint(threads) <= MEMORY_SHARE x available``,
where ``footprint`` is the estimated peak memory of the largest task with the
threads each job gets and ``available`` is the kernel's ``MemAvailable``. A
request for more jobs is reduced to what fits (never below one), and the
reduction is reported.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import attrs

from camchar.core.errors import Stopped
from camchar.runtime.interrupts import interrupting

__all__ = ["Footprint", "JobPlan", "plan_jobs", "cpu_count", "memory_available", "run_in_processes", "MEMORY_SHARE", "THREAD_VARIABLES"]

T = TypeVar("T")
R = TypeVar("R")

#: The share of the available memory the jobs together may use; the rest is left to the page cache and the system.
MEMORY_SHARE = 0.8
#: Environment variables that size the thread pools of BLAS and OpenMP in a job's process (set unless the user set them).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_MIB = 1 << 20


@attrs.frozen
class Footprint:
    """The estimated peak memory of one task: a fixed part and a part per worker thread, in bytes.

    Parameters
    ----------
    fixed
        Bytes whatever the number of threads (the interpreter and libraries, arrays of the whole task).
    per_thread
        Bytes each worker thread adds (the data it has in flight).
    """

    fixed: int
    per_thread: int = 0

    def bytes(self, threads: int) -> int:
        """The estimated peak with ``threads`` worker threads."""
        return self.fixed + self.per_thread * max(1, threads)


@attrs.frozen
class JobPlan:
    """How a batch runs: how many tasks at once, with how many threads each.

    Parameters
    ----------
    jobs
        Tasks run at once (1: one after the other, in this process).
    threads
        Worker threads of each task, or ``None``: each task's own default.
    requested
        The jobs asked for (``--jobs``).
    note
        Why fewer jobs than requested run, or ``None``.
    """

    jobs: int
    threads: int | None
    requested: int
    note: str | None = None


def cpu_count() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def memory_available() -> int | None:
    """Bytes of memory available to new processes (``MemAvailable``), or ``None`` where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def plan_jobs(
    requested: int,
    tasks: int,
    footprint: Footprint | None,
    available: int | None,
    cpus: int,
    threads: int | None = None,
) -> JobPlan:
    """How many tasks to run at once, and with how many threads each, within the memory bound.

    Parameters
    ----------
    requested
        The jobs asked for (``--jobs N``).
    tasks
        The number of tasks to run.
    footprint
        The largest task's estimated peak memory, or ``None`` when unknown (no bound applied).
    available
        Bytes available (:func:`memory_available`), or ``None`` when unknown (no bound applied).
    cpus
        The CPUs to share (:func:`cpu_count`).
    threads
        Threads per task when the user chose them (``--workers``); by default
        ``max(1, cpus // jobs)``, so that the jobs together use every CPU once.

    Returns
    -------
    JobPlan
        With ``jobs`` from 1 to ``min(requested, tasks)``, and ``note`` saying why when fewer than requested.
    """
    jobs = max(1, min(requested, tasks))
    if jobs == 1:
        return JobPlan(1, threads, requested)

    def share(count: int) -> int:
        return threads if threads is not None else max(1, cpus // count)

    note = None
    if footprint is not None and available is not None:
        budget = MEMORY_SHARE * available
        fitted = jobs
        while fitted > 1 and fitted * footprint.bytes(share(fitted)) > budget:
            fitted -= 1
        if fitted < jobs:
            note = (
                f"--jobs {requested} reduced to {fitted}: a sweep may need up to {footprint.bytes(share(fitted)) / _MIB:,.0f} MiB "
                f"and {MEMORY_SHARE:.0%} of the {available / _MIB:,.0f} MiB available is the limit"
            )
            jobs = fitted
    if jobs == 1:
        return JobPlan(1, threads, requested, note)
    return JobPlan(jobs, share(jobs), requested, note)


#: The signals that stop a batch; a job's process holds them until its handler is in place.
_STOPPING = (signal.SIGINT, signal.SIGTERM)
_stopping = False


def _unwinding(signum: int) -> Stopped:
    """The exception that unwinds a job's process (a sweep's temporary output is removed); from now on, signals are ignored."""
    global _stopping
    _stopping = True
    return Stopped(128 + signum)


_interrupt = interrupting(_unwinding)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or SIGTERM in a job's process: unwind and exit without a traceback.

    Only the first signal counts, so that the unwinding is not itself
    interrupted (Ctrl-C reaches the job, and then the batch sends SIGTERM).
    """
    if not _stopping:
        _interrupt(signum, frame)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM in this thread for the block: processes started in it begin with them held."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_job_process(threads: int | None, setup: Callable[[], None] | None) -> None:
    """Run in each new job process before its first task: thread pools sized, signals unwinding, the caller's setup.

    The process started with Ctrl-C and SIGTERM held (:func:`_signals_held`),
    so that a signal during the interpreter's start-up waits for the handler
    installed here instead of printing a traceback.
    """
    if threads is not None:
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, str(threads))
    for number in _STOPPING:
        signal.signal(number, _on_signal)
    try:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # a signal that came during start-up arrives now
        if setup is not None:
            setup()
    except SystemExit as stop:  # stopped before its first task: nothing to clean up, nothing to say
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def run_in_processes(
    func: Callable[[T], R],
    items: Sequence[T],
    plan: JobPlan,
    setup: Callable[[], None] | None = None,
    lost: Callable[[T], R] | None = None,
) -> Iterator[tuple[int, R]]:
    """Run ``func`` on every item in ``plan.jobs`` spawned processes; yield ``(index, result)`` as each finishes.

    Parameters
    ----------
    func
        A module-level function (it is pickled by name), which should turn
        every failure of its item into a result: an exception it raises is
        raised here, and the remaining items are cancelled.
    items
        The tasks (picklable).
    plan
        The number of processes, and the threads of each (BLAS and OpenMP
        pools are sized by :data:`THREAD_VARIABLES` unless already set).
    setup
        A module-level function run once in each new process.
    lost
        The result for an item whose process died (killed outright, or by
        the kernel when memory ran out); ``None``: raise ``BrokenProcessPool``.
        A process that dies breaks the pool, and every item not finished
        then is run again in a new pool, and those it breaks under again one
        at a time: only an item whose own process dies is lost.

    Yields
    ------
    tuple
        The item's index in ``items`` and ``func``'s result, in the order the items finish.

    Raises
    ------
    KeyboardInterrupt
        When a job's process was interrupted (Ctrl-C reaches every process of the terminal's group).

    Notes
    -----
    If the consumer stops early or is interrupted (Ctrl-C, SIGTERM), the
    pending items are cancelled and the running ones are sent SIGTERM, on
    which they unwind, remove their temporary files and exit quietly.
    """
    if lost is None:
        yield from _in_pool(func, items, range(len(items)), plan.jobs, plan.threads, setup, None)
        return
    broken: list[int] = []
    yield from _in_pool(func, items, range(len(items)), plan.jobs, plan.threads, setup, broken)
    if broken:  # the pool broke under them: all again in a new pool, then those it breaks under again one by one
        again: list[int] = []
        yield from _in_pool(func, items, sorted(broken), plan.jobs, plan.threads, setup, again)
        for index in sorted(again):
            alone: list[int] = []
            yield from _in_pool(func, items, [index], 1, plan.threads, setup, alone)
            if alone:  # its own process died: only this item is lost
                yield index, lost(items[index])


def _in_pool(
    func: Callable[[T], R],
    items: Sequence[T],
    indices: Iterable[int],
    jobs: int,
    threads: int | None,
    setup: Callable[[], None] | None,
    broken: list[int] | None,
) -> Iterator[tuple[int, R]]:
    """``func`` on ``items[indices]`` in one pool of ``jobs`` processes; the indices whose pool broke go to ``broken`` (``None``: raise)."""
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_job_process, initargs=(threads, setup))
    finished = False
    try:
        with _signals_held():  # the processes start here, as the items are submitted
            futures = {pool.submit(func, items[index]): index for index in indices}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                if broken is None:
                    raise
                broken.append(index)
                continue
            except (SystemExit, KeyboardInterrupt):  # the job's process was interrupted: so is the batch
                raise KeyboardInterrupt from None
            yield index, result
        finished = True
    finally:
        if not finished:
            _stop(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Cancel what has not started and ask the running processes to stop (SIGTERM: they clean up and exit)."""
    processes: Iterable[multiprocessing.Process] = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():  # stuck while unwinding: its temporary file is removed by the next run
            process.kill()
            process.join()
