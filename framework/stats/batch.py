"""Many sweeps in one call: each skipped when its output is up to date, else computed; failures do not stop the others.

::

    settings files --prepare--> one SweepTask each (settings read; its output; two sweeps writing one file are refused)
                   --share out (--jobs > 1 only)--> sweeps up to date skipped here (size and time only);
                        the largest sweep's estimated peak memory; jobs and threads within the memory bound
                   --run_batch--> per sweep, here or in a worker process (run_sweep):
                        settings --choice--> output up to date (freshness)? skipped
                                 --run_stats--> computed; any failure is the sweep's outcome
                   --conclude--> counts, the failures listed, exit status 2 if any failed
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Sequence

import attrs

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.host.manager import Host, build_host
from camchar.host.registry import Components
from camchar.runtime.batch import BatchOptions, Outcome, collecting_warnings, conclude, failed, mirrored_outputs, run_batch, set_up_worker, shown_path
from camchar.runtime.jobs import Footprint, JobPlan, cpu_count, memory_available, plan_jobs
from camchar.runtime.progress import Reporter, silent
from camchar.settings.model import Settings
from camchar.settings.reader import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.footprint import sweep_footprint
from camchar.stats.freshness import record_inputs, reusing_digests, staleness, stored_record
from camchar.stats.options import RunOptions
from camchar.stats.plan import output_path
from camchar.stats.run import run_stats

__all__ = ["SweepTask", "run_stats_batch", "prepare_sweeps", "run_sweep", "run_sweep_in_worker", "why_compute", "skipped_before_starting"]


@attrs.frozen
class SweepTask:
    """One sweep of a batch, as a worker process receives it.

    Parameters
    ----------
    settings
        The settings file.
    options
        The run's options (``output`` set when the batch chose it).
    force
        Compute even when the output is up to date.
    plugins, disabled
        The plugin host's ``--plugin`` and ``--no-plugin``.
    make_folder
        Create the output's folder first (under ``--output-dir``).
    read
        The settings as read when the batch was prepared (read again if ``None``).
    """

    settings: Path
    options: RunOptions
    force: bool = False
    plugins: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    make_folder: bool = False
    read: Settings | None = None


def run_stats_batch(
    settings_files: Sequence[Path],
    names: Sequence[str],
    components: Components,
    options: RunOptions = RunOptions(),
    batch: BatchOptions = BatchOptions(),
    reporter: Reporter | None = None,
) -> list[Outcome]:
    """Run ``camchar stats`` on many sweeps: skip those up to date, compute the others, report each on one line.

    Parameters
    ----------
    settings_files
        The sweeps' settings files.
    names
        How each is named in the lines.
    components
        The registered components (for this process's sweeps, and for planning).
    options
        The options every sweep shares (the flags; ``output`` must be ``None``).
    batch
        Jobs, ``--force``, ``--output-dir``, the plugins of worker processes.
    reporter
        Lines and progress.

    Returns
    -------
    list of Outcome
        One per sweep, in order.

    Raises
    ------
    BadInput
        When any sweep failed (after every sweep was tried), counting the failures.
    """
    reporter = reporter or silent()
    started = time.perf_counter()
    with collecting_warnings():  # each sweep reports its own warnings, in its turn
        tasks = prepare_sweeps(settings_files, names, components, options, batch)
        tasks, plan = _share_out(tasks, components, options, batch)
    outcomes = run_batch(
        tasks,
        names,
        here=functools.partial(_run_here, components=components),
        elsewhere=run_sweep_in_worker,
        plan=plan,
        reporter=reporter,
        debug=batch.debug,
        setup=functools.partial(set_up_worker, batch.debug),
    )
    conclude(outcomes, names, reporter, time.perf_counter() - started)
    return outcomes


def prepare_sweeps(
    settings_files: Sequence[Path], names: Sequence[str], components: Components, options: RunOptions, batch: BatchOptions
) -> list[SweepTask | Outcome]:
    """A task per sweep, or its failure when its output is already another sweep's.

    A settings file that cannot be read here becomes a task all the same: the
    task fails in its turn, with the message a single run would give.
    """
    outputs: list[Path | None] = []
    read: list[Settings | None] = []
    for path in settings_files:
        try:
            read.append(read_settings(path))
            outputs.append(output_path(read[-1], options).absolute())
        except BadInput:
            outputs.append(None)
            read.append(None)
    make_folder = batch.output_dir is not None
    if batch.output_dir is not None:
        outputs = mirrored_outputs(outputs, batch.output_dir)
    tasks: list[SweepTask | Outcome] = []
    first_of: dict[Path, int] = {}
    for index, (path, output) in enumerate(zip(settings_files, outputs)):
        key = same_file_key(output) if output is not None else None
        if key is not None and key in first_of:
            other = first_of[key]
            problem = f"writes the same output {shown_path(output)} as [{other + 1}/{len(settings_files)}] {names[other]}; give each its own output: in its settings"
            tasks.append(Outcome("failed", output, problem, exit_status=2))
            continue
        if key is not None:
            first_of[key] = index
        run_options = attrs.evolve(options, output=output) if make_folder and output is not None else options
        tasks.append(SweepTask(Path(path), run_options, batch.force, batch.plugins, batch.disabled, make_folder, read[index]))
    return tasks


def run_sweep(task: SweepTask, components: Components, reporter: Reporter | None = None) -> Outcome:
    """One sweep of a batch: skipped when its output is up to date, else computed; every failure becomes the outcome.

    Parameters
    ----------
    task
        The sweep.
    components
        The registered components.
    reporter
        Progress of the computation; its summary lines are not the batch's.

    Returns
    -------
    Outcome
        ``skipped`` (``detail`` ``up to date``), ``computed`` (``detail``: what
        and why, e.g. ``computed 8 wavelengths x 3 channels (no output yet)``) or
        ``failed`` (``detail``: the one-line error).
    """
    started = time.perf_counter()
    output = task.options.output
    with collecting_warnings() as given, reusing_digests():
        try:
            settings = _settings_of(task, given)
            output = output_path(settings, task.options)
            reason = why_compute(task, settings, output, components)
            if reason is None:
                return Outcome("skipped", output, "up to date", time.perf_counter() - started, tuple(given))
            if task.make_folder:
                output.parent.mkdir(parents=True, exist_ok=True)
            run_stats(settings, components, task.options, reporter)
        except Exception as exc:  # noqa: BLE001 - a failing sweep is its outcome; the batch goes on
            return failed(exc, output, time.perf_counter() - started, given)
    return Outcome("computed", output, f"computed{_shape(output)} ({reason})", time.perf_counter() - started, tuple(given))


def why_compute(task: SweepTask, settings: Settings, output: Path, components: Components) -> str | None:
    """Why the sweep must be computed (``no output yet``, ``out of date: the settings file changed``, ``--force`` ...), or ``None``: its output is up to date.

    Raises
    ------
    BadInput
        When the components cannot be chosen (the run would fail the same way).
    """
    if task.force:
        return "--force"
    stored, missing = stored_record(output)
    if stored is None:
        return missing
    chosen = choose_components(components, settings, task.options, output)
    reason = staleness(record_inputs(settings, chosen, task.options), stored, task.options.checksum)
    return None if reason is None else f"out of date: {reason}"


def skipped_before_starting(task: SweepTask, components: Components) -> Outcome | None:
    """The outcome of a sweep found up to date here, before any worker process starts; ``None``: leave it to its worker.

    Used with ``--jobs``: skipped sweeps are reported at once and start no
    process. Only size and modification time are compared here (``--checksum``
    reads every file: the workers do that, side by side); any problem is left
    to the worker, which reports it.
    """
    if task.force or task.options.checksum:
        return None
    started = time.perf_counter()
    with collecting_warnings() as given:
        try:
            settings = _settings_of(task, given)
            output = output_path(settings, task.options)
            if why_compute(task, settings, output, components) is None:
                return Outcome("skipped", output, "up to date", time.perf_counter() - started, tuple(given))
        except Exception:  # noqa: BLE001 - the worker reports it
            return None
    return None


def run_sweep_in_worker(task: SweepTask) -> Outcome:
    """:func:`run_sweep` in a worker process, with that process's plugin host (built once per process)."""
    return run_sweep(task, _worker_host(task.plugins, task.disabled).components)


# ----------------------------------------------------------------------------------------------------------------


def _share_out(
    tasks: list[SweepTask | Outcome], components: Components, options: RunOptions, batch: BatchOptions
) -> tuple[list[SweepTask | Outcome], JobPlan]:
    """With ``--jobs``: the sweeps up to date skipped here, the jobs and threads for the others within the memory bound."""
    if batch.jobs == 1:
        return tasks, plan_jobs(1, len(tasks), None, None, 1, options.workers)
    tasks = [skipped_before_starting(task, components) or task if isinstance(task, SweepTask) else task for task in tasks]
    runnable = [task for task in tasks if isinstance(task, SweepTask)]
    cpus = cpu_count()
    threads = options.workers or max(1, cpus // batch.jobs)
    footprint = _largest_footprint(runnable, components, threads) if len(runnable) > 1 else None
    plan = plan_jobs(batch.jobs, len(runnable), footprint, memory_available(), cpus, options.workers)
    if plan.jobs > 1 and options.workers is None:
        tasks = [attrs.evolve(task, options=attrs.evolve(task.options, workers=plan.threads)) if isinstance(task, SweepTask) else task for task in tasks]
    return tasks, plan


def _settings_of(task: SweepTask, given: list[str]) -> Settings:
    """The task's settings, read when the batch was prepared (their warnings added to ``given``) or now."""
    if task.read is None:
        return read_settings(task.settings)
    given.extend(text for text in task.read.warnings if text not in given)
    return task.read


def _run_here(task: SweepTask, reporter: Reporter, components: Components) -> Outcome:
    return run_sweep(task, components, reporter)


@functools.lru_cache(maxsize=4)
def _worker_host(plugins: tuple[str, ...], disabled: tuple[str, ...]) -> Host:
    """This worker process's plugin host, built once."""
    return build_host(local_modules=plugins, disabled=disabled)


def _largest_footprint(tasks: Sequence[SweepTask], components: Components, threads: int) -> Footprint | None:
    """The largest estimated peak memory with ``threads`` among the sweeps (those that cannot be estimated fail later, on their own)."""
    largest: Footprint | None = None
    for task in tasks:
        try:
            settings = task.read or read_settings(task.settings)
            output = output_path(settings, task.options)
            footprint = sweep_footprint(settings, choose_components(components, settings, task.options, output))
        except Exception:  # noqa: BLE001 - the sweep reports its own problem when it runs
            continue
        if largest is None or footprint.bytes(threads) > largest.bytes(threads):
            largest = footprint
    return largest


def _shape(output: Path) -> str:
    """`` 8 wavelengths x 3 channels`` for a CameraSamples HDF5 output; empty for other formats."""
    try:
        import h5py

        with h5py.File(output, "r") as f:
            rows, columns = f["samples"].shape[:2]
        return f" {rows} wavelengths x {columns} channels"
    except Exception:  # noqa: BLE001 - only a detail of the line
        return ""
