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

from pathlib import Path
from typing import Any

import attrs

from camchar.core.errors import BadInput
from camchar.core.pages import file_of
from camchar.host.guard import guarded
from camchar.host.kinds import STATS_KINDS
from camchar.host.registry import Components, Registered
from camchar.pipeline.choice import ChosenComponent, check_unused_options, configure, named_component, option_values, writer_for
from camchar.settings.model import Settings
from camchar.stats.names import Wildcards
from camchar.stats.options import RunOptions
from camchar.stats.plan import check_image_folder, file_for

__all__ = ["Chosen", "ChosenComponent", "choose_components"]


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
    picked = {kind.key: named_component(components, kind, options.component(kind.setting), settings) for kind in STATS_KINDS}
    picked["loaders"] = picked["loaders"] or _loader_for_files(components, settings)
    picked["writers"] = writer_for(components, output or Path("samples.h5"), "samples", picked["writers"])
    given = option_values(settings, options.options)
    check_unused_options(components, given, {registered.name for registered in picked.values()})
    configured = {key: configure(registered, given.get(registered.name, {})) for key, registered in picked.items()}
    return Chosen(configured["loaders"], configured["selectors"], configured["noise_models"], configured["writers"])


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
