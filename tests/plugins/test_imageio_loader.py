"""The imageio loader: every verified format read exactly as the test wrote it; every lossy read refused."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import camchar.plugins.loaders.imageio_frames as imageio_frames
from camchar.core.errors import BadInput
from camchar.core.frames import LoadRequest, Region
from camchar.plugins.loaders.imageio_frames import ImageioLoader

RNG = np.random.default_rng(16)


def pnm_bytes(pixels: np.ndarray, maxval: int) -> bytes:
    """A binary PGM/PPM written byte by byte, as the Netpbm specification lays it out (with a comment)."""
    magic = b"P5" if pixels.ndim == 2 else b"P6"
    dtype = ">u2" if maxval > 255 else "u1"
    return magic + b"\n# written by the test\n" + f"{pixels.shape[1]} {pixels.shape[0]}\n{maxval}\n".encode() + pixels.astype(dtype).tobytes()


def write(path: Path, pixels: np.ndarray, maxval: int | None = None) -> Path:
    """Write with an encoder other than the loader's decoder: Pillow for what it writes exactly, OpenCV for 16-bit colour PNG."""
    if path.suffix in (".pgm", ".ppm", ".pnm"):
        path.write_bytes(pnm_bytes(pixels, maxval or np.iinfo(pixels.dtype).max))
    elif pixels.ndim == 3 and pixels.dtype == np.uint16:
        iio.imwrite(path, pixels, plugin="opencv")
    else:
        iio.imwrite(path, pixels, plugin="pillow")
    return path


