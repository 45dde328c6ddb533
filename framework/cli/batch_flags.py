"""What ``camchar stats`` and ``camchar response`` share for many inputs: the batch flags, finding the inputs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from camchar.cli.arguments import integer_from
from camchar.cli.inputs import Found, find_settings_files

if TYPE_CHECKING:  # pragma: no cover - types only; the command line imports the batch machinery when it runs one
    from camchar.runtime.progress import Reporter
    from camchar.runtime.tasks import BatchOptions

__all__ = ["add_batch_flags", "batch_options", "inputs_of", "check_output_dir"]

def add_batch_flags(parser: argparse.ArgumentParser, response: bool = False) -> None:
    """``--jobs``, ``--force`` and ``--output-dir`` (for ``camchar response`` when ``response``)."""
    noun, threads, footprint = (
        ("fits", "BLAS threads", "a fit's estimated peak memory (320 MiB)")
        if response
        else ("sweeps", "worker threads unless --workers says otherwise", "the largest sweep's estimated peak memory")
    )
    parser.add_argument(
        "--jobs",
        type=integer_from(1, 256),
        default=1,
        metavar="N",
        help=f"run up to N {noun} at once in worker processes (default 1: one after the other); each gets CPUs/N {threads}; "
        f"N x {footprint} must fit in 80%% of the available memory, else fewer run at once",
    )
    parser.add_argument("--force", action="store_true", help=f"in a batch, compute every one of the {noun}, even those whose output is up to date")
    parser.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write the outputs into this existing folder, keeping their paths below the folder the default outputs share",
    )


def batch_options(args: argparse.Namespace) -> BatchOptions:
    """The batch's options from the flags."""
    from camchar.runtime.tasks import BatchOptions

    return BatchOptions(
        jobs=args.jobs,
        force=args.force,
        output_dir=args.output_dir,
        plugins=tuple(args.plugin),
        disabled=tuple(args.no_plugin),
        debug=args.debug,
    )


def inputs_of(arguments: Sequence[Path], reporter: Reporter, what: str = "settings file") -> Found:
    """The settings files the arguments name, with a note for each YAML file skipped.

    Raises
    ------
    BadInput
        When the arguments name no settings file at all, or ``--output-dir`` is not a folder.
    """
    from camchar.core.errors import BadInput

    found = find_settings_files(arguments)
    for note in found.notes:
        reporter.summary(note)
    if not found.files:
        raise BadInput(None, f"no {what} found in {', '.join(str(argument) for argument in arguments)}")
    return found


def check_output_dir(folder: Path | None) -> None:
    """:class:`BadInput` unless ``--output-dir`` (when given) is an existing folder."""
    from camchar.core.errors import BadInput

    if folder is not None and not folder.is_dir():
        raise BadInput(folder, "output folder (--output-dir) " + ("is not a folder" if folder.exists() else "does not exist"))
