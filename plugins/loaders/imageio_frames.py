"""Loader ``imageio``: 8- and 16-bit PNG and PGM/PPM as lab and machine-vision cameras write them.

Pixels are decoded with imageio (v3 API) and returned exactly as stored, or
the file is refused: a read that loses precision is never accepted. Each
file's header is read from its own bytes (:mod:`._image_headers`) and the
decoded pixels are checked against it: the sample type must hold the
declared bit depth, no value may exceed the declared maximum, and the first
stored samples of the first row must come back unchanged. That catches a
plugin that truncates 16-bit samples to 8 bits, rescales a PNM's maxval, or
converts to float.

imageio's ``pillow`` plugin (Pillow comes with imageio) is exact for 8-bit
images, 16-bit greyscale PNG and PGM with maxval 65535; it reads 16-bit
colour as 8 bits and rescales other maxvals, so for those the loader uses
imageio's ``opencv`` plugin (``pip install opencv-python-headless``, or
``camchar[formats]``), which reads them exactly; without it they are
refused, saying so. The option ``plugin`` forces one.

The saturation level is the file's full scale (``2**bit_depth - 1`` for PNG,
maxval for PNM), or the settings' ``white_level``. These formats carry no
exposure time camchar reads: the settings' ``exposure:`` section gives it.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

from camchar.api import BadInput, Frame, ImageInfo, Loader, LoadRequest, Option, hookimpl, shorten, split_page
from camchar.plugins.loaders._image_headers import Declared, first_samples, read_declared, sniff

__all__ = ["ImageioLoader", "opencv_available", "PLUGINS"]

#: The imageio plugins the loader can use; ``auto`` picks per file.
PLUGINS = ("auto", "pillow", "opencv")
#: What to do about a file no installed plugin reads exactly.
_CONVERT = "or convert it to a 16-bit TIFF (e.g. with tifffile, or magick IN OUT.tiff) and use the tiff loader"
_INSTALL = "install opencv-python-headless (pip install 'camchar[formats]') so that imageio reads it exactly"


@functools.cache
def opencv_available() -> bool:
    """Whether imageio's ``opencv`` plugin can run (OpenCV is installed)."""
    return importlib.util.find_spec("cv2") is not None


def pillow_is_exact(declared: Declared) -> bool:
    """Whether imageio's ``pillow`` plugin returns the stored values of such a file.

    Pillow has no 16-bit colour mode (it keeps the high byte of each sample)
    and rescales a PNM's samples to 8 or 16 bits unless maxval is 255 or 65535.
    """
    if declared.format == "PNG":
        return declared.bit_depth == 8 or declared.channels == 1
    return declared.maxval == 255 or (declared.maxval == 65535 and declared.channels == 1)


class ImageioLoader(Loader):
    """Read 8- and 16-bit PNG, PGM and PPM files exactly with imageio, or refuse them."""

    name = "imageio"
    description = "8/16-bit PNG, PGM, PPM via imageio, exact or refused; exposure time from the settings (exposure:)"
    suffixes = (".png", ".pgm", ".ppm", ".pnm")
    #: Below every other built-in: a TIFF or RAW file stays with its own loader.
    precedence = -10
    options = (
        Option(
            "plugin",
            str,
            "auto",
            "imageio plugin that decodes: auto (pillow where exact, else opencv), pillow or opencv",
            choices=PLUGINS,
        ),
    )

    def can_open(self, path: Path) -> bool:
        """Whether ``path`` has a PNG or PNM suffix and starts like one (an unreadable file: by the suffix)."""
        path = Path(path)
        if path.suffix.lower() not in self.suffixes:
            return False
        kind = sniff(path)
        return kind is None and not path.is_file() or kind == ("PNG" if path.suffix.lower() == ".png" else "PNM")

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read the header of ``path``: size, channels, bit depth; check the ROI and that a plugin reads it exactly.

        Raises
        ------
        BadInput
            As :meth:`load`, except for what only decoding shows.
        """
        path, declared = self._declared(path)
        plugin = self._plugin_for(path, declared)
        _check_roi(path, declared, request)
        if plugin == "pillow":
            self._check_properties(path, declared)
        return ImageInfo(path, declared.width, declared.height, declared.channels, None, declared.sample_type, declared.significant_bits)

    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode ``path`` exactly and cut it to ``request.roi``.

        Returns
        -------
        Frame
            ``(H, W, C)`` ``uint8`` or ``uint16`` pixels as stored, no exposure
            time (``None``: the settings give it), and the file's full scale
            as the saturation level (the settings' ``white_level`` replaces it).

        Raises
        ------
        BadInput
            When the file is missing, unreadable, of a kind camchar does not
            read, the ROI does not fit, or no available plugin reads it exactly.
        """
        path, declared = self._declared(path)
        plugin = self._plugin_for(path, declared)
        _check_roi(path, declared, request)
        pixels = _exact(path, declared, plugin, _decode(path, declared, plugin))
        if request.roi is not None:
            pixels = np.ascontiguousarray(pixels[request.roi.slices])
        return Frame(pixels, None, float(declared.maxval), path, {"imageio_plugin": plugin}, (declared.width, declared.height))

    def _declared(self, path: Path) -> tuple[Path, Declared]:
        path = Path(path)
        _, page = split_page(path)
        if page is not None:
            raise BadInput(path, f"addresses page {page}, but the imageio loader reads files of one image; pages are for multi-page TIFFs (tiff loader)")
        return path, read_declared(path)

    def _plugin_for(self, path: Path, declared: Declared) -> str:
        """The plugin that reads ``path`` exactly, the option's if forced; a clear refusal if none can."""
        chosen = self.config["plugin"]
        exact_with_pillow = pillow_is_exact(declared)
        if chosen == "auto":
            if exact_with_pillow:
                return "pillow"
            if opencv_available():
                return "opencv"
            raise BadInput(path, f"is a {declared.describe}: {_pillow_loss(declared)}; {_INSTALL}, {_CONVERT}")
        if chosen == "pillow" and not exact_with_pillow:
            raise BadInput(path, f"is a {declared.describe}: {_pillow_loss(declared)}; use plugin auto or opencv (plugins: {{imageio: {{plugin: auto}}}}), {_CONVERT}")
        if chosen == "opencv" and not opencv_available():
            raise BadInput(path, f"the imageio loader's option plugin is opencv, which is not installed; {_INSTALL.split(' so that')[0]}, or choose plugin auto")
        return chosen

    def _check_properties(self, path: Path, declared: Declared) -> None:
        """imageio's own view of the header (no decoding) must agree with the file's."""
        import imageio.v3 as iio

        try:
            properties = iio.improps(path, plugin="pillow", index=0)
        except Exception as exc:  # noqa: BLE001 - any decoder failure is a file imageio cannot read
            raise BadInput(path, f"not a readable {declared.format} for imageio ({type(exc).__name__}: {shorten(str(exc), 100)})") from None
        _check_dtype(path, declared, "pillow", np.dtype(properties.dtype))


