"""camchar response on many inputs: one line each, up-to-date files skipped, what changes a fit makes it out of date."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from camchar import CameraResponse
from conftest import DATA, REFERENCE_H5, REFERENCE_YML, run_camchar, run_in_process

MONOCHROMATOR = DATA / "monochromator-2022-10-11.h5"
#: A quick fit (no alpha search, no draws): these tests are about what is refitted, not about the numbers.
QUICK = ("--method", "ols", "--bootstrap", "0")


@pytest.fixture
def samples(tmp_path) -> list[Path]:
    """Two copies of the Nikon samples, in two folders."""
    paths = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        paths.append(Path(shutil.copy(REFERENCE_H5, tmp_path / name / "nikon.h5")))
    return paths


def fitted(stderr: str) -> int:
    return sum(" computed R² " in line for line in stderr.splitlines())


def skipped(stderr: str) -> int:
    return sum(line.endswith(": skipped (up to date)") for line in stderr.splitlines())


def test_two_fits_then_both_skipped_then_the_changed_one_refitted(samples):
    args = ("response", *samples, "--source", MONOCHROMATOR, *QUICK)
    first = run_in_process(*args)
    assert first.returncode == 0, first.stderr
    assert fitted(first.stderr) == 2 and "(no output yet)" in first.stderr
    outputs = [path.with_name("nikon response.h5") for path in samples]
    assert all(output.exists() for output in outputs)
    assert CameraResponse(outputs[0]).provenance["method"] == "ols"

    stamps = [output.stat().st_mtime_ns for output in outputs]
    second = run_in_process(*args)
    assert skipped(second.stderr) == 2 and [output.stat().st_mtime_ns for output in outputs] == stamps, second.stderr
    assert second.stderr.splitlines()[-1].startswith("camchar: 2 fits: 0 computed, 2 skipped (up to date), 0 failed")

    samples[1].write_bytes(samples[1].read_bytes())  # rewritten with the same bytes: still up to date (contents compared)
    assert skipped(run_in_process(*args).stderr) == 2

    with open(samples[1], "r+b") as handle:  # the samples changed (as when camchar stats rewrote them)
        handle.seek(0, 2)
        handle.write(b"\0")
    third = run_in_process(*args)
    assert third.returncode == 0, third.stderr
    assert skipped(third.stderr) == 1 and "out of date: the samples file changed" in third.stderr
    assert outputs[0].stat().st_mtime_ns == stamps[0] and outputs[1].stat().st_mtime_ns != stamps[1]


def test_fit_parameters_and_force_refit(samples):
    args = ("response", *samples, "--source", MONOCHROMATOR, *QUICK)
    assert run_in_process(*args).returncode == 0
    changed = run_in_process(*args, "--seed", "7")
    assert changed.stderr.count("out of date: the fit's parameters changed") == 2, changed.stderr
    forced = run_in_process(*args, "--seed", "7", "--force")
    assert forced.stderr.count("(--force)") == 2


def test_a_failing_input_is_listed_and_the_others_fitted(samples, tmp_path):
    missing = tmp_path / "nikon-three.h5"
    result = run_in_process("response", samples[0], missing, samples[1], "--source", MONOCHROMATOR, *QUICK)
    assert result.returncode == 2
    assert fitted(result.stderr) == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("camchar: error:")]
    assert errors == [
        f"camchar: error: [2/3] {missing}: {missing}: samples file not found (run camchar stats first, or give the samples file)",
        "camchar: error: 1 of 3 fits failed (listed above); the other 2 are done",
    ]


def test_a_folder_of_settings_files_fits_each_and_output_dir_collects_them(tmp_path):
    for name in ("a", "b"):
        folder = tmp_path / "sweeps" / name
        (folder / "Nikon D810 UV").mkdir(parents=True)
        shutil.copy(REFERENCE_YML, folder / "nikon.yml")
        shutil.copy(REFERENCE_H5, folder / "Nikon D810 UV" / "60mm macro.h5")  # where camchar stats writes it
        shutil.copy(MONOCHROMATOR, folder / "2022-10-11 monochromator.h5")
    out = tmp_path / "out"
    out.mkdir()
    result = run_in_process("response", tmp_path / "sweeps", *QUICK, "--output-dir", out)
    assert result.returncode == 0, result.stderr
    assert sorted(str(path.relative_to(out)) for path in out.rglob("*.h5")) == ["a/nikon response.h5", "b/nikon response.h5"]
    settings_record = CameraResponse(out / "a" / "nikon response.h5").provenance["inputs"]["settings"]
    assert settings_record["path"] == str(tmp_path / "sweeps" / "a" / "nikon.yml")
    assert skipped(run_in_process("response", tmp_path / "sweeps", *QUICK, "--output-dir", out).stderr) == 2


def test_one_input_is_fitted_every_time_as_before(samples):
    args = ("response", samples[0], "--source", MONOCHROMATOR, *QUICK)
    assert run_in_process(*args).returncode == 0
    again = run_in_process(*args)
    assert again.returncode == 0 and "skipped" not in again.stderr and "wrote " in again.stderr


@pytest.mark.slow
def test_jobs_fit_in_worker_processes(samples):
    result = run_in_process("response", *samples, "--source", MONOCHROMATOR, *QUICK, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert fitted(result.stderr) == 2
    again = run_in_process("response", *samples, "--source", MONOCHROMATOR, *QUICK, "--jobs", "2")
    assert skipped(again.stderr) == 2


def test_a_named_pipe_in_place_of_the_samples_is_never_opened(samples):
    args = ("response", *samples, "--source", MONOCHROMATOR, *QUICK)
    assert run_in_process(*args).returncode == 0
    samples[0].unlink()
    os.mkfifo(samples[0])  # the output is there: its record is checked first, without opening the pipe
    result = run_in_process(*args)
    assert result.returncode == 2
    assert f"[1/2] {samples[0]}: failed: {samples[0]}: samples file is not a regular file" in result.stderr
    assert skipped(result.stderr) == 1


KILLER = '''
import os
from pathlib import Path

import numpy as np

from camchar.api import ResponseMethod, hookimpl


class Solve:
    parameters = {"alpha": 0.0}

    def solve(self, X, y):
        flag = Path(os.environ["KILLER_FLAG"])
        if os.environ.get("KILLER_ALWAYS") or not flag.exists():
            flag.touch()
            os._exit(0)  # the process dies, as the kernel kills one that runs out of memory
        return np.linalg.lstsq(X[0], y[0], rcond=None)[0][None].repeat(X.shape[0], axis=0)


class Killer(ResponseMethod):
    name = "killer"
    description = "kills its process"

    def prepare(self, problem):
        return Solve()


@hookimpl
def camchar_register_response_methods(register):
    register(Killer())
'''


@pytest.mark.slow
@pytest.mark.parametrize("always", [False, True])
def test_a_worker_that_dies_fails_only_its_own_fit(tmp_path, monkeypatch, always):
    (tmp_path / "killer_method.py").write_text(KILLER)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("KILLER_FLAG", str(tmp_path / "died"))
    if always:
        monkeypatch.setenv("KILLER_ALWAYS", "1")
    inputs = []
    for name in ("a", "b", "c", "d"):
        (tmp_path / name).mkdir()
        inputs.append(shutil.copy(REFERENCE_H5, tmp_path / name / "nikon.h5"))
    ran = run_camchar("response", *inputs, "--source", MONOCHROMATOR, "--bootstrap", "0", "--plugin", "killer_method", "--method", "killer", "--jobs", "2")
    if always:  # every fit kills its own process: each is lost on its own, reported as such
        assert ran.returncode == 2 and ran.stderr.count("its worker process died") == 8, ran.stderr  # a line each, then listed
        assert not list(tmp_path.glob("*/nikon response.h5"))
    else:  # one process died, under whichever fits it had: they run again (one the other process finished is up to date)
        assert ran.returncode == 0, ran.stderr
        assert fitted(ran.stderr) + skipped(ran.stderr) == 4 and fitted(ran.stderr) >= 3
        assert len(list(tmp_path.glob("*/nikon response.h5"))) == 4
