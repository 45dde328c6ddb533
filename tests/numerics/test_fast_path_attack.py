"""Hostile frames for the bend test and the fast path's loading: layouts a third-party loader may hand out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camchar.core.frames import Frame
from camchar.stats import clipping


def planar_view(frame: np.ndarray) -> np.ndarray:
    """``frame``'s values as an ``(H, W, C)`` view of ``(C, H, W)`` planes: what a loader of planar data returns with ``moveaxis``."""
    return np.moveaxis(np.ascontiguousarray(np.moveaxis(frame, -1, 0)), 0, -1)


LAYOUTS = {
    "planes": planar_view,
    "fortran": np.asfortranarray,
    "transposed": lambda frame: np.ascontiguousarray(frame.transpose(1, 0, 2)).transpose(1, 0, 2),
}


def closed_form(longer: np.ndarray, shorter: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Each channel's mean difference over every ``step``-th row, and its standard error (``std / sqrt(n)``)."""
    differences = longer[::step].astype(np.float64) - (shorter[::step] if shorter.size > 1 else shorter)
    count = differences.shape[0] * differences.shape[1]
    return differences.mean(axis=(0, 1)), differences.std(axis=(0, 1)) / np.sqrt(count)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("origin", [False, True])
def test_the_bend_tests_error_does_not_depend_on_the_frames_memory_layout(layout, origin):
    rng = np.random.default_rng(3)
    longer = rng.integers(1000, 2000, (40, 30, 3)).astype(np.uint16)
    shorter = np.zeros(1) if origin else rng.integers(0, 900, (40, 30, 3)).astype(np.uint16)
    want_mean, want_error = closed_form(longer, shorter, clipping.BEND_ROW_STEP)
    arranged = LAYOUTS[layout]
    mean, error = clipping._mean_and_error(arranged(longer), shorter if origin else arranged(shorter))
    np.testing.assert_allclose(mean, want_mean, rtol=1e-13)
    np.testing.assert_allclose(error, want_error, rtol=1e-12)
    compact_mean, compact_error = clipping._mean_and_error(longer, shorter)
    assert np.array_equal(mean, compact_mean) and np.array_equal(error, compact_error)  # the same operations in the same order


def test_a_bend_is_found_in_frames_of_planes():
    """A step 80% of the expected one, by far more than five standard errors, is a bend whatever the frames' layout."""
    rng = np.random.default_rng(4)
    pattern = rng.normal(0, 50, (64, 32, 3))  # fixed pattern: cancels in the differences
    means = {1.0: 1000.0, 2.0: 2000.0, 3.0: 2800.0}  # the last step is 0.8 of the expected 1000
    frames = {t: np.clip(m + pattern * t + rng.normal(0, 20, pattern.shape), 0, None).astype(np.uint16) for t, m in means.items()}
    for arrange in (np.ascontiguousarray, planar_view):
        chosen, *others = (Frame(arrange(frames[t]), t, 65535.0, Path(f"{t}.tif")) for t in (3.0, 1.0, 2.0))
        bend = clipping.bend_of(chosen, others, through_origin=True)
        assert bend is not None and bend.ratio == pytest.approx(0.8, abs=0.02), arrange.__name__
