"""The record of a run's inputs, the same for every step: how files are identified, stored and compared.

Every step keeps, in its HDF5 output's ``/camchar`` group (attribute
:data:`RECORD_KEY`, JSON text), the record of what the output was computed
from: its input files, its components (name, version, plugin, options) and
its parameters. An output is up to date when the record recomputed now is
the one stored; a step says what goes into its record, and names, for each
key, what a difference means (:func:`first_change`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

from camchar.files.records import RECORD_KEY, read_record

__all__ = [
    "RECORD_KEY",
    "read_record",
    "record_text",
    "plain_record",
    "first_change",
    "changed_entry",
    "short_digest",
    "relative_name",
    "FileStatus",
    "file_status",
    "digest_lines",
    "file_sha256",
    "reusing_digests",
    "reused_digests",
]


class FileStatus(NamedTuple):
    """A file as the file system describes it (:func:`file_status`); times in nanoseconds."""

    size: int | str
    mtime: int | str
    ctime: int | str
    inode: int | str


def record_text(record: Mapping[str, Any]) -> str:
    """The record as stored: JSON text with sorted keys."""
    return json.dumps(record, sort_keys=True, default=str)


def plain_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as JSON gives it back (tuples as lists, keys as text), so that a stored record compares equal."""
    return json.loads(record_text(record))


def first_change(current: Mapping[str, Any], stored: Mapping[str, Any], checks: Sequence[tuple[str, str]]) -> str | None:
    """The reason of the first key in ``checks`` whose value differs between the records; ``None`` if none does."""
    for key, reason in checks:
        if current.get(key) != stored.get(key):
            return reason
    return None


def changed_entry(current: Any, stored: Any) -> tuple[str, str, int] | None:
    """The first file that differs between two lists of ``[name, digest, ...]`` entries, or ``None``.

    Parameters
    ----------
    current, stored
        The entries recorded now and in the output, in the order of the files;
        anything but a list of such entries (an older record's ``None``)
        names nothing.

    Returns
    -------
    tuple or None
        How it differs (``changed``, ``gained`` or ``lost``, looked for in
        that order), the first such file's name, and how many files differ
        that way.
    """
    now, before = _entries(current), _entries(stored)
    if now is None or before is None:
        return None
    for how, names in (
        ("changed", [name for name in now if name in before and before[name] != now[name]]),
        ("gained", [name for name in now if name not in before]),
        ("lost", [name for name in before if name not in now]),
    ):
        if names:
            return how, names[0], len(names)
    return None


def _entries(entries: Any) -> dict[str, tuple] | None:
    """``{name: the rest of its entry}`` of a list of ``[name, ...]`` entries, in order; ``None`` for anything else."""
    if not isinstance(entries, list) or not all(isinstance(entry, list) and entry and isinstance(entry[0], str) for entry in entries):
        return None
    return {entry[0]: tuple(entry[1:]) for entry in entries}


def short_digest(line: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``line``: enough to tell which of a record's files changed."""
    return hashlib.sha256(line.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def relative_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (as recorded: the record does not change when the folder moves)."""
    try:
        return os.path.relpath(path, root)
    except ValueError:  # another drive
        return str(path)


def file_status(path: Path) -> FileStatus:
    """What the file system says of a file without reading it: size, modification and change times, inode.

    The change time (``st_ctime``) is set by the system whenever the file is
    written, renamed or has its times or mode changed, and cannot be set back
    by ``touch``, ``cp -p`` or an archive; with the inode, it tells a file
    replaced under its old name and modification time from the file recorded.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    FileStatus
        The four values; ``missing`` or ``unreadable`` in their place when the
        file cannot be asked.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return FileStatus("missing", "missing", "missing", "missing")
    except OSError:
        return FileStatus("unreadable", "unreadable", "unreadable", "unreadable")
    return FileStatus(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def digest_lines(lines: Iterable[str]) -> str:
    """The SHA-256 over ``lines``, each ended by a newline."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


#: Within :func:`reusing_digests`: file digests by path and status, so that a run checked and then computed hashes its files once.
_reused: ContextVar[dict[tuple, str] | None] = ContextVar("camchar_reused_digests", default=None)


@contextlib.contextmanager
def reusing_digests() -> Iterator[None]:
    """Within the block, a file whose path, size, modification and change times and inode are unchanged is hashed once.

    A batch checks a run's record and then computes it (which records its
    inputs again): that would read every hashed file twice. Outside the block
    every record hashes afresh.
    """
    token = _reused.set({})
    try:
        yield
    finally:
        _reused.reset(token)


def reused_digests() -> dict[tuple, str] | None:
    """The digests :func:`reusing_digests` keeps in this context (read it before handing work to other threads)."""
    return _reused.get()


def file_sha256(path: Path, reused: dict[tuple, str] | None = None) -> str:
    """The SHA-256 of a file's bytes; ``missing``, ``not a regular file`` (never opened) or ``unreadable`` otherwise.

    A record holding one of these words is never up to date (the run then
    reports the problem in its own words).

    Parameters
    ----------
    path
        The file.
    reused
        Digests known in this context (:func:`reused_digests`); by default, this context's.
    """
    reused = reused if reused is not None else _reused.get()
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    if not stat.S_ISREG(status.st_mode):  # a pipe or a device is never opened
        return "not a regular file"
    key = (str(path), status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
    if reused is not None and key in reused:
        return reused[key]
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    if reused is not None:
        reused[key] = digest.hexdigest()
    return digest.hexdigest()
