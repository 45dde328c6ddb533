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

import errno
import functools
from typing import Any, Callable, TypeVar

from camchar.core.errors import BadInput, PluginError, shorten
from camchar.host.registry import Registered

__all__ = ["guarded", "Guarded", "component_error"]

T = TypeVar("T")

#: Exceptions that pass through a guarded call unchanged (a Warning arrives as an exception when a
#: warnings filter turns warnings into errors: it is the component's message, not its failure).
PASS_THROUGH = (BadInput, PluginError, KeyboardInterrupt, SystemExit, MemoryError, Warning)
#: ``OSError`` numbers that describe the machine, not the component: a full disk, a quota, permissions.
ENVIRONMENT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)


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
            try:
                return function(*args, **kwargs)
            except PASS_THROUGH:
                raise
            except OSError as exc:
                if exc.errno in ENVIRONMENT_ERRNOS:
                    raise
                raise component_error(self.registered, f"failed in {method}(): {type(exc).__name__}: {shorten(str(exc), 200)}") from exc
            except Exception as exc:
                raise component_error(self.registered, f"failed in {method}(): {type(exc).__name__}: {shorten(str(exc), 200)}") from exc

        return call


def guarded(registered: Registered) -> Guarded:
    """The component of ``registered``, wrapped so that its failures name it."""
    return Guarded(registered)
