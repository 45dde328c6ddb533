"""The settings file: the original ``image_stats`` YAML format plus camchar's own keys.

A settings file names the images of a sweep and how to treat them::

    camera: Nikon D810
    roi: [300, 300, 750, 750]      # x, y, w, h of the region of interest
    image_dir: raw                 # relative to this file's folder
    image_name: DSC_{:04}.NEF      # RAW name pattern; the TIFF sits beside it
    images:
      450: [1, 2, 3]               # wavelength: image numbers of one bracket

:func:`read_settings` checks types at this edge and returns a plain,
immutable :class:`Settings`; nothing later re-parses the YAML.
"""

from __future__ import annotations

import difflib
import math
from fractions import Fraction
import warnings
from pathlib import Path
from typing import Any, Mapping

import attrs
import yaml

from camchar.errors import BadInput, CamcharWarning, location
from camchar.frames import Region

__all__ = ["Settings", "read_settings", "ORIGINAL_KEYS", "CAMCHAR_KEYS"]

#: Keys of the original ``image_stats`` settings format.
ORIGINAL_KEYS = (
    "camera",
    "lens",
    "settings",
    "label",
    "ND",
    "crop",
    "dcraw",
    "roi",
    "non_negative",
    "source_spectra",
    "image_dir",
    "image_name",
    "images",
)
#: camchar's own optional keys.
CAMCHAR_KEYS = ("loader", "selector", "noise_model", "max", "white_level", "dark")
REQUIRED_KEYS = ("image_dir", "image_name", "images")

Wavelength = int | float


@attrs.frozen
class Settings:
    """A parsed settings file.

    Paths are absolute; ``images`` is ordered by wavelength. ``data`` keeps the
    whole mapping as read, for plugin-specific keys.
    """

    path: Path
    text: str
    image_dir: Path
    image_name: str
    images: Mapping[Wavelength, tuple[int, ...]]
    camera: str | None = None
    lens: str | None = None
    settings: str | None = None
    label: str | None = None
    nd: float = 0.0
    crop: Region | None = None
    dcraw: str | None = None
    roi: Region | None = None
    non_negative: bool = False
    source_spectra: str | None = None
    loader: str | None = None
    selector: str | None = None
    noise_model: str | None = None
    max: float | None = None
    white_level: float | None = None
    dark: Mapping[float | None, tuple[int, ...]] | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    lines: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def samples_file(self) -> Path:
        """Where the original workflow puts the statistics: the image folder with suffix ``.h5``."""
        return self.image_dir.with_suffix(".h5")

    def image_file(self, number: int, suffix: str | None = None) -> Path:
        """The path of image ``number``, optionally with its suffix replaced."""
        path = self.image_dir / self.image_name.format(number)
        return path.with_suffix(suffix) if suffix else path

    def line_of(self, key: str) -> int | None:
        """The 1-based line of a top-level key in the settings file, when known."""
        return self.lines.get(key)


