"""The simulated chain the slow colour tests share: a camera of known sensitivities, simulate -> stats -> response -> colour.

Imported by the test modules (a second ``conftest.py`` would shadow the root one).
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from conftest import run_in_process

DATA = Path(__file__).resolve().parent.parent / "data"
MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
NPL = "Nikon 5100 (NPL)"


def camchar(*args: object) -> None:
    result = run_in_process(*args, "--quiet")
    assert result.returncode == 0, result.stderr


def npl_sensitivities() -> np.ndarray:
    """The NPL Nikon D5100's sensitivities, 380-780 nm every 5 nm, ``(81, 3)`` (colour-science's)."""
    from colour.characterisation import MSDS_CAMERA_SENSITIVITIES

    return np.asarray(MSDS_CAMERA_SENSITIVITIES[NPL].values, dtype=np.float64)


def write_npl_csv(path: Path) -> Path:
    """The NPL sensitivities as ``--sensitivities`` reads them, from 300 to 800 nm.

    The NPL table stops at 380 and 780 nm; the camera is taken as blind
    beyond (0 from 300 to 375 and from 785 to 800 nm), which is what a camera
    with its UV and IR filters does, so that the sweep can reach the range of
    the real monochromator spectra.
    """
    wavelength = np.arange(300.0, 801.0, 5.0)
    table = np.zeros((wavelength.size, 3))
    inside = (wavelength >= 380) & (wavelength <= 780)
    table[inside] = npl_sensitivities()
    lines = ["wavelength,R,G,B", *(f"{w:g},{r!r},{g!r},{b!r}" for w, (r, g, b) in zip(wavelength, table))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def simulated_colour(folder: Path, seed: int, *flags: object, response_flags: tuple = (), colour_flags: tuple = ()) -> Path:
    """simulate (the NPL camera) -> stats -> response -> colour in ``folder``; the colour file."""
    folder.mkdir(parents=True)
    camchar("simulate", folder / "sweep", "--sensitivities", write_npl_csv(folder / "npl.csv"), "--seed", seed, *flags)
    settings = folder / "sweep" / "settings.yml"
    camchar("stats", settings)
    camchar("response", settings, "--seed", seed, *response_flags)
    output = folder / "colour.h5"
    camchar("colour", folder / "sweep" / "settings response.h5", "-o", output, *colour_flags)
    return output


def idt_of(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with h5py.File(path, "r") as f:
        return f["colour/idt_matrix"][()], f["colour/idt_matrix_std"][()]
