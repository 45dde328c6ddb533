"""The registry of components: what the plugins registered, by kind and name, and who registered it."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator

import attrs

from camchar.core.errors import CamcharWarning, shorten
from camchar.host.kinds import KINDS, Kind
from camchar.host.options import Option

__all__ = ["PluginInfo", "Registered", "Components", "CAMCHAR_PLUGIN"]

BUILT_IN, ENTRY_POINT, LOCAL_MODULE, OBJECT = "built-in", "entry point", "local module", "object"


@attrs.frozen
class PluginInfo:
    """Where a registered plugin comes from.

    Parameters
    ----------
    name
        The name it is registered under: its entry-point name, or its module name.
    version
        The distribution's version (camchar's for built-ins), if known.
    origin
        ``"built-in"``, ``"entry point"``, ``"local module"`` or ``"object"``
        (registered from Python, e.g. by ``camchar.testing.build_host``).
    distribution
        The installed distribution that provides it, if any.
    module
        The module (or object) registered.
    """

    name: str
    version: str | None
    origin: str
    distribution: str | None = None
    module: str | None = None

    @property
    def label(self) -> str:
        """``distribution version`` (or ``module version``): the same however the plugin was loaded."""
        if self.origin == BUILT_IN:
            return f"camchar {self.version}"
        return f"{self.distribution or self.module or self.name} {self.version or 'unknown version'}"

    @property
    def built_in(self) -> bool:
        """Whether this is one of camchar's own plugins."""
        return self.origin == BUILT_IN


#: The plugin of components registered without a known plugin (tests).
CAMCHAR_PLUGIN = PluginInfo("camchar", None, BUILT_IN, "camchar")


@attrs.frozen
class Registered:
    """A component, its kind, and the plugin that registered it."""

    component: Any
    kind: Kind
    plugin: PluginInfo

    @property
    def name(self) -> str:
        """The component's name."""
        return self.component.name

    @property
    def title(self) -> str:
        """E.g. ``noise model 'pairs'``, for messages."""
        return f"{self.kind.label} '{self.component.name}'"


@attrs.define
class Components:
    """Every registered component, by kind and name."""

    by_kind: dict[str, dict[str, Registered]] = attrs.field(factory=lambda: {key: {} for key in KINDS})

    def add(self, kind_key: str, component: Any, plugin: PluginInfo = CAMCHAR_PLUGIN) -> Registered | None:
        """Add ``component``; a malformed component or a name taken already is ignored with a warning.

        Returns
        -------
        Registered or None
            The entry, or ``None`` when the component was ignored.
        """
        kind = KINDS[kind_key]
        problem = _malformed(component, kind)
        if problem is not None:
            warnings.warn(CamcharWarning(f"plugin {plugin.name}: ignored a {kind.label} {problem}"), stacklevel=2)
            return None
        name = component.name
        taken = self.by_kind[kind.key].get(name)
        if taken is not None:
            warnings.warn(
                CamcharWarning(
                    f"plugin {plugin.name}: {kind.label} '{name}' is registered already by {taken.plugin.name}; keeping that one"
                ),
                stacklevel=2,
            )
            return None
        entry = Registered(component, kind, plugin)
        self.by_kind[kind.key][name] = entry
        return entry

    def get(self, kind_key: str, name: str) -> Registered | None:
        """The component ``name`` of the kind, or ``None``."""
        return self.by_kind[kind_key].get(name)

    def of_kind(self, kind_key: str) -> list[Registered]:
        """The components of a kind, in registration order (built-ins first)."""
        return list(self.by_kind[kind_key].values())

    def names(self, kind_key: str) -> list[str]:
        """The registered names of a kind, sorted."""
        return sorted(self.by_kind[kind_key])

    def __iter__(self) -> Iterator[Registered]:
        for registered in self.by_kind.values():
            yield from registered.values()

    def register_callback(self, kind_key: str, plugin: PluginInfo) -> Callable[[object], None]:
        """The ``register`` function handed to one plugin's hook implementation."""

        def register(component: object) -> None:
            self.add(kind_key, component, plugin)

        return register


def _malformed(component: object, kind: Kind) -> str | None:
    """What is wrong with ``component`` as a component of ``kind``, or ``None``."""
    base = kind.base
    if not isinstance(component, base):
        return f"that does not subclass camchar.api.{base.__name__}: {shorten(component)}"
    name = getattr(component, "name", None)
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        return f"without a name (set the class attribute name): {shorten(component)}"
    options = getattr(component, "options", ())
    if not isinstance(options, tuple) or not all(isinstance(option, Option) for option in options):
        return f"'{name}' whose options are not a tuple of camchar.api.Option"
    names = [option.name for option in options]
    if len(set(names)) != len(names):
        return f"'{name}' that declares an option twice"
    suffixes = getattr(component, "suffixes", ())
    if not isinstance(suffixes, tuple) or not all(isinstance(s, str) and s.startswith(".") and s == s.lower() for s in suffixes):
        return f"'{name}' whose suffixes are not a tuple of lower-case suffixes with the dot"
    return None
