"""Paths as the user wrote them: ``~`` expanded, when two paths name one file (links and ``..`` resolved), output names."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["same_file_key", "with_home", "output_name_problem"]

#: What ends a name that names a folder.
_SEPARATORS = tuple(separator for separator in (os.sep, os.altsep) if separator)


def same_file_key(path: str | Path) -> Path:
    """``path`` with symbolic links and ``..`` resolved: two paths naming one file give one key.

    Parameters
    ----------
    path
        Any path; it need not exist (its existing part is resolved).

    Returns
    -------
    Path
        The absolute, resolved path.
    """
    return Path(os.path.realpath(path))


def with_home(text: str) -> Path | None:
    """``text`` as a path with a leading ``~`` or ``~user`` expanded; ``None`` when that home folder is unknown.

    Parameters
    ----------
    text
        A path as written in a settings file.
    """
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "Could not determine home directory": no such user, or no HOME
        return None


def output_name_problem(written: str, path: Path | None = None, beside: bool = False) -> str | None:
    """Why ``written`` cannot name an output file, or ``None`` when it can.

    An output name is made a file name by adding a suffix when it has none
    (``out`` gives ``out.h5``); that must never turn a folder, a device or a
    name ending in a dot into another file beside it (``dir.h5``,
    ``/dev/null.h5``, ``x..h5``).

    Parameters
    ----------
    written
        The name as the user wrote it (``-o``, or ``output:`` in a settings file).
    path
        Where it points, when not simply ``written`` (relative to a settings file's folder).
    beside
        For a folder, suggest a file beside it (``spectra.h5``) rather than in it: for a step whose input is a
        folder, where an output inside it is refused.

    Returns
    -------
    str or None
        The problem, to follow the quoted name in a message (``is a folder; ...``).
    """
    path = Path(written) if path is None else path
    folder = written.rstrip("".join(_SEPARATORS)) or written
    folder_example = f"{folder}.h5" if beside and folder not in (".", "..", os.sep) else f"{folder}/out.h5"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        return f"is a folder; give a file name such as {folder_example}"
    if mode is not None and not stat.S_ISREG(mode):
        return "is not a regular file (a device or a pipe): camchar writes its output to a regular file; give a file name such as out.h5"
    if written.endswith(_SEPARATORS):
        return f"names a folder (it ends in {written[-1]}); give a file name such as {folder_example}"
    if path.name.endswith("."):
        return f"ends in a dot; give the name with its suffix, such as {path.name.rstrip('.')}.h5"
    return None
