"""Shared fixtures: copies of the reference data, simulated sweeps, the plugin host."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from camchar.manager import build_host

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


def run_camchar(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m camchar ARGS`` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "camchar", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
