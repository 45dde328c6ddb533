"""Exports of a response for the tools that use it, each read back by its consumer where one is installed.

The truth is the HDF5 file itself, read with h5py, and closed forms: every expected value is computed here
from the datasets, never through camchar's resampling.
"""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from camchar import CameraResponse
from camchar.api.files import resample_response
from conftest import DATA, REFERENCE_H5, run_in_process

from .conftest import RESPONSE, h5_attr, h5_value, write_response

SCHEMA = DATA / "rawtoaces-spectral-1.0.0.schema.json"
SOURCE = DATA / "monochromator-2022-10-11.h5"


@pytest.fixture
def response(tmp_path) -> Path:
    """A private copy of the original's ridge-smooth response of the Nikon D810 (1 nm, 250-850 nm; measured 300-800 nm)."""
    return Path(shutil.copy(RESPONSE, tmp_path / "nikon response.h5"))


def altered_response(path: Path, wavelength: np.ndarray, mean: np.ndarray, measured: slice = slice(None)) -> Path:
    """The Nikon response with its grid and curves replaced, and its samples cut to ``measured``."""
    response = CameraResponse(RESPONSE)
    response.wl, response.mean, response.std = wavelength, mean, np.abs(mean) * 0.01
    for name in ("samples_wl", "samples_mean", "samples_std", "estimates_mean", "estimates_std"):
        setattr(response, name, getattr(response, name)[measured])
    response.save(path)
    return path


