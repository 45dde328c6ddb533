"""Results in a notebook: an xarray Dataset with named dimensions, or a tidy pandas DataFrame.

xarray and pandas are optional (``pip install 'camchar[xarray]'``) and are
imported only when these functions run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from camchar.results._optional import require
from camchar.results.model import Result, read_result
from camchar.results.tidy import tidy_table

__all__ = ["open_dataset", "to_pandas"]


def _attribute(value: Any) -> Any:
    """A provenance value as a netCDF-friendly attribute: text or numbers, anything nested as JSON text."""
    if isinstance(value, (str, int, float, np.number)) and not isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value):
        return np.asarray(value)
    return json.dumps(value)


def _dataset_attrs(result: Result) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "camera": result.camera,
        "lens": result.lens,
        "settings": result.settings,
        "label": result.label,
        "kind": result.kind,
        "kinds": " ".join(result.kinds),
        "source": "" if result.path is None else str(result.path),
    }
    attrs.update({f"camchar_{key}": _attribute(value) for key, value in result.provenance.items()})
    if result.warnings:
        attrs["camchar_warnings"] = "\n".join(result.warnings)
    return attrs


def open_dataset(path: str | Path | Result) -> Any:
    """A result file as an :class:`xarray.Dataset`.

    Dimensions are ``wavelength`` and ``channel`` (the nominal wavelength of
    a samples file is its ``wavelength``); a response adds
    ``nominal_wavelength`` for the samples it was fitted to, and EMVA 1288
    data adds ``ptc_point``. Every variable carries its ``units`` in
    ``attrs``; the root attributes and the ``/camchar`` provenance (prefixed
    ``camchar_``) are the Dataset's ``attrs``.

    Variables: ``mean``, ``std``, ``snr``, ``exposure_time``,
    ``image_number``, ``iso``, ``capture_time`` (samples);
    ``response_mean``, ``response_std``, and ``mean``, ``std``,
    ``estimate_mean``, ``estimate_std`` on ``nominal_wavelength`` (response);
    one variable per EMVA 1288 parameter, ``ptc_mean``, ``ptc_variance``,
    ``ptc_offset`` (EMVA 1288).

    Raises
    ------
    BadInput
        When xarray is missing or the file is not a camchar result.
    """
    xarray = require("xarray")
    result = path if isinstance(path, Result) else read_result(path)
    coords: dict[str, Any] = {"channel": ("channel", list(result.channels))}
    variables: dict[str, Any] = {}
    pair = ("wavelength", "channel")
    if (samples := result.samples) is not None:
        coords["wavelength"] = ("wavelength", samples.wavelength, {"units": samples.wavelength_units, "long_name": "nominal wavelength"})
        quantity = {"units": samples.units} | ({"n": samples.pixels} if samples.pixels is not None else {})
        variables["mean"] = (pair, samples.mean, quantity | {"long_name": "mean signal"})
        variables["std"] = (pair, samples.std, quantity | {"long_name": "temporal noise"})
        variables["snr"] = (pair, samples.snr, {"units": "1", "long_name": "signal-to-noise ratio, mean / std"})
        if samples.exposure_time is not None:
            variables["exposure_time"] = ("wavelength", samples.exposure_time, {"units": samples.exposure_time_units})
        if samples.image_number is not None:
            variables["image_number"] = ("wavelength", samples.image_number, {"long_name": "image number of the selected frame"})
        if samples.iso is not None:
            variables["iso"] = ("wavelength", samples.iso, {})
        if samples.capture_time is not None:
            variables["capture_time"] = ("wavelength", np.asarray(samples.capture_time, dtype=object), {"long_name": "capture time, ISO 8601"})
        if samples.nd is not None:
            variables["ND"] = ((), samples.nd, {"long_name": "neutral-density filter value"})
    if (response := result.response) is not None:
        coords["wavelength"] = ("wavelength", response.wavelength, {"units": response.wavelength_units})
        fit_attrs = {"R2": response.r2, "alpha": response.alpha, "method": response.method, "n": response.draws, "scale": response.scale}
        fit_attrs = {key: value for key, value in fit_attrs.items() if value is not None}
        variables["response_mean"] = (pair, response.mean, {"units": response.units, "long_name": "spectral response"} | fit_attrs)
        variables["response_std"] = (pair, response.std, {"units": response.units, "long_name": "bootstrap std of the response"})
        if (fit := response.fit) is not None:
            nominal = ("nominal_wavelength", "channel")
            coords["nominal_wavelength"] = ("nominal_wavelength", fit.wavelength, {"units": fit.wavelength_units})
            variables["mean"] = (nominal, fit.mean, {"units": fit.units, "long_name": "measured mean signal"})
            variables["std"] = (nominal, fit.std, {"units": fit.units, "long_name": "measured temporal noise"})
            variables["estimate_mean"] = (nominal, fit.estimate_mean, {"units": fit.estimate_units, "long_name": "fitted estimate of the mean"})
            variables["estimate_std"] = (nominal, fit.estimate_std, {"units": fit.estimate_units, "long_name": "bootstrap std of the estimate"})
    if (emva := result.emva) is not None:
        for item in emva.parameters:
            variables[item.name] = ("channel", item.values, {"units": item.units, "long_name": f"EMVA 1288 {item.name.replace('_', ' ')}"})
        if emva.ptc_mean is not None:
            points = ("ptc_point", "channel")
            variables["ptc_mean"] = (points, emva.ptc_mean, {"units": emva.ptc_mean_units, "long_name": "dark-subtracted mean signal"})
            variables["ptc_variance"] = (points, emva.ptc_variance, {"units": emva.ptc_variance_units, "long_name": "temporal variance"})
        if emva.ptc_offset is not None:
            variables["ptc_offset"] = ("channel", emva.ptc_offset, {"units": emva.ptc_variance_units, "long_name": "photon-transfer intercept"})
    return xarray.Dataset(variables, coords=coords, attrs=_dataset_attrs(result))


def to_pandas(source: str | Path | Result | Sequence[str | Path | Result]) -> Any:
    """The tidy table of one or more results as a :class:`pandas.DataFrame`.

    One row per file, table, wavelength and channel, the same columns as the
    CSV export (``file``, ``label``, ``table``, ``wavelength_nm``,
    ``channel``, ``mean_counts_per_s``, ...).

    Raises
    ------
    BadInput
        When pandas is missing or a file is not a camchar result.
    """
    pandas = require("pandas")
    items = [source] if isinstance(source, (str, Path, Result)) else list(source)
    results = [item if isinstance(item, Result) else read_result(item) for item in items]
    columns, rows = tidy_table(results)
    return pandas.DataFrame.from_records(rows, columns=columns)
