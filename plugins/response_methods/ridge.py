"""Response method ``ridge``: ``P = sqrt(alpha) I``, alpha chosen so the fit on the means reaches the target R²."""

from __future__ import annotations

from camchar.api import ResponseMethod, ResponseProblem, Solver, hookimpl
from camchar.api.response import SymmetricPenalty, refuse_options, tuned_solver

__all__ = ["Ridge"]


class Ridge(ResponseMethod):
    """``ridge``: generalised ridge with ``P = sqrt(alpha) I``."""

    name = "ridge"
    description = "Ridge regression, alpha chosen so the fit on the means reaches the target R²"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """Search alpha on the means; the solver for the draws."""
        refuse_options(self.name, problem, bandwidth=True, target_r2=False, beta=True)
        return tuned_solver(SymmetricPenalty.identity(problem.X.shape[1]), problem, {})


@hookimpl
def camchar_register_response_methods(register):
    """Register the ``ridge`` response method."""
    register(Ridge())
