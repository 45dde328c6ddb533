"""Writer ``response-xlsx``: the original workflow's Excel collation of responses (``response_to_excel.py``).

``camchar export R1.h5 R2.h5 --format response-xlsx -o all.xlsx``: one sheet per
response, rows 1-4 ``Camera``, ``Lens``, ``Settings``, ``Units``, row 5
``Wavelength, Red, Green, Blue, std(Red), std(Green), std(Blue)``, the data from
row 6 and a chart. ``.xlsx`` alone still picks the tidy workbook of ``xlsx``,
which takes any result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from camchar.api import BadInput, CameraResponse, Writer, hookimpl
from camchar.api.files import require, write_response_workbook

__all__ = ["ResponseXlsxWriter"]


class ResponseXlsxWriter(Writer):
    """Write responses as the original's workbook: a sheet each, with their metadata and a chart."""

    name = "response-xlsx"
    description = "Excel collation of responses as the original's response_to_excel.py: a sheet and a chart each (needs camchar[xlsx])"
    results = ("response",)
    combines = True

    def check(self, path: Path) -> None:
        """Refuse an output that is not ``.xlsx``, or a missing openpyxl, naming the output."""
        if Path(path).suffix.lower() != ".xlsx":
            raise BadInput(path, f"writer '{self.name}' writes .xlsx files: give the output the suffix .xlsx")
        try:
            require("openpyxl")
        except BadInput as missing:
            raise BadInput(path, missing.message) from None

    def write(self, result: CameraResponse, path: Path) -> None:
        """Write one response ``result`` as a workbook of one sheet."""
        write_response_workbook([result], path)

    def write_files(self, paths: Sequence[Path], path: Path) -> None:
        """Write the responses in ``paths`` into one workbook, a sheet each, in the order given."""
        write_response_workbook([CameraResponse(source) for source in paths], path)


@hookimpl
def camchar_register_writers(register):
    """Register the ``response-xlsx`` writer."""
    register(ResponseXlsxWriter())
