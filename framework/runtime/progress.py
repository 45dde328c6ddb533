"""What the user sees while a run goes on: a rich progress bar, summary lines, warnings.

In a terminal, a transient progress bar on stderr; when stderr is not a
terminal, no animation, only the summary line of each step; with ``quiet``,
nothing but errors. ``NO_COLOR`` is respected by rich.
"""

from __future__ import annotations

import contextlib
import errno
import os
from typing import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["Reporter", "StepProgress", "silent", "console", "silence"]

#: Redraws of the progress bar per second: enough to look live, few enough that
#: drawing (Python code holding the GIL) does not slow the worker threads.
REFRESH_PER_SECOND = 2


class _Console(Console):
    """A rich console that goes quiet when its reader has gone, instead of exiting the process as rich does."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        silence(self.file)


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that never aborts a run because a pipe was closed."""
    return _Console(stderr=stderr, highlight=False, soft_wrap=True)


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
