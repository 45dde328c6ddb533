"""camchar: plugin-based camera characterisation.

``camchar stats settings.yml`` turns a monochromator sweep (an exposure
bracket of photos at each wavelength) into per-wavelength mean and temporal
noise per colour channel. Plugin authors import from :mod:`camchar.api`
(its names are also available here); people migrating from the original
script use ``from camchar import image_stats``.

The public surface is declared once: ``camchar.api.__all__`` (the plugin
API), plus the few names below that only this package offers (the
pipelines as functions, for scripts and notebooks). Names are imported on
first use, so that ``camchar --help`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from camchar._version import __version__ as __version__

#: Names only ``camchar`` offers, not part of the plugin API, and the module each comes from.
_OWN = {
    "fit_response": "camchar.response.fit",
    "load_spectra": "camchar.response.run",
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


def _public_names() -> list[str]:
    """``__all__``: the plugin API's names and camchar's own (imports ``camchar.api``, so only on demand)."""
    return ["__version__", "open", *importlib.import_module("camchar.api").__all__, *_OWN, *_MODULES]


def __getattr__(name: str) -> Any:
    if name == "__all__":  # for ``from camchar import *``: computed on use, like every name here
        value: Any = _public_names()
    elif name.startswith("__"):  # a probe for a dunder (copy, pickle, doctest ...) must not import the API
        raise AttributeError(f"module 'camchar' has no attribute {name!r}")
    elif name == "open":  # camchar.open(path) -> xarray.Dataset, for notebooks
        from camchar.results.notebook import open_dataset

        value = open_dataset
    elif name in _OWN:
        value = getattr(importlib.import_module(_OWN[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        api = importlib.import_module("camchar.api")
        if name not in api.__all__:
            raise AttributeError(f"module 'camchar' has no attribute {name!r}")
        value = getattr(api, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(_public_names())
