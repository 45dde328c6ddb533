"""Bad input to the response step is a one-line BadInput that says what is wrong; a poor fit is a warning."""

from __future__ import annotations

import copy
import shutil
import warnings

import attrs
import h5py
import numpy as np
import pytest
from response_data import MONOCHROMATOR, NIKON, monochromator, nikon_samples

from camchar import BadInput, CamcharWarning, CameraSamples
from camchar.core.spectra import check_spectra
from camchar.response import SourceSpectra, fit_response
from camchar.response.run import load_spectra as read_monochromator_spectra


def small_spectra(**changes) -> SourceSpectra:
    """Five Gaussian spectra 10 nm apart on a 1 nm grid, with ``changes`` applied."""
    wavelength = np.arange(400.0, 461.0)
    nominal = np.arange(410.0, 451.0, 10.0)
    irradiance = np.exp(-0.5 * ((wavelength - nominal[:, None]) / 4.0) ** 2)
    fields = dict(
        wavelength=wavelength,
        nominal_wavelength=nominal,
        irradiance=irradiance,
        irradiance_std=0.01 * np.ones_like(irradiance),
    )
    fields.update(changes)
    return SourceSpectra(**fields)


def small_samples(nominal=(410.0, 420.0, 430.0, 440.0, 450.0), channels: int = 2) -> CameraSamples:
    samples = CameraSamples()
    samples.nom_wl = np.asarray(nominal)
    samples.wl_units = "nm"
    samples.mean = np.linspace(1.0, 2.0, samples.nom_wl.size * channels).reshape(-1, channels)
    samples.std = 0.01 * np.ones_like(samples.mean)
    samples.units = "counts/s"
    return samples


def problem_text(excinfo) -> str:
    return str(excinfo.value)


# -- the spectra file ----------------------------------------------------------------------------------


def test_real_spectra_are_read():
    spectra = monochromator()
    assert spectra.irradiance.shape == spectra.irradiance_std.shape == (101, 601)
    assert (spectra.units, spectra.wavelength_units) == ("uW/cm2/nm", "nm")
    assert spectra.metadata["spectrometer"] == "USB4E02642" and spectra.metadata["n"] == 10
    assert not spectra.irradiance.flags.writeable


def test_missing_spectra_file(tmp_path):
    with pytest.raises(BadInput, match="file not found") as excinfo:
        read_monochromator_spectra(tmp_path / "nope.h5")
    assert excinfo.value.path == tmp_path / "nope.h5"


def test_spectra_file_that_is_not_hdf5(tmp_path):
    path = tmp_path / "spectra.h5"
    path.write_text("wavelength,irradiance\n")
    with pytest.raises(BadInput, match="not a readable HDF5 file") as excinfo:
        read_monochromator_spectra(path)
    assert str(path) in problem_text(excinfo)


def test_camera_samples_file_given_as_spectra():
    with pytest.raises(BadInput, match="CameraSamples file") as excinfo:
        read_monochromator_spectra(NIKON)
    assert excinfo.value.path == NIKON
    assert "samples input" in problem_text(excinfo)


def test_camera_response_file_given_as_spectra():
    with pytest.raises(BadInput, match="CameraResponse file"):
        read_monochromator_spectra(NIKON.parent / "response-ols-s3.h5")


def edited_copy(tmp_path, edit) -> str:
    path = tmp_path / "spectra.h5"
    shutil.copy(MONOCHROMATOR, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def replace(name, transform):
    def edit(f):
        data = transform(f[name][()])
        attributes = dict(f[name].attrs)
        del f[name]
        f[name] = data
        for key, value in attributes.items():
            if key not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "DIMENSION_LABELS"):
                f[name].attrs[key] = value

    return edit


def with_value(index, value):
    def transform(array):
        array = array.copy()
        array[index] = value
        return array

    return transform


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (replace("irradiance", with_value((3, 200), np.nan)), "irradiance has 1 NaN or infinite"),
        (replace("irradiance_std", with_value((0, 0), np.inf)), "irradiance_std has 1 NaN or infinite"),
        (replace("irradiance", with_value((3, 200), -1e7)), "negative beyond measurement noise"),
        (replace("irradiance", lambda a: -a), "negative beyond measurement noise"),
        (replace("irradiance_std", with_value((5, 5), -1.0)), "irradiance_std is negative"),
        (replace("irradiance", lambda a: a[:, :-1]), r"irradiance has shape \(101, 600\), expected \(101, 601\)"),
        (replace("wavelength", lambda a: a[::-1]), "wavelength must increase strictly"),
        (replace("nominal_wavelength", with_value(1, 300.0)), "nominal wavelength 300 appears more than once"),
        (lambda f: f.__delitem__("irradiance_std"), "missing dataset.*irradiance_std"),
    ],
)
def test_bad_spectra_files(tmp_path, edit, message):
    path = edited_copy(tmp_path, edit)
    with pytest.raises(BadInput, match=message) as excinfo:
        read_monochromator_spectra(path)
    assert excinfo.value.path == path


def test_noise_below_zero_is_accepted():
    """The real file dips to -0.1 % of a peak after dark subtraction; that is noise, not an error."""
    spectra = monochromator()
    assert spectra.irradiance.min() < 0
    check_spectra(spectra)


def test_missing_units_warn(tmp_path):
    path = edited_copy(tmp_path, lambda f: f["irradiance"].attrs.__delitem__("units"))
    with pytest.warns(CamcharWarning, match="irradiance:units"):
        spectra = read_monochromator_spectra(path)
    assert spectra.units == "unknown"


