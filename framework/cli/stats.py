"""``camchar stats``: compute per-wavelength mean and temporal noise of a sweep."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import add_component_flags, fraction, integer_from, output_file

HELP = "compute per-wavelength mean and temporal noise of a sweep"
DESCRIPTION = (
    "Select the best frame of each exposure bracket, separate fixed-pattern from temporal noise, "
    "and write the statistics (CameraSamples HDF5, or another format by the output's suffix)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar stats``."""
    parser.add_argument("settings", nargs="?", type=Path, help="settings YAML file")
    parser.add_argument("-i", "--input", type=Path, help="settings YAML file (as the original image_stats)")
    parser.add_argument("-o", "--output", type=output_file, help="output file (default: the image folder's path with .h5 appended)")
    parser.add_argument("--max", type=fraction, help="overexposure threshold, fraction of full scale (default 0.995)")
    add_component_flags(parser)
    parser.add_argument("--workers", type=integer_from(1, 256), help="threads for decoding and arithmetic (default: CPUs, at most 8)")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS|local:N",
        help="run the per-frame work on a dask.distributed cluster: a scheduler's address, or local:N worker processes (needs camchar[dask])",
    )


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar stats``."""
    from camchar.cli.common import host_from, run_options
    from camchar.core.errors import BadInput
    from camchar.settings.reader import read_settings
    from camchar.stats.run import run_stats

    settings_path = args.settings or args.input
    if settings_path is None:
        raise BadInput(None, "no settings file given: camchar stats SETTINGS.yml")
    if args.settings is not None and args.input is not None and args.settings != args.input:
        raise BadInput(None, f"two settings files given ({args.settings} and {args.input}); give one")
    host = host_from(args)
    settings = read_settings(settings_path)
    run_stats(settings, host.components, run_options(args), reporter)
