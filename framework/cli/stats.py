"""``camchar stats``: compute per-wavelength mean and temporal noise of a sweep."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from camchar.cli.arguments import add_component_flags, fraction, integer_from, output_file
from camchar.cli.batch_flags import add_batch_flags
from camchar.cli.inputs import input_path

if TYPE_CHECKING:  # pragma: no cover - types only
    from camchar.host.manager import Host
    from camchar.runtime.progress import Reporter
    from camchar.stats.options import RunOptions

HELP = "compute per-wavelength mean and temporal noise of a sweep"
DESCRIPTION = (
    "Select the best frame of each exposure bracket, separate fixed-pattern from temporal noise, "
    "and write the statistics (CameraSamples HDF5, or another format by the output's suffix)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar stats``."""
    parser.add_argument(
        "settings",
        nargs="*",
        type=input_path,
        metavar="SETTINGS",
        help="settings YAML file; several, or folders (searched for settings files), make a batch that skips sweeps whose output is up to date",
    )
    parser.add_argument("-i", "--input", type=Path, help="settings YAML file (as the original image_stats)")
    parser.add_argument("-o", "--output", type=output_file, help="output file (default: the settings' output:, else the image folder's path with .h5 appended)")
    parser.add_argument("--max", type=fraction, help="overexposure threshold, fraction of full scale (default 0.995)")
    add_component_flags(parser)
    parser.add_argument("--workers", type=integer_from(1, 256), help="threads for decoding and arithmetic (default: CPUs, at most 8)")
    add_batch_flags(parser)
    parser.add_argument(
        "--checksum",
        action="store_true",
        help="record each input file's SHA-256 in the output; a batch then compares contents, not modification times",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS|local:N",
        help="run the per-frame work on a dask.distributed cluster: a scheduler's address, or local:N worker processes (needs camchar[dask])",
    )


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar stats``: one sweep as always, or a batch (several settings files, or folders)."""
    import attrs

    from camchar.cli.batch_flags import batch_options, check_output_dir, inputs_of
    from camchar.cli.common import host_from, run_options
    from camchar.core.errors import BadInput

    arguments = list(args.settings)
    if args.input is not None:
        if len(arguments) == 1 and arguments[0] != args.input:
            raise BadInput(None, f"two settings files given ({arguments[0]} and {args.input}); give one")
        if len(arguments) > 1:
            raise BadInput(None, "-i takes one settings file; give several settings files without -i")
        arguments = [args.input]
    if not arguments:
        raise BadInput(None, "no settings file given: camchar stats SETTINGS.yml")
    if args.output is not None and args.output_dir is not None:
        raise BadInput(None, "-o and --output-dir both given; give one")
    check_output_dir(args.output_dir)
    found = inputs_of(arguments, reporter)
    if found.batch and args.output is not None:
        raise BadInput(None, f"-o names one output file, and {len(found.files)} sweeps were given; use --output-dir DIR, or leave each sweep its default output")
    if args.scheduler is not None and args.jobs > 1:
        raise BadInput(None, "--scheduler and --jobs both spread the work: with a cluster, its workers do it; give one of them")
    host = host_from(args)
    options = attrs.evolve(run_options(args), checksum=args.checksum)
    if not found.batch:
        _run_one(found.files[0], host, options, args.output_dir, reporter)
        return
    from camchar.pipeline.batch import run_step_batch
    from camchar.runtime.cluster import scheduler_for_batch
    from camchar.stats.step import STATS

    with scheduler_for_batch(options.scheduler, reporter) as address:
        run_step_batch(STATS, found.files, found.names, host.components, attrs.evolve(options, scheduler=address), batch_options(args), reporter)


def _run_one(settings_path: Path, host: Host, options: RunOptions, output_dir: Path | None, reporter: Reporter) -> None:
    """One sweep, computed whether or not its output is up to date (as ``camchar stats`` always has)."""
    import attrs

    from camchar.pipeline.ownership import refuse_a_foreign_file
    from camchar.settings.reader import read_settings
    from camchar.stats.plan import output_path
    from camchar.stats.run import run_stats

    settings = read_settings(settings_path)
    if output_dir is not None:  # the folder typed, the name from the settings
        output = output_dir / output_path(settings, options).name
        refuse_a_foreign_file(output, "samples")
        options = attrs.evolve(options, output=output)
    run_stats(settings, host.components, options, reporter)
