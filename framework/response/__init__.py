"""The numerical core of ``camchar response``: a camera's spectral sensitivity from its statistics.

``camchar stats`` measures the camera's mean signal at each nominal
wavelength of a monochromator sweep; a spectrometer measured what the
monochromator emitted at each of them. This package solves ``y ≈ X w`` for
the spectral response ``w`` the way the original workflow did (normalise,
match, choose alpha, bootstrap, denormalise), only faster and with exact
non-negative solutions. See ``docs/response.md``.

Typical use::

    import camchar

    result = camchar.fit_response(camchar.CameraSamples("samples.h5"), camchar.load_spectra("mono.h5"), seed=1)
    result.to_camera_response().save("response.h5")

The command is ``camchar response``; the methods and the spectra readers are
plugins (``camchar.api.ResponseMethod``, ``camchar.api.SpectraReader``).
"""

from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.files.camera_response import CameraResponse
from camchar.host.problem import ResponseProblem
from camchar.response.fit import ResponseResult, fit_response

__all__ = ["CameraResponse", "ResponseResult", "fit_response", "ResponseProblem", "SourceSpectra", "check_spectra"]
