"""``camchar response``: the camera's spectral sensitivity from its statistics and the source spectra."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import finite_number, integer_from, option_assignment, output_file
from camchar.cli.batch_flags import add_batch_flags
from camchar.cli.inputs import input_path

HELP = "fit the camera's spectral response from its samples and the measured source spectra"
DESCRIPTION = (
    "Estimate the spectral sensitivity of each channel (ridge regression of the samples on the source "
    "spectra, with a smoothness penalty and a bootstrap), as the original workflow's response step does. "
    "The input is a samples file with --source, or a settings file naming source_spectra."
)


def _positive(text: str) -> float:
    value = finite_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _r2(text: str) -> float:
    value = _positive(text)
    if not value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar response``."""
    parser.add_argument(
        "input",
        nargs="+",
        type=input_path,
        metavar="INPUT",
        help="a samples file (.h5, from camchar stats) or a settings file (.yml); several, or folders (searched for settings files), make a batch",
    )
    parser.add_argument(
        "--source",
        type=Path,
        metavar="SPECTRA",
        help="the source spectra: a file, or a folder (of spectrometer files, turned into spectra as camchar spectra does; "
        "or one a spectra reader claims); default for a settings file: its source_spectra as written, else with .h5 appended",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=output_file,
        help='the output (default: "INPUT response.h5" beside the input); its suffix picks the writer: .h5 the CameraResponse file, '
        ".csv, .json, .xlsx the formats of camchar export; a name without a suffix gets .h5",
    )
    parser.add_argument("--writer", metavar="NAME", help="the writer (default: the one that writes a response with the output's suffix)")
    parser.add_argument("--method", metavar="NAME", help="response method: ridge-smooth (default), ridge, ols, ridge-smooth-gcv, or a plugin's")
    parser.add_argument("--non-negative", action="store_true", help="constrain the response to be non-negative (solved exactly)")
    parser.add_argument("--target-r2", type=_r2, help="the R² the alpha search aims at (ridge, ridge-smooth; default 0.999)")
    parser.add_argument("--bandwidth", type=_positive, metavar="NM", help="smoothing bandwidth in nm (ridge-smooth; default: from the source spectra)")
    parser.add_argument(
        "--source-scale",
        choices=("all", "fitted"),
        default="all",
        help="scale the source spectra by the largest integral of all of them (default, the original's) or of the fitted ones only",
    )
    parser.add_argument(
        "--sample-noise",
        choices=("pixel", "mean"),
        default="pixel",
        help="the noise a bootstrap draw gives each sample: the pixels' temporal noise as the samples file states it (default, "
        "the original's), or the noise of the sample itself, that divided by the square root of the pixels averaged",
    )
    parser.add_argument("--bootstrap", type=integer_from(0, 100_000), default=100, metavar="N", help="bootstrap draws (default 100; 0: one plain fit)")
    parser.add_argument("--seed", type=integer_from(0, 2**63 - 1), help="seed of the bootstrap draws (default: fresh randomness)")
    parser.add_argument("--spectra-reader", metavar="NAME", help="spectra reader (default: the one that can open the source file)")
    parser.add_argument("--option", action="append", default=[], type=option_assignment, metavar="NAME.KEY=VALUE", help="an option of a component (repeatable)")
    add_batch_flags(parser, response=True)


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar response``: one fit as always, or a batch (several inputs, or folders of settings files)."""
    import attrs

    from camchar.cli.batch_flags import batch_options, check_output_dir, inputs_of
    from camchar.cli.common import component_options, host_from
    from camchar.core.errors import BadInput
    from camchar.host.problem import DEFAULT_TARGET_R2
    from camchar.pipeline.ownership import refuse_a_foreign_file
    from camchar.response.run import ResponseOptions, default_output, default_suffix, inputs_from_path, run_response

    if args.output is not None and args.output_dir is not None:
        raise BadInput(None, "-o and --output-dir both given; give one")
    check_output_dir(args.output_dir)
    found = inputs_of(args.input, reporter, "settings or samples file")
    if found.batch and args.output is not None:
        raise BadInput(None, f"-o names one output file, and {len(found.files)} inputs were given; use --output-dir DIR, or leave each its default output")
    host = host_from(args)
    output = args.output if args.output is None or args.output.suffix else args.output.with_name(args.output.name + ".h5")
    options = ResponseOptions(
        output=output or default_output(found.files[0], default_suffix(host.components, args.writer)),
        method=args.method,
        non_negative=args.non_negative,
        target_r2=args.target_r2 if args.target_r2 is not None else DEFAULT_TARGET_R2,
        bandwidth=args.bandwidth,
        source_scale=args.source_scale,
        sample_noise=args.sample_noise,
        draws=args.bootstrap,
        seed=args.seed,
        spectra_reader=args.spectra_reader,
        writer=args.writer,
        options=component_options(args),
    )
    if found.batch:
        from camchar.pipeline.batch import run_step_batch
        from camchar.response.step import ResponseStep

        run_step_batch(ResponseStep(args.source, default_suffix(host.components, args.writer)), found.files, found.names, host.components, options, batch_options(args), reporter)
        return
    inputs = inputs_from_path(found.files[0], args.source)
    if args.output_dir is not None:
        options = attrs.evolve(options, output=args.output_dir / options.output.name)
    if args.output is None:  # the default name, not typed
        refuse_a_foreign_file(options.output, "response")
    run_response(inputs, host.components, options, reporter)
