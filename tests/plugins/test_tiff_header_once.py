"""The tiff loader reads each plain file's header once a run: the probe's, reused by every load of the unchanged file."""

from __future__ import annotations

import os
import threading

import numpy as np
import tifffile

from camchar.core.frames import LoadRequest, Region
from camchar.plugins.loaders import tiff
from camchar.plugins.loaders.tiff import TiffLoader
from camchar.settings import read_settings
from camchar.stats.options import RunOptions
from camchar.stats.run import run_stats


def count_header_reads(monkeypatch) -> list[str]:
    """Every TIFF header the tiff loader parses from now on (with tifffile or its own reader of plain headers), by file name."""
    opened: list[str] = []
    real, real_plain = tifffile.TiffFile, tiff.read_plain_header

    def counting(handle, *args, **kwargs):
        opened.append(os.path.basename(handle.name))
        return real(handle, *args, **kwargs)

    def counting_plain(fd, size):
        opened.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        return real_plain(fd, size)

    monkeypatch.setattr(tiff.tifffile, "TiffFile", counting)
    monkeypatch.setattr(tiff, "read_plain_header", counting_plain)
    return opened


def test_a_run_reads_each_header_once(sweep, host, monkeypatch):
    opened = count_header_reads(monkeypatch)
    run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "out.h5"))
    images = sorted(path.name for path in (sweep.parent / "raw").glob("*.tiff"))
    assert sorted(opened) == images  # the 15 probes; not the 15 loads, nor the selected frames' two readings again


def test_a_file_changed_after_its_probe_is_read_anew(tmp_path):
    path = tmp_path / "frame.tiff"
    first = np.arange(6 * 8 * 3, dtype=np.uint16).reshape(6, 8, 3)
    tifffile.imwrite(path, first, photometric="rgb", extratags=[(33434, 5, 1, (1, 50), True)])
    loader, request = TiffLoader(), LoadRequest(roi=Region(1, 2, 4, 3))
    loader.probe(path, request)
    replacement = tmp_path / "new.tiff"  # another file in its place: another inode, however fast it happens
    tifffile.imwrite(replacement, first[::-1].copy(), photometric="rgb", extratags=[(33434, 5, 1, (1, 25), True)])
    os.replace(replacement, path)
    frame = loader.load(path, request)
    assert np.array_equal(frame.pixels, first[::-1][2:5, 1:5])
    assert frame.exposure_time == 1 / 25


def test_headers_parsed_in_python_are_read_on_one_thread(sweep, host, monkeypatch):
    """tifffile holds the interpreter while it parses: two threads taking turns were slower than one."""
    threads: set[int] = set()
    real = TiffLoader.probe

    def probe(self, path, request):
        threads.add(threading.get_ident())
        return real(self, path, request)

    monkeypatch.setattr(TiffLoader, "probe", probe)
    run_stats(read_settings(sweep), host.components, RunOptions(output=sweep.parent / "out.h5", workers=2))
    assert threads == {threading.get_ident()}
