"""Master darks: averaged per exposure time, subtracted in counts, refused when they do not match."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, LoadRequest
from camchar.stats.darks import load_darks
from camchar.stats.plan import Bracket


class DictLoader:
    name = "dict"
    description = "frames from a dict"
    suffixes = (".x",)

    def __init__(self, frames):
        self.frames = frames

    def load(self, path, request):
        pixels, exposure = self.frames[path]
        return Frame(pixels, exposure, 65535.0, path)


def test_masters_are_averages_and_are_subtracted_by_exposure():
    frames = {
        Path("d1"): (np.full((2, 2, 1), 100, np.uint16), 0.01),
        Path("d2"): (np.full((2, 2, 1), 104, np.uint16), 0.01),
        Path("d3"): (np.full((2, 2, 1), 130, np.uint16), 0.02),
    }
    darks = load_darks({0.01: Bracket("dark", ((1, Path("d1")), (2, Path("d2")))), 0.02: Bracket("dark", ((3, Path("d3")),))}, DictLoader(frames), LoadRequest())
    assert darks.counts == {0.01: 2, 0.02: 1}
    frame = Frame(np.full((2, 2, 1), 1000, np.uint16), 0.01, 65535.0, Path("f"))
    assert np.array_equal(darks.subtract(frame).pixels, np.full((2, 2, 1), 898.0))
    assert darks.subtract(Frame(frame.pixels, 0.02, 65535.0, Path("g"))).pixels[0, 0, 0] == 870.0
    with pytest.raises(BadInput, match="h: no dark frames for its exposure time 0.04 s"):
        darks.subtract(Frame(frame.pixels, 0.04, 65535.0, Path("h")))


def test_a_dark_frame_of_the_wrong_exposure_is_refused():
    frames = {Path("d1"): (np.zeros((2, 2, 1), np.uint16), 0.02)}
    with pytest.raises(BadInput, match="d1: is listed as a dark frame of 0.01 s but was exposed for 0.02 s"):
        load_darks({0.01: Bracket("dark", ((1, Path("d1")),))}, DictLoader(frames), LoadRequest())
