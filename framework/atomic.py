"""Write a file so that it either appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

from camchar.errors import BadInput

__all__ = ["atomic_output", "check_output_path"]


def check_output_path(path: str | Path) -> None:
    """Fail early, before any long computation, if ``path`` cannot be written.

    Raises
    ------
    BadInput
        When the folder is missing or not writable, or ``path`` is a folder.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise BadInput(folder, "output folder does not exist")
    if path.is_dir():
        raise BadInput(path, "output path is a folder; give a file name such as out.h5")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(folder, "output folder is not writable")


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Give a temporary path beside ``path``; move it onto ``path`` only on success.

    The temporary file lives in the target folder (so the final rename is
    atomic on the same file system) and is removed on any failure, Ctrl-C
    included; an existing file at ``path`` is untouched until the new one is
    complete.

    Parameters
    ----------
    path
        The final output path.

    Yields
    ------
    Path
        Where to write the new file.

    Raises
    ------
    BadInput
        When the target folder does not exist or is not writable.
    """
    path = Path(path)
    check_output_path(path)
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        yield temporary
        os.replace(temporary, path)
    except PermissionError as exc:
        raise BadInput(path, f"cannot write the output ({exc.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
