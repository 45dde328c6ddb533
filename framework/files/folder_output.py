"""Write a set of files into a folder so that they appear together, complete, or not at all.

What :func:`camchar.files.atomic.atomic_output` is for one file, this is for
an output made of several files and folders (a simulated sweep: ``images/``,
``settings.yml``, ``truth.h5``). They are written into a temporary folder
beside their target; only when every one is complete are they moved in. A run
that fails (a full disk, Ctrl-C) removes the temporary folder, so no
half-written image is ever left behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Iterator, Sequence

from camchar.core.errors import BadInput
from camchar.files.atomic import TEMPORARY_MARK

__all__ = ["folder_output"]


@contextlib.contextmanager
def folder_output(folder: str | Path, entries: Sequence[str]) -> Iterator[Path]:
    """Give a temporary folder to write ``entries`` into; move them into ``folder`` only on success.

    Parameters
    ----------
    folder
        The target folder; created (with its parents) when missing. When it exists it may hold
        other files, but none of ``entries``: a new output is never mixed with
        an older one.
    entries
        The names (files or folders) the writer creates in the temporary
        folder, all of which are moved into ``folder``.

    Yields
    ------
    Path
        The temporary folder (on the same file system as ``folder``).

    Raises
    ------
    BadInput
        When ``folder`` exists and is not a folder, already holds one of
        ``entries``.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BadInput(folder, "exists and is not a folder")
    taken = [name for name in entries if (folder / name).exists() or (folder / name).is_symlink()]
    if taken:
        raise BadInput(folder, f"already holds {', '.join(taken)}; give a new or empty folder (camchar never mixes two outputs in one)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = folder.parent / f".{folder.name}{TEMPORARY_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    temporary.mkdir()
    try:
        yield temporary
        missing = [name for name in entries if not (temporary / name).exists()]
        if missing:
            raise FileNotFoundError(f"the writer did not create {', '.join(missing)}")
        if not folder.exists():
            temporary.rename(folder)
            return
        for name in entries:
            (temporary / name).rename(folder / name)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
