"""Paths as the user wrote them: ``~`` expanded, and when two paths name one file (links and ``..`` resolved)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["same_file_key", "with_home"]


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
