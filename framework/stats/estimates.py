"""Estimates: the noise model streams the selected stack; its answer is checked before anyone uses it."""

from __future__ import annotations

import numpy as np

from camchar.core.errors import BadInput
from camchar.host.guard import checked_array
from camchar.stats.choice import ChosenComponent
from camchar.stats.cluster_stack import DistributedStack
from camchar.stats.context import DecodingContext
from camchar.stats.selection import Selection
from camchar.stats.stack import DecodingStack

__all__ = ["estimate_noise", "checked_estimates"]


def estimate_noise(context: DecodingContext, selection: Selection) -> np.ndarray:
    """Run the noise model on the selected frames and return its checked ``(N, C)`` estimates in counts/s.

    Parameters
    ----------
    context
        The run: its noise model and loader, load request, threads and
        reporter; its rules, the corrections selection applied (darks, black
        level, defect mask), applied again to frames decoded anew; its
        cluster, if any: a model that declares ``supports_cluster`` runs its
        per-frame and per-chunk work there, another runs here, with a note.
    selection
        The selected frames.

    Raises
    ------
    BadInput
        When the model refuses the sweep (named at the settings file when
        the model names no file).
    PluginError
        When the model's answer has the wrong shape, or is NaN, infinite or negative.
    """
    noise_model, loader, reporter, cluster = context.chosen.noise_model, context.chosen.loader, context.reporter, context.cluster
    n_frames = len(selection.frames)
    with reporter.step(f"noise model {noise_model.name}", n_frames, "pass 1") as progress:

        def on_frame(index: int, pass_number: int) -> None:
            if index == 0 and pass_number > 1:
                progress.restart(n_frames, f"pass {pass_number}")
            progress.advance()

        stack = DecodingStack(selection.frames, loader.component, context.request, selection.shape, context.workers, on_frame, context.rules, selection.sample_type)
        if cluster is not None:
            if noise_model.registered.component.supports_cluster:
                stack = DistributedStack(stack, cluster, on_frame)
            else:
                reporter.summary(f"noise model {noise_model.name} does not declare supports_cluster: it runs on this machine")
        try:
            std = noise_model.component.estimate(stack)
        except BadInput as error:
            if error.path is None:
                raise BadInput(context.settings.path, error.problem) from None
            raise
    return checked_estimates(std, noise_model, (n_frames, selection.shape[2]))


def checked_estimates(std: object, noise_model: ChosenComponent, expected: tuple[int, int]) -> np.ndarray:
    """``std`` as float64 if it is an ``expected``-shaped array of finite, non-negative numbers."""
    return checked_array(noise_model.registered, "estimate", std, expected, "frames, channels", non_negative=True)
