"""RAW throughput of the raw-rgb and raw-bayer loaders against rawpy's own decoding of the same files.

    python benchmarks/raw_speed.py [--repeat 3]

Simulates (once) a sweep of 12-bit Bayer DNGs into benchmarks/data/raw-dng
(8 brackets x 3 exposures of 4000 x 3000, ROI 2000 x 1500 in the centre).
Then, side by side on the same files, on 1 and on 2 worker threads:

- rawpy alone: ``rawpy.imread`` and ``postprocess`` with the options of
  ``dcraw_emu -o 0 -q 0 -4 -T -w`` (what raw-rgb computes), or a copy of
  ``raw_image_visible`` (what raw-bayer starts from): the floor for each loader;
- each camchar loader's ``load`` (decoding plus metadata, crop, ROI, planes);
- ``camchar stats`` with each loader (header checks, selection, noise model,
  writing), with the number of times each file was opened and demosaiced.

Throughput is in megapixels of the sensor per second (12 MP per file).
Threads, not processes: rawpy releases the GIL, and its OpenMP can deadlock
after fork.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import rawpy  # noqa: E402
from stats_speed import machine  # noqa: E402

from camchar.core.frames import Region  # noqa: E402
from camchar.host.manager import build_host  # noqa: E402
from camchar.plugins.loaders.raw_rgb import DCRAW_EMU_OPTIONS  # noqa: E402
from camchar.runtime.parallel import ordered_map  # noqa: E402
from camchar.settings import read_settings  # noqa: E402
from camchar.simulation.camera import CameraModel  # noqa: E402
from camchar.simulation.sweep import DNG_PEAK_RATE, SweepPlan, simulate_sweep  # noqa: E402
from camchar.stats.options import RunOptions  # noqa: E402
from camchar.stats.plan import load_request, plan_sweep  # noqa: E402
from camchar.stats.run import run_stats  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
MEGAPIXELS = WIDTH * HEIGHT / 1e6


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


def rawpy_rgb(path: Path) -> None:
    """rawpy's own work for one raw-rgb frame: unpack and demosaic."""
    with rawpy.imread(str(path)) as raw:
        raw.postprocess(**DCRAW_EMU_OPTIONS)


def rawpy_bayer(path: Path) -> None:
    """rawpy's own work for one raw-bayer frame: unpack and copy the visible raw data."""
    with rawpy.imread(str(path)) as raw:
        raw.raw_image_visible.copy()


def seconds_for(work: Callable[[Path], object], files: list[Path], workers: int, repeat: int) -> float:
    """Median wall time of ``work`` over every file on ``workers`` threads."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _result in ordered_map(work, files, workers):
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class _CountedRaw:
    """A RawPy that counts its ``postprocess`` calls (RawPy, an extension type, takes no new attributes)."""

    def __init__(self, raw: rawpy.RawPy, path: str, demosaiced: collections.Counter):
        self._raw, self._path, self._demosaiced = raw, path, demosaiced

    def __getattr__(self, name: str):
        return getattr(self._raw, name)

    def __enter__(self) -> "_CountedRaw":
        self._raw.__enter__()
        return self

    def __exit__(self, *exc_info: object):
        return self._raw.__exit__(*exc_info)

    def postprocess(self, *args, **kwargs):
        self._demosaiced[self._path] += 1
        return self._raw.postprocess(*args, **kwargs)


@contextlib.contextmanager
def counting_rawpy() -> Iterator[tuple[collections.Counter, collections.Counter]]:
    """Count ``rawpy.imread`` (open and unpack) and ``postprocess`` (demosaic) calls per file."""
    opened: collections.Counter = collections.Counter()
    demosaiced: collections.Counter = collections.Counter()
    imread = rawpy.imread

    def counted_imread(path, *args, **kwargs):
        opened[str(path)] += 1
        return _CountedRaw(imread(path, *args, **kwargs), str(path), demosaiced)

    rawpy.imread = counted_imread
    try:
        yield opened, demosaiced
    finally:
        rawpy.imread = imread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (median reported)")
    args = parser.parse_args()
    settings = read_settings(sweep())
    components = build_host().components
    files = [path for bracket in plan_sweep(settings, components.get("loaders", "raw-rgb").component).brackets for _, path in bracket.images]
    request = load_request(settings)
    print(f"machine: {machine()}")
    print(f"{len(files)} DNGs of {WIDTH} x {HEIGHT} ({MEGAPIXELS:.0f} MP), ROI 2000 x 1500; medians of {args.repeat} runs, side by side")
    print(f"{'':28}{'workers':>8}{'files/s':>9}{'MP/s':>8}{'vs rawpy':>10}")
    for name, floor in (("raw-rgb", rawpy_rgb), ("raw-bayer", rawpy_bayer)):
        loader = components.get("loaders", name).component
        for workers in (1, 2):
            ours = seconds_for(lambda path, loader=loader: loader.load(path, request), files, workers, args.repeat)
            theirs = seconds_for(floor, files, workers, args.repeat)
            for label, seconds in ((f"rawpy alone ({name})", theirs), (f"camchar loader {name}", ours)):
                rate = len(files) / seconds
                print(f"{label:28}{workers:>8}{rate:>9.2f}{rate * MEGAPIXELS:>8.1f}{theirs / seconds:>9.2f}x")
    for name in ("raw-rgb", "raw-bayer"):
        with counting_rawpy() as (opened, demosaiced):
            started = time.perf_counter()
            run_stats(settings, components, RunOptions(output=settings.path.parent / f"{name}.h5", loader=name))
            seconds = time.perf_counter() - started
        rate = len(files) / seconds
        print(
            f"camchar stats --loader {name}: {seconds:.2f} s for {len(files)} files, {rate * MEGAPIXELS:.1f} MP/s; "
            f"per file: opened {describe(opened, files)}, demosaiced {describe(demosaiced, files)}"
        )


def describe(counts: collections.Counter, files: list[Path]) -> str:
    """E.g. ``2x (24 files)`` or ``1x (20 files), 2x (4 files)``."""
    per_file = collections.Counter(counts.get(str(path), 0) for path in files)
    return ", ".join(f"{times}x ({count} files)" for times, count in sorted(per_file.items()))


if __name__ == "__main__":
    main()
