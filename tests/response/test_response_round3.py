"""The response's numbers: finite, scaled on what the fit uses (or warned about), and every number a step writes finite.

Each input is a copy of the real files edited with h5py; each expected number
comes from a fit on the unedited (or row-removed) files, not from the code
under test.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Callable

import h5py
import numpy as np
import pytest

from camchar import BadInput, CamcharWarning, CameraSamples
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.response import fit_response
from camchar.response.run import load_spectra
from conftest import DATA, REFERENCE_H5, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
FAST = ("--method", "ols", "--bootstrap", "0")
#: A quick fit the scales can change: its alpha search squares the normalised numbers, and the source's scale weighs its ridge term.
RIDGE = ("--method", "ridge", "--bootstrap", "0")


def copies(tmp_path: Path, samples: Callable | None = None, source: Callable | None = None) -> tuple[Path, Path]:
    """Copies of the Nikon samples and the 2022 spectra in ``tmp_path``, each edited by its function (given the open file)."""
    copied = []
    for original, edit in ((REFERENCE_H5, samples), (MONOCHROMATOR, source)):
        path = tmp_path / original.name
        shutil.copy(original, path)
        if edit is not None:
            with h5py.File(path, "r+") as f:
                edit(f)
        copied.append(path)
    return copied[0], copied[1]


def set_row(name: str, nominal: float, value) -> Callable:
    """An edit setting every channel of ``name`` at ``nominal`` wavelength to ``value``."""

    def edit(f: h5py.File) -> None:
        values = f[name][...]
        values[list(f["nominal_wavelength"][...]).index(nominal)] = value
        f[name][...] = values

    return edit


def scaled(name: str, factor: float) -> Callable:
    def edit(f: h5py.File) -> None:
        f[name][...] = f[name][...] * factor

    return edit


def replaced(name: str, values: np.ndarray) -> Callable:
    """An edit replacing dataset ``name`` by ``values`` (another shape or type), keeping its attributes but the dimension ones."""

    def edit(f: h5py.File) -> None:
        attributes = {key: value for key, value in f[name].attrs.items() if key not in ("DIMENSION_LIST", "DIMENSION_LABELS", "REFERENCE_LIST", "CLASS", "NAME")}
        del f[name]
        f[name] = values
        f[name].attrs.update(attributes)

    return edit


def a_bright_spectrum_at_900_nm(f: h5py.File) -> None:
    """One more spectrum, at 900 nm (the samples stop at 850 nm): ten times the brightest, as far as the fit is concerned."""
    irradiance = f["irradiance"][...]
    brightest = np.trapezoid(irradiance, f["wavelength"][...], axis=1).argmax()
    std = f["irradiance_std"][...]
    nominal = f["nominal_wavelength"][...]
    for name, values in (
        ("irradiance", np.vstack([irradiance, 10 * irradiance[brightest]])),
        ("irradiance_std", np.vstack([std, std[brightest]])),
        ("nominal_wavelength", np.append(nominal, 900.0)),
    ):
        replaced(name, values)(f)


def error_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("camchar: error:")]
    assert "Traceback" not in stderr
    return line


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("camchar: warning:")]


def response(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with h5py.File(path, "r") as f:
        return f["response_mean"][...], f["samples/estimate_mean"][...]


def assert_same_fit(a: Path, b: Path, tolerance: float = 1e-12) -> None:
    for x, y in zip(response(a), response(b)):
        assert np.all(np.isfinite(x))
        assert np.max(np.abs(x - y)) <= tolerance * np.max(np.abs(y))


def plain_fit(folder: Path, flags: tuple[str, ...]) -> Path:
    """A fit on the unedited files: the truth for the edits the fit must not see."""
    output = folder / "plain.h5"
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *flags, "-o", output)
    assert ran.returncode == 0, ran.stderr
    return output


@pytest.fixture(scope="module")
def plain_ols(tmp_path_factory) -> Path:
    return plain_fit(tmp_path_factory.mktemp("ols"), FAST)


@pytest.fixture(scope="module")
def plain_ridge(tmp_path_factory) -> Path:
    return plain_fit(tmp_path_factory.mktemp("ridge"), RIDGE)


# -- 1, 2: a samples row the fit does not use sets nothing --------------------------------------------------


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_a_non_finite_row_the_fit_leaves_out_changes_nothing_and_is_named(tmp_path, run, plain_ols, value):
    samples, source = copies(tmp_path, samples=set_row("samples", 850, value))
    ran = run("response", samples, "--source", source, *FAST, "-o", tmp_path / "r.h5")
    assert ran.returncode == 0, ran.stderr
    assert_same_fit(tmp_path / "r.h5", plain_ols)
    (warning,) = warning_lines(ran.stderr)
    assert warning.startswith(f"camchar: warning: {samples}: NaN or infinite value(s) at nominal wavelength(s) 850 nm") and "left out" in warning
    with h5py.File(tmp_path / "r.h5") as f:
        assert any("850 nm" in text for text in f["camchar/warnings"].asstr()[...])


def test_a_huge_row_the_fit_leaves_out_does_not_scale_the_samples(tmp_path, run, plain_ridge):
    samples, source = copies(tmp_path, samples=set_row("samples", 850, 1e300))
    ran = run("response", samples, "--source", source, *RIDGE, "-o", tmp_path / "r.h5")
    assert ran.returncode == 0, ran.stderr
    assert_same_fit(tmp_path / "r.h5", plain_ridge)


@pytest.mark.slow
def test_a_huge_row_the_fit_leaves_out_changes_nothing_in_the_default_fit(tmp_path, run):
    plain = tmp_path / "plain.h5"
    assert run("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--bootstrap", "3", "--seed", "1", "-o", plain).returncode == 0
    samples, source = copies(tmp_path, samples=set_row("samples", 850, 1e300))
    ran = run("response", samples, "--source", source, "--bootstrap", "3", "--seed", "1", "-o", tmp_path / "r.h5")
    assert ran.returncode == 0, ran.stderr
    assert_same_fit(tmp_path / "r.h5", plain)


# -- 2: numbers too large or too small for the arithmetic are refused, naming the file ----------------------


@pytest.mark.parametrize(
    ("edit_source", "edit_samples", "blamed", "words"),
    [
        (scaled("irradiance", 1e-310), None, "source", "the largest integral of the irradiance over wavelength is 4.6e-302"),
        (scaled("irradiance", 1e-290), None, "source", "too small for the fit's arithmetic"),
        (scaled("irradiance", 1e290), None, "source", "too large for the fit's arithmetic"),
        (scaled("irradiance_std", 1e200), None, "source", "irradiance_std is up to"),
        (None, scaled("samples", 1e-200), "samples", "the largest fitted sample is 2.44e-194"),
        (None, scaled("samples_std", 1e150), "samples", "the samples' std is up to"),
    ],
)
def test_numbers_outside_what_the_arithmetic_can_fit_are_refused_naming_the_file(tmp_path, run, edit_source, edit_samples, blamed, words):
    samples, source = copies(tmp_path, samples=edit_samples, source=edit_source)
    (tmp_path / "r.h5").write_bytes(b"old")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the edits themselves underflow
        ran = run("response", samples, "--source", source, *FAST, "-o", tmp_path / "r.h5")
    assert ran.returncode == 2, ran.stderr
    line = error_line(ran.stderr)
    assert line.startswith(f"camchar: error: {samples if blamed == 'samples' else source}: ") and words in line, line
    assert "R²" not in ran.stderr and "peaks at" not in ran.stderr
    assert (tmp_path / "r.h5").read_bytes() == b"old"


@pytest.mark.parametrize("value", [0.0, 5.0])
def test_a_channel_the_same_at_every_fitted_wavelength_is_refused_not_given_an_r2(tmp_path, run, value):
    def constant_blue(f: h5py.File) -> None:
        values = f["samples"][...]
        values[:, 2] = value
        f["samples"][...] = values

    samples, source = copies(tmp_path, samples=constant_blue)
    ran = run("response", samples, "--source", source, *FAST, "-o", tmp_path / "r.h5")
    assert ran.returncode == 2, ran.stderr
    line = error_line(ran.stderr)
    assert line.startswith(f"camchar: error: {samples}: channel 3 of 3 has the same value ({value:g}) at every fitted nominal wavelength"), line
    assert "R²" not in ran.stderr and "peaks at" not in ran.stderr
    assert not (tmp_path / "r.h5").exists()


# -- 3: the source's scale from a spectrum the fit leaves out ------------------------------------------------


def test_a_spectrum_left_out_of_the_fit_that_sets_the_scale_is_named(tmp_path, run):
    samples, source = copies(tmp_path, source=a_bright_spectrum_at_900_nm)
    ran = run("response", samples, "--source", source, *FAST, "-o", tmp_path / "r.h5")
    assert ran.returncode == 0, ran.stderr
    (warning,) = warning_lines(ran.stderr)
    assert warning.startswith(f"camchar: warning: {source}: the source spectra are scaled by the spectrum at nominal wavelength 900 nm"), warning
    assert "10x the largest fitted one" in warning and "--source-scale fitted" in warning
    with h5py.File(tmp_path / "r.h5") as f:
        assert any("900 nm" in text for text in f["camchar/warnings"].asstr()[...])


def test_scaling_the_source_on_the_fitted_spectra_fits_as_without_the_left_out_one(tmp_path, run, plain_ridge):
    samples, source = copies(tmp_path, source=a_bright_spectrum_at_900_nm)
    ran = run("response", samples, "--source", source, *RIDGE, "--source-scale", "fitted", "-o", tmp_path / "fitted.h5")
    assert ran.returncode == 0 and not warning_lines(ran.stderr), ran.stderr
    assert_same_fit(tmp_path / "fitted.h5", plain_ridge)
    with h5py.File(tmp_path / "fitted.h5") as f:
        assert '"source_scale": "fitted"' in f["camchar"].attrs["options"]
    assert run("response", samples, "--source", source, *RIDGE, "-o", tmp_path / "all.h5").returncode == 0
    scaled_on_all, plain = response(tmp_path / "all.h5")[0], response(plain_ridge)[0]
    assert np.max(np.abs(scaled_on_all - plain)) > 0.01 * np.max(np.abs(plain))  # the default (the original's) differs


@pytest.mark.slow
def test_scaling_the_source_on_the_fitted_spectra_fits_as_without_the_left_out_one_in_the_default_fit(tmp_path, run):
    quick = ("--bootstrap", "2", "--seed", "1")
    samples, source = copies(tmp_path, source=a_bright_spectrum_at_900_nm)
    ran = run("response", samples, "--source", source, *quick, "--source-scale", "fitted", "-o", tmp_path / "fitted.h5")
    assert ran.returncode == 0 and not warning_lines(ran.stderr), ran.stderr
    without = run("response", REFERENCE_H5, "--source", MONOCHROMATOR, *quick, "-o", tmp_path / "without.h5")
    assert without.returncode == 0, without.stderr
    assert_same_fit(tmp_path / "fitted.h5", tmp_path / "without.h5")


@pytest.mark.slow
def test_the_default_still_scales_on_every_spectrum_as_the_original(tmp_path, run):
    quick = ("--bootstrap", "2", "--seed", "1")
    samples, source = copies(tmp_path, source=a_bright_spectrum_at_900_nm)
    assert run("response", samples, "--source", source, *quick, "-o", tmp_path / "all.h5").returncode == 0
    assert run("response", REFERENCE_H5, "--source", MONOCHROMATOR, *quick, "-o", tmp_path / "without.h5").returncode == 0
    changed, plain = response(tmp_path / "all.h5")[0], response(tmp_path / "without.h5")[0]
    assert np.max(np.abs(changed - plain)) > 0.01 * np.max(np.abs(plain))


def test_an_unknown_source_scale_is_refused_in_python():
    samples = CameraSamples(REFERENCE_H5)
    with pytest.raises(BadInput, match="source_scale must be 'all' or 'fitted', got 'some'"):
        fit_response(samples, load_spectra(MONOCHROMATOR), "ols", n_draws=0, source_scale="some")


# -- 4: complex numbers are refused, never cut to their real part -------------------------------------------


def test_complex_samples_in_a_file_are_refused_naming_it(tmp_path, run):
    samples, source = copies(tmp_path, samples=lambda f: replaced("samples", f["samples"][...] * (1 + 1j))(f))
    ran = run("response", samples, "--source", source, *FAST, "-o", tmp_path / "r.h5")
    assert ran.returncode == 2, ran.stderr
    line = error_line(ran.stderr)
    assert line.startswith(f"camchar: error: {samples}: ") and "complex" in line, line


@pytest.mark.parametrize("member", ["mean", "std", "nom_wl"])
def test_complex_samples_in_memory_are_refused(member):
    samples = CameraSamples(REFERENCE_H5)
    setattr(samples, member, getattr(samples, member) * (1 + 0j))
    with pytest.raises(BadInput, match=f"samples: {member} holds complex numbers"):
        fit_response(samples, load_spectra(MONOCHROMATOR), "ols", n_draws=0)


class LooseSpectra:
    """Spectra as a plugin might hand them over without camchar's class: whatever arrays it made."""

    def __init__(self, spectra: SourceSpectra, **changes):
        for name in ("wavelength", "nominal_wavelength", "irradiance", "irradiance_std", "units", "wavelength_units", "metadata"):
            setattr(self, name, changes.get(name, getattr(spectra, name)))


