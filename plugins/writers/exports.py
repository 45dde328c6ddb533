"""Writers ``csv``, ``json`` and ``xlsx``: a result in the formats of ``camchar export``.

``camchar stats settings.yml -o out.csv`` writes what ``camchar export out.h5 -o
out.csv`` would, and ``camchar response ... -o r.csv`` likewise for the response:
the tidy table (one row per wavelength and channel, units in the column names),
the whole file as JSON, or an Excel workbook. Values are written to the last
digit (:mod:`camchar.api.files`). They also combine several result files
into one output (``camchar export a.h5 b.h5 -o both.xlsx``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from camchar.api import BadInput, CameraResponse, CameraSamples, Writer, hookimpl
from camchar.api.files import export, export_response, export_samples, require

__all__ = ["CsvWriter", "JsonWriter", "XlsxWriter"]


class _ExportWriter(Writer):
    """Write a result as ``camchar export`` does for the writer's suffix."""

    results = ("samples", "response")
    combines = True

    def write(self, result: CameraSamples | CameraResponse, path: Path) -> None:
        """Write the samples or the response ``result`` to ``path`` in the format of its suffix."""
        if isinstance(result, CameraResponse):
            export_response(result, path)
        else:
            export_samples(result, path)

    def write_files(self, paths: Sequence[Path], path: Path) -> None:
        """Write the results in ``paths`` into one output in the format of its suffix (a sheet or rows per file)."""
        export(paths, path)


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
