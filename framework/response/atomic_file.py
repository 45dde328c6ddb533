"""Write a file so that it appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

from camchar import BadInput

__all__ = ["replace_atomically"]


@contextlib.contextmanager
def replace_atomically(path: str | Path) -> Iterator[Path]:
    """Give a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary file is in the target folder (so ``os.replace`` is an atomic
    rename on one file system) and its name ends with the target's suffix
    (``.out.h5.<pid>-<random>.h5`` for ``out.h5``), so tools that pick a format
    by suffix treat it alike. It is removed on any failure; an existing file
    at ``path`` is untouched until the new one is complete.

    Parameters
    ----------
    path
        The final file.

    Yields
    ------
    pathlib.Path
        Where to write.

    Raises
    ------
    BadInput
        When the folder does not exist, ``path`` is a folder, or the file cannot be written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise BadInput(path.parent, "output folder does not exist")
    if path.is_dir():
        raise BadInput(path, "output path is a folder; give a file name such as response.h5")
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{path.suffix}"
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(path, f"cannot write the output ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
