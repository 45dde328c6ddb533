"""The uncertainty of the colour matrices: the same fit on each bootstrap draw of the response.

``camchar response`` keeps its first draws (``/camchar/response_draws``);
each draw is a response the data allow, so the spread of the matrices fitted
to them is the matrices' uncertainty, with no assumption about how the
response's errors are correlated across wavelengths. Each draw is fitted by
one search from the reported IDT (:func:`~camchar.colour.matrices.refit_idt`),
which reaches the matrix the reported IDT's six starts would give it.
"""

from __future__ import annotations

import attrs
import numpy as np

from camchar.colour.matrices import ColourFit, refit_idt
from camchar.colour.references import References
from camchar.runtime.progress import Reporter

__all__ = ["Spread", "spread_over_draws"]


@attrs.frozen(eq=False)
class Spread:
    """The population standard deviations over the draws (zeros for none).

    Attributes
    ----------
    idt_matrix, xyz_matrix : numpy.ndarray
        ``(3, 3)``.
    delta_e : numpy.ndarray
        Of each training colour's ΔE2000, ``(N,)``.
    mean_delta_e, max_delta_e : float
        Of the training set's mean and max ΔE2000.
    draws : int
        How many draws.
    """

    idt_matrix: np.ndarray
    xyz_matrix: np.ndarray
    delta_e: np.ndarray
    mean_delta_e: float
    max_delta_e: float
    draws: int


def spread_over_draws(draws: np.ndarray, references: References, start: np.ndarray, reporter: Reporter) -> Spread:
    """Fit every draw ``(D, G, 3)`` (on the references' grid) from the IDT ``start`` and take the spread of what the fits give."""
    fits: list[ColourFit] = []
    with reporter.step("colour fits of the bootstrap draws", len(draws)) as bar:
        for draw in draws:
            fits.append(refit_idt(draw, references, start))
            bar.advance(1)
    if not fits:
        zeros = np.zeros((3, 3))
        return Spread(zeros, zeros, np.zeros(references.lab.shape[0]), 0.0, 0.0, 0)
    delta_e = np.array([fit.delta_e for fit in fits])
    return Spread(
        np.std([fit.idt_matrix for fit in fits], axis=0),
        np.std([fit.xyz_matrix for fit in fits], axis=0),
        delta_e.std(axis=0),
        float(delta_e.mean(axis=1).std()),
        float(delta_e.max(axis=1).std()),
        len(fits),
    )
