"""``camchar spectra``: a folder of spectrometer files (one per nominal wavelength) to a MonochromatorSpectra file."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import finite_number, option_assignment, output_file_beside

HELP = "turn a folder of spectrometer files into source spectra (a MonochromatorSpectra file)"
DESCRIPTION = (
    "Dark-correct each spectrometer file, undo its neutral-density filter and rebin it onto a regular grid, as the "
    "original monochromator.py does; the result is the source spectra camchar response reads."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar spectra``."""
    parser.add_argument("folder", type=Path, metavar="FOLDER", help="the folder of spectrometer files, e.g. '500 ND-2.5.txt' (OceanView text)")
    parser.add_argument("-o", "--output", type=output_file_beside, required=True, help="the output (.h5: a MonochromatorSpectra file)")
    parser.add_argument("--range", nargs=2, type=finite_number, metavar=("MIN", "MAX"), default=(250.0, 850.0), help="first and last bin centre in nm (default 250 850)")
    parser.add_argument("--step", type=finite_number, default=1.0, metavar="NM", help="bin spacing in nm (default 1)")
    parser.add_argument(
        "--noise",
        choices=("original", "corrected", "repeats"),
        default="original",
        help="noise estimate: original (the original's: dark noise only, without the ND factor), corrected (dark and shot "
        "noise, ND factor applied), repeats (the spread of 3 or more repeated files; corrected elsewhere); default original",
    )
    parser.add_argument("--reader", metavar="NAME", help="spectrometer reader: oceanview, csv-spectrum, or a plugin's (default: the one that reads the folder's files)")
    parser.add_argument("--writer", metavar="NAME", help="the writer (default: the one that writes spectra with the output's suffix)")
    parser.add_argument("--option", action="append", default=[], type=option_assignment, metavar="NAME.KEY=VALUE", help="an option of a component, e.g. --option oceanview.dark_stop=100 (repeatable)")


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar spectra``."""
    from camchar.cli.common import component_options, host_from
    from camchar.spectra.method import SpectraParameters
    from camchar.spectra.run import SpectraOptions, run_spectra

    output = args.output if args.output.suffix else args.output.with_name(args.output.name + ".h5")
    parameters = SpectraParameters(start=args.range[0], stop=args.range[1], step=args.step, noise=args.noise)
    options = SpectraOptions(output=output, parameters=parameters, reader=args.reader, writer=args.writer, options=component_options(args))
    run_spectra(args.folder, host_from(args).components, options, reporter)
