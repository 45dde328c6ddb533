"""The colour file of ``camchar colour``, written and read.

Layout::

    /colour                 group; attrs illuminant (str: D65, A, D50 or the file),
                            training (str: rawtoaces, colorchecker), draws (int64:
                            bootstrap draws behind the std; 0: none), method (str)
    /colour/idt_matrix      (3, 3) float64: white-balanced camera RGB to ACES2065-1
    /colour/idt_matrix_std  (3, 3) float64: its std over the response's draws (NaN: unknown, no draws)
    /colour/xyz_matrix      (3, 3) float64: white-balanced camera RGB to CIE XYZ (ACES white)
    /colour/xyz_matrix_std  (3, 3) float64
    /colour/white_balance   (3,)   float64: matrix_idt's factors (the smallest 1)
    /colour/delta_e         (N,)   float64: ΔE2000 of each training colour; attrs mean, max,
                                   mean_std, max_std (float64: their std over the draws)
    /colour/delta_e_std     (N,)   float64: each colour's ΔE2000 std over the draws
    /camchar                group of provenance: attrs version, inputs, software,
                            options (JSON text), seconds; dataset warnings (str), when any
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import h5py
import numpy as np

from camchar.core.errors import BadInput
from camchar.files.hdf5_output import write_hdf5
from camchar.files.hdf5_values import (
    ALL_FINITE,
    PROVENANCE_GROUP,
    TEXTS,
    Extent,
    dataset_or_none,
    decode_json_attributes,
    json_text,
    open_hdf5,
    read_attribute,
    read_attributes,
    read_datasets,
    read_numbers,
    texts,
)

__all__ = ["COLOUR_GROUP", "MATRICES", "write_colour_h5", "read_colour_h5", "is_colour_file"]

COLOUR_GROUP = "colour"
#: The matrices of the group, each with its ``_std``.
MATRICES = ("idt_matrix", "xyz_matrix")
_VECTORS = ("white_balance", "delta_e", "delta_e_std")
_TEXT_ATTRIBUTES = ("illuminant", "training", "method")
_NUMBER_ATTRIBUTES = {"mean", "max", "mean_std", "max_std"}
_EXTENTS = {
    **{name: Extent(("rows", "channels")) for name in MATRICES},
    **{f"{name}_std": Extent(("rows", "channels")) for name in MATRICES},
    "white_balance": Extent(("channels",)),
    "delta_e": Extent(("colours",)),
    "delta_e_std": Extent(("colours",)),
}


def write_colour_h5(path: str | Path, colour: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    """Write a colour file: the ``/colour`` group's ``colour`` (the datasets above by name, and its attributes) and ``provenance``."""
    write_hdf5(path, lambda f: _fill(f, colour, provenance))


def _fill(f: h5py.File, colour: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    group = f.create_group(COLOUR_GROUP)
    for name in _EXTENTS:
        group.create_dataset(name, data=np.asarray(colour[name], dtype=np.float64))
    for name in _TEXT_ATTRIBUTES:
        group.attrs[name] = str(colour[name])
    group.attrs["draws"] = np.int64(colour["draws"])
    for name in sorted(_NUMBER_ATTRIBUTES):
        group["delta_e"].attrs[name] = np.float64(colour[f"delta_e_{name}"])
    record = f.create_group(PROVENANCE_GROUP)
    for key, value in provenance.items():
        if key == "warnings":
            if value:
                record.create_dataset("warnings", data=[str(text) for text in value], dtype=h5py.string_dtype())
        elif isinstance(value, (dict, list, tuple)):
            record.attrs[key] = json_text(value)
        elif value is not None:
            record.attrs[key] = value


def is_colour_file(path: str | Path) -> bool:
    """Whether ``path`` is an HDF5 file with a ``/colour`` group (``False`` for anything else, never an error)."""
    try:
        with h5py.File(path, "r") as f:
            return isinstance(f.get(COLOUR_GROUP), h5py.Group)
    except (OSError, ValueError):
        return False


def read_colour_h5(path: str | Path) -> dict[str, Any]:
    """The colour file's contents, checked: the datasets and attributes by name, ``provenance`` (its warnings as a list).

    Raises
    ------
    BadInput
        When the file is not a colour file, or an item has another type or shape than the layout's.
    """
    with open_hdf5(path) as f:
        group = f.get(COLOUR_GROUP)
        if not isinstance(group, h5py.Group):
            raise BadInput(path, "not a colour file (no /colour group, which camchar colour writes)")
        contents: dict[str, Any] = {}
        for name, extent in _EXTENTS.items():
            item = dataset_or_none(group, name)
            if item is None:
                raise BadInput(path, f"/colour/{name} is missing")
            contents[name] = read_numbers(item, extent, None if name.endswith("_std") else ALL_FINITE)
        for name in _TEXT_ATTRIBUTES:
            contents[name] = str(read_attribute(group, name)) if name in group.attrs else ""
        contents["draws"] = int(read_attribute(group, "draws", number=True)) if "draws" in group.attrs else 0
        for name in _NUMBER_ATTRIBUTES:
            attributes = group["delta_e"].attrs
            contents[f"delta_e_{name}"] = float(read_attribute(group["delta_e"], name, number=True)) if name in attributes else float("nan")
        record = f.get(PROVENANCE_GROUP)
        record = record if isinstance(record, h5py.Group) else None
        provenance = decode_json_attributes(read_attributes(record))
        recorded = read_datasets(record, {"warnings": (TEXTS, Extent(("warnings",)))}, (None, Extent(("values",), required=0)))
        provenance["warnings"] = texts(recorded["warnings"]) if "warnings" in recorded else []
    contents["provenance"] = provenance
    return contents
