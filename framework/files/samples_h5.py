"""The CameraSamples HDF5 layout of the original ``image_stats``, read and written.

Layout (names, types and attributes as the original writes them)::

    /                      attrs camera, lens, settings, label (str)
    /nominal_wavelength    (N,)   dimension scale, attrs units = "nm"
    /exposure_time         (N,)   float64, attrs units = "s"
    /samples               (N, C) float64, attrs units, n; dims labelled
                                  nominal_wavelength, channel; dim 0 attached
                                  to /nominal_wavelength
    /samples_std           (N, C) as /samples
    /ND                    ()     float64
    /camchar               group of provenance added by camchar (attributes,
                                  and datasets image_number, channel_names,
                                  iso, capture_time); the original layout
                                  above is unchanged by it
    /emva1288              group of EMVA 1288 parameters, when the sweep
                                  gives them: one dataset per parameter, each
                                  with a units attribute (docs/emva1288.md)
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
    EMVA_GROUP,
    NUMBERS,
    PROVENANCE_GROUP,
    RESPONSE_DRAWS,
    RESPONSE_DRAWS_LAYOUT,
    SOME_FINITE,
    TEXTS,
    Extent,
    dataset_or_none,
    open_hdf5,
    read_attribute,
    read_attributes,
    read_datasets,
    read_numbers,
)

__all__ = ["write_samples_h5", "read_samples_h5", "read_samples_layout", "PROVENANCE_GROUP", "EMVA_GROUP"]
_ROOT_ATTRS = ("camera", "lens", "settings", "label")
_SAMPLE_DATASETS = ("samples", "samples_std")


def write_samples_h5(
    path: str | Path,
    fields: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    emva1288: Mapping[str, tuple[Any, Mapping[str, Any]]] | None = None,
) -> None:
    """Write CameraSamples ``fields`` to a new HDF5 file at ``path``.

    Parameters
    ----------
    path
        The file to create (overwritten if it exists).
    fields
        The CameraSamples members: ``nom_wl``, ``wl_units``, ``mean``, ``std``,
        ``n``, ``units``, ``exp_time``, ``exp_time_units``, ``ND``, ``camera``,
        ``lens``, ``settings``, ``label``. ``None`` values are left out.
    provenance
        Attributes for the ``/camchar`` group; an ``image_number`` entry
        becomes the dataset ``/camchar/image_number``.
    emva1288
        ``{name: (values, attributes)}`` for the ``/emva1288`` group, if any.

    The file is built in memory and written in one go (:func:`write_hdf5`), so
    a full disk is one clean ``OSError``.
    """
    write_hdf5(path, lambda f: _fill(f, fields, provenance, emva1288))


def _fill(f: h5py.File, fields: Mapping[str, Any], provenance: Mapping[str, Any] | None, emva1288: Mapping[str, tuple[Any, Mapping[str, Any]]] | None) -> None:
    """Put the CameraSamples layout into the open file ``f``."""
    for name in _ROOT_ATTRS:  # always present, as scripts for the original expect them
        f.attrs[name] = "" if fields.get(name) is None else str(fields[name])
    wavelength = f.create_dataset("nominal_wavelength", data=np.asarray(fields["nom_wl"]))
    wavelength.attrs["units"] = fields.get("wl_units") or "nm"
    exposure = f.create_dataset("exposure_time", data=np.asarray(fields["exp_time"], dtype=np.float64))
    exposure.attrs["units"] = fields.get("exp_time_units") or "s"
    for dataset_name, member in zip(_SAMPLE_DATASETS, ("mean", "std")):
        dataset = f.create_dataset(dataset_name, data=np.asarray(fields[member], dtype=np.float64))
        dataset.attrs["units"] = fields.get("units") or "counts/s"
        dataset.attrs["n"] = np.int64(fields["n"])
        dataset.dims[0].label = "nominal_wavelength"
        dataset.dims[1].label = "channel"
    if fields.get("ND") is not None:
        f.create_dataset("ND", data=np.float64(fields["ND"]))
    wavelength.make_scale()
    for dataset_name in _SAMPLE_DATASETS:
        f[dataset_name].dims[0].attach_scale(wavelength)
    if provenance:
        _write_provenance(f, provenance)
    if emva1288:
        group = f.create_group(EMVA_GROUP)
        for name, (values, attributes) in emva1288.items():
            dataset = group.create_dataset(name, data=np.asarray(values, dtype=np.float64))
            for key, value in attributes.items():
                dataset.attrs[key] = value


#: Provenance entries stored as datasets (one value per channel or per wavelength), not attributes.
_PROVENANCE_DATASETS = {
    "image_number": np.int64,
    "partner_number": np.int64,
    "iso": np.float64,
    "capture_time": str,
    "channel_names": str,
    "warnings": str,
}


def _write_provenance(f: h5py.File, provenance: Mapping[str, Any]) -> None:
    group = f.create_group(PROVENANCE_GROUP)
    for key, value in provenance.items():
        if value is None:
            continue
        kind = _PROVENANCE_DATASETS.get(key)
        if kind is str:
            group.create_dataset(key, data=[str(item) for item in value], dtype=h5py.string_dtype())
        elif kind is not None:
            group.create_dataset(key, data=np.asarray(value, dtype=kind))
        else:
            group.attrs[key] = value


def read_samples_h5(path: str | Path) -> dict[str, Any]:
    """Read the CameraSamples members from an HDF5 file.

    Missing items are returned as ``None`` with a :class:`CamcharWarning`,
    as the original does.

    Parameters
    ----------
    path
        The HDF5 file.

    Returns
    -------
    dict
        The members by their CameraSamples names, plus ``provenance`` and
        ``emva1288``.

    Raises
    ------
    BadInput
        When the file is missing or not a readable HDF5 file.
    """
    with open_hdf5(path) as f:
        layout = read_samples_layout(f)
    missing = [label for member, label in _MEMBERS if layout[member] is None]
    fields = {member: layout[member] for member, _ in _MEMBERS}
    fields["n"] = None if fields["n"] is None else int(fields["n"])
    fields["ND"] = None if fields["ND"] is None else float(fields["ND"])
    provenance = dict(layout["provenance_attributes"])
    for key, data in layout["provenance_datasets"].items():
        provenance[key] = data.tolist() if data.dtype.kind == "O" else data  # texts as a list of str
    fields["provenance"] = provenance
    fields["emva1288"] = layout["emva1288"]
    if missing:
        warnings.warn(CamcharWarning(f"{path}: missing {', '.join(missing)}; set to None"), stacklevel=2)
    return fields


#: The CameraSamples members in the order a missing one is reported, with the object (``name`` or ``name:attribute``) that holds it.
_MEMBERS = (
    *((name, f"/:{name}") for name in _ROOT_ATTRS),
    ("nom_wl", "nominal_wavelength"),
    ("wl_units", "nominal_wavelength:units"),
    ("exp_time", "exposure_time"),
    ("exp_time_units", "exposure_time:units"),
    ("mean", "samples"),
    ("std", "samples_std"),
    ("units", "samples:units"),
    ("n", "samples:n"),
    ("ND", "ND"),
)


#: The shapes of the layout's datasets (docs/file-format.md#limits).
_WAVELENGTHS = Extent(("wavelengths",))
_SAMPLES = Extent(("wavelengths", "channels"), required=1)  # (N,): one channel
_CHANNELS = Extent(("channels",))
_SCALAR = Extent(())
#: The provenance datasets camchar writes, with what each holds; any other is read as it is stored.
_PROVENANCE = {
    "image_number": (NUMBERS, _WAVELENGTHS),
    "partner_number": (NUMBERS, _WAVELENGTHS),
    "iso": (NUMBERS, _WAVELENGTHS),
    "capture_time": (TEXTS, _WAVELENGTHS),
    "channel_names": (TEXTS, _CHANNELS),
    "warnings": (TEXTS, Extent(("warnings",))),
    RESPONSE_DRAWS: RESPONSE_DRAWS_LAYOUT,  # a response file's /camchar group, read here too by camchar.results
}
_OTHER_PROVENANCE = (None, Extent(("values",), required=0))
#: The EMVA 1288 group: the photon-transfer points, and a value per channel for everything else.
_EMVA = {name: (NUMBERS, Extent(("points", "channels"))) for name in ("ptc_mean", "ptc_variance")}
_EMVA_PARAMETER = (NUMBERS, _CHANNELS)
#: Provenance datasets with one value per wavelength, checked against the samples' rows.
_PER_WAVELENGTH = ("image_number", "partner_number", "iso", "capture_time")


def read_samples_layout(f: h5py.Group) -> dict[str, Any]:
    """Every item of the CameraSamples layout in an open file, checked, ``None`` for those it lacks.

    The one reading of the layout: :func:`read_samples_h5` turns it into
    CameraSamples members, :mod:`camchar.results` models it. Each dataset's
    type and declared shape are checked before it is read
    (:func:`~camchar.files.hdf5_values.read_numbers`), and the datasets
    present must agree: one row per wavelength, as many channels everywhere.

    Parameters
    ----------
    f
        The open HDF5 file.

    Returns
    -------
    dict
        ``camera``, ``lens``, ``settings``, ``label``, ``wl_units``,
        ``exp_time_units``, ``units``, ``n``: attribute values (text, or a
        number for ``n``); ``nom_wl``, ``exp_time``, ``mean``, ``std``,
        ``ND``: arrays as stored; ``provenance_attributes``: the ``/camchar``
        group's attributes; ``provenance_datasets``: its datasets as arrays
        (texts as object arrays of ``str``); ``emva1288``:
        ``{name: (values, attributes)}`` of the ``/emva1288`` group.

    Raises
    ------
    BadInput
        Naming the file and the object: a dataset of the wrong type or shape,
        beyond the limits, without a finite sample or wavelength, text that is
        not UTF-8, or datasets that disagree.
    """

    def dataset(name: str, extent: Extent, finite: str | None = None) -> np.ndarray | None:
        item = dataset_or_none(f, name)
        return None if item is None else read_numbers(item, extent, finite)

    def attribute(name: str, attr: str, number: bool = False) -> Any:
        owner = f if name == "/" else f.get(name)
        if owner is None or attr not in owner.attrs:
            return None
        return read_attribute(owner, attr, number)

    layout: dict[str, Any] = {name: attribute("/", name) for name in _ROOT_ATTRS}
    layout["nom_wl"] = dataset("nominal_wavelength", _WAVELENGTHS, ALL_FINITE)
    layout["wl_units"] = attribute("nominal_wavelength", "units")
    layout["exp_time"] = dataset("exposure_time", _WAVELENGTHS)
    layout["exp_time_units"] = attribute("exposure_time", "units")
    layout["mean"] = dataset("samples", _SAMPLES, SOME_FINITE)
    layout["std"] = dataset("samples_std", _SAMPLES)
    layout["units"] = attribute("samples", "units")
    layout["n"] = attribute("samples", "n", number=True)
    layout["ND"] = dataset("ND", _SCALAR)
    group = f.get(PROVENANCE_GROUP)
    group = group if isinstance(group, h5py.Group) else None
    layout["provenance_attributes"] = read_attributes(group)
    layout["provenance_datasets"] = read_datasets(group, _PROVENANCE, _OTHER_PROVENANCE)
    layout["emva1288"] = _read_emva(f)
    _check_agreement(f, layout)
    return layout


def _read_emva(f: h5py.Group) -> dict[str, tuple[np.ndarray, dict[str, Any]]]:
    group = f.get(EMVA_GROUP)
    if not isinstance(group, h5py.Group):
        return {}
    values = read_datasets(group, _EMVA, _EMVA_PARAMETER)
    return {name: (data, read_attributes(group[name])) for name, data in values.items()}


def _check_agreement(f: h5py.Group, layout: dict[str, Any]) -> None:
    """Refuse datasets of the layout that disagree: a row per wavelength, the same channels everywhere."""
    rows = None if layout["nom_wl"] is None else layout["nom_wl"].shape[0]
    reference = layout["mean"]
    if reference is not None and rows is not None and reference.shape[0] != rows:
        raise BadInput(f.filename, f"/samples has shape {reference.shape}, expected ({rows}, channels): one row per /nominal_wavelength")
    if reference is not None and layout["std"] is not None and layout["std"].shape != reference.shape:
        raise BadInput(f.filename, f"/samples_std has shape {layout['std'].shape}, expected {reference.shape}")
    per_row = {"/exposure_time": layout["exp_time"]}
    per_row |= {f"/{PROVENANCE_GROUP}/{key}": layout["provenance_datasets"].get(key) for key in _PER_WAVELENGTH}
    for name, values in per_row.items():
        if values is not None and rows is not None and values.shape[0] != rows:
            raise BadInput(f.filename, f"{name} has shape {values.shape}, expected ({rows},): one value per /nominal_wavelength")
