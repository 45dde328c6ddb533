"""The settings' ``exposure:`` section: where exposure times come from when the files do not say.

Lab and machine-vision cameras write PNG, PGM or TIFF files without EXIF; the
exposure time is in the file name, in a table, or in a JSON file beside each
image. Any of these may be given, alone or together::

    exposure:
      times: {1: 1/80, 2: 0.025, 3: 50 ms}          # per image number
      pattern: "IMG_{number}_{exposure}ms.png"      # on the file name; unit after {exposure}
      sidecar: exposures.csv                        # CSV: file name (or image number), exposure time
      json: exposure_time                           # IMG_0001.json beside IMG_0001.png, this key
      ignore_file: false                            # true: never use the time the file itself holds

A time is a number of seconds, a fraction (``1/40``), or a number with a
unit: ``s``, ``ms``, ``us`` or ``µs`` (``12.5 ms``). Conversions are exact
(``12.5 ms`` is the same float as ``1/80``). This module checks the section
at the edge and returns :class:`ExposureSettings`; reading the sidecar and
JSON files, and choosing among the sources, is
:mod:`camchar.stats.exposure`'s work.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

import attrs

from camchar.core.errors import BadInput, shorten, shown
from camchar.core.paths import with_home

__all__ = ["ExposureSettings", "NamePattern", "JsonKey", "read_exposure_section", "seconds", "UNITS", "KEYS"]

#: Units of a time, in seconds.
UNITS: Mapping[str, Fraction] = {
    "s": Fraction(1),
    "ms": Fraction(1, 1000),
    "us": Fraction(1, 1_000_000),
    "µs": Fraction(1, 1_000_000),  # micro sign
    "μs": Fraction(1, 1_000_000),  # Greek mu
}
#: The keys of the ``exposure:`` section.
KEYS = ("times", "pattern", "sidecar", "json", "ignore_file")
_UNIT_TEXT = "s, ms, us or µs"
_TIME = re.compile(r"^\s*(?P<number>[0-9.eE+\-/]+?)\s*(?P<unit>ms|us|µs|μs|s)?\s*$")
#: Times outside this range (seconds) are refused as typos: a picosecond to a day.
SECONDS_RANGE = (1e-12, 86400.0)


def seconds(value: Any, unit: Fraction = Fraction(1)) -> float | None:
    """A positive exposure time in seconds from a settings or table value, else ``None``.

    Parameters
    ----------
    value
        A number (in ``unit``), or text: a number or fraction, optionally
        followed by its own unit (``"1/80"``, ``"12.5 ms"``, ``"40us"``).
    unit
        The unit of a value that names none, in seconds.

    Returns
    -------
    float or None
        The time, converted exactly and rounded once to the nearest float.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return None
        exact = Fraction(value) * unit
    elif isinstance(value, str) and len(value) <= 60:
        match = _TIME.match(value)
        if match is None:
            return None
        try:
            exact = Fraction(match.group("number")) * (UNITS[match.group("unit")] if match.group("unit") else unit)
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
    else:
        return None
    low, high = SECONDS_RANGE
    return float(exact) if low <= exact <= high else None


