"""Results as one tidy table: a row per file, table, wavelength and channel.

The table behind CSV and XLSX exports and :func:`camchar.results.to_pandas`.
Column names carry the units the files give (``mean_counts_per_s``); files
whose units differ get different columns, left empty where they do not apply.

Tables (the ``table`` column):

- ``samples``: a CameraSamples file's mean, noise and SNR per nominal
  wavelength, with the selected exposure time and image number when known;
- ``response``: a CameraResponse file's response and its std per wavelength,
  and its SNR, or ``extrapolated`` outside the wavelengths it was fitted from;
- ``fit``: the samples a response was fitted to, and the fit's estimates.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from camchar.results._values import plain
from camchar.results.figures import display_names
from camchar.results.model import Result
from camchar.results.units import column_name

__all__ = ["tidy_table", "unique_labels"]


def _result_rows(result: Result, label: str) -> Iterator[dict[str, Any]]:
    base = {"file": "" if result.path is None else str(result.path), "label": label}
    if (samples := result.samples) is not None:
        exposure = column_name("exposure_time", samples.exposure_time_units)

        def per_wavelength(row: int) -> dict[str, Any]:
            extras: dict[str, Any] = {}
            if samples.exposure_time is not None:
                extras[exposure] = plain(samples.exposure_time[row])
            if samples.image_number is not None:
                extras["image_number"] = plain(samples.image_number[row])
            if samples.iso is not None:
                extras["iso"] = plain(samples.iso[row])
            if samples.capture_time is not None:
                extras["capture_time"] = samples.capture_time[row]
            return extras

        columns = {column_name("mean", samples.units): samples.mean, column_name("std", samples.units): samples.std, "snr": samples.snr}
        yield from _rows(base, "samples", column_name("wavelength", samples.wavelength_units), samples.wavelength, result.channels, columns, per_wavelength)
    if (response := result.response) is not None:
        columns = {
            column_name("response_mean", response.units): response.mean,
            column_name("response_std", response.units): response.std,
            "snr": response.snr_or_extrapolated(),
        }
        yield from _rows(base, "response", column_name("wavelength", response.wavelength_units), response.wavelength, result.channels, columns)
        if (fit := response.fit) is not None:
            columns = {
                column_name("mean", fit.units): fit.mean,
                column_name("std", fit.units): fit.std,
                column_name("estimate_mean", fit.estimate_units): fit.estimate_mean,
                column_name("estimate_std", fit.estimate_units): fit.estimate_std,
            }
            yield from _rows(base, "fit", column_name("wavelength", fit.wavelength_units), fit.wavelength, result.channels, columns)


def _rows(
    base: dict[str, Any],
    table: str,
    wavelength: str,
    wavelengths: Any,
    channels: Sequence[str],
    columns: dict[str, Any],
    per_wavelength: Callable[[int], dict[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per wavelength and channel of ``table``: the wavelength, the channel, each ``(W, C)`` column's value, then the extras."""
    for row, value in enumerate(wavelengths):
        extras = per_wavelength(row) if per_wavelength is not None else {}
        for column, channel in enumerate(channels):
            yield {
                **base,
                "table": table,
                wavelength: plain(value),
                "channel": channel,
                **{name: plain(values[row, column]) for name, values in columns.items()},
                **extras,
            }


def unique_labels(results: Sequence[Result]) -> list[str]:
    """Each result's label; where two files share one, each with its path's distinguishing end (``sim (a/images.h5)``).

    A table keyed by label (a pandas pivot) would otherwise average two
    files as one.
    """
    labels = [result.label for result in results]
    named = display_names(results)
    return [named[index] if labels.count(label) > 1 else label for index, label in enumerate(labels)]


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
        ``table``, the wavelength, ``channel``, then the quantities. The
        ``label`` of files that share one names each file too
        (:func:`unique_labels`), so that no table keyed by label mixes them.
    rows : list of dict
        One per file, table, wavelength and channel; a row lacks the columns
        that do not apply to it. Values are Python numbers and strings,
        exactly as stored in the files (SNR is computed, ``mean / std``).
    """
    columns: dict[str, None] = {}
    rows = []
    for result, label in zip(results, unique_labels(results)):
        for row in _result_rows(result, label):
            columns.update(dict.fromkeys(row))
            rows.append(row)
    return list(columns), rows
