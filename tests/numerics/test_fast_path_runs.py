"""Runs that engage the fast path side by side in one process: each keeps its kernels until it ends, and none fails for another."""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest

from camchar.numerics import fast_path
from camchar.settings import read_settings
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from camchar.testing import simulated_sweep


class FakeKernels:
    """Kernels that load nothing: which run's kernels a call gets is all these tests look at."""

    def __init__(self, building=None):
        self.failures: dict[str, str] = {}

    def takes(self, dtype: np.dtype) -> bool:
        return True


@pytest.fixture
def fake_kernels(monkeypatch):
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    monkeypatch.setattr(fast_path, "available", lambda: True)
    monkeypatch.setattr("camchar.numerics.kernels.compiled.Kernels", FakeKernels)


def test_a_run_ending_leaves_the_kernels_of_a_run_still_going(fake_kernels):
    with contextlib.ExitStack() as second:
        with contextlib.ExitStack() as first:
            first.enter_context(fast_path.engaged(0))
            second.enter_context(fast_path.engaged(0))
            loaded = fast_path.kernels(wait=True)
            assert loaded is not None
        assert fast_path.kernels(wait=True) is loaded  # the first run ended; the second goes on
    assert fast_path.kernels(wait=True) is None  # nothing of either run is left engaged


def test_asking_for_kernels_while_another_run_starts_loading_them_does_not_fail(fake_kernels, monkeypatch):
    """A worker of a run going on asks for the kernels (and waits) just as another run creates its loading thread."""
    real_thread = threading.Thread

    class AskedBeforeStarting(real_thread):
        def start(self) -> None:
            if self.name == "camchar-kernels":
                fast_path.kernels(wait=True)
            super().start()

    with fast_path.engaged(0):
        monkeypatch.setattr(threading, "Thread", AskedBeforeStarting)
        with fast_path.engaged(0):
            monkeypatch.setattr(threading, "Thread", real_thread)
            assert fast_path.kernels(wait=True) is not None


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba is not installed")
def test_runs_in_threads_side_by_side_each_take_the_fast_path_they_engaged(tmp_path, host, monkeypatch):
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    sweeps = [simulated_sweep(tmp_path / f"sweep{n}", seed=n).settings for n in range(4)]

    def arithmetic(run: int) -> str:
        settings = sweeps[run % len(sweeps)]
        output = run_stats(read_settings(settings), host.components, RunOptions(output=settings.parent / f"run{run}.h5"))
        with h5py.File(output) as f:
            return str(f["camchar"].attrs["arithmetic"])

    with ThreadPoolExecutor(len(sweeps)) as pool:
        paths = list(pool.map(arithmetic, range(2 * len(sweeps))))
    assert all(path.startswith("numba ") for path in paths), paths
    assert fast_path.kernels(wait=True) is None
