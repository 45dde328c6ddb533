"""Writer ``dcamprof``: DCamProf's camera SSF JSON (``camera_name``, ``ssf_bands``, ``red_ssf``, ``green_ssf``, ``blue_ssf``).

``ssf_bands`` is written as the list of every wavelength, a form DCamProf's
reader takes for any grid (its other form, three numbers ``[first, last,
step]``, needs whole nanometres). The curves are scaled so that the largest
value is 1, as DCamProf scales them when reading. A grid reaching outside the
measured range is allowed (``start``/``end`` options) and stated in the extra
key ``comments``, which DCamProf ignores.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from camchar.api import BadInput, CameraResponse, Option, Writer, hookimpl
from camchar.api.files import grid_from_options, require_rgb, resample_response

__all__ = ["DcamprofWriter"]


class DcamprofWriter(Writer):
    """Write a response as DCamProf's SSF JSON file."""

    name = "dcamprof"
    description = "DCamProf's camera SSF JSON (ssf_bands, red_ssf, green_ssf, blue_ssf), for dcamprof make-target/make-profile"
    results = ("response",)
    options = (
        Option("start", float, None, "first wavelength, nm (default: the measured range's first, rounded up to a step)"),
        Option("end", float, None, "last wavelength, nm (default: the measured range's last, rounded down to a step)"),
        Option("step", float, 5.0, "the grid's step, nm", minimum=0.01),
        Option("camera_name", str, "", "camera_name (default: the response's camera)"),
    )

    def check(self, path: Path) -> None:
        """Refuse an output that is not a ``.json`` file."""
        if Path(path).suffix.lower() != ".json":
            raise BadInput(path, f"writer '{self.name}' writes .json files: give the output the suffix .json")

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write the response ``result`` to ``path`` as DCamProf SSF JSON."""
        require_rgb(result, path, "DCamProf's SSF file")
        resampled = resample_response(result, grid_from_options(self.config, result, path), path, "DCamProf's SSF file")
        peak = float(np.max(resampled.mean))
        if not peak > 0:
            raise BadInput(path, "the response is nowhere above 0 on the grid; DCamProf's SSF cannot be made from it")
        scaled = resampled.mean / peak
        document = {
            "camera_name": self.config["camera_name"] or result.camera or result.label or "camera",
            "ssf_bands": [int(nm) if float(nm).is_integer() else float(nm) for nm in resampled.wavelength],
            "red_ssf": scaled[:, 0].tolist(),
            "green_ssf": scaled[:, 1].tolist(),
            "blue_ssf": scaled[:, 2].tolist(),
        }
        if resampled.extrapolated:
            document["comments"] = resampled.extrapolation_note()
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


@hookimpl
def camchar_register_writers(register):
    """Register the ``dcamprof`` writer."""
    register(DcamprofWriter())
