"""The record of a sweep's inputs: what it covers, where it is stored, and when an output is up to date."""

from __future__ import annotations

import json
import os

import h5py
import pytest

from camchar.files.camera_samples import CameraSamples
from camchar.settings import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.freshness import RECORD_KEY, input_files, record_inputs, staleness, stored_record
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from camchar.testing import simulated_sweep
from conftest import REFERENCE_H5


def chosen_for(settings, host, options=RunOptions()):
    return choose_components(host.components, settings, options, settings.samples_file)


def test_every_file_a_run_reads_is_in_the_record_darks_and_sidecar_table_too(tmp_path, host):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500, 600), image_format="ppm", dark_frames=1)
    settings = read_settings(sweep.settings)
    files = input_files(settings, chosen_for(settings, host))
    images = sorted((sweep.folder / "images").glob("*.ppm"))
    assert files == [*images, sweep.folder / "images" / "exposures.csv"]
    assert len(images) == 2 * 3 + 3  # two brackets of three exposures, one dark frame per exposure
    record = record_inputs(settings, chosen_for(settings, host))
    assert record["files"] == len(files) and "size_sha256" not in record
    table = next(path for path in files if path.suffix == ".csv")
    table.write_text(table.read_text() + "\n")
    assert staleness(record_inputs(settings, chosen_for(settings, host)), record) == "an input file's size or modification time changed: images/exposures.csv"


def test_json_files_beside_the_images_are_inputs(tmp_path, host):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500,), image_format="pgm")
    settings = read_settings(sweep.settings)
    files = input_files(settings, chosen_for(settings, host))
    assert sorted(path.suffix for path in files) == [".json"] * 3 + [".pgm"] * 3


def test_the_output_holds_the_record_taken_before_the_run(tmp_path, host):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500, 550, 600))
    settings = read_settings(sweep.settings)
    output = run_stats(settings, host.components, RunOptions(checksum=True))
    stored, why = stored_record(output)
    assert why == "" and stored == record_inputs(settings, chosen_for(settings, host), RunOptions(checksum=True))
    assert set(stored) == {"format", "camchar", "settings_sha256", "components", "max", "files", "size_mtime", "ctime_inode", "size_sha256", "inputs"}
    assert stored["components"]["noise_model"] == {"name": "linear-fpn", "version": "1", "options": {}, "plugin": stored["components"]["loader"]["plugin"]}
    with h5py.File(output) as f:
        assert json.loads(f["camchar"].attrs[RECORD_KEY]) == stored  # JSON text, readable by anyone
    assert json.loads(CameraSamples(output).provenance[RECORD_KEY]) == stored


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("camchar", "0.0.1", "written by camchar 0.0.1, this is"),
        ("settings_sha256", "0" * 64, "the settings file changed"),
        ("components", {"loader": {"name": "tiff", "plugin": "camchar 0.0.1", "options": {}}}, "the components or their options changed"),
        ("max", 0.5, "the overexposure threshold changed"),
        ("files", 1, "the list of input files changed"),
        ("size_mtime", "0" * 64, "an input file's size or modification time changed"),
        ("format", 0, "its record of inputs has another layout"),
    ],
)
def test_each_part_of_the_record_makes_an_output_out_of_date(tmp_path, host, key, value, reason):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500,))
    settings = read_settings(sweep.settings)
    current = record_inputs(settings, chosen_for(settings, host))
    assert staleness(current, dict(current)) is None
    assert staleness(current, {**current, key: value}).startswith(reason)


def test_checksums_are_compared_only_when_asked_for(tmp_path, host):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500,))
    settings = read_settings(sweep.settings)
    with_sums = record_inputs(settings, chosen_for(settings, host), RunOptions(checksum=True))
    image = sweep.folder / "images" / "SIM_0001.tiff"
    os.utime(image, ns=(image.stat().st_atime_ns, image.stat().st_mtime_ns + 10**9))
    now = record_inputs(settings, chosen_for(settings, host), RunOptions(checksum=True))
    assert staleness(now, with_sums, checksum=True) is None
    assert staleness(now, with_sums) == "an input file's size or modification time changed: images/SIM_0001.tiff"
    without = {key: value for key, value in with_sums.items() if key != "size_sha256"}
    assert staleness(now, without, checksum=True) == "its record has no checksums (it was written without --checksum)"


def test_a_moved_sweep_keeps_its_record_paths_are_relative_to_the_settings_file(tmp_path, host):
    sweep = simulated_sweep(tmp_path / "s", size=(24, 16), wavelengths=(500,))
    before = record_inputs(read_settings(sweep.settings), chosen_for(read_settings(sweep.settings), host))
    os.rename(sweep.folder, tmp_path / "moved")  # a move keeps the files (a copy is new files: tests/stats/test_freshness_identity.py)
    moved = read_settings(tmp_path / "moved" / "settings.yml")
    assert staleness(record_inputs(moved, chosen_for(moved, host)), before) is None


def test_outputs_without_a_record_are_never_up_to_date(tmp_path):
    assert stored_record(tmp_path / "missing.h5") == (None, "no output yet")
    (tmp_path / "out.csv").write_text("a,b\n")
    assert stored_record(tmp_path / "out.csv") == (None, "a .csv output keeps no record of its inputs")
    (tmp_path / "broken.h5").write_bytes(b"not HDF5")
    assert stored_record(tmp_path / "broken.h5") == (None, "the output is not a readable HDF5 file")
    record, why = stored_record(REFERENCE_H5)  # written by the original tool
    assert record is None and why.startswith("the output has no record of its inputs")
    (tmp_path / "folder.h5").mkdir()
    assert stored_record(tmp_path / "folder.h5") == (None, "the output is not a regular file")
