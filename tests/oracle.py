"""An independent oracle: the original image_stats algorithm written out plainly for tests.

Every selected frame is held in memory as float64, the SNR is the literal
``np.cov`` formula, and the per-pixel fit is ``np.linalg.lstsq``: none of it
shares code with camchar's streamed implementation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile

from camchar.settings import read_settings


def seed_oracle(settings_path: Path, overexp: float = 0.995):
    """The original algorithm written out plainly: every frame in memory, np.cov SNR, per-pixel lstsq."""
    settings = read_settings(settings_path)
    rows, columns = settings.roi.slices
    wavelengths, stack, times, numbers = [], [], [], []
    for wavelength, image_numbers in settings.images.items():
        best = (0.0, None, None, None)
        for number in image_numbers:
            path = settings.image_file(number, ".tiff")
            with tifffile.TiffFile(path) as tif:
                img = tif.pages[0].asarray()[rows, columns]
                exif = tif.pages[0].tags.get("ExifTag")
                num, den = exif.value["ExposureTime"] if exif else tif.pages[0].tags[33434].value
            if np.any(img > overexp * np.iinfo(img.dtype).max):
                continue
            img = img / (num / den)
            channels = img.shape[-1]
            value = np.mean(img) * channels / np.sqrt(np.sum(np.cov(img.reshape(-1, channels).T)))
            if value > best[0]:
                best = (value, img, num / den, number)
        if best[1] is not None:
            wavelengths.append(wavelength)
            stack.append(best[1])
            times.append(best[2])
            numbers.append(best[3])
    stack = np.array(stack)
    means = stack.mean(axis=(1, 2))
    n = stack.shape[0]
    std = np.empty_like(means)
    for c in range(stack.shape[-1]):
        design = np.stack([np.ones(n), means[:, c]], axis=1)
        values = stack[..., c].reshape(n, -1)
        coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
        std[:, c] = (values - design @ coefficients).std(axis=1)
    return np.array(wavelengths), means, std, np.array(times), numbers
