"""A frame decoded again for the noise passes must be the frame selection saw: a file replaced in between is named, not used."""

from __future__ import annotations

import numpy as np
import pytest
import tifffile

import camchar.stats.run as stats_run
from camchar.testing import simulated_sweep
from conftest import run_in_process


def as_eight_bit(path) -> None:
    """Rewrite the TIFF ``path`` with the same size and exposure time, its samples cut to 8 bits."""
    with tifffile.TiffFile(path) as tif:
        pixels, exposure = tif.pages[0].asarray(), tif.pages[0].tags[33434].value
    tifffile.imwrite(path, (pixels >> 8).astype(np.uint8), photometric="rgb", extratags=[(33434, 5, 1, exposure, True)])


@pytest.mark.parametrize("path", ["0", "1"])
def test_a_file_replaced_by_one_of_another_sample_type_after_selection_is_named(tmp_path, monkeypatch, path):
    sweep = simulated_sweep(tmp_path / "sweep")
    monkeypatch.setenv("CAMCHAR_FAST_PATH", path)
    select_frames = stats_run.select_frames

    def then_replaced(*args, **kwargs):
        selection = select_frames(*args, **kwargs)
        for image in sorted((sweep.folder / "images").glob("*.tiff")):
            as_eight_bit(image)
        return selection

    monkeypatch.setattr(stats_run, "select_frames", then_replaced)
    ran = run_in_process("stats", sweep.settings, "-o", tmp_path / "out.h5", "-q")
    assert ran.returncode == 2
    assert ran.stderr.count("\n") == 1 and "decoded to uint8 samples on a second reading, not uint16 (did the file change during the run?)" in ran.stderr
    assert not (tmp_path / "out.h5").exists()
