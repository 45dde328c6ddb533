"""``camchar colour``, step by step: a response's colour matrices with their uncertainty.

::

    RESPONSE.h5 --CameraResponse layout (checked)--> mean and draws, on the references' grid, checked
    illuminant and training set (colour-science) --> the training colours' true L*a*b*
    --fit_idt--> the IDT and XYZ matrices, ΔE2000 of each training colour
    --the same fit on each draw--> their standard deviations
    --> the colour file (/colour, /camchar), written whole
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from camchar._version import __version__
from camchar.colour.library import colour_science
from camchar.colour.matrices import fit_idt
from camchar.colour.references import GRID, TRAINING_SETS, references
from camchar.colour.uncertainty import Spread, spread_over_draws
from camchar.core.errors import BadInput, CamcharWarning
from camchar.files.atomic import atomic_output, check_output_path
from camchar.files.camera_response_h5 import DRAWS, read_camera_response_h5
from camchar.files.colour_h5 import write_colour_h5
from camchar.pipeline.output import refuse_an_input
from camchar.pipeline.record import file_sha256
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.warning_log import recording_warnings

__all__ = ["ColourOptions", "run_colour", "default_output", "sensitivities_on_grid"]

#: What ``--method`` records: the search of :func:`~camchar.colour.matrices.fit_idt`.
METHOD = "lowest mean ΔE2000 of matrix_idt's answer and 4 random starts (BFGS); each draw from the reported IDT"


@attrs.frozen
class ColourOptions:
    """What ``camchar colour`` was asked.

    Attributes
    ----------
    output : Path
        The colour file (``.h5``).
    illuminant : str
        ``D65``, ``A``, ``D50`` or a CSV file.
    training : str
        ``rawtoaces`` or ``colorchecker``.
    draws : int
        The most bootstrap draws of the response to fit for the uncertainty (0: none).
    """

    output: Path
    illuminant: str = "D65"
    training: str = "rawtoaces"
    draws: int = 100


def default_output(response: Path) -> Path:
    """``"RESPONSE colour.h5"`` beside the response."""
    return response.with_name(response.stem + " colour.h5")


def sensitivities_on_grid(path: Path, response: dict[str, Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """The response's mean ``(G, 3)`` and its kept draws ``(D, G, 3)`` (``None``: none) on the colour fit's grid.

    Raises
    ------
    BadInput
        When the response has not 3 channels, was not measured over the whole
        grid (380 to 780 nm), is not finite there, or a channel sees nothing.
    """
    mean = np.asarray(response["mean"], dtype=np.float64)
    mean = mean[:, None] if mean.ndim == 1 else mean
    if mean.shape[1] != 3:
        raise BadInput(path, f"has {mean.shape[1]} channel(s); the colour matrices are for cameras of 3 channels (R, G, B)")
    wavelength = np.asarray(response["wl"], dtype=np.float64)
    measured = wavelength if response.get("samples_wl") is None else np.asarray(response["samples_wl"], dtype=np.float64)
    if measured.min() > GRID[0] or measured.max() < GRID[-1]:
        raise BadInput(
            path,
            f"the response was measured from {measured.min():g} to {measured.max():g} nm; the colour fit needs {GRID[0]:g} to {GRID[-1]:g} nm "
            f"(the range of the colour-matching functions and the training colours): measure the camera over it",
        )
    on_grid = _interpolated(wavelength, mean)
    if not np.all(np.isfinite(on_grid)):
        raise BadInput(path, f"the response is not finite everywhere from {GRID[0]:g} to {GRID[-1]:g} nm (NaN or infinite values)")
    if np.any(on_grid.sum(axis=0) <= 0):
        raise BadInput(path, "a channel of the response sees no light from 380 to 780 nm (its sum is 0 or less): no colour can be computed")
    draws = (response.get("provenance") or {}).get(DRAWS)
    if draws is None:
        return on_grid, None
    return on_grid, np.stack([_interpolated(wavelength, draw) for draw in np.asarray(draws, dtype=np.float64)])


def _interpolated(wavelength: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` ``(W, 3)`` at the grid's wavelengths, linearly."""
    return np.column_stack([np.interp(GRID, wavelength, values[:, channel]) for channel in range(values.shape[1])])


