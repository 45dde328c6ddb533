"""Response method ``ridge-smooth-gcv`` (opt-in): the ``ridge-smooth`` penalty, alpha by generalised cross-validation.

The target R² of ``ridge-smooth`` is a fixed accuracy demand, blind to the
noise in the data: when the data are better than the target, alpha comes out
too large and the response is biased (shrunk where the source is weak).
Generalised cross-validation picks the alpha that best predicts left-out
samples; ``docs/response.md`` has the comparison on the synthetic camera.
``--target-r2`` does not apply.
"""

from __future__ import annotations

import numpy as np

from camchar.api import ResponseMethod, ResponseProblem, Solver, hookimpl
from camchar.api.response import PenalisedLeastSquares, PenalisedSolver, refuse_options, search_alpha_gcv, smoothing_penalty

__all__ = ["RidgeSmoothGCV"]


class RidgeSmoothGCV(ResponseMethod):
    """``ridge-smooth-gcv``: the smoothing penalty, alpha by generalised cross-validation."""

    name = "ridge-smooth-gcv"
    description = "ridge-smooth with alpha chosen by generalised cross-validation instead of a target R²"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """Choose the bandwidth and filter, alpha by GCV on the means; the solver for the draws."""
        refuse_options(self.name, problem, bandwidth=False, target_r2=True, beta=False)
        penalty, parameters = smoothing_penalty(problem)
        X_in_basis = penalty.to_basis(problem.X)

        def evaluate(alpha: float) -> tuple[np.ndarray, float]:
            model = PenalisedLeastSquares(penalty, alpha)
            return model.residual(problem.X, problem.y, X_in_basis), model.hat_trace(problem.X, X_in_basis)

        alpha, _ = search_alpha_gcv(evaluate, problem)
        return PenalisedSolver(PenalisedLeastSquares(penalty, alpha), problem.non_negative, {"alpha": alpha, **parameters})


@hookimpl
def camchar_register_response_methods(register):
    """Register the ``ridge-smooth-gcv`` response method."""
    register(RidgeSmoothGCV())
