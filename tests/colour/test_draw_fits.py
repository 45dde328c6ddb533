"""A bootstrap draw is fitted by one search from the reported IDT: it reaches the matrix the six starts give the draw."""

from __future__ import annotations

import numpy as np
import pytest

colour = pytest.importorskip("colour")

from camchar.colour.matrices import fit_idt, refit_idt  # noqa: E402
from camchar.colour.references import references  # noqa: E402

NPL = np.asarray(colour.characterisation.MSDS_CAMERA_SENSITIVITIES["Nikon 5100 (NPL)"].values, dtype=np.float64)


@pytest.mark.slow  # seven fits of six starts
@pytest.mark.parametrize("training", ["rawtoaces", "colorchecker"])
def test_one_search_from_the_reported_idt_finds_the_full_searchs_matrix(training):
    """Draws as noisy as a response's (1e-3 of the peak per wavelength, and 1e-2: ten times more)."""
    refs = references("D65", training)
    reported = fit_idt(NPL, refs).idt_matrix
    rng = np.random.default_rng(5)
    for noise in (1e-3, 1e-3, 1e-3, 1e-2, 1e-2, 1e-2):
        draw = NPL + noise * rng.normal(size=NPL.shape)
        full, one = fit_idt(draw, refs), refit_idt(draw, refs, reported)
        assert one.delta_e.mean() <= full.delta_e.mean() + 1e-9
        np.testing.assert_allclose(one.idt_matrix, full.idt_matrix, atol=1e-5)
