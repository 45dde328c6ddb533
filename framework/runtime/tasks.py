"""A batch: many independent tasks (sweeps), each ending in an :class:`Outcome`; one line each, failures listed at the end.

A failing task never stops the others: its failure becomes its outcome. The
batch runs the tasks one after the other in this process (``jobs == 1``, with
each task's progress bars under the batch's), or in worker processes
(:mod:`camchar.runtime.jobs`), printing each outcome as it arrives:

::

    camchar: [1/3] a/settings.yml -> a/images.h5: computed 8 wavelengths x 3 channels (no output yet) [0.41 s]
    camchar: [2/3] b/settings.yml -> b/images.h5: skipped (up to date)
    camchar: [3/3] c/settings.yml: failed: c/settings.yml:4: ...
    camchar: 3 sweeps: 1 computed, 1 skipped (up to date), 1 failed [0.52 s]
    camchar: error: [3/3] c/settings.yml: c/settings.yml:4: ...

and then the one-line error of the command, exit status 2.
"""

from __future__ import annotations

import contextlib
import logging
import os
import traceback
import warnings
from pathlib import Path
from typing import Callable, Iterator, Literal, Sequence, TypeVar

import attrs

from camchar.core.errors import BadInput, CamcharWarning, PluginError, environment_problem
from camchar.core.paths import same_file_key
from camchar.runtime.jobs import JobPlan, run_in_processes
from camchar.runtime.progress import Reporter, StepProgress

__all__ = ["BatchOptions", "mirrored_outputs", "Outcome", "failed", "collecting_warnings", "TaskReporter", "run_batch", "conclude", "shown_path", "set_up_worker"]

T = TypeVar("T")

Status = Literal["computed", "skipped", "failed"]


@attrs.frozen
class BatchOptions:
    """How a batch runs (the batch's flags).

    Parameters
    ----------
    jobs
        Sweeps at once (``--jobs``); 1 runs them one after the other in this process.
    force
        Compute every sweep, up to date or not (``--force``).
    output_dir
        Put the outputs in this folder (``--output-dir``), keeping their paths
        relative to the folder the default outputs share; ``None``: the default outputs.
    plugins, disabled
        ``--plugin`` and ``--no-plugin``, for the worker processes' plugin hosts.
    debug
        Print a failing sweep's traceback; show library warnings.
    """

    jobs: int = 1
    force: bool = False
    output_dir: Path | None = None
    plugins: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    debug: bool = False


@attrs.frozen
class Outcome:
    """How one task of a batch ended.

    Parameters
    ----------
    status
        ``computed`` (its output written), ``skipped`` (up to date) or ``failed``.
    output
        The output file, when known.
    detail
        What was computed and why, why it was skipped, or the one-line error.
    seconds
        Wall time of the task.
    warnings
        The task's warnings, one line each.
    traceback
        The failure's traceback (shown with ``--debug``).
    exit_status
        For a failure, the status the command would have ended with on this
        task alone: 2 bad input, 1 a bug (camchar's or a plugin's).
    """

    status: Status
    output: Path | None = None
    detail: str = ""
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    traceback: str | None = None
    exit_status: int = 0


def failed(exc: Exception, output: Path | None = None, seconds: float = 0.0, warnings_given: Sequence[str] = ()) -> Outcome:
    """The outcome of a task that raised ``exc``: its one-line message, as the command line words it."""
    hint = "; rerun with --debug for the traceback"
    exc = environment_problem(exc) or exc
    if isinstance(exc, BadInput):
        message, status = exc.message, 2
    elif isinstance(exc, PluginError):
        whose = "please report it to camchar" if exc.built_in else "a bug in that plugin: report it to its authors"
        message, status = f"{exc.message} ({whose}{hint})", 1
    else:
        message, status = f"internal error: {type(exc).__name__}: {exc} (please report it{hint})", 1
    return Outcome("failed", output, message, seconds, tuple(warnings_given), traceback.format_exc(), status)


def set_up_worker(debug: bool) -> None:
    """A worker process reports as the command line does: camchar's warnings always, library ones and tifffile's log with ``--debug``."""
    if not debug:
        logging.getLogger("tifffile").setLevel(logging.CRITICAL)
    warnings.simplefilter("default" if debug else "ignore")
    warnings.simplefilter("always", CamcharWarning)


@contextlib.contextmanager
def collecting_warnings() -> Iterator[list[str]]:
    """Within the block, keep the text of each warning shown (once each) instead of printing it."""
    collected: list[str] = []

    def keep(message, category, filename, lineno, file=None, line=None) -> None:
        text = str(message) if issubclass(category, CamcharWarning) else f"{category.__name__}: {message} ({filename}:{lineno})"
        if text not in collected:
            collected.append(text)

    with warnings.catch_warnings():
        warnings.showwarning = keep
        yield collected


class TaskReporter(Reporter):
    """The reporter of one task run inside a batch in this process.

    Its progress bars join the batch's display, under the bar over the
    tasks; its summary lines are kept in :attr:`summaries` rather than printed
    (the batch prints one line per task).

    Parameters
    ----------
    batch
        The batch's reporter.
    """

    def __init__(self, batch: Reporter):
        super().__init__(quiet=True, console=batch.console)
        self.batch = batch
        self.summaries: list[str] = []

    @contextlib.contextmanager
    def live(self) -> Iterator[Reporter]:
        """The batch's display is live already."""
        yield self

    @contextlib.contextmanager
    def step(self, title: str, total: int, status: str = "") -> Iterator[StepProgress]:
        """A progress bar in the batch's display."""
        with self.batch.step(title, total, status) as bar:
            yield bar

    def summary(self, text: str) -> None:
        """Keep the line."""
        self.summaries.append(text)


