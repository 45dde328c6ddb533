"""Noise model ``fpn-unbiased``: fixed-pattern removal that recovers the true temporal noise.

``linear-fpn`` (the original) has two biases, both measured on simulated
sweeps:

1. It fits in counts/s. The dark offset ``d`` of a pixel becomes ``d / t``
   after normalisation, which is not a linear function of the stimulus when
   the selected exposure times differ, so the dark pattern stays in the
   residuals (noise overestimated, by up to 64%).
2. The per-pixel fit is shared by all frames, so it absorbs part of every
   frame's noise and moves noise between frames (noisy frames leak into quiet
   ones).

This model fits the per-pixel lines in raw counts, where a pixel's value is
exactly linear in the frame mean whatever the exposure
(``c = d + g s`` and ``x = mean d + mean g s``), so the offset absorbs the dark
pattern and the slope the gain pattern (PRNU, vignetting). Then, because the
regressor ``[1, x]`` is common to all pixels of a channel, the residuals are
``r_p = (I - H) e_p`` with ``H`` the ``N x N`` hat matrix of that regressor, and
for independent temporal noise::

    mean_p E[r[n, p]^2] = sum_m ((I - H)[n, m])^2 V[m]

with ``V[m]`` the true temporal variance of frame ``m`` (counts^2, averaged
over the ROI). Solving this linear system for ``V`` undoes the leakage; the
noise is ``sqrt(V) / t`` in counts/s. The system is determined once there are
five or more frames; with few frames it amplifies the sampling error of the
squared residuals, which the model estimates and warns about above 2%.

Streaming and memory are those of ``linear-fpn`` (two passes, bounded batches).
"""

from __future__ import annotations

import warnings

import numpy as np

from camchar.api import BadInput, CamcharWarning, NoiseModel, SelectedStack, hookimpl
from camchar.api.numerics import pattern_drift, residual_moments

__all__ = ["FpnUnbiased", "leakage_matrix", "residual_maker", "MIN_FRAMES"]

#: Fewest frames for which the leakage system can be solved (the squared residual-maker has full rank).
MIN_FRAMES = 5
#: Warn when the expected statistical error (1 sigma) of any estimate exceeds this fraction.
WARN_ABOVE = 0.02


def residual_maker(stimulus: np.ndarray) -> np.ndarray:
    """``I - H``, with ``H`` the hat matrix of the regressor ``[1, stimulus]`` (``(N,)``, one channel)."""
    design = np.column_stack([np.ones_like(stimulus), stimulus - stimulus.mean()])
    hat = design @ np.linalg.solve(design.T @ design, design.T)
    return np.eye(len(stimulus)) - hat


def leakage_matrix(stimulus: np.ndarray) -> np.ndarray:
    """``M[n, m] = ((I - H)[n, m])^2`` for the regressor ``[1, stimulus]``.

    Parameters
    ----------
    stimulus
        ``(N,)`` the common regressor of one channel.

    Returns
    -------
    ndarray
        ``(N, N)``: the expected mean squared residual of frame ``n`` is
        ``sum_m M[n, m] V[m]`` for temporal variances ``V``.
    """
    return residual_maker(stimulus) ** 2


class FpnUnbiased(NoiseModel):
    """Per-pixel fit in counts, then the shared fit's leakage undone: unbiased temporal noise."""

    name = "fpn-unbiased"
    description = "Per-pixel fit in counts (dark offset stays put) with the shared fit's noise leakage undone"
    supports_cluster = True
    min_frames = MIN_FRAMES

    def estimate(self, stack: SelectedStack) -> np.ndarray:
        """Return the ``(N, C)`` temporal noise in counts/s.

        Raises
        ------
        BadInput
            With fewer than five usable brackets, or channel means that do
            not vary enough for the system to be solved.
        """
        n_frames = len(stack)
        if n_frames < MIN_FRAMES:
            raise BadInput(None, f"fpn-unbiased needs at least {MIN_FRAMES} usable brackets to separate the noise; this sweep has {n_frames}")
        exposure_times = stack.exposure_times
        stimulus_counts = stack.stimulus * exposure_times[:, np.newaxis]
        moments = residual_moments(stack, np.ones(n_frames), stimulus_counts, neighbours=True)
        counts = stack.pixel_counts
        mean = moments[:, 0] / counts
        residual_variance = moments[:, 1] / counts - mean**2  # (N, C), counts^2
        variance = np.empty_like(residual_variance)
        relative_error = np.empty_like(residual_variance)
        for channel in range(stimulus_counts.shape[1]):
            leakage = leakage_matrix(stimulus_counts[:, channel])
            if np.linalg.cond(leakage) > 1e10:
                raise BadInput(None, "fpn-unbiased cannot separate the noise: the frames' channel means hardly differ")
            inverse = np.linalg.inv(leakage)
            variance[:, channel] = inverse @ residual_variance[:, channel]
            # each mean of squared residuals has a sampling variance of about 2 R^2 / P;
            # the solve carries it into V, and the square root halves it
            sampling = 2.0 * residual_variance[:, channel] ** 2 / counts[channel]
            with np.errstate(divide="ignore", invalid="ignore"):
                relative_error[:, channel] = 0.5 * np.sqrt(inverse**2 @ sampling) / np.abs(variance[:, channel])
        worst = float(np.nanmax(relative_error))
        if worst > WARN_ABOVE:
            warnings.warn(
                CamcharWarning(
                    f"fpn-unbiased: with {n_frames} brackets of {stack.pixel_count} pixels the statistical error of the "
                    f"noise reaches about {100 * worst:.0f}% (1 sigma); more brackets or a larger roi reduce it"
                ),
                stacklevel=2,
            )
        makers = np.array([residual_maker(stimulus_counts[:, channel]) for channel in range(stimulus_counts.shape[1])])
        drift = pattern_drift(moments, counts, makers, np.maximum(variance, 0.0))
        if drift is not None:
            warnings.warn(
                CamcharWarning(
                    f"fpn-unbiased: the residuals of neighbouring brackets are correlated beyond temporal noise "
                    f"({drift.significance:.0f} standard errors): a fixed pattern changes across the sweep (the gain pattern with "
                    f"wavelength, or master darks of few frames at different exposures), and the noise is likely off by up "
                    f"to {100 * drift.worst:.0f}% (median {100 * drift.median:.1f}% where affected); the pairs noise model does not depend on it"
                ),
                stacklevel=2,
            )
        return np.sqrt(np.maximum(variance, 0.0)) / exposure_times[:, np.newaxis]


@hookimpl
def camchar_register_noise_models(register):
    """Register the ``fpn-unbiased`` noise model."""
    register(FpnUnbiased())
