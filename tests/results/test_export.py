"""camchar export: CSV, JSON and XLSX hold the HDF5 values to the last digit."""

from __future__ import annotations

import csv
import json
import sys

import numpy as np
import pytest

from camchar import BadInput, CameraSamples
from camchar.results import export, export_samples

from .conftest import EMVA_TRUTH, NIKON, RESPONSE, h5_value, write_response, write_samples

#: Doubles whose shortest text needs all 17 significant digits, or is otherwise awkward.
AWKWARD = np.array(
    [
        [0.1 + 0.2, 1 / 3, 2 / 3],
        [123456789.12345678, 5e-324, 1.7976931348623157e308],
        [np.nextafter(1.0, 2.0), -0.0, 2.718281828459045e-300],
    ]
)


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def column(rows: list[dict], name: str, table: str = "samples") -> list[str]:
    return [row[name] for row in rows if row["table"] == table]


def test_csv_samples_to_the_last_digit(bayer_file, tmp_path):
    rows = read_csv(export([bayer_file], tmp_path / "out.csv"))
    mean, std = h5_value(bayer_file, "samples"), h5_value(bayer_file, "samples_std")
    assert list(rows[0]) == [
        "file", "label", "table", "wavelength_nm", "channel", "mean_counts_per_s", "std_counts_per_s", "snr",
        "exposure_time_s", "image_number", "iso", "capture_time",
    ]  # fmt: skip
    assert len(rows) == mean.size
    assert [float(text) for text in column(rows, "mean_counts_per_s")] == mean.ravel().tolist()
    assert [float(text) for text in column(rows, "std_counts_per_s")] == std.ravel().tolist()
    assert [float(text) for text in column(rows, "snr")] == (mean / std).ravel().tolist()
    assert column(rows, "channel") == ["R", "G1", "G2", "B"] * mean.shape[0]
    assert [int(text) for text in column(rows, "wavelength_nm")[::4]] == h5_value(bayer_file, "nominal_wavelength").tolist()
    assert [float(text) for text in column(rows, "exposure_time_s")[::4]] == h5_value(bayer_file, "exposure_time").tolist()
    assert [int(text) for text in column(rows, "image_number")[::4]] == h5_value(bayer_file, "camchar/image_number").tolist()
    assert {row["file"] for row in rows} == {str(bayer_file)} and {row["label"] for row in rows} == {"fixture sweep"}


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_awkward_doubles_survive(tmp_path, suffix):
    path = write_samples(tmp_path / "awkward.h5", AWKWARD, AWKWARD[::-1] + 1.0)
    output = export([path], tmp_path / f"out{suffix}")
    if suffix == ".csv":
        values = [float(text) for text in column(read_csv(output), "mean_counts_per_s")]
    elif suffix == ".json":
        values = np.array(json.loads(output.read_text())["files"][0]["samples"]["mean"]["values"]).ravel().tolist()
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(output)["1 synthetic"]
        header = [cell.value for cell in sheet[1]]
        index = header.index("mean_counts_per_s")
        values = [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == AWKWARD.ravel().tolist()
    assert [np.signbit(value) for value in values] == np.signbit(AWKWARD.ravel()).tolist()  # even -0.0


def test_csv_of_a_response_holds_response_and_fit(tmp_path):
    rows = read_csv(export([RESPONSE], tmp_path / "out.csv"))
    response = h5_value(RESPONSE, "response_mean")
    assert [float(text) for text in column(rows, "response_mean_counts_per_s_per_uW_per_cm2_per_nm", "response")] == response.ravel().tolist()
    assert [float(text) for text in column(rows, "response_std_counts_per_s_per_uW_per_cm2_per_nm", "response")] == h5_value(RESPONSE, "response_std").ravel().tolist()
    assert [float(text) for text in column(rows, "estimate_mean_counts_per_s", "fit")] == h5_value(RESPONSE, "samples/estimate_mean").ravel().tolist()
    assert [float(text) for text in column(rows, "mean_counts_per_s", "fit")] == h5_value(RESPONSE, "samples/mean").ravel().tolist()
    assert [float(text) for text in column(rows, "wavelength_nm", "response")[::3]] == h5_value(RESPONSE, "wavelength").tolist()
    fit_row = next(row for row in rows if row["table"] == "fit")
    assert fit_row["response_mean_counts_per_s_per_uW_per_cm2_per_nm"] == ""  # columns of another table stay empty


def test_csv_of_several_files(camchar_file, tmp_path):
    rows = read_csv(export([camchar_file, NIKON], tmp_path / "out.csv"))
    nikon = [row for row in rows if row["file"] == str(NIKON)]
    assert len(nikon) == h5_value(NIKON, "samples").size
    assert [float(row["mean_counts_per_s"]) for row in nikon] == h5_value(NIKON, "samples").ravel().tolist()
    assert {row["image_number"] for row in nikon} == {""}  # the original recorded no image numbers


def test_json_holds_everything(emva_file, tmp_path):
    data = json.loads(export([emva_file, RESPONSE], tmp_path / "out.json").read_text())
    assert data["format"] == "camchar-results" and data["version"] == 1
    samples, response = data["files"]
    assert samples["kinds"] == ["samples", "emva1288"] and samples["channels"] == ["R", "G", "B"]
    assert samples["samples"]["mean"] == {"units": "counts/s", "values": h5_value(emva_file, "samples").tolist()}
    assert samples["samples"]["image_number"] == h5_value(emva_file, "camchar/image_number").tolist()
    assert samples["samples"]["exposure_time"]["values"] == h5_value(emva_file, "exposure_time").tolist()
    for name, (values, units) in EMVA_TRUTH.items():
        assert samples["emva1288"]["parameters"][name] == {"units": units, "values": values}
    assert samples["emva1288"]["ptc_variance"]["values"] == h5_value(emva_file, "emva1288/ptc_variance").tolist()
    assert samples["provenance"]["loader"] == "tiff"
    assert response["response"]["mean"]["values"] == h5_value(RESPONSE, "response_mean").tolist()
    assert response["response"]["fit"]["estimate_std"]["values"] == h5_value(RESPONSE, "samples/estimate_std").tolist()
    assert response["response"]["r2"] == 0.9960229083485075


def test_json_writes_null_for_nan(tmp_path):
    mean = np.array([[1.0, np.nan, 3.0]])
    path = write_samples(tmp_path / "nan.h5", mean, np.ones((1, 3)))
    text = export([path], tmp_path / "out.json").read_text()
    assert "NaN" not in text
    assert json.loads(text)["files"][0]["samples"]["mean"]["values"] == [[1.0, None, 3.0]]


def test_xlsx_index_and_sheets(emva_file, tmp_path):
    import openpyxl

    odd = write_samples(tmp_path / "odd.h5", np.ones((2, 3)), np.ones((2, 3)), label="a/b:c*?[d] with a label longer than any sheet name")
    response_file = write_response(tmp_path / "response.h5", label="Nikon D810 UV 60mm")
    workbook = openpyxl.load_workbook(export([emva_file, response_file, odd], tmp_path / "out.xlsx"))
    assert workbook.sheetnames == ["index", "1 fixture sweep", "1 EMVA 1288", "2 Nikon D810 UV 60mm", "3 a b c d with a label longer t"]
    index = list(workbook["index"].iter_rows(values_only=True))
    assert index[0][:4] == ("sheet", "file", "label", "kinds")
    assert [row[:4] for row in index[1:]] == [
        ("1 fixture sweep", str(emva_file), "fixture sweep", "samples + emva1288"),
        ("2 Nikon D810 UV 60mm", str(response_file), "Nikon D810 UV 60mm", "response"),
        ("3 a b c d with a label longer t", str(odd), "a/b:c*?[d] with a label longer than any sheet name", "samples"),
    ]
    sheet = list(workbook["1 fixture sweep"].iter_rows(values_only=True))
    header, rows = sheet[0], sheet[1:]
    assert "file" not in header and header[:3] == ("table", "wavelength_nm", "channel")
    mean = [row[header.index("mean_counts_per_s")] for row in rows]
    assert mean == h5_value(emva_file, "samples").ravel().tolist()
    assert [row[header.index("image_number")] for row in rows][::3] == h5_value(emva_file, "camchar/image_number").tolist()
    emva = list(workbook["1 EMVA 1288"].iter_rows(values_only=True))
    assert emva[0] == ("channel", "quantity", "point", "value", "units")
    assert ("B", "system_gain", None, 0.52, "DN/e-") in emva
    variance = [row[3] for row in emva if row[1] == "ptc_variance" and row[0] == "G"]
    assert variance == h5_value(emva_file, "emva1288/ptc_variance")[:, 1].tolist()
    response = list(workbook["2 Nikon D810 UV 60mm"].iter_rows(values_only=True))
    header = response[0]
    values = [row[header.index("response_std_counts_per_s_per_uW_per_cm2_per_nm")] for row in response[1:] if row[0] == "response"]
    assert values == h5_value(response_file, "response_std").ravel().tolist()
    fit = [row[header.index("estimate_mean_counts_per_s")] for row in response[1:] if row[0] == "fit"]
    assert fit == h5_value(response_file, "samples/estimate_mean").ravel().tolist()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_in_memory_samples_export_like_their_file(bayer_file, tmp_path, suffix):
    """What a stats writer would call: the same content as exporting the file it came from."""
    from_file = export([bayer_file], tmp_path / f"file{suffix}")
    from_memory = export_samples(CameraSamples(bayer_file), tmp_path / f"memory{suffix}", source=bayer_file)
    if suffix == ".xlsx":
        import openpyxl

        def cells(path):
            workbook = openpyxl.load_workbook(path)
            return [list(sheet.iter_rows(values_only=True)) for sheet in workbook]

        assert cells(from_file) == cells(from_memory)
    else:
        assert from_file.read_text() == from_memory.read_text()


def test_unknown_suffix(camchar_file, tmp_path):
    with pytest.raises(BadInput, match=r"unknown export format '\.txt'; use \.csv, \.json or \.xlsx"):
        export([camchar_file], tmp_path / "out.txt")
    with pytest.raises(BadInput, match="unknown export format"):
        export_samples(CameraSamples(camchar_file), tmp_path / "out.h5")
    assert list(tmp_path.iterdir()) == []


def test_missing_output_folder(camchar_file, tmp_path):
    with pytest.raises(BadInput, match="output folder does not exist"):
        export([camchar_file], tmp_path / "nowhere" / "out.csv")


def test_bad_input_file_leaves_no_output(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BadInput, match="not an HDF5 file"):
        export([tmp_path / "notes.txt"], tmp_path / "out.csv")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_missing_openpyxl_is_one_line(camchar_file, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(BadInput) as caught:
        export([camchar_file], tmp_path / "out.xlsx")
    assert caught.value.message == "writing .xlsx needs openpyxl: pip install 'camchar[xlsx]'"
    assert list(tmp_path.iterdir()) == []


def test_stats_to_xlsx_without_openpyxl_stops_before_reading_an_image(sweep, monkeypatch):
    from camchar.plugins.loaders.tiff import TiffLoader
    from conftest import run_in_process

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    monkeypatch.setattr(TiffLoader, "load", lambda *args: pytest.fail("an image was read"))
    output = sweep.parent / "out.xlsx"
    result = run_in_process("stats", sweep, "-o", output)
    assert (result.returncode, result.stderr) == (2, f"camchar: error: {output}: writing .xlsx needs openpyxl: pip install 'camchar[xlsx]'\n")
    checked = run_in_process("validate", sweep, "-o", output)
    assert checked.returncode == 2 and "writing .xlsx needs openpyxl" in checked.stdout + checked.stderr
    assert not output.exists()
