"""``camchar response``: the camera's spectral sensitivity from its statistics and the source spectra."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import integer_from, option_assignment, output_file

HELP = "fit the camera's spectral response from its samples and the measured source spectra"
DESCRIPTION = (
    "Estimate the spectral sensitivity of each channel (ridge regression of the samples on the source "
    "spectra, with a smoothness penalty and a bootstrap), as the original workflow's response step does. "
    "The input is a samples file with --source, or a settings file naming source_spectra."
)


def _positive(text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _r2(text: str) -> float:
    value = _positive(text)
    if not value < 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar response``."""
    parser.add_argument("input", type=Path, help="a samples file (.h5, from camchar stats) or a settings file (.yml)")
    parser.add_argument("--source", type=Path, help="the source spectra file (default for a settings file: its source_spectra + .h5)")
    parser.add_argument("-o", "--output", type=output_file, help='the CameraResponse file (default: "INPUT response.h5" beside the input)')
    parser.add_argument("--method", metavar="NAME", help="response method: ridge-smooth (default), ridge, ols, ridge-smooth-gcv, or a plugin's")
    parser.add_argument("--non-negative", action="store_true", help="constrain the response to be non-negative (solved exactly)")
    parser.add_argument("--target-r2", type=_r2, help="the R² the alpha search aims at (ridge, ridge-smooth; default 0.999)")
    parser.add_argument("--bandwidth", type=_positive, metavar="NM", help="smoothing bandwidth in nm (ridge-smooth; default: from the source spectra)")
    parser.add_argument("--bootstrap", type=integer_from(0, 100_000), default=100, metavar="N", help="bootstrap draws (default 100; 0: one plain fit)")
    parser.add_argument("--seed", type=integer_from(0, 2**63 - 1), help="seed of the bootstrap draws (default: fresh randomness)")
    parser.add_argument("--spectra-reader", metavar="NAME", help="spectra reader (default: the one that can open the source file)")
    parser.add_argument("--option", action="append", default=[], type=option_assignment, metavar="NAME.KEY=VALUE", help="an option of a component (repeatable)")


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar response``."""
    from camchar.cli.common import component_options, host_from
    from camchar.response.problem import DEFAULT_TARGET_R2
    from camchar.response.run import ResponseInputs, ResponseOptions, inputs_from_settings, run_response
    from camchar.settings.reader import read_settings

    host = host_from(args)
    if args.input.suffix.lower() in (".yml", ".yaml"):
        settings = read_settings(args.input)
        inputs = inputs_from_settings(settings, args.source)
        default_output = settings.path.with_name(settings.path.stem + " response.h5")
    else:
        if args.source is None:
            from camchar.core.errors import BadInput

            raise BadInput(None, "no source spectra given: camchar response SAMPLES.h5 --source SPECTRA.h5 (or give a settings file)")
        inputs = ResponseInputs(args.input, args.source)
        default_output = args.input.with_name(args.input.stem + " response.h5")
    options = ResponseOptions(
        output=args.output or default_output,
        method=args.method,
        non_negative=args.non_negative,
        target_r2=args.target_r2 if args.target_r2 is not None else DEFAULT_TARGET_R2,
        bandwidth=args.bandwidth,
        draws=args.bootstrap,
        seed=args.seed,
        spectra_reader=args.spectra_reader,
        options=component_options(args),
    )
    run_response(inputs, host.components, options, reporter)
