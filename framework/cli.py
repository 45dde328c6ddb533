"""The ``camchar`` command line: a thin shell over :mod:`camchar.pipeline`.

Exit status: 0 success, 2 bad input (one line naming the file and the
problem), 1 an internal error (rerun with ``--debug`` for the traceback),
130 interrupted. ``docs/cli.md`` documents every command and flag.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import traceback
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Callable, Sequence

from rich.console import Console

from camchar._version import __version__
from camchar.errors import BadInput, CamcharWarning
from camchar.frames import Region
from camchar.manager import build_host
from camchar.pipeline import DEFAULTS, RunOptions, run_stats
from camchar.progress import Reporter
from camchar.settings import read_settings

__all__ = ["main", "build_parser"]


class _Terminated(Exception):
    """SIGTERM arrived; unwinds like Ctrl-C so that temporary files are removed."""


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _integer_from(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    return convert


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT such as 96x64, got {text!r}") from None
    if width < 2 or height < 2:
        raise argparse.ArgumentTypeError(f"size must be at least 2x2, got {text!r}")
    return width, height


def _region(text: str) -> Region:
    try:
        x, y, w, h = (int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"region must be x,y,w,h such as 16,8,64,48, got {text!r}") from None
    return Region(x, y, w, h)


def _parsed(parse: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``camchar`` and its commands."""
    from camchar.simulate import parse_exposures, parse_wavelengths

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="print nothing but errors")
    common.add_argument("--debug", action="store_true", help="show tracebacks and library warnings")
    common.add_argument("--plugin", action="append", default=[], metavar="MODULE", help="also load this module as a plugin, for this run (repeatable)")
    common.add_argument("--no-plugin", action="append", default=[], metavar="NAME", help="do not load this plugin (repeatable; see CAMCHAR_DISABLE_PLUGINS)")

    parser = argparse.ArgumentParser(
        prog="camchar",
        description="Camera characterisation: per-wavelength mean and temporal noise from monochromator sweeps.",
    )
    parser.add_argument("--version", action="version", version=f"camchar {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stats = commands.add_parser(
        "stats",
        parents=[common],
        help="compute per-wavelength mean and temporal noise of a sweep",
        description="Select the best frame of each exposure bracket, separate fixed-pattern from temporal noise, "
        "and write the statistics (CameraSamples HDF5).",
    )
    stats.add_argument("settings", nargs="?", type=Path, help="settings YAML file")
    stats.add_argument("-i", "--input", type=Path, help="settings YAML file (as the original image_stats)")
    stats.add_argument("-o", "--output", type=Path, help="output file (default: the image folder with suffix .h5)")
    stats.add_argument("--max", type=_fraction, help=f"overexposure threshold, fraction of full scale (default {DEFAULTS['max']})")
    stats.add_argument("--loader", help=f"image loader (default {DEFAULTS['loader']})")
    stats.add_argument("--selector", help=f"bracket selector (default {DEFAULTS['selector']})")
    stats.add_argument("--noise-model", help=f"temporal-noise model (default {DEFAULTS['noise_model']})")
    stats.add_argument("--workers", type=_integer_from(1), help="threads for decoding and arithmetic (default: CPUs, at most 8)")
    stats.set_defaults(handler=_stats)

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check a sweep without computing: settings, components, every file's header, ROI, output",
        description="Check everything about a sweep that needs no computation, and report. Exit 0 when "
        "camchar stats would start cleanly, 2 when it would not.",
    )
    validate.add_argument("settings", type=Path, help="settings YAML file")
    validate.add_argument("-o", "--output", type=Path, help="output file to check (default: as stats)")
    validate.add_argument("--loader", help="image loader (default: as stats)")
    validate.add_argument("--selector", help="bracket selector (default: as stats)")
    validate.add_argument("--noise-model", help="temporal-noise model (default: as stats)")
    validate.set_defaults(handler=_validate)

    simulate = commands.add_parser(
        "simulate",
        parents=[common],
        help="write a synthetic sweep from a camera with known noise",
        description="Write 16-bit TIFFs of a simulated monochromator sweep, a settings.yml and truth.h5.",
    )
    simulate.add_argument("outdir", type=Path, help="folder to write into")
    simulate.add_argument("--size", type=_size, default=(160, 120), help="WIDTHxHEIGHT in pixels (default 160x120)")
    simulate.add_argument("--wavelengths", type=_parsed(parse_wavelengths), help="start:stop:step or a list, nm (default 400:700:20)")
    simulate.add_argument("--exposures", type=_parsed(parse_exposures), help="exposure bracket, s (default 1/80,1/40,1/20)")
    simulate.add_argument("--roi", type=_region, help="x,y,w,h written into the settings (default: the centre two thirds)")
    simulate.add_argument("--seed", type=int, default=2022, help="random seed (default 2022)")
    simulate.add_argument("--format", choices=("tiff", "dng"), default="tiff", help="16-bit RGB TIFFs or 12-bit Bayer DNGs (default tiff)")
    simulate.add_argument("--frames-per-exposure", type=_integer_from(1), default=1, help="frames at each exposure (2 for EMVA 1288 pairs; default 1)")
    simulate.add_argument("--dark-frames", type=_integer_from(0), default=0, help="dark frames per exposure time, listed under dark: (default 0)")
    for name, help_text in (
        ("dark-offset", "mean dark level, counts"),
        ("dark-spread", "pixel-to-pixel dark spread (DSNU), counts"),
        ("gain-spread", "relative pixel gain spread (PRNU)"),
        ("conversion-gain", "counts per electron"),
        ("read-noise", "read noise, counts"),
        ("peak-rate", "electrons/s at the peak of a channel's response"),
        ("vignetting", "relative illumination fall-off at the corners"),
    ):
        simulate.add_argument(f"--{name}", type=float, help=help_text)
    simulate.set_defaults(handler=_simulate)

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="simulate a small sweep, run stats on it and compare with the truth",
        description="Simulate a small sweep in a temporary folder, run stats on it, and print the results beside the truth.",
    )
    demo.add_argument("--selector", help=f"bracket selector (default {DEFAULTS['selector']})")
    demo.add_argument("--noise-model", help=f"temporal-noise model (default {DEFAULTS['noise_model']})")
    demo.set_defaults(handler=_demo)

    plugins = commands.add_parser(
        "plugins",
        parents=[common],
        help="list the installed plugins and the components they register",
        description="List third-party plugins (with --all, the built-ins too): version, origin, and their loaders, "
        "selectors, noise models and writers.",
    )
    plugins.add_argument("--json", action="store_true", help="print JSON")
    plugins.add_argument("--all", action="store_true", help="include camchar's built-in plugins")
    plugins.set_defaults(handler=_plugins)
    return parser


