"""What an attack on the response step, its writers and export found, each refused as the rules say."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py
import pytest

from conftest import DATA, REFERENCE_H5, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
QUICK = ("--bootstrap", "3", "--seed", "1")


def plugin(folder: Path, name: str, source: str, monkeypatch) -> str:
    (folder / f"{name}.py").write_text("import numpy as np\nfrom camchar.api import *\n\n" + source)
    monkeypatch.syspath_prepend(str(folder))
    return name


def error_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("camchar: error:")]
    return line


METHOD = '''
class Solve:
    parameters = {parameters}

    def solve(self, X, y):
        w = np.linalg.lstsq(X[0], y[0], rcond=None)[0][None].repeat(X.shape[0], axis=0)
        {solve}

class Odd(ResponseMethod):
    name = "odd"
    description = "a method whose solver misbehaves"

    def prepare(self, problem):
        return Solve()

@hookimpl
def camchar_register_response_methods(register):
    register(Odd())
'''


@pytest.mark.slow
@pytest.mark.parametrize(
    ("solve", "parameters", "flags", "problem"),
    [
        ("return w > 0", "{'alpha': 0.0}", (), "returned true/false values from solve()"),
        ("return w + 1j", "{'alpha': 0.0}", (), "returned complex numbers from solve()"),
        ("return w", "{'alpha': float('nan')}", (), "parameters['alpha'] is nan, not a finite number"),
        ("X[...] = 0; return w", "{'alpha': 0.0}", (), "failed in solve(): ValueError: assignment destination is read-only"),
        ("return w - 1", "{'alpha': 0.0}", ("--non-negative",), "negative value(s) from solve() for a fit asked to be non-negative"),
        ("raise SystemExit(0)", "{'alpha': 0.0}", (), "failed in solve(): it called sys.exit(0)"),
    ],
)
def test_a_solvers_unusable_answer_is_its_fault(tmp_path, monkeypatch, solve, parameters, flags, problem):
    name = plugin(tmp_path, f"odd_method_{abs(hash((solve, parameters))) % 10**8}", METHOD.format(solve=solve, parameters=parameters), monkeypatch)
    output = tmp_path / "r.h5"
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *QUICK, *flags, "--plugin", name, "--method", "odd", "-o", output)
    assert ran.returncode == 1, ran.stderr
    line = error_line(ran.stderr)
    assert line.startswith(f"camchar: error: response method 'odd' of plugin {name}") and problem in line, line
    assert not output.exists()


def test_a_response_too_large_for_floats_is_refused_not_written(tmp_path, monkeypatch):
    name = plugin(tmp_path, "huge_method", METHOD.format(solve="return w * 1e300", parameters="{'alpha': 0.0}"), monkeypatch)
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, *QUICK, "--plugin", name, "--method", "odd", "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and "would not be finite" in error_line(ran.stderr)
    assert not (tmp_path / "r.h5").exists()


READER = '''
from pathlib import Path
import h5py

class Odd(SpectraReader):
    name = "odd-reader"
    description = "reads the monochromator file, then spoils it"
    suffixes = (".spec",)

    def read(self, path):
        with h5py.File(path, "r") as f:
            fields = {{name: f[name][()] for name in ("wavelength", "nominal_wavelength", "irradiance", "irradiance_std")}}
        {spoil}
        return SourceSpectra(**fields)

    def files(self, path):
        {files}

@hookimpl
def camchar_register_spectra_readers(register):
    register(Odd())
'''


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spoil", "files", "problem"),
    [
        ("fields['irradiance'] = fields['irradiance'] > 0", "return None", "failed in read(): TypeError: spectra must be real numbers, not true/false values"),
        ("fields['units'] = None", "return None", "whose units is NoneType, not text"),
        ("pass", "return str(path)", "returned str from files(), not a list of paths"),
        ("pass", "return [Path(path).with_name('nope.h5')]", "which is not an existing file"),
        ("pass", "return []", "returned no file from files()"),
        ("pass", "yield path; raise RuntimeError('half way')", "failed in files(): RuntimeError: half way"),
    ],
)
def test_a_readers_unusable_answer_is_its_fault(tmp_path, monkeypatch, spoil, files, problem):
    name = plugin(tmp_path, f"odd_reader_{abs(hash((spoil, files))) % 10**8}", READER.format(spoil=spoil, files=files), monkeypatch)
    source = Path(shutil.copy(MONOCHROMATOR, tmp_path / "mono.spec"))
    ran = run_in_process("response", REFERENCE_H5, "--source", source, "--bootstrap", "0", "--method", "ols", "--plugin", name, "-o", tmp_path / "r.h5")
    assert ran.returncode == 1, ran.stderr
    line = error_line(ran.stderr)
    assert line.startswith(f"camchar: error: spectra reader 'odd-reader' of plugin {name}") and problem in line, line


def test_a_complex_source_file_is_the_files_fault(tmp_path):
    source = tmp_path / "complex.h5"
    with h5py.File(MONOCHROMATOR, "r") as original, h5py.File(source, "w") as f:
        for name in ("wavelength", "nominal_wavelength", "irradiance_std"):
            f[name] = original[name][()]
            f[name].attrs.update(original[name].attrs)
        f["irradiance"] = original["irradiance"][()] + 1j
        f["irradiance"].attrs.update(original["irradiance"].attrs)
    ran = run_in_process("response", REFERENCE_H5, "--source", source, "--bootstrap", "0", "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and error_line(ran.stderr) == f"camchar: error: {source}: /irradiance holds complex numbers (complex128), not real numbers"


def test_a_pipe_as_the_source_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "fifo.h5"
    os.mkfifo(fifo)
    ran = run_in_process("response", REFERENCE_H5, "--source", fifo, "--bootstrap", "0", "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and "is not a regular file or folder" in error_line(ran.stderr)


def test_an_output_inside_a_folder_source_is_refused_on_the_first_run(tmp_path):
    folder = tmp_path / "spectra"
    folder.mkdir()
    shutil.copy(MONOCHROMATOR, folder / "mono.h5")
    ran = run_in_process("response", REFERENCE_H5, "--source", folder, "--spectra-reader", "monochromator-h5", "-o", folder / "r.h5")
    assert ran.returncode == 2 and "is inside the source folder" in error_line(ran.stderr)
    assert sorted(path.name for path in folder.iterdir()) == ["mono.h5"]


def test_a_batch_never_writes_an_output_over_another_of_its_inputs(tmp_path):
    samples = Path(shutil.copy(REFERENCE_H5, tmp_path / "B.h5"))
    victim = Path(shutil.copy(REFERENCE_H5, tmp_path / "B response.h5"))
    before = victim.read_bytes()
    ran = run_in_process("response", samples, victim, "--source", MONOCHROMATOR, "--bootstrap", "0", "--method", "ols")
    assert ran.returncode == 2
    assert "its output B response.h5 is the input [2/2]" in ran.stderr.replace(str(tmp_path) + os.sep, "")
    assert victim.read_bytes() == before


WRITER = '''
import os

class Odd(Writer):
    name = "odd"
    description = "a writer that misbehaves"
    suffixes = (".odd",)
    results = ("samples", "response")

    def write(self, result, path):
        {write}

@hookimpl
def camchar_register_writers(register):
    register(Odd())
'''


@pytest.mark.slow
@pytest.mark.parametrize(
    ("write", "status", "problem"),
    [
        ("pass", 1, "writer 'odd' of plugin {name} unknown version returned from write() without writing the file it was given"),
        ("os.mkdir(path)", 1, "writer 'odd' of plugin {name} unknown version wrote a folder, not the file it was given"),
        ("raise BadInput(path, 'refuses')", 2, "{output}: refuses"),
        ("raise SystemExit(3)", 1, "failed in write(): it called sys.exit(3)"),
    ],
)
def test_a_writer_that_misbehaves_leaves_the_old_output_and_nothing_else(tmp_path, monkeypatch, write, status, problem):
    name = plugin(tmp_path, f"odd_writer_{abs(hash(write)) % 10**8}", WRITER.format(write=write), monkeypatch)
    output = tmp_path / "out" / "r.odd"
    output.parent.mkdir()
    output.write_text("the old output")
    ran = run_in_process("response", REFERENCE_H5, "--source", MONOCHROMATOR, "--bootstrap", "0", "--method", "ols", "--plugin", name, "-o", output)
    assert ran.returncode == status, ran.stderr
    assert problem.format(name=name, output=output) in error_line(ran.stderr)
    assert output.read_text() == "the old output" and [path.name for path in output.parent.iterdir()] == ["r.odd"]


def test_export_holds_a_named_writer_to_its_suffix_and_its_results(tmp_path):
    ran = run_in_process("export", REFERENCE_H5, "-o", tmp_path / "w.csv", "--writer", "camera-samples-h5")
    assert ran.returncode == 2 and "writer 'camera-samples-h5' writes .h5, .hdf5 files, not '.csv'" in error_line(ran.stderr)
    spectra = run_in_process("export", MONOCHROMATOR, "-o", tmp_path / "s.h5", "--writer", "camera-samples-h5")
    assert spectra.returncode == 2 and "holds source spectra" in error_line(spectra.stderr)
    assert not list(tmp_path.iterdir())


def test_a_bad_input_message_with_line_breaks_is_one_line():
    from camchar.core.errors import BadInput

    assert BadInput("a.h5", "unable to open\n  (file locked)\r\nretry").message == "a.h5: unable to open (file locked) retry"


def test_a_permission_error_met_by_a_plugin_is_the_files_state_not_a_bug(tmp_path, monkeypatch):
    name = plugin(tmp_path, "locked_reader", READER.format(spoil="raise PermissionError(13, 'Permission denied', str(path))", files="return None"), monkeypatch)
    source = Path(shutil.copy(MONOCHROMATOR, tmp_path / "mono.spec"))
    ran = run_in_process("response", REFERENCE_H5, "--source", source, "--bootstrap", "0", "--plugin", name, "-o", tmp_path / "r.h5")
    assert ran.returncode == 2 and error_line(ran.stderr) == f"camchar: error: {source}: Permission denied (reading or writing this file)"
