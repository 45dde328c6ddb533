"""``camchar demo``: simulate a small sweep, compute its statistics, show them beside the truth."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "simulate a small sweep, run stats on it and compare with the truth"
DESCRIPTION = (
    "Simulate a small sweep (in a temporary folder, or in --keep DIR), run stats on it, and print the "
    "results beside the truth."
)
CHANNEL_NAMES = ("R", "G", "B")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar demo``."""
    parser.add_argument("--selector", metavar="NAME", help="bracket selector (default best-snr)")
    parser.add_argument("--noise-model", metavar="NAME", help="temporal-noise model (default linear-fpn)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="simulate into DIR and keep the images, settings, truth and output there")


def run(args: argparse.Namespace, reporter) -> None:
    """Run the demo; the comparison table goes to stdout."""
    from camchar.cli.common import host_from
    from camchar.runtime.progress import console as stdout_console
    from camchar.stats.options import RunOptions

    host = host_from(args)
    options = RunOptions(selector=args.selector, noise_model=args.noise_model)
    run_demo(host.components, reporter, stdout_console(), options, args.keep)


def run_demo(components, reporter, console, options=None, keep: Path | None = None):
    """Simulate the default sweep, run ``stats`` on it and print the comparison.

    Parameters
    ----------
    components
        The registered components.
    reporter
        Progress and summaries of the ``stats`` run.
    console
        Where the comparison table goes (standard output).
    options
        Choices for the ``stats`` run (e.g. another noise model).
    keep
        Where to simulate and keep everything; by default a temporary folder,
        removed afterwards, whose path is never printed.

    Returns
    -------
    CameraSamples
        The statistics computed.
    """
    import tempfile

    from camchar.core.errors import BadInput
    from camchar.stats.options import RunOptions

    options = options or RunOptions()
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            raise BadInput(keep, "--keep needs a new or empty folder")
        return _demo_in(Path(keep), components, reporter, console, options)
    with tempfile.TemporaryDirectory(prefix="camchar-demo-") as temporary, reporter.masking(temporary, "<temporary folder>"):
        return _demo_in(Path(temporary), components, reporter, console, options)


def _demo_in(folder: Path, components, reporter, console, options):
    from camchar.files.camera_samples import CameraSamples
    from camchar.settings.reader import read_settings
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.sweep import SweepPlan, centre_roi, read_truth, simulate_sweep
    from camchar.stats.run import run_stats

    camera = CameraModel()
    plan = SweepPlan(roi=centre_roi(camera.width, camera.height))
    with reporter.live(), reporter.step("simulating", plan.image_count) as progress:
        settings_path = simulate_sweep(folder, camera, plan, progress=lambda done, total: progress.advance())
    reporter.summary(
        f"simulated {len(plan.wavelengths)} wavelengths x {len(plan.exposures)} exposures of a "
        f"{camera.width} x {camera.height} camera in {folder}"
    )
    output = run_stats(read_settings(settings_path), components, options, reporter)
    samples = CameraSamples(output)
    console.print(comparison_table(samples, read_truth(folder / "truth.h5")))
    if samples.provenance.get("noise_model") == "linear-fpn":
        reporter.summary(
            "the original model's noise is biased where the selected exposures change; compare "
            "camchar demo --noise-model fpn-unbiased --selector longest-unsaturated (docs/noise-models.md)"
        )
    return samples


def comparison_table(samples, truth: dict):
    """A table of measured mean and noise against the simulated truth, one row per wavelength.

    Parameters
    ----------
    samples
        Statistics of a simulated sweep, with the selected image numbers in
        their provenance.
    truth
        The sweep's ``truth.h5`` contents.

    Returns
    -------
    rich.table.Table
        Wavelength, exposure time, the mean of each channel, and for each
        channel the measured temporal noise as a fraction of the true one.
    """
    from rich.table import Table

    names = list(samples.provenance.get("channel_names") or CHANNEL_NAMES)
    row_of = {int(number): row for row, number in enumerate(truth["image_number"])}
    table = Table(
        title=f"noise model {samples.provenance.get('noise_model', '?')} against the simulated truth",
        caption="mean in counts/s; noise: measured temporal noise over the true one (1.000 is exact)",
    )
    table.add_column("nm", justify="right")
    table.add_column("t [s]", justify="right")
    for name in names:
        table.add_column(f"mean {name}", justify="right")
    for name in names:
        table.add_column(f"noise {name}", justify="right")
    for index, number in enumerate(samples.provenance["image_number"]):
        row = row_of[int(number)]
        ratios = samples.std[index] / truth["temporal_std"][row]
        table.add_row(
            f"{samples.nom_wl[index]}",
            f"{samples.exp_time[index]:.4g}",
            *(f"{value:.2e}" for value in samples.mean[index]),
            *(f"{value:.3f}" for value in ratios),
        )
    return table
