"""CameraResponse: saving, loading, normalising."""

from __future__ import annotations

import hashlib
import shutil

import h5py
import numpy as np
import pytest
from response_data import DATA, MONOCHROMATOR, NIKON, reference_fit

import camchar.files.camera_response as camera_response_module
from camchar import BadInput, CamcharWarning
from camchar.files.camera_response import FIELDS
from camchar.response import CameraResponse


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def saved_response(tmp_path, name="response-ridge-s2.h5"):
    inputs = {"samples": {"path": str(NIKON), "sha256": sha256(NIKON)}}
    response = reference_fit(name).to_camera_response(inputs)
    path = tmp_path / "response.h5"
    response.save(path)
    return response, path


def test_round_trip(tmp_path):
    response, path = saved_response(tmp_path)
    loaded = CameraResponse(path)
    for name in FIELDS:
        expected, actual = getattr(response, name), getattr(loaded, name)
        if isinstance(expected, np.ndarray):
            np.testing.assert_array_equal(actual, expected)
        else:
            assert actual == expected, name
    assert loaded.provenance["method"] == "ridge"
    assert loaded.provenance["parameters"] == {"alpha": response.alpha}
    assert loaded.provenance["options"]["seed"] == 2 and loaded.provenance["options"]["n_draws"] == 100
    assert loaded.provenance["inputs"]["samples"]["sha256"] == sha256(NIKON)
    assert loaded.provenance["version"] == response.provenance["version"]
    assert set(loaded.provenance["software"]) == {"numpy", "scipy", "h5py"}


def test_provenance_is_json_text_in_the_camchar_group(tmp_path):
    _, path = saved_response(tmp_path, "response-ridge-smooth-s1.h5")
    with h5py.File(path, "r") as f:
        group = f["camchar"]
        assert isinstance(group.attrs["parameters"], str) and '"bandwidth_source": "automatic"' in group.attrs["parameters"]
        assert isinstance(group.attrs["version"], str) and group.attrs["method"] == "ridge-smooth"


def test_save_replaces_atomically(tmp_path, monkeypatch):
    response, path = saved_response(tmp_path)
    before = path.read_bytes()
    seen = []

    def failing_write(temporary, fields, provenance):
        seen.append(temporary)
        temporary.write_bytes(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(camera_response_module, "write_camera_response_h5", failing_write)
    with pytest.raises(RuntimeError):
        response.save(path)
    assert path.read_bytes() == before  # the old file is untouched
    assert seen[0].parent == path.parent and seen[0].name.endswith(".h5") and seen[0].name.startswith(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["response.h5"]  # no temporary left


def test_save_into_a_missing_folder(tmp_path):
    response = CameraResponse(DATA / "response-ols-s3.h5")
    with pytest.raises(BadInput, match="output folder does not exist"):
        response.save(tmp_path / "nowhere" / "response.h5")


def test_load_wrong_files(tmp_path):
    with pytest.raises(BadInput, match="CameraSamples file"):
        CameraResponse(NIKON)
    with pytest.raises(BadInput, match="MonochromatorSpectra file"):
        CameraResponse(MONOCHROMATOR)
    with pytest.raises(BadInput, match="file not found"):
        CameraResponse(tmp_path / "missing.h5")


def test_missing_optional_items_warn(tmp_path):
    path = tmp_path / "partial.h5"
    shutil.copy(DATA / "response-ols-s3.h5", path)
    with h5py.File(path, "r+") as f:
        del f["samples/estimate_std"]
    with pytest.warns(CamcharWarning, match="samples/estimate_std"):
        response = CameraResponse(path)
    assert response.estimates_std is None and response.mean.shape == (601, 3)


def closed_form_response() -> CameraResponse:
    response = CameraResponse()
    response.wl = np.linspace(0.0, 10.0, 11)
    response.mean = np.column_stack([np.full(11, 2.0), response.wl])  # integrals 20 and 50
    response.std = 0.1 * response.mean
    return response


def test_normalize_total_integrates_each_channel_over_wavelength():
    response = closed_form_response()
    response.normalize("total")
    assert response.scale == 50.0
    np.testing.assert_allclose(response.mean[:, 1], np.linspace(0, 10, 11) / 50)
    np.testing.assert_allclose(np.trapezoid(response.mean, response.wl, axis=0) if hasattr(np, "trapezoid")
                               else np.trapz(response.mean, response.wl, axis=0), [0.4, 1.0])
    np.testing.assert_allclose(response.std, 0.1 * response.mean)


def test_normalize_peak_and_denormalize():
    response = closed_form_response()
    original = response.mean.copy()
    response.normalize("PEAK")
    assert response.scale == 10.0 and response.mean.max() == 1.0
    response.normalize("total")  # scales compose
    assert response.scale == pytest.approx(50.0)
    response.denormalize()
    assert response.scale == 1.0
    np.testing.assert_allclose(response.mean, original)
    with pytest.raises(ValueError, match="mode must be one of"):
        response.normalize("area")


def test_normalizing_an_empty_response_says_what_is_missing():
    with pytest.raises(ValueError, match="no mean and std to scale"):
        CameraResponse().normalize("peak")
