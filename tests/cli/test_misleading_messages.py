"""Refusals that named the wrong thing (issue 21, "misleading messages"): each now names the file and what is wrong."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np

from camchar.testing import simulated_sweep


def test_a_png_named_pgm_is_named_as_it_is_not_reported_missing(run, tmp_path):
    sweep = simulated_sweep(tmp_path / "sweep", size=(24, 16), wavelengths=(500, 600), image_format="pgm")
    renamed = sweep.settings.parent / "images" / "SIM_0005.pgm"
    iio.imwrite(tmp_path / "frame.png", np.full((16, 24), 1000, np.uint16))
    renamed.write_bytes((tmp_path / "frame.png").read_bytes())
    result = run("stats", sweep.settings, "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"camchar: error: {renamed}: holds a PNG image, but its name ends in .pgm; rename it with the suffix of what it holds, or convert it"
    )
    assert not (tmp_path / "out.h5").exists()


def test_a_decimal_comma_in_an_exposure_table_is_quoted_whole(run, tmp_path):
    sweep = simulated_sweep(tmp_path / "sweep", size=(24, 16), wavelengths=(500, 600), image_format="ppm")
    table = sweep.settings.parent / "images" / "exposures.csv"
    lines = table.read_text().splitlines()
    lines[2] = lines[2].split(",")[0] + ',"0,025"'
    table.write_text("\n".join(lines) + "\n")
    result = run("stats", sweep.settings, "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"camchar: error: {table}:3: exposure time '0,025' is not a positive time (seconds, 1/40, or with a unit: 25 ms); "
        "a decimal comma? write it with a point (0.025)"
    )


def test_an_unquoted_decimal_comma_is_named_too(run, tmp_path):
    sweep = simulated_sweep(tmp_path / "sweep", size=(24, 16), wavelengths=(500, 600), image_format="ppm")
    table = sweep.settings.parent / "images" / "exposures.csv"
    lines = table.read_text().splitlines()
    lines[2] = lines[2].split(",")[0] + ",0,025"
    table.write_text("\n".join(lines) + "\n")
    result = run("stats", sweep.settings, "-o", tmp_path / "out.h5")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(f"{table.name}:3: exposure time '0' is not a positive time (seconds, 1/40, or with a unit: 25 ms); a decimal comma? 0,025 reads as two columns: write 0.025")
