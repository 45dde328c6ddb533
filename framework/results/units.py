"""Unit strings from result files, made into axis labels and column names."""

from __future__ import annotations

import re

__all__ = ["axis_label", "column_name", "display_units", "unit_slug"]

_REPLACEMENTS = (("%", "percent"), ("²", "2"), ("³", "3"), ("µ", "u"), ("μ", "u"), ("/", "_per_"), ("^", ""))


def unit_slug(units: str) -> str:
    """``units`` as an identifier fragment: ``counts/s`` -> ``counts_per_s``.

    ``(counts/s)/(uW/cm2/nm)`` becomes ``counts_per_s_per_uW_per_cm2_per_nm``,
    ``%`` becomes ``percent``, and anything else that is not a letter or a
    digit becomes an underscore. An empty string stays empty.
    """
    text = units.strip()
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    text = re.sub(r"[^0-9A-Za-z]+", "_", text)
    return text.strip("_")


def column_name(quantity: str, units: str) -> str:
    """A column header naming its units: ``column_name("mean", "counts/s")`` -> ``mean_counts_per_s``."""
    slug = unit_slug(units)
    return f"{quantity}_{slug}" if slug else quantity


#: ASCII spellings of unit symbols in files (``uW``, ``cm2``, ``DN^2``), and the symbols shown for them.
_SYMBOLS = (
    (re.compile(r"(?<![A-Za-z])u(?=(W|m|s|A|V|J|g)\b)"), "µ"),
    (re.compile(r"(?<=[A-Za-z])\^?2(?![0-9])"), "²"),
    (re.compile(r"(?<=[A-Za-z])\^?3(?![0-9])"), "³"),
    (re.compile(r"(?<=[A-Za-z])\^-1(?![0-9])"), "⁻¹"),
)


def display_units(units: str) -> str:
    """``units`` with proper symbols, for display only: ``uW/cm2/nm`` -> ``µW/cm²/nm``, ``DN^2`` -> ``DN²``.

    The stored unit strings are never changed; only figures, pages and
    terminal tables show the symbols.
    """
    for pattern, symbol in _SYMBOLS:
        units = pattern.sub(symbol, units)
    return units


def axis_label(quantity: str, units: str) -> str:
    """An axis label with its units in brackets, shown with symbols: ``Sensitivity [(counts/s)/(µW/cm²/nm)]``."""
    return f"{quantity} [{display_units(units)}]" if units else quantity
