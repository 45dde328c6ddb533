"""Choosing a step's components by name and giving them their options, the same way for every step.

Each kind's component comes from the command line, else the settings file,
else the kind's default. Options come from the settings' ``plugins:``
section, overridden by ``--option``; options for a component that is not in
the run are checked against its declarations, and options for a name that
no installed component has are warned about, with the closest name.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path
from typing import Any, Mapping

import attrs

from camchar.core.errors import BadInput, CamcharWarning, shorten
from camchar.host.guard import Guarded, guarded
from camchar.host.kinds import WRITERS, Kind
from camchar.host.options import OptionValue, resolve_options
from camchar.host.registry import Components, Registered
from camchar.settings.model import Settings

__all__ = ["ChosenComponent", "named_component", "option_values", "check_unused_options", "configure", "check_suffix", "writer_for", "component_record"]


@attrs.frozen
class ChosenComponent:
    """One chosen component, configured with its options for the run.

    Parameters
    ----------
    registered
        The registry entry (the plugin that provides it).
    component
        The configured component, guarded: its failures name it.
    """

    registered: Registered
    component: Guarded

    @property
    def name(self) -> str:
        """The component's name."""
        return self.registered.name

    def provenance(self) -> dict[str, Any]:
        """Name, version, plugin and option values, for the output file and its record of inputs."""
        return component_record(self.registered, self.component.config)


def component_record(registered: Registered, config: Mapping[str, Any]) -> dict[str, Any]:
    """What identifies a configured component's computation: name, its declared version, plugin (with version), options."""
    return {
        "name": registered.name,
        "version": str(getattr(registered.component, "version", "")),
        "plugin": registered.plugin.label,
        "options": dict(config),
    }


def named_component(components: Components, kind: Kind, flag_name: str | None, settings: Settings | None) -> Registered | None:
    """The component named by the flag, else the settings, else the kind's default; ``None`` if none is named.

    Raises
    ------
    BadInput
        When no component of the kind has that name (at the settings line when the settings named it),
        with the closest name.
    """
    settings_name = settings.component(kind.setting) if settings is not None else None
    name = flag_name or settings_name or kind.default
    if name is None:
        return None
    found = components.get(kind.key, name)
    if found is not None:
        return found
    choices = ", ".join(components.names(kind.key)) or "none"
    close = difflib.get_close_matches(name, components.names(kind.key), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    problem = f"no {kind.label} named '{shorten(name, 60)}'; available: {choices}{hint}"
    if flag_name is None and settings is not None and settings_name is not None:
        raise BadInput(settings.path, problem, settings.line_of(kind.setting))
    raise BadInput(None, problem)


def option_values(settings: Settings | None, flags: Mapping[str, Mapping[str, OptionValue]]) -> dict[str, dict[str, OptionValue]]:
    """Option values by component name: the settings' ``plugins:`` section, overridden by ``--option``."""
    given = {name: dict(values) for name, values in (settings.plugins.items() if settings is not None else ())}
    for name, values in flags.items():
        given.setdefault(name, {}).update(values)
    return given


def check_unused_options(components: Components, given: Mapping[str, Mapping[str, OptionValue]], chosen: set[str]) -> None:
    """Options for components not in this run: checked against their declarations; unknown names warned about.

    Raises
    ------
    BadInput
        When an installed component is given an option it does not declare, or a bad value.
    """
    every_name = sorted({entry.name for entry in components})
    for name, values in given.items():
        if name in chosen:
            continue
        entries = [entry for entry in components if entry.name == name]
        if not entries:
            close = difflib.get_close_matches(name, every_name, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            source = next((value for value in values.values()), None)
            where = f"{source.source}:{source.line}: " if source is not None and source.source is not None else ""
            warnings.warn(CamcharWarning(f"{where}options for '{shorten(name, 60)}', which is no installed component{hint}; ignored"), stacklevel=3)
            continue
        for entry in entries:
            resolve_options(entry.title, entry.component.options, dict(values))


def configure(registered: Registered, values: Mapping[str, OptionValue]) -> ChosenComponent:
    """``registered``'s component configured with ``values`` (checked against its options), guarded.

    Raises
    ------
    BadInput
        When an option is unknown or has a bad value.
    """
    config = resolve_options(registered.title, registered.component.options, dict(values))
    configured = registered.component.configured(config)
    return ChosenComponent(registered, guarded(attrs.evolve(registered, component=configured)))


def check_suffix(writer: Registered, output: Path) -> None:
    """Refuse an output whose suffix ``writer`` does not claim (a writer that claims none writes any name).

    Raises
    ------
    BadInput
        Naming the output and the writer's suffixes: a CSV written under ``.h5`` would mislead every reader.
    """
    suffixes = writer.component.suffixes
    if suffixes and output.suffix.lower() not in suffixes:
        raise BadInput(output, f"writer '{writer.name}' writes {', '.join(suffixes)} files, not '{shorten(output.suffix, 20)}': give the output one of its suffixes")


def writer_for(components: Components, output: Path, result: str, named: Registered | None = None) -> Registered:
    """The writer of a ``result`` (``samples``, ``response`` ...) to ``output``: the named one, else the first that claims the suffix.

    Writers are asked in registration order (built-ins first); when several
    claim the suffix, a warning names them.

    Raises
    ------
    BadInput
        When the named writer does not write this result or claims other suffixes (a CSV written under ``.h5``
        would mislead every reader), or no writer of this result claims the suffix (before any work is done).
    """
    if named is not None:
        if result not in named.component.results:
            raise BadInput(None, f"writer '{named.name}' writes {', '.join(named.component.results)}, not the {result} (choose another with --writer)")
        check_suffix(named, output)
        return named
    suffix = output.suffix.lower()
    writers = [entry for entry in components.of_kind(WRITERS.key) if result in entry.component.results]
    claimants = [entry for entry in writers if suffix in entry.component.suffixes]
    if not claimants:
        elsewhere = [entry for entry in components.of_kind(WRITERS.key) if suffix in entry.component.suffixes]
        if elsewhere:
            raise BadInput(output, f"writer '{elsewhere[0].name}' claims '{shorten(suffix, 20)}' but writes {', '.join(elsewhere[0].component.results)}, not the {result}")
        known = sorted({s for entry in writers for s in entry.component.suffixes})
        which = "" if result == "samples" else f" for the {result}"
        raise BadInput(output, f"no writer for suffix '{shorten(output.suffix, 20)}'; known suffixes{which}: {', '.join(known)}")
    if len(claimants) > 1:
        others = ", ".join(f"'{entry.name}' ({entry.plugin.name})" for entry in claimants[1:])
        warnings.warn(
            CamcharWarning(
                f"writers '{claimants[0].name}' ({claimants[0].plugin.name}) and {others} all claim suffix '{suffix}'; "
                f"using '{claimants[0].name}' (choose with --writer or 'writer:')"
            ),
            stacklevel=3,
        )
    return claimants[0]