def _host(args: argparse.Namespace):
    return build_host(local_modules=args.plugin, disabled=args.no_plugin)


def _stats(args: argparse.Namespace, reporter: Reporter) -> None:
    settings_path = args.settings or args.input
    if settings_path is None:
        raise BadInput(None, "no settings file given: camchar stats SETTINGS.yml")
    if args.settings is not None and args.input is not None and args.settings != args.input:
        raise BadInput(None, f"two settings files given ({args.settings} and {args.input}); give one")
    host = _host(args)
    settings = read_settings(settings_path)
    options = RunOptions(
        output=args.output,
        max=args.max,
        loader=args.loader,
        selector=args.selector,
        noise_model=args.noise_model,
        workers=args.workers,
    )
    run_stats(settings, host.components, options, reporter)


def _validate(args: argparse.Namespace, reporter: Reporter) -> None:
    from camchar.preflight import validate

    host = _host(args)
    settings = read_settings(args.settings)
    options = RunOptions(output=args.output, loader=args.loader, selector=args.selector, noise_model=args.noise_model)
    with reporter.live():
        report = validate(settings, host.components, options, reporter)
    console = Console(highlight=False, soft_wrap=True)
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


def _simulate(args: argparse.Namespace, reporter: Reporter) -> None:
    from camchar.simulate import DNG_PEAK_RATE, CameraModel, SweepPlan, centre_roi, simulate_sweep

    width, height = args.size
    model_options = {
        name: getattr(args, name)
        for name in ("dark_offset", "dark_spread", "gain_spread", "conversion_gain", "read_noise", "peak_rate", "vignetting")
        if getattr(args, name) is not None
    }
    if args.format == "dng":
        model_options.setdefault("peak_rate", DNG_PEAK_RATE)
    camera = CameraModel(height=height, width=width, **model_options)
    roi = args.roi or centre_roi(width, height)
    if not roi.fits(height, width):
        raise BadInput(None, f"--roi {roi.as_list()} does not fit inside the {width} x {height} image")
    defaults = SweepPlan()
    plan = SweepPlan(
        wavelengths=args.wavelengths or defaults.wavelengths,
        exposures=args.exposures or defaults.exposures,
        roi=roi,
        seed=args.seed,
        frames_per_exposure=args.frames_per_exposure,
        dark_frames=args.dark_frames,
    )
    if args.outdir.exists() and not args.outdir.is_dir():
        raise BadInput(args.outdir, "exists and is not a folder")
    try:
        settings_path = simulate_sweep(args.outdir, camera, plan, args.format)
    except ValueError as exc:
        raise BadInput(None, str(exc)) from None
    n_images = len(plan.wavelengths) * len(plan.exposures) * plan.frames_per_exposure
    exposures = ", ".join(str(Fraction(t)) for t in plan.exposures)
    darks = f" and {plan.dark_frames * len(plan.exposures)} dark frames" if plan.dark_frames else ""
    reporter.summary(f"wrote {n_images} images{darks} ({width} x {height}, exposures {exposures} s), {settings_path} and truth.h5")


