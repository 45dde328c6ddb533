"""Write a file so that it either appears complete or not at all."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
from pathlib import Path
from typing import Iterator

from camchar.errors import BadInput

__all__ = ["atomic_output", "check_output_path", "process_is_gone", "remove_stale_temporaries"]


def process_is_gone(pid: int) -> bool:
    """Whether no process ``pid`` exists any more (its temporary files are then orphans)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, owned by someone else
        return False
    return False


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries of ``path`` left by camchar processes that were killed (``kill -9``, power loss)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = stale.name[len(path.name) + 2 :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and process_is_gone(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


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
    and SIGTERM included; an existing file at ``path`` is untouched until the
    new one is complete. A temporary left by a process killed outright is
    removed by the next run writing the same output.

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
    remove_stale_temporaries(path)
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(path, f"cannot write the output ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
