"""Spectrometer reader ``oceanview``: Ocean Optics OceanView's text export, as the original ``monochromator.py`` read it.

::

    Data from 500 ND-3.txt Node            (lines without a colon are skipped)
    Date: Wed Mar 03 15:11:24 AEST 2021    (key: value, split at the first colon)
    Spectrometer: USB4E02642
    Integration Time (sec): 1.000000E-1
    Scans to average: 10
    Electric dark correction enabled: false
    Nonlinearity correction enabled: false
    Boxcar width: 0
    >>>>>Begin Spectral Data<<<<<
    179.217	1145.224125                    (pixel wavelength in nm, spectral irradiance in uW/cm2/nm)
    ...

``\\n`` and ``\\r\\n`` line endings read the same.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

from camchar.api import BadInput, SpectrometerFile, SpectrometerReader, check_spectrometer_file, hookimpl, shorten
from camchar.api.files import plain_number

__all__ = ["OceanViewReader"]

BEGIN = ">>>>>Begin Spectral Data<<<<<"
END = ">>>>>End Spectral Data<<<<<"


class OceanViewReader(SpectrometerReader):
    """Read an OceanView text file: its header fields and its two columns (wavelength, irradiance)."""

    name = "oceanview"
    description = "Ocean Optics OceanView text export (header, then wavelength and irradiance per pixel)"
    suffixes = (".txt",)
    precedence = 10
    options = SpectrometerReader.standard_options()

    def read(self, path: Path) -> SpectrometerFile:
        """Read ``path``; its nominal wavelength and density come from its name.

        Raises
        ------
        BadInput
            When the file cannot be read, has no spectral data line, lacks a header field the output needs
            (``Spectrometer``, ``Date``, ``Scans to average``), or holds a value that is not a number.
        """
        path = Path(path)
        named, text = self.measurement(path)
        header, marker, data = text.partition(BEGIN)
        if not marker:
            raise BadInput(path, f"no '{BEGIN}' line: not an OceanView text export")
        fields = _header(header)
        first_line = header.count("\n") + 1
        wavelength, values = _columns(path, data.partition(END)[0], first_line)
        _check_pixel_count(path, fields, wavelength.size)
        spectrum = SpectrometerFile(
            path=path,
            wavelength=wavelength,
            values=values,
            nominal_wavelength=named.nominal_wavelength,
            optical_density=named.optical_density,
            dark_pixels=self.dark_pixels(),
            spectrometer=_required(path, fields, "Spectrometer"),
            date=_required(path, fields, "Date"),
            scans=_number(path, fields, "Scans to average", int, required=True),
            integration_time=_number(path, fields, "Integration Time (sec)", float),
            electric_dark=_flag(path, fields, "Electric dark correction enabled"),
            nonlinearity=_flag(path, fields, "Nonlinearity correction enabled"),
            boxcar=_number(path, fields, "Boxcar width", int),
            repeat=named.repeat,
            metadata=fields,
        )
        check_spectrometer_file(spectrum)
        return spectrum


def _header(text: str) -> dict[str, str]:
    """``key: value`` lines, split at the first colon, the value stripped; lines without a colon skipped."""
    fields = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    return fields


def _columns(path: Path, data: str, first_line: int) -> tuple[np.ndarray, np.ndarray]:
    """The two whitespace-separated numeric columns after the marker line (``first_line``: the marker's line number)."""
    body = data.partition("\n")[2]  # the rest of the marker's line is not data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy warns about an empty input: refused below
            pairs = np.loadtxt(io.StringIO(body), dtype=np.float64, comments=None, ndmin=2)
    except ValueError:
        pairs = None
    if pairs is None or (pairs.size and pairs.shape[1] != 2):
        for number, line in enumerate(body.splitlines(), start=first_line + 1):
            parts = line.split()
            if parts and (len(parts) != 2 or not all(_is_number(part) for part in parts)):
                raise BadInput(path, f"{shorten(' '.join(parts), 60)!r} is not two numbers (wavelength, irradiance)", number)
        raise BadInput(path, "the spectral data is not two columns of numbers")
    if pairs.size == 0:
        raise BadInput(path, "no spectral data after the marker line")
    return pairs[:, 0].copy(), pairs[:, 1].copy()


#: The header field that declares the rows of spectral data.
PIXELS = "Number of Pixels in Spectrum"


def _check_pixel_count(path: Path, fields: dict[str, str], rows: int) -> None:
    """Refuse a file with fewer or more pixel rows than its header declares: a truncated (or spliced) file."""
    declared = fields.get(PIXELS)
    if declared is None:
        return
    try:
        count = int(declared)
    except ValueError:
        raise BadInput(path, f"'{PIXELS}' is {shorten(declared, 40)!r}, not an integer") from None
    if count != rows:
        hint = "truncated?" if rows < count else "two files joined?"
        raise BadInput(path, f"has {rows} pixel rows, and its header says {count} ({PIXELS}): {hint}")


def _is_number(text: str) -> bool:
    try:
        plain_number(text)
    except ValueError:
        return False
    return True


def _required(path: Path, fields: dict[str, str], key: str) -> str:
    if key not in fields:
        raise BadInput(path, f"no '{key}:' line in the header, which the output records")
    return fields[key]


def _number(path: Path, fields: dict[str, str], key: str, kind: type, required: bool = False):
    if key not in fields:
        if required:
            raise BadInput(path, f"no '{key}:' line in the header, which the output records")
        return None
    try:
        return kind(fields[key])
    except ValueError:
        words = "an integer" if kind is int else "a number"
        raise BadInput(path, f"'{key}' is {shorten(fields[key], 40)!r}, not {words}") from None


def _flag(path: Path, fields: dict[str, str], key: str) -> bool | None:
    value = fields.get(key)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise BadInput(path, f"'{key}' is {shorten(value, 40)!r}, not true or false")
    return value.lower() == "true"


@hookimpl
def camchar_register_spectrometer_readers(register):
    """Register the ``oceanview`` spectrometer reader."""
    register(OceanViewReader())