def run_colour(response_path: Path, options: ColourOptions, reporter: Reporter | None = None) -> Path:
    """The whole ``camchar colour`` run: check, read, fit, fit the draws, write.

    Returns
    -------
    Path
        The output file.

    Raises
    ------
    BadInput
        For any problem with the input or the options; nothing is written.
    """
    reporter = reporter or silent()
    output = Path(options.output)
    colour_science()
    _check_output(output, response_path)
    if options.training not in TRAINING_SETS:
        raise BadInput(None, f"--training must be one of {', '.join(TRAINING_SETS)}, got {options.training!r}")
    refs = references(options.illuminant, options.training)
    with recording_warnings() as given:
        response = read_camera_response_h5(response_path)
        sensitivities, draws = sensitivities_on_grid(response_path, response)
        draws = _draws_used(response_path, draws, response, options.draws)
    started = time.perf_counter()
    fit = fit_idt(sensitivities, refs)
    with reporter.live():
        spread = spread_over_draws(np.empty((0, GRID.size, 3)) if draws is None else draws, refs, fit.idt_matrix, reporter)
    colour = _contents(fit, spread, refs.illuminant, options.training)
    provenance = {
        "version": __version__,
        "inputs": {"response": {"path": str(response_path), "sha256": file_sha256(response_path)}},
        "options": {"illuminant": options.illuminant, "training": options.training, "draws": options.draws},
        "software": {"colour-science": colour_science().__version__},
        "seconds": time.perf_counter() - started,
        "warnings": list(given),
    }
    with atomic_output(output) as temporary:
        write_colour_h5(temporary, colour, provenance)
    reporter.summary(_summary(colour, output))
    return output


def _check_output(output: Path, response_path: Path) -> None:
    """An ``.h5`` output that is not the response; refused before any work."""
    if output.suffix.lower() not in (".h5", ".hdf5"):
        raise BadInput(output, "camchar colour writes an HDF5 colour file: give an output ending in .h5")
    check_output_path(output)
    refuse_an_input(output, [response_path], "the response this run reads", "the colour matrices")


def _draws_used(path: Path, draws: np.ndarray | None, response: dict[str, Any], most: int) -> np.ndarray | None:
    """The first ``most`` draws; a warning by name when there are none to give the uncertainty."""
    if most == 0:
        return None
    if draws is None:
        why = "a plain fit (--bootstrap 0)" if not response.get("n") else "a file from before camchar kept them, or the original's: rerun camchar response"
        warnings.warn(CamcharWarning(f"{path}: the response holds no bootstrap draws ({why}); the matrices' std is unknown (NaN)"), stacklevel=2)
        return None
    return draws[:most]


def _contents(fit, spread: Spread, illuminant: str, training: str) -> dict[str, Any]:
    """The ``/colour`` group's datasets and attributes; the std NaN (unknown) without draws."""
    unknown = spread.draws == 0
    spread_of = (lambda values: np.full_like(values, np.nan)) if unknown else (lambda values: values)
    return {
        "idt_matrix": fit.idt_matrix,
        "xyz_matrix": fit.xyz_matrix,
        "idt_matrix_std": spread_of(spread.idt_matrix),
        "xyz_matrix_std": spread_of(spread.xyz_matrix),
        "white_balance": fit.white_balance,
        "delta_e": fit.delta_e,
        "delta_e_std": spread_of(spread.delta_e),
        "delta_e_mean": float(fit.delta_e.mean()),
        "delta_e_max": float(fit.delta_e.max()),
        "delta_e_mean_std": float("nan") if unknown else spread.mean_delta_e,
        "delta_e_max_std": float("nan") if unknown else spread.max_delta_e,
        "illuminant": illuminant,
        "training": training,
        "draws": spread.draws,
        "method": METHOD,
    }


def _summary(colour: dict[str, Any], output: Path) -> str:
    return (
        f"wrote {output}: IDT for {colour['illuminant']} on the {colour['training']} colours, ΔE2000 mean "
        f"{colour['delta_e_mean']:.2f} ± {colour['delta_e_mean_std']:.2f}, max {colour['delta_e_max']:.2f} ({colour['draws']} draws)"
    )
