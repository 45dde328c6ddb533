"""A simulated sweep carries its light: the source spectra it was photographed under, and the camera's true sensitivity.

The checks compare what the files say with what the frames themselves show
and with the documented model, never the simulator's arithmetic with itself.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
import tifffile

from camchar.response.run import load_spectra
from camchar.settings import read_settings
from camchar.simulation.sweep import read_truth
from conftest import DATA, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
#: The documented model (docs/simulation.md): the lamp's peak output, µW/cm², and the built-in channels.
PEAK_OUTPUT = 4.6e8
CHANNELS = ((600.0, 45.0), (530.0, 40.0), (460.0, 35.0))
SMALL = ("--size", "16x12", "--quiet")


def simulate(folder: Path, *args: str) -> Path:
    result = run_in_process("simulate", folder, *SMALL, *args)
    assert result.returncode == 0, result.stderr
    return folder


def frame_signal(folder: Path, wavelengths: tuple[float, ...] | None = None) -> dict[tuple[float, float], np.ndarray]:
    """Each image's (at ``wavelengths``, or all) ROI mean minus the dark frames' at its exposure, per second: what the camera measured."""
    settings = read_settings(folder / "settings.yml")
    rows, columns = settings.roi.slices
    truth = read_truth(folder / "truth.h5")

    def roi_mean(number: int) -> np.ndarray:
        return tifffile.imread(settings.image_file(number))[rows, columns].reshape(-1, 3).astype(float).mean(axis=0)

    dark = {exposure: np.mean([roi_mean(n) for n in numbers], axis=0) for exposure, numbers in settings.dark.items()}
    return {
        (float(wavelength), t): (roi_mean(int(number)) - dark[t]) / t
        for number, wavelength, t in zip(truth["image_number"], truth["nominal_wavelength"], truth["exposure_time"])
        if wavelengths is None or wavelength in wavelengths
    }


def half_maximum_width(wavelength: np.ndarray, spectrum: np.ndarray) -> float:
    """Full width at half maximum, the edges interpolated linearly."""
    half = spectrum.max() / 2
    above = np.flatnonzero(spectrum >= half)
    first, last = above[0], above[-1]
    rise = np.interp(half, spectrum[first - 1 : first + 1], wavelength[first - 1 : first + 1])
    fall = np.interp(half, spectrum[last : last + 2][::-1], wavelength[last : last + 2][::-1])
    return float(fall - rise)


def test_the_sweep_names_its_spectra_and_they_explain_the_frames(tmp_path):
    """settings.yml names spectra.h5; the frames' signal is the integral of the true sensitivity times each spectrum."""
    folder = simulate(tmp_path / "s", "--wavelengths", "450,530,610", "--exposures", "1/80", "--dark-frames", "2")
    assert read_settings(folder / "settings.yml").source_spectra == "spectra.h5"
    spectra = load_spectra(folder / "spectra.h5")  # what camchar response reads
    truth = read_truth(folder / "truth.h5")
    assert spectra.nominal_wavelength.tolist() == [450, 530, 610]
    assert np.array_equal(truth["wavelength"], spectra.wavelength)
    predicted = spectra.irradiance @ truth["sensitivity"]  # 1 nm bins: the response's own model, y = X w
    measured = frame_signal(folder)
    for row, wavelength in enumerate(spectra.nominal_wavelength):  # within shot and read noise of 80 pixels
        np.testing.assert_allclose(measured[(wavelength, 1 / 80)], predicted[row], rtol=0.01, atol=0.003 * predicted[row].max())


def test_the_true_sensitivity_is_the_documented_camera_in_the_response_units(tmp_path):
    folder = simulate(tmp_path / "s", "--wavelengths", "500", "--gain-spread", "0")
    with h5py.File(folder / "truth.h5", "r") as f, h5py.File(DATA / "response-ridge-smooth-s1.h5", "r") as response:
        sensitivity = f["sensitivity"]
        assert sensitivity.attrs["units"] == response["response_mean"].attrs["units"] == "(counts/s)/(uW/cm2/nm)"
        assert sensitivity.dims[0].label == "wavelength" and sensitivity.dims[0][0].name == "/wavelength"
        wavelength, values = f["wavelength"][()], sensitivity[()]
    assert wavelength[0] == 250 and wavelength[-1] == 850 and np.all(np.diff(wavelength) == 1)
    relative = np.stack([np.exp(-0.5 * ((wavelength - peak) / width) ** 2) + 0.01 for peak, width in CHANNELS], axis=-1)
    conversion_gain, peak_rate = 0.5, 4e6
    np.testing.assert_allclose(values, conversion_gain * peak_rate * relative / PEAK_OUTPUT, rtol=1e-12)


