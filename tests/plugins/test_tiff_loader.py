"""The tiff loader: exact 16-bit pixels, exposure time from either EXIF place, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput
from camchar.core.frames import LoadRequest, Region
from camchar.plugins.loaders.tiff import TiffLoader
from conftest import SWEEP


def test_reads_a_dcraw_tiff_with_exposure_time_in_the_exif_ifd():
    path = SWEEP / "raw" / "SWP_0001.tiff"
    frame = TiffLoader().load(path, LoadRequest(roi=Region(16, 8, 64, 48)))
    whole = tifffile.imread(path)
    assert frame.pixels.dtype == np.uint16
    assert np.array_equal(frame.pixels, whole[8:56, 16:80])
    assert frame.exposure_time == 1 / 80
    assert frame.saturation == 65535
    assert frame.path == path


def synthetic(tmp_path, pixels, exposure=(1, 40), **kwargs):
    path = tmp_path / "img.tiff"
    extratags = [(33434, 5, 1, exposure, True)] if exposure is not None else []
    tifffile.imwrite(path, pixels, extratags=extratags, **kwargs)
    return path


def test_reads_exposure_time_from_ifd0_when_there_is_no_exif_ifd(tmp_path):
    pixels = np.arange(4 * 5 * 3, dtype=np.uint16).reshape(4, 5, 3)
    frame = TiffLoader().load(synthetic(tmp_path, pixels, photometric="rgb"), LoadRequest())
    assert frame.exposure_time == 0.025
    assert np.array_equal(frame.pixels, pixels)


def test_greyscale_becomes_one_channel_and_planar_rgb_is_reordered(tmp_path):
    grey = np.arange(20, dtype=np.uint16).reshape(4, 5)
    frame = TiffLoader().load(synthetic(tmp_path, grey, photometric="minisblack"), LoadRequest())
    assert frame.pixels.shape == (4, 5, 1)
    rgb = np.arange(60, dtype=np.uint16).reshape(4, 5, 3)
    planar = synthetic(tmp_path, np.moveaxis(rgb, -1, 0), photometric="rgb", planarconfig="separate")
    assert np.array_equal(TiffLoader().load(planar, LoadRequest()).pixels, rgb)


def test_a_file_without_exposure_time_reports_none_for_the_settings_to_give(tmp_path):
    path = synthetic(tmp_path, np.zeros((4, 4, 3), np.uint16), exposure=None, photometric="rgb")
    assert TiffLoader().load(path, LoadRequest()).exposure_time is None
    assert TiffLoader().probe(path, LoadRequest()).exposure_time is None


def test_eight_bit_saturation_is_255(tmp_path):
    frame = TiffLoader().load(synthetic(tmp_path, np.zeros((4, 4, 3), np.uint8), photometric="rgb"), LoadRequest())
    assert frame.saturation == 255


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: synthetic(p, np.zeros((4, 4, 3), np.uint16), exposure=(0, 1), photometric="rgb"), "is not positive"),
        (lambda p: synthetic(p, np.zeros((4, 4, 3), np.float32), photometric="rgb"), "float32 is not supported"),
        (lambda p: p / "missing.tiff", "image file not found"),
    ],
)
def test_bad_files_raise_bad_input_naming_the_file(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(BadInput, match=message) as caught:
        TiffLoader().load(path, LoadRequest())
    assert caught.value.path == path


def test_truncated_tiff_is_bad_input(tmp_path):
    source = (SWEEP / "raw" / "SWP_0001.tiff").read_bytes()
    path = tmp_path / "cut.tiff"
    path.write_bytes(source[:3000])
    with pytest.raises(BadInput, match="truncated") as caught:
        TiffLoader().load(path, LoadRequest())
    assert caught.value.path == path
    path.write_bytes(source[:100])
    with pytest.raises(BadInput, match="not a readable TIFF"):
        TiffLoader().load(path, LoadRequest())


def test_roi_outside_the_image_is_bad_input():
    path = SWEEP / "raw" / "SWP_0001.tiff"
    with pytest.raises(BadInput, match=r"roi \[60, 8, 64, 48\] does not fit inside the 96 x 64 image"):
        TiffLoader().load(path, LoadRequest(roi=Region(60, 8, 64, 48)))


@pytest.mark.parametrize(
    "options",
    [
        {"photometric": "rgb"},
        {"photometric": "rgb", "rowsperstrip": 7},
        {"photometric": "rgb", "byteorder": ">"},
        {"photometric": "rgb", "compression": "zlib"},
        {"photometric": "rgb", "tile": (16, 16)},
        {"photometric": "minisblack"},
    ],
    ids=["one-strip", "many-strips", "big-endian", "zlib", "tiled", "grey"],
)
def test_roi_read_equals_a_full_decode_for_every_layout(tmp_path, options):
    rng = np.random.default_rng(1)
    shape = (48, 64) if options["photometric"] == "minisblack" else (48, 64, 3)
    pixels = rng.integers(0, 65535, size=shape, dtype=np.uint16)
    path = synthetic(tmp_path, pixels, **options)
    roi = Region(5, 9, 40, 30)
    frame = TiffLoader().load(path, LoadRequest(roi=roi))
    expected = tifffile.imread(path)[9:39, 5:45]
    assert np.array_equal(frame.pixels, expected.reshape(30, 40, -1))
    assert frame.pixels.dtype.isnative


def test_iso_and_capture_time_from_the_exif_ifd():
    frame = TiffLoader().load(SWEEP / "raw" / "SWP_0001.tiff", LoadRequest())
    assert frame.metadata == {"iso": 100.0, "capture_time": "2022-10-11T10:00:00"}
    assert frame.image_size == (96, 64)


def test_probe_reads_the_header_only():
    info = TiffLoader().probe(SWEEP / "raw" / "SWP_0001.tiff", LoadRequest(roi=Region(16, 8, 64, 48)))
    assert (info.width, info.height, info.channels, info.exposure_time) == (96, 64, 3, 1 / 80)
    with pytest.raises(BadInput, match="does not fit"):
        TiffLoader().probe(SWEEP / "raw" / "SWP_0001.tiff", LoadRequest(roi=Region(50, 8, 64, 48)))


#: Mangled headers found by fuzzing that made tifffile raise something other than its own error:
#: (byte offset, new value) changes to the fixture's SWP_0005.tiff, and the exception tifffile raised.
MANGLED_HEADERS = {
    "zero-division-in-strip-layout": [(142, 66)],  # ZeroDivisionError
    "axis-error-in-the-sample-layout": [(21, 200), (70, 61), (216, 88), (366, 225), (372, 159)],  # numpy AxisError
    "27-bit-samples-need-imagecodecs": [(93, 121), (132, 30), (139, 176), (184, 122), (290, 27)],  # NotImplementedError
}


@pytest.mark.parametrize("changes", list(MANGLED_HEADERS.values()), ids=list(MANGLED_HEADERS))
def test_every_exception_tifffile_raises_on_a_broken_file_is_bad_input(tmp_path, changes):
    data = bytearray((SWEEP / "raw" / "SWP_0005.tiff").read_bytes())
    for offset, value in changes:
        data[offset] = value
    path = tmp_path / "mangled.tiff"
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput, match=r"mangled.tiff: (not a readable TIFF|sample type|image layout|the file ends|declares)"):
        TiffLoader().load(path, LoadRequest())