@pytest.mark.parametrize("member", ["irradiance", "irradiance_std", "wavelength"])
def test_check_spectra_refuses_complex_numbers(member):
    spectra = load_spectra(MONOCHROMATOR)
    loose = LooseSpectra(spectra, **{member: getattr(spectra, member) + 0j})
    with pytest.raises(BadInput, match=f"^mono.h5: {member} holds complex numbers"):
        check_spectra(loose, "mono.h5")


# -- every number a step writes is finite ------------------------------------------------------------------


def chosen_writer(name: str):
    from camchar.host.kinds import WRITERS
    from camchar.host.manager import build_host
    from camchar.pipeline.choice import configure

    return configure(build_host().components.get(WRITERS.key, name), {})


def small_samples() -> CameraSamples:
    samples = CameraSamples()
    samples.nom_wl = np.array([450, 500, 550])
    samples.wl_units, samples.units, samples.exp_time_units = "nm", "counts/s", "s"
    samples.mean = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    samples.std = 0.1 * samples.mean
    samples.exp_time = np.array([0.1, 0.1, 0.1])
    samples.n, samples.ND = 100, 0.0
    samples.camera, samples.lens, samples.settings, samples.label = "camera", "lens", "ISO 100", "small"
    samples.provenance = {"warnings": None}
    return samples


