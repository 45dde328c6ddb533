"""Results as CSV, JSON or XLSX, every number to its last digit: ``camchar export``.

- **CSV**: the tidy table of :mod:`camchar.results.tidy`, floats written with
  ``repr`` (the shortest text that reads back as the same double).
- **JSON**: everything a file holds (arrays, units, figures of merit inputs,
  provenance, warnings); NaN and infinities become ``null``.
- **XLSX**: an ``index`` sheet listing the files, then a sheet per file with
  its tidy table, and a sheet of EMVA 1288 data for files that have it.

:func:`export` writes result files; :func:`export_samples` writes one
in-memory :class:`camchar.CameraSamples`, so that ``camchar stats`` writers can
use the same formats.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any, Sequence

import attrs

from camchar.core.errors import BadInput
from camchar.files.atomic import atomic_output
from camchar.files.camera_response import CameraResponse
from camchar.files.camera_samples import CameraSamples
from camchar.results._optional import require
from camchar.results._values import json_safe, plain
from camchar.results.model import Result, read_result, result_from_samples
from camchar.results.tidy import tidy_table

__all__ = ["EXPORT_FORMATS", "export", "export_results", "export_samples", "write_csv", "write_json", "write_xlsx", "to_json_data"]

#: Format identifier and version of the JSON export.
JSON_FORMAT = "camchar-results"
JSON_VERSION = 1


# ----------------------------------------------------------------------------------------------------------------
# CSV


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest round-trip text; 'nan' and 'inf' for the non-finite
    return str(value)


def write_csv(results: Sequence[Result], output: str | Path) -> Path:
    """Write the tidy table of ``results`` to a CSV file (atomically).

    Parameters
    ----------
    results
        The results, one after the other in the table.
    output
        The CSV file.

    Returns
    -------
    Path
        ``output``.
    """
    columns, rows = tidy_table(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_text(row.get(column)) for column in columns])
    output = Path(output)
    with atomic_output(output) as temporary:
        temporary.write_text(buffer.getvalue(), encoding="utf-8")
    return output


# ----------------------------------------------------------------------------------------------------------------
# JSON


def _quantity(values: Any, units: str) -> dict[str, Any]:
    return {"units": units, "values": json_safe(values)}


def _file_data(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": None if result.path is None else str(result.path),
        "label": result.label,
        "kinds": list(result.kinds),
        "camera": result.camera,
        "lens": result.lens,
        "settings": result.settings,
        "channels": list(result.channels),
    }
    if (samples := result.samples) is not None:
        part: dict[str, Any] = {
            "wavelength": _quantity(samples.wavelength, samples.wavelength_units),
            "mean": _quantity(samples.mean, samples.units),
            "std": _quantity(samples.std, samples.units),
            "pixels": samples.pixels,
            "nd": json_safe(samples.nd),
        }
        if samples.exposure_time is not None:
            part["exposure_time"] = _quantity(samples.exposure_time, samples.exposure_time_units)
        for name in ("image_number", "iso", "capture_time"):
            if getattr(samples, name) is not None:
                part[name] = json_safe(getattr(samples, name))
        data["samples"] = part
    if (response := result.response) is not None:
        part = {
            "wavelength": _quantity(response.wavelength, response.wavelength_units),
            "mean": _quantity(response.mean, response.units),
            "std": _quantity(response.std, response.units),
            "scale": json_safe(response.scale),
            "draws": response.draws,
            "r2": json_safe(response.r2),
            "alpha": json_safe(response.alpha),
            "method": response.method,
        }
        if (fit := response.fit) is not None:
            part["fit"] = {
                "wavelength": _quantity(fit.wavelength, fit.wavelength_units),
                "mean": _quantity(fit.mean, fit.units),
                "std": _quantity(fit.std, fit.units),
                "pixels": fit.pixels,
                "estimate_mean": _quantity(fit.estimate_mean, fit.estimate_units),
                "estimate_std": _quantity(fit.estimate_std, fit.estimate_units),
                "draws": fit.draws,
            }
        data["response"] = part
    if (emva := result.emva) is not None:
        part = {"parameters": {item.name: _quantity(item.values, item.units) for item in emva.parameters}}
        if emva.ptc_mean is not None:
            part["ptc_mean"] = _quantity(emva.ptc_mean, emva.ptc_mean_units)
            part["ptc_variance"] = _quantity(emva.ptc_variance, emva.ptc_variance_units)
        if emva.ptc_offset is not None:
            part["ptc_offset"] = json_safe(emva.ptc_offset)
        data["emva1288"] = part
    data["provenance"] = json_safe(result.provenance)
    data["warnings"] = list(result.warnings)
    return data


def to_json_data(results: Sequence[Result]) -> dict[str, Any]:
    """The JSON export of ``results`` as Python data (what :func:`write_json` writes)."""
    return {"format": JSON_FORMAT, "version": JSON_VERSION, "files": [_file_data(result) for result in results]}


def write_json(results: Sequence[Result], output: str | Path) -> Path:
    """Write everything ``results`` hold to a JSON file (atomically); arrays are nested lists, rows first."""
    text = json.dumps(to_json_data(results), ensure_ascii=False, allow_nan=False)
    output = Path(output)
    with atomic_output(output) as temporary:
        temporary.write_text(text + "\n", encoding="utf-8")
    return output


# ----------------------------------------------------------------------------------------------------------------
# XLSX

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    name = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", title)).strip().strip("'")[:31].rstrip() or "sheet"
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _set_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    """Write a value so that it reads back exactly.

    openpyxl writes numbers with 16 significant digits, which loses the last
    digit of some doubles; the value's ``repr`` (17 digits at most, the
    shortest exact text) is stored instead, as a number cell.
    """
    value = plain(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return  # an empty cell: spreadsheets have no NaN
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell._value = repr(value)  # noqa: SLF001 - see the docstring
        cell.data_type = "n"


def _write_rows(sheet: Any, columns: Sequence[str], rows: Sequence[dict[str, Any]] | Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    for index, name in enumerate(columns, start=1):
        sheet.cell(row=1, column=index, value=name).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, min(40, len(name) + 2))
    for row_index, row in enumerate(rows, start=2):
        values = [row.get(column) for column in columns] if isinstance(row, dict) else row
        for column_index, value in enumerate(values, start=1):
            _set_cell(sheet, row_index, column_index, value)
    sheet.freeze_panes = "A2"


def _emva_rows(result: Result) -> list[list[Any]]:
    emva = result.emva
    rows: list[list[Any]] = []
    if emva is None:
        return rows
    for item in emva.parameters:
        rows += [[channel, item.name, None, value, item.units] for channel, value in zip(result.channels, item.values)]
    if emva.ptc_offset is not None:
        rows += [[channel, "ptc_offset", None, value, emva.ptc_variance_units] for channel, value in zip(result.channels, emva.ptc_offset)]
    if emva.ptc_mean is not None and emva.ptc_variance is not None:  # the reader gives both or neither
        for point in range(emva.ptc_mean.shape[0]):
            for column, channel in enumerate(result.channels):
                rows.append([channel, "ptc_mean", point, emva.ptc_mean[point, column], emva.ptc_mean_units])
                rows.append([channel, "ptc_variance", point, emva.ptc_variance[point, column], emva.ptc_variance_units])
    return rows


def write_xlsx(results: Sequence[Result], output: str | Path) -> Path:
    """Write an Excel workbook (atomically): an index sheet, then a sheet per result.

    The ``index`` sheet lists each file with its label, kinds, camera, lens,
    settings and the name of its sheet; each file's sheet holds its tidy
    table (without the ``file`` and ``label`` columns), and a file with EMVA
    1288 data gets a second sheet of it in long form (channel, quantity,
    point, value, units).
    """
    openpyxl = require("openpyxl")
    workbook = openpyxl.Workbook()
    index = workbook.active
    index.title = "index"
    taken = {"index"}
    index_rows = []
    for number, result in enumerate(results, start=1):
        sheet = workbook.create_sheet(_sheet_name(f"{number} {result.name}", taken))
        columns, rows = tidy_table([result])
        _write_rows(sheet, [column for column in columns if column not in ("file", "label")], rows)
        emva_sheet = None
        if result.emva is not None:
            emva_sheet = workbook.create_sheet(_sheet_name(f"{number} EMVA 1288", taken))
            _write_rows(emva_sheet, ["channel", "quantity", "point", "value", "units"], _emva_rows(result))
        index_rows.append(
            [
                sheet.title,
                "" if result.path is None else str(result.path),
                result.label,
                " + ".join(result.kinds),
                result.camera,
                result.lens,
                result.settings,
                ", ".join(result.channels),
                emva_sheet.title if emva_sheet is not None else "",
            ]
        )
    _write_rows(index, ["sheet", "file", "label", "kinds", "camera", "lens", "settings", "channels", "emva1288 sheet"], index_rows)
    # built in memory, then written in one go: openpyxl leaves its zip file open when a write fails (a full
    # disk), and the interpreter would print that file's failed close as a traceback after the error line
    content = io.BytesIO()
    workbook.save(content)
    output = Path(output)
    with atomic_output(output) as temporary:
        temporary.write_bytes(content.getvalue())
    return output


# ----------------------------------------------------------------------------------------------------------------
# By suffix

#: The export formats by suffix.
EXPORT_FORMATS = {".csv": write_csv, ".json": write_json, ".xlsx": write_xlsx}


def _writer(output: Path) -> Any:
    writer = EXPORT_FORMATS.get(output.suffix.lower())
    if writer is None:
        raise BadInput(output, f"unknown export format {output.suffix or '(no suffix)'!r}; use .csv, .json or .xlsx")
    return writer


def export_results(results: Sequence[Result], output: str | Path) -> Path:
    """Write ``results`` to ``output`` in the format its suffix names (``.csv``, ``.json``, ``.xlsx``)."""
    output = Path(output)
    writer = _writer(output)
    if not results:
        raise BadInput(None, "no result files given")
    return writer(results, output)


def export(paths: Sequence[str | Path | Result], output: str | Path) -> Path:
    """``camchar export FILE... -o OUTPUT``: result files as CSV, JSON or XLSX, by the suffix of ``output``.

    Parameters
    ----------
    paths
        Result files (or :class:`Result` objects).
    output
        ``.csv`` (tidy table), ``.json`` (everything) or ``.xlsx`` (a sheet
        per file and an index sheet).

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    BadInput
        For an unknown suffix (checked before any file is read), a file that
        is not a camchar result, or an output that cannot be written.
    """
    output = Path(output)
    _writer(output)
    return export_results([item if isinstance(item, Result) else read_result(item) for item in paths], output)


def export_samples(samples: CameraSamples, output: str | Path, source: str | Path | None = None) -> Path:
    """Write one in-memory :class:`camchar.CameraSamples` as CSV, JSON or XLSX, by the suffix of ``output``.

    What a ``camchar stats`` writer for these formats calls.

    Parameters
    ----------
    samples
        The samples.
    output
        ``.csv``, ``.json`` or ``.xlsx``.
    source
        The file the samples came from, recorded in the ``file`` column.
    """
    output = Path(output)
    _writer(output)
    return export_results([result_from_samples(samples, source)], output)


def export_response(response: CameraResponse, output: str | Path) -> Path:
    """Write one in-memory :class:`camchar.CameraResponse` as CSV, JSON or XLSX, by the suffix of ``output``.

    What a ``camchar response`` writer for these formats calls. The response
    goes through its HDF5 layout (in a temporary folder), so that the export
    holds exactly what ``camchar export`` of the HDF5 file would.

    Parameters
    ----------
    response
        The fitted response, as ``camchar response`` builds it.
    output
        ``.csv``, ``.json`` or ``.xlsx``.
    """
    import tempfile

    output = Path(output)
    _writer(output)
    with tempfile.TemporaryDirectory(prefix="camchar-export-") as folder:
        stored = Path(folder) / "response.h5"
        response.save(stored)
        result = attrs.evolve(read_result(stored), path=None)
    return export_results([result], output)
