"""``camchar plot FILE... [-o OUT]``: publication-quality figures of one or several result files."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import output_file

HELP = "draw figures of one or several result files (PNG, SVG or PDF; needs camchar[plot])"
DESCRIPTION = (
    "Draw the figures of result files: samples (mean and noise, SNR, selected exposure), a response "
    "(sensitivity with its band, fit, residuals), EMVA 1288 (photon transfer), colour (the matrices with their "
    "std, the training colours' ΔE2000). Several files are drawn on one figure for comparison. The output's "
    "suffix picks the format."
)

KINDS = ("samples", "response", "emva1288")  # camchar.results.model.KINDS, not imported here: --help stays fast


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar plot``."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="result files (.h5)")
    parser.add_argument("-o", "--output", type=output_file, help="figure file, .png, .svg or .pdf (default: the first file with .png)")
    parser.add_argument("--kind", choices=KINDS, help="which figures when a file holds several kinds (default: the files' main kind)")


def run(args: argparse.Namespace, reporter) -> None:
    """Draw and save the figure."""
    from camchar.results.colour_figures import plot_files

    output = args.output or args.files[0].with_suffix(".png")
    written = plot_files(args.files, output, kind=args.kind)
    reporter.summary(f"wrote {written}")
