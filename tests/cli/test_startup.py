"""``camchar --help`` and ``--version`` answer at once: no heavy library is imported for them."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

#: Libraries that only the commands themselves need; each costs tens to hundreds of milliseconds to import.
HEAVY = ("numpy", "h5py", "scipy", "tifffile", "rawpy", "imageio", "rich", "yaml", "pluggy", "matplotlib")

#: The target is 0.25 s on an idle machine (docs/performance.md); the bound leaves room for a busy test machine.
GENEROUS_SECONDS = 1.5


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_answers_without_importing_heavy_libraries(flag):
    program = (
        "import sys\n"
        "from camchar.cli.main import main\n"
        "try:\n"
        f"    main([{flag!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(' '.join(sorted({{name.split('.')[0] for name in sys.modules}} & set({HEAVY!r}))), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == ""


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_answers_quickly(flag):
    best = float("inf")
    for _ in range(3):  # the best of three: one slow start on a busy machine is not camchar's time
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "camchar", flag], capture_output=True, text=True)
        best = min(best, time.perf_counter() - started)
        assert result.returncode == 0 and "camchar" in result.stdout
    assert best < GENEROUS_SECONDS
