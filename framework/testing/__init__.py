"""Helpers for testing plugins (and camchar itself) without real cameras or vendor packages.

- :func:`fake_stack`: a selected stack from arrays, to call a noise model directly.
- :func:`simulated_sweep` / :func:`simulate_sweep`: a sweep from a simulated camera
  with known noise, written to a folder with its ``settings.yml`` and truth.
- :func:`build_host`: a plugin host with your plugin objects registered (no
  patching of pluggy), by default without the installed entry-point plugins.
- :func:`run_stats_on`: ``camchar stats`` in-process, returning the ``CameraSamples``.
- :func:`synthetic_response_samples` and :func:`gaussian_sensitivities`: the samples of a
  camera with known spectral sensitivities seen through given source spectra (for
  response methods).
- the ``small_sweep`` pytest fixture (:mod:`camchar.testing.fixtures`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import attrs

from camchar.files.camera_samples import CameraSamples
from camchar.host.manager import Host
from camchar.host.manager import build_host as _build_host
from camchar.settings.reader import read_settings
from camchar.simulation.camera import CameraModel
from camchar.simulation.response_samples import gaussian_sensitivities
from camchar.simulation.response_samples import synthetic_samples as synthetic_response_samples
from camchar.simulation.sweep import SweepPlan, centre_roi, read_truth, simulate_sweep
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats
from camchar.testing.stacks import fake_stack

__all__ = [
    "fake_stack",
    "simulate_sweep",
    "simulated_sweep",
    "SimulatedSweep",
    "CameraModel",
    "SweepPlan",
    "read_truth",
    "build_host",
    "run_stats_on",
    "gaussian_sensitivities",
    "synthetic_response_samples",
]


@attrs.frozen
class SimulatedSweep:
    """A simulated sweep on disk: its folder, settings file and ground truth."""

    folder: Path
    settings: Path
    truth: dict[str, Any]


def simulated_sweep(
    folder: str | Path,
    size: tuple[int, int] = (64, 48),
    wavelengths: Iterable[int] = tuple(range(400, 701, 20)),
    image_format: str = "tiff",
    **plan_and_camera: Any,
) -> SimulatedSweep:
    """Simulate a sweep into ``folder`` and return where everything is.

    Parameters
    ----------
    folder
        Where to write (created).
    size
        ``(width, height)`` in pixels.
    wavelengths
        The brackets' wavelengths, nm.
    image_format
        ``"tiff"`` or ``"dng"``.
    **plan_and_camera
        Any field of :class:`SweepPlan` (``exposures``, ``frames_per_exposure``,
        ``dark_frames``, ``seed`` ...) or :class:`CameraModel` (``read_noise``,
        ``conversion_gain`` ...).
    """
    width, height = size
    plan_fields = {field.name for field in attrs.fields(SweepPlan)}
    plan_options = {key: value for key, value in plan_and_camera.items() if key in plan_fields}
    camera_options = {key: value for key, value in plan_and_camera.items() if key not in plan_fields}
    camera = CameraModel(height=height, width=width, **camera_options)
    plan_options.setdefault("roi", centre_roi(width, height))
    plan = SweepPlan(wavelengths=tuple(wavelengths), **plan_options)
    folder = Path(folder)
    settings = simulate_sweep(folder, camera, plan, image_format)
    return SimulatedSweep(folder, settings, read_truth(folder / "truth.h5"))


def build_host(plugins: Iterable[object] = (), entry_points: bool = False, **options: Any) -> Host:
    """A plugin host with ``plugins`` (modules, or objects with ``@hookimpl`` functions) and the built-ins.

    Installed entry-point plugins are left out unless ``entry_points=True``,
    so a test sees exactly the plugins it names. Other keywords go to
    camchar's host builder: ``local_modules`` (as ``--plugin``) and ``disabled`` (as ``--no-plugin``).
    """
    return _build_host(plugins=plugins, entry_points=entry_points, **options)


def run_stats_on(settings: str | Path, host: Host | None = None, **options: Any) -> CameraSamples:
    """Run ``camchar stats`` in-process on a settings file and return the statistics.

    Parameters
    ----------
    settings
        The settings file.
    host
        The plugin host (:func:`build_host`); the built-ins alone by default.
    **options
        Fields of the run's options: ``output``, ``loader``, ``selector``,
        ``noise_model``, ``writer``, ``max``, ``workers``, and ``options``
        (``{component: {option: value}}``).
    """
    from camchar.host.options import OptionValue

    host = host or build_host()
    component_options = {name: {key: OptionValue(value) for key, value in values.items()} for name, values in options.pop("options", {}).items()}
    settings = read_settings(settings)
    options.setdefault("output", settings.path.parent / "camchar-test-output.h5")
    output = run_stats(settings, host.components, RunOptions(options=component_options, **options))
    return CameraSamples(output)
