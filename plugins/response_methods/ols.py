"""Response method ``ols``: ordinary least squares, the minimum-norm solution.

With more spectral bins than nominal wavelengths the system is underdetermined;
the minimum-norm solution is what an SVD-based least-squares solver returns,
as the original did. With ``--non-negative``, a non-negative least squares.
"""

from __future__ import annotations

from camchar.api import ResponseMethod, ResponseProblem, Solver, hookimpl
from camchar.api.response import MinimumNormSolver, refuse_options

__all__ = ["OrdinaryLeastSquares"]


class OrdinaryLeastSquares(ResponseMethod):
    """``ols``: least squares without regularisation, the minimum-norm solution."""

    name = "ols"
    description = "Ordinary least squares, minimum-norm solution (no regularisation)"

    def prepare(self, problem: ResponseProblem) -> Solver:
        """No tuning: the solver for the draws."""
        refuse_options(self.name, problem, bandwidth=True, target_r2=True, beta=True)
        return MinimumNormSolver(problem.non_negative)


@hookimpl
def camchar_register_response_methods(register):
    """Register the ``ols`` response method."""
    register(OrdinaryLeastSquares())
