"""The response step on the pipeline core: settings honoured, components guarded and blamed by name, writers by suffix."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from camchar import CameraResponse
from camchar.response.run import load_spectra
from conftest import DATA, REFERENCE_H5, REFERENCE_YML, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
QUICK = ("--bootstrap", "0")


def write_plugin(folder: Path, name: str, source: str) -> str:
    (folder / f"{name}.py").write_text("import numpy as np\nimport camchar\nfrom camchar.api import *\n\n" + source)
    return name


@pytest.fixture
def settings_file(tmp_path) -> Path:
    """The Nikon settings file beside its samples (the default stats output) and its source_spectra, as the original lays them out."""
    target = tmp_path / "nikon.yml"
    shutil.copy(REFERENCE_YML, target)
    (tmp_path / "Nikon D810 UV").mkdir()
    shutil.copy(REFERENCE_H5, tmp_path / "Nikon D810 UV" / "60mm macro.h5")
    shutil.copy(MONOCHROMATOR, tmp_path / "2022-10-11 monochromator.h5")
    return target


def with_lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines) + path.read_text())
    return path


def test_the_settings_method_gives_exactly_what_the_flag_gives(settings_file, tmp_path):
    by_flag = run_in_process("response", settings_file, "--method", "ols", *QUICK, "-o", tmp_path / "flag.h5")
    by_settings = run_in_process("response", with_lines(settings_file, "method: ols"), *QUICK, "-o", tmp_path / "settings.h5")
    assert by_flag.returncode == 0 and by_settings.returncode == 0, by_settings.stderr
    flag, settings = CameraResponse(tmp_path / "flag.h5"), CameraResponse(tmp_path / "settings.h5")
    assert flag.method == settings.method == "ols"
    assert np.array_equal(flag.mean, settings.mean) and np.array_equal(flag.std, settings.std)
    from camchar.host.manager import build_host
    from camchar.response.run import ResponseInputs, ResponseOptions, choose_response

    default = choose_response(build_host().components, ResponseInputs(REFERENCE_H5, MONOCHROMATOR), ResponseOptions(output=tmp_path / "d.h5"))
    assert default.method.name == "ridge-smooth"  # without the key or the flag


def test_the_settings_reader_and_plugins_sections_reach_the_fit(settings_file, tmp_path):
    with_lines(settings_file, "method: ridge", "spectra_reader: nothing-here")
    bad = run_in_process("response", settings_file, *QUICK, "-o", tmp_path / "r.h5")
    assert bad.returncode == 2 and "no spectra reader named 'nothing-here'" in bad.stderr and f"{settings_file}:" in bad.stderr
    settings_file.write_text(settings_file.read_text().replace("spectra_reader: nothing-here\n", "plugins:\n  ridge: {alpha: 3}\n", 1))
    refused = run_in_process("response", settings_file, *QUICK, "-o", tmp_path / "r.h5")
    assert refused.returncode == 2 and "alpha" in refused.stderr and not (tmp_path / "r.h5").exists(), refused.stderr


def test_an_option_for_a_misspelt_component_is_warned_about(tmp_path):
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *QUICK, "-o", tmp_path / "r.h5", "--option", "ridge-smoth.alpha=1")
    assert ran.returncode == 0
    assert "options for 'ridge-smoth', which is no installed component; did you mean 'ridge-smooth'?; ignored" in ran.stderr


METHOD = '''
class Broken(ResponseMethod):
    name = "broken"
    description = "a method with a bug"

    def prepare(self, problem):
        {prepare}
        return Solve()

class Solve:
    parameters = {{"alpha": 0.0}}

    def solve(self, X, y):
        {solve}
'''


@pytest.mark.parametrize(
    ("prepare", "solve", "problem"),
    [
        ("raise ValueError('no convergence')", "pass", "failed in prepare(): ValueError: no convergence"),
        ("return None", "pass", "returned NoneType from prepare(), not a camchar.api.Solver"),
        ("pass", "raise np.linalg.LinAlgError('singular')", "failed in solve(): LinAlgError: singular"),
        ("pass", "return np.zeros((X.shape[0], X.shape[2] - 1, y.shape[2]))", "from solve(), expected"),
        ("pass", "return np.full((X.shape[0], X.shape[2], y.shape[2]), np.nan)", "NaN or infinite value(s)"),
        ("pass", "return None", "returned NoneType from solve(), not an array of numbers"),
    ],
)
def test_a_broken_method_is_blamed_by_name_and_nothing_is_written(tmp_path, monkeypatch, prepare, solve, problem):
    name = f"broken_method_{abs(hash((prepare, solve))) % 10**8}"
    monkeypatch.syspath_prepend(str(tmp_path))
    write_plugin(tmp_path, name, METHOD.format(prepare=prepare, solve=solve) + "\n@hookimpl\ndef camchar_register_response_methods(register):\n    register(Broken())\n")
    output = tmp_path / "r.h5"
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--bootstrap", "3", "--plugin", name, "--method", "broken", "-o", output)
    assert ran.returncode == 1, ran.stderr
    (line,) = [line for line in ran.stderr.splitlines() if line.startswith("camchar: error:")]
    assert line.startswith(f"camchar: error: response method 'broken' of plugin {name} unknown version ") and problem in line, line
    assert "a bug in that plugin" in line and "internal error" not in line
    assert not output.exists()


READER = '''
class Odd(SpectraReader):
    name = "odd-reader"
    description = "returns NaN"
    suffixes = (".odd",)

    def read(self, path):
        nominal = np.arange(400.0, 500.0, 10.0)
        wavelength = np.arange(380.0, 520.0, 1.0)
        irradiance = np.exp(-0.5 * ((wavelength - nominal[:, None]) / 4.0) ** 2)
        irradiance[2, 5] = np.nan
        return SourceSpectra(wavelength, nominal, irradiance, 0.01 * np.ones_like(irradiance))

@hookimpl
def camchar_register_spectra_readers(register):
    register(Odd())
'''


def test_a_reader_returning_nan_is_blamed_not_the_file(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    write_plugin(tmp_path, "odd_reader", READER)
    source = tmp_path / "spectra.odd"
    source.write_text("whatever the reader reads")
    ran = run_in_process("response", REFERENCE_H5, "--source", source, *QUICK, "--plugin", "odd_reader", "-o", tmp_path / "r.h5")
    assert ran.returncode == 1
    assert "spectra reader 'odd-reader' of plugin odd_reader unknown version returned spectra from read() that fail camchar's checks: irradiance has 1 NaN" in ran.stderr


def test_a_bad_file_read_by_the_built_in_reader_is_still_the_files_fault(tmp_path):
    source = Path(shutil.copy(MONOCHROMATOR, tmp_path / "mono.h5"))
    with h5py.File(source, "r+") as f:
        f["irradiance"][3, 10] = np.nan
    ran = run_in_process("response", REFERENCE_H5, "--source", source, *QUICK, "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and ran.stderr.strip() == f"camchar: error: {source}: irradiance has 1 NaN or infinite value(s)"


def test_the_output_suffix_picks_the_writer_of_the_response(tmp_path):
    assert run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *QUICK, "--seed", "1", "-o", tmp_path / "r.h5").returncode == 0
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *QUICK, "--seed", "1", "-o", tmp_path / "r.csv")
    assert ran.returncode == 0, ran.stderr
    assert not h5py.is_hdf5(tmp_path / "r.csv")
    exported = run_in_process("export", tmp_path / "r.h5", "-o", tmp_path / "from-h5.csv")
    assert exported.returncode == 0
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text().splitlines()))
    expected = list(csv.DictReader((tmp_path / "from-h5.csv").read_text().splitlines()))
    assert len(rows) == len(expected) > 100
    ignored = {"file"}  # the in-memory response has no file; the export of the HDF5 file names it
    assert [{k: v for k, v in row.items() if k not in ignored} for row in rows] == [{k: v for k, v in row.items() if k not in ignored} for row in expected]


def test_an_output_suffix_no_writer_of_a_response_claims_is_refused_before_the_fit(tmp_path):
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "-o", tmp_path / "r.txt")
    assert ran.returncode == 2 and "no writer for suffix '.txt'; known suffixes for the response:" in ran.stderr
    named = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--writer", "camera-samples-h5", "-o", tmp_path / "r.h5")
    assert named.returncode == 2 and "writer 'camera-samples-h5' writes samples, not the response" in named.stderr
    assert not (tmp_path / "r.txt").exists() and not (tmp_path / "r.h5").exists()


FOLDER_READER = '''
from pathlib import Path

class CsvFolder(SpectraReader):
    name = "csv-folder"
    description = "one CSV per nominal wavelength: wavelength, irradiance, irradiance_std"

    def can_open(self, path):
        return Path(path).is_dir() and any(Path(path).glob("*.csv"))

    def files(self, path):
        return sorted(Path(path).glob("*.csv"))

    def read(self, path):
        files = self.files(path)
        tables = [np.loadtxt(name, delimiter=",") for name in files]
        spectra = SourceSpectra(
            wavelength=tables[0][:, 0],
            nominal_wavelength=[float(name.stem) for name in files],
            irradiance=[table[:, 1] for table in tables],
            irradiance_std=[table[:, 2] for table in tables],
            units="uW/cm2/nm",
            metadata={"files": len(files)},
        )
        check_spectra(spectra, path)
        return spectra

@hookimpl
def camchar_register_spectra_readers(register):
    register(CsvFolder())
'''


@pytest.fixture
def csv_folder(tmp_path, monkeypatch) -> Path:
    """The monochromator's spectra as a folder of CSV files, one per nominal wavelength, and the plugin that reads it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    write_plugin(tmp_path, "csv_folder_reader", FOLDER_READER)
    spectra = load_spectra(MONOCHROMATOR)
    folder = tmp_path / "spectra"
    folder.mkdir()
    for index, nominal in enumerate(spectra.nominal_wavelength):
        table = np.column_stack([spectra.wavelength, spectra.irradiance[index], spectra.irradiance_std[index]])
        np.savetxt(folder / f"{nominal:g}.csv", table, delimiter=",", fmt="%.17g")
    return folder


