"""What an output that nobody typed may replace: only camchar's own output of the same result.

An output named by a settings file (``output:``), or derived from it (the
image folder's path with ``.h5``, ``"INPUT response.h5"``, a name under
``--output-dir``), was not typed by the user for this run: a settings file
from someone else, or a typo, must not replace an unrelated file. Such an
output may replace an existing file only when that file is recognisably
camchar's output of the same result (samples or response):

- an HDF5 file (by its signature, whatever its suffix) with camchar's
  provenance group ``/camchar`` and the datasets of that result; the
  original ``image_stats``'s files and other tools' HDF5 files have no
  ``/camchar`` group;
- a CSV file whose header is camchar's tidy table (``file,label,table,...``)
  and whose first row is of that result's table;
- a JSON file of ``"format": "camchar-results"`` whose first file holds that result;
- an Excel workbook whose first sheet is camchar's ``index`` and whose first
  file holds that result.

Anything else (another format, a third-party writer's output, a file camchar
cannot read) is refused: remove it, or name the output with ``-o`` (typed,
it keeps its own rules).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from camchar.core.errors import BadInput

__all__ = ["output_result", "refuse_a_foreign_file"]

#: The first bytes of every HDF5 file camchar writes (no user block).
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
#: The first columns of camchar's tidy table (CSV exports).
_CSV_HEADER = ["file", "label", "table"]
#: How camchar's JSON export begins.
_JSON_START = b'{"format": "camchar-results"'
#: The most bytes read to recognise a CSV file's header and first row.
_CSV_PEEK = 1 << 16


#: A result's name in messages, where it differs.
_RESULT_WORDS = {"spectra": "source spectra"}


def refuse_a_foreign_file(output: Path, result: str) -> None:
    """Refuse to replace an existing ``output`` that is not camchar's own output of ``result``.

    Parameters
    ----------
    output
        The output, named by a settings file or derived from one (not typed with ``-o``).
    result
        What the run writes: ``samples`` or ``response``.

    Raises
    ------
    BadInput
        When a file exists at ``output`` and is anything but camchar's output of ``result``.
    """
    output = Path(output)
    if not output.is_file():
        return  # nothing to replace; a folder or a device is refused by the output checks
    found = output_result(output)
    if found == result:
        return
    if found is not None:
        what = f"is camchar's {_RESULT_WORDS.get(found, found)} output, not {result}"
    elif _is_hdf5(output):
        what = "is an HDF5 file camchar did not write (no /camchar group: the original image_stats's, or another tool's)"
    else:
        what = "is not an output camchar wrote"
    raise BadInput(
        output,
        f"exists and {what}; an output named by the settings replaces only camchar's own {result} output: "
        "move the file away, or give -o to replace it",
    )


def output_result(path: Path) -> str | None:
    """The result camchar wrote in ``path`` (``samples``, ``response``, ``spectra``), or ``None`` when it is not camchar's output.

    Never raises: a file that cannot be read is not recognised.
    """
    try:
        with open(path, "rb") as handle:
            start = handle.read(_CSV_PEEK)
    except OSError:
        return None
    try:
        if start.startswith(_HDF5_SIGNATURE):
            return _hdf5_result(path)
        if start.startswith(_JSON_START):
            return _json_result(path)
        if zipfile.is_zipfile(path):
            return _workbook_result(path)
        return _csv_result(start)
    except Exception:  # noqa: BLE001 - any file at all may be there: what cannot be read is not recognised
        return None


def _is_hdf5(path: Path) -> bool:
    """Whether ``path`` begins as an HDF5 file does."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_HDF5_SIGNATURE)) == _HDF5_SIGNATURE
    except OSError:
        return False


def _hdf5_result(path: Path) -> str | None:
    """``samples``, ``response`` or ``spectra`` for an HDF5 file with camchar's provenance group; ``None`` otherwise."""
    import h5py

    from camchar.files.hdf5_values import PROVENANCE_GROUP, RESPONSE, SAMPLES, SPECTRA, file_kinds

    with h5py.File(path, "r") as f:
        if not isinstance(f.get(PROVENANCE_GROUP), h5py.Group):
            return None
        kinds = file_kinds(f)
    return next((kind for kind in (RESPONSE, SPECTRA, SAMPLES) if kind in kinds), None)


def _json_result(path: Path) -> str | None:
    """The result of the first file of camchar's JSON export."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return _result_of_kinds(data["files"][0]["kinds"])


def _workbook_result(path: Path) -> str | None:
    """The result of the first file listed in camchar's ``index`` sheet (the first sheet)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        if workbook.sheetnames[0] != "index":
            return None
        header, first = list(workbook["index"].iter_rows(min_row=1, max_row=2, values_only=True))
        return _result_of_kinds(str(first[list(header).index("kinds")]).split(", "))
    finally:
        workbook.close()


def _csv_result(start: bytes) -> str | None:
    """The table of the first row of camchar's tidy CSV table: ``samples`` or ``response``."""
    lines = start.split(b"\n", 2)[:2]
    header, first = csv.reader(io.StringIO(b"\n".join(lines).decode("utf-8", "replace")))
    if header[: len(_CSV_HEADER)] != _CSV_HEADER:
        return None
    table = first[header.index("table")]
    return table if table in ("samples", "response") else None


def _result_of_kinds(kinds: object) -> str | None:
    """``response`` when the kinds of a file include it, else ``samples`` when they do."""
    if not isinstance(kinds, list):
        return None
    return next((result for result in ("response", "samples") if result in kinds), None)