@attrs.frozen
class NamePattern:
    """A pattern on image file names that holds the exposure time: ``IMG_{number}_{exposure}ms.png``.

    ``{exposure}`` is a decimal number (``12.5``, or ``12p5``) in the unit
    written right after it; ``{number}``, if present, must be the image's
    number; ``*`` stands for any text. The whole name must match.
    """

    text: str
    regex: re.Pattern = attrs.field(eq=False, repr=False)
    unit: Fraction

    def exposure(self, name: str, number: int | None = None) -> float | None:
        """The exposure time in seconds the name ``name`` holds, or ``None`` if it does not match.

        A name whose ``{number}`` is not ``number`` does not match.
        """
        match = self.regex.fullmatch(name)
        if match is None:
            return None
        if number is not None and "number" in self.regex.groupindex and int(match.group("number")) != number:
            return None
        return seconds(match.group("exposure").replace("p", "."), self.unit)

    @classmethod
    def parse(cls, text: str) -> "NamePattern":
        """Compile ``text``; ``ValueError`` saying what is wrong with it."""
        parts: list[str] = []
        unit: Fraction | None = None
        seen: set[str] = set()
        position = 0
        for match in re.finditer(r"\{([^{}]*)\}|\*|[{}]", text):
            parts.append(re.escape(text[position : match.start()]))
            position = match.end()
            token = match.group(0)
            if token == "*":
                parts.append(".*?")
                continue
            field = match.group(1)
            if field not in ("number", "exposure"):
                raise ValueError(f"it may hold only {{number}}, {{exposure}} and *, not {shown(token)}")
            if field in seen:
                raise ValueError(f"it holds {{{field}}} twice")
            seen.add(field)
            if field == "number":
                parts.append(r"(?P<number>\d+)")
                continue
            after = re.match(r"ms|us|µs|μs|s", text[position:])
            if after is None:
                raise ValueError(f"write the unit right after {{exposure}} ({_UNIT_TEXT}), e.g. IMG_{{number}}_{{exposure}}ms.png")
            unit = UNITS[after.group(0)]
            parts.append(r"(?P<exposure>\d+(?:[.p]\d+)?)")
        parts.append(re.escape(text[position:]))
        if unit is None:
            raise ValueError("it has no {exposure} field, e.g. IMG_{number}_{exposure}ms.png")
        return cls(text, re.compile("".join(parts), re.DOTALL), unit)


@attrs.frozen
class JsonKey:
    """Where a JSON file beside each image holds the time: a key path and the unit of a plain number."""

    path: tuple[str, ...] = ("exposure_time",)
    unit: Fraction = Fraction(1)

    @property
    def dotted(self) -> str:
        """The key path as written in the settings: ``camera.exposure_us``."""
        return ".".join(self.path)


@attrs.frozen
class ExposureSettings:
    """The checked ``exposure:`` section.

    Parameters
    ----------
    times
        Exposure time in seconds by image number.
    pattern
        The file-name pattern, if any.
    sidecar
        The sidecar CSV file (absolute), if any.
    sidecar_unit
        The unit of plain numbers in the CSV (the header may name another).
    json
        Where the JSON file beside each image holds the time, if one does.
    ignore_file
        Whether to ignore the exposure time the image file itself holds.
    lines
        The settings line of each key (``times``, ``pattern`` ...), for messages.
    """

    times: Mapping[int, float] = attrs.field(factory=dict)
    pattern: NamePattern | None = None
    sidecar: Path | None = None
    sidecar_unit: Fraction = Fraction(1)
    json: JsonKey | None = None
    ignore_file: bool = False
    lines: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def any_source(self) -> bool:
        """Whether the section gives any source of exposure times."""
        return bool(self.times) or self.pattern is not None or self.sidecar is not None or self.json is not None