@pytest.mark.parametrize("bandwidth", [None, "4", "25"])
def test_bandwidth_is_the_full_width_at_half_maximum_of_each_spectrum(tmp_path, bandwidth):
    args = ("--bandwidth", bandwidth) if bandwidth else ()
    folder = simulate(tmp_path / "s", "--wavelengths", "450,600", "--exposures", "1/80", *args)
    spectra = load_spectra(folder / "spectra.h5")
    for spectrum in spectra.irradiance:
        assert half_maximum_width(spectra.wavelength, spectrum) == pytest.approx(float(bandwidth or 10), abs=0.15)
    relative_std = spectra.irradiance_std / np.maximum(spectra.irradiance, 1e-9 * spectra.irradiance.max())
    peak = spectra.irradiance.argmax(axis=1)
    assert relative_std[[0, 1], peak] == pytest.approx(0.002, rel=0.01), "the stated noise at a peak: 0.2%"


def test_a_camera_from_a_colour_science_csv(tmp_path):
    """Triangular channels in a CRLF CSV (as Python's csv module writes): the truth is that shape, scaled to the peak rate."""
    table = tmp_path / "camera.csv"
    wavelengths = np.arange(380.0, 781.0, 10.0)
    curves = np.stack([np.clip(1 - np.abs(wavelengths - peak) / 80, 0, None) * height for peak, height in ((610, 0.5), (540, 1.0), (450, 0.8))], axis=1)
    lines = ["wavelength,R,G,B"] + [",".join(repr(float(v)) for v in (w, *row)) for w, row in zip(wavelengths, curves)]
    table.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    folder = simulate(tmp_path / "s", "--sensitivities", str(table), "--wavelengths", "400,550,700", "--exposures", "1/80")
    truth = read_truth(folder / "truth.h5")
    expected = np.stack([np.interp(truth["wavelength"], wavelengths, curves[:, c], left=0, right=0) for c in range(3)], axis=1)
    scale = 0.5 * 4e6 / PEAK_OUTPUT  # conversion gain x peak rate per lamp peak, at the table's largest value (1.0)
    np.testing.assert_allclose(truth["sensitivity"], expected * scale, rtol=0.01, atol=1e-9 * scale)
    with h5py.File(folder / "truth.h5", "r") as f:
        assert f.attrs["sensitivities"] == str(table)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("wavelength,R,G\n400,1,1\n500,1,1\n", 1, "the columns must be wavelength, R, G, B (as colour-science writes them), got wavelength, R, G"),
        ("wavelength,R,G,B\n400,1,1,1\n500,1,x,1\n", 3, "500, 1, x, 1 are not all numbers"),
        ("wavelength,R,G,B\n400,1,1,1\n500,1,1\n", 3, "has 3 values, expected 4 (wavelength, R, G, B)"),
        ("wavelength,R,G,B\n400,1,1,1\n500,1,nan,1\n", 3, "holds a value that is not finite (nan or inf)"),
        ("wavelength,R,G,B\n500,1,1,1\n400,1,1,1\n", 3, "wavelength 400 does not follow 500: the wavelengths must increase"),
        ("wavelength,R,G,B\n400,1,1,1\n500,1,-0.2,1\n", 3, "sensitivity -0.2 of channel G is negative; a camera's cannot be"),
        ("wavelength,R,G,B\n400,0,0,0\n500,0,0,0\n", None, "every sensitivity is 0: that camera sees nothing"),
        ("wavelength,R,G,B\n400,1,1,1\n", None, "holds 1 row(s) of sensitivities; give at least two wavelengths"),
        (
            "wavelength,R,G,B\n300,1,1,1\n500,1,1,1\n",
            None,
            "gives sensitivities from 300 to 500 nm, and the sweep reaches 400 to 700 nm; the camera would be blind there",
        ),
    ],
)
def test_a_bad_sensitivities_file_is_one_line_naming_it(run, tmp_path, text, line, problem):
    table = tmp_path / "camera.csv"
    table.write_text(text)
    result = run("simulate", tmp_path / "s", *SMALL, "--sensitivities", table, "--wavelengths", "400,700")
    where = f"{table}:{line}" if line else str(table)
    assert result.returncode == 2
    assert result.stderr.startswith(f"camchar: error: {where}: {problem}") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "s").exists(), "nothing written"


