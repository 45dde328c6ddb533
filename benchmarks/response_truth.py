"""The whole chain against a known camera: camchar simulate, then stats, then response, for every response method.

    pip install -e .
    python benchmarks/response_truth.py [--size 48x36] [--draws 100]

For each wavelength step (5 nm and simulate's default 20 nm) it simulates a
sweep from 400 to 700 nm with dark frames (the simulated monochromator:
10 nm FWHM; the built-in camera), runs ``camchar stats settings.yml`` and
``camchar response settings.yml --method M`` for every installed response
method, exactly as a user would (no -o, no --source), and compares each
response with the true sensitivity in ``truth.h5``: the RMS error over the
measured range (the nominal wavelengths' span) as a percentage of each
channel's true peak. It prints a markdown table and the machine. About a
minute.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_speed import machine  # noqa: E402

from camchar.cli.main import main as camchar  # noqa: E402
from camchar.host.kinds import RESPONSE_METHODS  # noqa: E402
from camchar.host.manager import build_host  # noqa: E402

STEPS = (5, 20)


def rms_percent_of_peak(folder: Path, response_file: Path) -> np.ndarray:
    """Per channel: RMS of (response - true sensitivity) over the measured range, in % of the channel's true peak."""
    with h5py.File(folder / "truth.h5", "r") as truth, h5py.File(response_file, "r") as response:
        sensitivity, wavelength = truth["sensitivity"][()], truth["wavelength"][()]
        estimate, nominal = response["response_mean"][()], response["samples/nominal_wavelength"][()]
        if not np.array_equal(response["wavelength"][()], wavelength):
            raise SystemExit(f"{response_file}: the response's wavelengths are not the truth's")
    measured = (wavelength >= nominal.min()) & (wavelength <= nominal.max())
    error = np.sqrt(((estimate[measured] - sensitivity[measured]) ** 2).mean(axis=0))
    return 100 * error / sensitivity[measured].max(axis=0)


def run(*args: object) -> None:
    status = camchar([str(arg) for arg in args])
    if status:
        raise SystemExit(f"camchar {' '.join(map(str, args))} exited with status {status}")


def chain(scratch: Path, step: int, size: str, draws: int, methods: list[str]) -> dict[str, tuple[np.ndarray, float]]:
    """Simulate, stats, then each method's response; per method its RMS errors and the response's time."""
    folder = scratch / f"step-{step}"
    run("simulate", folder, "--size", size, "--wavelengths", f"400:700:{step}", "--dark-frames", "1", "--quiet")
    settings = folder / "settings.yml"
    run("stats", settings, "--quiet")
    results = {}
    for method in methods:
        started = time.perf_counter()
        run("response", settings, "--method", method, "--bootstrap", draws, "--seed", 1, "--quiet")
        elapsed = time.perf_counter() - started
        response = folder / "settings response.h5"
        results[method] = (rms_percent_of_peak(folder, response), elapsed)
        response.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="48x36", help="image size WIDTHxHEIGHT (default 48x36)")
    parser.add_argument("--draws", type=int, default=100, help="bootstrap draws (default 100)")
    args = parser.parse_args()
    methods = sorted(entry.name for entry in build_host().components.of_kind(RESPONSE_METHODS.key))
    scratch = Path(tempfile.mkdtemp(prefix="camchar-response-truth-"))
    try:
        print(f"machine: {machine()}")
        print(f"sweeps 400-700 nm, {args.size} pixels, monochromator 10 nm FWHM, {args.draws} bootstrap draws, seed 1\n")
        print("| step | method | R (% of peak) | G | B | response time |")
        print("|---|---|---|---|---|---|")
        for step in STEPS:
            for method, (error, elapsed) in chain(scratch, step, args.size, args.draws, methods).items():
                print(f"| {step} nm | {method} | {error[0]:.2f} | {error[1]:.2f} | {error[2]:.2f} | {elapsed:.1f} s |", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
