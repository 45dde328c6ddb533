"""What a result file says, as a JSON-ready dictionary and as rich tables: ``camchar show``.

:func:`summarise` turns a :class:`~camchar.results.model.Result` into plain
dictionaries, lists, strings and numbers (values exactly as stored, NaN and
infinities as ``None``); :func:`render_summary` prints that dictionary for a
terminal, and :func:`show` does both for one file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from camchar.results._values import json_safe
from camchar.results.model import Result, read_result
from camchar.results.units import display_units

__all__ = ["absent_figures", "parameter_text", "summarise", "render_summary", "show", "summary_json", "format_number", "measured_facts", "provenance_facts", "readable"]

#: Components whose name and plugin a camchar file records, in pipeline order.
_ROLES = ("loader", "selector", "noise_model", "writer", "method")
#: Provenance attributes shown in their own places, not under "other".
_SHOWN_ELSEWHERE = {"version", "settings_file", "settings_yaml", "emva1288_note"}
#: Provenance attributes for machines, not summarised: the record of inputs that tells whether the file is up to date.
_NOT_SUMMARISED = {"input_record"}
#: The most wavelengths a terminal table shows before it thins the rows.
MAX_TERMINAL_ROWS = 61
#: The most lines (a wavelength's channels each take one) a terminal table shows: 61 wavelengths of 4 channels.
MAX_TERMINAL_LINES = 4 * MAX_TERMINAL_ROWS


def summarise(result: Result | str | Path) -> dict[str, Any]:
    """Summarise a result: what was measured, how, the numbers, and what went wrong.

    Parameters
    ----------
    result
        A :class:`Result`, or the path of a result file.

    Returns
    -------
    dict
        JSON-serialisable (``json.dumps`` needs no options), with keys
        ``file``, ``kind``, ``kinds``, ``measured``, ``provenance``,
        ``figures_of_merit``, ``tables`` and ``warnings``. Numbers are the
        file's values unchanged; a number that is NaN or infinite is ``None``.
    """
    if not isinstance(result, Result):
        result = read_result(result)
    return {
        "file": None if result.path is None else str(result.path),
        "kind": result.kind,
        "kinds": list(result.kinds),
        "measured": _measured(result),
        "provenance": _provenance(result),
        "figures_of_merit": _figures_of_merit(result),
        "tables": _tables(result),
        "absent": absent_figures(result),
        "warnings": list(result.warnings),
    }


def summary_json(result: Result | str | Path) -> str:
    """:func:`summarise` as JSON text (what ``camchar show --json`` prints)."""
    return json.dumps(summarise(result), indent=2, ensure_ascii=False, allow_nan=False)


def _range(values: np.ndarray, units: str) -> dict[str, Any]:
    return {
        "count": int(values.shape[0]),
        "first": json_safe(values[0]) if values.size else None,
        "last": json_safe(values[-1]) if values.size else None,
        "units": units,
    }


def _measured(result: Result) -> dict[str, Any]:
    measured: dict[str, Any] = {
        "label": result.label,
        "camera": result.camera,
        "lens": result.lens,
        "settings": result.settings,
        "channels": list(result.channels),
    }
    if result.samples is not None:
        measured["wavelengths"] = _range(result.samples.wavelength, result.samples.wavelength_units)
        measured["pixels"] = result.samples.pixels
        measured["nd"] = json_safe(result.samples.nd)
    if result.response is not None:
        measured["response_wavelengths"] = _range(result.response.wavelength, result.response.wavelength_units)
        if result.response.fit is not None:
            measured["fitted_wavelengths"] = _range(result.response.fit.wavelength, result.response.fit.wavelength_units)
    if result.emva is not None and result.emva.ptc_mean is not None:
        measured["photon_transfer_points"] = int(result.emva.ptc_mean.shape[0])
    return measured


def _provenance(result: Result) -> dict[str, Any]:
    provenance = result.provenance
    roles = [role for role in _ROLES if role in provenance or f"{role}_plugin" in provenance]
    roles += sorted(key[: -len("_plugin")] for key in provenance if key.endswith("_plugin") and key[: -len("_plugin")] not in roles)
    components = [
        {"role": role, "name": _plain_text(provenance.get(role)), "plugin": _plain_text(provenance.get(f"{role}_plugin"))}
        for role in roles
    ]
    used = set(_SHOWN_ELSEWHERE) | _NOT_SUMMARISED | set(roles) | {f"{role}_plugin" for role in roles}
    return {
        "camchar_version": _plain_text(provenance.get("version")),
        "components": components,
        "settings_file": _plain_text(provenance.get("settings_file")),
        "settings_yaml": _plain_text(provenance.get("settings_yaml")),
        "other": {key: json_safe(value) for key, value in provenance.items() if key not in used},
    }


def _plain_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _peaks(wavelength: np.ndarray, values: np.ndarray, channels: tuple[str, ...], value_name: str, snr: np.ndarray | None = None) -> dict[str, Any]:
    """Each channel's largest finite value and its wavelength (and the SNR there, given ``snr``)."""
    peaks = {}
    for column, channel in enumerate(channels):
        series = np.asarray(values[:, column], dtype=np.float64)
        peak: dict[str, Any] = {"peak_wavelength": None, value_name: None}
        if np.isfinite(series).any():
            index = int(np.argmax(np.where(np.isfinite(series), series, -np.inf)))
            peak = {"peak_wavelength": json_safe(wavelength[index]), value_name: json_safe(values[index, column])}
            if snr is not None:
                peak["snr_at_peak"] = json_safe(snr[index, column])
        elif snr is not None:
            peak["snr_at_peak"] = None
        peaks[channel] = peak
    return peaks


