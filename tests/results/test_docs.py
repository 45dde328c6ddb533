"""docs/results.md: its figures exist, and the script that makes them runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent.parent / "docs"


def test_every_figure_the_page_shows_exists():
    text = (DOCS / "results.md").read_text()
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(figures) == 5  # samples, EMVA 1288 photon transfer, noise-model comparison, response, response comparison
    assert all((DOCS / figure).is_file() for figure in figures)
    assert "results.md" in (DOCS / "index.md").read_text()


@pytest.mark.slow
def test_make_figures_runs(tmp_path):
    done = subprocess.run([sys.executable, str(DOCS / "make_figures.py"), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == sorted(Path(figure).name for figure in re.findall(r"\(figures/([^)]+)\)", (DOCS / "results.md").read_text()))
    from PIL import Image

    for name in made:  # the same figures as in the repository (bytes may differ with another matplotlib or FreeType)
        with Image.open(tmp_path / name) as new, Image.open(DOCS / "figures" / name) as kept:
            assert new.size == kept.size, name
