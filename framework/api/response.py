"""Building blocks of the built-in response methods: penalties, penalised least squares, solvers, tuning.

A response method's ``prepare`` returns a :class:`~camchar.api.Solver`; these
are the pieces the built-in methods make theirs from::

    from camchar.api.response import SymmetricPenalty, refuse_options, tuned_solver

    def prepare(self, problem):
        refuse_options(self.name, problem, bandwidth=True, target_r2=False, beta=True)
        return tuned_solver(SymmetricPenalty.identity(problem.X.shape[1]), problem, {})

A stable part of the plugin API, like :mod:`camchar.api` (``docs/plugins/api.md``
says what that promises); the modules these names live in are private.
"""

from camchar.response.alpha import search_alpha, search_alpha_gcv
from camchar.response.linear import PenalisedLeastSquares
from camchar.response.penalty import SymmetricPenalty
from camchar.response.solvers import MinimumNormSolver, PenalisedSolver
from camchar.response.tuning import refuse_options, smoothing_penalty, tuned_solver

__all__ = [
    "SymmetricPenalty",
    "PenalisedLeastSquares",
    "PenalisedSolver",
    "MinimumNormSolver",
    "search_alpha",
    "search_alpha_gcv",
    "smoothing_penalty",
    "tuned_solver",
    "refuse_options",
]
