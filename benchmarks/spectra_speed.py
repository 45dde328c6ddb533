"""``camchar spectra`` on the 101 OceanView files of the 2022 monochromator, against a straightforward baseline.

    python benchmarks/spectra_speed.py [--repeat 3] [--archive PATH]

The original ``monochromator.py`` is not available, so the baseline is the
guide's method written the obvious way, file by file, in :func:`naive`:
read each file line by line with Python's ``float``, dark-correct, divide by
the ND factor, rebin with ``numpy.interp``, write the file with h5py.
camchar runs in this process (``camchar.cli.main.main``: parsing, the
plugin host, the checks, the writer; not the interpreter's start-up, which
is timed separately as ``python -m camchar spectra``). Best of ``--repeat``
runs each; the outputs are compared with the original's file.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "tests" / "data" / "monochromator-2022-10-11.h5"
ARCHIVE = HERE.parent.parent / "shared" / "reference" / "oceanview-2022-10-11.tar.xz"


def edges(centres: np.ndarray) -> np.ndarray:
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[centres[0] - (centres[1] - centres[0]) / 2], middle, [centres[-1] + (centres[-1] - centres[-2]) / 2]])


def naive(folder: Path, output: Path) -> None:
    """The guide's method, one file at a time, parsed line by line."""
    found = []
    for name in os.listdir(folder):
        match = re.match(r"([\d\.]+) ND(-[\d\.]+).txt", name)
        if match:
            found.append((float(match.group(1)), float(match.group(2)), name))
    found.sort()
    centres = np.linspace(250, 850, 1 + int((850 - 250) / 1.0))
    new_edges = edges(centres)
    rows, stds, raws = [], [], []
    for _, density, name in found:
        header, wavelengths, values, in_data = {}, [], [], False
        with open(folder / name) as handle:
            for line in handle:
                if in_data:
                    if line.strip():
                        w, v = line.split()
                        wavelengths.append(float(w))
                        values.append(float(v))
                elif line.startswith(">>>>>Begin Spectral Data<<<<<"):
                    in_data = True
                elif ":" in line:
                    key, value = line.split(":", 1)
                    header[key] = value.strip()
        wl, v = np.array(wavelengths), np.array(values)
        dark = v[:190]
        x = wl[190:]
        y = (v[190:] - dark.mean()) / 10**density
        e = edges(x)
        integral = np.concatenate([[0], np.cumsum(y * np.diff(e))])
        rows.append(np.diff(np.interp(new_edges, e, integral)) / np.diff(new_edges))
        stds.append(np.sqrt(dark.var() / np.diff(np.interp(new_edges, e, np.arange(len(e))))))
        raws.append(v)
    with h5py.File(output, "w") as f:
        f.attrs["spectrometer"] = header["Spectrometer"]
        f.attrs["date"] = header["Date"]
        f["nominal_wavelength"] = [row[0] for row in found]
        f["wavelength"] = centres
        f["irradiance"] = np.array(rows)
        f["irradiance_std"] = np.array(stds)
        f["raw/wavelength"] = wl
        f["raw/irradiance"] = np.array(raws)
        f["raw/optical_density"] = [row[1] for row in found]


def camchar_in_process(folder: Path, output: Path) -> None:
    from camchar.cli.main import main

    assert main(["spectra", str(folder), "-o", str(output), "-q"]) == 0


def camchar_process(folder: Path, output: Path) -> None:
    subprocess.run([sys.executable, "-m", "camchar", "spectra", str(folder), "-o", str(output), "-q"], check=True)


def best_of(repeat: int, run, folder: Path, output: Path) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(folder, output)
        times.append(time.perf_counter() - started)
    return min(times)


def same_as_reference(output: Path) -> bool:
    with h5py.File(output) as ours, h5py.File(REFERENCE) as original:
        return all(np.array_equal(ours[name][()], original[name][()]) for name in ("irradiance", "irradiance_std", "raw/irradiance", "wavelength"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    print(f"machine: {platform.node()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "spectra"
        folder.mkdir()
        with tarfile.open(args.archive) as tar:
            for member in tar.getmembers():
                if member.isfile():
                    (folder / Path(member.name).name).write_bytes(tar.extractfile(member).read())
        camchar_in_process(folder, Path(temporary) / "warm.h5")  # imports and the plugin host, once
        for label, run in (("naive per-file Python (baseline)", naive), ("camchar spectra, in process", camchar_in_process), ("python -m camchar spectra", camchar_process)):
            output = Path(temporary) / "out.h5"
            seconds = best_of(args.repeat, run, folder, output)
            print(f"{label:<36} best of {args.repeat}: {seconds:6.3f} s   same numbers as the original's file: {same_as_reference(output)}")
            output.unlink()


if __name__ == "__main__":
    main()
