"""The files of a simulated sweep in every format camchar reads, each with its exposure times where it can hold them.

=================  =====================================  ====================================================
format             files                                  exposure time
=================  =====================================  ====================================================
``tiff``           ``SIM_0001.tiff``: 16-bit RGB          tag 33434 in each file
``dng``            ``SIM_0001.dng``: 12-bit RGGB Bayer     tag 33434 in each file
``png``            ``SIM_0001_12.5ms.png``: 16-bit RGB    the file name (``exposure: {pattern: ...}``)
``ppm``            ``SIM_0001.ppm``: 16-bit RGB           ``exposures.csv`` beside them (``exposure: {sidecar: ...}``)
``pgm``            ``SIM_0001.pgm``: 16-bit grey (a        ``SIM_0001.json`` beside each (``exposure: {json: true}``)
                   monochrome sensor)
``multipage-tiff`` ``SIM.tif``: one 16-bit RGB page per   tag 33434 in each page; ``image_name: SIM.tif#{}``
                   image, darks included
=================  =====================================  ====================================================

The RGB formats photograph the same scene with the same random draws as the
TIFF sweep of the same seed: their pixels are identical, so ``camchar stats``
must give the same numbers to the last digit. PNG and PNM are written here
(PNG with filter 0 and zlib; PNM is a header and big-endian samples), not by
an image library, so that nothing can truncate their 16 bits.
"""

from __future__ import annotations

import json
import struct
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import tifffile

from camchar.core.frames import Region
from camchar.simulation.camera import FULL_SCALE, CameraModel
from camchar.simulation.layouts import BayerLayout, TiffLayout
from camchar.simulation.refusal import SimulationRefused

__all__ = ["FORMATS", "GreyLayout", "SweepFiles", "sweep_files", "write_png", "write_pnm", "decimal_text"]

#: Image formats the simulator writes.
FORMATS = ("tiff", "dng", "png", "pgm", "ppm", "multipage-tiff")
#: The name stem of every simulated image.
STEM = "SIM"


