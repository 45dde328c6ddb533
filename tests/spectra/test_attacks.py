"""Attacks on ``camchar spectra`` and on a folder as ``camchar response --source``: each a refusal in one line, exit 2.

Every test here once gave exit 0 with wrong numbers, an internal error (exit 1)
or a misleading message; each asserts the one line a user now gets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import REFERENCE_H5, run_in_process

FIT = ("--method", "ols", "--bootstrap", "2", "--seed", "7", "-q")


def error_line(ran) -> str:
    """The one ``camchar: error:`` line of a run that exited with status 2, without a traceback."""
    assert ran.returncode == 2, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]


def spectra(folder: Path, output: Path, *args: object):
    return run_in_process("spectra", folder, "-o", output, *args)


def refused(folder: Path, output: Path, *args: object) -> str:
    line = error_line(spectra(folder, output, *args))
    assert not output.exists()
    return line


# 6: a relative source folder


@pytest.mark.parametrize("written", ["spectra", "./spectra", "spectra/", "sim1/spectra"])
def test_a_relative_source_folder_is_read(three_files, tmp_path, monkeypatch, written):
    if written.startswith("sim1"):
        (tmp_path / "sim1").mkdir()
        three_files.rename(tmp_path / "sim1" / "spectra")
    monkeypatch.chdir(tmp_path)
    ran = run_in_process("response", REFERENCE_H5, "--source", written, "-o", "rf.h5", *FIT)
    assert ran.returncode == 0, ran.stderr
    with h5py.File(tmp_path / "rf.h5") as f:
        assert f["camchar"].attrs["spectra_reader"] == "spectrometer-folder"


def set_pixel(path: Path, pixel: int, value: str, wavelength: str | None = None) -> None:
    """Write ``value`` (and ``wavelength``, if given) into pixel ``pixel`` of an OceanView file."""
    header, marker, data = path.read_text().partition(">>>>>Begin Spectral Data<<<<<\n")
    rows = data.splitlines()
    old_wavelength, _ = rows[pixel].split("\t")
    rows[pixel] = f"{wavelength or old_wavelength}\t{value}"
    path.write_text(header + marker + "\n".join(rows) + "\n")


# 1: numbers the arithmetic cannot represent


def test_a_spectrum_that_overflows_is_refused_not_written(three_files, tmp_path):
    set_pixel(three_files / "300 ND-2.txt", 1000, "1e307")  # finite as read; times 10**2 it is not
    line = refused(three_files, tmp_path / "o.h5")
    assert f"{three_files}: the result's irradiance would hold" in line and "NaN or infinite value(s)" in line


def test_a_spectrum_that_overflows_is_refused_as_a_source(three_files, tmp_path):
    set_pixel(three_files / "300 ND-2.txt", 1000, "1e307")
    line = error_line(run_in_process("response", REFERENCE_H5, "--source", three_files, "-o", tmp_path / "rf.h5", *FIT))
    assert f"{three_files}: the result's irradiance would hold" in line
    assert not (tmp_path / "rf.h5").exists()
