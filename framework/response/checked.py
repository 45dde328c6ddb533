"""A response method as the fit calls it: every call guarded, every answer checked, blamed on the method by name.

The method's ``prepare`` and the solver it returns are the plugin's code:
an exception, a solver that is not one, draws of the wrong shape, NaN or
infinity are :class:`~camchar.api.PluginError` naming the method and its
plugin, never an internal error and never a response written with NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from camchar.host.components import ResponseMethod, Solver
from camchar.host.guard import Guarded, checked_array, checked_type, component_error, guarded, guarded_call
from camchar.host.kinds import RESPONSE_METHODS
from camchar.host.problem import ResponseProblem
from camchar.host.registry import OBJECT, PluginInfo, Registered

__all__ = ["CheckedSolver", "guarded_method", "prepared_solver"]


def guarded_method(method: ResponseMethod | Guarded) -> Guarded:
    """``method`` guarded; a method given as an object (from Python, unregistered) is blamed on its module."""
    if isinstance(method, Guarded):
        return method
    module = type(method).__module__
    return guarded(Registered(method, RESPONSE_METHODS, PluginInfo(module, None, OBJECT, module=module)))


class CheckedSolver:
    """A method's solver whose ``solve`` is guarded and whose draws are checked for shape and finite values.

    Parameters
    ----------
    registered
        The method that made the solver.
    solver
        What its ``prepare`` returned.
    shape
        ``(W, C)``: response bins by channels.
    """

    def __init__(self, registered: Registered, solver: Solver, shape: tuple[int, int]):
        self.registered = registered
        self.solver = solver
        self.shape = shape
        parameters = checked_type(registered, "prepare", getattr(solver, "parameters", None), dict, "a solver whose parameters is a dict")
        for key, value in parameters.items():
            if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (int, float, str, np.integer, np.floating)):
                raise component_error(registered, f"returned a solver whose parameters[{key!r}] is {type(value).__name__}, not a number or text")
        self.parameters: dict[str, Any] = dict(parameters)

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The solver's ``(D, W, C)`` responses for ``(D, M, W)`` ``X`` and ``(D, M, C)`` ``y``, checked."""
        w = guarded_call(self.registered, "solve", self.solver.solve, X, y)
        return checked_array(self.registered, "solve", w, (X.shape[0], *self.shape), "draws, response bins, channels")


def prepared_solver(method: Guarded, problem: ResponseProblem) -> CheckedSolver:
    """``method.prepare(problem)``, guarded, its solver checked and wrapped in a :class:`CheckedSolver`."""
    solver = method.prepare(problem)
    checked_type(method.registered, "prepare", solver, Solver, "a camchar.api.Solver (solve() and parameters)")
    return CheckedSolver(method.registered, solver, (problem.X.shape[1], problem.y.shape[1]))
