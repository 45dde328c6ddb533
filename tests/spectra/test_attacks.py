"""Attacks on ``camchar spectra`` and on a folder as ``camchar response --source``: each a refusal in one line, exit 2.

Every test here once gave exit 0 with wrong numbers, an internal error (exit 1)
or a misleading message; each asserts the one line a user now gets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import REFERENCE_H5, run_in_process

FIT = ("--method", "ols", "--bootstrap", "2", "--seed", "7", "-q")


def error_line(ran) -> str:
    """The one ``camchar: error:`` line of a run that exited with status 2, without a traceback."""
    assert ran.returncode == 2, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]


def spectra(folder: Path, output: Path, *args: object):
    return run_in_process("spectra", folder, "-o", output, *args)


def refused(folder: Path, output: Path, *args: object) -> str:
    line = error_line(spectra(folder, output, *args))
    assert not output.exists()
    return line


# 6: a relative source folder


@pytest.mark.parametrize("written", [pytest.param(name, marks=pytest.mark.slow) for name in ("spectra", "./spectra", "spectra/")] + ["sim1/spectra"])
def test_a_relative_source_folder_is_read(three_files, tmp_path, monkeypatch, written):
    if written.startswith("sim1"):
        (tmp_path / "sim1").mkdir()
        three_files.rename(tmp_path / "sim1" / "spectra")
    monkeypatch.chdir(tmp_path)
    ran = run_in_process("response", REFERENCE_H5, "--source", written, "-o", "rf.h5", *FIT)
    assert ran.returncode == 0, ran.stderr
    with h5py.File(tmp_path / "rf.h5") as f:
        assert f["camchar"].attrs["spectra_reader"] == "spectrometer-folder"


def set_pixel(path: Path, pixel: int, value: str, wavelength: str | None = None) -> None:
    """Write ``value`` (and ``wavelength``, if given) into pixel ``pixel`` of an OceanView file."""
    header, marker, data = path.read_text().partition(">>>>>Begin Spectral Data<<<<<\n")
    rows = data.splitlines()
    old_wavelength, _ = rows[pixel].split("\t")
    rows[pixel] = f"{wavelength or old_wavelength}\t{value}"
    path.write_text(header + marker + "\n".join(rows) + "\n")


# 1: numbers the arithmetic cannot represent


def test_a_spectrum_that_overflows_is_refused_not_written(three_files, tmp_path):
    set_pixel(three_files / "300 ND-2.txt", 1000, "1e307")  # finite as read; times 10**2 it is not
    line = refused(three_files, tmp_path / "o.h5")
    assert f"{three_files}: the result's irradiance would hold" in line and "NaN or infinite value(s)" in line


@pytest.mark.slow
def test_a_spectrum_that_overflows_is_refused_as_a_source(three_files, tmp_path):
    set_pixel(three_files / "300 ND-2.txt", 1000, "1e307")
    line = error_line(run_in_process("response", REFERENCE_H5, "--source", three_files, "-o", tmp_path / "rf.h5", *FIT))
    assert f"{three_files}: the result's irradiance would hold" in line
    assert not (tmp_path / "rf.h5").exists()


# 2: wavelengths and filters from the names, within the plausibility bounds


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("0 ND-3.txt", "0 ND-3.txt: its name gives the nominal wavelength 0 nm, outside the possible range 1 to 1e+06 nm"),
        pytest.param("5000000 ND-3.txt", "5000000 ND-3.txt: its name gives the nominal wavelength 5e+06 nm, outside the possible range 1 to 1e+06 nm", marks=pytest.mark.slow),
        pytest.param("600 ND-25.txt", "600 ND-25.txt: its name gives the filter ND 25, outside the possible range 0 to 20", marks=pytest.mark.slow),
    ],
)
def test_an_impossible_name_is_refused(three_files, tmp_path, name, problem):
    shutil.copy(three_files / "500 ND-3.txt", three_files / name)
    assert problem in refused(three_files, tmp_path / "o.h5")


@pytest.mark.slow
def test_a_positive_density_from_a_pattern_is_refused(three_files, tmp_path):
    shutil.copy(three_files / "500 ND-3.txt", three_files / "600 ND3.txt")
    line = refused(three_files, tmp_path / "o.h5", "--option", r"oceanview.pattern=([\d.]+) ND(-?[\d.]+)\.txt")
    assert "600 ND3.txt: its name gives the optical density 3, and a filter's is written negative (ND-3)" in line


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("50 ND-3.txt", "50 ND-3.txt: its name gives the nominal wavelength 50 nm, outside the usual 100 to 3000 nm; check it"),
        ("600 ND-12.txt", "600 ND-12.txt: its name gives the filter ND 12, outside the usual 0 to 10; check it"),
    ],
)
def test_an_unusual_name_is_warned_about_by_name(three_files, tmp_path, name, warning):
    shutil.copy(three_files / "500 ND-3.txt", three_files / name)
    ran = spectra(three_files, tmp_path / "o.h5")
    assert ran.returncode == 0 and f"camchar: warning: {three_files / name}" in ran.stderr and warning in ran.stderr, ran.stderr
    with h5py.File(tmp_path / "o.h5") as f:
        assert any(warning in text for text in __import__("json").loads(f["camchar"].attrs["warnings"]))


@pytest.mark.slow
def test_a_hidden_file_is_not_a_measurement(three_files, tmp_path):
    shutil.copy(three_files / "500 ND-3.txt", three_files / ".500 ND-3.txt")  # would read as 0.5 nm
    shutil.copy(three_files / "500 ND-3.txt", three_files / "._800 ND-2.txt")  # a macOS resource fork
    ran = spectra(three_files, tmp_path / "o.h5")
    assert ran.returncode == 0 and "3 file(s) read" in ran.stderr, ran.stderr
    with h5py.File(tmp_path / "o.h5") as f:
        assert f["nominal_wavelength"][()].tolist() == [300.0, 500.0, 800.0]


# 3: entries that are not regular files; two names for one measurement


def make_special(folder: Path, kind: str) -> Path:
    entry = folder / "505 ND-3.txt"
    if kind == "pipe":
        __import__("os").mkfifo(entry)
    elif kind == "loop":
        entry.symlink_to(entry.name)
    elif kind == "device":
        entry.symlink_to("/dev/zero")
    else:
        entry.mkdir()
    return entry


@pytest.mark.parametrize("kind", ["pipe", *(pytest.param(kind, marks=pytest.mark.slow) for kind in ("loop", "device", "folder"))])
def test_a_matching_entry_that_is_no_regular_file_is_refused_unopened(three_files, tmp_path, kind):
    entry = make_special(three_files, kind)
    line = refused(three_files, tmp_path / "o.h5")
    expected = "is a symbolic link that leads to no file (broken, or a loop)" if kind == "loop" else "is not a regular file (a folder, pipe or device)"
    assert f"{entry}: {expected}" in line


@pytest.mark.slow
def test_a_link_to_a_spectrometer_file_is_read(three_files, tmp_path):
    (three_files / "500 ND-3.txt").rename(tmp_path / "elsewhere.txt")
    (three_files / "500 ND-3.txt").symlink_to(tmp_path / "elsewhere.txt")
    ran = spectra(three_files, tmp_path / "o.h5")
    assert ran.returncode == 0 and "3 file(s) read" in ran.stderr, ran.stderr


def test_two_names_of_one_measurement_are_refused_naming_both(three_files, tmp_path):
    shutil.copy(three_files / "500 ND-3.txt", three_files / "500.0 ND-3.txt")
    line = refused(three_files, tmp_path / "o.h5")
    assert "500.0 ND-3.txt: names the same measurement as 500 ND-3.txt (500 nm, ND-3)" in line
    assert "only a copy named with ' (N)' before the suffix is a repeat" in line and "500 ND-3 (2).txt" in line


# 4: nothing the MonochromatorSpectra reader would refuse is written


def test_more_bins_than_the_reader_reads_are_refused_up_front(three_files, tmp_path):
    line = refused(three_files, tmp_path / "big.h5", "--step", "0.005")
    assert "--range 250 850 in steps of 0.005 nm makes 120,001 bins; camchar reads at most 100,000 in a spectrum (docs/file-format.md#limits): give a larger --step" in line


def test_more_values_than_the_reader_reads_are_refused(tmp_path):
    from camchar.core.errors import BadInput
    from camchar.spectra.folder import check_sizes

    check_sizes(tmp_path, nominal=100, bins=100_000, pixels=3648)
    with pytest.raises(BadInput, match=r"101 nominal wavelengths x 100,000 bins make 10,100,000 values; camchar reads at most 10,000,000 in one dataset"):
        check_sizes(tmp_path, nominal=101, bins=100_000, pixels=3648)
    with pytest.raises(BadInput, match=r"2,742 nominal wavelengths x 3,648 pixels make 10,002,816 raw values"):
        check_sizes(tmp_path, nominal=2742, bins=601, pixels=3648)
    with pytest.raises(BadInput, match=r"the files hold 100,001 pixels; camchar reads at most 100,000"):
        check_sizes(tmp_path, nominal=1, bins=601, pixels=100_001)


@pytest.mark.slow
def test_a_folder_source_with_too_many_bins_is_refused(three_files, tmp_path):
    line = error_line(run_in_process("response", REFERENCE_H5, "--source", three_files, "-o", tmp_path / "rf.h5", "--option", "spectrometer-folder.step=0.001", *FIT))
    assert "--option spectrometer-folder.start, .stop and .step: 250 to 850 nm in steps of 0.001 nm makes 600,001 bins; camchar reads at most 100,000" in line


# 5: numbers read strictly; a dark variance from at least 2 pixels


def csv_folder(folder: Path) -> Path:
    """Three CSV spectra (300, 500, 700 nm through ND-2) on 400 pixels from 200 to 900 nm."""
    folder.mkdir()
    wavelength = np.linspace(200, 900, 400)
    rng = np.random.default_rng(5)
    for nominal in (300, 500, 700):
        values = 100 * np.exp(-0.5 * ((wavelength - nominal) / 10) ** 2) + rng.normal(0, 1, wavelength.size)
        rows = "".join(f"{float(w)!r},{float(v)!r}\n" for w, v in zip(wavelength, values))
        (folder / f"{nominal} ND-2.csv").write_text("wavelength,irradiance\n" + rows)
    return folder


@pytest.mark.slow
def test_a_csv_spectrum_value_python_would_bend_is_refused(tmp_path):
    folder = csv_folder(tmp_path / "csv")
    path = folder / "500 ND-2.csv"
    lines = path.read_text().splitlines()
    lines[5] = lines[5].split(",")[0] + ",1_0"
    path.write_text("\n".join(lines) + "\n")
    assert f"{path}:6: " in refused(folder, tmp_path / "o.h5", "--option", "csv-spectrum.dark_stop=10")


def test_one_dark_pixel_is_refused(tmp_path):
    folder = csv_folder(tmp_path / "csv")
    line = refused(folder, tmp_path / "o.h5", "--option", "csv-spectrum.dark_start=5", "--option", "csv-spectrum.dark_stop=6")
    assert "--option csv-spectrum.dark_stop=6: options dark_start 5 and dark_stop 6 of spectrometer reader 'csv-spectrum' give 1 dark pixel" in line
    assert "a variance needs at least 2" in line


@pytest.mark.parametrize(("start", "stop"), [("6", "5"), pytest.param("5", "5", marks=pytest.mark.slow), pytest.param("5", "0", marks=pytest.mark.slow)])
def test_dark_pixels_that_end_before_they_start_are_an_option_error(tmp_path, start, stop):
    folder = csv_folder(tmp_path / "csv")
    line = refused(folder, tmp_path / "o.h5", "--option", f"csv-spectrum.dark_start={start}", "--option", f"csv-spectrum.dark_stop={stop}")
    assert f"options dark_start {start} and dark_stop {stop} of spectrometer reader 'csv-spectrum' give no dark pixels" in line
    assert "dark_stop must be above dark_start (or both 0: no dark pixels)" in line


@pytest.mark.slow
def test_dark_pixels_in_a_settings_file_are_named_at_their_line(tmp_path):
    from camchar.core.errors import BadInput
    from camchar.host.manager import build_host
    from camchar.host.options import OptionValue
    from camchar.spectra.choice import choose_spectrometer_reader

    folder = csv_folder(tmp_path / "csv")
    given = {"csv-spectrum": {"dark_start": OptionValue(5, "settings.yml", 7), "dark_stop": OptionValue(6, "settings.yml", 8)}}
    with pytest.raises(BadInput) as raised:
        choose_spectrometer_reader(build_host().components, folder, None, given)
    assert (str(raised.value.path), raised.value.line) == ("settings.yml", 8)


# 7: the file-name pattern, checked as an option


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(", "is not a regular expression (missing ), unterminated subpattern at position 0)"),
        (r"(\d)(\d)(\d)", "has 3 groups; it needs one or two, (the nominal wavelength) and (the optical density)"),
        pytest.param(r"[\d.]+ ND-[\d.]+\.txt", "has no groups; it needs one or two", marks=pytest.mark.slow),
        pytest.param(r"(?P<density>-[\d.]+)", "has a group named density but none named wavelength", marks=pytest.mark.slow),
    ],
)
def test_a_pattern_the_reader_cannot_use_is_an_option_error(three_files, tmp_path, pattern, problem):
    line = refused(three_files, tmp_path / "o.h5", "--option", f"oceanview.pattern={pattern}")
    assert f"--option oceanview.pattern={pattern}: option 'pattern' of spectrometer reader 'oceanview' {problem}" in line


@pytest.mark.slow
def test_named_groups_take_any_order(three_files, tmp_path):
    for path in list(three_files.iterdir()):
        wavelength, density = path.stem.split(" ND")
        path.rename(three_files / f"ND{density}_{wavelength}nm.txt")
    ran = spectra(three_files, tmp_path / "o.h5", "--reader", "oceanview", "--option", r"oceanview.pattern=ND(?P<density>-[\d.]+)_(?P<wavelength>[\d.]+)nm\.txt")
    assert ran.returncode == 0, ran.stderr
    with h5py.File(tmp_path / "o.h5") as f:
        assert f["nominal_wavelength"][()].tolist() == [300.0, 500.0, 800.0]
        assert f["raw/optical_density"][()].tolist() == [-2.0, -3.0, -2.0]


# 9: a settings file's output over the spectra camchar wrote


def test_an_output_named_by_settings_over_camchars_spectra_says_what_they_are(three_files, tmp_path):
    from camchar.core.errors import BadInput
    from camchar.pipeline.ownership import refuse_a_foreign_file

    assert spectra(three_files, tmp_path / "mono.h5", "-q").returncode == 0
    with pytest.raises(BadInput) as raised:
        refuse_a_foreign_file(tmp_path / "mono.h5", "samples")
    assert "exists and is camchar's source spectra output, not samples; an output named by the settings replaces only" in raised.value.problem


# 10: pixel-grid messages that say what differs


def test_a_nudged_pixel_is_named_with_both_wavelengths(three_files, tmp_path):
    set_pixel(three_files / "500 ND-3.txt", 1000, "1150.5", wavelength="389.672")
    line = refused(three_files, tmp_path / "o.h5")
    expected = "500 ND-3.txt: has another pixel grid than 300 ND-2.txt: pixel 1000 is at 389.672 nm, and at 389.671 nm in 300 ND-2.txt"
    assert expected in line, line


def test_a_truncated_file_is_called_truncated(three_files, tmp_path):
    path = three_files / "500 ND-3.txt"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:1399]) + "\n")
    line = refused(three_files, tmp_path / "o.h5")
    assert f"{path}: has 1385 pixel rows, and its header says 3648 (Number of Pixels in Spectrum): truncated?" in line


# 11: noise advice that names the wavelengths, and the flags of the command that ran


@pytest.mark.slow
def test_repeats_without_dark_pixels_name_the_wavelengths_short_of_repeats(tmp_path):
    folder = csv_folder(tmp_path / "csv")
    for nominal, copies in ((300, 3), (500, 2), (700, 3)):
        for copy in range(2, copies + 1):
            shutil.copy(folder / f"{nominal} ND-2.csv", folder / f"{nominal} ND-2 ({copy}).csv")
    line = refused(folder, tmp_path / "o.h5", "--noise", "repeats")
    assert "the files have no dark pixels, and 500 nm (2 files) has fewer than 3 files" in line
    assert "--noise repeats" not in line.split("500 nm")[1]


def test_the_repeats_warning_names_the_wavelengths(three_files, tmp_path):
    ran = spectra(three_files, tmp_path / "o.h5", "--noise", "repeats")
    assert ran.returncode == 0
    assert "their noise is the corrected estimate: 300 nm (1 file), 500 nm (1 file), 800 nm (1 file)" in ran.stderr, ran.stderr


@pytest.mark.slow
def test_a_folder_source_advises_the_folder_readers_options(tmp_path):
    folder = csv_folder(tmp_path / "csv")
    line = error_line(run_in_process("response", REFERENCE_H5, "--source", folder, "-o", tmp_path / "rf.h5", *FIT))
    assert "measure each wavelength 3 times and use --option spectrometer-folder.noise=repeats" in line
    beyond = error_line(
        run_in_process("response", REFERENCE_H5, "--source", folder, "-o", tmp_path / "rf.h5", "--option", "spectrometer-folder.start=100", "--option", "csv-spectrum.dark_stop=10", *FIT)
    )
    assert "choose a range inside them (--option spectrometer-folder.start and .stop)" in beyond


# 12: smaller ones


def test_an_output_that_is_the_folder_suggests_a_name_beside_it(three_files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = error_line(run_in_process("spectra", "spectra", "-o", "spectra"))
    assert "'spectra' is a folder; give a file name such as spectra.h5" in line


@pytest.mark.slow
def test_a_source_folder_named_dot_is_shown_by_its_name(three_files, tmp_path, monkeypatch):
    monkeypatch.chdir(three_files)
    ran = run_in_process("response", REFERENCE_H5, "--source", ".", "-o", tmp_path / "rf.h5", "--method", "ols", "--bootstrap", "2", "--seed", "7")
    assert ran.returncode == 0, ran.stderr
    assert f"{REFERENCE_H5.name} + spectra -> " in ran.stderr, ran.stderr


@pytest.mark.slow
def test_a_spectrometer_value_that_is_not_finite_is_worded_once(three_files, tmp_path):
    set_pixel(three_files / "500 ND-3.txt", 1000, "nan")
    assert "500 ND-3.txt: its values hold 1 NaN or infinite value(s), the first at pixel 1000" in refused(three_files, tmp_path / "o.h5")
