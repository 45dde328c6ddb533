"""Argument types and the options every command shares."""

from __future__ import annotations

import argparse
import math
from typing import Callable

from camchar.core.errors import shown

__all__ = ["output_file", "output_file_beside", "finite_number", "fraction", "integer_from", "size", "region", "option_assignment", "parsed", "add_common", "add_component_flags"]


def output_file(text: str, beside: bool = False):
    """An argparse type: an output file name (not empty; not a folder, a device or a name ending in a dot).

    ``beside``: for a folder, suggest a file beside it rather than in it (``output_file_beside``).
    """
    from pathlib import Path

    from camchar.core.paths import output_name_problem

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a file name such as out.h5")
    problem = output_name_problem(text, beside=beside)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{shown(text)} {problem}")
    return Path(text)


def output_file_beside(text: str):
    """An argparse type: :func:`output_file`, suggesting a file beside a folder (for a step that reads a folder)."""
    return output_file(text, beside=True)


def finite_number(text: str) -> float:
    """An argparse type: a finite number (the others below check a range on it)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {shown(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {shown(text)}")
    return value


def fraction(text: str) -> float:
    """An argparse type: a number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {shown(text)}") from None
    if not math.isfinite(value) or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {shown(text)}")
    return value


def integer_from(minimum: int, maximum: int = 1 << 31) -> Callable[[str], int]:
    """An argparse type: an integer from ``minimum`` to ``maximum``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {shown(text)}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be from {minimum} to {maximum}, got {shown(text)}")
        return value

    return convert


def size(text: str) -> tuple[int, int]:
    """An argparse type: ``WIDTHxHEIGHT``."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT such as 96x64, got {shown(text)}") from None
    return width, height


def region(text: str):
    """An argparse type: ``x,y,w,h``."""
    from camchar.core.frames import Region

    try:
        x, y, w, h = (int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"region must be x,y,w,h such as 16,8,64,48, got {shown(text)}") from None
    if x < 0 or y < 0 or w <= 0 or h <= 0 or max(x, y, w, h) > 1 << 31:
        raise argparse.ArgumentTypeError(f"region needs x, y >= 0 and w, h > 0, got {shown(text)}")
    return Region(x, y, w, h)


def option_assignment(text: str) -> tuple[str, str, object, str]:
    """An argparse type: ``NAME.KEY=VALUE``, the value read as a YAML scalar (``12``, ``true``, ``0.5``, text)."""
    import yaml

    from camchar.settings.yaml_source import SettingsLoader

    target, equals, value = text.partition("=")
    name, dot, key = target.rpartition(".")
    if not equals or not dot or not name or not key:
        raise argparse.ArgumentTypeError(f"write NAME.KEY=VALUE, e.g. --option imageio.plugin=opencv, got {shown(text)}")
    try:
        parsed = yaml.load(value, Loader=SettingsLoader) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    if isinstance(parsed, (dict, list)) or parsed is None:
        parsed = value
    return name, key, parsed, text


def parsed(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a function that raises ``ValueError``."""

    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def add_common(parser: argparse.ArgumentParser) -> None:
    """The options of every command: ``--quiet``, ``--debug``, ``--plugin``, ``--no-plugin``."""
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and library warnings")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE", help="also load this module as a plugin, for this run (repeatable)")
    parser.add_argument("--no-plugin", action="append", default=[], metavar="NAME", help="do not load this plugin (repeatable; see CAMCHAR_DISABLE_PLUGINS)")


def add_component_flags(parser: argparse.ArgumentParser, default_note: str = "") -> None:
    """``--loader``, ``--selector``, ``--noise-model``, ``--writer`` (from the kinds table) and ``--option``."""
    from camchar.host.kinds import STATS_KINDS

    for kind in STATS_KINDS:
        default = default_note or (f"default {kind.default}" if kind.default else "default: chosen by " + ("the files" if kind.key == "loaders" else "the output suffix"))
        parser.add_argument(kind.flag, dest=kind.setting, metavar="NAME", help=f"the {kind.label} ({default})")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        type=option_assignment,
        metavar="NAME.KEY=VALUE",
        help="an option of a component, e.g. --option imageio.plugin=opencv (repeatable; overrides the settings' plugins:)",
    )