def _figures_of_merit(result: Result) -> dict[str, Any]:
    merit: dict[str, Any] = {}
    if (samples := result.samples) is not None:
        merit["samples"] = {
            "units": samples.units,
            "wavelength_units": samples.wavelength_units,
            "channels": _peaks(samples.wavelength, samples.mean, result.channels, "peak_mean", samples.snr),
        }
    if (response := result.response) is not None:
        merit["response"] = {
            "method": response.method,
            "r2": json_safe(response.r2),
            "alpha": json_safe(response.alpha),
            "draws": response.draws,
            "scale": json_safe(response.scale),
            "units": response.units,
            "wavelength_units": response.wavelength_units,
            "channels": _peaks(response.wavelength, response.mean, result.channels, "peak_value"),
        }
    if (emva := result.emva) is not None:
        line = emva.gain_line()
        merit["emva1288"] = {
            "note": _plain_text(result.provenance.get("emva1288_note")),
            "parameters": [
                {
                    "name": item.name,
                    "units": item.units,
                    "values": dict(zip(result.channels, json_safe(item.values))),
                    "standard_errors": None if item.standard_error is None else dict(zip(result.channels, json_safe(item.standard_error))),
                }
                for item in emva.parameters
            ],
            "gain_line": None
            if line is None
            else {
                channel: {"slope": json_safe(line[0][index]), "intercept": json_safe(line[1][index])}
                for index, channel in enumerate(result.channels)
            },
        }
    return merit


def absent_figures(result: Result) -> list[str]:
    """A line for each figure the file cannot give, saying why (the EMVA 1288 step's own note included)."""
    lines = []
    if result.samples is not None and result.emva is None:
        lines.append(
            "No photon-transfer figure and no noise in electrons: the file holds no EMVA 1288 data "
            "(camchar stats computes it when the sweep has two frames at an exposure and dark frames)."
        )
    if result.samples is not None and result.samples.exposure_time is None:
        lines.append("No exposure or noise-at-exposure figure: the file records no exposure times.")
    if result.response is not None and result.response.fit is None:
        lines.append("No fit or residual figure, and no extrapolated range marked: the response file holds no fitted samples (/samples group).")
    if result.emva is not None and (note := result.provenance.get("emva1288_note")):
        lines.append(f"EMVA 1288: {note}.")
    return lines


