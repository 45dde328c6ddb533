"""Numbers in text files read strictly: a plain decimal number, nothing Python's ``float`` would also bend into one.

``float()`` accepts more than a number as a lab's file writes it: ``1_0``
(Python's digit grouping) is 10, ``١`` (an Arabic-Indic digit) is 1. A
table with such a cell is damaged or mistyped, and reading it as a number
would give wrong numbers without a word.
"""

from __future__ import annotations

import re

__all__ = ["plain_number"]

#: A decimal number as files write it (``-2.5``, ``.5``, ``7.``, ``1e-3``), or NaN and infinity by name.
_PLAIN = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|nan|inf|infinity)", re.IGNORECASE | re.ASCII)


def plain_number(text: str) -> float:
    """``text`` (surrounding white space aside) as a number, if it is written as a plain decimal number.

    ``nan`` and ``inf`` are numbers here: the callers refuse them with
    their own message (a value that is not finite).

    Raises
    ------
    ValueError
        For anything else: ``1_0``, ``0x10``, non-ASCII digits, an empty text.
    """
    stripped = text.strip()
    if not _PLAIN.fullmatch(stripped):
        raise ValueError(f"not a plain decimal number: {text!r}")
    return float(stripped)
