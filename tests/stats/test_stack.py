"""SelectedStack and the thread helpers: order, bounded memory, errors that reach the caller."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from camchar.core.frames import Frame, LoadRequest
from camchar.host.stack import SelectedFrame, SelectedStack
from camchar.plugins.noise_models.linear_fpn import LinearFpn
from camchar.runtime.parallel import RowSplitter, ordered_map, prefetch
from camchar.stats.stack import DecodingStack


class NoiseLoader:
    """Frames made on demand (nothing held in memory), identical on every reading."""

    name = "noise"
    description = "deterministic random frames"
    suffixes = (".raw",)

    def __init__(self, shape):
        self.shape = shape

    def load(self, path: Path, request: LoadRequest) -> Frame:
        number = int(path.stem)
        rng = np.random.default_rng(number)
        level = 1000 + 50 * number
        pixels = (level + rng.normal(0, 20, self.shape)).astype(np.uint16)
        return Frame(pixels, 0.01 * (1 + number % 3), 65535.0, path)


def make_stack(n_frames: int, shape=(64, 80, 3), workers: int = 2) -> SelectedStack:
    loader = NoiseLoader(shape)
    frames = []
    for number in range(n_frames):
        frame = loader.load(Path(f"{number}.raw"), LoadRequest())
        means = frame.pixels.reshape(-1, 3).mean(axis=0) / frame.exposure_time
        frames.append(SelectedFrame(400 + number, number, Path(f"{number}.raw"), frame.exposure_time, means))
    return DecodingStack(frames, loader, LoadRequest(), shape, workers)


def test_frames_come_in_order_with_any_number_of_workers():
    for workers in (1, 2, 3):
        stack = make_stack(10, workers=workers)
        assert [index for index, _ in stack.iter_frames()] == list(range(10))
        assert stack.map(lambda index, frame: index) == list(range(10))
        batches = list(stack.iter_batches(max_frames=4))
        assert [[index for index, _ in batch] for batch in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batches_respect_the_byte_limit():
    stack = make_stack(6, shape=(10, 10, 3))
    frame_bytes = 10 * 10 * 3 * 2
    batches = list(stack.iter_batches(max_frames=100, max_bytes=2 * frame_bytes))
    assert [len(batch) for batch in batches] == [2, 2, 2]


def test_noise_model_memory_does_not_grow_with_the_number_of_frames():
    """The memory contract: peak allocation during estimate() is the same for 40 and for 160 frames."""
    peaks = []
    for n_frames in (40, 160):
        stack = make_stack(n_frames, shape=(120, 100, 3))
        tracemalloc.start()
        LinearFpn().estimate(stack)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    frame_float_bytes = 120 * 100 * 3 * 8
    assert peaks[1] < 1.5 * peaks[0], peaks  # a stack held in memory would need 4x
    assert peaks[1] < 40 * frame_float_bytes, "far below the 160-frame float64 stack"


def test_row_splitter_covers_every_row_once_in_order():
    with RowSplitter(workers=3, block_bytes=8 * 10 * 7) as rows:
        blocks = rows.blocks(100, 10)
        assert blocks[0] == slice(0, 7) and blocks[-1] == slice(98, 100)
        seen = rows.run(lambda block: list(range(block.start, block.stop)), 100, 10)
    assert [row for block in seen for row in block] == list(range(100))


def test_ordered_map_keeps_order_and_raises_worker_errors():
    assert list(ordered_map(lambda x: x * x, range(20), 3)) == [x * x for x in range(20)]

    def fail_on_five(x):
        if x == 5:
            raise ValueError("five")
        return x

    with pytest.raises(ValueError, match="five"):
        list(ordered_map(fail_on_five, range(20), 2))


def test_prefetch_runs_ahead_raises_errors_and_stops_early():
    produced = []

    def numbers():
        for x in range(1000):
            produced.append(x)
            yield x

    iterator = prefetch(numbers(), depth=2)
    assert next(iterator) == 0
    iterator.close()
    assert len(produced) < 10, "the background thread stopped with the consumer"
    assert not any(thread.name == "camchar-prefetch" for thread in threading.enumerate())

    def broken():
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(prefetch(broken()))
