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
from pathlib import Path

import pytest


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
def test_an_output_name_that_is_no_file_name_is_refused_not_bent_into_one(run, sweep, name, expected):
    folder = sweep.parent
    (folder / "folder").mkdir()
    os.mkfifo(folder / "pipe")
    before = set(folder.iterdir())
    os.chdir(folder)
    line = one_error(run("stats", sweep, "-o", name))
    assert line == f"camchar: error: stats: argument -o/--output: {expected} (see camchar stats --help)"
    assert set(folder.iterdir()) == before  # no x..h5, folder.h5, pipe.h5


@pytest.mark.parametrize("command", [("response", "samples.h5", "--source", "spectra.h5"), ("validate", "settings.yml"), ("export", "samples.h5")])
def test_every_command_with_an_output_refuses_a_name_ending_in_a_dot(run, sweep, command):
    os.chdir(sweep.parent)
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
