"""Values from HDF5 and numpy as plain Python (:func:`camchar.files.hdf5_values.plain_nested`), and as JSON."""

from __future__ import annotations

import math
from typing import Any

from camchar.files.hdf5_values import plain_nested as plain

__all__ = ["plain", "json_safe"]


def json_safe(value: Any) -> Any:
    """A value that ``json.dumps(..., allow_nan=False)`` takes: containers walked, NaN and infinities as ``None``.

    Numbers keep their exact value (an integer stays an integer); anything
    that is not a number, text, boolean or container becomes its text.
    """
    value = plain(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
