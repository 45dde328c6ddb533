"""Reading settings files: the original format unchanged, camchar's keys, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.frames import Region
from camchar.settings import read_settings
from conftest import REFERENCE_YML, SWEEP


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_real_nikon_settings_unchanged():
    settings = read_settings(REFERENCE_YML)
    assert settings.camera == "Nikon D810 full spectrum conversion"
    assert settings.lens == "AF Micro Nikkor 60 mm 1/2.8 D"
    assert settings.settings == "f/2.8, ISO 64"
    assert settings.label == "Nikon D810 UV 60mm"
    assert settings.nd == 0.0
    assert settings.crop == Region(3290, 1825, 1350, 1350)
    assert settings.roi == Region(300, 300, 750, 750)
    assert settings.dcraw == "-w"
    assert settings.non_negative is True
    assert settings.source_spectra == "2022-10-11 monochromator"
    assert settings.image_dir == REFERENCE_YML.parent / "Nikon D810 UV" / "60mm macro"
    assert len(settings.images) == 111
    assert list(settings.images)[:2] == [300, 305]
    assert settings.images[465] == (103, 104, 105)
    assert settings.image_file(1, ".tiff").name == "UV1_0001.tiff"
    assert settings.samples_file == REFERENCE_YML.parent / "Nikon D810 UV" / "60mm macro.h5"


def test_reads_the_fixture_settings_and_records_key_lines():
    settings = read_settings(SWEEP / "settings.yml")
    assert settings.image_dir == SWEEP / "raw"
    assert settings.image_name == "SWP_{:04}.DNG"
    assert settings.images == {450: (1, 2, 3), 500: (4, 5, 6), 550: (7, 8, 9), 600: (10, 11, 12), 650: (13, 14, 15)}
    assert settings.line_of("camera") == 1
    assert settings.line_of("images") == 13
    assert settings.lines["images.650"] == 18


def test_camchar_keys_and_sorted_wavelengths(tmp_path):
    path = write(
        tmp_path,
        "image_dir: /data/sweep\nimage_name: IMG_{:03}.tif\nloader: tiff\nselector: best-snr\n"
        "noise_model: linear-fpn\nmax: 0.9\nimages:\n  700.5: [3]\n  400: 1\n",
    )
    settings = read_settings(path)
    assert settings.image_dir == Path("/data/sweep")
    assert (settings.loader, settings.selector, settings.noise_model, settings.max) == ("tiff", "best-snr", "linear-fpn", 0.9)
    assert list(settings.images.items()) == [(400, (1,)), (700.5, (3,))]
    assert settings.roi is None and settings.crop is None and settings.nd == 0.0


def test_sensor_levels_one_or_one_per_channel(tmp_path):
    path = write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nwhite_level: 4095\nblack_level: [64, 64.5, 63]\ndefect_mask: auto\n")
    settings = read_settings(path)
    assert settings.white_level == (4095.0,) and settings.black_level == (64.0, 64.5, 63.0)
    assert settings.defect_mask == "auto" and settings.detect_clipping is True and settings.saturated_fraction == 0.0


def test_numbers_in_exponent_notation_are_numbers_as_in_yaml_1_2(tmp_path):
    # YAML 1.1 (PyYAML) reads 1e-1 and 4.095e3 as text; no settings file means that
    path = write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages: {5e2: [1]}\nmax: 9.9e-1\nwhite_level: 4.095e3\nblack_level: [64, 6.4E1, 1e2]\n")
    settings = read_settings(path)
    assert settings.max == 0.99 and settings.white_level == (4095.0,) and settings.black_level == (64.0, 64.0, 100.0)
    assert list(settings.images) == [500.0]


def test_integers_with_leading_zeros_are_decimal_as_in_yaml_1_2(tmp_path):
    # YAML 1.1 (PyYAML) reads 0010 as the octal 8 and 0008 as text: image 10 would silently become image 8
    path = write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages: {0700: [0010, 0011, 0008], 0o1240: [12]}\n")
    assert dict(read_settings(path).images) == {672: (12,), 700: (10, 11, 8)}


def test_text_values_are_kept_as_written(tmp_path):
    path = write(tmp_path, "image_dir: 2e3\nimage_name: a{}.tif\nimages: {500: [1]}\ncamera: 2e3\nlens: 1.10\nsettings: yes\nlabel:\n")
    settings = read_settings(path)
    assert (settings.camera, settings.lens, settings.settings, settings.label) == ("2e3", "1.10", "yes", None)
    assert settings.image_dir == tmp_path / "2e3"
    shared = read_settings(write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nmax: &m 9.8e-1\nlabel: *m\n"))
    assert (shared.max, shared.label) == (0.98, "9.8e-1")


def test_output_is_relative_to_the_settings_file(tmp_path):
    base = "image_dir: raw\nimage_name: a{}.tif\nimages: {500: [1]}\n"
    settings = read_settings(write(tmp_path, base + "output: results/pairs.h5\n"))
    assert settings.output == settings.samples_file == tmp_path / "results" / "pairs.h5"
    assert read_settings(write(tmp_path, base)).samples_file == tmp_path / "raw.h5"
    assert read_settings(write(tmp_path, base + "output: pairs\n")).samples_file == tmp_path / "pairs.h5"  # as -o pairs
    for bad in ('""', "[1]", "results/"):
        with pytest.raises(BadInput, match=r"settings.yml:4: 'output' must be a file name such as sweep.h5"):
            read_settings(write(tmp_path, base + f"output: {bad}\n"))


@pytest.mark.parametrize("key", ["image_dir", "output"])
def test_an_unknown_home_folder_is_one_line(tmp_path, key):
    text = {"image_dir": "x", "output": "o.h5"} | {key: "~no_such_user_camchar/sweep"}
    path = write(tmp_path, f"image_dir: {text['image_dir']}\nimage_name: a{{}}.tif\nimages: {{500: [1]}}\noutput: {text['output']}\n")
    with pytest.raises(BadInput, match=rf"'{key}' starts with ~no_such_user_camchar, a home folder that is not known here"):
        read_settings(path)


def test_unknown_key_warns_with_the_closest_known_key(tmp_path):
    path = write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nnoise-model: spatial\n")
    with pytest.warns(CamcharWarning, match=r"settings.yml:4: unknown key 'noise-model'; did you mean 'noise_model'\?"):
        read_settings(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("image_dir: x\nimages: {500: [1]}\n", "required key 'image_name' is missing"),
        ("image_name: a{}.tif\nimages: {500: [1]}\n", "required key 'image_dir' is missing"),
        ("image_dir: x\nimage_name: a{}.tif\n", "required key 'images' is missing"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nroi: [1, 2, 3]\n", r":4: 'roi' must be four integers"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nroi: [0, 0, 1.5, 2]\n", "'roi' must be four integers"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\ncrop: [0, 0, 0, 2]\n", "'crop' needs x, y >= 0 and w, h > 0"),
        ("image_dir: x\nimage_name: a{}.tif\nimages:\n  blue: [1]\n", r":4: wavelength 'blue' in 'images' is not a number"),
        ("image_dir: x\nimage_name: a{}.tif\nimages:\n  450: [1, two]\n", r":4: image number 'two' at 450 is not an integer"),
        ("image_dir: x\nimage_name: a{}.tif\nimages:\n  450: [1.5]\n", "image number 1.5 at 450 is not an integer"),
        ("image_dir: x\nimage_name: a.tif\nimages: {500: [1]}\n", "has no {} for the image number"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nmax: 2\n", r"'max' is a fraction of full scale in \(0, 1\]"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nND: dark\n", "'ND' must be a finite number"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nwhite_level: 0\n", r":4: 'white_level' must be positive"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nwhite_level: [4095, full]\n", "'white_level' must be a number of counts"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nblack_level: -3\n", "'black_level' must be at least 0"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nblack_level: 64\ndark: [2]\n", r":4: black_level and dark: both remove the offset"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\nsaturated_fraction: 0.5\n", r"'saturated_fraction' is a fraction of a channel's pixels in \[0, 0.5\)"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\ndefect_mask: yes\n", "'defect_mask' must be one of auto, darks, frames"),
        ("image_dir: x\nimage_name: a{}.tif\nimages: {500: [1]}\ndetect_clipping: maybe\n", "'detect_clipping' must be true or false"),
        ("- just\n- a list\n", "must be a mapping"),
        ("image_dir: [x\n", r"not valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(BadInput, match=message) as caught:
        read_settings(path)
    assert caught.value.path == path


def test_missing_settings_file(tmp_path):
    with pytest.raises(BadInput, match="settings file not found"):
        read_settings(tmp_path / "nope.yml")


def test_yaml_error_reports_the_line(tmp_path):
    path = write(tmp_path, "image_dir: x\nimage_name: a{}.tif\nimages:\n  450: [1, 2\n  500: [3]\n")
    with pytest.raises(BadInput) as caught:
        read_settings(path)
    assert caught.value.line is not None and caught.value.line >= 4


def test_dark_section_per_exposure_or_one_set(tmp_path):
    base = "image_dir: x\nimage_name: a{}.tif\nimages: {450: [1, 2]}\n"
    per_exposure = read_settings(write(tmp_path, base + "dark:\n  1/80: [5, 6]\n  0.025: [7]\n"))
    assert per_exposure.dark == {0.0125: (5, 6), 0.025: (7,)}
    one_set = read_settings(write(tmp_path, base + "dark: [5, 6, 7]\n"))
    assert one_set.dark == {None: (5, 6, 7)}
    with pytest.raises(BadInput, match=r":5: exposure time 'soon' in 'dark' is not a positive number"):
        read_settings(write(tmp_path, base + "dark:\n  soon: [5]\n"))
    with pytest.raises(BadInput, match="image number 'x' in dark frames of 1/80 is not an integer"):
        read_settings(write(tmp_path, base + "dark:\n  1/80: [x]\n"))
