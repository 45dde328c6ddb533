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

import hashlib
import time
from pathlib import Path
from typing import Any, Callable

import attrs
import numpy as np

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.files.camera_samples import CameraSamples
from camchar.files.hdf5_values import RESPONSE, SAMPLES, SPECTRA, file_kind
from camchar.host.guard import Guarded, guarded
from camchar.host.kinds import RESPONSE_METHODS, SPECTRA_READERS
from camchar.host.options import OptionValue, resolve_options
from camchar.host.registry import Components, Registered
from camchar.response.fit import ResponseResult, fit_response
from camchar.response.freshness import RECORD_KEY, response_record
from camchar.response.problem import DEFAULT_TARGET_R2
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.warning_log import recording_warnings
from camchar.settings.model import Settings

__all__ = [
    "ResponseOptions",
    "ResponseInputs",
    "inputs_from_settings",
    "inputs_from_path",
    "default_output",
    "is_settings_path",
    "read_spectra",
    "chosen_reader",
    "configured_method",
    "load_spectra",
    "read_samples",
    "record_of",
    "run_response",
]


@attrs.frozen
class ResponseOptions:
    """The choices of one ``camchar response`` run (the flags).

    Parameters
    ----------
    output
        The CameraResponse file to write.
    method
        The response method's name; ``None``: the default (``ridge-smooth``).
    non_negative
        Constrain the response to be non-negative.
    target_r2
        The R² the alpha search aims at.
    bandwidth
        The smoothing bandwidth (nm); ``None``: from the source spectra.
    draws
        Bootstrap draws; 0 or 1: one plain fit.
    seed
        Seed of the bootstrap generator; ``None``: fresh randomness.
    spectra_reader
        The spectra reader's name; ``None``: the one that can open the source file.
    options
        Component options by component name (``--option``).
    """

    output: Path
    method: str | None = None
    non_negative: bool = False
    target_r2: float = DEFAULT_TARGET_R2
    bandwidth: float | None = None
    draws: int = 100
    seed: int | None = None
    spectra_reader: str | None = None
    options: dict[str, dict[str, OptionValue]] = attrs.field(factory=dict)


@attrs.frozen
class ResponseInputs:
    """The two input files of a response run, and what a settings file said."""

    samples: Path
    source: Path
    non_negative: bool = False
    settings: Settings | None = None


def inputs_from_settings(settings: Settings, source: Path | None = None) -> ResponseInputs:
    """The inputs a settings file names, as the original workflow derives them.

    The samples are ``camchar stats``'s default output (``output:``, else the
    image folder's path with ``.h5``); the source is ``source_spectra`` with
    ``.h5`` beside the settings file, unless ``source`` is given.

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
        source = settings.path.parent / (settings.source_spectra + ".h5")
    return ResponseInputs(settings.samples_file, Path(source), settings.non_negative, settings)


def read_spectra(path: Path, components: Components, name: str | None = None, options: dict | None = None) -> tuple[SourceSpectra, Registered]:
    """Read and check source spectra with the named reader, or the one that can open ``path``.

    Raises
    ------
    BadInput
        When the file is missing, no reader reads it, or the spectra fail the checks.
    """
    path = Path(path)
    reader = chosen_reader(path, components, name, options)
    registered = reader.registered
    spectra = reader.read(path)
    if not isinstance(spectra, SourceSpectra):
        from camchar.host.guard import component_error

        raise component_error(registered, f"returned {type(spectra).__name__} from read(), not camchar.api.SourceSpectra")
    check_spectra(spectra, path)
    return spectra, registered


def chosen_reader(path: Path, components: Components, name: str | None = None, options: dict | None = None) -> Guarded:
    """The spectra reader for ``path`` (the named one, or the one that can open it), configured with its options.

    Raises
    ------
    BadInput
        When the file is missing or not a regular file, or no reader reads it.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(path, "source spectra file not found")
    if not path.is_file():
        raise BadInput(path, "is not a regular file; give the source spectra file")
    registered = _named(components, SPECTRA_READERS, name) if name else _reader_for(components, path)
    return _configured(registered, (options or {}).get(registered.name, {}))


def configured_method(components: Components, options: ResponseOptions) -> Guarded:
    """The run's response method (``--method``, else the default), configured with its options.

    Raises
    ------
    BadInput
        When no method has that name, or an option is unknown or has a bad value.
    """
    name = options.method or RESPONSE_METHODS.default
    return _configured(_named(components, RESPONSE_METHODS, name), options.options.get(name, {}))


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


def default_output(path: Path) -> Path:
    """The CameraResponse file of a run on ``path`` by default: ``"INPUT response.h5"`` beside it."""
    path = Path(path)
    if is_settings_path(path):
        path = path.absolute()
    return path.with_name(path.stem + " response.h5")


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

    return read_spectra(Path(path), build_host().components)[0]


def _reader_for(components: Components, path: Path) -> Registered:
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


