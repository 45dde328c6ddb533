"""The numerical core of ``camchar response``: a camera's spectral sensitivity from its statistics.

``camchar stats`` measures the camera's mean signal at each nominal
wavelength of a monochromator sweep; a spectrometer measured what the
monochromator emitted at each of them. This package solves ``y ≈ X w`` for
the spectral response ``w`` the way the original workflow did (normalise,
match, choose alpha, bootstrap, denormalise), only faster and with exact
non-negative solutions. See ``docs/response.md``.

Typical use::

    from camchar import CameraSamples
    from camchar.response import fit_response, read_monochromator_spectra

    result = fit_response(CameraSamples("samples.h5"), read_monochromator_spectra("mono.h5"), seed=1)
    result.to_camera_response().save("response.h5")
"""

from camchar.response.camera_response import CameraResponse
from camchar.response.fit import ResponseResult, fit_response
from camchar.response.methods import (
    DEFAULT_METHOD,
    METHODS,
    OrdinaryLeastSquares,
    ResponseMethod,
    Ridge,
    RidgeSmooth,
    RidgeSmoothGCV,
    get_method,
)
from camchar.response.problem import ResponseProblem
from camchar.response.solvers import Solver
from camchar.response.spectra import SourceSpectra, read_monochromator_spectra

__all__ = [
    "CameraResponse",
    "ResponseResult",
    "fit_response",
    "ResponseMethod",
    "Solver",
    "ResponseProblem",
    "OrdinaryLeastSquares",
    "Ridge",
    "RidgeSmooth",
    "RidgeSmoothGCV",
    "METHODS",
    "DEFAULT_METHOD",
    "get_method",
    "SourceSpectra",
    "read_monochromator_spectra",
]