@pytest.mark.slow
def test_a_folder_read_by_a_plugin_reader_gives_the_response_of_the_hdf5_file(tmp_path, csv_folder):
    common = (REFERENCE_H5, *QUICK, "--method", "ols", "--plugin", "csv_folder_reader")
    assert run_in_process("response", *common, "--source", MONOCHROMATOR, "-o", tmp_path / "h5.h5").returncode == 0
    ran = run_in_process("response", *common, "--source", csv_folder, "-o", tmp_path / "folder.h5")
    assert ran.returncode == 0, ran.stderr
    assert "reader csv-folder" in ran.stderr
    from_h5, from_folder = CameraResponse(tmp_path / "h5.h5"), CameraResponse(tmp_path / "folder.h5")
    assert np.array_equal(from_h5.mean, from_folder.mean)
    assert from_folder.provenance["spectra_reader"] == "csv-folder"
    assert json.loads(from_folder.provenance["source_metadata"]) == {"files": len(list(csv_folder.glob("*.csv")))}


@pytest.mark.slow
def test_touching_one_file_of_a_folder_source_refits_it_in_a_batch(tmp_path, csv_folder):
    inputs = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        inputs.append(shutil.copy(REFERENCE_H5, tmp_path / name / "nikon.h5"))
    args = ("response", *inputs, "--source", csv_folder, *QUICK, "--method", "ols", "--plugin", "csv_folder_reader")
    assert run_in_process(*args).returncode == 0
    again = run_in_process(*args)
    assert sum(line.endswith(": skipped (up to date)") for line in again.stderr.splitlines()) == 2, again.stderr
    one = sorted(csv_folder.glob("*.csv"))[7]
    table = np.loadtxt(one, delimiter=",")
    table[100, 1] *= 1.01
    np.savetxt(one, table, delimiter=",", fmt="%.17g")
    changed = run_in_process(*args)
    assert changed.returncode == 0
    assert changed.stderr.count(f"out of date: the source spectra changed {one.name}") == 2, changed.stderr
    last = sorted(csv_folder.glob("*.csv"))[-1]
    last.unlink()
    fewer = run_in_process(*args)
    assert fewer.stderr.count(f"out of date: the source spectra lost {last.name}") == 2, fewer.stderr


