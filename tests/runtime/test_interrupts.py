"""A signal landing in a finalizer interrupts the run once the finalizer has returned, not inside it (where it would be lost)."""

from __future__ import annotations

import gc
import signal
import sys
import time

import pytest

from camchar.runtime.interrupts import interrupting


class _Interrupted(Exception):
    pass


class _ReceivesTheSignal:
    """Its ``__del__`` is running when the signal arrives (the handler is called from it, as Python would)."""

    def __init__(self, handler):
        self.handler = handler

    def __del__(self):
        self.handler(signal.SIGUSR1, sys._getframe())


@pytest.fixture
def handler():
    handler = interrupting(lambda signum: _Interrupted(signum))
    previous = signal.signal(signal.SIGUSR1, handler)
    yield handler
    signal.signal(signal.SIGUSR1, previous)


def test_a_signal_in_a_finalizer_is_raised_after_it_not_lost(handler, monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(_Interrupted) as raised:
        _ReceivesTheSignal(handler)  # collected at once: its __del__ gets the signal
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the signal, delivered again, is handled here
            pass
    assert raised.value.args == (signal.SIGUSR1,)
    assert unraisable == []  # nothing printed as "Exception ignored in __del__"
    gc.collect()


def test_a_signal_elsewhere_is_raised_where_it_lands(handler):
    with pytest.raises(_Interrupted):
        handler(signal.SIGUSR1, sys._getframe())
