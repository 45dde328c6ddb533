"""The hooks a camchar plugin can implement.

Every hook is a registry: camchar calls it once per run with a ``register``
callback, and the plugin calls ``register(component)`` for each component it
provides. Components are described in :mod:`camchar.components`; the full
reference with examples is ``docs/plugins/hooks.md``.
"""

from __future__ import annotations

from typing import Callable

from camchar.markers import hookspec

Register = Callable[[object], None]


@hookspec
def camchar_register_loaders(register: Register) -> None:
    """Register image loaders.

    Parameters
    ----------
    register
        Call ``register(loader)`` for each loader. A loader has ``name``,
        ``description``, ``suffixes`` (lower-case file suffixes with the dot)
        and ``load(path, request) -> Frame``, which decodes one file, cuts it
        to ``request.roi`` and reports the exposure time and saturation level.
    """


@hookspec
def camchar_register_selectors(register: Register) -> None:
    """Register bracket selectors.

    Parameters
    ----------
    register
        Call ``register(selector)`` for each selector. A selector has ``name``,
        ``description`` and ``select(frames) -> Frame | None``, which picks the
        frame of a bracket (overexposed frames already removed) that stands
        for the bracket's wavelength, or ``None`` to skip the bracket.
    """


@hookspec
def camchar_register_noise_models(register: Register) -> None:
    """Register temporal-noise models.

    Parameters
    ----------
    register
        Call ``register(model)`` for each noise model. A noise model has
        ``name``, ``description`` and ``estimate(stack) -> ndarray (N, C)``.
        The :class:`~camchar.stack.SelectedStack` streams the selected frames
        one at a time; a model must not hold all of them at full resolution
        at once (the memory contract, ``docs/plugins/hooks.md``).
    """


@hookspec
def camchar_register_writers(register: Register) -> None:
    """Register output writers.

    Parameters
    ----------
    register
        Call ``register(writer)`` for each writer. A writer has ``name``,
        ``description``, ``suffixes`` and ``write(samples, path)``; the output
        file's suffix picks the writer.
    """
