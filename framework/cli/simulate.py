"""``camchar simulate``: write a synthetic sweep from a camera with known noise, with its truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import integer_from, parsed, region, size

HELP = "write a synthetic sweep from a camera with known noise"
DESCRIPTION = "Write the images of a simulated monochromator sweep, a settings.yml and truth.h5."

#: The --format choices (camchar.simulation.formats.FORMATS, listed here so that --help imports nothing).
FORMAT_CHOICES = ("tiff", "dng", "png", "pgm", "ppm", "multipage-tiff")
#: Camera-model flags: name, help.
CAMERA_FLAGS = (
    ("dark-offset", float, "mean dark level (the black offset), counts"),
    ("dark-spread", float, "pixel-to-pixel dark spread (DSNU), counts"),
    ("gain-spread", float, "relative pixel gain spread (PRNU)"),
    ("conversion-gain", float, "counts per electron"),
    ("read-noise", float, "read noise, counts"),
    ("peak-rate", float, "electrons/s at the peak of a channel's response"),
    ("vignetting", float, "relative illumination fall-off at the corners"),
    ("bit-depth", int, "significant bits in the 16-bit files: 12 clips at 4095 (default 16)"),
    ("full-well", float, "electrons a pixel holds at most (default: no limit)"),
    ("hot-pixels", int, "pixels at full scale in every frame, dark frames included (default 0)"),
    ("prnu-drift", float, "share of the gain pattern replaced by another across the sweep, 0 to 1 (default 0)"),
)


def _wavelengths(text: str):
    from camchar.simulation.sweep import parse_wavelengths

    return parse_wavelengths(text)


def _exposures(text: str):
    from camchar.simulation.sweep import parse_exposures

    return parse_exposures(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar simulate``."""
    parser.add_argument("outdir", type=Path, help="folder to write into")
    parser.add_argument("--size", type=size, default=(160, 120), help="WIDTHxHEIGHT in pixels (default 160x120)")
    parser.add_argument("--wavelengths", type=parsed(_wavelengths), help="start:stop:step or a list, nm (default 400:700:20)")
    parser.add_argument("--exposures", type=parsed(_exposures), help="exposure bracket, s (default 1/80,1/40,1/20)")
    parser.add_argument("--roi", type=region, help="x,y,w,h written into the settings (default: the centre two thirds)")
    parser.add_argument("--seed", type=integer_from(0, 2**63 - 1), default=2022, help="random seed (default 2022)")
    parser.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="tiff",
        help="16-bit RGB TIFFs, 12-bit Bayer DNGs, 16-bit RGB PNG or PPM, 16-bit grey PGM, or one multi-page TIFF (default tiff)",
    )
    parser.add_argument("--frames-per-exposure", type=integer_from(1, 100), default=1, help="frames at each exposure (2 for EMVA 1288 pairs; default 1)")
    parser.add_argument("--dark-frames", type=integer_from(0, 1000), default=0, help="dark frames per exposure time, listed under dark: (default 0)")
    for name, kind, help_text in CAMERA_FLAGS:
        parser.add_argument(f"--{name}", type=kind, help=help_text)


def run(args: argparse.Namespace, reporter) -> None:
    """Simulate, with a progress bar over the images."""
    from fractions import Fraction

    from camchar.core.errors import BadInput
    from camchar.files.folder_output import folder_output
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.sweep import DNG_PEAK_RATE, SWEEP_ENTRIES, SweepPlan, centre_roi, simulate_sweep

    width, height = args.size
    model_options = {
        name.replace("-", "_"): getattr(args, name.replace("-", "_"))
        for name, _, _ in CAMERA_FLAGS
        if getattr(args, name.replace("-", "_")) is not None
    }
    if args.format == "dng":
        model_options.setdefault("peak_rate", DNG_PEAK_RATE)
    defaults = SweepPlan()
    try:
        camera = CameraModel(height=height, width=width, **model_options)
        roi = args.roi or centre_roi(width, height)
        plan = SweepPlan(
            wavelengths=args.wavelengths or defaults.wavelengths,
            exposures=args.exposures or defaults.exposures,
            roi=roi,
            seed=args.seed,
            frames_per_exposure=args.frames_per_exposure,
            dark_frames=args.dark_frames,
        )
    except ValueError as exc:
        raise BadInput(None, f"camchar simulate: {exc}") from None
    if not roi.fits(height, width):
        raise BadInput(None, f"--roi {roi.as_list()} does not fit inside the {width} x {height} image")
    try:
        with folder_output(args.outdir, SWEEP_ENTRIES) as folder, reporter.live(), reporter.step("simulating", plan.image_count) as progress:
            simulate_sweep(folder, camera, plan, args.format, progress=lambda done, total: progress.advance())
        settings_path = args.outdir / "settings.yml"
    except ValueError as exc:
        raise BadInput(None, f"camchar simulate: {exc}") from None
    except OSError as exc:
        raise BadInput(exc.filename or args.outdir, f"cannot write the simulated sweep ({exc.strerror or exc})") from None
    exposures = ", ".join(str(Fraction(t)) for t in plan.exposures)
    darks = f" and {plan.dark_frames * len(plan.exposures)} dark frames" if plan.dark_frames else ""
    n_images = len(plan.wavelengths) * len(plan.exposures) * plan.frames_per_exposure
    reporter.summary(f"wrote {n_images} images{darks} ({width} x {height}, exposures {exposures} s), {settings_path} and truth.h5")
