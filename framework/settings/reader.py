"""Read a settings file: the original ``image_stats`` YAML format plus camchar's own keys.

A settings file names the images of a sweep and how to treat them::

    camera: Nikon D810
    roi: [300, 300, 750, 750]      # x, y, w, h of the region of interest
    image_dir: raw                 # relative to this file's folder
    image_name: DSC_{:04}.NEF      # RAW name pattern; the TIFF sits beside it
    images:
      450: [1, 2, 3]               # wavelength: image numbers of one bracket
    plugins:                       # options of components, by component name
      raw-bayer: {...}

:func:`read_settings` checks types at this edge and returns a plain,
immutable :class:`~camchar.settings.model.Settings`; nothing later re-parses
the YAML. Every message names the file and the line.
"""

from __future__ import annotations

import difflib
import math
import os
import string
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

from camchar.core.bounds import MAX_BRACKET_IMAGES, MAX_SWEEP_IMAGES, ND, WAVELENGTH, Bound
from camchar.core.errors import BadInput, CamcharWarning, location, shorten, shown
from camchar.core.frames import Region
from camchar.core.paths import output_name_problem, with_home
from camchar.host.kinds import KINDS
from camchar.host.options import OptionValue
from camchar.settings.exposure import read_exposure_section
from camchar.settings.model import Settings, Wavelength
from camchar.settings.schema import CAMCHAR_KEYS, ORIGINAL_KEYS, TEXT_KEYS
from camchar.settings.yaml_source import parse_settings_yaml

__all__ = ["read_settings", "ORIGINAL_KEYS", "CAMCHAR_KEYS", "MAX_SETTINGS_BYTES"]

#: The values of ``defect_mask``.
DEFECT_MASK_MODES = ("auto", "darks", "frames")
#: The largest settings file read (a real one is a few kB).
MAX_SETTINGS_BYTES = 4 << 20
#: The largest magnitude accepted for a number in the settings (wavelengths, ND, image numbers ...).
MAX_MAGNITUDE = 1e15


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
        When the file is missing, unreadable, not YAML, has a key twice, or
        has a key of the wrong type or a required key missing.
    """
    path = Path(path).absolute()
    text = _read_text(path)
    data, lines = parse_settings_yaml(path, text, TEXT_KEYS)
    if not isinstance(data, dict):
        raise BadInput(path, "a settings file must be a mapping of keys to values (key: value)")
    return _build(path, text, data, lines)


def _read_text(path: Path) -> str:
    if path.exists() and not path.is_file() and not path.is_dir():
        raise BadInput(path, "is not a regular file (a pipe or a device?); give the settings YAML file")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(path, "settings file not found") from None
    except IsADirectoryError:
        raise BadInput(path, "is a folder, not a settings file") from None
    except OSError as exc:
        raise BadInput(path, f"cannot read the settings file ({exc.strerror or exc})") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise BadInput(path, f"is larger than {MAX_SETTINGS_BYTES >> 20} MiB; not a settings file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(path, f"cannot read the settings file (not UTF-8 text: {exc.reason} at byte {exc.start})") from None
    if "\x00" in text:
        raise BadInput(path, "cannot read the settings file (it holds NUL characters; not a text file)")
    return text


def finite_number(value: Any) -> float | None:
    """``value`` as a float if it is a finite number of sensible magnitude (not a bool), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= MAX_MAGNITUDE else None


