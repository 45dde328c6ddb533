"""Many runs of one step in one call: each skipped when its output is up to date, else computed; failures do not stop the others.

Every step's batch is this one (``camchar stats DIR``, ``camchar response DIR``):

::

    inputs --prepare--> one Task each (its output; two inputs writing one file refused, naming both;
                an output that another task reads refused)
           --share out (--jobs > 1 only)--> tasks up to date skipped here (when the check is cheap);
                the largest task's estimated peak memory; jobs and threads within the memory bound
           --run_batch--> per task, here or in a worker process (run_task):
                output up to date (the step's record of inputs)? skipped
                else, when the output replaces a file that is not camchar's output of
                the step's result, refused (no output of a batch was typed: -o is refused)
                else the step runs; any failure is the task's outcome
           --conclude--> counts, the failures listed, exit status 2 if any failed

A step tells the batch only what is its own (:class:`Step`): its result,
its default output, the files one input reads, why an output must be
computed, how to run one input, a word on what was computed, and its memory
footprint.
"""

from __future__ import annotations

import abc
import functools
import time
from pathlib import Path
from typing import Any, ClassVar, Sequence

import attrs

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.host.manager import Host, build_host
from camchar.host.registry import Components
from camchar.pipeline.ownership import refuse_a_foreign_file
from camchar.pipeline.record import reusing_digests
from camchar.runtime.jobs import Footprint, JobPlan, cpu_count, memory_available, plan_jobs
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.tasks import BatchOptions, Outcome, collecting_warnings, conclude, failed, mirrored_outputs, run_batch, set_up_worker, shown_path

__all__ = ["Step", "Task", "run_step_batch", "prepare_tasks", "refuse_outputs_read_by_others", "run_task", "run_task_in_worker", "skipped_before_starting"]


@attrs.frozen
class Task:
    """One input of a batch, as a worker process receives it.

    Parameters
    ----------
    step
        The step (a module-level object: it is pickled to worker processes).
    input
        The input file (a settings file, a samples file).
    options
        The step's run options (with the output set when the batch chose it).
    output
        The output the batch expects, when known (for the lines of a failure).
    force
        Compute even when the output is up to date.
    plugins, disabled
        The plugin host's ``--plugin`` and ``--no-plugin``.
    make_folder
        Create the output's folder first (under ``--output-dir``).
    prepared
        What the step read of the input when the batch was prepared (its settings), or ``None``.
    """

    step: Step
    input: Path
    options: Any
    output: Path | None = None
    force: bool = False
    plugins: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    make_folder: bool = False
    prepared: Any = None


class Step(abc.ABC):
    """What a step tells the batch: the rest is the same for every step."""

    #: What one task is called in the lines (``sweep``, ``fit``).
    noun: ClassVar[str] = "task"
    #: What a task writes (``samples``, ``response``): an existing output is replaced only when it is camchar's output of it.
    result: ClassVar[str] = ""
    #: Added to the refusal of two inputs writing one output: where to give each its own.
    same_output_hint: ClassVar[str] = ""

    @abc.abstractmethod
    def output_of(self, input: Path, options: Any) -> tuple[Path, Any]:
        """The output of ``input`` with ``options``, and what was read to know it (the settings, or ``None``).

        Raises ``BadInput`` when it cannot be known: the task then fails in its turn with the message a single run gives.
        """

    @abc.abstractmethod
    def with_output(self, options: Any, output: Path) -> Any:
        """``options`` with the output set."""

    @abc.abstractmethod
    def input_files(self, task: Task, components: Components) -> list[Path]:
        """Every file the task reads, as far as it can be known now (at least its input); another task may not write there."""

    @abc.abstractmethod
    def why(self, task: Task, components: Components, given: list[str]) -> tuple[Path, str | None]:
        """The task's output and why it must be computed (``no output yet``, ``out of date: ...``); ``None``: up to date.

        ``given`` collects the warnings of reading the input. Raises what a run would raise.
        """

    @abc.abstractmethod
    def run(self, task: Task, components: Components, reporter: Reporter | None) -> None:
        """Compute the task and write its output."""

    def detail(self, output: Path) -> str:
        """What the output holds, for the task's line (`` 8 wavelengths x 3 channels``); empty when unknown."""
        return ""

    def cheap_check(self, task: Task) -> bool:
        """Whether the up-to-date check is cheap enough to run here, before any worker process starts."""
        return True

    def threads(self, options: Any) -> int | None:
        """The threads per task the user chose, or ``None``: ``CPUs / jobs``."""
        return None

    def with_threads(self, options: Any, threads: int) -> Any:
        """``options`` for a task run with ``threads`` threads in a worker process."""
        return options

    def footprint(self, tasks: Sequence[Task], components: Components, threads: int) -> Footprint | None:
        """The largest task's estimated peak memory with ``threads`` threads; ``None`` when unknown."""
        return None


