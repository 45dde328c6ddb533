"""When two paths name one file: symbolic links and ``..`` resolved, whether or not the file exists yet."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["same_file_key"]


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
