"""Numerical kernels the built-in noise models and selectors use, for plugins that want the same arithmetic.

::

    from camchar.api.numerics import residual_moments, pair_variance, snr

A stable part of the plugin API, like :mod:`camchar.api` (``docs/plugins/api.md``
says what that promises); the modules these functions live in are private.
"""

from camchar.numerics.pairs import pair_variance
from camchar.numerics.pattern_drift import PatternDrift, pattern_drift
from camchar.numerics.reductions import channel_totals
from camchar.numerics.residual_passes import residual_moments
from camchar.numerics.snr import snr

__all__ = ["residual_moments", "pattern_drift", "PatternDrift", "pair_variance", "channel_totals", "snr"]
