"""RAW decoding throughput of the raw-rgb and raw-bayer loaders, on one and on two threads.

    python benchmarks/raw_speed.py

Simulates (once) a sweep of 12-bit Bayer DNGs into benchmarks/data/raw-dng
(8 brackets x 3 exposures of 4000 x 3000, ROI 2000 x 1500 in the centre), then
decodes every file with each loader on 1 and on 2 worker threads, and runs
``camchar stats`` with each loader. Threads, not processes: rawpy releases the
GIL, and its OpenMP can deadlock after fork.
"""

from __future__ import annotations

import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_speed import machine  # noqa: E402

from camchar.core.frames import Region  # noqa: E402
from camchar.host.manager import build_host  # noqa: E402
from camchar.runtime.parallel import ordered_map  # noqa: E402
from camchar.stats.options import RunOptions  # noqa: E402
from camchar.stats.plan import load_request, plan_sweep  # noqa: E402
from camchar.stats.run import run_stats  # noqa: E402
from camchar.settings import read_settings  # noqa: E402
from camchar.simulation.camera import CameraModel  # noqa: E402
from camchar.simulation.sweep import DNG_PEAK_RATE, SweepPlan, simulate_sweep  # noqa: E402

WIDTH, HEIGHT = 4000, 3000


def sweep() -> Path:
    folder = HERE / "data" / "raw-dng"
    settings = folder / "settings.yml"
    if not settings.exists():
        print("simulating 24 DNGs of 4000 x 3000 ...", file=sys.stderr)
        plan = SweepPlan(
            wavelengths=tuple(range(450, 660, 30)) + (660,),
            exposures=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)),
            roi=Region(1000, 750, 2000, 1500),
            seed=7,
        )
        simulate_sweep(folder, CameraModel(height=HEIGHT, width=WIDTH, peak_rate=DNG_PEAK_RATE), plan, "dng")
    return settings


def main() -> None:
    settings = read_settings(sweep())
    components = build_host().components
    files = [path for bracket in plan_sweep(settings, components.get("loaders", "raw-rgb").component).brackets for _, path in bracket.images]
    request = load_request(settings)
    megapixels = WIDTH * HEIGHT / 1e6
    print(f"machine: {machine()}")
    print(f"{len(files)} DNGs of {WIDTH} x {HEIGHT} ({megapixels:.0f} MP), ROI 2000 x 1500; medians of 3 runs")
    print(f"{'loader':10}{'workers':>8}{'files/s':>9}{'MP/s':>8}{'speed-up':>10}")
    for name in ("raw-rgb", "raw-bayer"):
        loader = components.get("loaders", name).component
        single = None
        for workers in (1, 2):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                for _frame in ordered_map(lambda path: loader.load(path, request), files, workers):
                    pass
                times.append(time.perf_counter() - started)
            seconds = statistics.median(times)
            single = single or seconds
            rate = len(files) / seconds
            print(f"{name:10}{workers:>8}{rate:>9.2f}{rate * megapixels:>8.1f}{single / seconds:>9.2f}x")
    for name in ("raw-rgb", "raw-bayer"):
        started = time.perf_counter()
        run_stats(settings, components, RunOptions(output=settings.path.parent / f"{name}.h5", loader=name))
        print(f"camchar stats --loader {name}: {time.perf_counter() - started:.2f} s for {len(files)} files")


if __name__ == "__main__":
    main()
