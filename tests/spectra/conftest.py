"""Spectrometer files for the spectra step's tests: three real OceanView files, and the 101 of the 2022 reference."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import h5py
import numpy as np
import pytest

DATA = Path(__file__).parent.parent / "data"

#: The original's output on the 101 reference files.
REFERENCE = DATA / "monochromator-2022-10-11.h5"
#: Three of the 101 files (their rows at 300, 500 and 800 nm of REFERENCE).
THREE_FILES = DATA / "oceanview-3-files.tar.xz"
#: All 101 files: kept outside the repository.
ARCHIVE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "oceanview-2022-10-11.tar.xz"


def unpack(archive: Path, target: Path) -> Path:
    """The archive's files, flat in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile():
                (target / Path(member.name).name).write_bytes(tar.extractfile(member).read())
    return target


@pytest.fixture(scope="session")
def three_files_once(tmp_path_factory) -> Path:
    return unpack(THREE_FILES, tmp_path_factory.mktemp("three"))


@pytest.fixture
def three_files(three_files_once, tmp_path) -> Path:
    """A private copy of the three OceanView files."""
    return Path(shutil.copytree(three_files_once, tmp_path / "spectra"))


@pytest.fixture(scope="session")
def reference_files(tmp_path_factory) -> Path:
    """The 101 OceanView files of the 2022 monochromator, unpacked once per session (read them, never write there)."""
    if not ARCHIVE.is_file():
        pytest.skip(f"{ARCHIVE} is not on this machine")
    return unpack(ARCHIVE, tmp_path_factory.mktemp("oceanview"))


def reference_rows(nominal: list[float]) -> dict[str, np.ndarray]:
    """The reference file's datasets, cut to the rows of these nominal wavelengths."""
    with h5py.File(REFERENCE) as f:
        rows = np.searchsorted(f["nominal_wavelength"][()], nominal)
        return {
            name: f[name][()][rows] if f[name].ndim == 2 or name in ("nominal_wavelength", "raw/optical_density") else f[name][()]
            for name in ("nominal_wavelength", "wavelength", "irradiance", "irradiance_std", "raw/wavelength", "raw/irradiance", "raw/optical_density")
        }
