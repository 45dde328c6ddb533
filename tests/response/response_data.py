"""Shared data for the response tests: the real inputs, the original's outputs, cached fits.

Imported by the test modules (a second ``conftest.py`` would shadow the root one).
"""

from __future__ import annotations

import functools
from pathlib import Path

import h5py
import numpy as np

from camchar.files.camera_samples import CameraSamples
from camchar.response import ResponseResult, fit_response
from camchar.response.run import load_spectra as read_monochromator_spectra

DATA = Path(__file__).resolve().parent.parent / "data"
NIKON = DATA / "nikon-d810-uv-60mm-macro.h5"
MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"

#: Each reference file of the original and how it was made: method, seed, non-negative.
REFERENCES = {
    "response-ridge-smooth-s1.h5": ("ridge-smooth", 1, False),
    "response-ridge-s2.h5": ("ridge", 2, False),
    "response-ols-s3.h5": ("ols", 3, False),
    "response-ridge-smooth-s4-non-negative.h5": ("ridge-smooth", 4, True),
}


@functools.lru_cache(maxsize=None)
def nikon_samples() -> CameraSamples:
    return CameraSamples(NIKON)


@functools.lru_cache(maxsize=None)
def monochromator():
    return read_monochromator_spectra(MONOCHROMATOR)


@functools.lru_cache(maxsize=None)
def reference_fit(name: str) -> ResponseResult:
    """camchar's fit with the reference file's method, seed and flags (computed once per session)."""
    method, seed, non_negative = REFERENCES[name]
    return fit_response(nikon_samples(), monochromator(), method, seed=seed, non_negative=non_negative)


def read_reference(name: str) -> dict:
    """The arrays and attributes of a reference file."""
    with h5py.File(DATA / name, "r") as f:
        out = {key: f[key][()] for key in (
            "wavelength", "response_mean", "response_std", "samples/nominal_wavelength",
            "samples/mean", "samples/std", "samples/estimate_mean", "samples/estimate_std",
        )}
        out.update({f"attr:{k}": v for k, v in f["response_mean"].attrs.items() if k != "DIMENSION_LIST"})
    return out


def peak_scaled_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest difference relative to the largest magnitude of ``expected`` (elements near 0 are not blown up)."""
    return float(np.abs(np.asarray(actual) - expected).max() / np.abs(expected).max())

