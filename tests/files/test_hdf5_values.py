"""The helpers every HDF5 layout shares: plain values, JSON provenance, and which kind of camchar file a path is."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from camchar.core.errors import BadInput
from camchar.files.hdf5_values import (
    EMVA1288,
    RESPONSE,
    SAMPLES,
    SPECTRA,
    decode_json_attributes,
    file_kind,
    file_kinds,
    json_text,
    plain,
    plain_nested,
    text,
    texts,
)
from conftest import DATA, REFERENCE_H5


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (REFERENCE_H5, SAMPLES),
        (DATA / "response-ridge-smooth-s1.h5", RESPONSE),
        (DATA / "monochromator-2022-10-11.h5", SPECTRA),
    ],
    ids=["samples", "response", "spectra"],
)
def test_the_kind_of_each_camchar_file(path, kind):
    assert file_kind(path) == kind


def test_an_hdf5_file_of_another_kind_is_none(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["samples"] = np.zeros(3)  # a /samples without /nominal_wavelength is not a CameraSamples file
    assert file_kind(path) is None


def test_an_emva_group_is_a_kind_of_data_but_not_a_kind_of_file(tmp_path):
    path = tmp_path / "emva.h5"
    with h5py.File(path, "w") as f:
        f.create_group("emva1288")["system_gain"] = np.ones(3)
    with h5py.File(path, "r") as f:
        assert file_kinds(f) == (EMVA1288,)
    assert file_kind(path) is None


def test_a_response_file_is_not_a_samples_file_though_it_holds_its_samples():
    with h5py.File(DATA / "response-ridge-smooth-s1.h5", "r") as f:
        assert file_kinds(f) == (RESPONSE,)


def test_missing_and_unreadable_files_name_the_path(tmp_path):
    with pytest.raises(BadInput, match="file not found") as missing:
        file_kind(tmp_path / "absent.h5")
    assert missing.value.path == tmp_path / "absent.h5"
    text_file = tmp_path / "notes.h5"
    text_file.write_text("not HDF5\n")
    with pytest.raises(BadInput, match="not a readable HDF5 file"):
        file_kind(text_file)


def test_plain_values():
    assert plain(b"nm") == "nm" and plain(np.bytes_(b"nm")) == "nm"
    assert plain(np.float64(2.5)) == 2.5 and type(plain(np.int64(3))) is int
    array = np.arange(3)
    assert plain(array) is array  # arrays stay arrays for the readers of the layouts
    assert plain_nested(array) == [0, 1, 2] and plain_nested(np.array(b"x")) == "x"
    assert plain_nested(np.array([b"a", b"b"])) == ["a", "b"]


def test_texts():
    assert text(np.array(b"R")) == "R" and text(7) == "7"
    assert texts(np.array([b"R", "G"], dtype=object)) == ["R", "G"]
    assert texts(np.array(b"only")) == ["only"]


def test_json_attributes_round_trip_and_plain_text_stays_text():
    written = {"options": json_text({"alpha": np.float64(0.5), "draws": np.arange(2)}), "software": "not json {", "version": "1"}
    assert written["options"] == '{"alpha": 0.5, "draws": [0, 1]}'
    decoded = decode_json_attributes(written)
    assert decoded == {"options": {"alpha": 0.5, "draws": [0, 1]}, "software": "not json {", "version": "1"}
    assert written["options"].startswith("{")  # the input is left as it was
