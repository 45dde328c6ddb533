"""Many sweeps in one call: one line each, failures do not stop the others, up-to-date outputs are skipped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from camchar.testing import run_stats_on, simulated_sweep
from conftest import SWEEP, run_in_process


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """Three small simulated sweeps, simulated once: a, b, c (different seeds)."""
    root = tmp_path_factory.mktemp("batch-sweeps")
    for seed, name in enumerate("abc", start=1):
        simulated_sweep(root / name, size=(40, 30), wavelengths=(450, 550, 650), seed=seed)
    return root


@pytest.fixture
def sweeps(made, tmp_path) -> Path:
    """A private copy of the three sweeps (modification times kept)."""
    shutil.copytree(made, tmp_path / "sweeps")
    return tmp_path / "sweeps"


def settings(root: Path) -> list[Path]:
    return [root / name / "settings.yml" for name in "abc"]


def output(root: Path, name: str) -> Path:
    return root / name / "images.h5"


def stamps(root: Path) -> dict[str, int | None]:
    """Each sweep's output modification time (ns), or None when there is none."""
    return {name: output(root, name).stat().st_mtime_ns if output(root, name).exists() else None for name in "abc"}


def lines_about(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"/{name}/settings.yml" in line or line.endswith(f"{name}/settings.yml")]


def skipped(stderr: str) -> int:
    """How many sweeps the run skipped as up to date (their own lines, not the final count)."""
    return sum(line.endswith(": skipped (up to date)") for line in stderr.splitlines())


