"""One spectrometer file: what a spectrometer reader (``camchar.api.SpectrometerReader``) returns.

The spectra step (``camchar spectra``) turns a folder of these, one per
nominal wavelength of the monochromator, into source spectra.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from camchar.core.errors import BadInput

__all__ = ["SpectrometerFile", "NameMatch", "ORIGINAL_PATTERN", "match_name", "pattern_problem", "check_spectrometer_file"]

#: The original ``monochromator.py``'s file-name pattern, matched at the start of the name: nominal
#: wavelength, then the neutral-density filter as a negative optical density (``500 ND-2.5.txt``).
ORIGINAL_PATTERN = r"([\d\.]+) ND(-[\d\.]+).txt"

#: A repeated measurement as file managers name copies: `` (2)`` before the suffix (``500 ND-2 (2).txt``).
_REPEAT = re.compile(r" \((\d+)\)(?=\.[^.]*$)")


def _frozen_array(value: Any) -> np.ndarray:
    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)
    return array


@attrs.frozen
class NameMatch:
    """What a file's name says: the nominal wavelength, the optical density as written, and the repeat number.

    Parameters
    ----------
    nominal_wavelength
        The wavelength the monochromator was set to (nm).
    optical_density
        The neutral-density filter as written in the name: negative (``ND-2`` is -2.0), or 0 without a filter.
    repeat
        1 for the first measurement; 2 for ``500 ND-2 (2).txt`` and so on.
    """

    nominal_wavelength: float
    optical_density: float
    repeat: int = 1


def match_name(pattern: str, name: str) -> NameMatch | None:
    """The nominal wavelength and optical density in a file's ``name``, by ``pattern``; ``None`` if it does not match.

    ``pattern`` is matched at the start of the name (``re.match``, as the
    original did); its first group is the nominal wavelength, its second,
    if any, the optical density; or, when it names them, the groups
    ``wavelength`` and ``density`` (:func:`pattern_problem` says which patterns qualify). A name that matches only without a repeat
    marker `` (N)`` before its suffix is the N-th repeat of that measurement.

    Parameters
    ----------
    pattern
        A regular expression with one or two groups.
    name
        The file's name (no folder).

    Raises
    ------
    ValueError
        When the name matches but its groups are not numbers (``1.2.3 ND-2.txt``).
    """
    marker = _REPEAT.search(name)
    found = re.match(pattern, _REPEAT.sub("", name)) if marker is not None else None
    repeat = int(marker.group(1)) if found is not None and marker is not None else 1
    if found is None:
        found = re.match(pattern, name)
    if found is None or not found.groups():
        return None
    if "wavelength" in found.re.groupindex:
        numbers = [found.group("wavelength"), found.groupdict().get("density") or "0"]
    else:
        numbers = [found.group(1), found.group(2) if len(found.groups()) > 1 and found.group(2) is not None else "0"]
    try:
        wavelength, density = (float(number) for number in numbers)
    except ValueError:
        raise ValueError(f"the name matches the file-name pattern, but {' and '.join(map(repr, numbers))} are not both numbers") from None
    return NameMatch(wavelength, density, repeat)


def pattern_problem(pattern: str) -> str | None:
    r"""Why ``pattern`` cannot be a file-name pattern (``... is not a regular expression (...)``), or ``None``.

    A pattern has one or two groups, the nominal wavelength and then the
    optical density, or names them ``(?P<wavelength>...)`` and, if any,
    ``(?P<density>...)``, in any order and beside other groups. Other
    unnamed groups would be taken for one of the two: ``(\d)(\d)(\d)``
    would read ``310 ND-2.txt`` as 3 nm through ND 1.
    """
    try:
        compiled = re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as problem:
        return f"is not a regular expression ({problem})"
    names = compiled.groupindex
    if "wavelength" in names:
        return None
    if "density" in names:
        return "has a group named density but none named wavelength: name both, (?P<wavelength>...) and (?P<density>...)"
    if compiled.groups in (1, 2):
        return None
    count = "no groups" if compiled.groups == 0 else f"{compiled.groups} groups"
    return (
        f"has {count}; it needs one or two, (the nominal wavelength) and (the optical density), or groups named "
        "(?P<wavelength>...) and (?P<density>...); write any other group as (?:...)"
    )


@attrs.frozen(eq=False)
class SpectrometerFile:
    """One measured spectrum as the spectrometer wrote it, with what its name says.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    wavelength : numpy.ndarray
        The wavelength of each spectrometer pixel (nm), ``(K,)``, strictly increasing.
    values : numpy.ndarray
        The value of each pixel as written (spectral irradiance, ``units``), ``(K,)``: before dark correction.
    nominal_wavelength : float
        The monochromator's setting (from the name).
    optical_density : float
        The neutral-density filter, as written in the name (negative; 0 without one).
    dark_pixels : tuple of int
        ``(start, stop)``: the pixels ``start`` to ``stop - 1`` are optically masked and measure no light;
        ``(0, 0)`` when the file has none.
    spectrometer : str
        Model and serial number.
    date : str
        When the spectrum was measured, as written.
    scans : int
        The number of scans the file's values average (``n``).
    integration_time : float or None
        Seconds per scan.
    electric_dark : bool or None
        Whether the spectrometer's electric dark correction was on.
    nonlinearity : bool or None
        Whether its nonlinearity correction was on.
    boxcar : int or None
        Its boxcar smoothing width (pixels).
    units : str
        Units of ``values``.
    repeat : int
        1, or N for the N-th repeat of a measurement (``500 ND-2 (2).txt``).
    metadata : dict
        Every other header field.
    """

    path: Path = attrs.field(converter=Path)
    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    values: np.ndarray = attrs.field(converter=_frozen_array)
    nominal_wavelength: float = attrs.field(converter=float)
    optical_density: float = attrs.field(converter=float)
    dark_pixels: tuple[int, int] = (0, 190)
    spectrometer: str = ""
    date: str = ""
    scans: int = 1
    integration_time: float | None = None
    electric_dark: bool | None = None
    nonlinearity: bool | None = None
    boxcar: int | None = None
    units: str = "uW/cm2/nm"
    repeat: int = 1
    metadata: dict = attrs.field(factory=dict)


def check_spectrometer_file(spectrum: SpectrometerFile) -> None:
    """Check that ``spectrum`` can enter the spectra step; the problem names its file.

    Parameters
    ----------
    spectrum
        What a spectrometer reader read.

    Raises
    ------
    BadInput
        When the wavelengths and values are not two lists of one length, hold NaN or infinite values, the
        wavelengths do not increase strictly, the dark pixels are not inside the spectrum, fewer than 3 pixels
        are left after them, the number of scans is not a positive integer, or the nominal wavelength or optical density is not a finite number.
    """

    def fail(problem: str) -> None:
        raise BadInput(spectrum.path, problem)

    wavelength, values = spectrum.wavelength, spectrum.values
    if wavelength.ndim != 1 or values.shape != wavelength.shape:
        fail(f"wavelength and values must be two lists of one length, got shapes {wavelength.shape} and {values.shape}")
    for name, array in (("wavelengths", wavelength), ("values", values)):
        bad = ~np.isfinite(array)
        if bad.any():
            fail(f"its {name} hold {int(bad.sum())} NaN or infinite value(s), the first at pixel {int(np.argmax(bad))}")
    start, stop = spectrum.dark_pixels
    if not 0 <= start <= stop <= wavelength.size:
        fail(f"dark pixels {start} to {stop} are not inside its {wavelength.size} pixels")
    if wavelength.size - stop < 3:
        fail(f"{wavelength.size} pixels, of which {stop} are dark: fewer than 3 measure light")
    steps = np.diff(wavelength)
    if (steps <= 0).any():
        k = int(np.argmax(steps <= 0))
        fail(f"pixel wavelengths must increase strictly; they go from {wavelength[k]:g} to {wavelength[k + 1]:g} nm at pixel {k + 1}")
    if not isinstance(spectrum.scans, int) or not 1 <= spectrum.scans < 2**31:
        fail(f"scans to average {spectrum.scans!r} is not a whole number from 1 to 2**31 - 1")
    for name, number in (("nominal wavelength", spectrum.nominal_wavelength), ("optical density", spectrum.optical_density)):
        if not np.isfinite(number):
            fail(f"its {name} {number} is not a finite number")