def test_a_labs_spectra_are_the_light_and_give_the_wavelengths(tmp_path):
    """--source-spectra: the sweep's wavelengths are the file's, the frames follow its spectra, and it is written back."""
    source = shutil.copy(MONOCHROMATOR, tmp_path / "lab.h5")
    folder = simulate(tmp_path / "s", "--source-spectra", source, "--size", "8x8", "--exposures", "1/80", "--dark-frames", "1", "--gain-spread", "0")
    lab = load_spectra(source)
    settings = read_settings(folder / "settings.yml")
    assert list(settings.images) == lab.nominal_wavelength.astype(int).tolist()
    written = load_spectra(folder / "spectra.h5")
    assert np.array_equal(written.irradiance, lab.irradiance) and np.array_equal(written.irradiance_std, lab.irradiance_std)
    truth = read_truth(folder / "truth.h5")
    measured = frame_signal(folder, (500.0, 600.0))
    for row in (40, 60):  # 500 and 600 nm: well exposed at 1/80 s
        wavelength = float(lab.nominal_wavelength[row])
        np.testing.assert_allclose(measured[(wavelength, 1 / 80)], lab.irradiance[row] @ truth["sensitivity"], rtol=0.03)
    brightest = (lab.irradiance.sum(axis=1)).max()
    assert truth["sensitivity"].max() == pytest.approx(0.5 * 4e6 * 1.01 / brightest, rel=1e-12), "peak rate under the file's brightest spectrum"


@pytest.mark.parametrize(
    ("args", "where", "problem"),
    [
        (("--wavelengths", "402,500"), "lab.h5", "has no spectrum at 402 nm of --wavelengths; give wavelengths the file measured"),
        (("--bandwidth", "5"), None, "--bandwidth shapes the simulated monochromator, and --source-spectra replaces it"),
        (("--spectra-format", "oceanview"), None, "--source-spectra is written back as the MonochromatorSpectra file spectra.h5"),
    ],
)
def test_a_labs_spectra_refused_in_one_line(run, tmp_path, args, where, problem):
    source = shutil.copy(MONOCHROMATOR, tmp_path / "lab.h5")
    result = run("simulate", tmp_path / "s", *SMALL, "--source-spectra", source, *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    prefix = f"camchar: error: {tmp_path / where}: " if where else "camchar: error: "
    assert result.stderr.startswith(prefix + problem), result.stderr
    assert not (tmp_path / "s").exists()


def test_samples_given_as_source_spectra_are_named(run, tmp_path):
    samples = shutil.copy(DATA / "nikon-d810-uv-60mm-macro.h5", tmp_path / "samples.h5")
    result = run("simulate", tmp_path / "s", *SMALL, "--source-spectra", samples)
    assert result.returncode == 2 and result.stderr.startswith(f"camchar: error: {samples}: this is a CameraSamples file"), result.stderr


def read_oceanview(path: Path) -> tuple[dict[str, str], np.ndarray]:
    """The header and the two columns of an OceanView file, read as the guide describes (independently of camchar)."""
    header: dict[str, str] = {}
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(">>>>>Begin Spectral Data<<<<<"))
    for line in lines[:start]:
        if ":" in line:
            key, value = line.split(":", 1)
            header[key] = value.lstrip()
    return header, np.array([[float(v) for v in line.split()] for line in lines[start + 1 :]])


