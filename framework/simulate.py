"""A simulated camera with known noise, and the synthetic sweeps it photographs.

The camera model, per pixel ``p`` and channel ``c``::

    electrons  ~ Poisson(rate[c](wavelength) * illumination[p] * gain[p, c] * t)
    counts     = round(dark[p, c] + conversion_gain * electrons + Normal(0, read_noise))

clipped to the 16-bit range. ``dark`` has a fixed spatial spread (DSNU),
``gain`` a relative spread (PRNU), ``illumination`` an optional radial
fall-off (vignetting). The fixed pattern is the same in every frame; shot
noise, read noise and rounding are drawn anew for each.

The ground truth written beside the images gives, for every image, the
expected ROI mean in counts/s (what an unbiased mean estimator should find)
and the true temporal noise in counts/s: ``sqrt(mean_p var_p) / t`` with
``var_p = conversion_gain^2 * E[electrons_p] + read_noise^2 + 1/12``.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
import attrs
import h5py
import numpy as np
import tifffile
import yaml

from camchar.frames import Region

__all__ = [
    "CameraModel",
    "SweepPlan",
    "simulate_sweep",
    "read_truth",
    "parse_exposures",
    "parse_wavelengths",
    "CHANNEL_PEAKS_NM",
]

#: Peak wavelength and width (nm) of the simulated red, green and blue responses.
CHANNEL_PEAKS_NM = ((600.0, 45.0), (530.0, 40.0), (460.0, 35.0))
FULL_SCALE = 65535


@attrs.frozen
class CameraModel:
    """The simulated sensor.

    Parameters
    ----------
    height, width
        Image size in pixels.
    dark_offset
        Mean dark level in counts.
    dark_spread
        Pixel-to-pixel standard deviation of the dark level (DSNU), counts.
    gain_spread
        Relative pixel-to-pixel standard deviation of the gain (PRNU).
    conversion_gain
        Counts per electron.
    read_noise
        Temporal read noise, counts (standard deviation).
    peak_rate
        Electrons per second at the peak of a channel's response, at the
        centre of the image.
    vignetting
        Relative illumination fall-off at the image corners (0: flat).
    """

    height: int = 64
    width: int = 96
    dark_offset: float = 256.0
    dark_spread: float = 4.0
    gain_spread: float = 0.01
    conversion_gain: float = 0.5
    read_noise: float = 3.0
    peak_rate: float = 4.0e6
    vignetting: float = 0.0

    def response(self, wavelength: float) -> np.ndarray:
        """``(3,)`` relative response of the red, green and blue channels at ``wavelength`` nm."""
        return np.array([np.exp(-0.5 * ((wavelength - peak) / width) ** 2) + 0.01 for peak, width in CHANNEL_PEAKS_NM])

    def illumination(self) -> np.ndarray:
        """``(H, W)`` relative illumination: 1 at the centre, ``1 - vignetting`` at the corners."""
        rows = np.linspace(-1.0, 1.0, self.height)[:, np.newaxis]
        columns = np.linspace(-1.0, 1.0, self.width)[np.newaxis, :]
        radius_squared = (rows**2 + columns**2) / 2.0
        return 1.0 - self.vignetting * radius_squared


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
        Region of interest written into the settings.
    seed
        Seed of the random generator: the same plan gives the same files.
    """

    wavelengths: tuple[int, ...] = (450, 500, 550, 600, 650)
    exposures: tuple[Fraction, ...] = (Fraction(1, 80), Fraction(1, 40), Fraction(1, 20))
    roi: Region | None = Region(16, 8, 64, 48)
    seed: int = 2022