def touch(path: Path, seconds_later: float = 5.0) -> None:
    """Give ``path`` a newer modification time, content unchanged."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + int(seconds_later * 1e9)))


def test_a_broken_sweep_is_reported_the_others_written_then_only_what_changed_is_recomputed(sweeps):
    missing = sweeps / "b" / "images" / "SIM_0004.tiff"
    kept = missing.read_bytes()
    missing.unlink()

    first = run_in_process("stats", *settings(sweeps))
    assert first.returncode == 2, first.stderr
    assert output(sweeps, "a").exists() and output(sweeps, "c").exists() and not output(sweeps, "b").exists()
    assert "Traceback" not in first.stderr
    errors = [line for line in first.stderr.splitlines() if line.startswith("camchar: error:")]
    assert errors[0].startswith("camchar: error: [2/3] ") and "SIM_0004.tiff: image file not found" in errors[0]
    assert errors[-1] == "camchar: error: 1 of 3 sweeps failed (listed above); the other 2 are done"
    assert len(errors) == 2
    assert "[2/3]" in lines_about(first.stderr, "b")[0] and "failed: " in lines_about(first.stderr, "b")[0]

    missing.write_bytes(kept)  # repaired: its file is new, the others' outputs are up to date
    before = stamps(sweeps)
    second = run_in_process("stats", *settings(sweeps))
    assert second.returncode == 0, second.stderr
    after = stamps(sweeps)
    assert after["a"] == before["a"] and after["c"] == before["c"] and after["b"] is not None
    assert "computed 3 wavelengths x 3 channels (no output yet)" in lines_about(second.stderr, "b")[0]
    assert skipped(second.stderr) == 2

    third = run_in_process("stats", *settings(sweeps))
    assert third.returncode == 0 and skipped(third.stderr) == 3, third.stderr
    assert stamps(sweeps) == after
    assert third.stderr.splitlines()[-1].startswith("camchar: 3 sweeps: 0 computed, 3 skipped (up to date), 0 failed")

    touch(sweeps / "c" / "images" / "SIM_0002.tiff")
    fourth = run_in_process("stats", *settings(sweeps))
    assert fourth.returncode == 0, fourth.stderr
    rerun = stamps(sweeps)
    assert rerun["a"] == after["a"] and rerun["b"] == after["b"] and rerun["c"] != after["c"]
    assert "out of date: an input file's size or modification time changed" in lines_about(fourth.stderr, "c")[0]


def test_quiet_prints_only_the_failures_and_debug_their_tracebacks(sweeps):
    (sweeps / "b" / "images" / "SIM_0004.tiff").unlink()
    quiet = run_in_process("stats", *settings(sweeps), "--quiet")
    assert quiet.returncode == 2
    assert [line.split(": ", 2)[1] for line in quiet.stderr.splitlines()] == ["error", "error"], quiet.stderr
    debug = run_in_process("stats", *settings(sweeps), "--debug")
    assert "Traceback (most recent call last)" in debug.stderr and "BadInput" in debug.stderr
    assert output(sweeps, "a").exists() and output(sweeps, "c").exists()


def test_a_named_pipe_is_never_opened_to_be_hashed_or_read_as_settings(sweeps):
    image = sweeps / "b" / "images" / "SIM_0004.tiff"
    image.unlink()
    os.mkfifo(image)
    os.mkfifo(sweeps / "pipe.yml")
    result = run_in_process("stats", sweeps, "--checksum")
    assert result.returncode == 2
    assert "SIM_0004.tiff: is not a regular file" in lines_about(result.stderr, "b")[0]
    assert f"skipped {sweeps / 'pipe.yml'}: not a camchar settings file" in result.stderr
    assert "3 sweeps: 2 computed, 0 skipped (up to date), 1 failed" in result.stderr


def test_the_numbers_of_a_batch_are_those_of_single_runs(sweeps, tmp_path):
    single = tmp_path / "single.h5"
    assert run_in_process("stats", settings(sweeps)[1], "-o", single).returncode == 0
    assert run_in_process("stats", *settings(sweeps)).returncode == 0
    with h5py.File(single) as one, h5py.File(output(sweeps, "b")) as batch:
        for name in ("samples", "samples_std", "exposure_time"):
            assert np.array_equal(one[name][()], batch[name][()])


def test_one_settings_file_is_computed_every_time_as_before(sweeps):
    first = run_in_process("stats", settings(sweeps)[0])
    before = stamps(sweeps)["a"]
    again = run_in_process("stats", settings(sweeps)[0])
    assert first.returncode == again.returncode == 0
    assert stamps(sweeps)["a"] != before
    assert "skipped" not in again.stderr and "wrote " in again.stderr
    # its record of inputs lets a later batch skip it
    batch = run_in_process("stats", *settings(sweeps)[:2])
    assert "[1/2]" in batch.stderr and "skipped (up to date)" in lines_about(batch.stderr, "a")[0]


def test_a_folder_is_searched_for_settings_files(sweeps):
    (sweeps / "notes.yml").write_text("colour: blue\n")
    hidden = sweeps / ".old"
    shutil.copytree(sweeps / "a", hidden / "a")
    result = run_in_process("stats", sweeps)
    assert result.returncode == 0, result.stderr
    assert f"camchar: skipped {sweeps / 'notes.yml'}: not a camchar settings file (no images: key)" in result.stderr
    assert "3 sweeps: 3 computed" in result.stderr
    assert not (hidden / "a" / "images.h5").exists()
    assert all(output(sweeps, name).exists() for name in "abc")


def test_the_same_sweep_named_twice_runs_once(sweeps):
    result = run_in_process("stats", settings(sweeps)[0], sweeps / "a", settings(sweeps)[1])
    assert result.returncode == 0, result.stderr
    assert "2 sweeps: 2 computed" in result.stderr


def test_what_changes_an_output_makes_it_out_of_date(sweeps):
    assert run_in_process("stats", *settings(sweeps)).returncode == 0
    threshold = run_in_process("stats", *settings(sweeps), "--max", "0.9")
    assert threshold.stderr.count("out of date: the overexposure threshold changed") == 3, threshold.stderr
    model = run_in_process("stats", *settings(sweeps), "--max", "0.9", "--selector", "longest-unsaturated")
    assert model.stderr.count("out of date: the components or their options changed") == 3, model.stderr
    settings(sweeps)[0].write_text(settings(sweeps)[0].read_text() + "\n# a comment changes the settings text\n")
    edited = run_in_process("stats", *settings(sweeps), "--max", "0.9", "--selector", "longest-unsaturated")
    assert "out of date: the settings file changed" in lines_about(edited.stderr, "a")[0]
    assert skipped(edited.stderr) == 2
    forced = run_in_process("stats", *settings(sweeps), "--max", "0.9", "--selector", "longest-unsaturated", "--force")
    assert forced.stderr.count("(--force)") == 3


def test_checksums_compare_contents_not_times(sweeps):
    assert run_in_process("stats", *settings(sweeps)).returncode == 0
    without = run_in_process("stats", *settings(sweeps), "--checksum")
    assert without.stderr.count("its record has no checksums (it was written without --checksum)") == 3, without.stderr
    touch(sweeps / "a" / "images" / "SIM_0001.tiff")
    touched = run_in_process("stats", *settings(sweeps), "--checksum")
    assert skipped(touched.stderr) == 3, touched.stderr
    image = sweeps / "b" / "images" / "SIM_0001.tiff"
    status = image.stat()
    data = bytearray(image.read_bytes())
    data[-1] ^= 1
    image.write_bytes(bytes(data))
    os.utime(image, ns=(status.st_atime_ns, status.st_mtime_ns))  # same size and time, other content
    edited = run_in_process("stats", *settings(sweeps), "--checksum")
    assert "out of date: an input file's content changed" in lines_about(edited.stderr, "b")[0], edited.stderr
    assert skipped(edited.stderr) == 2


def test_output_dir_keeps_the_outputs_apart(sweeps, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run_in_process("stats", sweeps, "--output-dir", out)
    assert result.returncode == 0, result.stderr
    assert sorted(str(path.relative_to(out)) for path in out.rglob("*.h5")) == ["a/images.h5", "b/images.h5", "c/images.h5"]
    assert not output(sweeps, "a").exists()
    again = run_in_process("stats", sweeps, "--output-dir", out)
    assert skipped(again.stderr) == 3


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("-o", "x.h5"), "-o names one output file, and 3 sweeps were given; use --output-dir DIR"),
        (("--output-dir", "missing-folder"), "missing-folder: output folder (--output-dir) does not exist"),
        (("-o", "x.h5", "--output-dir", "."), "-o and --output-dir both given; give one"),
    ],
)
def test_batch_flags_that_cannot_work_are_one_line(sweeps, extra, expected):
    result = run_in_process("stats", *settings(sweeps), *extra)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"camchar: error: {expected}"), result.stderr
    assert not any(output(sweeps, name).exists() for name in "abc")


def test_two_sweeps_writing_one_output_are_refused_not_overwritten(sweeps):
    twin = sweeps / "a" / "twin.yml"
    shutil.copy(settings(sweeps)[0], twin)
    result = run_in_process("stats", settings(sweeps)[0], twin)
    assert result.returncode == 2
    refused = lines_about(result.stderr, "a")
    assert f"[2/2] {twin}: failed: writes the same output {output(sweeps, 'a')} as [1/2] {settings(sweeps)[0]}" in result.stderr, result.stderr
    assert "2 sweeps: 1 computed, 0 skipped (up to date), 1 failed" in result.stderr
    assert refused


def test_two_settings_for_one_image_folder_with_their_own_outputs_run_in_one_batch(sweeps):
    twin = sweeps / "a" / "twin.yml"
    twin.write_text(settings(sweeps)[0].read_text() + "noise_model: spatial\noutput: spatial.h5\n")
    result = run_in_process("stats", settings(sweeps)[0], twin)
    assert result.returncode == 0, result.stderr
    assert output(sweeps, "a").is_file() and (sweeps / "a" / "spatial.h5").is_file()
    with h5py.File(sweeps / "a" / "spatial.h5") as f:
        assert f["camchar"].attrs["noise_model"] == "spatial"


@pytest.mark.parametrize("written", ["../b/images.h5", "b-link/images.h5", "sub/../../b/images.h5"])
def test_one_output_named_two_ways_is_still_one_output(sweeps, written):
    (sweeps / "a" / "b-link").symlink_to(sweeps / "b")
    (sweeps / "a" / "sub").mkdir()
    first = settings(sweeps)[0]
    first.write_text(first.read_text() + f"output: {written}\n")
    result = run_in_process("stats", first, settings(sweeps)[1])
    assert result.returncode == 2
    assert f"failed: writes the same output {output(sweeps, 'b')} as [1/2] {first}" in result.stderr, result.stderr


def test_output_dir_keeps_outputs_inside_it_whatever_the_output_says(sweeps, tmp_path):
    first = settings(sweeps)[0]
    first.write_text(first.read_text() + "output: ../../elsewhere/y.h5\n")
    folder = tmp_path / "od"
    folder.mkdir()
    result = run_in_process("stats", first, settings(sweeps)[1], "--output-dir", folder)
    assert result.returncode == 0, result.stderr
    written = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.h5"))
    assert len(written) == 2 and not (tmp_path / "elsewhere").exists(), written


def test_an_empty_argument_is_not_the_current_folder(sweeps):
    result = run_in_process("stats", settings(sweeps)[0], "")
    assert result.returncode == 2
    assert "is empty; give a settings file or a folder of them" in result.stderr
    assert not output(sweeps, "a").exists()


def test_a_folder_without_settings_files_is_one_line(tmp_path):
    result = run_in_process("stats", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"camchar: error: no settings file found in {tmp_path}"


@pytest.mark.slow
def test_jobs_run_sweeps_in_worker_processes_with_the_same_numbers(sweeps, tmp_path):
    assert run_in_process("stats", *settings(sweeps), "--output-dir", tmp_path, "--workers", "1").returncode == 0
    shutil.move(tmp_path / "a", tmp_path / "one-by-one")
    missing = sweeps / "c" / "images" / "SIM_0005.tiff"
    missing.unlink()
    result = run_in_process("stats", *settings(sweeps), "--jobs", "2")
    assert result.returncode == 2, result.stderr
    assert "2 computed, 0 skipped (up to date), 1 failed" in result.stderr
    assert "[3/3]" in [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")][0]
    with h5py.File(tmp_path / "one-by-one" / "images.h5") as one, h5py.File(output(sweeps, "a")) as batch:
        for name in ("samples", "samples_std", "exposure_time"):
            assert np.array_equal(one[name][()], batch[name][()])
    again = run_in_process("stats", *settings(sweeps)[:2], "--jobs", "2")
    assert skipped(again.stderr) == 2, again.stderr


@pytest.mark.slow
def test_ctrl_c_stops_every_worker_and_loses_nothing(tmp_path):
    """Ctrl-C reaches the batch and its worker processes: one line, exit 130, old outputs unchanged, no temporaries, no process left."""
    source = simulated_sweep(tmp_path / "source", size=(1000, 800), wavelengths=(450, 550, 650), seed=3)
    run_stats_on(source.settings, output=tmp_path / "older.h5")  # camchar's own output: the only kind a batch replaces
    older_bytes = (tmp_path / "older.h5").read_bytes()
    for name in ("x", "y"):
        images = tmp_path / "batch" / name / "images"
        images.mkdir(parents=True)
        lines = ["image_dir: images", "image_name: IMG_{:04}.tiff", "roi: [20, 20, 960, 760]", "images:"]
        for bracket in range(60):  # hard links to the three brackets: quick to make, slow to process
            numbers = [3 * bracket + exposure + 1 for exposure in range(3)]
            for exposure, number in enumerate(numbers):
                os.link(source.folder / "images" / f"SIM_{3 * (bracket % 3) + exposure + 1:04}.tiff", images / f"IMG_{number:04}.tiff")
            lines.append(f"  {400 + bracket}: {numbers}")
        (tmp_path / "batch" / name / "settings.yml").write_text("\n".join(lines) + "\n")
        (tmp_path / "batch" / name / "images.h5").write_bytes(older_bytes)
    process = subprocess.Popen(
        [sys.executable, "-m", "camchar", "stats", str(tmp_path / "batch"), "--jobs", "2", "--workers", "1", "--force"],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    time.sleep(2.0)  # the workers have started and are reading images
    assert process.poll() is None, process.stderr.read()
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: to every process of the terminal's group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "camchar: error: interrupted; any existing output file is unchanged"
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr
    for name in ("x", "y"):
        assert (tmp_path / "batch" / name / "images.h5").read_bytes() == older_bytes
        assert [path.name for path in (tmp_path / "batch" / name).iterdir() if "camchar-tmp" in path.name] == []
    time.sleep(0.5)  # multiprocessing's resource tracker ends once the batch has gone
    group = subprocess.run(["ps", "-o", "stat=,args=", "-g", str(process.pid)], capture_output=True, text=True).stdout
    assert [line for line in group.splitlines() if not line.startswith("Z")] == []  # no worker left running (zombies: this container's init)


PLUGIN = """
import camchar


