"""Which spectrometer reader reads a folder: the named one, else the one that can open its files."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from camchar.core.errors import BadInput, shorten
from camchar.core.spectrometer import pattern_problem
from camchar.host.guard import guarded
from camchar.host.kinds import SPECTROMETER_READERS
from camchar.host.options import OptionValue
from camchar.host.registry import Components, Registered
from camchar.pipeline.choice import ChosenComponent, configure

__all__ = ["folder_entries", "reader_for_folder", "folder_has_files_of", "choose_spectrometer_reader"]


def folder_entries(folder: Path) -> list[Path]:
    """The entries of ``folder`` that may be measurements: every one but hidden ones (names starting with a dot).

    A hidden file is no measurement: ``.500 ND-3.txt`` would read as 0.5 nm,
    and ``._500 ND-3.txt`` is the resource fork a Mac leaves on other disks.

    Raises
    ------
    OSError
        When the folder cannot be listed.
    """
    return sorted((path for path in folder.iterdir() if not path.name.startswith(".")), key=lambda path: path.name)


def folder_has_files_of(registered: Registered, folder: Path) -> bool:
    """Whether ``folder`` holds a file the (unconfigured) reader ``registered`` can open; never raises."""
    try:
        opener = guarded(registered)
        return folder.is_dir() and any(path.is_file() and opener.can_open(path) for path in folder_entries(folder))
    except (BadInput, OSError):
        return False


def reader_for_folder(components: Components, folder: Path) -> Registered | None:
    """The spectrometer reader with the highest precedence that can open a file of ``folder``; ``None`` if none can."""
    candidates = [
        (-registered.component.precedence, registered.name, registered)
        for registered in components.of_kind(SPECTROMETER_READERS.key)
        if folder_has_files_of(registered, folder)
    ]
    return min(candidates, key=lambda candidate: candidate[:2])[2] if candidates else None


def choose_spectrometer_reader(
    components: Components, folder: Path, named: Registered | None, given: Mapping[str, Mapping[str, OptionValue]]
) -> ChosenComponent:
    """The named reader, else the one that can open the folder's files, configured with its options.

    Raises
    ------
    BadInput
        When no reader can open a file of the folder (naming the readers and their suffixes), or an option is bad.
    """
    registered = named or reader_for_folder(components, folder)
    if registered is None:
        known = ", ".join(f"{entry.name} ({' '.join(entry.component.suffixes) or 'any suffix'})" for entry in components.of_kind(SPECTROMETER_READERS.key))
        raise BadInput(folder, f"no file in it that a spectrometer reader reads (by suffix and file-name pattern); readers: {known or 'none'}")
    chosen = configure(registered, given.get(registered.name, {}))
    _check_pattern_option(chosen, given.get(registered.name, {}))
    _check_dark_options(chosen, given.get(registered.name, {}))
    return chosen


def _option_error(given_value: OptionValue | None, problem: str) -> BadInput:
    """``problem`` at the option's settings line, or after its ``--option`` flag."""
    if given_value is None:
        return BadInput(None, problem)
    flag = f"{shorten(given_value.flag, 60)}: " if given_value.source is None and given_value.flag else ""
    return BadInput(given_value.source, f"{flag}{problem}", given_value.line)


def _check_pattern_option(chosen: ChosenComponent, given: Mapping[str, OptionValue]) -> None:
    """Refuse a ``pattern`` option that is no regular expression, or lacks the groups the names are read by.

    Raises
    ------
    BadInput
        At the option (:func:`camchar.core.spectrometer.pattern_problem` says what is wrong).
    """
    pattern = chosen.component.config.get("pattern")
    if not isinstance(pattern, str):
        return
    problem = pattern_problem(pattern)
    if problem is not None:
        raise _option_error(given.get("pattern"), f"option 'pattern' of spectrometer reader '{chosen.name}' {problem}")


def _check_dark_options(chosen: ChosenComponent, given: Mapping[str, OptionValue]) -> None:
    """Refuse ``dark_start`` and ``dark_stop`` options that give no dark pixels by mistake, or only one.

    ``dark_stop`` 0 (with ``dark_start`` 0) means no dark pixels; any other
    ``dark_stop`` at or below ``dark_start`` is a mistake, not a wish for
    none. One dark pixel has no variance: the noise estimates would be 0.

    Raises
    ------
    BadInput
        At the option that was given last (its settings line, or its ``--option``).
    """
    config = chosen.component.config
    if "dark_start" not in config or "dark_stop" not in config:
        return
    start, stop = int(config["dark_start"]), int(config["dark_stop"])
    if stop - start >= 2 or (start == 0 and stop == 0):
        return
    label = f"options dark_start {start} and dark_stop {stop} of spectrometer reader '{chosen.name}'"
    if stop <= start:
        problem = f"{label} give no dark pixels: dark_stop must be above dark_start (or both 0: no dark pixels)"
    else:
        problem = f"{label} give 1 dark pixel: a variance needs at least 2, and the noise estimates start from the dark pixels' variance"
    raise _option_error(given.get("dark_stop") or given.get("dark_start"), problem)
