"""Writers ``csv``, ``json`` and ``xlsx``: the statistics in the formats of ``camchar export``.

``camchar stats settings.yml -o out.csv`` writes what ``camchar export out.h5 -o
out.csv`` would: the tidy table (one row per wavelength and channel, units in
the column names), the whole file as JSON, or an Excel workbook. Values are
written to the last digit (:func:`camchar.api.files.export_samples`).
"""

from __future__ import annotations

from pathlib import Path

from camchar.api import BadInput, CameraSamples, Writer, hookimpl
from camchar.api.files import export_samples, require

__all__ = ["CsvWriter", "JsonWriter", "XlsxWriter"]


class _ExportWriter(Writer):
    """Write the statistics as ``camchar export`` does for the writer's suffix."""

    def write(self, samples: CameraSamples, path: Path) -> None:
        """Write ``samples`` to ``path`` in the format of its suffix."""
        export_samples(samples, path)


class CsvWriter(_ExportWriter):
    name = "csv"
    description = "Tidy CSV: one row per wavelength and channel, units in the column names"
    suffixes = (".csv",)


class JsonWriter(_ExportWriter):
    name = "json"
    description = "JSON: every value with its units, and the provenance"
    suffixes = (".json",)


class XlsxWriter(_ExportWriter):
    name = "xlsx"
    description = "Excel workbook: the samples sheet and an index sheet (needs camchar[xlsx])"
    suffixes = (".xlsx",)

    def check(self, path: Path) -> None:
        """Fail before any image is read when openpyxl is not installed, naming the output."""
        try:
            require("openpyxl")
        except BadInput as missing:
            raise BadInput(path, missing.message) from None


@hookimpl
def camchar_register_writers(register):
    """Register the ``csv``, ``json`` and ``xlsx`` writers."""
    for writer in (CsvWriter(), JsonWriter(), XlsxWriter()):
        register(writer)
