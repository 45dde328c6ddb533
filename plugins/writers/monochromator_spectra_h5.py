"""Writer ``monochromator-spectra-h5``: the MonochromatorSpectra HDF5 layout of the original ``monochromator.py``."""

from __future__ import annotations

from pathlib import Path

from camchar.api import MonochromatorSpectra, Writer, hookimpl

__all__ = ["MonochromatorSpectraH5Writer"]


class MonochromatorSpectraH5Writer(Writer):
    """Write source spectra as the original workflow does (``raw/`` included), plus camchar's provenance group."""

    name = "monochromator-spectra-h5"
    description = "MonochromatorSpectra HDF5 file in the original workflow's layout"
    suffixes = (".h5", ".hdf5")
    results = ("spectra",)

    def write(self, result: MonochromatorSpectra, path: Path) -> None:
        """Write the spectra ``result`` to a new HDF5 file at ``path``."""
        result.save(path)


@hookimpl
def camchar_register_writers(register):
    """Register the ``monochromator-spectra-h5`` writer."""
    register(MonochromatorSpectraH5Writer())
