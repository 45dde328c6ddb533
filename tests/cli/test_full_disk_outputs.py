"""Outputs of several files, or of libraries that keep files open, on a full disk (issue 21, item 11).

Each run ends with one line and exit status 2, prints no traceback after it, and leaves nothing half-written.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REFERENCE_H5, tmpfs


@pytest.mark.slow
def test_an_xlsx_export_onto_a_full_disk_is_one_line_and_no_traceback(tmp_path):
    pytest.importorskip("openpyxl")
    with tmpfs(tmp_path / "disk", "20k") as disk:  # room for the zip's first members, not for the whole workbook
        result = subprocess.run(
            [sys.executable, "-m", "camchar", "export", str(REFERENCE_H5), "-o", str(disk / "out.xlsx")], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2
        assert result.stderr == f"camchar: error: {disk / 'out.xlsx'}: cannot write the output (No space left on device)\n"
        assert list(disk.iterdir()) == []


def test_a_simulated_sweep_onto_a_full_disk_leaves_nothing(run, small_disk):
    result = run("simulate", small_disk / "sim", "--quiet")
    assert result.returncode == 2
    assert result.stderr.startswith(f"camchar: error: {small_disk / 'sim'}: cannot write the simulated sweep (") and result.stderr.count("\n") == 1
    assert list(small_disk.iterdir()) == [], "no folder, no truncated image"


def test_a_simulated_sweep_is_never_mixed_with_an_older_one(run, tmp_path):
    first = run("simulate", tmp_path / "sim", "--size", "24x16", "--wavelengths", "500,600", "--quiet")
    assert first.returncode == 0, first.stderr
    before = {path: path.stat().st_mtime_ns for path in (tmp_path / "sim").rglob("*")}
    again = run("simulate", tmp_path / "sim", "--size", "24x16", "--wavelengths", "500,600,700", "--quiet")
    assert again.returncode == 2
    assert again.stderr == f"camchar: error: {tmp_path / 'sim'}: already holds images, settings.yml, truth.h5, spectra.h5; give a new or empty folder (camchar never mixes two outputs in one)\n"
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / "sim").rglob("*")} == before


def test_a_simulated_sweep_goes_into_an_existing_folder_beside_other_files(run, tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept")
    result = run("simulate", folder, "--size", "24x16", "--wavelengths", "500,600", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["images", "notes.txt", "settings.yml", "spectra.h5", "truth.h5"]
    assert (folder / "notes.txt").read_text() == "kept"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")], "the temporary folder is gone"
