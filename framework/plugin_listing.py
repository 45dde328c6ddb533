"""``camchar plugins``: what is installed, where it comes from, and what it registers."""

from __future__ import annotations

from typing import Any

from camchar.components import KINDS
from camchar.manager import BUILT_IN, Host

__all__ = ["describe_plugins", "format_plugins"]

_KIND_LABELS = {"loaders": "loader", "selectors": "selector", "noise_models": "noise model", "writers": "writer"}


def describe_plugins(host: Host, include_builtins: bool = False) -> list[dict[str, Any]]:
    """Every registered plugin with its version, origin, hooks and components.

    Parameters
    ----------
    host
        The loaded plugin host.
    include_builtins
        Also list camchar's built-in plugins.

    Returns
    -------
    list of dict
        One entry per plugin: ``name``, ``version``, ``origin``, ``distribution``,
        ``module``, ``hooks``, and ``components`` by kind, each with ``name``,
        ``description`` and, for loaders and writers, ``suffixes``.
    """
    entries = []
    for name, info in host.plugins.items():
        if info.origin == BUILT_IN and not include_builtins:
            continue
        plugin = host.manager.get_plugin(name)
        hooks = sorted(caller.name for caller in host.manager.get_hookcallers(plugin) or ())
        components: dict[str, list[dict[str, Any]]] = {}
        for kind, component_name, registered in host.components:
            if registered.plugin != name:
                continue
            record = {"name": component_name, "description": getattr(registered.component, "description", "")}
            if hasattr(registered.component, "suffixes"):
                record["suffixes"] = list(registered.component.suffixes)
            components.setdefault(kind, []).append(record)
        entries.append(
            {
                "name": name,
                "version": info.version,
                "origin": info.origin,
                "distribution": info.distribution,
                "module": info.module,
                "hooks": hooks,
                "components": {kind: components[kind] for kind in KINDS if kind in components},
            }
        )
    return entries


def format_plugins(entries: list[dict[str, Any]]) -> str:
    """The human-readable listing of :func:`describe_plugins`."""
    if not entries:
        return "no third-party plugins installed (camchar plugins --all lists the built-ins)"
    lines = []
    for entry in entries:
        where = entry["origin"]
        if entry["origin"] == "entry point":
            where = f"entry point {entry['module']}, distribution {entry['distribution']}"
        version = entry["version"] or "unknown version"
        lines.append(f"{entry['name']} {version} ({where})")
        for kind, components in entry["components"].items():
            for component in components:
                suffixes = _short(" ".join(component.get("suffixes", [])))
                suffixes = f" [{suffixes}]" if suffixes else ""
                lines.append(f"  {_KIND_LABELS[kind]:<12}{component['name']}{suffixes}: {component['description']}")
        if not entry["components"]:
            lines.append("  (registers no components)")
    return "\n".join(lines)


def _short(suffixes: str, limit: int = 48) -> str:
    return suffixes if len(suffixes) <= limit else suffixes[: limit - 4].rsplit(" ", 1)[0] + " ..."
