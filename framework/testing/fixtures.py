"""pytest fixtures for plugin authors (loaded automatically: camchar registers this module with pytest).

``small_sweep`` simulates a small sweep with known truth in the test's
temporary folder. Disable with ``pytest -p no:camchar``.
"""

from __future__ import annotations

import pytest

__all__ = ["small_sweep"]


@pytest.fixture
def small_sweep(tmp_path):
    """A simulated sweep with its truth: 8 wavelengths x 3 exposures x 2 frames (pairs) of 96 x 72 16-bit RGB TIFFs.

    Returns
    -------
    camchar.testing.SimulatedSweep
        ``settings`` (the settings file), ``folder``, and ``truth`` (the
        contents of ``truth.h5``: per image the expected mean and the true
        temporal noise in counts/s).
    """
    from camchar.testing import simulated_sweep

    return simulated_sweep(tmp_path / "small-sweep", size=(96, 72), wavelengths=tuple(range(420, 701, 40)), frames_per_exposure=2)
