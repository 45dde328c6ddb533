"""``camchar response SAMPLES --source FOLDER``: spectra computed on the fly from spectrometer files equal the file's."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from camchar.host.manager import build_host
from conftest import DATA, REFERENCE_H5, run_in_process

THREE_FILES = DATA / "oceanview-3-files.tar.xz"
ARCHIVE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "oceanview-2022-10-11.tar.xz"
FIT = ("--method", "ols", "--bootstrap", "2", "--seed", "7", "-q")


def unpack(archive: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile():
                (target / Path(member.name).name).write_bytes(tar.extractfile(member).read())
    return target


def responses_equal(a: Path, b: Path) -> None:
    with h5py.File(a) as first, h5py.File(b) as second:
        for name in ("wavelength", "response_mean", "response_std", "samples/estimate_mean"):
            assert np.array_equal(first[name][()], second[name][()]), name


def recorded_source(path: Path) -> list[str]:
    with h5py.File(path) as f:
        return [name for name, _ in json.loads(f["camchar"].attrs["input_record"])["source"]]


@pytest.fixture
def folder(tmp_path) -> Path:
    return unpack(THREE_FILES, tmp_path / "spectra")


def test_a_folder_source_equals_the_file_camchar_spectra_writes(folder, tmp_path):
    (folder / "notes.txt").write_text("the lamp had 40 hours")  # not a measurement: not read, not recorded
    assert run_in_process("spectra", folder, "-o", tmp_path / "spectra.h5", "-q").returncode == 0
    from_file = run_in_process("response", REFERENCE_H5, "--source", tmp_path / "spectra.h5", "-o", tmp_path / "file.h5", *FIT)
    from_folder = run_in_process("response", REFERENCE_H5, "--source", folder, "-o", tmp_path / "folder.h5", *FIT)
    assert from_file.returncode == 0 and from_folder.returncode == 0, from_folder.stderr
    responses_equal(tmp_path / "file.h5", tmp_path / "folder.h5")
    assert recorded_source(tmp_path / "folder.h5") == ["300 ND-2.txt", "500 ND-3.txt", "800 ND-2.txt"]
    with h5py.File(tmp_path / "folder.h5") as f:
        assert f["camchar"].attrs["spectra_reader"] == "spectrometer-folder"


def test_a_changed_spectrometer_file_makes_the_fit_out_of_date(folder, tmp_path):
    from camchar.response.freshness import response_staleness, stored_response_record
    from camchar.response.run import ResponseOptions, inputs_from_path, record_of

    output = tmp_path / "folder.h5"
    assert run_in_process("response", REFERENCE_H5, "--source", folder, "-o", output, *FIT).returncode == 0
    options = ResponseOptions(output=output, method="ols", draws=2, seed=7)
    stored, _ = stored_response_record(output)
    components = build_host().components
    assert response_staleness(record_of(inputs_from_path(REFERENCE_H5, folder), options, components), stored) is None
    (folder / "500 ND-3.txt").write_text((folder / "500 ND-3.txt").read_text().replace("Boxcar width: 0", "Boxcar width: 0 "))
    current = record_of(inputs_from_path(REFERENCE_H5, folder), options, components)
    assert response_staleness(current, stored) == "the source spectra changed 500 ND-3.txt"


def test_the_settings_name_the_spectrometer_reader_and_its_options(folder, tmp_path):
    samples = tmp_path / "samples.h5"
    shutil.copy(REFERENCE_H5, samples)
    settings = tmp_path / "settings.yml"
    settings.write_text(
        "image_dir: images\nimage_name: '{}.tif'\nimages: {500: [1]}\noutput: samples.h5\nsource_spectra: spectra\n"
        "spectrometer_reader: oceanview\nplugins:\n  oceanview: {dark_stop: 10}\n"
    )
    ran = run_in_process("response", settings, "-o", tmp_path / "out.h5", *FIT)
    assert ran.returncode == 0, ran.stderr
    with h5py.File(tmp_path / "out.h5") as f:
        metadata = json.loads(f["camchar"].attrs["source_metadata"])
    assert metadata["spectrometer_reader"]["options"]["dark_stop"] == 10


@pytest.mark.slow
def test_the_101_reference_files_give_the_response_of_the_original_s_file(tmp_path):
    if not ARCHIVE.is_file():
        pytest.skip(f"{ARCHIVE} is not on this machine")
    folder = unpack(ARCHIVE, tmp_path / "spectra")
    reference = DATA / "monochromator-2022-10-11.h5"
    assert run_in_process("response", REFERENCE_H5, "--source", reference, "-o", tmp_path / "file.h5", *FIT).returncode == 0
    assert run_in_process("response", REFERENCE_H5, "--source", folder, "-o", tmp_path / "folder.h5", *FIT).returncode == 0
    responses_equal(tmp_path / "file.h5", tmp_path / "folder.h5")
