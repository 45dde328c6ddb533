"""The references of a colour fit, on one grid: the illuminant, the training reflectances, the CMFs, and the training colours' true XYZ.

Everything is sampled on :data:`GRID`, rawtoaces' 380-780 nm every 5 nm
(colour-science's ``SPECTRAL_SHAPE_RAWTOACES``), as ``matrix_idt`` does.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from camchar.colour.library import colour_science
from camchar.core.errors import BadInput

__all__ = ["GRID", "ILLUMINANTS", "TRAINING_SETS", "References", "references", "illuminant_values", "training_values"]

#: The wavelengths of every spectrum of the fit, nm.
GRID = np.arange(380.0, 781.0, 5.0)
#: The illuminants ``--illuminant`` names (else it is a CSV file of wavelength, power).
ILLUMINANTS = ("D65", "A", "D50")
#: ``--training``: rawtoaces' 190 reflectances (``matrix_idt``'s default), or the 24 of the ColorChecker (ISO 17321-1).
TRAINING_SETS = ("rawtoaces", "colorchecker")
_CHECKER = "ISO 17321-1"
_OBSERVER = "CIE 1931 2 Degree Standard Observer"


@attrs.frozen(eq=False)
class References:
    """What a fit compares a camera with.

    Attributes
    ----------
    illuminant : str
        Its name, or the file it came from.
    training : str
        The training set's name.
    power : numpy.ndarray
        The illuminant's spectral power on :data:`GRID`, ``(G,)``.
    reflectances : numpy.ndarray
        The training colours' reflectances, ``(G, N)``.
    lab : numpy.ndarray
        Their CIE L*a*b* under the illuminant, adapted to the ACES white (CAT02), relative to it, ``(N, 3)``.
    """

    illuminant: str
    training: str
    power: np.ndarray
    reflectances: np.ndarray
    lab: np.ndarray


def illuminant_values(name: str) -> tuple[str, np.ndarray]:
    """The illuminant ``--illuminant`` names, on :data:`GRID`: ``D65``, ``A``, ``D50``, or a CSV file (wavelength, power).

    Raises
    ------
    BadInput
        For a file that is missing, unreadable, or does not cover the grid with finite, non-negative power.
    """
    colour = colour_science()
    if name in ILLUMINANTS:
        return name, _on_grid(colour.SDS_ILLUMINANTS[name])
    path = Path(name)
    if not path.is_file():
        raise BadInput(path, f"illuminant file not found; give {', '.join(ILLUMINANTS)} or a CSV file of wavelength (nm), power")
    return str(path), _illuminant_file(path)


def _illuminant_file(path: Path) -> np.ndarray:
    """A CSV of ``wavelength, power`` rows (a header line allowed) on :data:`GRID`, checked."""
    try:
        table = np.genfromtxt(path, delimiter=",", skip_header=_header_lines(path), dtype=np.float64, ndmin=2)
    except (ValueError, UnicodeDecodeError, OSError) as problem:
        raise BadInput(path, f"is not a CSV file of wavelength, power ({problem})") from None
    if table.ndim != 2 or table.shape[1] != 2 or table.shape[0] < 2 or not np.all(np.isfinite(table)):
        raise BadInput(path, "must hold rows of two numbers, wavelength (nm) and power, at least two of them, all finite")
    wavelength, power = table[:, 0], table[:, 1]
    if np.any(np.diff(wavelength) <= 0):
        raise BadInput(path, "the wavelengths must increase")
    if wavelength[0] > GRID[0] or wavelength[-1] < GRID[-1]:
        raise BadInput(path, f"covers {wavelength[0]:g} to {wavelength[-1]:g} nm; the colour fit needs {GRID[0]:g} to {GRID[-1]:g} nm")
    if np.any(power < 0) or not np.any(power > 0):
        raise BadInput(path, "an illuminant's power cannot be negative, and some of it must be above 0")
    return np.interp(GRID, wavelength, power)


def _header_lines(path: Path) -> int:
    """1 when the file's first line is not two numbers (a header), else 0."""
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
    try:
        [float(cell) for cell in first.split(",")]
    except ValueError:
        return 1
    return 0


def training_values(name: str) -> np.ndarray:
    """The reflectances of the training set ``name`` on :data:`GRID`, ``(G, N)``."""
    colour = colour_science()
    if name == "rawtoaces":
        from colour.characterisation import read_training_data_rawtoaces_v1

        return _on_grid(read_training_data_rawtoaces_v1())
    return np.stack([_on_grid(sd) for sd in colour.characterisation.SDS_COLOURCHECKERS[_CHECKER].values()], axis=1)


def cmfs_values() -> np.ndarray:
    """The CIE 1931 2° colour-matching functions on :data:`GRID`, ``(G, 3)``."""
    return _on_grid(colour_science().MSDS_CMFS[_OBSERVER])


def _on_grid(spectrum) -> np.ndarray:
    """A colour-science spectrum's values at :data:`GRID`: its own where it has every grid wavelength, else interpolated as colour-science does.

    Every built-in spectrum has them (colour-science's ``align`` would return
    the same values, at about a second for rawtoaces' 190 colours).
    """
    wavelengths = np.asarray(spectrum.wavelengths, dtype=np.float64)
    rows = np.searchsorted(wavelengths, GRID)
    if np.all(rows < wavelengths.size) and np.array_equal(wavelengths[np.minimum(rows, wavelengths.size - 1)], GRID):
        return np.asarray(spectrum.values, dtype=np.float64)[rows]
    colour = colour_science()
    shape = colour.SpectralShape(GRID[0], GRID[-1], GRID[1] - GRID[0])
    return np.asarray(spectrum.copy().align(shape).values, dtype=np.float64)


def references(illuminant: str, training: str) -> References:
    """The illuminant and training set by name, with the training colours' true L*a*b*, as ``matrix_idt`` computes them.

    The XYZ of each colour under the illuminant, normalised to Y = 1 for a perfect
    white, adapted to the ACES white by CAT02 (``training_data_sds_to_XYZ``).
    """
    if training not in TRAINING_SETS:
        raise BadInput(None, f"--training must be one of {', '.join(TRAINING_SETS)}, got {training!r}")
    named, power = illuminant_values(illuminant)
    reflectances = training_values(training)
    cmfs = cmfs_values()
    XYZ = (power[:, None] * reflectances).T @ cmfs / np.sum(cmfs[:, 1] * power)
    white = cmfs.T @ power
    return References(named, training, power, reflectances, aces_lab(_to_aces_white(XYZ, white / white[1])))


def _to_aces_white(XYZ: np.ndarray, white: np.ndarray) -> np.ndarray:
    """``XYZ`` seen under ``white``, adapted to the ACES white by CAT02."""
    colour = colour_science()
    aces = colour.models.RGB_COLOURSPACE_ACES2065_1
    adaptation = colour.adaptation.matrix_chromatic_adaptation_VonKries(white, colour.xy_to_XYZ(aces.whitepoint), "CAT02")
    return XYZ @ adaptation.T


def aces_lab(XYZ: np.ndarray) -> np.ndarray:
    """CIE L*a*b* of ``XYZ`` relative to the ACES white, ``(..., 3)``."""
    colour = colour_science()
    return colour.XYZ_to_Lab(XYZ, colour.models.RGB_COLOURSPACE_ACES2065_1.whitepoint)
