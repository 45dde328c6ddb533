"""Attacks on ``camchar simulate --sensitivities`` and ``--source-spectra``: one line naming the file, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_in_process

SMALL = ("--size", "16x12", "--quiet")


def error_line(ran) -> str:
    assert ran.returncode == 2, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    return lines[0]


def sensitivities(path: Path, value: str) -> Path:
    path.write_text(f"wavelength,R,G,B\n380,0,0.1,{value}\n500,0.5,1,0.5\n780,1,0.1,0\n")
    return path


@pytest.mark.parametrize("value", ["1_0", *(pytest.param(value, marks=pytest.mark.slow) for value in ("0x1", " 1 0", "1e", "½", "١"))])
def test_a_number_python_would_bend_is_refused(tmp_path, value):
    line = error_line(run_in_process("simulate", tmp_path / "sim", *SMALL, "--sensitivities", sensitivities(tmp_path / "camera.csv", value)))
    assert "camera.csv:2: 380, 0, 0.1, " in line and "are not all numbers" in line
    assert not (tmp_path / "sim").exists()


def test_plain_numbers():
    from camchar.core.numbers import plain_number

    assert [plain_number(text) for text in ("1", " -2.5 ", "+.5", "1e3", "1.E-3", "7.")] == [1.0, -2.5, 0.5, 1000.0, 0.001, 7.0]
    assert all(text != text for text in [plain_number("nan")])  # NaN, for the callers' own "not finite" messages
    for text in ("1_0", "0x10", "", ".", "1e", "e3", "١", "inf_", "1 0"):
        with pytest.raises(ValueError):
            plain_number(text)


# 8: source spectra whose photon counts overflow


def scaled_spectra(path: Path, factor: float) -> Path:
    import shutil

    import h5py

    from conftest import DATA

    shutil.copy(DATA / "monochromator-2022-10-11.h5", path)
    with h5py.File(path, "r+") as f:
        f["irradiance"][...] = f["irradiance"][()] * factor
    return path


def test_source_spectra_that_overflow_are_refused_naming_the_file(tmp_path):
    source = scaled_spectra(tmp_path / "huge.h5", 1e300)
    line = error_line(run_in_process("simulate", tmp_path / "sim", *SMALL, "--wavelengths", "400,500", "--source-spectra", source))
    assert f"camchar: error: {source}: the integral of the spectrum at nominal wavelength" in line
    assert "is not a finite number (the irradiance overflows the arithmetic); give the source spectra in other units" in line
    assert not (tmp_path / "sim").exists()


def test_a_numpy_message_is_never_shown_as_the_users_problem(tmp_path, monkeypatch):
    import camchar.simulation.sweep as sweep

    def broken(*args, **kwargs):
        raise ValueError("lam value too large")

    monkeypatch.setattr(sweep, "simulate_sweep", broken)
    ran = run_in_process("simulate", tmp_path / "sim", *SMALL)
    assert ran.returncode == 1 and "internal error" in ran.stderr and "camchar simulate: lam value too large" not in ran.stderr, ran.stderr


def test_an_odd_size_for_a_bayer_sensor_is_still_the_users_problem(tmp_path):
    line = error_line(run_in_process("simulate", tmp_path / "sim", "--size", "15x12", "--quiet", "--format", "dng"))
    assert "camchar simulate: a Bayer sensor needs an even size, got 15 x 12" in line


# 12: a full disk named as such


def test_a_short_write_on_a_full_disk_says_so(tmp_path, monkeypatch):
    import os

    import camchar.simulation.sweep as sweep

    def short_write(*args, **kwargs):
        raise OSError("2304 requested and 1904 written")  # numpy's tofile: no errno

    class Full:
        f_bavail, f_frsize = 0, 4096

    monkeypatch.setattr(sweep, "simulate_sweep", short_write)
    monkeypatch.setattr(os, "statvfs", lambda path: Full())
    line = error_line(run_in_process("simulate", tmp_path / "sim", *SMALL))
    assert "cannot write the simulated sweep (No space left on device)" in line


@pytest.mark.slow
def test_a_short_write_with_space_left_keeps_its_words(tmp_path, monkeypatch):
    import camchar.simulation.sweep as sweep

    def short_write(*args, **kwargs):
        raise OSError("2304 requested and 1904 written")

    monkeypatch.setattr(sweep, "simulate_sweep", short_write)
    line = error_line(run_in_process("simulate", tmp_path / "sim", *SMALL))
    assert "cannot write the simulated sweep (2304 requested and 1904 written)" in line
