"""Signal handlers that interrupt the run by raising, but never inside a finalizer.

Python runs a signal's handler between two steps of whatever the main
thread is executing, a ``__del__`` method included (a pooled read buffer's
lease gives its memory back in one, many times a second). An exception
raised there cannot leave the finalizer: Python prints it with a traceback
("Exception ignored in ...") and carries on, and the interruption is lost.
A handler made by :func:`interrupting` that lands in a finalizer has the
signal delivered again a millisecond later, from a thread of its own (made
pending at once, it would be handled inside the same finalizer, over and
over), and raises then, once the finalizer has returned.
"""

from __future__ import annotations

import _thread
import threading
from types import FrameType
from typing import Callable

__all__ = ["interrupting"]

#: How long a signal that landed in a finalizer waits to be delivered again, in seconds (finalizers take microseconds).
_AGAIN_AFTER = 0.001


def interrupting(exception: Callable[[int], BaseException]) -> Callable[[int, FrameType | None], None]:
    """A signal handler raising ``exception(signum)`` in the main thread, outside any finalizer.

    Parameters
    ----------
    exception
        Makes the exception to raise from the signal's number.

    Returns
    -------
    callable
        The handler, for :func:`signal.signal`.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        if _in_finalizer(frame):
            again = threading.Timer(_AGAIN_AFTER, _thread.interrupt_main, (signum,))
            again.daemon = True
            again.start()
            return
        raise exception(signum)

    return handler


def _in_finalizer(frame: FrameType | None) -> bool:
    """Whether ``frame`` or a frame that called it is a ``__del__`` method."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False
