"""Output of ``camchar stats``: never over one of the sweep's inputs (the rules every step keeps are :mod:`camchar.pipeline.output`)."""

from __future__ import annotations

from pathlib import Path

from camchar.core.errors import BadInput
from camchar.pipeline.output import refuse_an_input
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen
from camchar.stats.freshness import input_files

__all__ = ["check_not_an_input"]


def check_not_an_input(output: Path, settings: Settings, chosen: Chosen) -> None:
    """Refuse an output that is one of the sweep's inputs: writing there would destroy it.

    Raises
    ------
    BadInput
        When ``output`` is the settings file, an image, a dark frame or an exposure file of the sweep.
    """
    try:
        inputs = [settings.path, *input_files(settings, chosen)]
    except BadInput:  # a plan that cannot be made is reported by its own check
        inputs = [settings.path]
    refuse_an_input(output, inputs, "one of the sweep's inputs (the settings file, an image or a dark frame)", "the statistics")
