"""The plugin manager: third-party plugins from entry points, local modules and objects, then the built-ins.

The order follows pluggy's own example host: create the manager, add the hook
specifications, load the entry-point group ``camchar``, register the built-in
plugins from an explicit tuple, then ``check_pending()``. A third-party plugin
that fails to import, implements a hook that does not exist, or raises in
its hook is dropped with a warning naming it; the rest keep working.

Load control:

- ``CAMCHAR_LOAD_PLUGINS=a,b``: load only these entry-point plugins (empty:
  none); unset, all installed ones.
- ``CAMCHAR_DISABLE_PLUGINS=a,b`` and ``--no-plugin NAME``: never load these
  (entry-point names, or a built-in's module name).
- ``--plugin module.path``: import a local module as a plugin for one run.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import os
import sys
import warnings
from types import ModuleType
from typing import Iterable

import attrs
import pluggy

from camchar._version import __version__
from camchar.core.errors import CamcharWarning, shorten
from camchar.host import hookspecs
from camchar.host.kinds import KINDS
from camchar.host.markers import PROJECT_NAME
from camchar.host.registry import BUILT_IN, ENTRY_POINT, LOCAL_MODULE, OBJECT, Components, PluginInfo
from camchar.plugins import BUILTIN_PLUGINS  # the plugins package lists its own modules

__all__ = ["ENTRY_POINT_GROUP", "LOAD_VARIABLE", "DISABLE_VARIABLE", "Host", "build_host"]

#: The entry-point group third-party plugins declare in their ``pyproject.toml``.
ENTRY_POINT_GROUP = PROJECT_NAME
#: Environment variable: comma-separated entry-point plugins to load (empty: none).
LOAD_VARIABLE = "CAMCHAR_LOAD_PLUGINS"
#: Environment variable: comma-separated plugins never to load.
DISABLE_VARIABLE = "CAMCHAR_DISABLE_PLUGINS"


@attrs.frozen
class Host:
    """A ready plugin manager, what it loaded, and the components the plugins registered."""

    manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    components: Components


def build_host(
    local_modules: Iterable[str] = (),
    disabled: Iterable[str] = (),
    plugins: Iterable[object] = (),
    entry_points: bool = True,
) -> Host:
    """Load the plugins and collect the components they register.

    Parameters
    ----------
    local_modules
        Modules to import and register as plugins for this run (``--plugin``).
    disabled
        Plugins never to load, in addition to ``CAMCHAR_DISABLE_PLUGINS``
        (``--no-plugin``).
    plugins
        Plugin objects (modules, classes or instances with ``@hookimpl``
        functions) to register as they are, e.g. in a test.
    entry_points
        Whether to load the installed entry-point plugins.

    Returns
    -------
    Host
        The manager, the loaded plugins and their components.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name in [*_names_from(os.environ.get(DISABLE_VARIABLE, "")), *disabled]:
        manager.set_blocked(name)
    loaded: dict[str, PluginInfo] = {}
    if entry_points:
        _load_entry_points(manager, loaded, _allowed_entry_points())
    for module_name in local_modules:
        _register_local_module(manager, loaded, module_name)
    for plugin in plugins:
        _register_object(manager, loaded, plugin)
    _register_builtins(manager, loaded)
    _check_pending(manager, loaded)
    return Host(manager, loaded, _collect_components(manager, loaded))


def _names_from(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _allowed_entry_points() -> set[str] | None:
    """The entry-point plugins ``CAMCHAR_LOAD_PLUGINS`` allows, or ``None`` for all."""
    value = os.environ.get(LOAD_VARIABLE)
    return None if value is None else set(_names_from(value))


def _load_entry_points(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo], allowed: set[str] | None) -> None:
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
            _warn(f"plugin {entry_point.name} ({entry_point.value}) failed to load and is skipped: {exc!r}")
            continue
        loaded[entry_point.name] = PluginInfo(
            entry_point.name,
            dist.version if dist is not None else None,
            ENTRY_POINT,
            dist.metadata["Name"] if dist is not None else None,
            entry_point.value,
        )