@pytest.mark.parametrize(("member", "row"), [("mean", 1), ("std", 2), ("exp_time", 0)])
def test_a_result_with_a_non_finite_number_is_not_written(tmp_path, member, row):
    from camchar.pipeline.output import write_result

    samples = small_samples()
    values = getattr(samples, member).copy()
    values[row] = np.nan
    setattr(samples, member, values)
    output = tmp_path / "out.h5"
    output.write_bytes(b"old")
    with pytest.raises(BadInput) as refused:
        write_result(samples, chosen_writer("camera-samples-h5"), output, made_from=tmp_path / "settings.yml")
    assert refused.value.path == tmp_path / "settings.yml"
    assert f"{member} would hold {np.size(values[row])} NaN or infinite value(s)" in refused.value.problem
    assert output.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]


def test_emva_figures_that_are_not_finite_are_warned_about_by_name_and_recorded(tmp_path):
    from camchar.pipeline.output import write_result

    samples = small_samples()
    samples.emva1288 = {"system_gain": (np.array([0.5, np.nan]), {"units": "DN/e-"}), "dsnu": (np.array([1.0, 2.0]), {"units": "DN"})}
    with pytest.warns(CamcharWarning, match=r"settings.yml: the EMVA 1288 system_gain is not finite \(nan\) in channel 2"):
        write_result(samples, chosen_writer("camera-samples-h5"), tmp_path / "out.h5", made_from=tmp_path / "settings.yml")
    written = CameraSamples(tmp_path / "out.h5")
    assert any("system_gain" in text for text in written.provenance["warnings"])
