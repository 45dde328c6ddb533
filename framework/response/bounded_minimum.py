"""Brent's bounded minimisation of a function of one variable, as ``scipy.optimize.minimize_scalar(method="bounded")`` runs it.

The alpha searches need nothing else from ``scipy.optimize``, whose import
takes longer than the README's whole fit (0.4 to 0.8 s). The steps are
scipy's ``_minimize_scalar_bounded``, operation for operation, so that the
same function gives the same evaluations and the same minimiser
(``tests/response/test_response_speed.py`` compares them).
"""

from __future__ import annotations

import math
from typing import Callable

__all__ = ["minimise_bounded"]

_SQRT_EPS = math.sqrt(2.2e-16)
_GOLDEN_MEAN = 0.5 * (3.0 - math.sqrt(5.0))


def minimise_bounded(func: Callable[[float], float], bounds: tuple[float, float], xatol: float = 1e-5, maxiter: int = 500) -> tuple[float, float]:
    """The minimiser of ``func`` between ``bounds`` and its value: golden sections and parabolic steps.

    Parameters
    ----------
    func
        The function to minimise.
    bounds
        ``(low, high)``, finite, ``low <= high``.
    xatol
        The absolute tolerance on the minimiser.
    maxiter
        The most evaluations of ``func``.

    Returns
    -------
    x : float
        The minimiser found.
    fun : float
        ``func(x)``.
    """
    a, b = bounds
    fulc = a + _GOLDEN_MEAN * (b - a)
    nfc = xf = fulc
    rat = e = 0.0
    fx = func(xf)
    evaluations = 1
    ffulc = fnfc = fx
    xm = 0.5 * (a + b)
    tol1 = _SQRT_EPS * abs(xf) + xatol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > (tol2 - 0.5 * (b - a)):
        golden = True
        if abs(e) > tol1:  # try a parabola through the three best points
            golden = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r = e
            e = rat
            if abs(p) < abs(0.5 * q * r) and p > q * (a - xf) and p < q * (b - xf):
                rat = (p + 0.0) / q
                x = xf + rat
                if (x - a) < tol2 or (b - x) < tol2:
                    rat = tol1 * _sign_or_one(xm - xf)
            else:
                golden = True
        if golden:
            e = (a - xf) if xf >= xm else (b - xf)
            rat = _GOLDEN_MEAN * e
        x = xf + _sign_or_one(rat) * _larger(abs(rat), tol1)
        fu = func(x)
        evaluations += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc = nfc, fnfc
            nfc, fnfc = xf, fx
            xf, fx = x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc = nfc, fnfc
                nfc, fnfc = x, fu
            elif fu <= ffulc or fulc == xf or fulc == nfc:
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = _SQRT_EPS * abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        if evaluations >= maxiter:
            break
    return xf, fx


def _sign_or_one(value: float) -> float:
    """``numpy.sign(value) + (value == 0)``: the sign, 1 for zero (NaN stays NaN)."""
    if math.isnan(value):
        return value
    return -1.0 if value < 0 else 1.0


def _larger(first: float, second: float) -> float:
    """``numpy.maximum``: the larger, NaN if either is."""
    if math.isnan(first) or math.isnan(second):
        return math.nan
    return max(first, second)
