"""Write an HDF5 file so that a full disk is one clean ``OSError``, never a crash of the HDF5 library.

When the disk fills while the HDF5 library writes a file, its error handling
can leave the library's state broken (``Exception ignored`` messages, then a
segmentation fault at exit). camchar's files are small (kilobytes), so the
file is built in memory and written out with plain file I/O, flushed and
synced: a full disk, a quota or a read-only file system then surfaces as an
``OSError`` with its ``errno``, which :func:`camchar.files.atomic.atomic_output`
reports as one line naming the output.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Callable

import h5py

__all__ = ["write_hdf5", "write_durably"]


def write_hdf5(path: str | Path, fill: Callable[[h5py.File], None]) -> None:
    """Create the HDF5 file ``path`` with the contents ``fill`` puts into an open, empty file.

    Parameters
    ----------
    path
        The file to create (replaced if it exists).
    fill
        Called with the open ``h5py.File`` (in memory) to create groups,
        datasets and attributes.
    """
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        fill(f)
    write_durably(path, buffer.getvalue())


def write_durably(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and make sure it reached the disk (flush and fsync)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
