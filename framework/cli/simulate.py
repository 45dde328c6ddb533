"""``camchar simulate``: write a synthetic sweep from a camera with known noise, with its truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from camchar.cli.arguments import finite_number, integer_from, parsed, region, size

HELP = "write a synthetic sweep from a camera with known noise"
DESCRIPTION = (
    "Write the images of a simulated monochromator sweep, its source spectra (spectra.h5, named by the settings' "
    "source_spectra), a settings.yml and truth.h5 (the true statistics and the camera's spectral sensitivity), "
    "so that camchar stats then camchar response run on it and can be compared with the truth."
)

#: The --format choices (camchar.simulation.formats.FORMATS, listed here so that --help imports nothing).
FORMAT_CHOICES = ("tiff", "dng", "png", "pgm", "ppm", "multipage-tiff")
#: The --spectra-format choices (camchar.simulation.monochromator.SPECTRA_FORMATS).
SPECTRA_FORMAT_CHOICES = ("h5", "oceanview")
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


def _bandwidth(text: str) -> float:
    value = finite_number(text)
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be from 1 to 100 nm, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar simulate``."""
    parser.add_argument("outdir", type=Path, help="folder to write into")
    parser.add_argument("--size", type=size, default=(160, 120), help="WIDTHxHEIGHT in pixels (default 160x120)")
    parser.add_argument("--wavelengths", type=parsed(_wavelengths), help="start:stop:step or a list, nm (default 400:700:20)")
    parser.add_argument("--exposures", type=parsed(_exposures), help="exposure bracket, s (default 1/80,1/40,1/20)")
    parser.add_argument("--roi", type=region, help="x,y,w,h written into the settings (default: the centre two thirds)")
    parser.add_argument("--seed", type=integer_from(0, 2**63 - 1), default=2022, help="random seed (default 2022)")
    parser.add_argument(
        "--pattern-seed",
        type=integer_from(0, 2**63 - 1),
        help="seed of the camera's fixed pattern alone, so that sweeps of different --seed are repeated measurements of one camera "
        "(default: drawn with --seed, a new camera for each seed)",
    )
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
    parser.add_argument(
        "--sensitivities", type=Path, metavar="FILE", help="the camera's spectral sensitivities: a CSV wavelength,R,G,B (as colour-science writes it); default: built-in Gaussians"
    )
    parser.add_argument(
        "--bandwidth", type=_bandwidth, metavar="NM", help="FWHM of the simulated monochromator's (Gaussian) slit function, nm (default 10)"
    )
    parser.add_argument(
        "--source-spectra",
        type=Path,
        metavar="SOURCE",
        help="a lab's source spectra as the sweep's light, instead of the simulated monochromator: a MonochromatorSpectra .h5 file, or "
        "anything camchar response --source reads (a folder of spectrometer files too); the wavelengths default to the spectra's",
    )
    parser.add_argument(
        "--spectra-format",
        choices=SPECTRA_FORMAT_CHOICES,
        default="h5",
        help="write the source spectra as spectra.h5, or as a folder spectra/ of OceanView text files (default h5)",
    )


def run(args: argparse.Namespace, reporter) -> None:
    """Simulate, with a progress bar over the images."""
    from fractions import Fraction

    from camchar.core.errors import BadInput, write_failure
    from camchar.files.folder_output import folder_output
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.refusal import SimulationRefused
    from camchar.simulation.sensitivities import read_sensitivities_csv
    from camchar.simulation.sweep import DNG_PEAK_RATE, SweepPlan, centre_roi, simulate_sweep, sweep_entries

    width, height = args.size
    model_options = {
        name.replace("-", "_"): getattr(args, name.replace("-", "_"))
        for name, _, _ in CAMERA_FLAGS
        if getattr(args, name.replace("-", "_")) is not None
    }
    if args.format == "dng":
        model_options.setdefault("peak_rate", DNG_PEAK_RATE)
    if args.sensitivities is not None:
        model_options["sensitivities"] = read_sensitivities_csv(args.sensitivities)
    spectra = _lab_spectra(args)
    defaults = SweepPlan()
    try:
        camera = CameraModel(height=height, width=width, **model_options)
        roi = args.roi or centre_roi(width, height)
        plan = SweepPlan(
            wavelengths=args.wavelengths or _wavelengths_of(spectra) or defaults.wavelengths,
            exposures=args.exposures or defaults.exposures,
            roi=roi,
            seed=args.seed,
            pattern_seed=args.pattern_seed,
            frames_per_exposure=args.frames_per_exposure,
            dark_frames=args.dark_frames,
        )
    except SimulationRefused as exc:
        raise BadInput(None, f"camchar simulate: {exc}") from None
    if not roi.fits(height, width):
        raise BadInput(None, f"--roi {roi.as_list()} does not fit inside the {width} x {height} image")
    _check_sensitivities_cover(camera, plan.wavelengths)
    source = _source(args, spectra, plan.wavelengths)
    try:
        with folder_output(args.outdir, sweep_entries(source)) as folder, reporter.live(), reporter.step("simulating", plan.image_count) as progress:
            simulate_sweep(
                folder, camera, plan, args.format, progress=lambda done, total: progress.advance(), source=source, label=Path(args.outdir).resolve().name
            )
        settings_path = args.outdir / "settings.yml"
    except SimulationRefused as exc:
        raise BadInput(None, f"camchar simulate: {exc}") from None
    except OSError as exc:
        raise BadInput(exc.filename or args.outdir, f"cannot write the simulated sweep ({write_failure(exc, args.outdir)})") from None
    exposures = ", ".join(str(Fraction(t)) for t in plan.exposures)
    darks = f" and {plan.dark_frames * len(plan.exposures)} dark frames" if plan.dark_frames else ""
    n_images = len(plan.wavelengths) * len(plan.exposures) * plan.frames_per_exposure
    reporter.summary(f"wrote {n_images} images{darks} ({width} x {height}, exposures {exposures} s), {settings_path}, truth.h5 and {_light_text(args, source)}")


