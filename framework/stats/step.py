"""``camchar stats`` as a step of the pipeline core's batch: what is particular to a sweep.

A sweep's input is its settings file; its output the settings' ``output``
(else the image folder's path with ``.h5``); it is up to date when the
record of its inputs (:mod:`camchar.stats.freshness`: settings text, the
files' sizes and times, components with their versions and options) is the
one stored; its footprint is the largest sweep's estimated peak memory,
and its threads are ``--workers`` or ``CPUs / jobs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import attrs

from camchar.host.registry import Components
from camchar.pipeline.batch import Step, Task
from camchar.runtime.jobs import Footprint
from camchar.runtime.progress import Reporter
from camchar.settings.model import Settings
from camchar.settings.reader import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.footprint import sweep_footprint
from camchar.stats.freshness import input_files, record_inputs, staleness, stored_record
from camchar.stats.options import RunOptions
from camchar.stats.plan import output_path
from camchar.stats.run import run_stats

__all__ = ["StatsStep", "STATS"]


class StatsStep(Step):
    """A sweep: settings file in, samples out."""

    noun = "sweep"
    result = "samples"
    same_output_hint = "; give each its own output: in its settings"

    def output_of(self, input: Path, options: RunOptions) -> tuple[Path, Settings]:
        """The sweep's output, and its settings as read."""
        settings = read_settings(input)
        return output_path(settings, options), settings

    def with_output(self, options: RunOptions, output: Path) -> RunOptions:
        """``options`` with ``-o`` set."""
        return attrs.evolve(options, output=output)

    def input_files(self, task: Task, components: Components) -> list[Path]:
        """The settings file, every image and dark frame, the exposure files (the settings file alone when they cannot be known now)."""
        try:
            settings = task.prepared or read_settings(task.input)
            return [task.input, *input_files(settings, choose_components(components, settings, task.options, output_path(settings, task.options)))]
        except Exception:  # noqa: BLE001 - the sweep reports its own problem when it runs
            return [task.input]

    def why(self, task: Task, components: Components, given: list[str]) -> tuple[Path, str | None]:
        """The output, and ``--force``, ``no output yet``, ``out of date: <what changed>`` or ``None``."""
        settings = _settings_of(task, given)
        output = output_path(settings, task.options)
        if task.force:
            return output, "--force"
        stored, missing = stored_record(output)
        if stored is None:
            return output, missing
        chosen = choose_components(components, settings, task.options, output)
        reason = staleness(record_inputs(settings, chosen, task.options), stored, task.options.checksum)
        return output, None if reason is None else f"out of date: {reason}"

    def run(self, task: Task, components: Components, reporter: Reporter | None) -> None:
        """Compute the sweep and write its output."""
        run_stats(task.prepared or read_settings(task.input), components, task.options, reporter)

    def detail(self, output: Path) -> str:
        """`` 8 wavelengths x 3 channels`` for a CameraSamples HDF5 output; empty for other formats."""
        try:
            import h5py

            with h5py.File(output, "r") as f:
                rows, columns = f["samples"].shape[:2]
            return f" {rows} wavelengths x {columns} channels"
        except Exception:  # noqa: BLE001 - only a detail of the line
            return ""

    def cheap_check(self, task: Task) -> bool:
        """Sizes and times are cheap; ``--checksum`` reads every file, and is left to the workers, side by side."""
        return not task.options.checksum

    def threads(self, options: RunOptions) -> int | None:
        """``--workers``."""
        return options.workers

    def with_threads(self, options: RunOptions, threads: int) -> RunOptions:
        """``options`` with ``threads`` worker threads."""
        return attrs.evolve(options, workers=threads)

    def footprint(self, tasks: Sequence[Task], components: Components, threads: int) -> Footprint | None:
        """The largest estimated peak memory among the sweeps (those that cannot be estimated fail later, on their own)."""
        largest: Footprint | None = None
        for task in tasks:
            try:
                settings = task.prepared or read_settings(task.input)
                output = output_path(settings, task.options)
                footprint = sweep_footprint(settings, choose_components(components, settings, task.options, output))
            except Exception:  # noqa: BLE001 - the sweep reports its own problem when it runs
                continue
            if largest is None or footprint.bytes(threads) > largest.bytes(threads):
                largest = footprint
        return largest


def _settings_of(task: Task, given: list[str]) -> Settings:
    """The task's settings, read when the batch was prepared (their warnings added to ``given``) or now."""
    if task.prepared is None:
        return read_settings(task.input)
    given.extend(text for text in task.prepared.warnings if text not in given)
    return task.prepared


#: The stats step (module level, so that tasks pickle to worker processes).
STATS = StatsStep()
