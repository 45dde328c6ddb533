"""The fast path (numba's kernels) and the numpy path give the same numbers; which one runs, and where it is said.

The reference sweep runs on both paths in the default suite (the kernels it
needs load from numba's on-disk cache); the kernels on other sample types and
layouts, and the fpn-unbiased model's neighbouring products, in the slow suite.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from fractions import Fraction

import h5py
import numpy as np
import pytest

from camchar.cli.main import main
from camchar.core.errors import CamcharWarning
from camchar.core.frames import Region
from camchar.numerics import fast_path
from camchar.numerics.kernels.cache import cached_object
from camchar.numerics.line_fit import residual_moments
from camchar.numerics.reductions import pixel_sum_moments
from camchar.settings import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, simulate_sweep
from camchar.stats import clipping
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from camchar.testing import fake_stack

needs_numba = pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba is not installed")

PATHS = {"numpy": "0", "numba": "1"}


def stats_on(settings, host, path: str, monkeypatch, **options):
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, PATHS[path])
    output = run_stats(read_settings(settings), host.components, RunOptions(output=settings.parent / f"{path}.h5", **options))
    with h5py.File(output) as f:
        return {name: f[name][()] for name in ("nominal_wavelength", "exposure_time", "samples", "samples_std")}, f["camchar"].attrs["arithmetic"]


@needs_numba
def test_the_reference_sweep_on_both_paths_reproduces_the_original(sweep, host, monkeypatch):
    """expected.h5 is what the original image_stats computed from these TIFFs."""
    with h5py.File(sweep.parent / "expected.h5") as f:
        want = {name: f[name][()] for name in ("nominal_wavelength", "exposure_time", "samples", "samples_std")}
    results = {path: stats_on(sweep, host, path, monkeypatch) for path in PATHS}
    assert results["numpy"][1] == "numpy"
    assert results["numba"][1].startswith("numba ")
    for got, _ in results.values():
        assert np.array_equal(got["nominal_wavelength"], want["nominal_wavelength"])
        assert np.array_equal(got["exposure_time"], want["exposure_time"])
        for name in ("samples", "samples_std"):
            np.testing.assert_allclose(got[name], want[name], rtol=1e-13, atol=0)
    for name in want:  # bit for bit: the kernels run the numpy path's operations in its order
        assert np.array_equal(results["numba"][0][name], results["numpy"][0][name])


def test_a_small_sweep_runs_the_numpy_path_unless_told(monkeypatch):
    monkeypatch.delenv(fast_path.FAST_PATH_ENV, raising=False)
    with fast_path.engaged(fast_path.FAST_PATH_MIN_VALUES - 1) as path:
        assert path() == "numpy" and fast_path.kernels(wait=True) is None
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "0")
    with fast_path.engaged(10 * fast_path.FAST_PATH_MIN_VALUES) as path:
        assert path() == "numpy" and fast_path.kernels(wait=True) is None


@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_a_value_of_the_variable_other_than_0_or_1_is_named_not_silently_ignored(monkeypatch, value):
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, value)
    with pytest.warns(CamcharWarning, match=f"CAMCHAR_FAST_PATH={value} is not 0 or 1; ignored"):
        with fast_path.engaged(fast_path.FAST_PATH_MIN_VALUES - 1) as path:
            assert path() == "numpy"


@needs_numba
def test_a_large_sweep_engages_the_fast_path_for_the_run_only(monkeypatch):
    monkeypatch.delenv(fast_path.FAST_PATH_ENV, raising=False)
    with fast_path.engaged(fast_path.FAST_PATH_MIN_VALUES) as path:
        assert path().startswith("numba ") and fast_path.kernels() is not None
    assert fast_path.kernels(wait=True) is None


def version_lines(capsys) -> list[str]:
    """What ``camchar --version`` prints, run in this process."""
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code in (0, None)
    return capsys.readouterr().out.splitlines()


def test_without_numba_the_numpy_path_runs_and_version_says_so(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "numba" else real_find_spec(name, *args))
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    with fast_path.engaged(10 * fast_path.FAST_PATH_MIN_VALUES) as path:
        assert path() == "numpy" and fast_path.kernels(wait=True) is None
    assert version_lines(capsys)[1] == "fast path: none (numba is not installed; the numpy path runs)"


@needs_numba
@needs_numba
def test_a_numba_that_fails_to_load_leaves_the_numpy_path_with_a_warning(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("libllvmlite.so: cannot open shared object file")

    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    monkeypatch.setattr("camchar.numerics.kernels.compiled.Kernels.__init__", broken)
    with fast_path.engaged(0) as path:
        with pytest.warns(CamcharWarning, match=r"numba's fast path failed to load \(OSError: libllvmlite.so: cannot open .*\); the numpy path ran"):
            assert path() == "numpy"


@needs_numba
def test_kernels_of_a_sample_type_that_fail_to_build_leave_its_frames_to_numpy_with_a_warning(monkeypatch):
    """The 16-bit kernels load; 32-bit ones fail to build: their frames take the numpy path, and a warning names the type."""
    def broken(dtype):
        raise RuntimeError(f"cannot compile for {dtype}")

    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    real_cached = cached_object
    monkeypatch.setattr("camchar.numerics.kernels.compiled.cached_object", lambda dtype, host: real_cached(dtype, host) if dtype.itemsize == 2 else None)
    monkeypatch.setattr("camchar.numerics.kernels.build.build_object", broken)
    frame = np.random.default_rng(1).integers(0, 2**16, (20, 30, 3)).astype(np.uint16)
    sums = frame.astype(np.int64).sum(axis=2)
    with fast_path.engaged(0, ["uint16"]) as path:
        compiled = fast_path.kernels(wait=True)
        assert compiled is not None and compiled.takes(np.dtype(np.uint16)) and not compiled.takes(np.dtype(np.int32))
        assert pixel_sum_moments(frame) == (sums.size, int(sums.sum()), int((sums * sums).sum()))  # 16-bit frames: the kernels
        with pytest.warns(CamcharWarning, match=r"numba's kernels for i4 samples failed to load \(RuntimeError: cannot compile for int32\); the numpy path ran for them"):
            assert path().startswith("numba ")


@needs_numba
def test_version_names_numba_and_the_threshold(monkeypatch, capsys):
    monkeypatch.delenv(fast_path.FAST_PATH_ENV, raising=False)
    line = version_lines(capsys)[1]
    assert line.startswith("fast path: numba ") and f"{fast_path.FAST_PATH_MIN_VALUES // 10**6} million pixel values" in line
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "0")
    assert "turned off by CAMCHAR_FAST_PATH=0" in version_lines(capsys)[1]


# -- the kernels on their own, against the numpy path (slow: each new sample type or layout compiles once) ----------


def both_paths(func, monkeypatch):
    """``func()`` on the numpy path, then on the fast path."""
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "0")
    with fast_path.engaged(0):
        numpy_result = func()
    monkeypatch.setenv(fast_path.FAST_PATH_ENV, "1")
    with fast_path.engaged(0):
        assert fast_path.kernels(wait=True) is not None
        return numpy_result, func()


def frames(dtype, shape=(6, 37, 29, 3), seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.integers(100, 60000, shape)
    ramp = np.linspace(0.2, 1.0, shape[0])[:, None, None, None]  # a stimulus that varies between frames
    return (counts * ramp).astype(dtype)


@pytest.mark.slow
@needs_numba
@pytest.mark.parametrize(("dtype", "channels"), [(np.uint16, 3), (np.int16, 3), (np.uint8, 3), (np.uint16, 1), (np.uint16, 4), (np.int8, 2)])
def test_snr_sums_are_the_exact_integers(dtype, channels, monkeypatch):
    """Three channels take the kernel's int32 loop, other numbers of channels its general one (the sums are for up to 16 bits)."""
    rng = np.random.default_rng(3)
    info = np.iinfo(dtype)
    whole = rng.integers(info.min, info.max, (60, 50, channels), endpoint=True).astype(dtype)
    roi = whole[5:45, 7:41]  # a view with rows longer than the ROI, as the tiff loader hands out
    sums = roi.astype(np.int64).sum(axis=2).ravel()
    truth = (sums.size, int(sums.sum()), int((sums * sums).sum()))
    numpy_result, numba_result = both_paths(lambda: pixel_sum_moments(roi), monkeypatch)
    assert numpy_result == numba_result == truth


