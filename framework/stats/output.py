"""Output: the chosen writer writes the statistics to a temporary file that becomes the output when complete."""

from __future__ import annotations

from pathlib import Path

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.files.atomic import atomic_output
from camchar.files.camera_samples import CameraSamples
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen, ChosenComponent
from camchar.stats.freshness import input_files

__all__ = ["check_not_an_input", "check_writer", "write_samples"]


def check_not_an_input(output: Path, settings: Settings, chosen: Chosen) -> None:
    """Refuse an output that is one of the sweep's inputs: writing there would destroy it.

    Paths through symbolic links or ``..`` count as the file they name.

    Raises
    ------
    BadInput
        When ``output`` is the settings file, an image, a dark frame or an exposure file of the sweep.
    """
    target = same_file_key(output)
    try:
        inputs = [settings.path, *input_files(settings, chosen)]
    except BadInput:  # a plan that cannot be made is reported by its own check
        inputs = [settings.path]
    if any(same_file_key(path) == target for path in inputs):
        raise BadInput(output, "is one of the sweep's inputs (the settings file, an image or a dark frame); writing the statistics there would destroy it: choose another output")


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
