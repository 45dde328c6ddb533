"""Values from HDF5 and numpy as plain Python, and as JSON."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["plain", "json_safe"]


def plain(value: Any) -> Any:
    """A value as plain Python: text decoded, numpy scalars unwrapped, arrays as (nested) lists."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return plain(value[()]) if value.shape == () else [plain(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


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
