"""The two ways camchar reports trouble with its input.

:class:`BadInput` is an error in what the user gave (a settings file, an image,
an output path): the command line turns it into one line and exit status 2.
:class:`CamcharWarning` is a problem the run survives (an unknown settings key,
a bracket with no usable frame); the command line prints it as one line.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BadInput", "CamcharWarning", "location"]


def location(path: str | Path | None, line: int | None = None) -> str:
    """``path`` or ``path:line``, the prefix of every message about a file."""
    if path is None:
        return ""
    return str(path) if line is None else f"{path}:{line}"


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
        """The one-line message: ``file[:line]: problem``."""
        if self.path is None:
            return self.problem
        return f"{location(self.path, self.line)}: {self.problem}"


class CamcharWarning(UserWarning):
    """A problem with the input that the run survives."""
