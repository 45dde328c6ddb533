"""A simulated camera with known noise, and the synthetic sweeps it photographs.

It writes 16-bit RGB TIFFs (as a RAW conversion would give) or 12-bit RGGB
Bayer DNGs (as a camera would), with the ground truth beside them.

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
    "FORMATS",
    "DNG_PEAK_RATE",
    "CameraModel",
    "SweepPlan",
    "simulate_sweep",
    "read_truth",
    "parse_exposures",
    "centre_roi",
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

    height: int = 120
    width: int = 160
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
        Region of interest written into the settings; ``None`` for the whole
        image (:func:`centre_roi` gives the usual centre two thirds).
    seed
        Seed of the random generator: the same plan gives the same files.
    frames_per_exposure
        Frames taken at each exposure of a bracket (2 for EMVA 1288 pairs).
    dark_frames
        Dark frames (no light) taken at each exposure time after the sweep,
        listed in the settings' ``dark:`` section.
    """

    wavelengths: tuple[int, ...] = tuple(range(400, 701, 20))
    exposures: tuple[Fraction, ...] = (Fraction(1, 80), Fraction(1, 40), Fraction(1, 20))
    roi: Region | None = None
    seed: int = 2022
    frames_per_exposure: int = 1
    dark_frames: int = 0


#: Image formats the simulator writes.
FORMATS = ("tiff", "dng")
#: Default peak rate (electrons/s) for DNGs: their 12-bit range holds 1/16 of the TIFFs' 16 bits.
DNG_PEAK_RATE = 2.5e5
#: The Bayer pattern of simulated DNGs: colour index (0 R, 1 G, 2 B) of the 2 x 2 sites.
BAYER_PATTERN = ((0, 1), (1, 2))


