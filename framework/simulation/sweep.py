"""A simulated camera with known noise, and the synthetic sweeps it photographs.

It writes 16-bit RGB TIFFs (as a RAW conversion would give), 12-bit RGGB
Bayer DNGs (as a camera would), or the formats of lab cameras: 16-bit PNG,
PPM, PGM (a monochrome sensor) and one multi-page TIFF
(:mod:`camchar.simulation.formats`), with the ground truth beside them.

The camera is :class:`~camchar.simulation.camera.CameraModel`.

The ground truth written beside the images gives, for every image, the
expected ROI mean in counts/s (what an unbiased mean estimator should find)
and the true temporal noise in counts/s: ``sqrt(mean_p var_p) / t`` with
``var_p = conversion_gain^2 * E[electrons_p] + read_noise^2 + 1/12``.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Protocol

import attrs
import h5py
import numpy as np
import yaml

from camchar.core.frames import Region
from camchar.core.spectra import SourceSpectra
from camchar.simulation.camera import CameraModel
from camchar.simulation.formats import FORMATS, sweep_files
from camchar.simulation.monochromator import bin_widths
from camchar.simulation.refusal import SimulationRefused

__all__ = [
    "FORMATS",
    "DNG_PEAK_RATE",
    "SWEEP_ENTRIES",
    "SENSITIVITY_UNITS",
    "SweepPlan",
    "Source",
    "sweep_entries",
    "simulate_sweep",
    "read_truth",
    "parse_exposures",
    "centre_roi",
    "parse_wavelengths",
]


@attrs.frozen
class SweepPlan:
    """What the simulated lab photographs.

    Parameters
    ----------
    wavelengths
        Nominal wavelengths of the brackets, nm.
    exposures
        Exposure times of every bracket, seconds (exact fractions).
    roi
        Region of interest written into the settings; ``None`` for the whole
        image (:func:`centre_roi` gives the usual centre two thirds).
    seed
        Seed of the random generator: the same plan gives the same files.
    pattern_seed
        Seed of the camera's fixed pattern alone (dark and gain patterns, hot
        pixels, gain drift), so that sweeps of different ``seed`` are repeated
        measurements of one camera: only the temporal noise and the measured
        spectra's noise change. ``None``: the pattern is drawn from ``seed``'s
        generator before the noise, as it always was (each seed a new camera).
    frames_per_exposure
        Frames taken at each exposure of a bracket (2 for EMVA 1288 pairs).
    dark_frames
        Dark frames (no light) taken at each exposure time after the sweep,
        listed in the settings' ``dark:`` section.
    """

    wavelengths: tuple[float, ...] = attrs.field(default=tuple(range(400, 701, 20)), validator=lambda s, a, v: _check_wavelengths(v))
    exposures: tuple[Fraction, ...] = attrs.field(
        default=(Fraction(1, 80), Fraction(1, 40), Fraction(1, 20)), validator=lambda s, a, v: _check_exposures(v)
    )
    roi: Region | None = None
    seed: int = 2022
    pattern_seed: int | None = None
    frames_per_exposure: int = attrs.field(default=1, validator=lambda s, a, v: _check_count("frames per exposure", v, 1, 100))
    dark_frames: int = attrs.field(default=0, validator=lambda s, a, v: _check_count("dark frames", v, 0, 1000))

    @property
    def image_count(self) -> int:
        """Images of the sweep, dark frames included."""
        return len(self.wavelengths) * len(self.exposures) * self.frames_per_exposure + self.dark_frames * len(self.exposures)


#: The most images one simulated sweep may have.
MAX_IMAGES = 100_000
#: Simulated exposure times, seconds.
EXPOSURE_RANGE = (1e-6, 3600.0)


def _check_wavelengths(wavelengths: tuple) -> None:
    if not wavelengths or len(wavelengths) > MAX_IMAGES:
        raise SimulationRefused(f"give from 1 to {MAX_IMAGES} wavelengths, got {len(wavelengths)}")
    if any(not 100 <= wavelength <= 20000 for wavelength in wavelengths):
        raise SimulationRefused("wavelengths must be from 100 to 20000 nm")
    if len(set(wavelengths)) != len(wavelengths):
        raise SimulationRefused("a wavelength is listed twice")


def _check_exposures(exposures: tuple) -> None:
    low, high = EXPOSURE_RANGE
    if not exposures or any(not low <= exposure <= high for exposure in exposures):
        raise SimulationRefused(f"exposures must be from {low:g} to {high:g} s")


def _check_count(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SimulationRefused(f"{name} must be an integer from {low} to {high}, got {value!r}")


#: What :func:`simulate_sweep` writes into its folder (and, with a source, its spectra: :func:`sweep_entries`).
SWEEP_ENTRIES = ("images", "settings.yml", "truth.h5")
#: The units of the true sensitivity in ``truth.h5``, as ``camchar response`` writes its ``response_mean``; {} the source's units.
SENSITIVITY_UNITS = "(counts/s)/({})"
#: The random stream of the measured spectra's noise, apart from the images' (``default_rng([seed, SPECTRA_STREAM])``).
SPECTRA_STREAM = 1


class Source(Protocol):
    """The light of a sweep (:mod:`camchar.simulation.monochromator`): its true spectra, and how its measured spectra are written."""

    @property
    def true(self) -> SourceSpectra:
        """The spectral irradiance the camera sees at each nominal wavelength."""

    @property
    def reference_power(self) -> float:
        """The integrated irradiance under which a channel's peak gives the camera's ``peak_rate``."""

    @property
    def entry(self) -> str:
        """The name the spectra have in the sweep's folder."""

    def write(self, folder: Path, rng: np.random.Generator) -> None:
        """Write the measured spectra into ``folder``."""


