"""Writer ``rawtoaces``: the camera JSON of rawtoaces-data (schema 1.0.0), which rawtoaces reads to build an IDT.

rawtoaces reads spectral data on 380-780 nm every 5 nm and nothing else, so
the response is resampled there (linear interpolation, :mod:`camchar.api.files`)
and scaled so that its largest value is 1 (``units: relative``); the scale and
any part of the grid outside the measured range are stated in ``comments``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import numpy as np

from camchar.api import BadInput, CameraResponse, Option, Writer, hookimpl
from camchar.api.files import regular_grid, require_rgb, resample_response

__all__ = ["RawtoacesWriter"]

#: The schema of rawtoaces-data the file follows.
SCHEMA_VERSION = "1.0.0"
#: The only grid rawtoaces reads, nm.
RAWTOACES_GRID = (380.0, 780.0, 5.0)


class RawtoacesWriter(Writer):
    """Write a response as a rawtoaces-data camera file (``header`` and ``spectral_data``)."""

    name = "rawtoaces"
    description = "rawtoaces-data camera JSON (schema 1.0.0), 380-780 nm every 5 nm, for rawtoaces' IDT"
    results = ("response",)
    options = (
        Option("manufacturer", str, "", "the camera's manufacturer (default: the first word of the response's camera)"),
        Option("model", str, "", "the camera's model (default: the rest of the response's camera)"),
        Option("document_creator", str, "camchar", "who made the document (header document_creator)"),
        Option("license", str, "unspecified", "the usage licence of the data, e.g. CC-BY-4.0 (header license)"),
        Option("description", str, "camera spectral sensitivity data", "header description"),
    )

    def check(self, path: Path) -> None:
        """Refuse an output that is not a ``.json`` file."""
        _check_json_suffix(self.name, path)

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write the response ``result`` to ``path`` as rawtoaces-data JSON."""
        require_rgb(result, path, "rawtoaces' camera file")
        resampled = resample_response(result, regular_grid(*RAWTOACES_GRID, path), path, "rawtoaces' camera file")
        peak = float(np.max(resampled.mean))
        if not peak > 0:
            raise BadInput(path, "the response is nowhere above 0 on 380-780 nm; rawtoaces' relative data cannot be made from it")
        document = {"header": self._header(result, peak, resampled.extrapolation_note()), "spectral_data": _spectral_data(resampled.wavelength, resampled.mean / peak)}
        path.write_text(json.dumps(document, indent=4, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")

    def _header(self, response: CameraResponse, peak: float, note: str) -> dict[str, Any]:
        """The header: the options, the camera's names, the creation time and what camchar did to the data."""
        manufacturer, _, model = (response.camera or "").strip().partition(" ")
        comments = [
            f"made by camchar from the response '{response.label or response.camera or ''}' ({response.method or 'unknown'} fit)",
            f"linearly interpolated from the response's grid; divided by its largest value {peak!r} {response.units or ''}".rstrip(),
        ]
        if note:
            comments.append(note)
        return {
            "schema_version": SCHEMA_VERSION,
            "manufacturer": self.config["manufacturer"] or manufacturer or None,
            "model": self.config["model"] or model or None,
            "description": self.config["description"],
            "document_creator": self.config["document_creator"],
            "document_creation_date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "comments": "; ".join(comments),
            "license": self.config["license"],
        }


def _spectral_data(wavelength: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    """``spectral_data``: R, G, B keyed by wavelength as rawtoaces-data writes it ("380", "385", ...)."""
    return {
        "units": "relative",
        "index": {"main": ["R", "G", "B"]},
        "data": {"main": {f"{float(nm):g}": [float(value) for value in row] for nm, row in zip(wavelength, values)}},
    }


def _check_json_suffix(name: str, path: Path) -> None:
    """Refuse a ``path`` that does not end in ``.json``."""
    if Path(path).suffix.lower() != ".json":
        raise BadInput(path, f"writer '{name}' writes .json files: give the output the suffix .json")


@hookimpl
def camchar_register_writers(register):
    """Register the ``rawtoaces`` writer."""
    register(RawtoacesWriter())
