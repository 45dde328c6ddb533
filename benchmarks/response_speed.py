"""camchar's response fit against a straightforward translation of the original method, on the real files.

    python benchmarks/response_speed.py                 # default method, 100 draws, seed 1, 3 repetitions
    python benchmarks/response_speed.py --repeat 5 --threads 1
    python benchmarks/response_speed.py --command       # the README's example as a user runs it, best of 3; and 1000 draws

Both programs run in this process, interleaved (the order alternates), on the
Nikon D810 samples and the 2022 monochromator spectra in tests/data/; the
medians are printed side by side with their ratio, and the numbers of the two
are compared with each other and with the original's file
(response-ridge-smooth-s1.h5). ``--threads`` sets OPENBLAS_NUM_THREADS and
OMP_NUM_THREADS before NumPy is imported (default: leave them as they are).

``--command`` times the README's example, ``camchar response`` on the same
files in a new process (interpreter start-up and imports included), best of
``--repeat`` wall times, and the same command with ``--bootstrap 1000``, with
the load average before and after (the machine is often shared).

The naive program is the method of docs/response.md written the obvious way:
every alpha the search tries and every bootstrap draw solves
``pinv(XᵀX + PᵀP) Xᵀ y`` with a 601 x 601 pseudo-inverse, as the original did.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
SAMPLES = DATA / "nikon-d810-uv-60mm-macro.h5"
SPECTRA = DATA / "monochromator-2022-10-11.h5"
REFERENCE = DATA / "response-ridge-smooth-s1.h5"


def naive_fit(n_draws: int, seed: int, target_r2: float = 0.999) -> dict:
    """The default method (ridge-smooth) exactly as described, one W x W pseudo-inverse per solve."""
    import h5py
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.signal import convolve, firwin

    integrate = getattr(np, "trapezoid", None) or np.trapz
    with h5py.File(SPECTRA, "r") as f:
        wl = f["wavelength"][()]
        source_nominal = f["nominal_wavelength"][()]
        X, X_std = f["irradiance"][()], f["irradiance_std"][()]
    with h5py.File(SAMPLES, "r") as f:
        samples_nominal = f["nominal_wavelength"][()]
        y, y_std = f["samples"][()], f["samples_std"][()]

    # normalise, then match
    source_scale = integrate(X, wl, axis=1).max()
    samples_scale = np.nanmax(y)
    X, X_std, y, y_std = X / source_scale, X_std / source_scale, y / samples_scale, y_std / samples_scale
    _, i, j = np.intersect1d(source_nominal, samples_nominal, return_indices=True)
    X, X_std, y, y_std = X[i], X_std[i], y[j], y_std[j]

    # bandwidth: median FWHM of the spectra, or twice the spacing of their peak centroids
    widths = []
    for spectrum in X:
        relative = spectrum / spectrum.max()
        above = np.flatnonzero(relative >= 0.5)
        a, b = above[0], above[-1]
        rise = wl[a - 1] + (wl[a] - wl[a - 1]) * (0.5 - relative[a - 1]) / (relative[a] - relative[a - 1])
        fall = wl[b] + (wl[b + 1] - wl[b]) * (0.5 - relative[b]) / (relative[b + 1] - relative[b])
        widths.append(fall - rise)
    top = X * (X >= 0.75 * X.max(axis=1, keepdims=True))
    centroids = integrate(wl * top, wl, axis=1) / integrate(top, wl, axis=1)
    bandwidth = max(np.median(widths), 2 * np.median(np.diff(centroids)))
    kernel = firwin(15, 1 / bandwidth, fs=1 / np.median(np.diff(wl)), pass_zero=False)
    D = convolve(np.eye(wl.size), kernel[None], "same")

    def fit(X, y, alpha):
        P = np.sqrt(alpha) * np.eye(wl.size) + D
        return np.linalg.pinv(X.T @ X + P.T @ P) @ X.T @ y

    def r2(y, estimate):
        return np.mean(1 - ((y - estimate) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0))

    alpha = minimize_scalar(
        lambda a: (target_r2 - r2(y, X @ fit(X, y, a))) ** 2, bounds=(1e-8, 1e8), method="bounded"
    ).x
    rng = np.random.default_rng(seed)
    X_draws = rng.normal(X, X_std, (n_draws,) + X.shape)
    y_draws = rng.normal(y, y_std, (n_draws,) + y.shape)
    weights = np.array([fit(X_draws[k], y_draws[k], alpha) for k in range(n_draws)])
    estimates = np.array([X_draws[k] @ weights[k] for k in range(n_draws)])
    scale = samples_scale / source_scale
    return {
        "response_mean": weights.mean(0) * scale,
        "response_std": weights.std(0) * scale,
        "estimate_mean": estimates.mean(0) * samples_scale,
        "estimate_std": estimates.std(0) * samples_scale,
        "alpha": float(alpha),
        "R2": float(r2(y, estimates.mean(0))),
    }


def camchar_fit(n_draws: int, seed: int) -> dict:
    """camchar.response.fit_response with the default method, files read as the command will read them."""
    from camchar import CameraSamples
    from camchar.response import fit_response
    from camchar.response.run import load_spectra as read_monochromator_spectra

    result = fit_response(CameraSamples(SAMPLES), read_monochromator_spectra(SPECTRA), n_draws=n_draws, seed=seed)
    return {
        "response_mean": result.response_mean,
        "response_std": result.response_std,
        "estimate_mean": result.estimate_mean,
        "estimate_std": result.estimate_std,
        "alpha": result.alpha,
        "R2": result.r2,
    }


def reference() -> dict:
    import h5py

    with h5py.File(REFERENCE, "r") as f:
        return {
            "response_mean": f["response_mean"][()],
            "response_std": f["response_std"][()],
            "estimate_mean": f["samples/estimate_mean"][()],
            "estimate_std": f["samples/estimate_std"][()],
            "alpha": float(f["response_mean"].attrs["alpha"]),
            "R2": float(f["response_mean"].attrs["R2"]),
        }


def largest_difference(a: dict, b: dict) -> float:
    """Largest difference over all outputs, relative to each array's peak (or to the scalar)."""
    import numpy as np

    return max(float(np.max(np.abs(np.asarray(a[k]) - b[k])) / np.max(np.abs(b[k]))) for k in b)


