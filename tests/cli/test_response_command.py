"""camchar response on the command line: the original's reference file reproduced end to end, settings, errors."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from camchar import CameraResponse, CameraSamples
from conftest import DATA, REFERENCE_H5, REFERENCE_YML, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"


def test_response_reproduces_the_originals_default_run(tmp_path):
    output = tmp_path / "nikon-response.h5"
    result = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--seed", "1", "-o", output)
    assert result.returncode == 0, result.stderr
    assert "R² 0.99602" in result.stderr and "peaks at R 596, G 533, B 456 nm" in result.stderr
    with h5py.File(output) as got, h5py.File(DATA / "response-ridge-smooth-s1.h5") as want:
        for name in ("response_mean", "response_std", "samples/estimate_mean", "samples/estimate_std"):
            np.testing.assert_allclose(got[name][()], want[name][()], rtol=0, atol=1e-9 * np.abs(want[name][()]).max())
        assert got["response_mean"].attrs["alpha"] == pytest.approx(want["response_mean"].attrs["alpha"], rel=1e-9)
        assert got["response_mean"].attrs["R2"] == pytest.approx(want["response_mean"].attrs["R2"], rel=1e-9)
    response = CameraResponse(output)
    assert response.provenance["method_plugin"].startswith("camchar ")
    assert len(response.provenance["inputs"]["source"]["sha256"]) == 64


def test_response_from_a_settings_file(tmp_path):
    shutil.copy(REFERENCE_YML, tmp_path / "nikon.yml")
    folder = tmp_path / "Nikon D810 UV"
    folder.mkdir()
    shutil.copy(REFERENCE_H5, folder / "60mm macro.h5")  # where camchar stats would have written it
    shutil.copy(MONOCHROMATOR, tmp_path / "2022-10-11 monochromator.h5")
    result = run_in_process("response", tmp_path / "nikon.yml", "--bootstrap", "0")
    assert result.returncode == 0, result.stderr
    response = CameraResponse(tmp_path / "nikon response.h5")
    assert response.provenance["options"]["non_negative"] is True  # non_negative: True in the settings
    assert response.mean.min() >= 0 and response.n == 0


def test_response_reads_the_samples_from_the_settings_output(tmp_path):
    settings = tmp_path / "nikon.yml"
    shutil.copy(REFERENCE_H5, tmp_path / "samples.h5")
    shutil.copy(MONOCHROMATOR, tmp_path / "2022-10-11 monochromator.h5")
    settings.write_text(REFERENCE_YML.read_text() + "\noutput: samples\n")  # .h5 added, as camchar stats does
    result = run_in_process("response", settings, "--bootstrap", "0", "-o", tmp_path / "r.h5")
    assert result.returncode == 0, result.stderr
    settings.write_text(REFERENCE_YML.read_text() + "\noutput: samples.csv\n")
    result = run_in_process("response", settings, "--bootstrap", "0", "-o", tmp_path / "r.h5")
    assert result.returncode == 2 and "'output' is samples.csv, not an HDF5 file" in result.stderr, result.stderr


def test_a_poor_fit_is_warned_and_recorded_and_left_out_samples_are_said(tmp_path):
    from camchar.results.model import read_result

    coarse = CameraSamples(REFERENCE_H5)  # every 20 nm: the automatic bandwidth (40 nm) smooths the response away
    coarse.nom_wl, coarse.mean, coarse.std, coarse.exp_time = (values[::4] for values in (coarse.nom_wl, coarse.mean, coarse.std, coarse.exp_time))
    coarse.save(tmp_path / "coarse.h5")
    result = run_in_process("response", tmp_path / "coarse.h5", "--source", MONOCHROMATOR, "--bootstrap", "0", "-o", tmp_path / "r.h5")
    assert result.returncode == 0, result.stderr
    assert "camchar: warning: the response fits the samples poorly (R² -0.380, below 0.9)" in result.stderr
    assert any("fits the samples poorly" in text for text in read_result(tmp_path / "r.h5").warnings)
    # the reference sweep reaches 850 nm, the spectra 800 nm
    assert "samples at 2 nominal wavelength(s) (820, 840 nm) have no source spectrum (matching is exact) and are left out of the fit" in result.stderr


@pytest.mark.parametrize("which", ["samples", "source"])
def test_an_output_that_is_an_input_of_the_fit_is_refused(tmp_path, which):
    shutil.copy(REFERENCE_H5, tmp_path / "samples.h5")
    shutil.copy(MONOCHROMATOR, tmp_path / "source.h5")
    before = (tmp_path / f"{which}.h5").read_bytes()
    result = run_in_process("response", tmp_path / "samples.h5", "--source", tmp_path / "source.h5", "-o", tmp_path / f"{which}.h5")
    assert result.returncode == 2 and "is an input of this fit (the samples, the source spectra or the settings)" in result.stderr, result.stderr
    assert (tmp_path / f"{which}.h5").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", REFERENCE_H5], "this is a CameraSamples file (camera statistics, as `camchar stats` writes), not source spectra"),
        (["--source", MONOCHROMATOR, "--method", "ols", "--bandwidth", "12"], "--bandwidth applies only to the ridge-smooth methods; ols has no smoothing"),
        (["--source", MONOCHROMATOR, "--method", "lasso"], "no response method named 'lasso'"),
        (["--source", DATA / "nope.h5"], "nope.h5: source spectra file not found"),
        ([], "no source spectra given"),
    ],
    ids=["samples as source", "bandwidth with ols", "unknown method", "missing source", "no source"],
)
def test_bad_input_is_one_line(tmp_path, args, message):
    output = tmp_path / "r.h5"
    result = run_in_process("response", REFERENCE_H5, *args, "-o", output)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("camchar: error:") == 1 and message in result.stderr
    assert not output.exists()


def test_spectra_that_do_not_overlap_the_samples(tmp_path):
    spectra = tmp_path / "shifted.h5"
    shutil.copy(MONOCHROMATOR, spectra)
    with h5py.File(spectra, "r+") as f:
        f["nominal_wavelength"][...] = f["nominal_wavelength"][()] + 1000.5
    result = run_in_process("response", REFERENCE_H5, "--source", spectra, "-o", tmp_path / "r.h5")
    assert result.returncode == 2 and "share no nominal wavelength" in result.stderr, result.stderr
