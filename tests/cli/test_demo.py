"""The built-in demo: the README's main command."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from camchar.cli.demo import run_demo
from camchar.runtime.progress import silent
from camchar.simulation.sweep import SweepPlan, read_truth
from conftest import run_camchar, run_in_process


def test_demo_table_and_means_against_the_simulated_truth(host, tmp_path):
    output = io.StringIO()
    samples = run_demo(host.components, silent(), Console(file=output, width=120), keep=tmp_path)
    plan = SweepPlan()
    assert samples.nom_wl.tolist() == list(plan.wavelengths)
    table = output.getvalue()
    assert "noise G" in table
    assert len([line for line in table.splitlines() if line.startswith("│")]) == len(plan.wavelengths)
    truth = read_truth(tmp_path / "truth.h5")
    rows = [truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    # the ROI mean of ~8500 pixels is within a fraction of a per-mille of its expectation
    np.testing.assert_allclose(samples.mean, truth["mean_rate"][rows], rtol=1e-3)
    assert np.all(samples.exp_time == truth["exposure_time"][rows])


@pytest.mark.slow
def test_demo_command_runs_and_never_prints_the_folder_it_deletes():
    result = run_camchar("demo")
    assert result.returncode == 0, result.stderr
    assert "against the simulated truth" in result.stdout
    assert "wrote <temporary folder>/images.h5" in result.stderr
    assert "camchar-demo-" not in result.stderr + result.stdout


def test_demo_keeps_its_folder_when_asked(tmp_path):
    result = run_in_process("demo", "--keep", tmp_path / "kept")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kept" / "images.h5").is_file() and (tmp_path / "kept" / "truth.h5").is_file()
    assert str(tmp_path / "kept") in result.stderr
    again = run_in_process("demo", "--keep", tmp_path / "kept")
    assert again.returncode == 2 and "--keep needs a new or empty folder" in again.stderr
