"""camchar colour: the numbers against colour-science, the command, and its refusals."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from camchar.files.camera_response import CameraResponse
from camchar.files.hdf5_values import RESPONSE_DRAWS

colour = pytest.importorskip("colour")

from camchar.colour.difference import ciede2000, xyz_to_lab  # noqa: E402
from camchar.colour.matrices import camera_rgb, fit_idt, training_delta_e  # noqa: E402
from camchar.colour.references import GRID, references  # noqa: E402
from camchar.files.colour_h5 import read_colour_h5  # noqa: E402

NPL = np.asarray(colour.characterisation.MSDS_CAMERA_SENSITIVITIES["Nikon 5100 (NPL)"].values, dtype=np.float64)


def quietly(function, *args, **kwargs):
    """``function(*args, **kwargs)`` without colour-science's notes on aligning spectral shapes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", colour.utilities.ColourRuntimeWarning)
        return function(*args, **kwargs)


def test_lab_and_ciede2000_are_colour_sciences():
    rng = np.random.default_rng(1)
    XYZ = rng.uniform(0, 1.2, (500, 3)) * np.where(np.arange(500) < 20, 0.001, 1)[:, None]  # some below the cube root's knee
    white = colour.xy_to_XYZ(colour.models.RGB_COLOURSPACE_ACES2065_1.whitepoint)
    lab = xyz_to_lab(XYZ, white)
    np.testing.assert_allclose(lab, colour.XYZ_to_Lab(XYZ, colour.models.RGB_COLOURSPACE_ACES2065_1.whitepoint), atol=1e-10)
    other = lab + rng.normal(0, 5, lab.shape)
    other[:5, 1:] = 0  # greys: no hue
    np.testing.assert_allclose(ciede2000(lab, other), colour.delta_E(lab, other, method="CIE 2000"), atol=1e-10)


@pytest.mark.slow  # matrix_idt runs its own search
def test_the_training_colours_camera_rgb_is_matrix_idts_with_the_white_at_1():
    refs = references("D65", "rawtoaces")
    camera = colour.characterisation.MSDS_CAMERA_SENSITIVITIES["Nikon 5100 (NPL)"]
    _, balance, XYZ, RGB = quietly(colour.matrix_idt, camera, colour.SDS_ILLUMINANTS["D65"], additional_data=True)
    rgb, ours, exposure = camera_rgb(NPL, refs)
    np.testing.assert_allclose(rgb * exposure, RGB, rtol=1e-12)
    np.testing.assert_allclose(ours, balance, rtol=1e-12)
    np.testing.assert_allclose(camera_rgb(NPL, _white_only(refs))[0], 1, rtol=1e-12)  # a perfect white is (1, 1, 1)


def _white_only(refs):
    import attrs

    return attrs.evolve(refs, reflectances=np.ones((GRID.size, 1)))


@pytest.mark.slow  # matrix_idt's search and ours
@pytest.mark.parametrize("noise", [0.0, 0.01])
def test_the_idt_is_never_worse_than_matrix_idts(noise):
    """On the NPL camera and on a noisy copy: mean ΔE2000 of the training colours, both matrices on the same camera RGB."""
    sensitivities = NPL + noise * np.random.default_rng(7).normal(size=NPL.shape)
    camera = colour.characterisation.RGB_CameraSensitivities(dict(zip(GRID, sensitivities)))
    refs = references("D65", "rawtoaces")
    theirs = quietly(colour.matrix_idt, camera, colour.SDS_ILLUMINANTS["D65"])[0]
    fit = fit_idt(sensitivities, refs)
    np.testing.assert_allclose(fit.idt_matrix.sum(axis=1), 1, rtol=1e-12)  # white stays white
    baseline = training_delta_e(theirs, camera_rgb(sensitivities, refs)[0], refs).mean()
    assert fit.delta_e.mean() <= baseline + 1e-9
    np.testing.assert_allclose(fit.xyz_matrix, colour.models.RGB_COLOURSPACE_ACES2065_1.matrix_RGB_to_XYZ @ fit.idt_matrix)


