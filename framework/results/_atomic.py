"""Write an output file so that it appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

from camchar import BadInput

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Give a temporary path beside ``path``; move it onto ``path`` only on success.

    The temporary name ends with the final suffix (``.report.1234-9f3a.tmp.html``),
    so libraries that pick a format from the suffix pick the right one. It is
    removed on any failure, Ctrl-C included; an existing file at ``path`` is
    untouched until the new one is complete.

    Parameters
    ----------
    path
        The final output path.

    Yields
    ------
    Path
        Where to write.

    Raises
    ------
    BadInput
        When the folder does not exist or cannot be written, or ``path`` is a folder.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise BadInput(path.parent, "output folder does not exist")
    if path.is_dir():
        raise BadInput(path, "output path is a folder; give a file name")
    temporary = path.parent / f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{path.suffix}"
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(path, f"cannot write the output ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
