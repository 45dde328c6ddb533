"""``camchar export FILE... -o OUT``: result files as a tidy CSV, JSON or an Excel workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "export result files as a tidy CSV, JSON or an Excel workbook (by the output's suffix)"
DESCRIPTION = (
    "Export result files: .csv is a tidy table (one row per file, wavelength and channel, units in the "
    "column names), .json holds everything, .xlsx has a sheet per file and an index sheet (needs "
    "camchar[xlsx]). Values are written to the last digit."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar export``."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="result files (.h5)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the export, .csv, .json or .xlsx")


def run(args: argparse.Namespace, reporter) -> None:
    """Write the export."""
    from camchar.results.exporters import export

    written = export(args.files, args.output)
    reporter.summary(f"wrote {written} ({len(args.files)} file{'s' if len(args.files) != 1 else ''})")
