"""The plugin manager: third-party plugins from entry points, local modules, then the built-ins.

The order follows pluggy's own example host: create the manager, add the hook
specifications, load the entry-point group ``camchar``, register the built-in
plugins from an explicit tuple, then ``check_pending()``. A third-party plugin
that fails to import, or implements a hook that does not exist, is dropped
with a warning naming it; the rest keep working.

Load control:

- ``CAMCHAR_LOAD_PLUGINS=a,b``: load only these entry-point plugins (empty:
  none); unset, all installed ones.
- ``CAMCHAR_DISABLE_PLUGINS=a,b`` and ``--no-plugin NAME``: never load these
  (entry-point names, or a built-in's module name).
- ``--plugin module.path``: import a local module as a plugin for one run.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
import warnings
from types import ModuleType
from typing import Iterable

import attrs
import pluggy

from camchar import hookspecs
from camchar._version import __version__
from camchar.components import KINDS, Components
from camchar.errors import CamcharWarning
from camchar.markers import PROJECT_NAME

__all__ = ["ENTRY_POINT_GROUP", "LOAD_VARIABLE", "DISABLE_VARIABLE", "PluginInfo", "Host", "build_host"]

#: The entry-point group third-party plugins declare in their ``pyproject.toml``.
ENTRY_POINT_GROUP = PROJECT_NAME
#: Environment variable: comma-separated entry-point plugins to load (empty: none).
LOAD_VARIABLE = "CAMCHAR_LOAD_PLUGINS"
#: Environment variable: comma-separated plugins never to load.
DISABLE_VARIABLE = "CAMCHAR_DISABLE_PLUGINS"

BUILT_IN, ENTRY_POINT, LOCAL_MODULE = "built-in", "entry point", "local module"


@attrs.frozen
class PluginInfo:
    """Where a registered plugin comes from.

    Parameters
    ----------
    name
        The plugin's name: its entry-point name, or its module name.
    version
        The distribution's version (camchar's for built-ins), if known.
    origin
        ``"built-in"``, ``"entry point"`` or ``"local module"``.
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


@attrs.frozen
class Host:
    """A ready plugin manager, what it loaded, and the components the plugins registered."""

    manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    components: Components


def build_host(local_modules: Iterable[str] = (), disabled: Iterable[str] = ()) -> Host:
    """Load the plugins and collect the components they register.

    Parameters
    ----------
    local_modules
        Modules to import and register as plugins for this run (``--plugin``).
    disabled
        Plugins never to load, in addition to ``CAMCHAR_DISABLE_PLUGINS``
        (``--no-plugin``).

    Returns
    -------
    Host
        The manager, the loaded plugins and their components.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name in [*_names_from(os.environ.get(DISABLE_VARIABLE, "")), *disabled]:
        manager.set_blocked(name)
    plugins: dict[str, PluginInfo] = {}
    _load_entry_points(manager, plugins, _allowed_entry_points())
    for module_name in local_modules:
        _register_local_module(manager, plugins, module_name)
    _register_builtins(manager, plugins)
    _check_pending(manager, plugins)
    return Host(manager, plugins, _collect_components(manager, plugins))


def _names_from(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _allowed_entry_points() -> set[str] | None:
    """The entry-point plugins ``CAMCHAR_LOAD_PLUGINS`` allows, or ``None`` for all."""
    value = os.environ.get(LOAD_VARIABLE)
    return None if value is None else set(_names_from(value))


def _load_entry_points(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo], allowed: set[str] | None) -> None:
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if allowed is not None and entry_point.name not in allowed:
            continue
        if manager.get_plugin(entry_point.name) is not None or manager.is_blocked(entry_point.name):
            continue
        dist = getattr(entry_point, "dist", None)
        try:
            plugin = entry_point.load()
            manager.register(plugin, name=entry_point.name)
        except Exception as exc:  # a broken plugin must not stop unrelated work
            warnings.warn(
                CamcharWarning(f"plugin {entry_point.name} ({entry_point.value}) failed to load and is skipped: {exc!r}"),
                stacklevel=2,
            )
            continue
        plugins[entry_point.name] = PluginInfo(
            entry_point.name,
            dist.version if dist is not None else None,
            ENTRY_POINT,
            dist.metadata["Name"] if dist is not None else None,
            entry_point.value,
        )


def _register_local_module(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo], module_name: str) -> None:
    """Import ``module_name`` (searched on ``sys.path`` and then in the current folder) and register it."""
    if manager.is_blocked(module_name) or manager.get_plugin(module_name) is not None:
        return
    try:
        module = _import_local(module_name)
        if manager.is_registered(module):  # installed already, under its entry-point name
            return
        manager.register(module, name=module_name)
    except Exception as exc:  # a broken plugin must not stop unrelated work
        warnings.warn(CamcharWarning(f"plugin {module_name} (--plugin) failed to load and is skipped: {exc!r}"), stacklevel=3)
        return
    version = getattr(module, "__version__", None)
    plugins[module_name] = PluginInfo(module_name, str(version) if version is not None else None, LOCAL_MODULE, None, module_name)


def _import_local(module_name: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name.split(".")[0] or os.getcwd() in sys.path:
            raise
    sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_name)
    finally:
        sys.path.remove(os.getcwd())


def _register_builtins(manager: pluggy.PluginManager, plugins: dict[str, PluginInfo]) -> None:
    from camchar.plugins import BUILTIN_PLUGINS

    for module_name in BUILTIN_PLUGINS:
        if manager.is_blocked(module_name):
            continue
        module: ModuleType = importlib.import_module(module_name)
        manager.register(module, name=module_name)
        plugins[module_name] = PluginInfo(module_name, __version__, BUILT_IN, PROJECT_NAME, module_name)


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
                    CamcharWarning(f"plugin {impl.plugin_name} failed in camchar_register_{kind}: {exc!r}"),
                    stacklevel=2,
                )
    return components