def shown_path(path: Path | str) -> str:
    """A path as the batch's lines show it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative.startswith("..") else relative


def run_batch(
    tasks: Sequence[T | Outcome],
    names: Sequence[str],
    here: Callable[[T, Reporter], Outcome],
    elsewhere: Callable[[T], Outcome],
    plan: JobPlan,
    reporter: Reporter,
    debug: bool = False,
    setup: Callable[[], None] | None = None,
    noun: str = "sweep",
) -> list[Outcome]:
    """Run every task, print one line per outcome as it arrives, return the outcomes in task order.

    Parameters
    ----------
    tasks
        The tasks; an :class:`Outcome` in place of a task is a task refused
        before it started (reported in its turn).
    names
        How each task is named in the lines (its settings file).
    here
        Runs one task in this process, with a reporter whose bars join the batch's (``plan.jobs == 1``).
    elsewhere
        A module-level function running one task in a worker process (``plan.jobs > 1``).
    plan
        Jobs and threads (:func:`camchar.runtime.jobs.plan_jobs`).
    reporter
        Where the lines go.
    debug
        Print a failing task's traceback.
    setup
        A module-level function run once in each worker process.
    noun
        What a task is called in the lines.
    """
    outcomes: list[Outcome | None] = [task if isinstance(task, Outcome) else None for task in tasks]
    runnable = [index for index, task in enumerate(tasks) if not isinstance(task, Outcome)]
    total = len(tasks)
    if plan.note:
        reporter.summary(plan.note)
    with reporter.live(), reporter.step(f"{noun}s", total) as bar:
        if plan.jobs == 1:

            def in_turn(index: int) -> tuple[int, Outcome]:
                if outcomes[index] is not None:  # refused or skipped before: reported in its turn
                    return index, outcomes[index]
                bar.advance(0, names[index])  # the task being run
                return index, here(tasks[index], TaskReporter(reporter))  # type: ignore[arg-type]

            finished: Iterator[tuple[int, Outcome]] = (in_turn(index) for index in range(total))
        else:
            for index, outcome in enumerate(outcomes):
                if outcome is not None:  # refused or skipped before: reported at once, before the workers' lines
                    _report(reporter, index, total, names[index], outcome, debug, bar)
            outcomes_there = run_in_processes(elsewhere, [tasks[index] for index in runnable], plan, setup, lost=_lost)
            finished = ((runnable[at], outcome) for at, outcome in outcomes_there)
        for index, outcome in finished:
            outcomes[index] = outcome
            _report(reporter, index, total, names[index], outcome, debug, bar)
            if plan.jobs > 1:
                bar.advance(0, f"last done: {names[index]}")
    return [outcome for outcome in outcomes if outcome is not None]


def _lost(task: object) -> Outcome:
    """The outcome of a task whose worker process died."""
    return Outcome(
        "failed",
        detail="its worker process died (killed, or out of memory: try fewer --jobs); its output, if any, is unchanged",
        exit_status=1,
    )


def _report(reporter: Reporter, index: int, total: int, name: str, outcome: Outcome, debug: bool, bar: StepProgress) -> None:
    where = f"[{index + 1}/{total}] {name}"
    if outcome.status == "failed":
        reporter.summary(f"{where}: failed: {outcome.detail}")
        if debug and outcome.traceback:
            reporter.line(outcome.traceback.rstrip(), markup=False)
    elif outcome.status == "skipped":
        reporter.summary(f"{where} -> {shown_path(outcome.output)}: skipped ({outcome.detail})")
    else:
        reporter.summary(f"{where} -> {shown_path(outcome.output)}: {outcome.detail} [{outcome.seconds:.2f} s]")
    for text in outcome.warnings:
        reporter.warning(f"{where}: {text}")
    bar.advance(1)


def conclude(outcomes: Sequence[Outcome], names: Sequence[str], reporter: Reporter, seconds: float, noun: str = "sweep") -> None:
    """The batch's last lines: the counts, then every failure; :class:`BadInput` (exit status 2) if any failed.

    Raises
    ------
    BadInput
        When any task failed, counting them (each was listed on its own line).
    """
    counts = {status: sum(outcome.status == status for outcome in outcomes) for status in ("computed", "skipped", "failed")}
    plural = "" if len(outcomes) == 1 else "s"
    reporter.summary(
        f"{len(outcomes)} {noun}{plural}: {counts['computed']} computed, {counts['skipped']} skipped (up to date), "
        f"{counts['failed']} failed [{seconds:.2f} s]"
    )
    failures = [(index, outcome) for index, outcome in enumerate(outcomes) if outcome.status == "failed"]
    for index, outcome in failures:
        reporter.line(f"camchar: error: [{index + 1}/{len(outcomes)}] {names[index]}: {outcome.detail}", markup=False)
    if failures:
        others = len(outcomes) - len(failures)
        done = f"; the other {others} {'is' if others == 1 else 'are'} done" if others else ""
        raise BadInput(None, f"{len(failures)} of {len(outcomes)} {noun}{plural} failed (listed above){done}")


def mirrored_outputs(outputs: Sequence[Path | None], folder: Path) -> list[Path | None]:
    """The outputs moved into ``folder``, keeping their paths below the deepest folder they all share.

    ``/data/cam1/raw.h5`` and ``/data/cam2/raw.h5`` into ``out`` give
    ``out/cam1/raw.h5`` and ``out/cam2/raw.h5``; a single output gives ``out/raw.h5``.
    """
    resolved = [None if output is None else same_file_key(output) for output in outputs]
    known = [output for output in resolved if output is not None]
    if not known:
        return list(outputs)
    shared = Path(os.path.commonpath([output.parent for output in known]))
    return [None if output is None else Path(folder) / output.relative_to(shared) for output in resolved]
