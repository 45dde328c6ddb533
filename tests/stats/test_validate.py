"""camchar validate: a short report, exit 0 when stats would start cleanly, every problem at once otherwise."""

from __future__ import annotations

import tifffile

from conftest import run_in_process


def test_a_good_sweep_validates(sweep):
    result = run_in_process("validate", sweep)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("settings    settings.yml: 5 brackets, 15 images, roi [16, 8, 64, 48]")
    assert "images      15 of 15 readable, 96 x 64 x 3 uint16, exposure times 1/80 to 1/20 s" in lines
    assert lines[-1] == "ok: camchar stats would start cleanly"
    assert not (sweep.parent / "raw.h5").exists(), "validate writes nothing"


def test_every_problem_is_reported(sweep):
    raw = sweep.parent / "raw"
    (raw / "SWP_0004.tiff").unlink()
    (raw / "SWP_0009.tiff").write_bytes((raw / "SWP_0009.tiff").read_bytes()[:5000])
    pixels = tifffile.imread(raw / "SWP_0012.tiff")[:60]
    tifffile.imwrite(raw / "SWP_0012.tiff", pixels, photometric="rgb", extratags=[(33434, 5, 1, (1, 20), True)])
    result = run_in_process("validate", sweep)
    assert result.returncode == 2
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem")]
    assert len(problems) == 3, result.stdout
    assert "SWP_0004.tiff: image file not found" in problems[0]
    assert "SWP_0009.tiff: the file ends before its image data does" in problems[1]
    assert "SWP_0012.tiff: is 96 x 60 with 3 channels, but the sweep's first image SWP_0001.tiff is 96 x 64" in problems[2]
    assert result.stderr.strip() == f"camchar: error: {sweep}: 3 problems found; camchar stats would stop"


def test_validate_checks_components_and_roi(sweep):
    result = run_in_process("validate", sweep, "--noise-model", "nope")
    assert result.returncode == 2 and "no noise model named 'nope'" in result.stdout
    sweep.write_text(sweep.read_text().replace("roi: [16, 8, 64, 48]", "roi: [16, 8, 90, 48]"))
    result = run_in_process("validate", sweep, "--quiet")
    assert result.returncode == 2
    # fifteen files with one problem: three shown, then a count
    assert result.stdout.count("does not fit inside the 96 x 64 image") == 4
    assert "problem     ... and 12 more files: roi [16, 8, 90, 48] does not fit inside the 96 x 64 image" in result.stdout
    assert not any(line.startswith(("settings", "images")) for line in result.stdout.splitlines())


def test_validate_on_raw_files_uses_their_loader(tmp_path):
    import shutil

    from conftest import SWEEP

    shutil.copytree(SWEEP, tmp_path / "s")
    for tiff in (tmp_path / "s" / "raw").glob("*.tiff"):
        tiff.unlink()
    result = run_in_process("validate", tmp_path / "s" / "settings.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loader raw-rgb" in result.stdout