@pytest.mark.slow
@needs_numba
@pytest.mark.parametrize("dtype", [np.uint16, np.float64])
@pytest.mark.parametrize("neighbours", [False, True])
def test_noise_passes_agree(dtype, neighbours, monkeypatch):
    stack_frames = frames(dtype)
    times = [0.01, 0.02, 0.04, 0.01, 0.02, 0.04]

    def moments():
        stack = fake_stack(stack_frames, times, workers=2)
        return residual_moments(stack, 1.0 / stack.exposure_times, stack.stimulus, neighbours)

    numpy_result, numba_result = both_paths(moments, monkeypatch)
    assert np.array_equal(numpy_result[:, :2], numba_result[:, :2])  # the same operations in the same order
    if neighbours:  # numpy's einsum sums the products in an order of its own
        np.testing.assert_allclose(numba_result[:, 2], numpy_result[:, 2], rtol=1e-13, atol=1e-13 * np.abs(numpy_result[:, 1]).max())


@pytest.mark.slow
@needs_numba
@pytest.mark.parametrize("dtype", [np.uint16, np.float64])
def test_bend_moments_agree(dtype, monkeypatch):
    longer, shorter = frames(dtype, (2, 66, 48, 3))  # 66 rows: the last of every eighth is row 64
    for rows in (slice(None), slice(None, None, 2)):  # compact frames, and rows of longer lines (a view)
        for other in (shorter[rows], np.zeros(1)):
            numpy_result, numba_result = both_paths(lambda rows=rows, other=other: clipping._mean_and_error(longer[rows], other), monkeypatch)
            for want, got in zip(numpy_result, numba_result):
                assert np.array_equal(got, want)  # the same operations in the same order


