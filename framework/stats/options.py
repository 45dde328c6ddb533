"""``RunOptions``: the choices of one ``camchar stats`` run that override the settings file (the flags)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import attrs

from camchar.host.options import OptionValue
from camchar.runtime.parallel import default_workers
from camchar.settings.model import Settings

__all__ = ["RunOptions", "DEFAULT_MAX"]

#: The overexposure threshold when neither the settings nor the command line give one (the original's).
DEFAULT_MAX = 0.995


@attrs.frozen
class RunOptions:
    """Choices that override the settings file (the command-line flags).

    Parameters
    ----------
    output
        The output file (``-o``).
    max
        The overexposure threshold (``--max``).
    loader, selector, noise_model, writer
        Component names (``--loader`` ...).
    workers
        Threads (``--workers``).
    scheduler
        A dask.distributed scheduler's address, or ``local:N`` (``--scheduler``).
    options
        Component options from ``--option NAME.KEY=VALUE``, by component
        name; they override the settings' ``plugins:`` section.
    checksum
        Record each input file's SHA-256 in the output's record of inputs
        (``--checksum``), besides its size and modification time.
    """

    output: Path | None = None
    max: float | None = None
    loader: str | None = None
    selector: str | None = None
    noise_model: str | None = None
    writer: str | None = None
    workers: int | None = None
    scheduler: str | None = None
    options: Mapping[str, Mapping[str, OptionValue]] = attrs.field(factory=dict)
    checksum: bool = False

    def max_fraction(self, settings: Settings) -> float:
        """The overexposure threshold: flag, then settings ``max``, then :data:`DEFAULT_MAX`."""
        for value in (self.max, settings.max):
            if value is not None:
                return value
        return DEFAULT_MAX

    def worker_count(self) -> int:
        """Threads to use."""
        return self.workers if self.workers is not None else default_workers()

    def component(self, setting: str) -> str | None:
        """The component named on the command line for the settings key ``setting``, if any."""
        return getattr(self, setting)
