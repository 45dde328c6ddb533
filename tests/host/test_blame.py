"""Blame the right code: a failing third-party component is named with its plugin, never blamed on camchar."""

from __future__ import annotations

import numpy as np
import pytest

from camchar.cli import main as cli

SENTINEL = b"an earlier output"


def write_plugin(folder, name: str, source: str) -> str:
    (folder / f"{name}.py").write_text("import numpy as np\nimport camchar\n\n" + source)
    return name


def run(capsys, *args) -> tuple[int, str]:
    status = cli.main([str(arg) for arg in args])
    return status, capsys.readouterr().err


def test_a_noise_model_raising_names_itself_and_its_plugin(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "robust_model_raises", """
class Robust(camchar.NoiseModel):
    name = "robust"
    description = "a model with a bug"

    def estimate(self, stack):
        raise ValueError("median of an empty slice")

@camchar.hookimpl
def camchar_register_noise_models(register):
    register(Robust())
""")
    output = sweep.parent / "out.h5"
    output.write_bytes(SENTINEL)
    status, err = run(capsys, "stats", sweep, "-o", output, "--plugin", module, "--noise-model", "robust")
    assert status == 1
    (line,) = [line for line in err.splitlines() if line.startswith("camchar: error:")]
    assert line == (
        "camchar: error: noise model 'robust' of plugin robust_model_raises unknown version failed in estimate(): "
        "ValueError: median of an empty slice (a bug in that plugin: report it to its authors; rerun with --debug for the traceback)"
    )
    assert "please report it to camchar" not in err and "Traceback" not in err
    assert output.read_bytes() == SENTINEL


def test_a_debug_run_shows_the_plugins_traceback(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "robust_model_debug", """
class Robust(camchar.NoiseModel):
    name = "robust"
    description = "a model with a bug"

    def estimate(self, stack):
        raise ValueError("in the plugin's own code")

@camchar.hookimpl
def camchar_register_noise_models(register):
    register(Robust())
""")
    status, err = run(capsys, "stats", sweep, "-o", sweep.parent / "o.h5", "--plugin", module, "--noise-model", "robust", "--debug")
    assert status == 1
    assert "Traceback" in err and "robust_model_debug.py" in err and "in the plugin's own code" in err


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("np.full((len(stack), 3), np.nan)", "returned 15 NaN or infinite value(s) of 15 from estimate()"),
        ("np.ones((len(stack), 2))", "returned shape (5, 2) from estimate(), expected (5, 3) (frames, channels)"),
        ("-np.ones((len(stack), 3))", "returned 15 negative value(s) from estimate()"),
        ("'noise'", "returned str from estimate(), not an array of numbers"),
    ],
)
def test_unusable_estimates_are_refused_naming_the_model(sweep, tmp_path, capsys, monkeypatch, answer, problem):
    name = f"odd_model_{abs(hash(answer)) % 10**8}"
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, name, f"""
class Odd(camchar.NoiseModel):
    name = "odd"
    description = "returns something unusable"

    def estimate(self, stack):
        return {answer}

@camchar.hookimpl
def camchar_register_noise_models(register):
    register(Odd())
""")
    status, err = run(capsys, "stats", sweep, "-o", sweep.parent / "o.h5", "--plugin", module, "--noise-model", "odd")
    assert status == 1
    assert f"camchar: error: noise model 'odd' of plugin {name} unknown version {problem}" in err
    assert not (sweep.parent / "o.h5").exists()


def test_bad_input_raised_by_a_plugin_is_exit_2(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "picky_selector", """
class Picky(camchar.Selector):
    name = "picky"
    description = "refuses short exposures"

    def select(self, frames):
        raise camchar.BadInput(frames[0].path, "too short for the picky selector")

@camchar.hookimpl
def camchar_register_selectors(register):
    register(Picky())
""")
    status, err = run(capsys, "stats", sweep, "-o", sweep.parent / "o.h5", "--plugin", module, "--selector", "picky")
    assert status == 2
    assert "SWP_0001.tiff: too short for the picky selector" in err


def test_a_writer_using_numpy_save_writes_exactly_the_requested_file(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "npy_writer", """
class NpyWriter(camchar.Writer):
    name = "npy"
    description = "mean and noise as one numpy array"
    suffixes = (".npy",)

    def write(self, samples, path):
        np.save(path, np.stack([samples.mean, samples.std]))

@camchar.hookimpl
def camchar_register_writers(register):
    register(NpyWriter())
""")
    before = set(sweep.parent.iterdir())
    status, err = run(capsys, "stats", sweep, "-o", sweep.parent / "stats.npy", "--plugin", module)
    assert status == 0, err
    assert set(sweep.parent.iterdir()) - before == {sweep.parent / "stats.npy"}
    assert np.load(sweep.parent / "stats.npy").shape == (2, 5, 3)


def test_a_failing_writer_leaves_nothing_behind(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "half_writer", """
class HalfWriter(camchar.Writer):
    name = "half"
    description = "writes half a file, then fails"
    suffixes = (".npy",)

    def write(self, samples, path):
        np.save(str(path) + ".part", samples.mean)
        path.write_bytes(b"half")
        raise OSError("the disk went away")

@camchar.hookimpl
def camchar_register_writers(register):
    register(HalfWriter())
""")
    before = set(sweep.parent.iterdir())
    output = sweep.parent / "stats.npy"
    status, err = run(capsys, "stats", sweep, "-o", output, "--plugin", module)
    assert status == 1 and "writer 'half' of plugin half_writer unknown version failed in write(): OSError: the disk went away" in err
    assert set(sweep.parent.iterdir()) == before, "no output and no stray file"


def test_a_loader_whose_frame_is_a_row_short_of_the_roi_is_refused(sweep, tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    module = write_plugin(tmp_path, "short_loader", """
from camchar.plugins.loaders.tiff import TiffLoader

class Short(TiffLoader):
    name = "short-tiff"
    description = "cuts the last row of the ROI"

    def load(self, path, request):
        frame = super().load(path, request)
        return camchar.Frame(frame.pixels[:-1], frame.exposure_time, frame.saturation, frame.path)

@camchar.hookimpl
def camchar_register_loaders(register):
    register(Short())
""")
    output = sweep.parent / "o.h5"
    status, err = run(capsys, "stats", sweep, "-o", output, "--plugin", module, "--loader", "short-tiff")
    assert status == 1
    (line,) = [line for line in err.splitlines() if line.startswith("camchar: error:")]
    assert line.startswith("camchar: error: loader 'short-tiff' of plugin short_loader unknown version returned pixels of ")
    assert "the ROI asks for" in line and not output.exists()
