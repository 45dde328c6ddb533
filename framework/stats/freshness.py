"""The record of a sweep's inputs, kept in its output's provenance, and the test whether an output is up to date.

An output is up to date when the record of its inputs, recomputed now, is the
one stored in it (``/camchar`` attribute :data:`RECORD_KEY`, JSON text).
Recomputing it decodes nothing: it reads the settings text, lists the files
the sweep would read and asks the file system for their size, modification
and change times and inode (with ``checksum``, reads them to hash them
instead). The record holds:

- ``settings_sha256``: the settings file's text;
- ``files``, ``size_mtime``: how many input files, and a SHA-256 over each
  one's path (relative to the settings file's folder), size and modification
  time in nanoseconds: every image and dark frame, the exposure sidecar
  table and the JSON file beside each image when the settings name them;
- ``ctime_inode``: a SHA-256 over each one's path, change time and inode, so
  that a file replaced under its old name, size and modification time (files
  restored from an archive and swapped, ``cp -p``) makes the output out of date;
- ``size_sha256`` (only when recorded with ``checksum``): the same with each
  file's SHA-256 in place of its modification time;
- ``inputs``: for each file, its path and the first 12 hex digits of the
  SHA-256 of its line in each digest above, by which a change names the
  first file that changed (the digests above decide whether one did);
- ``camchar``: camchar's version;
- ``components``: every chosen component with its plugin (and the plugin's
  version) and its option values;
- ``max``: the overexposure threshold used.

Worker threads do not count (the numbers do not depend on them), nor does
where the output goes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from camchar._version import __version__
from camchar.core.errors import BadInput
from camchar.core.pages import file_of
from camchar.pipeline.output import refuse_an_input
from camchar.pipeline.record import (
    RECORD_KEY,
    changed_entry,
    digest_lines,
    file_sha256,
    file_status,
    first_change,
    plain_record,
    read_record,
    record_text,
    relative_name,
    reused_digests,
    reusing_digests,
    short_digest,
)
from camchar.runtime.parallel import ordered_map
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen
from camchar.stats.options import RunOptions
from camchar.stats.plan import plan_sweep

__all__ = ["RECORD_KEY", "RECORD_FORMAT", "record_inputs", "record_text", "input_files", "check_not_an_input", "stored_record", "staleness", "reusing_digests"]

#: The layout of the record; a record of another layout is never up to date (1: camchar 0.3.0, without ``ctime_inode``).
RECORD_FORMAT = 2


def input_files(settings: Settings, chosen: Chosen) -> list[Path]:
    """Every file a run of ``settings`` with ``chosen``'s loader reads, each once, in the order of the plan.

    Raises
    ------
    BadInput
        When the plan cannot be made (an image name matching several files).
    """
    plan = plan_sweep(settings, chosen.loader.registered.component)
    images = [file_of(path) for bracket in plan.every_bracket() for _, path in bracket.images]
    files = list(images)
    exposure = settings.exposure
    if exposure is not None and exposure.sidecar is not None:
        files.append(Path(exposure.sidecar))
    if exposure is not None and exposure.json is not None:
        files.extend(image.with_suffix(".json") for image in images)
    return list(dict.fromkeys(files))


def record_inputs(settings: Settings, chosen: Chosen, options: RunOptions = RunOptions(), workers: int | None = None) -> dict[str, Any]:
    """The record of the inputs of a run, before anything is read; nothing is decoded.

    Parameters
    ----------
    settings
        The sweep.
    chosen
        The run's components (recorded with their plugins and options).
    options
        The run's options: ``max`` is recorded, ``checksum`` adds the files' SHA-256.
    workers
        Threads for hashing; by default the run's.

    Returns
    -------
    dict
        The record (plain JSON types). When the files cannot be listed (the
        run will fail on that itself), ``files`` is ``None``: such a record is
        never up to date.
    """
    root = settings.path.parent
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "camchar": __version__,
        "settings_sha256": hashlib.sha256(settings.text.encode("utf-8", "surrogateescape")).hexdigest(),
        "components": chosen.provenance(),
        "max": options.max_fraction(settings),
        "files": None,
    }
    try:
        files = input_files(settings, chosen)
    except Exception:  # noqa: BLE001 - the run itself reports what is wrong with the plan, in its own words
        return plain_record(record)
    stats = [file_status(path) for path in files]
    names = [relative_name(path, root) for path in files]
    lines = {
        "size_mtime": [f"{name}\t{status.size}\t{status.mtime}" for name, status in zip(names, stats)],
        "ctime_inode": [f"{name}\t{status.ctime}\t{status.inode}" for name, status in zip(names, stats)],
    }
    if options.checksum:
        reused = reused_digests()  # read here: worker threads do not see this context
        hashes = ordered_map(lambda path: file_sha256(path, reused), files, workers or options.worker_count())
        lines["size_sha256"] = [f"{name}\t{status.size}\t{digest}" for name, status, digest in zip(names, stats, hashes)]
    record["files"] = len(files)
    record.update({key: digest_lines(each) for key, each in lines.items()})
    record["inputs"] = [[name, *(short_digest(each[index]) for each in lines.values())] for index, name in enumerate(names)]
    return plain_record(record)


def stored_record(output: Path) -> tuple[dict[str, Any] | None, str]:
    """The record stored in ``output``, or ``None`` and why there is none.

    Only HDF5 outputs keep the provenance; an output in another format
    (CSV, JSON, Excel) is never up to date.
    """
    return read_record(output)


def staleness(current: Mapping[str, Any], stored: Mapping[str, Any], checksum: bool = False) -> str | None:
    """``None`` when ``stored`` says the output is up to date with ``current``; else what changed.

    Parameters
    ----------
    current
        The record recomputed now (:func:`record_inputs`).
    stored
        The record in the output (:func:`stored_record`).
    checksum
        Compare the files by content (``size_sha256``) rather than by what the file system says of them.
    """
    checks = (
        ("format", "its record of inputs has another layout"),
        ("camchar", f"written by camchar {stored.get('camchar')}, this is {current.get('camchar')}"),
        ("settings_sha256", "the settings file changed"),
        ("components", "the components or their options changed"),
        ("max", "the overexposure threshold changed"),
    )
    reason = first_change(current, stored, checks) or _list_change(current, stored)
    if reason is not None:
        return reason
    if current.get("files") is None:
        return "its input files could not be listed"
    if checksum and "size_sha256" not in stored:
        return "its record has no checksums (it was written without --checksum)"
    aspects = [("size_sha256", "an input file's content changed")] if checksum else [
        ("size_mtime", "an input file's size or modification time changed"),
        ("ctime_inode", "an input file was replaced or rewritten (its change time or inode changed, its size and modification time did not)"),
    ]
    for key, reason in aspects:
        if current.get(key) != stored.get(key):
            return _naming(reason, current, stored, [*DIGESTS, "size_sha256"].index(key) + 1)
    return None


def _list_change(current: Mapping[str, Any], stored: Mapping[str, Any]) -> str | None:
    """How the list of input files changed (in number, or a file new or gone by name), or ``None`` when it did not."""
    reason = "the list of input files changed"
    named = _naming(reason, current, stored, None)
    return named if named != reason or current.get("files") != stored.get("files") else None


#: The digests every record holds, in the order of the columns of its ``inputs`` (after the path); ``size_sha256`` follows with ``checksum``.
DIGESTS = ("size_mtime", "ctime_inode")


def _naming(reason: str, current: Mapping[str, Any], stored: Mapping[str, Any], column: int | None) -> str:
    """``reason``, with the first file that differs in ``column`` of the records' ``inputs`` (``None``: in the list of files).

    E.g. ``REASON: images/SIM_0002.tiff (and 3 more)``, ``REASON: images/SIM_0099.tiff is new``; the
    reason alone when the stored record names no files (an earlier camchar's).
    """

    def entries(record: Mapping[str, Any]) -> list | None:
        inputs = record.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(entry, list) and len(entry) > (column or 0) for entry in inputs):
            return None
        return [[entry[0], *([] if column is None else [entry[column]])] for entry in inputs]

    change = changed_entry(entries(current), entries(stored))
    if change is None:
        return reason
    how, name, count = change
    return f"{reason}: {name}{_SAID[how]}" + (f" (and {count - 1} more)" if count > 1 else "")


#: How a file's name is followed, by how it differs.
_SAID = {"changed": "", "gained": " is new", "lost": " is gone"}


def check_not_an_input(output: Path, settings: Settings, chosen: Chosen) -> None:
    """Refuse an output that is one of the sweep's inputs: writing there would destroy it.

    Raises
    ------
    BadInput
        When ``output`` is the settings file, an image, a dark frame or an exposure file of the sweep.
    """
    try:
        inputs = [settings.path, *input_files(settings, chosen)]
    except BadInput:  # a plan that cannot be made is reported by its own check
        inputs = [settings.path]
    refuse_an_input(output, inputs, "one of the sweep's inputs (the settings file, an image or a dark frame)", "the statistics")
