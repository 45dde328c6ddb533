"""camchar stats against the naive in-memory baseline and against merely decoding the files.

    python benchmarks/stats_speed.py             # full-size sweep: 111 brackets x 3 of 1350 x 1350, ROI 750 x 750
    python benchmarks/stats_speed.py --scaling   # peak memory at 111 and at 444 brackets on each path (600 x 600, ROI 300 x 300)
    python benchmarks/stats_speed.py --threshold # both arithmetic paths forced, on a sweep below the fast path's threshold
    python benchmarks/stats_speed.py --compile   # the kernels: numba builds them once, later runs load them without numba

Sweeps are simulated into benchmarks/data/ on the first run (a few minutes and
3.6 GB for the full-size one) and reused afterwards. Every measurement runs in
its own process, so that each peak RSS is that program's alone; the three are
interleaved and repeated, the page cache warm, and the medians reported side
by side with their ratios. The numbers of camchar and of the baseline are
compared too. camchar runs as installed (the fast path, numba's kernels,
when the sweep is large enough) and on the numpy path (``CAMCHAR_FAST_PATH=0``).
The machine, and its load average before and after, are printed with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def sweep(name: str, brackets: int, size: int, roi: tuple[int, int, int, int]) -> Path:
    """The settings file of a simulated sweep, simulating it first if it is not there."""
    from camchar.core.frames import Region
    from camchar.simulation.camera import CameraModel
    from camchar.simulation.sweep import SweepPlan, simulate_sweep

    folder = DATA / name
    settings = folder / "settings.yml"
    if settings.exists():
        return settings
    print(f"simulating {name}: {brackets} brackets x 3 exposures of {size} x {size} ...", file=sys.stderr)
    wavelengths = tuple(range(300, 851, 5)) if brackets == 111 else tuple(300 + i for i in range(brackets))
    plan = SweepPlan(
        wavelengths=wavelengths,
        exposures=(Fraction(1, 160), Fraction(1, 80), Fraction(1, 40)),
        roi=Region(*roi),
        seed=brackets,
    )
    simulate_sweep(folder, CameraModel(height=size, width=size, peak_rate=6.0e6, vignetting=0.1), plan)
    return settings


def child(mode: str, settings: Path, output: Path) -> None:
    """Run one measured program in this process and print its time and peak memory as JSON."""
    import numpy as np
    import tifffile
    import yaml

    if mode == "kernels":
        compile_kernels()
        return
    if mode.startswith("camchar"):
        from rich.console import Console

        from camchar.host.manager import build_host
        from camchar.runtime.progress import Reporter, silent
        from camchar.settings import read_settings
        from camchar.stats.options import RunOptions
        from camchar.stats.run import run_stats

        # "camchar-progress" draws the live progress bar as in a terminal (into /dev/null)
        terminal = Console(stderr=False, file=open(os.devnull, "w"), force_terminal=True, width=120)
        reporter = Reporter(console=terminal) if mode == "camchar-progress" else silent()
    else:
        import naive_image_stats

    started, cpu_started = time.perf_counter(), cpu_seconds()
    if mode == "decode":
        config = yaml.safe_load(settings.read_text())
        for numbers in config["images"].values():
            for number in numbers:
                path = settings.parent / config["image_dir"] / config["image_name"].format(number)
                tifffile.imread(path.with_suffix(".tiff"))
    elif mode.startswith("camchar"):
        run_stats(read_settings(settings), build_host().components, RunOptions(output=output), reporter)
    else:
        wavelengths, times, mean, std = naive_image_stats.image_stats(settings)
        np.savez(output, wavelengths=wavelengths, times=times, mean=mean, std=std)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu_started, "peak_mib": peak_rss_mib()}))


def cpu_seconds() -> float:
    """CPU time of this process, all its threads, user and system: less sensitive than wall time to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def compile_kernels() -> None:
    """Load the fast path as a run does (numba builds the kernels for 16-bit samples when none are built); print the time taken as JSON."""
    from camchar.numerics import fast_path

    os.environ[fast_path.FAST_PATH_ENV] = "1"  # whatever the size: this measures the loading alone
    started = time.perf_counter()
    with fast_path.engaged(0, ("uint16",)) as path:
        if fast_path.kernels(wait=True) is None:
            raise SystemExit(f"the kernels failed to load (the path taken: {path()})")
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "numba_imported": "numba" in sys.modules, "peak_mib": peak_rss_mib()}))


