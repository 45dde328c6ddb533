"""The hooks a camchar plugin can implement.

Every hook is a registry: camchar calls it once with a ``register`` callback,
and the plugin calls ``register(component)`` for each component it provides.
The components' contract is their base classes in :mod:`camchar.api`; the
reference with examples is ``docs/plugins/hooks.md``.
"""

from __future__ import annotations

from typing import Callable

from camchar.host.markers import hookspec

Register = Callable[[object], None]


@hookspec
def camchar_register_loaders(register: Register) -> None:
    """Register image loaders: instances of :class:`camchar.api.Loader`.

    Parameters
    ----------
    register
        Call ``register(loader)`` for each loader.
    """


@hookspec
def camchar_register_selectors(register: Register) -> None:
    """Register bracket selectors: instances of :class:`camchar.api.Selector`.

    Parameters
    ----------
    register
        Call ``register(selector)`` for each selector.
    """


@hookspec
def camchar_register_noise_models(register: Register) -> None:
    """Register temporal-noise models: instances of :class:`camchar.api.NoiseModel`.

    Parameters
    ----------
    register
        Call ``register(model)`` for each noise model.
    """


@hookspec
def camchar_register_writers(register: Register) -> None:
    """Register output writers: instances of :class:`camchar.api.Writer`.

    Parameters
    ----------
    register
        Call ``register(writer)`` for each writer.
    """


@hookspec
def camchar_register_spectra_readers(register: Register) -> None:
    """Register readers of measured source spectra: instances of :class:`camchar.api.SpectraReader`.

    Parameters
    ----------
    register
        Call ``register(reader)`` for each spectra reader.
    """


@hookspec
def camchar_register_response_methods(register: Register) -> None:
    """Register spectral-response methods: instances of :class:`camchar.api.ResponseMethod`.

    Parameters
    ----------
    register
        Call ``register(method)`` for each response method.
    """


@hookspec
def camchar_register_spectrometer_readers(register: Register) -> None:
    """Register readers of spectrometer files (``camchar spectra``): instances of :class:`camchar.api.SpectrometerReader`.

    Parameters
    ----------
    register
        Call ``register(reader)`` for each spectrometer reader.
    """
