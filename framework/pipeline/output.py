"""Output rules every step keeps: never over an input, the writer asked first, written whole or not at all."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Iterable

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.files.atomic import atomic_output
from camchar.host.guard import component_error
from camchar.pipeline.choice import ChosenComponent

__all__ = ["refuse_an_input", "check_writer", "write_result", "write_with"]


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
    write_with(writer, path, lambda temporary: writer.component.write(result, temporary))


def write_with(writer: ChosenComponent, path: Path, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` by ``writer``, moved onto ``path`` when it wrote one regular file there.

    A writer that writes nothing, or a folder, is at fault (it is named, and
    what it left is removed); a ``BadInput`` it raises about the temporary
    file names the output instead.

    Raises
    ------
    BadInput
        When the output cannot be written, or the writer refuses it.
    PluginError
        When the writer fails or writes no file.
    """
    with atomic_output(path) as temporary:
        try:
            write(temporary)
        except BadInput as refusal:
            if refusal.path is not None and Path(refusal.path) == temporary:
                raise BadInput(path, refusal.problem, refusal.line) from None
            raise
        if temporary.is_dir() and not temporary.is_symlink():
            shutil.rmtree(temporary, ignore_errors=True)
            raise component_error(writer.registered, "wrote a folder, not the file it was given")
        if not temporary.is_file():
            raise component_error(writer.registered, "returned from write() without writing the file it was given")