def _register_local_module(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo], module_name: str) -> None:
    """Import ``module_name`` (searched on ``sys.path`` and then in the current folder) and register it."""
    if manager.is_blocked(module_name) or manager.get_plugin(module_name) is not None:
        return
    try:
        module = _import_local(module_name)
        if manager.is_registered(module):  # installed already, under its entry-point name
            return
        manager.register(module, name=module_name)
    except Exception as exc:  # a broken plugin must not stop unrelated work
        _warn(f"plugin {module_name} (--plugin) failed to load and is skipped: {exc!r}")
        return
    distribution, version = _distribution_of(module)
    loaded[module_name] = PluginInfo(module_name, version, LOCAL_MODULE, distribution, module_name)


def _distribution_of(module: ModuleType) -> tuple[str | None, str | None]:
    """The installed distribution providing ``module`` and its version; else the module's ``__version__``."""
    top = module.__name__.split(".")[0]
    for name in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.metadata(name)["Name"], importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    version = getattr(module, "__version__", None)
    return None, str(version) if version is not None else None


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


def _register_object(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo], plugin: object) -> None:
    """Register a plugin object handed over from Python (``camchar.testing.build_host(plugins=[...])``)."""
    if isinstance(plugin, ModuleType):
        name = plugin.__name__
        distribution, version = _distribution_of(plugin)
    else:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        distribution, version = None, getattr(plugin, "__version__", None)
    if manager.is_registered(plugin) or manager.is_blocked(name):
        return
    base, suffix = name, 2
    while manager.get_plugin(name) is not None:
        name, suffix = f"{base}-{suffix}", suffix + 1
    manager.register(plugin, name=name)
    loaded[name] = PluginInfo(name, version, OBJECT, distribution, name)


def _register_builtins(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo]) -> None:
    for module_name in BUILTIN_PLUGINS:
        if manager.is_blocked(module_name):
            continue
        module: ModuleType = importlib.import_module(module_name)
        manager.register(module, name=module_name)
        loaded[module_name] = PluginInfo(module_name, __version__, BUILT_IN, PROJECT_NAME, module_name)


def _check_pending(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo]) -> None:
    """Drop, with a warning, every plugin implementing a hook that does not exist (with the closest real hook)."""
    known = [kind.hook for kind in KINDS.values()]
    while True:
        try:
            manager.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = manager.get_name(exc.plugin) or repr(exc.plugin)
            unknown = [
                attribute
                for attribute in dir(exc.plugin)
                if attribute.startswith(f"{PROJECT_NAME}_") and attribute not in known and callable(getattr(exc.plugin, attribute))
            ]
            hints = []
            for attribute in unknown:
                close = difflib.get_close_matches(attribute, known, n=1)
                hints.append(f"'{attribute}' is not a camchar hook" + (f"; did you mean '{close[0]}'?" if close else ""))
            detail = "; ".join(hints) if hints else shorten(str(exc), 200)
            _warn(f"plugin {name} is skipped: {detail}")
            manager.unregister(exc.plugin)
            loaded.pop(name, None)


def _collect_components(manager: pluggy.PluginManager, loaded: dict[str, PluginInfo]) -> Components:
    components = Components()
    for kind in KINDS.values():
        caller = getattr(manager.hook, kind.hook)
        # pluggy calls the most recently registered implementation first; the
        # built-ins come last, so collecting in reverse gives them their names
        # before any third-party duplicate.
        for impl in reversed(caller.get_hookimpls()):
            info = loaded.get(impl.plugin_name) or PluginInfo(impl.plugin_name, None, OBJECT)
            arguments = {"register": components.register_callback(kind.key, info)}
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:  # a broken plugin must not stop unrelated work
                _warn(f"plugin {impl.plugin_name} failed in {kind.hook}: {exc!r}")
    return components


def _warn(message: str) -> None:
    warnings.warn(CamcharWarning(message), stacklevel=3)
