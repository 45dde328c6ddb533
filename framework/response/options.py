"""The choices of one ``camchar response`` run, its inputs and its chosen components.

Their own module, below ``run`` and ``freshness`` which both use them, so
that neither has to import the other for a type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from camchar.host.options import OptionValue
from camchar.host.problem import DEFAULT_TARGET_R2
from camchar.pipeline.choice import ChosenComponent
from camchar.settings.model import Settings

__all__ = ["ResponseOptions", "ResponseInputs", "ResponseChosen"]


@attrs.frozen
class ResponseOptions:
    """The choices of one ``camchar response`` run (the flags).

    Parameters
    ----------
    output
        The CameraResponse file to write.
    method
        The response method's name; ``None``: the settings' ``method``, else the default (``ridge-smooth``).
    non_negative
        Constrain the response to be non-negative.
    target_r2
        The R² the alpha search aims at.
    bandwidth
        The smoothing bandwidth (nm); ``None``: from the source spectra.
    source_scale
        ``"all"``: scale the source by its largest integral over every spectrum (the original's);
        ``"fitted"``: over the spectra the fit uses.
    sample_noise
        ``"pixel"``: draw each sample with the pixels' temporal noise as the file states it (the original's);
        ``"mean"``: with the noise of the sample itself, that divided by the square root of the pixels averaged.
    draws
        Bootstrap draws; 0 or 1: one plain fit.
    seed
        Seed of the bootstrap generator; ``None``: fresh randomness.
    spectra_reader
        The spectra reader's name; ``None``: the settings' ``spectra_reader``, else the one that can open the source.
    writer
        The writer's name (``--writer``); ``None``: the one that writes a response with the output's suffix.
    options
        Component options by component name (``--option``); they override the settings' ``plugins:`` section.
    """

    output: Path
    method: str | None = None
    non_negative: bool = False
    target_r2: float = DEFAULT_TARGET_R2
    bandwidth: float | None = None
    source_scale: str = "all"
    sample_noise: str = "pixel"
    draws: int = 100
    seed: int | None = None
    spectra_reader: str | None = None
    writer: str | None = None
    options: dict[str, dict[str, OptionValue]] = attrs.field(factory=dict)


@attrs.frozen
class ResponseInputs:
    """The two input files of a response run, and what a settings file said."""

    samples: Path
    source: Path
    non_negative: bool = False
    settings: Settings | None = None


@attrs.frozen
class ResponseChosen:
    """The components of one response fit, configured with their options."""

    method: ChosenComponent
    reader: ChosenComponent
    writer: ChosenComponent

    def provenance(self) -> dict[str, Any]:
        """Per role: the component's name, version, plugin and options."""
        return {"method": self.method.provenance(), "spectra_reader": self.reader.provenance(), "writer": self.writer.provenance()}
