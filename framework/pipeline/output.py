"""Output rules every step keeps: never over an input, the writer asked first, written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.files.atomic import atomic_output
from camchar.pipeline.choice import ChosenComponent

__all__ = ["refuse_an_input", "check_writer", "write_result"]


def refuse_an_input(output: Path, inputs: Iterable[Path], words: str, result: str) -> None:
    """Refuse an output that is one of the run's inputs: writing there would destroy it.

    Paths through symbolic links or ``..`` count as the file they name.

    Parameters
    ----------
    output
        The output file.
    inputs
        Every file the run reads.
    words
        What the inputs are, for the message (``one of the sweep's inputs (...)``).
    result
        What the run writes, for the message (``the statistics``).

    Raises
    ------
    BadInput
        When ``output`` is one of ``inputs``.
    """
    target = same_file_key(output)
    if any(same_file_key(path) == target for path in inputs):
        raise BadInput(output, f"is {words}; writing {result} there would destroy it: choose another output")


def check_writer(writer: ChosenComponent, path: Path) -> None:
    """Whether ``writer`` can write ``path`` (its :meth:`~camchar.api.Writer.check`), before any work.

    Raises
    ------
    BadInput
        When it cannot (a missing optional library).
    """
    writer.component.check(path)


def write_result(result: Any, writer: ChosenComponent, path: Path) -> None:
    """Write ``result`` with ``writer`` to a temporary file (with ``path``'s suffix) and move it onto ``path``.

    Raises
    ------
    BadInput
        When the output cannot be written (folder, space, permissions).
    PluginError
        When the writer fails; nothing is left behind and an existing output is unchanged.
    """
    with atomic_output(path) as temporary:
        writer.component.write(result, temporary)
