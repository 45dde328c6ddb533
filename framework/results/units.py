"""Unit strings from result files, made into axis labels and column names."""

from __future__ import annotations

import re

__all__ = ["axis_label", "column_name", "unit_slug"]

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


def axis_label(quantity: str, units: str) -> str:
    """An axis label with its units in brackets, as the file spells them: ``Wavelength [nm]``."""
    return f"{quantity} [{units}]" if units else quantity
