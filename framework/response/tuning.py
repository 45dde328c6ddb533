"""What the built-in response methods share: refusing options they lack, the alpha search, the smoothing penalty."""

from __future__ import annotations

import numpy as np

from camchar.core.errors import BadInput
from camchar.host.problem import DEFAULT_BETA, DEFAULT_TARGET_R2, ResponseProblem
from camchar.response.alpha import search_alpha
from camchar.response.linear import PenalisedLeastSquares
from camchar.response.penalty import SymmetricPenalty
from camchar.response.smoothing import convolution_matrix, smoothing_filter, source_bandwidth
from camchar.response.solvers import PenalisedSolver

__all__ = ["refuse_options", "tuned_solver", "smoothing_penalty"]


def refuse_options(method: str, problem: ResponseProblem, *, bandwidth: bool, target_r2: bool, beta: bool) -> None:
    """:class:`BadInput` if ``problem`` asks for an option ``method`` does not have (it would be ignored silently)."""
    if bandwidth and problem.bandwidth is not None:
        raise BadInput(None, f"--bandwidth applies only to the ridge-smooth methods; {method} has no smoothing")
    if target_r2 and problem.target_r2 != DEFAULT_TARGET_R2:
        raise BadInput(None, f"--target-r2 applies only to ridge and ridge-smooth; {method} does not use it")
    if beta and problem.beta != DEFAULT_BETA:
        raise BadInput(None, f"beta applies only to the ridge-smooth methods; {method} has no smoothing")


def tuned_solver(penalty: SymmetricPenalty, problem: ResponseProblem, parameters: dict) -> PenalisedSolver:
    """Search alpha on the means for the target R² (unconstrained, as the original) and fix it."""
    X_in_basis = penalty.to_basis(problem.X)

    def residual(alpha: float) -> np.ndarray:
        return PenalisedLeastSquares(penalty, alpha).residual(problem.X, problem.y, X_in_basis)

    alpha, _ = search_alpha(residual, problem)
    return PenalisedSolver(PenalisedLeastSquares(penalty, alpha), problem.non_negative, {"alpha": alpha, **parameters})


def smoothing_penalty(problem: ResponseProblem) -> tuple[SymmetricPenalty, dict[str, float | str]]:
    """The penalty family of ``ridge-smooth`` and the parameters that define it.

    Returns
    -------
    penalty : SymmetricPenalty
        ``sqrt(alpha) I + sqrt(beta) D`` with ``D`` the high-pass convolution matrix.
    parameters : dict
        ``beta``, ``bandwidth`` (the one used), ``bandwidth_source`` (``"given"`` or
        ``"automatic"``), ``source_fwhm`` and ``peak_spacing`` (the two automatic
        candidates).
    """
    automatic, width, spacing = source_bandwidth(problem.wavelength, problem.X)
    bandwidth = automatic if problem.bandwidth is None else problem.bandwidth
    kernel = smoothing_filter(bandwidth, problem.spacing)
    D = convolution_matrix(kernel, problem.wavelength.size)
    parameters: dict[str, float | str] = {
        "beta": problem.beta,
        "bandwidth": float(bandwidth),
        "bandwidth_source": "automatic" if problem.bandwidth is None else "given",
        "source_fwhm": width,
        "peak_spacing": spacing,
    }
    return SymmetricPenalty.from_matrix(D, problem.beta), parameters