@pytest.mark.slow
@needs_numba
@pytest.mark.filterwarnings("ignore:fpn-unbiased. with 6 brackets")  # a small sweep: the estimate's error is large, and the same on both paths
@pytest.mark.parametrize("noise_model", ["linear-fpn", "fpn-unbiased"])
def test_a_simulated_sweep_with_darks_on_both_paths(tmp_path, host, monkeypatch, noise_model):
    plan = SweepPlan(
        wavelengths=(420, 480, 540, 600, 660, 720),
        exposures=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)),
        roi=Region(4, 6, 48, 40),
        seed=5,
        dark_frames=3,
    )
    settings = simulate_sweep(tmp_path, CameraModel(height=52, width=60, peak_rate=4.0e6), plan)
    results = {path: stats_on(settings, host, path, monkeypatch, noise_model=noise_model) for path in PATHS}
    numpy_values, numba_values = results["numpy"][0], results["numba"][0]
    for name in numpy_values:
        np.testing.assert_allclose(numba_values[name], numpy_values[name], rtol=1e-13, atol=0)


LOAD_KERNELS = (
    "import sys, threading\n"
    "import numpy as np\n"
    "from camchar.numerics import fast_path\n"
    "run = fast_path._Run()\n"
    "loading = threading.Thread(target=fast_path._load_kernels, args=(run, ('uint16',)))\n"
    "loading.start(); loading.join()\n"
    "print(run.kernels is not None, run.failure, 'numba' in sys.modules, 'scipy' in sys.modules, len(sys.meta_path))\n"
)


@pytest.mark.slow
@needs_numba
@pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="SciPy is not installed: nothing to leave out")
def test_numba_builds_the_kernels_without_importing_scipy_which_stays_importable(tmp_path):
    """numba imports SciPy only to check it; the loading thread refuses it to itself, and only while numba builds."""
    program = LOAD_KERNELS + "import scipy.linalg\nprint(scipy.linalg.norm([3.0, 4.0]))\n"
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}  # nothing built yet: numba builds
    before = subprocess.run([sys.executable, "-c", "import sys; print(len(sys.meta_path))"], capture_output=True, text=True, check=True)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, env=environment)
    loaded, imported = result.stdout.split("\n")[:2]
    assert loaded == f"True None True False {before.stdout.strip()}"  # engaged, no failure, numba built, no SciPy, the finder gone
    assert imported == "5.0"


@pytest.mark.slow
@needs_numba
def test_kernels_built_once_load_without_numba(tmp_path):
    """The second process loads the object code the first built: numba is not imported at all."""
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    first, second = (subprocess.run([sys.executable, "-c", LOAD_KERNELS], capture_output=True, text=True, check=True, env=environment).stdout for _ in range(2))
    assert first.split()[:3] == ["True", "None", "True"]
    assert second.split()[:3] == ["True", "None", "False"]
    assert [path.name.split("-")[1] for path in (tmp_path / "camchar").iterdir()] == ["u2"]
