"""Round two of hostile input (issue 11): every class that gave exit 0 with wrong numbers, a hang, a crash or an
internal error is now one line and exit 2 (or a named warning), nothing is lost and no temporary is left.

Each case runs with the ``run`` fixture: in this process in the default suite, and as a real ``python -m
camchar`` subprocess in the slow suite. ``docs/errors.md`` lists every class with its message.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar import image_stats
from camchar.core.errors import BadInput
from conftest import SWEEP, run_in_process

SENTINEL = b"results of last week's calibration"


def expect_refusal(run, expected: str, *args, output: Path, status: int = 2) -> str:
    """Run ``camchar ARGS -o OUTPUT`` over an existing output; one error line, nothing lost, nothing left."""
    folder = output.parent
    if folder.is_dir():
        output.write_bytes(SENTINEL)
        before = set(folder.iterdir())
    result = run(*args, "-o", output)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0], errors[0]
    if folder.is_dir():
        assert output.read_bytes() == SENTINEL
        assert set(folder.iterdir()) == before, "no temporary file is left"
    return errors[0]


def edit(settings: Path, old: str, new: str) -> Path:
    text = settings.read_text()
    assert old in text, old
    settings.write_text(text.replace(old, new, 1))
    return settings


def rewrite(path: Path, pixels: np.ndarray, exposure=(1, 80)) -> None:
    tifffile.imwrite(path, pixels, photometric="rgb", extratags=[(33434, 5, 1, exposure, True)])


# ---- silent wrong numbers ----------------------------------------------------------------------------


def test_an_8_bit_frame_among_16_bit_ones(run, sweep):
    path = sweep.parent / "raw" / "SWP_0005.tiff"
    rewrite(path, (tifffile.imread(path) >> 8).astype(np.uint8), (1, 40))
    expect_refusal(run, "SWP_0005.tiff: holds uint8 samples, has 8-bit data, but the sweep's first image SWP_0001.tiff holds uint16", "stats", sweep, output=sweep.parent / "out.h5")


def test_a_32_bit_frame_among_16_bit_ones(run, sweep):
    path = sweep.parent / "raw" / "SWP_0015.tiff"
    rewrite(path, tifffile.imread(path).astype(np.uint32), (1, 20))
    expect_refusal(run, "SWP_0015.tiff: holds uint32 samples, has 32-bit data, but the sweep's first image", "stats", sweep, output=sweep.parent / "out.h5")


def test_a_key_given_twice_names_both_lines(run, sweep):
    edit(sweep, "images:", "roi: [0, 0, 96, 64]\nimages:")
    expect_refusal(run, "settings.yml:13: key 'roi' appears twice in the file (lines 8 and 13); give it once", "stats", sweep, output=sweep.parent / "out.h5")


def test_a_wavelength_listed_twice_names_both_lines(run, sweep):
    edit(sweep, "  650: [13, 14, 15]", "  650: [13, 14, 15]\n  450: [1, 2]")
    expect_refusal(run, "settings.yml:19: key '450' appears twice in 'images' (lines 14 and 19)", "stats", sweep, output=sweep.parent / "out.h5")


def test_a_duplicate_key_deeper_down(run, sweep):
    edit(sweep, "images:", "plugins:\n  tiff: {}\n  tiff: {}\nimages:")
    expect_refusal(run, "key 'tiff' appears twice in 'plugins'", "stats", sweep, output=sweep.parent / "out.h5")


@pytest.mark.parametrize(
    ("exposure", "problem"),
    [((4_000_000_000, 1), "exposure time 4e+09 s is outside the possible range 1e-07 to 100000 s"),
     ((1, 4_000_000_000), "exposure time 2.5e-10 s is outside the possible range 1e-07 to 100000 s")],
    ids=["4e9 s", "2.5e-10 s"],
)
def test_absurd_exposure_times_are_refused(run, sweep, exposure, problem):
    path = sweep.parent / "raw" / "SWP_0006.tiff"
    rewrite(path, tifffile.imread(path), exposure)
    expect_refusal(run, f"SWP_0006.tiff: {problem}; refused (a damaged header?)", "stats", sweep, output=sweep.parent / "out.h5")


def test_unusual_exposure_times_are_a_warning_naming_the_file(run, sweep):
    for number in (4, 5, 6):
        path = sweep.parent / "raw" / f"SWP_{number:04}.tiff"
        rewrite(path, tifffile.imread(path), (2000 * number, 1))
    result = run("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 0, result.stderr
    assert "SWP_0004.tiff: exposure time 8000 s is outside the usual 1e-05 to 1000 s; check it" in result.stderr


def test_dark_frames_that_are_images_of_the_sweep(run, sweep):
    edit(sweep, "images:", "dark: [1, 2]\nimages:")
    expect_refusal(run, "settings.yml:13: image 1 is listed under 'dark' and in the bracket of 450: a dark frame is taken without light", "stats", sweep, output=sweep.parent / "out.h5")


@pytest.mark.parametrize(("line", "message"), [("  0: [1, 2, 3]", "wavelength 0 nm is outside the possible range"), ("ND: 50", "ND 50 is outside the possible range 0 to 20")])
def test_impossible_wavelengths_and_nd(run, sweep, line, message):
    edit(sweep, "  450: [1, 2, 3]" if line.startswith("  ") else "ND: 0.0", line)
    expect_refusal(run, message, "stats", sweep, output=sweep.parent / "out.h5")


def test_the_python_api_runs_the_command_lines_checks(sweep):
    output = sweep.parent / "out.h5"
    output.write_bytes(SENTINEL)
    with pytest.raises(BadInput, match=r"max must be in \(0, 1\], got 5"):
        image_stats.main(input=str(sweep), output=str(output), max=5)
    with pytest.raises(BadInput, match="unknown keyword 'outptu'; did you mean 'output'"):
        image_stats.main(input=str(sweep), outptu=str(output))
    with pytest.raises(BadInput, match="unrecognized arguments: --nope"):
        image_stats.main(["-i", str(sweep), "--nope"])  # never SystemExit, which would end a notebook
    with pytest.raises(BadInput, match=r"overexp must be in \(0, 1\], got 1.5"):
        image_stats.load_images(str(sweep), 1.5)
    assert output.read_bytes() == SENTINEL


@pytest.mark.parametrize(("flag", "value"), [("--conversion-gain", "nan"), ("--conversion-gain", "-1"), ("--read-noise", "inf")])
def test_simulate_refuses_a_camera_that_cannot_exist(run, tmp_path, flag, value):
    result = run("simulate", tmp_path / "s", flag, value)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"camchar simulate: {flag[2:]} must be" in result.stderr
    assert not (tmp_path / "s").exists()


# ---- hangs and crashes -------------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(run, tmp_path):
    bomb = ["image_dir: .", "image_name: a{}.tif", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 10):
        bomb.append(f"{chr(97 + level)}: &{chr(97 + level)} [{', '.join(['*' + chr(96 + level)] * 9)}]")
    bomb.append("images: {500: *j}")
    settings = tmp_path / "bomb.yml"
    settings.write_text("\n".join(bomb) + "\n")
    assert len(settings.read_bytes()) < 600
    started = time.perf_counter()
    expect_refusal(run, "bomb.yml: the settings file expands to more than 200000 values", "stats", settings, output=tmp_path / "out.h5")
    if run is run_in_process:  # a process's time is mostly the interpreter's start-up, which a loaded machine stretches
        assert time.perf_counter() - started < 1.5


def test_a_named_pipe_where_an_image_should_be_is_never_opened(run, sweep):
    image = sweep.parent / "raw" / "SWP_0008.tiff"
    image.unlink()
    os.mkfifo(image)
    result = run("validate", sweep)
    assert result.returncode == 2
    assert "SWP_0008.tiff: is not a regular file (a folder, pipe or device); camchar reads image files only" in result.stdout
    expect_refusal(run, "SWP_0008.tiff: is not a regular file", "stats", sweep, output=sweep.parent / "out.h5")


def test_a_full_disk_is_one_line_and_the_old_output_survives(run, sweep, small_disk):
    expect_refusal(run, f"{small_disk / 'out.h5'}: cannot write the output (No space left on device)", "stats", sweep, output=small_disk / "out.h5")


def test_a_read_only_output_is_refused_not_replaced(run, sweep):
    output = sweep.parent / "out.h5"
    output.write_bytes(SENTINEL)
    output.chmod(0o444)
    result = run("stats", sweep, "-o", output)
    assert result.returncode == 2
    assert "out.h5: output file exists and is read-only; camchar does not replace it" in result.stderr
    assert output.read_bytes() == SENTINEL and (output.stat().st_mode & 0o777) == 0o444


def test_default_outputs_of_two_image_folders_never_collide(run, tmp_path):
    for folder in ("run.450", "run.500"):
        shutil.copytree(SWEEP / "raw", tmp_path / folder)
        (tmp_path / f"{folder}.yml").write_text((SWEEP / "settings.yml").read_text().replace("image_dir: raw", f"image_dir: {folder}"))
        assert run("stats", tmp_path / f"{folder}.yml", "--quiet").returncode == 0
    assert sorted(path.name for path in tmp_path.glob("*.h5")) == ["run.450.h5", "run.500.h5"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  450: [1, 2, 3]", "  " + "9" * 400 + ": [1, 2, 3]", "is not a number of sensible size"),
        ("  450: [1, 2, 3]", "  450: [1, 2, " + "9" * 400 + "]", "is not between 0 and"),
        ("ND: 0.0", "ND: " + "9" * 400, "'ND' must be a finite number"),
        ("camera: Test Camera (synthetic DNG)", 'camera: "bad \\ud800 text"', "'camera' holds control characters or invalid (surrogate) code points"),
        ("camera: Test Camera (synthetic DNG)", 'camera: "nul\\0byte"', "'camera' holds control characters"),
        ("image_name: SWP_{:04}.DNG", "image_name: SWP_{0[0]}.DNG", "may only use {} or {:04}-style fields"),
    ],
    ids=["huge wavelength", "huge image number", "huge ND", "lone surrogate", "NUL", "format field"],
)
def test_values_that_used_to_be_internal_errors(run, sweep, old, new, message):
    expect_refusal(run, message, "stats", edit(sweep, old, new), output=sweep.parent / "out.h5")


def test_an_empty_output_name(run, sweep):
    result = run("stats", sweep, "-o", "")
    assert result.returncode == 2
    assert result.stderr == "camchar: error: stats: argument -o/--output: is empty; give a file name such as out.h5 (see camchar stats --help)\n"


def test_image_dir_root_without_an_output(run, sweep):
    edit(sweep, "image_dir: raw", "image_dir: /")
    result = run("stats", sweep)
    assert result.returncode == 2
    assert "settings.yml:11: cannot name the output after the image folder /; give -o OUT.h5" in result.stderr


def test_an_output_name_too_long_for_the_file_system(run, sweep):
    result = run("stats", sweep, "-o", sweep.parent / ("x" * 253 + ".h5"))
    assert result.returncode == 2 and "is longer than 255 bytes; give a shorter -o" in result.stderr


def test_simulate_into_a_read_only_folder(run, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    result = run("simulate", folder / "s")
    assert result.returncode == 2 and "cannot write the simulated sweep" in result.stderr


@pytest.mark.parametrize(("args", "message"), [(["--size", "100000x2"], "image width must be an integer from 2 to 20000"), (["--exposures", "1e9"], "exposures must be from 1e-06 to 3600 s")])
def test_simulate_with_absurd_sizes_and_exposures(run, tmp_path, args, message):
    result = run("simulate", tmp_path / "s", *args)
    assert result.returncode == 2 and message in result.stderr


def test_argument_errors_are_one_line(run, sweep):
    result = run("stats", sweep, "--max", "3")
    assert result.returncode == 2
    assert result.stderr == "camchar: error: stats: argument --max: must be in (0, 1], got '3' (see camchar stats --help)\n"


# ---- what validate now catches, as stats does before any decode ---------------------------------------


@pytest.mark.parametrize(
    ("edit_args", "noise_model", "message"),
    [
        (None, "pairs", "noise model pairs needs two frames at one exposure time in a bracket, and no bracket has them"),
        (None, "fpn-unbiased", "noise model fpn-unbiased needs at least 5 brackets; this sweep has 5"),
        (("  500: [4, 5, 6]\n  550: [7, 8, 9]\n  600: [10, 11, 12]\n  650: [13, 14, 15]\n", ""), "linear-fpn", "noise model linear-fpn needs at least 2 brackets; this sweep has 1"),
    ],
    ids=["pairs without pairs", "fpn-unbiased with 5", "linear-fpn with one bracket"],
)
def test_validate_says_what_stats_would_refuse(run, sweep, edit_args, noise_model, message):
    if noise_model == "fpn-unbiased":
        edit(sweep, "  650: [13, 14, 15]\n", "")
        message = message.replace("has 5", "has 4")
    if edit_args is not None:
        edit(sweep, *edit_args)
    result = run("validate", sweep, "--noise-model", noise_model)
    assert result.returncode == 2 and message in result.stdout, result.stdout
    refused = run("stats", sweep, "--noise-model", noise_model, "-o", sweep.parent / "o.h5")
    assert refused.returncode == 2 and message in refused.stderr
    assert "read 15 images" not in refused.stderr and "read 3 images" not in refused.stderr, "refused before any decode"


# ---- faults during a run (real processes) -------------------------------------------------------------


@pytest.mark.slow
def test_a_closed_pipe_never_aborts_a_run(sweep):
    output = sweep.parent / "out.h5"
    script = f"'{sys.executable}' -m camchar stats '{sweep}' -o '{output}' 2>&1 | head -1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("camchar: settings.yml ->") and result.stdout.count("\n") == 1
    assert output.is_file()


def handles_sigterm(pid: int) -> bool:
    """Whether process ``pid`` catches SIGTERM: camchar's handlers are in place (the interpreter's start-up is over)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # not Linux, or the process is gone
        return True
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.45])
def test_ctrl_c_at_any_moment_is_one_line(sweep, delay):
    """From camchar's first moment on (its handlers installed; the interpreter's own start-up is out of its reach)."""
    process = subprocess.Popen([sys.executable, "-m", "camchar", "stats", str(sweep), "-o", str(sweep.parent / "o.h5")], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not handles_sigterm(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode in (0, 130), err
    if process.returncode == 130:
        assert err.rstrip().endswith("camchar: error: interrupted; any existing output file is unchanged")


_TRUNCATE_AT_LOAD = """
import sys
from pathlib import Path

from camchar.plugins.loaders import tiff

images, at_load = Path(sys.argv[1]), int(sys.argv[2])
original_load = tiff.TiffLoader.load
loads = 0


def load(self, path, request):
    global loads
    loads += 1
    if loads == at_load:
        for image in images.iterdir():
            with open(image, "r+b") as handle:
                handle.truncate(5000)
    return original_load(self, path, request)


tiff.TiffLoader.load = load
sys.argv = ["camchar", *sys.argv[3:]]
from camchar.__main__ import run

run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("at_load", [40, 100], ids=["during-selection", "during-noise-passes"])
def test_images_truncated_during_a_run_are_one_line_not_sigbus(tmp_path, at_load):
    """Every image cut short at a fixed load (not after a sleep: a fast run may finish first)."""
    from camchar.testing import simulated_sweep

    sweep = simulated_sweep(tmp_path / "s", size=(900, 700), wavelengths=tuple(range(400, 700, 10)))
    output = tmp_path / "out.h5"
    command = ["stats", str(sweep.settings), "-o", str(output), "--workers", "1"]
    process = subprocess.run([sys.executable, "-c", _TRUNCATE_AT_LOAD, str(tmp_path / "s" / "images"), str(at_load), *command], capture_output=True, text=True, timeout=120)
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr and process.stderr.count("camchar: error:") == 1
    assert ".tiff:" in process.stderr and not output.exists()


def test_warnings_are_recorded_in_the_output(run, sweep):
    edit(sweep, "roi:", "region_of_interest: 1\nroi:")
    assert run("stats", sweep, "-o", sweep.parent / "out.h5").returncode == 0
    import h5py

    with h5py.File(sweep.parent / "out.h5") as f:
        recorded = [text.decode() for text in f["camchar/warnings"][()]]
    assert any("unknown key 'region_of_interest'" in text for text in recorded)
