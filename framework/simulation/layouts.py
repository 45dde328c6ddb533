"""How simulated frames are laid out and written: 16-bit RGB TIFFs, or 12-bit Bayer DNGs that LibRaw reads."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import tifffile

from camchar.core.frames import Region
from camchar.simulation.camera import FULL_SCALE, CameraModel
from camchar.simulation.refusal import SimulationRefused

__all__ = ["TiffLayout", "BayerLayout", "BAYER_PATTERN"]

#: The Bayer pattern of simulated DNGs: colour index (0 R, 1 G, 2 B) of the 2 x 2 sites.
BAYER_PATTERN = ((0, 1), (1, 2))


class TiffLayout:
    """16-bit RGB TIFFs: every pixel has all three channels, as a demosaiced image."""

    channel_names: tuple[str, ...] = ("R", "G", "B")
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


class BayerLayout:
    """12-bit RGGB Bayer DNGs; truth per site R, G1, G2, B above the black level, as the raw-bayer loader reads them."""

    channel_names = ("R", "G1", "G2", "B")
    full_scale = 4095

    def __init__(self, camera: CameraModel):
        if camera.height % 2 or camera.width % 2:
            raise SimulationRefused(f"a Bayer sensor needs an even size, got {camera.width} x {camera.height}")
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
