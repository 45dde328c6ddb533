"""``camchar export FILE... -o OUT``: result files rewritten by a writer (a tidy CSV, JSON, an Excel workbook, or a plugin's)."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import output_file

HELP = "export result files as a tidy CSV, JSON, an Excel workbook or a plugin writer's format (by the output's suffix)"
DESCRIPTION = (
    "Export result files through the writers: .csv is a tidy table (one row per file, wavelength and channel, units in "
    "the column names), .json holds everything, .xlsx has a sheet per file and an index sheet (needs camchar[xlsx]); "
    "a plugin's writer of samples or responses serves here too. Values are written to the last digit."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar export``."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="result files (.h5)")
    parser.add_argument("-o", "--output", type=output_file, required=True, help="the export; its suffix picks the writer (.csv, .json, .xlsx, or a plugin's)")
    parser.add_argument("--writer", metavar="NAME", help="the writer (default: the one that claims the output's suffix)")


def run(args: argparse.Namespace, reporter) -> None:
    """Write the export."""
    from camchar.cli.common import host_from
    from camchar.pipeline.export import export_files

    written, writer = export_files(args.files, args.output, host_from(args).components, args.writer)
    reporter.summary(f"wrote {written} with writer {writer} ({len(args.files)} file{'s' if len(args.files) != 1 else ''})")
