"""camchar: plugin-based camera characterisation.

``camchar stats settings.yml`` turns a monochromator sweep (an exposure
bracket of photos at each wavelength) into per-wavelength mean and temporal
noise per colour channel. Plugin authors import from :mod:`camchar.api`
(its names are also available here); people migrating from the original
script use ``from camchar import image_stats``.

Names are imported on first use, so that ``camchar --help`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from camchar._version import __version__

#: Public names and the module each comes from.
_EXPORTS = {
    "hookimpl": "camchar.host.markers",
    "Component": "camchar.host.components",
    "Loader": "camchar.host.components",
    "Selector": "camchar.host.components",
    "NoiseModel": "camchar.host.components",
    "Writer": "camchar.host.components",
    "SpectraReader": "camchar.host.components",
    "ResponseMethod": "camchar.host.components",
    "Solver": "camchar.host.components",
    "SourceSpectra": "camchar.core.spectra",
    "ResponseProblem": "camchar.host.problem",
    "CameraResponse": "camchar.files.camera_response",
    "fit_response": "camchar.response.fit",
    "load_spectra": "camchar.response.run",
    "Option": "camchar.host.options",
    "Frame": "camchar.core.frames",
    "LoadRequest": "camchar.core.frames",
    "ImageInfo": "camchar.core.frames",
    "Region": "camchar.core.frames",
    "split_page": "camchar.core.pages",
    "SelectedStack": "camchar.host.stack",
    "SelectedFrame": "camchar.host.stack",
    "BadInput": "camchar.core.errors",
    "PluginError": "camchar.core.errors",
    "CamcharWarning": "camchar.core.errors",
    "CameraSamples": "camchar.files.camera_samples",
    "Settings": "camchar.settings.model",
    "read_settings": "camchar.settings.reader",
    "RunOptions": "camchar.stats.options",
    "run_stats": "camchar.stats.run",
    "build_host": "camchar.host.manager",
    "read_result": "camchar.results.model",
    "to_pandas": "camchar.results.notebook",
}
#: Public modules reachable as attributes.
_MODULES = {
    "image_stats": "camchar.compat.image_stats",
    "api": "camchar.api",
    "testing": "camchar.testing",
    "results": "camchar.results",
}

__all__ = ["__version__", "open", *_EXPORTS, *_MODULES]


def __getattr__(name: str) -> Any:
    if name == "open":  # camchar.open(path) -> xarray.Dataset, for notebooks
        from camchar.results.notebook import open_dataset

        globals()["open"] = open_dataset
        return open_dataset
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'camchar' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
