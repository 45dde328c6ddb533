"""Output: the chosen writer writes the statistics to a temporary file that becomes the output when complete."""

from __future__ import annotations

from pathlib import Path

from camchar.files.atomic import atomic_output
from camchar.files.camera_samples import CameraSamples
from camchar.stats.choice import ChosenComponent

__all__ = ["check_writer", "write_samples"]


def check_writer(writer: ChosenComponent, path: Path) -> None:
    """Whether ``writer`` can write ``path`` (its :meth:`~camchar.api.Writer.check`), before any image is read.

    Raises
    ------
    BadInput
        When it cannot (a missing optional library).
    """
    writer.component.check(path)


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
