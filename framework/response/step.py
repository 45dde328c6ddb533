"""``camchar response`` as a step of the pipeline core's batch: what is particular to a fit.

A fit's input is a settings file or a samples file (with ``--source``); its
output ``"INPUT response.h5"`` beside it; it is up to date when the record of
its inputs (:mod:`camchar.response.freshness`: the files by content, the
components with their versions and options, the fit's parameters) is the
one stored. A fit needs little memory (:data:`FIT_FOOTPRINT`); each worker
process gets ``CPUs / jobs`` BLAS threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import attrs

from camchar.host.registry import Components
from camchar.pipeline.batch import Step, Task
from camchar.response.freshness import fit_input_files, response_staleness, stored_response_record
from camchar.response.run import ResponseOptions, choose_response, default_output, inputs_from_path, record_of, run_response
from camchar.runtime.jobs import Footprint
from camchar.runtime.progress import Reporter

__all__ = ["ResponseStep", "RESPONSE", "FIT_FOOTPRINT"]

#: The estimated peak memory of one fit: the interpreter with numpy, scipy and h5py, and the fit's small matrices.
FIT_FOOTPRINT = Footprint(fixed=320 << 20)


@attrs.frozen
class ResponseStep(Step):
    """A fit: samples (or settings) and source spectra in, the response out.

    Parameters
    ----------
    source
        ``--source``, shared by every input; ``None``: each settings file's ``source_spectra``.
    suffix
        The suffix of the default outputs (:func:`~camchar.response.run.default_suffix`).
    """

    noun = "fit"
    result = "response"
    source: Path | None = None
    suffix: str = ".h5"

    def output_of(self, input: Path, options: ResponseOptions) -> tuple[Path, None]:
        """``"INPUT response.h5"`` beside the input."""
        return default_output(input, self.suffix), None

    def with_output(self, options: ResponseOptions, output: Path) -> ResponseOptions:
        """``options`` with ``-o`` set."""
        return attrs.evolve(options, output=output)

    def input_files(self, task: Task, components: Components) -> list[Path]:
        """The input, the samples, the source's files and the settings file (the input alone when they cannot be known now)."""
        try:
            inputs = inputs_from_path(task.input, self.source)
            return [task.input, *fit_input_files(inputs, choose_response(components, inputs, self._options(task)).reader)]
        except Exception:  # noqa: BLE001 - the fit reports its own problem when it runs
            return [task.input]

    def why(self, task: Task, components: Components, given: list[str]) -> tuple[Path, str | None]:
        """The output, and ``--force``, ``no output yet``, ``out of date: <what changed>`` or ``None``."""
        options = self._options(task)
        if task.force:
            return options.output, "--force"
        stored, missing = stored_response_record(options.output)
        if stored is None:
            return options.output, missing
        reason = response_staleness(record_of(inputs_from_path(task.input, self.source), options, components), stored)
        return options.output, None if reason is None else f"out of date: {reason}"

    def run(self, task: Task, components: Components, reporter: Reporter | None) -> None:
        """Fit and write the response."""
        run_response(inputs_from_path(task.input, self.source), components, self._options(task), reporter)

    def detail(self, output: Path) -> str:
        """`` R² 0.99602`` from a CameraResponse HDF5 file; empty for other formats."""
        try:
            import h5py

            with h5py.File(output, "r") as f:
                return f" R² {float(f['response_mean'].attrs['R2']):.5f}"
        except Exception:  # noqa: BLE001 - only a detail of the line
            return ""

    def footprint(self, tasks: Sequence[Task], components: Components, threads: int) -> Footprint | None:
        """A fit's footprint: small, and the same for every fit."""
        return FIT_FOOTPRINT

    def _options(self, task: Task) -> ResponseOptions:
        """The task's options with its output (the batch's choice under ``--output-dir``, else the default)."""
        return task.options if task.make_folder else attrs.evolve(task.options, output=task.output or default_output(task.input, self.suffix))


#: The response step with no ``--source`` (each settings file names its own).
RESPONSE = ResponseStep()
