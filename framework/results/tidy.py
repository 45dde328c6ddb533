"""Results as one tidy table: a row per file, table, wavelength and channel.

The table behind CSV and XLSX exports and :func:`camchar.results.to_pandas`.
Column names carry the units the files give (``mean_counts_per_s``); files
whose units differ get different columns, left empty where they do not apply.

Tables (the ``table`` column):

- ``samples``: a CameraSamples file's mean, noise and SNR per nominal
  wavelength, with the selected exposure time and image number when known;
- ``response``: a CameraResponse file's response and its std per wavelength;
- ``fit``: the samples a response was fitted to, and the fit's estimates.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from camchar.results._values import plain
from camchar.results.model import Result
from camchar.results.units import column_name

__all__ = ["tidy_table"]


def _result_rows(result: Result) -> Iterator[dict[str, Any]]:
    base = {"file": "" if result.path is None else str(result.path), "label": result.label}
    if (samples := result.samples) is not None:
        wavelength = column_name("wavelength", samples.wavelength_units)
        mean, std = column_name("mean", samples.units), column_name("std", samples.units)
        exposure = column_name("exposure_time", samples.exposure_time_units)
        snr = samples.snr
        for row, value in enumerate(samples.wavelength):
            per_wavelength: dict[str, Any] = {}
            if samples.exposure_time is not None:
                per_wavelength[exposure] = plain(samples.exposure_time[row])
            if samples.image_number is not None:
                per_wavelength["image_number"] = plain(samples.image_number[row])
            if samples.iso is not None:
                per_wavelength["iso"] = plain(samples.iso[row])
            if samples.capture_time is not None:
                per_wavelength["capture_time"] = samples.capture_time[row]
            for column, channel in enumerate(result.channels):
                yield {
                    **base,
                    "table": "samples",
                    wavelength: plain(value),
                    "channel": channel,
                    mean: plain(samples.mean[row, column]),
                    std: plain(samples.std[row, column]),
                    "snr": plain(snr[row, column]),
                    **per_wavelength,
                }
    if (response := result.response) is not None:
        wavelength = column_name("wavelength", response.wavelength_units)
        mean, std = column_name("response_mean", response.units), column_name("response_std", response.units)
        snr = response.snr
        for row, value in enumerate(response.wavelength):
            for column, channel in enumerate(result.channels):
                yield {
                    **base,
                    "table": "response",
                    wavelength: plain(value),
                    "channel": channel,
                    mean: plain(response.mean[row, column]),
                    std: plain(response.std[row, column]),
                    "snr": plain(snr[row, column]),
                }
        if (fit := response.fit) is not None:
            wavelength = column_name("wavelength", fit.wavelength_units)
            names = {
                "mean": column_name("mean", fit.units),
                "std": column_name("std", fit.units),
                "estimate_mean": column_name("estimate_mean", fit.estimate_units),
                "estimate_std": column_name("estimate_std", fit.estimate_units),
            }
            for row, value in enumerate(fit.wavelength):
                for column, channel in enumerate(result.channels):
                    yield {
                        **base,
                        "table": "fit",
                        wavelength: plain(value),
                        "channel": channel,
                        **{name: plain(getattr(fit, member)[row, column]) for member, name in names.items()},
                    }


def tidy_table(results: Sequence[Result]) -> tuple[list[str], list[dict[str, Any]]]:
    """The tidy table of ``results``.

    Parameters
    ----------
    results
        Results to put in one table, in order.

    Returns
    -------
    columns : list of str
        Column names in order of first appearance: ``file``, ``label``,
        ``table``, the wavelength, ``channel``, then the quantities.
    rows : list of dict
        One per file, table, wavelength and channel; a row lacks the columns
        that do not apply to it. Values are Python numbers and strings,
        exactly as stored in the files (SNR is computed, ``mean / std``).
    """
    columns: dict[str, None] = {}
    rows = []
    for result in results:
        for row in _result_rows(result):
            columns.update(dict.fromkeys(row))
            rows.append(row)
    return list(columns), rows
