"""A temporary on-disk copy of the selected frames, for loaders whose decoding is expensive.

Noise models stream the selected frames more than once. Re-reading a TIFF
costs next to nothing, but demosaicing a RAW file again costs as much as the
first time. For a loader that sets ``cache_decoded = True``, the pipeline
writes each selected frame's ROI pixels once to an uncompressed ``.npy`` file
in a temporary folder, and the stack maps those instead of decoding again.
Memory stays bounded (the files are memory-mapped), and the folder is removed
when the run ends, whatever happens; folders of processes killed outright
are removed by the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from camchar.core.errors import BadInput
from camchar.files.atomic import process_is_gone

__all__ = ["FrameCache"]


class FrameCache:
    """Uncompressed copies of frames in a temporary folder (``TMPDIR`` decides where).

    Use as a context manager; the folder and everything in it are removed on exit.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._count = 0
        self._lock = threading.Lock()

    def __enter__(self) -> "FrameCache":
        root = Path(tempfile.gettempdir())
        for stale in root.glob("camchar-frames-*-*"):
            pid = stale.name.split("-")[2]
            if pid.isdigit() and process_is_gone(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        self._folder = Path(tempfile.mkdtemp(prefix=f"camchar-frames-{os.getpid()}-"))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def store(self, pixels: np.ndarray) -> Path:
        """Write ``pixels`` to a new file in the cache and return its path.

        Raises
        ------
        BadInput
            When the temporary folder is full or not writable.
        """
        with self._lock:
            self._count += 1
            path = self._folder / f"{self._count:06}.npy"
        try:
            np.save(path, np.ascontiguousarray(pixels))
        except OSError as exc:
            raise BadInput(self._folder, f"cannot write the decoded-frame cache ({exc.strerror}); set TMPDIR to a folder with space") from None
        return path

    @staticmethod
    def load(path: Path) -> np.ndarray:
        """The frame stored at ``path``, memory-mapped read-only."""
        return np.load(path, mmap_mode="r")
