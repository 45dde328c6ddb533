"""camchar plugin: a loader for machine-vision frames stored as raw binaries with a JSON sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from camchar.api import BadInput, Frame, ImageInfo, Loader, LoadRequest, Option, hookimpl

__version__ = "0.2.0"

#: Bits per pixel of each pixel format as stored.
PIXEL_FORMATS = {"Mono16": 16, "Mono12Packed": 12, "Mono12p": 12}


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


class MvBinLoader(Loader):
    """Read a ``.bin`` frame and its ``.json`` sidecar."""

    name = "mvbin"
    description = "Machine-vision frames: raw Mono16 / Mono12Packed / Mono12p binaries with a JSON sidecar"
    suffixes = (".bin",)
    options = (
        Option(
            "bits",
            int,
            16,
            "significant bits of Mono16 data: a 12-bit sensor stored in 16 bits saturates at 4095",
            minimum=8,
            maximum=16,
        ),
    )

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read the sidecar only: size and exposure time; check that the ROI fits."""
        path = Path(path)
        width, height, pixel_format, exposure_time = _sidecar(path)
        if request.roi is not None and not request.roi.fits(height, width):
            raise BadInput(path, f"roi {request.roi.as_list()} does not fit inside the {width} x {height} image")
        return ImageInfo(path, width, height, 1, exposure_time, "uint16", self._bits(pixel_format))

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode the frame, cut it to ``request.roi``, and return it as one channel."""
        path = Path(path)
        info = self.probe(path, request)
        pixel_format = _sidecar(path)[2]
        expected_bytes = info.width * info.height * PIXEL_FORMATS[pixel_format] // 8
        try:
            data = np.fromfile(path, dtype=np.uint8)
        except FileNotFoundError:
            raise BadInput(path, "image file not found") from None
        if data.size != expected_bytes:
            raise BadInput(path, f"holds {data.size} bytes, but a {info.width} x {info.height} {pixel_format} frame has {expected_bytes}")
        if pixel_format == "Mono16":
            pixels = data.view("<u2").astype(np.uint16)
        elif pixel_format == "Mono12Packed":
            pixels = unpack_mono12_packed(data)
        else:
            pixels = unpack_mono12p(data)
        pixels = pixels.reshape(info.height, info.width, 1)
        if request.roi is not None:
            pixels = pixels[request.roi.slices]
        saturation = float(2 ** info.bits - 1)
        return Frame(np.ascontiguousarray(pixels), info.exposure_time, saturation, path, {"channel_names": ("Y",)}, info.size)

    def _bits(self, pixel_format: str) -> int:
        """Significant bits: 12 for the packed formats, the ``bits`` option for Mono16."""
        return self.config["bits"] if pixel_format == "Mono16" else PIXEL_FORMATS[pixel_format]


def _sidecar(path: Path) -> tuple[int, int, str, float]:
    """``(width, height, pixel format, exposure time in s)`` from the JSON beside ``path``."""
    sidecar = path.with_suffix(".json")
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(sidecar, "sidecar file not found (every .bin frame needs a .json beside it)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(sidecar, f"not a readable JSON sidecar ({exc})") from None
    if not isinstance(fields, dict):
        raise BadInput(sidecar, "the sidecar must be a JSON object")
    width, height, pixel_format = fields.get("width"), fields.get("height"), fields.get("pixel_format")
    if not all(isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1 << 20 for value in (width, height)):
        raise BadInput(sidecar, f"width and height must be positive integers, got {width!r} and {height!r}")
    if pixel_format not in PIXEL_FORMATS:
        raise BadInput(sidecar, f"pixel_format {pixel_format!r} is not one of {', '.join(PIXEL_FORMATS)}")
    if PIXEL_FORMATS[pixel_format] == 12 and (width * height) % 2:
        raise BadInput(sidecar, "a 12-bit packed frame needs an even number of pixels")
    if "exposure_time_us" in fields:
        value = fields["exposure_time_us"]
        exposure_time = value / 1e6 if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    else:
        exposure_time = fields.get("exposure_time")
    if not isinstance(exposure_time, (int, float)) or isinstance(exposure_time, bool) or not 0 < exposure_time < 1e5:
        raise BadInput(sidecar, "needs a positive exposure_time_us (microseconds) or exposure_time (seconds)")
    return width, height, pixel_format, float(exposure_time)


@hookimpl
def camchar_register_loaders(register):
    """Register the ``mvbin`` loader."""
    register(MvBinLoader())