def npl_response(path: Path, start: float = 300.0, stop: float = 800.0, channels: int = 3, draws: int = 3) -> Path:
    """A response file holding the NPL camera (0 outside 380-780 nm) and ``draws`` noisy copies of it."""
    wavelength = np.arange(start, stop + 1, 5.0)
    mean = np.column_stack([np.interp(wavelength, GRID, NPL[:, c % 3], left=0, right=0) for c in range(channels)])
    response = CameraResponse()
    for name in ("camera", "lens", "settings", "label", "wl_units", "units", "method", "samples_units"):
        setattr(response, name, "x")
    response.wl, response.mean, response.std = wavelength, mean, np.full_like(mean, 0.01)
    response.n, response.R2, response.alpha, response.samples_n, response.estimates_n = draws, 0.99, 0.0, 1, draws
    response.samples_wl = wavelength
    for name in ("samples_mean", "samples_std", "estimates_mean", "estimates_std"):
        setattr(response, name, mean)
    response.provenance = {"version": "test", RESPONSE_DRAWS: mean + np.random.default_rng(3).normal(0, 0.01, (draws, *mean.shape))} if draws else {}
    response.save(path)
    return path


def test_colour_writes_the_matrices_their_std_and_the_delta_e(run, tmp_path):
    response = npl_response(tmp_path / "r.h5", draws=2)
    ran = run("colour", response, "--training", "colorchecker", "--draws", "2")
    assert ran.returncode == 0, ran.stderr
    written = read_colour_h5(tmp_path / "r colour.h5")
    refs = references("D65", "colorchecker")
    np.testing.assert_allclose(written["delta_e"], training_delta_e(written["idt_matrix"], camera_rgb(NPL, refs)[0], refs), rtol=1e-9)
    assert written["draws"] == 2 and written["training"] == "colorchecker" and written["illuminant"] == "D65"
    assert np.all(written["idt_matrix_std"] > 0) and written["delta_e_mean"] == pytest.approx(written["delta_e"].mean())
    shown = run("show", tmp_path / "r colour.h5")
    assert shown.returncode == 0 and "IDT" in shown.stdout and "±" in shown.stdout


@pytest.mark.slow  # a whole fit, as the test above
def test_a_response_without_draws_gives_an_unknown_std_with_a_warning(run, tmp_path):
    ran = run("colour", npl_response(tmp_path / "r.h5", draws=0), "-o", tmp_path / "c.h5")
    assert ran.returncode == 0, ran.stderr
    assert "holds no bootstrap draws" in ran.stderr
    written = read_colour_h5(tmp_path / "c.h5")
    assert np.all(np.isnan(written["idt_matrix_std"])) and any("no bootstrap draws" in text for text in written["provenance"]["warnings"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: npl_response(folder / "r.h5", 400, 700), "the response was measured from 400 to 700 nm; the colour fit needs 380 to 780 nm"),
        (lambda folder: npl_response(folder / "r.h5", channels=4), "has 4 channel(s); the colour matrices are for cameras of 3 channels"),
    ],
)
def test_a_response_that_cannot_give_colour_is_refused(run, tmp_path, make, message):
    response = make(tmp_path)
    (tmp_path / "c.h5").write_bytes(b"kept")
    ran = run("colour", response, "-o", tmp_path / "c.h5")
    assert ran.returncode == 2
    assert ran.stderr.strip() == f"camchar: error: {response}: {message}" + ran.stderr.strip().split(message, 1)[1]
    assert (tmp_path / "c.h5").read_bytes() == b"kept"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--illuminant", "F99"), "F99: illuminant file not found; give D65, A, D50 or a CSV file of wavelength (nm), power"),
        (("-o", "out.csv"), "out.csv: camchar colour writes an HDF5 colour file: give an output ending in .h5"),
    ],
)
def test_bad_options_are_one_line(run, tmp_path, monkeypatch, flags, message):
    monkeypatch.chdir(tmp_path)
    ran = run("colour", npl_response(tmp_path / "r.h5", draws=0), *flags)
    assert ran.returncode == 2
    assert ran.stderr.strip() == f"camchar: error: {message}"


def test_an_illuminant_file_short_of_the_range_is_refused(run, tmp_path):
    (tmp_path / "lamp.csv").write_text("wavelength,power\n400,1\n700,2\n", encoding="utf-8")
    ran = run("colour", npl_response(tmp_path / "r.h5", draws=0), "--illuminant", tmp_path / "lamp.csv")
    assert ran.returncode == 2
    assert ran.stderr.strip() == f"camchar: error: {tmp_path / 'lamp.csv'}: covers 400 to 700 nm; the colour fit needs 380 to 780 nm"


def test_without_colour_science_the_error_names_the_extra(tmp_path, monkeypatch):
    from conftest import run_in_process

    monkeypatch.setitem(sys.modules, "colour", None)
    ran = run_in_process("colour", npl_response(tmp_path / "r.h5", draws=0))
    assert ran.returncode == 2
    assert ran.stderr.strip() == "camchar: error: camchar colour needs colour-science: pip install 'camchar[colour]'"
