"""Each noise model and selector against the simulated truth, on several camera models.

    pip install -e ".[bench]"          # matplotlib, for the plot
    python benchmarks/noise_accuracy.py

For each camera model it simulates (once, into benchmarks/data/noise-*) a sweep
of 111 brackets (300-850 nm) x 3 exposures x 2 frames per exposure, 200 x 150
pixels, plus 8 dark frames per exposure, and runs camchar stats with each
noise model and selector. It prints a markdown table of the estimated temporal
noise over the true one (median and worst |ratio - 1| over all brackets and
channels, and the mean signed error), how often each selector chose the
shortest exposure, and the median true temporal SNR of the chosen frames; and
writes docs/noise-models.png.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_speed import machine  # noqa: E402

from camchar.files.camera_samples import CameraSamples  # noqa: E402
from camchar.host.manager import build_host  # noqa: E402
from camchar.settings import read_settings  # noqa: E402
from camchar.simulation.camera import CameraModel  # noqa: E402
from camchar.simulation.sweep import SweepPlan, centre_roi, read_truth, simulate_sweep  # noqa: E402
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats  # noqa: E402

WIDTH, HEIGHT = 200, 150
CAMERAS = {
    "issue camera (15% vignetting)": CameraModel(height=HEIGHT, width=WIDTH, dark_spread=4.0, gain_spread=0.01, vignetting=0.15),
    "flat field": CameraModel(height=HEIGHT, width=WIDTH, dark_spread=4.0, gain_spread=0.005, vignetting=0.0),
    "noisy sensor": CameraModel(height=HEIGHT, width=WIDTH, dark_spread=8.0, gain_spread=0.02, read_noise=10.0, vignetting=0.05),
    "strong vignetting": CameraModel(height=HEIGHT, width=WIDTH, dark_spread=4.0, gain_spread=0.015, vignetting=0.4),
}
#: (label, noise model, selector, with dark frames)
RUNS = [
    ("linear-fpn, best-snr (the original)", "linear-fpn", "best-snr", False),
    ("linear-fpn, longest-unsaturated", "linear-fpn", "longest-unsaturated", False),
    ("linear-fpn, best-snr, dark frames", "linear-fpn", "best-snr", True),
    ("fpn-unbiased, best-snr", "fpn-unbiased", "best-snr", False),
    ("fpn-unbiased, longest-unsaturated", "fpn-unbiased", "longest-unsaturated", False),
    ("pairs, longest-unsaturated", "pairs", "longest-unsaturated", False),
    ("spatial, longest-unsaturated", "spatial", "longest-unsaturated", False),
]


def sweep(index: int, camera: CameraModel) -> tuple[Path, Path]:
    """Settings files with and without the dark frames, simulating the sweep first if needed."""
    folder = HERE / "data" / f"noise-{index}"
    with_darks, without_darks = folder / "settings.yml", folder / "settings-no-dark.yml"
    if not without_darks.exists():
        plan = SweepPlan(
            wavelengths=tuple(range(300, 851, 5)),
            exposures=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)),
            roi=centre_roi(WIDTH, HEIGHT),
            seed=100 + index,
            frames_per_exposure=2,
            dark_frames=8,
        )
        simulate_sweep(folder, camera, plan)
        settings = yaml.safe_load(with_darks.read_text())
        del settings["dark"]
        without_darks.write_text(yaml.safe_dump(settings, sort_keys=False))
    return with_darks, without_darks


def evaluate(samples: CameraSamples, truth: dict) -> dict[str, float]:
    rows = [truth["image_number"].tolist().index(number) for number in samples.provenance["image_number"]]
    ratio = samples.std / truth["temporal_std"][rows]
    shortest = min(truth["exposure_time"])
    snr = truth["signal_rate"][rows] / truth["temporal_std"][rows]
    return {
        "median": float(np.median(np.abs(ratio - 1))),
        "worst": float(np.max(np.abs(ratio - 1))),
        "bias": float(np.mean(ratio - 1)),
        "shortest": float(np.mean(samples.exp_time == shortest)),
        "snr": float(np.median(snr)),
        "ratio": ratio,
        "wavelengths": samples.nom_wl,
    }


def main() -> None:
    components = build_host().components
    print(f"machine: {machine()}")
    results: dict[str, dict[str, dict]] = {}
    for index, (camera_name, camera) in enumerate(CAMERAS.items()):
        with_darks, without_darks = sweep(index, camera)
        truth = read_truth(with_darks.parent / "truth.h5")
        results[camera_name] = {}
        for label, noise_model, selector, darks in RUNS:
            settings = read_settings(with_darks if darks else without_darks)
            output = with_darks.parent / f"{noise_model}-{selector}-{'dark' if darks else 'plain'}.h5"
            run_stats(settings, components, RunOptions(output=output, noise_model=noise_model, selector=selector))
            results[camera_name][label] = evaluate(CameraSamples(output), truth)
    print()
    print("| camera | noise model, selector | median \\|ratio-1\\| | worst \\|ratio-1\\| | mean ratio-1 | shortest exposure chosen | median true SNR |")
    print("|---|---|---|---|---|---|---|")
    for camera_name, runs in results.items():
        for label, result in runs.items():
            print(
                f"| {camera_name} | {label} | {100 * result['median']:.1f}% | {100 * result['worst']:.1f}% | "
                f"{100 * result['bias']:+.1f}% | {100 * result['shortest']:.0f}% | {result['snr']:.0f} |"
            )
    plot(results, HERE.parent / "docs" / "noise-models.png")


def plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot written", file=sys.stderr)
        return
    shown = ["linear-fpn, best-snr (the original)", "fpn-unbiased, longest-unsaturated", "pairs, longest-unsaturated"]
    figure, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, sharey=True)
    for axis, (camera_name, runs) in zip(axes.ravel(), results.items()):
        for label, colour in zip(shown, ("tab:red", "tab:blue", "tab:green")):
            result = runs[label]
            axis.plot(result["wavelengths"], result["ratio"][:, 1], ".", color=colour, markersize=3, label=label)
        axis.axhline(1.0, color="black", linewidth=0.8)
        axis.set_title(camera_name, fontsize=10)
        axis.set_ylim(0.6, 1.7)
        axis.grid(alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("wavelength [nm]")
    for axis in axes[:, 0]:
        axis.set_ylabel("estimated / true temporal noise (G)")
    axes[0, 0].legend(fontsize=8, loc="upper right")
    figure.suptitle("camchar noise models against the simulated truth (111 brackets, green channel)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
