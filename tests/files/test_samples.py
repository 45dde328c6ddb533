"""CameraSamples and its HDF5 layout, against the real file the original wrote."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from camchar.core.errors import CamcharWarning
from camchar.files.camera_samples import CameraSamples
from conftest import REFERENCE_H5, SWEEP


def layout(path):
    """Every object of an HDF5 file: type, dtype kind, shape, attribute names, dimension labels and scales."""
    found = {}
    with h5py.File(path, "r") as f:
        found["/"] = ("group", sorted(f.attrs))

        def visit(name, obj):
            if name.startswith("camchar"):
                return
            if isinstance(obj, h5py.Dataset):
                dims = [(d.label, [scale.name for scale in d.values()]) for d in obj.dims]
                attrs = sorted(k for k in obj.attrs if k not in ("REFERENCE_LIST", "DIMENSION_LIST"))
                found[name] = (obj.dtype.kind, obj.ndim, attrs, dims, obj.is_scale)
            else:
                found[name] = ("group", sorted(obj.attrs))

        f.visititems(visit)
    return found


def test_reference_file_loads():
    samples = CameraSamples(REFERENCE_H5)
    assert samples.nom_wl.shape == (111,) and samples.nom_wl[0] == 300 and samples.nom_wl[-1] == 850
    assert samples.mean.shape == samples.std.shape == (111, 3)
    assert samples.n == 750 * 750
    assert (samples.units, samples.wl_units, samples.exp_time_units) == ("counts/s", "nm", "s")
    assert samples.ND == 0.0
    assert samples.camera == "Nikon D810 full spectrum conversion"
    assert samples.label == "Nikon D810 UV 60mm"
    assert samples.provenance == {}
    assert samples.mean[0, 0] == pytest.approx(1471.2617955555556, rel=1e-15)


def test_round_trip_keeps_the_original_layout_and_values(tmp_path):
    original = CameraSamples(REFERENCE_H5)
    copy_path = tmp_path / "copy.h5"
    original.save(copy_path)
    assert layout(copy_path) == layout(REFERENCE_H5)
    copy = CameraSamples(copy_path)
    for name in ("nom_wl", "mean", "std", "exp_time"):
        assert np.array_equal(getattr(copy, name), getattr(original, name))
    for name in ("n", "units", "wl_units", "exp_time_units", "ND", "camera", "lens", "settings", "label"):
        assert getattr(copy, name) == getattr(original, name)


def test_expected_fixture_has_the_same_layout_as_the_reference():
    assert layout(SWEEP / "expected.h5") == layout(REFERENCE_H5)


def test_normalize_peak_and_denormalize():
    samples = CameraSamples(REFERENCE_H5)
    mean, std = samples.mean.copy(), samples.std.copy()
    samples.normalize("peak")
    assert np.nanmax(samples.mean) == 1.0
    assert samples.scale == np.nanmax(mean)
    assert np.allclose(samples.std * samples.scale, std, rtol=1e-15)
    samples.denormalize()
    assert samples.scale == 1.0
    assert np.allclose(samples.mean, mean, rtol=1e-15)


def test_normalize_total_integrates_over_wavelength():
    samples = CameraSamples(REFERENCE_H5)
    wavelengths = samples.nom_wl.astype(float)
    steps = np.diff(wavelengths)[:, None]
    totals = (steps * (samples.mean[1:] + samples.mean[:-1]) / 2).sum(axis=0)  # trapezoid rule by hand
    samples.normalize("total")
    assert samples.scale == pytest.approx(totals.max(), rel=1e-12)
    normalised_totals = (steps * (samples.mean[1:] + samples.mean[:-1]) / 2).sum(axis=0)
    assert normalised_totals.max() == pytest.approx(1.0, rel=1e-12)
    samples.denormalize()
    assert samples.mean[0, 0] == pytest.approx(1471.2617955555556, rel=1e-14)


def test_normalize_rejects_unknown_modes():
    with pytest.raises(ValueError, match="peak"):
        CameraSamples(REFERENCE_H5).normalize("median")


def test_missing_items_load_as_none_with_a_warning(tmp_path):
    path = tmp_path / "partial.h5"
    with h5py.File(path, "w") as f:
        f["nominal_wavelength"] = np.array([400, 500])
    with pytest.warns(CamcharWarning, match="missing"):
        samples = CameraSamples(path)
    assert samples.mean is None and samples.camera is None
    assert list(samples.nom_wl) == [400, 500]


@pytest.mark.parametrize("method", ["normalize", "denormalize"])
def test_scaling_empty_samples_says_what_is_missing(method):
    samples = CameraSamples()
    samples.scale = 2.0  # denormalize does nothing at scale 1
    with pytest.raises(ValueError, match="no mean and std to scale"):
        getattr(samples, method)()
