"""Round three of hostile input (issue 21, items 8-12): result files are checked by the one reader of each layout.

A hostile HDF5 file (a declared dataset of a terabyte, numbers stored as text, complex or compound samples, text
that is not UTF-8, no wavelengths, no finite sample, thousands of channels, a wavelength dataset of the wrong
shape) is refused by ``show``, ``plot``, ``export`` and ``response`` alike, with one line naming the file and the
object at fault, exit status 2, no traceback, and an existing output left as it was. Before, these ended in
``internal error: MemoryError``, ``ValueError`` or ``UnicodeEncodeError``, or exit 0 with an empty or garbled
export. Every command is tried on every file in the slow suite (in this process), the default suite tries one
command per file; the slow suite also runs that command as a real ``python -m camchar`` process.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable

import h5py
import numpy as np
import pytest

from conftest import DATA, REFERENCE_H5, run_camchar, run_in_process

SOURCE = DATA / "monochromator-2022-10-11.h5"
RESPONSE = DATA / "response-ridge-smooth-s1.h5"
#: The most channels camchar reads, as docs/file-format.md#limits documents it.
MAX_CHANNELS = 256
SENTINEL = b"last week's export"
COMMANDS = ("show", "plot", "export", "response")


def replaced(f: h5py.File, name: str, data=None, **options) -> h5py.Dataset:
    """Put a new dataset ``name`` in place of the old one, keeping its units."""
    units = f[name].attrs.get("units") if name in f else None
    if name in f:
        del f[name]
    dataset = f.create_dataset(name, data=data, **options)
    if units is not None:
        dataset.attrs["units"] = units
    return dataset


def reference_samples() -> tuple[np.ndarray, np.ndarray]:
    with h5py.File(REFERENCE_H5, "r") as f:
        return f["nominal_wavelength"][()], f["samples"][()]


def declared_terabyte(f):
    replaced(f, "samples", shape=(2**20, 2**17), chunks=(1, 1024), dtype="f8")  # 2**37 values, never written


def declared_wavelengths(f):
    replaced(f, "nominal_wavelength", shape=(2**31,), chunks=(1024,), dtype="f8")  # 16 GiB of fill values


def declared_values(f):
    replaced(f, "samples", shape=(100_000, MAX_CHANNELS), chunks=(1, MAX_CHANNELS), dtype="f8")


def text_samples(f):
    _, mean = reference_samples()
    replaced(f, "samples", data=mean.astype(str).astype(object), dtype=h5py.string_dtype())


def text_wavelengths(f):
    wavelength, _ = reference_samples()
    replaced(f, "nominal_wavelength", data=wavelength.astype(str).astype(object), dtype=h5py.string_dtype())


def text_exposure(f):
    replaced(f, "exposure_time", data=np.array(["0.025"] * f["exposure_time"].shape[0], dtype=object), dtype=h5py.string_dtype())


def camera_not_utf8(f):
    f.attrs["camera"] = np.bytes_(b"\xff\xfe")  # a fixed-length string


def camera_not_utf8_variable(f):
    f.attrs.create("camera", data=b"\xff\xfe", dtype=h5py.string_dtype("utf-8"))  # h5py returns surrogates


def units_not_utf8(f):
    f["samples"].attrs["units"] = np.bytes_(b"counts\xff")


def no_wavelengths(f):
    channels = f["samples"].shape[1]
    for name in ("samples", "samples_std"):
        replaced(f, name, data=np.zeros((0, channels)))
    replaced(f, "nominal_wavelength", data=np.zeros(0))
    replaced(f, "exposure_time", data=np.zeros(0))


def no_finite_sample(f):
    f["samples"][...] = np.nan
    f["samples"][0, 0] = np.inf


def complex_samples(f):
    _, mean = reference_samples()
    replaced(f, "samples", data=mean + 0j)


def compound_samples(f):
    _, mean = reference_samples()
    pairs = np.zeros(mean.shape, dtype=[("value", "f8"), ("error", "f8")])
    pairs["value"] = mean
    replaced(f, "samples", data=pairs)


def wavelengths_as_a_column(f):
    wavelength, _ = reference_samples()
    replaced(f, "nominal_wavelength", data=wavelength[:, np.newaxis])


def many_channels(f):
    rows = f["samples"].shape[0]
    for name in ("samples", "samples_std"):
        replaced(f, name, data=np.random.default_rng(1).uniform(1.0, 2.0, (rows, 3000)))


def declared_image_numbers(f):
    f.create_group("camchar").create_dataset("image_number", shape=(2**40,), chunks=(4096,), dtype="i8")


def declared_emva_points(f):
    f.create_group("emva1288").create_dataset("ptc_mean", shape=(2**30, 3), chunks=(1024, 3), dtype="f8")


#: name: (how the reference samples file is spoiled, what the error line must say after the file's name)
SAMPLES_CASES: dict[str, tuple[Callable, str]] = {
    "declared-terabyte": (declared_terabyte, "/samples declares 1,048,576 wavelengths; camchar reads at most 100,000"),
    "declared-wavelengths": (declared_wavelengths, "/nominal_wavelength declares 2,147,483,648 wavelengths"),
    "declared-values": (declared_values, "/samples declares 25,600,000 values; camchar reads at most 10,000,000"),
    "text-samples": (text_samples, "/samples holds text, not real numbers"),
    "text-wavelengths": (text_wavelengths, "/nominal_wavelength holds text, not real numbers"),
    "text-exposure": (text_exposure, "/exposure_time holds text, not real numbers"),
    "camera-not-utf8": (camera_not_utf8, "/:camera holds text that is not UTF-8"),
    "camera-not-utf8-vlen": (camera_not_utf8_variable, "/:camera holds text that is not UTF-8"),
    "units-not-utf8": (units_not_utf8, "/samples:units holds text that is not UTF-8"),
    "no-wavelengths": (no_wavelengths, "/nominal_wavelength is empty (0 wavelengths)"),
    "no-finite-sample": (no_finite_sample, "/samples holds no finite value (all 333 are NaN or infinite)"),
    "complex": (complex_samples, "/samples holds complex numbers (complex128), not real numbers"),
    "compound": (compound_samples, "/samples holds a compound type (fields value, error), not real numbers"),
    "wavelength-column": (wavelengths_as_a_column, "/nominal_wavelength has shape (111, 1); the layout expects (wavelengths,)"),
    "3000-channels": (many_channels, f"/samples declares 3,000 channels; camchar reads at most {MAX_CHANNELS}"),
    "declared-image-numbers": (declared_image_numbers, "/camchar/image_number declares 1,099,511,627,776 wavelengths"),
    "declared-emva-points": (declared_emva_points, "/emva1288/ptc_mean declares 1,073,741,824 points"),
}


def spoiled(original: Path, folder: Path, spoil: Callable) -> Path:
    """A copy of ``original`` in ``folder``, spoiled by ``spoil(open file)``."""
    path = folder / "hostile.h5"
    shutil.copy(original, path)
    with h5py.File(path, "a") as f:
        spoil(f)
    return path


def command_line(command: str, path: Path, output: Path) -> list:
    """The arguments of ``command`` on ``path``, writing ``output`` where the command writes."""
    return {
        "show": ["show", path],
        "plot": ["plot", path, "-o", output.with_suffix(".png")],
        "export": ["export", path, "-o", output.with_suffix(".csv")],
        "response": ["response", path, "--source", SOURCE, "-o", output.with_suffix(".h5"), "--bootstrap", "2"],
    }[command]


def expect_refusal(run, args: list, folder: Path, path: Path, expected: str) -> None:
    """One error line naming ``path`` and saying ``expected``; exit 2, no traceback; the outputs there unchanged."""
    for suffix in (".png", ".csv", ".h5"):
        (folder / f"out{suffix}").write_bytes(SENTINEL)
    before = {item: item.read_bytes() for item in folder.iterdir()}
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"camchar: error: {path}: "), errors[0]
    assert expected in errors[0], errors[0]
    assert {item: item.read_bytes() for item in folder.iterdir()} == before, "an output changed, or a temporary is left"


def one_command_each(cases: dict) -> list:
    """Every (case, command): one command per case in the default suite (in turn), all of them in the slow suite."""
    return [
        pytest.param(case, command, id=f"{case}-{command}", marks=() if command == COMMANDS[index % len(COMMANDS)] else pytest.mark.slow)
        for index, case in enumerate(cases)
        for command in COMMANDS
    ]


@pytest.mark.parametrize(("case", "command"), one_command_each(SAMPLES_CASES))
def test_every_command_refuses_a_hostile_samples_file(tmp_path, case, command):
    spoil, expected = SAMPLES_CASES[case]
    path = spoiled(REFERENCE_H5, tmp_path, spoil)
    expect_refusal(run_in_process, command_line(command, path, tmp_path / "out"), tmp_path, path, expected)


@pytest.mark.slow
@pytest.mark.parametrize("case", SAMPLES_CASES)
def test_a_real_process_refuses_a_hostile_samples_file(tmp_path, case):
    spoil, expected = SAMPLES_CASES[case]
    path = spoiled(REFERENCE_H5, tmp_path, spoil)
    command = COMMANDS[list(SAMPLES_CASES).index(case) % len(COMMANDS)]
    expect_refusal(run_camchar, command_line(command, path, tmp_path / "out"), tmp_path, path, expected)


def declared_response(f):
    replaced(f, "response_mean", shape=(2**20, 2**17), chunks=(1, 1024), dtype="f8")


def text_response_wavelength(f):
    replaced(f, "wavelength", data=np.array(["400"] * f["wavelength"].shape[0], dtype=object), dtype=h5py.string_dtype())


def method_not_utf8(f):
    f["response_mean"].attrs["method"] = np.bytes_(b"ridge\xff")


def text_r2(f):
    f["response_mean"].attrs["R2"] = "0.99"


RESPONSE_CASES: dict[str, tuple[Callable, str]] = {
    "declared-terabyte": (declared_response, "/response_mean declares 1,048,576 bins"),
    "text-wavelength": (text_response_wavelength, "/wavelength holds text, not real numbers"),
    "method-not-utf8": (method_not_utf8, "/response_mean:method holds text that is not UTF-8"),
    "text-r2": (text_r2, "/response_mean:R2 holds text of shape (); the layout expects one real number"),
}


@pytest.mark.parametrize("command", ["show", pytest.param("plot", marks=pytest.mark.slow), pytest.param("export", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", RESPONSE_CASES)
def test_every_command_refuses_a_hostile_response_file(run, tmp_path, case, command):
    spoil, expected = RESPONSE_CASES[case]
    path = spoiled(RESPONSE, tmp_path, spoil)
    expect_refusal(run, command_line(command, path, tmp_path / "out"), tmp_path, path, expected)


def declared_irradiance(f):
    replaced(f, "irradiance", shape=(2**20, 2**17), chunks=(1, 1024), dtype="f8")


def text_spectrum_wavelength(f):
    replaced(f, "wavelength", data=np.array(["400"] * f["wavelength"].shape[0], dtype=object), dtype=h5py.string_dtype())


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (declared_irradiance, "/irradiance declares 1,048,576 wavelengths; camchar reads at most 100,000"),
        (text_spectrum_wavelength, "/wavelength holds text, not real numbers"),
    ],
    ids=["declared-terabyte", "text-wavelength"],
)
def test_response_refuses_hostile_source_spectra(run, tmp_path, spoil, expected):
    source = spoiled(SOURCE, tmp_path, spoil)
    samples = tmp_path / "samples.h5"
    shutil.copy(REFERENCE_H5, samples)
    args = ["response", samples, "--source", source, "-o", tmp_path / "out.h5", "--spectra-reader", "monochromator-h5"]
    expect_refusal(run, args, tmp_path, source, expected)


@pytest.mark.slow
def test_a_file_at_the_channel_limit_is_shown_at_once_with_every_channel(run, tmp_path):
    """256 channels: the terminal table shows the first wavelength's channels (it took 20 s to draw them all)."""
    path = tmp_path / "multispectral.h5"
    shutil.copy(REFERENCE_H5, path)
    with h5py.File(path, "a") as f:
        for name in ("samples", "samples_std"):
            replaced(f, name, data=np.full((f["samples"].shape[0], MAX_CHANNELS), 2.0))
    started = time.perf_counter()
    result = run("show", path)
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 5
    assert f"C{MAX_CHANNELS - 1} " in result.stdout
    assert "the first of 111 wavelengths shown; --json gives all" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("command", ["show", "plot"])
def test_3000_channels_are_answered_within_20_seconds(tmp_path, command):
    path = spoiled(REFERENCE_H5, tmp_path, many_channels)
    started = time.perf_counter()
    result = run_camchar(*command_line(command, path, tmp_path / "out"), timeout=60)
    assert time.perf_counter() - started < 20
    assert result.returncode == 2 and "/samples declares 3,000 channels" in result.stderr
