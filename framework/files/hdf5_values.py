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

Every dataset and attribute of a layout is read through :func:`read_numbers`,
:func:`read_texts` or :func:`read_attribute`, which check what the layout
expects (real numbers or UTF-8 text, its dimensions, the :data:`MAX_ROWS`,
:data:`MAX_CHANNELS` and :data:`MAX_VALUES` limits) from the declared shape
and type, before a value is read: a hostile file that declares a terabyte is
one :class:`BadInput` naming the object, not a ``MemoryError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import h5py
import numpy as np

from camchar.core.errors import BadInput

__all__ = [
    "ALL_FINITE",
    "RESPONSE_DRAWS",
    "RESPONSE_DRAWS_LAYOUT",
    "EMVA_GROUP",
    "EMVA1288",
    "JSON_ATTRIBUTES",
    "MAX_CHANNELS",
    "MAX_ROWS",
    "MAX_VALUES",
    "NUMBERS",
    "PROVENANCE_GROUP",
    "RESPONSE",
    "SAMPLES",
    "SOME_FINITE",
    "SPECTRA",
    "TEXTS",
    "Extent",
    "dataset_or_none",
    "decode_json_attributes",
    "file_kind",
    "file_kinds",
    "json_text",
    "open_hdf5",
    "plain",
    "plain_nested",
    "read_attribute",
    "read_attributes",
    "read_dataset",
    "read_datasets",
    "read_numbers",
    "read_texts",
    "text",
    "texts",
]

#: The group holding camchar's provenance, beside the original layouts.
PROVENANCE_GROUP = "camchar"
#: The group holding the EMVA 1288 parameters in a samples file.
EMVA_GROUP = "emva1288"
#: Provenance attributes that camchar writes as JSON text (decoded on reading when they hold JSON).
JSON_ATTRIBUTES = ("exposure_brackets", "inputs", "normalisation", "options", "parameters", "software")

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


# ----------------------------------------------------------------------------------------------------------------
# Checked reading: what a layout expects, checked on the declared shape and type before anything is read

#: The most rows of one dataset: wavelengths of a sweep, bins of a spectrum or a response, photon-transfer points.
MAX_ROWS = 100_000
#: The most channels: a colour camera has 3 or 4, a multispectral one tens (and ``show`` stays quick).
MAX_CHANNELS = 256
#: The most values in one dataset (80 MB as float64).
MAX_VALUES = 10_000_000
#: The most bytes one attribute may declare (a settings text is at most 4 MiB; a record of inputs, a few MB).
MAX_ATTRIBUTE_BYTES = 64 * 2**20
#: The longest axis of each name that is not :data:`MAX_ROWS` long.
_LONGEST = {"channels": MAX_CHANNELS}

#: What :func:`read_numbers` asks of the values: every one finite, or at least one (the others may be NaN).
ALL_FINITE = "all"
SOME_FINITE = "some"
#: What a dataset holds, for :func:`read_dataset`: real numbers or text (``None``: either, as stored).
NUMBERS = "numbers"
TEXTS = "texts"
#: Where the limits are documented, for the messages.
_LIMITS_DOC = "docs/file-format.md#limits"


@dataclass(frozen=True)
class Extent:
    """The shapes a layout allows one dataset: a name for each axis; the trailing axes from ``required`` on may be absent.

    ``Extent(("wavelengths", "channels"), required=1)`` allows ``(N, C)`` and
    ``(N,)`` (one channel); ``Extent(())`` is a single value. An axis called
    ``channels`` may be :data:`MAX_CHANNELS` long, any other :data:`MAX_ROWS`.
    """

    axes: tuple[str, ...]
    required: int | None = None

    def allows(self, dimensions: int) -> bool:
        """Whether a dataset of ``dimensions`` dimensions has this extent's form."""
        least = len(self.axes) if self.required is None else self.required
        return least <= dimensions <= len(self.axes)

    def __str__(self) -> str:
        if not self.axes:
            return "a single value"
        return f"({', '.join(self.axes)},)" if len(self.axes) == 1 else f"({', '.join(self.axes)})"


#: The provenance dataset of a response's bootstrap draws, and what it holds: ``(D, W, C)`` (a response of one channel: ``(D, W)``).
RESPONSE_DRAWS = "response_draws"
RESPONSE_DRAWS_LAYOUT = (NUMBERS, Extent(("draws", "bins", "channels"), required=2))


