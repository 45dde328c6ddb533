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
