"""Spectrometer reader ``csv-spectrum``: a plain two-column CSV file, wavelength (nm) and spectral irradiance per pixel.

::

    wavelength,irradiance          (optional: a first line that is not two numbers is the columns' names)
    # a comment                    (lines starting with # are skipped anywhere)
    179.217,1145.224125
    ...

The values are taken as already in uW/cm2/nm. A CSV has no header fields:
the output's ``spectrometer`` and ``date`` are empty and ``n`` is 1. It has
no dark pixels by default (``dark_stop`` 0): exports usually hold a
spectrum already corrected, and subtracting the mean of 190 lit pixels
would be wrong; set ``dark_stop`` when the file holds the masked pixels.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from camchar.api import BadInput, SpectrometerFile, SpectrometerReader, check_spectrometer_file, hookimpl, shorten
from camchar.api.files import plain_number

__all__ = ["CsvSpectrumReader"]

#: ``500 ND-2.csv`` or ``500.csv`` (no filter).
CSV_PATTERN = r"([\d\.]+)(?: ND(-[\d\.]+))?\.csv"


class CsvSpectrumReader(SpectrometerReader):
    """Read a CSV file of two columns: wavelength (nm), spectral irradiance (uW/cm2/nm)."""

    name = "csv-spectrum"
    description = "plain CSV, two columns: wavelength (nm), spectral irradiance (uW/cm2/nm); no dark pixels by default"
    suffixes = (".csv",)
    options = SpectrometerReader.standard_options(dark_stop=0, pattern=CSV_PATTERN)

    def read(self, path: Path) -> SpectrometerFile:
        """Read ``path``; its nominal wavelength and density come from its name.

        Raises
        ------
        BadInput
            When the file cannot be read, or a row (after the optional names' row) is not two numbers.
        """
        path = Path(path)
        named, text = self.measurement(path)
        pairs = _rows(path, text)
        spectrum = SpectrometerFile(
            path=path,
            wavelength=pairs[:, 0],
            values=pairs[:, 1],
            nominal_wavelength=named.nominal_wavelength,
            optical_density=named.optical_density,
            dark_pixels=self.dark_pixels(),
            scans=1,
            repeat=named.repeat,
        )
        check_spectrometer_file(spectrum)
        return spectrum


def _rows(path: Path, text: str) -> np.ndarray:
    """The ``(pixels, 2)`` numbers; a first row that is not numbers is the columns' names."""
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        try:
            if len(row) != 2:
                raise ValueError
            rows.append((plain_number(row[0]), plain_number(row[1])))
        except ValueError:
            if not rows and number == _first_line(text):
                continue  # the columns' names
            raise BadInput(path, f"{shorten(','.join(row), 60)!r} is not two numbers (wavelength, irradiance)", number) from None
    if not rows:
        raise BadInput(path, "no rows of numbers (wavelength, irradiance)")
    return np.array(rows, dtype=np.float64)


def _first_line(text: str) -> int:
    """The number of the first line that is neither blank nor a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return 0


@hookimpl
def camchar_register_spectrometer_readers(register):
    """Register the ``csv-spectrum`` spectrometer reader."""
    register(CsvSpectrumReader())