def response_truth(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wavelength, mean and std as the file holds them."""
    return h5_value(path, "wavelength"), h5_value(path, "response_mean"), h5_value(path, "response_std")


def trapezoid_area(x: list[float], y: list[float]) -> float:
    """The trapezoid rule written out: sum of (x[i+1] - x[i]) * (y[i] + y[i+1]) / 2."""
    return sum((x1 - x0) * (y0 + y1) / 2 for x0, x1, y0, y1 in zip(x, x[1:], y, y[1:]))


# --------------------------------------------------------------------------------------------------------------
# rawtoaces


def test_rawtoaces_file_is_valid_against_the_schema_on_its_grid(run, response, tmp_path):
    import jsonschema

    output = tmp_path / "nikon.json"
    ran = run("export", response, "--format", "rawtoaces", "--option", "rawtoaces.license=CC-BY-4.0", "-o", output)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(output.read_text())
    jsonschema.validate(document, json.loads(SCHEMA.read_text()), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    header, data = document["header"], document["spectral_data"]
    assert header["schema_version"] == "1.0.0" and header["license"] == "CC-BY-4.0"
    assert (header["manufacturer"], header["model"]) == ("Nikon", "D810 full spectrum conversion")
    created = datetime.datetime.strptime(header["document_creation_date"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(created - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)).total_seconds() < 60
    assert data["units"] == "relative" and data["index"] == {"main": ["R", "G", "B"]}
    assert list(data["data"]["main"]) == [str(nm) for nm in range(380, 781, 5)]
    wavelength, mean, _ = response_truth(response)
    rows = np.searchsorted(wavelength, np.arange(380, 781, 5))  # the 5 nm grid falls on the file's 1 nm nodes
    expected = mean[rows] / mean[rows].max()
    assert np.array(list(data["data"]["main"].values())) == pytest.approx(expected, rel=1e-15, abs=0)
    assert repr(float(mean[rows].max())) in header["comments"] and "outside the measured range" not in header["comments"]


def test_rawtoaces_flags_a_grid_beyond_the_measured_range(response, tmp_path):
    """Measured 400-700 nm, fitted on 300-800 nm: the file is written, and says which part is the fit's."""
    wavelength = np.arange(300.0, 801.0)
    source = altered_response(tmp_path / "narrow.h5", wavelength, np.ones((wavelength.size, 3)), measured=slice(20, 81))
    output = tmp_path / "narrow.json"
    ran = run_export(source, "rawtoaces", output)
    assert ran.returncode == 0, ran.stderr
    assert "the grid 380-780 nm reaches outside the measured range 400-700 nm" in json.loads(output.read_text())["header"]["comments"]


def test_a_grid_beyond_the_response_is_refused_and_the_old_output_kept(run, tmp_path):
    wavelength = np.arange(400.0, 701.0)
    source = altered_response(tmp_path / "short.h5", wavelength, np.ones((wavelength.size, 3)), measured=slice(20, 81))
    output = tmp_path / "short.json"
    output.write_text("old")
    ran = run("export", source, "--format", "rawtoaces", "-o", output)
    assert ran.returncode == 2
    assert ran.stderr.strip().splitlines()[-1] == (
        f"camchar: error: {output}: rawtoaces' camera file needs 380-780 nm, and the response covers 400-700 nm "
        "(measured 400-700 nm); camchar does not extrapolate a fitted response"
    )
    assert "Traceback" not in ran.stderr and output.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["short.h5", "short.json"]


# --------------------------------------------------------------------------------------------------------------
# The resampling: linear interpolation, against closed forms


def test_linear_interpolation_against_closed_forms(tmp_path):
    """On a 2 nm grid, a straight line is exact at every point; x² is h²/4 = 1 high midway between nodes."""
    wavelength = np.arange(300.0, 801.0, 2.0)
    curves = np.stack([2.0 * wavelength + 3.0, wavelength**2, np.full_like(wavelength, 7.0)], axis=1)
    source = CameraResponse(altered_response(tmp_path / "forms.h5", wavelength, curves))
    grid = np.arange(380.0, 781.0, 5.0)
    resampled = resample_response(source, grid, tmp_path / "out.json", "a test")
    assert resampled.mean[:, 0] == pytest.approx(2.0 * grid + 3.0, rel=1e-15)
    midway = grid % 2 == 1  # 385, 395, ...: halfway between two nodes 2 nm apart
    assert resampled.mean[midway, 1] == pytest.approx(grid[midway] ** 2 + 1.0, rel=1e-15)
    assert resampled.mean[~midway, 1] == pytest.approx(grid[~midway] ** 2, rel=1e-15)
    assert resampled.mean[:, 2] == pytest.approx(7.0, rel=1e-15)


# --------------------------------------------------------------------------------------------------------------
# colour


def test_colour_csv_holds_the_native_grid_to_the_last_digit(run, response, tmp_path):
    output = tmp_path / "nikon.csv"
    ran = run("export", response, "--format", "colour", "-o", output)
    assert ran.returncode == 0, ran.stderr
    assert "the grid 250-850 nm reaches outside the measured range 300-800 nm" in ran.stderr
    with output.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["wavelength", "R", "G", "B"]
    wavelength, mean, _ = response_truth(response)
    assert np.array([[float(value) for value in row] for row in rows[1:]]).tolist() == np.column_stack([wavelength, mean]).tolist()
    assert (mean < 0).any() and any(value.startswith("-") for row in rows[1:] for value in row)  # negatives kept


@pytest.mark.slow
def test_colour_science_reads_the_csv(response, tmp_path):
    colour = pytest.importorskip("colour")
    output = tmp_path / "nikon.csv"
    assert run_export(response, "colour", output).returncode == 0
    distributions = colour.read_sds_from_csv_file(str(output))
    wavelength, mean, _ = response_truth(response)
    assert list(distributions) == ["R", "G", "B"]
    for column, name in enumerate("RGB"):
        assert distributions[name].wavelengths.tolist() == wavelength.tolist()
        assert distributions[name].values.tolist() == mean[:, column].tolist()


# --------------------------------------------------------------------------------------------------------------
# mica


def test_mica_rows_have_unit_area_on_the_measured_range(run, response, tmp_path):
    output = tmp_path / "Nikon D810 60mm 300-800.csv"
    ran = run("export", response, "--format", "mica", "-o", output)
    assert ran.returncode == 0, ran.stderr
    rows = [line.split(",") for line in output.read_text().splitlines()]
    assert rows[0] == ["wavelength", *map(str, range(300, 801))]
    assert [row[0] for row in rows[1:]] == ["R", "G", "B"]
    grid = [float(value) for value in rows[0][1:]]
    wavelength, mean, _ = response_truth(response)
    nodes = np.searchsorted(wavelength, grid)
    for column, row in enumerate(rows[1:]):
        values = [float(value) for value in row[1:]]
        assert trapezoid_area(grid, values) == pytest.approx(1.0, rel=1e-12)
        truth = mean[nodes, column]
        assert np.array(values) == pytest.approx(truth / trapezoid_area(grid, truth.tolist()), rel=1e-12)


def test_mica_refuses_a_grid_beyond_the_measured_range(run, response, tmp_path):
    output = tmp_path / "mica.csv"
    output.write_text("old")
    ran = run("export", response, "--format", "mica", "--option", "mica.start=250", "-o", output)
    assert ran.returncode == 2
    assert ran.stderr.strip().splitlines()[-1] == (
        f"camchar: error: {output}: micaToolbox's camera file takes measured data only, and the grid 250-800 nm reaches "
        "outside the measured range 300-800 nm; give a start and an end within it"
    )
    assert output.read_text() == "old"


def test_mica_range_and_step_options(response, tmp_path):
    output = tmp_path / "mica.csv"
    ran = run_export(response, "mica", output, "--option", "mica.start=400", "--option", "mica.end=700", "--option", "mica.step=10")
    assert ran.returncode == 0, ran.stderr
    assert output.read_text().splitlines()[0] == "wavelength," + ",".join(map(str, range(400, 701, 10)))
    bad = run_export(response, "mica", output, "--option", "mica.end=707", "--option", "mica.step=10")
    assert bad.returncode == 2 and "the grid 300:707:10 nm does not end on a step" in bad.stderr


# --------------------------------------------------------------------------------------------------------------
# dcamprof


def test_dcamprof_ssf_file(run, response, tmp_path):
    output = tmp_path / "ssf.json"
    ran = run("export", response, "--format", "dcamprof", "-o", output)
    assert ran.returncode == 0, ran.stderr
    document = json.loads(output.read_text())
    assert document["camera_name"] == h5_attr(response, "/", "camera")
    assert document["ssf_bands"] == list(range(300, 801, 5)) and "comments" not in document
    wavelength, mean, _ = response_truth(response)
    rows = np.searchsorted(wavelength, document["ssf_bands"])
    expected = mean[rows] / mean[rows].max()
    curves = np.column_stack([document["red_ssf"], document["green_ssf"], document["blue_ssf"]])
    assert curves == pytest.approx(expected, rel=1e-15, abs=0) and curves.max() == 1.0


def test_dcamprof_flags_a_grid_beyond_the_measured_range(response, tmp_path):
    output = tmp_path / "ssf.json"
    assert run_export(response, "dcamprof", output, "--option", "dcamprof.start=250").returncode == 0
    assert "the grid 250-800 nm reaches outside the measured range 300-800 nm" in json.loads(output.read_text())["comments"]


# --------------------------------------------------------------------------------------------------------------
# The original's Excel collation


def test_excel_collation_of_several_responses(run, response, tmp_path):
    import openpyxl

    other = write_response(tmp_path / "synthetic.h5")
    output = tmp_path / "all.xlsx"
    ran = run("export", response, other, "--format", "response-xlsx", "-o", output)
    assert ran.returncode == 0, ran.stderr
    workbook = openpyxl.load_workbook(output)
    assert len(workbook.sheetnames) == 2
    for sheet, source in zip(workbook.worksheets, (response, other)):
        rows = list(sheet.iter_rows(values_only=True))
        for row, name in enumerate(("camera", "lens", "settings")):
            assert rows[row][:2] == (name.capitalize(), h5_attr(source, "/", name))
        assert rows[3][:2] == ("Units", h5_attr(source, "response_mean", "units"))
        assert rows[4][:7] == ("Wavelength", "Red", "Green", "Blue", "std(Red)", "std(Green)", "std(Blue)")
        wavelength, mean, std = response_truth(source)
        assert [list(row[:7]) for row in rows[5:]] == np.column_stack([wavelength, mean, std]).tolist()
        (chart,) = sheet._charts
        assert len(chart.series) == 3


def test_xlsx_suffix_alone_stays_the_tidy_workbook(tmp_path):
    import openpyxl

    output = tmp_path / "tidy.xlsx"
    ran = run_export(write_response(tmp_path / "synthetic.h5"), None, output)
    assert ran.returncode == 0 and "writer xlsx" in ran.stderr
    assert openpyxl.load_workbook(output).sheetnames[0] == "index"


# --------------------------------------------------------------------------------------------------------------
# Choosing the format


def test_json_suffix_alone_stays_camchars_json(response, tmp_path):
    output = tmp_path / "r.json"
    assert run_export(response, None, output).returncode == 0
    assert json.loads(output.read_text())["format"] == "camchar-results"


@pytest.mark.parametrize(("name", "suffix"), [("rawtoaces", ".json"), ("colour", ".csv"), ("mica", ".csv"), ("dcamprof", ".json"), ("response-xlsx", ".xlsx")])
def test_a_format_refuses_another_suffix(name, suffix, response, tmp_path):
    output = tmp_path / "out.txt"
    ran = run_export(response, name, output)
    assert ran.returncode == 2
    assert ran.stderr.strip() == f"camchar: error: {output}: writer '{name}' writes {suffix} files: give the output the suffix {suffix}"
    assert not output.exists()


def run_export(source: Path, name: str | None, output: Path, *flags: str):
    """``camchar export SOURCE [--format NAME] -o OUTPUT FLAGS`` in this process."""

    chosen = ("--format", name) if name else ()
    return run_in_process("export", source, *chosen, "-o", output, *flags)


# --------------------------------------------------------------------------------------------------------------
# A response camchar made


@pytest.mark.slow
def test_every_export_of_a_camchar_response(tmp_path):
    import jsonschema


    made = tmp_path / "camchar response.h5"
    ran = run_in_process("response", REFERENCE_H5, "--source", SOURCE, "--seed", "1", "--bootstrap", "10", "-o", made)
    assert ran.returncode == 0, ran.stderr
    for name, suffix in (("rawtoaces", ".json"), ("colour", ".csv"), ("mica", ".csv"), ("dcamprof", ".json"), ("response-xlsx", ".xlsx")):
        assert run_export(made, name, tmp_path / f"out-{name}{suffix}").returncode == 0, name
    jsonschema.validate(json.loads((tmp_path / "out-rawtoaces.json").read_text()), json.loads(SCHEMA.read_text()))
    mica = [line.split(",") for line in (tmp_path / "out-mica.csv").read_text().splitlines()]
    grid = [float(value) for value in mica[0][1:]]
    assert grid[0] == 300 and grid[-1] == 800
    for row in mica[1:]:
        assert trapezoid_area(grid, [float(value) for value in row[1:]]) == pytest.approx(1.0, rel=1e-12)