def parameter_text(item: dict[str, Any], channel: str) -> str:
    """An EMVA 1288 parameter of one channel as ``value ± standard error`` (the value alone when the file gives no error)."""
    errors = item.get("standard_errors")
    if not errors or errors.get(channel) is None:
        return format_number(item["values"][channel])
    return f"{format_number(item['values'][channel], 4)} ± {format_number(errors[channel], 2)}"


def _channel_rows(wavelength: np.ndarray, channels: tuple[str, ...], columns: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    rows = []
    for index, value in enumerate(wavelength):
        rows.append(
            {
                "wavelength": json_safe(value),
                "channels": {
                    channel: {name: json_safe(array[index, column]) for name, array in columns.items()}
                    for column, channel in enumerate(channels)
                },
            }
        )
    return rows


def _tables(result: Result) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    if (samples := result.samples) is not None:
        rows = _channel_rows(samples.wavelength, result.channels, {"mean": samples.mean, "std": samples.std, "snr": samples.snr})
        per_wavelength = {
            "exposure_time": samples.exposure_time,
            "image_number": samples.image_number,
            "iso": samples.iso,
        }
        for name, values in per_wavelength.items():
            if values is not None:
                for row, value in zip(rows, values):
                    row[name] = json_safe(value)
        if samples.capture_time is not None:
            for row, value in zip(rows, samples.capture_time):
                row["capture_time"] = value
        tables["samples"] = {
            "wavelength_units": samples.wavelength_units,
            "units": samples.units,
            "exposure_time_units": samples.exposure_time_units if samples.exposure_time is not None else None,
            "rows": rows,
        }
    if (response := result.response) is not None:
        tables["response"] = {
            "wavelength_units": response.wavelength_units,
            "units": response.units,
            "measured_range": None if response.measured_range is None else list(response.measured_range),
            "rows": _channel_rows(response.wavelength, result.channels, {"mean": response.mean, "std": response.std, "snr": response.snr_or_extrapolated()}),
        }
        if (fit := response.fit) is not None:
            tables["fit"] = {
                "wavelength_units": fit.wavelength_units,
                "units": fit.units,
                "estimate_units": fit.estimate_units,
                "rows": _channel_rows(
                    fit.wavelength,
                    result.channels,
                    {
                        "mean": fit.mean,
                        "std": fit.std,
                        "estimate_mean": fit.estimate_mean,
                        "estimate_std": fit.estimate_std,
                        "residual": fit.residual,
                    },
                ),
            }
    if (emva := result.emva) is not None and emva.ptc_mean is not None and emva.ptc_variance is not None:
        tables["photon_transfer"] = {
            "mean_units": emva.ptc_mean_units,
            "variance_units": emva.ptc_variance_units,
            "rows": [
                {
                    "channels": {
                        channel: {"mean": json_safe(emva.ptc_mean[index, column]), "variance": json_safe(emva.ptc_variance[index, column])}
                        for column, channel in enumerate(result.channels)
                    }
                }
                for index in range(emva.ptc_mean.shape[0])
            ],
        }
    return tables


# ----------------------------------------------------------------------------------------------------------------
# Terminal


def format_number(value: Any, digits: int = 5) -> str:
    """A number for reading: ``digits`` significant digits, integers whole, ``–`` for none."""
    if value is None:
        return "–"
    if isinstance(value, str):  # a word in place of a number (``extrapolated``)
        return value
    if isinstance(value, int):
        return str(value)
    return format(value, f".{digits}g")


def _units_note(units: str | None) -> str:
    return f" [{display_units(units)}]" if units else ""


def _key_values(pairs: Iterable[tuple[str, Any]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in pairs:
        if value not in (None, ""):
            grid.add_row(key, Text(str(value)))
    return grid


def _span(info: dict[str, Any] | None) -> str | None:
    if not info:
        return None
    units = f" {info['units']}" if info["units"] else ""
    return f"{info['count']}: {format_number(info['first'], 6)} to {format_number(info['last'], 6)}{units}"


def measured_facts(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """What was measured, as (name, text) pairs for display; the pairs that do not apply are left out."""
    measured = summary["measured"]
    pairs = [
        ("file", summary["file"]),
        ("camera", measured["camera"]),
        ("lens", measured["lens"]),
        ("settings", measured["settings"]),
        ("channels", ", ".join(measured["channels"])),
        ("wavelengths", _span(measured.get("wavelengths"))),
        ("response bins", _span(measured.get("response_wavelengths"))),
        ("fitted at", _span(measured.get("fitted_wavelengths"))),
        ("pixels averaged", measured.get("pixels")),
        ("ND", format_number(measured["nd"]) if measured.get("nd") is not None else None),
        ("photon-transfer points", measured.get("photon_transfer_points")),
    ]
    return [(key, str(value)) for key, value in pairs if value not in (None, "")]


def provenance_facts(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """How the file was made, as (name, text) pairs of readable lines; empty for a file of the original tools.

    Nothing is shown as JSON: components with their plugins and options as
    ``name: value``, inputs as file names with short hashes, numbers rounded.
    """
    provenance = summary["provenance"]
    if not any(provenance.values()):
        return []
    other = {key: _decoded(value) for key, value in provenance["other"].items()}
    options = _role_options(other)
    pairs = [("camchar", provenance["camchar_version"])]
    for item in provenance["components"]:
        plugin = f"({item['plugin']})" if item["plugin"] else None
        settings = readable(options.get(item["role"])) if options.get(item["role"]) else None
        text = " ".join(filter(None, (item["name"], plugin)))
        pairs.append((item["role"].replace("_", " "), f"{text}; options {settings}" if settings else text))
    pairs.append(("settings file", provenance["settings_file"]))
    for key, value in other.items():
        pairs += _readable_lines(key, value)
    return [(key, str(value)) for key, value in pairs if value not in (None, "")]


#: How ``saturation_source`` values read.
_SATURATION_SOURCES = {
    "loader": "the loader's full scale",
    "white_level": "white_level in the settings",
    "detected pile-up": "a pile-up of values found in the frames",
}


def _decoded(value: Any) -> Any:
    """A provenance value, with JSON text (``{...}``, ``[...]``) decoded so that it reads as lines."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _role_options(other: dict[str, Any]) -> dict[str, Any]:
    """The options of each component by role (``options`` of a samples file, ``component_options`` of a response), taken out of ``other``."""
    for key in ("component_options", "options"):
        value = other.get(key)
        if isinstance(value, dict) and value and all(isinstance(item, dict) for item in value.values()):
            del other[key]
            return value
    return {}


def readable(value: Any) -> str:
    """A provenance value as text for reading: ``name: value`` pairs, short hashes and paths, numbers to 5 digits.

    Parameters
    ----------
    value
        Any value a provenance holds (decoded JSON included).

    Returns
    -------
    str
        One line; ``none`` for an empty mapping or list.
    """
    if isinstance(value, dict):
        if set(value) >= {"path", "sha256"}:
            return f"{Path(str(value['path'])).name} (sha256 {str(value['sha256'])[:12]})"
        return ", ".join(f"{key}: {readable(item)}" for key, item in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(readable(item) for item in value) or "none"
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "–"}[value]
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _readable_lines(key: str, value: Any) -> list[tuple[str, str]]:
    """The lines one provenance entry reads as: a line per input, per part of a mapping of mappings, or one line."""
    name = key.replace("_", " ")
    if key == "saturation_source":
        return [("saturation level from", _SATURATION_SOURCES.get(str(value), str(value)))]
    if key == "seconds" and isinstance(value, (int, float)):
        return [("run time", f"{value:.1f} s")]
    if key == "exposure_brackets" and isinstance(value, list):
        return [("exposure brackets", _brackets_line(value))]
    if key == "partner_number" and isinstance(value, list):
        return [("pairs", f"{len(value)} selected frames with a second frame at their exposure (EMVA 1288)")]
    if key == "software" and isinstance(value, dict):
        return [("software", ", ".join(f"{package} {version}" for package, version in value.items()))]
    if isinstance(value, dict) and value and all(isinstance(item, dict) for item in value.values()):
        singular = name[:-1] if name.endswith("s") else name
        return [(f"{singular} {part.replace('_', ' ')}", readable(item)) for part, item in value.items()]
    return [(name, readable(value))]


def _brackets_line(brackets: list[Any]) -> str:
    """``61 brackets of 3 frames; 38 frames overexposed; 0 brackets skipped``."""
    entries = [item for item in brackets if isinstance(item, dict)]
    offered = sum(len(item.get("offered") or ()) for item in entries)
    overexposed = sum(len(item.get("overexposed") or ()) for item in entries)
    skipped = sum(1 for item in entries if item.get("selected") is None)
    return f"{len(entries)} brackets, {offered} frames offered, {overexposed} overexposed, {skipped} brackets without a usable frame"


def _heading(summary: dict[str, Any]) -> Group:
    title = Text(summary["measured"]["label"] or Path(summary["file"] or "result").name, style="bold")
    title.append(f"  ({' + '.join(summary['kinds'])})", style="dim")
    return Group(title, _key_values(measured_facts(summary)))


def _provenance_block(summary: dict[str, Any]) -> Group | Text:
    facts = provenance_facts(summary)
    if not facts:
        return Text("Provenance: none recorded (a file of the original tools)", style="dim")
    return Group(Text("Provenance", style="bold"), _key_values(facts))


def _table(title: str, caption: str | None = None) -> Table:
    """A table whose title and caption are text, not markup (units such as ``[nm]`` look like markup)."""
    return Table(
        title=Text(title, style="bold"),
        title_justify="left",
        caption=None if caption is None else Text(caption, style="dim"),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        min_width=min(80, max(len(title), len(caption or ""))),  # titles and captions on one line where they fit
    )


def _column(table: Table, header: str, right: bool = True) -> None:
    table.add_column(Text(header), justify="right" if right else "left", no_wrap=True)


def _merit_tables(summary: dict[str, Any]) -> list[Table]:
    merit = summary["figures_of_merit"]
    tables = []
    if "samples" in merit:
        part = merit["samples"]
        table = _table(f"Peaks of the mean signal{_units_note(part['units'])}")
        for name in ("channel", f"peak at{_units_note(part['wavelength_units'])}", "mean", "SNR there"):
            _column(table, name, right=name != "channel")
        for channel, peak in part["channels"].items():
            table.add_row(Text(channel), format_number(peak["peak_wavelength"], 6), format_number(peak["peak_mean"]), format_number(peak["snr_at_peak"], 4))
        tables.append(table)
    if "response" in merit:
        part = merit["response"]
        fit = ", ".join(
            item
            for item in (
                f"method {part['method']}" if part["method"] else None,
                f"R² {format_number(part['r2'], 6)}" if part["r2"] is not None else None,
                f"alpha {format_number(part['alpha'], 4)}" if part["alpha"] is not None else None,
                f"{part['draws']} draws" if part["draws"] is not None else None,
            )
            if item
        )
        table = _table(f"Peaks of the response{_units_note(part['units'])}", caption=fit or None)
        for name in ("channel", f"peak at{_units_note(part['wavelength_units'])}", "response"):
            _column(table, name, right=name != "channel")
        for channel, peak in part["channels"].items():
            table.add_row(Text(channel), format_number(peak["peak_wavelength"], 6), format_number(peak["peak_value"]))
        tables.append(table)
    if "emva1288" in merit:
        part = merit["emva1288"]
        table = _table("EMVA 1288", caption=part["note"])
        table.add_column(Text("parameter"), overflow="fold")  # folds before the values do: "± error" must stay whole
        _column(table, "units", right=False)
        channels = summary["measured"]["channels"]
        for channel in channels:
            _column(table, channel)
        for item in part["parameters"]:
            table.add_row(Text(item["name"].replace("_", " ")), Text(display_units(item["units"])), *(parameter_text(item, channel) for channel in channels))
        tables.append(table)
    return tables


def _stride(count: int, channels: int) -> int:
    """Every how many rows a terminal table shows: 1, 2, 5, 10, 20, 50, ...

    At most MAX_TERMINAL_ROWS wavelengths remain, and at most
    MAX_TERMINAL_LINES lines of their channels (so that a file of many
    channels is shown at once; ``--json`` gives every row).
    """
    most = max(1, min(MAX_TERMINAL_ROWS, MAX_TERMINAL_LINES // max(channels, 1)))
    stride = 1
    while math.ceil(count / stride) > most:
        stride = stride * 5 // 2 if str(stride).startswith("2") else stride * 2
    return stride


def _wavelength_table(summary: dict[str, Any], name: str, title: str) -> Table:
    table_data = summary["tables"][name]
    rows = table_data["rows"]
    stride = _stride(len(rows), len(rows[0]["channels"]) if rows else 0)
    caption = None
    if stride >= len(rows) > 1:  # so many channels that one wavelength fills the table
        caption = f"the first of {len(rows)} wavelengths shown; --json gives all"
    elif stride > 1:
        caption = f"one wavelength in {stride} of {len(rows)} shown; --json gives all"
    table = _table(f"{title}{_units_note(table_data['units'])}", caption)
    _column(table, f"λ{_units_note(table_data['wavelength_units'])}")
    _column(table, "ch", right=False)
    for column in ("mean", "std", "SNR"):
        _column(table, column)
    extra = [key for key in ("exposure_time", "image_number") if any(key in row for row in rows)]
    if "exposure_time" in extra:
        _column(table, f"exposure{_units_note(table_data.get('exposure_time_units'))}")
    if "image_number" in extra:
        _column(table, "image")
    for row in rows[::stride]:
        for position, (channel, values) in enumerate(row["channels"].items()):
            first = position == 0
            cells: list[str | Text] = [format_number(row["wavelength"], 6) if first else "", Text(channel)]
            cells += [format_number(values["mean"]), format_number(values["std"]), format_number(values["snr"], 4)]
            cells += [format_number(row.get(key), 4) if first else "" for key in extra]
            table.add_row(*cells)
    return table


def render_summary(summary: dict[str, Any], console: Console) -> None:
    """Print a :func:`summarise` dictionary as tables that read well in an 80-column terminal.

    Text from the file is printed as text, never as rich markup. The
    per-wavelength table of a response shows at most 61 wavelengths (every
    k-th, said in its caption); the fit table is left to ``--json``.

    Parameters
    ----------
    summary
        What :func:`summarise` returned.
    console
        Where to print; rich honours ``NO_COLOR`` and the terminal's width.
    """
    console.print(_heading(summary))
    console.print()
    console.print(_provenance_block(summary))
    for table in _merit_tables(summary):
        console.print()
        console.print(table)
    tables = summary["tables"]
    if "samples" in tables:
        console.print()
        console.print(_wavelength_table(summary, "samples", "Samples per wavelength"))
    if "response" in tables:
        console.print()
        console.print(_wavelength_table(summary, "response", "Response per wavelength"))
    if "fit" in tables:
        console.print()
        console.print(Text(f"Fit at {len(tables['fit']['rows'])} wavelengths: samples, estimates and residuals in --json", style="dim"))
    for line in summary["absent"]:
        console.print()
        console.print(Text(line, style="dim"))
    if summary["warnings"]:
        console.print()
        console.print(Text("Warnings recorded during the run", style="bold yellow"))
        for warning in summary["warnings"]:
            console.print(Text(f"- {warning}"))


def show(path: str | Path, console: Console | None = None, as_json: bool = False) -> None:
    """``camchar show FILE [--json]``: print what a result file holds.

    Parameters
    ----------
    path
        Any camchar result file.
    console
        Where to print (a new standard-output console when ``None``).
    as_json
        Print :func:`summarise`'s dictionary as JSON instead of tables.

    Raises
    ------
    BadInput
        When the file is not a readable camchar result.
    """
    console = console or Console()
    if as_json:
        console.out(summary_json(path), highlight=False)
    else:
        render_summary(summarise(path), console)
