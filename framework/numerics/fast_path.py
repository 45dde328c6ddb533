"""Which path the per-frame arithmetic takes: numba's compiled kernels (the fast path) or numpy (the reference).

Both paths give the same numbers (:mod:`camchar.numerics._kernels` says how
closely). The fast path needs numba, which ``pip install camchar`` brings
where numba has wheels; without it camchar runs the numpy path, and
``camchar --version`` and every output's provenance say which path ran.

Importing numba costs about 0.35 s and loading the cached kernels about
0.15 s more, so a run engages the fast path only when it has at least
:data:`FAST_PATH_MIN_VALUES` pixel values to go through
(``docs/performance.md`` has the measurement). The environment variable
``CAMCHAR_FAST_PATH`` overrides that choice: ``0`` for the numpy path
always, ``1`` for the fast path whatever the size.

The choice holds for a run (:func:`engaged`); the numerical functions ask
:func:`kernels` for the kernels, which are ``None`` outside a run that
engaged them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from types import ModuleType
from typing import Iterator

__all__ = ["FAST_PATH_ENV", "FAST_PATH_MIN_VALUES", "available", "describe", "engaged", "kernels"]

#: The environment variable that forces a path: ``0`` numpy, ``1`` numba (unset: by the sweep's size).
FAST_PATH_ENV = "CAMCHAR_FAST_PATH"
#: Pixel values a run goes through (every image's ROI, decoded) from which the fast path repays numba's start-up.
FAST_PATH_MIN_VALUES = 200_000_000

_engaged: ModuleType | None = None


def available() -> bool:
    """Whether numba is installed (found without importing it) and ``CAMCHAR_FAST_PATH`` does not turn it off."""
    return os.environ.get(FAST_PATH_ENV, "").strip() != "0" and importlib.util.find_spec("numba") is not None


def describe() -> str:
    """The path this installation can take, for ``camchar --version``: e.g. ``fast path: numba 0.61.0``."""
    if importlib.util.find_spec("numba") is None:
        return "fast path: none (numba is not installed; the numpy path runs)"
    version = _numba_version()
    if os.environ.get(FAST_PATH_ENV, "").strip() == "0":
        return f"fast path: {version}, turned off by {FAST_PATH_ENV}=0 (the numpy path runs)"
    return f"fast path: {version}, for sweeps of {FAST_PATH_MIN_VALUES / 1e6:g} million pixel values or more"


def kernels() -> ModuleType | None:
    """The compiled kernels when the current run engaged the fast path, else ``None`` (the numpy path)."""
    return _engaged


@contextlib.contextmanager
def engaged(values: int) -> Iterator[str]:
    """Engage the fast path for a run through ``values`` pixel values, when it gains; yield the path's name for the provenance.

    Parameters
    ----------
    values
        How many pixel values the run decodes and goes through.

    Yields
    ------
    str
        ``numba X.Y`` or ``numpy``.
    """
    global _engaged
    before = _engaged
    _engaged = _kernels_module() if _wanted(values) else None
    try:
        yield _numba_version() if _engaged is not None else "numpy"
    finally:
        _engaged = before


def _numba_version() -> str:
    from importlib.metadata import version  # imported on use: --help needs none of it

    return f"numba {version('numba')}"


def _wanted(values: int) -> bool:
    forced = os.environ.get(FAST_PATH_ENV, "").strip()
    if forced == "1":
        return available()
    return available() and values >= FAST_PATH_MIN_VALUES


def _kernels_module() -> ModuleType:
    from camchar.numerics import _kernels

    return _kernels