def _demo(args: argparse.Namespace, reporter: Reporter) -> None:
    from camchar.demo import run_demo

    host = _host(args)
    options = RunOptions(selector=args.selector, noise_model=args.noise_model)
    run_demo(host.components, reporter, Console(), options)


def _plugins(args: argparse.Namespace, reporter: Reporter) -> None:
    from camchar.plugin_listing import describe_plugins, format_plugins

    entries = describe_plugins(_host(args), include_builtins=args.all)
    if args.json:
        print(json.dumps(entries, indent=2))
    else:
        Console(highlight=False, soft_wrap=True).print(format_plugins(entries), markup=False)


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


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
    args = build_parser().parse_args(argv)
    reporter = Reporter(quiet=args.quiet)
    if not args.debug:
        # tifffile logs every unreadable tag of a damaged file; camchar reports the file once instead
        logging.getLogger("tifffile").setLevel(logging.CRITICAL)
    previous_handler = signal.signal(signal.SIGTERM, _on_sigterm) if _in_main_thread() else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default" if args.debug else "ignore")
            warnings.simplefilter("always", CamcharWarning)
            warnings.showwarning = _show_warning(reporter)
            args.handler(args, reporter)
        return 0
    except BadInput as error:
        _print_error(reporter, error.message, args.debug)
        return 2
    except (KeyboardInterrupt, _Terminated):
        _print_error(reporter, "interrupted; any existing output file is unchanged", args.debug)
        return 130
    except Exception as exc:  # the last resort: one line, the traceback only with --debug
        _print_error(reporter, f"internal error: {type(exc).__name__}: {exc}", args.debug)
        if not args.debug:
            reporter.console.print("camchar: rerun with --debug for the traceback, and please report it", soft_wrap=True, markup=False)
        return 1
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _show_warning(reporter: Reporter):
    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = str(message) if issubclass(category, CamcharWarning) else f"{category.__name__}: {message} ({filename}:{lineno})"
        reporter.warning(text)

    return show


def _print_error(reporter: Reporter, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    reporter.console.print(f"camchar: error: {message}", soft_wrap=True, markup=False, highlight=False)


if __name__ == "__main__":
    sys.exit(main())
