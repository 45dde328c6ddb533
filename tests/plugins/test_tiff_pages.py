"""Multi-page TIFF stacks: ``stack.tif#N`` is page N, with its own pixels and exposure time, read exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput
from camchar.core.frames import LoadRequest, Region
from camchar.core.pages import split_page
from camchar.plugins.loaders.tiff import TiffLoader
from conftest import run_in_process

PAGES = [np.random.default_rng(page).integers(0, 65536, (6, 8, 3), dtype=np.uint16) for page in range(3)]
TIMES = [(1, 80), (1, 40), (1, 20)]


def stack(path: Path, **options) -> Path:
    for pixels, time in zip(PAGES, TIMES):
        tifffile.imwrite(path, pixels, photometric="rgb", append=True, metadata=None, extratags=[(33434, 5, 1, time, True)], **options)
    return path


def test_a_page_is_addressed_by_hash_and_its_number():
    assert split_page("a/stack.tif#12") == (Path("a/stack.tif"), 12)
    assert split_page("a/stack.tif") == (Path("a/stack.tif"), None)
    assert split_page("a/b#c.tif") == (Path("a/b#c.tif"), None)
    assert TiffLoader().can_open(Path("stack.tif#2")) and not TiffLoader().can_open(Path("stack.png#2"))


@pytest.mark.parametrize("compression", [None, "zlib"], ids=["plain", "compressed"])
def test_each_page_has_its_own_pixels_and_exposure_time(tmp_path, compression):
    path = stack(tmp_path / "stack.tif", compression=compression)
    for number, (pixels, (numerator, denominator)) in enumerate(zip(PAGES, TIMES), start=1):
        page = Path(f"{path}#{number}")
        frame = TiffLoader().load(page, LoadRequest(roi=Region(1, 2, 5, 3)))
        assert np.array_equal(frame.pixels, pixels[2:5, 1:6])
        assert frame.exposure_time == numerator / denominator
        assert frame.path == page
        info = TiffLoader().probe(page, LoadRequest())
        assert (info.width, info.height, info.channels, info.exposure_time) == (8, 6, 3, numerator / denominator)
    plain = TiffLoader().load(path, LoadRequest())
    assert np.array_equal(plain.pixels, PAGES[0])  # the file itself is its first page


def test_plain_pages_take_the_fast_path_without_decoding(tmp_path, monkeypatch):
    path = Path(f"{stack(tmp_path / 'stack.tif')}#3")

    def no_decoding(*args, **kwargs):
        raise AssertionError("a plain page was decoded")

    monkeypatch.setattr(tifffile.TiffPage, "asarray", no_decoding)
    assert np.array_equal(TiffLoader().load(path, LoadRequest(roi=Region(0, 4, 8, 2))).pixels, PAGES[2][4:6])


@pytest.mark.parametrize(("page", "message"), [(4, "page 4 does not exist: the file has 3 pages"), (0, "pages are numbered from 1")])
def test_a_page_that_does_not_exist_is_bad_input(tmp_path, page, message):
    path = Path(f"{stack(tmp_path / 'stack.tif')}#{page}")
    with pytest.raises(BadInput, match=message) as caught:
        TiffLoader().probe(path, LoadRequest())
    assert caught.value.path == path


def test_a_sweep_in_one_stack_validates_and_runs(tmp_path):
    (tmp_path / "images").mkdir()
    stack(tmp_path / "images" / "stack.tif")
    settings = tmp_path / "settings.yml"
    settings.write_text("image_dir: images\nimage_name: stack.tif#{}\nimages:\n  500: [1, 2]\n  600: [3]\nnoise_model: spatial\n")
    result = run_in_process("validate", settings)
    assert result.returncode == 0, result.stdout
    assert "loader tiff" in result.stdout and "exposure times 1/80 to 1/20 s" in result.stdout
    settings.write_text(settings.read_text().replace("600: [3]", "600: [3, 4]"))
    result = run_in_process("validate", settings)
    assert result.returncode == 2
    assert "stack.tif#4: page 4 does not exist: the file has 3 pages" in result.stdout
