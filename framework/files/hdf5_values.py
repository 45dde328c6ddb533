"""What every camchar HDF5 layout shares: plain values, the provenance group, opening a file, telling layouts apart.

Every reader and writer in :mod:`camchar.files` (and :mod:`camchar.results`,
which builds on them) takes its helpers from here, so that text attributes,
numpy scalars and the JSON-encoded provenance entries are read the same way
whatever the layout.

The kinds of camchar file (:func:`file_kind`)::

    samples    /samples (dataset) and /nominal_wavelength: CameraSamples,
               what camchar stats and the original image_stats write
    response   /response_mean (dataset) and /wavelength: CameraResponse
    spectra    /irradiance: MonochromatorSpectra (source spectra)
    emva1288   an /emva1288 group (inside a samples file, or alone)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import h5py
import numpy as np

from camchar.core.errors import BadInput

__all__ = [
    "EMVA_GROUP",
    "EMVA1288",
    "JSON_ATTRIBUTES",
    "PROVENANCE_GROUP",
    "RESPONSE",
    "SAMPLES",
    "SPECTRA",
    "dataset_or_none",
    "decode_json_attributes",
    "file_kind",
    "file_kinds",
    "json_text",
    "open_hdf5",
    "plain",
    "plain_nested",
    "read_attributes",
    "text",
    "texts",
]

#: The group holding camchar's provenance, beside the original layouts.
PROVENANCE_GROUP = "camchar"
#: The group holding the EMVA 1288 parameters in a samples file.
EMVA_GROUP = "emva1288"
#: Provenance attributes that camchar writes as JSON text (decoded on reading when they hold JSON).
JSON_ATTRIBUTES = ("inputs", "normalisation", "options", "parameters", "software")

#: The kinds of camchar file, as :func:`file_kind` names them.
SAMPLES = "samples"
RESPONSE = "response"
SPECTRA = "spectra"
EMVA1288 = "emva1288"


def plain(value: Any) -> Any:
    """A scalar from HDF5 or numpy as plain Python: bytes decoded (UTF-8), numpy scalars unwrapped.

    Parameters
    ----------
    value
        An attribute or dataset value as h5py returns it.

    Returns
    -------
    Any
        ``str`` for bytes, the Python number for a numpy scalar, anything else
        (arrays included) unchanged.
    """
    if isinstance(value, bytes):  # np.bytes_ included
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def plain_nested(value: Any) -> Any:
    """Like :func:`plain`, and arrays as (nested) lists of plain values, a 0-d array as its one value.

    Parameters
    ----------
    value
        A value from HDF5 or numpy.

    Returns
    -------
    Any
        A value made only of Python types (for JSON, tables and summaries).
    """
    if isinstance(value, np.ndarray):
        return plain_nested(value[()]) if value.shape == () else [plain_nested(item) for item in value.tolist()]
    return plain(value)


def text(value: Any) -> str:
    """An HDF5 value as text: bytes decoded, a 0-d array's one value, anything else by ``str``.

    Parameters
    ----------
    value
        A value as h5py returns it.

    Returns
    -------
    str
        The text.
    """
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


def texts(values: Any) -> list[str]:
    """Every item of an array of texts (a string dataset), as :func:`text`.

    Parameters
    ----------
    values
        The array (any shape; a 0-d array is one item).

    Returns
    -------
    list of str
        The texts, in order.
    """
    return [text(item) for item in np.atleast_1d(np.asarray(values)).tolist()]


def json_text(value: Any) -> str:
    """``value`` as the JSON text camchar stores in a provenance attribute (keys sorted, numpy as Python).

    Parameters
    ----------
    value
        A dictionary or list (numpy scalars and arrays inside are converted;
        anything else JSON cannot hold becomes its ``str``).

    Returns
    -------
    str
        The JSON text.
    """
    return json.dumps(value, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def decode_json_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of provenance ``attributes`` with the :data:`JSON_ATTRIBUTES` that hold JSON text decoded.

    Parameters
    ----------
    attributes
        Provenance entries by name, as :func:`read_attributes` gives them.

    Returns
    -------
    dict
        The same entries; a JSON attribute whose text is not JSON is kept as
        text.
    """
    decoded = dict(attributes)
    for key in JSON_ATTRIBUTES:
        value = decoded.get(key)
        if isinstance(value, str):
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                pass  # plain text after all: keep it as it is
    return decoded


def read_attributes(owner: h5py.HLObject | None) -> dict[str, Any]:
    """The attributes of a group or dataset as :func:`plain` values, in the file's order.

    Parameters
    ----------
    owner
        A group, dataset or file; ``None`` (an absent group) gives ``{}``.

    Returns
    -------
    dict
        Attribute values by name; arrays stay arrays.
    """
    if owner is None:
        return {}
    return {key: plain(value) for key, value in owner.attrs.items()}


def dataset_or_none(owner: h5py.Group, name: str) -> h5py.Dataset | None:
    """The dataset ``name`` of ``owner``, or ``None`` when it is absent or not a dataset.

    Parameters
    ----------
    owner
        The group (or file) to look in.
    name
        The dataset's name, relative to ``owner``.

    Returns
    -------
    h5py.Dataset or None
        The dataset.
    """
    item = owner.get(name)
    return item if isinstance(item, h5py.Dataset) else None


def open_hdf5(path: str | Path) -> h5py.File:
    """Open an HDF5 file for reading; a missing or unreadable file is a :class:`BadInput` naming it.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    h5py.File
        The open file (use it in a ``with`` block).

    Raises
    ------
    BadInput
        ``file not found``, or ``not a readable HDF5 file (...)``.
    """
    try:
        return h5py.File(path, "r")
    except FileNotFoundError:
        raise BadInput(path, "file not found") from None
    except OSError as exc:
        raise BadInput(path, f"not a readable HDF5 file ({exc})") from None


def file_kinds(f: h5py.Group) -> tuple[str, ...]:
    """The kinds of camchar data an open HDF5 file holds, in the order samples, response, spectra, emva1288.

    Parameters
    ----------
    f
        The open file.

    Returns
    -------
    tuple of str
        Some of :data:`SAMPLES`, :data:`RESPONSE`, :data:`SPECTRA`,
        :data:`EMVA1288`; empty for an HDF5 file that is not camchar's.
    """
    present = {
        SAMPLES: isinstance(f.get("samples"), h5py.Dataset) and "nominal_wavelength" in f,
        RESPONSE: isinstance(f.get("response_mean"), h5py.Dataset) and "wavelength" in f,
        SPECTRA: "irradiance" in f,
        EMVA1288: isinstance(f.get(EMVA_GROUP), h5py.Group),
    }
    return tuple(kind for kind, found in present.items() if found)


def file_kind(path: str | Path) -> str | None:
    """What kind of camchar file ``path`` is: samples, response, source spectra, or none of them.

    A response file comes first when a file holds several kinds (a response
    file keeps its fitted samples in a group, never as ``/samples``), then
    source spectra, then samples; an ``/emva1288`` group alone is a samples
    file's part, not a kind of its own here.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str or None
        :data:`SAMPLES`, :data:`RESPONSE` or :data:`SPECTRA`; ``None`` for an
        HDF5 file that is none of them.

    Raises
    ------
    BadInput
        When the file is missing or not a readable HDF5 file (:func:`open_hdf5`).
    """
    with open_hdf5(path) as f:
        kinds = file_kinds(f)
    return next((kind for kind in (RESPONSE, SPECTRA, SAMPLES) if kind in kinds), None)
