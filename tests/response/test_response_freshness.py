"""The record of a response fit's inputs: stored in the file, and each part of it makes the file out of date."""

from __future__ import annotations

import json
import shutil

import h5py
import pytest

from camchar.pipeline.record import RECORD_KEY
from camchar.response.freshness import response_staleness, stored_response_record
from camchar.response.run import ResponseInputs, ResponseOptions, record_of, run_response
from conftest import DATA, REFERENCE_H5

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"


def test_the_file_holds_the_record_of_its_inputs(tmp_path, host):
    samples = shutil.copy(REFERENCE_H5, tmp_path / "nikon.h5")
    options = ResponseOptions(output=tmp_path / "response.h5", method="ols", draws=0, seed=3)
    inputs = ResponseInputs(samples, MONOCHROMATOR)
    run_response(inputs, host.components, options)
    stored, why = stored_response_record(options.output)
    assert why == "" and stored == record_of(inputs, options, host.components)
    assert stored["method"]["name"] == "ols" and stored["spectra_reader"]["name"] == "monochromator-h5"
    assert stored["fit"] == {"non_negative": False, "target_r2": options.target_r2, "bandwidth": None, "source_scale": "all", "sample_noise": "pixel", "draws": 0, "seed": 3}
    assert stored["settings_sha256"] is None and len(stored["samples_sha256"]) == 64
    with h5py.File(options.output) as f:
        assert json.loads(f["camchar"].attrs[RECORD_KEY]) == stored


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("samples_sha256", "0" * 64, "the samples file changed"),
        ("source", [["monochromator-2022-10-11.h5", "0" * 64]], "the source spectra file changed"),
        ("settings_sha256", "0" * 64, "the settings file changed"),
        ("method", {"name": "ridge", "plugin": "camchar 0.3.0", "options": {}}, "the method or its options changed"),
        ("spectra_reader", {"name": "other", "plugin": "x 1", "options": {}}, "the spectra reader or its options changed"),
        ("fit", {"non_negative": True}, "the fit's parameters changed"),
        ("camchar", "0.0.1", "written by camchar 0.0.1"),
    ],
)
def test_each_part_of_the_record_makes_the_file_out_of_date(tmp_path, host, key, value, reason):
    options = ResponseOptions(output=tmp_path / "response.h5", method="ols", draws=0)
    current = record_of(ResponseInputs(REFERENCE_H5, MONOCHROMATOR), options, host.components)
    assert response_staleness(current, dict(current)) is None
    assert response_staleness(current, {**current, key: value}).startswith(reason)
