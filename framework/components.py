"""The four kinds of component a plugin can register, and the registry that holds them.

A component is a small object with a ``name``, a one-line ``description`` and
one method. Plugins hand components to the ``register`` callback of the
registry hooks (:mod:`camchar.hookspecs`); the pipeline picks them by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Sequence, runtime_checkable
import warnings

import attrs
import numpy as np

from camchar.errors import BadInput, CamcharWarning
from camchar.frames import Frame, LoadRequest

if TYPE_CHECKING:
    from camchar.samples import CameraSamples
    from camchar.stack import SelectedStack

__all__ = ["Loader", "Selector", "NoiseModel", "Writer", "KINDS", "Registered", "Components"]


@runtime_checkable
class Loader(Protocol):
    """Reads one image file into a :class:`~camchar.frames.Frame`.

    ``suffixes`` lists the file suffixes the loader reads (lower case, with the
    dot); the first is the one it looks for beside a RAW file name pattern.
    """

    name: str
    description: str
    suffixes: tuple[str, ...]

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode ``path`` and return the frame cut to ``request.roi``."""


@runtime_checkable
class Selector(Protocol):
    """Chooses the frame of an exposure bracket that represents its wavelength."""

    name: str
    description: str

    def select(self, frames: Sequence[Frame]) -> Frame | None:
        """Return one of ``frames`` (none of them overexposed), or ``None`` to skip the bracket."""


@runtime_checkable
class NoiseModel(Protocol):
    """Estimates the temporal noise of each selected frame."""

    name: str
    description: str

    def estimate(self, stack: "SelectedStack") -> np.ndarray:
        """Return the ``(N, C)`` temporal noise in counts/s of the ``N`` selected frames."""


@runtime_checkable
class Writer(Protocol):
    """Writes the statistics to a file; the output suffix picks the writer."""

    name: str
    description: str
    suffixes: tuple[str, ...]

    def write(self, samples: "CameraSamples", path: Path) -> None:
        """Write ``samples`` to ``path`` (a temporary file the host moves into place)."""


#: Component kinds: the settings key / hook suffix, and the protocol each follows.
KINDS: dict[str, type] = {
    "loaders": Loader,
    "selectors": Selector,
    "noise_models": NoiseModel,
    "writers": Writer,
}

_SINGULAR = {"loaders": "loader", "selectors": "selector", "noise_models": "noise model", "writers": "writer"}


@attrs.frozen
class Registered:
    """A component and the plugin that registered it."""

    component: object
    plugin: str
    version: str | None


@attrs.define
class Components:
    """Every registered component, by kind and name."""

    by_kind: dict[str, dict[str, Registered]] = attrs.field(factory=lambda: {kind: {} for kind in KINDS})

    def add(self, kind: str, component: object, plugin: str, version: str | None) -> None:
        """Add ``component``; a malformed component or a name taken already gives a warning."""
        protocol = KINDS[kind]
        name = getattr(component, "name", None)
        if not isinstance(name, str) or not name or not isinstance(component, protocol):
            warnings.warn(
                CamcharWarning(
                    f"plugin {plugin}: ignored a {_SINGULAR[kind]} that is not a {protocol.__name__} "
                    f"(it needs {', '.join(_protocol_members(protocol))}): {component!r}"
                ),
                stacklevel=2,
            )
            return
        taken = self.by_kind[kind].get(name)
        if taken is not None:
            warnings.warn(
                CamcharWarning(
                    f"plugin {plugin}: {_SINGULAR[kind]} '{name}' is registered already by {taken.plugin}; "
                    f"keeping that one"
                ),
                stacklevel=2,
            )
            return
        self.by_kind[kind][name] = Registered(component, plugin, version)

    def get(self, kind: str, name: str) -> Registered:
        """The component ``name`` of ``kind``; :class:`BadInput` listing the choices if there is none."""
        found = self.by_kind[kind].get(name)
        if found is None:
            choices = ", ".join(sorted(self.by_kind[kind])) or "none"
            raise BadInput(None, f"no {_SINGULAR[kind]} named '{name}'; available: {choices}")
        return found

    def names(self, kind: str) -> list[str]:
        """The registered names of ``kind``, sorted."""
        return sorted(self.by_kind[kind])

    def __iter__(self) -> Iterator[tuple[str, str, Registered]]:
        for kind, registered in self.by_kind.items():
            for name, entry in registered.items():
                yield kind, name, entry

    def register_callback(self, kind: str, plugin: str, version: str | None) -> Callable[[object], None]:
        """The ``register`` function handed to one plugin's hook implementation."""

        def register(component: object) -> None:
            self.add(kind, component, plugin, version)

        return register


def _protocol_members(protocol: type) -> list[str]:
    members = [name for name in protocol.__annotations__]
    members += [name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")]
    return members
