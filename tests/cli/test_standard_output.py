"""A command whose product is printed (show, plugins, validate) never loses it at exit status 0 (issue 21, item 8).

A reader that leaves early (``| head -1``) ends the printing quietly, as every Unix tool does; a standard output that
takes nothing — closed with ``>&-``, or a full disk (``> /dev/full``) — is one line and exit status 2.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import sys

import pytest

from camchar.cli import main as cli
from conftest import REFERENCE_H5


class _FullDisk(io.StringIO):
    """A standard output on a full disk: every write fails with ENOSPC."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fileno(self) -> int:
        raise io.UnsupportedOperation("in memory")


def _main_with_stdout(stdout, *args: object) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main([str(arg) for arg in args])
    return status, stderr.getvalue()


@pytest.mark.parametrize("command", [("show", REFERENCE_H5), ("show", "--json", REFERENCE_H5), ("plugins",)])
def test_a_full_standard_output_is_an_error(command):
    status, stderr = _main_with_stdout(_FullDisk(), *command)
    assert status == 2, stderr
    assert stderr.strip() == "camchar: error: standard output: cannot write to it (No space left on device); nothing more was printed"


@pytest.mark.parametrize("command", [("show", REFERENCE_H5), ("plugins",)])
def test_a_closed_standard_output_is_an_error(command):
    status, stderr = _main_with_stdout(None, *command)  # what Python makes of a closed fd 1
    assert status == 2, stderr
    assert stderr.strip() == "camchar: error: standard output: is closed, so the result could not be printed; redirect it to a file (> FILE) instead"


@pytest.mark.slow
def test_a_reader_leaving_early_is_not_an_error():
    script = f"'{sys.executable}' -m camchar show '{REFERENCE_H5}' | head -1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("how", ["closed", "full"])
def test_real_processes_report_a_lost_standard_output(how):
    command = [sys.executable, "-m", "camchar", "show", str(REFERENCE_H5)]
    if how == "closed":
        result = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=60, preexec_fn=lambda: os.close(1))
    else:
        with open("/dev/full", "w") as full:
            result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("camchar: error: standard output: ") and result.stderr.count("\n") == 1, result.stderr
