"""The exact sums over a frame's pixels and channels: equal to plain int64 arithmetic, whatever the layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from camchar.numerics.reductions import channel_maxima, channel_totals, pixel_sum_moments
from camchar.numerics.snr import snr

INTEGER_TYPES = (np.uint8, np.int8, np.uint16, np.int16)


def reference_moments(pixels: np.ndarray) -> tuple[int, int, int]:
    sums = [int(value) for value in pixels.reshape(-1, pixels.shape[-1]).astype(np.int64).sum(axis=1)]
    return len(sums), sum(sums), sum(value * value for value in sums)


def roi_of(dtype, height: int, width: int, channels: int, seed: int) -> np.ndarray:
    """A ROI cut from a larger frame, as the tiff loader hands it out: rows contiguous, the frame not."""
    limits = np.iinfo(dtype)
    whole = np.random.default_rng(seed).integers(limits.min, limits.max, (height + 3, width + 5, channels), dtype=dtype, endpoint=True)
    return whole[1 : 1 + height, 2 : 2 + width]


@given(
    dtype=st.sampled_from(INTEGER_TYPES),
    height=st.integers(1, 90),
    width=st.integers(1, 40),
    channels=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_sums_of_a_roi_equal_int64_arithmetic(dtype, height, width, channels, seed):
    pixels = roi_of(dtype, height, width, channels, seed)
    assert pixel_sum_moments(pixels) == reference_moments(pixels)
    expected = np.array([pixels[..., c].astype(np.int64).sum() for c in range(channels)], dtype=np.float64)
    np.testing.assert_array_equal(channel_totals(pixels), expected)


def test_saturated_frame_is_summed_exactly():
    # the largest possible per-pixel sum in every pixel: each float64 block sum stays below 2**53
    pixels = np.full((700, 3000, 3), 65535, np.uint16)
    pixel_sum = 3 * 65535
    assert pixel_sum_moments(pixels) == (700 * 3000, 700 * 3000 * pixel_sum, 700 * 3000 * pixel_sum**2)
    np.testing.assert_array_equal(channel_totals(pixels), np.full(3, 700 * 3000 * 65535.0))


@pytest.mark.parametrize("dtype, value", [(np.uint16, 65535), (np.int16, -32768)])
def test_channel_totals_over_more_rows_than_a_32_bit_sum_holds(dtype, value):
    pixels = np.full((70_000, 2, 1), value, dtype)
    np.testing.assert_array_equal(channel_totals(pixels), [70_000 * 2 * float(value)])


def test_layouts_without_contiguous_rows_fall_back_to_plain_sums():
    pixels = roi_of(np.uint16, 30, 20, 3, 1).transpose(1, 0, 2)  # columns as rows: strided channels
    assert pixel_sum_moments(pixels) is None
    expected = np.array([pixels[..., c].astype(np.int64).sum() for c in range(3)], dtype=np.float64)
    np.testing.assert_array_equal(channel_totals(pixels), expected)
    assert snr(pixels) == snr(np.ascontiguousarray(pixels))


def test_floats_and_wide_integers_are_not_summed_as_exact_integers():
    assert pixel_sum_moments(np.ones((4, 4, 3), np.float64)) is None
    assert pixel_sum_moments(np.ones((4, 4, 4), np.int32)) is None


def test_snr_from_exact_sums_equals_the_covariance_formula():
    pixels = roi_of(np.uint16, 120, 90, 3, 7)
    values = pixels.reshape(-1, 3).astype(np.float64)
    original = values.mean() * 3 / np.sqrt(np.sum(np.cov(values.T)))
    assert snr(pixels) == pytest.approx(original, rel=1e-13)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.float64])
def test_channel_maxima_of_contiguous_and_strided_frames(dtype):
    rng = np.random.default_rng(3)
    frame = rng.integers(0, 250, size=(13, 11, 3)).astype(dtype)
    frame[7, 4, 1] = 251
    for view in (frame, frame[2:9, 3:10], frame[::2, ::3], np.asfortranarray(frame)):
        assert channel_maxima(view).tolist() == [view[..., c].max() for c in range(3)]
