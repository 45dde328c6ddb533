"""Response method ``ridge-smooth`` (the default): ``P = sqrt(alpha) I + sqrt(beta) D``, ``D`` a high-pass filter.

The original workflow's default: detail finer than the source's bandwidth is
penalised (``D`` convolves with a 15-tap Hamming-window high-pass filter), and
alpha is chosen so that the fit on the means reaches the target R².
"""

from __future__ import annotations

from camchar.api import ResponseMethod, ResponseProblem, Solver, hookimpl
from camchar.api.response import smoothing_penalty, tuned_solver

__all__ = ["RidgeSmooth"]


class RidgeSmooth(ResponseMethod):
    """``ridge-smooth``: ridge plus a penalty on detail finer than the source bandwidth."""

    name = "ridge-smooth"
    description = "Ridge regression plus a penalty on detail finer than the source bandwidth (the original's default)"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """Choose the bandwidth and filter, search alpha on the means; the solver for the draws."""
        penalty, parameters = smoothing_penalty(problem)
        return tuned_solver(penalty, problem, parameters)


@hookimpl
def camchar_register_response_methods(register):
    """Register the ``ridge-smooth`` response method."""
    register(RidgeSmooth())
