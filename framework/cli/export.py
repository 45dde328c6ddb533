"""``camchar export FILE... -o OUT``: result files rewritten by a writer (a tidy CSV, JSON, an Excel workbook, or a plugin's)."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import option_assignment, output_file

HELP = "export result files as a tidy CSV, JSON, an Excel workbook or a plugin writer's format (by the output's suffix)"
DESCRIPTION = (
    "Export result files through the writers: .csv is a tidy table (one row per file, wavelength and channel, units in "
    "the column names), .json holds everything, .xlsx has a sheet per file and an index sheet (needs camchar[xlsx]); "
    "a plugin's writer of samples or responses serves here too. Values are written to the last digit. "
    "A response also exports, by --format NAME, for the tools that use it: rawtoaces (.json), colour (.csv, for "
    "colour-science), mica (.csv, micaToolbox), dcamprof (.json) and response-xlsx (the original's collation, a sheet "
    "per response); a suffix shared by several formats picks camchar's own (.json: json, .csv: csv, .xlsx: xlsx)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar export``."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="result files (.h5)")
    parser.add_argument("-o", "--output", type=output_file, required=True, help="the export; its suffix picks the writer (.csv, .json, .xlsx, or a plugin's)")
    parser.add_argument(
        "--format",
        "--writer",
        dest="writer",
        metavar="NAME",
        help="the format: a writer's name, e.g. rawtoaces, colour, mica, dcamprof, response-xlsx (default: camchar's format of the output's suffix)",
    )
    parser.add_argument("--option", action="append", default=[], type=option_assignment, metavar="NAME.KEY=VALUE", help="an option of the writer, e.g. --option mica.start=400 (repeatable)")


def run(args: argparse.Namespace, reporter) -> None:
    """Write the export."""
    from camchar.cli.common import component_options, host_from
    from camchar.pipeline.export import export_files

    written, writer = export_files(args.files, args.output, host_from(args).components, args.writer, component_options(args))
    reporter.summary(f"wrote {written} with writer {writer} ({len(args.files)} file{'s' if len(args.files) != 1 else ''})")
