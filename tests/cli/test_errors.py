"""Every bad input is one clear line and exit status 2; nothing is ever lost (issue 5).

Each case runs the command line with an output file that already exists, and
checks the exit status, the one line that names the problem, that there is no
traceback, that the old output is untouched and that no temporary file is left
behind: in this process in the default suite, and as a real ``python -m camchar``
subprocess in the slow suite (the ``run`` fixture).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar.core.frames import Region
from camchar.simulation.camera import CameraModel
from camchar.simulation.sweep import SweepPlan, simulate_sweep
from conftest import run_camchar

SENTINEL = b"results of last week's calibration"


def check_failure(run, settings: Path, expected: str, *args: str, status: int = 2, output: Path | None = None) -> str:
    output = output or settings.parent / "out.h5"
    if output.parent.is_dir():
        output.write_bytes(SENTINEL)
    result = run("stats", settings, "-o", output, *args)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0], errors[0]
    if output.parent.is_dir():
        assert output.read_bytes() == SENTINEL
        assert [p.name for p in output.parent.iterdir() if "camchar-tmp" in p.name] == []
    return errors[0]


def edit(settings: Path, old: str, new: str) -> Path:
    text = settings.read_text()
    assert old in text
    settings.write_text(text.replace(old, new))
    return settings


# ---- the settings file -------------------------------------------------------------------------------


def test_settings_file_missing(run, tmp_path):
    check_failure(run, tmp_path / "nope.yml", f"{tmp_path / 'nope.yml'}: settings file not found", output=tmp_path / "out.h5")


def test_settings_file_is_a_folder(run, tmp_path):
    (tmp_path / "folder.yml").mkdir()
    check_failure(run, tmp_path / "folder.yml", "is a folder, not a settings file", output=tmp_path / "out.h5")


def test_settings_file_unreadable(run, tmp_path):
    path = tmp_path / "binary.yml"
    path.write_bytes(b"camera: \xff\xfe\x00 broken")
    check_failure(run, path, "cannot read the settings file", output=tmp_path / "out.h5")


def test_settings_not_yaml(run, sweep):
    edit(sweep, "images:\n  450: [1, 2, 3]", "images:\n  450: [1, 2, 3\n  bad: ]")
    check_failure(run, sweep, "settings.yml:15: not valid YAML")


@pytest.mark.parametrize("key", ["image_dir", "image_name", "images"])
def test_required_key_missing(run, sweep, key):
    lines = sweep.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    sweep.write_text("".join(lines[:start] + lines[end:]))
    check_failure(run, sweep, f"required key '{key}' is missing")


def test_roi_not_four_integers(run, sweep):
    check_failure(run, edit(sweep, "roi: [16, 8, 64, 48]", "roi: [16, 8, 64]"), "settings.yml:8: 'roi' must be four integers")


def test_wavelength_not_a_number(run, sweep):
    check_failure(run, edit(sweep, "  500: [4, 5, 6]", "  green: [4, 5, 6]"), "settings.yml:15: wavelength 'green' in 'images' is not a number")


def test_image_number_not_an_integer(run, sweep):
    check_failure(run, edit(sweep, "  500: [4, 5, 6]", "  500: [4, five, 6]"), "settings.yml:15: image number 'five' at 500 is not an integer")


def test_unknown_key_is_a_warning_with_the_closest_key(run, sweep):
    edit(sweep, "roi:", "region_of_interest: 1\nroi:")
    result = run("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0
    assert "camchar: warning: " in result.stderr
    assert "settings.yml:8: unknown key 'region_of_interest'" in result.stderr


# ---- images ------------------------------------------------------------------------------------------


def test_image_folder_missing(run, sweep):
    check_failure(run, edit(sweep, "image_dir: raw", "image_dir: photos"), "settings.yml:11: image folder")


def test_image_file_missing(run, sweep):
    (sweep.parent / "raw" / "SWP_0011.tiff").unlink()
    check_failure(run, sweep, "SWP_0011.tiff: image file not found; SWP_0011.DNG is there")


def test_several_image_files_missing(run, sweep):
    for number in (4, 9, 12):
        (sweep.parent / "raw" / f"SWP_{number:04}.tiff").unlink()
        (sweep.parent / "raw" / f"SWP_{number:04}.DNG").unlink()
    check_failure(run, sweep, "SWP_0004.tiff: 3 of 15 image files are missing")


def test_truncated_image(run, sweep):
    path = sweep.parent / "raw" / "SWP_0008.tiff"
    path.write_bytes(path.read_bytes()[:20000])
    check_failure(run, sweep, "SWP_0008.tiff: the file ends before its image data does (truncated?)")


def test_corrupt_image(run, sweep):
    (sweep.parent / "raw" / "SWP_0008.tiff").write_bytes(os.urandom(40980))
    check_failure(run, sweep, "SWP_0008.tiff: not a readable TIFF")


def rewrite_tiff(path: Path, exposure=(1, 80), shape=None) -> None:
    pixels = tifffile.imread(path)
    if shape is not None:
        pixels = np.resize(pixels, shape)
    tags = [(33434, 5, 1, exposure, True)] if exposure is not None else []
    tifffile.imwrite(path, pixels, photometric="rgb", extratags=tags)


def test_no_exposure_time(run, sweep):
    rewrite_tiff(sweep.parent / "raw" / "SWP_0007.tiff", exposure=None)
    check_failure(run, sweep, "SWP_0007.tiff: no exposure time")


def test_zero_exposure_time(run, sweep):
    rewrite_tiff(sweep.parent / "raw" / "SWP_0007.tiff", exposure=(0, 1))
    check_failure(run, sweep, "SWP_0007.tiff: exposure time 0.0 s is not positive")


def test_foreign_shaped_frame(run, sweep):
    rewrite_tiff(sweep.parent / "raw" / "SWP_0010.tiff", shape=(60, 90, 3))
    check_failure(run, sweep, "SWP_0010.tiff: is 90 x 60 with 3 channels, but the sweep's first image SWP_0001.tiff is 96 x 64")


def test_roi_outside_the_image(run, sweep):
    check_failure(run, edit(sweep, "roi: [16, 8, 64, 48]", "roi: [40, 8, 64, 48]"), "roi [40, 8, 64, 48] does not fit inside the 96 x 64 image")


def test_crop_outside_the_image(run, sweep):
    edit(sweep, "crop: [0, 0, 96, 64]", "crop: [0, 0, 128, 64]")
    check_failure(run, sweep, "crop [0, 0, 128, 64] does not fit inside the 96 x 64 image", "--loader", "raw-rgb")


def test_a_bracket_all_overexposed_is_skipped_with_a_warning(run, sweep):
    for number, exposure in ((13, (1, 80)), (14, (1, 40))):  # 15 is overexposed already
        path = sweep.parent / "raw" / f"SWP_{number:04}.tiff"
        pixels = tifffile.imread(path)
        pixels[20, 30] = 65535
        tifffile.imwrite(path, pixels, photometric="rgb", extratags=[(33434, 5, 1, exposure, True)])
    result = run("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0
    assert "camchar: warning: bracket 650: all frames overexposed; skipped" in result.stderr
    assert "kept 4 of 5 brackets" in result.stderr


def test_every_bracket_unusable(run, sweep):
    check_failure(run, sweep, "no bracket has a usable frame", "--max", "0.01")


ANYWHERE_WRITER = """
from camchar.api import Writer, hookimpl

