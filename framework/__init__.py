"""camchar: plugin-based camera characterisation.

``camchar stats settings.yml`` turns a monochromator sweep (an exposure
bracket of photos at each wavelength) into per-wavelength mean and temporal
noise per colour channel. Plugin authors decorate hook implementations with
:data:`hookimpl`; people migrating from the original script use
``from camchar import image_stats``.
"""

from camchar._version import __version__
from camchar.errors import BadInput, CamcharWarning
from camchar.frames import Frame, ImageInfo, LoadRequest, Region
from camchar.markers import hookimpl
from camchar.samples import CameraSamples
from camchar.settings import Settings, read_settings

__all__ = [
    "__version__",
    "hookimpl",
    "BadInput",
    "CamcharWarning",
    "Frame",
    "ImageInfo",
    "LoadRequest",
    "Region",
    "CameraSamples",
    "Settings",
    "read_settings",
]
