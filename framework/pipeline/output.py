"""Output rules every step keeps: never over an input, the writer asked first, written whole or not at all."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.paths import same_file_key
from camchar.files.atomic import atomic_output
from camchar.host.guard import component_error
from camchar.pipeline.choice import ChosenComponent

__all__ = ["refuse_an_input", "check_writer", "check_finite_result", "write_result", "write_with"]


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


def write_result(result: Any, writer: ChosenComponent, path: Path, made_from: Path | None = None) -> None:
    """Write ``result`` with ``writer`` to a temporary file (with ``path``'s suffix) and move it onto ``path``.

    Parameters
    ----------
    result
        What a step computed (``CameraSamples``, ``CameraResponse``), or a result file read back (export).
    writer
        The chosen writer.
    path
        The output.
    made_from
        The input a step computed ``result`` from (its settings or samples file): the result's numbers are
        then checked first (:func:`check_finite_result`), naming that input. ``None``: a result file
        rewritten as it was read (``camchar export``), not checked.

    Warns
    -----
    CamcharWarning
        See :func:`check_finite_result`.

    Raises
    ------
    BadInput
        When a number of the result is NaN or infinite, or the output cannot be written (folder, space,
        permissions); an existing output is unchanged.
    PluginError
        When the writer fails; nothing is left behind and an existing output is unchanged.
    """
    if made_from is not None:
        check_finite_result(result, made_from)
    write_with(writer, path, lambda temporary: writer.component.write(result, temporary))


def check_finite_result(result: Any, made_from: Path) -> None:
    """Refuse a result whose numbers are not all finite; warn by name about EMVA 1288 figures that are not.

    Every number of ``result.fields()`` (the samples' mean, std and exposure
    times; the response, its std, R², alpha, the estimates) must be finite:
    NaN or infinity there is a wrong answer, never written. An EMVA 1288
    figure (``result.emva1288``) can be unknowable (a channel without signal
    above dark has no gain): it is written as it is, with a warning naming it
    that is also added to the result's provenance, so that it lands in the
    output.

    Parameters
    ----------
    result
        An object with ``fields()`` (and maybe ``emva1288`` and ``provenance``).
    made_from
        The input named in the error and the warnings.

    Warns
    -----
    CamcharWarning
        For each EMVA 1288 figure with a NaN or infinite value.

    Raises
    ------
    BadInput
        Naming ``made_from`` and the first member with a NaN or infinite value.
    """
    for name, value in result.fields().items():
        values = _numbers(value)
        bad = int(np.count_nonzero(~np.isfinite(values)))
        if bad:
            raise BadInput(
                made_from,
                f"the result's {name} would hold {bad} NaN or infinite value(s) of {values.size}; refused, nothing written "
                f"(these inputs lead to numbers the arithmetic cannot represent)",
            )
    for name, (values, _) in (getattr(result, "emva1288", None) or {}).items():
        _warn_unknowable(result, name, _numbers(values), made_from)


def _numbers(value: Any) -> np.ndarray:
    """``value``'s floating-point numbers, flat; empty for text, integers, ``None`` and anything else."""
    array = np.asarray(value) if value is not None and not isinstance(value, str) else np.empty(0)
    return array.ravel() if array.dtype.kind in "fc" else np.empty(0)


def _warn_unknowable(result: Any, name: str, values: np.ndarray, made_from: Path) -> None:
    """Warn about an EMVA 1288 figure with NaN or infinite values, naming its channels, and record the warning."""
    bad = np.flatnonzero(~np.isfinite(values))
    if not bad.size:
        return
    text = (
        f"{made_from}: the EMVA 1288 {name} is not finite ({values[bad[0]]:g}) in channel {', '.join(str(index + 1) for index in bad)}; "
        f"written as it is (a channel without signal above dark?)"
    )
    warnings.warn(CamcharWarning(text), stacklevel=4)
    provenance = getattr(result, "provenance", None)
    if isinstance(provenance, dict):
        provenance["warnings"] = [*(provenance.get("warnings") or []), text]


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
