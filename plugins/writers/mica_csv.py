"""Writer ``mica``: micaToolbox's camera sensitivity CSV, for cone-catch models.

Row-wise: the first row is ``wavelength`` and the grid (``300,301,...``), then
one row per channel, each curve divided by its area (trapezoid rule over the
grid) so that it integrates to 1. micaToolbox asks for 1 nm bins (the default
``step``) and for measured sensitivities: a grid reaching outside the measured
range is refused. Name the file ``<Camera> <Lens> <start>-<end>.csv``, as
micaToolbox's own camera files are named.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from camchar.api import BadInput, CameraResponse, Option, Writer, hookimpl
from camchar.api.files import channel_names, grid_from_options, resample_response

__all__ = ["MicaCsvWriter"]


class MicaCsvWriter(Writer):
    """Write a response as micaToolbox's row-wise camera CSV, each channel normalised to unit area."""

    name = "mica"
    description = "micaToolbox camera CSV: a row per channel, each of unit area, measured range only (1 nm steps by default)"
    results = ("response",)
    options = (
        Option("start", float, None, "first wavelength, nm (default: the measured range's first, rounded up to a step)"),
        Option("end", float, None, "last wavelength, nm (default: the measured range's last, rounded down to a step)"),
        Option("step", float, 1.0, "the grid's step, nm (micaToolbox asks for 1)", minimum=0.01),
    )

    def check(self, path: Path) -> None:
        """Refuse an output that is not a ``.csv`` file."""
        if Path(path).suffix.lower() != ".csv":
            raise BadInput(path, f"writer '{self.name}' writes .csv files: give the output the suffix .csv")

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write the response ``result`` to ``path``."""
        resampled = resample_response(result, grid_from_options(self.config, result, path), path, "micaToolbox's camera file", measured_only=True)
        areas = np.trapezoid(resampled.mean, resampled.wavelength, axis=0)
        names = channel_names(result)
        for name, area in zip(names, areas):
            if not area > 0:
                raise BadInput(path, f"channel {name} has no positive area on {resampled.wavelength[0]:g}-{resampled.wavelength[-1]:g} nm; it cannot be normalised to unit area")
        rows = [["wavelength", *(_number(nm) for nm in resampled.wavelength)]]
        rows += [[name, *(repr(float(value)) for value in column)] for name, column in zip(names, (resampled.mean / areas).T)]
        path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")


def _number(value: float) -> str:
    """A wavelength as micaToolbox's files write it: ``300``, not ``300.0``; ``300.5`` as it is."""
    return f"{float(value):g}" if float(value).is_integer() else repr(float(value))


@hookimpl
def camchar_register_writers(register):
    """Register the ``mica`` writer."""
    register(MicaCsvWriter())
