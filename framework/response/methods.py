"""The fit methods of ``camchar response``: ``ols``, ``ridge``, ``ridge-smooth`` and ``ridge-smooth-gcv``.

A method is a small object with a ``name``, a one-line ``description`` and
``prepare(problem) -> Solver``: ``prepare`` does the tuning that needs only the
means (alpha, bandwidth, smoothing filter) and returns a
:class:`~camchar.response.solvers.Solver` that fits bootstrap draws.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from camchar import BadInput
from camchar.response.alpha import search_alpha, search_alpha_gcv
from camchar.response.linear import PenalisedLeastSquares
from camchar.response.penalty import SymmetricPenalty
from camchar.response.problem import DEFAULT_BETA, DEFAULT_TARGET_R2, ResponseProblem
from camchar.response.smoothing import (
    convolution_matrix,
    smoothing_filter,
    source_bandwidth,
)
from camchar.response.solvers import MinimumNormSolver, PenalisedSolver, Solver

__all__ = [
    "ResponseMethod",
    "OrdinaryLeastSquares",
    "Ridge",
    "RidgeSmooth",
    "RidgeSmoothGCV",
    "METHODS",
    "DEFAULT_METHOD",
    "get_method",
    "smoothing_penalty",
]


@runtime_checkable
class ResponseMethod(Protocol):
    """A way to fit the spectral response (the plugin component contract).

    Attributes
    ----------
    name : str
        What ``--method`` selects, e.g. ``"ridge-smooth"``.
    description : str
        One line for listings.
    """

    name: str
    description: str

    def prepare(self, problem: ResponseProblem) -> Solver:
        """Tune on the means of ``problem`` and return the solver for its draws.

        Raises
        ------
        BadInput
            ``BadInput(None, ...)`` when the method cannot honour an option of ``problem``.
        """
        ...


def _refuse(method: str, problem: ResponseProblem, *, bandwidth: bool, target_r2: bool, beta: bool) -> None:
    """Raise if ``problem`` asks for an option ``method`` does not have."""
    if bandwidth and problem.bandwidth is not None:
        raise BadInput(None, f"--bandwidth applies only to ridge-smooth; {method} has no smoothing")
    if target_r2 and problem.target_r2 != DEFAULT_TARGET_R2:
        raise BadInput(None, f"--target-r2 applies only to ridge and ridge-smooth; {method} does not use it")
    if beta and problem.beta != DEFAULT_BETA:
        raise BadInput(None, f"beta applies only to ridge-smooth; {method} has no smoothing")


class OrdinaryLeastSquares:
    """``ols``: least squares without regularisation, the minimum-norm solution."""

    name = "ols"
    description = "ordinary least squares, minimum-norm solution (no regularisation)"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """See :class:`ResponseMethod`."""
        _refuse(self.name, problem, bandwidth=True, target_r2=True, beta=True)
        return MinimumNormSolver(problem.non_negative)


def _tuned_solver(penalty: SymmetricPenalty, problem: ResponseProblem, parameters: dict) -> PenalisedSolver:
    """Search alpha on the means (unconstrained, as the original) and fix it."""
    X_in_basis = penalty.to_basis(problem.X)

    def residual(alpha: float) -> np.ndarray:
        return PenalisedLeastSquares(penalty, alpha).residual(problem.X, problem.y, X_in_basis)

    alpha, _ = search_alpha(residual, problem)
    return PenalisedSolver(
        PenalisedLeastSquares(penalty, alpha), problem.non_negative, {"alpha": alpha, **parameters}
    )


class Ridge:
    """``ridge``: ``P = sqrt(alpha) I``, alpha chosen for the target R²."""

    name = "ridge"
    description = "ridge regression, alpha chosen so the fit on the means reaches the target R²"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """See :class:`ResponseMethod`."""
        _refuse(self.name, problem, bandwidth=True, target_r2=False, beta=True)
        return _tuned_solver(SymmetricPenalty.identity(problem.X.shape[1]), problem, {})


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


class RidgeSmooth:
    """``ridge-smooth`` (the default): ``P = sqrt(alpha) I + sqrt(beta) D``, ``D`` a high-pass filter."""

    name = "ridge-smooth"
    description = "ridge regression plus a penalty on detail finer than the source bandwidth (default)"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """See :class:`ResponseMethod`."""
        penalty, parameters = smoothing_penalty(problem)
        return _tuned_solver(penalty, problem, parameters)


class RidgeSmoothGCV:
    """``ridge-smooth-gcv`` (opt-in): the ``ridge-smooth`` penalty, alpha by generalised cross-validation.

    The target R² of ``ridge-smooth`` is a fixed accuracy demand, blind to the
    noise in the data: when the data are better than the target, alpha comes
    out too large and the response is biased (shrunk where the source is
    weak). Generalised cross-validation picks the alpha that best predicts
    left-out samples; see ``docs/response.md`` for the comparison on the
    synthetic camera. ``--target-r2`` does not apply.
    """

    name = "ridge-smooth-gcv"
    description = "ridge-smooth with alpha chosen by generalised cross-validation instead of a target R²"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """See :class:`ResponseMethod`."""
        _refuse(self.name, problem, bandwidth=False, target_r2=True, beta=False)
        penalty, parameters = smoothing_penalty(problem)
        X_in_basis = penalty.to_basis(problem.X)

        def evaluate(alpha: float) -> tuple[np.ndarray, float]:
            model = PenalisedLeastSquares(penalty, alpha)
            return (
                model.residual(problem.X, problem.y, X_in_basis),
                model.hat_trace(problem.X, X_in_basis),
            )

        alpha, _ = search_alpha_gcv(evaluate, problem)
        return PenalisedSolver(
            PenalisedLeastSquares(penalty, alpha), problem.non_negative, {"alpha": alpha, **parameters}
        )


#: The built-in methods by name.
METHODS: dict[str, ResponseMethod] = {
    m.name: m for m in (OrdinaryLeastSquares(), Ridge(), RidgeSmooth(), RidgeSmoothGCV())
}
DEFAULT_METHOD = "ridge-smooth"


def get_method(name: str) -> ResponseMethod:
    """The built-in method called ``name``.

    Raises
    ------
    BadInput
        For an unknown name, listing the known ones.
    """
    try:
        return METHODS[name]
    except KeyError:
        raise BadInput(None, f"unknown method {name!r}; choose one of {', '.join(METHODS)}") from None