def read_settings(path: str | Path) -> Settings:
    """Read and check a settings file.

    Parameters
    ----------
    path
        The YAML settings file.

    Returns
    -------
    Settings
        The checked settings, paths resolved against the file's folder.

    Raises
    ------
    BadInput
        When the file is missing, unreadable, not YAML, or has a key of the
        wrong type or a required key missing.
    """
    path = Path(path).absolute()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(path, "settings file not found") from None
    except IsADirectoryError:
        raise BadInput(path, "is a folder, not a settings file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(path, f"cannot read the settings file ({_reason(exc)})") from None
    data, lines = _parse_yaml(path, text)
    return _build(path, text, data, lines)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _parse_yaml(path: Path, text: str) -> tuple[dict, dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark is not None else None
        raise BadInput(path, f"not valid YAML: {problem}", line) from None
    if not isinstance(data, dict):
        raise BadInput(path, "a settings file must be a mapping of keys to values (key: value)")
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 1
            if key_node.value in ("images", "dark") and isinstance(value_node, yaml.MappingNode):
                for item_node, _ in value_node.value:
                    lines[f"{key_node.value}.{item_node.value}"] = item_node.start_mark.line + 1
    return data, lines


class _Checker:
    """Type checks of settings values, raising :class:`BadInput` at the key's line."""

    def __init__(self, path: Path, data: dict, lines: dict[str, int]):
        self.path, self.data, self.lines = path, data, lines

    def fail(self, key: str, problem: str) -> BadInput:
        return BadInput(self.path, problem, self.lines.get(key))

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise self.fail(key, f"'{key}' must be a text value, got {type(value).__name__}")
        return str(value)

    def number(self, key: str, default: float | None) -> float | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(key, f"'{key}' must be a number, got {value!r}")
        return float(value)

    def region(self, key: str) -> Region | None:
        value = self.data.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise self.fail(key, f"'{key}' must be four integers [x, y, w, h], got {value!r}")
        x, y, w, h = value
        if x < 0 or y < 0 or w <= 0 or h <= 0:
            raise self.fail(key, f"'{key}' needs x, y >= 0 and w, h > 0, got {value!r}")
        return Region(x, y, w, h)

    def required(self, key: str) -> Any:
        if self.data.get(key) is None:
            raise BadInput(self.path, f"required key '{key}' is missing")
        return self.data[key]

    def image_name(self) -> str:
        value = self.required("image_name")
        if not isinstance(value, str):
            raise self.fail("image_name", f"'image_name' must be a file name pattern such as DSC_{{:04}}.NEF, got {value!r}")
        try:
            value.format(1)
        except (IndexError, KeyError, ValueError) as exc:
            raise self.fail("image_name", f"'image_name' is not a valid pattern ({exc}); write e.g. DSC_{{:04}}.NEF") from None
        if value.format(1) == value.format(2):
            raise self.fail("image_name", f"'image_name' {value!r} has no {{}} for the image number")
        return value

    def images(self) -> dict[Wavelength, tuple[int, ...]]:
        value = self.required("images")
        if not isinstance(value, dict) or not value:
            raise self.fail("images", "'images' must map each wavelength to a list of image numbers")
        brackets: dict[Wavelength, tuple[int, ...]] = {}
        for wavelength, numbers in value.items():
            key = f"images.{wavelength}"
            if isinstance(wavelength, bool) or not isinstance(wavelength, (int, float)) or not math.isfinite(wavelength):
                raise self.fail(key, f"wavelength {wavelength!r} in 'images' is not a number")
            brackets[wavelength] = self._numbers(key, numbers, f"images at {wavelength}", f"at {wavelength}")
        return dict(sorted(brackets.items()))

    def dark(self) -> dict[float | None, tuple[int, ...]] | None:
        """``{exposure time in s: dark image numbers}``, or ``{None: numbers}`` for one set used for every frame."""
        value = self.data.get("dark")
        if value is None:
            return None
        if isinstance(value, list):
            return {None: self._numbers("dark", value, "dark", "in dark")}
        if not isinstance(value, dict) or not value:
            raise self.fail("dark", "'dark' must be a list of dark image numbers, or map exposure times (s) to such lists")
        groups: dict[float | None, tuple[int, ...]] = {}
        for exposure, numbers in value.items():
            seconds = _seconds(exposure)
            if seconds is None:
                raise self.fail(f"dark.{exposure}", f"exposure time {exposure!r} in 'dark' is not a positive number of seconds (e.g. 0.025 or 1/40)")
            label = f"dark frames of {exposure}"
            groups[seconds] = self._numbers(f"dark.{exposure}", numbers, label, f"in {label}")
        return groups

    def _numbers(self, key: str, numbers: Any, label: str, where: str) -> tuple[int, ...]:
        """A list of image numbers (a single number is a list of one)."""
        if isinstance(numbers, int) and not isinstance(numbers, bool):
            numbers = [numbers]
        if not isinstance(numbers, list) or not numbers:
            raise self.fail(key, f"{label} must be a list of image numbers, got {numbers!r}")
        for number in numbers:
            if isinstance(number, bool) or not isinstance(number, int):
                raise self.fail(key, f"image number {number!r} {where} is not an integer")
        return tuple(numbers)

    def component(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"'{key}' must be a component name, got {value!r}")
        return value


def _build(path: Path, text: str, data: dict, lines: dict[str, int]) -> Settings:
    check = _Checker(path, data, lines)
    _warn_unknown_keys(path, data, lines)
    image_dir = check.required("image_dir")
    if not isinstance(image_dir, str):
        raise check.fail("image_dir", f"'image_dir' must be a folder path, got {image_dir!r}")
    image_dir_path = Path(image_dir).expanduser()
    if not image_dir_path.is_absolute():
        image_dir_path = path.parent / image_dir_path
    max_fraction = check.number("max", None)
    if max_fraction is not None and not 0 < max_fraction <= 1:
        raise check.fail("max", f"'max' is a fraction of full scale in (0, 1], got {max_fraction!r}")
    white_level = check.number("white_level", None)
    if white_level is not None and white_level <= 0:
        raise check.fail("white_level", f"'white_level' must be a positive number of raw counts, got {white_level!r}")
    non_negative = data.get("non_negative")
    return Settings(
        path=path,
        text=text,
        image_dir=image_dir_path,
        image_name=check.image_name(),
        images=check.images(),
        camera=check.text("camera"),
        lens=check.text("lens"),
        settings=check.text("settings"),
        label=check.text("label"),
        nd=check.number("ND", 0.0),
        crop=check.region("crop"),
        dcraw=check.text("dcraw"),
        roi=check.region("roi"),
        non_negative=bool(non_negative),
        source_spectra=check.text("source_spectra"),
        loader=check.component("loader"),
        selector=check.component("selector"),
        noise_model=check.component("noise_model"),
        max=max_fraction,
        white_level=white_level,
        dark=check.dark(),
        data=data,
        lines=lines,
    )


def _seconds(value: Any) -> float | None:
    """A positive exposure time from a number or a fraction text such as ``1/40``."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(Fraction(str(value).strip())) if isinstance(value, str) else float(value)
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def _warn_unknown_keys(path: Path, data: dict, lines: dict[str, int]) -> None:
    known = ORIGINAL_KEYS + CAMCHAR_KEYS
    for key in data:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; it is ignored"
        where = location(path, lines.get(str(key)))
        warnings.warn(CamcharWarning(f"{where}: unknown key '{key}'{hint}"), stacklevel=3)
