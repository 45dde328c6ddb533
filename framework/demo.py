"""``camchar demo``: simulate a small sweep, compute its statistics, show them beside the truth."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from camchar.components import Components
from camchar.pipeline import RunOptions, run_stats
from camchar.progress import Reporter
from camchar.samples import CameraSamples
from camchar.settings import read_settings
from camchar.simulate import CameraModel, SweepPlan, centre_roi, read_truth, simulate_sweep

__all__ = ["run_demo", "comparison_table"]

CHANNEL_NAMES = ("R", "G", "B")


def run_demo(
    components: Components,
    reporter: Reporter,
    console: Console,
    options: RunOptions = RunOptions(),
    folder: Path | None = None,
) -> CameraSamples:
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
    folder
        Where to simulate; a temporary folder, removed afterwards, by default.

    Returns
    -------
    CameraSamples
        The statistics computed.
    """
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="camchar-demo-") as temporary:
            return run_demo(components, reporter, console, options, Path(temporary))
    camera = CameraModel()
    plan = SweepPlan(roi=centre_roi(camera.width, camera.height))
    settings_path = simulate_sweep(folder, camera, plan)
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


def comparison_table(samples: CameraSamples, truth: dict[str, np.ndarray]) -> Table:
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
