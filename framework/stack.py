"""The selected frames of a sweep, streamed to noise models one frame at a time.

A sweep of 111 brackets at a 750 x 750 ROI is 1.5 GB as float64; a noise model
must not need it all at once. :class:`SelectedStack` therefore holds only
what selection learned about each frame (its file, exposure time and channel
means) and decodes the pixels again, frame by frame, when a model iterates.
Decoding runs ahead on worker threads while the model computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

import attrs
import numpy as np

from camchar.components import Loader
from camchar.frame_cache import FrameCache
from camchar.frames import Frame, LoadRequest
from camchar.parallel import RowSplitter, ordered_map, prefetch

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
    metadata
        What the loader reported beyond the pixels (channel names, ISO,
        capture time ...), kept for provenance.
    cached
        Where a decoded copy of the ROI pixels is stored, for loaders whose
        decoding is expensive (:mod:`camchar.frame_cache`); ``None`` to decode
        the file again.
    partner
        Another frame of the bracket at the same exposure time (for
        pair-based noise models), or ``None``; its ``cached`` copy, if any, in
        ``partner_cached``.
    """

    wavelength: int | float
    image_number: int
    path: Path
    exposure_time: float
    means: np.ndarray
    metadata: Mapping[str, Any] = attrs.field(factory=dict)
    cached: Path | None = None
    partner: Path | None = None
    partner_cached: Path | None = None


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

    @property
    def workers(self) -> int:
        """Threads available to a model (decoding ahead, :meth:`map`, :meth:`split_rows`)."""
        return self._workers

    def frame(self, index: int) -> Frame:
        """Decode frame ``index`` now: raw pixels ``(H, W, C)`` and exposure time."""
        record = self._frames[index]
        return self._read(record, record.path, record.cached)

    def partner(self, index: int) -> Frame | None:
        """Decode the other frame of frame ``index``'s bracket at the same exposure time, if there is one."""
        record = self._frames[index]
        if record.partner is None:
            return None
        return self._read(record, record.partner, record.partner_cached)

    def _read(self, record: SelectedFrame, path: Path, cached: Path | None) -> Frame:
        """``path`` from its cached copy if there is one, else decoded again; it must keep its shape."""
        if cached is not None:
            frame = Frame(FrameCache.load(cached), record.exposure_time, np.inf, path, record.metadata)
        else:
            frame = self._loader.load(path, self._request)
        if frame.pixels.shape != self.shape:
            raise RuntimeError(f"{path} decoded to {frame.pixels.shape} on a second reading, not {self.shape}")
        return frame

    def rates(self, index: int) -> np.ndarray:
        """Decode frame ``index`` and return it in counts/s, float64 ``(H, W, C)``."""
        return self.frame(index).rates()

    def iter_frames(self) -> Iterator[tuple[int, Frame]]:
        """Yield ``(index, frame)`` for every frame in order, raw counts, decoding ahead on worker threads.

        Working on the raw counts block by block (see :meth:`split_rows`)
        avoids a float64 copy of every frame.
        """
        return self._stream(self.frame)

    def iter_batches(self, max_frames: int = 16, max_bytes: int = 64 << 20) -> Iterator[list[tuple[int, Frame]]]:
        """Yield the frames in order, in batches of at most ``max_frames`` frames and ``max_bytes`` of raw pixels.

        A batch lets a model bring a block of its per-pixel accumulators into
        the CPU cache once and apply several frames to it, instead of
        streaming the accumulators from memory for every frame. The next
        batch is decoded while the model works on this one, so at most two
        batches are in memory; the batch size depends only on the frame size,
        never on ``N``.
        """
        return prefetch(self._batches(max_frames, max_bytes))

    def _batches(self, max_frames: int, max_bytes: int) -> Iterator[list[tuple[int, Frame]]]:
        batch: list[tuple[int, Frame]] = []
        batch_bytes = 0
        for index, frame in self.iter_frames():
            batch.append((index, frame))
            batch_bytes += frame.pixels.nbytes
            if len(batch) == max_frames or batch_bytes + frame.pixels.nbytes > max_bytes:
                yield batch
                batch, batch_bytes = [], 0
        if batch:
            yield batch

    def iter_rates(self) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(index, rates)`` for every frame in order, decoding ahead on worker threads."""
        return self._stream(self.rates)

    def map(self, func: Callable[[int, Frame], R]) -> list[R]:
        """Apply ``func(index, frame)`` to every frame, on the worker threads.

        Each worker decodes a frame and runs ``func`` on it, so per-frame work
        uses every core. ``func`` must be safe to run on several frames at
        once (pure numpy on its arguments is); the results are returned in
        frame order. Only a few frames are in memory at any moment.
        """
        return [result for _, result in self._stream(lambda index: func(index, self.frame(index)))]

    def split_rows(self) -> RowSplitter:
        """A :class:`~camchar.parallel.RowSplitter` for per-frame work in blocks of rows on the worker threads.

        Use it as a context manager around a pass over the stack.
        """
        return RowSplitter(self._workers)

    def _stream(self, load: Callable[[int], R]) -> Iterator[tuple[int, R]]:
        self._passes += 1
        pass_number = self._passes
        for index, result in enumerate(ordered_map(load, range(len(self)), self._workers)):
            if self._on_frame is not None:
                self._on_frame(index, pass_number)
            yield index, result
