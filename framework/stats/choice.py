"""Choosing the components of a ``camchar stats`` run, and giving them their options.

Each kind's component comes from the command line, else the settings file,
else a default: the selector and noise model defaults are in the kinds table;
the loader is the one that can open the sweep's first file (asked through
``can_open``; the highest ``precedence`` wins); the writer is the one that
handles the output's suffix (the first registered, built-ins first, with a
warning when several claim it). Options are checked once, here, before any
image is decoded.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path
from typing import Any

import attrs

from camchar.core.errors import BadInput, CamcharWarning, shorten
from camchar.core.pages import file_of
from camchar.host.guard import Guarded, guarded
from camchar.host.kinds import KINDS, STATS_KINDS, Kind
from camchar.host.options import OptionValue, resolve_options
from camchar.host.registry import Components, Registered
from camchar.settings.model import Settings
from camchar.stats.names import Wildcards
from camchar.stats.options import RunOptions
from camchar.stats.plan import check_image_folder, file_for

__all__ = ["Chosen", "ChosenComponent", "choose_components"]


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
        """Name, plugin and option values, for the output file."""
        return {"name": self.name, "plugin": self.registered.plugin.label, "options": dict(self.component.config)}


@attrs.frozen
class Chosen:
    """The components of one run."""

    loader: ChosenComponent
    selector: ChosenComponent
    noise_model: ChosenComponent
    writer: ChosenComponent

    def describe(self) -> str:
        """E.g. ``loader tiff, selector best-snr, noise model linear-fpn, writer camera-samples-h5``."""
        return ", ".join(f"{kind.label} {getattr(self, kind.setting).name}" for kind in STATS_KINDS)

    def provenance(self) -> dict[str, Any]:
        """Per kind: the component's name, plugin and options."""
        return {kind.setting: getattr(self, kind.setting).provenance() for kind in STATS_KINDS}


def choose_components(components: Components, settings: Settings, options: RunOptions, output: Path | None) -> Chosen:
    """Pick and configure the components of a run.

    ``output`` picks the writer by its suffix; ``None`` (a run that writes
    nothing, such as ``image_stats.load_images``) picks the writer for ``.h5``.

    Raises
    ------
    BadInput
        When a named component does not exist, no loader can open the
        sweep's first file, no writer handles the output's suffix, or an
        option is unknown or has a bad value (at its settings line).
    """
    picked = {
        "loaders": _named(components, KINDS["loaders"], settings, options) or _loader_for_files(components, settings),
        "selectors": _named(components, KINDS["selectors"], settings, options),
        "noise_models": _named(components, KINDS["noise_models"], settings, options),
        "writers": _named(components, KINDS["writers"], settings, options) or _writer_for(components, output or Path("samples.h5")),
    }
    given = _option_values(settings, options)
    _check_unused_sections(components, given, picked)
    configured = {key: _configure(registered, given.get(registered.name, {})) for key, registered in picked.items()}
    return Chosen(configured["loaders"], configured["selectors"], configured["noise_models"], configured["writers"])


def _named(components: Components, kind: Kind, settings: Settings, options: RunOptions) -> Registered | None:
    """The component named by the flag, else the settings, else the kind's default; ``None`` if none is named."""
    flag_name, settings_name = options.component(kind.setting), settings.component(kind.setting)
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
    if flag_name is None and settings_name is not None:
        raise BadInput(settings.path, problem, settings.line_of(kind.setting))
    raise BadInput(None, problem)


def _loader_for_files(components: Components, settings: Settings) -> Registered:
    """The loader that opens the sweep's first image, asking every loader; the highest precedence wins.

    For each loader, the file considered is the one the settings name, or
    the file beside it with the loader's first suffix. Among the loaders
    that find their file and can open it, the highest ``precedence`` wins;
    a tie goes to the file the settings name, then to the name sorting first.
    """
    check_image_folder(settings)
    first_number = next(iter(settings.images.values()))[0]
    wildcards = Wildcards()
    named = wildcards.resolve(settings.image_file(first_number))
    candidates = []
    for registered in components.of_kind("loaders"):
        loader = guarded(registered)
        try:
            path = wildcards.resolve(file_for(named, registered.component))
            if file_of(path).is_file() and loader.can_open(path):
                candidates.append((-registered.component.precedence, path != named, registered.name, registered))
        except (BadInput, OSError):
            continue
    if candidates:
        return min(candidates, key=lambda candidate: candidate[:3])[3]
    if file_of(named).exists() and not file_of(named).is_file():
        raise BadInput(named, "is not a regular file (a folder, pipe or device); camchar reads image files only")
    if file_of(named).exists():
        known = sorted({suffix for entry in components.of_kind("loaders") for suffix in entry.component.suffixes})
        raise BadInput(named, f"no loader reads this file (suffix '{named.suffix}'; loaders read {' '.join(known)}); name one with --loader or 'loader:'")
    raise BadInput(named, "image file not found (the sweep's first image; no loader found it, or a converted copy beside it)")


def _writer_for(components: Components, output: Path) -> Registered:
    """The writer for the output's suffix: the first registered that claims it, with a warning when several do."""
    suffix = output.suffix.lower()
    claimants = [entry for entry in components.of_kind("writers") if suffix in entry.component.suffixes]
    if not claimants:
        known = sorted({s for entry in components.of_kind("writers") for s in entry.component.suffixes})
        raise BadInput(output, f"no writer for suffix '{shorten(output.suffix, 20)}'; known suffixes: {', '.join(known)}")
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


def _option_values(settings: Settings, options: RunOptions) -> dict[str, dict[str, OptionValue]]:
    """Option values by component name: the settings' ``plugins:`` section, overridden by ``--option``."""
    given = {name: dict(values) for name, values in settings.plugins.items()}
    for name, values in options.options.items():
        given.setdefault(name, {}).update(values)
    return given


def _check_unused_sections(components: Components, given: dict[str, dict[str, OptionValue]], picked: dict[str, Registered]) -> None:
    """Options for components not in this run: checked against their declarations; unknown names warned about."""
    chosen_names = {registered.name for registered in picked.values()}
    every_name = sorted({entry.name for entry in components})
    for name, values in given.items():
        if name in chosen_names:
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
            resolve_options(entry.title, entry.component.options, values)


def _configure(registered: Registered, values: dict[str, OptionValue]) -> ChosenComponent:
    config = resolve_options(registered.title, registered.component.options, values)
    configured = registered.component.configured(config)
    return ChosenComponent(registered, guarded(attrs.evolve(registered, component=configured)))
