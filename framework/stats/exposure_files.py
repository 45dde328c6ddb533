"""The files that hold exposure times beside the images: a sidecar CSV table, and a JSON file per image.

The sidecar CSV has one row per image: the file name (or the image number)
and the exposure time::

    file,exposure (ms)
    IMG_0001.png,12.5
    IMG_0002.png,25
    IMG_0003.png,1/20 s

Cells are separated by commas, semicolons or tabs. A first row whose second
cell is not a time is a header; a unit at the end of its second cell
(``exposure (ms)``, ``exposure_us``, ``exposure [s]``) is the unit of plain
numbers below it. A time with its own unit (``1/20 s``) keeps it. Blank
lines and lines starting with ``#`` are skipped.

A JSON file beside an image (``IMG_0001.json`` for ``IMG_0001.png``) holds
the time under a key (``{"exposure_time": 0.0125}``, or a nested key); a
number is in the unit the settings give (seconds by default), a text may
carry its own unit. For a page of a multi-page file, a list under the key
gives the time of each page.
"""

from __future__ import annotations

import csv
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

import attrs

from camchar.core.errors import BadInput, shorten, shown
from camchar.settings.exposure import UNITS, JsonKey, seconds

__all__ = ["SidecarTable", "json_exposure", "MAX_TABLE_BYTES"]

#: The largest sidecar or JSON file read.
MAX_TABLE_BYTES = 16 << 20
_HEADER_UNIT = re.compile(r"[\s_(\[]+(ms|us|µs|μs|s)[)\]]?\s*$", re.IGNORECASE)


@attrs.frozen
class SidecarTable:
    """A sidecar CSV: exposure time by file name and by image number, with the line of each row.

    Parameters
    ----------
    path
        The CSV file.
    by_name
        ``{file name: (seconds, line)}``.
    by_number
        ``{image number: (seconds, line)}``.
    """

    path: Path
    by_name: Mapping[str, tuple[float, int]]
    by_number: Mapping[int, tuple[float, int]]

    def lookup(self, name: str, number: int) -> float | None:
        """The time of the image named ``name`` (or numbered ``number``), or ``None`` when no row gives it."""
        row = self.by_name.get(name) or self.by_number.get(number)
        return row[0] if row is not None else None

    @classmethod
    def read(cls, path: Path, unit: Fraction = Fraction(1), settings: Path | None = None, line: int | None = None) -> "SidecarTable":
        """Read and check the CSV at ``path``.

        Parameters
        ----------
        path
            The CSV file.
        unit
            The unit of plain numbers, unless the header names another.
        settings, line
            The settings file and line that name the table, for a missing file.

        Raises
        ------
        BadInput
            When the file is missing or unreadable (at the settings line), or a
            row is malformed (at the table's line).
        """
        text = _read_text(path, settings, line, "exposure.sidecar")
        by_name: dict[str, tuple[float, int]] = {}
        by_number: dict[int, tuple[float, int]] = {}
        first = True
        delimiter = None
        for number, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if delimiter is None:
                delimiter = next((mark for mark in (",", ";", "\t") if mark in stripped), ",")
            try:
                cells = [cell.strip() for cell in next(csv.reader([stripped], delimiter=delimiter, skipinitialspace=True))]
            except csv.Error as exc:  # a NUL byte
                raise BadInput(path, f"not a readable CSV row ({exc})", number) from None
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise BadInput(path, f"each row needs a file name (or image number) and an exposure time, got {shown(stripped)}", number)
            time = seconds(cells[1], unit)
            if time is None and first and not _is_number(cells[1]):
                header_unit = _HEADER_UNIT.search(cells[1])
                if header_unit is not None:
                    unit = UNITS[header_unit.group(1).lower()]
                first = False
                continue
            first = False
            if time is None:
                comma = _decimal_comma_hint(cells, delimiter)
                raise BadInput(path, f"exposure time {shown(cells[1])} is not a positive time (seconds, 1/40, or with a unit: 25 ms){comma}", number)
            key = Path(cells[0]).name
            table: dict[Any, tuple[float, int]] = by_number if key.isdigit() else by_name
            entry = int(key) if key.isdigit() else key
            if entry in table:
                raise BadInput(path, f"{shown(cells[0])} is listed twice (lines {table[entry][1]} and {number})", number)
            table[entry] = (time, number)
        return cls(path, by_name, by_number)


def _decimal_comma_hint(cells: list[str], delimiter: str) -> str:
    """Advice when the time looks written with a decimal comma: ``"0,025"``, or ``0,025`` split into two cells."""
    if re.fullmatch(r"[0-9]*,[0-9]+", cells[1]):
        return "; a decimal comma? write it with a point (0.025)"
    if delimiter == "," and len(cells) == 3 and cells[1].isdigit() and cells[2].isdigit():
        return f"; a decimal comma? {cells[1]},{cells[2]} reads as two columns: write {cells[1]}.{cells[2]}"
    return ""


def _is_number(text: str) -> bool:
    """Whether ``text`` looks like a number (then it is a bad time, not a header)."""
    return bool(re.match(r"^[\s0-9.+\-/eE]+$", text))


def _read_text(path: Path, settings: Path | None, line: int | None, key: str) -> str:
    """The text of ``path``; a missing file is reported at the settings line that names it."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_TABLE_BYTES + 1)
    except FileNotFoundError:
        where = (settings, line) if settings is not None else (path, None)
        raise BadInput(where[0], f"{key}: {path} not found", where[1]) from None
    except OSError as exc:
        raise BadInput(path, f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_TABLE_BYTES:
        raise BadInput(path, f"is larger than {MAX_TABLE_BYTES >> 20} MiB; not a table of exposure times")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def json_exposure(path: Path, key: JsonKey, page: int | None = None) -> tuple[float | None, str]:
    """The exposure time the JSON file ``path`` holds, and what was found, for messages.

    Parameters
    ----------
    path
        The JSON file beside the image.
    key
        Where in the file, and the unit of a plain number.
    page
        The page (1-based) of a multi-page image, or ``None``.

    Returns
    -------
    tuple
        Seconds or ``None``, and a short description of why not (``not found``,
        ``no key exposure_time``).

    Raises
    ------
    BadInput
        When the file is not JSON, or the value is not a time.
    """
    if not path.is_file():
        return None, "not found"
    text = _read_text(path, None, None, "exposure.json")
    try:
        value: Any = json.loads(text)
    except ValueError as exc:
        raise BadInput(path, f"not valid JSON ({shorten(str(exc), 100)})") from None
    for part in key.path:
        if not isinstance(value, dict) or part not in value:
            return None, f"no key {key.dotted}"
        value = value[part]
    if isinstance(value, list) and page is not None:
        if not 1 <= page <= len(value):
            return None, f"{key.dotted} lists {len(value)} times, none for page {page}"
        value = value[page - 1]
    time = seconds(value, key.unit)
    if time is None:
        raise BadInput(path, f"{key.dotted} is {shown(value)}, not a positive exposure time (seconds, or text with a unit: '25 ms')")
    return time, "found"
