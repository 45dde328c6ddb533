"""Output: the chosen writer writes the statistics to a temporary file that becomes the output when complete."""

from __future__ import annotations

from pathlib import Path

from camchar.files.atomic import atomic_output
from camchar.files.camera_samples import CameraSamples
from camchar.stats.choice import ChosenComponent

__all__ = ["write_samples"]


def write_samples(samples: CameraSamples, writer: ChosenComponent, path: Path) -> None:
    """Write ``samples`` with ``writer`` to a temporary file (with ``path``'s suffix) and move it onto ``path``.

    Raises
    ------
    BadInput
        When the output cannot be written (folder, space, permissions).
    PluginError
        When the writer fails; nothing is left behind and an existing output is unchanged.
    """
    with atomic_output(path) as temporary:
        writer.component.write(samples, temporary)
