"""The best-snr selector and the snr() it ranks by, against closed-form numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camchar.core.frames import Frame
from camchar.numerics.snr import snr
from camchar.plugins.selectors.best_snr import BestSnrSelector


def test_snr_of_one_channel_is_mean_over_sample_std():
    img = np.array([1.0, 2.0, 3.0, 4.0]).reshape(2, 2, 1)
    # mean 2.5, sample variance 5/3
    assert snr(img) == pytest.approx(2.5 / np.sqrt(5 / 3), rel=1e-15)


def test_snr_counts_correlation_between_channels():
    ramp = np.array([1.0, 2.0, 3.0, 4.0])
    correlated = np.stack([ramp, ramp], axis=-1)
    anticorrelated = np.stack([ramp, ramp[::-1]], axis=-1)
    # sum(cov) = 4 * 5/3 for equal channels: snr = 2.5 * 2 / sqrt(20/3)
    assert snr(correlated) == pytest.approx(5.0 / np.sqrt(20 / 3), rel=1e-15)
    # opposite channels cancel: the channel sum is constant, no noise at all
    assert snr(anticorrelated) == np.inf


def test_snr_matches_the_covariance_formula_on_random_images():
    rng = np.random.default_rng(7)
    img = rng.normal(1000.0, 30.0, size=(40, 30, 3)) + rng.normal(0, 10, size=(40, 30, 1))
    reference = img.mean() * 3 / np.sqrt(np.sum(np.cov(img.reshape(-1, 3).T)))
    assert snr(img) == pytest.approx(reference, rel=1e-12)


def test_snr_is_scale_invariant_and_exact_on_integers():
    rng = np.random.default_rng(8)
    counts = rng.integers(0, 65535, size=(20, 30, 3), dtype=np.uint16)
    assert snr(counts) == pytest.approx(snr(counts / 0.025), rel=1e-13)


def frame(pixels: np.ndarray, t: float, name: str) -> Frame:
    return Frame(pixels=pixels, exposure_time=t, saturation=65535.0, path=Path(name))


def test_selector_keeps_highest_snr_and_first_of_a_tie():
    rng = np.random.default_rng(9)
    noisy = frame((1000 + rng.normal(0, 100, (8, 8, 3))).astype(np.uint16), 0.01, "noisy")
    clean = frame((1000 + rng.normal(0, 10, (8, 8, 3))).astype(np.uint16), 0.02, "clean")
    twin = frame(clean.pixels.copy(), 0.04, "twin")
    assert BestSnrSelector().select([noisy, clean, twin]) is clean


def test_selector_skips_brackets_without_positive_snr():
    zeros = frame(np.zeros((4, 4, 3), dtype=np.uint16), 0.01, "zeros")
    assert BestSnrSelector().select([zeros]) is None
    assert BestSnrSelector().select([]) is None
