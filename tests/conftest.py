"""Shared fixtures: copies of the reference data, simulated sweeps, the plugin host, two ways to run camchar."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

# One BLAS thread per process: the xdist workers (started after this file is read, so they inherit it) already
# share the cores, and BLAS threads on top oversubscribe them (the default suite ran 58 s instead of 47 s).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
# Compiled modules are cached even where PYTHONDONTWRITEBYTECODE is set (some CI images set it): without the cache
# every process of the suite (the xdist workers, each `python -m camchar` a test starts) compiles camchar's 200
# modules and pytest rewrites every test module again. Set before camchar is imported; later processes read the cache.
sys.dont_write_bytecode = False

import pytest
from hypothesis import settings as hypothesis_settings

from camchar.host.manager import build_host

# property-based tests: a fixed, derandomised set of examples unless HYPOTHESIS_PROFILE=explore
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DATA = Path(__file__).parent / "data"
SWEEP = DATA / "sweep"
REFERENCE_H5 = DATA / "nikon-d810-uv-60mm-macro.h5"
REFERENCE_YML = DATA / "nikon-d810-uv-60mm-macro.yml"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def host():
    """The plugin host with the built-in plugins (and any installed third-party ones)."""
    return build_host()


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    """A private copy of the fixture sweep; returns its settings file."""
    target = tmp_path / "sweep"
    shutil.copytree(SWEEP, target)
    return target / "settings.yml"


class Ran(NamedTuple):
    """What a camchar run printed and returned (the fields of ``subprocess.CompletedProcess`` the tests use)."""

    returncode: int
    stdout: str
    stderr: str


def run_in_process(*args: object) -> Ran:
    """``camchar ARGS`` through ``camchar.cli.main.main`` in this process: fast, same exit status and output."""
    from camchar.cli import main as cli

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main([str(arg) for arg in args])
    return Ran(status, stdout.getvalue(), stderr.getvalue())


@pytest.fixture(params=["in-process", pytest.param("process", marks=pytest.mark.slow)])
def run(request):
    """Run camchar in this process (the default suite) and as a real ``python -m camchar`` (the slow suite)."""
    return run_in_process if request.param == "in-process" else run_camchar


def run_camchar(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m camchar ARGS`` as a user would, in a new process, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "camchar", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A tmpfs of ``size`` (``12k``) mounted on the new ``folder``; mounting needs root, elsewhere the test is skipped."""
    folder.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 12 kB tmpfs: too small for the output beside the old one."""
    with tmpfs(tmp_path / "small-disk", "12k") as mount:
        yield mount
