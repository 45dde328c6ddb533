"""camchar.testing does what docs/plugins/testing.md says, checked against known truth."""

from __future__ import annotations

import numpy as np
import pytest

from camchar.api import Selector, hookimpl
from camchar.plugins.noise_models.fpn_unbiased import FpnUnbiased
from camchar.plugins.noise_models.pairs import Pairs
from camchar.testing import build_host, fake_stack, run_stats_on


def test_fake_stack_serves_a_noise_model_the_known_noise():
    rng = np.random.default_rng(1)
    pattern = rng.normal(0, 50, size=(80, 100, 1))
    levels = np.linspace(1000, 9000, 12)
    frames = [level + pattern + rng.normal(0, 3.0, size=(80, 100, 1)) for level in levels]
    noise = FpnUnbiased().estimate(fake_stack(frames, exposure_times=[0.01] * 12))
    np.testing.assert_allclose(noise, 3.0 / 0.01, rtol=0.05)


def test_fake_stack_with_partners_for_pair_models():
    rng = np.random.default_rng(2)
    frames = [np.full((30, 30, 2), 500.0) + rng.normal(0, 4.0, (30, 30, 2)) for _ in range(3)]
    partners = [np.full((30, 30, 2), 500.0) + rng.normal(0, 4.0, (30, 30, 2)) for _ in range(3)]
    noise = Pairs().estimate(fake_stack(frames, [0.5, 0.5, 0.5], partners=partners))
    np.testing.assert_allclose(noise, 4.0 / 0.5, rtol=0.1)
    assert fake_stack(frames, [1.0] * 3).partner(0) is None


def test_fake_stack_refuses_frames_of_different_shapes():
    with pytest.raises(ValueError, match="one shape"):
        fake_stack([np.zeros((2, 2, 1)), np.zeros((2, 3, 1))], [1.0, 1.0])


def test_the_small_sweep_fixture_has_its_truth(small_sweep):
    samples = run_stats_on(small_sweep.settings, noise_model="pairs", selector="longest-unsaturated")
    rows = [small_sweep.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    np.testing.assert_allclose(samples.mean, small_sweep.truth["mean_rate"][rows], rtol=2e-3)
    np.testing.assert_allclose(samples.std, small_sweep.truth["temporal_std"][rows], rtol=0.08)


class FirstFrame(Selector):
    name = "first"
    description = "The first frame of each bracket"

    def select(self, frames):
        return frames[0] if frames else None


class FakePlugin:
    @hookimpl
    def camchar_register_selectors(self, register):
        register(FirstFrame())


def test_a_fake_component_for_one_test(small_sweep):
    samples = run_stats_on(small_sweep.settings, build_host(plugins=[FakePlugin()]), selector="first")
    assert set(samples.exp_time) == {1 / 80}
    assert samples.provenance["selector_plugin"] == "FakePlugin unknown version"
