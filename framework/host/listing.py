"""``camchar plugins``: what is installed, where it comes from, what it registers, and the options it takes."""

from __future__ import annotations

from typing import Any

from camchar.host.kinds import KINDS
from camchar.host.manager import Host
from camchar.host.registry import Registered

__all__ = ["describe_plugins", "format_plugins"]


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
        One entry per plugin: ``name``, ``version``, ``origin``,
        ``distribution``, ``module``, ``hooks``, and ``components`` by kind,
        each with ``name``, ``description``, ``version`` (of its computation),
        ``options`` (``name``, ``type``, ``default``, ``doc``), for loaders,
        writers and spectrometer readers ``suffixes``, and for writers ``results`` (what they write).
    """
    entries = []
    for name, info in host.plugins.items():
        if info.built_in and not include_builtins:
            continue
        plugin = host.manager.get_plugin(name)
        hooks = sorted(caller.name for caller in host.manager.get_hookcallers(plugin) or ())
        components: dict[str, list[dict[str, Any]]] = {}
        for registered in host.components:
            if registered.plugin.name == name:
                components.setdefault(registered.kind.key, []).append(_component_record(registered))
        entries.append(
            {
                "name": name,
                "version": info.version,
                "origin": info.origin,
                "distribution": info.distribution,
                "module": info.module,
                "hooks": hooks,
                "components": {key: components[key] for key in KINDS if key in components},
            }
        )
    return entries


def _component_record(registered: Registered) -> dict[str, Any]:
    component = registered.component
    record: dict[str, Any] = {"name": component.name, "description": component.description, "version": str(component.version)}
    if registered.kind.key in ("loaders", "writers", "spectrometer_readers"):
        record["suffixes"] = list(component.suffixes)
    if registered.kind.key == "writers":
        record["results"] = list(component.results)
    record["options"] = [
        {"name": option.name, "type": option.describe_type(), "default": option.default, "doc": option.doc}
        for option in component.options
    ]
    return record


def format_plugins(entries: list[dict[str, Any]]) -> str:
    """The human-readable listing of :func:`describe_plugins`."""
    if not entries:
        return "no third-party plugins installed (camchar plugins --all lists the built-ins)"
    width = max(len(kind.label) for kind in KINDS.values()) + 1
    lines = []
    for entry in entries:
        where = entry["origin"]
        if entry["origin"] == "entry point":
            where = f"entry point {entry['module']}, distribution {entry['distribution']}"
        version = entry["version"] or "unknown version"
        lines.append(f"{entry['name']} {version} ({where})")
        for key, components in entry["components"].items():
            for component in components:
                suffixes = _short(" ".join(component.get("suffixes", [])))
                suffixes = f" [{suffixes}]" if suffixes else ""
                results = f" (writes {', '.join(component['results'])})" if component.get("results") else ""
                lines.append(f"  {KINDS[key].label:<{width}}{component['name']}{suffixes}{results}: {component['description']}")
                for option in component["options"]:
                    lines.append(
                        f"  {'':<{width}}  option {component['name']}.{option['name']} ({option['type']}, "
                        f"default {option['default']!r}): {option['doc']}"
                    )
        if not entry["components"]:
            lines.append("  (registers no components)")
    return "\n".join(lines)


def _short(suffixes: str, limit: int = 48) -> str:
    return suffixes if len(suffixes) <= limit else suffixes[: limit - 4].rsplit(" ", 1)[0] + " ..."