def machine() -> str:
    import numpy as np
    import scipy

    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return (
        f"{model}, {os.cpu_count()} logical cores ({usable} usable), {platform.system()} {platform.release()}\n"
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"OPENBLAS_NUM_THREADS={threads}"
    )


def readme_command(draws: int, repeat: int) -> list[float]:
    """Wall times of ``camchar response SAMPLES --source SPECTRA --seed 1 --bootstrap DRAWS`` in new processes."""
    import subprocess
    import tempfile

    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            output = Path(folder) / "nikon-response.h5"
            output.unlink(missing_ok=True)
            command = [sys.executable, "-m", "camchar", "response", str(SAMPLES), "--source", str(SPECTRA), "--seed", "1", "--bootstrap", str(draws), "-o", str(output)]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def time_commands(repeat: int) -> None:
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    for draws, target in ((100, 1.5), (1000, 5.0)):
        times = readme_command(draws, repeat)
        print(f"camchar response (README example), {draws} draws: best {min(times):.2f} s of {', '.join(f'{t:.2f}' for t in times)} (target < {target} s)")
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each program (default 3)")
    parser.add_argument("--draws", type=int, default=100, help="bootstrap draws (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1, as the reference file)")
    parser.add_argument("--threads", type=int, help="BLAS threads (sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS)")
    parser.add_argument("--command", action="store_true", help="time the README's example as a command, best of --repeat, and with 1000 draws")
    args = parser.parse_args()
    if args.command:
        print(machine())
        time_commands(args.repeat)
        return
    if args.threads:
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)
    if "numpy" in sys.modules:
        raise RuntimeError("NumPy must not be imported before the thread count is set")

    print(machine())
    print(f"ridge-smooth, {args.draws} draws, seed {args.seed}, {args.repeat} repetitions each, interleaved\n")
    programs = {"naive": naive_fit, "camchar": camchar_fit}
    camchar_fit(2, 0)  # imports and first-call costs out of the way for both
    times: dict[str, list[float]] = {name: [] for name in programs}
    results: dict[str, dict] = {}
    order = list(programs)
    for repetition in range(args.repeat):
        for name in order:
            started = time.perf_counter()
            results[name] = programs[name](args.draws, args.seed)
            times[name].append(time.perf_counter() - started)
            print(f"  run {repetition + 1}: {name:8s} {times[name][-1]:8.3f} s", flush=True)
        order.reverse()

    print(f"\n{'program':10s} {'median s':>10s} {'min s':>10s} {'max s':>10s}")
    for name in programs:
        print(f"{name:10s} {statistics.median(times[name]):10.3f} {min(times[name]):10.3f} {max(times[name]):10.3f}")
    ratio = statistics.median(times["naive"]) / statistics.median(times["camchar"])
    print(f"\nspeed-up (ratio of medians): {ratio:.1f}x")
    print(f"largest difference camchar vs naive: {largest_difference(results['camchar'], results['naive']):.2e}")
    if args.draws == 100 and args.seed == 1:
        print(f"largest difference camchar vs the original's file: {largest_difference(results['camchar'], reference()):.2e}")
        print(f"largest difference naive vs the original's file:   {largest_difference(results['naive'], reference()):.2e}")


if __name__ == "__main__":
    main()
