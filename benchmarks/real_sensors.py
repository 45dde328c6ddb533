"""What real sensors do to the statistics, before and after camchar's sensor settings (issue 12).

    pip install -e .
    python benchmarks/real_sensors.py

For each case it simulates a sweep with one defect of real sensors (into
benchmarks/data/real-*), runs ``camchar stats`` as the original rules would
(the "before" settings) and with the setting that addresses it ("after"), and
compares the means and the temporal noise of the selected frames with the
simulator's truth. It prints a markdown table (worst |estimate / truth - 1|
over the selected frames and channels; "exit 2" when the run refuses) and the
EMVA 1288 parameters against the camera's. About a minute.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import tifffile
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_speed import machine  # noqa: E402

from camchar.core.errors import BadInput, CamcharWarning  # noqa: E402
from camchar.files.camera_samples import CameraSamples  # noqa: E402
from camchar.testing import SimulatedSweep, read_truth, run_stats_on, simulated_sweep  # noqa: E402

WAVELENGTHS = tuple(range(400, 701, 10))
SIZE = (160, 120)
#: name: (camera and plan, "before" settings, "after" settings, noise models compared, truth of the means)
CASES = {
    "12-bit data in 16-bit files": (
        dict(bit_depth=12, peak_rate=4.0e5, frames_per_exposure=2, dark_frames=4),
        {"detect_clipping": False},
        {},
        ("pairs", "fpn-unbiased"),
        "signal_rate",
    ),
    "full well below the ADC's limit": (
        dict(full_well=60000.0, frames_per_exposure=2, dark_frames=4),
        {},
        {"white_level": 29000},
        ("pairs", "fpn-unbiased"),
        "signal_rate",
    ),
    "no dark frames, offset 256": (
        dict(frames_per_exposure=2),
        {},
        {"black_level": 256},
        ("pairs", "fpn-unbiased"),
        "signal_rate",
    ),
    "hot pixel in one frame of a pair": (
        dict(frames_per_exposure=2, dark_frames=4),
        {},
        {},
        ("pairs",),
        "signal_rate",
    ),
    "full-scale hot pixels in every frame": (
        dict(hot_pixels=5, frames_per_exposure=2, dark_frames=4),
        {},
        {"defect_mask": "auto"},
        ("pairs", "fpn-unbiased"),
        "signal_rate",
    ),
    "PRNU changing with wavelength (fpn-unbiased)": (
        dict(prnu_drift=1.0, frames_per_exposure=2, dark_frames=4),
        {},
        {},
        ("fpn-unbiased", "pairs"),
        "signal_rate",
    ),
}


def simulate(name: str, label: str, camera_and_plan: dict) -> SimulatedSweep:
    """The case's sweep, simulated once into benchmarks/data/real-LABEL."""
    folder = HERE / "data" / f"real-{label}"
    if (folder / "truth.h5").exists():
        return SimulatedSweep(folder, folder / "settings.yml", read_truth(folder / "truth.h5"))
    sweep = simulated_sweep(folder, size=SIZE, wavelengths=WAVELENGTHS, **camera_and_plan)
    if name == "hot pixel in one frame of a pair":
        saturate_one_pixel(sweep, image=sweep.truth["image_number"][len(sweep.truth["image_number"]) // 2 - 1])
    return sweep


def saturate_one_pixel(sweep: SimulatedSweep, image: int) -> None:
    """A cosmic ray: one ROI pixel of one image at full scale, written into the file's pixel data in place."""
    settings = yaml.safe_load(sweep.settings.read_text())
    path = sweep.folder / settings["image_dir"] / settings["image_name"].format(int(image))
    x, y, w, h = settings["roi"]
    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        offset, (_, width, channels) = page.dataoffsets[0], page.shape
    row, column = y + h // 2, x + w // 2
    with open(path, "r+b") as handle:
        handle.seek(offset + ((row * width + column) * channels + 1) * 2)
        handle.write(np.uint16(65535).tobytes())


def with_settings(sweep: SimulatedSweep, extra: dict, label: str) -> Path:
    """A copy of the sweep's settings file with ``extra`` keys."""
    path = sweep.folder / f"settings-{label}.yml"
    path.write_text(sweep.settings.read_text() + "".join(f"{key}: {json.dumps(value)}\n" for key, value in extra.items()))
    return path


def errors(sweep: SimulatedSweep, settings: Path, noise_model: str, truth_of_means: str) -> tuple[str, str, list[str]]:
    """Worst relative error of the means and of the noise, and the warnings; or 'exit 2' and the reason."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            samples = run_stats_on(settings, noise_model=noise_model, output=sweep.folder / "out.h5")
        except BadInput as error:
            return "exit 2", "exit 2", [error.problem]
    given = [str(w.message) for w in caught if issubclass(w.category, CamcharWarning)]
    rows = [sweep.truth["image_number"].tolist().index(n) for n in samples.provenance["image_number"]]
    mean_error = np.abs(samples.mean / sweep.truth[truth_of_means][rows] - 1).max()
    noise_error = np.abs(samples.std / sweep.truth["temporal_std"][rows] - 1).max()
    return f"{100 * mean_error:.1f}%", f"{100 * noise_error:.1f}%", given


def summary(messages: list[str]) -> str:
    """The warnings in brief: skipped brackets counted, the rest cut to their first words."""
    skipped = sum("skipped" in message for message in messages)
    notes = [message[:90] + "..." for message in messages if "skipped" not in message and "statistical error" not in message]
    if skipped:
        notes.append(f"{skipped} bracket(s) skipped")
    return "; ".join(notes) or "-"


def emva(sweep: SimulatedSweep) -> list[str]:
    """The EMVA 1288 parameters of a clean sweep against the simulated camera's."""
    samples: CameraSamples = run_stats_on(sweep.settings, noise_model="pairs", output=sweep.folder / "out.h5")
    parameters = {name: values for name, (values, _) in samples.emva1288.items()}
    gain, read_noise = 0.5, 3.0  # the simulated camera's defaults
    lines = ["| parameter | truth | camchar (R, G, B) | worst error |", "|---|---|---|---|"]
    for name, truth in (
        ("system_gain", gain),
        ("dark_noise", np.sqrt(read_noise**2 + 1 / 12)),
        ("dark_noise_electrons", read_noise / gain),
        ("dsnu", 4.0),
        ("prnu", 1.0),
    ):
        values = parameters[name]
        shown = ", ".join(f"{value:.4g}" for value in values)
        lines.append(f"| {name} | {truth:.4g} | {shown} | {100 * np.abs(values / truth - 1).max():.1f}% |")
    return lines


def main() -> None:
    """Run every case and print the table."""
    print(machine())
    print()
    print("| case | noise model | means before | means after | noise before | noise after | warned before | warned after |")
    print("|---|---|---|---|---|---|---|---|")
    for index, (name, (camera_and_plan, before, after, models, truth_of_means)) in enumerate(CASES.items()):
        sweep = simulate(name, str(index), camera_and_plan)
        for model in models:
            mean_before, noise_before, warned_before = errors(sweep, with_settings(sweep, before, "before"), model, truth_of_means)
            mean_after, noise_after, warned_after = errors(sweep, with_settings(sweep, after, "after"), model, truth_of_means)
            print(f"| {name} | {model} | {mean_before} | {mean_after} | {noise_before} | {noise_after} | {summary(warned_before)} | {summary(warned_after)} |")
    print()
    print("EMVA 1288 parameters, clean sweep with pairs and 4 dark frames per exposure, 160 x 120 pixels:")
    print()
    print("\n".join(emva(simulate("clean", "emva", dict(frames_per_exposure=2, dark_frames=4)))))


if __name__ == "__main__":
    main()