def run_step_batch(
    step: Step,
    inputs: Sequence[Path],
    names: Sequence[str],
    components: Components,
    options: Any,
    batch: BatchOptions = BatchOptions(),
    reporter: Reporter | None = None,
) -> list[Outcome]:
    """Run ``step`` on many inputs: skip those up to date, compute the others, report each on one line.

    Parameters
    ----------
    step
        The step.
    inputs
        Its input files.
    names
        How each is named in the lines.
    components
        The registered components (for the tasks run in this process, and for planning).
    options
        The options every task shares (the flags).
    batch
        Jobs, ``--force``, ``--output-dir``, the plugins of worker processes.
    reporter
        Lines and progress.

    Returns
    -------
    list of Outcome
        One per input, in order.

    Raises
    ------
    BadInput
        When any task failed (after every one was tried), counting the failures.
    """
    reporter = reporter or silent()
    started = time.perf_counter()
    with collecting_warnings():  # each task reports its own warnings, in its turn
        tasks = refuse_outputs_read_by_others(prepare_tasks(step, inputs, names, options, batch), names, components)
        tasks, plan = _share_out(step, tasks, components, options, batch)
    outcomes = run_batch(
        tasks,
        names,
        here=functools.partial(_run_here, components=components),
        elsewhere=run_task_in_worker,
        plan=plan,
        reporter=reporter,
        debug=batch.debug,
        setup=functools.partial(set_up_worker, batch.debug),
        noun=step.noun,
    )
    conclude(outcomes, names, reporter, time.perf_counter() - started, noun=step.noun)
    return outcomes


def prepare_tasks(step: Step, inputs: Sequence[Path], names: Sequence[str], options: Any, batch: BatchOptions) -> list[Task | Outcome]:
    """A task per input, or its failure when its output is already another input's output, or is an input of the batch.

    An input whose output cannot be known here becomes a task all the same:
    it fails in its turn, with the message a single run would give.
    """
    outputs: list[Path | None] = []
    prepared: list[Any] = []
    for path in inputs:
        try:
            output, read = step.output_of(Path(path), options)
            outputs.append(output.absolute())
            prepared.append(read)
        except BadInput:
            outputs.append(None)
            prepared.append(None)
    make_folder = batch.output_dir is not None
    if batch.output_dir is not None:
        outputs = mirrored_outputs(outputs, batch.output_dir)
    tasks: list[Task | Outcome] = []
    first_of: dict[Path, int] = {}
    input_of = {same_file_key(Path(path)): index for index, path in enumerate(inputs)}
    for index, (path, target) in enumerate(zip(inputs, outputs)):
        if target is not None:
            key = same_file_key(target)
            if key in input_of:
                other = input_of[key]
                problem = f"its output {shown_path(target)} is the input [{other + 1}/{len(inputs)}] {names[other]} of this batch; writing there would destroy it"
                tasks.append(Outcome("failed", target, problem, exit_status=2))
                continue
            if key in first_of:
                other = first_of[key]
                problem = f"writes the same output {shown_path(target)} as [{other + 1}/{len(inputs)}] {names[other]}{step.same_output_hint}"
                tasks.append(Outcome("failed", target, problem, exit_status=2))
                continue
            first_of[key] = index
        task_options = step.with_output(options, target) if make_folder and target is not None else options
        tasks.append(Task(step, Path(path), task_options, target, batch.force, batch.plugins, batch.disabled, make_folder, prepared[index]))
    return tasks