class _Section:
    def __init__(self, path: Path, lines: Mapping[str, int]):
        self.path, self.lines = path, lines

    def fail(self, key: str, problem: str) -> BadInput:
        return BadInput(self.path, problem, self.lines.get(f"exposure.{key}" if key else "exposure"))

    def unit(self, key: str, value: Any) -> Fraction:
        if not isinstance(value, str) or value.strip() not in UNITS:
            raise self.fail(key, f"'exposure.{key}' must be one of {_UNIT_TEXT}, got {shown(value)}")
        return UNITS[value.strip()]

    def times(self, value: Any) -> dict[int, float]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not value:
            raise self.fail("times", "'exposure.times' must map image numbers to exposure times, e.g. {1: 1/80, 2: 25 ms}")
        times = {}
        for number, time in value.items():
            key = f"times.{shorten(number, 60)}"
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise self.fail(key, f"'exposure.times' is keyed by image number, got {shown(number)}")
            times[number] = self.time(key, time)
        return times

    def time(self, key: str, value: Any) -> float:
        result = seconds(value)
        if result is None:
            raise self.fail(key, f"exposure time {shown(value)} is not a positive time: write seconds (0.025), a fraction (1/40) or a number with a unit ({_UNIT_TEXT}: 25 ms)")
        return result

    def pattern(self, value: Any) -> NamePattern | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value or "/" in value or len(value) > 500:
            raise self.fail("pattern", f"'exposure.pattern' must be a file name pattern such as IMG_{{number}}_{{exposure}}ms.png, got {shown(value)}")
        try:
            return NamePattern.parse(value)
        except ValueError as error:
            raise self.fail("pattern", f"'exposure.pattern' {shown(value)}: {error}") from None

    def sidecar(self, value: Any) -> tuple[Path | None, Fraction]:
        if value is None:
            return None, Fraction(1)
        unit = Fraction(1)
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"file", "unit"})
            if unknown:
                raise self.fail("sidecar", f"'exposure.sidecar' takes file and unit, not {shown(unknown[0])}")
            if "unit" in value:
                unit = self.unit("sidecar.unit", value["unit"])
            value = value.get("file")
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise self.fail("sidecar", f"'exposure.sidecar' must be the path of a CSV file (file name, exposure time per row), got {shown(value)}")
        path = with_home(value)
        if path is None:
            raise self.fail("sidecar", f"'exposure.sidecar' starts with {value.split('/')[0]}, a home folder that is not known here")
        return (path if path.is_absolute() else self.path.parent / path), unit

    def json(self, value: Any) -> JsonKey | None:
        if value is None or value is False:
            return None
        if value is True:
            return JsonKey()
        unit = Fraction(1)
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"key", "unit"})
            if unknown:
                raise self.fail("json", f"'exposure.json' takes key and unit, not {shown(unknown[0])}")
            if "unit" in value:
                unit = self.unit("json.unit", value["unit"])
            value = value.get("key", "exposure_time")
        if not isinstance(value, str) or not all(part.strip() for part in value.split(".")):
            raise self.fail("json", f"'exposure.json' must be true, a key such as exposure_time (camera.exposure_us for nested keys), or {{key: ..., unit: ...}}, got {shown(value)}")
        return JsonKey(tuple(part.strip() for part in value.split(".")), unit)


def read_exposure_section(path: Path, value: Any, lines: Mapping[str, int]) -> ExposureSettings | None:
    """Check the ``exposure:`` section of the settings file ``path``.

    Parameters
    ----------
    path
        The settings file (relative sidecar paths are relative to its folder).
    value
        The section as read, or ``None`` when the file has none.
    lines
        The line of every key of the settings file.

    Returns
    -------
    ExposureSettings or None
        The checked section, or ``None`` when there is none.

    Raises
    ------
    BadInput
        At the line of the faulty key.
    """
    if value is None:
        return None
    section = _Section(path, lines)
    if not isinstance(value, dict):
        raise section.fail("", f"'exposure' must be a mapping with any of {', '.join(KEYS)}, got {shown(value)}")
    for key in value:
        if key not in KEYS:
            raise section.fail(shorten(key, 60), f"'exposure' has no key {shown(key)}; it takes {', '.join(KEYS)}")
    ignore_file = value.get("ignore_file", False)
    if not isinstance(ignore_file, bool):
        raise section.fail("ignore_file", f"'exposure.ignore_file' must be true or false, got {shown(ignore_file)}")
    sidecar, sidecar_unit = section.sidecar(value.get("sidecar"))
    settings = ExposureSettings(
        times=section.times(value.get("times")),
        pattern=section.pattern(value.get("pattern")),
        sidecar=sidecar,
        sidecar_unit=sidecar_unit,
        json=section.json(value.get("json")),
        ignore_file=ignore_file,
        lines={key: line for key in KEYS if (line := lines.get(f"exposure.{key}")) is not None},
    )
    if not settings.any_source:
        raise section.fail("", "'exposure' gives no source of exposure times; give times, pattern, sidecar or json")
    return settings
