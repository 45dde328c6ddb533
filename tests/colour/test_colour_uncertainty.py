"""The matrices' std from one sweep's bootstrap draws agrees with the spread of matrices from independent sweeps.

Ten tiny simulated sweeps of the NPL Nikon D5100 (different seeds: new noise
in every image), each through stats, response and colour. The std a single
run reports (its response's draws fitted one by one) is compared with the
standard deviation of the ten IDTs, as the RMS over the nine elements (one
element's std from ten sweeps is itself uncertain by about a quarter): the two
must agree within a factor 1.5.
"""

from __future__ import annotations

import numpy as np
import pytest
from colour_chain import idt_of, simulated_colour

pytestmark = pytest.mark.slow

SWEEPS = 10


def test_the_reported_std_agrees_with_the_spread_of_independent_sweeps(tmp_path):
    runs = [
        idt_of(simulated_colour(tmp_path / f"s{seed}", seed, "--wavelengths", "380:780:10", "--size", "16x12", colour_flags=("--draws", "30")))
        for seed in range(1, SWEEPS + 1)
    ]
    matrices = np.array([idt for idt, _ in runs])
    reported = np.sqrt(np.mean([std**2 for _, std in runs]))
    observed = np.sqrt(np.mean(matrices.std(axis=0, ddof=1) ** 2))
    print(f"\nIDT std: reported (RMS over elements and runs) {reported:.4g}, observed across {SWEEPS} sweeps {observed:.4g}, ratio {reported / observed:.3f}")
    assert 1 / 1.5 <= reported / observed <= 1.5
