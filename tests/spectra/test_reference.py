"""``camchar spectra`` reproduces the original ``monochromator.py``: its file on the 2022 files, and the guide's formula on other grids."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from conftest import run_in_process

from .conftest import REFERENCE, reference_rows

DATASETS = ("nominal_wavelength", "wavelength", "irradiance", "irradiance_std", "raw/wavelength", "raw/irradiance", "raw/optical_density")


def attributes(f: h5py.File) -> dict[str, tuple]:
    """Every attribute but the dimension-scale references: (value, HDF5 type), by object and name."""
    found = {}

    def visit(name, obj):
        for key in obj.attrs:
            if key not in ("DIMENSION_LIST", "REFERENCE_LIST"):
                found[f"{name}@{key}"] = (np.asarray(obj.attrs[key]).tolist(), str(obj.attrs.get_id(key).dtype))

    visit("/", f)
    f.visititems(visit)
    return found


def dimensions(f: h5py.File) -> dict[str, list]:
    return {name: [(dim.label, [scale.name for scale in dim.values()]) for dim in f[name].dims] for name in DATASETS if name in f}


@pytest.mark.slow
def test_the_101_reference_files_give_the_original_file_exactly(reference_files, tmp_path):
    output = tmp_path / "spectra.h5"
    ran = run_in_process("spectra", reference_files, "-o", output)
    assert ran.returncode == 0, ran.stderr
    with h5py.File(REFERENCE) as original, h5py.File(output) as ours:
        for name in DATASETS:
            assert ours[name].dtype == original[name].dtype and np.array_equal(ours[name][()], original[name][()]), name
        theirs = attributes(original)
        mine = {key: value for key, value in attributes(ours).items() if key in theirs}
        assert mine == theirs
        assert set(attributes(ours)) - set(theirs) == {"irradiance_std@estimate"} | {key for key in attributes(ours) if key.startswith("camchar@")}
        assert dimensions(ours) == dimensions(original)
        assert set(original["raw"].attrs) == set(ours["raw"].attrs) == set()


def test_three_real_files_give_the_original_s_rows_exactly(three_files, tmp_path):
    """Each row depends on its file alone: three files give the reference's three rows, bit for bit."""
    output = tmp_path / "spectra.h5"
    ran = run_in_process("spectra", three_files, "-o", output)
    assert ran.returncode == 0, ran.stderr
    assert "3 file(s) read by oceanview, 3 nominal wavelength(s), 601 bins 250 to 850 nm; noise estimate original" in ran.stderr
    expected = reference_rows([300.0, 500.0, 800.0])
    with h5py.File(output) as ours:
        for name in DATASETS:
            assert np.array_equal(ours[name][()], expected[name]), name
        assert ours["irradiance_std"].attrs["estimate"] == "original"
        with h5py.File(REFERENCE) as original:
            assert dimensions(ours) == dimensions(original)


def per_bin(wavelength: np.ndarray, values: np.ndarray, density: float, start: float, stop: float, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The guide's method in its own words, bin by bin: the overlap of each new bin with each pixel's bin.

    Returns the centres, the irradiance and the original's standard deviation.
    """
    dark = values[:190]
    light_wl = wavelength[190:]
    corrected = (values[190:] - dark.mean()) / 10**density
    spacing = np.diff(light_wl)
    pixel_low = np.concatenate([[light_wl[0] - spacing[0] / 2], light_wl[:-1] + spacing / 2])
    pixel_high = np.concatenate([light_wl[:-1] + spacing / 2, [light_wl[-1] + spacing[-1] / 2]])
    centres = np.linspace(start, stop, 1 + int((stop - start) / step))
    half = np.diff(centres) / 2
    low = np.concatenate([[centres[0] - half[0]], centres[:-1] + half])
    high = np.concatenate([centres[:-1] + half, [centres[-1] + half[-1]]])
    irradiance, std = [], []
    for a, b in zip(low, high):
        overlap = np.clip(np.minimum(pixel_high, b) - np.maximum(pixel_low, a), 0, None)
        irradiance.append((corrected * overlap).sum() / (b - a))
        pixels = (overlap / (pixel_high - pixel_low)).sum()
        std.append(np.sqrt(dark.var() / pixels))
    return centres, np.array(irradiance), np.array(std)


@pytest.mark.parametrize("step", [2.0, 5.0])
def test_other_steps_follow_the_guide_s_formula(three_files, tmp_path, step):
    output = tmp_path / "spectra.h5"
    ran = run_in_process("spectra", three_files, "-o", output, "--range", 300, 800, "--step", step)
    assert ran.returncode == 0, ran.stderr
    with h5py.File(output) as ours:
        raw_wl, raw = ours["raw/wavelength"][()], ours["raw/irradiance"][()]
        for row, density in enumerate(ours["raw/optical_density"][()]):
            centres, irradiance, std = per_bin(raw_wl, raw[row], density, 300, 800, step)
            assert np.array_equal(ours["wavelength"][()], centres)
            assert np.abs(ours["irradiance"][row] - irradiance).max() <= 1e-12 * np.abs(irradiance).max()
            assert np.abs(ours["irradiance_std"][row] - std).max() <= 1e-12 * std.max()
        assert ours["wavelength"].size == 1 + int(500 / step)


def test_the_independent_computation_reproduces_the_reference_rows():
    """The per-bin computation above is the guide's method: on the reference's own raw data it gives its 1 nm rows."""
    with h5py.File(REFERENCE) as f:
        for row in (50,):
            _, irradiance, std = per_bin(f["raw/wavelength"][()], f["raw/irradiance"][row], f["raw/optical_density"][row], 250, 850, 1.0)
            assert np.abs(f["irradiance"][row] - irradiance).max() <= 1e-12 * np.abs(irradiance).max()
            assert np.abs(f["irradiance_std"][row] - std).max() <= 1e-12 * std.max()


def test_crlf_files_give_the_same_numbers(three_files, tmp_path):
    crlf = tmp_path / "crlf"
    crlf.mkdir()
    for path in three_files.iterdir():
        (crlf / path.name).write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert b"\r\n" in (crlf / "500 ND-3.txt").read_bytes()
    for folder, name in ((three_files, "lf.h5"), (crlf, "crlf.h5")):
        assert run_in_process("spectra", folder, "-o", tmp_path / name, "-q").returncode == 0
    with h5py.File(tmp_path / "lf.h5") as lf, h5py.File(tmp_path / "crlf.h5") as crlf_file:
        for name in DATASETS:
            assert np.array_equal(lf[name][()], crlf_file[name][()]), name
        assert dict(lf.attrs) == dict(crlf_file.attrs)