def _pillow_loss(declared: Declared) -> str:
    if declared.bit_depth == 16 and declared.channels == 3:
        return "imageio's pillow plugin would read it as 8-bit (Pillow has no 16-bit colour), losing the low byte of every sample"
    return f"imageio's pillow plugin would rescale its samples from maxval {declared.maxval} to {255 if declared.maxval < 256 else 65535}, changing every value"


def _check_roi(path: Path, declared: Declared, request: LoadRequest) -> None:
    roi = request.roi
    if roi is not None and not roi.fits(declared.height, declared.width):
        raise BadInput(path, f"roi {roi.as_list()} does not fit inside the {declared.width} x {declared.height} image")


def _decode(path: Path, declared: Declared, plugin: str) -> np.ndarray:
    """The pixels as imageio's ``plugin`` decodes them (opencv: unchanged depth, RGB order)."""
    import imageio.v3 as iio

    options = {"flags": -1} if plugin == "opencv" else {}  # cv2.IMREAD_UNCHANGED: keep 16 bits and grey
    try:
        return np.asarray(iio.imread(path, plugin=plugin, index=0, **options))
    except Exception as exc:  # noqa: BLE001 - decoders raise anything on a damaged file
        raise BadInput(path, f"not a readable {declared.format} ({type(exc).__name__}: {shorten(str(exc), 100)})") from None


def _check_dtype(path: Path, declared: Declared, plugin: str, dtype: np.dtype) -> None:
    """Refuse a sample type that cannot hold the file's values as stored."""
    if dtype.kind == "f":
        raise BadInput(path, f"imageio's {plugin} plugin converts this {declared.describe} to {dtype} (floating point), not its stored integers; {_CONVERT}")
    if dtype.kind not in "ui" or dtype.itemsize * 8 < declared.bit_depth:
        raise BadInput(path, f"is a {declared.describe}, but imageio's {plugin} plugin would read it as {dtype.itemsize * 8}-bit {dtype}, losing precision; {_INSTALL}, {_CONVERT}")


def _exact(path: Path, declared: Declared, plugin: str, pixels: np.ndarray) -> np.ndarray:
    """``(H, W, C)`` pixels of the declared sample type, checked against the file's declared depth and stored samples."""
    _check_dtype(path, declared, plugin, pixels.dtype)
    if pixels.ndim == 2:
        pixels = pixels[:, :, np.newaxis]
    expected = (declared.height, declared.width, declared.channels)
    if pixels.shape != expected:
        raise BadInput(path, f"imageio's {plugin} plugin decoded it to shape {pixels.shape}, but the file declares {expected}; {_CONVERT}")
    low, high = int(pixels.min()), int(pixels.max())
    if low < 0 or high > declared.maxval:
        raise BadInput(path, f"imageio's {plugin} plugin returned values up to {high}, above the file's maximum {declared.maxval} (rescaled); {_CONVERT}")
    try:
        stored, step = first_samples(path, declared)
    except (OSError, ValueError) as exc:
        raise BadInput(path, f"not a readable {declared.format} ({shorten(str(exc), 100)})") from None
    decoded = pixels[0, ::step].reshape(-1)[: stored.size].astype(np.int64)
    if not np.array_equal(decoded, stored):
        at = int(np.flatnonzero(decoded != stored)[0])
        raise BadInput(
            path,
            f"imageio's {plugin} plugin changed the samples (the first row's sample {at} is {stored[at]} in the file, {decoded[at]} decoded); {_CONVERT}",
        )
    return pixels if pixels.dtype == np.dtype(declared.sample_type) else pixels.astype(declared.sample_type)


@hookimpl
def camchar_register_loaders(register):
    """Register the ``imageio`` loader."""
    register(ImageioLoader())
