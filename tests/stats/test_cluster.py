"""The dask backend: a real LocalCluster with worker processes gives the numbers of a local run.

The cluster tests are slow (a cluster starts in seconds) and run with the slow
set; the chunked fit, the task wrapper and the flag's checks run in the default set.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from rich.console import Console

from camchar.api import BadInput, CamcharWarning
from camchar.numerics.chunked_fit import chunked_residual_moments
from camchar.numerics.line_fit import residual_moments
from camchar.runtime.cluster import Bound, _install, connect
from camchar.runtime.progress import Reporter
from camchar.testing import fake_stack, run_stats_on, simulated_sweep

MODELS = ("linear-fpn", "fpn-unbiased", "pairs", "spatial")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("neighbours", [False, True])
def test_the_chunked_fit_equals_the_streamed_fit(workers, neighbours):
    rng = np.random.default_rng(5)
    frames = rng.integers(0, 4000, size=(11, 9, 7, 3), dtype=np.uint16)
    times = np.linspace(0.01, 0.05, 11)
    stimulus = frames.reshape(11, -1, 3).mean(axis=1) / times[:, np.newaxis]
    streamed = residual_moments(fake_stack(frames, times, workers=workers), 1 / times, stimulus, neighbours)
    chunked = chunked_residual_moments(fake_stack(frames, times, workers=workers), 1 / times, stimulus, neighbours, size=4)
    np.testing.assert_allclose(chunked, streamed, rtol=1e-12, atol=1e-9 * np.abs(streamed).max())


def test_a_task_brings_its_warnings_back_to_the_client():
    def work(item, scale):
        warnings.warn(CamcharWarning(f"item {item} is odd"), stacklevel=2)
        return item * scale

    _install("test-token", {"scale": 3})
    result, given = Bound(work, "test-token")(5)
    assert result == 15 and given == [("item 5 is odd", CamcharWarning)]


@pytest.mark.parametrize("address", ["local:0", "local:x", "local:-2"])
def test_a_local_cluster_needs_a_number_of_workers(address):
    with pytest.raises(BadInput, match="local:N takes a number of worker processes"):
        connect(address)


@pytest.mark.parametrize(("address", "problem"), [("", "is no address"), ("garbage", "no dask scheduler answers there")])
def test_a_bad_address_is_one_clear_error(address, problem):
    pytest.importorskip("distributed")
    with pytest.raises(BadInput, match=problem):
        connect(address)


def test_connecting_to_an_address_says_so_before_it_waits():
    pytest.importorskip("distributed")
    said = io.StringIO()
    with pytest.raises(BadInput, match="no dask scheduler answers there"):
        connect("garbage", Reporter(console=Console(file=said, width=200)))
    assert said.getvalue() == "camchar: connecting to the dask scheduler at garbage (waiting up to 15 s for it to answer)\n"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    return simulated_sweep(tmp_path_factory.mktemp("cluster"), size=(96, 72), wavelengths=tuple(range(420, 681, 20)), frames_per_exposure=2, dark_frames=2)


@pytest.fixture(scope="module")
def scheduler():
    """The address of a real local cluster: a scheduler and two worker processes, as `dask scheduler` and `dask worker` start them."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:fpn-unbiased")
@pytest.mark.parametrize("model", MODELS)
def test_a_cluster_gives_the_numbers_of_a_local_run(sweep, scheduler, model, tmp_path):
    here = run_stats_on(sweep.settings, noise_model=model, output=tmp_path / "here.h5")
    there = run_stats_on(sweep.settings, noise_model=model, output=tmp_path / "there.h5", scheduler=scheduler)
    assert list(there.provenance["image_number"]) == list(here.provenance["image_number"])
    assert np.array_equal(there.mean, here.mean)
    np.testing.assert_allclose(there.std, here.std, rtol=1e-12)
    assert there.emva1288.keys() == here.emva1288.keys()
    for name, (values, _) in here.emva1288.items():
        np.testing.assert_allclose(there.emva1288[name][0], values, rtol=1e-12)


@pytest.mark.slow
def test_local_n_starts_its_own_workers(sweep, tmp_path):
    here = run_stats_on(sweep.settings, noise_model="pairs", output=tmp_path / "here.h5")
    there = run_stats_on(sweep.settings, noise_model="pairs", output=tmp_path / "there.h5", scheduler="local:2")
    assert np.array_equal(there.std, here.std) and np.array_equal(there.mean, here.mean)


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(BadInput, match="no dask scheduler answers there"):
        connect("tcp://127.0.0.1:9")


class StreamingModel:
    """A third-party model that streams the frames and does not declare supports_cluster."""

    @staticmethod
    def plugin():
        from camchar.api import NoiseModel, hookimpl

        class Streaming(NoiseModel):
            name = "streaming"
            description = "std over the ROI, streamed"

            def estimate(self, stack):
                return np.array([frame.pixels.reshape(-1, frame.channels).std(axis=0) / frame.exposure_time for _, frame in stack.iter_frames()])

        class Plugin:
            @hookimpl
            def camchar_register_noise_models(self, register):
                register(Streaming())

        return Plugin()


@pytest.mark.slow
def test_a_model_without_cluster_support_runs_here_with_a_note(sweep, scheduler, tmp_path):
    from camchar.runtime.progress import Reporter
    from camchar.settings import read_settings
    from camchar.stats.options import RunOptions
    from camchar.stats.run import run_stats
    from camchar.testing import build_host

    lines = []
    reporter = Reporter()
    reporter.summary = lines.append
    host = build_host([StreamingModel.plugin()])
    options = RunOptions(noise_model="streaming", scheduler=scheduler, output=tmp_path / "out.h5")
    run_stats(read_settings(sweep.settings), host.components, options, reporter)
    assert any("noise model streaming does not declare supports_cluster: it runs on this machine" in line for line in lines)


@pytest.mark.slow
def test_clipping_found_on_a_cluster_selects_as_here(scheduler, tmp_path):
    sweep = simulated_sweep(tmp_path / "twelve", size=(96, 72), wavelengths=tuple(range(420, 681, 40)), frames_per_exposure=2, bit_depth=12, peak_rate=4.0e5)
    here = run_stats_on(sweep.settings, noise_model="pairs", output=tmp_path / "here.h5")
    there = run_stats_on(sweep.settings, noise_model="pairs", output=tmp_path / "there.h5", scheduler=scheduler)
    assert here.provenance["saturation_source"] == there.provenance["saturation_source"] == "detected pile-up"
    assert list(there.provenance["image_number"]) == list(here.provenance["image_number"])
    assert np.array_equal(there.mean, here.mean) and np.array_equal(there.std, here.std)
