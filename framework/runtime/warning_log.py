"""Keep a copy of the warnings a run gives, for the output's provenance, while they are shown as usual."""

from __future__ import annotations

import contextlib
import threading
import warnings
from typing import Iterator

from camchar.core.errors import CamcharWarning

__all__ = ["recording_warnings"]

_lock = threading.Lock()


@contextlib.contextmanager
def recording_warnings() -> Iterator[list[str]]:
    """Collect the text of every :class:`CamcharWarning` shown inside the block, in order, once each.

    The warnings are still shown (printed by the command line, or captured
    by whoever handles them); this only listens.
    """
    log: list[str] = []
    with _lock:
        previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, CamcharWarning) and str(message) not in log:
            log.append(str(message))
        previous(message, category, filename, lineno, file, line)

    with _lock:
        warnings.showwarning = show
    try:
        yield log
    finally:
        with _lock:
            if warnings.showwarning is show:
                warnings.showwarning = previous
