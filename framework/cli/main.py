"""The ``camchar`` command line: parse, run one command, report the outcome in one line.

Exit status: 0 success, 2 bad input (one line naming the file and the
problem), 1 a bug in camchar or in a plugin's component (one line naming it;
rerun with ``--debug`` for the traceback), 130 interrupted. Each command is
a module of this package with ``HELP``, ``DESCRIPTION``, ``add_arguments``
and ``run``; the heavy imports happen inside ``run``, so that ``--help`` and
``--version`` answer at once. ``docs/cli.md`` documents every command and flag.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading
import traceback
import warnings
from typing import NoReturn, Sequence

from camchar._version import __version__
from camchar.cli.arguments import add_common
from camchar.numerics import fast_path
from camchar.runtime.interrupts import interrupting

__all__ = ["main", "build_parser", "COMMANDS"]

#: The commands, each a module ``camchar.cli.<name>``, in the order ``--help`` lists them.
COMMANDS = ("stats", "validate", "spectra", "response", "colour", "show", "plot", "report", "export", "simulate", "demo", "plugins")


class UsageError(Exception):
    """A command line that does not parse: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage block."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("camchar").strip()
        raise UsageError(f"{command + ': ' if command else ''}{message} (see {self.prog} --help)")


class _Terminated(BaseException):
    """SIGTERM arrived; unwinds like Ctrl-C so that temporary files are removed."""


class _Version(argparse.Action):
    """``--version``: camchar's version, and whether numba's fast path is there (looked up only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: str = argparse.SUPPRESS, help: str | None = None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None) -> NoReturn:
        print(f"camchar {__version__}\n{fast_path.describe()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``camchar`` and its commands."""
    parser = _Parser(
        prog="camchar",
        description="Camera characterisation: per-wavelength mean and temporal noise from monochromator sweeps.",
    )
    parser.add_argument("--version", action=_Version, help="show camchar's version and the path its arithmetic takes, and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"camchar.cli.{name}")
        command = commands.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(command)
        add_common(command)
        command.set_defaults(handler=module.run)
    return parser


_on_sigint = interrupting(lambda signum: KeyboardInterrupt())
_on_sigterm = interrupting(lambda signum: _Terminated())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``camchar`` command line.

    Parameters
    ----------
    argv
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status.
    """
    in_main_thread = _in_main_thread()
    previous = (signal.signal(signal.SIGINT, _on_sigint), signal.signal(signal.SIGTERM, _on_sigterm)) if in_main_thread else None
    reporter = None
    debug = False
    try:
        args = build_parser().parse_args(argv)
        debug = args.debug
        from camchar.runtime.progress import Reporter  # after parsing: --help and --version need no rich

        reporter = Reporter(quiet=args.quiet)
        if not debug:
            # tifffile logs every unreadable tag of a damaged file; camchar reports the file once instead
            logging.getLogger("tifffile").setLevel(logging.CRITICAL)
        with warnings.catch_warnings():
            _show_warnings_through(reporter, debug)
            args.handler(args, reporter)
        return 0
    except UsageError as error:
        _print_error(reporter, str(error), False)
        return 2
    except BrokenPipeError:
        # whoever read stdout stopped reading (camchar plugins | head -1): nothing more to say to anyone
        from camchar.runtime.progress import silence

        silence(sys.stdout)
        return 0
    except (KeyboardInterrupt, _Terminated):
        _print_error(reporter, "interrupted; any existing output file is unchanged", debug)
        return 130
    except Exception as exc:  # the outcome of every failure is one line
        return _report_failure(reporter, exc, debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])


def _report_failure(reporter, exc: Exception, debug: bool) -> int:
    """One line for a failure, and its exit status: 2 bad input, 1 a bug (camchar's or a plugin's)."""
    from camchar.core.errors import BadInput, PluginError, environment_problem

    exc = environment_problem(exc) or exc
    if isinstance(exc, BadInput):
        _print_error(reporter, exc.message, debug)
        return 2
    hint = "" if debug else "; rerun with --debug for the traceback"
    if isinstance(exc, PluginError):
        whose = "please report it to camchar" if exc.built_in else "a bug in that plugin: report it to its authors"
        _print_error(reporter, f"{exc.message} ({whose}{hint})", debug)
        return 1
    _print_error(reporter, f"internal error: {type(exc).__name__}: {exc} (please report it{hint})", debug)
    return 1


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _show_warnings_through(reporter, debug: bool) -> None:
    """Show camchar's warnings as one line each; library warnings only with ``--debug``."""
    from camchar.core.errors import CamcharWarning

    warnings.simplefilter("default" if debug else "ignore")
    warnings.simplefilter("always", CamcharWarning)

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = str(message) if issubclass(category, CamcharWarning) else f"{category.__name__}: {message} ({filename}:{lineno})"
        reporter.warning(text)

    warnings.showwarning = show


def _print_error(reporter, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    if reporter is None:  # interrupted before the reporter existed
        sys.stderr.write(f"camchar: error: {message}\n")
        return
    reporter.line(f"camchar: error: {message}", markup=False)


if __name__ == "__main__":
    sys.exit(main())
