"""Exposure times without EXIF: each source of the settings' exposure: section, their agreement, and what is refused."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import tifffile

from camchar.core.errors import BadInput
from camchar.settings import read_settings
from camchar.settings.exposure import NamePattern, seconds
from camchar.stats.exposure import ExposureTimes
from camchar.testing import run_stats_on
from conftest import SWEEP, run_in_process

#: The fixture sweep's exposure times by image number (tag 33434 of each TIFF).
SWEEP_TIMES = {number: Fraction(1, 80) * 2 ** ((number - 1) % 3) for number in range(1, 16)}


def settings_with(tmp_path: Path, exposure_yaml: str, image_name: str = "IMG_{:04}.png") -> Path:
    (tmp_path / "images").mkdir(exist_ok=True)
    path = tmp_path / "settings.yml"
    path.write_text(f"image_dir: images\nimage_name: {image_name}\nimages:\n  500: [1, 2, 3]\nexposure:\n{exposure_yaml}")
    return path


def resolver(tmp_path: Path, exposure_yaml: str) -> ExposureTimes:
    return ExposureTimes.from_settings(read_settings(settings_with(tmp_path, exposure_yaml)))


# ---- the values ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1/80", 1 / 80), ("12.5 ms", 1 / 80), ("12.5ms", 1 / 80), ("12500 us", 1 / 80), ("12500 µs", 1 / 80), ("0.0125 s", 1 / 80), (0.025, 0.025), (2, 2.0), ("1/3", 1 / 3)],
)
def test_times_are_converted_exactly(text, expected):
    assert seconds(text) == expected  # the same float, to the last digit


@pytest.mark.parametrize("text", ["0", "-1/80", "12.5 mss", "fast", "1/0", True, float("nan"), "1e9"])
def test_what_is_not_a_time(text):
    assert seconds(text) is None


def test_the_name_pattern_reads_the_unit_after_the_field_and_checks_the_number():
    pattern = NamePattern.parse("IMG_{number}_{exposure}ms.png")
    assert pattern.exposure("IMG_0007_12.5ms.png", 7) == 1 / 80
    assert pattern.exposure("IMG_0007_12p5ms.png", 7) == 1 / 80
    assert pattern.exposure("IMG_0007_12.5ms.png", 8) is None
    assert pattern.exposure("IMG_0007_12.5us.png", 7) is None
    assert NamePattern.parse("*_{exposure}us.pgm").exposure("run3_T12500us.pgm".replace("T", ""), None) == 1 / 80
    assert NamePattern.parse("{exposure}s*").exposure("0.5s_anything.png") == 0.5


# ---- the settings section, checked at its line ----


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("  pattern: IMG_{number}_{exposure}.png\n", 6, "write the unit right after {exposure}"),
        ("  pattern: IMG_{number}.png\n", 6, "has no {exposure} field"),
        ("  pattern: IMG_{n}_{exposure}ms.png\n", 6, "may hold only {number}, {exposure} and \\*"),
        ("  times:\n    1: 1/80\n    2: soon\n", 8, "exposure time 'soon' is not a positive time"),
        ("  times:\n    one: 1/80\n", 7, "keyed by image number"),
        ("  sidecar: {file: t.csv, unit: hours}\n", 6, "'exposure.sidecar.unit' must be one of s, ms, us or µs"),
        ("  json: {key: '', unit: ms}\n", 6, "'exposure.json' must be true, a key"),
        ("  ignore_file: yes please\n", 6, "must be true or false"),
        ("  ignore_file: true\n", 5, "gives no source of exposure times"),
        ("  exif: false\n", 6, "'exposure' has no key 'exif'"),
    ],
)
def test_the_section_is_checked_at_the_line_of_the_faulty_key(tmp_path, section, line, message):
    with pytest.raises(BadInput, match=message) as caught:
        read_settings(settings_with(tmp_path, section))
    assert caught.value.line == line


# ---- each source ----


def test_times_by_image_number(tmp_path):
    exposures = resolver(tmp_path, "  times: {1: 1/80, 2: 25 ms, 3: 0.05}\n")
    path = tmp_path / "images" / "IMG_0002.png"
    assert [exposures.resolve(n, path, None) for n in (1, 2, 3)] == [1 / 80, 1 / 40, 0.05]


def test_a_sidecar_table_by_file_name_or_number_with_the_header_unit(tmp_path):
    (tmp_path / "t.csv").write_text("# from the acquisition log\nfile;exposure (ms)\nIMG_0001.png;12.5\n2;25\nIMG_0003.png;1/20 s\n")
    exposures = resolver(tmp_path, "  sidecar: t.csv\n")
    assert [exposures.resolve(n, tmp_path / f"IMG_{n:04}.png", None) for n in (1, 2, 3)] == [1 / 80, 1 / 40, 1 / 20]


def test_a_malformed_sidecar_is_refused_at_its_line(tmp_path):
    (tmp_path / "t.csv").write_text("IMG_0001.png,1/80\nIMG_0002.png,12..5\n")
    with pytest.raises(BadInput, match=r"t.csv:2: exposure time '12..5' is not a positive time"):
        resolver(tmp_path, "  sidecar: t.csv\n")
    (tmp_path / "t.csv").write_text("IMG_0001.png,1/80\nIMG_0001.png,1/40\n")
    with pytest.raises(BadInput, match=r"'IMG_0001.png' is listed twice \(lines 1 and 2\)"):
        resolver(tmp_path, "  sidecar: t.csv\n")
    with pytest.raises(BadInput, match=r"settings.yml:6: exposure.sidecar: .*missing.csv not found"):
        resolver(tmp_path, "  sidecar: missing.csv\n")


def test_a_json_file_beside_each_image_with_a_nested_key_and_unit(tmp_path):
    image = tmp_path / "images" / "IMG_0001.png"
    exposures = resolver(tmp_path, "  json: {key: camera.exposure, unit: us}\n")
    (tmp_path / "images").mkdir(exist_ok=True)
    image.with_suffix(".json").write_text(json.dumps({"camera": {"exposure": 12500}}))
    assert exposures.resolve(1, image, None) == 1 / 80
    image.with_suffix(".json").write_text(json.dumps({"camera": {"exposure": "25 ms"}}))
    assert exposures.resolve(1, image, None) == 1 / 40
    image.with_suffix(".json").write_text("{not json")
    with pytest.raises(BadInput, match="IMG_0001.json: not valid JSON"):
        exposures.resolve(1, image, None)


def test_the_pattern_on_the_file_name(tmp_path):
    exposures = resolver(tmp_path, "  pattern: IMG_{number}_{exposure}ms.png\n")
    assert exposures.resolve(7, tmp_path / "IMG_0007_12.5ms.png", None) == 1 / 80


# ---- agreement, and where camchar looked ----


def test_the_file_and_a_setting_that_disagree_are_refused_naming_both_values(tmp_path):
    exposures = resolver(tmp_path, "  times: {1: 1/40}\n")
    path = tmp_path / "IMG_0001.tiff"
    with pytest.raises(BadInput) as caught:
        exposures.resolve(1, path, 1 / 80)
    assert caught.value.path == path
    assert caught.value.problem.startswith("exposure time 0.0125 s from the file (EXIF ExposureTime) disagrees with 0.025 s from exposure.times (image 1)")
    assert exposures.resolve(1, path, 1 / 40 * (1 + 1e-7)) == 1 / 40 * (1 + 1e-7)  # within 1e-6: the file's value is used
    assert ExposureTimes.from_settings(read_settings(settings_with(tmp_path, "  times: {1: 1/40}\n  ignore_file: true\n"))).resolve(1, path, 1 / 80) == 1 / 40


def test_two_settings_sources_that_disagree_are_refused(tmp_path):
    (tmp_path / "t.csv").write_text("IMG_0001_12.5ms.png,25 ms\n")
    exposures = resolver(tmp_path, "  sidecar: t.csv\n  pattern: IMG_{number}_{exposure}ms.png\n")
    with pytest.raises(BadInput, match=r"0.025 s from t.csv \(image 1\) disagrees with 0.0125 s from the file name"):
        exposures.resolve(1, tmp_path / "IMG_0001_12.5ms.png", None)


def test_no_time_anywhere_names_the_file_and_where_camchar_looked(tmp_path):
    (tmp_path / "t.csv").write_text("IMG_0002.png,1/80\n")
    exposures = resolver(tmp_path, "  times: {2: 1/80}\n  sidecar: t.csv\n  json: true\n  pattern: '*_{exposure}ms.png'\n")
    path = tmp_path / "images" / "IMG_0001.png"
    with pytest.raises(BadInput) as caught:
        exposures.resolve(1, path, None)
    assert caught.value.path == path
    assert caught.value.problem == (
        "no exposure time (EXIF ExposureTime) in the file, and none in the settings' exposure: section "
        "(exposure.times does not list it; t.csv has no row for it; the JSON file beside it: not found; "
        "its name does not match exposure.pattern '*_{exposure}ms.png')"
    )


# ---- through the pipeline: TIFFs without EXIF, validate, disagreement ----


def sweep_without_exif(tmp_path: Path) -> Path:
    target = tmp_path / "no-exif"
    shutil.copytree(SWEEP, target)
    for path in sorted((target / "raw").glob("*.tiff")):
        tifffile.imwrite(path, tifffile.imread(path), photometric="rgb")  # the same pixels, no ExposureTime
    return target / "settings.yml"


def test_tiffs_without_exif_give_the_same_numbers_with_the_times_in_the_settings(tmp_path, sweep):
    original = run_stats_on(sweep)
    settings = sweep_without_exif(tmp_path)
    times = "".join(f"    {number}: {time}\n" for number, time in SWEEP_TIMES.items())
    settings.write_text(settings.read_text() + f"exposure:\n  times:\n{times}")
    samples = run_stats_on(settings)
    assert np.array_equal(samples.mean, original.mean) and np.array_equal(samples.std, original.std)
    assert np.array_equal(samples.exp_time, original.exp_time)
    assert samples.provenance["image_number"].tolist() == original.provenance["image_number"].tolist()


def test_validate_reports_every_image_without_an_exposure_time(tmp_path):
    settings = sweep_without_exif(tmp_path)
    settings.write_text(settings.read_text() + "exposure:\n  times: {1: 1/80, 2: 1/40}\n")
    result = run_in_process("validate", settings)
    assert result.returncode == 2
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem")]
    missing = "no exposure time (EXIF ExposureTime) in the file, and none in the settings' exposure: section (exposure.times does not list it)"
    assert problems[0].endswith(f"SWP_0003.tiff: {missing}")
    assert problems[3] == f"problem     ... and 10 more files: {missing}"  # 13 images: three shown, then a count
    assert len(problems) == 4


def test_stats_refuses_a_setting_that_disagrees_with_the_exif(sweep):
    sweep.write_text(sweep.read_text() + "exposure:\n  times: {2: 1/80}\n")
    result = run_in_process("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "SWP_0002.tiff: exposure time 0.025 s from the file (EXIF ExposureTime) disagrees with 0.0125 s from exposure.times (image 2); "
        "correct one of them, or set 'ignore_file: true' under exposure: to use the settings"
    )
    assert not (sweep.parent / "out.h5").exists()


def test_an_image_name_with_a_wildcard_matching_two_files_is_refused(tmp_path, sweep):
    raw = sweep.parent / "raw"
    shutil.copy(raw / "SWP_0001.tiff", raw / "SWP_0001_copy.tiff")
    sweep.write_text(sweep.read_text().replace("image_name: SWP_{:04}.DNG", "image_name: SWP_{:04}*.tiff"))
    result = run_in_process("stats", sweep, "-o", sweep.parent / "out.h5")
    assert result.returncode == 2
    assert "SWP_0001*.tiff: matches 2 files (SWP_0001.tiff, SWP_0001_copy.tiff)" in result.stderr
