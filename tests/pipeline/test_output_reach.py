"""Outputs that reach outside: what a settings file may replace, and output names that are no file name.

An output named by a settings file (``output:``, or the default beside the
image folder) may replace only camchar's own output of that kind, never an
input of the run or of another sweep of the batch, whatever the writer; ``-o``
keeps its rules (the user typed it). Odd names (``x.``, a folder, a device or
pipe) are refused with one line rather than turned into ``x..h5`` or
``/dev/null.h5``; YAML merge keys (``<<:``) are refused rather than let past the
settings reader's rules.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import DATA, REFERENCE_H5

REFERENCE_RESPONSE = DATA / "nikon-d810-uv-60mm-macro response.h5"
SPECTRA = DATA / "monochromator-2022-10-11.h5"


def one_error(result) -> str:
    """The run's single error line (exit status 2, no traceback)."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def add_to(settings: Path, text: str) -> Path:
    settings.write_text(settings.read_text() + text)
    return settings


# ---- odd names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x.", "'x.' ends in a dot; give the name with its suffix, such as x.h5"),
        ("folder", "'folder' is a folder; give a file name such as folder/out.h5"),
        ("folder/", "'folder/' is a folder; give a file name such as folder/out.h5"),
        ("new/", "'new/' names a folder (it ends in /); give a file name such as new/out.h5"),
        ("pipe", "'pipe' is not a regular file (a device or a pipe): camchar writes its output to a regular file; give a file name such as out.h5"),
    ],
)
def test_an_output_name_that_is_no_file_name_is_refused_not_bent_into_one(run, sweep, monkeypatch, name, expected):
    folder = sweep.parent
    (folder / "folder").mkdir()
    os.mkfifo(folder / "pipe")
    before = set(folder.iterdir())
    monkeypatch.chdir(folder)
    line = one_error(run("stats", sweep, "-o", name))
    assert line == f"camchar: error: stats: argument -o/--output: {expected} (see camchar stats --help)"
    assert set(folder.iterdir()) == before  # no x..h5, folder.h5, pipe.h5


@pytest.mark.parametrize("command", [("response", "samples.h5", "--source", "spectra.h5"), ("validate", "settings.yml"), ("export", "samples.h5")])
def test_every_command_with_an_output_refuses_a_name_ending_in_a_dot(run, sweep, monkeypatch, command):
    monkeypatch.chdir(sweep.parent)
    assert "ends in a dot" in one_error(run(*command, "-o", "x."))


def test_dev_null_is_refused_as_a_device_not_written_beside(run, sweep):
    beside = Path("/dev/null.h5")
    if beside.exists():
        pytest.skip("/dev/null.h5 exists already")
    try:
        line = one_error(run("stats", sweep, "-o", "/dev/null"))
        assert "'/dev/null' is not a regular file (a device or a pipe)" in line
        assert not beside.exists()
    finally:
        if beside.is_file():  # written as root before the fix: leave /dev as it was
            beside.unlink()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x.", "settings.yml:19: 'output' 'x.' ends in a dot; give the name with its suffix, such as x.h5"),
        ("folder", "settings.yml:19: 'output' 'folder' is a folder; give a file name such as folder/out.h5"),
        ("pipe", "settings.yml:19: 'output' 'pipe' is not a regular file (a device or a pipe)"),
    ],
)
def test_an_output_in_the_settings_that_is_no_file_name_is_refused_at_its_line(run, sweep, value, expected):
    folder = sweep.parent
    (folder / "folder").mkdir()
    os.mkfifo(folder / "pipe")
    before = set(folder.iterdir())
    add_to(sweep, f"output: {value}\n")
    assert expected in one_error(run("stats", sweep))
    assert set(folder.iterdir()) == before


@pytest.mark.parametrize(
    "text",
    [
        "base: &base {label: 5e2}\n<<: *base\n",
        "<<: {label: 1.10}\n",
        "plugins:\n  tiff:\n    <<: {bits: 12}\n",
    ],
)
def test_a_yaml_merge_key_is_refused_at_its_line(run, sweep, text):
    lines = len(sweep.read_text().splitlines())
    add_to(sweep, text)
    merge_line = lines + 1 + text.splitlines().index(next(line for line in text.splitlines() if "<<:" in line))
    line = one_error(run("stats", sweep, "-o", sweep.parent / "out.h5"))
    assert not (sweep.parent / "out.h5").exists()
    assert f"settings.yml:{merge_line}: YAML merge keys (<<) are not read in a settings file" in line


# ---- outputs named by a settings file ----------------------------------------------------------------

TIFF_WRITER = '''
from camchar.api import Writer, hookimpl

class TiffClaimingWriter(Writer):
    name = "tiff-claiming"
    description = "writes samples to .tiff files (to try an output over an image)"
    suffixes = (".tiff",)
    results = ("samples",)

    def write(self, result, path):
        path.write_bytes(b"not an image any more")

@hookimpl
def camchar_register_writers(register):
    register(TiffClaimingWriter())
'''