def sweep_entries(source: Source | None) -> tuple[str, ...]:
    """What :func:`simulate_sweep` writes into its folder with ``source``: :data:`SWEEP_ENTRIES` and the spectra."""
    return SWEEP_ENTRIES if source is None else (*SWEEP_ENTRIES, source.entry)
#: Default peak rate (electrons/s) for DNGs: their 12-bit range holds 1/16 of the TIFFs' 16 bits.
DNG_PEAK_RATE = 2.5e5


def centre_roi(width: int, height: int) -> Region:
    """The centre two thirds of a ``width x height`` image, the simulator's usual ROI."""
    return Region(width // 6, height // 6, width - 2 * (width // 6), height - 2 * (height // 6))


def simulate_sweep(
    outdir: str | Path,
    camera: CameraModel = CameraModel(),
    plan: SweepPlan = SweepPlan(),
    image_format: str = "tiff",
    progress: Callable[[int, int], None] | None = None,
    source: Source | None = None,
    label: str | None = None,
) -> Path:
    """Photograph a monochromator sweep with the simulated camera.

    Writes ``images/SIM_0001.tiff`` ... (16-bit RGB, exposure time in tag
    33434) or ``images/SIM_0001.dng`` ... (12-bit RGGB Bayer DNGs), a
    ``settings.yml`` in the original format, and ``truth.h5``; with a
    ``source``, its spectra too (named by the settings' ``source_spectra``)
    and the camera's true spectral sensitivity in ``truth.h5``.

    Parameters
    ----------
    outdir
        Folder to write into (created if missing).
    camera
        The sensor. For DNGs, ``height`` and ``width`` are the sensor's (even)
        size and each pixel is one Bayer site.
    plan
        The wavelengths, exposures, ROI and random seed.
    image_format
        One of :data:`FORMATS`: ``"tiff"``, ``"dng"``, ``"png"``, ``"pgm"``,
        ``"ppm"``, ``"multipage-tiff"``.
    progress
        Called with ``(images written, images in all)`` after each image.
    source
        The light at each nominal wavelength (every one of ``plan``'s must
        have a spectrum): each bracket's signal is the integral over
        wavelength of the camera's sensitivity times its spectrum. ``None``:
        a line source at each nominal wavelength (the camera's response there,
        times ``peak_rate``), and no spectra are written.
    label
        The sweep's label in the settings, which every result made from it
        carries; by default the name of ``outdir``, so that sweeps compared
        are told apart.

    Returns
    -------
    Path
        The settings file.
    """
    if image_format not in FORMATS:
        raise SimulationRefused(f"image format must be one of {FORMATS}, got {image_format!r}")
    outdir = Path(outdir)
    image_dir = outdir / "images"
    image_dir.mkdir(parents=True, exist_ok=True)
    files = sweep_files(image_format, camera, plan.exposures)
    files.start(image_dir)
    layout = files.layout
    rng = np.random.default_rng(plan.seed)
    pattern_rng = rng if plan.pattern_seed is None else np.random.default_rng(plan.pattern_seed)
    dark = camera.dark_offset + camera.dark_spread * pattern_rng.standard_normal(layout.shape)
    gain = 1.0 + camera.gain_spread * pattern_rng.standard_normal(layout.shape)
    defects = _Defects(camera, layout.shape, pattern_rng, plan.wavelengths)
    clip = camera.clip_level(layout.full_scale)
    light = _Light(camera, source, plan.wavelengths)

    truth: dict[str, list[Any]] = {key: [] for key in ("image_number", "nominal_wavelength", "exposure_time", "mean_rate", "signal_rate", "temporal_std", "clipped_fraction")}
    images: dict[float, list[int]] = {}
    number = 0
    for wavelength in plan.wavelengths:
        rate = layout.colour(camera.peak_rate * light.relative_response(wavelength))  # electrons/s at unit sensitivity
        sensitivity = defects.gain(gain, wavelength) * layout.spread(camera.illumination())
        images[wavelength] = []
        for exposure in [exposure for exposure in plan.exposures for _ in range(plan.frames_per_exposure)]:
            number += 1
            t = float(exposure)
            expected_electrons = sensitivity * rate * t
            electrons = defects.full(rng.poisson(expected_electrons))
            counts = dark + camera.conversion_gain * electrons + camera.read_noise * rng.standard_normal(layout.shape)
            pixels = defects.hot(np.clip(np.rint(counts), 0, clip).astype(np.uint16), clip)
            files.write(image_dir, number, pixels, exposure)
            images[wavelength].append(number)
            if progress is not None:
                progress(number, plan.image_count)

            roi_electrons = layout.by_channel(expected_electrons, plan.roi)
            roi_dark = layout.by_channel(dark, plan.roi) - layout.black_level
            variance = camera.conversion_gain**2 * roi_electrons + camera.read_noise**2 + 1.0 / 12.0
            signal = camera.conversion_gain * roi_electrons.mean(axis=0) / t
            truth["image_number"].append(number)
            truth["nominal_wavelength"].append(wavelength)
            truth["exposure_time"].append(t)
            truth["signal_rate"].append(signal)
            truth["mean_rate"].append(signal + roi_dark.mean(axis=0) / t)
            truth["temporal_std"].append(np.sqrt(variance.mean(axis=0)) / t)
            expected_counts = layout.by_channel(dark + camera.conversion_gain * defects.full(expected_electrons), plan.roi)
            well_full = layout.by_channel(defects.well_full(expected_electrons), plan.roi)
            truth["clipped_fraction"].append(((expected_counts >= clip) | well_full).mean(axis=0))

    darks: dict[str, list[int]] = {}
    for exposure in plan.exposures if plan.dark_frames else ():
        darks[str(exposure)] = []
        for _ in range(plan.dark_frames):
            number += 1
            counts = dark + camera.read_noise * rng.standard_normal(layout.shape)
            pixels = defects.hot(np.clip(np.rint(counts), 0, clip).astype(np.uint16), clip)
            files.write(image_dir, number, pixels, exposure)
            darks[str(exposure)].append(number)
            if progress is not None:
                progress(number, plan.image_count)

    files.finish(image_dir)
    settings_path = outdir / "settings.yml"
    label = label if label is not None else Path(outdir).resolve().name
    _write_settings(settings_path, camera, plan, images, files.image_name, darks, files.exposure_section("images"), source, label)
    _write_truth(outdir / "truth.h5", truth, camera, plan, layout.channel_names)
    if source is not None:
        _write_sensitivity(outdir / "truth.h5", light, _channel_gains(camera, layout, plan, defects, gain))
        source.write(outdir, np.random.default_rng([plan.seed, SPECTRA_STREAM]))
    return settings_path


class _Light:
    """What each bracket's light gives the camera: its relative response to a line, or to a source's spectrum."""

    def __init__(self, camera: CameraModel, source: Source | None, wavelengths: tuple[float, ...]):
        self.camera = camera
        self.spectra = source.true if source is not None else None
        self.reference_power = source.reference_power if source is not None else 1.0
        if self.spectra is not None:
            missing = sorted(set(wavelengths) - set(self.spectra.nominal_wavelength.tolist()))
            if missing:
                raise SimulationRefused(f"the source spectra have no spectrum at {', '.join(f'{value:g}' for value in missing)} nm")
            self.rows = {float(nominal): row for row, nominal in enumerate(self.spectra.nominal_wavelength)}
            self.weighted = self.camera.response(self.spectra.wavelength) * bin_widths(self.spectra.wavelength)[:, np.newaxis]

    def relative_response(self, wavelength: float) -> np.ndarray:
        """``(3,)``: the camera's response at ``wavelength`` (a line), or the integral of its response times the spectrum, per reference power."""
        if self.spectra is None:
            return self.camera.response(wavelength)
        return self.spectra.irradiance[self.rows[float(wavelength)]] @ self.weighted / self.reference_power

    def sensitivity(self, channel_gains: np.ndarray) -> np.ndarray:
        """``(W, K)`` the camera's sensitivity, counts/s per unit irradiance, of each of ``channel_gains``' K channels (``(3, K)``: their share of each colour, times the ROI's mean gain)."""
        assert self.spectra is not None
        per_colour = self.camera.conversion_gain * self.camera.peak_rate * self.camera.response(self.spectra.wavelength) / self.reference_power
        return per_colour @ channel_gains


def _channel_gains(camera: CameraModel, layout: Any, plan: SweepPlan, defects: _Defects, gain: np.ndarray) -> np.ndarray:
    """``(3, K)``: how much of each colour's light each of the layout's K channels sees, times its ROI's mean illumination and gain.

    With ``prnu_drift`` the gain pattern changes across the sweep; its ROI mean
    is then averaged over the sweep's wavelengths (it changes by about
    ``gain_spread / sqrt(pixels)``).
    """
    shares = np.stack([layout.by_channel(np.broadcast_to(layout.colour(np.eye(3)[colour]), layout.shape), plan.roi).mean(axis=0) for colour in range(3)])
    illumination = layout.spread(camera.illumination())
    mean_gain = np.mean([layout.by_channel(defects.gain(gain, wavelength) * illumination, plan.roi).mean(axis=0) for wavelength in plan.wavelengths], axis=0)
    return shares * mean_gain


def _write_sensitivity(path: Path, light: _Light, channel_gains: np.ndarray) -> None:
    """Add the camera's true spectral sensitivity, on the source's wavelengths, to ``truth.h5``."""
    assert light.spectra is not None
    with h5py.File(path, "a") as f:
        wavelength = f.create_dataset("wavelength", data=light.spectra.wavelength)
        wavelength.attrs["units"] = light.spectra.wavelength_units
        wavelength.make_scale("")
        sensitivity = f.create_dataset("sensitivity", data=light.sensitivity(channel_gains))
        sensitivity.attrs["units"] = SENSITIVITY_UNITS.format(light.spectra.units)
        sensitivity.dims[0].label = "wavelength"
        sensitivity.dims[0].attach_scale(wavelength)
        sensitivity.dims[1].label = "channel"


class _Defects:
    """What real sensors add to the ideal camera: a full well, hot pixels, a gain pattern that changes with wavelength.

    Each draws from the random generator only when it is switched on, so the
    sweeps of a camera without them are exactly what they always were.
    """

    def __init__(self, camera: CameraModel, shape: tuple[int, ...], rng: np.random.Generator, wavelengths: tuple[float, ...]):
        self.camera = camera
        self.hot_sites = None
        if camera.hot_pixels:
            flat = rng.choice(int(np.prod(shape[:2])), size=camera.hot_pixels, replace=False)
            self.hot_sites = np.unravel_index(flat, shape[:2])
        self.other_pattern = None
        if camera.prnu_drift:
            self.other_pattern = camera.gain_spread * rng.standard_normal(shape)
            self.low, self.high = min(wavelengths), max(wavelengths)

    def gain(self, gain: np.ndarray, wavelength: float) -> np.ndarray:
        """The gain pattern at ``wavelength``: the fixed one, or a blend drifting towards another."""
        if self.other_pattern is None:
            return gain
        share = self.camera.prnu_drift * (wavelength - self.low) / max(self.high - self.low, 1)
        return 1.0 + np.sqrt(1.0 - share**2) * (gain - 1.0) + share * self.other_pattern

    def full(self, electrons: np.ndarray) -> np.ndarray:
        """Electrons beyond the full well are lost."""
        return np.minimum(electrons, self.camera.full_well) if self.camera.full_well else electrons

    def well_full(self, electrons: np.ndarray) -> np.ndarray:
        """Where the expected electrons reach the full well (``False`` everywhere without one)."""
        return electrons >= self.camera.full_well if self.camera.full_well else np.zeros(electrons.shape, dtype=bool)

    def hot(self, pixels: np.ndarray, clip: int) -> np.ndarray:
        """The hot pixels read full scale (in every channel of a colour image)."""
        if self.hot_sites is not None:
            pixels[self.hot_sites] = clip
        return pixels


def _write_settings(
    path: Path,
    camera: CameraModel,
    plan: SweepPlan,
    images: dict[float, list[int]],
    image_name: str,
    darks: dict[str, list[int]],
    exposure: dict | None = None,
    source: Source | None = None,
    label: str = "simulated sweep",
) -> None:
    settings = {
        "camera": "camchar simulated camera",
        "lens": "none",
        "settings": f"conversion gain {camera.conversion_gain} counts/e-, read noise {camera.read_noise} counts",
        "label": label,
        "ND": 0.0,
        "roi": plan.roi.as_list() if plan.roi is not None else None,
        "image_dir": "images",
        "image_name": image_name,
        "images": images,
    }
    if darks:
        settings["dark"] = darks
    if exposure:
        settings["exposure"] = exposure
    if source is not None:
        settings["source_spectra"] = source.entry
    if settings["roi"] is None:
        del settings["roi"]
    path.write_text(
        "# Written by camchar simulate; the ground truth is in truth.h5 beside this file.\n"
        + yaml.safe_dump(settings, sort_keys=False, default_flow_style=None),
        encoding="utf-8",
    )


def _write_truth(path: Path, truth: dict[str, list], camera: CameraModel, plan: SweepPlan, channel_names: tuple[str, ...]) -> None:
    with h5py.File(path, "w") as f:
        for key, values in truth.items():
            f.create_dataset(key, data=np.asarray(values))
        f.create_dataset("channel_names", data=list(channel_names), dtype=h5py.string_dtype())
        f["mean_rate"].attrs["units"] = "counts/s"
        f["signal_rate"].attrs["units"] = "counts/s"
        f["temporal_std"].attrs["units"] = "counts/s"
        f["exposure_time"].attrs["units"] = "s"
        for field in attrs.fields(CameraModel):
            value = getattr(camera, field.name)
            if field.name == "sensitivities":
                if value is None:
                    continue
                value = str(value.path)
            f.attrs[field.name] = value
        f.attrs["seed"] = plan.seed
        if plan.pattern_seed is not None:
            f.attrs["pattern_seed"] = plan.pattern_seed
        if plan.roi is not None:
            f.attrs["roi"] = plan.roi.as_list()


def read_truth(path: str | Path) -> dict[str, np.ndarray]:
    """Read a ``truth.h5`` written by :func:`simulate_sweep`, keyed by dataset name."""
    with h5py.File(path, "r") as f:
        truth = {key: f[key][()] for key in f}
    truth["channel_names"] = [name.decode() if isinstance(name, bytes) else name for name in truth["channel_names"]]
    return truth


def parse_exposures(text: str) -> tuple[Fraction, ...]:
    """Parse ``"1/80,1/40,0.05"`` into exact fractions of a second."""
    try:
        exposures = tuple(Fraction(part.strip()) for part in text.split(","))
    except (ValueError, ZeroDivisionError):
        raise SimulationRefused(f"exposures must be comma-separated times in seconds such as 1/80,1/40, got {text!r}") from None
    if not exposures or any(t <= 0 for t in exposures):
        raise SimulationRefused(f"exposures must be positive, got {text!r}")
    return exposures


def parse_wavelengths(text: str) -> tuple[int, ...]:
    """Parse ``"400:700:50"`` (start, stop inclusive, step) or ``"450,500"`` into wavelengths."""
    try:
        if ":" in text:
            start, stop, step = (int(part) for part in text.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            return tuple(range(start, stop + 1, step))
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise SimulationRefused(f"wavelengths must be start:stop:step or a comma-separated list, got {text!r}") from None

