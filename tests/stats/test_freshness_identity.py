"""The up-to-date record sees a file replaced under its old name and time: its inode and change time are recorded.

Images restored with their modification times (an archive, ``cp -p``) and then
swapped by name keep every size and modification time; a batch once called
such a sweep up to date and kept an output 72% off. The truth each test
compares with is a fresh run of the sweep as it is now.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from camchar.files.records import RECORD_KEY
from conftest import run_in_process


def swap_keeping_times(first: Path, second: Path) -> None:
    """Swap two files' names, then give each the times the file of its name had (what an archive restores)."""
    before = {path: path.stat() for path in (first, second)}
    parked = first.with_name("parked")
    os.rename(first, parked)
    os.rename(second, first)
    os.rename(parked, second)
    for path, status in before.items():
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert all((path.stat().st_size, path.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns) for path, status in before.items())


def means(path: Path) -> np.ndarray:
    with h5py.File(path, "r") as f:
        return f["samples"][...]


def batch_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "settings.yml" in line and "->" in line)


def test_images_swapped_with_their_times_restored_make_the_output_out_of_date(sweep: Path):
    folder = sweep.parent
    assert run_in_process("stats", folder).returncode == 0
    output = folder / "raw.h5"
    swap_keeping_times(folder / "raw" / "SWP_0003.tiff", folder / "raw" / "SWP_0015.tiff")  # 450 nm and 650 nm
    again = run_in_process("stats", folder)
    assert again.returncode == 0, again.stderr
    assert "out of date: an input file was replaced or rewritten" in batch_line(again.stderr), again.stderr
    truth = run_in_process("stats", sweep, "-o", folder / "truth.h5")
    assert truth.returncode == 0, truth.stderr
    np.testing.assert_array_equal(means(output), means(folder / "truth.h5"))


def test_a_record_written_before_the_inode_and_change_time_were_kept_is_out_of_date_not_an_error(sweep: Path):
    folder = sweep.parent
    assert run_in_process("stats", folder).returncode == 0
    output = folder / "raw.h5"
    with h5py.File(output, "r+") as f:  # the record as camchar 0.3.0 wrote it: format 1, no inode or change time
        record = json.loads(f["camchar"].attrs[RECORD_KEY])
        record = {key: value for key, value in record.items() if key != "ctime_inode"} | {"format": 1}
        f["camchar"].attrs[RECORD_KEY] = json.dumps(record, sort_keys=True)
    again = run_in_process("stats", folder)
    assert again.returncode == 0, again.stderr
    assert "computed" in batch_line(again.stderr) and "out of date: its record of inputs has another layout" in again.stderr


@pytest.mark.slow
def test_a_copied_sweep_runs_again_unless_contents_are_compared(sweep: Path, tmp_path: Path):
    folder = sweep.parent
    assert run_in_process("stats", folder, "--checksum").returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)  # times kept, every file a new inode
    by_time = run_in_process("stats", copy)
    assert "out of date: an input file was replaced or rewritten" in batch_line(by_time.stderr), by_time.stderr
    shutil.rmtree(copy)
    shutil.copytree(folder, copy)
    by_content = run_in_process("stats", copy, "--checksum")
    assert batch_line(by_content.stderr).endswith("skipped (up to date)"), by_content.stderr


@pytest.mark.slow
def test_a_moved_sweep_folder_stays_up_to_date(sweep: Path, tmp_path: Path):
    folder = sweep.parent
    assert run_in_process("stats", folder).returncode == 0
    moved = tmp_path / "moved"
    os.rename(folder, moved)  # the files keep their inodes and change times
    again = run_in_process("stats", moved)
    assert batch_line(again.stderr).endswith("skipped (up to date)"), again.stderr
