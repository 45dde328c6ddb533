"""The original workflow's Excel collation of responses (``response_to_excel.py``): one sheet per response.

Each sheet holds, in rows 1-4, ``Camera``, ``Lens``, ``Settings`` and ``Units``
with their values in column B; in row 5 the header ``Wavelength, Red, Green,
Blue, std(Red), std(Green), std(Blue)``; from row 6 the response on its own grid;
and a chart of the three curves against wavelength. Numbers are written to their
last digit, as every camchar workbook is.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Sequence

from camchar.core.errors import BadInput
from camchar.files.atomic import atomic_output
from camchar.results._optional import require
from camchar.results.exporters import _set_cell, _sheet_name

__all__ = ["COLLATION_HEADER", "write_response_workbook"]

#: Row 5 of every sheet.
COLLATION_HEADER = ("Wavelength", "Red", "Green", "Blue", "std(Red)", "std(Green)", "std(Blue)")
#: The first row of data.
FIRST_DATA_ROW = 6


def write_response_workbook(responses: Sequence[Any], output: str | Path) -> Path:
    """Write ``responses`` (:class:`~camchar.api.CameraResponse`) as the original's collation, a sheet each (atomically).

    Raises
    ------
    BadInput
        When a response has not three channels, or openpyxl is not installed.
    """
    openpyxl = require("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for number, response in enumerate(responses, start=1):
        if response.mean.shape[1] != 3:
            raise BadInput(output, f"the collation holds Red, Green and Blue, and response {number} has {response.mean.shape[1]} channels")
        title = response.label or response.camera or f"response {number}"
        _write_sheet(workbook.create_sheet(_sheet_name(title, taken)), response)
    content = io.BytesIO()
    workbook.save(content)  # in memory first: see write_xlsx
    output = Path(output)
    with atomic_output(output) as temporary:
        temporary.write_bytes(content.getvalue())
    return output


def _write_sheet(sheet: Any, response: Any) -> None:
    """One response's sheet: the four metadata rows, the header, the data and the chart."""
    from openpyxl.styles import Font

    for row, (name, value) in enumerate((("Camera", response.camera), ("Lens", response.lens), ("Settings", response.settings), ("Units", response.units)), start=1):
        sheet.cell(row=row, column=1, value=name).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value or "")
    for column, name in enumerate(COLLATION_HEADER, start=1):
        sheet.cell(row=FIRST_DATA_ROW - 1, column=column, value=name).font = Font(bold=True)
    for offset, wavelength in enumerate(response.wl):
        row = FIRST_DATA_ROW + offset
        values = [wavelength, *response.mean[offset], *response.std[offset]]
        for column, value in enumerate(values, start=1):
            _set_cell(sheet, row, column, float(value))
    sheet.add_chart(_chart(sheet, len(response.wl), response), "I2")


def _chart(sheet: Any, rows: int, response: Any) -> Any:
    """An XY chart with straight lines: Red, Green and Blue against wavelength."""
    from openpyxl.chart import Reference, ScatterChart, Series

    chart = ScatterChart()
    chart.title = response.label or response.camera or "response"
    chart.style = 13
    chart.x_axis.title = "Wavelength"
    chart.y_axis.title = response.units or ""
    last = FIRST_DATA_ROW + rows - 1
    wavelengths = Reference(sheet, min_col=1, min_row=FIRST_DATA_ROW, max_row=last)
    for column in (2, 3, 4):
        values = Reference(sheet, min_col=column, min_row=FIRST_DATA_ROW - 1, max_row=last)
        series = Series(values, wavelengths, title_from_data=True)
        series.marker.symbol = "none"
        chart.series.append(series)
    return chart
