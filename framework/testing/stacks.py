"""A selected stack built from arrays, to test a noise model without files."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from camchar.core.frames import Frame
from camchar.host.stack import SelectedFrame, SelectedStack

__all__ = ["ArrayStack", "fake_stack"]


class ArrayStack(SelectedStack):
    """A :class:`~camchar.api.SelectedStack` whose frames are arrays in memory (for tests only).

    Parameters
    ----------
    records
        The selection records.
    frames
        ``(H, W, C)`` raw counts of each selected frame.
    partners
        The partner of each frame (same shape), or ``None``.
    workers
        Threads the stack offers a model.
    """

    def __init__(self, records: Sequence[SelectedFrame], frames: Sequence[np.ndarray], partners: Sequence[np.ndarray] | None, workers: int):
        super().__init__(records, frames[0].shape, workers)
        self._arrays = [np.asarray(frame) for frame in frames]
        self._partners = None if partners is None else [np.asarray(partner) for partner in partners]

    def frame(self, index: int) -> Frame:
        record = self.frames[index]
        return Frame(self._arrays[index], record.exposure_time, np.inf, record.path, record.metadata)

    def partner(self, index: int) -> Frame | None:
        if self._partners is None:
            return None
        record = self.frames[index]
        return Frame(self._partners[index], record.exposure_time, np.inf, record.partner, record.metadata)


def fake_stack(
    frames: Sequence[np.ndarray] | np.ndarray,
    exposure_times: Sequence[float],
    wavelengths: Sequence[float] | None = None,
    partners: Sequence[np.ndarray] | np.ndarray | None = None,
    workers: int = 1,
) -> ArrayStack:
    """A selected stack of the given frames, as a noise model receives it from ``camchar stats``.

    Parameters
    ----------
    frames
        ``N`` frames of raw counts, each ``(H, W, C)`` (or an ``(N, H, W, C)`` array).
    exposure_times
        ``(N,)`` exposure times in seconds.
    wavelengths
        ``(N,)`` nominal wavelengths; 400, 410, ... by default.
    partners
        For models with ``needs_pairs``: the second frame at each exposure, same shapes.
    workers
        Threads the stack offers the model.

    Returns
    -------
    SelectedStack
        With ``stimulus`` (each frame's channel means in counts/s) computed from the frames.

    Examples
    --------
    >>> import numpy as np
    >>> from camchar.testing import fake_stack
    >>> stack = fake_stack(np.ones((3, 4, 5, 1)), [0.5, 1.0, 2.0])
    >>> stack.stimulus[:, 0].tolist()
    [2.0, 1.0, 0.5]
    """
    arrays = [np.asarray(frame) for frame in frames]
    if not arrays or any(array.ndim != 3 or array.shape != arrays[0].shape for array in arrays):
        raise ValueError("frames must be N >= 1 arrays of one shape (H, W, C)")
    times = [float(t) for t in exposure_times]
    if len(times) != len(arrays):
        raise ValueError(f"{len(arrays)} frames but {len(times)} exposure times")
    if wavelengths is None:
        wavelengths = [400 + 10 * index for index in range(len(arrays))]
    pairs = None if partners is None else [np.asarray(partner) for partner in partners]
    records = [
        SelectedFrame(
            wavelength=wavelength,
            image_number=index + 1,
            path=Path(f"frame-{index + 1}"),
            exposure_time=t,
            means=array.reshape(-1, array.shape[2]).astype(np.float64).mean(axis=0) / t,
            metadata={"channel_names": tuple(f"C{c}" for c in range(array.shape[2]))},
            partner=None if pairs is None else Path(f"partner-{index + 1}"),
            partner_number=None if pairs is None else len(arrays) + index + 1,
        )
        for index, (array, t, wavelength) in enumerate(zip(arrays, times, wavelengths))
    ]
    return ArrayStack(records, arrays, pairs, workers)
