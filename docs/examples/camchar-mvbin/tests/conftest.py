"""Helpers: write frames the way a machine-vision acquisition script would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def pack_mono12_packed(pixels: np.ndarray) -> bytes:
    pairs = pixels.astype(np.uint16).reshape(-1, 2)
    first, second = pairs[:, 0], pairs[:, 1]
    packed = np.stack([first >> 4, (first & 0x0F) | ((second & 0x0F) << 4), second >> 4], axis=1)
    return packed.astype(np.uint8).tobytes()


def pack_mono12p(pixels: np.ndarray) -> bytes:
    pairs = pixels.astype(np.uint16).reshape(-1, 2)
    first, second = pairs[:, 0], pairs[:, 1]
    packed = np.stack([first & 0xFF, (first >> 8) | ((second & 0x0F) << 4), second >> 4], axis=1)
    return packed.astype(np.uint8).tobytes()


def write_frame(path: Path, pixels: np.ndarray, pixel_format: str, exposure_time_us: float) -> Path:
    """``path`` (.bin) and its .json sidecar for an ``(H, W)`` frame."""
    height, width = pixels.shape
    if pixel_format == "Mono16":
        data = pixels.astype("<u2").tobytes()
    elif pixel_format == "Mono12Packed":
        data = pack_mono12_packed(pixels)
    else:
        data = pack_mono12p(pixels)
    path.write_bytes(data)
    sidecar = {"width": width, "height": height, "pixel_format": pixel_format, "exposure_time_us": exposure_time_us}
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    return path
