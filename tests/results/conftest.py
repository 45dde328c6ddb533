"""Result files for the tests of camchar.results: real ones, camchar-written ones, and synthetic ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # nothing here may need a display

DATA = Path(__file__).parent.parent / "data"
NIKON = DATA / "nikon-d810-uv-60mm-macro.h5"
RESPONSE = DATA / "response-ridge-smooth-s1.h5"
RESPONSE_OLS = DATA / "response-ols-s3.h5"
SWEEP_SETTINGS = DATA / "sweep" / "settings.yml"

#: EMVA 1288 parameters of the synthetic group, per channel, with their units.
EMVA_TRUTH: dict[str, tuple[list[float], str]] = {
    "system_gain": ([0.5, 0.5, 0.52], "DN/e-"),
    "dark_noise": ([3.0, 3.1, 2.9], "DN"),
    "dark_noise_electrons": ([6.0, 6.2, 5.576923076923077], "e-"),
    "dsnu": ([1.0, 1.1, 0.9], "DN"),
    "prnu": ([0.8, 0.9, 0.7], "%"),
    "saturation": ([4000.0, 4000.0, 4000.0], "DN"),
    "dynamic_range": ([62.49877473216599, 62.21402590396364, 62.79325798018306], "dB"),
}


def camchar_stats(settings: Path, output: Path, *flags: str) -> Path:
    """Run ``camchar stats`` as a user does and return the file it wrote."""
    done = subprocess.run(
        [sys.executable, "-m", "camchar", "stats", str(settings), "-o", str(output), "--quiet", *flags],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return output


@pytest.fixture(scope="session")
def camchar_file(tmp_path_factory) -> Path:
    """A samples file camchar wrote from the fixture sweep (3 channels, with provenance)."""
    return camchar_stats(SWEEP_SETTINGS, tmp_path_factory.mktemp("stats") / "sweep.h5")


@pytest.fixture(scope="session")
def bayer_file(tmp_path_factory) -> Path:
    """The fixture sweep through ``raw-bayer``: channels R, G1, G2, B, with ISO and capture times."""
    return camchar_stats(SWEEP_SETTINGS, tmp_path_factory.mktemp("stats") / "bayer.h5", "--loader", "raw-bayer")


def add_emva_group(path: Path, offset: bool = True, points: int = 12) -> dict[str, Any]:
    """Add a synthetic ``/emva1288`` group to a 3-channel file; returns what was written.

    The photon-transfer points lie on ``variance = K mean + dark_noise²``
    plus a little fixed scatter, as a camera with that gain would give.
    """
    gain = np.array(EMVA_TRUTH["system_gain"][0])
    dark = np.array(EMVA_TRUTH["dark_noise"][0])
    mean = np.linspace(0.0, 3500.0, points)[:, np.newaxis] * np.array([1.0, 0.9, 1.1])
    variance = gain * mean + dark**2 + np.random.default_rng(7).normal(0.0, 4.0, mean.shape)
    with h5py.File(path, "a") as f:
        group = f.create_group("emva1288")
        for name, (values, units) in EMVA_TRUTH.items():
            group.create_dataset(name, data=np.array(values)).attrs["units"] = units
        group.create_dataset("ptc_mean", data=mean).attrs["units"] = "DN"
        group.create_dataset("ptc_variance", data=variance).attrs["units"] = "DN²"
        if offset:
            group.create_dataset("ptc_offset", data=dark**2).attrs["units"] = "DN²"
    return {"ptc_mean": mean, "ptc_variance": variance, "ptc_offset": dark**2 if offset else None}


@pytest.fixture
def emva_file(camchar_file, tmp_path) -> Path:
    """A camchar samples file with a synthetic EMVA 1288 group."""
    path = tmp_path / "emva.h5"
    shutil.copy(camchar_file, path)
    add_emva_group(path)
    return path


def write_samples(
    path: Path,
    mean: np.ndarray,
    std: np.ndarray,
    wavelength: np.ndarray | None = None,
    label: str = "synthetic",
    units: str = "counts/s",
    provenance: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
    channel_names: list[str] | None = None,
) -> Path:
    """Write a CameraSamples file with h5py, in the layout of docs/file-format.md."""
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    rows = mean.shape[0]
    wavelength = np.arange(400, 400 + 10 * rows, 10) if wavelength is None else np.asarray(wavelength)
    with h5py.File(path, "w") as f:
        for key, value in {"camera": "Synthetic camera", "lens": "none", "settings": "ISO 100", "label": label}.items():
            f.attrs[key] = value
        scale = f.create_dataset("nominal_wavelength", data=wavelength)
        scale.attrs["units"] = "nm"
        f.create_dataset("exposure_time", data=np.full(rows, 0.025)).attrs["units"] = "s"
        for name, values in (("samples", mean), ("samples_std", std)):
            dataset = f.create_dataset(name, data=values)
            dataset.attrs["units"] = units
            dataset.attrs["n"] = np.int64(100)
        f.create_dataset("ND", data=0.0)
        if provenance is not None or warnings is not None or channel_names is not None:
            group = f.create_group("camchar")
            for key, value in (provenance or {}).items():
                group.attrs[key] = value
            group.create_dataset("image_number", data=np.arange(1, rows + 1, dtype=np.int64))
            if warnings is not None:
                group.create_dataset("warnings", data=warnings, dtype=h5py.string_dtype())
            if channel_names is not None:
                group.create_dataset("channel_names", data=channel_names, dtype=h5py.string_dtype())
    return path


def h5_value(path: Path, name: str) -> np.ndarray:
    """A dataset read straight from the file, the independent truth of these tests."""
    with h5py.File(path, "r") as f:
        return f[name][()]


def h5_attr(path: Path, name: str, attribute: str) -> Any:
    with h5py.File(path, "r") as f:
        value = f[name].attrs[attribute]
    return value.decode() if isinstance(value, bytes) else value


def write_response(path: Path, label: str = "synthetic response", bins: int = 31, nominal: int = 8) -> Path:
    """A small CameraResponse file in the original's layout: Gaussian channels, a fit a little off."""
    wavelength = np.linspace(400.0, 700.0, bins)
    centres = np.array([600.0, 530.0, 460.0])
    response = np.exp(-(((wavelength[:, np.newaxis] - centres) / 40.0) ** 2)) * 0.008
    nominal_wavelength = np.linspace(420.0, 680.0, nominal)
    measured = np.exp(-(((nominal_wavelength[:, np.newaxis] - centres) / 45.0) ** 2)) * 2e6
    estimate = measured * 0.98 + 1e4
    with h5py.File(path, "w") as f:
        for key, value in {"camera": "Synthetic camera", "lens": "none", "settings": "ISO 100", "label": label}.items():
            f.attrs[key] = value
        f.create_dataset("wavelength", data=wavelength).attrs["units"] = "nm"
        for name, values in (("response_mean", response), ("response_std", response * 0.03)):
            dataset = f.create_dataset(name, data=values)
            dataset.attrs.update({"units": "(counts/s)/(uW/cm2/nm)", "scale": 1.0, "n": np.int64(100)})
        f["response_mean"].attrs.update({"R2": 0.9987, "alpha": 1e-5, "method": "ridge-smooth"})
        group = f.create_group("samples")
        group.create_dataset("nominal_wavelength", data=nominal_wavelength).attrs["units"] = "nm"
        for name, values, n in (("mean", measured, 562500), ("std", measured * 0.01, 562500), ("estimate_mean", estimate, 100), ("estimate_std", estimate * 0.005, 100)):
            dataset = group.create_dataset(name, data=values)
            dataset.attrs.update({"units": "counts/s", "n": np.int64(n)})
    return path
