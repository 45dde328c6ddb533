"""``camchar colour RESPONSE.h5``: the camera RGB to CIE XYZ matrix and the ACES IDT, with their uncertainty."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import integer_from, output_file

HELP = "the camera's colour matrices (RGB to CIE XYZ, the ACES IDT) from its response, with their uncertainty"
DESCRIPTION = (
    "Fit the matrix from white-balanced camera RGB to ACES2065-1 (the IDT of P-2013-001, as rawtoaces and "
    "colour-science's matrix_idt define it) and to CIE XYZ, for an illuminant and a training set of colours, "
    "with the standard deviation of each element from the response's bootstrap draws and the ΔE2000 of the "
    "training colours. Needs colour-science: pip install 'camchar[colour]'."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar colour``."""
    parser.add_argument("response", type=Path, metavar="RESPONSE", help="a response file (.h5, from camchar response)")
    parser.add_argument("-o", "--output", type=output_file, help='the colour file (.h5; default: "RESPONSE colour.h5" beside the response)')
    parser.add_argument("--illuminant", default="D65", metavar="D65|A|D50|FILE", help="the scene's illuminant, or a CSV file of wavelength (nm), power (default D65)")
    parser.add_argument(
        "--training",
        choices=("rawtoaces", "colorchecker"),
        default="rawtoaces",
        help="the training colours: rawtoaces' 190 reflectances (default, as matrix_idt) or the 24 of the ColorChecker (ISO 17321-1)",
    )
    parser.add_argument(
        "--draws",
        type=integer_from(0, 1000),
        default=100,
        metavar="N",
        help="fit the first N bootstrap draws of the response for the uncertainty (default 100, about 0.5 s each; 0: none)",
    )


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar colour``."""
    from camchar.colour.run import ColourOptions, default_output, run_colour

    output = args.output or default_output(args.response)
    run_colour(args.response, ColourOptions(output, args.illuminant, args.training, args.draws), reporter)