class First(camchar.Selector):
    name = "first"
    description = "The first frame of the bracket"

    def select(self, frames):
        return frames[0] if frames else None


class Robust(camchar.NoiseModel):
    name = "robust"
    description = "a model with a bug"

    def estimate(self, stack):
        raise ValueError("median of an empty slice")


@camchar.hookimpl
def camchar_register_selectors(register):
    register(First())


@camchar.hookimpl
def camchar_register_noise_models(register):
    register(Robust())
"""


@pytest.mark.slow
def test_worker_processes_load_the_same_plugins_and_a_plugins_bug_fails_only_its_sweep(tmp_path):
    (tmp_path / "lab_plugin.py").write_text(PLUGIN)
    for name, choice in (("x", "selector: first"), ("y", "noise_model: robust")):
        shutil.copytree(SWEEP, tmp_path / "sweeps" / name)
        settings_file = tmp_path / "sweeps" / name / "settings.yml"
        settings_file.write_text(settings_file.read_text() + f"{choice}\n")
    result = subprocess.run(
        [sys.executable, "-m", "camchar", "stats", "sweeps", "--plugin", "lab_plugin", "--jobs", "2"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    with h5py.File(tmp_path / "sweeps" / "x" / "raw.h5") as f:
        assert f["camchar"].attrs["selector_plugin"] == "lab_plugin unknown version"
        assert f["exposure_time"][()].tolist() == [0.0125] * 5  # the first (shortest) exposure of each bracket
    assert not (tmp_path / "sweeps" / "y" / "raw.h5").exists()
    assert (
        "camchar: error: [2/2] sweeps/y/settings.yml: noise model 'robust' of plugin lab_plugin unknown version failed in estimate(): "
        "ValueError: median of an empty slice (a bug in that plugin: report it to its authors; rerun with --debug for the traceback)"
    ) in result.stderr.splitlines()