def test_a_spectrum_without_light():
    irradiance = small_spectra().irradiance.copy()
    irradiance[2] = 0.0
    with pytest.raises(BadInput, match="spectrum at nominal wavelength 430 has no positive irradiance"):
        check_spectra(small_spectra(irradiance=irradiance))


def test_spectra_built_in_memory_are_checked():
    bad = small_spectra(irradiance=np.full((5, 61), np.nan))
    with pytest.raises(BadInput, match="^source spectra: irradiance has 305 NaN"):
        fit_response(small_samples(), bad)


# -- samples and spectra together ---------------------------------------------------------------------


def test_nominal_wavelengths_that_do_not_overlap():
    with pytest.raises(BadInput, match="share no nominal wavelength") as excinfo:
        fit_response(small_samples(np.arange(415.0, 456.0, 10.0)), small_spectra())
    assert "415-455 nm" in problem_text(excinfo) and "410-450 nm" in problem_text(excinfo)
    assert excinfo.value.path is None


def test_a_single_shared_wavelength_is_not_enough():
    with pytest.raises(BadInput, match="only one nominal wavelength"):
        fit_response(small_samples(np.array([410.0, 415.0, 425.0])), small_spectra())


def test_channel_mismatch_between_mean_and_std():
    samples = small_samples()
    samples.std = np.ones((5, 3))
    with pytest.raises(BadInput, match="mean has 2 channel.*std has 3 channel"):
        fit_response(samples, small_spectra())


def test_nan_samples_at_a_matched_wavelength():
    samples = small_samples()
    samples.mean[2, 1] = np.nan
    with pytest.raises(BadInput, match="NaN or infinite value.*430"):
        fit_response(samples, small_spectra())


def test_nan_samples_outside_the_overlap_are_ignored():
    samples = small_samples(np.arange(410.0, 471.0, 10.0))
    samples.mean[-1] = np.nan
    with pytest.warns(CamcharWarning, match="^samples: NaN or infinite value.s. at nominal wavelength.s. 470 nm; .* left out of the fit"):
        result = fit_response(samples, small_spectra(), "ols", n_draws=0)
    assert np.isfinite(result.response_mean).all()


def test_different_wavelength_units():
    samples = small_samples()
    samples.wl_units = "um"
    with pytest.raises(BadInput, match="samples' wavelengths are in um but the source's are in nm"):
        fit_response(samples, small_spectra())


def test_samples_without_mean():
    samples = small_samples()
    samples.mean = None
    with pytest.raises(BadInput, match="samples: no mean"):
        fit_response(samples, small_spectra())


# -- options ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("ols", {"bandwidth": 20.0}, "--bandwidth applies only to the ridge-smooth methods"),
        ("ridge", {"bandwidth": 20.0}, "--bandwidth applies only to the ridge-smooth methods"),
        ("ols", {"target_r2": 0.99}, "--target-r2 applies only to ridge and ridge-smooth"),
        ("ridge-smooth-gcv", {"target_r2": 0.99}, "--target-r2 applies only"),
        ("ridge-smooth", {"bandwidth": 2.0}, "more than twice the spacing"),
        ("ridge-smooth", {"bandwidth": -5.0}, "bandwidth must be a positive number"),
        ("ridge-smooth", {"target_r2": 1.5}, r"target R² must be in \(0, 1\]"),
        ("ridge-smooth", {"n_draws": -1}, "whole number >= 0"),
        ("ridge-smooth", {"n_draws": 2.5}, "whole number >= 0"),
        ("lasso", {}, "no response method named 'lasso'; available: ols, ridge, ridge-smooth, ridge-smooth-gcv"),
    ],
)
def test_options_a_method_cannot_honour(method, options, message):
    with pytest.raises(BadInput, match=message) as excinfo:
        fit_response(small_samples(), small_spectra(), method, **options)
    assert excinfo.value.path is None


def test_real_files_fit_end_to_end_without_warnings():
    result = fit_response(nikon_samples(), monochromator(), "ridge", n_draws=2, seed=0)
    assert result.response_mean.shape == (601, 3)
    assert result.options == {
        "n_draws": 2, "seed": 0, "target_r2": 0.999, "bandwidth": None, "non_negative": False, "source_scale": "all",
        "sample_noise": "pixel",
    }
    assert result.metadata["camera"] == "Nikon D810 full spectrum conversion"
    assert attrs.asdict(result)["method"] == "ridge"


def test_a_fit_that_does_not_reproduce_the_samples_is_warned_about():
    # the Nikon sweep taken every 20 nm: the bandwidth from the source spectra (40 nm) smooths the response away
    coarse = copy.copy(nikon_samples())
    coarse.nom_wl, coarse.mean, coarse.std = (values[::4] for values in (coarse.nom_wl, coarse.mean, coarse.std))
    fitted = {"source_scale": "fitted"}  # the brightest spectrum, 495 nm, has no sample here: no warning about the scale
    with pytest.warns(CamcharWarning, match=r"fits the samples poorly \(R² -0\.\d+, below 0\.9\).*bandwidth is 40 nm \(from the source spectra\)"):
        poor = fit_response(coarse, monochromator(), n_draws=0, **fitted)
    assert poor.r2 < 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", CamcharWarning)
        assert fit_response(coarse, monochromator(), n_draws=0, bandwidth=10.0, **fitted).r2 > 0.9
