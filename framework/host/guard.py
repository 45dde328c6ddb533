"""Blame the right code: calls into a component that fail are reported as that component's fault.

The pipelines never call a component directly; they call it through
:func:`guarded`, which lets :class:`~camchar.core.errors.BadInput` (the
component's verdict on the input), interruptions, and ``OSError`` for a full
disk or a missing permission (the machine's state, reported by whoever
handles the file) through, and turns any other exception into a
:class:`~camchar.core.errors.PluginError` naming the component and the plugin
that registered it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import numpy as np

from camchar.core.errors import ENVIRONMENT_ERRNOS, BadInput, CamcharWarning, PluginError, Stopped, shorten
from camchar.host.registry import Registered

__all__ = ["guarded", "guarded_call", "Guarded", "component_error", "checked_array", "checked_type"]

T = TypeVar("T")

#: Exceptions that pass through a guarded call unchanged (a CamcharWarning arrives as an exception when a
#: warnings filter turns warnings into errors: it is the component's message, not its failure). A component
#: that calls ``sys.exit`` or raises any other warning is broken like one that raises anything else.
PASS_THROUGH = (BadInput, PluginError, KeyboardInterrupt, Stopped, MemoryError, CamcharWarning)


def component_error(registered: Registered, problem: str) -> PluginError:
    """A :class:`PluginError` blaming ``registered`` for ``problem``."""
    return PluginError(registered.title, registered.plugin.label, problem, registered.plugin.built_in)


class Guarded:
    """A component as the host calls it: its methods raise only ``BadInput`` or ``PluginError``.

    Attributes that are not methods (``name``, ``suffixes``, ``config`` ...)
    are the component's own.
    """

    def __init__(self, registered: Registered):
        self.registered = registered
        self.component = registered.component

    def __reduce__(self) -> tuple:
        """Pickled as the registration it guards (to run on dask workers)."""
        return Guarded, (self.registered,)

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self.component, attribute)
        if not callable(value) or attribute.startswith("_"):
            return value
        return self._guard(attribute, value)

    def _guard(self, method: str, function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> T:
            return guarded_call(self.registered, method, function, *args, **kwargs)

        return call


def guarded_call(registered: Registered, method: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)``, its failures blamed on ``registered`` (as ``method``).

    For calls into objects a component hands back (a response method's
    solver): they are the component's code as much as its own methods.
    """
    try:
        return function(*args, **kwargs)
    except PASS_THROUGH:
        raise
    except SystemExit as exc:
        raise component_error(registered, f"failed in {method}(): it called sys.exit({exc.code!r})") from exc
    except OSError as exc:
        if exc.errno in ENVIRONMENT_ERRNOS:
            raise
        raise component_error(registered, f"failed in {method}(): {type(exc).__name__}: {shorten(str(exc), 200)}") from exc
    except Exception as exc:
        raise component_error(registered, f"failed in {method}(): {type(exc).__name__}: {shorten(str(exc), 200)}") from exc


def guarded(registered: Registered) -> Guarded:
    """The component of ``registered``, wrapped so that its failures name it."""
    return Guarded(registered)


def checked_type(registered: Registered, method: str, value: object, expected: type | tuple[type, ...], words: str) -> Any:
    """``value`` if it is an instance of ``expected``; else a :class:`PluginError` blaming ``registered``.

    Parameters
    ----------
    registered
        The component whose ``method`` returned ``value``.
    method
        The method's name, for the message.
    value
        What it returned.
    expected
        The type (or types) the contract asks for.
    words
        The contract's type in words, e.g. ``camchar.api.SourceSpectra``.
    """
    if not isinstance(value, expected):
        raise component_error(registered, f"returned {type(value).__name__} from {method}(), not {words}")
    return value


def checked_array(
    registered: Registered,
    method: str,
    value: object,
    shape: tuple[int, ...],
    axes: str,
    *,
    non_negative: bool = False,
) -> np.ndarray:
    """``value`` as float64 if it is a ``shape``-shaped array of finite numbers; else a :class:`PluginError`.

    Every component that returns numbers is held to this one check: the
    wrong type, the wrong shape, NaN or infinity (and, with
    ``non_negative``, a negative value) are the component's fault, named.

    Parameters
    ----------
    registered
        The component whose ``method`` returned ``value``.
    method
        The method's name, for the message.
    value
        What it returned.
    shape
        The shape the contract asks for.
    axes
        The axes in words, e.g. ``frames, channels``.
    non_negative
        Refuse negative values too.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise component_error(registered, f"returned {type(value).__name__} from {method}(), not an array of numbers")
    kind = np.asarray(value).dtype.kind if isinstance(value, (np.ndarray, np.generic, list, tuple)) else "f"
    if kind in "bcO" and not (kind == "O" and isinstance(value, (list, tuple))):
        words = {"b": "true/false values", "c": "complex numbers", "O": "Python objects"}[kind]
        raise component_error(registered, f"returned {words} from {method}(), not an array of real numbers")
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise component_error(registered, f"returned {type(value).__name__} from {method}(), not an array of numbers") from None
    if values.shape != tuple(shape):
        raise component_error(registered, f"returned shape {values.shape} from {method}(), expected {tuple(shape)} ({axes})")
    bad = ~np.isfinite(values)
    if bad.any():
        raise component_error(registered, f"returned {int(bad.sum())} NaN or infinite value(s) of {values.size} from {method}()")
    if non_negative and (values < 0).any():
        raise component_error(registered, f"returned {int((values < 0).sum())} negative value(s) from {method}()")
    return values
