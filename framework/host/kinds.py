"""The one table of component kinds: hook, settings key, flag, base class and default of each.

Everything that lists the kinds (the hook specifications' callers, the
registry, the settings keys, the command-line flags, ``camchar plugins``, the
provenance) reads this table instead of naming the kinds again.
"""

from __future__ import annotations

import importlib

import attrs

__all__ = ["Kind", "KINDS", "STATS_KINDS", "RESPONSE_KINDS", "SPECTRA_KINDS", "kind_of"]


@attrs.frozen
class Kind:
    """One kind of component.

    Parameters
    ----------
    key
        Plural, as in the hook name ``camchar_register_<key>``.
    setting
        The settings key that names the component (``noise_model``); the
        command-line flag is the same with dashes (``--noise-model``).
    label
        In words, for messages (``noise model``).
    base_name
        The name of the base class every component of the kind subclasses, in
        :mod:`camchar.host.components` (imported when first needed, so that
        the command line's help needs no numpy).
    default
        The component used when neither the settings nor the command line
        choose one; ``None`` when camchar chooses from the files (loaders) or
        the output suffix (writers).
    """

    key: str
    setting: str
    label: str
    base_name: str
    default: str | None = None

    @property
    def base(self) -> type:
        """The base class every component of the kind subclasses."""
        return getattr(importlib.import_module("camchar.host.components"), self.base_name)

    @property
    def hook(self) -> str:
        """The registry hook's name."""
        return f"camchar_register_{self.key}"

    @property
    def flag(self) -> str:
        """The command-line flag that names the component."""
        return "--" + self.setting.replace("_", "-")


LOADERS = Kind("loaders", "loader", "loader", "Loader")
SELECTORS = Kind("selectors", "selector", "selector", "Selector", default="best-snr")
NOISE_MODELS = Kind("noise_models", "noise_model", "noise model", "NoiseModel", default="linear-fpn")
WRITERS = Kind("writers", "writer", "writer", "Writer")
SPECTRA_READERS = Kind("spectra_readers", "spectra_reader", "spectra reader", "SpectraReader")
SPECTROMETER_READERS = Kind("spectrometer_readers", "spectrometer_reader", "spectrometer reader", "SpectrometerReader")
RESPONSE_METHODS = Kind("response_methods", "method", "response method", "ResponseMethod", default="ridge-smooth")

#: Every kind, by key, in the order of the pipelines (stats, then response, then the spectra step's own).
KINDS: dict[str, Kind] = {kind.key: kind for kind in (LOADERS, SELECTORS, NOISE_MODELS, WRITERS, SPECTRA_READERS, RESPONSE_METHODS, SPECTROMETER_READERS)}
#: The kinds a ``camchar stats`` run chooses one of each.
STATS_KINDS: tuple[Kind, ...] = (LOADERS, SELECTORS, NOISE_MODELS, WRITERS)
#: The kinds a ``camchar response`` run chooses one of each.
RESPONSE_KINDS: tuple[Kind, ...] = (SPECTRA_READERS, RESPONSE_METHODS)
#: The kinds a ``camchar spectra`` run chooses one of each (besides its writer).
SPECTRA_KINDS: tuple[Kind, ...] = (SPECTROMETER_READERS,)


def kind_of(key: str) -> Kind:
    """The kind with hook suffix or settings key ``key``."""
    for kind in KINDS.values():
        if key in (kind.key, kind.setting):
            return kind
    raise KeyError(key)
