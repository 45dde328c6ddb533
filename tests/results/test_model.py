"""read_result: every kind of camchar file, read against the HDF5 values themselves; clear errors for the rest."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from camchar import BadInput, CameraSamples
from camchar.files.camera_response import CameraResponse
from camchar.results import read_result, result_from_samples
from camchar.results.model import default_channel_names

from .conftest import EMVA_TRUTH, NIKON, RESPONSE, h5_attr, h5_value, write_samples


def test_camchar_samples_file(camchar_file):
    result = read_result(camchar_file)
    assert result.kind == "samples" and result.kinds == ("samples",)
    samples = result.samples
    assert np.array_equal(samples.wavelength, h5_value(camchar_file, "nominal_wavelength"))
    assert np.array_equal(samples.mean, h5_value(camchar_file, "samples"))
    assert np.array_equal(samples.std, h5_value(camchar_file, "samples_std"))
    assert np.array_equal(samples.exposure_time, h5_value(camchar_file, "exposure_time"))
    assert np.array_equal(samples.image_number, h5_value(camchar_file, "camchar/image_number"))
    assert samples.units == h5_attr(camchar_file, "samples", "units") == "counts/s"
    assert samples.wavelength_units == "nm" and samples.exposure_time_units == "s"
    assert samples.pixels == h5_attr(camchar_file, "samples", "n")
    assert result.channels == ("R", "G", "B")
    assert result.label == "fixture sweep" and result.camera == "Test Camera (synthetic DNG)"
    assert result.provenance["loader"] == "tiff" and result.provenance["version"]
    assert "images:" in result.provenance["settings_yaml"]
    assert result.warnings == ()


def test_bayer_file_names_its_four_channels(bayer_file):
    result = read_result(bayer_file)
    assert result.channels == ("R", "G1", "G2", "B")
    assert result.samples.mean.shape[1] == 4
    assert result.samples.capture_time == tuple(item.decode() for item in h5_value(bayer_file, "camchar/capture_time"))
    assert np.array_equal(result.samples.iso, h5_value(bayer_file, "camchar/iso"))


def test_original_file_without_provenance():
    result = read_result(NIKON)
    assert result.kind == "samples"
    assert result.provenance == {} and result.warnings == ()
    assert result.channels == ("R", "G", "B")
    assert result.samples.image_number is None
    assert np.array_equal(result.samples.mean, h5_value(NIKON, "samples"))
    assert result.samples.nd == float(h5_value(NIKON, "ND"))


def test_response_file():
    result = read_result(RESPONSE)
    assert result.kind == "response" and result.samples is None
    response = result.response
    assert np.array_equal(response.wavelength, h5_value(RESPONSE, "wavelength"))
    assert np.array_equal(response.mean, h5_value(RESPONSE, "response_mean"))
    assert np.array_equal(response.std, h5_value(RESPONSE, "response_std"))
    assert response.units == "(counts/s)/(uW/cm2/nm)"
    assert response.r2 == h5_attr(RESPONSE, "response_mean", "R2")
    assert response.alpha == h5_attr(RESPONSE, "response_mean", "alpha")
    assert response.method == "ridge-smooth" and response.draws == 100 and response.scale == 1.0
    fit = response.fit
    assert np.array_equal(fit.wavelength, h5_value(RESPONSE, "samples/nominal_wavelength"))
    for member, dataset in (("mean", "mean"), ("std", "std"), ("estimate_mean", "estimate_mean"), ("estimate_std", "estimate_std")):
        assert np.array_equal(getattr(fit, member), h5_value(RESPONSE, f"samples/{dataset}"))
    assert fit.draws == 100 and fit.pixels == 562500


def test_emva_group(emva_file):
    result = read_result(emva_file)
    assert result.kinds == ("samples", "emva1288") and result.kind == "samples"
    assert [item.name for item in result.emva.parameters] == list(EMVA_TRUTH)
    for name, (values, units) in EMVA_TRUTH.items():
        parameter = result.emva.parameter(name)
        assert parameter.values.tolist() == values and parameter.units == units
    assert np.array_equal(result.emva.ptc_mean, h5_value(emva_file, "emva1288/ptc_mean"))
    assert result.emva.ptc_variance_units == "DN²"
    slope, intercept = result.emva.gain_line()
    assert slope.tolist() == EMVA_TRUTH["system_gain"][0]
    assert intercept.tolist() == h5_value(emva_file, "emva1288/ptc_offset").tolist()


def test_gain_line_without_offset_uses_the_dark_noise(camchar_file, tmp_path):
    path = tmp_path / "emva.h5"
    path.write_bytes(camchar_file.read_bytes())
    from .conftest import add_emva_group

    add_emva_group(path, offset=False)
    _, intercept = read_result(path).emva.gain_line()
    assert intercept.tolist() == [value**2 for value in EMVA_TRUTH["dark_noise"][0]]


def test_warnings_and_json_options_are_read(tmp_path):
    options = {"noise_model": "pairs", "workers": 2}
    path = write_samples(
        tmp_path / "w.h5",
        np.ones((3, 3)),
        np.ones((3, 3)),
        provenance={"version": "9.9", "options": json.dumps(options), "max": 0.995},
        warnings=["bracket at 450 nm: no usable frame", "second warning"],
    )
    result = read_result(path)
    assert result.warnings == ("bracket at 450 nm: no usable frame", "second warning")
    assert result.provenance["options"] == options and result.provenance["max"] == 0.995


@pytest.mark.parametrize(("count", "names"), [(1, ("C0",)), (2, ("C0", "C1")), (3, ("R", "G", "B")), (4, ("R", "G1", "G2", "B")), (5, ("C0", "C1", "C2", "C3", "C4"))])
def test_default_channel_names(count, names, tmp_path):
    assert default_channel_names(count) == names
    path = write_samples(tmp_path / "c.h5", np.ones((2, count)), np.ones((2, count)))
    assert read_result(path).channels == names


def test_channel_names_from_the_file(tmp_path):
    path = write_samples(tmp_path / "c.h5", np.ones((2, 2)), np.ones((2, 2)), channel_names=["NIR", "UV"])
    assert read_result(path).channels == ("NIR", "UV")


def test_arrays_are_read_only(camchar_file):
    result = read_result(camchar_file)
    with pytest.raises(ValueError):
        result.samples.mean[0, 0] = 1.0


def test_in_memory_samples_match_the_file(bayer_file):
    from_memory = result_from_samples(CameraSamples(bayer_file), bayer_file)
    from_file = read_result(bayer_file)
    assert from_memory.channels == from_file.channels
    for member in ("wavelength", "mean", "std", "exposure_time", "image_number", "iso"):
        assert np.array_equal(getattr(from_memory.samples, member), getattr(from_file.samples, member))
    assert from_memory.samples.capture_time == from_file.samples.capture_time
    assert from_memory.provenance == from_file.provenance


# ----------------------------------------------------------------------------------------------------------------
# Errors: one BadInput naming the file


def test_missing_file(tmp_path):
    with pytest.raises(BadInput, match="file not found") as caught:
        read_result(tmp_path / "nope.h5")
    assert caught.value.path == tmp_path / "nope.h5"


def test_folder(tmp_path):
    with pytest.raises(BadInput, match="is a folder"):
        read_result(tmp_path)


def test_not_hdf5(tmp_path):
    path = tmp_path / "settings.yml"
    path.write_text("camera: x\n")
    with pytest.raises(BadInput, match="not an HDF5 file"):
        read_result(path)


def test_hdf5_of_another_kind(tmp_path):
    """A MonochromatorSpectra file (the source spectra) is HDF5, but not a result."""
    path = tmp_path / "monochromator.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("irradiance", data=np.ones((3, 5)))
        f.create_dataset("nominal_wavelength", data=[400.0, 500.0, 600.0])
        f.create_dataset("wavelength", data=np.arange(5.0))
    with pytest.raises(BadInput, match="not a camchar result.*it holds irradiance, nominal_wavelength, wavelength") as caught:
        read_result(path)
    assert "\n" not in caught.value.message


def test_inconsistent_shapes(tmp_path):
    path = write_samples(tmp_path / "s.h5", np.ones((3, 3)), np.ones((3, 3)))
    with h5py.File(path, "a") as f:
        del f["samples_std"]
        f.create_dataset("samples_std", data=np.ones((3, 2)))
    with pytest.raises(BadInput, match=r"/samples_std has shape \(3, 2\), expected \(3, 3\)"):
        read_result(path)


def test_wrong_number_of_channel_names(tmp_path):
    path = write_samples(tmp_path / "s.h5", np.ones((2, 3)), np.ones((2, 3)), channel_names=["R", "G"])
    with pytest.raises(BadInput, match="names 2 channels, the data has 3"):
        read_result(path)


def test_empty_emva_group_is_an_error(tmp_path):
    path = write_samples(tmp_path / "s.h5", np.ones((2, 3)), np.ones((2, 3)))
    with h5py.File(path, "a") as f:
        f.create_group("emva1288")
    with pytest.raises(BadInput, match="no parameters and no photon-transfer data"):
        read_result(path)


def test_response_provenance_is_decoded_as_camera_response_decodes_it(tmp_path):
    response = CameraResponse(RESPONSE)
    response.provenance = {
        "version": "9.9",
        "method": "ridge-smooth",
        "normalisation": {"samples_scale": 2.5, "source_scale": 0.5},
        "software": {"numpy": "2.0"},
        "parameters": {"alpha": 1e-6},
        "warnings": ["the fit's warning"],
    }
    path = tmp_path / "response.h5"
    response.save(path)
    result = read_result(path)
    assert result.provenance["normalisation"] == {"samples_scale": 2.5, "source_scale": 0.5}
    assert result.provenance["software"] == {"numpy": "2.0"} and result.warnings == ("the fit's warning",)
    reread = CameraResponse(path).provenance
    assert {key: result.provenance[key] for key in ("normalisation", "software", "parameters")} == {
        key: reread[key] for key in ("normalisation", "software", "parameters")
    }
