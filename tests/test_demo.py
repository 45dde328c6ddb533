"""The built-in demo: the README's main command."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from camchar.demo import run_demo
from camchar.progress import silent
from camchar.simulate import SweepPlan, read_truth

from conftest import run_camchar


def test_demo_table_and_means_against_the_simulated_truth(host, tmp_path):
    output = io.StringIO()
    samples = run_demo(host.components, silent(), Console(file=output, width=120), folder=tmp_path)
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


def test_demo_command_runs():
    result = run_camchar("demo")
    assert result.returncode == 0, result.stderr
    assert "against the simulated truth" in result.stdout
    assert "wrote" in result.stderr