def read_numbers(dataset: h5py.Dataset, extent: Extent, finite: str | None = None) -> np.ndarray:
    """The values of a dataset of real numbers, once its declared shape and type are what the layout expects.

    Parameters
    ----------
    dataset
        The dataset (nothing of it is read before the checks pass).
    extent
        The shapes the layout allows it.
    finite
        :data:`ALL_FINITE` (every value finite, and at least one),
        :data:`SOME_FINITE` (at least one finite value) or ``None``.

    Returns
    -------
    numpy.ndarray
        The values as stored (integers stay integers).

    Raises
    ------
    BadInput
        Naming the file and the dataset: a shape the layout does not allow or
        beyond the limits, text, complex or compound values, no values, no
        finite value, or a read that fails.
    """
    _check_extent(dataset, extent)
    if dataset.dtype.kind not in "iuf":
        raise _fault(dataset, f"holds {_type_words(dataset.dtype)}, not real numbers")
    values = np.asarray(_read(dataset))
    _check_finite(dataset, values, extent, finite)
    return values


def read_texts(dataset: h5py.Dataset, extent: Extent) -> np.ndarray:
    """The texts of a dataset of strings (UTF-8, fixed or variable length), checked like :func:`read_numbers`.

    Parameters
    ----------
    dataset
        The dataset.
    extent
        The shapes the layout allows it.

    Returns
    -------
    numpy.ndarray
        An object array of ``str``, in the dataset's shape.

    Raises
    ------
    BadInput
        Naming the file and the dataset: a shape it may not have, numbers
        instead of text, text that is not UTF-8, or a read that fails.
    """
    _check_extent(dataset, extent)
    if h5py.check_string_dtype(dataset.dtype) is None:
        raise _fault(dataset, f"holds {_type_words(dataset.dtype)}, not text")
    return _decoded_array(dataset, np.asarray(_read(dataset)))


def read_dataset(dataset: h5py.Dataset, kind: str | None, extent: Extent, finite: str | None = None) -> np.ndarray:
    """A dataset of :data:`NUMBERS` (:func:`read_numbers`) or :data:`TEXTS` (:func:`read_texts`); ``None``: either, as stored.

    Parameters
    ----------
    dataset
        The dataset.
    kind
        :data:`NUMBERS`, :data:`TEXTS` or ``None``.
    extent
        The shapes the layout allows it.
    finite
        For numbers: what :func:`read_numbers` asks of the values.

    Returns
    -------
    numpy.ndarray
        The numbers, or an object array of ``str``.

    Raises
    ------
    BadInput
        As :func:`read_numbers` and :func:`read_texts`.
    """
    is_text = h5py.check_string_dtype(dataset.dtype) is not None
    if kind == TEXTS or (kind is None and is_text):
        return read_texts(dataset, extent)
    return read_numbers(dataset, extent, finite)


def read_datasets(group: h5py.Group | None, expected: Mapping[str, tuple[str | None, Extent]], otherwise: tuple[str | None, Extent]) -> dict[str, np.ndarray]:
    """Every dataset of ``group`` by :func:`read_dataset`, each as ``expected`` of its name, else as ``otherwise``.

    Parameters
    ----------
    group
        The group (``None``: an absent group, ``{}``).
    expected
        ``{name: (kind, extent)}`` for the datasets the layout knows.
    otherwise
        ``(kind, extent)`` for any other dataset.

    Returns
    -------
    dict
        The values by dataset name, in the file's order.

    Raises
    ------
    BadInput
        For a dataset :func:`read_dataset` refuses.
    """
    if group is None:
        return {}
    return {
        name: read_dataset(item, *expected.get(name, otherwise))
        for name, item in group.items()
        if isinstance(item, h5py.Dataset)
    }


def read_attribute(owner: h5py.HLObject, key: str, number: bool = False) -> Any:
    """One attribute as a :func:`plain` value, its declared size and its text checked before it is read.

    Parameters
    ----------
    owner
        The group, dataset or file holding it.
    key
        The attribute's name (it must be present).
    number
        Whether the layout expects one real number.

    Returns
    -------
    Any
        ``str`` for text (an object array of ``str`` for an array of texts),
        a Python number, an array, or ``None`` for an attribute without a
        value (an empty dataspace).

    Raises
    ------
    BadInput
        Naming the file and ``object:attribute``: more than
        :data:`MAX_VALUES` values or :data:`MAX_ATTRIBUTE_BYTES` bytes, text
        that is not UTF-8, or not one real number when ``number`` is asked.
    """
    label = f"{owner.name}:{key}"
    declared = owner.attrs.get_id(key)
    if declared.shape is None:
        return None
    size = int(np.prod(declared.shape))
    if size > MAX_VALUES or size * declared.dtype.itemsize > MAX_ATTRIBUTE_BYTES:
        raise BadInput(owner.file.filename, f"{label} declares {size:,} values of {declared.dtype.itemsize} bytes; camchar reads attributes of at most {MAX_ATTRIBUTE_BYTES // 2**20} MiB ({_LIMITS_DOC})")
    if number and (declared.dtype.kind not in "iuf" or size != 1):
        raise BadInput(owner.file.filename, f"{label} holds {_type_words(declared.dtype)} of shape {declared.shape}; the layout expects one real number")
    try:
        value = owner.attrs[key]
    except (OSError, ValueError, TypeError) as exc:
        raise BadInput(owner.file.filename, f"{label} cannot be read ({exc})") from None
    if h5py.check_string_dtype(declared.dtype) is not None:
        decoded = _decoded_array(owner, np.asarray(value), label)
        return decoded[()] if decoded.shape == () else decoded
    return plain(value)


