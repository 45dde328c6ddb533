"""Property-based: mangled settings files and mangled TIFF bytes end in success or one clean exit 2."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from camchar.cli import main as cli

from conftest import SWEEP

SETTINGS_TEXT = (SWEEP / "settings.yml").read_text()
TIFF_BYTES = (SWEEP / "raw" / "SWP_0005.tiff").read_bytes()


def run_in(folder: Path) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["stats", str(folder / "settings.yml"), "-o", str(folder / "out.h5"), "--workers", "1"])
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
        operation = draw(st.sampled_from(["delete", "insert", "replace", "swap_lines"]))
        position = draw(st.integers(0, len(text)))
        if operation == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        elif operation == "insert":
            text = text[:position] + draw(st.text(alphabet="[]{}:,-#'\"\n 0123456789abcx.", max_size=12)) + text[position:]
        elif operation == "replace":
            text = text[:position] + draw(st.sampled_from(["-1", "1e9", "[]", "{}", "null", "yes", "'x'", "0", "9999"])) + text[position + 2 :]
        else:
            lines = text.splitlines()
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_text())
def test_mangled_settings_never_crash(text):
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_bytes())
def test_mangled_tiff_bytes_never_crash(data):
    with sweep_copy() as folder:
        (folder / "raw" / "SWP_0005.tiff").write_bytes(data)
        assert_clean(*run_in(folder))