def refuse_outputs_read_by_others(tasks: list[Task | Outcome], names: Sequence[str], components: Components) -> list[Task | Outcome]:
    """The tasks, each whose output is a file another task reads (an image of another sweep ...) turned into its failure.

    A task's own inputs are its step's to refuse (with the message a single run gives).
    """
    reader_of: dict[Path, int] = {}
    for index, task in enumerate(tasks):
        if isinstance(task, Task):
            for path in task.step.input_files(task, components):
                reader_of.setdefault(same_file_key(path), index)
    checked: list[Task | Outcome] = []
    for index, task in enumerate(tasks):
        output = task.output if isinstance(task, Task) else None
        other = index if output is None else reader_of.get(same_file_key(output), index)
        if output is None or other == index:
            checked.append(task)
            continue
        problem = f"its output {shown_path(output)} is an input of [{other + 1}/{len(tasks)}] {names[other]} of this batch; writing there would destroy it"
        checked.append(Outcome("failed", output, problem, exit_status=2))
    return checked


def run_task(task: Task, components: Components, reporter: Reporter | None = None) -> Outcome:
    """One task of a batch: skipped when its output is up to date, else computed; every failure becomes the outcome.

    Returns
    -------
    Outcome
        ``skipped`` (``detail`` ``up to date``), ``computed`` (``detail``: what
        and why, e.g. ``computed 8 wavelengths x 3 channels (no output yet)``) or
        ``failed`` (``detail``: the one-line error).
    """
    started = time.perf_counter()
    output = task.output
    with collecting_warnings() as given, reusing_digests():
        try:
            output, reason = task.step.why(task, components, given)
            if reason is None:
                return Outcome("skipped", output, "up to date", time.perf_counter() - started, tuple(given))
            refuse_a_foreign_file(output, task.step.result)
            if task.make_folder:
                output.parent.mkdir(parents=True, exist_ok=True)
            task.step.run(task, components, reporter)
        except Exception as exc:  # noqa: BLE001 - a failing task is its outcome; the batch goes on
            return failed(exc, output, time.perf_counter() - started, given)
    return Outcome("computed", output, f"computed{task.step.detail(output)} ({reason})", time.perf_counter() - started, tuple(given))


def skipped_before_starting(task: Task, components: Components) -> Outcome | None:
    """The outcome of a task found up to date here, before any worker process starts; ``None``: leave it to its worker.

    Used with ``--jobs``: skipped tasks are reported at once and start no
    process. Any problem is left to the worker, which reports it.
    """
    if task.force or not task.step.cheap_check(task):
        return None
    started = time.perf_counter()
    with collecting_warnings() as given:
        try:
            output, reason = task.step.why(task, components, given)
            if reason is None:
                return Outcome("skipped", output, "up to date", time.perf_counter() - started, tuple(given))
        except Exception:  # noqa: BLE001 - the worker reports it
            return None
    return None


def run_task_in_worker(task: Task) -> Outcome:
    """:func:`run_task` in a worker process, with that process's plugin host (built once per process)."""
    return run_task(task, _worker_host(task.plugins, task.disabled).components)


# ----------------------------------------------------------------------------------------------------------------


def _share_out(step: Step, tasks: list[Task | Outcome], components: Components, options: Any, batch: BatchOptions) -> tuple[list[Task | Outcome], JobPlan]:
    """With ``--jobs``: the tasks up to date skipped here, the jobs and threads for the others within the memory bound."""
    chosen_threads = step.threads(options)
    if batch.jobs == 1:
        return tasks, plan_jobs(1, len(tasks), None, None, 1, chosen_threads)
    tasks = [(skipped_before_starting(task, components) or task) if isinstance(task, Task) else task for task in tasks]
    runnable = [task for task in tasks if isinstance(task, Task)]
    cpus = cpu_count()
    threads = chosen_threads or max(1, cpus // batch.jobs)
    footprint = step.footprint(runnable, components, threads) if len(runnable) > 1 else None
    plan = plan_jobs(batch.jobs, len(runnable), footprint, memory_available(), cpus, chosen_threads)
    if plan.jobs > 1 and chosen_threads is None and plan.threads is not None:
        tasks = [attrs.evolve(task, options=step.with_threads(task.options, plan.threads)) if isinstance(task, Task) else task for task in tasks]
    return tasks, plan


def _run_here(task: Task, reporter: Reporter, components: Components) -> Outcome:
    return run_task(task, components, reporter)


@functools.lru_cache(maxsize=4)
def _worker_host(plugins: tuple[str, ...], disabled: tuple[str, ...]) -> Host:
    """This worker process's plugin host, built once."""
    return build_host(local_modules=plugins, disabled=disabled)
