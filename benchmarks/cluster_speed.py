"""One large sweep on this machine's threads and on a dask cluster of 1 and 2 worker processes.

    pip install -e ".[dask]"
    python benchmarks/cluster_speed.py [--repeat 3] [--model linear-fpn]

A sweep of 61 brackets x 3 exposures of 1280 x 960 16-bit RGB TIFFs (ROI
800 x 600, 2 frames per exposure, 3 dark frames per exposure) is simulated into
benchmarks/data/cluster/ on the first run. Each mode is one
``camchar stats --force`` in its own process; a cluster's start-up is measured
apart (a batch pays it once, see batch_speed.py), so the table shows what the
per-frame work costs on each. The modes are interleaved and rotated; medians
are reported with the frames handled per second and the largest relative
difference of the numbers against the local run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "cluster"
sys.path.insert(0, str(HERE))

from batch_speed import machine  # noqa: E402

#: The local run, then dask clusters of 1 and 2 worker processes (started once, outside the timing).
MODES = {"threads (2)": None, "dask, 1 worker": 1, "dask, 2 workers": 2}


def sweep() -> Path:
    """The settings file of the benchmark's sweep, simulating it first if needed."""
    from camchar.core.frames import Region
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.sweep import SweepPlan, simulate_sweep

    settings = DATA / "sweep" / "settings.yml"
    if not settings.exists():
        print("simulating 61 brackets x 3 exposures x 2 frames of 1280 x 960 (about a minute) ...", file=sys.stderr)
        plan = SweepPlan(
            wavelengths=tuple(range(400, 701, 5)),
            exposures=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)),
            roi=Region(240, 180, 800, 600),
            frames_per_exposure=2,
            dark_frames=3,
        )
        simulate_sweep(settings.parent, CameraModel(height=960, width=1280), plan)
    return settings


def run(settings: Path, model: str, output: Path, scheduler: str | None) -> float:
    arguments = [sys.executable, "-m", "camchar", "stats", str(settings), "-o", str(output), "--noise-model", model, "--quiet"]
    if scheduler is not None:
        arguments += ["--scheduler", scheduler]
    started = time.perf_counter()
    subprocess.run(arguments, check=True)
    return time.perf_counter() - started


def difference(first: Path, second: Path) -> float:
    import h5py
    import numpy as np

    with h5py.File(first) as one, h5py.File(second) as other:
        return max(float(np.max(np.abs(one[name][()] - other[name][()]) / np.abs(one[name][()]))) for name in ("samples", "samples_std"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default="linear-fpn", help="noise model (default linear-fpn)")
    args = parser.parse_args()
    import logging

    import distributed

    logging.getLogger("distributed").setLevel(logging.WARNING)
    settings = sweep()
    images = 61 * 3 * 2
    print(f"machine: {machine()}")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(f"sweep: 61 brackets x 3 exposures x 2 frames of 1280 x 960, ROI 800 x 600, 9 dark frames; noise model {args.model}")
    clusters = {}
    for name, workers in MODES.items():
        if workers is not None:
            started = time.perf_counter()
            clusters[name] = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            print(f"{name}: cluster started in {time.perf_counter() - started:.1f} s (paid once per batch)")
    outputs = {name: DATA / f"out-{index}.h5" for index, name in enumerate(MODES)}
    names = list(MODES)
    times: dict[str, list[float]] = {name: [] for name in names}
    try:
        run(settings, args.model, outputs[names[0]], None)  # warm the page cache
        for repetition in range(args.repeat):
            for name in names[repetition % len(names) :] + names[: repetition % len(names)]:
                scheduler = clusters[name].scheduler_address if name in clusters else None
                times[name].append(run(settings, args.model, outputs[name], scheduler))
    finally:
        for cluster in clusters.values():
            cluster.close()
    reference = statistics.median(times[names[0]])
    print(f"{'mode':18}{'wall [s]':>10}{'images/s':>10}{'vs threads':>12}{'largest rel. difference':>26}")
    for name in names:
        seconds = statistics.median(times[name])
        agreement = "-" if name == names[0] else f"{difference(outputs[names[0]], outputs[name]):.1e}"
        print(f"{name:18}{seconds:>10.2f}{images / seconds:>10.0f}{reference / seconds:>11.2f}x{agreement:>26}")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