def _lab_spectra(args: argparse.Namespace):
    """The spectra of ``--source-spectra``, read and checked; ``None`` without it.

    Raises
    ------
    BadInput
        When the file cannot be read as source spectra, or the flags ask for the simulated monochromator too.
    """
    from camchar.core.errors import BadInput
    from camchar.response.run import load_spectra

    if args.source_spectra is None:
        return None
    if args.bandwidth is not None:
        raise BadInput(None, "--bandwidth shapes the simulated monochromator, and --source-spectra replaces it with the lab's spectra; give one of them")
    if args.spectra_format != "h5":
        raise BadInput(None, "--source-spectra is written back as the MonochromatorSpectra file spectra.h5; OceanView files (--spectra-format oceanview) are only simulated from the model monochromator")
    spectra = load_spectra(args.source_spectra)
    _check_integrals(args.source_spectra, spectra)
    return spectra


def _check_integrals(path: Path, spectra) -> None:
    """Refuse spectra without light, or whose integrals over wavelength (the photons they give) overflow.

    The simulation scales the light by the brightest spectrum's integral, so
    any units do, as long as the integrals are finite numbers: an irradiance
    of 1e300 overflows them, and the photon counts would be NaN.

    Raises
    ------
    BadInput
        Naming the file and the first spectrum whose integral is not finite.
    """
    import numpy as np

    from camchar.core.errors import BadInput
    from camchar.simulation.monochromator import bin_widths

    with np.errstate(over="ignore", invalid="ignore"):
        integrals = (spectra.irradiance * bin_widths(spectra.wavelength)).sum(axis=1)
    bad = np.flatnonzero(~np.isfinite(integrals))
    if bad.size:
        raise BadInput(
            path,
            f"the integral of the spectrum at nominal wavelength {spectra.nominal_wavelength[bad[0]]:g} nm is not a finite number "
            "(the irradiance overflows the arithmetic); give the source spectra in other units",
        )
    if not (integrals > 0).any():
        raise BadInput(path, "no spectrum holds any light (every integral is 0 or less)")


def _wavelengths_of(spectra) -> tuple[int | float, ...] | None:
    """The nominal wavelengths of the lab's spectra (whole numbers as integers, as the settings write them)."""
    if spectra is None:
        return None
    return tuple(int(value) if float(value).is_integer() else float(value) for value in spectra.nominal_wavelength)


def _check_sensitivities_cover(camera, wavelengths) -> None:
    """Refuse a sensitivities table that does not reach every nominal wavelength of the sweep.

    Raises
    ------
    BadInput
        Naming the table, its range and the sweep's.
    """
    from camchar.core.errors import BadInput

    table = camera.sensitivities
    if table is None or all(table.covers(wavelength) for wavelength in wavelengths):
        return
    raise BadInput(
        table.path,
        f"gives sensitivities from {table.wavelength[0]:g} to {table.wavelength[-1]:g} nm, and the sweep reaches "
        f"{min(wavelengths):g} to {max(wavelengths):g} nm; the camera would be blind there: choose --wavelengths within the table",
    )


def _source(args: argparse.Namespace, spectra, wavelengths):
    """The sweep's light: the lab's spectra, or the simulated monochromator at the sweep's wavelengths.

    Raises
    ------
    BadInput
        When the sweep asks for a wavelength the lab's spectra do not have, or
        OceanView files could not hold its spectra.
    """
    from camchar.core.errors import BadInput
    from camchar.simulation.monochromator import DEFAULT_BANDWIDTH, FileSource, Monochromator, MonochromatorSource
    from camchar.simulation.refusal import SimulationRefused

    if spectra is None:
        monochromator = Monochromator(bandwidth=args.bandwidth or DEFAULT_BANDWIDTH)
        try:
            return MonochromatorSource(monochromator, tuple(wavelengths), args.spectra_format)
        except SimulationRefused as exc:
            raise BadInput(None, f"camchar simulate: {exc}") from None
    missing = sorted(set(wavelengths) - set(spectra.nominal_wavelength.tolist()))
    if missing:
        listed = ", ".join(f"{value:g}" for value in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise BadInput(args.source_spectra, f"has no spectrum at {listed} nm of --wavelengths; give wavelengths the file measured")
    return FileSource(spectra)


def _light_text(args: argparse.Namespace, source) -> str:
    """What the summary says of the spectra written."""
    if args.source_spectra is not None:
        return f"spectra.h5 (the spectra of {args.source_spectra})"
    written = "spectra.h5" if args.spectra_format == "h5" else "spectra/ (OceanView files)"
    return f"{written} (a monochromator of {source.monochromator.bandwidth:g} nm bandwidth)"
