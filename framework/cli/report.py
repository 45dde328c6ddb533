"""``camchar report FILE... -o report.html``: one self-contained HTML page with summaries, figures and provenance."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import output_file

HELP = "write a self-contained HTML report of result files (needs camchar[plot])"
DESCRIPTION = (
    "Write one HTML page (no network: figures inline as SVG, styles inline) with the summary, the figures and "
    "the provenance of each file; readable on a phone and in print."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar report``."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="result files (.h5)")
    parser.add_argument("-o", "--output", type=output_file, default=Path("report.html"), help="the HTML file (default report.html)")


def run(args: argparse.Namespace, reporter) -> None:
    """Write the report."""
    from camchar.results.colour_report import write_report

    written = write_report(args.files, args.output)
    reporter.summary(f"wrote {written} ({len(args.files)} file{'s' if len(args.files) != 1 else ''})")
