"""The camera's colour matrices from its sensitivities: white-balanced camera RGB to ACES2065-1 (the IDT) and to CIE XYZ.

As P-2013-001 and colour-science's ``matrix_idt`` (rawtoaces v1) define it:
each channel of the training colours' camera RGB is divided by the
illuminant's (white balance), and the IDT is a 3 x 3 matrix whose rows sum
to 1 (white stays white: six free elements). The colour error is measured
with the camera exposed as the references are: a perfect white gives camera
RGB (1, 1, 1), and Y = 1 in ACES2065-1. (``matrix_idt`` scales its camera
RGB by the channel of the highest peak, which puts the white at another
level whenever that channel is not the one that sees the most light: 1.72
for the NPL Nikon D5100, whose curves each peak at 1. Its own fit runs on
that level, as it does here for its start.)

What differs is the search. ``matrix_idt`` runs BFGS once, from the identity,
on the Euclidean norm of the L*a*b* differences. :func:`fit_idt` starts
there, takes ``matrix_idt``'s answer, and then minimises the mean ΔE2000 of
the training colours (BFGS) from that answer and from :data:`RANDOM_STARTS`
random matrices around the identity (seeded: the same sensitivities give the
same matrix); the matrix reported is the one with the lowest mean ΔE2000 of
all the starts and their ends, so it is never worse than ``matrix_idt``'s.
"""

from __future__ import annotations

from typing import Callable

import attrs
import numpy as np
from scipy.optimize import minimize

from camchar.colour.difference import ciede2000, xyz_to_lab
from camchar.colour.library import colour_science
from camchar.colour.references import References

__all__ = ["ColourFit", "fit_idt", "refit_idt", "camera_rgb", "training_lab", "training_delta_e", "RANDOM_STARTS"]

#: Random starting matrices beyond ``matrix_idt``'s answer.
RANDOM_STARTS = 4
_SPREAD = 0.3  # the standard deviation of a random start's free elements around the identity
_IDENTITY = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
_STEP = 1.5e-8  # the forward difference's relative step (about the square root of float64's resolution, as scipy's '2-point')


@attrs.frozen(eq=False)
class ColourFit:
    """One camera's matrices and the colour error they leave.

    Attributes
    ----------
    idt_matrix : numpy.ndarray
        White-balanced camera RGB to ACES2065-1, ``(3, 3)``; rows sum to 1.
    xyz_matrix : numpy.ndarray
        White-balanced camera RGB to CIE XYZ (adapted to the ACES white), ``(3, 3)``: the IDT followed by ACES2065-1's RGB to XYZ.
    white_balance : numpy.ndarray
        The factors dividing each channel (the illuminant's camera RGB, inverted, the smallest 1), ``(3,)``.
    delta_e : numpy.ndarray
        ΔE2000 of each training colour, ``(N,)``.
    """

    idt_matrix: np.ndarray
    xyz_matrix: np.ndarray
    white_balance: np.ndarray
    delta_e: np.ndarray


def camera_rgb(sensitivities: np.ndarray, references: References) -> tuple[np.ndarray, np.ndarray, float]:
    """The training colours' camera RGB, each channel divided by the illuminant's: a perfect white is (1, 1, 1).

    Parameters
    ----------
    sensitivities
        On the references' grid, ``(G, 3)``; their scale does not matter.
    references
        The illuminant and the training colours.

    Returns
    -------
    rgb : numpy.ndarray
        ``(N, 3)``, exposed as the references are (a perfect white has Y = 1).
    balance : numpy.ndarray
        ``matrix_idt``'s white-balance factors (the smallest 1), ``(3,)``.
    exposure : float
        The white's level in ``matrix_idt``'s camera RGB: it sees ``rgb * exposure``
        (the illuminant scaled so that the channel of the highest peak sees 1 in total).
    """
    seen = sensitivities.T @ references.power
    rgb = (references.power[:, None] * references.reflectances).T @ sensitivities / seen
    strongest = int(np.argmax(sensitivities.max(axis=0)))
    balance = seen.max() / seen
    return rgb, balance / balance.min(), float(seen.max() / seen[strongest])


def _matrices(free: np.ndarray) -> np.ndarray:
    """The 3 x 3 matrices whose first two columns are ``free`` ``(..., 6)`` (row by row) and whose rows sum to 1."""
    pairs = np.reshape(free, (*np.shape(free)[:-1], 3, 2))
    return np.concatenate([pairs, 1 - pairs.sum(axis=-1, keepdims=True)], axis=-1)