class _Checker:
    """Type checks of settings values, raising :class:`BadInput` at the key's line."""

    def __init__(self, path: Path, data: dict, lines: dict[str, int]):
        self.path, self.data, self.lines = path, data, lines
        self.warnings: list[str] = []

    def warn(self, key: str | None, text: str) -> None:
        """Warn about ``key``'s line (and keep the text: the output records the warnings of a run)."""
        message = f"{location(self.path, self.lines.get(key) if key else None)}: {text}"
        self.warnings.append(message)
        warnings.warn(CamcharWarning(message), stacklevel=4)

    def fail(self, key: str, problem: str) -> BadInput:
        return BadInput(self.path, problem, self.lines.get(key))

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise self.fail(key, f"'{key}' must be a text value, got {type(value).__name__}")
        text = str(value)
        if any((ord(c) < 32 and c not in "\t\n\r") or 0xD800 <= ord(c) <= 0xDFFF or ord(c) == 127 for c in text):
            raise self.fail(key, f"'{key}' holds control characters or invalid (surrogate) code points: {shown(text)}")
        return text

    def number(self, key: str, default: float | None) -> float | None:
        value = self.data.get(key)
        if value is None:
            return default
        number = finite_number(value)
        if number is None:
            raise self.fail(key, f"'{key}' must be a finite number, got {shown(value)}")
        return number

    def plausible(self, key: str, value: float, bound: Bound) -> float:
        """``value`` if inside ``bound``'s hard limits (warning outside its usual range); else :class:`BadInput`."""
        refusal = bound.refusal(value)
        if refusal is not None:
            raise self.fail(key, f"{refusal}; refused")
        warning = bound.warning(value)
        if warning is not None:
            self.warn(key, warning)
        return value

    def levels(self, key: str, positive: bool) -> tuple[float, ...] | None:
        """A level in counts: one number, or one per channel (a list); positive, or not negative."""
        value = self.data.get(key)
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        numbers = [finite_number(item) for item in values]
        if not values or len(values) > 16 or any(number is None for number in numbers):
            raise self.fail(key, f"'{key}' must be a number of counts, or a list of one per channel, got {shown(value)}")
        if any(number <= 0 if positive else number < 0 for number in numbers):
            bound = "positive" if positive else "at least 0"
            raise self.fail(key, f"'{key}' must be {bound}, got {shown(value)}")
        return tuple(numbers)

    def region(self, key: str) -> Region | None:
        value = self.data.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 1 << 31 for v in value)
        ):
            raise self.fail(key, f"'{key}' must be four integers [x, y, w, h], got {shown(value)}")
        x, y, w, h = value
        if x < 0 or y < 0 or w <= 0 or h <= 0:
            raise self.fail(key, f"'{key}' needs x, y >= 0 and w, h > 0, got {shown(value)}")
        return Region(x, y, w, h)

    def required(self, key: str) -> Any:
        if self.data.get(key) is None:
            raise BadInput(self.path, f"required key '{key}' is missing")
        return self.data[key]

    def image_name(self) -> str:
        value = self.required("image_name")
        if not isinstance(value, str):
            raise self.fail("image_name", f"'image_name' must be a file name pattern such as DSC_{{:04}}.NEF, got {shown(value)}")
        fields = _format_fields(value)
        if fields is None:
            raise self.fail("image_name", f"'image_name' {shown(value)} is not a valid pattern; write e.g. DSC_{{:04}}.NEF")
        if any(field not in ("", "0") for field in fields):
            raise self.fail("image_name", f"'image_name' {shown(value)} may only use {{}} or {{:04}}-style fields for the image number")
        try:
            first, second = value.format(1), value.format(2)
        except (IndexError, KeyError, ValueError, TypeError) as exc:
            raise self.fail("image_name", f"'image_name' is not a valid pattern ({shorten(str(exc))}); write e.g. DSC_{{:04}}.NEF") from None
        if first == second:
            raise self.fail("image_name", f"'image_name' {shown(value)} has no {{}} for the image number")
        if "/" in first or "\x00" in first or not first.strip():
            raise self.fail("image_name", f"'image_name' {shown(value)} must be a file name, not a path")
        if len(os.fsencode(value.format(10**15))) > MAX_NAME_BYTES:
            raise self.fail("image_name", f"'image_name' {shown(value)} makes file names longer than {MAX_NAME_BYTES} bytes")
        return value

    def images(self) -> dict[Wavelength, tuple[int, ...]]:
        value = self.required("images")
        if not isinstance(value, dict) or not value:
            raise self.fail("images", "'images' must map each wavelength to a list of image numbers")
        brackets: dict[Wavelength, tuple[int, ...]] = {}
        for wavelength, numbers in value.items():
            key = f"images.{shorten(wavelength, 60)}"
            if finite_number(wavelength) is None:
                raise self.fail(key, f"wavelength {shown(wavelength)} in 'images' is not a number of sensible size")
            self.plausible(key, wavelength, WAVELENGTH)
            brackets[wavelength] = self._numbers(key, numbers, f"images at {wavelength}", f"at {wavelength}")
            if len(brackets[wavelength]) > MAX_BRACKET_IMAGES:
                raise self.fail(key, f"the bracket of {wavelength} lists {len(brackets[wavelength])} images, more than {MAX_BRACKET_IMAGES} (selection holds a bracket's frames at once); split it")
        total = sum(len(numbers) for numbers in brackets.values())
        if total > MAX_SWEEP_IMAGES:
            self.warn("images", f"the sweep lists {total} images; check the numbers")
        return dict(sorted(brackets.items()))

    def dark(self, images: dict[Wavelength, tuple[int, ...]]) -> dict[float | None, tuple[int, ...]] | None:
        """``{exposure time in s: dark image numbers}``, or ``{None: numbers}`` for one set used for every frame.

        A dark frame that is also an image of a bracket is refused: it was
        taken with light, and subtracting it would be wrong.
        """
        value = self.data.get("dark")
        if value is None:
            return None
        if isinstance(value, list):
            groups = {None: ("dark", value, "dark", "in dark")}
        elif not isinstance(value, dict) or not value:
            raise self.fail("dark", "'dark' must be a list of dark image numbers, or map exposure times (s) to such lists")
        else:
            groups = {}
            for exposure, numbers in value.items():
                key = f"dark.{shorten(exposure, 60)}"
                seconds = exposure_seconds(exposure)
                if seconds is None:
                    raise self.fail(key, f"exposure time {shown(exposure)} in 'dark' is not a positive number of seconds (e.g. 0.025 or 1/40)")
                if seconds in groups:
                    raise self.fail(key, f"exposure time {shown(exposure)} is listed twice in 'dark'")
                groups[seconds] = (key, numbers, f"dark frames of {exposure}", f"in dark frames of {exposure}")
        bracket_of = {number: wavelength for wavelength, numbers in images.items() for number in numbers}
        checked: dict[float | None, tuple[int, ...]] = {}
        for seconds, (key, numbers, label, where) in groups.items():
            checked[seconds] = self._numbers(key, numbers, label, where)
            lit = [number for number in checked[seconds] if number in bracket_of]
            if lit:
                raise self.fail(
                    key,
                    f"image {lit[0]} is listed under 'dark' and in the bracket of {bracket_of[lit[0]]}: a dark frame is "
                    "taken without light, so it cannot be an image of the sweep",
                )
        return checked

    def _numbers(self, key: str, numbers: Any, label: str, where: str) -> tuple[int, ...]:
        """A list of image numbers (a single number is a list of one)."""
        if isinstance(numbers, int) and not isinstance(numbers, bool):
            numbers = [numbers]
        if not isinstance(numbers, list) or not numbers:
            raise self.fail(key, f"{label} must be a list of image numbers, got {shown(numbers)}")
        for number in numbers:
            if isinstance(number, bool) or not isinstance(number, int):
                raise self.fail(key, f"image number {shown(number)} {where} is not an integer")
            if not 0 <= number <= MAX_MAGNITUDE:
                raise self.fail(key, f"image number {shown(number)} {where} is not between 0 and {MAX_MAGNITUDE:.0e}")
        return tuple(numbers)

    def component(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or not value.isprintable():
            raise self.fail(key, f"'{key}' must be a component name, got {shown(value)}")
        return value

    def plugins(self) -> dict[str, dict[str, OptionValue]]:
        """``plugins: {component name: {option: value}}``, each value with its line."""
        value = self.data.get("plugins")
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail("plugins", "'plugins' must map component names to their options, e.g. plugins: {raw-bayer: {...}}")
        sections: dict[str, dict[str, OptionValue]] = {}
        for name, options in value.items():
            key = f"plugins.{shorten(name, 60)}"
            if not isinstance(name, str):
                raise self.fail(key, f"'plugins' is keyed by component name, got {shown(name)}")
            if options is None:
                options = {}
            if not isinstance(options, dict):
                raise self.fail(key, f"the options of {shown(name)} must be a mapping of option: value, got {shown(options)}")
            sections[name] = {
                str(option): OptionValue(option_value, self.path, self.lines.get(f"{key}.{shorten(option, 60)}"))
                for option, option_value in options.items()
            }
        return sections


def _format_fields(pattern: str) -> list[str] | None:
    """The field names of a ``str.format`` pattern, or ``None`` if it does not parse."""
    try:
        return [field for _, field, _, _ in string.Formatter().parse(pattern) if field is not None]
    except ValueError:
        return None


def _build(path: Path, text: str, data: dict, lines: dict[str, int]) -> Settings:
    check = _Checker(path, data, lines)
    _warn_unknown_keys(check)
    image_dir = check.required("image_dir")
    if not isinstance(image_dir, str) or not image_dir.strip() or "\x00" in image_dir:
        raise check.fail("image_dir", f"'image_dir' must be a folder path, got {shown(image_dir)}")
    image_dir_path = _with_home(check, "image_dir", image_dir)
    if not image_dir_path.is_absolute():
        image_dir_path = path.parent / image_dir_path
    _check_path_length(check, "image_dir", image_dir_path)
    output = _output(check, path)
    max_fraction = check.number("max", None)
    if max_fraction is not None and not 0 < max_fraction <= 1:
        raise check.fail("max", f"'max' is a fraction of full scale in (0, 1], got {shown(max_fraction)}")
    white_level = check.levels("white_level", positive=True)
    black_level = check.levels("black_level", positive=False)
    saturated_fraction = check.number("saturated_fraction", 0.0)
    if not 0 <= saturated_fraction < 0.5:
        raise check.fail("saturated_fraction", f"'saturated_fraction' is a fraction of a channel's pixels in [0, 0.5), got {shown(saturated_fraction)}")
    defect_mask = data.get("defect_mask")
    if defect_mask is not None and defect_mask not in DEFECT_MASK_MODES:
        raise check.fail("defect_mask", f"'defect_mask' must be one of {', '.join(DEFECT_MASK_MODES)}, got {shown(defect_mask)}")
    detect_clipping = data.get("detect_clipping", True)
    if not isinstance(detect_clipping, bool):
        raise check.fail("detect_clipping", f"'detect_clipping' must be true or false, got {shown(detect_clipping)}")
    images = check.images()
    dark = check.dark(images)
    if black_level is not None and dark:
        raise check.fail("black_level", "black_level and dark: both remove the offset; give one of them")
    non_negative = data.get("non_negative")
    if non_negative is not None and not isinstance(non_negative, bool):
        raise check.fail("non_negative", f"'non_negative' must be true or false, got {shown(non_negative)}")
    return Settings(
        path=path,
        text=text,
        image_dir=image_dir_path,
        image_name=check.image_name(),
        images=images,
        camera=check.text("camera"),
        lens=check.text("lens"),
        settings=check.text("settings"),
        label=check.text("label"),
        nd=check.plausible("ND", check.number("ND", 0.0), ND),
        crop=check.region("crop"),
        dcraw=check.text("dcraw"),
        roi=check.region("roi"),
        non_negative=bool(non_negative),
        source_spectra=check.text("source_spectra"),
        **{kind.setting: check.component(kind.setting) for kind in KINDS.values()},
        max=max_fraction,
        white_level=white_level,
        black_level=black_level,
        saturated_fraction=saturated_fraction,
        defect_mask=defect_mask,
        detect_clipping=detect_clipping,
        dark=dark,
        output=output,
        plugins=check.plugins(),
        exposure=read_exposure_section(path, data.get("exposure"), lines),
        data=data,
        lines=lines,
        warnings=tuple(check.warnings),
    )


#: The longest file name and the longest path most file systems allow, in bytes.
MAX_NAME_BYTES, MAX_PATH_BYTES = 255, 4096


def _output(check: _Checker, path: Path) -> Path | None:
    """The settings' ``output``, relative to the settings file's folder, or ``None``."""
    value = check.data.get("output")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\x00" in value or not Path(value).name or value.endswith(("/", "\\")):
        raise check.fail("output", f"'output' must be a file name such as sweep.h5, got {shown(value)}")
    output = _with_home(check, "output", value)
    output = output if output.is_absolute() else path.parent / output
    problem = output_name_problem(value, output)
    if problem is not None:
        raise check.fail("output", f"'output' {shown(value)} {problem}")
    output = output if output.suffix else output.with_name(output.name + ".h5")  # as -o: a name without a suffix gets .h5
    _check_path_length(check, "output", output)
    return output


def _with_home(check: _Checker, key: str, text: str) -> Path:
    """``text`` with ``~`` expanded; :class:`BadInput` at ``key``'s line when that home folder is unknown."""
    path = with_home(text)
    if path is None:
        raise check.fail(key, f"'{key}' starts with {text.split('/')[0]}, a home folder that is not known here")
    return path


def _check_path_length(check: _Checker, key: str, path: Path) -> None:
    """:class:`BadInput` at ``key``'s line for a path no file system can hold (the OS would refuse every access)."""
    if len(os.fsencode(str(path))) > MAX_PATH_BYTES or any(len(os.fsencode(part)) > MAX_NAME_BYTES for part in path.parts):
        raise check.fail(key, f"'{key}' names a path longer than the file system allows ({MAX_NAME_BYTES} bytes a name, {MAX_PATH_BYTES} in all)")


def exposure_seconds(value: Any) -> float | None:
    """A positive exposure time in seconds from a number or a fraction text such as ``1/40``, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > 40:
            return None
        try:
            seconds = float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError, OverflowError):
            return None
    else:
        seconds = finite_number(value)
        if seconds is None:
            return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def _warn_unknown_keys(check: _Checker) -> None:
    known = ORIGINAL_KEYS + CAMCHAR_KEYS
    for key in check.data:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; it is ignored (options of a component go under plugins:)"
        check.warn(shorten(key, 60), f"unknown key '{shorten(key, 60)}'{hint}")