SENTINEL = b"a file that is not camchar's"


@pytest.fixture
def batch(sweep: Path) -> Path:
    """A folder of two copies of the fixture sweep, a and b."""
    root = sweep.parent.parent / "batch"
    root.mkdir()
    for name in "ab":
        shutil.copytree(sweep.parent, root / name)
    return root


def failure_of(result, name: str) -> str:
    """The batch's error line about ``NAME/settings.yml``."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("camchar: error: [") and f"{name}/settings.yml" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("target", "settings"),
    [
        ("../b/raw/SWP_0001.tiff", "writer: tiff-claiming\n"),  # an image of the other sweep, with a writer that claims .tiff
        pytest.param("../b/settings.yml", "writer: camera-samples-h5\n", marks=pytest.mark.slow),  # the other sweep's settings file
    ],
)
def test_an_output_over_another_sweeps_input_fails_that_sweep_and_keeps_the_file(run, batch, monkeypatch, target, settings):
    monkeypatch.chdir(batch.parent)  # --plugin finds the module in the current folder, in this process and in a new one
    (batch.parent / "tiff_claiming_writer.py").write_text(TIFF_WRITER)
    add_to(batch / "a" / "settings.yml", f"output: {target}\n{settings}")
    victim = (batch / "a" / target).resolve()
    before = victim.read_bytes()
    result = run("stats", batch, "--plugin", "tiff_claiming_writer")
    assert result.returncode == 2
    assert "failed to load" not in result.stderr
    assert "is an input of [2/2]" in failure_of(result, "a") or "is the input [2/2]" in failure_of(result, "a")
    assert victim.read_bytes() == before
    assert "1 of 2 sweeps failed" in result.stderr.splitlines()[-1]
    assert (batch / "b" / "raw.h5").is_file()  # the other sweep is done


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("victim.h5", None, "is an HDF5 file camchar did not write (no /camchar group: the original image_stats's, or another tool's)"),
        pytest.param("victim.csv", SENTINEL, "is not an output camchar wrote", marks=pytest.mark.slow),
        pytest.param("victim.json", b'{"format": "mine"}', "is not an output camchar wrote", marks=pytest.mark.slow),
        pytest.param("victim response.h5", None, "is camchar's response output, not samples", marks=pytest.mark.slow),
    ],
)
def test_an_output_named_by_the_settings_never_replaces_a_file_camchar_did_not_write_there(run, sweep, name, content, found):
    victim = sweep.parent.parent / name
    if content is None:
        shutil.copyfile(REFERENCE_H5 if name == "victim.h5" else REFERENCE_RESPONSE, victim)
    else:
        victim.write_bytes(content)
    before = victim.read_bytes()
    add_to(sweep, f"output: ../{name}\n")
    line = one_error(run("stats", sweep))
    assert f"{name}: exists and {found}; an output named by the settings replaces only camchar's own samples output: move the file away, or give -o" in line
    assert victim.read_bytes() == before
    checked = run("validate", sweep)
    assert checked.returncode == 2 and f"{name}: exists and {found}" in checked.stdout, checked.stdout
    typed = run("stats", sweep, "-o", victim)  # typed on the command line: -o keeps its rules
    assert typed.returncode == 0, typed.stderr
    assert victim.read_bytes() != before


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".h5", ".csv", ".json", ".xlsx"])
def test_camchars_own_output_of_the_same_kind_is_replaced(run, sweep, suffix):
    pytest.importorskip("openpyxl") if suffix == ".xlsx" else None
    add_to(sweep, f"output: out{suffix}\n")
    output = sweep.parent / f"out{suffix}"
    assert run("stats", sweep).returncode == 0
    os.utime(output, ns=(0, 0))
    again = run("stats", sweep)
    assert again.returncode == 0, again.stderr
    assert output.stat().st_mtime_ns != 0  # written again


@pytest.mark.slow
def test_a_file_under_output_dir_that_camchar_did_not_write_is_not_replaced(run, batch, tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "raw.h5").write_bytes(SENTINEL)
    result = run("stats", batch, "--output-dir", out)
    assert "raw.h5: exists and is not an output camchar wrote" in failure_of(result, "a")
    assert (out / "a" / "raw.h5").read_bytes() == SENTINEL
    assert (out / "b" / "raw.h5").is_file()


def test_a_response_never_replaces_a_file_at_its_default_output_that_camchar_did_not_write(run, tmp_path):
    samples = tmp_path / "samples.h5"
    shutil.copyfile(REFERENCE_H5, samples)
    default = tmp_path / "samples response.h5"
    shutil.copyfile(REFERENCE_H5, default)  # a samples file, where the response would go
    line = one_error(run("response", samples, "--source", SPECTRA, "--bootstrap", "0"))
    assert "samples response.h5: exists and is an HDF5 file camchar did not write" in line
    assert default.read_bytes() == REFERENCE_H5.read_bytes()