def centre_roi(width: int, height: int) -> Region:
    """The centre two thirds of a ``width x height`` image, the simulator's usual ROI."""
    return Region(width // 6, height // 6, width - 2 * (width // 6), height - 2 * (height // 6))


def simulate_sweep(
    outdir: str | Path,
    camera: CameraModel = CameraModel(),
    plan: SweepPlan = SweepPlan(),
    image_format: str = "tiff",
) -> Path:
    """Photograph a monochromator sweep with the simulated camera.

    Writes ``images/SIM_0001.tiff`` ... (16-bit RGB, exposure time in tag
    33434) or ``images/SIM_0001.dng`` ... (12-bit RGGB Bayer DNGs), a
    ``settings.yml`` in the original format, and ``truth.h5``.

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
        ``"tiff"`` or ``"dng"``.

    Returns
    -------
    Path
        The settings file.
    """
    if image_format not in FORMATS:
        raise ValueError(f"image format must be one of {FORMATS}, got {image_format!r}")
    outdir = Path(outdir)
    image_dir = outdir / "images"
    image_dir.mkdir(parents=True, exist_ok=True)
    layout = _TiffLayout(camera) if image_format == "tiff" else _BayerLayout(camera)
    rng = np.random.default_rng(plan.seed)
    dark = camera.dark_offset + camera.dark_spread * rng.standard_normal(layout.shape)
    gain = 1.0 + camera.gain_spread * rng.standard_normal(layout.shape)
    sensitivity = gain * layout.spread(camera.illumination())

    truth = {key: [] for key in ("image_number", "nominal_wavelength", "exposure_time", "mean_rate", "signal_rate", "temporal_std")}
    images: dict[int, list[int]] = {}
    number = 0
    for wavelength in plan.wavelengths:
        rate = layout.colour(camera.peak_rate * camera.response(wavelength))  # electrons/s at unit sensitivity
        images[wavelength] = []
        for exposure in [exposure for exposure in plan.exposures for _ in range(plan.frames_per_exposure)]:
            number += 1
            t = float(exposure)
            expected_electrons = sensitivity * rate * t
            electrons = rng.poisson(expected_electrons)
            counts = dark + camera.conversion_gain * electrons + camera.read_noise * rng.standard_normal(layout.shape)
            pixels = np.clip(np.rint(counts), 0, layout.full_scale).astype(np.uint16)
            layout.write(image_dir / f"SIM_{number:04}.{image_format}", pixels, exposure)
            images[wavelength].append(number)

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

    darks: dict[str, list[int]] = {}
    for exposure in plan.exposures if plan.dark_frames else ():
        darks[str(exposure)] = []
        for _ in range(plan.dark_frames):
            number += 1
            counts = dark + camera.read_noise * rng.standard_normal(layout.shape)
            pixels = np.clip(np.rint(counts), 0, layout.full_scale).astype(np.uint16)
            layout.write(image_dir / f"SIM_{number:04}.{image_format}", pixels, exposure)
            darks[str(exposure)].append(number)

    settings_path = outdir / "settings.yml"
    _write_settings(settings_path, camera, plan, images, image_format, darks)
    _write_truth(outdir / "truth.h5", truth, camera, plan, layout.channel_names)
    return settings_path


class _TiffLayout:
    """16-bit RGB TIFFs: every pixel has all three channels, as a demosaiced image."""

    channel_names = ("R", "G", "B")
    full_scale = FULL_SCALE
    black_level = 0.0

    def __init__(self, camera: CameraModel):
        self.shape = (camera.height, camera.width, 3)

    def spread(self, illumination: np.ndarray) -> np.ndarray:
        return illumination[:, :, np.newaxis]

    def colour(self, rgb: np.ndarray) -> np.ndarray:
        return rgb

    def by_channel(self, values: np.ndarray, roi: Region | None) -> np.ndarray:
        if roi is not None:
            values = values[roi.slices]
        return values.reshape(-1, 3)

    def write(self, path: Path, pixels: np.ndarray, exposure: Fraction) -> None:
        tifffile.imwrite(
            path,
            pixels,
            photometric="rgb",
            extratags=[(33434, 5, 1, (exposure.numerator, exposure.denominator), True)],
        )


class _BayerLayout:
    """12-bit RGGB Bayer DNGs; truth per site R, G1, G2, B above the black level, as the raw-bayer loader reads them."""

    channel_names = ("R", "G1", "G2", "B")
    full_scale = 4095

    def __init__(self, camera: CameraModel):
        if camera.height % 2 or camera.width % 2:
            raise ValueError(f"a Bayer sensor needs an even size, got {camera.width} x {camera.height}")
        self.shape = (camera.height, camera.width)
        self.black_level = float(round(camera.dark_offset))
        pattern = np.array(BAYER_PATTERN)
        self.colour_of = np.tile(pattern, (camera.height // 2, camera.width // 2))

    def spread(self, illumination: np.ndarray) -> np.ndarray:
        return illumination

    def colour(self, rgb: np.ndarray) -> np.ndarray:
        return rgb[self.colour_of]

    def by_channel(self, values: np.ndarray, roi: Region | None) -> np.ndarray:
        if roi is not None:
            half = Region(roi.x // 2, roi.y // 2, roi.w // 2, roi.h // 2)
            values = values[2 * half.y : 2 * (half.y + half.h), 2 * half.x : 2 * (half.x + half.w)]
        sites = [values[0::2, 0::2], values[0::2, 1::2], values[1::2, 0::2], values[1::2, 1::2]]
        return np.stack([site.ravel() for site in sites], axis=-1)

    def write(self, path: Path, pixels: np.ndarray, exposure: Fraction) -> None:
        cfa_pattern = bytes(value for row in BAYER_PATTERN for value in row)
        tifffile.imwrite(
            path,
            pixels,
            photometric=32803,
            extratags=[
                (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
                (33422, "B", 4, cfa_pattern, True),  # CFAPattern
                (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
                (50708, "s", 0, "camchar simulated camera", True),  # UniqueCameraModel
                (50714, "I", 1, int(self.black_level), True),  # BlackLevel
                (50717, "I", 1, self.full_scale, True),  # WhiteLevel
                (50721, "2i", 9, (1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1), True),  # ColorMatrix1: identity
                (50778, "H", 1, 21, True),  # CalibrationIlluminant1: D65
                (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True),  # AsShotNeutral: no white balance
                (33434, "2I", 1, (exposure.numerator, exposure.denominator), True),  # ExposureTime
            ],
        )


def _write_settings(
    path: Path, camera: CameraModel, plan: SweepPlan, images: dict[int, list[int]], image_format: str, darks: dict[str, list[int]]
) -> None:
    settings = {
        "camera": "camchar simulated camera",
        "lens": "none",
        "settings": f"conversion gain {camera.conversion_gain} counts/e-, read noise {camera.read_noise} counts",
        "label": "simulated sweep",
        "ND": 0.0,
        "roi": plan.roi.as_list() if plan.roi is not None else None,
        "image_dir": "images",
        "image_name": f"SIM_{{:04}}.{image_format}",
        "images": images,
    }
    if darks:
        settings["dark"] = darks
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
            f.attrs[field.name] = getattr(camera, field.name)
        f.attrs["seed"] = plan.seed
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

