"""The public plugin API: everything a plugin author needs, in one place.

::

    from camchar.api import hookimpl, Loader, Frame, BadInput

    class MyLoader(Loader):
        name = "my-format"
        ...

    @hookimpl
    def camchar_register_loaders(register):
        register(MyLoader())

The reference, generated from these classes, is ``docs/plugins/api.md``.
Everything else in camchar is private: it may change without notice.
"""

from camchar.core.errors import BadInput, CamcharWarning, PluginError, shorten
from camchar.core.frames import Frame, ImageInfo, LoadRequest, Region
from camchar.core.pages import split_page
from camchar.core.spectra import SourceSpectra, check_spectra
from camchar.core.spectrometer import ORIGINAL_PATTERN, NameMatch, SpectrometerFile, check_spectrometer_file, match_name
from camchar.files.camera_response import CameraResponse
from camchar.files.camera_samples import CameraSamples
from camchar.files.monochromator_spectra import MonochromatorSpectra
from camchar.host.components import Component, Loader, NoiseModel, ResponseMethod, Selector, Solver, SpectraReader, SpectrometerReader, Writer
from camchar.host.markers import hookimpl
from camchar.host.options import Option
from camchar.host.problem import ResponseProblem
from camchar.host.stack import SelectedFrame, SelectedStack

__all__ = [
    "hookimpl",
    "Component",
    "Loader",
    "Selector",
    "NoiseModel",
    "Writer",
    "SpectraReader",
    "SpectrometerReader",
    "ResponseMethod",
    "Option",
    "Frame",
    "LoadRequest",
    "ImageInfo",
    "Region",
    "split_page",
    "SelectedStack",
    "SelectedFrame",
    "SourceSpectra",
    "check_spectra",
    "SpectrometerFile",
    "NameMatch",
    "match_name",
    "ORIGINAL_PATTERN",
    "check_spectrometer_file",
    "MonochromatorSpectra",
    "CameraResponse",
    "ResponseProblem",
    "Solver",
    "CameraSamples",
    "BadInput",
    "PluginError",
    "CamcharWarning",
    "shorten",
]