def rebin(centres: np.ndarray, values: np.ndarray, new_centres: np.ndarray) -> np.ndarray:
    """The guide's rebinning: values as densities over bins with edges midway between centres."""

    def edges(c: np.ndarray) -> np.ndarray:
        middle = (c[1:] + c[:-1]) / 2
        return np.concatenate([[c[0] - (c[1] - c[0]) / 2], middle, [c[-1] + (c[-1] - c[-2]) / 2]])

    old, new = edges(centres), edges(new_centres)
    integral = np.concatenate([[0.0], np.cumsum(values * np.diff(old))])
    return np.diff(np.interp(new, old, integral)) / np.diff(new)


def test_oceanview_files_measure_the_light_the_camera_saw(tmp_path):
    """The files parse as the guide says; dark-corrected, ND undone and rebinned, they explain the truth's signal."""
    folder = simulate(tmp_path / "s", "--spectra-format", "oceanview", "--wavelengths", "420,560,690", "--exposures", "1/80")
    assert read_settings(folder / "settings.yml").source_spectra == "spectra"
    names = sorted(path.name for path in (folder / "spectra").iterdir())
    assert len(names) == 3 and all(re.match(r"([\d\.]+) ND(-[\d\.]+).txt", name) for name in names)
    truth = read_truth(folder / "truth.h5")
    grid = np.linspace(250, 850, 601)
    for name in names:
        header, columns = read_oceanview(folder / "spectra" / name)
        assert header["Number of Pixels in Spectrum"] == "3648" and header["Scans to average"] == "10"
        wavelength, values = columns.T
        assert len(values) == 3648 and 178 < wavelength[0] < 180 and 886 < wavelength[-1] < 888
        assert values.max() < 65535 * 0.8 and values.min() > 0, "the neutral-density filter keeps the values in range"
        nominal, density = (float(part) for part in re.match(r"([\d\.]+) ND(-[\d\.]+).txt", name).groups())
        irradiance = (values[190:] - values[:190].mean()) / 10**density
        spectrum = rebin(wavelength[190:], irradiance, grid)
        assert half_maximum_width(grid, spectrum) == pytest.approx(10, abs=0.2)
        row = int(np.flatnonzero(truth["nominal_wavelength"] == nominal)[0])
        # the dark level is estimated from 190 pixels of noise 12: an offset over the whole spectrum, up to 3 of its standard errors
        dark_error = 3 * 12 / math.sqrt(190) * 10**-density * truth["sensitivity"].sum(axis=0)
        difference = np.abs(spectrum @ truth["sensitivity"] - truth["signal_rate"][row])
        assert np.all(difference <= 2e-3 * truth["signal_rate"][row] + dark_error), (name, difference, dark_error)


def test_stats_then_response_run_on_the_folder_as_written(tmp_path):
    """No -o, no --source: the defaults find each other and never collide with what simulate wrote."""
    folder = simulate(tmp_path / "s", "--wavelengths", "440:660:20", "--exposures", "1/80", "--dark-frames", "1")
    written = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    assert run_in_process("stats", folder / "settings.yml", "--quiet").returncode == 0
    response = run_in_process("response", folder / "settings.yml", "--method", "ols", "--bootstrap", "0", "--quiet")
    assert response.returncode == 0, response.stderr
    assert sorted(path.name for path in folder.iterdir()) == sorted([*written, "images.h5", "settings response.h5"])
    assert all(folder.joinpath(name).stat().st_mtime_ns == mtime for name, mtime in written.items())
    with h5py.File(folder / "settings response.h5", "r") as f:
        assert f["response_mean"].shape == read_truth(folder / "truth.h5")["sensitivity"].shape


def test_oceanview_files_refuse_spectra_beyond_the_spectrometer_steps_range(run, tmp_path):
    """A spectrum the spectrometer step (250 to 850 nm) would cut would make the response disagree with the truth."""
    result = run("simulate", tmp_path / "s", *SMALL, "--spectra-format", "oceanview", "--wavelengths", "240,700")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(
        "camchar: error: camchar simulate: OceanView files hold 250 to 850 nm as the spectrometer step reads them, and spectra 240 to 700 nm"
    )
    assert not (tmp_path / "s").exists()
