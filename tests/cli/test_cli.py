"""The camchar command as a user runs it: in a subprocess, piped, in a terminal, quiet, and on bad input."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from camchar._version import __version__
from conftest import run_camchar


def test_stats_writes_the_expected_numbers_and_one_summary_line_per_step(sweep):
    result = run_camchar("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 5
    assert "loader tiff, selector best-snr, noise model linear-fpn, writer camera-samples-h5" in lines[0]
    assert "no dark frames (dark:) and no black_level: the means include the sensor's offset" in lines[1]
    assert "1 overexposed" in lines[2]
    assert "\x1b" not in result.stderr, "piped output must have no animation or colour codes"
    with h5py.File(sweep.parent / "out.h5") as got, h5py.File(sweep.parent / "expected.h5") as want:
        np.testing.assert_allclose(got["samples_std"][()], want["samples_std"][()], rtol=1e-9)


@pytest.mark.slow
def test_input_flag_and_overrides_like_the_original(sweep):
    result = run_camchar("stats", "-i", sweep, "--max", "0.5", "--noise-model", "linear-fpn", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert (sweep.parent / "raw.h5").exists()
    assert "(max 0.5)" in result.stderr


@pytest.mark.slow
def test_quiet_prints_nothing(sweep):
    result = run_camchar("stats", sweep, "--quiet")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    result = run_camchar("stats", tmp_path / "missing.yml")
    assert result.returncode == 2
    assert result.stderr == f"camchar: error: {tmp_path / 'missing.yml'}: settings file not found\n"
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_bad_input_keeps_an_existing_output(sweep):
    output = sweep.parent / "out.h5"
    output.write_bytes(b"keep me")
    result = run_camchar("stats", sweep, "-o", output, "--loader", "nope")
    assert result.returncode == 2
    assert "no loader named 'nope'; available: imageio, raw-bayer, raw-rgb, tiff" in result.stderr
    assert output.read_bytes() == b"keep me"


@pytest.mark.slow
def test_debug_shows_the_traceback(tmp_path):
    result = run_camchar("stats", tmp_path / "missing.yml", "--debug")
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_version_and_help():
    assert run_camchar("--version").stdout.splitlines()[0] == f"camchar {__version__}"
    help_text = run_camchar("stats", "--help").stdout
    for flag in ("-o", "--quiet", "--max", "--loader", "--selector", "--noise-model", "--debug", "--input"):
        assert flag in help_text


def run_in_terminal(args: list[str], cwd: Path, timeout: float = 60) -> str:
    """Run ``python -m camchar ARGS`` with stderr on a pseudo-terminal and return what it drew."""
    controller, terminal = pty.openpty()
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    process = subprocess.Popen(
        [sys.executable, "-m", "camchar", *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=terminal, cwd=cwd, env=env,
    )
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], timeout)
        if not ready:
            process.kill()
            raise TimeoutError("camchar did not finish")
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout)
    os.close(controller)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_terminal_shows_a_live_progress_bar(tmp_path):
    simulate = run_camchar("simulate", tmp_path / "sim", "--size", "600x400", "--wavelengths", "400:700:20", "--quiet")
    assert simulate.returncode == 0, simulate.stderr
    drawn = run_in_terminal(["stats", str(tmp_path / "sim" / "settings.yml"), "--workers", "1"], tmp_path)
    assert "selecting frames" in drawn
    assert "━" in drawn, "a bar is drawn"
    assert "\x1b[" in drawn, "the bar is redrawn in place"
    assert "wrote" in drawn


def test_an_option_value_in_exponent_notation_is_a_number():
    from camchar.cli.arguments import option_assignment

    assert option_assignment("raw-bayer.white_level=4.095e3") == ("raw-bayer", "white_level", 4095.0, "raw-bayer.white_level=4.095e3")
    assert option_assignment("npy.gain=1e-3")[2] == 0.001 and option_assignment("npy.name=e3")[2] == "e3"