def _named(components: Components, kind, name: str) -> Registered:
    found = components.get(kind.key, name)
    if found is None:
        raise BadInput(None, f"no {kind.label} named '{name}'; available: {', '.join(components.names(kind.key)) or 'none'}")
    return found


def _configured(registered: Registered, values: dict[str, OptionValue]) -> Guarded:
    config = resolve_options(registered.title, registered.component.options, values)
    return guarded(attrs.evolve(registered, component=registered.component.configured(config)))


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


def sha256(path: Path) -> str:
    """The SHA-256 of a file, recorded for each input in the provenance."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_response(
    inputs: ResponseInputs,
    components: Components,
    options: ResponseOptions,
    reporter: Reporter | None = None,
) -> Path:
    """The whole ``camchar response`` run: read, fit, write.

    Returns
    -------
    Path
        The CameraResponse file.

    Raises
    ------
    BadInput
        For any problem with the inputs or the options; nothing is written.
    PluginError
        When the method or the reader breaks its contract.
    """
    from camchar.files.atomic import check_output_path

    reporter = reporter or silent()
    check_output_path(options.output)
    if same_file_key(options.output) in (same_file_key(inputs.samples), same_file_key(inputs.source)):
        raise BadInput(options.output, "is an input of this fit (the samples or the source spectra); writing the response there would destroy it: choose another output")
    method = configured_method(components, options)
    samples = read_samples(inputs.samples)
    spectra, reader = read_spectra(inputs.source, components, options.spectra_reader, options.options)
    non_negative = options.non_negative or inputs.non_negative
    record = record_of(inputs, options, method, components)  # the inputs as just read, before the fit
    reporter.summary(
        f"{inputs.samples.name} + {inputs.source.name} -> {options.output}: method {method.name}"
        f"{' (non-negative)' if non_negative else ''}, reader {reader.name}, "
        f"{options.draws} bootstrap draw{'s' if options.draws != 1 else ''}"
    )
    started = time.perf_counter()
    with reporter.live(), recording_warnings() as given:
        result = fit_response(
            samples,
            spectra,
            method.component,
            n_draws=options.draws,
            seed=options.seed,
            target_r2=options.target_r2,
            bandwidth=options.bandwidth,
            non_negative=non_negative,
            progress=_progress(reporter),
        )
    left_out = np.setdiff1d(np.asarray(samples.nom_wl), result.nominal_wavelength)
    if left_out.size:
        reporter.summary(
            f"samples at {left_out.size} nominal wavelength(s) ({_listed(left_out)} {result.wavelength_units}) have no source spectrum "
            f"(matching is exact) and are left out of the fit"
        )
    response = result.to_camera_response(inputs=_inputs_record(inputs))
    response.provenance.update(_components_record(method, reader))
    response.provenance[RECORD_KEY] = record
    if given:
        response.provenance["warnings"] = list(given)
    response.save(options.output)
    reporter.summary(_summary(result, options.output, time.perf_counter() - started))
    return Path(options.output)


def _listed(values: np.ndarray, shown: int = 5) -> str:
    """``805, 810, 815, 820, 825 ...``: the first few values."""
    return ", ".join(f"{value:g}" for value in values[:shown]) + (" ..." if values.size > shown else "")


def record_of(inputs: ResponseInputs, options: ResponseOptions, method: Guarded, components: Components) -> dict[str, Any]:
    """The record of a run's inputs (:mod:`camchar.response.freshness`), reading no more than the files' bytes.

    Raises
    ------
    BadInput
        When the source spectra file is missing or no reader reads it.
    """
    reader = chosen_reader(inputs.source, components, options.spectra_reader, options.options)
    settings = inputs.settings.path if inputs.settings is not None else None
    return response_record(inputs.samples, inputs.source, settings, options.non_negative or inputs.non_negative, options, method, reader)


def _inputs_record(inputs: ResponseInputs) -> dict[str, Any]:
    record = {
        "samples": {"path": str(inputs.samples), "sha256": sha256(inputs.samples)},
        "source": {"path": str(inputs.source), "sha256": sha256(inputs.source)},
    }
    if inputs.settings is not None:
        record["settings"] = {"path": str(inputs.settings.path), "sha256": sha256(inputs.settings.path)}
    return record


def _components_record(method: Guarded, reader: Registered) -> dict[str, Any]:
    return {
        "method_plugin": method.registered.plugin.label,
        "spectra_reader": reader.name,
        "spectra_reader_plugin": reader.plugin.label,
        "component_options": {"method": dict(method.config)},
    }


def _progress(reporter: Reporter) -> Callable[[str, int, int], None]:
    """A ``progress(stage, done, total)`` callback drawing one bar per stage."""
    state: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if state.get("stage") != stage:
            if "context" in state:
                state["context"].__exit__(None, None, None)
            title = "choosing alpha" if stage == "alpha" else "bootstrap draws"
            state["context"] = reporter.step(title, total or None)
            state["bar"] = state["context"].__enter__()
            state["stage"] = stage
            state["done"] = 0
        state["bar"].advance(max(0, done - state["done"]), f"{done}/{total}" if total else f"{done} fits")
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
