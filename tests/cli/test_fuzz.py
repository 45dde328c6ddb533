"""Property-based: mangled settings files, TIFF bytes, DNG bytes and command lines end in success or one clean exit 2.

The examples are derandomised (the "ci" hypothesis profile in tests/conftest.py), so a result is never down to
chance; ``HYPOTHESIS_PROFILE=explore`` searches afresh. Every failure found is kept as a named regression test
(tests/plugins/test_tiff_loader.py::MANGLED_HEADERS, tests/cli/test_hostile_input.py).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camchar.cli import main as cli
from conftest import SWEEP

SETTINGS_TEXT = (SWEEP / "settings.yml").read_text()
#: Examples per property: a quick set in the default suite, many more in the slow one (both derandomised).
QUICK, THOROUGH = 6, 250


def quick_and_thorough(*strategies):
    """Two tests of one property: ``QUICK`` examples by default, ``THOROUGH`` under ``-m slow``."""

    def make(check):
        quick = settings(max_examples=QUICK, deadline=None, suppress_health_check=[HealthCheck.too_slow])(given(*strategies)(check))
        thorough = settings(max_examples=THOROUGH, deadline=None, suppress_health_check=[HealthCheck.too_slow])(given(*strategies)(check))
        return quick, pytest.mark.slow(thorough)

    return make
TIFF_BYTES = (SWEEP / "raw" / "SWP_0005.tiff").read_bytes()


def run_in(folder: Path, *extra: str) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["stats", str(folder / "settings.yml"), "-o", str(folder / "out.h5"), "--workers", "1", *extra])
    return status, stderr.getvalue()


def assert_clean(status: int, stderr: str) -> None:
    assert status in (0, 2), stderr
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("camchar: error:")]
    assert len(errors) == (1 if status == 2 else 0), stderr
    assert all(line.startswith("camchar: ") for line in stderr.splitlines()), stderr


@contextlib.contextmanager
def sweep_copy():
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "sweep"
        shutil.copytree(SWEEP, target)
        yield target


@st.composite
def mangled_text(draw) -> str:
    text = SETTINGS_TEXT
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["delete", "insert", "replace", "swap_lines", "repeat_line", "hostile_value"]))
        position = draw(st.integers(0, len(text)))
        if operation == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        elif operation == "insert":
            text = text[:position] + draw(st.text(alphabet="[]{}:,-#'\"\n 0123456789abcx.", max_size=12)) + text[position:]
        elif operation == "replace":
            text = text[:position] + draw(st.sampled_from(["-1", "1e9", "[]", "{}", "null", "yes", "'x'", "0", "9999"])) + text[position + 2 :]
        elif operation == "swap_lines":
            lines = text.splitlines()
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif operation == "repeat_line":  # a key given twice
            lines = text.splitlines()
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
            text = "\n".join(lines)
        else:  # values that used to crash or mislead: huge numbers, aliases, control characters
            value = draw(st.sampled_from(["9" * 400, "1e400", "-0.0", "&a [1, 2]", "*a", '"\\ud800"', '"\\0"', "{0[0]}", "0.0000000001", "1/0"]))
            text = text[:position] + value + text[position:]
    return text


def _mangled_settings_never_crash(text):
    with sweep_copy() as folder:
        (folder / "settings.yml").write_text(text)
        assert_clean(*run_in(folder))


@st.composite
def mangled_bytes(draw) -> bytes:
    data = bytearray(TIFF_BYTES)
    operation = draw(st.sampled_from(["truncate", "flip", "overwrite_header"]))
    if operation == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if operation == "flip":
        for _ in range(draw(st.integers(1, 16))):
            data[draw(st.integers(0, 4200))] = draw(st.integers(0, 255))
        return bytes(data)
    start = draw(st.integers(0, 400))
    chunk = draw(st.binary(min_size=1, max_size=64))
    data[start : start + len(chunk)] = chunk
    return bytes(data)


def _mangled_tiff_bytes_never_crash(data):
    with sweep_copy() as folder:
        (folder / "raw" / "SWP_0005.tiff").write_bytes(data)
        assert_clean(*run_in(folder))


DNG_BYTES = (SWEEP / "raw" / "SWP_0005.DNG").read_bytes()


@st.composite
def mangled_dng(draw) -> bytes:
    data = bytearray(DNG_BYTES)
    operation = draw(st.sampled_from(["truncate", "flip", "overwrite_header"]))
    if operation == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if operation == "flip":
        for _ in range(draw(st.integers(1, 16))):
            data[draw(st.integers(0, min(len(data) - 1, 2000)))] = draw(st.integers(0, 255))
        return bytes(data)
    start = draw(st.integers(0, 600))
    chunk = draw(st.binary(min_size=1, max_size=64))
    data[start : start + len(chunk)] = chunk
    return bytes(data)


def _mangled_dng_bytes_never_crash(data, loader):
    with sweep_copy() as folder:
        for tiff in (folder / "raw").glob("*.tiff"):
            tiff.unlink()
        (folder / "raw" / "SWP_0005.DNG").write_bytes(data)
        assert_clean(*run_in(folder, "--loader", loader))


FLAGS = ["--max", "--loader", "--selector", "--noise-model", "--writer", "--option", "--workers", "-o", "--quiet", "--json", "--kind", "--nope"]
VALUES = ["0", "1", "-1", "0.5", "2", "nan", "inf", "", "x", "tiff", "pairs", "a.b=c", "a=b", "=", ".h5", "1e999", "9" * 40, "--", "\u00e9"]


def _mangled_command_lines_never_crash(command, words):
    with sweep_copy() as folder:
        target = {"stats": "settings.yml", "validate": "settings.yml", "show": "expected.h5", "plot": "expected.h5", "export": "expected.h5", "simulate": "new"}.get(command, "")
        args = [command] + ([str(folder / target)] if target else []) + [word.replace(".h5", str(folder / "x.h5")) if word == ".h5" else word for word in words]
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            try:
                status = cli.main(args)
            except SystemExit as exit_:  # --help and --version end the command line this way
                status = exit_.code
        assert status in (0, 2), (args, stderr.getvalue())
        assert "Traceback" not in stderr.getvalue()


test_mangled_settings_never_crash, test_mangled_settings_never_crash_thoroughly = quick_and_thorough(mangled_text())(_mangled_settings_never_crash)

test_mangled_tiff_bytes_never_crash, test_mangled_tiff_bytes_never_crash_thoroughly = quick_and_thorough(mangled_bytes())(_mangled_tiff_bytes_never_crash)

test_mangled_dng_bytes_never_crash, test_mangled_dng_bytes_never_crash_thoroughly = quick_and_thorough(mangled_dng(), st.sampled_from(["raw-rgb", "raw-bayer"]))(_mangled_dng_bytes_never_crash)

test_mangled_command_lines_never_crash, test_mangled_command_lines_never_crash_thoroughly = quick_and_thorough(
    st.sampled_from(["stats", "validate", "show", "plot", "export", "plugins", "simulate", "nonsense"]),
    st.lists(st.one_of(st.sampled_from(FLAGS), st.sampled_from(VALUES)), max_size=6),
)(_mangled_command_lines_never_crash)
