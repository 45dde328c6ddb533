"""Many response fits in one call: each skipped when its CameraResponse file is up to date; failures do not stop the others.

The same batch as ``camchar stats``'s (:mod:`camchar.runtime.batch`): one
line per input, the failures listed at the end, ``--jobs`` worker processes
within the memory bound (a fit needs little: :data:`FIT_FOOTPRINT`), each
with ``CPUs / jobs`` BLAS threads.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Sequence

import attrs

from camchar.core.paths import same_file_key
from camchar.host.manager import Host, build_host
from camchar.host.registry import Components
from camchar.response.freshness import response_staleness, stored_response_record
from camchar.response.run import ResponseInputs, ResponseOptions, default_output, inputs_from_path, record_of, run_response
from camchar.runtime.batch import BatchOptions, Outcome, collecting_warnings, conclude, failed, mirrored_outputs, run_batch, set_up_worker, shown_path
from camchar.runtime.jobs import Footprint, cpu_count, memory_available, plan_jobs
from camchar.runtime.progress import Reporter, silent

__all__ = ["ResponseTask", "run_response_batch", "run_fit", "run_fit_in_worker", "why_fit", "skipped_before_starting", "FIT_FOOTPRINT"]

#: The estimated peak memory of one fit: the interpreter with numpy, scipy and h5py, and the fit's small matrices.
FIT_FOOTPRINT = Footprint(fixed=320 << 20)


@attrs.frozen
class ResponseTask:
    """One fit of a batch.

    Parameters
    ----------
    input
        A settings file or a samples file.
    source
        The source spectra (``--source``), or ``None``: the settings' ``source_spectra``.
    options
        The fit's options, ``output`` set.
    force
        Fit even when the output is up to date.
    plugins, disabled
        The plugin host's ``--plugin`` and ``--no-plugin``.
    make_folder
        Create the output's folder first (under ``--output-dir``).
    """

    input: Path
    source: Path | None
    options: ResponseOptions
    force: bool = False
    plugins: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    make_folder: bool = False


def run_response_batch(
    inputs: Sequence[Path],
    names: Sequence[str],
    source: Path | None,
    components: Components,
    options: ResponseOptions,
    batch: BatchOptions = BatchOptions(),
    reporter: Reporter | None = None,
) -> list[Outcome]:
    """Run ``camchar response`` on many inputs: skip the fits that are up to date, do the others, one line each.

    Parameters
    ----------
    inputs
        Settings files or samples files.
    names
        How each is named in the lines.
    source
        ``--source``, shared by every input; ``None``: each settings file's ``source_spectra``.
    components
        The registered components.
    options
        The options every fit shares (``output`` is replaced by each input's).
    batch
        Jobs, ``--force``, ``--output-dir``, the plugins of worker processes.
    reporter
        Lines and progress.

    Raises
    ------
    BadInput
        When any fit failed (after every one was tried), counting the failures.
    """
    reporter = reporter or silent()
    started = time.perf_counter()
    outputs: list[Path | None] = [default_output(path).absolute() for path in inputs]
    if batch.output_dir is not None:
        outputs = mirrored_outputs(outputs, batch.output_dir)
    tasks: list[ResponseTask | Outcome] = []
    first_of: dict[Path, int] = {}
    for index, (path, output) in enumerate(zip(inputs, outputs)):
        key = same_file_key(output)
        if key in first_of:
            other = first_of[key]
            problem = f"writes the same output {shown_path(output)} as [{other + 1}/{len(inputs)}] {names[other]}"
            tasks.append(Outcome("failed", output, problem, exit_status=2))
            continue
        first_of[key] = index
        task_options = attrs.evolve(options, output=output)
        tasks.append(ResponseTask(Path(path), source, task_options, batch.force, batch.plugins, batch.disabled, batch.output_dir is not None))
    if batch.jobs > 1:
        tasks = [skipped_before_starting(task, components) or task if isinstance(task, ResponseTask) else task for task in tasks]
    runnable = sum(isinstance(task, ResponseTask) for task in tasks)
    plan = plan_jobs(batch.jobs, runnable, FIT_FOOTPRINT, memory_available(), cpu_count())
    outcomes = run_batch(
        tasks,
        names,
        here=functools.partial(_run_here, components=components),
        elsewhere=run_fit_in_worker,
        plan=plan,
        reporter=reporter,
        debug=batch.debug,
        setup=functools.partial(set_up_worker, batch.debug),
        noun="fit",
    )
    conclude(outcomes, names, reporter, time.perf_counter() - started, noun="fit")
    return outcomes


def run_fit(task: ResponseTask, components: Components, reporter: Reporter | None = None) -> Outcome:
    """One fit of a batch: skipped when its output is up to date, else done; every failure becomes the outcome."""
    started = time.perf_counter()
    output = task.options.output
    with collecting_warnings() as given:
        try:
            inputs = inputs_from_path(task.input, task.source)
            reason = why_fit(task, inputs, components)
            if reason is None:
                return Outcome("skipped", output, "up to date", time.perf_counter() - started, tuple(given))
            if task.make_folder:
                output.parent.mkdir(parents=True, exist_ok=True)
            run_response(inputs, components, task.options, reporter)
        except Exception as exc:  # noqa: BLE001 - a failing fit is its outcome; the batch goes on
            return failed(exc, output, time.perf_counter() - started, given)
    return Outcome("computed", output, f"computed{_fit_summary(output)} ({reason})", time.perf_counter() - started, tuple(given))


def why_fit(task: ResponseTask, inputs: ResponseInputs, components: Components) -> str | None:
    """Why the fit must be done (``no output yet``, ``out of date: the samples file changed``, ``--force`` ...), or ``None``: its output is up to date.

    Raises
    ------
    BadInput
        When the method, its options or the spectra reader cannot be chosen (the fit would fail the same way).
    """
    if task.force:
        return "--force"
    stored, missing = stored_response_record(task.options.output)
    if stored is None:
        return missing
    reason = response_staleness(record_of(inputs, task.options, components), stored)
    return None if reason is None else f"out of date: {reason}"


def skipped_before_starting(task: ResponseTask, components: Components) -> Outcome | None:
    """The outcome of a fit found up to date here, before any worker process starts; ``None``: leave it to its worker."""
    if task.force:
        return None
    started = time.perf_counter()
    with collecting_warnings() as given:
        try:
            if why_fit(task, inputs_from_path(task.input, task.source), components) is None:
                return Outcome("skipped", task.options.output, "up to date", time.perf_counter() - started, tuple(given))
        except Exception:  # noqa: BLE001 - the worker reports it
            return None
    return None


def run_fit_in_worker(task: ResponseTask) -> Outcome:
    """:func:`run_fit` in a worker process, with that process's plugin host (built once per process)."""
    return run_fit(task, _worker_host(task.plugins, task.disabled).components)


def _run_here(task: ResponseTask, reporter: Reporter, components: Components) -> Outcome:
    return run_fit(task, components, reporter)


@functools.lru_cache(maxsize=4)
def _worker_host(plugins: tuple[str, ...], disabled: tuple[str, ...]) -> Host:
    """This worker process's plugin host, built once."""
    return build_host(local_modules=plugins, disabled=disabled)


def _fit_summary(output: Path) -> str:
    """`` R² 0.99602`` from the CameraResponse file; empty if it cannot be read."""
    try:
        import h5py

        with h5py.File(output, "r") as f:
            return f" R² {float(f['response_mean'].attrs['R2']):.5f}"
    except Exception:  # noqa: BLE001 - only a detail of the line
        return ""
