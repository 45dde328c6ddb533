"""camchar show, plot, report and export on the command line, and stats writing the export formats."""

from __future__ import annotations

import csv
import json

import h5py
import numpy as np
import pytest

from conftest import REFERENCE_H5, run_in_process


@pytest.fixture
def samples_file(sweep):
    result = run_in_process("stats", sweep, "-o", sweep.parent / "sweep.h5", "--quiet")
    assert result.returncode == 0, result.stderr
    return sweep.parent / "sweep.h5"


def test_show_prints_the_numbers_of_the_file(samples_file):
    result = run_in_process("show", samples_file)
    assert result.returncode == 0, result.stderr
    assert "Peaks of the mean signal" in result.stdout and "fixture sweep" in result.stdout
    as_json = json.loads(run_in_process("show", samples_file, "--json").stdout)
    with h5py.File(samples_file) as f:
        means = f["samples"][()]
    assert [row["channels"]["G"]["mean"] for row in as_json["tables"]["samples"]["rows"]] == means[:, 1].tolist()


def test_show_reads_the_original_tools_files():
    result = run_in_process("show", REFERENCE_H5)
    assert result.returncode == 0, result.stderr
    assert "Nikon D810" in result.stdout


def test_show_of_a_file_that_is_not_a_result_is_one_line(tmp_path):
    (tmp_path / "x.h5").write_bytes(b"not hdf5")
    result = run_in_process("show", tmp_path / "x.h5")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "x.h5" in result.stderr


@pytest.mark.slow
def test_plot_and_report_and_export(samples_file, tmp_path):
    assert run_in_process("plot", samples_file, REFERENCE_H5, "-o", tmp_path / "both.svg").returncode == 0
    assert (tmp_path / "both.svg").read_text().count("Wavelength [nm]") >= 1
    assert run_in_process("plot", samples_file).returncode == 0
    assert samples_file.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run_in_process("report", samples_file, "-o", tmp_path / "r.html").returncode == 0
    assert (tmp_path / "r.html").read_text().count("<svg") >= 3
    assert run_in_process("export", samples_file, "-o", tmp_path / "e.json").returncode == 0
    assert json.loads((tmp_path / "e.json").read_text())


def test_stats_writes_the_export_formats_to_the_last_digit(sweep, samples_file):
    output = sweep.parent / "sweep.csv"
    result = run_in_process("stats", sweep, "-o", output, "--quiet")
    assert result.returncode == 0, result.stderr
    with h5py.File(samples_file) as f:
        means, noise = f["samples"][()], f["samples_std"][()]
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == means.size
    got = np.array([float(row["mean_counts_per_s"]) for row in rows]).reshape(means.shape)
    assert np.array_equal(got, means)
    got = np.array([float(row["std_counts_per_s"]) for row in rows]).reshape(noise.shape)
    assert np.array_equal(got, noise)


def test_an_emva1288_sweep_shows_and_plots_its_parameters(tmp_path):
    from camchar.testing import simulated_sweep

    sweep = simulated_sweep(tmp_path / "sim", size=(64, 48), wavelengths=tuple(range(420, 681, 40)), frames_per_exposure=2, dark_frames=2)
    output = tmp_path / "emva.h5"
    result = run_in_process("stats", sweep.settings, "-o", output, "--noise-model", "pairs")
    assert result.returncode == 0, result.stderr
    assert "EMVA 1288 parameters from 7 pairs and 6 dark frames" in result.stderr and "system gain: R=" in result.stderr
    shown = run_in_process("show", output)
    assert "EMVA 1288" in shown.stdout and "system gain" in shown.stdout
    assert run_in_process("plot", output, "--kind", "emva1288", "-o", tmp_path / "ptc.svg").returncode == 0
    assert "Photon transfer" in (tmp_path / "ptc.svg").read_text()
