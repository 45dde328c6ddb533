"""``camchar spectra`` refuses bad input in one line naming the file, exit 2, nothing written; repeats and estimates."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from conftest import run_in_process

from .conftest import reference_rows


def refused(run, *args, output=None):
    ran = run("spectra", *args)
    assert ran.returncode == 2, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]


def rewrite(path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


def test_a_folder_with_no_matching_file(run, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no spectrum here")
    line = refused(run, tmp_path / "empty", "-o", tmp_path / "out.h5")
    assert "empty: no file in it that a spectrometer reader reads" in line


def test_a_missing_folder(tmp_path):
    assert "folder of spectrometer files not found" in refused(run_in_process, tmp_path / "nowhere", "-o", tmp_path / "out.h5")


@pytest.mark.parametrize("step", ["0", "-1"])
def test_a_step_that_is_not_positive(three_files, tmp_path, step):
    assert f"--step must be a positive number of nm, got {float(step):g}" in refused(run_in_process, three_files, "-o", tmp_path / "out.h5", "--step", step)


def test_a_range_outside_the_measured_wavelengths_keeps_the_existing_output(run, three_files, tmp_path):
    output = tmp_path / "out.h5"
    output.write_bytes(b"precious")
    line = refused(run, three_files, "-o", output, "--range", "150", "850")
    assert "reaches beyond the measured wavelengths, 219.827 to 886.96 nm" in line and str(three_files) in line
    assert output.read_bytes() == b"precious"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.h5", "spectra"]


def test_a_file_that_does_not_parse_is_named_with_its_line(three_files, tmp_path):
    rewrite(three_files / "500 ND-3.txt", "180.077\t1150.54884375", "180.077\t11x50")
    line = refused(run_in_process, three_files, "-o", tmp_path / "out.h5")
    assert "500 ND-3.txt:19: '180.077 11x50' is not two numbers (wavelength, irradiance)" in line


def test_a_file_without_the_data_line(three_files, tmp_path):
    rewrite(three_files / "500 ND-3.txt", ">>>>>Begin Spectral Data<<<<<", "")
    assert "500 ND-3.txt: no '>>>>>Begin Spectral Data<<<<<' line: not an OceanView text export" in refused(run_in_process, three_files, "-o", tmp_path / "o.h5")


def test_nan_in_a_file_is_refused(three_files, tmp_path):
    rewrite(three_files / "500 ND-3.txt", "180.077\t1150.54884375", "180.077\tnan")
    assert "500 ND-3.txt: its values hold 1 NaN or infinite value(s), the first at pixel 4" in refused(run_in_process, three_files, "-o", tmp_path / "o.h5")


def test_mixed_spectrometers(three_files, tmp_path):
    rewrite(three_files / "800 ND-2.txt", "Spectrometer: USB4E02642", "Spectrometer: USB4E09999")
    line = refused(run_in_process, three_files, "-o", tmp_path / "o.h5")
    assert "800 ND-2.txt: is from spectrometer 'USB4E09999', but 300 ND-2.txt from 'USB4E02642'" in line


def test_mixed_pixel_grids(three_files, tmp_path):
    rewrite(three_files / "500 ND-3.txt", "179.217\t", "179.2\t")
    line = refused(run_in_process, three_files, "-o", tmp_path / "o.h5")
    assert "500 ND-3.txt: has another pixel grid than 300 ND-2.txt: pixel 0 is at 179.2 nm, and at 179.217 nm in 300 ND-2.txt" in line


def test_one_wavelength_through_two_filters(three_files, tmp_path):
    shutil.copy(three_files / "500 ND-3.txt", three_files / "500 ND-2.txt")
    line = refused(run_in_process, three_files, "-o", tmp_path / "o.h5")
    assert "500 ND-2.txt: 500 nm was also measured through another filter (500 ND-3.txt, ND-3)" in line


def test_an_output_inside_the_folder(three_files):
    assert "is inside the folder" in refused(run_in_process, three_files, "-o", three_files / "out.h5")


def test_a_writer_that_does_not_write_spectra(three_files, tmp_path):
    assert "writes samples, response, not the spectra" in refused(run_in_process, three_files, "-o", tmp_path / "o.csv", "--writer", "csv")


def test_an_unknown_reader_option(three_files, tmp_path):
    line = refused(run_in_process, three_files, "-o", tmp_path / "o.h5", "--option", "oceanview.dark_stp=100")
    assert "spectrometer reader 'oceanview' has no option 'dark_stp'; did you mean 'dark_stop'?" in line


def test_repeats_are_averaged_and_their_spread_is_the_noise(three_files, tmp_path):
    """Three copies of 500 nm, scaled by 0.99, 1 and 1.01 above the dark level: the mean is the original row."""
    source = three_files / "500 ND-3.txt"
    text = source.read_text()
    header, marker, data = text.partition(">>>>>Begin Spectral Data<<<<<\n")
    pixels = np.array(data.split(), dtype=float).reshape(-1, 2)
    dark = pixels[:190, 1].mean()
    for name, scale in (("500 ND-3 (2).txt", 0.99), ("500 ND-3 (3).txt", 1.01)):
        values = dark + (pixels[:, 1] - dark) * scale
        values[:190] = pixels[:190, 1]  # the same dark pixels
        rows = "\n".join(f"{float(w)!r}\t{float(v)!r}" for w, v in zip(pixels[:, 0], values))
        (three_files / name).write_text(header + marker + rows + "\n")
    output = tmp_path / "out.h5"
    ran = run_in_process("spectra", three_files, "-o", output, "--noise", "repeats")
    assert ran.returncode == 0, ran.stderr
    assert "5 file(s) read by oceanview, 3 nominal wavelength(s)" in ran.stderr and "noise estimate repeats (1 from repeats)" in ran.stderr
    assert "--noise repeats: 2 of 3 nominal wavelength(s) have fewer than 3 files; their noise is the corrected estimate" in ran.stderr
    expected = reference_rows([300.0, 500.0, 800.0])
    with h5py.File(output) as f:
        assert f["irradiance_std"].attrs["estimate"] == "repeats"
        row = f["irradiance"][1]
        assert np.abs(row - expected["irradiance"][1]).max() <= 1e-12 * row.max()
        # three spectra 0.99, 1, 1.01 times the row: their standard error is 0.01 / sqrt(3) of it
        assert np.allclose(f["irradiance_std"][1], 0.01 / np.sqrt(3) * np.abs(row), rtol=1e-9, atol=1e-9 * row.max())


def test_the_corrected_estimate_applies_the_filter_and_is_named(three_files, tmp_path):
    output = tmp_path / "out.h5"
    ran = run_in_process("spectra", three_files, "-o", output, "--noise", "corrected")
    assert ran.returncode == 0 and "noise estimate corrected" in ran.stderr
    expected = reference_rows([300.0, 500.0, 800.0])
    with h5py.File(output) as f:
        assert f["irradiance_std"].attrs["estimate"] == "corrected"
        assert np.array_equal(f["irradiance"][()], expected["irradiance"])
        factor = 10.0 ** -expected["raw/optical_density"]
        ratio = f["irradiance_std"][()] / expected["irradiance_std"]
        # the ND factor (100, 1000, 100) at least, and shot noise on top where there is light
        assert (ratio >= factor[:, None] * (1 - 1e-12)).all()
        peaks = expected["irradiance"].argmax(axis=1)
        assert (ratio[np.arange(3), peaks] > 2 * factor).all()
