"""The pipeline's :class:`~camchar.host.stack.SelectedStack`: frames decoded again by the run's loader.

The stack's contract (what a noise model may call) is in
:mod:`camchar.host.stack`; this module holds only how ``camchar stats``
serves the pixels: decoded anew by the run's loader and corrected as
selection corrected them, or read from the decoded-frame cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import attrs
import numpy as np

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, LoadRequest
from camchar.host.stack import SelectedFrame, SelectedStack
from camchar.stats.frame_cache import FrameCache
from camchar.stats.levels import Rules, corrected

__all__ = ["DecodingStack"]


class DecodingStack(SelectedStack):
    """The pipeline's stack: frames decoded again by the run's loader, or read from the decoded-frame cache.

    Parameters
    ----------
    frames
        The selection records, in wavelength order.
    loader
        The run's (guarded, configured) loader.
    request
        The run's load request.
    shape
        ``(H, W, C)`` of every frame.
    workers
        Threads used to decode ahead while a model computes.
    on_frame
        Called with ``(index, pass_number)`` after each frame a model
        receives, for progress reporting.
    mask
        Pixels left out of the statistics (:attr:`SelectedStack.mask`).
    rules
        The corrections selection applied (darks, black level, masked
        pixels), applied again to a frame decoded anew; frames read from the
        cache were stored corrected.
    sample_type
        The numpy type of the frames selection decoded (``"uint16"``), which
        a frame decoded anew must have too; ``None`` leaves it unchecked.
    """

    def __init__(
        self,
        frames: Sequence[SelectedFrame],
        loader: Any,
        request: LoadRequest,
        shape: tuple[int, int, int],
        workers: int = 1,
        on_frame: Callable[[int, int], None] | None = None,
        rules: Rules | None = None,
        sample_type: str | None = None,
    ):
        super().__init__(frames, shape, workers, rules.mask if rules is not None else None)
        self._loader = loader
        self._request = request
        self._progress = on_frame
        self._rules = rules
        self._sample_type = sample_type

    def without_progress(self) -> "DecodingStack":
        """The same stack without progress reporting and worker threads: what a dask worker receives."""
        return DecodingStack(self._frames, self._loader, self._request, self._shape, 1, None, self._rules, self._sample_type)

    def frame(self, index: int) -> Frame:
        record = self._frames[index]
        return self._read(record, record.path, record.cached)

    def partner(self, index: int) -> Frame | None:
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
            if self._sample_type is not None and str(frame.pixels.dtype) != self._sample_type:
                raise BadInput(path, f"decoded to {frame.pixels.dtype} samples on a second reading, not {self._sample_type} (did the file change during the run?)")
            if frame.exposure_time is None:  # the file holds none: the time selection resolved (a partner shares it)
                frame = attrs.evolve(frame, exposure_time=record.exposure_time)
            if self._rules is not None:
                frame = corrected(frame, self._rules)
        if frame.pixels.shape != self.shape:
            raise BadInput(path, f"decoded to {frame.pixels.shape} on a second reading, not {self.shape} (did the file change during the run?)")
        return frame

    def _on_frame(self, index: int, pass_number: int) -> None:
        if self._progress is not None:
            self._progress(index, pass_number)
