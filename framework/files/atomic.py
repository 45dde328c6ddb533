"""Write a file so that it either appears complete or not at all.

The new file is written under a temporary name in the target folder that
keeps the output's suffix (``.out.camchar-tmp-1234-9f8e7d6c.h5``), so a writer
that adds the suffix itself (``numpy.save`` does) writes exactly the file it
was given, and is moved onto the output only when complete.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import stat
from pathlib import Path
from typing import Iterator

from camchar.core.errors import BadInput, shorten, write_failure

__all__ = ["atomic_output", "check_output_path", "process_is_gone", "remove_stale_temporaries", "TEMPORARY_MARK", "MAX_NAME_BYTES"]

#: The part of every temporary file name that marks it as camchar's.
TEMPORARY_MARK = ".camchar-tmp-"
#: The longest file name most file systems allow.
MAX_NAME_BYTES = 255


def process_is_gone(pid: int) -> bool:
    """Whether no process ``pid`` exists any more (its temporary files are then orphans)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):  # it exists, owned by someone else; or not a pid at all
        return False
    return False


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporaries in ``folder`` left by camchar processes that were killed (``kill -9``, power loss)."""
    for stale in folder.glob(f"*{TEMPORARY_MARK}*"):
        pid = stale.name.split(TEMPORARY_MARK, 1)[1].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and process_is_gone(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def check_output_path(path: str | Path) -> None:
    """Fail early, before any long computation, if ``path`` cannot be written.

    Raises
    ------
    BadInput
        When the folder is missing or not writable, ``path`` is a folder or a
        special file, its name is too long, or it exists and is read-only
        (camchar does not replace a file someone protected).
    """
    path = Path(path)
    folder = path.parent
    if len(os.fsencode(path.name)) > MAX_NAME_BYTES:
        raise BadInput(None, f"output file name {shorten(path.name, 60)} is longer than {MAX_NAME_BYTES} bytes; give a shorter -o")
    if not folder.is_dir():
        raise BadInput(folder, "output folder does not exist")
    if path.is_dir():
        raise BadInput(path, "output path is a folder; give a file name such as out.h5")
    if path.exists() or path.is_symlink():
        mode = os.stat(path).st_mode if path.exists() else 0
        if path.exists() and not stat.S_ISREG(mode):
            raise BadInput(path, "output path exists and is not a regular file (a pipe or a device?); give another -o")
        if path.exists() and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise BadInput(path, "output file exists and is read-only; camchar does not replace it (remove it or give another -o)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(folder, "output folder is not writable")


def _temporary_name(path: Path) -> Path:
    mark = f"{TEMPORARY_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    name = f".{path.stem}{mark}{path.suffix}"
    if len(os.fsencode(name)) > MAX_NAME_BYTES:
        name = f"{mark}{path.suffix}"
    return path.parent / name


def _sync(path: Path) -> None:
    """Flush ``path`` to the disk, so that a full disk shows now rather than after the rename."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Give a temporary path beside ``path`` with its suffix; move it onto ``path`` only on success.

    The temporary file lives in the target folder (so the final rename is
    atomic on the same file system) and is removed on any failure, Ctrl-C
    and SIGTERM included, with anything else written under its name; an
    existing file at ``path`` is untouched until the new one is complete. A
    temporary left by a process killed outright is removed by the next run
    writing into the same folder.

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
        When the target cannot be written, or writing fails for lack of space
        or permission (one line naming the output).
    """
    path = Path(path)
    check_output_path(path)
    remove_stale_temporaries(path.parent)
    temporary = _temporary_name(path)
    try:
        yield temporary
        if not temporary.is_file():
            raise FileNotFoundError(errno.ENOENT, "the writer did not create the file it was given", str(temporary))
        _sync(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(path, f"cannot write the output ({write_failure(exc, path.parent)})") from None
    finally:
        for leftover in path.parent.glob(glob.escape(temporary.stem) + "*"):
            with contextlib.suppress(OSError):
                leftover.unlink()