def _aces() -> tuple[np.ndarray, np.ndarray]:
    """ACES2065-1's RGB to XYZ matrix and the XYZ of its white."""
    colour = colour_science()
    aces = colour.models.RGB_COLOURSPACE_ACES2065_1
    return aces.matrix_RGB_to_XYZ, colour.xy_to_XYZ(aces.whitepoint)


def training_lab(idt: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """L*a*b* of the camera RGB ``(N, 3)`` through the IDTs ``(..., 3, 3)``, relative to the ACES white: ``(..., N, 3)``."""
    to_xyz, white = _aces()
    return xyz_to_lab(rgb @ np.swapaxes(to_xyz @ idt, -1, -2), white)


def training_delta_e(idt: np.ndarray, rgb: np.ndarray, references: References) -> np.ndarray:
    """ΔE2000 of each training colour through the IDTs ``(..., 3, 3)``: ``(..., N)``."""
    return ciede2000(training_lab(idt, rgb), references.lab)


def _with_gradient(batch: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """``f(x)`` and its forward-difference gradient, from one call of ``batch`` on the 7 points."""

    def value_and_gradient(free: np.ndarray) -> tuple[float, np.ndarray]:
        steps = _STEP * np.maximum(1.0, np.abs(free))
        values = batch(np.vstack([free, free + np.diag(steps)]))
        return float(values[0]), (values[1:] - values[0]) / steps

    return value_and_gradient


def _mean_delta_e(rgb: np.ndarray, references: References) -> Callable[[np.ndarray], np.ndarray]:
    """The mean ΔE2000 of the training colours through the matrices of free elements ``(..., 6)``."""

    def mean_delta_e(free: np.ndarray) -> np.ndarray:
        return training_delta_e(_matrices(free), rgb, references).mean(axis=-1)

    return mean_delta_e


def _search(objective: Callable[[np.ndarray], np.ndarray], start: np.ndarray) -> np.ndarray:
    """The free elements BFGS reaches from ``start`` on ``objective`` (forward-difference gradients)."""
    return minimize(_with_gradient(objective), start, method="BFGS", jac=True).x


def _colour_fit(idt: np.ndarray, rgb: np.ndarray, balance: np.ndarray, references: References) -> ColourFit:
    return ColourFit(idt, _aces()[0] @ idt, balance, training_delta_e(idt, rgb, references))


def fit_idt(sensitivities: np.ndarray, references: References, seed: int = 0) -> ColourFit:
    """The IDT of the camera with the lowest mean ΔE2000 of the training colours found (see the module).

    Parameters
    ----------
    sensitivities
        The camera's spectral sensitivities on the references' grid, ``(G, 3)``.
    references
        The illuminant and the training colours.
    seed
        Seed of the random starts.

    Returns
    -------
    ColourFit
    """
    rgb, balance, exposure = camera_rgb(sensitivities, references)

    def lab_distance(free: np.ndarray) -> np.ndarray:  # matrix_idt's objective, on its exposure
        return np.linalg.norm(training_lab(_matrices(free), rgb * exposure) - references.lab, axis=(-2, -1))

    mean_delta_e = _mean_delta_e(rgb, references)
    rawtoaces = _search(lab_distance, _IDENTITY)
    rng = np.random.default_rng(seed)
    starts = [rawtoaces, *(_IDENTITY + rng.normal(0, _SPREAD, 6) for _ in range(RANDOM_STARTS))]
    candidates = np.array([*starts, *(_search(mean_delta_e, start) for start in starts)])
    return _colour_fit(_matrices(candidates[np.argmin(mean_delta_e(candidates))]), rgb, balance, references)


def refit_idt(sensitivities: np.ndarray, references: References, start: np.ndarray) -> ColourFit:
    """The IDT of lowest mean ΔE2000 that one BFGS search finds from the IDT ``start``: how a bootstrap draw is fitted.

    A draw differs little from the response whose IDT (from :func:`fit_idt`'s
    six starts) is ``start``, so one search from there reaches the matrix the
    six starts would give the draw (a test checks it), at a tenth of the cost.

    Parameters
    ----------
    sensitivities
        The draw's sensitivities on the references' grid, ``(G, 3)``.
    references
        The illuminant and the training colours.
    start
        The IDT to start from, ``(3, 3)`` with rows that sum to 1.

    Returns
    -------
    ColourFit
    """
    rgb, balance, _ = camera_rgb(sensitivities, references)
    free = _search(_mean_delta_e(rgb, references), np.asarray(start)[:, :2].ravel())
    return _colour_fit(_matrices(free), rgb, balance, references)
