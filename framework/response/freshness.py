"""The record of a response fit's inputs, kept in the CameraResponse file, and the test whether that file is up to date.

A CameraResponse file is up to date when the record of its inputs, recomputed
now, is the one stored in it (``/camchar`` attribute ``input_record``, JSON
text). The inputs are small files, so they are compared by content:

- ``samples_sha256``, ``source_sha256``, ``settings_sha256`` (``None``
  without a settings file): the SHA-256 of the input files;
- ``camchar``: camchar's version;
- ``method`` and ``spectra_reader``: name, plugin (with its version) and option values;
- ``fit``: ``non_negative``, ``target_r2``, ``bandwidth``, ``draws`` and
  ``seed`` (a fit without a seed is up to date with any other fit without
  one: the seed only picks the bootstrap's random draws).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Mapping, Protocol

from camchar._version import __version__
from camchar.files.records import RECORD_KEY, read_record
from camchar.host.guard import Guarded

__all__ = ["RECORD_KEY", "RECORD_FORMAT", "response_record", "stored_response_record", "response_staleness", "file_sha256"]

#: The layout of the record; a record of another layout is never up to date.
RECORD_FORMAT = 1


class FitChoices(Protocol):
    """What the record keeps of a run's options (``camchar.response.run.ResponseOptions`` has them).

    A protocol rather than an import of ``ResponseOptions``: ``run`` imports
    this module, and a type-only import back would make an import cycle.
    """

    @property
    def target_r2(self) -> float: ...
    @property
    def bandwidth(self) -> float | None: ...
    @property
    def draws(self) -> int: ...
    @property
    def seed(self) -> int | None: ...


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes; ``missing``, ``not a regular file`` (never opened) or ``unreadable`` otherwise.

    A record holding one of these words is never up to date (the run then
    reports the problem in its own words).
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "not a regular file"
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def response_record(
    samples: Path,
    source: Path,
    settings: Path | None,
    non_negative: bool,
    options: FitChoices,
    method: Guarded,
    reader: Guarded,
) -> dict[str, Any]:
    """The record of a fit's inputs, taken before the fit.

    Parameters
    ----------
    samples, source, settings
        The input files (``settings`` ``None`` when the samples were given directly).
    non_negative
        Whether the fit is constrained (the flag or the settings).
    options
        The run's options (the fit's parameters).
    method, reader
        The configured response method and spectra reader.
    """
    record = {
        "format": RECORD_FORMAT,
        "camchar": __version__,
        "samples_sha256": file_sha256(samples),
        "source_sha256": file_sha256(source),
        "settings_sha256": None if settings is None else file_sha256(settings),
        "method": _component(method),
        "spectra_reader": _component(reader),
        "fit": {
            "non_negative": bool(non_negative),
            "target_r2": options.target_r2,
            "bandwidth": options.bandwidth,
            "draws": options.draws,
            "seed": options.seed,
        },
    }
    return json.loads(json.dumps(record, sort_keys=True, default=str))


def stored_response_record(output: Path) -> tuple[dict[str, Any] | None, str]:
    """The record stored in a CameraResponse file, or ``None`` and why there is none."""
    return read_record(output)


def response_staleness(current: Mapping[str, Any], stored: Mapping[str, Any]) -> str | None:
    """``None`` when ``stored`` says the file is up to date with ``current``; else what changed."""
    checks = (
        ("format", "its record of inputs has another layout"),
        ("camchar", f"written by camchar {stored.get('camchar')}, this is {current.get('camchar')}"),
        ("samples_sha256", "the samples file changed"),
        ("source_sha256", "the source spectra file changed"),
        ("settings_sha256", "the settings file changed"),
        ("method", "the method or its options changed"),
        ("spectra_reader", "the spectra reader or its options changed"),
        ("fit", "the fit's parameters changed"),
    )
    for key, reason in checks:
        if current.get(key) != stored.get(key):
            return reason
    if any(len(str(current.get(key))) != 64 for key in ("samples_sha256", "source_sha256")):
        return "an input file cannot be read"
    return None


def _component(component: Guarded) -> dict[str, Any]:
    return {"name": component.registered.name, "plugin": component.registered.plugin.label, "options": dict(component.config)}
