"""The record of a response fit's inputs, kept in its output, and the test whether that output is up to date.

The inputs are small files, so they are compared by content
(:mod:`camchar.pipeline.record` holds what every step's record shares):

- ``samples_sha256``, ``settings_sha256`` (``None`` without a settings file):
  the SHA-256 of those files;
- ``source``: the source's files (what the spectra reader says it reads, or
  every file of a source folder), each by its name below the source and its
  SHA-256, so that touching one file of a folder source reruns the fit;
- ``camchar``: camchar's version;
- ``method``, ``spectra_reader`` and ``writer``: name, declared version,
  plugin (with its version) and option values;
- ``fit``: ``non_negative``, ``target_r2``, ``bandwidth``, ``source_scale``, ``sample_noise``, ``draws`` and
  ``seed`` (a fit without a seed is up to date with any other fit without
  one: the seed only picks the bootstrap's random draws).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from camchar._version import __version__
from camchar.core.errors import BadInput
from camchar.host.guard import component_error, guarded_call
from camchar.pipeline.choice import ChosenComponent
from camchar.pipeline.record import changed_entry, file_sha256, first_change, plain_record, read_record, relative_name
from camchar.response.options import ResponseChosen, ResponseInputs, ResponseOptions

__all__ = ["RECORD_FORMAT", "response_record", "source_files", "fit_input_files", "stored_response_record", "response_staleness"]

#: The layout of the record; a record of another layout is never up to date.
RECORD_FORMAT = 2


def source_files(source: Path, reader: ChosenComponent) -> list[Path]:
    """The files reading ``source`` reads: what the reader reports, else ``source`` itself, or every file below a folder.

    What a reader reports must be a non-empty list of existing regular files:
    absolute paths, paths built from ``source`` as given (``spectra/500
    ND-2.txt`` for the source ``spectra``, whatever the current folder), or
    names relative to the source folder (``500 ND-2.txt``); anything else
    would leave the record blind to a change, and is the reader's fault.

    Raises
    ------
    PluginError
        When the reader's ``files`` fails or returns something other than such a list.
    """
    source = Path(source)
    reported = reader.component.files(source)
    if reported is None:
        if source.is_dir():
            return sorted(path for path in source.rglob("*") if path.is_file())
        return [source]
    if isinstance(reported, (str, bytes, Path)) or not isinstance(reported, (list, tuple)) and not hasattr(reported, "__iter__"):
        raise component_error(reader.registered, f"returned {type(reported).__name__} from files(), not a list of paths")
    listed: list[object] = guarded_call(reader.registered, "files", list, reported)  # a generator runs the reader's code here
    root = source if source.is_dir() else source.parent
    files = []
    for entry in listed:
        if not isinstance(entry, (str, Path)) or "\x00" in str(entry):
            raise component_error(reader.registered, f"returned {entry!r} among the files from files(), not a path")
        path = _reported_path(Path(entry), source, root)
        if not path.is_file():
            where = "" if Path(entry).is_absolute() else f" (relative names are taken in {root})"
            raise component_error(reader.registered, f"returned {str(entry)!r} from files(), which is not an existing file{where}")
        files.append(path)
    if not files:
        raise component_error(reader.registered, "returned no file from files(); return None to have the source recorded whole")
    return files


def _reported_path(entry: Path, source: Path, root: Path) -> Path:
    """The file a reader's ``files()`` entry names: absolute, built from ``source`` as given, or relative to ``root``.

    A reader that lists a folder builds its paths from the path it was given
    (``Path(path) / name``, ``Path(path).glob(...)``), which is relative when
    the user typed a relative source; taking those below ``root`` again would
    join the folder twice (``spectra/spectra/500 ND-2.txt``).
    """
    if entry.is_absolute():
        return entry
    given = Path(os.path.normpath(source)) if source.is_dir() else Path(os.path.normpath(source)).parent
    if given != Path(".") and Path(os.path.normpath(entry)).is_relative_to(given) and entry.is_file():
        return entry
    return root / entry


def fit_input_files(inputs: ResponseInputs, reader: ChosenComponent) -> list[Path]:
    """Every file a fit reads: the samples, the source's files (:func:`source_files`) and the settings file.

    Raises
    ------
    PluginError
        When the reader's ``files`` fails or returns something other than a list of files.
    """
    settings = [inputs.settings.path] if inputs.settings is not None else []
    return [Path(inputs.samples), *source_files(Path(inputs.source), reader), *settings]


def response_record(inputs: ResponseInputs, options: ResponseOptions, chosen: ResponseChosen) -> dict[str, Any]:
    """The record of a fit's inputs, taken before the fit (reading the input files' bytes, nothing more).

    Parameters
    ----------
    inputs
        The samples, source and settings.
    options
        The run's options (the fit's parameters).
    chosen
        The configured method, spectra reader and writer.
    """
    source = Path(inputs.source)
    root = source if source.is_dir() else source.parent
    try:
        files = source_files(source, chosen.reader)
    except BadInput:
        files = [source]
    settings = inputs.settings
    record = {
        "format": RECORD_FORMAT,
        "camchar": __version__,
        "samples_sha256": file_sha256(inputs.samples),
        "source": [[relative_name(path, root), file_sha256(path)] for path in files],
        "settings_sha256": None if settings is None else file_sha256(settings.path),
        "method": chosen.method.provenance(),
        "spectra_reader": chosen.reader.provenance(),
        "writer": chosen.writer.provenance(),
        "fit": {
            "non_negative": bool(options.non_negative or inputs.non_negative),
            "target_r2": options.target_r2,
            "bandwidth": options.bandwidth,
            "source_scale": options.source_scale,
            "sample_noise": options.sample_noise,
            "draws": options.draws,
            "seed": options.seed,
        },
    }
    return plain_record(record)


def stored_response_record(output: Path) -> tuple[dict[str, Any] | None, str]:
    """The record stored in a response output, or ``None`` and why there is none."""
    return read_record(output)


def response_staleness(current: Mapping[str, Any], stored: Mapping[str, Any]) -> str | None:
    """``None`` when ``stored`` says the output is up to date with ``current``; else what changed."""
    reason = first_change(
        current,
        stored,
        (
            ("format", "its record of inputs has another layout"),
            ("camchar", f"written by camchar {stored.get('camchar')}, this is {current.get('camchar')}"),
            ("samples_sha256", "the samples file changed"),
            ("source", _source_change(current.get("source"), stored.get("source"))),
            ("settings_sha256", "the settings file changed"),
            ("method", "the method or its options changed"),
            ("spectra_reader", "the spectra reader or its options changed"),
            ("writer", "the writer or its options changed"),
            ("fit", "the fit's parameters changed"),
        ),
    )
    if reason is not None:
        return reason
    digests = [current.get("samples_sha256"), *(digest for _, digest in current.get("source") or [])]
    if any(len(str(digest)) != 64 for digest in digests):
        return "an input file cannot be read"
    return None


def _source_change(current: Any, stored: Any) -> str:
    """What changed in the source: the file that changed, by name, when one did."""
    if not isinstance(current, list) or not isinstance(stored, list):
        return "the source spectra changed"
    if len(current) == 1 and len(stored) == 1:
        return "the source spectra file changed"
    change = changed_entry(current, stored)
    if change is None:
        return "the source spectra changed"
    how, name, count = change
    return f"the source spectra {how} {name}{' and others' if count > 1 else ''}"
