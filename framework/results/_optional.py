"""Optional dependencies, imported only when a feature needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from camchar.core.errors import BadInput

__all__ = ["require"]

#: What each optional module is for, and the extra that installs it.
_EXTRAS = {
    "matplotlib": ("plotting", "plot"),
    "openpyxl": ("writing .xlsx", "xlsx"),
    "xarray": ("open_dataset", "xarray"),
    "pandas": ("to_pandas", "xarray"),
}


def require(module: str) -> ModuleType:
    """Import ``module``, or fail with one line naming the extra that installs it.

    Parameters
    ----------
    module
        One of ``matplotlib``, ``openpyxl``, ``xarray``, ``pandas``.

    Raises
    ------
    BadInput
        When the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        feature, extra = _EXTRAS[module]
        raise BadInput(None, f"{feature} needs {module}: pip install 'camchar[{extra}]'") from None