def test_a_named_writer_must_claim_the_outputs_suffix(tmp_path, sweep):
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--writer", "csv", "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and "writer 'csv' writes .csv files, not '.h5'" in ran.stderr
    stats = run_in_process("stats", sweep, "--writer", "json", "-o", tmp_path / "s.h5")
    assert stats.returncode == 2 and "writer 'json' writes .json files, not '.h5'" in stats.stderr
    assert not (tmp_path / "r.h5").exists() and not (tmp_path / "s.h5").exists()


def test_a_named_writers_suffix_names_the_default_outputs(tmp_path):
    inputs = [shutil.copy(REFERENCE_H5, tmp_path / name) for name in ("a.h5", "b.h5")]
    one = run_in_process("response", inputs[0], "--source", MONOCHROMATOR, *QUICK, "--method", "ols", "--writer", "csv")
    assert one.returncode == 0, one.stderr
    assert (tmp_path / "a response.csv").read_text().startswith("file,")
    batch = run_in_process("response", *inputs, "--source", MONOCHROMATOR, *QUICK, "--method", "ols", "--writer", "json", "--output-dir", tmp_path)
    assert batch.returncode == 0, batch.stderr
    assert json.loads((tmp_path / "b response.json").read_text())


def test_a_suffix_claimed_only_by_a_writer_of_another_result_says_so(tmp_path, sweep, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    write_plugin(tmp_path, "mine_writer", """
class Mine(Writer):
    name = "mine"
    description = "responses only"
    suffixes = (".mine",)
    results = ("response",)

    def write(self, result, path):
        np.savetxt(path, result.mean)

@hookimpl
def camchar_register_writers(register):
    register(Mine())
""")
    ran = run_in_process("stats", sweep, "--plugin", "mine_writer", "-o", tmp_path / "s.mine")
    assert ran.returncode == 2 and "s.mine: writer 'mine' claims '.mine' but writes response, not the samples" in ran.stderr
    named = run_in_process("stats", sweep, "--writer", "camera-response-h5", "-o", tmp_path / "s.h5")
    assert named.returncode == 2 and "writer 'camera-response-h5' writes response, not the samples" in named.stderr
