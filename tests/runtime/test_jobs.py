"""How many sweeps run at once: the memory bound, the CPUs shared out, and worker processes that clean up."""

from __future__ import annotations

import pytest

from camchar.runtime.jobs import MEMORY_SHARE, Footprint, plan_jobs, run_in_processes

GIB = 1 << 30


def test_the_requested_jobs_run_when_they_fit_and_share_the_cpus():
    plan = plan_jobs(requested=2, tasks=8, footprint=Footprint(GIB // 2, GIB // 8), available=16 * GIB, cpus=8)
    assert (plan.jobs, plan.threads, plan.note) == (2, 4, None)


def test_jobs_are_reduced_until_jobs_times_the_footprint_fits():
    footprint = Footprint(fixed=GIB, per_thread=GIB // 4)
    plan = plan_jobs(requested=4, tasks=8, footprint=footprint, available=6 * GIB, cpus=8)
    assert plan.jobs == 3 and plan.threads == 2
    assert 3 * footprint.bytes(2) <= MEMORY_SHARE * 6 * GIB < 4 * footprint.bytes(2)
    assert plan.note == "--jobs 4 reduced to 3: a sweep may need up to 1,536 MiB and 80% of the 6,144 MiB available is the limit"


def test_never_fewer_than_one_job_and_never_more_than_tasks():
    assert plan_jobs(4, 8, Footprint(64 * GIB), 4 * GIB, 8).jobs == 1
    assert plan_jobs(4, 8, Footprint(64 * GIB), 4 * GIB, 8).note.startswith("--jobs 4 reduced to 1")
    assert plan_jobs(8, 3, Footprint(GIB), 64 * GIB, 8).jobs == 3
    assert plan_jobs(1, 3, Footprint(GIB), 64 * GIB, 8) == plan_jobs(1, 3, None, None, 8)


def test_chosen_threads_are_kept_and_unknown_memory_sets_no_bound():
    plan = plan_jobs(requested=3, tasks=3, footprint=None, available=None, cpus=2, threads=2)
    assert (plan.jobs, plan.threads) == (3, 2)
    assert plan_jobs(requested=3, tasks=3, footprint=Footprint(GIB), available=None, cpus=2).threads == 1


def _square(value: int) -> int:
    return value * value


def _fail(value: int) -> int:
    raise ValueError(f"item {value}")


@pytest.mark.slow
def test_worker_processes_return_every_result_with_its_index():
    results = dict(run_in_processes(_square, [1, 2, 3, 4], plan_jobs(2, 4, None, None, 2)))
    assert results == {0: 1, 1: 4, 2: 9, 3: 16}


@pytest.mark.slow
def test_an_exception_in_a_worker_is_raised_here():
    with pytest.raises(ValueError, match="item [12]"):
        list(run_in_processes(_fail, [1, 2], plan_jobs(2, 2, None, None, 2)))
