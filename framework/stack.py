"""The selected frames of a sweep, streamed to noise models one frame at a time.

A sweep of 111 brackets at a 750 x 750 ROI is 1.5 GB as float64; a noise model
must not need it all at once. :class:`SelectedStack` therefore holds only
what selection learned about each frame (its file, exposure time and channel
means) and decodes the pixels again, frame by frame, when a model iterates.
Decoding runs ahead on worker threads while the model computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar

import attrs
import numpy as np

from camchar.components import Loader
from camchar.frames import LoadRequest
from camchar.parallel import ordered_map

__all__ = ["SelectedFrame", "SelectedStack"]

R = TypeVar("R")


@attrs.frozen(eq=False)
class SelectedFrame:
    """What selection keeps of the frame chosen for one wavelength.

    Parameters
    ----------
    wavelength
        Nominal wavelength of the bracket.
    image_number
        The image number from the settings' ``images``.
    path
        The file the frame was decoded from.
    exposure_time
        Exposure time in seconds.
    means
        ``(C,)`` mean of each channel over the ROI, counts/s.
    """

    wavelength: int | float
    image_number: int
    path: Path
    exposure_time: float
    means: np.ndarray


class SelectedStack:
    """The ``N`` selected frames of a sweep, as a noise model sees them.

    Parameters
    ----------
    frames
        The selected frames, in wavelength order.
    loader
        The loader that decoded them (used again to stream the pixels).
    request
        The load request of the run (ROI, crop, options).
    shape
        ``(H, W, C)`` of every frame.
    workers
        Threads used to decode ahead while a model computes.
    on_frame
        Called with ``(index, pass_number)`` after each frame a model receives,
        for progress reporting.
    """

    def __init__(
        self,
        frames: Sequence[SelectedFrame],
        loader: Loader,
        request: LoadRequest,
        shape: tuple[int, int, int],
        workers: int = 1,
        on_frame: Callable[[int, int], None] | None = None,
    ):
        self._frames = tuple(frames)
        self._loader = loader
        self._request = request
        self.shape = tuple(shape)
        self._workers = workers
        self._on_frame = on_frame
        self._passes = 0

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def frames(self) -> tuple[SelectedFrame, ...]:
        """The selection records, in wavelength order."""
        return self._frames

    @property
    def wavelengths(self) -> np.ndarray:
        """``(N,)`` nominal wavelengths."""
        return np.array([frame.wavelength for frame in self._frames])

    @property
    def exposure_times(self) -> np.ndarray:
        """``(N,)`` exposure times in seconds."""
        return np.array([frame.exposure_time for frame in self._frames], dtype=np.float64)

    @property
    def stimulus(self) -> np.ndarray:
        """``(N, C)`` mean of each frame and channel over the ROI, counts/s."""
        return np.array([frame.means for frame in self._frames], dtype=np.float64)

    @property
    def pixel_count(self) -> int:
        """Pixels per channel in the ROI, ``H x W``."""
        return self.shape[0] * self.shape[1]

    @property
    def passes(self) -> int:
        """How many times a model has streamed the stack so far."""
        return self._passes

    def rates(self, index: int) -> np.ndarray:
        """Decode frame ``index`` and return it in counts/s, float64 ``(H, W, C)``."""
        frame = self._frames[index]
        return self._loader.load(frame.path, self._request).pixels / frame.exposure_time

    def map(self, func: Callable[[int, np.ndarray], R]) -> list[R]:
        """Apply ``func(index, rates)`` to every frame, on the worker threads.

        ``func`` must be safe to run on several frames at once (pure numpy on
        its arguments is); the results are returned in frame order. Only a
        few frames are in memory at any moment.
        """
        return list(self._stream(func))

    def iter_rates(self) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(index, rates)`` for every frame in order, decoding ahead on worker threads."""
        return self._stream(lambda index, rates: (index, rates))

    def _stream(self, func: Callable[[int, np.ndarray], R]) -> Iterator[R]:
        self._passes += 1
        pass_number = self._passes

        def work(index: int) -> R:
            return func(index, self.rates(index))

        for index, result in enumerate(ordered_map(work, range(len(self)), self._workers)):
            if self._on_frame is not None:
                self._on_frame(index, pass_number)
            yield result
