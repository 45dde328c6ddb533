"""``camchar validate``: check a sweep without decoding it, and report whether ``stats`` would start cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import add_component_flags, output_file

HELP = "check a sweep without computing: settings, components and options, every file's header, output"
DESCRIPTION = (
    "Check everything about a sweep that needs no pixels, and report. Exit 0 when camchar stats would "
    "start cleanly, 2 when it would not."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar validate``."""
    parser.add_argument("settings", type=Path, help="settings YAML file")
    parser.add_argument("-o", "--output", type=output_file, help="output file to check (default: as stats)")
    add_component_flags(parser, "default: as stats")


def run(args: argparse.Namespace, reporter) -> None:
    """Run ``camchar validate``: the report on stdout, problems counted in the error line."""
    from camchar.cli.common import host_from, run_options
    from camchar.core.errors import BadInput
    from camchar.runtime.progress import console as stdout_console
    from camchar.settings.reader import read_settings
    from camchar.stats.validate import validate

    host = host_from(args)
    settings = read_settings(args.settings)
    options = run_options(args)
    with reporter.live():
        report = validate(settings, host.components, options, reporter)
    console = stdout_console()
    if not args.quiet:
        for line in report.lines:
            console.print(line, markup=False)
    for problem in report.problems:
        console.print(f"problem     {problem}", markup=False)
    if report.ok:
        if not args.quiet:
            console.print("ok: camchar stats would start cleanly", markup=False)
        return
    count = len(report.problems)
    raise BadInput(args.settings, f"{count} problem{'s' if count > 1 else ''} found; camchar stats would stop")
