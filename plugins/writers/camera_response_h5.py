"""Writer ``camera-response-h5``: the CameraResponse HDF5 layout of the original workflow (``docs/file-format.md``)."""

from __future__ import annotations

from pathlib import Path

from camchar.api import CameraResponse, Writer, hookimpl

__all__ = ["CameraResponseH5Writer"]


class CameraResponseH5Writer(Writer):
    """Write a fitted spectral response as the original workflow does, plus camchar's provenance group."""

    name = "camera-response-h5"
    description = "CameraResponse HDF5 file in the original workflow's layout"
    suffixes = (".h5", ".hdf5")
    results = ("response",)

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write the response ``result`` to a new HDF5 file at ``path``."""
        result.save(path)


@hookimpl
def camchar_register_writers(register):
    """Register the ``camera-response-h5`` writer."""
    register(CameraResponseH5Writer())
