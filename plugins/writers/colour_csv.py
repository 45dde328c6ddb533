"""Writer ``colour``: the CSV that colour-science's ``colour.read_sds_from_csv_file`` reads (``wavelength,R,G,B``).

The response on its own grid, every value to its last digit (``repr``),
negative values kept. The CSV has no room for metadata, so a grid reaching
outside the measured range (the original's and camchar's responses span
250-850 nm for a 300-800 nm sweep) is a warning naming that range.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

from camchar.api import BadInput, CamcharWarning, CameraResponse, Writer, hookimpl
from camchar.api.files import require_rgb, resample_response

__all__ = ["ColourCsvWriter"]


class ColourCsvWriter(Writer):
    """Write a response as the CSV colour-science reads into spectral distributions R, G and B."""

    name = "colour"
    description = "CSV for colour.read_sds_from_csv_file: wavelength,R,G,B on the response's grid, to the last digit"
    results = ("response",)

    def check(self, path: Path) -> None:
        """Refuse an output that is not a ``.csv`` file."""
        if Path(path).suffix.lower() != ".csv":
            raise BadInput(path, f"writer '{self.name}' writes .csv files: give the output the suffix .csv")

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write the response ``result`` to ``path``."""
        require_rgb(result, path, "the colour CSV")
        if result.wl is None:
            raise BadInput(path, "the response has no wavelengths to write")
        native = resample_response(result, result.wl, path, "the colour CSV")
        if native.extrapolated:
            warnings.warn(CamcharWarning(f"colour CSV of '{result.label or result.camera}': {native.extrapolation_note()} (a CSV has no room to say so)"), stacklevel=2)
        buffer = io.StringIO()
        table = csv.writer(buffer, lineterminator="\n")
        table.writerow(["wavelength", "R", "G", "B"])
        for nm, row in zip(native.wavelength, native.mean):
            table.writerow([repr(float(nm)), *(repr(float(value)) for value in row)])
        path.write_text(buffer.getvalue(), encoding="utf-8")


@hookimpl
def camchar_register_writers(register):
    """Register the ``colour`` writer."""
    register(ColourCsvWriter())
