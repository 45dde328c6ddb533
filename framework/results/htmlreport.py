"""One self-contained HTML page of results: ``camchar report``.

The page needs nothing but itself: figures are inline SVG, the style sheet is
inline, there are no scripts, fonts or links to anywhere. It reads on a phone
(figures stack, wide tables scroll sideways inside their box) and prints (long
tables unfold, each file starts a page). Every text that comes from a file is
escaped: result files are untrusted input.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Sequence

from camchar._version import __version__
from camchar.core.errors import BadInput
from camchar.files.atomic import atomic_output
from camchar.results.figures import PANELS, display_names, noise_units, panel_figure, style
from camchar.results.model import Result, read_result
from camchar.results.summary import format_number, measured_facts, parameter_text, provenance_facts, summarise
from camchar.results.units import display_units

__all__ = ["write_report", "render_report", "figure_svg"]

#: Size of the report's figures in inches: small enough that their text reads at the page's scale.
FIGURE_SIZE = (4.8, 3.2)

#: What each panel shows, for figure captions.
CAPTIONS = {
    "signal": "Mean signal per channel against wavelength; the band is ± the temporal noise.",
    "signal-log": "The same on a logarithmic axis, to show the weak ends of the spectrum.",
    "snr": "Signal-to-noise ratio, mean / temporal noise, per channel.",
    "noise": "Temporal noise of each sample in DN at the exposure it was taken with (the stored noise per second times that exposure time).",
    "noise-electrons": "The same noise in electrons: DN divided by each channel's system gain K.",
    "exposure": "Exposure times of each bracket: the one selected (line), those offered (rings) and those overexposed (crosses).",
    "response": (
        "Spectral response per channel; the band is ± the standard deviation of the bootstrap over the samples' noise, which "
        "leaves out the fit's bias (docs/response.md: how often it covers the truth); grey: extrapolated, outside the measured samples."
    ),
    "fit": "Measured samples (points, ± noise) and the fitted response's estimates of them (lines, ± std).",
    "residuals": "Relative residuals, (measured − estimate) / measured; the bands are ± the samples' relative noise.",
    "ptc": "Photon transfer on log–log axes: temporal variance against dark-subtracted mean, with the fitted gain line; K ± its standard error in the key.",
    "ptc-residuals": "The photon-transfer points' relative distance from the gain line.",
}

_CSS = """
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --soft: #f4f6f8; --accent: #1565c0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
header, main, footer { max-width: 76rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-top: 1rem; border-top: 3px solid var(--ink); overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
.kind { font-size: .75rem; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  border: 1px solid var(--line); border-radius: 1rem; padding: .1rem .55rem; vertical-align: middle; white-space: nowrap; }
.lede { color: var(--muted); margin: .25rem 0 1rem; }
nav ol { margin: .5rem 0 1rem; padding-left: 1.4rem; }
nav a, a { color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr)); gap: 1.25rem; }
figure { margin: 0; padding: .5rem; border: 1px solid var(--line); border-radius: .4rem; background: #fff; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figure svg * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .35rem; }
.table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: .4rem; max-width: 100%; }
.table-scroll.long { max-height: 30rem; overflow-y: auto; }
table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; width: max-content; min-width: 100%; }
.table-scroll.compact { display: inline-block; }
.table-scroll.compact table { min-width: 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
thead th { position: sticky; top: 0; z-index: 1; }
thead tr:nth-child(2) th { top: 1.75rem; }
th.left, td.left { text-align: left; }
th[colspan] { text-align: center; border-left: 1px solid var(--line); }
tbody tr:nth-child(even) td { background: #fafbfc; }
caption { caption-side: top; text-align: left; padding: .4rem .6rem; color: var(--muted); font-size: .8rem; }
ul.warnings { padding-left: 1.2rem; }
ul.warnings li { background: #fff8e1; border-left: 4px solid #f9a825; padding: .3rem .6rem; margin: .3rem 0; list-style: none; }
details { margin: .75rem 0; border: 1px solid var(--line); border-radius: .4rem; padding: .4rem .75rem; }
summary { cursor: pointer; font-weight: 600; }
pre { overflow-x: auto; background: var(--soft); padding: .75rem; border-radius: .3rem; font-size: .8rem; line-height: 1.35; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.35rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: .4rem; }
}
@media print {
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  section.result { break-before: page; }
  section.result:first-of-type { break-before: auto; }
  h2, h3 { break-after: avoid; }
  .figures { grid-template-columns: 1fr 1fr; }
  .table-scroll, .table-scroll.long { max-height: none; overflow: visible; border: none; }
  thead th { position: static; }
  table { width: 100%; min-width: 0; font-size: 7.5pt; }
  th, td { padding: .1rem .3rem; }
  tr { break-inside: avoid; }
  details { border: none; padding: 0; }
}
"""


def _camchar_version() -> str:
    return __version__


def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


# ----------------------------------------------------------------------------------------------------------------
# Figures as inline SVG

_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def figure_svg(figure: Any, prefix: str, label: str) -> str:
    """A matplotlib figure as an ``<svg>`` element to put inline in HTML.

    The XML prologue, DOCTYPE, metadata, comments and namespace declarations
    go (they would name external addresses); ``xlink:href`` becomes
    ``href``; every ``id`` and reference to one gets ``prefix``, so that the
    clip paths and markers of several figures on one page stay apart; fixed
    width and height give way to the ``viewBox`` so the figure scales with
    the page.

    Parameters
    ----------
    figure
        The matplotlib figure.
    prefix
        Unique on the page, e.g. ``f3``.
    label
        Accessible name of the image (escaped here).
    """
    import io

    buffer = io.StringIO()
    with style():
        import matplotlib

        with matplotlib.rc_context({"svg.hashsalt": prefix}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)  # matplotlib escapes '--' inside its comments
    svg = re.sub(r'<style type="text/css">.*?</style>\s*', "", svg, flags=re.S)
    svg = re.sub(r'\s(xmlns(:xlink)?)="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = _ID.sub(lambda match: f'id="{prefix}-{match.group(1)}"', svg)
    svg = _REFERENCE.sub(lambda match: f"{match.group(1)}{prefix}-{match.group(2)}", svg)
    svg = re.sub(r'<svg\s+width="[^"]*"\s+height="[^"]*"', f'<svg role="img" aria-label="{_e(label)}"', svg, count=1)
    return svg.strip()


# ----------------------------------------------------------------------------------------------------------------
# Tables


def _facts(pairs: Sequence[tuple[str, Any]]) -> str:
    rows = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in pairs if value not in (None, ""))
    return f'<dl class="facts">{rows}</dl>'


def _units(units: str | None) -> str:
    return f" [{display_units(units)}]" if units else ""


def _table(head: str, body: list[str], caption: str | None = None, long: bool = False, compact: bool = False) -> str:
    caption_html = f"<caption>{_e(caption)}</caption>" if caption else ""
    classes = "table-scroll" + (" long" if long else "") + (" compact" if compact else "")
    return f'<div class="{classes}" tabindex="0"><table>{caption_html}<thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>'


def _merit_html(summary: dict[str, Any]) -> str:
    merit = summary["figures_of_merit"]
    channels = summary["measured"]["channels"]
    parts = []
    if "samples" in merit:
        part = merit["samples"]
        head = f'<tr><th class="left">channel</th><th>peak at{_e(_units(part["wavelength_units"]))}</th><th>mean{_e(_units(part["units"]))}</th><th>SNR there</th></tr>'
        body = [
            f'<tr><td class="left">{_e(channel)}</td><td>{format_number(peak["peak_wavelength"], 6)}</td><td>{format_number(peak["peak_mean"])}</td><td>{format_number(peak["snr_at_peak"], 4)}</td></tr>'
            for channel, peak in part["channels"].items()
        ]
        parts.append("<h3>Peaks of the mean signal</h3>" + _table(head, body, compact=True))
    if "response" in merit:
        part = merit["response"]
        pairs = [
            ("method", part["method"]),
            ("R²", format_number(part["r2"], 6) if part["r2"] is not None else None),
            ("alpha", format_number(part["alpha"], 4) if part["alpha"] is not None else None),
            ("bootstrap draws", part["draws"]),
        ]
        head = f'<tr><th class="left">channel</th><th>peak at{_e(_units(part["wavelength_units"]))}</th><th>response{_e(_units(part["units"]))}</th></tr>'
        body = [
            f'<tr><td class="left">{_e(channel)}</td><td>{format_number(peak["peak_wavelength"], 6)}</td><td>{format_number(peak["peak_value"])}</td></tr>'
            for channel, peak in part["channels"].items()
        ]
        parts.append("<h3>The fit</h3>" + _facts(pairs) + "<h3>Peaks of the response</h3>" + _table(head, body, compact=True))
    if "emva1288" in merit:
        part = merit["emva1288"]
        head = '<tr><th class="left">parameter</th><th class="left">units</th>' + "".join(f"<th>{_e(channel)}</th>" for channel in channels) + "</tr>"
        body = [
            f'<tr><td class="left">{_e(item["name"].replace("_", " "))}</td><td class="left">{_e(display_units(item["units"]))}</td>'
            + "".join(f"<td>{_e(parameter_text(item, channel))}</td>" for channel in channels)
            + "</tr>"
            for item in part["parameters"]
        ]
        parts.append("<h3>EMVA 1288</h3>" + _table(head, body, part.get("note"), compact=True))
    return "".join(parts)


def _wavelength_table(summary: dict[str, Any], name: str, quantities: Sequence[tuple[str, str, int]], caption: str) -> str:
    """A table with a row per wavelength and, under each channel, a column per quantity."""
    data = summary["tables"][name]
    rows = data["rows"]
    channels = summary["measured"]["channels"]
    extras = [(key, title) for key, title in (("exposure_time", f"exposure{_units(data.get('exposure_time_units'))}"), ("image_number", "image")) if any(key in row for row in rows)]
    first = f'<th rowspan="2">λ{_e(_units(data["wavelength_units"]))}</th>' + "".join(f'<th rowspan="2">{_e(title)}</th>' for _, title in extras)
    head = f"<tr>{first}" + "".join(f'<th colspan="{len(quantities)}">{_e(channel)}</th>' for channel in channels) + "</tr>"
    head += "<tr>" + "".join(f"<th>{_e(title)}</th>" for _ in channels for _, title, _ in quantities) + "</tr>"
    body = []
    for row in rows:
        cells = [format_number(row["wavelength"], 6)] + [format_number(row.get(key), 4) for key, _ in extras]
        cells += [format_number(row["channels"][channel][key], digits) for channel in channels for key, _, digits in quantities]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return _table(head, body, caption, long=len(rows) > 15)


def _tables_html(summary: dict[str, Any]) -> str:
    tables = summary["tables"]
    parts = []
    triple = (("mean", "mean", 5), ("std", "std", 5), ("snr", "SNR", 4))
    if "samples" in tables:
        units = tables["samples"]["units"]
        parts.append("<h3>Samples per wavelength</h3>" + _wavelength_table(summary, "samples", triple, f"mean and std in {display_units(units) or 'the file’s units'}; SNR = mean / std"))
    if "response" in tables:
        units = tables["response"]["units"]
        parts.append("<h3>Response per wavelength</h3>" + _wavelength_table(summary, "response", triple, f"mean and std in {display_units(units) or 'the file’s units'}; SNR = mean / std, “extrapolated” outside the measured samples"))
    if "fit" in tables:
        fit = tables["fit"]
        quantities = (("mean", "measured", 5), ("std", "noise", 4), ("estimate_mean", "estimate", 5), ("estimate_std", "est. std", 4), ("residual", "residual", 4))
        parts.append(
            f"<details><summary>Fit at {len(fit['rows'])} nominal wavelengths</summary>"
            + _wavelength_table(summary, "fit", quantities, f"measured and estimated in {display_units(fit['units']) or 'the file’s units'}")
            + "</details>"
        )
    return "".join(parts)


def _provenance_html(summary: dict[str, Any]) -> str:
    facts = provenance_facts(summary)
    if not facts:
        return '<h3>Provenance</h3><p class="none">None recorded: a file of the original tools.</p>'
    parts = ["<h3>Provenance</h3>", _facts(facts)]
    provenance = summary["provenance"]
    if provenance["settings_yaml"]:
        name = Path(provenance["settings_file"]).name if provenance["settings_file"] else "settings"
        parts.append(f"<details><summary>Settings file {_e(name)}</summary><pre>{_e(provenance['settings_yaml'])}</pre></details>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------------------------------
# The page


class _Figures:
    """Numbers the figures of the page and makes each id prefix unique."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, results: Sequence[Result], panel: str, heading: str) -> str:
        self.count += 1
        caption = f"Figure {self.count}. {CAPTIONS[panel]}"
        figure = panel_figure(results, panel, size=FIGURE_SIZE)
        svg = figure_svg(figure, f"f{self.count}", f"{heading}: {CAPTIONS[panel]}")
        return f'<figure id="figure-{self.count}">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _panels_for(result: Result) -> list[str]:
    panels: list[str] = []
    for kind in result.kinds:
        for panel in PANELS[kind]:
            # each panel is of its kind, whose part is present
            if panel in ("exposure", "noise") and (result.samples is None or result.samples.exposure_time is None):
                continue
            if panel == "noise-electrons" and noise_units([result], electrons=True) is None:
                continue
            if panel in ("fit", "residuals") and (result.response is None or result.response.fit is None):
                continue
            if panel in ("ptc", "ptc-residuals") and (result.emva is None or result.emva.ptc_mean is None):
                continue
            panels.append(panel)
    return panels


def _result_section(number: int, result: Result, title: str, summary: dict[str, Any], figures: _Figures) -> str:
    kinds = " + ".join(summary["kinds"])
    panels = _panels_for(result)
    figure_html = "".join(figures([result], panel, title) for panel in panels)
    absent = "".join(f'<p class="none">{_e(line)}</p>' for line in summary["absent"])
    warnings = ""
    if summary["warnings"]:
        items = "".join(f"<li>{_e(text)}</li>" for text in summary["warnings"])
        warnings = f'<h3>Warnings recorded during the run</h3><ul class="warnings">{items}</ul>'
    return (
        f'<section class="result" id="file-{number}">'
        f'<h2>{_e(title)} <span class="kind">{_e(kinds)}</span></h2>'
        f"{_facts(measured_facts(summary))}{warnings}{_merit_html(summary)}"
        f'<h3>Figures</h3>{absent}<div class="figures">{figure_html}</div>'
        f"{_tables_html(summary)}{_provenance_html(summary)}</section>"
    )


def _comparison(results: Sequence[Result], titles: Sequence[str], figures: _Figures) -> str:
    """Overlays of the files that share a kind, when there are at least two."""
    blocks = []
    for kind, panels in PANELS.items():
        group = [result for result in results if kind in result.kinds]
        if len(group) < 2:
            continue
        usable = [panel for panel in panels if all(panel in _panels_for(result) for result in group)]
        if usable:
            names = ", ".join(title for result, title in zip(results, titles) if kind in result.kinds)
            blocks.append(f"<h3>{_e(kind)}: {_e(names)}</h3>" + '<div class="figures">' + "".join(figures(group, panel, f"{kind} comparison") for panel in usable) + "</div>")
    if not blocks:
        return ""
    return '<section class="comparison" id="comparison"><h2>Comparison</h2>' + "".join(blocks) + "</section>"


def _origins(summaries: Sequence[dict[str, Any]]) -> str:
    """Which tool wrote the files: '3 result files: 1 written by camchar 0.1.0, 2 by the original tools.'"""
    versions = [summary["provenance"]["camchar_version"] for summary in summaries]
    parts = []
    for version in sorted({item for item in versions if item}):
        parts.append(f"{versions.count(version)} written by camchar {version}")
    if None in versions:
        parts.append(f"{versions.count(None)} by the original tools (no provenance)")
    files = f"{len(summaries)} result file{'s' if len(summaries) > 1 else ''}"
    return f"{files}: {', '.join(parts)}."


def render_report(items: Sequence[str | Path | Result]) -> str:
    """The report page of one or more result files, as HTML text.

    For each file: what was measured, recorded warnings, figures of merit,
    the figures, the per-wavelength tables and the provenance (with the
    settings file's text in a ``<details>`` block); with several files of a
    kind, a comparison section overlays them first.

    Raises
    ------
    BadInput
        When a file is not a camchar result, or matplotlib is missing.
    """
    if not items:
        raise BadInput(None, "no result files given")
    results = [item if isinstance(item, Result) else read_result(item) for item in items]
    summaries = [summarise(result) for result in results]
    titles = display_names(results)  # labels, with the file name where two files share one
    figures = _Figures()
    comparison = _comparison(results, titles, figures)
    sections = "".join(
        _result_section(number, result, title, summary, figures)
        for number, (result, title, summary) in enumerate(zip(results, titles, summaries), start=1)
    )
    nav_items = ([('<a href="#comparison">Comparison</a>')] if comparison else []) + [
        f'<a href="#file-{number}">{_e(title)}</a> <span class="kind">{_e(" + ".join(result.kinds))}</span>'
        for number, (result, title) in enumerate(zip(results, titles), start=1)
    ]
    nav = "<nav><ol>" + "".join(f"<li>{item}</li>" for item in nav_items) + "</ol></nav>" if len(nav_items) > 1 else ""
    version = _camchar_version()
    title = "camchar report: " + ", ".join(titles)
    written_by = _origins(summaries)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'  # no favicon request: the page loads nothing
        f'<meta name="generator" content="camchar {_e(version)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>camchar report</h1><p class="lede">{_e(written_by)}</p>{nav}</header>\n'
        f"<main>{comparison}{sections}</main>\n"
        f"<footer>Made by camchar {_e(version)}. This page is self-contained: its figures are inline SVG, and it loads nothing.</footer>\n"
        "</body>\n</html>\n"
    )


def write_report(paths: Sequence[str | Path | Result], output_html: str | Path) -> Path:
    """``camchar report FILE... -o report.html``: write the report page atomically.

    Parameters
    ----------
    paths
        Result files (or results).
    output_html
        The HTML file to write.

    Returns
    -------
    Path
        ``output_html``.
    """
    page = render_report(paths)
    output = Path(output_html)
    with atomic_output(output) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return output