def write_png(path: Path, pixels: np.ndarray) -> None:
    """Write ``(H, W)`` or ``(H, W, 1 or 3)`` ``uint8``/``uint16`` pixels as a PNG of that bit depth, unfiltered."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    height, width = pixels.shape[:2]
    colour = 0 if pixels.ndim == 2 else 2
    depth = pixels.dtype.itemsize * 8
    rows = pixels.astype(pixels.dtype.newbyteorder(">")).reshape(height, -1).view(np.uint8)
    data = np.hstack([np.zeros((height, 1), np.uint8), rows]).tobytes()  # filter type 0 before each row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data, 6)) + chunk(b"IEND", b""))


def write_pnm(path: Path, pixels: np.ndarray, maxval: int = 65535) -> None:
    """Write ``(H, W)`` or ``(H, W, 1 or 3)`` pixels as a binary PGM (P5) or PPM (P6) with ``maxval``."""
    pixels = np.asarray(pixels)
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    magic = "P5" if channels == 1 else "P6"
    dtype = np.dtype(">u2") if maxval > 255 else np.dtype("u1")
    header = f"{magic}\n{pixels.shape[1]} {pixels.shape[0]}\n{maxval}\n".encode("ascii")
    Path(path).write_bytes(header + pixels.astype(dtype).tobytes())


def decimal_text(value: Fraction, max_places: int = 9) -> str | None:
    """``value`` written exactly as a decimal number (``25``, ``12.5``), or ``None`` if it has no short exact one."""
    whole, rest = divmod(value.numerator, value.denominator)
    digits = ""
    while rest and len(digits) < max_places:
        digit, rest = divmod(rest * 10, value.denominator)
        digits += str(digit)
    if rest:
        return None
    return f"{whole}.{digits}" if digits else str(whole)


class GreyLayout(TiffLayout):
    """A monochrome sensor: one channel, no colour filter, so it sees the sum of the three colour responses."""

    channel_names = ("C0",)

    def __init__(self, camera: CameraModel):
        self.shape = (camera.height, camera.width, 1)

    def colour(self, rgb: np.ndarray) -> np.ndarray:
        return np.array([rgb.sum()])

    def by_channel(self, values: np.ndarray, roi: Region | None) -> np.ndarray:
        if roi is not None:
            values = values[roi.slices]
        return values.reshape(-1, 1)

    def write(self, path: Path, pixels: np.ndarray, exposure: Fraction) -> None:
        tifffile.imwrite(path, pixels[:, :, 0], photometric="minisblack", extratags=[(33434, 5, 1, (exposure.numerator, exposure.denominator), True)])


class SweepFiles:
    """How a simulated sweep's images are named and written, and what its settings need to read them.

    Parameters
    ----------
    image_format
        One of :data:`FORMATS`.
    layout
        The sensor's geometry and (for TIFF and DNG) its file writer.
    exposures
        The sweep's exposure times: they decide the unit written into PNG names.
    """

    def __init__(self, image_format: str, layout: Any, exposures: tuple[Fraction, ...]):
        self.format = image_format
        self.layout = layout
        self._rows: list[tuple[str, Fraction]] = []
        in_ms = [decimal_text(exposure * 1000, 6) for exposure in exposures]
        self._unit = "ms" if all(text is not None for text in in_ms) else "s"

    @property
    def image_name(self) -> str:
        """The settings' ``image_name``."""
        return {
            "png": f"{STEM}_{{:04}}_*.png",
            "multipage-tiff": f"{STEM}.tif#{{}}",
        }.get(self.format, f"{STEM}_{{:04}}.{self.format}")

    def exposure_section(self, image_dir: str) -> dict[str, Any] | None:
        """The settings' ``exposure:`` section, for formats that cannot hold the time themselves."""
        if self.format == "png":
            return {"pattern": f"{STEM}_{{number}}_{{exposure}}{self._unit}.png"}
        if self.format == "ppm":
            return {"sidecar": f"{image_dir}/exposures.csv"}
        if self.format == "pgm":
            return {"json": True}
        return None

    def start(self, image_dir: Path) -> None:
        """Clear what an earlier simulation of this format left that would be appended to or matched twice."""
        if self.format == "multipage-tiff":
            (image_dir / f"{STEM}.tif").unlink(missing_ok=True)

    def write(self, image_dir: Path, number: int, pixels: np.ndarray, exposure: Fraction) -> Path:
        """Write image ``number`` taken at ``exposure``; return its file."""
        name = f"{STEM}_{number:04}"
        if self.format == "png":
            for stale in image_dir.glob(f"{name}_*.png"):
                stale.unlink()
            path = image_dir / f"{name}_{self._exposure_text(exposure)}{self._unit}.png"
            write_png(path, pixels)
        elif self.format in ("ppm", "pgm"):
            path = image_dir / f"{name}.{self.format}"
            write_pnm(path, pixels, FULL_SCALE)
            if self.format == "pgm":
                path.with_suffix(".json").write_text(json.dumps({"exposure_time": str(exposure)}) + "\n", encoding="utf-8")
        elif self.format == "multipage-tiff":
            path = image_dir / f"{STEM}.tif"
            tags = [(33434, 5, 1, (exposure.numerator, exposure.denominator), True)]
            tifffile.imwrite(path, pixels, photometric="rgb", append=True, metadata=None, extratags=tags)
        else:
            path = image_dir / f"{name}.{self.format}"
            self.layout.write(path, pixels, exposure)
        self._rows.append((path.name, exposure))
        return path

    def finish(self, image_dir: Path) -> None:
        """Write what belongs beside the images once they are all written (the sidecar table)."""
        if self.format == "ppm":
            lines = ["file,exposure (s)"] + [f"{name},{exposure}" for name, exposure in self._rows]
            (image_dir / "exposures.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _exposure_text(self, exposure: Fraction) -> str:
        """The exposure in the name's unit, exact: its decimal, or the shortest decimal that reads back as the same float."""
        if self._unit == "ms":
            return decimal_text(exposure * 1000, 6) or ""
        return np.format_float_positional(float(exposure), unique=True, trim="-")


def sweep_files(image_format: str, camera: CameraModel, exposures: tuple[Fraction, ...]) -> SweepFiles:
    """The files of a sweep in ``image_format`` photographed by ``camera``.

    Raises
    ------
    ValueError
        For an unknown format, or a Bayer sensor of odd size.
    """
    if image_format not in FORMATS:
        raise SimulationRefused(f"image format must be one of {', '.join(FORMATS)}, got {image_format!r}")
    if image_format == "dng":
        layout: Any = BayerLayout(camera)
    elif image_format == "pgm":
        layout = GreyLayout(camera)
    else:
        layout = TiffLayout(camera)
    return SweepFiles(image_format, layout, exposures)
