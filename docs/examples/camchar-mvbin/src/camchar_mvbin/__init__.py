"""camchar plugin: a loader for machine-vision frames stored as raw binaries with a JSON sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import camchar

__version__ = "0.1.0"

#: Bits per pixel of each pixel format, and the value a clipped pixel reads.
PIXEL_FORMATS = {"Mono16": (16, 65535.0), "Mono12Packed": (12, 4095.0), "Mono12p": (12, 4095.0)}


def unpack_mono12_packed(data: np.ndarray) -> np.ndarray:
    """GigE Vision Mono12Packed: bytes ``A B C`` hold pixels ``A<<4 | B&15`` and ``C<<4 | B>>4``."""
    triples = data.reshape(-1, 3).astype(np.uint16)
    first = (triples[:, 0] << 4) | (triples[:, 1] & 0x0F)
    second = (triples[:, 2] << 4) | (triples[:, 1] >> 4)
    return np.stack([first, second], axis=1).ravel()


def unpack_mono12p(data: np.ndarray) -> np.ndarray:
    """PFNC Mono12p: bytes ``A B C`` hold pixels ``A | (B&15)<<8`` and ``B>>4 | C<<4``."""
    triples = data.reshape(-1, 3).astype(np.uint16)
    first = triples[:, 0] | ((triples[:, 1] & 0x0F) << 8)
    second = (triples[:, 1] >> 4) | (triples[:, 2] << 4)
    return np.stack([first, second], axis=1).ravel()


class MvBinLoader:
    """Read a ``.bin`` frame and its ``.json`` sidecar."""

    name = "mvbin"
    description = "Machine-vision frames: raw Mono16 / Mono12Packed / Mono12p binaries with a JSON sidecar"
    suffixes = (".bin",)

    def probe(self, path: Path, request: camchar.LoadRequest) -> camchar.ImageInfo:
        """Read the sidecar only: size and exposure time; check that the ROI fits."""
        path = Path(path)
        width, height, _, exposure_time = _sidecar(path)
        if request.roi is not None and not request.roi.fits(height, width):
            raise camchar.BadInput(path, f"roi {request.roi.as_list()} does not fit inside the {width} x {height} image")
        return camchar.ImageInfo(path, width, height, 1, exposure_time)

    def load(self, path: Path, request: camchar.LoadRequest) -> camchar.Frame:
        """Decode the frame, cut it to ``request.roi``, and return it as one channel."""
        path = Path(path)
        info = self.probe(path, request)
        pixel_format = _sidecar(path)[2]
        bits, saturation = PIXEL_FORMATS[pixel_format]
        expected_bytes = info.width * info.height * bits // 8
        try:
            data = np.fromfile(path, dtype=np.uint8)
        except FileNotFoundError:
            raise camchar.BadInput(path, "image file not found") from None
        if data.size != expected_bytes:
            raise camchar.BadInput(path, f"holds {data.size} bytes, but a {info.width} x {info.height} {pixel_format} frame has {expected_bytes}")
        if pixel_format == "Mono16":
            pixels = data.view("<u2").astype(np.uint16)
        elif pixel_format == "Mono12Packed":
            pixels = unpack_mono12_packed(data)
        else:
            pixels = unpack_mono12p(data)
        pixels = pixels.reshape(info.height, info.width, 1)
        if request.roi is not None:
            pixels = pixels[request.roi.slices]
        metadata = {"channel_names": ("Y",), "image_size": info.size}
        return camchar.Frame(np.ascontiguousarray(pixels), info.exposure_time, saturation, path, metadata)


def _sidecar(path: Path) -> tuple[int, int, str, float]:
    """``(width, height, pixel format, exposure time in s)`` from the JSON beside ``path``."""
    sidecar = path.with_suffix(".json")
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise camchar.BadInput(sidecar, "sidecar file not found (every .bin frame needs a .json beside it)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise camchar.BadInput(sidecar, f"not a readable JSON sidecar ({exc})") from None
    if not isinstance(fields, dict):
        raise camchar.BadInput(sidecar, "the sidecar must be a JSON object")
    width, height, pixel_format = fields.get("width"), fields.get("height"), fields.get("pixel_format")
    if not all(isinstance(value, int) and value > 0 for value in (width, height)):
        raise camchar.BadInput(sidecar, f"width and height must be positive integers, got {width!r} and {height!r}")
    if pixel_format not in PIXEL_FORMATS:
        raise camchar.BadInput(sidecar, f"pixel_format {pixel_format!r} is not one of {', '.join(PIXEL_FORMATS)}")
    if PIXEL_FORMATS[pixel_format][0] == 12 and (width * height) % 2:
        raise camchar.BadInput(sidecar, "a 12-bit packed frame needs an even number of pixels")
    if "exposure_time_us" in fields:
        exposure_time = fields["exposure_time_us"] / 1e6 if isinstance(fields["exposure_time_us"], (int, float)) else None
    else:
        exposure_time = fields.get("exposure_time")
    if not isinstance(exposure_time, (int, float)) or isinstance(exposure_time, bool) or not exposure_time > 0:
        raise camchar.BadInput(sidecar, "needs a positive exposure_time_us (microseconds) or exposure_time (seconds)")
    return width, height, pixel_format, float(exposure_time)


@camchar.hookimpl
def camchar_register_loaders(register):
    """Register the ``mvbin`` loader."""
    register(MvBinLoader())
