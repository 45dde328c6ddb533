"""Notebook access: an xarray Dataset with named dimensions and units, and the tidy pandas table."""

from __future__ import annotations

import csv
import json
import sys

import numpy as np
import pytest

from camchar import BadInput
from camchar.results import export, open_dataset, read_result, to_pandas

from .conftest import EMVA_TRUTH, NIKON, RESPONSE, h5_attr, h5_value, write_samples


def test_samples_dataset(bayer_file):
    dataset = open_dataset(bayer_file)
    assert dict(dataset.sizes) == {"wavelength": 5, "channel": 4}
    assert dataset["channel"].values.tolist() == ["R", "G1", "G2", "B"]
    assert np.array_equal(dataset["wavelength"].values, h5_value(bayer_file, "nominal_wavelength"))
    assert dataset["wavelength"].attrs["units"] == "nm"
    assert dataset["mean"].dims == ("wavelength", "channel")
    assert np.array_equal(dataset["mean"].values, h5_value(bayer_file, "samples"))
    assert np.array_equal(dataset["std"].values, h5_value(bayer_file, "samples_std"))
    assert dataset["mean"].attrs["units"] == "counts/s" and dataset["mean"].attrs["n"] == h5_attr(bayer_file, "samples", "n")
    assert np.array_equal(dataset["exposure_time"].values, h5_value(bayer_file, "exposure_time"))
    assert dataset["exposure_time"].attrs["units"] == "s"
    assert np.array_equal(dataset["image_number"].values, h5_value(bayer_file, "camchar/image_number"))
    assert float(dataset["mean"].sel(wavelength=500, channel="G2")) == h5_value(bayer_file, "samples")[1, 2]
    attrs = dataset.attrs
    assert (attrs["label"], attrs["kind"], attrs["source"]) == ("fixture sweep", "samples", str(bayer_file))
    assert attrs["camchar_loader"] == "raw-bayer" and attrs["camchar_version"] == h5_attr(bayer_file, "camchar", "version")


def test_response_dataset():
    dataset = open_dataset(RESPONSE)
    assert dict(dataset.sizes) == {"wavelength": 601, "channel": 3, "nominal_wavelength": 101}
    assert dataset["response_mean"].dims == ("wavelength", "channel")
    assert np.array_equal(dataset["response_mean"].values, h5_value(RESPONSE, "response_mean"))
    assert dataset["response_mean"].attrs["units"] == "(counts/s)/(uW/cm2/nm)"
    assert dataset["response_mean"].attrs["R2"] == h5_attr(RESPONSE, "response_mean", "R2")
    assert dataset["estimate_mean"].dims == ("nominal_wavelength", "channel")
    assert np.array_equal(dataset["estimate_mean"].values, h5_value(RESPONSE, "samples/estimate_mean"))
    assert np.array_equal(dataset["nominal_wavelength"].values, h5_value(RESPONSE, "samples/nominal_wavelength"))
    assert not any(key.startswith("camchar_") for key in dataset.attrs)  # the original wrote no provenance


def test_emva_dataset(emva_file):
    dataset = open_dataset(emva_file)
    assert dataset["system_gain"].dims == ("channel",)
    assert dataset["system_gain"].values.tolist() == EMVA_TRUTH["system_gain"][0]
    assert dataset["prnu"].attrs["units"] == "%"
    assert dataset["ptc_variance"].dims == ("ptc_point", "channel")
    assert np.array_equal(dataset["ptc_variance"].values, h5_value(emva_file, "emva1288/ptc_variance"))


def test_provenance_that_is_not_text_becomes_json(tmp_path):
    options = {"selector": "longest-unsaturated", "workers": 2}
    path = write_samples(tmp_path / "p.h5", np.ones((2, 3)), np.ones((2, 3)), provenance={"options": json.dumps(options)}, warnings=["one", "two"])
    attrs = open_dataset(path).attrs
    assert json.loads(attrs["camchar_options"]) == options
    assert attrs["camchar_warnings"] == "one\ntwo"


def test_pandas_is_the_csv_table(camchar_file, tmp_path):
    frame = to_pandas([camchar_file, NIKON])
    with open(export([camchar_file, NIKON], tmp_path / "t.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(frame.columns) == list(rows[0])
    assert len(frame) == len(rows)
    assert frame["mean_counts_per_s"].tolist() == [float(row["mean_counts_per_s"]) for row in rows]
    assert frame["channel"].tolist() == [row["channel"] for row in rows]
    assert to_pandas(read_result(NIKON))["mean_counts_per_s"].tolist() == h5_value(NIKON, "samples").ravel().tolist()


@pytest.mark.parametrize(("module", "call", "message"), [("xarray", open_dataset, "open_dataset needs xarray: pip install 'camchar[xarray]'"), ("pandas", to_pandas, "to_pandas needs pandas: pip install 'camchar[xarray]'")])
def test_missing_extra_is_one_line(camchar_file, monkeypatch, module, call, message):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(BadInput) as caught:
        call(camchar_file)
    assert caught.value.message == message
