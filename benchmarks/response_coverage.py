"""How often the response's ±1σ and ±2σ bands cover the true sensitivity, per method.

    pip install -e .
    python benchmarks/response_coverage.py [--seeds 5] [--size 48x36] [--draws 100]

For each seed it simulates a sweep from 400 to 700 nm in 5 nm steps with dark
frames (``camchar simulate OUT --wavelengths 400:700:5 --dark-frames 1
--seed S``), runs ``camchar stats`` and then ``camchar response --method M``
for every installed response method, and counts, at every response wavelength
within the measured range (the nominal wavelengths' span) and every channel,
whether the true sensitivity of ``truth.h5`` lies within the stored band
``response_mean ± k·response_std`` for k = 1 and 2. A band that is what it
claims (a standard error of a unbiased estimate, normally distributed) covers
68% and 95%. It prints a markdown table (the one in docs/response.md) and the
machine. A few minutes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_speed import machine  # noqa: E402

from camchar.cli.main import main as camchar  # noqa: E402
from camchar.host.kinds import RESPONSE_METHODS  # noqa: E402
from camchar.host.manager import build_host  # noqa: E402

WIDTHS = (1.0, 2.0)


def covered(folder: Path, response_file: Path) -> np.ndarray:
    """Per band width k, the (wavelength, channel) cells of the measured range whose truth lies within mean ± k·std."""
    with h5py.File(folder / "truth.h5", "r") as truth, h5py.File(response_file, "r") as response:
        sensitivity, wavelength = truth["sensitivity"][()], truth["wavelength"][()]
        mean, std = response["response_mean"][()], response["response_std"][()]
        nominal = response["samples/nominal_wavelength"][()]
        if not np.array_equal(response["wavelength"][()], wavelength):
            raise SystemExit(f"{response_file}: the response's wavelengths are not the truth's")
    measured = (wavelength >= nominal.min()) & (wavelength <= nominal.max())
    distance = np.abs(mean[measured] - sensitivity[measured])
    return np.stack([distance <= width * std[measured] for width in WIDTHS])


def run(*args: object) -> None:
    status = camchar([str(arg) for arg in args])
    if status:
        raise SystemExit(f"camchar {' '.join(map(str, args))} exited with status {status}")


def one_seed(scratch: Path, seed: int, size: str, draws: int, methods: list[str]) -> dict[str, np.ndarray]:
    """Simulate with ``seed``, then each method's response; per method the coverage cells."""
    folder = scratch / f"seed-{seed}"
    run("simulate", folder, "--size", size, "--wavelengths", "400:700:5", "--dark-frames", "1", "--seed", seed, "--quiet")
    settings = folder / "settings.yml"
    run("stats", settings, "--quiet")
    cells = {}
    for method in methods:
        response = folder / f"{method}.h5"
        run("response", settings, "--method", method, "--bootstrap", draws, "--seed", seed, "-o", response, "--quiet")
        cells[method] = covered(folder, response)
    shutil.rmtree(folder, ignore_errors=True)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="simulated sweeps, seeds 1 to N (default 5)")
    parser.add_argument("--size", default="48x36", help="image size WIDTHxHEIGHT (default 48x36)")
    parser.add_argument("--draws", type=int, default=100, help="bootstrap draws (default 100)")
    args = parser.parse_args()
    methods = sorted(entry.name for entry in build_host().components.of_kind(RESPONSE_METHODS.key))
    scratch = Path(tempfile.mkdtemp(prefix="camchar-response-coverage-"))
    totals: dict[str, list[np.ndarray]] = {method: [] for method in methods}
    try:
        for seed in range(1, args.seeds + 1):
            for method, cells in one_seed(scratch, seed, args.size, args.draws, methods).items():
                totals[method].append(cells)
                print(f"seed {seed} {method}: ±1σ {cells[0].mean():.0%}, ±2σ {cells[1].mean():.0%}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"machine: {machine()}")
    print(f"{args.seeds} sweeps (seeds 1 to {args.seeds}), 400-700 nm in 5 nm steps, {args.size} pixels, {args.draws} bootstrap draws\n")
    print("| method | within ±1σ (R, G, B) | within ±2σ (R, G, B) | expected |")
    print("|---|---|---|---|")
    for method, parts in totals.items():
        cells = np.concatenate(parts, axis=1)  # (widths, wavelengths × seeds, channels)
        one, two = (cells[index].mean(axis=0) for index in range(len(WIDTHS)))
        print(f"| {method} | {cells[0].mean():.0%} ({', '.join(f'{v:.0%}' for v in one)}) | "
              f"{cells[1].mean():.0%} ({', '.join(f'{v:.0%}' for v in two)}) | 68% / 95% |")


if __name__ == "__main__":
    main()
