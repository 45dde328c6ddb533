"""The linear-fpn noise model: closed-form stacks, an independent least-squares fit, the streamed form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.frames import Frame, LoadRequest
from camchar.host.stack import SelectedFrame, SelectedStack
from camchar.numerics.line_fit import fpn
from camchar.plugins.noise_models.linear_fpn import LinearFpn
from camchar.stats.stack import DecodingStack


def constructed_stack(sigma: float = 3.0, height: int = 6, width: int = 4):
    """A stack whose fixed pattern and residuals are known exactly.

    Residuals ``z[p] * v[n]`` with ``v = [1, -1, -1, 1]`` are orthogonal to
    both 1 and ``x = [1, 2, 3, 4]``, so the per-pixel fit leaves exactly them;
    ``z = +-sigma`` over the pixels makes their std ``sigma`` in every frame.
    """
    rng = np.random.default_rng(3)
    x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])  # (N, C)
    v = np.array([1.0, -1.0, -1.0, 1.0])
    shape = (height, width, 2)
    offset = rng.normal(0, 5, shape)
    offset -= offset.mean(axis=(0, 1))
    bias = 1 + rng.normal(0, 0.1, shape)
    bias -= bias.mean(axis=(0, 1)) - 1
    z = sigma * np.where(np.arange(height * width) % 2 == 0, 1.0, -1.0).reshape(height, width, 1)
    stack = offset + bias * x[:, None, None, :] + z * v[:, None, None, None]
    return stack, x, offset, bias, z * v[:, None, None, None]


def test_fpn_recovers_the_constructed_pattern_and_residuals():
    stack, x, offset, bias, residuals = constructed_stack()
    assert np.allclose(stack.mean(axis=(1, 2)), x, rtol=1e-14)
    got_offset, got_bias, got_residuals = fpn(stack, x)
    assert np.allclose(got_offset, offset, atol=1e-12)
    assert np.allclose(got_bias, bias, rtol=1e-13)
    assert np.allclose(got_residuals, residuals, atol=1e-12)


def test_fpn_agrees_with_a_per_pixel_least_squares_fit():
    rng = np.random.default_rng(4)
    stack = rng.normal(100, 10, size=(7, 5, 3, 3)) * np.linspace(1, 3, 7)[:, None, None, None]
    x = stack.mean(axis=(1, 2))
    offset, bias, residuals = fpn(stack, x)
    for c in range(3):
        design = np.stack([np.ones(7), x[:, c]], axis=1)
        coefficients, *_ = np.linalg.lstsq(design, stack[..., c].reshape(7, -1), rcond=None)
        assert np.allclose(offset[..., c].ravel(), coefficients[0], rtol=1e-9)
        assert np.allclose(bias[..., c].ravel(), coefficients[1], rtol=1e-9)
        fitted = design @ coefficients
        assert np.allclose(residuals[..., c].reshape(7, -1), stack[..., c].reshape(7, -1) - fitted, atol=1e-9)


class ArrayLoader:
    """A loader that serves frames of an in-memory stack, as counts with exposure time 1 s."""

    name = "array"
    description = "frames from memory"
    suffixes = (".npy",)

    def __init__(self, stack: np.ndarray):
        self.stack = stack
        self.loads = 0

    def load(self, path: Path, request: LoadRequest) -> Frame:
        self.loads += 1
        return Frame(self.stack[int(path.stem)].copy(), 1.0, np.inf, path)


def streamed(stack: np.ndarray, workers: int = 2) -> tuple[SelectedStack, ArrayLoader]:
    loader = ArrayLoader(stack)
    frames = [
        SelectedFrame(400 + 10 * n, n, Path(f"{n}.npy"), 1.0, stack[n].mean(axis=(0, 1))) for n in range(stack.shape[0])
    ]
    return DecodingStack(frames, loader, LoadRequest(), stack.shape[1:], workers), loader


def test_linear_fpn_gives_the_closed_form_noise():
    stack, *_ = constructed_stack(sigma=3.0)
    selected, loader = streamed(stack)
    std = LinearFpn().estimate(selected)
    assert std == pytest.approx(np.full((4, 2), 3.0), rel=1e-12)
    assert loader.loads == 2 * 4, "the model streams the stack twice, frame by frame"


@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_model_equals_the_in_memory_fit(workers):
    rng = np.random.default_rng(5)
    scale = rng.uniform(1e3, 1e5, size=(9, 1, 1, 3))
    stack = scale * (1 + rng.normal(0, 0.02, size=(9, 12, 10, 3))) + rng.normal(0, 40, size=(1, 12, 10, 3))
    selected, _ = streamed(stack, workers)
    _, _, residuals = fpn(stack, stack.mean(axis=(1, 2)))
    assert LinearFpn().estimate(selected) == pytest.approx(residuals.std(axis=(1, 2)), rel=1e-9)


def test_linear_fpn_needs_two_distinct_brackets():
    stack = np.random.default_rng(6).normal(100, 1, size=(1, 4, 4, 3))
    selected, _ = streamed(stack)
    with pytest.raises(BadInput, match="needs at least two"):
        LinearFpn().estimate(selected)


def test_linear_fpn_warns_that_two_brackets_leave_no_residual():
    stack = np.random.default_rng(6).normal(100, 1, size=(2, 4, 4, 3)) * np.array([1.0, 2.0])[:, None, None, None]
    selected, _ = streamed(stack)
    with pytest.warns(CamcharWarning, match="fits exactly"):
        std = LinearFpn().estimate(selected)
    assert np.all(std < 1e-9 * stack.mean())
