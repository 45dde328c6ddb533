"""The plugin manager: third-party plugins from entry points, then the built-ins.

The order follows pluggy's own example host: create the manager, add the hook
specifications, load the entry-point group ``camchar``, register the built-in
plugins from an explicit tuple, then ``check_pending()``. A third-party plugin
that fails to import, or implements a hook that does not exist, is dropped
with a warning naming it; the rest keep working.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import warnings
from types import ModuleType

import attrs
import pluggy

from camchar import hookspecs
from camchar._version import __version__
from camchar.components import KINDS, Components
from camchar.errors import CamcharWarning
from camchar.markers import PROJECT_NAME

__all__ = ["ENTRY_POINT_GROUP", "PluginInfo", "Host", "build_host"]

#: The entry-point group third-party plugins declare in their ``pyproject.toml``.
ENTRY_POINT_GROUP = PROJECT_NAME


@attrs.frozen
class PluginInfo:
    """Where a registered plugin comes from."""

    name: str
    version: str | None
    origin: str  # "built-in" or "entry point"
    distribution: str | None = None


@attrs.frozen
class Host:
    """A ready plugin manager, what it loaded, and the components the plugins registered."""

    manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    components: Components


def build_host() -> Host:
    """Load every plugin and collect the components they register.

    Returns
    -------
    Host
        The manager, the loaded plugins and their components.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    plugins: dict[str, PluginInfo] = {}
    _load_entry_points(manager, plugins)
    _register_builtins(manager, plugins)
    _check_pending(manager, plugins)
    return Host(manager, plugins, _collect_components(manager, plugins))


def _load_entry_points(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if manager.get_plugin(entry_point.name) is not None or manager.is_blocked(entry_point.name):
            continue
        dist = getattr(entry_point, "dist", None)
        try:
            plugin = entry_point.load()
            manager.register(plugin, name=entry_point.name)
        except Exception as exc:  # a broken plugin must not stop unrelated work
            warnings.warn(
                CamcharWarning(f"plugin {entry_point.name} ({entry_point.value}) failed to load and is skipped: {exc}"),
                stacklevel=2,
            )
            continue
        plugins[entry_point.name] = PluginInfo(
            entry_point.name,
            dist.version if dist is not None else None,
            "entry point",
            dist.metadata["Name"] if dist is not None else None,
        )


def _register_builtins(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    from camchar.plugins import BUILTIN_PLUGINS

    for module_name in BUILTIN_PLUGINS:
        module: ModuleType = importlib.import_module(module_name)
        manager.register(module, name=module_name)
        plugins[module_name] = PluginInfo(module_name, __version__, "built-in", PROJECT_NAME)


def _check_pending(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    while True:
        try:
            manager.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = manager.get_name(exc.plugin) or repr(exc.plugin)
            warnings.warn(CamcharWarning(f"plugin {name} is skipped: {exc}"), stacklevel=3)
            manager.unregister(exc.plugin)
            plugins.pop(name, None)


def _collect_components(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> Components:
    components = Components()
    for kind in KINDS:
        caller = getattr(manager.hook, f"camchar_register_{kind}")
        # pluggy calls the most recently registered implementation first; the
        # built-ins come last, so their names win over a third-party duplicate.
        for impl in reversed(caller.get_hookimpls()):
            info = plugins.get(impl.plugin_name)
            version = info.version if info is not None else None
            arguments = {"register": components.register_callback(kind, impl.plugin_name, version)}
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:  # a broken plugin must not stop unrelated work
                warnings.warn(
                    CamcharWarning(f"plugin {impl.plugin_name} failed in camchar_register_{kind}: {exc}"),
                    stacklevel=2,
                )
    return components
