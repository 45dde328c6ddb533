"""The spectrometer readers: names, CSV, and a reader that breaks its contract is blamed (exit 1)."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from camchar.api import ORIGINAL_PATTERN, BadInput, SpectrometerFile, SpectrometerReader, hookimpl, match_name
from camchar.core.spectrometer import NameMatch
from camchar.testing import build_host
from conftest import run_in_process


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("500 ND-2.5.txt", NameMatch(500.0, -2.5, 1)),
        ("500 ND-2 (2).txt", NameMatch(500.0, -2.0, 2)),
        ("500 ND-2 (12).txt", NameMatch(500.0, -2.0, 12)),
        ("notes.txt", None),
        ("ND-2 500.txt", None),
    ],
)
def test_the_original_pattern_and_repeats(name, expected):
    assert match_name(ORIGINAL_PATTERN, name) == expected


def test_a_name_that_matches_with_numbers_that_are_not():
    with pytest.raises(ValueError, match="'1.2.3' and '-2' are not both numbers"):
        match_name(ORIGINAL_PATTERN, "1.2.3 ND-2.txt")


def write_csv(folder, name, wavelength, values, header="wavelength,irradiance\n"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(header + "".join(f"{float(w)!r},{float(v)!r}\n" for w, v in zip(wavelength, values)))


def test_csv_spectra_need_dark_pixels_or_repeats(tmp_path):
    wavelength = np.linspace(200.0, 900.0, 701)
    for nominal in (400, 500, 600):
        write_csv(tmp_path / "csv", f"{nominal}.csv", wavelength, np.exp(-(((wavelength - nominal) / 10) ** 2)) + 0.01)
    ran = run_in_process("spectra", tmp_path / "csv", "-o", tmp_path / "out.h5")
    assert ran.returncode == 2 and "the files have no dark pixels, from which the original noise estimate starts" in ran.stderr
    ran = run_in_process("spectra", tmp_path / "csv", "-o", tmp_path / "out.h5", "--option", "csv-spectrum.dark_stop=50")
    assert ran.returncode == 0, ran.stderr
    with h5py.File(tmp_path / "out.h5") as f:
        assert f.attrs["spectrometer"] == "" and f["irradiance"].attrs["n"] == 1
        assert list(f["raw/irradiance"].attrs["dark_pixels"]) == [0, 50]
        assert "e_dark_correction" not in f["raw/irradiance"].attrs
        # no filter in the names: density 0, and a Gaussian's 1 nm bins on a 1 nm grid are its pixels less the dark mean
        assert np.array_equal(f["raw/optical_density"][()], [0.0, 0.0, 0.0])
        row = f["irradiance"][1]
        assert row.argmax() == np.searchsorted(f["wavelength"][()], 500.0)


def test_a_csv_row_that_is_not_two_numbers_is_named(tmp_path):
    write_csv(tmp_path / "csv", "500 ND-1.csv", [400.0, 401.0, 402.0, 403.0], [1.0, 2.0, 3.0, 4.0])
    with open(tmp_path / "csv" / "500 ND-1.csv", "a") as handle:
        handle.write("404,a lot\n")
    ran = run_in_process("spectra", tmp_path / "csv", "-o", tmp_path / "out.h5")
    assert ran.returncode == 2 and "500 ND-1.csv:6: '404,a lot' is not two numbers (wavelength, irradiance)" in ran.stderr


class NanReader(SpectrometerReader):
    name = "nan-example"
    description = "returns NaN"
    suffixes = (".dat",)
    options = SpectrometerReader.standard_options(dark_stop=0, pattern=r"(\d+)\.dat")

    def read(self, path):
        wavelength = np.linspace(400.0, 700.0, 301)
        return SpectrometerFile(path, wavelength, np.full(301, np.nan), 500.0, 0.0, dark_pixels=(0, 0))


class Plugin:
    @hookimpl
    def camchar_register_spectrometer_readers(register):
        register(NanReader())


def test_a_reader_returning_nan_is_blamed(tmp_path):
    from camchar.spectra.method import SpectraParameters
    from camchar.spectra.run import SpectraOptions, run_spectra

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "500.dat").write_text("whatever")
    host = build_host(plugins=[Plugin])
    options = SpectraOptions(output=tmp_path / "out.h5", parameters=SpectraParameters(450, 650, 1, "repeats"))
    with pytest.raises(Exception) as caught:
        run_spectra(tmp_path / "in", host.components, options)
    assert not isinstance(caught.value, BadInput)
    assert "spectrometer reader 'nan-example'" in str(caught.value) and "returned a spectrum from read() that fails camchar's checks" in str(caught.value)
    assert "its values hold 301 NaN or infinite value(s)" in str(caught.value)
    assert not (tmp_path / "out.h5").exists()


def test_the_plugins_listing_names_the_readers():
    ran = run_in_process("plugins", "--all")
    assert ran.returncode == 0
    assert "spectrometer reader oceanview [.txt]" in ran.stdout.replace("  ", " ") or "oceanview [.txt]" in ran.stdout
    assert "option oceanview.dark_stop (an integer, default 190)" in ran.stdout
    assert "csv-spectrum [.csv]" in ran.stdout
