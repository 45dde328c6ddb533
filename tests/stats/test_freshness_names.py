"""A batch's "out of date" line names the first input file that changed, whatever the change."""

from __future__ import annotations

import os
import shutil

import pytest

from camchar.settings import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.freshness import record_inputs, staleness
from camchar.stats.options import RunOptions
from camchar.testing import simulated_sweep

SIZE_OR_TIME = "an input file's size or modification time changed"


@pytest.fixture
def sweep(tmp_path):
    return simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500, 600))


def record(sweep, host, checksum=False):
    settings = read_settings(sweep.settings)
    options = RunOptions(checksum=checksum)
    return record_inputs(settings, choose_components(host.components, settings, options, settings.samples_file), options)


def later(path, seconds=5):
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 10**9))


def test_a_touched_image_is_named_and_the_second_of_several_is_counted(sweep, host):
    stored = record(sweep, host)
    later(sweep.folder / "images" / "SIM_0004.tiff")
    assert staleness(record(sweep, host), stored) == f"{SIZE_OR_TIME}: images/SIM_0004.tiff"
    later(sweep.folder / "images" / "SIM_0002.tiff")
    assert staleness(record(sweep, host), stored) == f"{SIZE_OR_TIME}: images/SIM_0002.tiff (and 1 more)"


def test_a_file_replaced_under_its_old_name_size_and_time_is_named(sweep, host):
    stored = record(sweep, host)
    image = sweep.folder / "images" / "SIM_0003.tiff"
    status = image.stat()
    shutil.copyfile(image, image.with_suffix(".new"))
    os.replace(image.with_suffix(".new"), image)  # a new inode
    os.utime(image, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert staleness(record(sweep, host), stored) == (
        "an input file was replaced or rewritten (its change time or inode changed, its size and modification time did not): images/SIM_0003.tiff"
    )


def test_a_changed_content_is_named_with_checksums(sweep, host):
    stored = record(sweep, host, checksum=True)
    image = sweep.folder / "images" / "SIM_0005.tiff"
    status = image.stat()
    data = bytearray(image.read_bytes())
    data[-1] ^= 1
    image.write_bytes(bytes(data))
    os.utime(image, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert staleness(record(sweep, host, checksum=True), stored, checksum=True) == "an input file's content changed: images/SIM_0005.tiff"


def test_a_file_new_or_gone_from_the_list_is_named(sweep, host):
    current = record(sweep, host)
    first, *rest = current["inputs"]
    fewer = {**current, "files": current["files"] - 1, "inputs": rest}
    assert staleness(current, fewer) == f"the list of input files changed: {first[0]} is new"
    assert staleness(fewer, current) == f"the list of input files changed: {first[0]} is gone"
    renamed = {**current, "inputs": [["images/OLD.tiff", *first[1:]], *rest]}
    assert staleness(current, renamed) == f"the list of input files changed: {first[0]} is new"


def test_a_record_of_the_earlier_layout_still_gets_the_reason_without_a_name(sweep, host):
    stored = {key: value for key, value in record(sweep, host).items() if key != "inputs"}
    later(sweep.folder / "images" / "SIM_0001.tiff")
    assert staleness(record(sweep, host), stored) == SIZE_OR_TIME


def test_the_batch_line_names_the_file(tmp_path, run):
    sweep = simulated_sweep(tmp_path / "s", size=(16, 12), wavelengths=(500, 600))
    other = sweep.folder / "other.yml"
    other.write_text(sweep.settings.read_text() + "output: other.h5\n")
    assert run("stats", sweep.settings, other, "--quiet").returncode == 0
    later(sweep.folder / "images" / "SIM_0002.tiff")
    again = run("stats", sweep.settings, other)
    assert again.returncode == 0, again.stderr
    out_of_date = [line for line in again.stderr.splitlines() if "out of date" in line]
    assert len(out_of_date) == 2 and all(f"(out of date: {SIZE_OR_TIME}: images/SIM_0002.tiff)" in line for line in out_of_date), again.stderr
