"""Many sweeps in one call: one after the other, and side by side with --jobs 2; and a second, up-to-date run.

    python benchmarks/batch_speed.py                     # 8 sweeps, 3 repetitions
    python benchmarks/batch_speed.py --sweeps 4 --repeat 5
    python benchmarks/batch_speed.py --mode "jobs 4=--jobs 4"   # a further column (see MODES)

Eight small sweeps (31 brackets x 3 exposures of 640 x 480 16-bit RGB TIFFs,
ROI 320 x 240, different seeds) are simulated into benchmarks/data/batch/ on
the first run and reused afterwards. Each measurement is one
``camchar stats FOLDER --force`` in its own process (with its worker
processes), the page cache warm; the modes are interleaved, their order
rotated from one repetition to the next, and the medians reported side by
side with the speed-up over one-by-one. The outputs of every mode are
compared number for number. Last, ``camchar stats FOLDER`` on outputs that are
all up to date: the time a lab pays to learn that nothing needs computing.

The peak memory reported is the largest single process of a run (the batch
or one of its workers), beside the estimate that bounds ``--jobs``
(``camchar.stats.footprint``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "batch"

#: The modes measured: name -> extra arguments of ``camchar stats FOLDER --force``. The first is the reference of the
#: speed-up; more with --mode on the command line.
MODES: dict[str, list[str]] = {
    "one by one": [],  # each sweep on the default threads (every CPU, at most 8)
    "--jobs 2": ["--jobs", "2"],  # two sweeps at once, CPUs / 2 threads each
    "one by one, 1 thread": ["--workers", "1"],  # what --jobs 2 shares out: one thread per sweep
    "dask local:2": ["--scheduler", "local:2"],  # one local cluster of 2 worker processes for the batch, sweeps in turn
}


def sweeps(count: int) -> Path:
    """The folder of ``count`` simulated sweeps, simulating those that are not there yet."""
    from camchar.core.frames import Region
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.sweep import SweepPlan, simulate_sweep

    folder = DATA / f"sweeps-{count}"
    for index in range(1, count + 1):
        target = folder / f"sweep-{index}"
        if (target / "settings.yml").exists():
            continue
        print(f"simulating {target.name}: 31 brackets x 3 exposures of 640 x 480 ...", file=sys.stderr)
        plan = SweepPlan(
            wavelengths=tuple(range(400, 701, 10)),
            exposures=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)),
            roi=Region(160, 120, 320, 240),
            seed=index,
        )
        simulate_sweep(target, CameraModel(height=480, width=640), plan)
    return folder


def child(arguments: list[str]) -> None:
    """Run ``camchar ARGUMENTS`` as a process and print its wall time and the peak RSS of its largest process as JSON."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "camchar", *arguments], check=True)
    seconds = time.perf_counter() - started
    # the children's peak: the largest of the batch process and the workers it waited for; their CPU time, summed
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime}))


def measure(arguments: list[str]) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *arguments], capture_output=True, text=True, cwd=HERE)
    if result.returncode != 0:
        raise SystemExit(f"camchar {' '.join(arguments)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def difference(first: Path, second: Path) -> str:
    """How far two folders of outputs differ, file by file: 'identical', the largest relative difference, or what is missing."""
    import h5py
    import numpy as np

    names = sorted(path.relative_to(first) for path in first.rglob("*.h5"))
    if names != sorted(path.relative_to(second) for path in second.rglob("*.h5")) or not names:
        return "different files"
    worst = 0.0
    for name in names:
        with h5py.File(first / name) as one, h5py.File(second / name) as other:
            for dataset in ("nominal_wavelength", "exposure_time", "samples", "samples_std"):
                a, b = one[dataset][()], other[dataset][()]
                if a.shape != b.shape:
                    return f"{name}: {dataset} of another shape"
                worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-300), initial=0.0)))
    return "identical" if worst == 0 else f"largest relative difference {worst:.1e}"


def footprints(folder: Path) -> str:
    """The largest estimated peak memory of the sweeps, with one and with two threads."""
    from camchar.host.manager import build_host
    from camchar.settings import read_settings
    from camchar.stats.choice import choose_components
    from camchar.stats.footprint import sweep_footprint
    from camchar.stats.options import RunOptions

    components = build_host().components
    largest = None
    for settings_file in sorted(folder.glob("*/settings.yml")):
        settings = read_settings(settings_file)
        footprint = sweep_footprint(settings, choose_components(components, settings, RunOptions(), settings.samples_file))
        if largest is None or footprint.bytes(2) > largest.bytes(2):
            largest = footprint
    return f"{largest.bytes(1) / 2**20:.0f} MiB with 1 thread, {largest.bytes(2) / 2**20:.0f} MiB with 2"


def slug(name: str) -> str:
    """A folder name for a mode's outputs."""
    return "".join(character if character.isalnum() else "-" for character in name).strip("-")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numpy

    return f"{model}, {cores} cores, {memory:.0f} GiB; Python {platform.python_version()}, numpy {numpy.__version__}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweeps", type=int, default=8, help="number of sweeps (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each mode (median reported)")
    parser.add_argument("--mode", action="append", default=[], metavar="NAME=ARGS", help="another mode: its name and its extra arguments")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    modes = dict(MODES)
    for given in args.mode:
        name, _, extra = given.partition("=")
        modes[name] = extra.split()
    folder = sweeps(args.sweeps)
    outputs = DATA / "outputs"
    shutil.rmtree(outputs, ignore_errors=True)
    print(f"machine: {machine()}")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())} (other work on the machine skews side-by-side runs)")
    print(f"sweeps: {args.sweeps} x (31 brackets x 3 exposures of 640 x 480 16-bit RGB TIFF, ROI 320 x 240)")
    print(f"estimated peak memory of a sweep (the --jobs bound): {footprints(folder)}")

    def arguments(name: str) -> list[str]:
        target = outputs / slug(name)
        target.mkdir(parents=True, exist_ok=True)
        return ["stats", str(folder), "--force", "--quiet", "--output-dir", str(target), *modes[name]]

    measure(arguments(next(iter(modes))))  # warm the page cache
    names = list(modes)
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for repetition in range(args.repeat):
        for name in names[repetition % len(names) :] + names[: repetition % len(names)]:
            runs[name].append(measure(arguments(name)))
    reference = statistics.median(run["seconds"] for run in runs[names[0]])
    print(f"{'mode':22}{'wall [s]':>10}{'min-max [s]':>14}{'speed-up':>10}{'CPU [s]':>10}{'largest process peak RSS [MiB]':>32}")
    for name in names:
        times = [run["seconds"] for run in runs[name]]
        seconds = statistics.median(times)
        cpu = statistics.median(run["cpu_seconds"] for run in runs[name])
        peak = statistics.median(run["peak_mib"] for run in runs[name])
        spread = f"{min(times):.2f}-{max(times):.2f}"
        print(f"{name:22}{seconds:>10.2f}{spread:>14}{reference / seconds:>9.2f}x{cpu:>10.2f}{peak:>32.0f}")
    first = outputs / slug(names[0])
    for name in names[1:]:
        other = outputs / slug(name)
        print(f"numbers, {names[0]} against {name}: {difference(first, other)}")
    up_to_date = [measure(["stats", str(folder), "--quiet", "--output-dir", str(first)])["seconds"] for _ in range(args.repeat)]
    print(f"second run, all {args.sweeps} up to date (skipped): {statistics.median(up_to_date):.2f} s")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
