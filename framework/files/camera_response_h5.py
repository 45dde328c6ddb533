"""The CameraResponse HDF5 layout of the original workflow, read and written.

Layout (names, types and attributes as the original writes them)::

    /                             attrs camera, lens, settings, label (str)
    /wavelength                   (W,)   float64, dimension scale, attrs units
    /response_mean                (W, C) float64, attrs units (str), scale (float64),
                                         n (int64), R2 (float64), alpha (float64),
                                         method (str); dims wavelength (scale
                                         attached), channel (label only)
    /response_std                 (W, C) as response_mean, attrs units, scale, n
    /samples/nominal_wavelength   (M,)   float64, dimension scale, attrs units
    /samples/mean, /samples/std   (M, C) float64, attrs units, n (int32: pixels);
                                         dims nominal_wavelength, channel
    /samples/estimate_mean,       (M, C) float64, attrs units, n (int64: draws);
    /samples/estimate_std                dims as samples/mean
    /camchar                      group of provenance added by camchar: attrs
                                  version, method (str), parameters, options,
                                  inputs, normalisation, software (JSON text),
                                  seconds (float64); dataset warnings (str,
                                  the fit's warnings, when any); dataset
                                  response_draws (D, W, C) float64, the first
                                  bootstrap draws of the response (when
                                  any); absent from the original's files

The original labelled only ``response_mean``'s dimensions; camchar labels and
attaches ``response_std``'s as well.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Mapping

import h5py
import numpy as np

from camchar.core.errors import BadInput, CamcharWarning
from camchar.files.hdf5_output import write_hdf5
from camchar.files.hdf5_values import (
    ALL_FINITE,
    JSON_ATTRIBUTES,
    PROVENANCE_GROUP,
    RESPONSE,
    RESPONSE_DRAWS_LAYOUT,
    SAMPLES,
    SOME_FINITE,
    SPECTRA,
    TEXTS,
    Extent,
    dataset_or_none,
    decode_json_attributes,
    file_kinds,
    json_text,
    open_hdf5,
    read_attribute,
    read_attributes,
    read_datasets,
    read_numbers,
    texts,
)
from camchar.files.hdf5_values import RESPONSE_DRAWS as DRAWS

__all__ = ["write_camera_response_h5", "read_camera_response_h5", "read_response_layout", "PROVENANCE_GROUP", "JSON_ATTRIBUTES", "DRAWS"]
_ROOT = ("camera", "lens", "settings", "label")
_SAMPLE_SETS = (
    ("samples_mean", "samples/mean", "samples_n", np.int32),
    ("samples_std", "samples/std", "samples_n", np.int32),
    ("estimates_mean", "samples/estimate_mean", "estimates_n", np.int64),
    ("estimates_std", "samples/estimate_std", "estimates_n", np.int64),
)


def _integer(value: Any, kind: type) -> np.integer:
    value = int(value)
    if kind is np.int32 and not np.iinfo(np.int32).min <= value <= np.iinfo(np.int32).max:
        return np.int64(value)
    return kind(value)


def _label(dataset: h5py.Dataset, first: str, scale: h5py.Dataset) -> None:
    dataset.dims[0].label = first
    dataset.dims[1].label = "channel"
    dataset.dims[0].attach_scale(scale)


def write_camera_response_h5(path: str | Path, fields: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    """Write a CameraResponse to a new HDF5 file.

    Parameters
    ----------
    path
        The file to create (overwritten).
    fields
        The CameraResponse members by their names (``wl``, ``mean``, ``std``,
        ``samples_mean``...). ``wl`` and ``mean`` are required; other members
        that are ``None`` are left out.
    provenance
        The ``/camchar`` group's attributes; dictionaries and lists become JSON
        text. Empty: no group.

    The file is built in memory and written in one go, so a full disk is one
    clean ``OSError`` (:mod:`camchar.files.hdf5_output`).
    """
    write_hdf5(path, lambda f: _fill(f, fields, provenance))


def _fill(f: h5py.File, fields: Mapping[str, Any], provenance: Mapping[str, Any]) -> None:
    """Put the CameraResponse layout into the open file ``f``."""
    for name in _ROOT:
        f.attrs[name] = "" if fields.get(name) is None else str(fields[name])
    wavelength = f.create_dataset("wavelength", data=np.asarray(fields["wl"], dtype=np.float64))
    wavelength.attrs["units"] = str(fields.get("wl_units") or "nm")
    wavelength.make_scale()
    for member, name in (("mean", "response_mean"), ("std", "response_std")):
        if fields.get(member) is None:
            continue
        dataset = f.create_dataset(name, data=np.asarray(fields[member], dtype=np.float64))
        dataset.attrs["units"] = str(fields.get("units") or "")
        dataset.attrs["scale"] = np.float64(fields.get("scale", 1.0))
        if fields.get("n") is not None:
            dataset.attrs["n"] = np.int64(fields["n"])
        if member == "mean":
            if fields.get("R2") is not None:
                dataset.attrs["R2"] = np.float64(fields["R2"])
            if fields.get("alpha") is not None:
                dataset.attrs["alpha"] = np.float64(fields["alpha"])
            if fields.get("method") is not None:
                dataset.attrs["method"] = str(fields["method"])
        _label(dataset, "wavelength", wavelength)
    if fields.get("samples_wl") is not None:
        nominal = f.create_dataset(
            "samples/nominal_wavelength", data=np.asarray(fields["samples_wl"], dtype=np.float64)
        )
        nominal.attrs["units"] = str(fields.get("wl_units") or "nm")
        nominal.make_scale()
        for member, name, count, kind in _SAMPLE_SETS:
            if fields.get(member) is None:
                continue
            dataset = f.create_dataset(name, data=np.asarray(fields[member], dtype=np.float64))
            dataset.attrs["units"] = str(fields.get("samples_units") or "")
            if fields.get(count) is not None:
                dataset.attrs["n"] = _integer(fields[count], kind)
            _label(dataset, "nominal_wavelength", nominal)
    if provenance:
        group = f.create_group(PROVENANCE_GROUP)
        for key, value in provenance.items():
            if value is None:
                continue
            if key == "warnings":  # a dataset of texts, as in a CameraSamples file
                group.create_dataset("warnings", data=[str(text) for text in value], dtype=h5py.string_dtype())
            elif key == DRAWS:
                group.create_dataset(DRAWS, data=np.asarray(value, dtype=np.float64))
            elif isinstance(value, (dict, list, tuple)):
                group.attrs[key] = json_text(value)
            else:
                group.attrs[key] = value


_DATASETS = {
    "wl": "wavelength",
    "mean": "response_mean",
    "std": "response_std",
    "samples_wl": "samples/nominal_wavelength",
    "samples_mean": "samples/mean",
    "samples_std": "samples/std",
    "estimates_mean": "samples/estimate_mean",
    "estimates_std": "samples/estimate_std",
}
#: What each dataset may hold: its shape (docs/file-format.md#limits) and the finite values it needs.
_BINS = Extent(("bins",))
_WAVELENGTHS = Extent(("wavelengths",))
_EXTENTS = {
    "wavelength": (_BINS, ALL_FINITE),
    "response_mean": (Extent(("bins", "channels"), required=1), SOME_FINITE),
    "response_std": (Extent(("bins", "channels"), required=1), None),
    "samples/nominal_wavelength": (_WAVELENGTHS, ALL_FINITE),
    **{name: (Extent(("wavelengths", "channels"), required=1), None) for name in ("samples/mean", "samples/std", "samples/estimate_mean", "samples/estimate_std")},
}
_PROVENANCE = {"warnings": (TEXTS, Extent(("warnings",))), DRAWS: RESPONSE_DRAWS_LAYOUT}
_OTHER_PROVENANCE = (None, Extent(("values",), required=0))
_ATTRIBUTES = {
    "wl_units": ("wavelength", "units"),
    "units": ("response_mean", "units"),
    "scale": ("response_mean", "scale"),
    "n": ("response_mean", "n"),
    "R2": ("response_mean", "R2"),
    "alpha": ("response_mean", "alpha"),
    "method": ("response_mean", "method"),
    "samples_units": ("samples/mean", "units"),
    "samples_n": ("samples/mean", "n"),
    "estimates_n": ("samples/estimate_mean", "n"),
}

#: The attributes of the layout's datasets that it reads, and those of them that are numbers.
_LAYOUT_ATTRIBUTES = {attribute for _, attribute in _ATTRIBUTES.values()}
_NUMBER_ATTRIBUTES = {"scale", "n", "R2", "alpha"}


def read_camera_response_h5(path: str | Path) -> dict[str, Any]:
    """Read the CameraResponse members from an HDF5 file (camchar's or the original's).

    Parameters
    ----------
    path
        The HDF5 file.

    Returns
    -------
    dict
        The members by their CameraResponse names, plus ``provenance`` (empty
        for files of the original tool).

    Raises
    ------
    BadInput
        When the file is missing, is not HDF5, or is not a CameraResponse file.

    Warns
    -----
    CamcharWarning
        When optional items are missing; they are set to ``None``.
    """
    with open_hdf5(path) as f:
        kinds = file_kinds(f)
        if RESPONSE not in kinds:
            if SAMPLES in kinds:
                problem = "this is a CameraSamples file (camera statistics), not a CameraResponse file"
            elif SPECTRA in kinds:
                problem = "this is a MonochromatorSpectra file (source spectra), not a CameraResponse file"
            else:
                problem = "not a CameraResponse file: no response_mean or wavelength dataset"
            raise BadInput(path, problem)
        layout = read_response_layout(f)
    missing: list[str] = []
    fields: dict[str, Any] = {}
    for name in _ROOT:
        value = layout["root"][name]
        if value is None:
            missing.append(f"/:{name}")
        fields[name] = None if value is None else str(value)
    for member, name in _DATASETS.items():
        fields[member] = layout["datasets"][name]
        if fields[member] is None:
            missing.append(name)
    for member, (name, attribute) in _ATTRIBUTES.items():
        attributes = layout["attributes"].get(name)
        value = None if attributes is None else attributes.get(attribute)
        if value is None and attributes is not None:
            missing.append(f"{name}:{attribute}")
        fields[member] = value
    fields["scale"] = 1.0 if fields["scale"] is None else float(fields["scale"])
    fields["provenance"] = decode_json_attributes(layout["provenance_attributes"])
    recorded = layout["provenance_datasets"].get("warnings")
    if recorded is not None:
        fields["provenance"]["warnings"] = texts(recorded)
    if layout["provenance_datasets"].get(DRAWS) is not None:
        fields["provenance"][DRAWS] = layout["provenance_datasets"][DRAWS]
    if missing:
        warnings.warn(CamcharWarning(f"{path}: missing {', '.join(missing)}; set to None"), stacklevel=3)
    return fields


def read_response_layout(f: h5py.Group) -> dict[str, Any]:
    """Every item of the CameraResponse layout in an open file, checked, ``None`` for those it lacks.

    The one reading of the layout: :func:`read_camera_response_h5` turns it
    into CameraResponse members, :mod:`camchar.results` checks and models it.

    Parameters
    ----------
    f
        The open HDF5 file.

    Returns
    -------
    dict
        ``root``: the root attributes ``camera``, ``lens``, ``settings``,
        ``label`` (text, or ``None``); ``datasets``: the
        arrays by their path (``wavelength``, ``response_mean``,
        ``samples/mean`` ...), ``None`` when absent; ``attributes``: the
        attributes of each of those datasets that is present, by its path;
        ``fit``: whether ``/samples`` is a group (the fitted samples);
        ``provenance_attributes``, ``provenance_datasets``: the ``/camchar``
        group's attributes and datasets.

    Raises
    ------
    BadInput
        Naming the file and the object, for a dataset or attribute that
        :func:`~camchar.files.hdf5_values.read_numbers` or
        :func:`~camchar.files.hdf5_values.read_attribute` refuses (its type,
        its declared shape, the limits, no finite response or wavelength).
    """
    root = {name: (read_attribute(f, name) if name in f.attrs else None) for name in _ROOT}
    datasets: dict[str, Any] = {}
    attributes: dict[str, dict[str, Any]] = {}
    for name in _DATASETS.values():
        item = dataset_or_none(f, name)
        datasets[name] = None if item is None else read_numbers(item, *_EXTENTS[name])
        if item is not None:
            attributes[name] = {key: read_attribute(item, key, number=key in _NUMBER_ATTRIBUTES) for key in item.attrs if key in _LAYOUT_ATTRIBUTES}
    group = f.get(PROVENANCE_GROUP)
    group = group if isinstance(group, h5py.Group) else None
    return {
        "root": root,
        "datasets": datasets,
        "attributes": attributes,
        "fit": isinstance(f.get("samples"), h5py.Group),
        "provenance_attributes": read_attributes(group),
        "provenance_datasets": read_datasets(group, _PROVENANCE, _OTHER_PROVENANCE),
    }
