"""Writer ``camera-samples-h5``: the original CameraSamples HDF5 layout (``docs/file-format.md``)."""

from __future__ import annotations

from pathlib import Path

from camchar.api import CameraSamples, Writer, hookimpl
from camchar.api.files import write_samples_h5

__all__ = ["CameraSamplesH5Writer"]


class CameraSamplesH5Writer(Writer):
    """Write the statistics as the original ``image_stats`` does, plus camchar's provenance group."""

    name = "camera-samples-h5"
    description = "CameraSamples HDF5 file in the original image_stats layout"
    suffixes = (".h5", ".hdf5")

    def write(self, samples: CameraSamples, path: Path) -> None:
        """Write ``samples`` to a new HDF5 file at ``path`` (with the ``/emva1288`` group when it has parameters)."""
        write_samples_h5(path, samples.fields(), samples.provenance, samples.emva1288)


@hookimpl
def camchar_register_writers(register):
    """Register the ``camera-samples-h5`` writer."""
    register(CameraSamplesH5Writer())
