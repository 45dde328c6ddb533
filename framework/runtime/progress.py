"""What the user sees while a run goes on: a rich progress bar, summary lines, warnings.

In a terminal, a transient progress bar on stderr; when stderr is not a
terminal, no animation, only the summary line of each step; with ``quiet``,
nothing but errors. ``NO_COLOR`` is respected by rich.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from camchar.core.errors import BadInput

__all__ = ["Reporter", "StepProgress", "silent", "console", "silence"]

#: Redraws of the progress bar per second: enough to look live, few enough that
#: drawing (Python code holding the GIL) does not slow the worker threads.
REFRESH_PER_SECOND = 2


class _Console(Console):
    """A rich console that goes quiet when its reader has gone, instead of exiting the process as rich does."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        silence(self.file)


class _ProductConsole(_Console):
    """The console a command prints its product on (a summary, a listing): stdout, where losing text is an error.

    A reader that leaves (``camchar show FILE | head -1``) ends the printing
    quietly, as every Unix tool does; a standard output that takes nothing
    (closed with ``>&-``, a full disk, ``/dev/full``) is the user's to know
    about: exit status 2, one line.
    """

    def _check_buffer(self) -> None:
        try:
            super()._check_buffer()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
                raise
            raise BadInput(STANDARD_OUTPUT, f"cannot write to it ({os.strerror(exc.errno) if exc.errno else exc}); nothing more was printed") from None


#: How messages name stdout, where a command prints its product.
STANDARD_OUTPUT = "standard output"


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that never aborts a run because a pipe was closed.

    Raises
    ------
    BadInput
        For stdout, when it is closed (``>&-``): whatever the command would
        print would be lost.
    """
    if stderr:
        return _Console(stderr=True, highlight=False, soft_wrap=True)
    if not _is_open(sys.stdout):
        raise BadInput(STANDARD_OUTPUT, "is closed, so the result could not be printed; redirect it to a file (> FILE) instead")
    return _ProductConsole(highlight=False, soft_wrap=True)


def _is_open(stream: object) -> bool:
    """Whether ``stream`` is a stream whose file descriptor is open (``sys.stdout`` is ``None`` when fd 1 was closed)."""
    if stream is None:
        return False
    try:
        os.fstat(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return True  # a stream without a descriptor (tests capture stdout in memory): it takes what is printed
    except OSError:
        return False
    return True


class StepProgress:
    """The progress bar of one step of a run."""

    def __init__(self, progress: Progress | None, task: TaskID | None):
        self._progress, self._task = progress, task

    def advance(self, amount: int = 1, status: str | None = None) -> None:
        """Count ``amount`` units of work done; ``status`` replaces the step's detail text."""
        if self._progress is None:
            return
        if status is None:
            self._progress.advance(self._task, amount)
        else:
            self._progress.update(self._task, advance=amount, status=status)

    def restart(self, total: int, status: str) -> None:
        """Start the bar again, e.g. for another pass over the frames."""
        if self._progress is not None:
            self._progress.reset(self._task, total=total, status=status)


class Reporter:
    """Progress, summary lines and warnings of a run, on stderr.

    Parameters
    ----------
    quiet
        Print nothing but errors.
    console
        Where to print; a stderr console by default.
    """

    def __init__(self, quiet: bool = False, console: Console | None = None):
        self.quiet = quiet
        self.console = console or _Console(stderr=True, highlight=False)
        self._masks: list[tuple[str, str]] = []
        self._progress: Progress | None = None
        if not quiet and self.console.is_terminal:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
                refresh_per_second=REFRESH_PER_SECOND,
            )

    @contextlib.contextmanager
    def live(self) -> Iterator["Reporter"]:
        """Show the progress display for the duration of the block."""
        if self._progress is None:
            yield self
            return
        with self._progress:
            yield self

    @contextlib.contextmanager
    def step(self, title: str, total: int, status: str = "") -> Iterator[StepProgress]:
        """A progress bar for one step, removed when the step ends."""
        if self._progress is None:
            yield StepProgress(None, None)
            return
        task = self._progress.add_task(title, total=total, status=status)
        try:
            yield StepProgress(self._progress, task)
        finally:
            self._progress.remove_task(task)

    def summary(self, text: str) -> None:
        """Print one line about a finished step."""
        if not self.quiet:
            self.line(f"camchar: {escape(self._masked(text))}")

    def warning(self, text: str) -> None:
        """Print one warning line."""
        if not self.quiet:
            self.line(f"camchar: warning: {escape(self._masked(text))}")

    def line(self, text: str, markup: bool = True) -> None:
        """Print ``text``; if the reader has gone (a closed pipe, a closed stderr), print nothing from now on.

        A run must never fail because nobody reads its messages
        (``camchar stats ... 2>&1 | head -1``): the output is still written.
        """
        try:
            self.console.print(text, soft_wrap=True, markup=markup, highlight=False)
        except (BrokenPipeError, ValueError, OSError) as exc:
            if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) and exc.errno not in _GONE:
                raise
            self.quiet = True
            self.console.quiet = True
            silence(self.console.file)

    @contextlib.contextmanager
    def masking(self, text: str, shown_as: str) -> Iterator["Reporter"]:
        """Within the block, show ``text`` (e.g. a temporary folder's path) as ``shown_as`` in every line."""
        self._masks.append((text, shown_as))
        try:
            yield self
        finally:
            self._masks.remove((text, shown_as))

    def _masked(self, text: str) -> str:
        for original, shown_as in self._masks:
            text = text.replace(original, shown_as)
        return text


#: errno values meaning that whoever read the stream has gone.
_GONE = (errno.EPIPE, errno.EBADF, errno.ECONNRESET)


def silence(stream: object) -> None:
    """Point the file descriptor behind ``stream`` at /dev/null, so that later writes and flushes succeed."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    except OSError:
        pass
    finally:
        os.close(devnull)


def silent() -> Reporter:
    """A reporter that prints nothing, for library use."""
    return Reporter(quiet=True, console=Console(stderr=True, quiet=True))
