"""A camera's spectral sensitivities from a table: the CSV file colour-science writes (``wavelength,R,G,B``).

``camchar simulate --sensitivities FILE`` photographs the sweep with a camera
whose channels have these curves. Only their shape matters: they are scaled
to a peak of 1 (the largest value of any channel), and ``--peak-rate`` sets
the electrons per second there. Between the table's rows the curves are
linear; outside its wavelengths the camera sees nothing.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import attrs
import numpy as np

from camchar.core.errors import BadInput
from camchar.core.numbers import plain_number

__all__ = ["TabulatedSensitivities", "read_sensitivities_csv", "CHANNEL_COLUMNS"]

#: The channel columns of a sensitivities file, in the camera's channel order.
CHANNEL_COLUMNS = ("R", "G", "B")
#: Wavelengths a sensitivities table may hold, nm.
WAVELENGTH_RANGE = (100.0, 20000.0)


@attrs.frozen(eq=False)
class TabulatedSensitivities:
    """Spectral sensitivities of the red, green and blue channels on a table of wavelengths.

    Parameters
    ----------
    wavelength
        ``(W,)`` strictly increasing wavelengths, nm.
    values
        ``(W, 3)`` sensitivities (any units; not negative, not all zero).
    path
        The file they came from.
    """

    wavelength: np.ndarray
    values: np.ndarray
    path: Path

    def relative(self, wavelength: float | np.ndarray) -> np.ndarray:
        """The curves at ``wavelength`` nm, scaled to a peak of 1: ``(3,)``, or ``(W, 3)`` for ``(W,)`` wavelengths; 0 outside the table."""
        scaled = self.values / self.values.max()
        columns = [np.interp(wavelength, self.wavelength, scaled[:, channel], left=0.0, right=0.0) for channel in range(scaled.shape[1])]
        return np.stack(columns, axis=-1)

    def covers(self, wavelength: float) -> bool:
        """Whether ``wavelength`` lies within the table's wavelengths."""
        return bool(self.wavelength[0] <= wavelength <= self.wavelength[-1])


def read_sensitivities_csv(path: str | Path) -> TabulatedSensitivities:
    """Read a ``wavelength,R,G,B`` CSV file, as colour-science's ``write_sds_to_csv_file`` writes it.

    Parameters
    ----------
    path
        The file: a header naming the columns ``wavelength``, ``R``, ``G`` and
        ``B`` (in any order, any case), then one row per wavelength.

    Returns
    -------
    TabulatedSensitivities

    Raises
    ------
    BadInput
        Naming the file (and the line) when it is missing or unreadable, its
        columns are not those four, a value is not a finite number, the
        wavelengths do not increase or lie outside 100 to 20000 nm, a
        sensitivity is negative, there are fewer than two rows, or every
        sensitivity is 0.
    """
    path = Path(path)
    rows = _rows(path)
    columns = _column_order(path, rows[0][1] if rows else [])
    body = rows[1:]
    if len(body) < 2:
        raise BadInput(path, f"holds {len(body)} row(s) of sensitivities; give at least two wavelengths")
    lines = [line for line, _ in body]
    table = np.array([_numbers(path, line, cells, len(columns)) for line, cells in body])
    wavelength, values = table[:, columns[0]], table[:, list(columns[1:])]
    _check_wavelengths(path, wavelength, lines)
    negative = np.argwhere(values < 0)
    if negative.size:
        row, channel = negative[0]
        raise BadInput(path, f"sensitivity {values[row, channel]:g} of channel {CHANNEL_COLUMNS[channel]} is negative; a camera's cannot be", lines[row])
    if not values.max() > 0:
        raise BadInput(path, "every sensitivity is 0: that camera sees nothing")
    return TabulatedSensitivities(wavelength=wavelength, values=values, path=path)


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """The file's non-blank rows, each with its line number."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise BadInput(path, "sensitivities file not found") from None
    except IsADirectoryError:
        raise BadInput(path, "is a folder, not a sensitivities CSV file") from None
    except UnicodeDecodeError:
        raise BadInput(path, "is not a text (UTF-8) CSV file") from None
    except (OSError, csv.Error) as exc:
        raise BadInput(path, f"cannot read the sensitivities ({getattr(exc, 'strerror', None) or exc})") from None


def _column_order(path: Path, header: list[str]) -> tuple[int, ...]:
    """The positions of ``wavelength``, R, G and B in the header."""
    names = [cell.strip().lower() for cell in header]
    wanted = ("wavelength", *(name.lower() for name in CHANNEL_COLUMNS))
    if sorted(names) != sorted(wanted):
        shown = ", ".join(cell.strip() for cell in header) or "nothing"
        raise BadInput(path, f"the columns must be wavelength, R, G, B (as colour-science writes them), got {shown}", 1)
    return tuple(names.index(name) for name in wanted)


def _numbers(path: Path, line: int, cells: list[str], expected: int) -> list[float]:
    if len(cells) != expected:
        raise BadInput(path, f"has {len(cells)} values, expected {expected} (wavelength, R, G, B)", line)
    try:
        values = [plain_number(cell) for cell in cells]
    except ValueError:
        raise BadInput(path, f"{', '.join(cell.strip() for cell in cells)} are not all numbers", line) from None
    if not all(math.isfinite(value) for value in values):
        raise BadInput(path, "holds a value that is not finite (nan or inf)", line)
    return values


def _check_wavelengths(path: Path, wavelength: np.ndarray, lines: list[int]) -> None:
    step = np.diff(wavelength)
    if (step <= 0).any():
        row = int(np.argmax(step <= 0)) + 1
        raise BadInput(path, f"wavelength {wavelength[row]:g} does not follow {wavelength[row - 1]:g}: the wavelengths must increase", lines[row])
    low, high = WAVELENGTH_RANGE
    if wavelength[0] < low or wavelength[-1] > high:
        raise BadInput(path, f"wavelengths {wavelength[0]:g} to {wavelength[-1]:g} nm reach outside {low:g} to {high:g} nm")
