"""The ways camchar reports trouble.

:class:`BadInput` is an error in what the user gave (a settings file, an image,
an output path): the command line turns it into one line and exit status 2.
:class:`PluginError` is a component that broke its contract (raised an
unexpected exception, returned NaN or the wrong shape): one line naming the
component and its plugin, exit status 1. :class:`CamcharWarning` is a problem
the run survives; the command line prints it as one line.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

__all__ = ["BadInput", "PluginError", "CamcharWarning", "Stopped", "ENVIRONMENT_ERRNOS", "environment_problem", "write_failure", "location", "one_line", "shorten", "shown"]

#: The longest piece of user-supplied text echoed in a message.
ECHO_LIMIT = 80


def location(path: str | Path | None, line: int | None = None) -> str:
    """``path`` or ``path:line``, the prefix of every message about a file."""
    if path is None:
        return ""
    return str(path) if line is None else f"{path}:{line}"


def shorten(text: object, limit: int = ECHO_LIMIT) -> str:
    """``repr``-like text of a user value, cut to ``limit`` characters, safe to print on one line.

    Every message that echoes a value from the input goes through this, so
    that no input (a huge list, a YAML alias bomb, control characters, lone
    surrogates) can make a message long, slow or unprintable.
    """
    if isinstance(text, (list, tuple, dict, set)) and len(text) > 16:
        text = f"<{type(text).__name__} of {len(text)} items>"
    shown = text if isinstance(text, str) else _bounded_repr(text, limit)
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    shown = "".join(character if character.isprintable() else repr(character)[1:-1] for character in shown[: 4 * limit])
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's value as a message shows it: text in quotes, anything else as :func:`shorten` gives it."""
    if isinstance(value, str):
        return "'" + shorten(value, max(limit - 2, 8)) + "'"
    return shorten(value, limit)


def _bounded_repr(value: object, limit: int) -> str:
    """``repr(value)`` for small values; a description for anything whose repr could be huge."""
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_bounded_repr(item, limit) for item in value[:8])
        more = ", ..." if len(value) > 8 else ""
        return ("[" if isinstance(value, list) else "(") + inner + more + ("]" if isinstance(value, list) else ")")
    if isinstance(value, dict):
        inner = ", ".join(f"{_bounded_repr(k, limit)}: {_bounded_repr(v, limit)}" for k, v in list(value.items())[:8])
        return "{" + inner + (", ..." if len(value) > 8 else "") + "}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of {len(str(abs(value))) if value.bit_length() < 60_000 else 'many'} digits>"
    if isinstance(value, str):
        return repr(value[: 4 * limit])
    text = repr(value)
    return text[: 4 * limit]


def one_line(text: str) -> str:
    """``text`` on one line: each line break, with the spaces around it, becomes one space."""
    return re.sub(r"\s*[\r\n]+\s*", " ", str(text)).strip()


class BadInput(Exception):
    """An error in the user's input, naming the file it concerns.

    Parameters
    ----------
    path
        The file (or folder) at fault, or ``None`` when no single file is.
    problem
        What is wrong and, where it helps, what to do about it.
    line
        The 1-based line in ``path`` where the problem is, when known.
    """

    def __init__(self, path: str | Path | None, problem: str, line: int | None = None):
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message: ``file[:line]: problem`` (line breaks in the problem, a library's say, become spaces)."""
        if self.path is None:
            return one_line(self.problem)
        return f"{location(self.path, self.line)}: {one_line(self.problem)}"


class PluginError(Exception):
    """A component broke its contract: the fault is in that component's code, not in the input.

    Parameters
    ----------
    component
        What failed, e.g. ``"noise model 'robust'"``.
    plugin
        The plugin that registered it, with its version, e.g. ``"camchar-robust 0.2"``.
    problem
        What went wrong, e.g. ``"raised ValueError: ..."`` or ``"returned NaN"``.
    built_in
        Whether the component is one of camchar's own (then it is camchar's bug).
    """

    def __init__(self, component: str, plugin: str, problem: str, built_in: bool = False):
        self.component = component
        self.plugin = plugin
        self.problem = problem
        self.built_in = built_in
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message naming the component and the plugin."""
        if self.built_in:
            return f"internal error in camchar's {self.component} ({self.plugin}): {one_line(self.problem)}"
        return f"{self.component} of plugin {self.plugin} {one_line(self.problem)}"


#: ``OSError`` numbers that describe the machine, not the code that met them: a full disk, a quota, permissions.
ENVIRONMENT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)


def environment_problem(exc: BaseException) -> BadInput | None:
    """The ``BadInput`` for an ``OSError`` that describes the machine (permissions, space), naming its file; else ``None``.

    Such an error is the input's or the machine's state, whoever met it
    (camchar or a plugin's component): exit status 2 and one line, not a bug.
    """
    if not isinstance(exc, OSError) or exc.errno not in ENVIRONMENT_ERRNOS:
        return None
    return BadInput(exc.filename, f"{os.strerror(exc.errno)} ({'reading or writing this file' if exc.filename else 'a file camchar or a plugin used'})")


def write_failure(exc: OSError, where: str | os.PathLike[str]) -> str:
    """Why writing into ``where`` failed, in words: the system's for ``exc``'s error number, else "No space left on device" when that is the cause.

    A short write without an error number (numpy's ``tofile``: "2304
    requested and 1904 written") usually means a full disk; when the file
    system of ``where`` (or its nearest existing parent) has no space left,
    that is said, else ``exc``'s own words.
    """
    if exc.errno:
        return os.strerror(exc.errno)
    folder = os.path.abspath(where)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    try:
        space = os.statvfs(folder)
        if space.f_bavail * space.f_frsize < _FULL:
            return os.strerror(errno.ENOSPC)
    except (OSError, AttributeError):  # no statvfs (Windows), or the folder went away
        pass
    return exc.strerror or shorten(str(exc), 120)


#: Less free space than this (bytes) counts as a full disk for a short write.
_FULL = 1 << 20


class Stopped(SystemExit):
    """A stop signal (Ctrl-C, SIGTERM) unwinding a worker process: it passes through every guarded call."""


class CamcharWarning(UserWarning):
    """A problem with the input that the run survives."""
