"""Which path the per-frame arithmetic takes: numba's compiled kernels (the fast path) or numpy (the reference).

Both paths give the same numbers (:mod:`camchar.numerics.kernels.source`
says how closely). The fast path needs numba, which ``pip install camchar``
brings where numba has wheels; without it camchar runs the numpy path, and
``camchar --version`` and every output's provenance say which path ran.

numba builds the kernels once per installation and sample type; a run loads
the built kernels with llvmlite alone (:mod:`camchar.numerics.kernels`),
about 0.06 s beside its first steps, and the kernels save about 2 ms of CPU
per million pixel values, so a run engages the fast path when it has at
least :data:`FAST_PATH_MIN_VALUES` pixel values to go through
(``docs/performance.md`` has the measurements). The environment variable
``CAMCHAR_FAST_PATH`` overrides that choice: ``0`` for the numpy path
always, ``1`` for the fast path whatever the size.

The choice holds for a run (:func:`engaged`); the numerical functions ask
:func:`kernels` for the kernels, which are ``None`` outside a run that
engaged them, and until numba has loaded beside the run's first steps.
Runs may overlap in one process (threads calling the Python API): the
numerical functions get the kernels of the run that started last of those
going on, and each run's end leaves the others' kernels in place.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import sys
import threading
import warnings
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from camchar.core.errors import CamcharWarning, shorten

if TYPE_CHECKING:
    from camchar.numerics.kernels.compiled import Kernels

__all__ = ["FAST_PATH_ENV", "FAST_PATH_MIN_VALUES", "available", "describe", "engaged", "kernels"]

#: The environment variable that forces a path: ``0`` numpy, ``1`` numba (unset: by the sweep's size).
FAST_PATH_ENV = "CAMCHAR_FAST_PATH"
#: Pixel values a run goes through (every image's ROI, decoded) from which the fast path repays numba's start-up (measured).
FAST_PATH_MIN_VALUES = 20_000_000


class _Run:
    """One run's fast path: its kernels once loaded (``None`` before, or on failure), the thread loading them, and why they failed."""

    def __init__(self) -> None:
        self.kernels: Kernels | None = None
        self.loading: threading.Thread | None = None
        self.failure: str | None = None

    def ready(self, wait: bool) -> Kernels | None:
        """The run's kernels, after waiting for the thread loading them with ``wait``."""
        if wait and self.loading is not None:
            self.loading.join()
        return self.kernels


#: The runs going on, in the order they started; each is added once its loading thread has started.
_runs: list[_Run] = []
_runs_lock = threading.Lock()


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


def kernels(wait: bool = False) -> Kernels | None:
    """The compiled kernels when the current run engaged the fast path and they are ready, else ``None`` (the numpy path).

    Parameters
    ----------
    wait
        Wait for the kernels the run is loading (numba's start-up runs
        beside the run's first steps): the noise passes wait, so that the
        path the provenance names is the one they ran; the SNR and the bend
        test, whose numbers are the same on both paths to the last bit, do not.
    """
    with _runs_lock:
        run = _runs[-1] if _runs else None
    return None if run is None else run.ready(wait)


@contextlib.contextmanager
def engaged(values: int, sample_types: Iterable[str] = ("uint16",)) -> Iterator[Callable[[], str]]:
    """Engage the fast path for a run through ``values`` pixel values, when it gains; yield the path's name for the provenance.

    The kernels load on a thread of their own while the run goes on (on
    the numpy path until they are ready).

    Parameters
    ----------
    values
        How many pixel values the run decodes and goes through.
    sample_types
        The numpy types of the frames the kernels will see (``"uint16"``),
        loaded (or built) before the run's first kernel call; others load
        on first use.

    Yields
    ------
    callable
        Returns ``numba X.Y`` or ``numpy``: the path the noise passes took.
    """
    run = _Run()
    if _wanted(values):
        loading = threading.Thread(target=_load_kernels, args=(run, tuple(sample_types)), name="camchar-kernels", daemon=True)
        loading.start()
        run.loading = loading
    with _runs_lock:
        _runs.append(run)
    try:
        yield functools.partial(_path_taken, run)
    finally:
        run.ready(wait=True)
        with _runs_lock:
            _runs.remove(run)


def _load_kernels(run: _Run, sample_types: tuple[str, ...]) -> None:
    """Load the kernels for ``sample_types`` (numba builds those not built yet); engage them for ``run``.

    Kernels that fail to load leave the numpy path, and the reason for the warning :func:`engaged` gives.
    """
    try:
        import numpy as np

        from camchar.numerics.kernels.compiled import Kernels

        loaded = Kernels(building=_without_scipy)
    except Exception as exc:  # noqa: BLE001 - a broken llvmlite raises anything; the numpy path still runs
        run.failure = f"{type(exc).__name__}: {exc}"
        return
    for dtype in sample_types:
        loaded.takes(np.dtype(dtype))
    if loaded.failures and not any(loaded.takes(np.dtype(dtype)) for dtype in sample_types):
        run.failure = next(iter(loaded.failures.values()))
        return
    run.kernels = loaded


@contextlib.contextmanager
def _without_scipy() -> Iterator[None]:
    """numba's start-up on this thread without SciPy, which it imports only to check its version and whether BLAS is there.

    Importing SciPy takes a quarter of a second and starts its BLAS
    threads; none of the kernels calls BLAS. numba then falls back to a plain
    loop for the one helper that asks (a ``dot`` of vectors), and a later
    compilation that needs BLAS imports SciPy then. Only imports made by this
    thread are refused, and only while numba loads: the run's other threads,
    and SciPy already imported, are untouched.
    """
    finder = _NoScipyOnThisThread(threading.current_thread())
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _NoScipyOnThisThread:
    """An import finder refusing SciPy to one thread (consulted only for modules not yet imported)."""

    def __init__(self, thread: threading.Thread):
        self.thread = thread

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if threading.current_thread() is self.thread and name.partition(".")[0] == "scipy":
            raise ModuleNotFoundError(f"no module named {name!r} while numba loads", name=name)
        return None


def _path_taken(run: _Run) -> str:
    """The path of ``run``'s noise passes, once they ran: ``numba X.Y``, or ``numpy`` (with a warning when numba failed to load)."""
    loaded = run.ready(wait=True)
    if loaded is not None:
        for kind, failure in loaded.failures.items():
            warnings.warn(CamcharWarning(f"numba's kernels for {kind} samples failed to load ({shorten(failure, 120)}); the numpy path ran for them, with the same numbers"), stacklevel=2)
        return _numba_version()
    if run.failure is not None:
        warnings.warn(CamcharWarning(f"numba's fast path failed to load ({shorten(run.failure, 120)}); the numpy path ran, with the same numbers"), stacklevel=2)
    return "numpy"


def _numba_version() -> str:
    from importlib.metadata import version  # imported on use: --help needs none of it

    return f"numba {version('numba')}"


def _wanted(values: int) -> bool:
    forced = os.environ.get(FAST_PATH_ENV, "").strip()
    if forced not in ("", "0", "1"):
        warnings.warn(CamcharWarning(f"{FAST_PATH_ENV}={shorten(forced, 40)} is not 0 or 1; ignored (the path goes by the sweep's size)"), stacklevel=3)
    if forced == "1":
        return available()
    return available() and values >= FAST_PATH_MIN_VALUES
