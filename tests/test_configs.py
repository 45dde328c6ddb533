"""Every example settings file in configs/ runs and gives the fixture's expected numbers."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from conftest import REPO, SWEEP, run_in_process

CONFIGS = sorted((REPO / "configs").glob("*.yml"))


def test_there_are_examples():
    assert {path.name for path in CONFIGS} >= {"original-format.yml", "camchar-keys.yml"}


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_config_runs_and_reproduces_the_fixture(config, tmp_path):
    output = tmp_path / "out.h5"
    result = run_in_process("stats", config, "-o", output)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    with h5py.File(output) as got, h5py.File(SWEEP / "expected.h5") as want:
        for name in ("nominal_wavelength", "exposure_time"):
            assert np.array_equal(got[name][()], want[name][()])
        for name in ("samples", "samples_std"):
            np.testing.assert_allclose(got[name][()], want[name][()], rtol=1e-9)