def peak_rss_mib() -> float:
    """This process's peak resident memory since it started its program.

    ``VmHWM`` rather than ``getrusage``'s ``ru_maxrss``, which a child process
    inherits from the parent it was forked from.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: The environment of each mode's process: camchar as installed, or on a path forced by CAMCHAR_FAST_PATH.
PATH_OF_MODE = {"camchar-numpy": "0", "camchar-numba": "1"}


def measure(mode: str, settings: Path, output: Path, environment: dict[str, str] | None = None) -> dict:
    env = {**os.environ, **(environment or {})}
    env.pop("CAMCHAR_FAST_PATH", None)
    if mode in PATH_OF_MODE:
        env["CAMCHAR_FAST_PATH"] = PATH_OF_MODE[mode]
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(settings), str(output)],
        capture_output=True, text=True, check=True, cwd=HERE, env=env,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(camchar_h5: Path, naive_npz: Path) -> dict:
    import h5py
    import numpy as np

    naive = np.load(naive_npz)
    with h5py.File(camchar_h5) as f:
        ours = {name: f[name][()] for name in ("nominal_wavelength", "exposure_time", "samples", "samples_std")}
    return {
        "same wavelengths": bool(np.array_equal(ours["nominal_wavelength"], naive["wavelengths"])),
        "same selected exposures": bool(np.array_equal(ours["exposure_time"], naive["times"])),
        "max relative difference of mean": float(np.max(np.abs(ours["samples"] / naive["mean"] - 1))),
        "max relative difference of std": float(np.max(np.abs(ours["samples_std"] / naive["std"] - 1))),
    }


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

    from camchar.numerics import fast_path

    return f"{model}, {cores} cores, {memory:.0f} GiB; Python {platform.python_version()}, numpy {numpy.__version__}; {fast_path.describe()}"


def compile_modules() -> None:
    """Compile camchar's modules to bytecode, as installing it does: where PYTHONDONTWRITEBYTECODE is set (this
    project's CI machines set it), a module edited since its last compilation is compiled again by every run."""
    import compileall

    import camchar

    compileall.compile_dir(Path(camchar.__file__).parent, quiet=1)


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def run(settings: Path, modes: list[str], repeat: int) -> dict[str, dict]:
    scratch = settings.parent
    measure("decode", settings, scratch / "unused")  # warm the page cache
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for repetition in range(repeat):
        # rotate the order, so that no program always runs right after the same other one
        for mode in modes[repetition % len(modes) :] + modes[: repetition % len(modes)]:
            output = scratch / (f"{mode}-out.h5" if mode.startswith("camchar") else "naive-out.npz")
            runs[mode].append(measure(mode, settings, output))
    return {
        mode: {
            "seconds": statistics.median(r["seconds"] for r in results),
            "cpu_seconds": statistics.median(r.get("cpu_seconds", 0.0) for r in results),
            "peak_mib": statistics.median(r["peak_mib"] for r in results),
        }
        for mode, results in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scaling", action="store_true", help="peak memory at 111 and 444 brackets")
    parser.add_argument("--threshold", action="store_true", help="both paths forced on a sweep below the fast path's threshold")
    parser.add_argument("--compile", action="store_true", help="the kernels built by numba into an empty cache, then loaded from it")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (median reported)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SETTINGS", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, settings, output = args.child
        child(mode, Path(settings), Path(output))
        return

    print(f"machine: {machine()}")
    print(f"before: {load()}")
    compile_modules()
    if args.compile:
        compile_times()
    elif args.threshold:
        settings = sweep("scale-111", 111, 600, (150, 150, 300, 300))
        results = run(settings, ["camchar-numpy", "camchar-numba"], args.repeat)
        print("sweep: 111 brackets x 3 exposures, 600 x 600 16-bit RGB TIFF, ROI 300 x 300 (90 million pixel values)")
        for mode in ("camchar-numpy", "camchar-numba"):
            print(f"{mode:26}{results[mode]['seconds']:>10.2f} s{results[mode]['cpu_seconds']:>10.2f} s CPU{results[mode]['peak_mib']:>10.0f} MiB")
        print(f"numba / numpy wall time:     {results['camchar-numba']['seconds'] / results['camchar-numpy']['seconds']:.2f}x")
        print(f"numba / numpy CPU time:      {results['camchar-numba']['cpu_seconds'] / results['camchar-numpy']['cpu_seconds']:.2f}x")
    elif not args.scaling:
        full_size(args.repeat)
    else:
        print("sweeps: 600 x 600 16-bit RGB TIFF, ROI 300 x 300, 3 exposures per bracket; camchar on each path, forced")
        print(f"{'brackets':>8}{'path':>7}{'camchar [s]':>13}{'camchar peak RSS [MiB]':>24}{'naive [s]':>11}{'naive peak RSS [MiB]':>22}")
        for brackets in (111, 444):
            settings = sweep(f"scale-{brackets}", brackets, 600, (150, 150, 300, 300))
            results = run(settings, ["camchar-numpy", "camchar-numba", "naive"], args.repeat)
            naive = results["naive"]
            for mode in ("camchar-numpy", "camchar-numba"):
                ours = results[mode]
                path = mode.removeprefix("camchar-")
                print(f"{brackets:>8}{path:>7}{ours['seconds']:>13.2f}{ours['peak_mib']:>24.0f}{naive['seconds']:>11.2f}{naive['peak_mib']:>22.0f}")
                comparison = compare(settings.parent / f"{mode}-out.h5", settings.parent / "naive-out.npz")
                print("         " + "; ".join(f"{key}: {value}" for key, value in comparison.items()))
    print(f"after: {load()}")


def full_size(repeat: int) -> None:
    """The full-size sweep: decoding, camchar on each path, with a progress bar, and the naive baseline, side by side."""
    settings = sweep("full-111", 111, 1350, (300, 300, 750, 750))
    results = run(settings, ["decode", "camchar-numba", "camchar-numpy", "camchar-progress", "naive"], repeat)
    decode, naive = results["decode"], results["naive"]
    print("sweep: 111 brackets x 3 exposures, 1350 x 1350 16-bit RGB TIFF, ROI 750 x 750")
    print(f"{'':30}{'wall [s]':>10}{'CPU [s]':>10}{'peak RSS [MiB]':>16}")
    names = {
        "decode": "decode only",
        "camchar-numba": "camchar, fast path (forced)",
        "camchar-numpy": "camchar, numpy path (forced)",
        "camchar-progress": "camchar as installed, progress bar",
        "naive": "naive",
    }
    for mode, name in names.items():
        print(f"{name:30}{results[mode]['seconds']:>10.2f}{results[mode]['cpu_seconds']:>10.2f}{results[mode]['peak_mib']:>16.0f}")
    for mode in ("camchar-numba", "camchar-numpy"):
        ours = results[mode]
        print(f"{names[mode]}:")
        print(f"  naive / camchar wall time:   {naive['seconds'] / ours['seconds']:.1f}x   (target >= 20x)")
        print(f"  camchar / decode wall time:  {ours['seconds'] / decode['seconds']:.2f}x  (target <= 2x)")
        print(f"  naive / camchar peak RSS:    {naive['peak_mib'] / ours['peak_mib']:.1f}x   (target >= 8x)")
        print(f"  camchar / decode CPU time:   {ours['cpu_seconds'] / decode['cpu_seconds']:.2f}x")
    print(f"progress bar / numpy path:     {results['camchar-progress']['seconds'] / results['camchar-numpy']['seconds']:.2f}x")
    print(f"{'arithmetic with the progress bar (as installed)':48}{arithmetic(settings.parent / 'camchar-progress-out.h5')}")
    for mode in ("camchar-numba", "camchar-numpy"):
        for key, value in compare(settings.parent / f"{mode}-out.h5", settings.parent / "naive-out.npz").items():
            print(f"{mode}: {key}: {value}")
        print(f"{mode}: arithmetic: {arithmetic(settings.parent / f'{mode}-out.h5')}")


def arithmetic(output: Path) -> str:
    import h5py

    with h5py.File(output) as f:
        return str(f["camchar"].attrs.get("arithmetic", "not recorded"))


def compile_times() -> None:
    """The kernels in a new process each time: built into an empty cache, then loaded from it, twice."""
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        runs = [measure("kernels", Path(), Path(), {"NUMBA_CACHE_DIR": cache}) for _ in range(3)]
    for name, result in zip(("first run (numba builds)", "second run (built)", "third run (built)"), runs):
        imported = "numba imported" if result["numba_imported"] else "numba not imported"
        print(f"{name:26}{result['seconds']:>7.2f} s   ({imported}; peak RSS {result['peak_mib']:.0f} MiB)")


if __name__ == "__main__":
    main()
