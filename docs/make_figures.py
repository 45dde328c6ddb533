"""Make the figures of docs/results.md: ``python docs/make_figures.py [FOLDER]`` (default docs/figures).

Simulates the demo camera's sweep with ``camchar simulate`` (two frames per
exposure and dark frames, so that the EMVA 1288 ``pairs`` noise model and
parameters come too), computes
its statistics with ``camchar stats`` under two noise models, and plots them
with ``camchar.results``; the response figures use the real response files in
``tests/data/``. Rerun it after changing the figures' style; the output is
the same on every run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from camchar.results import panel_figure, plot_files, save_figure

DOCS = Path(__file__).resolve().parent
DATA = DOCS.parent / "tests" / "data"


def camchar(*args: object) -> None:
    """Run a camchar command as a user would; stop on failure."""
    subprocess.run([sys.executable, "-m", "camchar", *map(str, args)], check=True)


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="camchar-docs-") as temporary:
        work = Path(temporary)
        camchar("simulate", work / "sweep", "--wavelengths", "400:700:10", "--frames-per-exposure", "2", "--dark-frames", "2", "--quiet")
        default = work / "demo-linear-fpn.h5"
        pairs = work / "demo-pairs.h5"
        camchar("stats", work / "sweep" / "settings.yml", "-o", default, "--quiet")
        camchar("stats", work / "sweep" / "settings.yml", "-o", pairs, "--noise-model", "pairs", "--quiet")
        written = [
            plot_files([default], output / "samples-overview.png"),
            save_figure(panel_figure([default, pairs], "snr"), output / "compare-noise-models.png"),
            plot_files([default], output / "emva1288-overview.png", kind="emva1288"),
            plot_files([DATA / "response-ridge-smooth-s1.h5"], output / "response-overview.png"),
            save_figure(panel_figure([DATA / "response-ridge-smooth-s1.h5", DATA / "response-ols-s3.h5"], "response"), output / "compare-responses.png"),
        ]
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS / "figures")
