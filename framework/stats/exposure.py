"""Every image's exposure time, in one place: what the file says, checked against the settings' sources.

A loader reports the exposure time its file holds (EXIF, RAW metadata), or
``None`` when it holds none (PNG, PGM, a TIFF without EXIF). The settings'
``exposure:`` section may give it too: per image number, on the file name,
in a sidecar CSV, or in a JSON file beside the image
(:mod:`camchar.settings.exposure`). :class:`ExposureTimes` decides, for
every image the pipeline reads (header checks, selection, dark frames):

- every source that gives a value must agree with the others within a
  relative 1e-6, else the image is refused naming both values;
- the value used is the file's (so adding a setting never changes the
  numbers of a sweep whose files hold the time), else the first of
  ``times``, ``sidecar``, ``json``, ``pattern`` that gives one;
  ``ignore_file: true`` leaves the file's out;
- no value anywhere is an error naming the file and listing where camchar
  looked.
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path
from typing import Any

import attrs

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, ImageInfo
from camchar.core.pages import split_page
from camchar.settings.exposure import ExposureSettings
from camchar.settings.model import Settings
from camchar.stats.exposure_files import SidecarTable, json_exposure

__all__ = ["ExposureTimes", "FROM_FILES", "AGREEMENT"]

#: Relative difference beyond which two sources of one image's exposure time disagree.
AGREEMENT = 1e-6
#: How the file's own value is named in messages.
FILE_SOURCE = "the file (EXIF ExposureTime)"


class ExposureTimes:
    """The exposure time of every image of a run, from its file and the settings' ``exposure:`` section.

    Parameters
    ----------
    settings
        The checked ``exposure:`` section, or ``None``: then only the files' own values count.
    table
        The sidecar table the section names, already read.
    """

    def __init__(self, settings: ExposureSettings | None = None, table: SidecarTable | None = None):
        self.settings = settings if settings is not None and settings.any_source else None
        self.table = table

    @classmethod
    def from_settings(cls, settings: Settings) -> "ExposureTimes":
        """The exposure times of a run of ``settings``, reading its sidecar table, if any.

        Raises
        ------
        BadInput
            When the sidecar table is missing or malformed.
        """
        section = settings.exposure
        if section is None:
            return FROM_FILES
        table = None
        if section.sidecar is not None:
            table = SidecarTable.read(section.sidecar, section.sidecar_unit, settings.path, section.lines.get("sidecar"))
        return cls(section, table)

    def resolve(self, number: int, path: Path, reported: float | None) -> float:
        """The exposure time in seconds of image ``number`` at ``path``.

        Parameters
        ----------
        number
            The image number (the settings' ``images`` and ``dark``).
        path
            The image's file (``stack.tif#3`` for a page).
        reported
            What the loader read from the file, or ``None``.

        Raises
        ------
        BadInput
            When no source gives a time, or two sources disagree.
        """
        section = self.settings
        ignored = section is not None and section.ignore_file
        found: list[tuple[str, float]] = []
        if reported is not None and not ignored:
            found.append((FILE_SOURCE, float(reported)))
        looked: list[str] = []
        if section is not None:
            self._settings_sources(section, number, Path(path), found, looked)
        if not found:
            raise BadInput(path, _missing(reported, ignored, looked))
        (first_source, first), *others = found
        for source, value in others:
            if abs(value - first) > AGREEMENT * first:
                hint = "; correct one of them, or set 'ignore_file: true' under exposure: to use the settings" if first_source == FILE_SOURCE else ""
                raise BadInput(path, f"exposure time {_seconds(first)} from {first_source} disagrees with {_seconds(value)} from {source}{hint}")
        return first

    def _settings_sources(self, section: ExposureSettings, number: int, path: Path, found: list, looked: list) -> None:
        """Add what each source of the section gives for the image to ``found``, or where it looked to ``looked``."""
        file, page = split_page(path)
        if section.times:
            value = section.times.get(number)
            _note(found, looked, value, f"exposure.times (image {number})", "exposure.times does not list it")
        if self.table is not None:
            value = self.table.lookup(path.name, number)
            _note(found, looked, value, f"{self.table.path.name} (image {number})", f"{self.table.path.name} has no row for it")
        if section.json is not None:
            beside = file.with_suffix(".json")
            value, why = json_exposure(beside, section.json, page)
            _note(found, looked, value, beside.name, f"the JSON file beside it: {why}")
        if section.pattern is not None:
            value = section.pattern.exposure(file.name, number)
            _note(found, looked, value, f"the file name ({section.pattern.text})", f"its name does not match exposure.pattern {section.pattern.text!r}")

    def frame(self, frame: Any, number: int) -> Any:
        """``frame`` with its exposure time resolved; anything that is not a :class:`Frame` unchanged (the contract check reports it)."""
        if not isinstance(frame, Frame):
            return frame
        seconds = self.resolve(number, frame.path, _reported(frame.exposure_time, frame.path))
        return frame if seconds == frame.exposure_time else attrs.evolve(frame, exposure_time=seconds)

    def info(self, info: Any, number: int) -> Any:
        """``info`` (a probe's answer) with its exposure time resolved; anything else unchanged."""
        if not isinstance(info, ImageInfo):
            return info
        seconds = self.resolve(number, info.path, _reported(info.exposure_time, info.path))
        return info if seconds == info.exposure_time else attrs.evolve(info, exposure_time=seconds)

    def describe(self) -> str:
        """Where the times come from, for ``camchar validate``: ``the files; exposure.pattern ...``."""
        section = self.settings
        if section is None:
            return "from the files (EXIF ExposureTime)"
        parts = [] if section.ignore_file else ["the files"]
        if section.times:
            parts.append(f"exposure.times ({len(section.times)} images)")
        if self.table is not None:
            parts.append(self.table.path.name)
        if section.json is not None:
            parts.append(f"a JSON file beside each image ({section.json.dotted})")
        if section.pattern is not None:
            parts.append(f"the file names ({section.pattern.text})")
        return "from " + ", ".join(parts)


def _note(found: list, looked: list, value: float | None, source: str, missing: str) -> None:
    if value is None:
        looked.append(missing)
    else:
        found.append((source, value))


def _reported(value: Any, path: Path) -> float | None:
    """The loader's value: ``None``, or a positive finite number (anything else is refused, as before)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or not value > 0:
        raise BadInput(path, f"exposure time {value!r} s is not a positive, finite number of seconds")
    return float(value)


def _missing(reported: float | None, ignored: bool, looked: list[str]) -> str:
    """Why an image has no exposure time, listing where camchar looked."""
    if not looked:
        return "no exposure time (EXIF ExposureTime) in the file; give it in the settings' exposure: section (times, pattern, sidecar or json: docs/formats.md)"
    own = "the file's exposure time is ignored (exposure.ignore_file)" if ignored and reported is not None else "no exposure time (EXIF ExposureTime) in the file"
    return f"{own}, and none in the settings' exposure: section ({'; '.join(looked)})"


def _seconds(value: float) -> str:
    return f"{value:.9g} s"


#: No settings sources: every image's time is its file's.
FROM_FILES = ExposureTimes()