def simulate_sweep(outdir: str | Path, camera: CameraModel = CameraModel(), plan: SweepPlan = SweepPlan()) -> Path:
    """Photograph a monochromator sweep with the simulated camera.

    Writes ``images/SIM_0001.tiff`` ... (16-bit RGB, exposure time in tag
    33434), ``settings.yml`` in the original format, and ``truth.h5``.

    Parameters
    ----------
    outdir
        Folder to write into (created if missing).
    camera
        The sensor.
    plan
        The wavelengths, exposures, ROI and random seed.

    Returns
    -------
    Path
        The settings file.
    """
    outdir = Path(outdir)
    image_dir = outdir / "images"
    image_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(plan.seed)
    shape = (camera.height, camera.width, 3)
    dark = camera.dark_offset + camera.dark_spread * rng.standard_normal(shape)
    gain = 1.0 + camera.gain_spread * rng.standard_normal(shape)
    sensitivity = gain * camera.illumination()[:, :, np.newaxis]
    roi = plan.roi.slices if plan.roi is not None else (slice(None), slice(None))

    truth = {key: [] for key in ("image_number", "nominal_wavelength", "exposure_time", "mean_rate", "signal_rate", "temporal_std")}
    images: dict[int, list[int]] = {}
    number = 0
    for wavelength in plan.wavelengths:
        rate = camera.peak_rate * camera.response(wavelength)  # electrons/s at unit sensitivity
        images[wavelength] = []
        for exposure in plan.exposures:
            number += 1
            t = float(exposure)
            expected_electrons = sensitivity * rate * t
            electrons = rng.poisson(expected_electrons)
            counts = dark + camera.conversion_gain * electrons + camera.read_noise * rng.standard_normal(shape)
            pixels = np.clip(np.rint(counts), 0, FULL_SCALE).astype(np.uint16)
            _write_tiff(image_dir / f"SIM_{number:04}.tiff", pixels, exposure)
            images[wavelength].append(number)

            roi_electrons = expected_electrons[roi].reshape(-1, 3)
            roi_dark = dark[roi].reshape(-1, 3)
            variance = camera.conversion_gain**2 * roi_electrons + camera.read_noise**2 + 1.0 / 12.0
            signal = camera.conversion_gain * roi_electrons.mean(axis=0) / t
            truth["image_number"].append(number)
            truth["nominal_wavelength"].append(wavelength)
            truth["exposure_time"].append(t)
            truth["signal_rate"].append(signal)
            truth["mean_rate"].append(signal + roi_dark.mean(axis=0) / t)
            truth["temporal_std"].append(np.sqrt(variance.mean(axis=0)) / t)

    settings_path = outdir / "settings.yml"
    _write_settings(settings_path, camera, plan, images)
    _write_truth(outdir / "truth.h5", truth, camera, plan)
    return settings_path


def _write_tiff(path: Path, pixels: np.ndarray, exposure: Fraction) -> None:
    tifffile.imwrite(
        path,
        pixels,
        photometric="rgb",
        extratags=[(33434, 5, 1, (exposure.numerator, exposure.denominator), True)],
    )


def _write_settings(path: Path, camera: CameraModel, plan: SweepPlan, images: dict[int, list[int]]) -> None:
    settings = {
        "camera": "camchar simulated camera",
        "lens": "none",
        "settings": f"conversion gain {camera.conversion_gain} counts/e-, read noise {camera.read_noise} counts",
        "label": "simulated sweep",
        "ND": 0.0,
        "roi": plan.roi.as_list() if plan.roi is not None else None,
        "image_dir": "images",
        "image_name": "SIM_{:04}.tiff",
        "images": images,
    }
    if settings["roi"] is None:
        del settings["roi"]
    path.write_text(
        "# Written by camchar simulate; the ground truth is in truth.h5 beside this file.\n"
        + yaml.safe_dump(settings, sort_keys=False, default_flow_style=None),
        encoding="utf-8",
    )


def _write_truth(path: Path, truth: dict[str, list], camera: CameraModel, plan: SweepPlan) -> None:
    with h5py.File(path, "w") as f:
        for key, values in truth.items():
            f.create_dataset(key, data=np.asarray(values))
        f["mean_rate"].attrs["units"] = "counts/s"
        f["signal_rate"].attrs["units"] = "counts/s"
        f["temporal_std"].attrs["units"] = "counts/s"
        f["exposure_time"].attrs["units"] = "s"
        for field in attrs.fields(CameraModel):
            f.attrs[field.name] = getattr(camera, field.name)
        f.attrs["seed"] = plan.seed
        if plan.roi is not None:
            f.attrs["roi"] = plan.roi.as_list()


def read_truth(path: str | Path) -> dict[str, np.ndarray]:
    """Read a ``truth.h5`` written by :func:`simulate_sweep`, keyed by dataset name."""
    with h5py.File(path, "r") as f:
        return {key: f[key][()] for key in f}


def parse_exposures(text: str) -> tuple[Fraction, ...]:
    """Parse ``"1/80,1/40,0.05"`` into exact fractions of a second."""
    try:
        exposures = tuple(Fraction(part.strip()) for part in text.split(","))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"exposures must be comma-separated times in seconds such as 1/80,1/40, got {text!r}") from None
    if not exposures or any(t <= 0 for t in exposures):
        raise ValueError(f"exposures must be positive, got {text!r}")
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
        raise ValueError(f"wavelengths must be start:stop:step or a comma-separated list, got {text!r}") from None

