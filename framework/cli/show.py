"""``camchar show FILE``: what a camchar file holds, as tables, or as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "summarise a result file: what was measured, a table per wavelength, figures of merit, warnings"
DESCRIPTION = (
    "Print a summary of any camchar output (samples, response, EMVA 1288 parameters) or of a file of the "
    "original tools: what was measured, with which components, a table per wavelength, the figures of merit "
    "and the warnings recorded."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar show``."""
    parser.add_argument("file", type=Path, help="a camchar result file (.h5)")
    parser.add_argument("--json", action="store_true", help="print the same as JSON")


def run(args: argparse.Namespace, reporter) -> None:
    """Print the summary on stdout."""
    from camchar.files.colour_h5 import is_colour_file
    from camchar.results.colour_summary import show_colour
    from camchar.results.summary import show
    from camchar.runtime.progress import console

    if is_colour_file(args.file):
        show_colour(args.file, console(), as_json=args.json)
    else:
        show(args.file, console(), as_json=args.json)
