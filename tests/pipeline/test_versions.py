"""A component's declared version is in the record of inputs: bumping it recomputes what it affects, and only that."""

from __future__ import annotations

import shutil
import sys

import pytest

from conftest import SWEEP, run_in_process

SELECTOR = '''
from camchar.api import hookimpl
from camchar.plugins.selectors.best_snr import BestSnrSelector

class Revised(BestSnrSelector):
    name = "revised-snr"
    description = "best-snr under another name, at a declared revision"
    version = "{version}"

@hookimpl
def camchar_register_selectors(register):
    register(Revised())
'''


@pytest.mark.slow
def test_bumping_a_components_version_recomputes_the_sweeps_that_use_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    sweeps = tmp_path / "sweeps"
    for name in ("uses", "other"):
        shutil.copytree(SWEEP, sweeps / name)
    settings = sweeps / "uses" / "settings.yml"
    settings.write_text("selector: revised-snr\n" + settings.read_text())
    plugin = tmp_path / "revised_selector.py"
    plugin.write_text(SELECTOR.format(version="1"))
    first = run_in_process("stats", sweeps, "--plugin", "revised_selector")
    assert first.returncode == 0, first.stderr
    assert run_in_process("stats", sweeps, "--plugin", "revised_selector").stderr.count(": skipped (up to date)") == 2
    plugin.write_text(SELECTOR.format(version="2"))
    monkeypatch.delitem(sys.modules, "revised_selector")  # the runs share this process: import the plugin anew
    for cached in tmp_path.glob("__pycache__/revised_selector*"):
        cached.unlink()
    again = run_in_process("stats", sweeps, "--plugin", "revised_selector")
    lines = again.stderr.splitlines()
    assert any("uses/settings.yml" in line and "out of date: the components or their options changed" in line for line in lines), again.stderr
    assert any("other/settings.yml" in line and line.endswith(": skipped (up to date)") for line in lines), again.stderr