CASES = {
    "16-bit grey PNG": (".png", RNG.integers(0, 65536, (9, 11), dtype=np.uint16), None),
    "16-bit RGB PNG": (".png", RNG.integers(0, 65536, (9, 11, 3), dtype=np.uint16), None),
    "8-bit grey PNG": (".png", RNG.integers(0, 256, (9, 11), dtype=np.uint8), None),
    "8-bit RGB PNG": (".png", RNG.integers(0, 256, (9, 11, 3), dtype=np.uint8), None),
    "16-bit PGM": (".pgm", RNG.integers(0, 65536, (9, 11), dtype=np.uint16), None),
    "16-bit PPM": (".ppm", RNG.integers(0, 65536, (9, 11, 3), dtype=np.uint16), None),
    "12-bit PGM (maxval 4095)": (".pgm", RNG.integers(0, 4096, (9, 11), dtype=np.uint16), 4095),
    "8-bit PPM": (".ppm", RNG.integers(0, 256, (9, 11, 3), dtype=np.uint8), None),
    "16-bit PPM as .pnm": (".pnm", RNG.integers(0, 65536, (9, 11, 3), dtype=np.uint16), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_verified_format_is_read_exactly(tmp_path, case):
    suffix, pixels, maxval = CASES[case]
    path = write(tmp_path / f"image{suffix}", pixels, maxval)
    frame = ImageioLoader().load(path, LoadRequest())
    expected = pixels if pixels.ndim == 3 else pixels[:, :, np.newaxis]
    assert frame.pixels.dtype == pixels.dtype
    assert np.array_equal(frame.pixels, expected)
    assert frame.exposure_time is None  # these formats hold none: the settings give it
    assert frame.saturation == (maxval or np.iinfo(pixels.dtype).max)
    assert frame.image_size == (11, 9)
    info = ImageioLoader().probe(path, LoadRequest())
    assert (info.width, info.height, info.channels, info.sample_type) == (11, 9, expected.shape[2], str(pixels.dtype))
    assert info.bits == (12 if maxval == 4095 else pixels.dtype.itemsize * 8)
    assert info.exposure_time is None


def test_the_roi_is_cut_and_the_saturation_is_the_files_full_scale(tmp_path):
    _, pixels, _ = CASES["16-bit RGB PNG"]
    path = write(tmp_path / "image.png", pixels)
    frame = ImageioLoader().load(path, LoadRequest(roi=Region(2, 1, 5, 4), white_level=4095))
    assert np.array_equal(frame.pixels, pixels[1:5, 2:7])
    assert frame.saturation == 65535  # the settings' white_level is applied by camchar, not by this loader
    assert not ImageioLoader.applies_white_level
    with pytest.raises(BadInput, match=r"roi \[8, 1, 5, 4\] does not fit inside the 11 x 9 image"):
        ImageioLoader().probe(path, LoadRequest(roi=Region(8, 1, 5, 4)))


@pytest.mark.parametrize("case", ["16-bit RGB PNG", "16-bit PPM"])
def test_forcing_the_pillow_plugin_on_16_bit_colour_is_refused(tmp_path, case):
    suffix, pixels, _ = CASES[case]
    path = write(tmp_path / f"image{suffix}", pixels)
    assert iio.imread(path, plugin="pillow").dtype == np.uint8, "the premise: Pillow truncates 16-bit colour"
    loader = ImageioLoader().configured({"plugin": "pillow"})
    for call in (loader.load, loader.probe):
        with pytest.raises(BadInput) as caught:
            call(path, LoadRequest())
        assert caught.value.path == path
        assert "imageio's pillow plugin would read it as 8-bit" in caught.value.problem
        assert "convert it to a 16-bit TIFF" in caught.value.problem


def test_forcing_pillow_on_a_pnm_it_would_rescale_is_refused(tmp_path):
    _, pixels, _ = CASES["12-bit PGM (maxval 4095)"]
    path = write(tmp_path / "image.pgm", pixels, 4095)
    assert iio.imread(path, plugin="pillow").max() > 4095, "the premise: Pillow rescales maxval 4095 to 16 bits"
    with pytest.raises(BadInput, match="would rescale its samples from maxval 4095 to 65535"):
        ImageioLoader().configured({"plugin": "pillow"}).load(path, LoadRequest())


def test_without_opencv_16_bit_colour_is_refused_saying_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(imageio_frames, "opencv_available", lambda: False)
    path = write(tmp_path / "image.png", CASES["16-bit RGB PNG"][1])
    with pytest.raises(BadInput, match=r"is a 16-bit RGB PNG: .* install opencv-python-headless .*, or convert it to a 16-bit TIFF"):
        ImageioLoader().probe(path, LoadRequest())
    grey = write(tmp_path / "grey.png", CASES["16-bit grey PNG"][1])
    assert ImageioLoader().load(grey, LoadRequest()).pixels.dtype == np.uint16  # Pillow alone reads this exactly


# ---- a plugin that converts silently is caught by the checks after decoding, not only by the rules ----


def test_a_plugin_that_truncates_to_8_bits_is_caught_by_the_sample_type(tmp_path, monkeypatch):
    monkeypatch.setattr(imageio_frames, "pillow_is_exact", lambda declared: True)  # pretend the rules missed it
    path = write(tmp_path / "image.png", CASES["16-bit RGB PNG"][1])
    with pytest.raises(BadInput, match="is a 16-bit RGB PNG, but imageio's pillow plugin would read it as 8-bit uint8"):
        ImageioLoader().load(path, LoadRequest())


def test_a_plugin_that_rescales_is_caught_by_the_declared_maximum(tmp_path, monkeypatch):
    monkeypatch.setattr(imageio_frames, "pillow_is_exact", lambda declared: True)
    path = write(tmp_path / "image.pgm", CASES["12-bit PGM (maxval 4095)"][1], 4095)
    with pytest.raises(BadInput, match="above the file's maximum 4095 \\(rescaled\\)"):
        ImageioLoader().load(path, LoadRequest())


def test_a_plugin_that_changes_values_within_range_is_caught_by_the_stored_samples(tmp_path, monkeypatch):
    _, pixels, _ = CASES["16-bit RGB PNG"]
    path = write(tmp_path / "image.png", pixels)
    monkeypatch.setattr(imageio_frames, "_decode", lambda path, declared, plugin: pixels[:, :, ::-1].copy())  # BGR
    with pytest.raises(BadInput, match=rf"changed the samples \(the first row's sample 0 is {pixels[0, 0, 0]} in the file, {pixels[0, 0, 2]} decoded\)"):
        ImageioLoader().load(path, LoadRequest())


@pytest.mark.parametrize("filter_type", [1, 2, 3, 4])
def test_the_stored_samples_are_read_through_every_png_filter(tmp_path, filter_type):
    """The check's own reading of the first row, against Pillow's encoder, which picks filters itself."""
    from camchar.plugins.loaders._image_headers import first_samples, read_declared

    pixels = np.cumsum(RNG.integers(0, 40, (6, 40)), axis=1).astype(np.uint16) * 37
    path = tmp_path / "grey.png"
    Image.fromarray(pixels).save(path)  # mode I;16, filtered
    stored, step = first_samples(path, read_declared(path))
    assert step == 1 and np.array_equal(stored, pixels[0])
    # and a hand-filtered row of each type, in a file the loader then reads whole
    row = pixels[0].astype(">u2").view(np.uint8).astype(np.int64)
    filtered = row.copy()
    left = np.concatenate([[0, 0], row[:-2]])
    filtered = (row - {1: left, 2: 0 * row, 3: left // 2, 4: left}[filter_type]) % 256
    _png_with_first_row_filter(path, pixels, filter_type, filtered.astype(np.uint8))
    assert np.array_equal(first_samples(path, read_declared(path))[0], pixels[0])
    assert np.array_equal(ImageioLoader().load(path, LoadRequest()).pixels[:, :, 0], pixels)


def _png_with_first_row_filter(path: Path, pixels: np.ndarray, filter_type: int, first_row: np.ndarray) -> None:
    import struct
    import zlib

    rows = [bytes([filter_type]) + first_row.tobytes()]
    rows += [b"\x00" + row.astype(">u2").tobytes() for row in pixels[1:]]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 16, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


# ---- files the loader does not read ----


def made(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: Image.new("P", (4, 4)).save(p / "x.png") or p / "x.png", "is a palette image"),
        (lambda p: Image.new("RGBA", (4, 4)).save(p / "x.png") or p / "x.png", "is RGB with an alpha channel"),
        (lambda p: Image.new("1", (4, 4)).save(p / "x.png") or p / "x.png", "has 1-bit samples"),
        (lambda p: made(p / "x.pgm", b"P2\n2 2\n255\n1 2 3 4\n"), "plain \\(ASCII\\) PGM"),
        (lambda p: made(p / "x.ppm", pnm_bytes(np.zeros((4, 4, 3), np.uint16), 65535)[:-5]), "truncated"),
        (lambda p: made(p / "x.png", b"GIF89a" + bytes(40)), "neither a PNG nor a binary PGM/PPM"),
        (lambda p: p / "missing.png", "image file not found"),
        (lambda p: p / "stack.png#2", "addresses page 2, but the imageio loader reads files of one image"),
    ],
)
def test_files_it_does_not_read_are_bad_input_naming_them(tmp_path, make, message):
    path = make(tmp_path)
    for call in (ImageioLoader().load, ImageioLoader().probe):
        with pytest.raises(BadInput, match=message) as caught:
            call(path, LoadRequest())
        assert caught.value.path == path


def test_a_png_damaged_after_its_header_is_bad_input(tmp_path):
    path = write(tmp_path / "image.png", CASES["16-bit grey PNG"][1])
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(BadInput, match="not a readable PNG") as caught:
        ImageioLoader().load(path, LoadRequest())
    assert caught.value.path == path


def test_it_claims_png_and_pnm_by_suffix_and_content_but_never_tiff(tmp_path):
    loader = ImageioLoader()
    png = write(tmp_path / "a.png", CASES["8-bit grey PNG"][1])
    pgm = write(tmp_path / "a.pgm", CASES["16-bit PGM"][1])
    fake = tmp_path / "b.png"
    fake.write_bytes(pgm.read_bytes())
    assert loader.can_open(png) and loader.can_open(pgm)
    assert not loader.can_open(fake)  # a PGM named .png is not what it says
    assert not loader.can_open(tmp_path / "a.tif") and not loader.can_open(tmp_path / "a.dng")
    assert loader.precedence < 0
