"""colour-science, the optional library whose data (illuminants, CMFs, training reflectances) ``camchar colour`` uses."""

from __future__ import annotations

from types import ModuleType

from camchar.core.errors import BadInput

__all__ = ["colour_science"]


def colour_science() -> ModuleType:
    """The ``colour`` package, or a one-line refusal naming the extra that installs it.

    Raises
    ------
    BadInput
        When colour-science is not installed.
    """
    try:
        import colour
    except ImportError:
        raise BadInput(None, "camchar colour needs colour-science: pip install 'camchar[colour]'") from None
    return colour