def read_attributes(owner: h5py.HLObject | None) -> dict[str, Any]:
    """The attributes of a group or dataset, each read by :func:`read_attribute`, in the file's order.

    Parameters
    ----------
    owner
        A group, dataset or file; ``None`` (an absent group) gives ``{}``.

    Returns
    -------
    dict
        Attribute values by name; arrays stay arrays.

    Raises
    ------
    BadInput
        For an attribute :func:`read_attribute` refuses.
    """
    if owner is None:
        return {}
    return {key: read_attribute(owner, key) for key in owner.attrs}


def _fault(dataset: h5py.Dataset, problem: str) -> BadInput:
    """A :class:`BadInput` naming the dataset's file and the dataset."""
    return BadInput(dataset.file.filename, f"{dataset.name} {problem}")


def _type_words(dtype: np.dtype) -> str:
    """What values of ``dtype`` are, in words, for a message."""
    if h5py.check_string_dtype(dtype) is not None:
        return "text"
    if dtype.kind == "c":
        return f"complex numbers ({dtype})"
    if dtype.names:
        return f"a compound type (fields {', '.join(dtype.names)})"
    if dtype.kind == "b":
        return "booleans"
    return f"values of type {dtype}"


def _check_extent(dataset: h5py.Dataset, extent: Extent) -> None:
    """Refuse a declared shape the layout does not allow, or beyond the limits; reads nothing."""
    shape = dataset.shape
    if shape is None:
        raise _fault(dataset, f"holds no data (an empty dataspace); the layout expects {extent}")
    if not extent.allows(len(shape)):
        raise _fault(dataset, f"has shape {shape}; the layout expects {extent}")
    for axis, length in zip(extent.axes, shape):
        longest = _LONGEST.get(axis, MAX_ROWS)
        if length > longest:
            raise _fault(dataset, f"declares {length:,} {axis}; camchar reads at most {longest:,} ({_LIMITS_DOC})")
    size = int(np.prod(shape))
    if size > MAX_VALUES:
        raise _fault(dataset, f"declares {size:,} values; camchar reads at most {MAX_VALUES:,} in one dataset ({_LIMITS_DOC})")


def _read(dataset: h5py.Dataset) -> Any:
    """Everything in ``dataset``; a read that fails (a damaged file, a missing filter) is a :class:`BadInput`."""
    try:
        return dataset[()]
    except (OSError, ValueError, TypeError) as exc:
        raise _fault(dataset, f"cannot be read ({exc})") from None


def _check_finite(dataset: h5py.Dataset, values: np.ndarray, extent: Extent, finite: str | None) -> None:
    """Refuse values without the finite ones the layout needs."""
    if finite is None:
        return
    if values.size == 0:
        raise _fault(dataset, f"is empty (0 {extent.axes[0] if extent.axes else 'values'}): the file holds no data to read")
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if finite == ALL_FINITE and bad:
        raise _fault(dataset, f"holds {bad} NaN or infinite value(s) of {values.size}; every value must be a number")
    if finite == SOME_FINITE and bad == values.size:
        raise _fault(dataset, f"holds no finite value (all {values.size} are NaN or infinite): no result can be made from it")


def _decoded_array(owner: h5py.HLObject, raw: np.ndarray, label: str | None = None) -> np.ndarray:
    """``raw`` texts (bytes or str) as an object array of ``str``; text that is not UTF-8 is a :class:`BadInput`."""
    decoded = np.empty(raw.shape, dtype=object)
    for index, item in np.ndenumerate(raw):
        decoded[index] = _utf8(owner, item, label or owner.name)
    return decoded


def _utf8(owner: h5py.HLObject, item: Any, label: str) -> str:
    """One text as ``str``: bytes must be UTF-8, and a ``str`` h5py decoded with escapes must have none."""
    try:
        return item.decode("utf-8") if isinstance(item, bytes) else str(item).encode("utf-8").decode("utf-8")
    except UnicodeError:
        raw = item if isinstance(item, bytes) else str(item).encode("utf-8", "surrogateescape")
        raise BadInput(owner.file.filename, f"{label} holds text that is not UTF-8 ({raw[:24]!r}); camchar reads UTF-8 text only") from None


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
