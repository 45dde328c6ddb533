"""The selected frames of a sweep as a noise model sees them: part of the component contract.

A sweep of 111 brackets at a 750 x 750 ROI is 1.5 GB as float64; a noise model
must not need it all at once. :class:`SelectedStack` is what a noise model
sees: what selection learned about each frame (file, exposure time, channel
means) and ways to stream the pixels, decoded again frame by frame while the
model computes. Its only abstract members are :meth:`SelectedStack.frame`
and :meth:`SelectedStack.partner`; the pipeline's
:class:`~camchar.stats.stack.DecodingStack` decodes files (or reads a cached
copy), and ``camchar.testing.fake_stack`` serves arrays.

It lives with the component base classes, below the pipelines, so that the
contract (``NoiseModel.estimate(stack)``) and the numerical kernels that
take a stack name it without importing ``camchar.stats``.
"""

from __future__ import annotations

import abc
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar, cast

import attrs
import numpy as np

from camchar.core.frames import Frame
from camchar.runtime.parallel import RowSplitter, ordered_map, prefetch

__all__ = ["SelectedFrame", "SelectedStack", "unmasked_counts"]

R = TypeVar("R")


def unmasked_counts(shape: tuple[int, int, int], mask: np.ndarray | None) -> np.ndarray:
    """``(C,)`` pixels per channel that count: all of the ROI but the masked ones."""
    if mask is None:
        return np.full(shape[2], shape[0] * shape[1], dtype=np.int64)
    return (~mask).reshape(-1, shape[2]).sum(axis=0).astype(np.int64)


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
    partner
        Another usable frame of the bracket at the same exposure time, when
        the noise model needs pairs (``NoiseModel.needs_pairs``); else ``None``.
    partner_number
        The partner's image number.
    cached, partner_cached
        Where decoded copies of the frame's and the partner's ROI pixels are
        stored, for loaders whose decoding is expensive; ``None`` to decode
        the file again.
    """

    wavelength: int | float
    image_number: int
    path: Path
    exposure_time: float
    means: np.ndarray
    metadata: Mapping[str, Any] = attrs.field(factory=dict)
    partner: Path | None = None
    partner_number: int | None = None
    cached: Path | None = None
    partner_cached: Path | None = None


class SelectedStack(abc.ABC):
    """The ``N`` selected frames of a sweep, as a noise model sees them.

    Noise models must not hold all ``N`` frames at full resolution at once
    (the memory contract): they stream the stack in passes instead, with
    :meth:`iter_frames`, :meth:`iter_batches`, :meth:`iter_rates` or
    :meth:`map`, keeping per-pixel accumulators and per-frame results.
    """

    def __init__(self, frames: Sequence[SelectedFrame], shape: tuple[int, int, int], workers: int = 1, mask: np.ndarray | None = None):
        self._frames = tuple(frames)
        self._shape = (int(shape[0]), int(shape[1]), int(shape[2]))
        self._workers = max(1, int(workers))
        self._passes = 0
        self._mask = mask

    @abc.abstractmethod
    def frame(self, index: int) -> Frame:
        """Decode frame ``index`` now: raw pixels ``(H, W, C)`` in counts, and its exposure time."""

    @abc.abstractmethod
    def partner(self, index: int) -> Frame | None:
        """Decode the second frame at frame ``index``'s exposure (for models with ``needs_pairs``), or ``None``."""

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def frames(self) -> tuple[SelectedFrame, ...]:
        """The selection records (:class:`~camchar.api.SelectedFrame`), in wavelength order."""
        return self._frames

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(H, W, C)`` of every frame."""
        return self._shape

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
        return np.array([frame.means for frame in self._frames], dtype=np.float64).reshape(len(self), self._shape[2])

    @property
    def pixel_count(self) -> int:
        """Pixels per channel in the ROI, ``H x W``."""
        return self._shape[0] * self._shape[1]

    @property
    def mask(self) -> np.ndarray | None:
        """``(H, W, C)`` pixels left out of the statistics (the settings' ``defect_mask``), or ``None``.

        In the frames a model receives, each masked pixel holds the mean of
        the other pixels of its channel, so it adds nothing to a residual or
        a deviation from the mean; dividing sums by :attr:`pixel_counts`
        rather than :attr:`pixel_count` then makes such statistics exact.
        """
        return self._mask

    @property
    def pixel_counts(self) -> np.ndarray:
        """``(C,)`` pixels per channel that count: :attr:`pixel_count` less the masked ones."""
        return unmasked_counts(self._shape, self._mask)

    @property
    def passes(self) -> int:
        """How many times a model has streamed the stack so far."""
        return self._passes

    @property
    def workers(self) -> int:
        """Threads available to a model (decoding ahead, :meth:`map`, :meth:`split_rows`)."""
        return self._workers

    def rates(self, index: int) -> np.ndarray:
        """Decode frame ``index`` and return it in counts/s, float64 ``(H, W, C)`` (the caller's to modify)."""
        return self.frame(index).rates()

    def iter_frames(self) -> Iterator[tuple[int, Frame]]:
        """Yield ``(index, frame)`` for every frame in order, raw counts, decoded ahead on worker threads.

        Working on the raw counts block by block (see :meth:`split_rows`)
        avoids a float64 copy of every frame. The pixels may be read-only.
        """
        return self._stream(self.frame)

    def iter_batches(self, max_frames: int = 16, max_bytes: int = 64 << 20) -> Iterator[list[tuple[int, Frame]]]:
        """Yield the frames in order, in batches of at most ``max_frames`` frames and ``max_bytes`` of raw pixels.

        A batch lets a model bring a block of its per-pixel accumulators into
        the CPU cache once and apply several frames to it. The next batch is
        decoded while the model works on this one, so at most two batches are
        in memory; the batch size depends on the frame size, never on ``N``.
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
        """Yield ``(index, rates)`` for every frame in order: counts/s, float64, the model's to modify."""
        return self._stream(self.rates)

    def map(self, func: Callable[[int, Frame], R]) -> list[R]:
        """Apply ``func(index, frame)`` to every frame on the worker threads; results in frame order.

        ``func`` must be safe to run on several frames at once (pure numpy on
        its arguments is). Only a few frames are in memory at any moment.
        """
        return [result for _, result in self._stream(lambda index: func(index, self.frame(index)))]

    @property
    def distributed(self) -> bool:
        """Whether :meth:`map`, :meth:`map_chunks` and :meth:`sum_chunks` run as tasks on a dask cluster.

        Functions given to them then run in worker processes: they must be
        picklable (closures are, by cloudpickle) and receive a stack that
        decodes on the worker. Streaming methods (:meth:`iter_frames`,
        :meth:`iter_batches`) always run here.
        """
        return False

    def chunks(self, size: int) -> list[tuple[int, int]]:
        """``(start, stop)`` of consecutive chunks of at most ``size`` frames covering the stack."""
        return [(start, min(start + size, len(self))) for start in range(0, len(self), max(1, size))]

    def map_chunks(self, func: Callable[["SelectedStack", int, int], R], size: int) -> list[R]:
        """``func(stack, start, stop)`` for each chunk of frames (:meth:`chunks`), results in order.

        Here the chunks run on the worker threads; on a cluster, as tasks on
        the workers, each reading its frames there.
        """
        return list(self._chunk_results(func, size))

    def sum_chunks(self, func: Callable[["SelectedStack", int, int], R], size: int) -> R:
        """The sum of ``func(stack, start, stop)`` over the chunks of frames, added as they come (on a cluster, on the workers)."""
        total: Any = None  # R supports +: numbers and arrays
        for part in self._chunk_results(func, size):
            total = part if total is None else total + part
        return cast(R, total)

    def _chunk_results(self, func: Callable[["SelectedStack", int, int], R], size: int) -> Iterator[R]:
        self._passes += 1
        pass_number = self._passes
        for (start, stop), result in zip(self.chunks(size), ordered_map(lambda bounds: func(self, *bounds), self.chunks(size), self._workers)):
            for index in range(start, stop):
                self._on_frame(index, pass_number)
            yield result

    def split_rows(self) -> RowSplitter:
        """A row splitter for per-frame work in cache-sized blocks of rows on the worker threads.

        Use it as a context manager around a pass; ``run(func, n_rows,
        row_items)`` calls ``func(rows)`` for each block (a ``slice``) and
        returns the results in row order. Functions run on several blocks at
        once and may write only their own rows of shared arrays.
        """
        return RowSplitter(self._workers)

    def _stream(self, load: Callable[[int], R]) -> Iterator[tuple[int, R]]:
        self._passes += 1
        pass_number = self._passes
        for index, result in enumerate(ordered_map(load, range(len(self)), self._workers)):
            self._on_frame(index, pass_number)
            yield index, result

    def _on_frame(self, index: int, pass_number: int) -> None:  # noqa: B027 - a hook with nothing to do by default
        """Called after each frame a model receives; the pipeline's stack reports progress here."""

