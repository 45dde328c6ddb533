"""The matrices' std from one sweep's bootstrap draws agrees with the spread of matrices from repeated sweeps.

Ten tiny simulated sweeps of one NPL Nikon D5100 camera, each through
stats, response and colour. The std a single run reports (its response's
draws fitted one by one) is compared with the standard deviation of the ten
IDTs, as the RMS over the nine elements (one element's std from ten sweeps is
itself uncertain by about a quarter): the two must agree within a factor 1.5.

What a repeated measurement is, and what its samples' noise is, decide the
comparison (docs/colour.md#how-far-to-trust-it gives the ratio under each):

- one camera: ``--pattern-seed`` keeps the dark and gain patterns while
  ``--seed`` draws new noise in every image and in the measured spectra;
- dark frames: without them the means hold the dark offset over the
  exposure time, and the best-SNR selector, choosing between exposures of
  near-equal SNR, moves a mean by that much from one sweep to the next: a
  step no bootstrap of one sweep can see (the ratio falls to 0.07);
- ``--sample-noise mean``: each sample is drawn with its own noise (the
  pixels' over sqrt(pixels)); the original's per-pixel noise overstates the
  std about sixfold here.
"""

from __future__ import annotations

import numpy as np
import pytest
from colour_chain import idt_of, simulated_colour

pytestmark = pytest.mark.slow

SWEEPS = 10
ONE_CAMERA = ("--pattern-seed", "2022", "--dark-frames", "4")


def test_the_reported_std_agrees_with_the_spread_of_repeated_sweeps(tmp_path):
    runs = [
        idt_of(
            simulated_colour(
                tmp_path / f"s{seed}", seed, "--wavelengths", "380:780:10", "--size", "16x12", *ONE_CAMERA,
                response_flags=("--sample-noise", "mean"), colour_flags=("--draws", "30"),
            )
        )
        for seed in range(1, SWEEPS + 1)
    ]  # fmt: skip
    matrices = np.array([idt for idt, _ in runs])
    reported = np.sqrt(np.mean([std**2 for _, std in runs]))
    observed = np.sqrt(np.mean(matrices.std(axis=0, ddof=1) ** 2))
    print(f"\nIDT std: reported (RMS over elements and runs) {reported:.4g}, observed across {SWEEPS} sweeps {observed:.4g}, ratio {reported / observed:.3f}")
    assert 1 / 1.5 <= reported / observed <= 1.5