class Anywhere(Writer):
    name = "anywhere"
    description = "claims no suffix: writes whatever the output is called"

    def write(self, result, path):
        path.write_bytes(b"written")

@hookimpl
def camchar_register_writers(register):
    register(Anywhere())
"""


@pytest.mark.parametrize("target", ["raw/SWP_0001.tiff", "settings.yml", "raw/../settings.yml"])
def test_an_output_that_is_an_input_is_refused(run, sweep, target, tmp_path, monkeypatch):
    (tmp_path / "anywhere_writer.py").write_text(ANYWHERE_WRITER)  # a writer that claims no suffix, so only the input rule stops it
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    output = sweep.parent / target
    before = output.read_bytes()
    result = run("stats", sweep, "-o", output, "--plugin", "anywhere_writer", "--writer", "anywhere")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("is one of the sweep's inputs (the settings file, an image or a dark frame); writing the statistics there would destroy it: choose another output")
    assert output.read_bytes() == before
    checked = run("validate", sweep, "-o", output, "--plugin", "anywhere_writer", "--writer", "anywhere")
    assert checked.returncode == 2 and "is one of the sweep's inputs" in checked.stdout + checked.stderr


def test_same_image_in_two_brackets_is_a_warning(run, sweep):
    edit(sweep, "  500: [4, 5, 6]", "  500: [3, 5, 6]")
    result = run("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0
    assert "camchar: warning: " in result.stderr and "image 3 is in the brackets of 450 and 500" in result.stderr


# ---- output ------------------------------------------------------------------------------------------


def test_output_folder_missing(run, sweep):
    check_failure(run, sweep, "output folder does not exist", output=sweep.parent / "missing" / "out.h5")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_output_folder_not_writable(run, sweep):
    folder = sweep.parent / "locked"
    folder.mkdir()
    output = folder / "out.h5"
    output.write_bytes(SENTINEL)
    folder.chmod(0o555)
    try:
        check_failure(run, sweep, "output folder is not writable", output=output)
    finally:
        folder.chmod(0o755)


def test_output_folder_not_writable_reported_in_process(sweep, monkeypatch, capsys):
    """The same check when the tests run as root: the folder reports itself unwritable."""
    from camchar.cli import main as cli

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == sweep.parent else real_access(path, mode))
    assert cli.main(["stats", str(sweep), "-o", str(sweep.parent / "out.h5")]) == 2
    assert f"{sweep.parent}: output folder is not writable" in capsys.readouterr().err


def test_unknown_writer_suffix(run, sweep):
    check_failure(run, sweep, "no writer for suffix '.txt'", output=sweep.parent / "out.txt")


# ---- interruptions -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_sweep(tmp_path_factory) -> Path:
    """A sweep big enough that a run is still going a moment after it starts.

    Three simulated brackets of 1000 x 800, hard-linked into 90 brackets:
    quick to make, slow enough to process.
    """
    folder = tmp_path_factory.mktemp("slow")
    plan = SweepPlan(wavelengths=(450, 550, 650), roi=Region(20, 20, 960, 760), seed=3)
    simulate_sweep(folder / "source", CameraModel(height=800, width=1000), plan)
    images = folder / "images"
    images.mkdir()
    lines = ["image_dir: images", "image_name: IMG_{:04}.tiff", "roi: [20, 20, 960, 760]", "images:"]
    for bracket in range(90):
        numbers = []
        for exposure in range(3):
            number = 3 * bracket + exposure + 1
            os.link(folder / "source" / "images" / f"SIM_{3 * (bracket % 3) + exposure + 1:04}.tiff", images / f"IMG_{number:04}.tiff")
            numbers.append(number)
        lines.append(f"  {400 + bracket}: {numbers}")
    settings = folder / "settings.yml"
    settings.write_text("\n".join(lines) + "\n")
    return settings


@pytest.mark.parametrize(
    "signum",
    [pytest.param(signal.SIGINT, marks=pytest.mark.slow), pytest.param(signal.SIGTERM, marks=pytest.mark.slow), pytest.param(signal.SIGKILL, marks=pytest.mark.slow)],
    ids=["ctrl-c", "sigterm", "sigkill"],
)
def test_an_interrupted_run_loses_nothing(slow_sweep, signum):
    output = slow_sweep.parent / "out.h5"
    output.write_bytes(SENTINEL)
    process = subprocess.Popen(
        [sys.executable, "-m", "camchar", "stats", str(slow_sweep), "-o", str(output), "--workers", "1"],
        stderr=subprocess.PIPE, text=True,
    )
    first_line = process.stderr.readline()  # the header: the run has started
    assert "loader tiff" in first_line
    time.sleep(0.2)
    process.send_signal(signum)
    _, rest = process.communicate(timeout=60)
    if signum != signal.SIGKILL:
        assert process.returncode == 130, rest
        assert "camchar: error: interrupted; any existing output file is unchanged" in rest
        assert "Traceback" not in rest
    assert output.read_bytes() == SENTINEL
    assert [p.name for p in slow_sweep.parent.iterdir() if "camchar-tmp" in p.name] == []


def test_a_temporary_left_by_a_killed_run_is_removed_by_the_next(sweep):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    stale = sweep.parent / f".out.camchar-tmp-{dead_pid}-deadbeef.h5"
    stale.write_bytes(b"half-written")
    result = run_camchar("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0
    assert not stale.exists()


def test_an_internal_error_is_exit_1_with_a_hint(sweep, monkeypatch, capsys):
    from camchar.cli import main as cli
    from camchar.plugins.selectors.best_snr import BestSnrSelector

    def broken(self, frames):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(BestSnrSelector, "select", broken)
    output = sweep.parent / "out.h5"
    output.write_bytes(SENTINEL)
    assert cli.main(["stats", str(sweep), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert "camchar: error: internal error in camchar's selector 'best-snr' (camchar " in err
    assert "failed in select(): ZeroDivisionError: a bug (please report it to camchar" in err
    assert "rerun with --debug" in err and "Traceback" not in err
    assert output.read_bytes() == SENTINEL
    assert output.read_bytes() == SENTINEL
