"""The naive baseline: the original image_stats algorithm as a straightforward in-memory numpy program.

Same numbers as the original and the original's memory shape: every selected
frame is kept as float64, stacked into one array, and the per-pixel fit
builds residual arrays the size of the stack. Vectorised numpy replaces the
original's numba loop, so the baseline is not slowed by a JIT compiler. This
is what camchar is measured against in ``stats_speed.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile
import yaml


def exposure_time(page: tifffile.TiffPage) -> float:
    exif = page.tags.get("ExifTag")
    numerator, denominator = exif.value["ExposureTime"] if exif is not None else page.tags[33434].value
    return numerator / denominator


def load_images(settings_path: Path, overexp: float = 0.995):
    settings = yaml.safe_load(settings_path.read_text())
    image_dir = settings_path.parent / settings["image_dir"]
    x, y, w, h = settings["roi"]
    wavelengths, samples, times = [], [], []
    for wavelength in sorted(settings["images"]):
        best_snr, best_image, best_t = 0, None, 0
        for number in settings["images"][wavelength]:
            path = (image_dir / settings["image_name"].format(number)).with_suffix(".tiff")
            with tifffile.TiffFile(path) as tif:
                img = tif.pages[0].asarray()[y : y + h, x : x + w]
                t = exposure_time(tif.pages[0])
            if np.any(img > overexp * np.iinfo(img.dtype).max):
                continue
            img = img / t
            c = img.shape[-1]
            img_snr = np.mean(img) * c / np.sqrt(np.sum(np.cov(img.reshape((-1, c)).T)))
            if img_snr > best_snr:
                best_snr, best_image, best_t = img_snr, img, t
        if best_image is not None:
            wavelengths.append(wavelength)
            samples.append(best_image)
            times.append(best_t)
    return np.array(wavelengths), np.array(samples), np.array(times)


def fpn(img_stack: np.ndarray, stimulus: np.ndarray):
    x = stimulus[:, None, None, :]
    x_mean = stimulus.mean(axis=0)
    y_mean = img_stack.mean(axis=0)
    x_var = stimulus.var(axis=0)
    xy_cov = np.mean((x - x_mean) * (img_stack - y_mean), axis=0)
    bias = xy_cov / x_var
    offset = y_mean - bias * x_mean
    residuals = img_stack - (offset + bias * x)
    return offset, bias, residuals


def image_stats(settings_path: Path, overexp: float = 0.995):
    """Return ``(wavelengths, exposure_times, mean, std)`` as the original computes them."""
    wavelengths, samples, times = load_images(Path(settings_path), overexp)
    mean = np.mean(samples, (1, 2))
    _, _, residuals = fpn(samples, mean)
    std = np.std(residuals, (1, 2))
    return wavelengths, times, mean, std
