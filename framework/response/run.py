"""``camchar response``, step by step: the camera's spectral sensitivity from its statistics and the source spectra.

::

    samples file --CameraSamples--> the camera's mean and noise per nominal wavelength
    source file  --spectra reader (asked by can_open)--> SourceSpectra, checked
    --method (configured, guarded)--> fit_response: normalise, match, tune, bootstrap, denormalise
    --> CameraResponse with provenance (version, components, options, inputs and their checksums)
    --> written atomically

The inputs can also come from a settings file (``source_spectra``,
``non_negative``), as in the original workflow, so one file describes the
whole calibration.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.files.atomic import check_output_path
from camchar.files.camera_samples import CameraSamples
from camchar.files.hdf5_values import RESPONSE, SAMPLES, SPECTRA, file_kind
from camchar.host.guard import checked_type, component_error, guarded
from camchar.host.kinds import RESPONSE_METHODS, SPECTRA_READERS, SPECTROMETER_READERS, WRITERS
from camchar.host.options import OptionValue
from camchar.host.registry import Components, Registered
from camchar.pipeline.choice import ChosenComponent, check_unused_options, configure, named_component, option_values, writer_for
from camchar.pipeline.output import check_writer, refuse_an_input, write_result
from camchar.pipeline.record import RECORD_KEY, file_sha256, record_text, relative_name
from camchar.response.fit import ResponseResult, fit_response
from camchar.response.freshness import fit_input_files, response_record, source_files
from camchar.response.options import ResponseChosen, ResponseInputs, ResponseOptions
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.warning_log import recording_warnings
from camchar.settings.model import Settings
from camchar.spectra.source import folder_source_reader

__all__ = [
    "ResponseOptions",
    "ResponseInputs",
    "ResponseChosen",
    "inputs_from_settings",
    "inputs_from_path",
    "default_output",
    "is_settings_path",
    "choose_response",
    "read_spectra",
    "load_spectra",
    "read_samples",
    "record_of",
    "run_response",
]


def inputs_from_settings(settings: Settings, source: Path | None = None) -> ResponseInputs:
    """The inputs a settings file names, as the original workflow derives them.

    The samples are ``camchar stats``'s default output (``output:``, else the
    image folder's path with ``.h5``); the source is ``source_spectra``
    relative to the settings file, a file or a folder as written (with
    ``.h5`` appended when nothing has the name as written, as the original
    workflow names it), unless ``source`` is given.

    Raises
    ------
    BadInput
        At the ``source_spectra`` line when the settings name no source and none
        is given; at the ``output`` line when it names a file that is not HDF5.
    """
    if settings.output is not None and settings.output.suffix.lower() not in (".h5", ".hdf5"):
        raise BadInput(
            settings.path,
            f"'output' is {settings.output.name}, not an HDF5 file; camchar response reads the statistics from a .h5 output",
            settings.line_of("output"),
        )
    if source is None:
        if not settings.source_spectra:
            raise BadInput(settings.path, "the settings name no 'source_spectra'; give the spectra file with --source", settings.line_of("source_spectra"))
        source = settings.path.parent / settings.source_spectra
        if not source.exists():  # the original names the file without its suffix
            source = source.with_name(source.name + ".h5")
    return ResponseInputs(settings.samples_file, Path(source), settings.non_negative, settings)


def choose_response(components: Components, inputs: ResponseInputs, options: ResponseOptions) -> ResponseChosen:
    """Pick and configure the fit's method, spectra reader and writer, as ``camchar stats`` picks its components.

    Each comes from its flag, else the settings (``method``, ``spectra_reader``),
    else the default (the method), the reader that can open the source, or the
    writer of a response with the output's suffix. Options come from the
    settings' ``plugins:`` section and ``--option``; options for a name no
    component has are warned about.

    Raises
    ------
    BadInput
        When a named component does not exist, no reader reads the source, no
        writer writes a response with the output's suffix, or an option is unknown
        or has a bad value. Nothing has been read but the source's name.
    """
    settings = inputs.settings
    check_source(Path(inputs.source))
    method = named_component(components, RESPONSE_METHODS, options.method, settings)
    given = option_values(settings, options.options)
    reader = named_component(components, SPECTRA_READERS, options.spectra_reader, settings) or _source_reader(components, Path(inputs.source), settings, given)
    writer = writer_for(components, Path(options.output), "response", named_component(components, WRITERS, options.writer, None))
    assert method is not None  # the kind has a default
    check_unused_options(components, given, {method.name, reader.name, writer.name})
    return ResponseChosen(*(configure(registered, given.get(registered.name, {})) for registered in (method, reader, writer)))


def check_source(path: Path) -> None:
    """Refuse a source that is missing, or neither a regular file nor a folder (a pipe is never opened).

    Raises
    ------
    BadInput
        Naming the source.
    """
    if not path.exists():
        raise BadInput(path, "source spectra file not found")
    if not path.is_file() and not path.is_dir():
        raise BadInput(path, "is not a regular file or folder (a pipe or a device?); give the source spectra")


def read_spectra(path: Path, reader: ChosenComponent) -> SourceSpectra:
    """Read source spectra with ``reader``, checked; what a reader returns that fails the checks is the reader's fault.

    A reader checks its files and raises ``BadInput`` naming the file
    (``camchar.api.check_spectra`` does the checks camchar does); spectra it
    returns that still fail them are a broken contract.

    Raises
    ------
    BadInput
        When the source is missing, or the reader refuses it.
    PluginError
        When the reader fails, or returns something that is not checked :class:`~camchar.api.SourceSpectra`.
    """
    path = Path(path)
    check_source(path)
    spectra = checked_type(reader.registered, "read", reader.component.read(path), SourceSpectra, "camchar.api.SourceSpectra")
    for name in ("units", "wavelength_units"):
        if not isinstance(getattr(spectra, name), str):
            raise component_error(reader.registered, f"returned spectra from read() whose {name} is {type(getattr(spectra, name)).__name__}, not text")
    try:
        check_spectra(spectra, path)
    except BadInput as problem:
        raise component_error(reader.registered, f"returned spectra from read() that fail camchar's checks: {problem.problem}") from None
    return spectra


def inputs_from_path(path: Path, source: Path | None = None) -> ResponseInputs:
    """The inputs of a run on ``path``: a settings file (``.yml``, ``.yaml``) and what it names, or a samples file with ``source``.

    Raises
    ------
    BadInput
        When the settings file is bad, or a samples file comes without ``source``.
    """
    from camchar.settings.reader import read_settings

    if is_settings_path(path):
        return inputs_from_settings(read_settings(path), source)
    if source is None:
        raise BadInput(None, "no source spectra given: camchar response SAMPLES.h5 --source SPECTRA.h5 (or give a settings file)")
    return ResponseInputs(Path(path), Path(source))


def default_output(path: Path, suffix: str = ".h5") -> Path:
    """The output of a run on ``path`` by default: ``"INPUT response.h5"`` beside it (another suffix for a named writer's)."""
    path = Path(path)
    if is_settings_path(path):
        path = path.absolute()
    return path.with_name(path.stem + " response" + suffix)


def default_suffix(components: Components, writer: str | None) -> str:
    """The suffix of the default outputs: ``.h5``, or the first suffix of the named writer when it does not claim ``.h5``.

    Raises
    ------
    BadInput
        When no writer has that name.
    """
    named = named_component(components, WRITERS, writer, None)
    if named is None or not named.component.suffixes or ".h5" in named.component.suffixes:
        return ".h5"
    return str(named.component.suffixes[0])


def is_settings_path(path: Path) -> bool:
    """Whether ``path`` names a settings file (by its suffix) rather than a samples file."""
    return Path(path).suffix.lower() in (".yml", ".yaml")


def load_spectra(path: str | Path) -> SourceSpectra:
    """Read source spectra with the installed reader that can open ``path`` (``camchar.load_spectra``).

    Raises
    ------
    BadInput
        When the file is missing, no reader reads it, or the spectra fail the checks.
    """
    from camchar.host.manager import build_host

    path = Path(path)
    components = build_host().components
    check_source(path)
    return read_spectra(path, configure(_source_reader(components, path, None, {}), {}))


def _source_reader(components: Components, path: Path, settings: Settings | None, given: Mapping[str, Mapping[str, OptionValue]]) -> Registered:
    """The reader that can open ``path``; for a folder no spectra reader claims, the spectra step run on its spectrometer files.

    The spectrometer reader is the one the settings name (``spectrometer_reader``), else the one that reads the
    folder's files; ``--option spectrometer-folder.noise=...`` and the like set the step's parameters.

    Raises
    ------
    BadInput
        When no reader reads the source.
    """
    try:
        return _reader_for(components, path)
    except BadInput:
        if not path.is_dir():
            raise
        folder = folder_source_reader(components, path, named_component(components, SPECTROMETER_READERS, None, settings), given)
        if folder is None:
            raise
        return folder


def _reader_for(components: Components, path: Path) -> Registered:
    """The reader that can open ``path``, the highest precedence first (the caller has checked it with :func:`check_source`)."""
    candidates = []
    for registered in components.of_kind(SPECTRA_READERS.key):
        try:
            if guarded(registered).can_open(path):
                candidates.append((-registered.component.precedence, registered.name, registered))
        except BadInput:
            continue
    if not candidates:
        hint = _what_else(path)
        if hint:
            raise BadInput(path, hint)
        if path.is_dir():
            raise BadInput(path, "is a folder, and no spectra reader reads it (camchar plugins --all lists the readers; name one with --spectra-reader)")
        # a reader of this suffix says best what is wrong with the file
        claimants = [entry for entry in components.of_kind(SPECTRA_READERS.key) if path.suffix.lower() in entry.component.suffixes]
        if not claimants:
            raise BadInput(path, "no spectra reader reads this file (camchar plugins --all lists the readers)")
        candidates = [(-entry.component.precedence, entry.name, entry) for entry in claimants]
    return min(candidates, key=lambda candidate: candidate[:2])[2]


def _what_else(path: Path) -> str | None:
    """A hint for a camchar file given as the source: a samples or a response file."""
    try:
        kind = file_kind(path)
    except BadInput:  # only a hint
        return None
    if kind == SAMPLES:
        return (
            "this is a CameraSamples file (camera statistics, as `camchar stats` writes), not source "
            "spectra; give it as the samples input and a MonochromatorSpectra file as the source"
        )
    if kind == RESPONSE:
        return "this is a CameraResponse file (a fitted spectral response), not source spectra"
    return None




def read_samples(path: Path) -> CameraSamples:
    """The camera's samples, refusing a file that is not a CameraSamples file with one line."""
    path = Path(path)
    if not path.is_file():
        what = "not found" if not path.exists() else "is not a regular file"
        raise BadInput(path, f"samples file {what} (run camchar stats first, or give the samples file)")
    kind = file_kind(path)
    if kind == RESPONSE:
        raise BadInput(path, "this is a CameraResponse file, not samples; give the CameraSamples file camchar stats wrote")
    if kind == SPECTRA:
        raise BadInput(path, "this is a MonochromatorSpectra file, not samples; give it with --source")
    if kind != SAMPLES:
        raise BadInput(path, "not a CameraSamples file (no samples and nominal_wavelength datasets)")
    return CameraSamples(path)


def run_response(
    inputs: ResponseInputs,
    components: Components,
    options: ResponseOptions,
    reporter: Reporter | None = None,
) -> Path:
    """The whole ``camchar response`` run: choose, check, read, fit, write.

    Returns
    -------
    Path
        The output file.

    Raises
    ------
    BadInput
        For any problem with the inputs or the options; nothing is written.
    PluginError
        When the method, the reader or the writer breaks its contract; nothing is written.
    """
    reporter = reporter or silent()
    output = Path(options.output)
    chosen = choose_response(components, inputs, options)
    check_output_path(output)
    source = Path(inputs.source)
    if source.is_dir() and same_file_key(output).is_relative_to(same_file_key(source)):
        raise BadInput(output, f"is inside the source folder {source}, whose files the spectra reader reads: choose an output outside it")
    refuse_an_input(output, fit_input_files(inputs, chosen.reader), "an input of this fit (the samples, the source spectra or the settings)", "the response")
    check_writer(chosen.writer, output)
    non_negative = options.non_negative or inputs.non_negative
    started = time.perf_counter()
    with reporter.live():
        with reporter.step("reading the samples and the source spectra", 2) as reading:
            samples = read_samples(inputs.samples)
            record = response_record(inputs, options, chosen)  # the inputs as they are now, before the fit
            reading.advance(1)
            with recording_warnings() as given:
                spectra = read_spectra(inputs.source, chosen.reader)
            reading.advance(1)
        reporter.summary(
            f"{inputs.samples.name} + {Path(inputs.source).name or same_file_key(inputs.source).name} -> {output}: method {chosen.method.name}"
            f"{' (non-negative)' if non_negative else ''}, reader {chosen.reader.name}, "
            f"{options.draws} bootstrap draw{'s' if options.draws != 1 else ''}"
        )
        left_out = _left_out(samples, spectra)
        if left_out:
            reporter.summary(left_out)
        with recording_warnings() as fitting:
            result = fit_response(
                samples,
                spectra,
                chosen.method.component,
                n_draws=options.draws,
                seed=options.seed,
                target_r2=options.target_r2,
                bandwidth=options.bandwidth,
                non_negative=non_negative,
                progress=_progress(reporter),
                source_scale=options.source_scale,
                sample_noise=options.sample_noise,
                samples_file=inputs.samples,
                source_file=inputs.source,
            )
    response = result.to_camera_response(inputs=_inputs_record(inputs, chosen.reader))
    response.provenance.update(_components_record(chosen))
    if spectra.metadata:
        response.provenance["source_metadata"] = json.dumps(spectra.metadata, sort_keys=True, default=str)
    response.provenance[RECORD_KEY] = record_text(record)
    recorded = [*([left_out] if left_out else []), *given, *(text for text in fitting if text not in given)]
    if recorded:  # the line about samples left out is kept with the warnings: the file says what the fit did not use
        response.provenance["warnings"] = recorded
    write_result(response, chosen.writer, output, made_from=inputs.samples)
    reporter.summary(_summary(result, output, time.perf_counter() - started))
    return output


def _left_out(samples: CameraSamples, spectra: SourceSpectra) -> str | None:
    """The line saying which samples have no source spectrum at their nominal wavelength (the fit leaves them out); ``None`` when all have one."""
    left_out = np.setdiff1d(np.asarray(samples.nom_wl), spectra.nominal_wavelength)
    if not left_out.size:
        return None
    return (
        f"samples at {left_out.size} nominal wavelength(s) ({_listed(left_out)} {spectra.wavelength_units}) have no source spectrum "
        "(matching is exact) and are left out of the fit"
    )


def _listed(values: np.ndarray, shown: int = 5) -> str:
    """``805, 810, 815, 820, 825 ...``: the first few values."""
    return ", ".join(f"{value:g}" for value in values[:shown]) + (" ..." if values.size > shown else "")


def record_of(inputs: ResponseInputs, options: ResponseOptions, components: Components) -> dict[str, Any]:
    """The record of a fit's inputs (:mod:`camchar.response.freshness`), reading no more than the files' bytes.

    Raises
    ------
    BadInput
        When the components cannot be chosen (the fit would fail the same way).
    """
    return response_record(inputs, options, choose_response(components, inputs, options))


def _inputs_record(inputs: ResponseInputs, reader: ChosenComponent) -> dict[str, Any]:
    record: dict[str, Any] = {"samples": {"path": str(inputs.samples), "sha256": file_sha256(inputs.samples)}}
    source = Path(inputs.source)
    if source.is_dir():
        record["source"] = {
            "path": str(source),
            "files": [{"path": relative_name(path, source), "sha256": file_sha256(path)} for path in source_files(source, reader)],
        }
    else:
        record["source"] = {"path": str(source), "sha256": file_sha256(source)}
    if inputs.settings is not None:
        record["settings"] = {"path": str(inputs.settings.path), "sha256": file_sha256(inputs.settings.path)}
    return record


def _components_record(chosen: ResponseChosen) -> dict[str, Any]:
    return {
        "method_plugin": chosen.method.registered.plugin.label,
        "spectra_reader": chosen.reader.name,
        "spectra_reader_plugin": chosen.reader.registered.plugin.label,
        "writer": chosen.writer.name,
        "component_options": {"method": dict(chosen.method.component.config), "spectra_reader": dict(chosen.reader.component.config)},
    }


def _progress(reporter: Reporter) -> Callable[[str, int, int], None]:
    """A ``progress(stage, done, total)`` callback drawing one bar per stage."""
    state: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if state.get("stage") != stage:
            if "context" in state:
                state["context"].__exit__(None, None, None)
            title = "choosing alpha: fits tried" if stage == "alpha" else "bootstrap draws"
            state["context"] = reporter.step(title, total or None)
            state["bar"] = state["context"].__enter__()
            state["stage"] = stage
            state["done"] = 0
        state["bar"].advance(max(0, done - state["done"]))  # the bar's own column shows the count: once
        state["done"] = done
        if total and done >= total and "context" in state:
            state.pop("context").__exit__(None, None, None)
            state["stage"] = None

    return progress


def _summary(result: ResponseResult, output: Path, seconds: float) -> str:
    peaks = ", ".join(
        f"{name} {result.wavelength[result.response_mean[:, index].argmax()]:g}"
        for index, name in enumerate(_channel_names(result.response_mean.shape[1]))
    )
    alpha = f", alpha {result.alpha:.4g}" if result.alpha is not None else ""
    return f"wrote {output}: R² {result.r2:.5f}{alpha}, peaks at {peaks} {result.wavelength_units} [{seconds:.2f} s]"


def _channel_names(count: int) -> tuple[str, ...]:
    return ("R", "G", "B") if count == 3 else ("R", "G1", "G2", "B") if count == 4 else tuple(f"C{c}" for c in range(count))
